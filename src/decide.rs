//! Stage `decide`: the typed decisions the host acts on, and the policy pieces that turn
//! ranked intents plus session state into one of them.
//!
//! Every decision serialises to JSON with a `kind` tag (`answer`, `clarify`, `escalate`,
//! `fallback`, `human`) and carries an [`Explanation`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Language, Thresholds};
use crate::session::TranscriptEntry;

/// The kind of a decision, without its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The bot answered.
    Answer,
    /// The bot asked "did you mean …?".
    Clarify,
    /// The bot handed over to a human.
    Escalate,
    /// The bot did not understand.
    Fallback,
    /// A human has the conversation; the bot stayed quiet.
    Human,
}

impl DecisionKind {
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Answer => "answer",
            DecisionKind::Clarify => "clarify",
            DecisionKind::Escalate => "escalate",
            DecisionKind::Fallback => "fallback",
            DecisionKind::Human => "human",
        }
    }
}

/// What the bot decided to do with one message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    /// Answer with an intent's text.
    Answer(Answer),
    /// Ask which of two or three close intents the customer meant.
    Clarify(Clarify),
    /// Hand over to a human.
    Escalate(Escalate),
    /// Not understood: ask to rephrase.
    Fallback(Fallback),
    /// A human agent has the conversation; the bot says nothing.
    Human(HumanMode),
}

/// An intent the customer can pick (a clarify option or a follow-up suggestion).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Intent id.
    pub intent: String,
    /// Its label in the answer language.
    pub label: String,
}

/// An answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The intent answered.
    pub intent: String,
    /// Its label.
    pub label: String,
    /// The answer text, with captured values filled in.
    pub text: String,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// The language of the text.
    pub language: Language,
    /// True when the text is in the default language because the intent has no
    /// translation for the customer's language.
    pub language_fallback: bool,
    /// Values captured from the message (and earlier ones) that the answer can use.
    pub values: BTreeMap<String, String>,
    /// Suggested next intents ("see also"), with their labels for buttons. The next
    /// message picks one by its label (in any language, allowing a typo), even where the
    /// label alone would be unclear or read as this answer's topic.
    pub follow_ups: Vec<Choice>,
    /// Why.
    pub explanation: Explanation,
    /// The answers to the message's other questions, in the order asked: "where is my
    /// order? and how do I return a jacket?" is answered `order_status` here and
    /// `return_item` in `also`. Show each as its own reply. Empty for a message that asks
    /// one thing; the answers in it have none themselves.
    #[serde(default)]
    pub also: Vec<Answer>,
    /// A question of the same message that the bot could not tell apart on its own:
    /// "how much is the courier? and how many days does it take?" answers the delivery
    /// time and asks "Did you mean: Delivery cost / Delivery methods?" about the first
    /// part. Show it after the answers, with its options as buttons; a pick is answered
    /// as a clarification's (the session keeps the options). `None` when every question
    /// was answered (and in the answers of `also`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clarify: Option<Box<Clarify>>,
}

/// A clarification question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clarify {
    /// The prompt ("Did you mean:").
    pub text: String,
    /// Two or three candidates (one when only one is plausible), best first.
    pub options: Vec<Choice>,
    /// Confidence of the best candidate.
    pub confidence: f32,
    /// The language of the text.
    pub language: Language,
    /// Why.
    pub explanation: Explanation,
}

/// Why the bot handed over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EscalationReason {
    /// The customer asked for a human.
    HumanRequested,
    /// The customer is frustrated (configured words or patterns, shouting).
    Frustration,
    /// Too many misses in a row.
    RepeatedMisses,
    /// The intent is marked human-only.
    HumanOnlyIntent,
    /// The best candidate is an intent marked sensitive, and the bot was not sure enough
    /// to answer it (it would have asked "did you mean …?").
    SensitiveTopic,
}

