//! The content model: plain data describing a bot, before it is compiled.
//!
//! This is what the YAML loader ([`crate::load`]) produces and what [`crate::Bot`] is
//! compiled from. It knows nothing about YAML: a host (or `faqbot eval`) can build a
//! [`Content`] in code. Every editor-written string may carry the [`Pos`] it came from,
//! so that later validation can point back at the file, line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A language the bot understands.
///
/// Written in content files and JSON as its ISO 639-1 code (`pl`, `en`, `lv`, `ru`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Language {
    /// Polish.
    Pl,
    /// English.
    En,
    /// Latvian.
    Lv,
    /// Russian.
    Ru,
}

impl Language {
    /// Every supported language, in a fixed order.
    pub const ALL: [Language; 4] = [Language::Pl, Language::En, Language::Lv, Language::Ru];

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Pl => "pl",
            Language::En => "en",
            Language::Lv => "lv",
            Language::Ru => "ru",
        }
    }

    /// A dense index (0..4) for per-language arrays.
    pub fn index(self) -> usize {
        match self {
            Language::Pl => 0,
            Language::En => 1,
            Language::Lv => 2,
            Language::Ru => 3,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The error of parsing a [`Language`] from an unknown code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown language `{}` (expected one of: pl, en, lv, ru)",
            self.0
        )
    }
}

impl std::error::Error for UnknownLanguage {}

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pl" => Ok(Language::Pl),
            "en" => Ok(Language::En),
            "lv" => Ok(Language::Lv),
            "ru" => Ok(Language::Ru),
            _ => Err(UnknownLanguage(s.to_string())),
        }
    }
}

/// A position in a content file: 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    /// The file, as it was given to the loader.
    pub file: Arc<Path>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A value with the place it was written, when it came from a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written; `None` for content built in code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pos: Option<Pos>,
}

impl<T> Located<T> {
    /// A value built in code, with no position.
    pub fn new(value: T) -> Self {
        Located { value, pos: None }
    }

    /// A value with its position.
    pub fn at(value: T, pos: Pos) -> Self {
        Located {
            value,
            pos: Some(pos),
        }
    }
}

impl<T> From<T> for Located<T> {
    fn from(value: T) -> Self {
        Located::new(value)
    }
}

/// Text per language, for example a label or a bot message.
pub type PerLanguage<T> = BTreeMap<Language, T>;

/// Everything a bot is compiled from: settings plus intents.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Content {
    /// Bot-level settings (`bot.yaml`).
    pub settings: Settings,
    /// All intents, in file order.
    pub intents: Vec<IntentDef>,
}

/// Bot-level settings: languages, thresholds, escalation rules, hours, messages.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    /// Languages the bot answers in. Answers must exist for each of them.
    pub languages: Vec<Language>,
    /// The language used when detection is unsure and when a translation is missing.
    pub default_language: Language,
    /// Decision thresholds.
    pub thresholds: Thresholds,
    /// When to hand over to a human.
    pub escalation: EscalationRules,
    /// Business hours of the humans behind the bot.
    pub hours: Option<BusinessHours>,
    /// The bot's own messages.
    pub messages: Messages,
    /// How many topics a fallback suggests at most, when some are at least a little
    /// plausible (see [`crate::decide::Fallback::options`]): 0 to
    /// [`MAX_FALLBACK_SUGGESTIONS`]; 0 turns suggestions off (a fallback only asks to
    /// rephrase).
    #[serde(default = "default_fallback_suggestions")]
    pub fallback_suggestions: u32,
    /// Words and short phrases that mean the same in this content, per language: each
    /// group is a list of entries, the first one the group's name. Every inflection of
    /// every entry counts as the first entry, in the content and in messages alike (see
    /// [`crate::analyze::Analyzer::with_synonyms`]).
    #[serde(default)]
    pub synonyms: PerLanguage<Vec<Vec<Located<String>>>>,
    /// Where the settings came from.
    pub pos: Option<Pos>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            languages: Language::ALL.to_vec(),
            default_language: Language::En,
            thresholds: Thresholds::default(),
            escalation: EscalationRules::default(),
            hours: None,
            messages: Messages::default(),
            fallback_suggestions: MAX_FALLBACK_SUGGESTIONS,
            synonyms: PerLanguage::new(),
            pos: None,
        }
    }
}

/// The most topics a fallback suggests (the customer picks them by "1", "2", "3").
pub const MAX_FALLBACK_SUGGESTIONS: u32 = 3;

fn default_fallback_suggestions() -> u32 {
    MAX_FALLBACK_SUGGESTIONS
}

/// Decision thresholds on calibrated confidence in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Confidence at or above which the best intent is answered (if clear of the runner-up).
    pub answer: f32,
    /// Confidence at or above which close candidates are offered for clarification.
    pub clarify: f32,
    /// How far ahead of the runner-up the best intent must be to answer without asking.
    pub margin: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            answer: 0.5,
            clarify: 0.3,
            margin: 0.1,
        }
    }
}

