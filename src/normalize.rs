//! Stage `normalize` (being written).
