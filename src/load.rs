//! Stage `load` (being written).
