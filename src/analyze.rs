//! Stage `analyze`: from a message to folded, stemmed, stop-marked words.
//!
//! One [`Analyzer`] is built with the bot and used both when the bot is compiled
//! (examples, keywords) and when a message is answered, so the two can never disagree
//! (the same idea as tantivy's `TextAnalyzer`).
//!
//! For every word it records:
//!
//! - its byte range in the *original* text (never changed by later stages);
//! - the folded form (lower-cased, diacritics removed, apostrophes dropped: see
//!   [`crate::normalize`]);
//! - the stem, computed from the folded form;
//! - whether it is a stop word (kept, only marked) and whether it is a number.
//!
//! # Why stem the folded word
//!
//! Customers type "zamówienie" and "zamowienie". The Snowball stemmers expect
//! diacritics, but if only the accented spelling were stemmed properly, the two
//! spellings would get different stems. Stemming the folded word makes them agree
//! by construction; what is lost is that Snowball's Polish rules no longer see `ć`,
//! `ą`, `ę`, `ów`. A few measured post-rules on the folded stem give most of that back
//! (see [`Analyzer::stem_word`]). The same reasoning applies to Latvian
//! (the private `stem_lv` module strips folded endings) and Russian (`ё` → `е` before stemming).
//!
//! # Cost
//!
//! [`Analyzed`] is a reusable buffer: all folded and stem text goes into one `String`,
//! token ranges into one `Vec`, so analysing a message allocates nothing once the
//! buffer has grown to fit. Time is linear in the text: each word is folded once and
//! stemmed once, and words longer than [`MAX_STEM_CHARS`] are not stemmed.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use snowstem::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

use crate::model::Language;
use crate::normalize::fold_into;
use crate::stem_lv;
use crate::stopwords;

/// Words with more characters than this are kept but not stemmed.
pub const MAX_STEM_CHARS: usize = 64;

/// The text analyser shared by compile time and query time.
///
/// Cheap to clone (an `Arc` inside), `Send` and `Sync`.
#[derive(Clone)]
pub struct Analyzer {
    inner: Arc<Inner>,
}

type StopSet = HashSet<&'static str, std::hash::BuildHasherDefault<crate::index::Fnv>>;

struct Inner {
    /// Snowball stemmers by language index; `None` for Latvian (own stripper).
    stemmers: [Option<Stemmer>; 4],
    /// Folded stop words by language index (looked up for every message word: FNV, not
    /// SipHash; the keys are our own lists).
    stop: [StopSet; 4],
    /// The synonyms of the content.
    syn: Synonyms,
    /// By language index: oblique forms of the content's words that the stemmer does not
    /// bring to their word's stem (folded form → the content word, folded); see
    /// [`Analyzer::with_content_words`].
    forms: [FormMap; 4],
}

/// Folded oblique form → folded content word (looked up for every new word: FNV).
type FormMap = HashMap<String, String, std::hash::BuildHasherDefault<crate::index::Fnv>>;

/// What an analyser knows of the content's synonyms (all empty for a plain one).
#[derive(Clone, Default)]
struct Synonyms {
    /// By language index: stem → the stem of its single-word group's first word.
    stems: [HashMap<String, String>; 4],
    /// By language index: the stem of a single-word group's first word → that word, folded.
    group_words: [HashMap<String, String>; 4],
    /// Every word of every single-word group, folded, with its language.
    members: Vec<(Language, String)>,
    /// Phrase synonyms by language index: the first stem of an entry → the entries
    /// starting with it, longest first.
    phrases: [PhraseMap; 4],
    /// What phrase entries are read as: each group's first entry, analysed.
    targets: Vec<PhraseTarget>,
    /// By language index: (folded, stem) of the content words of phrase entries.
    phrase_words: [Vec<(String, String)>; 4],
}

/// Phrase synonyms by their first stem (looked up for every message word: FNV).
type PhraseMap = HashMap<String, Vec<PhraseRule>, std::hash::BuildHasherDefault<crate::index::Fnv>>;

/// One entry of a synonym group that has a phrase in it: the stems of its words (a
/// message may have a few more stop words between them), read as the group's first
/// entry.
#[derive(Clone, Debug)]
struct PhraseRule {
    stems: Vec<String>,
    target: u32,
}

/// The first entry of a synonym group with a phrase in it, as its words are analysed.
#[derive(Clone, Debug)]
struct PhraseTarget {
    /// Folded words joined by spaces (for explanations).
    text: String,
    /// (folded, stem, stop word, number) of each word.
    words: Vec<(String, String, bool, bool)>,
}

