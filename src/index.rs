//! Stage `index`: an inverted index built once from the content.
//!
//! Features of a text are its word stems (stop words included: "my name" and "your name"
//! are different questions), stem bigrams (with sentence-start `^` and end `$` marks) and
//! character 3-grams of its folded non-stop words. Two kinds of postings exist:
//!
//! - example postings (stems and bigrams): feature → examples, with inverse intent
//!   frequency weights, so a message is compared (cosine) with its nearest example
//!   phrasing. Features found in more than 2% of the examples are not posted here.
//! - intent postings (all features): feature → intents, with a weight counted from the
//!   content: the smoothed log-odds of the feature appearing in the intent's examples
//!   versus the other intents' examples, relative to the feature being absent from an
//!   intent of average size. An intent's evidence for a message is the sum of its weights
//!   over the message's features, divided by the most evidence the message could give
//!   (each feature's best weight over all intents, plus a fixed amount per unknown word):
//!   the share of the message the intent explains, in [0, 1]. Every score is therefore a
//!   sum of per-feature contributions that can be listed.
//!
//! Query time is proportional to the postings of the message's features, not to the
//! number of examples. A typo-tolerant vocabulary (deletion neighbourhoods) maps unknown
//! words to known ones before lookup.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::analyze::{Analyzed, Analyzer};
use crate::model::Language;

/// FNV-1a: a fast hash for the short feature keys looked up at query time (the keys come
/// from the content, not from an attacker who could choose collisions cheaply enough to
/// matter for a map of this size).
#[derive(Clone, Copy, Debug)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A hash map keyed by short strings, with [`Fnv`] hashing.
type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Relative weight of word-stem features.
const W_WORD: f32 = 1.0;
/// Relative weight of stem-bigram features (including the sentence-boundary bigrams).
const W_BIGRAM: f32 = 0.6;
/// Relative weight of character n-gram features.
const W_CHAR: f32 = 0.35;
/// Shortest character n-gram (with `<` `>` word boundary marks).
const NGRAM_MIN: usize = 3;
/// Longest character n-gram. Lengths 3–5 were measured on CLINC150 val: no gain over 3
/// alone, 20–40% slower.
const NGRAM_MAX: usize = 3;
/// Additive smoothing of the example counts in the log-odds weights (0.05–1 measured on
/// CLINC150 val and dev splits held out of the banking77 and Russian train splits).
const ALPHA: f32 = 0.2;
/// Evidence a message word unknown to the content adds to what an intent must explain
/// (about one ordinary content word), so a message of mostly unknown words scores low.
const UNKNOWN_WORD_EVIDENCE: f32 = 2.0;
/// Features found in more than this share of the examples are left out of the
/// per-example postings (they still count in the intent postings): they say little about
/// which example is nearest and their lists would dominate query time.
const EX_DF_SHARE: f32 = 0.02;

/// Features in at most this many examples are always posted per example, whatever
/// their share (small bots keep exact nearest-example evidence).
const EX_DF_FLOOR: f32 = 64.0;

/// How many intents a search returns at most (the best by index evidence).
const MAX_HITS: usize = 16;

/// Feature family tags, used as the first byte of a feature key.
const TAG_WORD: char = 'w';
const TAG_BIGRAM: char = 'b';
const TAG_CHAR: char = 'c';

/// Compressed posting lists: `offsets[f]..offsets[f + 1]` indexes `entries`.
#[derive(Clone, Debug, Default)]
struct Postings {
    offsets: Vec<u32>,
    entries: Vec<(u32, f32)>,
}

impl Postings {
    fn from_lists(lists: Vec<Vec<(u32, f32)>>) -> Postings {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut entries = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        offsets.push(0);
        for list in lists {
            entries.extend(list);
            offsets.push(entries.len() as u32);
        }
        Postings { offsets, entries }
    }

    fn get(&self, feature: u32) -> &[(u32, f32)] {
        let f = feature as usize;
        match (self.offsets.get(f), self.offsets.get(f + 1)) {
            (Some(&a), Some(&b)) => &self.entries[a as usize..b as usize],
            _ => &[],
        }
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.entries.capacity() * 8
    }
}

