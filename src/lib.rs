//! faqbot: a rule-based, explainable FAQ bot for customer service.
//!
//! (Crate documentation is written in full once the pipeline stands.)

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod analyze;
pub mod diag;
pub mod lang;
pub mod load;
pub mod model;
pub mod normalize;
mod stem_lv;
pub mod validate;

pub use diag::{Diagnostic, DiagnosticKind, LoadError, Severity};
pub use load::{load_dir, Loaded};
pub use model::{Content, IntentDef, Language, Located, Pos, Settings};