/// Most stop words a message may have between two words of a phrase synonym ("send it
/// back" for "send back").
const PHRASE_GAP: usize = 2;

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field(
                "stop_words",
                &self.inner.stop.iter().map(HashSet::len).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// Builds the analyser: stemmers for pl/en/ru, the Latvian stripper, stop lists.
    pub fn new() -> Analyzer {
        Analyzer::with(Synonyms::default())
    }

    fn with(syn: Synonyms) -> Analyzer {
        Analyzer::with_forms(syn, Default::default())
    }

    fn with_forms(syn: Synonyms, forms: [FormMap; 4]) -> Analyzer {
        let stop = stopwords::STOP.map(|list| list.iter().copied().collect::<StopSet>());
        Analyzer {
            inner: Arc::new(Inner {
                stemmers: [
                    Some(Stemmer::create(Algorithm::Polish)),
                    Some(Stemmer::create(Algorithm::English)),
                    None,
                    Some(Stemmer::create(Algorithm::Russian)),
                ],
                stop,
                syn,
                forms,
            }),
        }
    }

    /// This analyser, also reading the oblique forms of the given content words that its
    /// stemmer cannot bring to their stems: Polish locatives and datives with a consonant
    /// alternation ("paczkomat" → "w paczkomacie", "droga" → "w drodze", "Polska" → "w
    /// Polsce", "rabat" → "o rabacie"). Snowball on folded text leaves "paczkom",
    /// "drodz", "polsc", "rab"; and no rule can tell "paczkomacie" from a verb such as
    /// "wysyłacie" by its ending. The content can: each content word's oblique form is
    /// computed from its stem and that exact form, wherever it is read
    /// (examples, keywords, messages), gets the content word's stem. A form that is a stop
    /// word ("macie" of "mata") or that already stems like its word is left alone.
    ///
    /// `texts` are `(language, text)`; their words are the content words.
    ///
    /// ```
    /// use faqbot::analyze::Analyzer;
    /// use faqbot::Language;
    ///
    /// let a = Analyzer::new().with_content_words([(Language::Pl, "odbiór z paczkomatu")]);
    /// let (mut x, mut y) = (String::new(), String::new());
    /// a.stem_word("paczkomacie", Language::Pl, &mut x);
    /// a.stem_word("paczkomat", Language::Pl, &mut y);
    /// assert_eq!(x, y);
    /// // Without the content word, a verb-like ending is left alone.
    /// a.stem_word("automacie", Language::Pl, &mut x);
    /// assert_ne!(x, "automat");
    /// ```
    pub fn with_content_words<'a>(
        &self,
        texts: impl IntoIterator<Item = (Language, &'a str)>,
    ) -> Analyzer {
        let mut seen: [HashSet<String>; 4] = Default::default();
        let mut buf = String::new();
        let mut forms: [FormMap; 4] = self.inner.forms.clone();
        let (mut base_stem, mut form_stem) = (String::new(), String::new());
        let plain = Analyzer::new();
        for (lang, text) in texts {
            if lang != Language::Pl {
                continue;
            }
            let li = lang.index();
            for_each_folded_word(text, &mut buf, |word| {
                if seen[li].contains(word)
                    || self.is_stop_word(word, lang)
                    || !word.chars().all(char::is_alphabetic)
                {
                    return;
                }
                seen[li].insert(word.to_string());
                // The form comes from the word's own stem (not the synonym it is read
                // as), so that every case of a content word gives it ("paczkomatu" as
                // well as "paczkomat").
                plain.stem_folded(word, lang, &mut base_stem);
                let Some(form) = polish_oblique_form(&base_stem) else {
                    return;
                };
                if self.is_stop_word(&form, lang) {
                    return;
                }
                self.stem_folded(word, lang, &mut base_stem);
                self.stem_folded(&form, lang, &mut form_stem);
                if base_stem == form_stem {
                    return;
                }
                // Each rule's form ends its own way, so a form comes from one plain stem
                // only: content words that give it agree on its stem.
                forms[li].entry(form).or_insert_with(|| word.to_string());
            });
        }
        Analyzer::with_forms(self.inner.syn.clone(), forms)
    }

    /// An analyser for which the entries of each group mean the same.
    ///
    /// - A group of single words: every word of the group (in any inflection) gets the
    ///   stem of the group's first word. A stem already claimed by an earlier group stays
    ///   with it.
    /// - A group with a phrase in it (`["return", "send back"]`): wherever a message has
    ///   the words of one of its other entries, in order and in any inflection (with up
    ///   to two more stop words between them: "send it back"), the analysis has the
    ///   words of the group's first entry instead. The longest entry wins where several
    ///   start at one word; entries made of stop words only are ignored.
    ///
    /// Groups are `(language, entries)`.
    ///
    /// ```
    /// use faqbot::analyze::{Analyzed, Analyzer};
    /// use faqbot::Language;
    ///
    /// let a = Analyzer::with_synonyms([
    ///     (Language::Pl, ["paczka", "przesyłka"].as_slice()),
    ///     (Language::En, ["return", "send back"].as_slice()),
    /// ]);
    /// let (mut x, mut y) = (String::new(), String::new());
    /// a.stem_word("przesyłkami", Language::Pl, &mut x);
    /// a.stem_word("paczka", Language::Pl, &mut y);
    /// assert_eq!(x, y);
    ///
    /// let mut out = Analyzed::new();
    /// a.analyze("can I send it back?", Language::En, &mut out);
    /// let words: Vec<&str> = out.iter().map(|t| t.folded).collect();
    /// assert_eq!(words, ["can", "i", "return"]);
    /// ```
    pub fn with_synonyms<'a, W: AsRef<str> + 'a>(
        groups: impl IntoIterator<Item = (Language, &'a [W])>,
    ) -> Analyzer {
        let plain = Analyzer::new();
        let mut syn = Synonyms::default();
        let mut stem = String::new();
        let mut phrase_groups: Vec<(Language, Vec<&str>)> = Vec::new();
        let mut buf = String::new();
        for (lang, words) in groups {
            let Some(first) = words.first() else {
                continue;
            };
            let is_phrase = |w: &W| {
                let mut n = 0;
                for_each_folded_word(w.as_ref(), &mut buf, |_| n += 1);
                n > 1
            };
            if words.iter().any(is_phrase) {
                phrase_groups.push((lang, words.iter().map(|w| w.as_ref()).collect()));
                continue;
            }
            plain.stem_word(first.as_ref(), lang, &mut stem);
            let canonical = stem.clone();
            let mut folded = String::new();
            fold_word_into(first.as_ref(), &mut folded);
            syn.group_words[lang.index()]
                .entry(canonical.clone())
                .or_insert(folded);
            let map = &mut syn.stems[lang.index()];
            for w in words {
                let mut folded = String::new();
                fold_word_into(w.as_ref(), &mut folded);
                syn.members.push((lang, folded));
                plain.stem_word(w.as_ref(), lang, &mut stem);
                // The canonical stem is claimed too (mapping to itself), so that a later
                // group cannot move it and leave this group's other words behind.
                map.entry(stem.clone()).or_insert_with(|| canonical.clone());
            }
        }
        if phrase_groups.is_empty() {
            return Analyzer::with(syn);
        }
        // Phrases are analysed with the single-word synonyms in place, as messages are.
        let words_only = Analyzer::with(syn.clone());
        let mut a = Analyzed::new();
        for (lang, entries) in phrase_groups {
            words_only.analyze(entries[0], lang, &mut a);
            if a.is_empty() {
                continue;
            }
            let target = syn.targets.len() as u32;
            syn.targets.push(PhraseTarget {
                text: a.iter().map(|t| t.folded).collect::<Vec<_>>().join(" "),
                words: a
                    .iter()
                    .map(|t| (t.folded.into(), t.stem.into(), t.stop, t.is_number))
                    .collect(),
            });
            for entry in &entries[1..] {
                words_only.analyze(entry, lang, &mut a);
                let known = &mut syn.phrase_words[lang.index()];
                for t in a.iter().filter(|t| !t.stop && !t.is_number) {
                    if !known.iter().any(|(f, _)| f == t.folded) {
                        known.push((t.folded.to_string(), t.stem.to_string()));
                    }
                }
                // An entry of stop words only would replace them in every message.
                if a.iter().all(|t| t.stop) {
                    continue;
                }
                let stems: Vec<String> = a.iter().map(|t| t.stem.into()).collect();
                let head = &stems[0];
                let list = syn.phrases[lang.index()].entry(head.clone()).or_default();
                if !list.iter().any(|r| r.stems == stems) {
                    list.push(PhraseRule { stems, target });
                }
            }
        }
        for list in syn.phrases.iter_mut().flat_map(|m| m.values_mut()) {
            // Longest first; among equals, the earlier group.
            list.sort_by_key(|r| std::cmp::Reverse(r.stems.len()));
        }
        Analyzer::with(syn)
    }

    /// The words a phrase synonym was read as, folded and joined by spaces.
    pub(crate) fn phrase_target(&self, target: u32) -> &str {
        self.inner
            .syn
            .targets
            .get(target as usize)
            .map_or("", |t| t.text.as_str())
    }

    /// Replaces, in `out`, the runs of words that are a phrase entry of a synonym group
    /// by the words of the group's first entry.
    fn rewrite_phrases(&self, lang: Language, out: &mut Analyzed) {
        let rules = &self.inner.syn.phrases[lang.index()];
        if rules.is_empty() {
            return;
        }
        let n = out.tokens.len();
        let mut kept = std::mem::take(&mut out.spare);
        kept.clear();
        let mut i = 0;
        while i < n {
            let found = rules.get(out.stem_at(i)).and_then(|list| {
                list.iter()
                    .find_map(|r| out.phrase_end(i, &r.stems).map(|last| (last, r.target)))
            });
            let Some((last, target)) = found else {
                kept.push(out.tokens[i].clone());
                i += 1;
                continue;
            };
            let (start, end) = (out.tokens[i].start, out.tokens[last].end);
            let from = out.text.len();
            for j in i..=last {
                if j > i {
                    out.text.push(' ');
                }
                let f = out.tokens[j].folded.clone();
                out.text.extend_from_within(f);
            }
            out.rewrites.push((from..out.text.len(), target));
            for (folded, stem, stop, is_number) in &self.inner.syn.targets[target as usize].words {
                let f = out.text.len();
                out.text.push_str(folded);
                let s = out.text.len();
                out.text.push_str(stem);
                kept.push(Token {
                    start,
                    end,
                    folded: f..s,
                    stem: s..out.text.len(),
                    stop: *stop,
                    is_number: *is_number,
                    synonym: true,
                });
            }
            i = last + 1;
        }
        if out.rewrites.is_empty() {
            out.spare = kept;
        } else {
            out.spare = std::mem::replace(&mut out.tokens, kept);
        }
    }

    /// Phrase synonyms that typo correction revealed: among a message's (folded, stem)
    /// words after correction, the runs that are an entry of a group (none of their words
    /// already put in place of a phrase: `fixed`) are replaced by the words of the group's
    /// first entry, as [`Analyzer::analyze`] replaces the ones it sees. Each replacement
    /// is listed in `rewrites` as (the words found, joined by spaces; what they are read
    /// as, see [`Analyzer::phrase_target`]).
    pub(crate) fn rewrite_corrected<'a>(
        &'a self,
        lang: Language,
        words: &mut Vec<(&'a str, &'a str)>,
        fixed: &mut Vec<bool>,
        rewrites: &mut Vec<(String, u32)>,
    ) {
        let rules = &self.inner.syn.phrases[lang.index()];
        if rules.is_empty() {
            return;
        }
        let mut i = 0;
        while i < words.len() {
            let n = words.len();
            let found = rules.get(words[i].1).and_then(|list| {
                list.iter().find_map(|r| {
                    let word = |j: usize| (words[j].1, self.is_stop_word(words[j].0, lang));
                    let last = phrase_end_in(n, word, i, &r.stems)?;
                    (!fixed[i..=last].iter().any(|&f| f)).then_some((last, r.target))
                })
            });
            let Some((last, target)) = found else {
                i += 1;
                continue;
            };
            let from: Vec<&str> = words[i..=last].iter().map(|w| w.0).collect();
            rewrites.push((from.join(" "), target));
            let put = &self.inner.syn.targets[target as usize].words;
            words.splice(
                i..=last,
                put.iter().map(|(f, s, _, _)| (f.as_str(), s.as_str())),
            );
            fixed.splice(i..=last, put.iter().map(|_| true));
            i += put.len();
        }
    }

    /// Is this folded word a content word of a phrase synonym of `lang`? Such a word is
    /// never corrected to another: it may complete a phrase.
    pub(crate) fn is_phrase_word(&self, folded: &str, lang: Language) -> bool {
        self.inner.syn.phrase_words[lang.index()]
            .iter()
            .any(|(f, _)| f == folded)
    }

    /// The content word of a phrase synonym of `lang` nearest to a word the content does
    /// not know, within the edits allowed for its length: (folded, stem, edits). Phrase
    /// words may appear in no example (they are read as their group's first entry), so
    /// the index vocabulary cannot correct to them.
    pub(crate) fn correct_to_phrase_word(
        &self,
        folded: &str,
        lang: Language,
    ) -> Option<(&str, &str, usize)> {
        let words = &self.inner.syn.phrase_words[lang.index()];
        if words.is_empty() {
            return None;
        }
        let chars = folded.chars().count();
        if chars < 4 {
            return None;
        }
        // Short words only by a swap of two letters, as `Index::correct`.
        let swap_only = chars < crate::index::MIN_CORRECT_CHARS;
        let cyrillic = crate::index::is_cyrillic_word(folded);
        words
            .iter()
            .filter(|(f, _)| !swap_only || crate::edit::is_adjacent_swap(folded, f))
            .filter_map(|(f, s)| {
                let longer = chars.max(f.chars().count()).min(chars + 1);
                let d = crate::edit::osa_distance(folded, f);
                (d > 0 && d <= crate::index::max_edits_in(longer, cyrillic)).then_some((
                    d,
                    f.as_str(),
                    s.as_str(),
                ))
            })
            .min_by_key(|x| x.0)
            .map(|(d, f, s)| (f, s, d))
    }

    /// The folded words of `text` joined by spaces, with phrase synonyms read as their
    /// group's first entry; `None` when no phrase synonym is found (the text as it is
    /// then analyses the same).
    pub(crate) fn rewrite_text(&self, text: &str, lang: Language) -> Option<String> {
        if self.inner.syn.phrases[lang.index()].is_empty() {
            return None;
        }
        let mut a = Analyzed::new();
        self.analyze(text, lang, &mut a);
        if a.rewrites.is_empty() {
            return None;
        }
        Some(a.iter().map(|t| t.folded).collect::<Vec<_>>().join(" "))
    }

    /// Every word of every single-word synonym group, folded, with its language.
    pub(crate) fn synonym_members(&self) -> &[(Language, String)] {
        &self.inner.syn.members
    }

    /// The folded first word of the synonym group whose stem is `stem`, if any: a word of
    /// a group is read as that word (its character n-grams too, not only its stem).
    pub(crate) fn synonym_word(&self, stem: &str, lang: Language) -> Option<&str> {
        let words = &self.inner.syn.group_words[lang.index()];
        if words.is_empty() {
            return None;
        }
        words.get(stem).map(String::as_str)
    }

    /// True if `folded_word` is a stop word of `lang`.
    pub fn is_stop_word(&self, folded_word: &str, lang: Language) -> bool {
        self.inner.stop[lang.index()].contains(folded_word)
    }

    /// Splits `text` into words and analyses each as `lang`, replacing the contents
    /// of `out`.
    ///
    /// Punctuation, emoji and whitespace are skipped. Never panics, whatever the input.
    ///
    /// ```
    /// use faqbot::analyze::{Analyzed, Analyzer};
    /// use faqbot::Language;
    ///
    /// let analyzer = Analyzer::new();
    /// let mut out = Analyzed::new();
    /// analyzer.analyze("Gdzie jest moja paczka?", Language::Pl, &mut out);
    /// let stems: Vec<&str> = out.iter().filter(|t| !t.stop).map(|t| t.stem).collect();
    /// assert_eq!(stems, ["gdzie", "paczk"]);
    /// ```
    pub fn analyze(&self, text: &str, lang: Language, out: &mut Analyzed) {
        self.analyze_with(text, lang, out, |_| None);
    }

    /// [`Analyzer::analyze`] with a memo: `known` gives the stem of a folded word when it
    /// is already known (a word of the content, stemmed when the bot was compiled), so
    /// that only new words are stemmed. The memo must hold what this analyser computes.
    pub(crate) fn analyze_with<'k>(
        &self,
        text: &str,
        lang: Language,
        out: &mut Analyzed,
        known: impl Fn(&str) -> Option<&'k str>,
    ) {
        out.clear();
        for (start, word) in text.unicode_word_indices() {
            let end = start + word.len();
            let f_start = out.text.len();
            fold_word_into(word, &mut out.text);
            let f_end = out.text.len();
            if f_start == f_end {
                // Only apostrophes or invisible characters: not a word.
                continue;
            }
            let folded = &out.text[f_start..f_end];
            let (stop, is_number) = match known(folded) {
                Some(stem) => {
                    out.scratch.clear();
                    out.scratch.push_str(stem);
                    // A content word is never a number (numbers are not memoised).
                    (self.is_stop_word(folded, lang), false)
                }
                None => self.analyze_folded(folded, lang, &mut out.scratch),
            };
            let stem = if out.scratch == out.text[f_start..f_end] {
                f_start..f_end
            } else {
                let s = out.text.len();
                out.text.push_str(&out.scratch);
                s..out.text.len()
            };
            out.tokens.push(Token {
                start,
                end,
                folded: f_start..f_end,
                stem,
                stop,
                is_number,
                synonym: false,
            });
        }
        self.rewrite_phrases(lang, out);
    }

    /// Analyses one folded word as [`Analyzer::analyze`] does inside a text: writes its
    /// stem into `stem` (replacing its contents) and returns (stop word, number). A word's
    /// analysis does not depend on its neighbours, so compilation can cache it per word.
    pub(crate) fn analyze_folded(
        &self,
        folded: &str,
        lang: Language,
        stem: &mut String,
    ) -> (bool, bool) {
        let is_number = is_number(folded);
        let stop = !is_number && self.is_stop_word(folded, lang);
        if is_number || folded.chars().count() > MAX_STEM_CHARS {
            stem.clear();
            stem.push_str(folded);
        } else {
            self.stem_folded(folded, lang, stem);
        }
        (stop, is_number)
    }

    /// Writes the stem of one word into `out` (replacing its contents). The word may be
    /// lower-cased with diacritics or already folded; the stem is always folded.
    ///
    /// ```
    /// use faqbot::analyze::Analyzer;
    /// use faqbot::Language;
    ///
    /// let a = Analyzer::new();
    /// let (mut x, mut y) = (String::new(), String::new());
    /// a.stem_word("zamówieniu", Language::Pl, &mut x);
    /// a.stem_word("zamowienia", Language::Pl, &mut y);
    /// assert_eq!(x, y);
    /// ```
    pub fn stem_word(&self, folded_or_lower_word: &str, lang: Language, out: &mut String) {
        let mut folded = String::with_capacity(folded_or_lower_word.len());
        fold_word_into(folded_or_lower_word, &mut folded);
        if folded.chars().count() > MAX_STEM_CHARS {
            out.clear();
            out.push_str(&folded);
        } else {
            self.stem_folded(&folded, lang, out);
        }
    }

    /// Stems an already folded word into `out`, replacing its contents.
    fn stem_folded(&self, folded: &str, lang: Language, out: &mut String) {
        out.clear();
        // An oblique form of a content word is stemmed as that word.
        let forms = &self.inner.forms[lang.index()];
        let folded = if forms.is_empty() {
            folded
        } else {
            forms.get(folded).map_or(folded, String::as_str)
        };
        match (lang, &self.inner.stemmers[lang.index()]) {
            (Language::Lv, _) | (_, None) => {
                // Folding again is a no-op on folded text (and ASCII takes a fast path).
                stem_lv::stem(folded, out);
            }
            (_, Some(stemmer)) => {
                stemmer.stem_into(folded, out);
                if lang == Language::Pl {
                    polish_locative_rules(folded, out);
                    polish_folded_rules(out);
                } else if lang == Language::Ru {
                    russian_fleeting_vowel(out);
                }
            }
        }
        // Snowball can cut a short word to one letter; keep the word then.
        if out.chars().count() < 2 {
            out.clear();
            out.push_str(folded);
        }
        let synonyms = &self.inner.syn.stems[lang.index()];
        if !synonyms.is_empty() {
            if let Some(canonical) = synonyms.get(out.as_str()) {
                out.clear();
                out.push_str(canonical);
            }
        }
    }
}