/// One example phrasing as the index sees it.
#[derive(Clone, Debug)]
pub(crate) struct ExampleRef {
    /// Index of the intent it belongs to.
    pub intent: u32,
    /// Its language.
    pub lang: Language,
    /// Index of the example inside the intent's list for that language.
    pub ordinal: u32,
}

/// A known word of the content, for typo correction.
#[derive(Clone, Debug)]
struct VocabWord {
    /// A stop word of its language (its character n-grams are not features).
    stop: bool,
    folded: Box<str>,
    stem: Box<str>,
    lang: Language,
}

/// What the index was built from: one entry per example.
#[derive(Clone, Debug)]
pub(crate) struct IndexInput<'a> {
    /// Intent index.
    pub intent: u32,
    /// Language of the text.
    pub lang: Language,
    /// Ordinal inside the intent's examples of that language.
    pub ordinal: u32,
    /// The phrasing.
    pub text: &'a str,
}

/// The inverted index.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    features: FastMap<Box<str>, u32>,
    idf: Vec<f32>,
    example_postings: Postings,
    intent_postings: Postings,
    /// Per feature: its largest intent weight (the evidence it can give at most).
    max_w: Vec<f32>,
    examples: Vec<ExampleRef>,
    intent_count: usize,
    vocab: FastMap<Box<str>, u32>,
    vocab_words: Vec<VocabWord>,
    deletes: FastMap<Box<str>, Vec<u32>>,
}

/// A typo correction applied to a message word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Correction {
    pub start: usize,
    pub end: usize,
    pub from: String,
    pub to: String,
    pub distance: usize,
}

/// Per-intent evidence from the index.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IntentHit {
    pub intent: u32,
    /// Cosine similarity with the nearest example (words and bigrams).
    pub example_sim: f32,
    /// Which example (index into the index's example list).
    pub example: u32,
    /// Share of the message's evidence that the intent explains (all features), in [0, 1].
    pub centroid_sim: f32,
    /// The most evidence the message could give (the denominator of `centroid_sim`): the
    /// same for every hit of one message; small for one or two words, or for words the
    /// content barely knows.
    pub message_evidence: f32,
}

/// Reusable per-thread buffers so that a query allocates little.
#[derive(Debug, Default)]
struct Scratch {
    key: String,
    query: Vec<(u32, f32)>,
    ex_acc: Vec<f32>,
    ex_touched: Vec<u32>,
    int_acc: Vec<f32>,
    int_best: Vec<(f32, u32)>,
    int_touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn push_key(key: &mut String, tag: char, a: &str, b: Option<&str>) {
    key.clear();
    key.push(tag);
    key.push_str(a);
    if let Some(b) = b {
        key.push(' ');
        key.push_str(b);
    }
}

/// Calls `f` with every character n-gram of `word` (with `<` and `>` boundary marks),
/// for every length from `ng_min` to `ng_max`.
fn for_each_ngram(word: &str, key: &mut String, mut f: impl FnMut(&str)) {
    let mut chars: [char; 64] = ['\0'; 64];
    let mut n = 0;
    chars[n] = '<';
    n += 1;
    for c in word.chars() {
        if n >= 62 {
            break;
        }
        chars[n] = c;
        n += 1;
    }
    chars[n] = '>';
    n += 1;
    for len in NGRAM_MIN..=NGRAM_MAX {
        if n < len || len == 0 {
            continue;
        }
        for i in 0..=n - len {
            key.clear();
            key.push(TAG_CHAR);
            for &c in &chars[i..i + len] {
                key.push(c);
            }
            f(key);
        }
    }
}

/// Calls `f` with every feature key of a token sequence ((folded, stem) pairs) and its
/// family tag: word stems, stem bigrams, character n-grams of the folded words.
fn for_each_feature(
    tokens: &[(&str, &str)],
    is_stop: impl Fn(usize) -> bool,
    key: &mut String,
    mut f: impl FnMut(&str, char),
) {
    let mut prev: Option<&str> = Some("^");
    for (i, &(folded, stem)) in tokens.iter().enumerate() {
        push_key(key, TAG_WORD, stem, None);
        f(key, TAG_WORD);
        if let Some(pr) = prev {
            push_key(key, TAG_BIGRAM, pr, Some(stem));
            f(key, TAG_BIGRAM);
        }
        prev = Some(stem);
        if !is_stop(i) {
            for_each_ngram(folded, key, |k| f(k, TAG_CHAR));
        }
    }
    if let (false, Some(pr)) = (tokens.is_empty(), prev) {
        push_key(key, TAG_BIGRAM, pr, Some("$"));
        f(key, TAG_BIGRAM);
    }
}

/// The tokens of an analysed text that become features: every word, stop words included
/// ("my name" and "your name" are different questions); stop words only give no
/// character n-grams.
fn content_tokens(a: &Analyzed) -> impl Iterator<Item = crate::analyze::TokenRef<'_>> {
    a.iter()
}

