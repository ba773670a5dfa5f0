//! Messages that ask more than one question.
//!
//! "where is my order? and how do I return a jacket?" asks two things. Ranked as a whole,
//! the message is answered with one intent and the other question is lost; the customer
//! has to ask it again. Here a message is cut into its parts: at the end of a sentence
//! (`?`, `!`, `.`, `;`, a line break), before a word that joins a new question ("and",
//! "also", "i", "oraz", "a", "и", "а", "также", "un", "arī"), and at a comma when a
//! question or a joining word follows it. No part starts at a word that relates back
//! ("which", "który", "который", "kas", "because"), and "A and B, …" is a list, not two
//! parts. The bot (`Bot::several`) ranks each part on its own and answers several
//! intents only when at least two parts are each answered on their own, with different
//! topics, one of them the best topic of the whole message; otherwise the message is
//! decided as a whole, as before. A cut that does not separate two questions ("can I
//! pay by card | and blik") leaves a part that is not answered on its own, and changes
//! nothing.
//!
//! Words are compared folded (lower case, no diacritics), as the analyser gives them.

use std::ops::Range;

use crate::analyze::Analyzed;
use crate::model::Language;

/// The most parts a message is read as. A message with more (a long story) is decided
/// as a whole: its questions are seldom one per sentence, and each part costs a search.
pub(crate) const MAX_PARTS: usize = 4;

/// Words that start a new question when they follow a complete one, per language, folded.
/// (The Latvian "kā arī", "as well as", is cut before "arī": "kā" folds to "ka", "that".)
fn joiners(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::En => &["and", "also", "plus"],
        Language::Pl => &["i", "oraz", "a", "takze", "tez"],
        Language::Ru => &["и", "а", "также", "еще"],
        Language::Lv => &["un", "ari"],
    }
}

/// Beginnings of words that open a clause belonging to the words before it (relative
/// pronouns, "because", "that"), folded: no part starts there, whatever precedes them
/// ("the jacket, which I sent back"). Question words that also relate ("when", "kiedy",
/// "когда", "kad", Latvian "kur") are left out: after a comma they more often ask.
fn subordinators(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::En => &["which", "who", "whom", "whose", "that", "because", "so"],
        Language::Pl => &["ktor", "bo", "ze", "poniewaz", "zeby", "aby"],
        Language::Ru => &["котор", "потому", "чтобы", "что", "поскольку"],
        Language::Lv => &[
            "kurs", "kura", "kuru", "kuri", "kuras", "kuram", "kurai", "kuriem", "kas", "jo",
            "lai", "ka",
        ],
    }
}

fn subordinates(word: &str, lang: Language) -> bool {
    subordinators(lang).iter().any(|s| {
        // Whole words, except the stems of the inflected relative pronouns.
        word == *s || (matches!(*s, "ktor" | "котор") && word.starts_with(s))
    })
}

/// What starts a part.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cut {
    /// The message's first word.
    Start,
    /// The end of a sentence before it: `?`, `!`, `.`, `;`, `…` or a line break.
    Sentence,
    /// A comma before it.
    Comma,
    /// A joining word ("and") with no punctuation before it.
    Joiner,
}

