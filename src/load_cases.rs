//! Loading conversation test files (YAML) into [`crate::testing::TestFile`].
//!
//! Part of the loading stage: like `load`, this is the only other place that knows YAML.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::decide::DecisionKind;
use crate::diag::{Diagnostic, DiagnosticKind, LoadError};
use crate::model::{Language, Pos};
use crate::testing::{Conversation, TestFile, TestTurn};

/// Test files larger than this are refused.
const MAX_TEST_FILE_BYTES: u64 = 8 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    conversations: Vec<Spanned<RawConversation>>,
    #[serde(default)]
    cases: Vec<Spanned<RawTurn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversation {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    lang: Option<Language>,
    #[serde(default)]
    now: Option<String>,
    turns: Vec<Spanned<RawTurn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTurn {
    #[serde(default)]
    say: Option<String>,
    #[serde(default)]
    hand_back: bool,
    #[serde(default)]
    lang: Option<Language>,
    #[serde(default)]
    now: Option<String>,
    #[serde(default)]
    expect: Option<DecisionKind>,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    language: Option<Language>,
    #[serde(default)]
    text_contains: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    agents_available: Option<bool>,
    #[serde(default)]
    also: Option<Vec<String>>,
}

fn pos(file: &Arc<Path>, line: u64, column: u64) -> Option<Pos> {
    (line > 0).then(|| Pos {
        file: Arc::clone(file),
        line: line as u32,
        column: column as u32,
    })
}

fn turn(
    file: &Arc<Path>,
    raw: Spanned<RawTurn>,
    lang: Option<Language>,
    now: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> TestTurn {
    let at = pos(file, raw.referenced.line(), raw.referenced.column());
    let r = raw.value;
    let now_text = r.now.as_deref().or(now);
    let now = now_text.and_then(|t| match t.parse::<jiff::Timestamp>() {
        Ok(ts) => Some(ts),
        Err(e) => {
            errors.push(
                Diagnostic::error(
                    DiagnosticKind::InvalidValue,
                    format!(
                        "`now` must be an RFC 3339 time such as 2026-11-23T23:30:00+01:00: {e}"
                    ),
                )
                .at(at.clone()),
            );
            None
        }
    });
    if r.say.is_none() && !r.hand_back {
        errors.push(
            Diagnostic::error(
                DiagnosticKind::InvalidValue,
                "a turn needs `say` (or `hand_back: true`)",
            )
            .at(at.clone()),
        );
    }
    TestTurn {
        say: r.say.unwrap_or_default(),
        hand_back: r.hand_back,
        lang: r.lang.or(lang),
        now,
        expect: r.expect,
        intent: r.intent,
        language: r.language,
        text_contains: r.text_contains,
        reason: r.reason,
        department: r.department,
        options: r.options,
        agents_available: r.agents_available,
        also: r.also,
        pos: at,
    }
}

/// Wraps error diagnostics (never empty here) into the error type.
fn fail(errors: Vec<Diagnostic>) -> Result<TestFile, LoadError> {
    LoadError::new(errors).map_or_else(|| Ok(TestFile::default()), Err)
}

/// Parses a test file's text. `path` is used in positions.
pub(crate) fn parse(path: &Path, text: &str) -> Result<TestFile, LoadError> {
    let file: Arc<Path> = Arc::from(path);
    let raw: Result<RawFile, _> = serde_saphyr::from_str(text).map_err(|e| {
        let at = e
            .location()
            .and_then(|l| pos(&file, l.line(), l.column()))
            .or_else(|| pos(&file, 1, 1));
        let msg = e.to_string();
        let first = msg.lines().next().unwrap_or("invalid YAML").to_string();
        vec![Diagnostic::error(DiagnosticKind::Syntax, first).at(at)]
    });
    let raw = match raw {
        Ok(r) => r,
        Err(d) => return fail(d),
    };
    let mut errors = Vec::new();
    let mut out = TestFile::default();
    for c in raw.conversations {
        let at = pos(&file, c.referenced.line(), c.referenced.column());
        let c = c.value;
        let name = c.name.unwrap_or_else(|| {
            format!("conversation at line {}", at.as_ref().map_or(0, |p| p.line))
        });
        let turns = c
            .turns
            .into_iter()
            .map(|t| turn(&file, t, c.lang, c.now.as_deref(), &mut errors))
            .collect();
        out.conversations.push(Conversation {
            name,
            turns,
            pos: at,
        });
    }
    for t in raw.cases {
        let t = turn(&file, t, None, None, &mut errors);
        out.conversations.push(Conversation {
            name: format!("case \"{}\"", t.say),
            pos: t.pos.clone(),
            turns: vec![t],
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        fail(errors)
    }
}

/// Reads and parses a test file.
pub(crate) fn load(path: &Path) -> Result<TestFile, LoadError> {
    let io = |msg: String| fail(vec![Diagnostic::error(DiagnosticKind::Io, msg)]);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return io(format!("{}: {e}", path.display())),
    };
    if meta.len() > MAX_TEST_FILE_BYTES {
        return io(format!(
            "{}: test file larger than {} bytes",
            path.display(),
            MAX_TEST_FILE_BYTES
        ));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text),
        Err(e) => io(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_and_conversations_are_read_with_positions() {
        let text = "conversations:\n  - name: a\n    lang: pl\n    turns:\n      - say: hej\n        expect: answer\n        intent: greeting\n      - hand_back: true\ncases:\n  - { say: yo, expect: fallback }\n";
        let f = parse(Path::new("t.yaml"), text).expect("parses");
        assert_eq!(f.conversations.len(), 2);
        let t = &f.conversations[0].turns[0];
        assert_eq!(t.lang, Some(Language::Pl));
        assert_eq!(t.expect, Some(DecisionKind::Answer));
        assert_eq!(t.pos.as_ref().map(|p| p.line), Some(5));
        assert!(f.conversations[0].turns[1].hand_back);
        assert_eq!(f.conversations[1].turns[0].say, "yo");
    }

    #[test]
    fn bad_time_and_unknown_field_are_errors() {
        let bad_time = "cases:\n  - { say: x, now: yesterday }\n";
        assert!(parse(Path::new("t.yaml"), bad_time).is_err());
        let unknown = "cases:\n  - { say: x, expcet: answer }\n";
        let e = parse(Path::new("t.yaml"), unknown).expect_err("unknown field");
        assert!(e.to_string().contains("t.yaml:2"), "{e}");
    }
}