/// Deletion neighbourhood of a word: the word with one character removed, each.
fn deletes_of(word: &str, mut f: impl FnMut(String)) {
    let idx: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
    for (k, &i) in idx.iter().enumerate() {
        let end = idx.get(k + 1).copied().unwrap_or(word.len());
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..i]);
        s.push_str(&word[end..]);
        f(s);
    }
}

/// How many edits a word of this length may have and still be corrected.
pub(crate) fn max_edits(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl Index {
    /// Builds the index. `intent_count` intents; every example of every intent in `inputs`.
    pub(crate) fn build(
        analyzer: &Analyzer,
        intent_count: usize,
        inputs: &[IndexInput<'_>],
    ) -> Index {
        let mut features: FastMap<Box<str>, u32> = FastMap::default();
        let mut feature_kind: Vec<char> = Vec::new();
        let mut analyzed = Analyzed::new();
        let mut key = String::new();
        // Per example: its feature ids (deduplicated).
        let mut ex_features: Vec<Vec<u32>> = Vec::with_capacity(inputs.len());
        let mut vocab: FastMap<Box<str>, u32> = FastMap::default();
        let mut vocab_words: Vec<VocabWord> = Vec::new();
        let mut toks: Vec<(String, String)> = Vec::new();
        let mut stops: Vec<bool> = Vec::new();

        for input in inputs {
            analyzer.analyze(input.text, input.lang, &mut analyzed);
            toks.clear();
            toks.extend(
                content_tokens(&analyzed).map(|t| (t.folded.to_string(), t.stem.to_string())),
            );
            stops.clear();
            stops.extend(content_tokens(&analyzed).map(|t| t.stop));
            let pairs: Vec<(&str, &str)> =
                toks.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let mut ids: Vec<u32> = Vec::new();
            for_each_feature(
                &pairs,
                |i| stops[i],
                &mut key,
                |k, kind| {
                    let id = match features.get(k) {
                        Some(&id) => id,
                        None => {
                            let id = features.len() as u32;
                            features.insert(k.into(), id);
                            feature_kind.push(kind);
                            id
                        }
                    };
                    ids.push(id);
                },
            );
            for t in analyzed.iter() {
                if !t.is_number && !vocab.contains_key(t.folded) {
                    vocab.insert(t.folded.into(), vocab_words.len() as u32);
                    vocab_words.push(VocabWord {
                        stop: t.stop,
                        folded: t.folded.into(),
                        stem: t.stem.into(),
                        lang: input.lang,
                    });
                }
            }
            ids.sort_unstable();
            ids.dedup();
            ex_features.push(ids);
        }

        let nf = features.len();
        let family = |f: usize| match feature_kind[f] {
            TAG_WORD => W_WORD,
            TAG_BIGRAM => W_BIGRAM,
            _ => W_CHAR,
        };
        // Counts: examples per intent, examples per feature and intent.
        let mut per_intent = vec![0u32; intent_count];
        let mut df = vec![0u32; nf];
        let mut fc: Vec<HashMap<u32, u32>> = vec![HashMap::new(); intent_count];
        for (e, input) in inputs.iter().enumerate() {
            let c = input.intent as usize;
            if c >= intent_count {
                continue;
            }
            per_intent[c] += 1;
            for &f in &ex_features[e] {
                df[f as usize] += 1;
                *fc[c].entry(f).or_insert(0) += 1;
            }
        }
        let mut intent_df = vec![0u32; nf];
        for m in &fc {
            for &f in m.keys() {
                intent_df[f as usize] += 1;
            }
        }
        // Inverse intent frequency: a feature used by one intent is worth more than one
        // used by all of them.
        let n = intent_count.max(1) as f32;
        let idf: Vec<f32> = (0..nf)
            .map(|f| family(f) * (1.0 + n / intent_df[f].max(1) as f32).ln())
            .collect();

        // Example postings: words and bigrams, L2-normalised per example; features in
        // more than `EX_DF_SHARE` of the examples are left to the intent postings.
        let total = inputs.len().max(1) as f32;
        let ex_df_max = (EX_DF_SHARE * total).max(EX_DF_FLOOR);
        let ex_ok = |f: usize| feature_kind[f] != TAG_CHAR && (df[f] as f32) <= ex_df_max;
        let mut ex_lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); nf];
        let mut examples = Vec::with_capacity(inputs.len());
        for (e, input) in inputs.iter().enumerate() {
            examples.push(ExampleRef {
                intent: input.intent,
                lang: input.lang,
                ordinal: input.ordinal,
            });
            let ids = &ex_features[e];
            let norm_wb: f32 = ids
                .iter()
                .filter(|&&f| ex_ok(f as usize))
                .map(|&f| idf[f as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            if norm_wb > 0.0 {
                for &f in ids {
                    if ex_ok(f as usize) {
                        ex_lists[f as usize].push((e as u32, idf[f as usize] / norm_wb));
                    }
                }
            }
        }

        let mut int_lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); nf];
        let mut max_w = vec![0.0f32; nf];
        // Intent weights: the log-odds of a feature appearing in an intent's examples
        // versus in the other intents' examples (smoothed counts), minus the same
        // log-odds for the feature being absent from an intent of average size. So
        // absence is evidence against an intent, and the part shared by all intents
        // (the same for every intent, so it cannot change the ranking) drops out;
        // what is left is positive for every feature the intent's examples use.
        let a = ALPHA;
        let mean_nc = total / intent_count.max(1) as f32;
        for (i, m) in fc.iter().enumerate() {
            let nc = per_intent[i] as f32;
            let rest = total - nc;
            let mut entries: Vec<(u32, f32)> = m
                .iter()
                .filter_map(|(&f, &k)| {
                    let k = k as f32;
                    let p_in = (k + a) / (nc + 2.0 * a);
                    let p_out = (df[f as usize] as f32 - k + a) / (rest + 2.0 * a);
                    let d = df[f as usize] as f32;
                    let b_in = a / (mean_nc + 2.0 * a);
                    let b_out = (d + a) / (total - mean_nc + 2.0 * a);
                    let w = family(f as usize) * ((p_in / p_out).ln() - (b_in / b_out).ln());
                    (w > 0.0).then_some((f, w))
                })
                .collect();
            entries.sort_unstable_by_key(|e| e.0);
            for (f, w) in entries {
                int_lists[f as usize].push((i as u32, w));
                let mw = &mut max_w[f as usize];
                *mw = mw.max(w);
            }
        }

        // Typo-tolerant vocabulary: every word and its one-character deletions.
        let mut deletes: FastMap<Box<str>, Vec<u32>> = FastMap::default();
        for (id, w) in vocab_words.iter().enumerate() {
            if max_edits(w.folded.chars().count()) == 0 {
                continue;
            }
            deletes.entry(w.folded.clone()).or_default().push(id as u32);
            let two = max_edits(w.folded.chars().count()) >= 2;
            deletes_of(&w.folded, |d| {
                if two {
                    // Two edits (a transposition plus one more) need deletions on both sides.
                    deletes_of(&d, |dd| {
                        deletes.entry(dd.into()).or_default().push(id as u32)
                    });
                }
                deletes.entry(d.into()).or_default().push(id as u32);
            });
        }
        for list in deletes.values_mut() {
            list.sort_unstable();
            list.dedup();
        }

        Index {
            features,
            idf,
            example_postings: Postings::from_lists(ex_lists),
            intent_postings: Postings::from_lists(int_lists),
            max_w,
            examples,
            intent_count,
            vocab,
            vocab_words,
            deletes,
        }
    }

    /// The example behind a hit.
    pub(crate) fn example(&self, e: u32) -> Option<&ExampleRef> {
        self.examples.get(e as usize)
    }

    /// Is this folded word part of the content's vocabulary?
    pub(crate) fn knows(&self, folded: &str) -> bool {
        self.vocab.contains_key(folded)
    }

    /// Is this stem a word feature of the content?
    pub(crate) fn knows_stem(&self, stem: &str) -> bool {
        let mut key = String::with_capacity(stem.len() + 1);
        push_key(&mut key, TAG_WORD, stem, None);
        self.features.contains_key(key.as_str())
    }

    /// The closest known word to an unknown one, within the edits its length allows.
    /// Ties are broken by preferring the message language, then the lowest id (content
    /// order), so the result is deterministic.
    pub(crate) fn correct(&self, folded: &str, lang: Language) -> Option<(&str, &str, usize)> {
        let len = folded.chars().count();
        // A word one letter short of a long word ("paswrod" for "password") may still
        // carry two edits: search with the allowance of the longer length, then check each
        // candidate against the allowance of the longer of the two words.
        let allowed = max_edits(len + 1);
        if len < 4 || allowed == 0 || len > 40 {
            return None;
        }
        let mut best: Option<(usize, bool, u32)> = None;
        let consider = |ids: &[u32], best: &mut Option<(usize, bool, u32)>| {
            for &id in ids {
                let w = &self.vocab_words[id as usize];
                let d = strsim::damerau_levenshtein(folded, &w.folded);
                let limit = max_edits(len.max(w.folded.chars().count()).min(len + 1));
                if d == 0 || d > limit {
                    continue;
                }
                let cand = (d, w.lang != lang, id);
                if best.is_none_or(|b| cand < b) {
                    *best = Some(cand);
                }
            }
        };
        if let Some(ids) = self.deletes.get(folded) {
            consider(ids, &mut best);
        }
        deletes_of(folded, |d| {
            if let Some(ids) = self.deletes.get(d.as_str()) {
                consider(ids, &mut best);
            }
            if allowed >= 2 {
                deletes_of(&d, |dd| {
                    if let Some(ids) = self.deletes.get(dd.as_str()) {
                        consider(ids, &mut best);
                    }
                });
            }
        });
        best.map(|(d, _, id)| {
            let w = &self.vocab_words[id as usize];
            (&*w.folded, &*w.stem, d)
        })
    }

    /// Scores every intent that shares a feature with the message, best first.
    ///
    /// `tokens` are (folded word, stem) pairs of the message's content words, after typo
    /// correction. Results go to `out` (cleared first).
    pub(crate) fn search(&self, tokens: &[(&str, &str)], out: &mut Vec<IntentHit>) {
        out.clear();
        SCRATCH.with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            s.query.clear();
            let mut unknown = 0usize;
            {
                let (features, query) = (&self.features, &mut s.query);
                let mut key = std::mem::take(&mut s.key);
                let is_stop = |i: usize| {
                    self.vocab
                        .get(tokens[i].0)
                        .is_some_and(|&id| self.vocab_words[id as usize].stop)
                };
                for_each_feature(tokens, is_stop, &mut key, |k, kind| match features.get(k) {
                    Some(&f) => query.push((f, 0.0)),
                    None if kind == TAG_WORD => unknown += 1,
                    None => {}
                });
                s.key = key;
            }
            s.query.sort_unstable_by_key(|q| q.0);
            s.query.dedup_by_key(|q| q.0);
            if s.query.is_empty() {
                return;
            }
            // Example side: cosine over the features posted per example. Intent side:
            // the share of the evidence the message could give at most (each feature's
            // best intent weight, plus a fixed amount per unknown word) that an intent
            // explains.
            let mut norm_wb = 0.0f32;
            let mut evidence = unknown as f32 * UNKNOWN_WORD_EVIDENCE;
            for q in s.query.iter_mut() {
                let w = self.idf[q.0 as usize];
                q.1 = w;
                evidence += self.max_w[q.0 as usize];
                if !self.example_postings.get(q.0).is_empty() {
                    norm_wb += w * w;
                }
            }
            let norm_wb = norm_wb.sqrt();
            let int_scale = if evidence > 0.0 { 1.0 / evidence } else { 0.0 };

            if s.ex_acc.len() < self.examples.len() {
                s.ex_acc.resize(self.examples.len(), 0.0);
            }
            if s.int_acc.len() < self.intent_count {
                s.int_acc.resize(self.intent_count, 0.0);
                s.int_best.resize(self.intent_count, (0.0, 0));
            }
            for &(f, w) in &s.query {
                if norm_wb > 0.0 {
                    let qw = w / norm_wb;
                    for &(e, ew) in self.example_postings.get(f) {
                        let slot = &mut s.ex_acc[e as usize];
                        if *slot == 0.0 {
                            s.ex_touched.push(e);
                        }
                        *slot += qw * ew;
                    }
                }
                for &(i, iw) in self.intent_postings.get(f) {
                    let slot = &mut s.int_acc[i as usize];
                    if *slot == 0.0 && s.int_best[i as usize].0 == 0.0 {
                        s.int_touched.push(i);
                    }
                    *slot += int_scale * iw;
                }
            }
            for &e in &s.ex_touched {
                let sim = s.ex_acc[e as usize];
                s.ex_acc[e as usize] = 0.0;
                let i = self.examples[e as usize].intent as usize;
                if s.int_acc[i] == 0.0 && s.int_best[i].0 == 0.0 {
                    s.int_touched.push(i as u32);
                }
                let best = &mut s.int_best[i];
                if sim > best.0 || (sim == best.0 && e < best.1) {
                    *best = (sim, e);
                }
            }
            s.ex_touched.clear();
            for &i in &s.int_touched {
                let (example_sim, example) = s.int_best[i as usize];
                out.push(IntentHit {
                    intent: i,
                    example_sim: example_sim.min(1.0),
                    example,
                    centroid_sim: s.int_acc[i as usize].min(1.0),
                    message_evidence: evidence,
                });
                s.int_acc[i as usize] = 0.0;
                s.int_best[i as usize] = (0.0, 0);
            }
            s.int_touched.clear();
        });
        // Only the best few intents go on to scoring and explanation: the decision looks
        // at three at most, and sorting every touched intent would cost more than search.
        if out.len() > MAX_HITS {
            let key = |h: &IntentHit| (crate::score::base_score(h), std::cmp::Reverse(h.intent));
            out.select_nth_unstable_by(MAX_HITS - 1, |a, b| {
                key(b)
                    .partial_cmp(&key(a))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            out.truncate(MAX_HITS);
        }
    }

    /// Bytes held on the heap by the index (measured from the capacities of its buffers).
    pub(crate) fn heap_bytes(&self) -> usize {
        let map_entry = std::mem::size_of::<(Box<str>, u32)>() + 8;
        let features: usize = self
            .features
            .keys()
            .map(|k| k.len() + map_entry)
            .sum::<usize>()
            + self.features.capacity().saturating_sub(self.features.len()) * map_entry;
        let vocab: usize = self
            .vocab
            .keys()
            .map(|k| k.len() + map_entry)
            .sum::<usize>()
            + self
                .vocab_words
                .iter()
                .map(|w| w.folded.len() + w.stem.len() + std::mem::size_of::<VocabWord>())
                .sum::<usize>();
        let deletes: usize = self
            .deletes
            .iter()
            .map(|(k, v)| {
                k.len() + v.capacity() * 4 + std::mem::size_of::<(Box<str>, Vec<u32>)>() + 8
            })
            .sum();
        features
            + vocab
            + deletes
            + self.idf.capacity() * 4
            + self.max_w.capacity() * 4
            + self.example_postings.heap_bytes()
            + self.intent_postings.heap_bytes()
            + self.examples.capacity() * std::mem::size_of::<ExampleRef>()
    }

    /// Number of distinct features.
    pub(crate) fn feature_count(&self) -> usize {
        self.features.len()
    }
}