/// Calls `f` with every word of `text` folded as [`Analyzer::analyze`] folds it (in
/// `buf`, which is overwritten), skipping words that fold to nothing.
pub(crate) fn for_each_folded_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    for word in text.unicode_words() {
        buf.clear();
        fold_word_into(word, buf);
        if !buf.is_empty() {
            f(buf);
        }
    }
}

/// Where the words with `stems` (in order) are found from word `i` on, among `n` words
/// given by `word(j)` = (stem, stop word), a text having up to [`PHRASE_GAP`] more stop
/// words between two of them: the last word's index. How a phrase synonym is found.
fn phrase_end_in<'w, S: AsRef<str>>(
    n: usize,
    word: impl Fn(usize) -> (&'w str, bool),
    i: usize,
    stems: &[S],
) -> Option<usize> {
    let (first, rest) = stems.split_first()?;
    if i >= n || word(i).0 != first.as_ref() {
        return None;
    }
    let mut j = i;
    for want in rest {
        let want = want.as_ref();
        j += 1;
        let mut gap = 0;
        while j < n && gap < PHRASE_GAP && {
            let (stem, stop) = word(j);
            stop && stem != want
        } {
            j += 1;
            gap += 1;
        }
        if j >= n || word(j).0 != want {
            return None;
        }
    }
    Some(j)
}

