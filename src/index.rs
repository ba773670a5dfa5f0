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
//! - pairwise contrast of the best two intents: the share of evidence explained only sees
//!   the features a message has, not the ones it lacks. For the top two hits, a
//!   log-likelihood of the message is counted from each intent's examples (a feature is
//!   present in a share `(k + α)/(n + 2α)` of them, absent from the rest, the absent share
//!   shrunk towards "always absent" for small intents), and the gap to the better of the
//!   two, per message feature, lowers the other's score (`IntentHit::contrast`). Again a
//!   sum of per-feature terms from counts; no other hit is touched.
//!
//! Query time is proportional to the postings of the message's features, not to the
//! number of examples. A typo-tolerant vocabulary (deletion neighbourhoods) maps unknown
//! words to known ones before lookup.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::analyze::{for_each_folded_word, Analyzed, Analyzer};
use crate::model::Language;

/// FNV-1a: a fast hash for the short feature keys looked up at query time (the keys come
/// from the content, not from an attacker who could choose collisions cheaply enough to
/// matter for a map of this size).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

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

/// Features found in more examples than this are never posted per example, however
/// large the content: query work on the example side stays bounded as content grows
/// (it binds only above 50,000 examples, where 2% is more than this).
const EX_DF_CAP: f32 = 1024.0;

/// Most intents one feature's intent postings keep: those where it weighs most. A
/// feature used by thousands of intents adds little to any one of them beyond its
/// strongest few hundred, and a longer list would make query time grow with the
/// content. Bots with fewer intents than this lose nothing.
const MAX_INTENTS_PER_FEATURE: usize = 256;

/// Pairwise contrast: how many of the best intents are compared feature by feature.
const CONTRAST_TOP: usize = 2;
/// Pairwise contrast: weight of the log-likelihood gap per message feature in the base
/// score (0.1–0.5 measured with [`CONTRAST_ABSENT_SHRINK`] 0–100).
const CONTRAST_WEIGHT: f32 = 0.3;
/// Pairwise contrast: examples added to an intent's size when estimating how often its
/// features are absent, so that an intent of four examples is not judged by every word
/// of each of them (0 favoured the largest intents of the Russian data set, 100 weakens
/// the CLINC150 gain).
const CONTRAST_ABSENT_SHRINK: f32 = 70.0;

/// Longest word (characters) that typo correction looks at.
const MAX_CORRECT_CHARS: usize = 40;
/// Shortest message word that typo correction may change freely. A four-letter word the
/// content does not know is more often another real word than a typo of a known one:
/// CLINC150 test questions asked to the bundled shop bot had 5 corrections in 786
/// questions, and the 4 of four-letter words were all wrong, all one substituted letter
/// (york → work, tell → fell, read → real, most → cost). Four-letter words are therefore
/// only corrected by swapping two adjacent letters ("bakc" → "back"), which rarely turns
/// one real word into another. Measured before → after (the same figures as with no
/// four-letter corrections at all): CLINC150 val top-1 91.87 → 91.93, BANKING77 and ru
/// dev unchanged, the bundled content's cross-validated top-1 71.4 → 71.5, its 300
/// editor turns pass.
pub(crate) const MIN_CORRECT_CHARS: usize = 5;

/// Bigram marks for the start and the end of a text (never a feature id).
/// Languages a feature's examples can be in (a bit each in `u8` masks).
const LANGS: usize = Language::ALL.len();
const BOS: u32 = u32::MAX - 1;
const EOS: u32 = u32::MAX;

/// How many intents a search returns at most (the best by index evidence).
pub(crate) const MAX_HITS: usize = 16;

/// Feature family tags, used as the first byte of a feature key.
const TAG_WORD: char = 'w';
const TAG_BIGRAM: char = 'b';
const TAG_CHAR: char = 'c';

/// List `key` of lists stored back to back: `offsets[key]..offsets[key + 1]` of
/// `entries`; empty for an unknown key.
fn list_of<'a, T>(offsets: &[u32], entries: &'a [T], key: u32) -> &'a [T] {
    let k = key as usize;
    match (offsets.get(k), offsets.get(k + 1)) {
        (Some(&a), Some(&b)) => entries.get(a as usize..b as usize).unwrap_or(&[]),
        _ => &[],
    }
}

/// Sets bit `i` of a bit set held in 64-bit words.
#[inline]
fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// Is bit `i` of a bit set held in 64-bit words set?
#[inline]
fn has_bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

/// Compressed posting lists: `offsets[f]..offsets[f + 1]` indexes `entries`.
#[derive(Clone, Debug, Default)]
struct Postings {
    offsets: Vec<u32>,
    entries: Vec<(u32, f32)>,
    /// A second value per entry, aligned with `entries` (the intent postings' contrast
    /// term); empty when the lists have none.
    extra: Vec<f32>,
}

impl Postings {
    /// Builds the lists from (feature, id, weight) triples: each list ordered by id.
    ///
    /// A list longer than `keep` is clipped: its `keep` largest weights stay, each minus
    /// the largest weight left out (the list's floor, written to `floors`), and every
    /// other id is counted at the floor. Adding the floor to every id is the same for all
    /// of them, so a search adds it once per feature instead of walking the list; the ids
    /// left out differ from their real weight by at most the floor, and only
    /// features shared by more than `keep` ids are clipped.
    ///
    /// `extra` is empty or holds a second value per triple, which goes with its entry;
    /// the (id, feature, extra value) of every entry left out by clipping are added to
    /// `dropped` (in feature order).
    fn from_triples(
        features: usize,
        mut triples: Vec<(u32, u32, f32)>,
        mut extra: Vec<f32>,
        keep: usize,
        floors: &mut Vec<f32>,
        dropped: &mut Vec<(u32, u32, f32)>,
    ) -> Postings {
        let with_extra = !extra.is_empty();
        debug_assert!(!with_extra || extra.len() == triples.len());
        floors.clear();
        floors.resize(features, 0.0);
        // A counting sort by feature; stable, so ids stay ascending within a list when
        // they were ascending in `triples`.
        let mut offsets = vec![0u32; features + 1];
        for t in &triples {
            offsets[t.0 as usize + 1] += 1;
        }
        for f in 0..features {
            offsets[f + 1] += offsets[f];
        }
        let mut next = offsets.clone();
        let mut entries = vec![(0u32, 0.0f32); triples.len()];
        let mut sorted_extra = vec![0.0f32; if with_extra { triples.len() } else { 0 }];
        for (t, &(f, id, w)) in triples.iter().enumerate() {
            let slot = &mut next[f as usize];
            entries[*slot as usize] = (id, w);
            if with_extra {
                sorted_extra[*slot as usize] = extra[t];
            }
            *slot += 1;
        }
        triples.clear();
        triples.shrink_to_fit();
        extra.clear();
        extra.shrink_to_fit();
        let extra = sorted_extra;
        if !entries.is_empty() && offsets.windows(2).any(|w| (w[1] - w[0]) as usize > keep) {
            let mut kept = Vec::with_capacity(entries.len());
            let mut kept_extra = Vec::with_capacity(extra.len());
            let mut new_offsets = Vec::with_capacity(features + 1);
            new_offsets.push(0u32);
            let mut list: Vec<(u32, f32, f32)> = Vec::new();
            for f in 0..features {
                let range = offsets[f] as usize..offsets[f + 1] as usize;
                list.clear();
                list.extend(
                    entries[range.clone()]
                        .iter()
                        .enumerate()
                        .map(|(k, &(id, w))| {
                            (id, w, extra.get(range.start + k).copied().unwrap_or(0.0))
                        }),
                );
                let mut floor = f32::NEG_INFINITY;
                if list.len() > keep {
                    // Strongest first (ties to the lower id), then back to id order.
                    list.select_nth_unstable_by(keep, |a, b| {
                        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
                    });
                    floor = list[keep].1;
                    floors[f] = floor;
                    if with_extra {
                        dropped.extend(list[keep..].iter().map(|&(id, _, x)| (id, f as u32, x)));
                    }
                    list.truncate(keep);
                    list.sort_unstable_by_key(|e| e.0);
                }
                // Weights at the floor add nothing beyond it.
                for &(id, w, x) in &list {
                    if w > floor {
                        kept.push((id, if floor.is_finite() { w - floor } else { w }));
                        if with_extra {
                            kept_extra.push(x);
                        }
                    } else if with_extra {
                        dropped.push((id, f as u32, x));
                    }
                }
                new_offsets.push(kept.len() as u32);
            }
            kept.shrink_to_fit();
            kept_extra.shrink_to_fit();
            return Postings {
                offsets: new_offsets,
                entries: kept,
                extra: kept_extra,
            };
        }
        Postings {
            offsets,
            entries,
            extra,
        }
    }

    fn get(&self, feature: u32) -> &[(u32, f32)] {
        list_of(&self.offsets, &self.entries, feature)
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4 + self.entries.capacity() * 8 + self.extra.capacity() * 4
    }
}

/// One entry of an intent posting list.
#[derive(Clone, Copy, Debug)]
struct IntentEntry {
    intent: u32,
    /// The feature's weight for the intent.
    weight: f32,
    /// The feature's family-weighted pairwise-contrast term for the intent, minus the
    /// intent's unseen term (see [`Index::contrast`]).
    contrast: f32,
}

