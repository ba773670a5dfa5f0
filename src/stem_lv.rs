//! Stage `stem_lv`: a light Latvian suffix stripper.
//!
//! Snowball has no Latvian algorithm, so this strips one inflectional ending from a
//! word: noun and adjective case endings and common verb endings. It works on the
//! *folded* word (see [`crate::normalize`]): "pasūtījumu" and "pasutijumu" both become
//! "pasutijum". Folding first is what makes the two spellings agree; the cost is that
//! endings distinguished only by a long vowel (`-ā` / `-a`, `-ām` / `-am`) are treated
//! alike, which is harmless for a stripper that removes both.
//!
//! It is deliberately light: one ending, longest first, and never leaving fewer than
//! [`MIN_STEM_CHARS`] characters. Over-stemming short words does more harm to an FAQ
//! matcher (unrelated words meeting) than leaving an inflected form unmerged.

use crate::normalize::fold_into;

/// A stem keeps at least this many characters.
pub(crate) const MIN_STEM_CHARS: usize = 3;

/// Folded endings, longest first within the order they are tried.
///
/// Nouns: `-s -š -is -us -a -e -i -u -as -es -ām -ēm -os -ai -ei -am -em -im -um -iem -ij`.
/// Adjectives (definite): `-ais -ajam -ajai -ajos -ajas -ajiem -ā -o -ie`.
/// Verbs: infinitive `-t`, reflexive `-ties -ies -ties`, present/past `-u -i -am -at -ām -āt`.
const SUFFIXES: &[&str] = &[
    // 5
    "ajiem", //
    // 4
    "ajam", "ajai", "ajos", "ajas", "ties", //
    // 3
    "iem", "ais", "ies", "aja", //
    // 2
    "as", "es", "is", "us", "os", "ai", "ei", "am", "em", "im", "um", "ie", "at", "ot", "it",
    // 1
    "s", "a", "e", "i", "u", "o", "t",
];

/// Writes the stem of `word` (lower-cased, with or without diacritics) into `out`,
/// replacing its contents. The stem is folded.
pub(crate) fn stem(word: &str, out: &mut String) {
    out.clear();
    fold_into(word, out);
    strip_folded(out);
}

/// Strips one ending from an already folded word in place.
fn strip_folded(word: &mut String) {
    let chars = word.chars().count();
    for suffix in SUFFIXES {
        // Suffixes are ASCII, so their byte length is their char length.
        if chars >= suffix.len() + MIN_STEM_CHARS && word.ends_with(suffix) {
            let new_len = word.len() - suffix.len();
            word.truncate(new_len);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(w: &str) -> String {
        let mut s = String::new();
        stem(w, &mut s);
        s
    }

    fn all_same(words: &[&str]) -> String {
        let first = st(words[0]);
        for w in words {
            assert_eq!(st(w), first, "{w} should stem like {}", words[0]);
        }
        first
    }

    #[test]
    fn order_forms_with_and_without_diacritics_share_a_stem() {
        let s = all_same(&[
            "pasūtījums",
            "pasūtījumu",
            "pasūtījuma",
            "pasūtījumi",
            "pasūtījumiem",
            "pasūtījumam",
            "pasutijums",
            "pasutijumu",
            "pasutijuma",
        ]);
        assert_eq!(s, "pasutijum");
    }

    #[test]
    fn delivery_forms_share_a_stem() {
        assert_eq!(
            all_same(&["piegāde", "piegādi", "piegādes", "piegādēm", "piegade"]),
            "piegad"
        );
    }

    #[test]
    fn goods_and_invoice_forms_share_a_stem() {
        assert_eq!(all_same(&["prece", "preces", "preci", "precēm"]), "prec");
        assert_eq!(
            all_same(&["rēķins", "rēķinu", "rēķina", "rēķinam", "rekins"]),
            "rekin"
        );
    }

    #[test]
    fn verb_infinitive_and_reflexive_share_a_stem() {
        assert_eq!(all_same(&["pieteikt", "pieteikties"]), "pieteik");
    }

    #[test]
    fn short_words_are_not_over_stemmed() {
        assert_eq!(st("ir"), "ir");
        assert_eq!(st("kur"), "kur");
        assert_eq!(st("mans"), "man");
        assert_eq!(st("cik"), "cik");
        assert_eq!(st("kas"), "kas");
    }

    #[test]
    fn stem_accepts_uppercase_and_non_latin_without_panicking() {
        assert_eq!(st("PASŪTĪJUMS"), "pasutijum");
        assert_eq!(st("заказ"), "заказ");
        assert_eq!(st(""), "");
        let _ = st("ūūū\u{301}s");
    }
}
