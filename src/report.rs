//! What the content does not answer: customer messages from a log, grouped for editors.
//!
//! Editors close gaps in the content by reading what customers asked and the bot did not
//! answer. [`unanswered`] asks the bot every message (each with a fresh session, as a
//! first message); [`unanswered_in_conversations`] replays the conversations of a log, one
//! session each, so that a reply to a clarification ("the first one") or a follow-up
//! ("and how much is it?") is judged as the customer meant it. Both keep the messages that
//! got a clarification or a fallback (or were handed over after repeated misses, or
//! instead of a clarification on a sensitive topic), and group
//! messages that say the same thing in other words: repeats, inflections ("zwrot",
//! "zwrotu"), typos the bot corrects and word order all land in one group, so that a
//! question asked a hundred times shows up once, at the top, with its count.
//!
//! Grouping is greedy and deterministic: distinct messages are taken most frequent first,
//! and each joins the group whose first message shares the largest part of its content
//! stems (Jaccard similarity at least [`JOIN_SIMILARITY`]; a message or a first message of
//! one content stem only joins or takes that stem alone), or starts a group of its own.
//! Each group says which intents the bot came closest to, so an editor sees whether to add
//! an example to an existing intent or to write a new one; and the report lists the words
//! of unanswered messages that the content does not know at all, the candidates for
//! `synonyms` in `bot.yaml`.
//!
//! ```
//! use faqbot::{report, Bot, Input};
//!
//! let bot = Bot::from_dir("intents").unwrap();
//! let log = ["czy mogę zapłacić kryptowalutą", "czy moge zaplacic kryptowaluta?", "gdzie jest moja paczka"];
//! let r = report::unanswered(&bot, log.iter().map(|m| Input::new(m)));
//! assert_eq!(r.messages, 3);
//! ```

use std::collections::HashMap;

use serde::Serialize;

use crate::bot::{Bot, Input};
use crate::decide::{Decision, DecisionKind, EscalationReason};
use crate::model::Language;
use crate::session::Session;

/// Two messages are grouped when their content stems overlap at least this much
/// (shared / all, of the distinct stems of both).
pub const JOIN_SIMILARITY: f32 = 0.5;
/// Distinct messages kept per group, most frequent first.
const MESSAGES_PER_GROUP: usize = 5;
/// Nearest intents kept per group.
const NEAREST_PER_GROUP: usize = 3;
/// Unknown words reported, most frequent first.
const UNKNOWN_WORDS: usize = 30;

/// The report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Unanswered {
    /// Messages read (empty ones are not counted).
    pub messages: usize,
    /// Conversations (with [`unanswered_in_conversations`]: distinct conversation ids;
    /// each message without one is a conversation of its own).
    pub conversations: usize,
    /// Answered.
    pub answered: usize,
    /// Handed to a human (asked for one, frustration, a human-only intent, repeated
    /// misses, a sensitive topic the bot was not sure of). A message handed over after
    /// repeated misses is also grouped, as not understood; one handed over on a sensitive
    /// topic is grouped as a clarification would be (its group's `fallback` count does not
    /// include it).
    pub escalated: usize,
    /// Came while a human agent had the conversation (the bot stayed quiet); only in
    /// replayed conversations.
    pub with_human: usize,
    /// Got a clarification ("did you mean ...?").
    pub clarified: usize,
    /// Got a fallback (not understood).
    pub fallback: usize,
    /// The clarified and fallback messages, grouped; the largest group first.
    pub groups: Vec<UnansweredGroup>,
    /// Words of those messages that the content does not know (no example, keyword or
    /// synonym has them or their stem, and they are not typos of a known word), most
    /// frequent first (at most 30): candidates for synonyms or new examples.
    pub unknown_words: Vec<UnknownWord>,
}

/// A word customers used that the content does not know.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnknownWord {
    /// The word, normalised (lower case, no diacritics).
    pub word: String,
    /// The language of the messages it came in (the first one).
    pub language: Language,
    /// In how many unanswered messages (repeats included).
    pub count: usize,
    /// A known word that stood in its place: in messages where it was the only unknown
    /// word, the nearest example of a candidate intent had the message's other content
    /// words plus exactly this one. Given when that held for the same word in at least
    /// two of those messages and in at least half of them. A synonym to consider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_place_of: Option<String>,
}

/// What the report gathers about one unknown word.
struct Unknown {
    count: usize,
    language: Language,
    first_seen: usize,
    /// Messages in which it was the only unknown word.
    alone: usize,
    /// Known words found in its place in those messages, with how often.
    in_place_of: Vec<(String, usize)>,
}