/// Folds one word and drops apostrophes: "Don’t" → "dont", "What's" → "whats".
///
/// Apostrophes are dropped rather than split on because customers type both
/// "don't" and "dont"; the English stemmer then treats "whats" like "what's".
pub(crate) fn fold_word_into(word: &str, out: &mut String) {
    // Folding piece by piece keeps this allocation-free.
    for piece in word.split(['\'', '\u{2019}', '\u{2018}', '\u{02BC}']) {
        fold_into(piece, out);
    }
}

/// A folded word is a number if it starts with a digit and has only digits and
/// decimal or thousands separators ("123", "12.50", "1,5").
fn is_number(folded: &str) -> bool {
    let mut chars = folded.chars();
    matches!(chars.next(), Some(c) if c.is_numeric())
        && chars.all(|c| c.is_numeric() || c == '.' || c == ',')
}

/// The locative's consonant alternations that Snowball leaves in the stem of a folded
/// word: `t` → `ci` after `r`, `n`, `k` ("na karcie", "na koncie", "w kontakcie" → kart,
/// kont, kontakt, the stems of "karta", "konto", "kontakt") and `d` → `dzi` ("w kodzie",
/// "w przykładzie" → kod, przyklad). A function of the folded word and its stem: the
/// ending decides, and only where Snowball cut exactly the ending. Vowel + `cie` is left
/// alone, as verbs share it ("wysyłacie" ends like "paczkomacie"), and `-dze` too
/// ("widzę" ends like "drodze").
fn polish_locative_rules(folded: &str, stem: &mut String) {
    let cut = |ending: &str| {
        folded
            .strip_suffix(ending)
            .filter(|rest| *rest == stem.as_str() && rest.chars().count() >= 3)
            .is_some()
    };
    if ["rcie", "ncie", "kcie"].iter().any(|e| folded.ends_with(e)) && cut("cie") {
        stem.push('t');
    } else if folded.ends_with("dzie") && cut("ie") && stem.chars().count() >= 4 {
        // "kodzie" → Snowball "kodz" → "kod".
        stem.pop();
    }
}

