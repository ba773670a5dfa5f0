//! Stage `validate`: semantic checks on a [`Content`], wherever it came from.
//!
//! The loader ([`crate::load`]) runs these on what it read, but they work on content built
//! in code too (positions are then simply absent). Checks: unique intent ids and id
//! syntax, duplicate examples (also across intents), regexes that do not compile,
//! answers/labels/bot messages missing for a declared language, answer placeholders no
//! pattern captures, empty intents, references to unknown intents, examples in undeclared
//! languages, too few examples, and threshold sanity.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use crate::diag::{Diagnostic, DiagnosticKind as Kind};
use crate::index::Fnv;
use crate::model::{Content, IntentDef, Language, Located, Pos, Settings};

/// Fewer examples than this in a language (that has examples at all) gives a warning.
pub const MIN_EXAMPLES: usize = 3;

/// Runs every semantic check and returns all problems found (errors and warnings).
pub fn validate(content: &Content) -> Vec<Diagnostic> {
    validate_with(content, &LoadedExtras::for_code())
}

/// What the loader knows beyond the model: positions of settings that the model does not
/// carry, and what could not be loaded (to avoid follow-on noise).
#[derive(Debug, Default)]
pub(crate) struct LoadedExtras {
    /// `bot.yaml` was read; when false, per-language completeness is not checked.
    pub settings_known: bool,
    /// A file could not be read at all, so its intents are unknown.
    pub some_file_failed: bool,
    /// Ids of intents that exist in a file but failed to load.
    pub unloaded_ids: Vec<String>,
    pub languages_pos: Option<Pos>,
    pub default_language_pos: Option<Pos>,
    /// answer, clarify, margin.
    pub threshold_pos: [Option<Pos>; 3],
    pub messages_pos: Option<Pos>,
    /// fallback, clarify, handoff, out_of_hours, suggest.
    pub message_pos: [Option<Pos>; 5],
}

impl LoadedExtras {
    fn for_code() -> Self {
        LoadedExtras {
            settings_known: true,
            ..LoadedExtras::default()
        }
    }
}

pub(crate) fn validate_with(content: &Content, extras: &LoadedExtras) -> Vec<Diagnostic> {
    let mut v = Validator {
        diags: Vec::new(),
        settings: &content.settings,
        extras,
        analyzer: crate::analyze::Analyzer::new(),
        synonyms_valid: false,
    };
    if extras.settings_known {
        v.settings();
    }
    v.intent_ids(&content.intents);
    v.duplicate_examples(&content.intents);
    for intent in &content.intents {
        v.intent(intent);
    }
    v.references(&content.intents);
    // Keywords are judged as the bot reads them: through the synonym groups (when those
    // are valid), so that "send back" is the same keyword as "return", and with the
    // content's oblique forms ("w paczkomacie" is "paczkomat").
    let keywords = if v.synonyms_valid {
        crate::bot::content_analyzer(&content.settings, &content.intents)
    } else {
        crate::bot::content_words(v.analyzer.clone(), &content.intents)
    };
    v.duplicate_keywords(&content.intents, &keywords);
    v.keyword_conflicts(&content.intents, &keywords);
    v.synonym_conflicts(&content.intents);
    v.diags
}

/// A keyword as `Validator::keyword_conflicts` matches it: (its intent, the keyword, the
/// stems a message must have, whether those include stop words).
type KeywordUse<'a> = (usize, &'a Located<String>, Vec<String>, bool);

/// Examples of another intent a keyword must be found in before `check` warns.
const KEYWORD_CONFLICT_MIN: usize = 3;
/// Number of other intents whose examples contain a keyword from which `check` warns
/// that the keyword is not specific to its intent ("doesn't work" as a keyword of
/// code_not_working, found in examples about logging in, payment and the website).
const KEYWORD_SPREAD_MIN: usize = 3;

/// Most words in one synonym entry.
const MAX_SYNONYM_WORDS: usize = 6;

/// Two synonyms whose uses share less than this (see `Validator::synonym_conflicts`) are
/// reported: half of each word's uses in the same intents as the other's.
const SYNONYM_MIN_OVERLAP: f64 = 0.5;
/// Uses (examples and keywords) a synonym needs before its overlap is judged.
const SYNONYM_MIN_USES: usize = 3;

/// How alike two words' uses are: the sum over intents of the smaller of the two shares.
fn overlap(a: &BTreeMap<&str, usize>, b: &BTreeMap<&str, usize>) -> f64 {
    let (na, nb) = (a.values().sum::<usize>(), b.values().sum::<usize>());
    if na == 0 || nb == 0 {
        return 1.0;
    }
    a.iter()
        .filter_map(|(i, &x)| {
            let y = *b.get(i)?;
            Some((x as f64 / na as f64).min(y as f64 / nb as f64))
        })
        .sum()
}

/// A hasher for keys that are already hashes: passes the `u64` through.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

struct Validator<'a> {
    diags: Vec<Diagnostic>,
    settings: &'a Settings,
    extras: &'a LoadedExtras,
    /// A plain analyser (no synonyms), for the checks that read words as the bot does
    /// (keywords are read through the synonym groups instead: see `validate_with`).
    analyzer: crate::analyze::Analyzer,
    /// The synonym groups of the settings were checked and have no errors.
    synonyms_valid: bool,
}