/// Messages that say about the same thing and that the bot did not answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnansweredGroup {
    /// Messages in the group, repeats included.
    pub count: usize,
    /// Of them, how many got a fallback (the rest got a clarification).
    pub fallback: usize,
    /// The language of the group's first message.
    pub language: Language,
    /// The content words of the group's first message, after normalisation and typo
    /// correction.
    pub words: Vec<String>,
    /// Distinct messages, most frequent first (at most five) and how often each came.
    pub messages: Vec<MessageCount>,
    /// The intents that were the bot's best candidate, most often first (at most three).
    pub nearest: Vec<NearestIntent>,
}

/// One distinct message and how often it came.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageCount {
    /// The message as written (the first time).
    pub text: String,
    /// How often it (or the same words) came.
    pub count: usize,
}

/// An intent that the bot found closest for some messages of a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NearestIntent {
    /// Intent id.
    pub intent: String,
    /// How many messages of the group had it as the best candidate.
    pub count: usize,
    /// Its highest confidence among them.
    pub confidence: f32,
}

/// One distinct unanswered message.
struct Distinct {
    text: String,
    language: Language,
    words: Vec<String>,
    /// Sorted, deduplicated content stems.
    stems: Vec<String>,
    count: usize,
    fallback: usize,
    /// The best candidate of the repeat where it was most confident, and that confidence.
    nearest: Option<(String, f32)>,
    first_seen: usize,
}

/// Asks the bot every message (each as a first message, with a fresh session) and groups
/// the ones it did not answer. See the [module documentation](self).
pub fn unanswered<'a>(bot: &Bot, messages: impl IntoIterator<Item = Input<'a>>) -> Unanswered {
    unanswered_in_conversations(
        bot,
        messages.into_iter().map(|input| LogMessage {
            input,
            conversation: None,
            handback: false,
        }),
    )
}

/// One line of a conversation log, as a host writes it for every customer message (one
/// JSON object per line) and as `faqbot unanswered` reads it back: the customer's text,
/// the conversation, when, and what the bot decided (for the host's own statistics; the
/// report asks the bot again, so that it reflects the content as it is now).
///
/// ```
/// use faqbot::report::LogRecord;
/// use faqbot::{Bot, Session};
///
/// let bot = Bot::from_dir("intents").unwrap();
/// let mut session = Session::new();
/// let d = bot.respond(&mut session, "gdzie jest moja paczka");
/// let record = LogRecord::new(Some("c-17"), "gdzie jest moja paczka", &d, None);
/// assert_eq!(record.intent.as_deref(), Some("order_status"));
/// // Written with any serde format; `faqbot unanswered` reads JSON lines.
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct LogRecord {
    /// The conversation (the host's session id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<String>,
    /// What the customer wrote.
    pub text: String,
    /// The language the bot answered in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
    /// When (RFC 3339), for business hours when the log is replayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<jiff::Timestamp>,
    /// What the bot decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionKind>,
    /// The intent answered or handed over, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// The decision's confidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// Not a message: the human agent handed the conversation back to the bot
    /// ([`Session::hand_back`]); `text` is empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub handback: bool,
}

impl LogRecord {
    /// The record of one customer message and the bot's decision on it.
    pub fn new(
        conversation: Option<&str>,
        text: &str,
        decision: &Decision,
        at: Option<jiff::Timestamp>,
    ) -> LogRecord {
        LogRecord {
            conversation: conversation.map(str::to_string),
            text: text.to_string(),
            lang: Some(decision.language()),
            at,
            decision: Some(decision.kind()),
            intent: decision.intent().map(str::to_string),
            confidence: Some(decision.confidence()),
            handback: false,
        }
    }

    /// The record of the human agent handing a conversation back to the bot.
    pub fn handback(conversation: &str, at: Option<jiff::Timestamp>) -> LogRecord {
        LogRecord {
            conversation: Some(conversation.to_string()),
            text: String::new(),
            lang: None,
            at,
            decision: None,
            intent: None,
            confidence: None,
            handback: true,
        }
    }

    /// The message to replay: its text, language and time, in its conversation.
    pub fn message(&self) -> LogMessage<'_> {
        LogMessage {
            input: Input {
                text: &self.text,
                language: self.lang,
                now: self.at,
            },
            conversation: self.conversation.as_deref(),
            handback: self.handback,
        }
    }
}

/// One customer message of a log.
#[derive(Clone, Copy, Debug, Default)]
pub struct LogMessage<'a> {
    /// The message (and its language and time, when the log has them).
    pub input: Input<'a>,
    /// The conversation it belongs to; `None`: a conversation of its own.
    pub conversation: Option<&'a str>,
    /// Not a message: the agent handed this conversation back to the bot here.
    pub handback: bool,
}

