//! Stage `validate` (being written).