/// Post-rules on a Snowball Polish stem computed from a folded word.
///
/// Measured on inflection groups (zwrot/zwrotów, kurier/kurierzy, faktura/fakturze,
/// paczka/paczek/paczce, zmienić/zmienię/zmieniłem, otrzymać/otrzymam): with the
/// diacritics gone Snowball no longer recognises `-ów`, `-ć`, `-ł` endings nor the
/// consonant alternations, and leaves these residues. Each rule only ever merges stems
/// (it is a function of the stem), and each keeps at least 3-4 characters, but for
/// three-letter stems, whose forms share a two-letter root ("zły", "zła" → zl).
fn polish_folded_rules(stem: &mut String) {
    // Three letters, two consonants and a vowel: Snowball cuts the `y` of "zły", "gry",
    // "psy" but leaves the other endings of the same words ("zła", "złe", "gra", "psa"):
    // they are cut too, so each word's forms share its two-letter root.
    if let [a, b, c] = stem.as_bytes() {
        let consonant = |x: &u8| x.is_ascii_lowercase() && !is_vowel(char::from(*x));
        if consonant(a) && consonant(b) && matches!(c, b'a' | b'e' | b'o') {
            stem.truncate(2);
            return;
        }
    }
    // Only ASCII-ending stems are touched; all suffixes below are ASCII.
    let n = stem.chars().count();
    let strip = |stem: &mut String, k: usize| {
        let l = stem.len() - k;
        stem.truncate(l);
    };
    let ends = |s: &String, a: &str, b: &str| s.ends_with(a) || s.ends_with(b);
    // Infinitive -ić/-yć (zmienić → zmien) and past tense -ił/-ył (zmieniłem → zmienil
    // → zmien); -ać/-eć and -ał only on longer stems (otrzymać, otrzymałem → otrzym),
    // so that "zapłacę" → "zaplac" is not cut to "zapl".
    let verb_ending = ((ends(stem, "ic", "yc") || ends(stem, "il", "yl")) && n >= 6)
        || ((ends(stem, "ac", "ec") || stem.ends_with("al")) && n >= 7);
    if verb_ending {
        strip(stem, 2);
    }
    let n = stem.chars().count();
    // Genitive plural -ów (kurierów → kurierow → kurier).
    if stem.ends_with("ow") && n >= 6 {
        strip(stem, 2);
    }
    // Nominative plural / locative alternation r → rz (kurierzy, fakturze).
    else if stem.ends_with("rz") && n >= 5 {
        strip(stem, 1);
    }
    // Fleeting e in genitive plural: paczek → paczk, przesyłek → przesylk.
    else if n >= 5 && stem.ends_with("ek") {
        let before = stem[..stem.len() - 2].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphabetic() && !is_vowel(c)) {
            strip(stem, 2);
            stem.push('k');
        }
    }
    // Locative alternation k → c after cz, ł, n, r: paczce → paczc → paczk.
    else if n >= 4 && stem.ends_with('c') {
        let before = stem[..stem.len() - 1].chars().next_back();
        if matches!(before, Some('z' | 'l' | 'n' | 'r')) {
            strip(stem, 1);
            stem.push('k');
        }
    }
}

/// The locative / dative singular of a Polish noun, from its stem (folded), where the
/// stem's last consonant alternates: t → cie (paczkomat → paczkomacie, kwota → kwocie),
/// st → ście (tekst → tekście, lista → liście), d → dzie (zakład → zakładzie, woda →
/// wodzie), k → ce (Polska → Polsce), g → dze (droga → drodze), r → rze (kurier →
/// kurierze). Only the ending decides, so a stem that is not such a noun's gets a form
/// no one writes, which costs nothing; the caller ([`Analyzer::with_content_words`])
/// only uses forms of the content's own words. Stems under 4 letters are left alone
/// ("kod", "lot", "data").
fn polish_oblique_form(stem: &str) -> Option<String> {
    const RULES: [(&str, &str); 6] = [
        ("st", "scie"),
        ("t", "cie"),
        ("d", "dzie"),
        ("k", "ce"),
        ("g", "dze"),
        ("r", "rze"),
    ];
    if stem.chars().count() < 4 {
        return None;
    }
    RULES
        .iter()
        .find_map(|(end, with)| stem.strip_suffix(end).map(|rest| format!("{rest}{with}")))
}

/// Post-rule on a Snowball Russian stem: the fleeting vowel of `-ок`, `-ек`, `-ец`.
///
/// The vowel is there in some forms and gone in others ("подарок" / "подарка",
/// "звонок" / "звонка", genitive plural "скидок" / "скидка", "отец" / "отца"); Snowball
/// leaves "подарок" and "подарк", so a keyword "скидка" missed "нет скидок". The rule
/// drops the vowel from every stem ending so after a consonant, which makes each such
/// word consistent with itself in every form ("урок" and "урока" both become "урк").
/// Stems under 5 letters are left alone ("сок", "бок").
///
/// Measured with `benches/morphology.py` (the Russian forms among the 30,000 most
/// frequent words, grouped by a lemma dictionary, weighted by frequency, the 1,000 most
/// frequent words left out): tokens on their lemma's main stem 92.64% → 93.09%, tokens
/// on a stem that another lemma dominates 8.24% → 8.28%.
fn russian_fleeting_vowel(stem: &mut String) {
    let mut rev = stem.chars().rev();
    let (Some(last), Some(vowel), Some(before)) = (rev.next(), rev.next(), rev.next()) else {
        return;
    };
    let fleeting = matches!((vowel, last), ('о', 'к') | ('е', 'к') | ('е', 'ц'));
    if fleeting && !"аеиоуыэюяйь".contains(before) && stem.chars().count() >= 5 {
        // Both letters are two bytes in UTF-8.
        stem.truncate(stem.len() - 4);
        stem.push(last);
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// One analysed word, stored as ranges into [`Analyzed`]'s text buffer.
#[derive(Clone, Debug)]
struct Token {
    start: usize,
    end: usize,
    folded: Range<usize>,
    stem: Range<usize>,
    stop: bool,
    is_number: bool,
    /// Put in place of a phrase synonym.
    synonym: bool,
}

/// The words of one analysed text: a reusable buffer.
///
/// Clear it (or let [`Analyzer::analyze`] clear it) and reuse it; once it has grown to
/// fit the longest message, analysing allocates nothing.
#[derive(Clone, Debug, Default)]
pub struct Analyzed {
    /// Folded and stem text of all tokens, back to back.
    text: String,
    tokens: Vec<Token>,
    /// Stemmer output before it is appended to `text`.
    scratch: String,
    /// Phrase synonyms replaced: the folded words found (a range of `text`) and what
    /// they were read as (see [`Analyzer::phrase_target`]).
    rewrites: Vec<(Range<usize>, u32)>,
    /// The token list before phrase synonyms were replaced (reused).
    spare: Vec<Token>,
}

impl Analyzed {
    /// An empty buffer.
    pub fn new() -> Analyzed {
        Analyzed::default()
    }

    /// An empty buffer sized for a text of `text_bytes` bytes (its folded words and stems
    /// fit without growing).
    pub fn with_capacity(text_bytes: usize) -> Analyzed {
        let mut a = Analyzed::new();
        a.reserve_for(text_bytes);
        a
    }

    /// Makes room for a text of `text_bytes` bytes (its folded words and stems fit
    /// without growing).
    pub(crate) fn reserve_for(&mut self, text_bytes: usize) {
        self.text.reserve(2 * text_bytes + 16);
        self.tokens.reserve(text_bytes / 3 + 1);
        self.scratch.reserve(32);
    }

    /// Bytes of heap the buffers hold.
    pub(crate) fn capacity_bytes(&self) -> usize {
        self.text.capacity()
            + self.scratch.capacity()
            + (self.tokens.capacity() + self.spare.capacity()) * std::mem::size_of::<Token>()
            + self.rewrites.capacity() * std::mem::size_of::<(Range<usize>, u32)>()
    }

    /// Removes all tokens, keeping the allocated capacity.
    pub fn clear(&mut self) {
        self.text.clear();
        self.tokens.clear();
        self.scratch.clear();
        self.rewrites.clear();
    }

    fn stem_at(&self, i: usize) -> &str {
        &self.text[self.tokens[i].stem.clone()]
    }

    /// Where the words with `stems` (in order) are found from word `i` on: see
    /// [`phrase_end_in`].
    pub(crate) fn phrase_end<S: AsRef<str>>(&self, i: usize, stems: &[S]) -> Option<usize> {
        phrase_end_in(
            self.tokens.len(),
            |j| (self.stem_at(j), self.tokens[j].stop),
            i,
            stems,
        )
    }

    /// The phrase synonyms replaced in this text: (the folded words found, joined by
    /// spaces; what they were read as, see [`Analyzer::phrase_target`]).
    pub(crate) fn phrase_rewrites(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.rewrites
            .iter()
            .map(|(r, t)| (&self.text[r.clone()], *t))
    }

    /// The number of words.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True if there are no words.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The `i`-th word, if any.
    pub fn get(&self, i: usize) -> Option<TokenRef<'_>> {
        self.tokens.get(i).map(|t| self.token_ref(t))
    }

    /// All words in text order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TokenRef<'_>> + '_ {
        self.tokens.iter().map(|t| self.token_ref(t))
    }

    fn token_ref<'a>(&'a self, t: &Token) -> TokenRef<'a> {
        TokenRef {
            start: t.start,
            end: t.end,
            folded: &self.text[t.folded.clone()],
            stem: &self.text[t.stem.clone()],
            stop: t.stop,
            is_number: t.is_number,
            synonym: t.synonym,
        }
    }
}

