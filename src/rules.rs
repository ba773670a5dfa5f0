//! Phrase rules: "does this message contain one of these phrases?", typo-tolerant.
//!
//! Used for requests for a human and for frustration. A phrase is analysed with the
//! language it was written in; it matches when all its content words occur in the
//! message, in order, with at most one extra word between two of them. Words compare
//! equal when their stems are equal, when one stem is a prefix of the other (both at
//! least five characters: "konsultant" / "konsultanta"), or when the folded words are
//! within the edits their length allows.

use crate::analyze::{Analyzed, Analyzer, TokenRef};
use crate::index::max_edits;
use crate::model::{Located, PerLanguage};

#[derive(Clone, Debug)]
struct Word {
    folded: Box<str>,
    stem: Box<str>,
    /// Characters in `folded` and the edits allowed for it, computed once at build time.
    chars: usize,
    allowed: usize,
}

#[derive(Clone, Debug)]
struct Phrase {
    text: String,
    words: Vec<Word>,
    /// The phrase kept its stop words: match it against every word of the message.
    with_stop_words: bool,
}

/// A set of phrases in several languages.
#[derive(Clone, Debug, Default)]
pub(crate) struct PhraseMatcher {
    phrases: Vec<Phrase>,
}

/// A message word as the matcher sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MsgWord<'a> {
    pub folded: &'a str,
    pub stem: &'a str,
    /// A stop word (skipped unless a phrase keeps its stop words).
    pub stop: bool,
    /// Characters in `folded`.
    pub chars: usize,
    /// Byte offset of the word in the message.
    pub start: usize,
}

impl<'a> MsgWord<'a> {
    /// The matcher's view of an analysed word.
    pub(crate) fn of(t: TokenRef<'a>) -> Self {
        MsgWord {
            folded: t.folded,
            stem: t.stem,
            stop: t.stop,
            chars: t.folded.chars().count(),
            start: t.start,
        }
    }
}

fn same_word(m: MsgWord<'_>, p: &Word) -> bool {
    if m.stem == &*p.stem || m.folded == &*p.folded {
        return true;
    }
    // One stem a prefix of the other ("konsultant" / "konsultanta"), only when both are
    // long and differ by a letter or two: "доста" (достали) must not swallow "доставк".
    let (a, b) = (m.stem, &*p.stem);
    if a.len().min(b.len()) >= 6 && (a.starts_with(b) || b.starts_with(a)) {
        let (la, lb) = (a.chars().count(), b.chars().count());
        if la.min(lb) >= 6 && la.abs_diff(lb) <= 2 {
            return true;
        }
    }
    if p.allowed == 0 || m.chars.abs_diff(p.chars) > p.allowed {
        return false;
    }
    // Optimal string alignment (a transposition is one edit) is what a typo is. This runs
    // per word pair of every message: the distance is measured without allocating.
    crate::edit::osa_distance(m.folded, &p.folded) <= p.allowed
}

/// The words of an analysed phrase (an escalation phrase or a keyword) that a message
/// must have. Stop words are skipped ("talk to a human" ~ "talk to human") unless that
/// would leave a phrase of several words with a single everyday word: "what a joke" must
/// not become "joke", "сколько можно" not "сколько", "до скольки" not "скольки"; then the
/// phrase keeps them all (and is matched against all of a message's words).
pub(crate) fn matched_words(a: &Analyzed) -> Vec<crate::analyze::TokenRef<'_>> {
    let content = a.iter().filter(|t| !t.stop).count();
    let keep_all = content == 0 || (content == 1 && a.len() > 1);
    a.iter().filter(|t| keep_all || !t.stop).collect()
}

impl PhraseMatcher {
    pub(crate) fn new(analyzer: &Analyzer, phrases: &PerLanguage<Vec<Located<String>>>) -> Self {
        let mut out = Vec::new();
        let mut a = Analyzed::new();
        for (&lang, list) in phrases {
            for p in list {
                analyzer.analyze(&p.value, lang, &mut a);
                let words = matched_words(&a);
                let keep_all = words.iter().any(|t| t.stop);
                let words: Vec<Word> = words
                    .iter()
                    .map(|t| {
                        let chars = t.folded.chars().count();
                        Word {
                            folded: t.folded.into(),
                            stem: t.stem.into(),
                            chars,
                            allowed: max_edits(chars),
                        }
                    })
                    .collect();
                if !words.is_empty() {
                    out.push(Phrase {
                        text: p.value.clone(),
                        words,
                        with_stop_words: keep_all,
                    });
                }
            }
        }
        PhraseMatcher { phrases: out }
    }

