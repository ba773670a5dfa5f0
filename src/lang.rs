//! Stage `lang`: which of the bot's languages a message is written in.
//!
//! Messages are short ("gdzie paczka", "kur ir mans pasutijums"), so a character
//! n-gram model would be guessing. Instead every word adds evidence from things that
//! are cheap and reliable for these four languages:
//!
//! | evidence | weight per word |
//! |---|---|
//! | Cyrillic letters → Russian | [`SCRIPT_WEIGHT`] |
//! | a letter only Polish uses (`ą ć ę ł ń ó ś ź ż`) | [`LETTER_WEIGHT`] |
//! | a letter only Latvian uses (`ā č ē ģ ī ķ ļ ņ š ū ž`) | [`LETTER_WEIGHT`] |
//! | a function word (stop word or question word, negation, yes/no) | 1, shared |
//! | a word of the bot's own examples and keywords | [`VOCABULARY_WEIGHT`], shared |
//!
//! "Shared" means a word known in `k` of the bot's languages gives each `1/k` of the
//! weight: "to" (Polish and English) is weak evidence, "jest" is strong. Words are
//! looked up folded, so customers typing without diacritics are still recognised
//! through function words and vocabulary. Detection costs one hash lookup per word
//! per table, whatever the vocabulary size.

use std::collections::HashMap;
use std::fmt;

use unicode_segmentation::UnicodeSegmentation;

use crate::analyze::fold_word_into;
use crate::model::Language;
use crate::normalize::{is_cyrillic, is_latvian_letter, is_polish_letter};
use crate::stopwords;

/// Evidence of a word written in Cyrillic, for Russian.
pub const SCRIPT_WEIGHT: f32 = 2.0;
/// Evidence of a word holding a letter unique to Polish or to Latvian.
pub const LETTER_WEIGHT: f32 = 2.0;
/// Evidence of a word in the bot's vocabulary of one language.
pub const VOCABULARY_WEIGHT: f32 = 1.0;
/// The best language needs at least this much evidence to be confident…
pub const CONFIDENT_MIN_EVIDENCE: f32 = 1.5;
/// …and at least this many times the runner-up's evidence.
pub const CONFIDENT_RATIO: f32 = 2.0;

/// Detects which of the bot's languages a message is written in.
///
/// Build with [`LanguageDetector::new`], feed it the bot's words with
/// [`LanguageDetector::add_vocabulary`], then call [`LanguageDetector::detect`].
#[derive(Clone)]
pub struct LanguageDetector {
    /// The bot's languages, in preference order (ties go to the earlier one).
    languages: Vec<Language>,
    /// Bit `Language::index` set for each enabled language.
    enabled: u8,
    /// Folded function words → bitmask of languages.
    function_words: HashMap<&'static str, u8>,
    /// Folded vocabulary words → bitmask of languages.
    vocabulary: HashMap<String, u8>,
}

impl fmt::Debug for LanguageDetector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LanguageDetector")
            .field("languages", &self.languages)
            .field("function_words", &self.function_words.len())
            .field("vocabulary", &self.vocabulary.len())
            .finish()
    }
}

/// The result of [`LanguageDetector::detect`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    /// The most likely language; `None` when the text holds no evidence at all
    /// ("ok", "123", "😀").
    pub language: Option<Language>,
    /// Each language's share of the evidence, indexed by [`Language::index`]; they sum
    /// to 1 when `language` is `Some`, and are all 0 otherwise. Languages the detector
    /// was not built for are always 0.
    pub scores: [f32; 4],
    /// False when the evidence is thin or the runner-up is close: the caller should
    /// then prefer the conversation's previous language or the default one.
    pub confident: bool,
}

impl LanguageDetector {
    /// A detector that can only answer one of `languages`. Their order is the
    /// preference order for exact ties.
    pub fn new(languages: &[Language]) -> Self {
        let mut languages_dedup = Vec::new();
        for &l in languages {
            if !languages_dedup.contains(&l) {
                languages_dedup.push(l);
            }
        }
        let enabled = languages_dedup
            .iter()
            .fold(0u8, |m, l| m | (1 << l.index()));
        let mut function_words = HashMap::new();
        for lang in &languages_dedup {
            let i = lang.index();
            for w in stopwords::STOP[i].iter().chain(stopwords::MARKERS[i]) {
                *function_words.entry(*w).or_insert(0u8) |= 1 << i;
            }
        }
        LanguageDetector {
            languages: languages_dedup,
            enabled,
            function_words,
            vocabulary: HashMap::new(),
        }
    }

