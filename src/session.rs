//! Conversation state, owned by the host and serde-serialisable.
//!
//! A [`Session`] holds everything the bot needs to remember between two messages of one
//! customer: the language, misses in a row, a pending clarification, the follow-up
//! context, the topic short follow-up questions are read with, values captured so far,
//! the transcript, and whether a human has taken over.
//! The host stores it wherever it likes (memory, Redis, a database row) between messages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decide::DecisionKind;
use crate::model::Language;

/// How many transcript entries a session keeps (the oldest are dropped first).
pub const MAX_TRANSCRIPT: usize = 200;

/// Who said a line of the transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Speaker {
    /// The customer.
    Customer,
    /// The bot.
    Bot,
}

/// One line of the conversation, as the human agent will see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// 1-based number of the customer's message this line belongs to.
    pub turn: u32,
    /// Who said it.
    pub from: Speaker,
    /// What was said (messages are truncated to the analysed length).
    pub text: String,
    /// For bot lines: the kind of decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DecisionKind>,
    /// For bot lines: the intent answered or escalated, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// For bot lines: the confidence of the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// When, if the host passed the time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A clarification question waiting for the customer's choice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingClarification {
    /// The intent ids offered, in the order shown.
    pub options: Vec<String>,
    /// Offered by a fallback, which counted its miss already, or beside an answer (about
    /// another question of the message): a message that picks none of them is not a
    /// (second) miss.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub after_miss: bool,
}

/// How many customer messages after it a topic still frames a short follow-up question
/// (1: only the next message; 2: also the one after a clarification or small talk).
pub(crate) const TOPIC_TURNS: u32 = 2;

/// The topic the conversation is on: the last topic the bot answered, with the customer's
/// words that asked for it. A short question that is unclear on its own ("how long does it
/// take?", "a ile to kosztuje?") is read together with those words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// The intent answered.
    pub intent: String,
    /// The customer's words that asked for it (for a picked clarification option, the
    /// message that was clarified; for a follow-up, the words it was read with and the
    /// follow-up).
    pub text: String,
    /// The language of those words.
    pub language: Language,
    /// The customer message (1-based) that was answered.
    pub turn: u32,
}

/// The state of one conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub(crate) language: Option<Language>,
    pub(crate) misses: u32,
    pub(crate) pending: Option<PendingClarification>,
    pub(crate) context: Option<String>,
    pub(crate) values: BTreeMap<String, String>,
    pub(crate) transcript: Vec<TranscriptEntry>,
    pub(crate) with_human: bool,
    pub(crate) turns: u32,
    #[serde(default)]
    pub(crate) topic: Option<Topic>,
}

impl Session {
    /// A new, empty session.
    pub fn new() -> Session {
        Session::default()
    }

    /// The language of the conversation so far, if any message was understood.
    pub fn language(&self) -> Option<Language> {
        self.language
    }

    /// Misses (fallbacks or unresolved clarifications) in a row.
    pub fn misses(&self) -> u32 {
        self.misses
    }

    /// The clarification waiting for an answer, if any.
    pub fn pending_clarification(&self) -> Option<&PendingClarification> {
        self.pending.as_ref()
    }

    /// The intent that set the current follow-up context, if any.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref()
    }

    /// The topic the conversation is on, if a topic was answered recently enough to frame
    /// the next message (see [`Topic`]).
    pub fn topic(&self) -> Option<&Topic> {
        self.topic_for(self.turns.saturating_add(1))
    }

    /// The topic that frames customer message `turn` (1-based), if any.
    pub(crate) fn topic_for(&self, turn: u32) -> Option<&Topic> {
        self.topic
            .as_ref()
            .filter(|t| turn.saturating_sub(t.turn) <= TOPIC_TURNS)
    }

    /// Values captured from messages or passed in by the host.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    /// Passes a value in (e.g. the customer's name), usable as `{name}` in answers.
    pub fn set_value(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    /// The conversation so far.
    pub fn transcript(&self) -> &[TranscriptEntry] {
        &self.transcript
    }

    /// Number of customer messages seen.
    pub fn turns(&self) -> u32 {
        self.turns
    }

    /// True after an escalation, until [`Session::hand_back`]: the bot stays quiet so that
    /// bot and agent never talk over each other.
    pub fn is_with_human(&self) -> bool {
        self.with_human
    }

    /// The human agent hands the conversation back to the bot. Misses and any pending
    /// clarification are reset; the transcript and values are kept.
    pub fn hand_back(&mut self) {
        self.with_human = false;
        self.misses = 0;
        self.pending = None;
        self.context = None;
        self.topic = None;
    }

    pub(crate) fn record(&mut self, entry: TranscriptEntry) {
        if self.transcript.len() >= MAX_TRANSCRIPT {
            let extra = self.transcript.len() + 1 - MAX_TRANSCRIPT;
            self.transcript.drain(..extra);
        }
        self.transcript.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transcript_is_bounded() {
        let mut s = Session::new();
        for i in 0..(MAX_TRANSCRIPT as u32 + 10) {
            s.record(TranscriptEntry {
                turn: i,
                from: Speaker::Customer,
                text: i.to_string(),
                kind: None,
                intent: None,
                confidence: None,
                at: None,
            });
        }
        assert_eq!(s.transcript().len(), MAX_TRANSCRIPT);
        assert_eq!(s.transcript()[0].turn, 10);
    }

    #[test]
    fn hand_back_resumes_the_bot() {
        let mut s = Session::new();
        s.with_human = true;
        s.misses = 3;
        s.hand_back();
        assert!(!s.is_with_human());
        assert_eq!(s.misses(), 0);
    }
}
