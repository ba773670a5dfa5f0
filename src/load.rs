//! Stage `load` (temporary stand-in until the real one lands).
use crate::diag::{Diagnostic, LoadError};
use crate::model::Content;
use std::path::Path;
/// Loaded.
#[derive(Debug)]
pub struct Loaded {
    /// Content.
    pub content: Content,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Sources.
    pub sources: std::collections::BTreeMap<std::sync::Arc<Path>, String>,
}
impl Loaded {
    /// Has errors.
    pub fn has_errors(&self) -> bool {
        false
    }
    /// Into result.
    pub fn into_result(self) -> Result<(Content, Vec<Diagnostic>), LoadError> {
        Ok((self.content, self.diagnostics))
    }
}
/// Load.
pub fn load_dir(_dir: impl AsRef<Path>) -> Loaded {
    Loaded {
        content: Content::default(),
        diagnostics: vec![],
        sources: Default::default(),
    }
}
