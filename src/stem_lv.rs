//! Stage `stem_lv` (being written).
