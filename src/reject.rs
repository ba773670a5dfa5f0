//! Rejected clauses: the part of a message that says what the customer does *not* want.
//!
//! "I don't want to cancel my order, I want to change it" names two topics and turns one
//! down. Counted word by word, "cancel" and "order" make it a cancellation. A clause
//! opened by a negated wish ("don't want", "nie chcę", "не хочу", "negribu", and the
//! Latvian "nevis", "rather than"), or by a bare "not about … but" ("nie o … tylko", "не о
//! … а", "ne par … bet"), is found here, up to where the clause ends: punctuation, a
//! contrasting word ("but", "tylko", "а", "bet") or a new wish ("I want", "chcę").
//!
//! "Instead of" ("zamiast", "вместо") opens no clause: "can I use oil instead of
//! vinegar?" asks about a substitute, and "instead" is that question's own word.
//!
//! What is done with it is the bot's choice (see `Bot::rank_turn`): such a clause is left
//! out of the topics' search when the rest of the message is understood on its own, and a
//! request for a human inside it ("I don't want to talk to a person, just tell me …") does
//! not count. Negation that *is* the question stays: "the code doesn't work" and "paczka
//! nie dotarła" have no negated wish, and "I don't want this order anymore" has no rest.
//!
//! Words are compared folded (lower case, no diacritics), as the analyser gives them.

use std::ops::Range;

use crate::analyze::{Analyzed, TokenRef};
use crate::model::Language;

/// The most words a rejected clause may have after its opening words: a longer one is
/// more than a turned-down topic, and is left alone.
const MAX_CLAUSE_WORDS: usize = 8;

/// The words that open, close or surround rejected clauses in one language.
struct Cues {
    /// Word sequences that open a rejected clause (a negated wish).
    open: &'static [&'static [&'static str]],
    /// A negation that opens a clause only before one of `about` and only when a
    /// contrasting word follows the clause ("not about price but time").
    bare: &'static str,
    about: &'static [&'static str],
    /// Contrasting words: the clause ends before them.
    contrast: &'static [&'static str],
    /// Words of wishing: a new wish ends the clause ("… I want to change it").
    wish: &'static [&'static str],
}

const EN: Cues = Cues {
    open: &[
        &["dont", "want"],
        &["do", "not", "want"],
        &["didnt", "want"],
        &["dont", "wanna"],
        &["dont", "need"],
        &["do", "not", "need"],
        &["dont", "mean"],
        &["not", "asking"],
        &["not", "interested"],
    ],
    bare: "not",
    about: &["about", "a", "an", "the"],
    contrast: &["but", "instead", "rather", "just", "only"],
    wish: &["want", "wanna", "need", "prefer", "asking"],
};

const PL: Cues = Cues {
    open: &[
        &["nie", "chce"],
        &["nie", "chcialbym"],
        &["nie", "chcialabym"],
        &["nie", "chcemy"],
        &["nie", "potrzebuje"],
        &["nie", "potrzebujemy"],
        &["nie", "chodzi"],
        &["nie", "pytam"],
        &["nie", "interesuje"],
    ],
    bare: "nie",
    about: &["o"],
    contrast: &["ale", "tylko", "lecz", "natomiast", "raczej", "a"],
    wish: &[
        "chce",
        "chcialbym",
        "chcialabym",
        "potrzebuje",
        "wole",
        "wolalbym",
        "wolalabym",
        "prosze",
        "pytam",
    ],
};

const RU: Cues = Cues {
    open: &[
        &["не", "хочу"],
        &["не", "хотел"],
        &["не", "хотела"],
        &["не", "хотим"],
        &["не", "нужно"],
        &["не", "нужен"],
        &["не", "нужна"],
        &["не", "нужны"],
        &["не", "надо"],
        &["не", "прошу"],
        &["не", "спрашиваю"],
        &["не", "интересует"],
    ],
    bare: "не",
    about: &["о", "об", "про"],
    contrast: &["а", "но", "лучше", "только", "просто", "зато"],
    wish: &[
        "хочу",
        "хотел",
        "хотела",
        "хотим",
        "нужно",
        "нужен",
        "нужна",
        "надо",
        "прошу",
        "спрашиваю",
        "предпочитаю",
    ],
};