/// Replays a log: the messages of one conversation (in log order; conversations may
/// interleave) share one session, as they did in the chat, and the ones the bot did not
/// answer are grouped as [`unanswered`] groups them. A reply that picks a clarification
/// option or follows up on an answer counts as answered; messages that came while a human
/// had the conversation are counted apart ([`Unanswered::with_human`]), until a
/// [`LogMessage::handback`] gives it back to the bot.
///
/// ```
/// use faqbot::report::{self, LogMessage};
/// use faqbot::{Bot, Input};
///
/// let bot = Bot::from_dir("intents").unwrap();
/// let log = [("c1", "jak mogę zapłacić"), ("c2", "czy mogę zapłacić kryptowalutą"), ("c1", "a ile kosztuje dostawa?")];
/// let r = report::unanswered_in_conversations(
///     &bot,
///     log.iter().map(|(c, m)| LogMessage { input: Input::new(m), conversation: Some(c), handback: false }),
/// );
/// assert_eq!((r.messages, r.conversations), (3, 2));
/// ```
pub fn unanswered_in_conversations<'a>(
    bot: &Bot,
    messages: impl IntoIterator<Item = LogMessage<'a>>,
) -> Unanswered {
    let mut report = Unanswered::default();
    let mut sessions: HashMap<&'a str, Session> = HashMap::new();
    let mut distinct: Vec<Distinct> = Vec::new();
    // Same language and the same content words (or, without any, the same folded text):
    // the same message.
    let mut seen: HashMap<(Language, String), usize> = HashMap::new();
    let mut unknown: HashMap<String, Unknown> = HashMap::new();
    for LogMessage {
        input,
        conversation,
        handback,
    } in messages
    {
        if handback {
            if let Some(session) = conversation.and_then(|c| sessions.get_mut(c)) {
                session.hand_back();
            }
            continue;
        }
        if input.text.trim().is_empty() {
            continue;
        }
        report.messages += 1;
        let decision = match conversation {
            Some(c) => {
                let session = sessions.entry(c).or_insert_with(|| {
                    report.conversations += 1;
                    Session::new()
                });
                bot.respond_with(session, input)
            }
            None => {
                report.conversations += 1;
                bot.respond_with(&mut Session::new(), input)
            }
        };
        let fallback = match &decision {
            Decision::Answer(_) => {
                report.answered += 1;
                continue;
            }
            Decision::Human(_) => {
                report.with_human += 1;
                continue;
            }
            Decision::Escalate(e) => {
                report.escalated += 1;
                match e.reason {
                    // Handed over because the bot did not understand: a miss.
                    EscalationReason::RepeatedMisses => true,
                    // Handed over instead of a clarification: grouped as one.
                    EscalationReason::SensitiveTopic => false,
                    _ => continue,
                }
            }
            Decision::Clarify(_) => {
                report.clarified += 1;
                false
            }
            Decision::Fallback(_) => {
                report.fallback += 1;
                true
            }
        };
        let Some(explanation) = decision.explanation() else {
            continue;
        };
        let language = explanation.language.unwrap_or(decision.language());
        let words = explanation.tokens.clone();
        note_unknown_words(bot, explanation, &words, language, &mut unknown);
        let key = if words.is_empty() {
            crate::normalize::fold(input.text.trim())
        } else {
            words.join(" ")
        };
        let nearest = explanation
            .candidates
            .first()
            .map(|c| (c.intent.clone(), c.confidence));
        let at = *seen.entry((language, key)).or_insert_with(|| {
            let mut stems = bot.content_stems(&words, language);
            stems.sort_unstable();
            stems.dedup();
            distinct.push(Distinct {
                text: input.text.trim().to_string(),
                language,
                words,
                stems,
                count: 0,
                fallback: 0,
                nearest: None,
                first_seen: distinct.len(),
            });
            distinct.len() - 1
        });
        let d = &mut distinct[at];
        d.count += 1;
        d.fallback += usize::from(fallback);
        if let Some((intent, c)) = nearest {
            if d.nearest.as_ref().is_none_or(|(_, best)| c > *best) {
                d.nearest = Some((intent, c));
            }
        }
    }
    report.groups = group(distinct);
    let mut unknown: Vec<(String, Unknown)> = unknown.into_iter().collect();
    unknown.sort_by(|a, b| {
        b.1.count
            .cmp(&a.1.count)
            .then(a.1.first_seen.cmp(&b.1.first_seen))
    });
    report.unknown_words = unknown
        .into_iter()
        .take(UNKNOWN_WORDS)
        .map(|(word, u)| UnknownWord {
            word,
            language: u.language,
            count: u.count,
            // The most frequent (the first found on a tie), if it is frequent enough.
            in_place_of: u
                .in_place_of
                .iter()
                .enumerate()
                .max_by(|a, b| a.1 .1.cmp(&b.1 .1).then(b.0.cmp(&a.0)))
                .filter(|(_, (_, n))| *n >= 2 && 2 * n >= u.alone)
                .map(|(_, (w, _))| w.clone()),
        })
        .collect();
    report
}