    /// Records that `folded_word` is used by the bot in `lang` (from its examples and
    /// keywords). The word is folded again, so passing it unfolded is harmless.
    /// Words of languages the detector was not built for, numbers and empty words are
    /// ignored. A word recorded for several languages is weaker evidence for each.
    pub fn add_vocabulary(&mut self, lang: Language, folded_word: &str) {
        if self.enabled & (1 << lang.index()) == 0 {
            return;
        }
        let mut w = String::with_capacity(folded_word.len());
        fold_word_into(folded_word.trim(), &mut w);
        if w.is_empty() || !w.chars().any(char::is_alphabetic) {
            return;
        }
        *self.vocabulary.entry(w).or_insert(0) |= 1 << lang.index();
    }

    /// The number of distinct vocabulary words recorded.
    pub fn vocabulary_len(&self) -> usize {
        self.vocabulary.len()
    }

    /// Detects the language of `text`. Never panics; linear in the text.
    ///
    /// ```
    /// use faqbot::lang::LanguageDetector;
    /// use faqbot::Language;
    ///
    /// let d = LanguageDetector::new(&Language::ALL);
    /// assert_eq!(d.detect("gdzie jest moja paczka").language, Some(Language::Pl));
    /// assert_eq!(d.detect("где мой заказ").language, Some(Language::Ru));
    /// assert_eq!(d.detect("😀").language, None);
    /// ```
    pub fn detect(&self, text: &str) -> Detection {
        let mut evidence = [0f32; 4];
        let mut folded = String::new();
        for word in text.unicode_words() {
            let (mut cyrillic, mut polish, mut latvian) = (false, false, false);
            for c in word.chars() {
                cyrillic |= is_cyrillic(c);
                polish |= is_polish_letter(c);
                latvian |= is_latvian_letter(c);
            }
            if cyrillic {
                self.add(&mut evidence, 1 << Language::Ru.index(), SCRIPT_WEIGHT);
            }
            if polish {
                self.add(&mut evidence, 1 << Language::Pl.index(), LETTER_WEIGHT);
            }
            if latvian {
                self.add(&mut evidence, 1 << Language::Lv.index(), LETTER_WEIGHT);
            }
            folded.clear();
            fold_word_into(word, &mut folded);
            if let Some(&mask) = self.function_words.get(folded.as_str()) {
                self.add(&mut evidence, mask, 1.0);
            }
            if let Some(&mask) = self.vocabulary.get(folded.as_str()) {
                self.add(&mut evidence, mask, VOCABULARY_WEIGHT);
            }
        }
        self.decide(evidence)
    }

    /// Spreads `weight` evenly over the enabled languages in `mask`.
    fn add(&self, evidence: &mut [f32; 4], mask: u8, weight: f32) {
        let mask = mask & self.enabled;
        let k = mask.count_ones();
        if k == 0 {
            return;
        }
        let share = weight / k as f32;
        for (i, e) in evidence.iter_mut().enumerate() {
            if mask & (1 << i) != 0 {
                *e += share;
            }
        }
    }