const LV: Cues = Cues {
    open: &[
        &["negribu"],
        &["negribetu"],
        &["negribam"],
        &["nevelos"],
        &["nevelamies"],
        &["nevajag"],
        &["nav", "vajadzigs"],
        &["nav", "vajadziga"],
        &["neprasu"],
        &["nejautaju"],
        &["nevis"],
    ],
    bare: "ne",
    about: &["par"],
    contrast: &["bet", "tikai", "labak"],
    wish: &[
        "gribu", "gribetu", "gribam", "velos", "vajag", "ludzu", "prasu", "jautaju",
    ],
};

fn cues(lang: Language) -> &'static Cues {
    match lang {
        Language::Pl => &PL,
        Language::En => &EN,
        Language::Lv => &LV,
        Language::Ru => &RU,
    }
}

/// Does the text between two words end a clause? Commas, full stops and the like, and a
/// dash between spaces (not the hyphen inside "e-mail").
fn clause_break(gap: &str) -> bool {
    gap.contains([',', ';', '.', '!', '?', ':', '(', ')', '…', '—', '–', '\n'])
        || gap.contains(" - ")
}

/// The rejected clauses of an analysed text, as ranges of word indices (the opening
/// words included), in order and not overlapping.
pub(crate) fn find(text: &str, words: &Analyzed, lang: Language) -> Vec<Range<usize>> {
    let c = cues(lang);
    // Most messages have no opening word: they cost one pass and no allocation.
    let opens = |f: &str| f == c.bare || c.open.iter().any(|seq| seq[0] == f);
    if !words.iter().any(|t| opens(t.folded)) {
        return Vec::new();
    }
    let w: Vec<TokenRef<'_>> = words.iter().collect();
    let folded = |k: usize| w[k].folded;
    let gap = |k: usize| text.get(w[k - 1].end..w[k].start).unwrap_or("");
    let mut out = Vec::new();
    let mut k = 0;
    while k < w.len() {
        // The opening words: a listed sequence, or the bare negation before "about".
        let opened =
            c.open
                .iter()
                .find(|seq| {
                    k + seq.len() <= w.len()
                        && seq.iter().enumerate().all(|(j, s)| {
                            folded(k + j) == *s && (j == 0 || !clause_break(gap(k + j)))
                        })
                })
                .map(|seq| (seq.len(), false))
                .or_else(|| {
                    (folded(k) == c.bare
                        && k + 1 < w.len()
                        && c.about.contains(&folded(k + 1))
                        && !clause_break(gap(k + 1)))
                    .then_some((1, true))
                });
        let Some((open_len, bare)) = opened else {
            k += 1;
            continue;
        };
        let from = k + open_len;
        let mut end = from;
        // Punctuation right after the opening words does not end the clause ("nie chcę,
        // żeby …"). One word past the longest clause is enough to know it is too long:
        // a message of openers without ends costs linear time, not quadratic.
        let limit = w.len().min(from + MAX_CLAUSE_WORDS + 1);
        while end < limit
            && (end == from || !clause_break(gap(end)))
            && !c.contrast.contains(&folded(end))
            && !c.wish.contains(&folded(end))
        {
            end += 1;
        }
        let len = end - from;
        // A bare negation needs its contrast: "not about the price but …".
        let contrasted = end < w.len() && c.contrast.contains(&folded(end));
        let content = w[from..end].iter().any(|t| !t.stop && !t.is_number);
        if content && len <= MAX_CLAUSE_WORDS && (!bare || contrasted) {
            out.push(k..end);
            k = end;
        } else {
            k += 1;
        }
    }
    out
}