/// Analyses a message and corrects unknown words against the index vocabulary.
/// Returns the (folded, stem) pairs used for search, plus corrections.
pub(crate) fn prepare_query<'a>(
    index: &'a Index,
    analyzed: &'a Analyzed,
    lang: Language,
    corrections: &mut Vec<Correction>,
    out: &mut Vec<(&'a str, &'a str)>,
) {
    out.clear();
    for t in content_tokens(analyzed) {
        // A word the content never used is corrected to a near known word, unless its
        // stem is known: then it is a new inflection ("zamówieniami"), not a typo.
        if !t.is_number && !index.knows(t.folded) && !index.knows_stem(t.stem) {
            if let Some((word, stem, d)) = index.correct(t.folded, lang) {
                corrections.push(Correction {
                    start: t.start,
                    end: t.end,
                    from: t.folded.to_string(),
                    to: word.to_string(),
                    distance: d,
                });
                out.push((word, stem));
                continue;
            }
        }
        out.push((t.folded, t.stem));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(texts: &[(u32, &str)]) -> (Analyzer, Index) {
        let a = Analyzer::new();
        let inputs: Vec<IndexInput<'_>> = texts
            .iter()
            .enumerate()
            .map(|(k, &(intent, text))| IndexInput {
                intent,
                lang: Language::En,
                ordinal: k as u32,
                text,
            })
            .collect();
        let n = texts.iter().map(|t| t.0).max().unwrap_or(0) as usize + 1;
        let idx = Index::build(&a, n, &inputs);
        (a, idx)
    }

    fn search(a: &Analyzer, idx: &Index, text: &str) -> Vec<IntentHit> {
        let mut an = Analyzed::new();
        a.analyze(text, Language::En, &mut an);
        let mut corr = Vec::new();
        let mut toks = Vec::new();
        prepare_query(idx, &an, Language::En, &mut corr, &mut toks);
        let mut out = Vec::new();
        idx.search(&toks, &mut out);
        out.sort_by(|x, y| y.centroid_sim.total_cmp(&x.centroid_sim));
        out
    }

    #[test]
    fn nearest_intent_wins() {
        let (a, idx) = build(&[
            (0, "where is my parcel"),
            (0, "track my delivery"),
            (1, "how do I reset my password"),
            (1, "forgot password"),
        ]);
        let hits = search(&a, &idx, "password reset please");
        assert_eq!(hits[0].intent, 1);
        let hits = search(&a, &idx, "where is the parcel");
        assert_eq!(hits[0].intent, 0);
        assert!(hits[0].example_sim > 0.5);
    }

    #[test]
    fn typo_is_corrected_to_known_word() {
        let (_a, idx) = build(&[(0, "where is my parcel"), (1, "forgot password")]);
        let (w, _, d) = idx.correct("pasword", Language::En).expect("corrected");
        assert_eq!((w, d), ("password", 1));
        let (w, _, d) = idx.correct("paswrod", Language::En).expect("corrected");
        assert_eq!((w, d), ("password", 2));
        assert!(idx.correct("xyz", Language::En).is_none());
    }

    #[test]
    fn new_inflection_of_a_known_stem_is_not_a_typo() {
        let (a, idx) = build(&[(0, "forgot password"), (1, "where is my parcel")]);
        let mut an = Analyzed::new();
        a.analyze("passwords forgoten", Language::En, &mut an);
        let (mut corr, mut toks) = (Vec::new(), Vec::new());
        prepare_query(&idx, &an, Language::En, &mut corr, &mut toks);
        // "passwords" stems to the known "password": kept; "forgoten" is a typo.
        assert_eq!(corr.len(), 1);
        assert_eq!(corr[0].from, "forgoten");
        assert_eq!(toks[0].0, "passwords");
    }

    #[test]
    fn unknown_message_touches_nothing() {
        let (a, idx) = build(&[(0, "where is my parcel")]);
        assert!(search(&a, &idx, "qqqq zzzz").is_empty());
        assert!(search(&a, &idx, "").is_empty());
    }
}
