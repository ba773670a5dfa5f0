//! Stage `lang` (temporary stand-in until the real one lands).
use crate::model::Language;
/// Detector.
#[derive(Clone, Debug, Default)]
pub struct LanguageDetector { langs: Vec<Language> }
/// Detection.
#[derive(Clone, Debug)]
pub struct Detection {
    /// Language.
    pub language: Option<Language>,
    /// Scores.
    pub scores: [f32; 4],
    /// Confident.
    pub confident: bool,
}
impl LanguageDetector {
    /// New.
    pub fn new(languages: &[Language]) -> Self { LanguageDetector { langs: languages.to_vec() } }
    /// Add vocabulary.
    pub fn add_vocabulary(&mut self, _lang: Language, _w: &str) {}
    /// Finish.
    pub fn finish(&mut self) {}
    /// Detect.
    pub fn detect(&self, text: &str) -> Detection {
        let ru = text.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)));
        let l = if ru && self.langs.contains(&Language::Ru) { Some(Language::Ru) } else { None };
        Detection { language: l, scores: [0.0; 4], confident: l.is_some() }
    }
}
