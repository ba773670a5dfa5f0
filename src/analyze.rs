//! Stage `analyze` (temporary stand-in until the real one lands).
use crate::model::Language;
use std::ops::Range;
/// Analyser.
#[derive(Clone, Debug, Default)]
pub struct Analyzer;
/// Output buffer.
#[derive(Clone, Debug, Default)]
pub struct Analyzed { buf: String, toks: Vec<(usize, usize, Range<usize>, Range<usize>, bool, bool)> }
/// A token.
#[derive(Clone, Copy, Debug)]
pub struct TokenRef<'a> {
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// Folded.
    pub folded: &'a str,
    /// Stem.
    pub stem: &'a str,
    /// Stop word.
    pub stop: bool,
    /// Number.
    pub is_number: bool,
}
impl Analyzed {
    /// New.
    pub fn new() -> Self { Self::default() }
    /// Clear.
    pub fn clear(&mut self) { self.buf.clear(); self.toks.clear(); }
    /// Len.
    pub fn len(&self) -> usize { self.toks.len() }
    /// Empty.
    pub fn is_empty(&self) -> bool { self.toks.is_empty() }
    /// Get.
    pub fn get(&self, i: usize) -> Option<TokenRef<'_>> {
        self.toks.get(i).map(|t| TokenRef { start: t.0, end: t.1, folded: &self.buf[t.2.clone()], stem: &self.buf[t.3.clone()], stop: t.4, is_number: t.5 })
    }
    /// Iter.
    pub fn iter(&self) -> impl Iterator<Item = TokenRef<'_>> { (0..self.len()).filter_map(|i| self.get(i)) }
}
impl Analyzer {
    /// New.
    pub fn new() -> Self { Analyzer }
    /// Analyse.
    pub fn analyze(&self, text: &str, _lang: Language, out: &mut Analyzed) {
        out.clear();
        for (s, w) in unicode_segmentation::UnicodeSegmentation::unicode_word_indices(text) {
            let a = out.buf.len();
            crate::normalize::fold_into(w, &mut out.buf);
            let b = out.buf.len();
            let f = out.buf[a..b].to_string();
            let stem: String = f.chars().take(6).collect();
            out.buf.push_str(&stem);
            let c = out.buf.len();
            let stop = matches!(f.as_str(), "the" | "a" | "is" | "my" | "i" | "to" | "w" | "na" | "jest" | "moja" | "mój" | "moj" | "и" | "в");
            out.toks.push((s, s + w.len(), a..b, b..c, stop, f.chars().all(|c| c.is_ascii_digit())));
        }
    }
}