/// Is `folded` one of the words that only frame a rejection in `lang` ("but", "want")?
/// A message whose words outside its rejected clauses are all such words (or stop
/// words) says nothing else.
pub(crate) fn is_frame_word(folded: &str, lang: Language) -> bool {
    let c = cues(lang);
    c.contrast.contains(&folded) || c.wish.contains(&folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Analyzer;

    /// The rejected clauses of `text`, as the original text of each.
    fn rejected(text: &str, lang: Language) -> Vec<String> {
        let a = Analyzer::new();
        let mut words = Analyzed::new();
        a.analyze(text, lang, &mut words);
        let w: Vec<TokenRef<'_>> = words.iter().collect();
        find(text, &words, lang)
            .into_iter()
            .map(|r| text[w[r.start].start..w[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn a_negated_wish_is_rejected_up_to_the_clause_end() {
        use Language::*;
        let cases: &[(Language, &str, &[&str])] = &[
            (
                En,
                "I don't want to cancel my order, I want to change it",
                &["don't want to cancel my order"],
            ),
            (
                En,
                "I don't want to cancel my order I want to change it",
                &["don't want to cancel my order I"],
            ),
            (
                En,
                "it's not about the price but the delivery time",
                &["not about the price"],
            ),
            (
                Pl,
                "nie chcę anulować zamówienia, tylko zmienić adres",
                &["nie chcę anulować zamówienia"],
            ),
            (
                Pl,
                "nie chodzi mi o zwrot, tylko o wymianę",
                &["nie chodzi mi o zwrot"],
            ),
            (
                Ru,
                "я не хочу отменять заказ, хочу изменить адрес",
                &["не хочу отменять заказ"],
            ),
            (
                Ru,
                "речь не о стоимости доставки, а о сроках",
                &["не о стоимости доставки"],
            ),
            (
                Lv,
                "negribu atcelt pasūtījumu, gribu mainīt adresi",
                &["negribu atcelt pasūtījumu"],
            ),
            (
                Lv,
                "gribu apmainīt, nevis saņemt naudu atpakaļ",
                &["nevis saņemt naudu atpakaļ"],
            ),
        ];
        for (lang, text, want) in cases {
            assert_eq!(rejected(text, *lang), *want, "{text}");
        }
    }

    #[test]
    fn negation_that_is_the_question_is_not_rejected() {
        use Language::*;
        let cases: &[(Language, &str)] = &[
            (En, "the discount code doesn't work"),
            (En, "parcel not received but the status says delivered"),
            // No content words in the clause.
            (En, "cancel it, I don't want it"),
            // A bare negation without its contrast.
            (En, "this is not about the price"),
            (Pl, "paczka nie dotarła, ale status jest dostarczona"),
            (Pl, "kod nie działa"),
            (Ru, "промокод не работает"),
            (Ru, "посылка не пришла, а деньги списали"),
            (Lv, "paka nav atnākusi"),
            // "not only … but also" is no rejection.
            (Lv, "ne tikai cena, bet arī laiks"),
            // "Instead of" asks about a substitute more often than it turns one down.
            (En, "can i use oil instead of vinegar"),
            (Pl, "czym mogę zapłacić zamiast karty, ale bez prowizji"),
            (Ru, "что можно использовать вместо майонеза, но без яиц"),
        ];
        for (lang, text) in cases {
            assert!(rejected(text, *lang).is_empty(), "{text}");
        }
    }

    proptest::proptest! {
        /// Any mix of opening, closing and content words and punctuation: the clauses
        /// are in bounds, in order, apart, each opened by its language's words and
        /// holding a content word.
        #[test]
        fn clauses_are_well_formed(
            picks in proptest::collection::vec(0usize..24, 0..40),
            lang in 0usize..4,
        ) {
            const PIECES: [&str; 24] = [
                "don't", "want", "not", "about", "but", "nie", "chcę", "o", "tylko", "не",
                "хочу", "а", "negribu", "ne", "par", "bet", "cancel", "order", "zwrot",
                "заказ", "pasūtījumu", ",", ".", "I",
            ];
            let text: String = picks.iter().map(|&p| PIECES[p]).collect::<Vec<_>>().join(" ");
            let lang = Language::ALL[lang];
            let a = Analyzer::new();
            let mut words = Analyzed::new();
            a.analyze(&text, lang, &mut words);
            let w: Vec<TokenRef<'_>> = words.iter().collect();
            let found = find(&text, &words, lang);
            let mut after = 0;
            for r in &found {
                proptest::prop_assert!(after <= r.start && r.start < r.end && r.end <= w.len());
                let c = cues(lang);
                let opens = w[r.start].folded == c.bare
                    || c.open.iter().any(|seq| seq[0] == w[r.start].folded);
                proptest::prop_assert!(opens, "{text}: {r:?}");
                proptest::prop_assert!(w[r.start..r.end].iter().any(|t| !t.stop));
                after = r.end;
            }
        }
    }

    #[test]
    fn a_clause_too_long_to_be_a_topic_is_left_alone() {
        let text = "I don't want to have to wait for a courier all day at home again, where is it";
        assert!(rejected(text, Language::En).is_empty());
    }
}