/// Intent posting lists, `offsets[f]..offsets[f + 1]` indexing `entries`: everything the
/// scan reads for one entry is in one place.
///
/// In a bot of at most [`DENSE_MAX_INTENTS`] intents, a feature used by at least one in
/// [`DENSE_MIN_SHARE`] of them is kept as a dense row instead: a weight and a contrast
/// term for every intent (0 where it has none) and a bit per intent that has one. The
/// search adds a row to per-intent arrays in one pass that the compiler vectorises, which
/// costs a fraction of walking the same entries one by one.
#[derive(Clone, Debug, Default)]
struct IntentPostings {
    offsets: Vec<u32>,
    entries: Vec<IntentEntry>,
    /// Per feature: its dense row, or [`NO_ROW`]; empty when there are no dense rows.
    row_of: Vec<u32>,
    /// Intents per dense row (the bot's intent count).
    width: usize,
    /// Dense rows of weights and of contrast terms, `width` values each.
    dense_w: Vec<f32>,
    dense_c: Vec<f32>,
    /// Dense rows of presence bits, `width.div_ceil(64)` words each.
    dense_bits: Vec<u64>,
}

/// Bots with more intents than this keep every intent list sparse (their lists are
/// clipped at [`MAX_INTENTS_PER_FEATURE`] anyway).
const DENSE_MAX_INTENTS: usize = 2048;
/// A feature becomes a dense row when at least one in this many intents use it.
const DENSE_MIN_SHARE: usize = 4;
/// No dense row.
const NO_ROW: u32 = u32::MAX;

impl IntentPostings {
    /// From postings whose second values are the contrast terms; `family_w` weights them.
    fn new(p: Postings, family_w: &[f32]) -> IntentPostings {
        let mut entries = Vec::with_capacity(p.entries.len());
        for (f, w) in p.offsets.windows(2).enumerate() {
            let range = w[0] as usize..w[1] as usize;
            entries.extend(p.entries[range.clone()].iter().zip(&p.extra[range]).map(
                |(&(intent, weight), &c)| IntentEntry {
                    intent,
                    weight,
                    contrast: family_w[f] * c,
                },
            ));
        }
        IntentPostings {
            offsets: p.offsets,
            entries,
            ..IntentPostings::default()
        }
    }

    /// Moves the lists of the features used by many intents into dense rows (see the
    /// type's documentation). `intents` is the bot's intent count.
    fn densify(&mut self, intents: usize) {
        if intents == 0 || intents > DENSE_MAX_INTENTS {
            return;
        }
        let words = intents.div_ceil(64);
        let min_len = intents.div_ceil(DENSE_MIN_SHARE).max(2);
        let features = self.offsets.len().saturating_sub(1);
        let mut row_of = vec![NO_ROW; features];
        let mut offsets = Vec::with_capacity(self.offsets.len());
        offsets.push(0u32);
        let mut entries = Vec::with_capacity(self.entries.len());
        let (mut dense_w, mut dense_c, mut dense_bits) = (Vec::new(), Vec::new(), Vec::new());
        for (f, row) in row_of.iter_mut().enumerate() {
            let list = &self.entries[self.offsets[f] as usize..self.offsets[f + 1] as usize];
            if list.len() >= min_len {
                let r = dense_bits.len() / words;
                *row = r as u32;
                dense_w.resize((r + 1) * intents, 0.0);
                dense_c.resize((r + 1) * intents, 0.0);
                dense_bits.resize((r + 1) * words, 0);
                for e in list {
                    let i = e.intent as usize;
                    dense_w[r * intents + i] = e.weight;
                    dense_c[r * intents + i] = e.contrast;
                    set_bit(&mut dense_bits[r * words..], i);
                }
            } else {
                entries.extend_from_slice(list);
            }
            offsets.push(entries.len() as u32);
        }
        if dense_bits.is_empty() {
            return;
        }
        entries.shrink_to_fit();
        dense_w.shrink_to_fit();
        dense_c.shrink_to_fit();
        dense_bits.shrink_to_fit();
        *self = IntentPostings {
            offsets,
            entries,
            row_of,
            width: intents,
            dense_w,
            dense_c,
            dense_bits,
        };
    }

    /// The dense row of a feature: weights, contrast terms, presence bits.
    fn row(&self, feature: u32) -> Option<(&[f32], &[f32], &[u64])> {
        let r = *self.row_of.get(feature as usize)?;
        if r == NO_ROW {
            return None;
        }
        let (r, n, words) = (r as usize, self.width, self.width.div_ceil(64));
        Some((
            self.dense_w.get(r * n..(r + 1) * n)?,
            self.dense_c.get(r * n..(r + 1) * n)?,
            self.dense_bits.get(r * words..(r + 1) * words)?,
        ))
    }

    /// The same lists with every dense row turned back into a sparse list.
    #[cfg(test)]
    fn to_sparse(&self) -> IntentPostings {
        let mut offsets = vec![0u32];
        let mut entries = Vec::new();
        for f in 0..self.offsets.len() - 1 {
            match self.row(f as u32) {
                Some((w, c, bits)) => entries.extend((0..self.width).filter_map(|i| {
                    has_bit(bits, i).then_some(IntentEntry {
                        intent: i as u32,
                        weight: w[i],
                        contrast: c[i],
                    })
                })),
                None => entries.extend_from_slice(self.get(f as u32)),
            }
            offsets.push(entries.len() as u32);
        }
        IntentPostings {
            offsets,
            entries,
            ..IntentPostings::default()
        }
    }

    fn get(&self, feature: u32) -> &[IntentEntry] {
        list_of(&self.offsets, &self.entries, feature)
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.entries.capacity() * std::mem::size_of::<IntentEntry>()
            + self.row_of.capacity() * 4
            + (self.dense_w.capacity() + self.dense_c.capacity()) * 4
            + self.dense_bits.capacity() * 8
    }
}

/// One example phrasing as the index sees it.
#[derive(Clone, Debug)]
pub(crate) struct ExampleRef {
    /// Its language (its intent is in [`ExampleIntents`]).
    pub lang: Language,
    /// Index of the example inside the intent's list for that language.
    pub ordinal: u32,
}

/// The intent of every example, for a search that touches thousands of examples in a
/// large bot. Example ids are grouped by intent, so `first[i]..first[i + 1]` are intent
/// `i`'s examples, and `block[b]` is the intent of example `b << EXAMPLE_BLOCK_BITS`: an
/// example's intent is two reads from tables of tens of kilobytes, where the per-example
/// records (18 MB at 1.5 million examples) missed the cache on nearly every touched
/// example.
#[derive(Clone, Debug, Default)]
struct ExampleIntents {
    first: Vec<u32>,
    block: Vec<u32>,
}

/// Examples per [`ExampleIntents`] block.
const EXAMPLE_BLOCK_BITS: u32 = 6;

impl ExampleIntents {
    /// From the intents of the examples in id order (ascending); intents at or past
    /// `intent_count` are not indexed.
    fn new(intents: impl Iterator<Item = u32>, intent_count: usize) -> ExampleIntents {
        let mut first = vec![0u32; intent_count + 1];
        let mut last = 0;
        for (e, i) in intents.enumerate() {
            debug_assert!(i >= last, "examples are grouped by intent");
            last = i;
            if (i as usize) < intent_count {
                first[i as usize + 1] = e as u32 + 1;
            }
        }
        // Intents without examples start where the previous one ended.
        for i in 1..first.len() {
            first[i] = first[i].max(first[i - 1]);
        }
        let examples = first[intent_count] as usize;
        let mut block = Vec::with_capacity(examples.div_ceil(1 << EXAMPLE_BLOCK_BITS));
        let mut i = 0;
        for e in (0..examples).step_by(1 << EXAMPLE_BLOCK_BITS) {
            while first[i + 1] as usize <= e {
                i += 1;
            }
            block.push(i as u32);
        }
        ExampleIntents { first, block }
    }

    /// The intent of indexed example `e`.
    fn of(&self, e: u32) -> u32 {
        let mut i = self.block[(e >> EXAMPLE_BLOCK_BITS) as usize] as usize;
        while self.first[i + 1] <= e {
            i += 1;
        }
        i as u32
    }

    fn heap_bytes(&self) -> usize {
        (self.first.capacity() + self.block.capacity()) * 4
    }
}

/// A known word of the content, for typo correction.
#[derive(Clone, Debug)]
struct VocabWord {
    folded: Box<str>,
    stem: Box<str>,
    /// The language whose analysis gave `stem` (the first to use the word).
    lang: Language,
    /// Every language whose content uses the word, one bit per [`Language::index`]: a
    /// typo is corrected only to a word of the message's language or to one several
    /// languages share (a brand: "paypal", "inpost").
    langs: u8,
    /// The word feature of `stem`.
    word_f: u32,
    /// Its character n-gram features: a range of [`Index::gram_ids`] (empty for stop
    /// words), so a known message word needs no n-gram lookups.
    grams: (u32, u32),
}