/// The parts of a message, as byte ranges of `text`, in order; empty when the message is
/// one part (or more than [`MAX_PARTS`]). Every part has a word that is neither a stop
/// word nor a number: a run of stop words ("and also") opens the part after it, or closes
/// the part before it at the end of the message.
pub(crate) fn split(text: &str, analyzed: &Analyzed, lang: Language) -> Vec<Range<usize>> {
    let n = analyzed.len();
    if n < 2 {
        return Vec::new();
    }
    let joiners = joiners(lang);
    // Byte offset where word `k` starts, and where part `i` of `starts` ends (where the
    // next one starts, or the end of the text).
    let start_of = |k: usize| analyzed.get(k).map_or(text.len(), |t| t.start);
    let end_of = |starts: &[(usize, Cut, bool)], i: usize| {
        starts
            .get(i + 1)
            .map_or(text.len(), |&(next, _, _)| start_of(next))
    };
    // Where each part starts (word index), what cut it there, and whether the part has
    // a content word.
    let mut starts: Vec<(usize, Cut, bool)> = Vec::new();
    let mut prev_end = None;
    for (k, w) in analyzed.iter().enumerate() {
        let cut = match prev_end {
            None => Some(Cut::Start),
            Some(end) => {
                let gap = text.get(end..w.start).unwrap_or("");
                if gap.contains(['?', '!', ';', '\n', '\r', '.', '…']) {
                    Some(Cut::Sentence)
                } else if subordinates(w.folded, lang) {
                    None
                } else if gap.contains(',') {
                    Some(Cut::Comma)
                } else if joiners.contains(&w.folded) {
                    Some(Cut::Joiner)
                } else {
                    None
                }
            }
        };
        // A part of stop words only ("and also") is no question: its words open the
        // next part.
        if let Some(cut) = cut {
            if starts.last().is_none_or(|&(_, _, content)| content) {
                starts.push((k, cut, false));
            }
        }
        if !w.stop && !w.is_number {
            if let Some(last) = starts.last_mut() {
                last.2 = true;
            }
        }
        prev_end = Some(w.end);
    }
    if starts.last().is_some_and(|&(_, _, content)| !content) && starts.len() > 1 {
        starts.pop();
    }
    // "A and B, …" lists things: a part opened by a joiner and closed by a comma ("źle
    // wpisałam nazwę firmy | i NIP, | możecie poprawić fakturę?") belongs to the part
    // before it.
    let mut k = 1;
    while k + 1 < starts.len() {
        if starts[k].1 == Cut::Joiner && starts[k + 1].1 == Cut::Comma {
            starts.remove(k);
        } else {
            k += 1;
        }
    }
    // After a comma, only a question starts a part ("I have lost my card, | how do I
    // block it?"): a comma more often goes on with the same request ("book a flight to
    // Dallas, Minnesota", "i'd like an uber for 6 people, going to walmart"), unless a
    // joining word follows it ("…, and how much is delivery").
    let mut k = 1;
    while k < starts.len() {
        let (first, cut, _) = starts[k];
        let from = start_of(first);
        let opens_with_joiner = analyzed
            .get(first)
            .is_some_and(|t| joiners.contains(&t.folded));
        let asks = text
            .get(from..end_of(&starts, k))
            .is_some_and(|p| p.contains('?'));
        if cut == Cut::Comma && !opens_with_joiner && !asks {
            starts.remove(k);
        } else {
            k += 1;
        }
    }
    if starts.len() < 2 || starts.len() > MAX_PARTS {
        return Vec::new();
    }
    let mut parts = Vec::with_capacity(starts.len());
    for (i, &(s, _, _)) in starts.iter().enumerate() {
        let from = if i == 0 { 0 } else { start_of(s) };
        parts.push(from..end_of(&starts, i));
    }
    parts
}

/// Words that ask, per language, folded: a part with one of them among its first words
/// is a question. Entries ending in `-` are beginnings of inflected words ("jaki",
/// "jakie"; "какой", "какие"). The Latvian "kā" (how) folds to "ka" (that), so it is
/// recognised as written.
fn question_words(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::En => &[
            "what", "whats", "how", "hows", "where", "wheres", "when", "why", "which", "who",
            "can", "could", "do", "does", "did", "is", "are", "will", "would", "should", "may",
            "have", "has",
        ],
        Language::Pl => &[
            "jak-", "gdzie", "kiedy", "czy", "ile", "co", "dlaczego", "czemu", "kto", "mozna",
            "moge", "mozecie",
        ],
        Language::Ru => &[
            "как-",
            "где",
            "когда",
            "скольк-",
            "почему",
            "зачем",
            "что",
            "кто",
            "куда",
            "откуда",
            "можно",
            "могу",
            "можете",
            "ли",
        ],
        Language::Lv => &[
            "kur", "kad", "vai", "cik", "kas", "ko", "kapec", "kurs", "kura", "var", "varu",
            "varat", "varam",
        ],
    }
}

/// How many words from its start a part's question word may come ("and also how much",
/// "a jeszcze ile", "и скажите, где").
const QUESTION_WORD_WITHIN: usize = 3;

