//! Stage `analyze` (being written).