    /// The first phrase found in the message, if any.
    pub(crate) fn find(&self, all: &[MsgWord<'_>]) -> Option<&str> {
        let content: Vec<MsgWord<'_>> = all.iter().copied().filter(|w| !w.stop).collect();
        self.phrases
            .iter()
            .find(|p| {
                p.position_in(if p.with_stop_words { all } else { &content })
                    .is_some()
            })
            .map(|p| p.text.as_str())
    }

    /// The positions in `all` (a message's words) of the words of this matcher's phrases
    /// that the message has.
    pub(crate) fn phrase_word_positions(&self, all: &[MsgWord<'_>]) -> Vec<usize> {
        let content: Vec<MsgWord<'_>> = all.iter().copied().filter(|w| !w.stop).collect();
        let found: Vec<&Phrase> = self
            .phrases
            .iter()
            .filter(|p| {
                p.position_in(if p.with_stop_words { all } else { &content })
                    .is_some()
            })
            .collect();
        (0..all.len())
            .filter(|&k| {
                found
                    .iter()
                    .any(|p| p.words.iter().any(|x| same_word(all[k], x)))
            })
            .collect()
    }

    /// The phrases of this matcher the message has are a mention, not a request:
    /// `example` (the text of an example the message matched) has a phrase of this
    /// matcher too, not necessarily the same one, and the message shares a content word
    /// with the example besides the phrases' words, in the clause of a phrase (`text` is
    /// the message; clauses end at `,.;:!?`). "am I talking to a bot or a real person?"
    /// mentions one as "am I talking to a bot or a real person" does, and "do your
    /// managers work on Sundays?" as "when do your consultants work?" does; "real person
    /// please" and "are you a bot? real person please" ask for one.
    pub(crate) fn mentioned_as_in(
        &self,
        text: &str,
        all: &[MsgWord<'_>],
        example: &[MsgWord<'_>],
    ) -> bool {
        let content: Vec<MsgWord<'_>> = all.iter().copied().filter(|w| !w.stop).collect();
        let ex_content: Vec<MsgWord<'_>> = example.iter().copied().filter(|w| !w.stop).collect();
        // The example names a person ("when do your consultants work?"): any phrase of
        // the matcher stands for the others in it.
        let names_person = self.phrases.iter().any(|p| {
            p.position_in(if p.with_stop_words {
                example
            } else {
                &ex_content
            })
            .is_some()
        });
        if !names_person {
            return false;
        }
        let mut found = Vec::new();
        for p in &self.phrases {
            let msg = if p.with_stop_words { all } else { &content[..] };
            if let Some(at) = p.position_in(msg) {
                found.push((p, msg[at].start));
            }
        }
        let clause = |a: usize, b: usize| {
            let (a, b) = (a.min(b), a.max(b));
            text.get(a..b)
                .is_some_and(|between| !between.contains([',', '.', ';', ':', '!', '?']))
        };
        !found.is_empty()
            && content.iter().any(|&m| {
                !found
                    .iter()
                    .any(|(p, _)| p.words.iter().any(|w| same_word(m, w)))
                    && ex_content.iter().any(|e| e.stem == m.stem)
                    && found.iter().any(|&(_, at)| clause(at, m.start))
            })
    }
}

impl Phrase {
    /// Where the phrase's words occur in `msg`, in order, with at most one other word
    /// between two of them: the index of its first word.
    fn position_in(&self, msg: &[MsgWord<'_>]) -> Option<usize> {
        'starts: for start in 0..msg.len() {
            if !same_word(msg[start], &self.words[0]) {
                continue;
            }
            let mut pos = start;
            for w in &self.words[1..] {
                let window = (pos + 1)..(pos + 3).min(msg.len());
                match window.clone().find(|&k| same_word(msg[k], w)) {
                    Some(k) => pos = k,
                    None => continue 'starts,
                }
            }
            return Some(start);
        }
        None
    }
}

/// Counts how shouty a message is: (upper-case letters, all cased letters).
pub(crate) fn caps(text: &str) -> (u32, u32) {
    let mut upper = 0;
    let mut cased = 0;
    for c in text.chars() {
        if c.is_uppercase() {
            upper += 1;
            cased += 1;
        } else if c.is_lowercase() {
            cased += 1;
        }
    }
    (upper, cased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

    fn matcher(lang: Language, phrases: &[&str]) -> PhraseMatcher {
        let mut m = PerLanguage::new();
        m.insert(
            lang,
            phrases
                .iter()
                .map(|p| Located::new(p.to_string()))
                .collect(),
        );
        PhraseMatcher::new(&Analyzer::new(), &m)
    }

    fn find(m: &PhraseMatcher, lang: Language, text: &str) -> Option<String> {
        let an = Analyzer::new();
        let mut a = Analyzed::new();
        an.analyze(text, lang, &mut a);
        let words: Vec<MsgWord<'_>> = a.iter().map(MsgWord::of).collect();
        m.find(&words).map(str::to_string)
    }

    #[test]
    fn phrase_found_with_typo_and_gap() {
        let m = matcher(Language::En, &["talk to a human", "real person"]);
        assert!(find(&m, Language::En, "can I talk to a real human please").is_some());
        assert!(find(&m, Language::En, "i want a reel person").is_some());
        assert!(find(&m, Language::En, "where is my parcel").is_none());
        assert!(find(&m, Language::En, "").is_none());
    }

    #[test]
    fn phrase_of_one_everyday_word_keeps_its_stop_words() {
        // Regression: "what a joke" matched "tell me a joke about cats".
        let m = matcher(Language::En, &["what a joke"]);
        assert!(find(&m, Language::En, "tell me a joke about cats").is_none());
        assert!(find(&m, Language::En, "what a joke this shop is").is_some());
    }

    #[test]
    fn short_stem_prefix_does_not_match_longer_word() {
        // Regression: "достали" (frustration) matched every "доставка".
        let m = matcher(Language::Ru, &["достали"]);
        assert!(find(&m, Language::Ru, "доставка в Ригу").is_none());
        assert!(find(&m, Language::Ru, "какие есть способы доставки").is_none());
        assert!(find(&m, Language::Ru, "вы меня достали").is_some());
    }

    #[test]
    fn shouting_is_counted() {
        assert_eq!(caps("WHERE IS it"), (7, 9));
        assert_eq!(caps("123 !!!"), (0, 0));
    }
}
