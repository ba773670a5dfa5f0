//! Diagnostics: problems in content that an editor can act on.
//!
//! Every stage that reads editor-written content ([`crate::load`], [`crate::validate`])
//! reports problems as [`Diagnostic`]s instead of stopping at the first one. A diagnostic
//! has a [`Severity`], a machine-readable [`DiagnosticKind`], a short message in plain
//! editor language, usually a [`Pos`], sometimes a second related position ("first at …")
//! and a hint.
//!
//! Two renderings: [`Display`](std::fmt::Display) is exactly one line
//! (`intents/billing.yaml:12:7: error: duplicate example "reset password" (first at intents/account.yaml:4:7)`),
//! and [`Diagnostic::render`] adds the source line with a caret for terminals.

use std::fmt;

use serde::Serialize;

use crate::model::Pos;

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The content cannot be used as written.
    Error,
    /// The content works but is probably not what the editor meant.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// What kind of problem a [`Diagnostic`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not valid YAML.
    Syntax,
    /// A field name that the format does not know (often a typo).
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// A value of the wrong shape (text where a list was expected, …).
    WrongType,
    /// A safety limit was hit: file size, nesting depth, alias expansion.
    Limit,
    /// Two intents share an id.
    DuplicateIntentId,
    /// The same example phrasing appears twice.
    DuplicateExample,
    /// Two keywords of one intent read the same (inflections of one word): the second
    /// adds nothing.
    DuplicateKeyword,
    /// A regular expression does not compile.
    InvalidRegex,
    /// An intent has no answer for a declared language.
    MissingAnswer,
    /// An answer uses a `{name}` placeholder that no pattern captures.
    UnknownPlaceholder,
    /// An intent has no label for a declared language.
    MissingLabel,
    /// A bot message is missing for a declared language.
    MissingMessage,
    /// An intent has no examples, keywords or patterns.
    EmptyIntent,
    /// Few examples in a language: matching will be weak.
    FewExamples,
    /// `follow_ups` or `context` names an intent that does not exist.
    UnknownIntentReference,
    /// A language code that is unknown or not declared in `bot.yaml`.
    UnknownLanguage,
    /// A value of the right type but not allowed (bad id, threshold out of range, bad time).
    InvalidValue,
    /// A file or directory could not be read.
    Io,
    /// Two intents have nearly the same example: customers will get the wrong one or a
    /// clarification (found by `faqbot check` on the compiled bot).
    Conflict,
    /// An example of an intent the bot answers is handed to a human instead: a human or
    /// frustration phrase fires on it, so customers asking that way never get the answer
    /// (found by `faqbot check` on the compiled bot).
    EscalatingExample,
}

/// One problem found in content, with where it is and how to fix it.
///
/// Opaque on purpose: build it with [`Diagnostic::error`] / [`Diagnostic::warning`] and
/// the `at` / `with_related` / `with_hint` builders, read it with the accessors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    severity: Severity,
    kind: DiagnosticKind,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pos: Option<Pos>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

/// A second place involved in a problem, e.g. the first occurrence of a duplicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Related {
    label: String,
    pos: Pos,
}

