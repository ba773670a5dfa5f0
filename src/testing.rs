//! Conversation tests that content editors write: expected decisions, turn by turn.
//!
//! The same files serve `faqbot test` and `cargo test`. A file holds `conversations:`
//! (each a list of turns sharing one session) and/or `cases:` (single-message
//! conversations, a compact form for many one-line checks):
//!
//! ```yaml
//! conversations:
//!   - name: parcel, then a human at night
//!     turns:
//!       - say: gdzie jest moja paczka
//!         expect: answer            # answer | clarify | escalate | fallback | human
//!         intent: order_status
//!       - say: chcę rozmawiać z konsultantem
//!         now: "2026-11-23T23:30:00+01:00"
//!         expect: escalate
//!         reason: human_requested
//!         agents_available: false
//! cases:
//!   - { say: "where is my parcel", expect: answer, intent: order_status }
//! ```
//!
//! Expectations other than `expect` are optional: `intent`, `language`, `text_contains`
//! (a substring of the reply, compared case-insensitively), `reason`, `department`,
//! `options` (intents that must be among the clarify options, among the topics a
//! fallback suggests, or among the options an answer asks about for another part of the
//! message), `agents_available`, `also`
//! (the intents answered besides `intent` when the message asks several questions, in
//! order; `also: []` checks that only one was answered). A turn
//! may set `lang` (force the language) and `now` (the clock); a turn `hand_back: true`
//! hands the session back from the human agent and expects nothing.
//!
//! Parsing YAML is the loading stage's business ([`load`] calls it).

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::bot::{Bot, Input};
use crate::decide::{Decision, DecisionKind};
use crate::model::{Language, Pos};
use crate::session::Session;

/// A test file: conversations, each with turns.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TestFile {
    /// The conversations, in file order (cases come as one-turn conversations).
    pub conversations: Vec<Conversation>,
}

/// One conversation: turns sharing one session.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Conversation {
    /// A name for reports.
    pub name: String,
    /// The turns.
    pub turns: Vec<TestTurn>,
    /// Where it starts.
    pub pos: Option<Pos>,
}

/// One customer message and what must happen.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TestTurn {
    /// The message (empty for a `hand_back` turn).
    pub say: String,
    /// Hand the session back from the human before this turn (no message is sent when
    /// `say` is empty).
    pub hand_back: bool,
    /// Force the language.
    pub lang: Option<Language>,
    /// The clock.
    pub now: Option<Timestamp>,
    /// Expected decision kind.
    pub expect: Option<DecisionKind>,
    /// Expected intent.
    pub intent: Option<String>,
    /// Expected reply language.
    pub language: Option<Language>,
    /// A substring the reply must contain (case-insensitive).
    pub text_contains: Option<String>,
    /// Expected escalation reason (snake_case name).
    pub reason: Option<String>,
    /// Expected department.
    pub department: Option<String>,
    /// Intents that must be among the clarify options (or a fallback's suggestions, or
    /// the options of an answer's question about another part of the message).
    pub options: Vec<String>,
    /// Expected availability of agents on escalation.
    pub agents_available: Option<bool>,
    /// The intents expected to be answered besides `intent`, in order (see
    /// [`crate::decide::Answer::also`]); `Some(vec![])`: no other answer. Unchecked when
    /// `None`.
    #[serde(default)]
    pub also: Option<Vec<String>>,
    /// Where the turn is written.
    pub pos: Option<Pos>,
}

/// A failed expectation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failure {
    /// Where the failing turn is written.
    pub pos: Option<Pos>,
    /// The conversation's name.
    pub conversation: String,
    /// 1-based turn number.
    pub turn: usize,
    /// The message.
    pub say: String,
    /// What went wrong.
    pub problems: Vec<String>,
    /// What the bot did, in short.
    pub got: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.pos {
            write!(f, "{p}: ")?;
        }
        write!(
            f,
            "{} (turn {}): \"{}\": {}; got {}",
            self.conversation,
            self.turn,
            self.say,
            self.problems.join("; "),
            self.got
        )
    }
}

/// Results of running a file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Turns checked.
    pub turns: usize,
    /// Conversations run.
    pub conversations: usize,
    /// Failures.
    pub failures: Vec<Failure>,
}