impl EscalationReason {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationReason::HumanRequested => "human_requested",
            EscalationReason::Frustration => "frustration",
            EscalationReason::RepeatedMisses => "repeated_misses",
            EscalationReason::HumanOnlyIntent => "human_only_intent",
            EscalationReason::SensitiveTopic => "sensitive_topic",
        }
    }
}

/// A hand-over to a human.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Escalate {
    /// Why.
    pub reason: EscalationReason,
    /// What triggered it, in words ("matched \"konsultant\"", "3 misses in a row").
    pub trigger: String,
    /// The department that takes over.
    pub department: String,
    /// The intent involved, if any.
    pub intent: Option<String>,
    /// What the bot says to the customer (an intent's answer, then the hand-off message).
    pub text: String,
    /// The language of the text.
    pub language: Language,
    /// Confidence of the best candidate intent (0 when none).
    pub confidence: f32,
    /// Are agents of that department working now? (True when the host passed no time.)
    pub agents_available: bool,
    /// When agents are next available (RFC 3339), when they are not now.
    pub next_available: Option<String>,
    /// What the customer can do meanwhile (callback, message, e-mail), when out of hours.
    pub alternatives: Vec<String>,
    /// Everything the human agent needs to continue without asking again.
    pub handoff: Handoff,
    /// Why.
    pub explanation: Explanation,
}

/// What the human agent receives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handoff {
    /// Why the bot handed over.
    pub reason: EscalationReason,
    /// The department.
    pub department: String,
    /// The customer's language.
    pub language: Language,
    /// One line: what the customer wants.
    pub summary: String,
    /// The whole conversation with the bot's decisions.
    pub transcript: Vec<TranscriptEntry>,
    /// Intents considered for the last message, with their scores.
    pub candidates: Vec<ScoredIntent>,
    /// Values captured in the conversation or passed in by the host.
    pub values: BTreeMap<String, String>,
}

/// Not understood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fallback {
    /// The rephrase request.
    pub text: String,
    /// The language of the text.
    pub language: Language,
    /// Confidence of the best candidate (below the clarify threshold).
    pub confidence: f32,
    /// Misses in a row, this one included.
    pub misses: u32,
    /// The topics the message comes closest to, best first (up to three), offered for the
    /// customer to pick when some are at least a little plausible ("problem with
    /// delivery": delivery time / parcel not received); empty when none is. The text then
    /// asks about them (`messages.suggest`), and a pick is answered as a clarification's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// Why.
    pub explanation: Explanation,
}

/// The conversation is with a human; the bot stays quiet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HumanMode {
    /// The language of the conversation.
    pub language: Language,
}

/// How the language of a message was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageSource {
    /// The caller said so.
    Caller,
    /// Detected from the message.
    Detected,
    /// Kept from earlier in the conversation (the message gave no clear evidence).
    Session,
    /// The bot's default language (or its only language: nothing to detect).
    Default,
}

/// A typo correction applied to a word of the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypoCorrection {
    /// Byte range in the original message.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// The word as written (normalised).
    pub from: String,
    /// The known word it was read as.
    pub to: String,
    /// Edit distance.
    pub distance: usize,
}

/// One intent considered, with its evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoredIntent {
    /// Intent id.
    pub intent: String,
    /// Calibrated confidence in [0, 1].
    pub confidence: f32,
    /// The nearest example phrasing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// Cosine similarity with that example.
    pub example_similarity: f32,
    /// Share of the message's evidence that the intent as a whole explains, in [0, 1].
    pub intent_similarity: f32,
    /// Pairwise contrast with the best of the top two intents (≤ 0): how much less
    /// likely the message's features are under this intent's examples, per feature.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub contrast: f32,
    /// The factor `E / (E + 10)` applied to the index part of the confidence, `E` being
    /// the most evidence the message could give (small for one or two words).
    #[serde(default = "one")]
    pub evidence_factor: f32,
    /// Keywords found in the message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The general intent this one refines and stands in for: the values its answer
    /// needs are known (an order number was given), so it took that intent's confidence
    /// ("where is my order 123456" is order_status, answered by order_status_number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_place_of: Option<String>,
    /// A pattern of the intent matched.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pattern: bool,
    /// The share of the message's evidence that the pattern's match covers, in [0, 1]
    /// (0 when no pattern matched): the pattern raises the confidence in this measure, so
    /// that an order number in "I want to cancel order 123456" does not outweigh the
    /// words around it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pattern_coverage: f32,
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
}