impl Diagnostic {
    /// A new error without a position.
    pub fn error(kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, kind, message.into())
    }

    /// A new warning without a position.
    pub fn warning(kind: DiagnosticKind, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, kind, message.into())
    }

    fn new(severity: Severity, kind: DiagnosticKind, message: String) -> Self {
        Diagnostic {
            severity,
            kind,
            message,
            pos: None,
            related: None,
            hint: None,
        }
    }

    /// Sets the position the problem is at (`None` leaves it unset).
    #[must_use]
    pub fn at(mut self, pos: impl Into<Option<Pos>>) -> Self {
        self.pos = pos.into();
        self
    }

    /// Adds a second position with a label, e.g. `("first at", pos)`.
    #[must_use]
    pub fn with_related(mut self, label: impl Into<String>, pos: impl Into<Option<Pos>>) -> Self {
        self.related = pos.into().map(|pos| Related {
            label: label.into(),
            pos,
        });
        self
    }

    /// Adds a hint on how to fix the problem.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> DiagnosticKind {
        self.kind
    }

    /// The message, without position or hint.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the problem is, when known.
    pub fn pos(&self) -> Option<&Pos> {
        self.pos.as_ref()
    }

    /// A second place involved, with its label (e.g. `"first at"`).
    pub fn related(&self) -> Option<(&str, &Pos)> {
        self.related.as_ref().map(|r| (r.label.as_str(), &r.pos))
    }

    /// How to fix it, when there is an obvious suggestion.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Is this an error (as opposed to a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A multi-line rendering for terminals: the one-line form, then (when `source` is the
    /// text of the file the position points into) that source line with a gutter and a
    /// caret under the column, then `= hint: …`. No colour codes.
    pub fn render(&self, source: Option<&str>) -> String {
        let mut out = self.to_string();
        if let (Some(pos), Some(source)) = (&self.pos, source) {
            if let Some(line) = source.lines().nth((pos.line as usize).saturating_sub(1)) {
                let line = line.trim_end_matches('\r');
                let number = pos.line.to_string();
                let pad = " ".repeat(number.len());
                // Tabs keep their width in the caret line so the caret stays aligned.
                let before: String = line
                    .chars()
                    .take((pos.column as usize).saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push_str(&format!("\n{pad} |\n{number} | {line}\n{pad} | {before}^"));
            }
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("\n  = hint: {hint}"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(pos) = &self.pos {
            write!(f, "{pos}: ")?;
        }
        write!(f, "{}: {}", self.severity, self.message)?;
        if let Some(r) = &self.related {
            write!(f, " ({} {})", r.label, r.pos)?;
        }
        Ok(())
    }
}

/// Content could not be loaded: at least one [`Diagnostic`] is an error.
///
/// Holds every diagnostic found (warnings too), so a caller can show them all at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    /// Wraps diagnostics; `None` when none of them is an error.
    pub fn new(diagnostics: Vec<Diagnostic>) -> Option<Self> {
        if diagnostics.iter().any(Diagnostic::is_error) {
            Some(LoadError { diagnostics })
        } else {
            None
        }
    }

    /// All diagnostics, errors and warnings, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Takes the diagnostics out.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = self.diagnostics.len() - errors;
        write!(f, "content has {errors} error{}", plural(errors))?;
        if warnings > 0 {
            write!(f, " and {warnings} warning{}", plural(warnings))?;
        }
        for d in &self.diagnostics {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    fn pos(file: &str, line: u32, column: u32) -> Pos {
        Pos {
            file: Arc::from(Path::new(file)),
            line,
            column,
        }
    }

    #[test]
    fn display_is_one_line_with_position_and_related() {
        let d = Diagnostic::error(
            DiagnosticKind::DuplicateExample,
            "duplicate example \"reset password\"",
        )
        .at(pos("intents/billing.yaml", 12, 7))
        .with_related("first at", pos("intents/account.yaml", 4, 7))
        .with_hint("remove one of them");
        assert_eq!(
            d.to_string(),
            "intents/billing.yaml:12:7: error: duplicate example \"reset password\" (first at intents/account.yaml:4:7)"
        );
    }

    #[test]
    fn display_without_position_is_severity_and_message() {
        let d = Diagnostic::warning(DiagnosticKind::Io, "nothing here");
        assert_eq!(d.to_string(), "warning: nothing here");
    }

    #[test]
    fn render_shows_source_line_caret_and_hint() {
        let d = Diagnostic::error(DiagnosticKind::UnknownField, "unknown field `exampels`")
            .at(pos("x.yaml", 2, 5))
            .with_hint("did you mean `examples`?");
        let src = "intents:\n  - exampels: []\n";
        assert_eq!(
            d.render(Some(src)),
            "x.yaml:2:5: error: unknown field `exampels`\n  |\n2 |   - exampels: []\n  |     ^\n  = hint: did you mean `examples`?"
        );
    }

    #[test]
    fn render_without_source_is_display_plus_hint() {
        let d = Diagnostic::error(DiagnosticKind::Io, "gone").with_hint("check the path");
        assert_eq!(d.render(None), "error: gone\n  = hint: check the path");
    }

    #[test]
    fn load_error_only_exists_with_an_error() {
        assert!(
            LoadError::new(vec![Diagnostic::warning(DiagnosticKind::FewExamples, "w")]).is_none()
        );
        let e = LoadError::new(vec![
            Diagnostic::error(DiagnosticKind::Io, "a"),
            Diagnostic::warning(DiagnosticKind::FewExamples, "b"),
        ])
        .expect("has an error");
        assert_eq!(
            e.to_string(),
            "content has 1 error and 1 warning\nerror: a\nwarning: b"
        );
        assert_eq!(e.diagnostics().len(), 2);
    }

    #[test]
    fn kinds_serialize_in_snake_case() {
        let d = Diagnostic::error(DiagnosticKind::DuplicateIntentId, "x");
        let json = serde_json::to_string(&d).expect("serializes");
        assert!(json.contains("\"duplicate_intent_id\""), "{json}");
    }
}