/// Escalation rules: content, not code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EscalationRules {
    /// Phrases that ask for a human ("real person please", "оператор"), per language.
    /// Matched typo-tolerantly after normalisation.
    pub human_phrases: PerLanguage<Vec<Located<String>>>,
    /// Frustration words and phrases (insults, "to już trzeci raz"), per language.
    pub frustration_phrases: PerLanguage<Vec<Located<String>>>,
    /// Regex patterns (on the original text) that signal frustration, e.g. `!{3,}`.
    pub frustration_patterns: Vec<Located<String>>,
    /// Treat a message written mostly in capitals (at least this many letters) as shouting.
    /// `0` turns the rule off.
    pub shouting_min_letters: u32,
    /// Misses in a row (fallbacks or unresolved clarifications) before escalating.
    /// `0` turns the rule off.
    pub misses_before_escalate: u32,
    /// The department that takes escalations not tied to an intent.
    pub default_department: String,
}

impl Default for EscalationRules {
    fn default() -> Self {
        EscalationRules {
            human_phrases: PerLanguage::new(),
            frustration_phrases: PerLanguage::new(),
            frustration_patterns: Vec::new(),
            shouting_min_letters: 12,
            misses_before_escalate: 3,
            default_department: "support".to_string(),
        }
    }
}

/// Business hours of the human agents, per department, in one time zone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BusinessHours {
    /// IANA time zone name, e.g. `Europe/Warsaw`.
    pub timezone: Located<String>,
    /// Hours for departments without their own entry.
    pub default: WeekHours,
    /// Per-department hours.
    pub departments: BTreeMap<String, WeekHours>,
    /// Alternatives offered out of hours (callback, message, e-mail), per language.
    pub alternatives: PerLanguage<Vec<String>>,
}

/// Opening hours for each day of the week (Monday first). `None` means closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekHours {
    /// Index 0 = Monday … 6 = Sunday; each day a list of (open, close) minute-of-day ranges.
    pub days: [Vec<(u16, u16)>; 7],
}

/// The bot's own messages, per language.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Messages {
    /// "Sorry, I did not understand, could you rephrase?"
    pub fallback: PerLanguage<String>,
    /// "Did you mean:" — shown before the clarify options.
    pub clarify: PerLanguage<String>,
    /// "I'm not sure I understood. Is it about:" — a fallback's text when it suggests
    /// topics (the topics follow). Without it, the fallback text and the clarify prompt
    /// are used.
    #[serde(default)]
    pub suggest: PerLanguage<String>,
    /// "I am handing you over to a colleague."
    pub handoff: PerLanguage<String>,
    /// "Our consultants are back at {next_available}."
    pub out_of_hours: PerLanguage<String>,
}

/// One intent: what customers ask and what the bot answers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IntentDef {
    /// Unique id, e.g. `order_status`.
    pub id: Located<String>,
    /// Short label per language, shown on clarify buttons.
    pub label: PerLanguage<String>,
    /// Department that handles this topic when a human is needed.
    pub department: Option<String>,
    /// Always hand over to a human (after giving the answer text, if any).
    pub human_only: bool,
    /// A topic where a wrong guess costs more than a human's time (a complaint, money
    /// taken twice): when this intent is the best candidate but the bot is not sure
    /// enough to answer, the customer is handed to a human instead of being asked "did
    /// you mean …?" (escalation reason `sensitive_topic`). Confident matches are answered
    /// as usual.
    pub sensitive: bool,
    /// Small talk (greetings, thanks): answered only when no other intent is a plausible
    /// match, so "hello, where is my parcel?" answers the parcel question; never offered
    /// in a clarification ("thanks, bye" answers the best of them). Words only small talk
    /// uses do not count for or against the other intents.
    pub low_priority: bool,
    /// Matches only right after one of these intents (e.g. "yes" after "want the link?").
    pub context: Vec<Located<String>>,
    /// Example phrasings per language.
    pub examples: PerLanguage<Vec<Located<String>>>,
    /// Keywords per language: strong single-word or short-phrase evidence.
    pub keywords: PerLanguage<Vec<Located<String>>>,
    /// Regex patterns (language independent); named captures become answer values.
    pub patterns: Vec<Located<String>>,
    /// Answer variants per language; `{name}` is replaced by a captured value.
    pub answer: PerLanguage<Vec<Located<String>>>,
    /// Intents suggested after this one.
    pub follow_ups: Vec<Located<String>>,
    /// Where the intent starts in its file.
    pub pos: Option<Pos>,
}

impl IntentDef {
    /// A new intent with an id and nothing else.
    pub fn new(id: impl Into<String>) -> Self {
        IntentDef {
            id: Located::new(id.into()),
            ..IntentDef::default()
        }
    }
}