/// Counts the words of one unanswered message that the content does not know, and for a
/// message with exactly one, the known word found in its place (see [`in_place_of`]).
fn note_unknown_words(
    bot: &Bot,
    explanation: &crate::decide::Explanation,
    words: &[String],
    language: Language,
    unknown: &mut HashMap<String, Unknown>,
) {
    let mut new_words: Vec<&String> = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let corrected = explanation.corrections.iter().any(|c| &c.from == w);
        // Counted once per message.
        if corrected || words[..k].contains(w) || bot.knows_word(w, language) {
            continue;
        }
        new_words.push(w);
        let next = unknown.len();
        unknown
            .entry(w.clone())
            .or_insert(Unknown {
                count: 0,
                language,
                first_seen: next,
                alone: 0,
                in_place_of: Vec::new(),
            })
            .count += 1;
    }
    let [w] = new_words[..] else {
        return;
    };
    let like = in_place_of(bot, words, w, explanation, language);
    if let Some(u) = unknown.get_mut(w) {
        u.alone += 1;
        if let Some(like) = like {
            match u.in_place_of.iter_mut().find(|(x, _)| *x == like) {
                Some((_, n)) => *n += 1,
                None => u.in_place_of.push((like, 1)),
            }
        }
    }
}

/// The known word that stands where `unknown` stands: the nearest example of one of the
/// message's candidate intents (best first) whose content words are the message's other
/// content words plus exactly one more, by stem.
fn in_place_of(
    bot: &Bot,
    words: &[String],
    unknown: &str,
    explanation: &crate::decide::Explanation,
    language: Language,
) -> Option<String> {
    let rest: Vec<String> = words.iter().filter(|w| *w != unknown).cloned().collect();
    let others = bot.content_stems(&rest, language);
    if others.is_empty() {
        return None;
    }
    explanation
        .candidates
        .iter()
        .filter_map(|c| c.example.as_deref())
        .find_map(|example| {
            let example = bot.content_words(example, language);
            let extra: Vec<&(String, String)> = example
                .iter()
                .filter(|(_, stem)| !others.contains(stem))
                .collect();
            let covers = others
                .iter()
                .all(|s| example.iter().any(|(_, stem)| stem == s));
            match extra[..] {
                [(folded, _)] if covers => Some(folded.clone()),
                _ => None,
            }
        })
}

/// Shared distinct stems over all distinct stems of two sorted, deduplicated lists.
fn jaccard(a: &[String], b: &[String]) -> f32 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let all = a.len() + b.len() - shared;
    if all == 0 {
        0.0
    } else {
        shared as f32 / all as f32
    }
}