/// Feature ids by key while the index is built.
#[derive(Default)]
struct FeatureTable {
    /// Word-stem and character n-gram features by key (tag byte first).
    features: FastMap<Box<str>, u32>,
    /// Bigram features by the word-feature ids of their two stems ([`BOS`]/[`EOS`] for
    /// the text boundaries).
    bigrams: FastMap<u64, u32>,
    /// Family tag of every feature.
    kind: Vec<char>,
}

impl FeatureTable {
    fn intern(&mut self, key: &str, kind: char) -> u32 {
        if let Some(&id) = self.features.get(key) {
            return id;
        }
        let id = self.kind.len() as u32;
        self.features.insert(key.into(), id);
        self.kind.push(kind);
        id
    }

    fn bigram(&mut self, a: u32, b: u32) -> u32 {
        let next = self.kind.len() as u32;
        let id = *self.bigrams.entry(bigram_key(a, b)).or_insert(next);
        if id == next {
            self.kind.push(TAG_BIGRAM);
        }
        id
    }
}

fn bigram_key(a: u32, b: u32) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

/// What compilation knows about one distinct (language, folded word).
#[derive(Clone, Debug)]
struct WordInfo {
    /// Its word-stem feature.
    word_f: u32,
    /// Its character n-gram features: a range of the build's n-gram id list (empty for
    /// stop words).
    grams: (u32, u32),
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
    /// Word-stem and character n-gram features by key.
    features: FastMap<Box<str>, u32>,
    /// Bigram features by their stems' word-feature ids.
    bigrams: FastMap<u64, u32>,
    idf: Vec<f32>,
    example_postings: Postings,
    intent_postings: IntentPostings,
    /// Per feature: the weight every intent is counted at when the feature's intent list
    /// was clipped (see [`Postings::from_triples`]); 0 for unclipped lists.
    floor_w: Vec<f32>,
    /// Per feature: its largest intent weight (the evidence it can give at most).
    max_w: Vec<f32>,
    /// The stems that only small-talk intents use (empty when the content has no small
    /// talk), looked up by the stem itself: no key is built per message word.
    small_talk_stems: FastMap<Box<str>, ()>,
    examples: Vec<ExampleRef>,
    example_intents: ExampleIntents,
    intent_count: usize,
    /// Per intent: the pairwise-contrast term of a present feature its examples never use
    /// (the intent postings carry, per entry, the term of a feature they use minus this).
    intent_unseen: Vec<[f32; LANGS]>,
    /// Per intent (as the "feature" of the lists): (feature, contrast term minus the
    /// unseen one) of the entries clipping left out of the intent postings, by feature.
    clipped_contrast: Postings,
    /// Bit set of the features with entries in `clipped_contrast`.
    clipped_features: Vec<u64>,
    /// Per intent: the pairwise contrast's log-likelihood of a message without
    /// features (every feature absent).
    intent_absent: Vec<[f32; LANGS]>,
    /// Per feature: its family weight.
    family_w: Vec<f32>,
    vocab: FastMap<Box<str>, u32>,
    vocab_words: Vec<VocabWord>,
    /// Character n-gram features of the vocabulary words, back to back.
    gram_ids: Vec<u32>,
    /// Typo-tolerant lookup: `hash << 32 | word id` for every vocabulary word and each of
    /// its deletion variants, sorted. A hash collision only adds a candidate, which
    /// [`Index::correct`] rejects by computing the real edit distance.
    deletes: Vec<u64>,
    /// `deletes` bucketed by the top `delete_bits` bits of the hash: bucket `b` is
    /// `deletes[delete_buckets[b]..delete_buckets[b + 1]]`, so a lookup reads two cache
    /// lines instead of binary-searching millions of entries.
    delete_buckets: Vec<u32>,
    delete_bits: u32,
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
    /// Pairwise contrast with the best of the top [`CONTRAST_TOP`] intents (<= 0; 0 for
    /// the intent whose examples make the message's features most likely, and for hits
    /// below the top few).
    pub contrast: f32,
    /// The pairwise contrast's log-likelihood of the message under the intent (see
    /// [`Index::contrast`]).
    pub log_likelihood: f32,
}

/// Per-intent accumulators of one search.
#[derive(Clone, Copy, Debug, Default)]
struct IntentSlot {
    acc: f32,
    /// Sum of the contrast terms of the message features the intent's examples use.
    ll: f32,
    best_sim: f32,
    best: u32,
}