    fn decide(&self, evidence: [f32; 4]) -> Detection {
        let total: f32 = evidence.iter().sum();
        if total <= 0.0 || !total.is_finite() {
            return Detection {
                language: None,
                scores: [0.0; 4],
                confident: false,
            };
        }
        // Preference order breaks exact ties: iterate in it and keep strict improvements.
        let mut best: Option<Language> = None;
        for &l in &self.languages {
            if best.is_none_or(|b| evidence[l.index()] > evidence[b.index()]) {
                best = Some(l);
            }
        }
        let best_ev = best.map_or(0.0, |b| evidence[b.index()]);
        let second_ev = self
            .languages
            .iter()
            .filter(|&&l| Some(l) != best)
            .map(|l| evidence[l.index()])
            .fold(0.0, f32::max);
        Detection {
            language: best,
            scores: evidence.map(|e| e / total),
            confident: best_ev >= CONFIDENT_MIN_EVIDENCE && best_ev >= CONFIDENT_RATIO * second_ev,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> LanguageDetector {
        LanguageDetector::new(&Language::ALL)
    }

    fn with_vocabulary() -> LanguageDetector {
        let mut d = all();
        for w in ["paczka", "paczki", "zamowienie", "dostawa", "kurier"] {
            d.add_vocabulary(Language::Pl, w);
        }
        for w in ["order", "parcel", "delivery", "refund"] {
            d.add_vocabulary(Language::En, w);
        }
        for w in ["pasūtījums", "pasutijumu", "piegāde", "paka"] {
            d.add_vocabulary(Language::Lv, w);
        }
        for w in ["заказ", "посылка", "доставка"] {
            d.add_vocabulary(Language::Ru, w);
        }
        d
    }

    #[test]
    fn polish_with_and_without_diacritics_is_polish() {
        let d = all();
        let r = d.detect("Gdzie jest moja paczka?");
        assert_eq!(r.language, Some(Language::Pl));
        assert!(r.confident);
        let r = with_vocabulary().detect("gdzie jest moja paczka");
        assert_eq!(r.language, Some(Language::Pl));
        assert!(r.confident);
        assert_eq!(d.detect("zamówienie").language, Some(Language::Pl));
    }

    #[test]
    fn english_question_is_english() {
        let r = all().detect("Where is my order?");
        assert_eq!(r.language, Some(Language::En));
        assert!(r.confident);
    }

    #[test]
    fn latvian_with_and_without_diacritics_is_latvian() {
        let r = all().detect("kur ir mans pasūtījums");
        assert_eq!(r.language, Some(Language::Lv));
        assert!(r.confident);
        let r = all().detect("kur ir mans pasutijums");
        assert_eq!(r.language, Some(Language::Lv));
        let r = with_vocabulary().detect("kur ir mans pasutijums");
        assert_eq!(r.language, Some(Language::Lv));
        assert!(r.confident);
    }

    #[test]
    fn cyrillic_is_russian() {
        let r = all().detect("где мой заказ");
        assert_eq!(r.language, Some(Language::Ru));
        assert!(r.confident);
        assert!((r.scores.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }

    #[test]
    fn no_evidence_gives_no_language() {
        let d = with_vocabulary();
        for text in ["", "ok", "123", "😀", "   ", "?!"] {
            let r = d.detect(text);
            assert_eq!(r.language, None, "{text:?}");
            assert_eq!(r.scores, [0.0; 4]);
            assert!(!r.confident);
        }
    }

    #[test]
    fn only_the_bots_languages_are_returned() {
        let d = LanguageDetector::new(&[Language::Pl, Language::En]);
        let r = d.detect("где мой заказ");
        assert_eq!(r.language, None);
        let r = d.detect("kur ir mans pasūtījums");
        assert_ne!(r.language, Some(Language::Lv));
        assert_eq!(r.scores[Language::Lv.index()], 0.0);
        assert_eq!(r.scores[Language::Ru.index()], 0.0);
    }

    #[test]
    fn shared_words_are_weak_evidence_and_not_confident() {
        // "to" is a Polish and an English stop word.
        let r = all().detect("to");
        assert!(!r.confident);
        // A single vocabulary word is not enough to be sure.
        let r = with_vocabulary().detect("paczka");
        assert_eq!(r.language, Some(Language::Pl));
        assert!(!r.confident);
    }

    #[test]
    fn vocabulary_of_unknown_languages_and_numbers_is_ignored() {
        let mut d = LanguageDetector::new(&[Language::En]);
        d.add_vocabulary(Language::Pl, "paczka");
        d.add_vocabulary(Language::En, "123");
        d.add_vocabulary(Language::En, "");
        assert_eq!(d.vocabulary_len(), 0);
    }

    #[test]
    fn detector_is_send_sync_clone_debug() {
        fn assert_traits<T: Send + Sync + Clone + fmt::Debug>() {}
        assert_traits::<LanguageDetector>();
        assert_traits::<Detection>();
    }

    #[test]
    fn detection_never_panics_on_nasty_input() {
        let bytes: Vec<u8> = (0..65_536u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let nasty = [
            "a".repeat(1 << 20),
            String::from_utf8_lossy(&bytes).into_owned(),
            "\u{301}\u{306} ё\u{308} שלום مرحبا 👨\u{200D}👩\u{200D}👧 \u{200B}".to_string(),
            "ąćęłńóśźż āčēģīķļņšūž жжж".repeat(1000),
        ];
        let d = with_vocabulary();
        for text in &nasty {
            let r = d.detect(text);
            assert!(r.scores.iter().all(|s| s.is_finite() && *s >= 0.0));
        }
    }
}