/// Whether a part of a message asks something: it has a question word among its first
/// words, or a question mark and does not open with a joining word (a list goes on
/// after "and": "what is your address | and phone number?"). A part that tells
/// ("I returned the shoes two weeks ago.") does not ask.
pub(crate) fn asks(text: &str, analyzed: &Analyzed, lang: Language) -> bool {
    let words = question_words(lang);
    let is_question_word = |t: &crate::analyze::TokenRef<'_>| {
        let w = t.folded;
        words.iter().any(|q| match q.strip_suffix('-') {
            Some(prefix) => w.starts_with(prefix),
            None => w == *q,
        }) || (lang == Language::Lv
            && w == "ka"
            && text
                .get(t.start..t.end)
                .is_some_and(|raw| raw.contains(['ā', 'Ā'])))
    };
    if analyzed
        .iter()
        .take(QUESTION_WORD_WITHIN)
        .any(|t| is_question_word(&t))
    {
        return true;
    }
    let opens_with_joiner = analyzed
        .get(0)
        .is_some_and(|t| joiners(lang).contains(&t.folded));
    text.contains('?') && !opens_with_joiner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Analyzer;

    fn parts(lang: Language, text: &str) -> Vec<String> {
        let analyzer = Analyzer::new();
        let mut a = Analyzed::new();
        analyzer.analyze_with(text, lang, &mut a, |_| None);
        split(text, &a, lang)
            .into_iter()
            .map(|r| text[r].trim().to_string())
            .collect()
    }

    #[test]
    fn sentences_commas_and_joining_words_start_parts() {
        assert_eq!(
            parts(
                Language::En,
                "where is my order? and how do I return a jacket?"
            ),
            ["where is my order?", "and how do I return a jacket?"]
        );
        assert_eq!(
            parts(Language::Pl, "ile kosztuje dostawa i ile się czeka"),
            ["ile kosztuje dostawa", "i ile się czeka"]
        );
        assert_eq!(
            parts(Language::Ru, "где мой заказ, а ещё можно оплатить картой?"),
            ["где мой заказ,", "а ещё можно оплатить картой?"]
        );
        assert_eq!(
            parts(Language::Lv, "kur ir mans pasūtījums un cik maksā piegāde"),
            ["kur ir mans pasūtījums", "un cik maksā piegāde"]
        );
    }

    #[test]
    fn stop_words_alone_are_no_part() {
        // "and also" opens the second question; "ok." alone is a stop word part.
        assert_eq!(
            parts(
                Language::En,
                "where is my order, and also how much is delivery"
            ),
            ["where is my order,", "and also how much is delivery"]
        );
        assert!(parts(Language::En, "and?").is_empty());
        assert!(parts(Language::En, "where is my order").is_empty());
        assert_eq!(
            parts(Language::En, "where is my order? and").len(),
            0,
            "a trailing joiner joins the part before it"
        );
    }

    #[test]
    fn a_comma_starts_a_part_only_before_a_question_or_a_joining_word() {
        assert_eq!(
            parts(Language::En, "i have lost my card, how do i block it?"),
            ["i have lost my card,", "how do i block it?"]
        );
        assert!(parts(Language::En, "book a flight to dallas, minnesota on delta").is_empty());
        assert_eq!(
            parts(Language::En, "where is my order, and how much is delivery"),
            ["where is my order,", "and how much is delivery"]
        );
    }

    #[test]
    fn lists_and_clauses_that_relate_stay_with_their_words() {
        // "A and B, …" lists two things.
        assert_eq!(
            parts(
                Language::Pl,
                "źle wpisałam nazwę firmy i NIP, możecie poprawić fakturę?"
            ),
            [
                "źle wpisałam nazwę firmy i NIP,",
                "możecie poprawić fakturę?"
            ]
        );
        // A relative clause belongs to the words before it.
        assert_eq!(
            parts(
                Language::Ru,
                "удалите аккаунт. и когда вернут деньги за куртку, которую я отправила?"
            ),
            [
                "удалите аккаунт.",
                "и когда вернут деньги за куртку, которую я отправила?"
            ]
        );
        assert!(parts(Language::En, "the jacket, which I sent back?").is_empty());
    }

    #[test]
    fn too_many_parts_are_read_as_one_message() {
        let story = "I ordered a lamp. It came broken. I wrote to you. Nobody replied. What now?";
        assert!(parts(Language::En, story).is_empty());
        assert!(parts(Language::En, "").is_empty());
    }

    fn asks_in(lang: Language, text: &str) -> bool {
        let analyzer = Analyzer::new();
        let mut a = Analyzed::new();
        analyzer.analyze_with(text, lang, &mut a, |_| None);
        asks(text, &a, lang)
    }

    #[test]
    fn a_part_asks_with_a_question_word_or_mark() {
        // Question words among the first words, in every language.
        assert!(asks_in(Language::Pl, "i w ile dni dochodzi paczka"));
        assert!(asks_in(Language::En, "and how long does it take"));
        assert!(asks_in(Language::Ru, "и во сколько обойдётся доставка"));
        assert!(asks_in(Language::Ru, "есть ли это платье в размере S"));
        assert!(asks_in(
            Language::Lv,
            "un vai pasūtījumam var pielikt vēl vienu krūzi"
        ));
        assert!(asks_in(Language::Lv, "kā to reklamēt"));
        // A question mark, without a question word.
        assert!(asks_in(Language::Pl, "przesyłka już wysłana?"));
        // Telling is not asking; nor is a list going on after "and", question mark or not.
        assert!(!asks_in(
            Language::En,
            "I returned the shoes two weeks ago."
        ));
        assert!(!asks_in(Language::Lv, "Pasūtīju galda lampu pirmdien."));
        assert!(!asks_in(Language::Ru, "и номер телефона?"));
        assert!(!asks_in(Language::Pl, "i NIP,"));
        // The Latvian "ka" (that) is no "kā" (how).
        assert!(!asks_in(Language::Lv, "domāju ka tas ir labi"));
    }
}