fn one() -> f32 {
    1.0
}

/// Why a decision was made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The language used.
    pub language: Option<Language>,
    /// How it was chosen.
    pub language_source: Option<LanguageSource>,
    /// The message's content words after normalisation and correction.
    pub tokens: Vec<String>,
    /// Typo corrections applied.
    pub corrections: Vec<TypoCorrection>,
    /// Words read as the first word of their synonym group (`synonyms` in the bot
    /// settings): `(word as written, normalised; the group's first word)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<(String, String)>,
    /// Clauses turning a topic down ("don't want to cancel my order"), as written: the
    /// topics were searched without them (see the content format's "what the customer
    /// does not want").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<String>,
    /// A short follow-up question that was unclear on its own ("how long does it take?")
    /// was read together with the words that asked for the conversation's topic: those
    /// words, as written (see [`crate::session::Topic`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<String>,
    /// The message asked more than one question and this answer is to one of them: the
    /// part of the message it answers, as written (see [`Answer::also`]). Typo
    /// corrections' offsets count from the start of the whole message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The best candidates, best first (the second is the runner-up).
    pub candidates: Vec<ScoredIntent>,
    /// The rule that decided, in words.
    pub rule: String,
}

impl Decision {
    /// The kind of decision.
    pub fn kind(&self) -> DecisionKind {
        match self {
            Decision::Answer(_) => DecisionKind::Answer,
            Decision::Clarify(_) => DecisionKind::Clarify,
            Decision::Escalate(_) => DecisionKind::Escalate,
            Decision::Fallback(_) => DecisionKind::Fallback,
            Decision::Human(_) => DecisionKind::Human,
        }
    }

    /// The intent answered or escalated, if any.
    pub fn intent(&self) -> Option<&str> {
        match self {
            Decision::Answer(a) => Some(&a.intent),
            Decision::Escalate(e) => e.intent.as_deref(),
            _ => None,
        }
    }

    /// Confidence of the decision in [0, 1].
    pub fn confidence(&self) -> f32 {
        match self {
            Decision::Answer(a) => a.confidence,
            Decision::Clarify(c) => c.confidence,
            Decision::Escalate(e) => e.confidence,
            Decision::Fallback(f) => f.confidence,
            Decision::Human(_) => 0.0,
        }
    }

    /// What the bot says (empty while a human has the conversation).
    pub fn text(&self) -> &str {
        match self {
            Decision::Answer(a) => &a.text,
            Decision::Clarify(c) => &c.text,
            Decision::Escalate(e) => &e.text,
            Decision::Fallback(f) => &f.text,
            Decision::Human(_) => "",
        }
    }

    /// The language of the reply.
    pub fn language(&self) -> Language {
        match self {
            Decision::Answer(a) => a.language,
            Decision::Clarify(c) => c.language,
            Decision::Escalate(e) => e.language,
            Decision::Fallback(f) => f.language,
            Decision::Human(h) => h.language,
        }
    }

    /// The explanation, when the decision has one.
    pub fn explanation(&self) -> Option<&Explanation> {
        match self {
            Decision::Answer(a) => Some(&a.explanation),
            Decision::Clarify(c) => Some(&c.explanation),
            Decision::Escalate(e) => Some(&e.explanation),
            Decision::Fallback(f) => Some(&f.explanation),
            Decision::Human(_) => None,
        }
    }