/// Greedy grouping, most frequent distinct message first (ties: first seen first).
fn group(mut distinct: Vec<Distinct>) -> Vec<UnansweredGroup> {
    distinct.sort_by(|a, b| b.count.cmp(&a.count).then(a.first_seen.cmp(&b.first_seen)));
    // Per group: the first message's stems; per stem: the groups whose first message has it.
    let mut heads: Vec<Vec<String>> = Vec::new();
    let mut by_stem: HashMap<String, Vec<usize>> = HashMap::new();
    let mut members: Vec<Vec<Distinct>> = Vec::new();
    let mut candidates: Vec<usize> = Vec::new();
    for d in distinct {
        candidates.clear();
        for s in &d.stems {
            if let Some(g) = by_stem.get(s) {
                candidates.extend_from_slice(g);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let best = candidates
            .iter()
            .map(|&g| (g, jaccard(&d.stems, &heads[g])))
            // One content word says too little to stand for more: a message of one joins
            // only a head with that word alone, and a head of one takes only those ("my
            // name" is not "change my name").
            .filter(|&(g, sim)| {
                sim >= JOIN_SIMILARITY && (sim == 1.0 || d.stems.len().min(heads[g].len()) > 1)
            })
            // The most similar; the earlier (larger) group on a tie.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((g, _)) => members[g].push(d),
            None => {
                let g = heads.len();
                for s in &d.stems {
                    by_stem.entry(s.clone()).or_default().push(g);
                }
                heads.push(d.stems.clone());
                members.push(vec![d]);
            }
        }
    }
    let mut groups: Vec<(usize, UnansweredGroup)> = members
        .into_iter()
        .enumerate()
        .map(|(order, ds)| (order, summarise(ds)))
        .collect();
    groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    groups.into_iter().map(|(_, g)| g).collect()
}

/// One group's summary; `ds` is non-empty, its first message first.
fn summarise(ds: Vec<Distinct>) -> UnansweredGroup {
    let mut nearest: Vec<NearestIntent> = Vec::new();
    for d in &ds {
        let Some((intent, c)) = &d.nearest else {
            continue;
        };
        match nearest.iter_mut().find(|n| &n.intent == intent) {
            Some(n) => {
                n.count += d.count;
                n.confidence = n.confidence.max(*c);
            }
            None => nearest.push(NearestIntent {
                intent: intent.clone(),
                count: d.count,
                confidence: *c,
            }),
        }
    }
    nearest.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.intent.cmp(&b.intent))
    });
    nearest.truncate(NEAREST_PER_GROUP);
    let count = ds.iter().map(|d| d.count).sum();
    let fallback = ds.iter().map(|d| d.fallback).sum();
    let head = &ds[0];
    UnansweredGroup {
        count,
        fallback,
        language: head.language,
        words: head.words.clone(),
        messages: ds
            .iter()
            .take(MESSAGES_PER_GROUP)
            .map(|d| MessageCount {
                text: d.text.clone(),
                count: d.count,
            })
            .collect(),
        nearest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn jaccard_counts_shared_over_all() {
        assert_eq!(jaccard(&s(&["a", "b"]), &s(&["a", "b"])), 1.0);
        assert_eq!(jaccard(&s(&["a", "b"]), &s(&["b", "c"])), 1.0 / 3.0);
        assert_eq!(jaccard(&s(&["a"]), &s(&["b"])), 0.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
    }

    fn distinct(text: &str, stems: &[&str], count: usize, first_seen: usize) -> Distinct {
        Distinct {
            text: text.into(),
            language: Language::En,
            words: s(stems),
            stems: s(stems),
            count,
            fallback: count,
            nearest: Some(("x".into(), 0.1 * first_seen as f32)),
            first_seen,
        }
    }

    #[test]
    fn groups_join_the_most_similar_head_and_largest_come_first() {
        let groups = group(vec![
            distinct("pay with bitcoin", &["bitcoin", "pay"], 1, 0),
            distinct("gift wrap please", &["gift", "wrap"], 3, 1),
            distinct("can i pay in bitcoin", &["bitcoin", "can", "pay"], 2, 2),
            distinct("weather", &["weather"], 1, 3),
            distinct("gift wrapping", &["gift", "wrap"], 1, 4),
        ]);
        let summary: Vec<(usize, &str)> = groups
            .iter()
            .map(|g| (g.count, g.messages[0].text.as_str()))
            .collect();
        // "can i pay in bitcoin" (2) heads its group, "pay with bitcoin" joins (2/3).
        assert_eq!(
            summary,
            vec![
                (4, "gift wrap please"),
                (3, "can i pay in bitcoin"),
                (1, "weather")
            ]
        );
        assert_eq!(groups[1].messages.len(), 2);
        assert_eq!(groups[1].nearest[0].count, 3);
        assert!((groups[1].nearest[0].confidence - 0.2).abs() < 1e-6);
    }

    #[test]
    fn messages_without_shared_stems_stay_apart() {
        let groups = group(vec![
            distinct("a b", &["a", "b"], 1, 0),
            distinct("c d", &["c", "d"], 1, 1),
            distinct("a c", &["a", "c"], 1, 2),
        ]);
        // "a c" shares one of three stems with each head: below 0.5.
        assert_eq!(groups.len(), 3);
    }

    #[test]
    fn one_content_word_groups_only_with_itself() {
        let groups = group(vec![
            distinct("what is my name", &["name"], 3, 0),
            distinct("please change my name", &["chang", "name"], 2, 1),
            distinct("my name?", &["name"], 1, 2),
            distinct("change the name", &["chang", "name"], 1, 3),
        ]);
        let summary: Vec<(usize, usize)> =
            groups.iter().map(|g| (g.count, g.messages.len())).collect();
        // Jaccard 0.5 would join them all; one word stands only for itself.
        assert_eq!(summary, [(4, 2), (3, 2)]);
        assert_eq!(groups[0].messages[0].text, "what is my name");
        assert_eq!(groups[1].messages[0].text, "please change my name");
    }
}
