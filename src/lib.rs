//! faqbot answers customers' repetitive questions in a chat widget — instantly, in the
//! customer's own language (Polish, English, Latvian, Russian) — and hands everything else
//! to a human together with the whole conversation. It is rule-based and explainable: no
//! training, no network, no neural model. Content editors write intents in YAML; the
//! library compiles them into an immutable, thread-safe [`Bot`]; every message gets a
//! typed [`Decision`]: [`Answer`](decide::Answer), [`Clarify`](decide::Clarify),
//! [`Escalate`](decide::Escalate) or [`Fallback`](decide::Fallback) (plus
//! [`Human`](decide::HumanMode) while an agent has the conversation).
//!
//! # Example
//!
//! ```
//! use faqbot::{Bot, Decision, Session};
//!
//! let bot = Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))?;
//! let mut session = Session::new();
//! match bot.respond(&mut session, "gdzie jest moja paczka?") {
//!     Decision::Answer(a) => {
//!         assert_eq!(a.intent, "order_status");
//!         println!("{}", a.text);
//!     }
//!     other => panic!("expected an answer, got {other:?}"),
//! }
//! // Asking for a person hands over, with everything the agent needs.
//! let d = bot.respond(&mut session, "chcę rozmawiać z konsultantem");
//! assert_eq!(d.kind(), faqbot::DecisionKind::Escalate);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Pipeline
//!
//! ```text
//! intents/*.yaml ─load─▶ model::Content ─validate, compile─▶ Bot (Arc inside, Send + Sync)
//!
//! message ─normalize/analyze─▶ tokens (stems, byte offsets) ─index─▶ candidate intents
//!         ─score─▶ confidences + explanation ─decide (thresholds, rules, Session)─▶ Decision
//! ```
//!
//! - [`load`] reads YAML (the only module that knows YAML) and reports every problem as a
//!   [`Diagnostic`] with file:line:column; [`validate`] checks the content's meaning.
//! - [`normalize`] and [`analyze`] lowercase, fold diacritics (ą→a, ł→l, ā→a, ё→е), split
//!   words, mark stop words and stem per language; the same [`analyze::Analyzer`] is used
//!   when compiling and when answering.
//! - The index (private) holds stems, stem bigrams and character n-grams with weights
//!   computed from the content, plus a typo-tolerant vocabulary; the scorer combines
//!   nearest-example, whole-intent, keyword and pattern evidence into a confidence.
//! - [`decide`] turns candidates and the [`Session`] into a decision: thresholds and
//!   margin, requests for a human, frustration, misses in a row, human-only intents,
//!   business hours, clarification picks and follow-up context.
//! - [`testing`] runs editors' conversation tests (`faqbot test`).
//! - [`report`] groups the messages of a log that the bot does not answer, for editors
//!   (`faqbot unanswered`).
//!
//! Answering never fails and never panics: [`Bot::respond`] returns a decision for any
//! input — empty, huge (cut at [`DEFAULT_MAX_MESSAGE_BYTES`]), binary or mixed scripts.
//!
//! # Features
//!
//! - `cli` (default): the `faqbot` command-line tool (`check`, `ask`, `chat`, `eval`,
//!   `test`, `unanswered`) and its dependencies (clap, anyhow, serde_json). Embedders can use
//!   `default-features = false` to get the library alone.
//!
//! # Content format
//!
//! A content directory holds `bot.yaml` (languages, default language, thresholds,
//! escalation rules, business hours, the bot's own messages) and any number of intent
//! files with an `intents:` list. Per intent: `id`, `label` per language, `examples` per
//! language, optional `keywords` per language, optional regex `patterns` whose named
//! captures become values usable in answers as `{name}`, `answer` per language (one text
//! or a list of variants), `follow_ups`, `department`, `human_only` (always hand over
//! after the answer), `sensitive` (hand over rather than ask "did you mean …?" when the
//! bot leans to it but is not sure), `context` (match only right after these intents). The full field
//! list is in `docs/content-format.md` and the README.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod analyze;
mod bot;
pub mod decide;
pub mod diag;
mod edit;
mod hours;
mod index;
pub mod lang;
pub mod load;
mod load_cases;
pub mod model;
pub mod normalize;
mod parts;
mod reject;
pub mod report;
mod rules;
mod score;
pub mod session;
mod stem_lv;
mod stopwords;
pub mod testing;
pub mod validate;

pub use bot::{Bot, BotBuilder, Conflict, EscalatingExample, Input, DEFAULT_MAX_MESSAGE_BYTES};
pub use decide::{Decision, DecisionKind};
pub use diag::{Diagnostic, DiagnosticKind, LoadError, Severity};
pub use load::{load_dir, Loaded};
pub use model::{Content, IntentDef, Language, Located, Pos, Settings};
pub use session::Session;