/// One analysed word, borrowed from an [`Analyzed`] buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRef<'a> {
    /// Byte offset of the word's start in the original text (a char boundary).
    pub start: usize,
    /// Byte offset just past the word's end in the original text (a char boundary);
    /// `&text[start..end]` is the word as written.
    pub end: usize,
    /// The word lower-cased, diacritics folded, apostrophes removed.
    pub folded: &'a str,
    /// The stem of the word in the analysed language, folded. Equals `folded` for
    /// numbers and words longer than [`MAX_STEM_CHARS`].
    pub stem: &'a str,
    /// A stop word of the analysed language (kept; the caller decides).
    pub stop: bool,
    /// Digits, possibly with `.` or `,` separators.
    pub is_number: bool,
    /// A word of a synonym group's first entry, put in place of a phrase of the same
    /// group ([`Analyzer::with_synonyms`]); `start..end` is then the phrase found.
    pub synonym: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(lang: Language, w: &str) -> String {
        let mut s = String::new();
        Analyzer::new().stem_word(w, lang, &mut s);
        s
    }

    fn assert_one_stem(lang: Language, words: &[&str]) -> String {
        let first = stem(lang, words[0]);
        for w in words {
            assert_eq!(stem(lang, w), first, "{w} should stem like {}", words[0]);
        }
        first
    }

    #[test]
    fn polish_order_forms_with_and_without_diacritics_share_a_stem() {
        let s = assert_one_stem(
            Language::Pl,
            &[
                "zamówienie",
                "zamówienia",
                "zamówieniu",
                "zamowienie",
                "zamowienia",
                "zamowieniu",
                "zamówień",
                "zamówieniem",
            ],
        );
        assert_eq!(s, "zamowien");
    }

    #[test]
    fn polish_parcel_forms_share_a_stem() {
        let s = assert_one_stem(
            Language::Pl,
            &[
                "paczka", "paczki", "paczkę", "paczke", "paczce", "paczką", "paczek",
            ],
        );
        assert_eq!(s, "paczk");
        assert_one_stem(
            Language::Pl,
            &[
                "przesyłka",
                "przesyłki",
                "przesyłce",
                "przesyłek",
                "przesylke",
            ],
        );
    }

    #[test]
    fn polish_folded_post_rules_merge_measured_groups() {
        assert_one_stem(
            Language::Pl,
            &["kurier", "kurierów", "kurierzy", "kurierem"],
        );
        assert_one_stem(Language::Pl, &["zwrot", "zwrotu", "zwrotów"]);
        assert_one_stem(Language::Pl, &["faktura", "fakturze", "fakturę"]);
        assert_one_stem(
            Language::Pl,
            &["zmienić", "zmienic", "zmienię", "zmieniłem"],
        );
        assert_one_stem(Language::Pl, &["otrzymać", "otrzymałem", "otrzymam"]);
        assert_one_stem(Language::Pl, &["zapłacić", "zapłacę", "zaplacilem"]);
        // Three-letter forms: Snowball cut only the `y`.
        assert_one_stem(Language::Pl, &["zły", "zła", "złe", "złą", "złego"]);
        assert_one_stem(Language::Pl, &["gra", "gry", "grę", "grą"]);
        assert_one_stem(Language::Pl, &["psa", "psy"]);
    }

    #[test]
    fn polish_locatives_with_consonant_alternations_meet_their_noun() {
        assert_one_stem(Language::Pl, &["karta", "kartą", "karcie"]);
        assert_one_stem(Language::Pl, &["konto", "konta", "koncie"]);
        assert_one_stem(Language::Pl, &["klient", "klienta", "kliencie"]);
        assert_one_stem(Language::Pl, &["kontakt", "kontaktu", "kontakcie"]);
        assert_one_stem(Language::Pl, &["kod", "kodu", "kodzie"]);
        assert_one_stem(Language::Pl, &["przykład", "przykładzie"]);
        // Verbs that end in a vowel + "cie" keep their stem.
        let a = Analyzer::new();
        let mut s = String::new();
        a.stem_word("wysyłacie", Language::Pl, &mut s);
        assert_eq!(s, "wysyl");
        a.stem_word("możecie", Language::Pl, &mut s);
        assert_eq!(s, "moz");
    }

    #[test]
    fn russian_order_forms_share_a_stem_and_yo_folds() {
        assert_eq!(
            assert_one_stem(
                Language::Ru,
                &["заказ", "заказа", "заказом", "заказу", "Заказы"]
            ),
            "заказ"
        );
        assert_one_stem(Language::Ru, &["ёлка", "елка", "Ёлки"]);
    }

    #[test]
    fn polish_oblique_forms_of_content_words_share_their_stem() {
        let content = "odbiór w paczkomat, droga, Polska, rabat, tekst, kurier, mata";
        let a = Analyzer::new().with_content_words([(Language::Pl, content)]);
        let plain = Analyzer::new();
        let stem_of = |a: &Analyzer, w: &str| {
            let mut s = String::new();
            a.stem_word(w, Language::Pl, &mut s);
            s
        };
        for (form, word) in [
            ("paczkomacie", "paczkomat"),
            ("drodze", "droga"),
            ("Polsce", "Polska"),
            ("rabacie", "rabat"),
            ("tekście", "tekst"),
            ("tekscie", "tekst"),
        ] {
            assert_eq!(stem_of(&a, form), stem_of(&a, word), "{form}");
            // Snowball alone splits them: the content is what joins them.
            assert_ne!(stem_of(&plain, form), stem_of(&plain, word), "{form}");
        }
        // Other words, verbs with the same endings and stop words read as before.
        for w in ["wysyłacie", "automacie", "macie", "paczkomatu", "drogi"] {
            assert_eq!(stem_of(&a, w), stem_of(&plain, w), "{w}");
        }
        // Only Polish content counts.
        let en = Analyzer::new().with_content_words([(Language::En, "paczkomat")]);
        assert_eq!(stem_of(&en, "paczkomacie"), stem_of(&plain, "paczkomacie"));
    }

    #[test]
    fn russian_fleeting_vowels_share_a_stem() {
        assert_one_stem(Language::Ru, &["подарок", "подарка", "подарки", "подарков"]);
        assert_one_stem(Language::Ru, &["скидка", "скидки", "скидок", "скидку"]);
        assert_one_stem(Language::Ru, &["звонок", "звонка", "звонки"]);
        assert_one_stem(Language::Ru, &["продавец", "продавца", "продавцы"]);
        assert_one_stem(Language::Ru, &["урок", "урока", "уроки"]);
        // Short stems and vowels before the ending are left alone.
        assert_eq!(stem(Language::Ru, "сок"), "сок");
        assert_ne!(
            stem(Language::Ru, "подарок"),
            stem(Language::Ru, "подарить")
        );
    }

    #[test]
    fn latvian_order_forms_with_and_without_diacritics_share_a_stem() {
        assert_one_stem(
            Language::Lv,
            &[
                "pasūtījums",
                "pasūtījumu",
                "pasūtījuma",
                "pasutijums",
                "pasutijumu",
            ],
        );
    }

    #[test]
    fn english_inflections_share_a_stem() {
        assert_one_stem(Language::En, &["delivery", "deliveries"]);
        assert_one_stem(Language::En, &["order", "orders", "ordered", "order's"]);
    }

    #[test]
    fn short_words_are_not_stemmed_to_a_single_letter() {
        for lang in Language::ALL {
            for w in ["ok", "no", "tv", "да", "ja", "is"] {
                assert!(stem(lang, w).chars().count() >= 2, "{w} in {lang}");
            }
        }
    }

    #[test]
    fn offsets_point_at_original_words_and_punctuation_is_skipped() {
        let text = "Gdzie jest MOJA paczka?! 😀 Zamówienie nr 12345, ok.";
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        a.analyze(text, Language::Pl, &mut out);
        let words: Vec<&str> = out.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(
            words,
            [
                "Gdzie",
                "jest",
                "MOJA",
                "paczka",
                "Zamówienie",
                "nr",
                "12345",
                "ok"
            ]
        );
        let t = out.get(2).unwrap();
        assert_eq!((t.folded, t.stop), ("moja", true));
        let t = out.get(4).unwrap();
        assert_eq!((t.folded, t.stem), ("zamowienie", "zamowien"));
        let t = out.get(6).unwrap();
        assert!(t.is_number && !t.stop && t.stem == "12345");
        assert!(out.get(8).is_none());
        assert_eq!(out.len(), 8);
    }

    #[test]
    fn question_words_and_negations_are_not_stop_words() {
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        let cases = [
            (Language::En, "where when how much not no yes", "how"),
            (Language::Pl, "gdzie kiedy ile nie tak", ""),
            (Language::Lv, "kur kad cik ne nav", ""),
            (Language::Ru, "где когда сколько не нет да", ""),
        ];
        for (lang, text, allowed_stop) in cases {
            a.analyze(text, lang, &mut out);
            for t in out.iter() {
                assert!(
                    !t.stop || t.folded == allowed_stop,
                    "{} in {lang}",
                    t.folded
                );
            }
        }
        a.analyze("where is my order", Language::En, &mut out);
        let stops: Vec<bool> = out.iter().map(|t| t.stop).collect();
        assert_eq!(stops, [false, true, true, false]);
    }

    #[test]
    fn english_apostrophes_are_dropped_in_folded_form() {
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        let text = "Don’t know what's my order's status, I'm lost";
        a.analyze(text, Language::En, &mut out);
        let folded: Vec<&str> = out.iter().map(|t| t.folded).collect();
        assert_eq!(
            folded,
            ["dont", "know", "whats", "my", "orders", "status", "im", "lost"]
        );
        assert_eq!(
            &text[out.get(0).unwrap().start..out.get(0).unwrap().end],
            "Don’t"
        );
        assert!(!out.get(0).unwrap().stop, "negation stays");
        assert!(out.get(2).unwrap().stop && out.get(6).unwrap().stop);
        assert_eq!(out.get(4).unwrap().stem, "order");
    }

    #[test]
    fn very_long_words_are_kept_unstemmed() {
        let word = "zamówienia".repeat(10);
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        a.analyze(&word, Language::Pl, &mut out);
        assert_eq!(out.len(), 1);
        let t = out.get(0).unwrap();
        assert_eq!(t.stem, t.folded);
        assert_eq!((t.start, t.end), (0, word.len()));
    }

    #[test]
    fn buffer_is_reused_without_growing() {
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        let text = "Gdzie jest moja paczka? Zamówiłem ją tydzień temu.";
        a.analyze(text, Language::Pl, &mut out);
        let caps = (out.text.capacity(), out.tokens.capacity());
        for _ in 0..10 {
            a.analyze(text, Language::Pl, &mut out);
        }
        assert_eq!(caps, (out.text.capacity(), out.tokens.capacity()));
    }

    #[test]
    fn analyzer_is_send_sync_clone_debug() {
        fn assert_traits<T: Send + Sync + Clone + fmt::Debug>() {}
        assert_traits::<Analyzer>();
        assert_traits::<Analyzed>();
    }

    #[test]
    fn analysis_never_panics_and_offsets_stay_on_char_boundaries() {
        let bytes: Vec<u8> = (0..65_536u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
            .collect();
        let nasty = [
            String::new(),
            "a".repeat(1 << 20),
            String::from_utf8_lossy(&bytes).into_owned(),
            "e\u{301}\u{301}\u{301} \u{301}x \u{306}".to_string(),
            "שלום עולם مرحبا بالعالم".to_string(),
            "👨\u{200D}👩\u{200D}👧 😀\u{200D}a a\u{200D}b \u{200B}\u{FEFF}".to_string(),
            "'''' ’’ don'' 'x' 1,2,3.4.".to_string(),
            "ZAMÓWIENIE ЗАКАЗ PASŪTĪJUMS 注文 ﷽".to_string(),
        ];
        let a = Analyzer::new();
        let mut out = Analyzed::new();
        for text in &nasty {
            for lang in Language::ALL {
                a.analyze(text, lang, &mut out);
                for t in out.iter() {
                    assert!(t.start < t.end && t.end <= text.len());
                    assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                    assert!(!t.folded.is_empty() && !t.stem.is_empty());
                }
            }
        }
    }

    fn words(a: &Analyzer, text: &str, lang: Language) -> Vec<(String, bool)> {
        let mut out = Analyzed::new();
        a.analyze(text, lang, &mut out);
        out.iter()
            .map(|t| (t.folded.to_string(), t.synonym))
            .collect()
    }

    #[test]
    fn corrected_words_complete_phrase_synonyms() {
        let a = Analyzer::with_synonyms([
            (
                Language::En,
                ["return", "give back", "send back"].as_slice(),
            ),
            (Language::En, ["log in", "sign in"].as_slice()),
        ]);
        // Phrase words are never corrected away, and a near typo finds them.
        assert!(a.is_phrase_word("give", Language::En));
        assert!(!a.is_phrase_word("give", Language::Pl));
        assert!(
            !a.is_phrase_word("return", Language::En),
            "first entries are content"
        );
        assert_eq!(
            a.correct_to_phrase_word("bakc", Language::En),
            Some(("back", "back", 1))
        );
        assert_eq!(a.correct_to_phrase_word("back", Language::En), None);
        assert_eq!(a.correct_to_phrase_word("bxxk", Language::En), None);
        // After correction: "give it bakc" -> "give it back" -> "return"; a run that holds
        // a word already put in place of a phrase is left alone.
        let mut words = vec![
            ("pls", "pls"),
            ("give", "give"),
            ("it", "it"),
            ("back", "back"),
        ];
        let mut fixed = vec![false; 4];
        let mut rewrites = Vec::new();
        a.rewrite_corrected(Language::En, &mut words, &mut fixed, &mut rewrites);
        assert_eq!(words, [("pls", "pls"), ("return", "return")]);
        assert_eq!(fixed, [false, true]);
        let r: Vec<(&str, &str)> = rewrites
            .iter()
            .map(|(f, t)| (f.as_str(), a.phrase_target(*t)))
            .collect();
        assert_eq!(r, [("give it back", "return")]);
        let mut words = vec![("sign", "sign"), ("in", "in")];
        let mut fixed = vec![false, true];
        a.rewrite_corrected(Language::En, &mut words, &mut fixed, &mut rewrites);
        assert_eq!(words, [("sign", "sign"), ("in", "in")]);
    }

    #[test]
    fn phrase_synonyms_are_read_as_the_group_s_first_entry() {
        let a = Analyzer::with_synonyms([
            (
                Language::En,
                ["return", "send back", "give back"].as_slice(),
            ),
            (Language::En, ["ship", "send", "post out"].as_slice()),
            (Language::En, ["log in", "sign in"].as_slice()),
            (Language::Ru, ["вернуть", "отдать назад"].as_slice()),
        ]);
        let folded = |text: &str, lang| -> Vec<String> {
            words(&a, text, lang).into_iter().map(|w| w.0).collect()
        };
        // Inflected, with stop words between the phrase's words; the longest entry that
        // starts at a word wins ("send back" over "send").
        assert_eq!(
            folded("Can I send it back?", Language::En),
            ["can", "i", "return"]
        );
        assert_eq!(
            folded("sending them back now", Language::En),
            ["return", "now"]
        );
        assert_eq!(
            folded("when do you send it", Language::En),
            ["when", "do", "you", "ship", "it"]
        );
        // A content word between the phrase's words, or too many stop words: no phrase.
        assert_eq!(
            folded("give the jacket back", Language::En),
            ["give", "the", "jacket", "back"]
        );
        assert_eq!(
            folded("give it to me back", Language::En),
            ["give", "it", "to", "me", "back"]
        );
        // A phrase's stop words count: "sign in" is not "sign".
        assert_eq!(
            folded("sign the form", Language::En),
            ["sign", "the", "form"]
        );
        assert_eq!(
            words(&a, "I can't sign in", Language::En),
            [
                ("i".into(), false),
                ("cant".into(), false),
                ("log".into(), true),
                ("in".into(), true)
            ]
        );
        // The first entry is left as it is.
        assert_eq!(folded("return it", Language::En), ["return", "it"]);
        assert_eq!(
            folded("хочу отдать обратно назад", Language::Ru),
            ["хочу", "отдать", "обратно", "назад"]
        );
        assert_eq!(
            folded("хочу отдать назад", Language::Ru),
            ["хочу", "вернуть"]
        );
        // Other languages are untouched.
        assert_eq!(folded("send back", Language::Pl), ["send", "back"]);

        // The words put in place keep the phrase's place in the text, and the phrase is
        // listed for explanations.
        let text = "pls give it back";
        let mut out = Analyzed::new();
        a.analyze(text, Language::En, &mut out);
        let t = out.get(1).expect("two words");
        assert_eq!(
            (&text[t.start..t.end], t.folded, t.synonym),
            ("give it back", "return", true)
        );
        let r: Vec<(&str, &str)> = out
            .phrase_rewrites()
            .map(|(f, to)| (f, a.phrase_target(to)))
            .collect();
        assert_eq!(r, [("give it back", "return")]);
        // The buffer is reused: a text without phrases lists none.
        a.analyze("pls", Language::En, &mut out);
        assert_eq!(out.phrase_rewrites().count(), 0);
        assert_eq!(
            a.rewrite_text("Give it BACK!", Language::En).as_deref(),
            Some("return")
        );
        assert_eq!(a.rewrite_text("give", Language::En), None);
    }

    #[test]
    fn synonyms_map_every_inflection_to_the_first_word_per_language() {
        let a = Analyzer::with_synonyms([
            (Language::Pl, ["paczka", "przesyłka"].as_slice()),
            (Language::En, ["parcel", "package"].as_slice()),
            // "package" is taken by the group above: it stays there.
            (Language::En, ["box", "package"].as_slice()),
            (Language::En, [].as_slice()),
        ]);
        let stem = |lang, w: &str| {
            let mut s = String::new();
            a.stem_word(w, lang, &mut s);
            s
        };
        assert_eq!(
            stem(Language::Pl, "przesyłkami"),
            stem(Language::Pl, "paczki")
        );
        assert_eq!(stem(Language::En, "packages"), stem(Language::En, "parcel"));
        assert_ne!(stem(Language::En, "box"), stem(Language::En, "parcel"));
        // Another language is not touched.
        let mut plain = String::new();
        Analyzer::new().stem_word("package", Language::Ru, &mut plain);
        assert_eq!(stem(Language::Ru, "package"), plain);
        let p = stem(Language::Pl, "paczka");
        assert_eq!(a.synonym_word(&p, Language::Pl), Some("paczka"));
        assert_eq!(a.synonym_word(&p, Language::En), None);
        assert_eq!(Analyzer::new().synonym_word(&p, Language::Pl), None);
        // Analysed text gets the mapped stems too.
        let mut out = Analyzed::new();
        a.analyze("Gdzie moja przesyłka?", Language::Pl, &mut out);
        assert!(out.iter().any(|t| t.folded == "przesylka" && t.stem == p));
    }
}