impl Validator<'_> {
    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity() == crate::diag::Severity::Error)
            .count()
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn settings(&mut self) {
        let s = self.settings;
        let e = self.extras;
        if s.languages.is_empty() {
            self.push(
                Diagnostic::error(Kind::InvalidValue, "`languages` is empty")
                    .at(e.languages_pos.clone().or(s.pos.clone()))
                    .with_hint("list at least one of pl, en, lv, ru"),
            );
        } else if !s.languages.contains(&s.default_language) {
            self.push(
                Diagnostic::error(
                    Kind::UnknownLanguage,
                    format!(
                        "default language `{}` is not in `languages`",
                        s.default_language
                    ),
                )
                .at(e.default_language_pos.clone().or(s.pos.clone()))
                .with_hint(format!("add `{}` to `languages`", s.default_language)),
            );
        }
        let t = s.thresholds;
        for (i, (name, value)) in [
            ("answer", t.answer),
            ("clarify", t.clarify),
            ("margin", t.margin),
        ]
        .into_iter()
        .enumerate()
        {
            if !(0.0..=1.0).contains(&value) {
                self.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        format!("threshold `{name}` is {value}; it must be between 0 and 1"),
                    )
                    .at(e.threshold_pos[i].clone().or(s.pos.clone())),
                );
            }
        }
        if t.clarify > t.answer {
            self.push(
                Diagnostic::error(
                    Kind::InvalidValue,
                    format!(
                        "threshold `clarify` ({}) is above `answer` ({})",
                        t.clarify, t.answer
                    ),
                )
                .at(e.threshold_pos[1].clone().or(s.pos.clone()))
                .with_hint("clarify must be at most answer: below answer the bot asks, below clarify it gives up"),
            );
        }
        for p in &s.escalation.frustration_patterns {
            self.regex(p, "frustration pattern");
        }
        let errors = self.error_count();
        self.synonyms();
        self.synonyms_valid = self.error_count() == errors;
        let m = &s.messages;
        for (i, (name, map)) in [
            ("fallback", &m.fallback),
            ("clarify", &m.clarify),
            ("handoff", &m.handoff),
            ("out_of_hours", &m.out_of_hours),
        ]
        .into_iter()
        .enumerate()
        {
            for lang in &s.languages {
                if !map.contains_key(lang) {
                    self.push(
                        Diagnostic::error(
                            Kind::MissingMessage,
                            format!("bot message `{name}` has no `{lang}` text"),
                        )
                        .at(e.message_pos[i]
                            .clone()
                            .or(e.messages_pos.clone())
                            .or(s.pos.clone())),
                    );
                }
            }
        }
    }

    /// Synonym groups: words or short phrases with a content word, two or more per
    /// group, each entry in one group only, in declared languages.
    fn synonyms(&mut self) {
        let s = self.settings;
        let stop_words = self.analyzer.clone();
        for (lang, groups) in &s.synonyms {
            if !s.languages.contains(lang) {
                let at = groups.iter().flatten().next().and_then(|w| w.pos.clone());
                self.push(
                    Diagnostic::warning(
                        Kind::UnknownLanguage,
                        format!("synonyms for `{lang}`, which is not in `languages`"),
                    )
                    .at(at.or(s.pos.clone())),
                );
            }
            // Folded word -> the first word of the group it was first seen in.
            let mut seen: HashMap<String, &str> = HashMap::new();
            for group in groups {
                let Some(first) = group.first() else {
                    continue;
                };
                if group.len() < 2 {
                    self.push(
                        Diagnostic::warning(
                            Kind::InvalidValue,
                            format!(
                                "synonym group `{}` has one entry: it changes nothing",
                                first.value
                            ),
                        )
                        .at(first.pos.clone().or(s.pos.clone()))
                        .with_hint(
                            "a group lists words or phrases that mean the same, e.g. `[parcel, package]`",
                        ),
                    );
                }
                for w in group {
                    // Words as the analyser splits them ("e-mail" is two).
                    let mut words: Vec<String> = Vec::new();
                    crate::analyze::for_each_folded_word(&w.value, &mut String::new(), |f| {
                        words.push(f.to_string());
                    });
                    let problem = if words.is_empty() {
                        Some((
                            "empty synonym".to_string(),
                            "write a word or a phrase, or remove the entry",
                        ))
                    } else if words.len() > MAX_SYNONYM_WORDS {
                        Some((
                            format!("synonym `{}` has more than {MAX_SYNONYM_WORDS} words", w.value.trim()),
                            "a synonym is a word or a short phrase; put whole questions in an intent's `examples`",
                        ))
                    } else if words.len() > 1
                        && words.iter().all(|f| stop_words.is_stop_word(f, *lang))
                    {
                        Some((
                            format!("synonym `{}` has only stop words", w.value.trim()),
                            "it would replace those words in every message; give the phrase a content word",
                        ))
                    } else {
                        None
                    };
                    if let Some((message, hint)) = problem {
                        self.push(
                            Diagnostic::error(Kind::InvalidValue, message)
                                .at(w.pos.clone().or(s.pos.clone()))
                                .with_hint(hint),
                        );
                        continue;
                    }
                    let folded = words.join(" ");
                    if let Some(other) = seen.get(&folded) {
                        self.push(
                            Diagnostic::error(
                                Kind::InvalidValue,
                                format!(
                                    "`{}` is already a synonym of `{other}` ({lang})",
                                    w.value.trim()
                                ),
                            )
                            .at(w.pos.clone().or(s.pos.clone()))
                            .with_hint("a word can be in one synonym group only; merge the groups"),
                        );
                    } else {
                        seen.insert(folded, first.value.as_str());
                    }
                }
            }
        }
    }

    /// Synonyms that the content uses to tell intents apart: two entries (words or
    /// phrases) of a group whose examples and keywords fall in mostly different intents
    /// ("refund" in refund intents, "return" in return intents) would, as synonyms, make
    /// those intents look alike. The overlap of two words is the sum over intents of the smaller of their
    /// shares of each word's uses; below [`SYNONYM_MIN_OVERLAP`] it is reported, for
    /// words used at least [`SYNONYM_MIN_USES`] times.
    fn synonym_conflicts(&mut self, intents: &[IntentDef]) {
        let s = self.settings;
        if s.synonyms.is_empty() {
            return;
        }
        let analyzer = self.analyzer.clone();
        let mut stem = String::new();
        let mut buf = String::new();
        let mut analyzed = crate::analyze::Analyzed::new();
        for (&lang, groups) in &s.synonyms {
            // Every entry's key (without synonyms), in group order: a word's stem, or a
            // phrase's stems joined by spaces (a stem has no space).
            let mut phrases: Vec<(String, Vec<String>)> = Vec::new();
            let stems: Vec<Vec<String>> = groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|w| {
                            analyzer.analyze(&w.value, lang, &mut analyzed);
                            if analyzed.len() > 1 {
                                let p: Vec<String> =
                                    analyzed.iter().map(|t| t.stem.into()).collect();
                                let key = p.join(" ");
                                phrases.push((key.clone(), p));
                                key
                            } else {
                                analyzer.stem_word(w.value.trim(), lang, &mut stem);
                                stem.clone()
                            }
                        })
                        .collect()
                })
                .collect();
            // Key -> uses per intent (examples and keywords).
            let mut uses: HashMap<String, BTreeMap<&str, usize>> = stems
                .iter()
                .flatten()
                .map(|s| (s.clone(), BTreeMap::new()))
                .collect();
            // Each distinct word is stemmed once: is its stem one of the group words'?
            let mut stem_of: HashMap<String, Option<String>> = HashMap::new();
            for intent in intents {
                let texts = intent.examples.get(&lang).into_iter().flatten();
                let keywords = intent.keywords.get(&lang).into_iter().flatten();
                let id = intent.id.value.as_str();
                for text in texts.chain(keywords) {
                    crate::analyze::for_each_folded_word(&text.value, &mut buf, |folded| {
                        if !stem_of.contains_key(folded) {
                            analyzer.stem_word(folded, lang, &mut stem);
                            let wanted = uses.contains_key(stem.as_str()).then(|| stem.clone());
                            stem_of.insert(folded.to_string(), wanted);
                        }
                        let wanted = stem_of.get(folded).and_then(Option::as_ref);
                        if let Some(u) = wanted.and_then(|w| uses.get_mut(w)) {
                            *u.entry(id).or_default() += 1;
                        }
                    });
                    // Phrases are found as the bot finds them.
                    if phrases.is_empty() {
                        continue;
                    }
                    analyzer.analyze(&text.value, lang, &mut analyzed);
                    for (key, p) in &phrases {
                        let found = (0..analyzed.len())
                            .filter(|&i| analyzed.phrase_end(i, p).is_some())
                            .count();
                        if found > 0 {
                            if let Some(u) = uses.get_mut(key) {
                                *u.entry(id).or_default() += found;
                            }
                        }
                    }
                }
            }
            for (group, group_stems) in groups.iter().zip(&stems) {
                let used: Vec<(&Located<String>, &BTreeMap<&str, usize>)> = group
                    .iter()
                    .zip(group_stems)
                    .filter_map(|(w, stem)| {
                        let u = uses.get(stem.as_str())?;
                        // A word used once or twice says little about where it belongs.
                        (u.values().sum::<usize>() >= SYNONYM_MIN_USES).then_some((w, u))
                    })
                    .collect();
                // Each word once, at its first conflict with an earlier word.
                'words: for (j, (b, b_uses)) in used.iter().enumerate() {
                    for (a, a_uses) in &used[..j] {
                        if std::ptr::eq(*a_uses, *b_uses) {
                            continue; // the same stem
                        }
                        if overlap(a_uses, b_uses) < SYNONYM_MIN_OVERLAP {
                            let top = |u: &BTreeMap<&str, usize>| {
                                let mut v: Vec<(&str, usize)> =
                                    u.iter().map(|(i, n)| (*i, *n)).collect();
                                v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
                                v.iter()
                                    .take(2)
                                    .map(|(i, _)| format!("`{i}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            };
                            self.push(
                                Diagnostic::warning(
                                    Kind::Conflict,
                                    format!(
                                        "synonyms `{}` and `{}` are mostly used by different intents ({}; {}): as synonyms they stop telling them apart",
                                        a.value.trim(),
                                        b.value.trim(),
                                        top(a_uses),
                                        top(b_uses)
                                    ),
                                )
                                .at(b.pos.clone().or(s.pos.clone()))
                                .with_hint("keep words that separate intents out of synonym groups"),
                            );
                            continue 'words;
                        }
                    }
                }
            }
        }
    }

    fn intent_ids(&mut self, intents: &[IntentDef]) {
        let mut first: HashMap<&str, Option<&Pos>> = HashMap::new();
        for intent in intents {
            let id = &intent.id;
            if id.value.is_empty()
                || !id
                    .value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                self.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        format!("intent id `{}` may only use a-z, 0-9 and _", id.value),
                    )
                    .at(pos_of(id, intent))
                    .with_hint(format!("e.g. `{}`", suggest_id(&id.value))),
                );
            }
            match first.get(id.value.as_str()) {
                Some(prev) => {
                    let d = Diagnostic::error(
                        Kind::DuplicateIntentId,
                        format!("duplicate intent id `{}`", id.value),
                    )
                    .at(pos_of(id, intent))
                    .with_related("first at", prev.cloned());
                    self.push(d);
                }
                None => {
                    first.insert(&id.value, id.pos.as_ref().or(intent.pos.as_ref()));
                }
            }
        }
    }

    fn duplicate_examples(&mut self, intents: &[IntentDef]) {
        // Per language: one key can only mean one intent. The map holds a 64-bit hash of
        // (language, key) and where the key was first seen, not the key itself (large
        // content has millions of examples); a hash hit is confirmed by comparing keys.
        let total: usize = intents
            .iter()
            .flat_map(|i| i.examples.values())
            .map(Vec::len)
            .sum();
        let mut seen: HashMap<u64, (u32, Language, u32), BuildHasherDefault<Prehashed>> =
            HashMap::with_capacity_and_hasher(total, BuildHasherDefault::default());
        let (mut buf, mut key, mut other) = (String::new(), String::new(), String::new());
        for (i, intent) in intents.iter().enumerate() {
            for (lang, examples) in &intent.examples {
                for (k, ex) in examples.iter().enumerate() {
                    example_key_into(&ex.value, &mut buf, &mut key);
                    if key.is_empty() {
                        self.push(
                            Diagnostic::error(Kind::InvalidValue, "empty example")
                                .at(pos_of(ex, intent)),
                        );
                        continue;
                    }
                    let mut h = Fnv::default();
                    h.write_u8(lang.index() as u8);
                    h.write(key.as_bytes());
                    let first = match seen.entry(h.finish()) {
                        Entry::Vacant(v) => {
                            v.insert((i as u32, *lang, k as u32));
                            continue;
                        }
                        Entry::Occupied(o) => *o.get(),
                    };
                    let (fi, flang, fk) = (first.0 as usize, first.1, first.2 as usize);
                    let first_intent = &intents[fi];
                    let first_ex = &first_intent.examples[&flang][fk];
                    example_key_into(&first_ex.value, &mut buf, &mut other);
                    if flang != *lang || other != key {
                        // Two keys with one hash (about one in 10^19 per pair): not a
                        // duplicate.
                        continue;
                    }
                    let other_id = &first_intent.id.value;
                    let same = *other_id == intent.id.value;
                    let message = if same {
                        format!("duplicate example \"{}\"", ex.value)
                    } else {
                        format!(
                            "duplicate example \"{}\", also in intent `{other_id}`",
                            ex.value
                        )
                    };
                    let mut d = Diagnostic::error(Kind::DuplicateExample, message)
                        .at(pos_of(ex, intent))
                        .with_related("first at", first_ex.pos.clone());
                    if !same {
                        d = d.with_hint(
                            "a phrasing can lead to one intent only; keep it where it belongs",
                        );
                    }
                    self.push(d);
                }
            }
        }
    }

    /// Keywords that other intents' examples are full of: a keyword of intent A found in
    /// at least [`KEYWORD_CONFLICT_MIN`] examples of intent B, and in at least a third of
    /// B's examples in that language, pulls B's questions towards A ("faktura" as a
    /// keyword of invoice_request, in most examples of invoice_correction). Matched as
    /// the bot matches keywords (stems, contiguous content words). Keywords of
    /// context-only intents are left out; those of intents that need a value are not
    /// (customers give an order number with every kind of question).
    fn keyword_conflicts(&mut self, intents: &[IntentDef], analyzer: &crate::analyze::Analyzer) {
        if intents.iter().all(|i| i.keywords.is_empty()) {
            return;
        }
        let mut a = crate::analyze::Analyzed::new();
        let langs: BTreeSet<Language> = intents
            .iter()
            .flat_map(|i| i.keywords.keys().copied())
            .collect();
        for lang in langs {
            // (intent, keyword, its stems, with stop words) by first stem.
            let mut by_head: HashMap<String, Vec<KeywordUse<'_>>> = HashMap::new();
            for (i, intent) in intents.iter().enumerate() {
                // Keywords of an intent that only matches in context do not compete with
                // first messages.
                if !intent.context.is_empty() {
                    continue;
                }
                for kw in intent.keywords.get(&lang).into_iter().flatten() {
                    analyzer.analyze(&kw.value, lang, &mut a);
                    let words = crate::rules::matched_words(&a);
                    let Some(first) = words.first() else {
                        continue;
                    };
                    let with_stop = words.iter().any(|t| t.stop);
                    let stems = words.iter().map(|t| t.stem.to_string()).collect();
                    by_head
                        .entry(first.stem.to_string())
                        .or_default()
                        .push((i, kw, stems, with_stop));
                }
            }
            // (keyword's intent, keyword index in by_head list, example's intent) -> count.
            let mut found: BTreeMap<(usize, String, usize), (usize, &Located<String>)> =
                BTreeMap::new();
            for (b, intent) in intents.iter().enumerate() {
                for ex in intent.examples.get(&lang).into_iter().flatten() {
                    analyzer.analyze(&ex.value, lang, &mut a);
                    let all: Vec<&str> = a.iter().map(|t| t.stem).collect();
                    let content: Vec<&str> = a.iter().filter(|t| !t.stop).map(|t| t.stem).collect();
                    let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();
                    // Keywords with stop words are matched on all the words, the others on
                    // the content words.
                    for (words, stop_words) in [(&content, false), (&all, true)] {
                        for k in 0..words.len() {
                            let Some(list) = by_head.get(words[k]) else {
                                continue;
                            };
                            for (i, kw, stems, with_stop) in list {
                                if *with_stop != stop_words {
                                    continue;
                                }
                                let hit = stems
                                    .iter()
                                    .enumerate()
                                    .all(|(j, s)| words.get(k + j) == Some(&s.as_str()));
                                if hit && seen.insert((*i, kw.value.clone())) {
                                    found.entry((*i, kw.value.clone(), b)).or_insert((0, kw)).0 +=
                                        1;
                                }
                            }
                        }
                    }
                }
            }
            // Keyword -> examples of its own intent that contain it, the other intents
            // whose examples do, and how many of their examples.
            type Spread<'k> = (usize, Vec<usize>, usize, &'k Located<String>);
            let mut spread: BTreeMap<(usize, String), Spread<'_>> = BTreeMap::new();
            for ((i, key, b), (n, kw)) in &found {
                let s = spread
                    .entry((*i, key.clone()))
                    .or_insert((0, Vec::new(), 0, kw));
                if i == b {
                    s.0 += n;
                } else {
                    s.1.push(*b);
                    s.2 += n;
                }
            }
            for ((i, _), (own, others, in_others, kw)) in spread {
                if others.len() < KEYWORD_SPREAD_MIN || in_others <= own {
                    continue;
                }
                let names: Vec<String> = others
                    .iter()
                    .map(|&b| format!("`{}`", intents[b].id.value))
                    .collect();
                self.push(
                    Diagnostic::warning(
                        Kind::Conflict,
                        format!(
                            "keyword `{}` of intent `{}` is in {in_others} `{}` examples of {} other intents ({}) and {own} of its own: it is not specific to `{}`",
                            kw.value.trim(),
                            intents[i].id.value,
                            lang.code(),
                            others.len(),
                            names.join(", "),
                            intents[i].id.value,
                        ),
                    )
                    .at(pos_of(kw, &intents[i]))
                    .with_hint("a keyword raises its intent on every message that has it; use words only this intent's questions have, or leave it to the examples"),
                );
            }
            for ((i, _, b), (n, kw)) in found {
                if i == b {
                    continue;
                }
                let total = intents[b].examples.get(&lang).map_or(0, Vec::len);
                if n >= KEYWORD_CONFLICT_MIN && 3 * n >= total {
                    self.push(
                        Diagnostic::warning(
                            Kind::Conflict,
                            format!(
                                "keyword `{}` of intent `{}` is in {n} of the {total} `{}` examples of intent `{}`: it pulls those questions to `{}`",
                                kw.value.trim(),
                                intents[i].id.value,
                                lang.code(),
                                intents[b].id.value,
                                intents[i].id.value,
                            ),
                        )
                        .at(pos_of(kw, &intents[i]))
                        .with_hint("use a keyword that only this intent's questions have, or leave the word to the examples"),
                    );
                }
            }
        }
    }

    /// Keywords of one intent that read the same as an earlier one in the same language
    /// ("bot" and "botem"): inflections are matched anyway, so the second adds nothing
    /// (the bot counts it once).
    fn duplicate_keywords(&mut self, intents: &[IntentDef], analyzer: &crate::analyze::Analyzer) {
        if intents
            .iter()
            .all(|i| i.keywords.values().all(|k| k.len() < 2))
        {
            return;
        }
        let mut a = crate::analyze::Analyzed::new();
        for intent in intents {
            for (&lang, list) in &intent.keywords {
                let mut seen: HashMap<String, &str> = HashMap::new();
                for kw in list {
                    analyzer.analyze(&kw.value, lang, &mut a);
                    let words = crate::rules::matched_words(&a);
                    let key = words.iter().map(|t| t.stem).collect::<Vec<_>>().join(" ");
                    if key.is_empty() {
                        continue;
                    }
                    if let Some(first) = seen.get(&key) {
                        self.push(
                            Diagnostic::warning(
                                Kind::DuplicateKeyword,
                                format!(
                                    "keyword `{}` reads the same as `{first}` in intent `{}`: it adds nothing",
                                    kw.value.trim(),
                                    intent.id.value
                                ),
                            )
                            .at(pos_of(kw, intent))
                            .with_hint("inflections, typos and synonyms (bot.yaml) of a keyword are matched anyway; remove it"),
                        );
                    } else {
                        seen.insert(key, kw.value.trim());
                    }
                }
            }
        }
    }

    fn intent(&mut self, intent: &IntentDef) {
        let at = intent.id.pos.clone().or(intent.pos.clone());
        let id = &intent.id.value;
        let has_keywords = intent.keywords.values().any(|k| !k.is_empty());
        let has_examples = intent.examples.values().any(|k| !k.is_empty());
        if !has_examples && !has_keywords && intent.patterns.is_empty() {
            self.push(
                Diagnostic::error(
                    Kind::EmptyIntent,
                    format!("intent `{id}` has no examples, keywords or patterns"),
                )
                .at(at.clone())
                .with_hint("add `examples:` with a few phrasings customers use"),
            );
        }
        let mut captures = BTreeSet::new();
        let mut all_patterns_ok = true;
        for p in &intent.patterns {
            match self.regex(p, "pattern") {
                Some(re) => captures.extend(re.capture_names().flatten().map(str::to_owned)),
                None => all_patterns_ok = false,
            }
        }
        let declared = &self.settings.languages;
        if self.extras.settings_known {
            for lang in declared {
                if intent.answer.get(lang).is_none_or(|a| a.is_empty()) {
                    self.push(
                        Diagnostic::error(
                            Kind::MissingAnswer,
                            format!("intent `{id}` has no answer in `{lang}`"),
                        )
                        .at(at.clone())
                        .with_hint(format!("add `{lang}:` under `answer:`")),
                    );
                }
                if !intent.label.contains_key(lang) {
                    self.push(
                        Diagnostic::warning(
                            Kind::MissingLabel,
                            format!("intent `{id}` has no label in `{lang}`"),
                        )
                        .at(at.clone())
                        .with_hint("the label is shown on \"did you mean\" buttons"),
                    );
                }
            }
            for (lang, examples) in &intent.examples {
                if !declared.contains(lang) {
                    self.push(
                        Diagnostic::warning(
                            Kind::UnknownLanguage,
                            format!(
                                "examples in `{lang}`, which bot.yaml does not list in `languages`"
                            ),
                        )
                        .at(examples.first().and_then(|e| e.pos.clone()).or(at.clone())),
                    );
                }
            }
        }
        for (lang, examples) in &intent.examples {
            if !examples.is_empty() && examples.len() < MIN_EXAMPLES {
                self.push(
                    Diagnostic::warning(
                        Kind::FewExamples,
                        format!(
                            "intent `{id}` has only {} example{} in `{lang}`",
                            examples.len(),
                            if examples.len() == 1 { "" } else { "s" }
                        ),
                    )
                    .at(examples[0].pos.clone().or(at.clone()))
                    .with_hint(format!("write at least {MIN_EXAMPLES} different phrasings")),
                );
            }
        }
        if all_patterns_ok {
            for variants in intent.answer.values() {
                for variant in variants {
                    for name in placeholders(&variant.value) {
                        if !captures.contains(name) {
                            let hint = if captures.is_empty() {
                                "placeholders are filled from named captures `(?P<name>…)` in `patterns`".to_owned()
                            } else {
                                let list: Vec<&str> = captures.iter().map(String::as_str).collect();
                                format!("patterns capture: {}", list.join(", "))
                            };
                            self.push(
                                Diagnostic::warning(
                                    Kind::UnknownPlaceholder,
                                    format!("answer uses `{{{name}}}` but no pattern of `{id}` captures it"),
                                )
                                .at(pos_of(variant, intent))
                                .with_hint(hint),
                            );
                        }
                    }
                }
            }
        }
    }

    fn references(&mut self, intents: &[IntentDef]) {
        if self.extras.some_file_failed {
            // A file's intents are unknown; any reference might point into it.
            return;
        }
        let ids: BTreeSet<&str> = intents
            .iter()
            .map(|i| i.id.value.as_str())
            .chain(self.extras.unloaded_ids.iter().map(String::as_str))
            .collect();
        for intent in intents {
            for (field, refs) in [
                ("follow_ups", &intent.follow_ups),
                ("context", &intent.context),
            ] {
                for r in refs {
                    if ids.contains(r.value.as_str()) {
                        continue;
                    }
                    let mut d = Diagnostic::error(
                        Kind::UnknownIntentReference,
                        format!("`{field}` names unknown intent `{}`", r.value),
                    )
                    .at(pos_of(r, intent));
                    if let Some(best) = crate::load::closest(&r.value, ids.iter().copied()) {
                        d = d.with_hint(format!("did you mean `{best}`?"));
                    }
                    self.push(d);
                }
            }
        }
    }

    fn regex(&mut self, p: &Located<String>, what: &str) -> Option<regex::Regex> {
        match regex::Regex::new(&p.value) {
            Ok(re) => Some(re),
            Err(e) => {
                let detail = match &e {
                    regex::Error::Syntax(s) => last_error_line(s),
                    regex::Error::CompiledTooBig(_) => "the pattern is too large".to_owned(),
                    other => other.to_string(),
                };
                self.push(
                    Diagnostic::error(Kind::InvalidRegex, format!("invalid {what}: {detail}"))
                        .at(p.pos.clone())
                        .with_hint(format!("the pattern is `{}`", p.value)),
                );
                None
            }
        }
    }
}