fn describe(d: &Decision) -> String {
    match d {
        Decision::Answer(a) => {
            let mut s = format!("answer {} ({:.2})", a.intent, a.confidence);
            for m in &a.also {
                s.push_str(&format!(" + {} ({:.2})", m.intent, m.confidence));
            }
            if let Some(c) = &a.clarify {
                let ids: Vec<&str> = c.options.iter().map(|o| o.intent.as_str()).collect();
                s.push_str(&format!(
                    " + asking [{}] ({:.2})",
                    ids.join(", "),
                    c.confidence
                ));
            }
            s
        }
        Decision::Clarify(c) => format!(
            "clarify [{}] ({:.2})",
            c.options
                .iter()
                .map(|o| o.intent.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            c.confidence
        ),
        Decision::Escalate(e) => format!(
            "escalate {} -> {}{}",
            e.reason.as_str(),
            e.department,
            e.intent
                .as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default()
        ),
        Decision::Fallback(f) => format!(
            "fallback{} ({:.2}{})",
            if f.options.is_empty() {
                String::new()
            } else {
                let ids: Vec<&str> = f.options.iter().map(|o| o.intent.as_str()).collect();
                format!(" suggesting [{}]", ids.join(", "))
            },
            f.confidence,
            f.explanation
                .candidates
                .first()
                .map(|c| format!(", best {}", c.intent))
                .unwrap_or_default()
        ),
        Decision::Human(_) => "human".to_string(),
    }
}

/// Checks one decision against a turn's expectations.
pub fn check_turn(turn: &TestTurn, d: &Decision) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(k) = turn.expect {
        if d.kind() != k {
            problems.push(format!("expected {}", k.as_str()));
        }
    }
    if let Some(i) = &turn.intent {
        let got = match d {
            Decision::Answer(a) => Some(a.intent.as_str()),
            Decision::Escalate(e) => e.intent.as_deref(),
            _ => None,
        };
        if got != Some(i.as_str()) {
            problems.push(format!("expected intent {i}"));
        }
    }
    if let Some(l) = turn.language {
        if d.language() != l {
            problems.push(format!("expected language {l}, got {}", d.language()));
        }
    }
    if let Some(t) = &turn.text_contains {
        if !d.text().to_lowercase().contains(&t.to_lowercase()) {
            problems.push(format!(
                "expected the reply to contain \"{t}\" (reply: \"{}\")",
                d.text()
            ));
        }
    }
    if turn.reason.is_some() || turn.department.is_some() || turn.agents_available.is_some() {
        match d {
            Decision::Escalate(e) => {
                if let Some(r) = &turn.reason {
                    if e.reason.as_str() != r {
                        problems.push(format!("expected reason {r}, got {}", e.reason.as_str()));
                    }
                }
                if let Some(dep) = &turn.department {
                    if &e.department != dep {
                        problems.push(format!("expected department {dep}, got {}", e.department));
                    }
                }
                if let Some(a) = turn.agents_available {
                    if e.agents_available != a {
                        problems.push(format!("expected agents_available {a}"));
                    }
                }
            }
            _ => problems.push("expected an escalation".to_string()),
        }
    }
    if let Some(expected) = &turn.also {
        let got: Vec<&str> = match d {
            Decision::Answer(a) => a.also.iter().map(|m| m.intent.as_str()).collect(),
            _ => Vec::new(),
        };
        if got != *expected {
            problems.push(format!(
                "expected also [{}], got [{}]",
                expected.join(", "),
                got.join(", ")
            ));
        }
    }
    if !turn.options.is_empty() {
        let got: Vec<&str> = d.options().iter().map(|o| o.intent.as_str()).collect();
        for o in &turn.options {
            if !got.contains(&o.as_str()) {
                problems.push(format!("expected option {o}"));
            }
        }
    }
    problems
}

/// Reads and parses a test file; every problem is reported with file:line:column.
pub fn load(path: &std::path::Path) -> Result<TestFile, crate::diag::LoadError> {
    crate::load_cases::load(path)
}

/// Parses test-file text (`path` is used in positions).
pub fn parse(path: &std::path::Path, text: &str) -> Result<TestFile, crate::diag::LoadError> {
    crate::load_cases::parse(path, text)
}

/// Runs every conversation of a file against a bot, each with a fresh session.
pub fn run(bot: &Bot, file: &TestFile) -> Report {
    let mut report = Report::default();
    for conv in &file.conversations {
        report.conversations += 1;
        let mut session = Session::new();
        for (k, turn) in conv.turns.iter().enumerate() {
            if turn.hand_back {
                session.hand_back();
                if turn.say.is_empty() {
                    continue;
                }
            }
            report.turns += 1;
            let d = bot.respond_with(
                &mut session,
                Input {
                    text: &turn.say,
                    language: turn.lang,
                    now: turn.now,
                },
            );
            let problems = check_turn(turn, &d);
            if !problems.is_empty() {
                report.failures.push(Failure {
                    pos: turn.pos.clone().or_else(|| conv.pos.clone()),
                    conversation: conv.name.clone(),
                    turn: k + 1,
                    say: turn.say.clone(),
                    problems,
                    got: describe(&d),
                });
            }
        }
    }
    report
}
