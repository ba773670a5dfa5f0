//! Stage `diag` (being written).