/// regex-syntax errors are multi-line (pattern, carets, "error: …"); keep the last line.
fn last_error_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("error: ").to_owned())
        .unwrap_or_else(|| s.to_owned())
}

fn pos_of<T>(v: &Located<T>, intent: &IntentDef) -> Option<Pos> {
    v.pos.clone().or(intent.pos.clone())
}

/// `{name}` placeholders in an answer text.
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let name = rest.split_once('}')?.0;
        (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
    })
}

fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.is_empty() {
        "order_status".to_owned()
    } else {
        out
    }
}

/// The key two examples are compared by: folded (lowercase, no diacritics), whitespace
/// collapsed, trailing punctuation dropped — "Gdzie paczka?" and "gdzie  paczka" collide.
pub fn example_key(s: &str) -> String {
    let (mut buf, mut out) = (String::new(), String::new());
    example_key_into(s, &mut buf, &mut out);
    out
}

/// [`example_key`] into `out`, with `buf` as scratch space (both overwritten).
fn example_key_into(s: &str, buf: &mut String, out: &mut String) {
    buf.clear();
    crate::normalize::fold_into(s, buf);
    out.clear();
    for word in buf.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let kept = out
        .trim_end_matches(|c: char| matches!(c, '?' | '!' | '.' | ',' | ';') || c.is_whitespace())
        .len();
    out.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(id: &str, examples: &[&str], answer: &str) -> IntentDef {
        let mut i = IntentDef::new(id);
        i.examples.insert(
            Language::En,
            examples
                .iter()
                .map(|e| Located::new(e.to_string()))
                .collect(),
        );
        i.answer
            .insert(Language::En, vec![Located::new(answer.to_string())]);
        i.label.insert(Language::En, id.to_string());
        i
    }

    fn content(intents: Vec<IntentDef>) -> Content {
        let mut c = Content::default();
        c.settings.languages = vec![Language::En];
        c.settings.default_language = Language::En;
        for map in [
            &mut c.settings.messages.fallback,
            &mut c.settings.messages.clarify,
            &mut c.settings.messages.handoff,
            &mut c.settings.messages.out_of_hours,
        ] {
            map.insert(Language::En, "x".into());
        }
        c.intents = intents;
        c
    }

    fn kinds(c: &Content) -> Vec<Kind> {
        validate(c).iter().map(|d| d.kind()).collect()
    }

    #[test]
    fn clean_content_has_no_diagnostics() {
        let c = content(vec![intent("a", &["one", "two", "three"], "A")]);
        assert!(validate(&c).is_empty(), "{:?}", validate(&c));
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let c = content(vec![
            intent("a", &["one", "two", "three"], "A"),
            intent("a", &["four", "five", "six"], "A"),
        ]);
        assert_eq!(kinds(&c), vec![Kind::DuplicateIntentId]);
    }

    #[test]
    fn duplicate_examples_compare_case_space_and_punctuation_insensitively() {
        let c = content(vec![
            intent("a", &["Reset password", "two", "three"], "A"),
            intent("b", &["reset   PASSWORD?!", "five", "six"], "B"),
        ]);
        let d = validate(&c);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind(), Kind::DuplicateExample);
        assert!(d[0].message().contains("also in intent `a`"));
        assert!(d[0].hint().is_some());
    }

    #[test]
    fn simple_key_normalises() {
        assert_eq!(example_key("  Where IS my\torder ?! "), "where is my order");
    }

    #[test]
    fn invalid_regex_uses_regex_error_text() {
        let mut i = intent("a", &["one", "two", "three"], "A");
        i.patterns.push(Located::new("(unclosed".into()));
        let d = validate(&content(vec![i]));
        assert_eq!(d[0].kind(), Kind::InvalidRegex);
        assert_eq!(d[0].message(), "invalid pattern: unclosed group");
    }

    #[test]
    fn placeholder_without_capture_warns() {
        let mut i = intent(
            "a",
            &["one", "two", "three"],
            "Order {order_id} and {other}",
        );
        i.patterns.push(Located::new(r"(?P<order_id>\d+)".into()));
        let d = validate(&content(vec![i]));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message().contains("{other}"));
        assert_eq!(d[0].severity(), crate::diag::Severity::Warning);
    }

    #[test]
    fn missing_answer_label_and_message_per_language() {
        let mut c = content(vec![intent("a", &["one", "two", "three"], "A")]);
        c.settings.languages.push(Language::Pl);
        let k = kinds(&c);
        assert_eq!(k.iter().filter(|k| **k == Kind::MissingMessage).count(), 4);
        assert!(k.contains(&Kind::MissingAnswer));
        assert!(k.contains(&Kind::MissingLabel));
    }

    #[test]
    fn empty_intent_and_bad_id() {
        let mut i = IntentDef::new("Order Status");
        i.answer
            .insert(Language::En, vec![Located::new("x".into())]);
        i.label.insert(Language::En, "x".into());
        let d = validate(&content(vec![i]));
        let k: Vec<Kind> = d.iter().map(|d| d.kind()).collect();
        assert_eq!(k, vec![Kind::InvalidValue, Kind::EmptyIntent]);
        assert_eq!(d[0].hint(), Some("e.g. `order_status`"));
    }

    #[test]
    fn unknown_follow_up_suggests_closest_id() {
        let mut a = intent("order_status", &["one", "two", "three"], "A");
        a.follow_ups.push(Located::new("order_statsu".into()));
        let d = validate(&content(vec![a]));
        assert_eq!(d[0].kind(), Kind::UnknownIntentReference);
        assert_eq!(d[0].hint(), Some("did you mean `order_status`?"));
    }

    #[test]
    fn few_examples_and_undeclared_language_warn() {
        let mut a = intent("a", &["one"], "A");
        a.examples
            .insert(Language::Ru, vec![Located::new("раз".into())]);
        let k = kinds(&content(vec![a]));
        assert!(k.contains(&Kind::FewExamples));
        assert!(k.contains(&Kind::UnknownLanguage));
    }

    #[test]
    fn thresholds_out_of_range_and_clarify_above_answer() {
        let mut c = content(vec![]);
        c.settings.thresholds.answer = 1.5;
        c.settings.thresholds.clarify = 0.6;
        c.settings.thresholds.margin = 0.1;
        assert_eq!(kinds(&c), vec![Kind::InvalidValue]);
        c.settings.thresholds.answer = 0.5;
        assert_eq!(kinds(&c), vec![Kind::InvalidValue]);
    }

    #[test]
    fn default_language_must_be_declared() {
        let mut c = content(vec![]);
        c.settings.default_language = Language::Pl;
        assert_eq!(kinds(&c), vec![Kind::UnknownLanguage]);
    }

    #[test]
    fn synonyms_are_short_phrases_in_one_group_of_a_declared_language() {
        let mut c = content(vec![intent("a", &["where is my parcel"], "x")]);
        let group = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        c.settings.synonyms.insert(
            Language::En,
            vec![
                group(&["parcel", "package"]),
                group(&["send back", "return"]),
                group(&["lonely"]),
                group(&["box", "Package"]),
                group(&["  "]),
                group(&["e-mail", "mail"]),
                group(&["give back", "Send  back"]),
                group(&["at", "on the"]),
                group(&["support", "a b c d e f g"]),
            ],
        );
        let d = validate(&c);
        let messages: Vec<String> = d.iter().map(|d| d.message().to_string()).collect();
        assert!(messages
            .iter()
            .any(|m| m.contains("`lonely` has one entry")));
        assert!(messages.contains(&"`Package` is already a synonym of `parcel` (en)".to_string()));
        assert!(messages.contains(&"empty synonym".to_string()));
        // Phrases are synonyms too, compared as their folded words.
        assert!(
            messages.contains(&"`Send  back` is already a synonym of `send back` (en)".to_string()),
            "{messages:?}"
        );
        assert!(messages.contains(&"synonym `on the` has only stop words".to_string()));
        assert!(messages.contains(&"synonym `a b c d e f g` has more than 6 words".to_string()));
        assert_eq!(
            d.iter()
                .filter(|d| d.severity() == crate::diag::Severity::Error)
                .count(),
            5,
            "{messages:?}"
        );
        c.settings.synonyms.clear();
        c.settings.languages = vec![Language::En];
        c.settings
            .synonyms
            .insert(Language::Lv, vec![group(&["paka", "sutijums"])]);
        let d = validate(&c);
        assert!(
            d.iter().any(|d| d.kind() == Kind::UnknownLanguage
                && d.message() == "synonyms for `lv`, which is not in `languages`"),
            "{d:?}"
        );
    }

    #[test]
    fn keywords_found_in_many_examples_of_another_intent_are_reported() {
        let kws = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        let mut refund = intent("refund_time", &["when is my refund", "refund status"], "x");
        refund
            .keywords
            .insert(Language::En, kws(&["refunds", "money back"]));
        let returns = intent(
            "return_item",
            &[
                "return for a refund",
                "how to return",
                "refund after return",
                "return it and get a refund",
                "return label",
            ],
            "x",
        );
        let mut more = intent("more_info", &["tell me more", "and then"], "x");
        more.context = vec![Located::new("refund_time".to_string())];
        more.keywords.insert(Language::En, kws(&["return"]));
        let conflicts = |intents: Vec<IntentDef>| -> Vec<String> {
            validate(&content(intents))
                .into_iter()
                .filter(|d| d.kind() == Kind::Conflict && d.message().starts_with("keyword"))
                .map(|d| d.message().to_string())
                .collect()
        };
        // "refunds" is found (as a stem) in 3 of the 5 examples of return_item; "money
        // back" in none; the context-only intent's "return" does not compete.
        assert_eq!(
            conflicts(vec![refund.clone(), returns.clone(), more]),
            ["keyword `refunds` of intent `refund_time` is in 3 of the 5 `en` examples of intent `return_item`: it pulls those questions to `refund_time`"]
        );
        // Below a third of the examples: nothing to report.
        let mut bigger = returns;
        for e in [
            "return window",
            "free returns",
            "return policy",
            "returns desk",
            "return it",
        ] {
            bigger
                .examples
                .get_mut(&Language::En)
                .unwrap()
                .push(Located::new(e.to_string()));
        }
        let found = conflicts(vec![refund, bigger]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn keywords_spread_over_other_intents_examples_are_reported() {
        let kws = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        let mut code = intent(
            "code_not_working",
            &["my discount code doesn't work", "promo code rejected"],
            "x",
        );
        code.keywords
            .insert(Language::En, kws(&["doesn't work", "promo code"]));
        let others = [
            ("login", "login doesn't work"),
            ("payment", "card payment doesn't work"),
            ("website", "the site doesn't work on my phone"),
        ];
        let mut intents = vec![code.clone()];
        for (id, ex) in others {
            // Many examples each, so that no single intent reaches a third.
            let mut exs = vec![ex];
            exs.extend(["one", "two", "three", "four", "five"]);
            intents.push(intent(id, &exs, "x"));
        }
        let spread = |intents: Vec<IntentDef>| -> Vec<String> {
            validate(&content(intents))
                .into_iter()
                .filter(|d| d.message().contains("not specific"))
                .map(|d| d.message().to_string())
                .collect()
        };
        let expected = ["keyword `doesn't work` of intent `code_not_working` is in 3 `en` examples of 3 other intents (`login`, `payment`, `website`) and 1 of its own: it is not specific to `code_not_working`"];
        assert_eq!(spread(intents.clone()), expected);
        // An intent whose answer needs a value is checked too: customers give the value
        // (an order number, a code) with every kind of question.
        let mut with_value = intents.clone();
        with_value[0].answer.insert(
            Language::En,
            vec![Located::new("Code {code} has expired.".to_string())],
        );
        with_value[0]
            .patterns
            .push(Located::new(r"(?P<code>[A-Z]{6})".to_string()));
        assert_eq!(spread(with_value), expected);
        // Used more in its own intent's examples than in the others': a core word.
        code.examples.get_mut(&Language::En).unwrap().extend(
            [
                "code doesn't work at checkout",
                "why doesn't work my code",
                "it still doesn't work",
            ]
            .map(|e| Located::new(e.to_string())),
        );
        intents[0] = code;
        let found = spread(intents.clone());
        assert!(found.is_empty(), "{found:?}");
        // Two other intents are not a spread.
        intents[0]
            .examples
            .get_mut(&Language::En)
            .unwrap()
            .truncate(2);
        intents.pop();
        let found = spread(intents);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn keywords_that_read_the_same_are_reported_once_per_intent() {
        let mut a = intent("refund_time", &["when is my refund"], "x");
        let mut b = intent("return_item", &["how to return"], "x");
        let kws = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        a.keywords.insert(
            Language::En,
            kws(&[
                "refund",
                "refunds",
                "money back",
                "Money  back",
                "refund status",
            ]),
        );
        // Another intent may use the same keyword (that is a conflict for other checks).
        b.keywords
            .insert(Language::En, kws(&["refund", "send back"]));
        let d = validate(&content(vec![a, b]));
        let found: Vec<&str> = d
            .iter()
            .filter(|d| d.kind() == Kind::DuplicateKeyword)
            .map(|d| d.message())
            .collect();
        assert_eq!(
            found,
            [
                "keyword `refunds` reads the same as `refund` in intent `refund_time`: it adds nothing",
                "keyword `Money  back` reads the same as `money back` in intent `refund_time`: it adds nothing",
            ]
        );
        assert!(d
            .iter()
            .filter(|d| d.kind() == Kind::DuplicateKeyword)
            .all(|d| d.severity() == crate::diag::Severity::Warning));
    }

    #[test]
    fn keywords_are_read_through_the_synonym_groups() {
        let kws = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        let mut b = intent("return_item", &["how to return"], "x");
        b.keywords
            .insert(Language::En, kws(&["return", "send back", "parcel"]));
        let duplicates = |c: &Content| -> Vec<String> {
            validate(c)
                .into_iter()
                .filter(|d| d.kind() == Kind::DuplicateKeyword)
                .map(|d| d.message().to_string())
                .collect()
        };
        // Without synonyms the two keywords differ.
        let mut c = content(vec![b]);
        assert!(duplicates(&c).is_empty());
        // With "send back" a synonym of "return", the bot reads both as "return".
        c.settings
            .synonyms
            .insert(Language::En, vec![kws(&["return", "send back"])]);
        assert_eq!(
            duplicates(&c),
            ["keyword `send back` reads the same as `return` in intent `return_item`: it adds nothing"]
        );
        // A group with an error (a stop-word-only entry) is not applied: the synonym
        // error is reported, not a keyword read through a broken group.
        c.settings
            .synonyms
            .insert(Language::En, vec![kws(&["return", "send back", "on the"])]);
        let d = validate(&c);
        assert!(d
            .iter()
            .any(|d| d.severity() == crate::diag::Severity::Error));
        assert!(duplicates(&c).is_empty());
    }

    #[test]
    fn synonyms_that_separate_intents_are_reported() {
        let group = |words: &[&str]| -> Vec<Located<String>> {
            words.iter().map(|w| Located::new(w.to_string())).collect()
        };
        let c = |groups: Vec<Vec<Located<String>>>| {
            let mut c = content(vec![
                intent(
                    "refund_time",
                    &[
                        "when is my refund",
                        "refund status",
                        "no refund yet",
                        "parcel refund",
                        "I want my money back",
                        "money back please",
                        "when do I get the money back",
                    ],
                    "x",
                ),
                intent(
                    "return_item",
                    &[
                        "how to return",
                        "return a parcel",
                        "can i return it",
                        "return package",
                    ],
                    "x",
                ),
            ]);
            c.settings.synonyms.insert(Language::En, groups);
            c
        };
        let conflicts = |c: &Content| {
            validate(c)
                .into_iter()
                .filter(|d| d.kind() == Kind::Conflict)
                .map(|d| d.message().to_string())
                .collect::<Vec<_>>()
        };
        let found = conflicts(&c(vec![group(&["refund", "return"])]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("synonyms `refund` and `return` are mostly used by different intents (`refund_time`; `return_item`)"), "{found:?}");
        // Used in the same intents (or too rarely to tell): nothing to report.
        assert!(conflicts(&c(vec![group(&["return", "returns"])])).is_empty());
        assert!(conflicts(&c(vec![group(&["parcel", "package"])])).is_empty());
        assert!(conflicts(&c(vec![group(&["refund", "package"])])).is_empty());
        // Phrases are counted where the bot finds them (in any inflection, a stop word or
        // two between their words): "money back" is used in refund_time only.
        let found = conflicts(&c(vec![group(&["return", "money back"])]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("synonyms `return` and `money back` are mostly used by different intents (`return_item`; `refund_time`)"), "{found:?}");
        assert!(conflicts(&c(vec![group(&["refund", "money back"])])).is_empty());
        assert!(conflicts(&c(vec![group(&["refund", "moneys backs"])])).is_empty());
    }
}
