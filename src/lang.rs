//! Stage `lang` (being written).
