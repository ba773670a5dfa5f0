//! Stage `validate` (temporary stand-in until the real one lands).
use crate::diag::Diagnostic;
use crate::model::Content;
/// Validate.
pub fn validate(_content: &Content) -> Vec<Diagnostic> {
    Vec::new()
}