/// Reusable per-thread buffers so that a query allocates little.
#[derive(Debug, Default)]
struct Scratch {
    key: String,
    query: Vec<(u32, f32)>,
    ex_acc: Vec<f32>,
    ex_touched: Vec<u32>,
    /// Per intent: accumulated evidence, best example similarity and that example
    /// (one array, so an intent's state is one cache line away).
    int: Vec<IntentSlot>,
    /// A bit per intent that the search touched. The best hits are then chosen walking
    /// the intents in order, so their accumulators are read front to back; and marking
    /// one is a store that waits for nothing.
    touched: Vec<u64>,
    /// Per intent: evidence and contrast terms from dense rows.
    dense_acc: Vec<f32>,
    dense_ll: Vec<f32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Finds `key` in `list[from..]` (sorted by key) as `binary_search` would, galloping
/// from `from`: a search for the few sorted features of a message in a list of
/// thousands takes steps that stay near each other in memory. Returns the position in
/// `list`.
fn gallop(list: &[(u32, f32)], from: usize, key: u32) -> Result<usize, usize> {
    let rest = list.get(from..).unwrap_or(&[]);
    let mut hi = 1;
    while hi < rest.len() && rest[hi].0 < key {
        hi *= 2;
    }
    // Everything before `lo` is smaller than the key; `rest[hi]`, if any, is not.
    let lo = hi / 2;
    let window = &rest[lo.min(rest.len())..(hi + 1).min(rest.len())];
    match window.binary_search_by_key(&key, |e| e.0) {
        Ok(at) => Ok(from + lo + at),
        Err(at) => Err(from + lo + at),
    }
}

/// Writes the map key of a string-keyed feature (family tag, then its text) into `key`.
fn push_key(key: &mut String, tag: char, text: &str) {
    key.clear();
    key.push(tag);
    key.push_str(text);
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

/// FNV-1a over several pieces, folded to 32 bits: the hash of their concatenation.
fn hash_pieces(pieces: &[&str]) -> u32 {
    let mut h = Fnv::default();
    for p in pieces {
        std::hash::Hasher::write(&mut h, p.as_bytes());
    }
    let h = std::hash::Hasher::finish(&h);
    (h ^ (h >> 32)) as u32
}

/// Calls `f` with the hash of `word`, of each variant with one character deleted and,
/// when `two`, of each variant with two characters deleted (no string is built).
/// Words longer than [`MAX_CORRECT_CHARS`] + 2 characters give only their own hash.
fn for_each_delete_hash(word: &str, two: bool, mut f: impl FnMut(u32)) {
    f(hash_pieces(&[word]));
    let mut bounds = [0usize; MAX_CORRECT_CHARS + 3];
    let mut n = 0;
    for (i, _) in word.char_indices() {
        if n + 1 >= bounds.len() {
            return;
        }
        bounds[n] = i;
        n += 1;
    }
    bounds[n] = word.len();
    for i in 0..n {
        let (a, a_end) = (bounds[i], bounds[i + 1]);
        f(hash_pieces(&[&word[..a], &word[a_end..]]));
        if two {
            for j in i + 1..n {
                let (b, b_end) = (bounds[j], bounds[j + 1]);
                f(hash_pieces(&[&word[..a], &word[a_end..b], &word[b_end..]]));
            }
        }
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

/// How many edits a content word or message word may have, by its script.
///
/// Cyrillic (Russian) words get the Latin allowance scaled to their length: Russian words
/// are about 1.4 times as long, and its rich inflection and prefixes put other real words
/// one edit from short ones (ждать/сдать, окно/одно, кишки/кошки, летели/улетели). On a
/// Russian dev split, most of the 167 corrections made with the Latin allowance (about
/// 140) replaced a correctly spelt word by a different one, and only 5 fixed a typo. Typos
/// in longer words stay correctable. Two-edit neighbourhoods are most of the index's size:
/// for 11+ letters only.
pub(crate) fn max_edits_in(chars: usize, cyrillic: bool) -> usize {
    if !cyrillic {
        return max_edits(chars);
    }
    match chars {
        0..=5 => 0,
        6..=10 => 1,
        _ => 2,
    }
}

/// Most letters at the start of two words that a two-edit typo correction may not be
/// confined to (see [`differ_in_prefix`]).
const PREFIX_EDIT_SPAN: usize = 3;

/// True when two words differ only in their first [`PREFIX_EDIT_SPAN`] letters (the rest
/// of both is the same ending): "vacation" / "location", "remember" / "member",
/// "nepasūtīju" / "pasūtīju", "подписаться" / "отписаться". Two edits there make another
/// word (a prefix, a negation) far more often than a typo: on 4,500 CLINC150 test
/// questions (correct English) asked to the bundled bot, 108 of its 559 corrections were
/// such, and refusing them undid 14 fewer of 329 synthetic two-edit typos at uniform
/// positions (1 fewer right decision). `a_chars` is `a`'s length in characters.
fn differ_in_prefix(a: &str, a_chars: usize, b: &str) -> bool {
    let common = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let b_chars = b.chars().count();
    a_chars - common <= PREFIX_EDIT_SPAN && b_chars - common <= PREFIX_EDIT_SPAN
}

/// True if the word is written in Cyrillic (judged by its first letter).
pub(crate) fn is_cyrillic_word(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(crate::normalize::is_cyrillic)
}

impl Index {
    /// Builds the index. `intent_count` intents; every example of every intent in `inputs`.
    ///
    /// `on_new_word` is called once with every distinct (language, folded word) of the
    /// examples, in order of first use (the language detector's vocabulary), so the
    /// examples are analysed once for everything compilation needs.
    ///
    /// Each distinct word is analysed (stemmed, stop-marked, cut into character n-grams)
    /// once, then reused for all its occurrences: compile time is dominated by the number
    /// of distinct words, not by the size of the content.
    pub(crate) fn build(
        analyzer: &Analyzer,
        intent_count: usize,
        small_talk: &[bool],
        inputs: &[IndexInput<'_>],
        mut on_new_word: impl FnMut(Language, &str),
    ) -> Index {
        let mut table = FeatureTable::default();
        let mut words: FastMap<Box<str>, WordInfo> = FastMap::default();
        let mut gram_ids: Vec<u32> = Vec::new();
        let mut vocab: FastMap<Box<str>, u32> = FastMap::default();
        let mut vocab_words: Vec<VocabWord> = Vec::new();
        let (mut key, mut wkey, mut stem, mut fbuf) =
            (String::new(), String::new(), String::new(), String::new());

        // Example ids are grouped by intent: the per-intent feature counts are made one
        // intent at a time, and a search finds an example's intent from two small tables
        // (see [`ExampleIntents`]). A bot hands its examples over in that order already.
        let sorted: Vec<IndexInput<'_>>;
        let inputs = if inputs.is_sorted_by_key(|x| x.intent) {
            inputs
        } else {
            let mut v = inputs.to_vec();
            v.sort_by_key(|x| x.intent);
            sorted = v;
            &sorted
        };
        // Per example: its word and bigram features (the ones example postings may use).
        let mut ex_range: Vec<(u32, u32)> = vec![(0, 0); inputs.len()];
        let mut ex_ids: Vec<u32> = Vec::new();
        // Per intent: (feature, number of its examples using it).
        let mut counts: Vec<(u32, u32)> = Vec::new();
        let mut count_off: Vec<u32> = vec![0; intent_count + 1];
        // Per intent and language: its examples; per language: all examples; per
        // feature: the languages of the examples that use it (see the intent weights).
        let mut per_intent_lang = vec![[0u32; LANGS]; intent_count];
        let mut per_lang = [0u32; LANGS];
        let mut feature_langs: Vec<u8> = Vec::new();
        // Per feature: the last example (+ 1) that used it, so an example counts each
        // feature once, and its count in the current intent.
        let mut last_example: Vec<u32> = Vec::new();
        let mut in_intent: Vec<u32> = Vec::new();
        let mut intent_features: Vec<u32> = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut current: Option<u32> = None;

        // Closes the current intent's counts, and the empty ranges of the intents without
        // examples before `next`.
        let close = |intent: Option<u32>,
                     next: usize,
                     features: &mut Vec<u32>,
                     in_intent: &mut [u32],
                     counts: &mut Vec<(u32, u32)>,
                     count_off: &mut [u32]| {
            for &f in features.iter() {
                counts.push((f, std::mem::take(&mut in_intent[f as usize])));
            }
            features.clear();
            let from = intent.map_or(0, |c| c as usize + 1);
            for slot in &mut count_off[from..=next] {
                *slot = counts.len() as u32;
            }
        };

        for e in 0..inputs.len() as u32 {
            let input = &inputs[e as usize];
            if input.intent as usize >= intent_count {
                continue;
            }
            if current != Some(input.intent) {
                close(
                    current,
                    input.intent as usize,
                    &mut intent_features,
                    &mut in_intent,
                    &mut counts,
                    &mut count_off,
                );
                current = Some(input.intent);
            }
            per_intent_lang[input.intent as usize][input.lang.index()] += 1;
            per_lang[input.lang.index()] += 1;
            let lang_bit = 1u8 << input.lang.index();
            ids.clear();
            let mut prev = BOS;
            let mut any = false;
            // Phrase synonyms read as their group's first entry, as in messages.
            let rewritten = analyzer.rewrite_text(input.text, input.lang);
            let text = rewritten.as_deref().unwrap_or(input.text);
            for_each_folded_word(text, &mut fbuf, |folded| {
                wkey.clear();
                wkey.push(char::from(b'0' + input.lang.index() as u8));
                wkey.push_str(folded);
                let info = match words.get(wkey.as_str()) {
                    Some(info) => info.clone(),
                    None => {
                        let (stop, is_number) =
                            analyzer.analyze_folded(folded, input.lang, &mut stem);
                        push_key(&mut key, TAG_WORD, &stem);
                        let word_f = table.intern(&key, TAG_WORD);
                        let g0 = gram_ids.len() as u32;
                        if !stop {
                            // A synonym has the n-grams of its group's first word.
                            let source = analyzer.synonym_word(&stem, input.lang).unwrap_or(folded);
                            for_each_ngram(source, &mut key, |k| {
                                gram_ids.push(table.intern(k, TAG_CHAR));
                            });
                        }
                        if let Some(&id) = vocab.get(folded) {
                            vocab_words[id as usize].langs |= lang_bit;
                        } else if !is_number {
                            vocab.insert(folded.into(), vocab_words.len() as u32);
                            vocab_words.push(VocabWord {
                                folded: folded.into(),
                                stem: stem.as_str().into(),
                                lang: input.lang,
                                langs: lang_bit,
                                word_f,
                                grams: (g0, gram_ids.len() as u32),
                            });
                        }
                        on_new_word(input.lang, folded);
                        let info = WordInfo {
                            word_f,
                            grams: (g0, gram_ids.len() as u32),
                        };
                        words.insert(wkey.as_str().into(), info.clone());
                        info
                    }
                };
                ids.push(info.word_f);
                ids.push(table.bigram(prev, info.word_f));
                prev = info.word_f;
                ids.extend_from_slice(&gram_ids[info.grams.0 as usize..info.grams.1 as usize]);
                any = true;
            });
            if any {
                ids.push(table.bigram(prev, EOS));
            }
            if last_example.len() < table.kind.len() {
                last_example.resize(table.kind.len(), 0);
                in_intent.resize(table.kind.len(), 0);
                feature_langs.resize(table.kind.len(), 0);
            }
            let s = ex_ids.len() as u32;
            for &f in &ids {
                let seen = &mut last_example[f as usize];
                if *seen == e + 1 {
                    continue;
                }
                *seen = e + 1;
                feature_langs[f as usize] |= lang_bit;
                let n = &mut in_intent[f as usize];
                if *n == 0 {
                    intent_features.push(f);
                }
                *n += 1;
                if table.kind[f as usize] != TAG_CHAR {
                    ex_ids.push(f);
                }
            }
            ex_range[e as usize] = (s, ex_ids.len() as u32);
        }
        close(
            current,
            intent_count,
            &mut intent_features,
            &mut in_intent,
            &mut counts,
            &mut count_off,
        );
        drop((last_example, in_intent));
        drop(words);
        // Synonyms that no example uses still take typo corrections: each joins the
        // vocabulary with its group's stem feature and n-grams, when the content uses the
        // group at all.
        for (lang, folded) in analyzer.synonym_members() {
            let (lang, folded) = (*lang, folded.as_str());
            if let Some(&id) = vocab.get(folded) {
                vocab_words[id as usize].langs |= 1 << lang.index();
                continue;
            }
            let (stop, number) = analyzer.analyze_folded(folded, lang, &mut stem);
            push_key(&mut key, TAG_WORD, &stem);
            let Some(&word_f) = table.features.get(key.as_str()) else {
                continue;
            };
            if stop || number {
                continue;
            }
            let g0 = gram_ids.len() as u32;
            let source = analyzer.synonym_word(&stem, lang).unwrap_or(folded);
            for_each_ngram(source, &mut key, |k| {
                if let Some(&f) = table.features.get(k) {
                    gram_ids.push(f);
                }
            });
            vocab.insert(folded.into(), vocab_words.len() as u32);
            vocab_words.push(VocabWord {
                folded: folded.into(),
                stem: stem.as_str().into(),
                lang,
                langs: 1 << lang.index(),
                word_f,
                grams: (g0, gram_ids.len() as u32),
            });
        }

        let FeatureTable {
            features,
            bigrams,
            kind: feature_kind,
        } = table;
        let nf = feature_kind.len();
        let family = |f: usize| match feature_kind[f] {
            TAG_WORD => W_WORD,
            TAG_BIGRAM => W_BIGRAM,
            _ => W_CHAR,
        };
        // Examples per feature and intents per feature.
        let mut df = vec![0u32; nf];
        let mut intent_df = vec![0u32; nf];
        for &(f, k) in &counts {
            df[f as usize] += k;
            intent_df[f as usize] += 1;
        }
        // Inverse intent frequency: a feature used by one intent is worth more than one
        // used by all of them.
        let n = intent_count.max(1) as f32;
        let idf: Vec<f32> = (0..nf)
            .map(|f| family(f) * (1.0 + n / intent_df[f].max(1) as f32).ln())
            .collect();

        // Example postings: words and bigrams, L2-normalised per example; features in
        // more than `EX_DF_SHARE` of the examples (or `EX_DF_CAP`) are left to the intent
        // postings.
        let total = inputs.len().max(1) as f32;
        let ex_df_max = (EX_DF_SHARE * total).clamp(EX_DF_FLOOR, EX_DF_CAP);
        let ex_ok = |f: u32| (df[f as usize] as f32) <= ex_df_max;
        let mut examples = Vec::with_capacity(inputs.len());
        let mut ex_triples: Vec<(u32, u32, f32)> = Vec::new();
        for (e, input) in inputs.iter().enumerate() {
            examples.push(ExampleRef {
                lang: input.lang,
                ordinal: input.ordinal,
            });
            let (a, b) = ex_range[e];
            let ids = &ex_ids[a as usize..b as usize];
            let norm_wb: f32 = ids
                .iter()
                .filter(|&&f| ex_ok(f))
                .map(|&f| idf[f as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            if norm_wb > 0.0 {
                for &f in ids {
                    if ex_ok(f) {
                        ex_triples.push((f, e as u32, idf[f as usize] / norm_wb));
                    }
                }
            }
        }
        drop(ex_ids);
        let mut floors = Vec::new();
        let example_postings = Postings::from_triples(
            nf,
            ex_triples,
            Vec::new(),
            usize::MAX,
            &mut floors,
            &mut Vec::new(),
        );

        let mut int_triples: Vec<(u32, u32, f32)> = Vec::with_capacity(counts.len());
        let mut int_contrast: Vec<f32> = Vec::with_capacity(counts.len());
        let mut max_w = vec![0.0f32; nf];
        // Features used by small talk, and by other intents.
        let is_small_talk = |i: usize| small_talk.get(i).copied().unwrap_or(false);
        let any_small_talk = (0..intent_count).any(is_small_talk);
        let bits = if any_small_talk { nf.div_ceil(64) } else { 0 };
        let (mut small_talk_only, mut topical) = (vec![0u64; bits], vec![0u64; bits]);
        // Intent weights: the log-odds of a feature appearing in an intent's examples
        // versus in the other intents' examples (smoothed counts), minus the same
        // log-odds for the feature being absent from an intent of average size. So
        // absence is evidence against an intent, and the part shared by all intents
        // (the same for every intent, so it cannot change the ranking) drops out;
        // what is left is positive for every feature the intent's examples use.
        //
        // Pairwise contrast (see [`Index::contrast`]): per intent, the log-likelihood of
        // every feature being absent, the term of a present feature its examples never
        // use, and per posting the term of a feature they do use (minus the unseen one),
        // so that a search sums the contrast of every intent as it walks the postings.
        let a = ALPHA;
        let family_w: Vec<f32> = (0..nf).map(family).collect();
        let family_total: f32 = family_w.iter().sum();
        // (Examples of the intent, all examples) in the languages of a mask.
        let in_languages = |mask: u8, i: usize| {
            let (mut nc, mut all) = (0u32, 0u32);
            for l in 0..LANGS {
                if mask & (1 << l) != 0 {
                    nc += per_intent_lang[i][l];
                    all += per_lang[l];
                }
            }
            (nc as f32, all as f32)
        };
        // The contrast's terms of an intent of `n` examples: the smoothed share of them
        // without a feature none of them uses, and the log-likelihood of a present feature
        // none of them uses (relative to its absence).
        let absent_share = |n: f32| 1.0 - a / (n + 2.0 * a + CONTRAST_ABSENT_SHRINK);
        let unseen_term = |n: f32| (a / (n + 2.0 * a)).ln() - absent_share(n).ln();
        // Family weights of the features of each language's examples.
        let mut family_in = [0.0f32; LANGS];
        for (f, &mask) in feature_langs.iter().enumerate() {
            for (l, sum) in family_in.iter_mut().enumerate() {
                if mask & (1 << l) != 0 {
                    *sum += family_w[f];
                }
            }
        }
        // The contrast compares intents on the message's language: per intent and
        // language, from the intent's examples in that language (all of them when it has
        // none there).
        let mut intent_absent = vec![[0.0f32; LANGS]; intent_count];
        let mut intent_unseen = vec![[0.0f32; LANGS]; intent_count];
        for i in 0..intent_count {
            let all = per_intent_lang[i].iter().sum::<u32>() as f32;
            for l in 0..LANGS {
                let (n, family) = match per_intent_lang[i][l] {
                    0 => (all, family_total),
                    n => (n as f32, family_in[l]),
                };
                intent_unseen[i][l] = unseen_term(n);
                intent_absent[i][l] = family * absent_share(n).ln();
            }
            let list = &counts[count_off[i] as usize..count_off[i + 1] as usize];
            for &(f, k) in list {
                let k = k as f32;
                let d = df[f as usize] as f32;
                // Counted among the examples in the languages the feature occurs in: a
                // Polish word cannot occur in a Russian example, so the intent's Russian
                // examples say nothing about it (and adding one must not change Polish).
                let mask = feature_langs[f as usize];
                let (nc, total_f) = in_languages(mask, i);
                let rest = total_f - nc;
                let mean_nc = total_f / intent_count.max(1) as f32;
                let p_in = (k + a) / (nc + 2.0 * a);
                let p_out = (d - k + a) / (rest + 2.0 * a);
                let b_in = a / (mean_nc + 2.0 * a);
                let b_out = (d + a) / (total_f - mean_nc + 2.0 * a);
                let w = family(f as usize) * ((p_in / p_out).ln() - (b_in / b_out).ln());
                let shrunk = nc + 2.0 * a + CONTRAST_ABSENT_SHRINK;
                let q = (k + a) / shrunk;
                let absent = family_w[f as usize] * ((1.0 - q).ln() - absent_share(nc).ln());
                for (l, slot) in intent_absent[i].iter_mut().enumerate() {
                    if mask & (1 << l) != 0 || per_intent_lang[i][l] == 0 {
                        *slot += absent;
                    }
                }
                // A feature the intent uses is posted even when its weight is not
                // positive (an intent much larger than the average): the contrast needs it.
                int_triples.push((f, i as u32, w.max(0.0)));
                int_contrast.push(p_in.ln() - (1.0 - q).ln() - unseen_term(nc));
                let mw = &mut max_w[f as usize];
                *mw = mw.max(w);
                if any_small_talk {
                    let set = if is_small_talk(i) {
                        &mut small_talk_only
                    } else {
                        &mut topical
                    };
                    set_bit(set, f as usize);
                }
            }
        }
        for (s, t) in small_talk_only.iter_mut().zip(&topical) {
            *s &= !t;
        }
        let small_talk_stems: FastMap<Box<str>, ()> = features
            .iter()
            .filter(|&(_, &f)| {
                any_small_talk
                    && feature_kind[f as usize] == TAG_WORD
                    && has_bit(&small_talk_only, f as usize)
            })
            .filter_map(|(key, _)| Some((key.strip_prefix(TAG_WORD)?.into(), ())))
            .collect();
        drop(counts);
        let mut dropped = Vec::new();
        let intent_postings = Postings::from_triples(
            nf,
            int_triples,
            int_contrast,
            MAX_INTENTS_PER_FEATURE,
            &mut floors,
            &mut dropped,
        );
        // What clipping left out of the intent postings, per intent in feature order, so
        // that the contrast of the few intents compared stays exact.
        let mut clipped_features = vec![0u64; nf.div_ceil(64)];
        for &(_, f, _) in &dropped {
            set_bit(&mut clipped_features, f as usize);
        }
        let clipped_contrast = Postings::from_triples(
            intent_count,
            dropped,
            Vec::new(),
            usize::MAX,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        let floor_w = floors;

        // Typo-tolerant vocabulary: hashes of every word and of its deletions.
        let mut deletes: Vec<u64> = Vec::new();
        for (id, w) in vocab_words.iter().enumerate() {
            let chars = w.folded.chars().count();
            let allowed = max_edits_in(chars, is_cyrillic_word(&w.folded));
            if allowed == 0 || chars > MAX_CORRECT_CHARS + 2 {
                continue;
            }
            // Two edits (a transposition plus one more) need deletions on both sides.
            for_each_delete_hash(&w.folded, allowed >= 2, |h| {
                deletes.push(u64::from(h) << 32 | id as u64);
            });
        }
        deletes.sort_unstable();
        deletes.dedup();
        deletes.shrink_to_fit();
        // About one entry per bucket.
        let delete_bits = (usize::BITS - deletes.len().leading_zeros()).clamp(1, 24);
        let mut delete_buckets = vec![0u32; (1 << delete_bits) + 1];
        for &x in &deletes {
            delete_buckets[((x >> 32) as u32 >> (32 - delete_bits)) as usize + 1] += 1;
        }
        for b in 1..delete_buckets.len() {
            delete_buckets[b] += delete_buckets[b - 1];
        }

        Index {
            features,
            bigrams,
            idf,
            example_postings,
            intent_postings: {
                let mut p = IntentPostings::new(intent_postings, &family_w);
                p.densify(intent_count);
                p
            },
            floor_w,
            max_w,
            small_talk_stems,
            example_intents: ExampleIntents::new(inputs.iter().map(|x| x.intent), intent_count),
            examples,
            intent_count,
            intent_unseen,
            clipped_contrast,
            clipped_features,
            intent_absent,
            family_w,
            vocab,
            vocab_words,
            gram_ids,
            deletes,
            delete_buckets,
            delete_bits,
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

    /// The stem the content's analysis gave a known word of language `lang`.
    pub(crate) fn known_stem(&self, folded: &str, lang: Language) -> Option<&str> {
        let w = &self.vocab_words[*self.vocab.get(folded)? as usize];
        (w.lang == lang).then_some(&*w.stem)
    }

    /// The most evidence one message word can give, in the units of
    /// [`IntentHit::message_evidence`]: its stem's and its character n-grams' best intent
    /// weights, or [`UNKNOWN_WORD_EVIDENCE`] for a word the content does not have (bigrams
    /// are left out: they belong to two words). Used to tell how much of a message a
    /// pattern's match covers.
    pub(crate) fn word_evidence(&self, folded: &str, stem: &str) -> f32 {
        let known = self
            .vocab
            .get(folded)
            .map(|&id| &self.vocab_words[id as usize]);
        let mut key = String::with_capacity(folded.len().max(stem.len()) + 1);
        let word_f = match known {
            Some(w) if &*w.stem == stem => Some(w.word_f),
            _ => {
                push_key(&mut key, TAG_WORD, stem);
                self.features.get(key.as_str()).copied()
            }
        };
        let mut e = match word_f {
            Some(f) => self.max_w[f as usize],
            None => UNKNOWN_WORD_EVIDENCE,
        };
        match known {
            Some(w) => {
                e += self.gram_ids[w.grams.0 as usize..w.grams.1 as usize]
                    .iter()
                    .map(|&f| self.max_w[f as usize])
                    .sum::<f32>();
            }
            None => for_each_ngram(folded, &mut key, |k| {
                if let Some(&f) = self.features.get(k) {
                    e += self.max_w[f as usize];
                }
            }),
        }
        e
    }

    /// The share of the intents whose examples use this stem, in (0, 1]; `None` for a
    /// stem the content does not have. ("why" in a bank's content: many; "courier" in a
    /// shop's: a few.)
    pub(crate) fn stem_intent_share(&self, stem: &str) -> Option<f32> {
        let mut key = String::with_capacity(stem.len() + 1);
        push_key(&mut key, TAG_WORD, stem);
        let f = *self.features.get(key.as_str())? as usize;
        // idf = W_WORD · ln(1 + n / intents using it)
        let ratio = (self.idf[f] / W_WORD).exp() - 1.0;
        Some((1.0 / ratio).min(1.0))
    }

    /// Is this stem a word feature of the content?
    pub(crate) fn knows_stem(&self, stem: &str) -> bool {
        let mut key = String::with_capacity(stem.len() + 1);
        push_key(&mut key, TAG_WORD, stem);
        self.features.contains_key(key.as_str())
    }

    /// True if only small-talk intents use the stem ("hi", "thanks", "goodbye").
    pub(crate) fn small_talk_only(&self, stem: &str) -> bool {
        !self.small_talk_stems.is_empty() && self.small_talk_stems.contains_key(stem)
    }

    /// The closest known word to an unknown one, within the edits its length allows,
    /// among the words of the message's language and those several languages share.
    /// Another language's word is not a target: in an English message "party" is not a
    /// typo of the Polish "karty", nor "information" of the Latvian "informatīvā"
    /// (CLINC150's test questions asked to the bundled bot: 559 corrections instead of
    /// 637). Ties are broken by preferring the message language, then the lowest id
    /// (content order), so the result is deterministic.
    pub(crate) fn correct(&self, folded: &str, lang: Language) -> Option<(&str, &str, usize)> {
        let len = folded.chars().count();
        // A word one letter short of a long word ("paswrod" for "password") may still
        // carry two edits: search with the allowance of the longer length, then check each
        // candidate against the allowance of the longer of the two words.
        let cyrillic = is_cyrillic_word(folded);
        let allowed = max_edits_in(len + 1, cyrillic);
        if len < 4 || allowed == 0 || len > MAX_CORRECT_CHARS {
            return None;
        }
        let swap_only = len < MIN_CORRECT_CHARS;
        let mut best: Option<(usize, bool, u32)> = None;
        let mut consider = |h: u32| {
            let b = (h >> (32 - self.delete_bits)) as usize;
            let (from, to) = (self.delete_buckets[b], self.delete_buckets[b + 1]);
            for &x in self.deletes[from as usize..to as usize]
                .iter()
                .filter(|&&x| (x >> 32) == u64::from(h))
            {
                let id = x as u32;
                let w = &self.vocab_words[id as usize];
                let d = crate::edit::osa_distance(folded, &w.folded);
                let longer = len.max(w.folded.chars().count()).min(len + 1);
                let limit = max_edits_in(longer, cyrillic);
                if d == 0
                    || d > limit
                    || (swap_only && !crate::edit::is_adjacent_swap(folded, &w.folded))
                {
                    continue;
                }
                if d == 2 && differ_in_prefix(folded, len, &w.folded) {
                    continue;
                }
                let own = w.langs & (1 << lang.index()) != 0;
                if !own && w.langs.count_ones() < 2 {
                    continue;
                }
                let cand = (d, !own, id);
                if best.is_none_or(|b| cand < b) {
                    best = Some(cand);
                }
            }
        };
        for_each_delete_hash(folded, allowed >= 2, &mut consider);
        best.map(|(d, _, id)| {
            let w = &self.vocab_words[id as usize];
            (&*w.folded, &*w.stem, d)
        })
    }

    /// Scores every intent that shares a feature with the message, best first.
    ///
    /// `tokens` are (folded word, stem) pairs of the message's content words, after typo
    /// correction. Results go to `out` (cleared first).
    pub(crate) fn search(&self, tokens: &[(&str, &str)], lang: Language, out: &mut Vec<IntentHit>) {
        out.clear();
        SCRATCH.with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            s.query.clear();
            let mut unknown = 0usize;
            {
                let query = &mut s.query;
                let mut key = std::mem::take(&mut s.key);
                let mut prev = Some(BOS);
                for &(folded, stem) in tokens {
                    // A known word carries its features; others are looked up by key.
                    let known = self
                        .vocab
                        .get(folded)
                        .map(|&id| &self.vocab_words[id as usize]);
                    let word_f = match known {
                        Some(w) if &*w.stem == stem => Some(w.word_f),
                        _ => {
                            push_key(&mut key, TAG_WORD, stem);
                            self.features.get(key.as_str()).copied()
                        }
                    };
                    match word_f {
                        Some(f) => query.push((f, 0.0)),
                        None => unknown += 1,
                    }
                    if let (Some(p), Some(w)) = (prev, word_f) {
                        if let Some(&f) = self.bigrams.get(&bigram_key(p, w)) {
                            query.push((f, 0.0));
                        }
                    }
                    prev = word_f;
                    match known {
                        Some(w) => query.extend(
                            self.gram_ids[w.grams.0 as usize..w.grams.1 as usize]
                                .iter()
                                .map(|&f| (f, 0.0)),
                        ),
                        None => for_each_ngram(folded, &mut key, |k| {
                            if let Some(&f) = self.features.get(k) {
                                query.push((f, 0.0));
                            }
                        }),
                    }
                }
                if let (false, Some(p)) = (tokens.is_empty(), prev) {
                    if let Some(&f) = self.bigrams.get(&bigram_key(p, EOS)) {
                        query.push((f, 0.0));
                    }
                }
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
            // What every intent gets from clipped features, whatever its postings.
            let mut floor = 0.0f32;
            // The contrast's family weights of the message's features: each counts at the
            // unseen term of an intent unless the intent's postings say otherwise.
            let mut family_sum = 0.0f32;
            for q in s.query.iter_mut() {
                let w = self.idf[q.0 as usize];
                q.1 = w;
                family_sum += self.family_w[q.0 as usize];
                evidence += self.max_w[q.0 as usize];
                floor += self.floor_w[q.0 as usize];
                if !self.example_postings.get(q.0).is_empty() {
                    norm_wb += w * w;
                }
            }
            let norm_wb = norm_wb.sqrt();
            let int_scale = if evidence > 0.0 { 1.0 / evidence } else { 0.0 };

            if s.ex_acc.len() < self.examples.len() {
                s.ex_acc.resize(self.examples.len(), 0.0);
            }
            if s.int.len() < self.intent_count {
                s.int.resize(self.intent_count, IntentSlot::default());
            }
            if s.touched.len() < self.intent_count.div_ceil(64) {
                s.touched.resize(self.intent_count.div_ceil(64), 0);
            }
            let width = self.intent_postings.width;
            if s.dense_acc.len() != width {
                s.dense_acc = vec![0.0; width];
                s.dense_ll = vec![0.0; width];
            }
            // Separate borrows of the buffers, so that the loops below keep them in
            // registers instead of reloading them through the scratch on every entry.
            let Scratch {
                query,
                ex_acc,
                ex_touched,
                int,
                touched,
                dense_acc,
                dense_ll,
                ..
            } = s;
            let mut any_dense = false;
            let (ex_acc, int) = (&mut ex_acc[..], &mut int[..]);
            // The intent side first, then the example side: in a large bot the example
            // accumulators (megabytes) would push the per-intent ones out of the cache.
            for &(f, _) in query.iter() {
                if let Some((w, c, bits)) = self.intent_postings.row(f) {
                    // One pass per array over every intent: vectorised.
                    for (a, &w) in dense_acc.iter_mut().zip(w) {
                        *a += int_scale * w;
                    }
                    for (l, &c) in dense_ll.iter_mut().zip(c) {
                        *l += c;
                    }
                    for (b, &x) in touched.iter_mut().zip(bits) {
                        *b |= x;
                    }
                    any_dense = true;
                    continue;
                }
                for e in self.intent_postings.get(f) {
                    let slot = &mut int[e.intent as usize];
                    set_bit(touched, e.intent as usize);
                    slot.acc += int_scale * e.weight;
                    slot.ll += e.contrast;
                }
            }
            if norm_wb > 0.0 {
                for &(f, w) in query.iter() {
                    let qw = w / norm_wb;
                    for &(e, ew) in self.example_postings.get(f) {
                        let slot = &mut ex_acc[e as usize];
                        if *slot == 0.0 {
                            ex_touched.push(e);
                        }
                        *slot += qw * ew;
                    }
                }
            }
            for &e in ex_touched.iter() {
                let sim = ex_acc[e as usize];
                ex_acc[e as usize] = 0.0;
                let i = self.example_intents.of(e);
                let slot = &mut int[i as usize];
                set_bit(touched, i as usize);
                if sim > slot.best_sim || (sim == slot.best_sim && e < slot.best) {
                    (slot.best_sim, slot.best) = (sim, e);
                }
            }
            ex_touched.clear();
            // Only the best few intents go on to scoring and explanation: the decision
            // looks at three at most. `out` is kept sorted, best first (ties to the lower
            // intent), so each touched intent costs one comparison unless it enters.
            // Every touched intent's accumulators are reset (and its dense sums taken,
            // leaving those arrays zeroed) on the way.
            let mut scores = [0.0f32; MAX_HITS];
            let touched_intents = touched.iter_mut().enumerate().flat_map(|(k, b)| {
                let mut x = std::mem::take(b);
                std::iter::from_fn(move || {
                    (x != 0).then(|| {
                        let i = k * 64 + x.trailing_zeros() as usize;
                        x &= x - 1;
                        i as u32
                    })
                })
            });
            for i in touched_intents {
                let mut slot = std::mem::take(&mut int[i as usize]);
                if any_dense {
                    slot.acc += std::mem::take(&mut dense_acc[i as usize]);
                    slot.ll += std::mem::take(&mut dense_ll[i as usize]);
                }
                let mut hit = IntentHit {
                    intent: i,
                    example_sim: slot.best_sim.min(1.0),
                    example: slot.best,
                    centroid_sim: (slot.acc + floor * int_scale).min(1.0),
                    message_evidence: evidence,
                    contrast: 0.0,
                    log_likelihood: 0.0,
                };
                let score = crate::score::base_score(&hit);
                // Better: a higher score, or the same score and a lower intent.
                let better =
                    |k: usize| score > scores[k] || (score == scores[k] && i < out[k].intent);
                let n = out.len();
                if n == MAX_HITS && !better(n - 1) {
                    continue;
                }
                // Only the intents that enter read their contrast constants (in a large
                // bot, thousands are touched and few enter).
                hit.log_likelihood = self.intent_absent[i as usize][lang.index()]
                    + self.intent_unseen[i as usize][lang.index()] * family_sum
                    + slot.ll;
                let mut at = n.min(MAX_HITS - 1);
                while at > 0 && better(at - 1) {
                    at -= 1;
                }
                if n < MAX_HITS {
                    out.push(hit);
                }
                let end = out.len() - 1;
                out.copy_within(at..end, at + 1);
                scores.copy_within(at..end, at + 1);
                out[at] = hit;
                scores[at] = score;
            }
            self.contrast(query, out);
        });
    }

    /// Compares the best [`CONTRAST_TOP`] hits feature by feature, including the
    /// features each one's examples use and the message lacks (which the share of
    /// evidence explained cannot see: "cancel it" lacks the "reservation" that nearly
    /// every example of cancel_reservation has). Each hit gets the gap to the best
    /// log-likelihood per message feature, times [`CONTRAST_WEIGHT`], and the few are
    /// re-ordered.
    ///
    /// The log-likelihood of a message under intent `i`: every message feature
    /// (family-weighted) is present in a share `(k + α) / (n + 2α)` of the intent's `n`
    /// examples (`k` of them use it), and every other feature absent from a share
    /// `1 − (k + α) / (n + 2α + CONTRAST_ABSENT_SHRINK)`. A sum of per-feature terms
    /// counted from the content: the search adds up those of the features each intent
    /// uses as it walks the intent postings, so the few compared cost nothing more.
    fn contrast(&self, query: &[(u32, f32)], out: &mut [IntentHit]) {
        let top = CONTRAST_TOP.min(out.len());
        if top < 2 {
            return;
        }
        let mut ll = [0.0f32; CONTRAST_TOP];
        for (l, h) in ll.iter_mut().zip(out.iter_mut()) {
            // Features whose intent lists were clipped: the terms left out.
            let list = self.clipped_contrast.get(h.intent);
            if !list.is_empty() {
                let mut from = 0;
                for &(f, _) in query {
                    if !has_bit(&self.clipped_features, f as usize) {
                        continue;
                    }
                    match gallop(list, from, f) {
                        Ok(at) => {
                            from = at + 1;
                            h.log_likelihood += self.family_w[f as usize] * list[at].1;
                        }
                        Err(at) => from = at,
                    }
                }
            }
            *l = h.log_likelihood;
        }
        let best = ll[..top].iter().copied().fold(f32::MIN, f32::max);
        let per_feature = CONTRAST_WEIGHT / query.len().max(1) as f32;
        for (l, h) in ll.iter().zip(out.iter_mut()) {
            h.contrast = per_feature * (l - best);
        }
        out[..top].sort_by(|a, b| {
            crate::score::base_score(b)
                .total_cmp(&crate::score::base_score(a))
                .then(a.intent.cmp(&b.intent))
        });
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
        let deletes = self.deletes.capacity() * 8 + self.delete_buckets.capacity() * 4;
        let bigrams = self.bigrams.capacity() * (std::mem::size_of::<(u64, u32)>() + 8);
        features
            + bigrams
            + vocab
            + deletes
            + self.idf.capacity() * 4
            + self.max_w.capacity() * 4
            + self.floor_w.capacity() * 4
            + self.example_postings.heap_bytes()
            + self.intent_postings.heap_bytes()
            + self.examples.capacity() * std::mem::size_of::<ExampleRef>()
            + self.example_intents.heap_bytes()
            + self.gram_ids.capacity() * 4
            + self.clipped_contrast.heap_bytes()
            + self.clipped_features.capacity() * 8
            + self.intent_unseen.capacity() * 4 * LANGS
            + self
                .small_talk_stems
                .keys()
                .map(|k| k.len() + map_entry)
                .sum::<usize>()
            + self.intent_absent.capacity() * 4 * LANGS
            + self.family_w.capacity() * 4
    }

    /// Number of distinct features.
    pub(crate) fn feature_count(&self) -> usize {
        self.features.len() + self.bigrams.len()
    }
}

/// Analyses a message and corrects unknown words against the index vocabulary.
/// Returns the (folded, stem) pairs used for search, plus corrections.
pub(crate) fn prepare_query<'a>(
    index: &'a Index,
    analyzer: &'a Analyzer,
    analyzed: &'a Analyzed,
    lang: Language,
    corrections: &mut Vec<Correction>,
    rewrites: &mut Vec<(String, u32)>,
    out: &mut Vec<(&'a str, &'a str)>,
) {
    out.clear();
    let corrected = corrections.len();
    for t in analyzed.iter() {
        // A word the content never used is corrected to a near known word, unless its
        // stem is known: then it is a new inflection ("zamówieniami"), not a typo.
        // The words a phrase synonym is read as are never corrected: they are the
        // editor's, whether or not an example uses them. Nor are the function words of
        // the message's language ("спросить" is a word, not a typo of "сбросить").
        if !t.is_number
            && !t.stop
            && !t.synonym
            && !index.knows(t.folded)
            && !index.knows_stem(t.stem)
            && !analyzer.is_phrase_word(t.folded, lang)
        {
            // A content word first; a phrase synonym's word when it is nearer.
            let content = index.correct(t.folded, lang);
            let phrase = analyzer
                .correct_to_phrase_word(t.folded, lang)
                .filter(|p| content.is_none_or(|c| p.2 < c.2));
            if let Some((word, stem, d)) = phrase.or(content) {
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
        // A word of a synonym group is read as the group's first word.
        out.push((
            analyzer.synonym_word(t.stem, lang).unwrap_or(t.folded),
            t.stem,
        ));
    }
    // A corrected word may complete a phrase synonym that the analysis could not see
    // ("sned it back").
    if corrections.len() > corrected {
        let mut fixed: Vec<bool> = analyzed.iter().map(|t| t.synonym).collect();
        analyzer.rewrite_corrected(lang, out, &mut fixed, rewrites);
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
        let idx = Index::build(&a, n, &[], &inputs, |_, _| {});
        (a, idx)
    }

    fn search(a: &Analyzer, idx: &Index, text: &str) -> Vec<IntentHit> {
        let mut an = Analyzed::new();
        a.analyze(text, Language::En, &mut an);
        let mut corr = Vec::new();
        let mut toks = Vec::new();
        prepare_query(
            idx,
            a,
            &an,
            Language::En,
            &mut corr,
            &mut Vec::new(),
            &mut toks,
        );
        let mut out = Vec::new();
        idx.search(&toks, Language::En, &mut out);
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
    fn two_edits_confined_to_the_first_letters_are_another_word_not_a_typo() {
        let (_a, idx) = build(&[
            (0, "what is your location"),
            (1, "did you get my message"),
            (2, "отписаться от рассылки"),
        ]);
        // A different start, the same ending: another word.
        assert!(idx.correct("vacation", Language::En).is_none());
        assert!(idx.correct("remessage", Language::En).is_none());
        assert!(idx.correct("подписаться", Language::Ru).is_none());
        // Two edits elsewhere, or one at the start, are still typos.
        let (w, _, d) = idx.correct("locatoin", Language::En).expect("corrected");
        assert_eq!((w, d), ("location", 1));
        let (w, _, d) = idx.correct("lcoatin", Language::En).expect("corrected");
        assert_eq!((w, d), ("location", 2));
        let (w, _, d) = idx.correct("vocation", Language::En).expect("corrected");
        assert_eq!((w, d), ("location", 1));
        let (w, _, d) = idx.correct("mesage", Language::En).expect("corrected");
        assert_eq!((w, d), ("message", 1));
    }

    #[test]
    fn typos_are_corrected_to_the_messages_language_or_shared_words() {
        let a = Analyzer::new();
        let texts = [
            (0, Language::Pl, "zablokowane karty"),
            (0, Language::Lv, "maksāt ar paypal"),
            (1, Language::Pl, "płacę przez paypal"),
            (1, Language::En, "where is my parcel"),
        ];
        let inputs: Vec<IndexInput<'_>> = texts
            .iter()
            .enumerate()
            .map(|(k, &(intent, lang, text))| IndexInput {
                intent,
                lang,
                ordinal: k as u32,
                text,
            })
            .collect();
        let idx = Index::build(&a, 2, &[], &inputs, |_, _| {});
        // "party" in an English message is a word, not a typo of the Polish "karty" ...
        assert!(idx.correct("party", Language::En).is_none());
        // ... which a Polish message's "kartu" still reaches.
        let (w, _, _) = idx.correct("kartu", Language::Pl).expect("corrected");
        assert_eq!(w, "karty");
        // A word several languages use (a brand) is every language's.
        let (w, _, _) = idx.correct("paypall", Language::En).expect("corrected");
        assert_eq!(w, "paypal");
    }

    #[test]
    fn four_letter_words_are_corrected_only_by_a_swap() {
        let (_a, idx) = build(&[(0, "what does it cost"), (1, "is the shop open at work")]);
        // Real words one substitution from a known four-letter word stay what they are ...
        for w in ["most", "york", "fork"] {
            assert!(idx.correct(w, Language::En).is_none(), "{w}");
        }
        // ... while a five-letter typo still reaches a four-letter word, and typos of
        // five letters and more are corrected.
        let (w, _, _) = idx.correct("coost", Language::En).expect("corrected");
        assert_eq!(w, "cost");
        let (w, _, _) = idx.correct("opeen", Language::En).expect("corrected");
        assert_eq!(w, "open");
        // Two letters swapped is a typo, not another word.
        let (w, _, d) = idx.correct("cots", Language::En).expect("corrected");
        assert_eq!((w, d), ("cost", 1));
    }

    #[test]
    fn short_russian_words_are_not_corrected_to_other_words() {
        let a = Analyzer::new();
        let texts = [
            "у меня кошки",
            "одно окно",
            "плохое настроение",
            "как зарегистрироваться",
        ];
        let inputs: Vec<IndexInput<'_>> = texts
            .iter()
            .enumerate()
            .map(|(k, text)| IndexInput {
                intent: k as u32,
                lang: Language::Ru,
                ordinal: 0,
                text,
            })
            .collect();
        let idx = Index::build(&a, texts.len(), &[], &inputs, |_, _| {});
        // Real words one edit from a known short word stay what they are.
        assert!(idx.correct("кишки", Language::Ru).is_none());
        assert!(idx.correct("окна", Language::Ru).is_none());
        // Typos in longer words are still corrected, two edits from 11 letters on.
        let (w, _, d) = idx.correct("настроние", Language::Ru).expect("corrected");
        assert_eq!((w, d), ("настроение", 1));
        let (w, _, d) = idx
            .correct("зарегистрироавтся", Language::Ru)
            .expect("corrected");
        assert_eq!((w, d), ("зарегистрироваться", 2));
        // The Latin allowance is unchanged: "pasword" is still one edit from "password".
        let (_a, idx) = build(&[(0, "forgot password"), (1, "my cat")]);
        assert!(idx.correct("pasword", Language::En).is_some());
    }

    #[test]
    fn new_inflection_of_a_known_stem_is_not_a_typo() {
        let (a, idx) = build(&[(0, "forgot password"), (1, "where is my parcel")]);
        let mut an = Analyzed::new();
        a.analyze("passwords forgoten", Language::En, &mut an);
        let (mut corr, mut toks) = (Vec::new(), Vec::new());
        prepare_query(
            &idx,
            &a,
            &an,
            Language::En,
            &mut corr,
            &mut Vec::new(),
            &mut toks,
        );
        // "passwords" stems to the known "password": kept; "forgoten" is a typo.
        assert_eq!(corr.len(), 1);
        assert_eq!(corr[0].from, "forgoten");
        assert_eq!(toks[0].0, "passwords");
    }

    #[test]
    fn dense_rows_score_as_sparse_lists_do() {
        let (a, idx) = build(&[
            (0, "where is my parcel"),
            (0, "track my parcel delivery"),
            (1, "how do I reset my password"),
            (1, "forgot my password"),
            (2, "cancel my order"),
            (2, "i want to cancel the order"),
            (3, "change the delivery address of my order"),
            (4, "my parcel arrived damaged"),
        ]);
        assert!(
            !idx.intent_postings.dense_bits.is_empty(),
            "words used by many intents become dense rows"
        );
        let mut sparse = idx.clone();
        sparse.intent_postings = idx.intent_postings.to_sparse();
        assert!(sparse.intent_postings.dense_bits.is_empty());
        for text in [
            "where is my order",
            "password",
            "cancel parcel delivery",
            "my my my",
            "damaged parcel address change",
        ] {
            let (d, s) = (search(&a, &idx, text), search(&a, &sparse, text));
            assert_eq!(d.len(), s.len(), "{text}");
            for (x, y) in d.iter().zip(&s) {
                assert_eq!(x.intent, y.intent, "{text}");
                assert!((x.centroid_sim - y.centroid_sim).abs() < 1e-6, "{text}");
                assert!((x.log_likelihood - y.log_likelihood).abs() < 1e-4, "{text}");
                assert_eq!(x.contrast == 0.0, y.contrast == 0.0, "{text}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn gallop_finds_what_binary_search_finds(
            mut keys in proptest::collection::vec(0u32..400, 0..300),
            from in 0usize..320,
            key in 0u32..420,
        ) {
            keys.sort_unstable();
            keys.dedup();
            let list: Vec<(u32, f32)> = keys.iter().map(|&k| (k, k as f32)).collect();
            let from = from.min(list.len());
            let expected = list[from..]
                .binary_search_by_key(&key, |e| e.0)
                .map(|at| at + from)
                .map_err(|at| at + from);
            proptest::prop_assert_eq!(gallop(&list, from, key), expected);
        }
    }

    #[test]
    fn example_intents_match_the_examples() {
        // Intents of 0 to 150 examples (some empty, some spanning several blocks).
        let sizes = [0usize, 3, 0, 0, 64, 1, 150, 0, 63, 65, 2, 0];
        let truth: Vec<u32> = sizes
            .iter()
            .enumerate()
            .flat_map(|(i, &n)| std::iter::repeat_n(i as u32, n))
            .collect();
        let table = ExampleIntents::new(truth.iter().copied(), sizes.len());
        for (e, &i) in truth.iter().enumerate() {
            assert_eq!(table.of(e as u32), i, "example {e}");
        }
    }

    #[test]
    fn unknown_message_touches_nothing() {
        let (a, idx) = build(&[(0, "where is my parcel")]);
        assert!(search(&a, &idx, "qqqq zzzz").is_empty());
        assert!(search(&a, &idx, "").is_empty());
    }
}
