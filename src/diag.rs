//! Stage `diag` (temporary stand-in until the real one lands).
use crate::model::Pos;
use std::fmt;
/// Severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Severity {
    /// Error.
    Error,
    /// Warning.
    Warning,
}
/// Kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// Invalid value.
    InvalidValue,
    /// Io.
    Io,
}
/// A problem.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Diagnostic {
    severity: Severity,
    kind: DiagnosticKind,
    message: String,
    pos: Option<Pos>,
}
impl Diagnostic {
    /// Error.
    pub fn error(kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: message.into(),
            pos: None,
        }
    }
    /// At.
    pub fn at(mut self, pos: Option<Pos>) -> Self {
        self.pos = pos;
        self
    }
    /// Pos.
    pub fn pos(&self) -> Option<&Pos> {
        self.pos.as_ref()
    }
    /// Severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// Kind.
    pub fn kind(&self) -> DiagnosticKind {
        self.kind
    }
    /// Render.
    pub fn render(&self, _source: Option<&str>) -> String {
        self.to_string()
    }
}
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pos {
            Some(p) => write!(f, "{p}: error: {}", self.message),
            None => write!(f, "error: {}", self.message),
        }
    }
}
/// Errors.
#[derive(Clone, Debug)]
pub struct LoadError {
    diagnostics: Vec<Diagnostic>,
}
impl LoadError {
    /// New.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        LoadError { diagnostics }
    }
    /// Diagnostics.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}
impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}
impl std::error::Error for LoadError {}
