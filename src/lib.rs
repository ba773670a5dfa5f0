//! faqbot: a rule-based, explainable FAQ bot for customer service.
//!
//! (Crate documentation is written in full once the pipeline stands.)

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod analyze;
mod bot;
pub mod decide;
pub mod diag;
mod hours;
mod index;
pub mod lang;
pub mod load;
mod load_cases;
pub mod model;
pub mod normalize;
mod rules;
mod score;
pub mod session;
mod stem_lv;
mod stopwords;
pub mod testing;
pub mod validate;

pub use bot::{Bot, BotBuilder, Input, DEFAULT_MAX_MESSAGE_BYTES};
pub use decide::{Decision, DecisionKind};
pub use diag::{Diagnostic, DiagnosticKind, LoadError, Severity};
pub use load::{load_dir, Loaded};
pub use model::{Content, IntentDef, Language, Located, Pos, Settings};
pub use session::Session;