    /// The intents offered to pick: a clarification's options, the topics a fallback
    /// suggests, or the options of an answer's question about another part of the
    /// message ([`Answer::clarify`]); empty otherwise.
    pub fn options(&self) -> &[Choice] {
        match self {
            Decision::Answer(a) => a.clarify.as_ref().map_or(&[], |c| &c.options),
            Decision::Clarify(c) => &c.options,
            Decision::Fallback(f) => &f.options,
            _ => &[],
        }
    }
}

/// The threshold policy on its own: answer when the best confidence reaches
/// `answer` and leads the runner-up by `margin`; clarify when it reaches `clarify`;
/// otherwise fall back. Escalation rules and session state come on top of this.
pub fn verdict(t: &Thresholds, top: f32, second: f32) -> DecisionKind {
    if top >= t.answer && top - second >= t.margin {
        DecisionKind::Answer
    } else if top >= t.clarify {
        DecisionKind::Clarify
    } else {
        DecisionKind::Fallback
    }
}

/// Reads a customer's pick among clarify options: "1", "the second", "nr 2", "да, второе",
/// "ostatnia". Returns the 0-based option index.
pub(crate) fn ordinal_choice(folded_words: &[&str], options: usize) -> Option<usize> {
    // Ordinal stems per language, folded; matched as word prefixes.
    const FIRST: &[&str] = &[
        "first", "1st", "pierwsz", "pirm", "перв", "один", "jeden", "viens",
    ];
    const SECOND: &[&str] = &["second", "2nd", "drug", "otr", "втор", "два", "dwa", "divi"];
    const THIRD: &[&str] = &[
        "third", "3rd", "trzec", "tres", "трет", "три", "trzy", "tris", "trīs",
    ];
    const LAST: &[&str] = &["last", "ostatn", "pedej", "послед"];
    let mut found: Option<usize> = None;
    for w in folded_words {
        let pick = match *w {
            "1" => Some(0),
            "2" => Some(1),
            "3" => Some(2),
            _ if FIRST.iter().any(|p| w.starts_with(p)) => Some(0),
            _ if SECOND.iter().any(|p| w.starts_with(p)) => Some(1),
            _ if THIRD.iter().any(|p| w.starts_with(p)) => Some(2),
            _ if LAST.iter().any(|p| w.starts_with(p)) => options.checked_sub(1),
            _ => None,
        };
        if let Some(p) = pick {
            if p < options {
                if found.is_some_and(|f| f != p) {
                    return None; // "first or second?": ambiguous, treat as a new question
                }
                found = Some(p);
            }
        }
    }
    found
}

/// Short affirmations ("yes", "tak", "jā", "да"), folded.
pub(crate) fn is_affirmation(folded_words: &[&str]) -> bool {
    const YES: &[&str] = &[
        "yes",
        "yeah",
        "yep",
        "sure",
        "ok",
        "okay",
        "please",
        "tak",
        "jasne",
        "pewnie",
        "prosze",
        "poprosze",
        "ja",
        "jaa",
        "labi",
        "ludzu",
        "да",
        "ага",
        "конечно",
        "пожалуйста",
        "угу",
    ];
    !folded_words.is_empty()
        && folded_words.len() <= 3
        && folded_words.iter().all(|w| YES.contains(w))
}

/// When `after` (the text following a `{`) starts with `name}`, the name and the byte
/// length of `name}`. Names are ASCII letters, digits and `_`.
fn placeholder_name(after: &str) -> Option<(&str, usize)> {
    let close = after.find('}')?;
    let name = &after[..close];
    (close > 0 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some((name, close + 1))
}

/// The `{name}` placeholders of a template, in order, without duplicates.
pub(crate) fn placeholders(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match placeholder_name(after) {
            Some((name, len)) => {
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                }
                rest = &after[len..];
            }
            None => rest = after,
        }
    }
    out
}

/// Fills `{name}` placeholders from `values`; unknown placeholders are left as written.
pub(crate) fn fill_template(template: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match placeholder_name(after) {
            Some((name, len)) => {
                match values.get(name) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[open..open + 1 + len]),
                }
                rest = &after[len..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Displays a number with two decimals exactly as `{:.2}` does (rounding half to even on
/// the exact value), with integer arithmetic: the rule of every decision has three or
/// four such numbers, and float formatting was 3% of the time to answer a message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fixed2(pub f32);

impl std::fmt::Display for Fixed2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // An f32 times 100 is exact in f64 (24 + 7 bits of mantissa).
        let hundredths = (f64::from(self.0) * 100.0).round_ties_even();
        if !hundredths.is_finite() || hundredths.abs() >= 1e15 {
            return write!(f, "{:.2}", self.0);
        }
        let n = hundredths.abs() as u64;
        // Digits from the right into a buffer: at most 13 + 4 characters.
        let mut buf = [0u8; 24];
        let mut at = buf.len();
        let mut put = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        put(b'0' + (n % 10) as u8);
        put(b'0' + (n / 10 % 10) as u8);
        put(b'.');
        let mut int = n / 100;
        loop {
            put(b'0' + (int % 10) as u8);
            int /= 10;
            if int == 0 {
                break;
            }
        }
        if self.0.is_sign_negative() {
            put(b'-');
        }
        f.write_str(std::str::from_utf8(&buf[at..]).map_err(|_| std::fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fixed2_formats_as_the_standard_library(bits in proptest::num::u32::ANY) {
            let x = f32::from_bits(bits);
            proptest::prop_assert_eq!(Fixed2(x).to_string(), format!("{x:.2}"));
        }

        #[test]
        fn fixed2_formats_confidences_as_the_standard_library(x in -2.0f32..2.0) {
            proptest::prop_assert_eq!(Fixed2(x).to_string(), format!("{x:.2}"));
        }
    }

    #[test]
    fn fixed2_rounds_ties_to_even_like_the_standard_library() {
        for x in [
            0.125f32,
            0.375,
            0.005,
            -0.0,
            -0.001,
            0.0,
            1.0,
            f32::NAN,
            f32::INFINITY,
        ] {
            assert_eq!(Fixed2(x).to_string(), format!("{x:.2}"));
        }
    }

    #[test]
    fn ordinal_words_pick_options_in_four_languages() {
        assert_eq!(ordinal_choice(&["1"], 2), Some(0));
        assert_eq!(ordinal_choice(&["the", "second"], 2), Some(1));
        assert_eq!(ordinal_choice(&["druga"], 3), Some(1));
        assert_eq!(ordinal_choice(&["да", "второе"], 2), Some(1));
        assert_eq!(ordinal_choice(&["otrais"], 2), Some(1));
        assert_eq!(ordinal_choice(&["ostatnia"], 3), Some(2));
        assert_eq!(ordinal_choice(&["3"], 2), None);
        assert_eq!(ordinal_choice(&["first", "or", "second"], 2), None);
        assert_eq!(ordinal_choice(&["returns"], 2), None);
    }

    #[test]
    fn affirmations_are_short_yes_words() {
        assert!(is_affirmation(&["tak"]));
        assert!(is_affirmation(&["yes", "please"]));
        assert!(is_affirmation(&["да"]));
        assert!(!is_affirmation(&["tak", "ale", "gdzie", "paczka"]));
        assert!(!is_affirmation(&[]));
    }

    #[test]
    fn placeholders_are_listed_once() {
        assert_eq!(placeholders("{a} {b} {a} {} {no-t}"), vec!["a", "b"]);
        assert!(placeholders("plain").is_empty());
    }

    #[test]
    fn template_fills_known_values_and_keeps_unknown() {
        let mut v = BTreeMap::new();
        v.insert("order_id".to_string(), "12345".to_string());
        assert_eq!(
            fill_template("Order {order_id}: {status} {", &v),
            "Order 12345: {status} {"
        );
        assert_eq!(fill_template("no placeholders", &v), "no placeholders");
        assert_eq!(fill_template("{}", &v), "{}");
    }
}
