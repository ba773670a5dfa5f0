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
//!
//! Verbs of the second and third conjugation put a marker between their stem and the
//! ending: the thematic vowel with `-j-` in the past ("pasūt-īj-u"), with `-t-` in the
//! passive participle ("pasūt-īt-s") and infinitive, with `-s-` in the future
//! ("pasūt-īs-im"), `-us-` in the active participle ("pazud-us-i"), `-šan-` in the
//! verbal noun ("pasūt-īšan-as"). After the ending, one such marker is stripped from
//! what is left ([`MARKERS`]), so that "pasūtīt", "pasūtīju", "pasūtīts", "pasūtīšu" and
//! "pasūtīšanas" meet. The second step looks only at the first step's result, never at
//! which ending was removed, so every form that already agreed still agrees; nouns whose
//! stem happens to end like a marker ("kredīt-s" → "kred") only get a shorter stem.

use crate::normalize::fold_into;

/// A stem keeps at least this many characters.
pub(crate) const MIN_STEM_CHARS: usize = 3;

/// Folded endings, longest first within the order they are tried.
///
/// Nouns: `-s -š -is -us -a -e -i -u -as -es -ām -ēm -os -ai -ei -am -em -im -um -iem -ij`.
/// Adjectives (definite): `-ais -ajam -ajai -ajos -ajas -ajiem -ā -o -ie`.
/// Verbs: infinitive `-t`, reflexive `-ties -ies -ties`, present/past `-u -i -am -at -ām -āt`,
/// second person plural and imperative `-iet`.
const SUFFIXES: &[&str] = &[
    // 5
    "ajiem", //
    // 4
    "ajam", "ajai", "ajos", "ajas", "ties", //
    // 3
    "iem", "iet", "ais", "ies", "aja", //
    // 2
    "as", "es", "is", "us", "os", "ai", "ei", "am", "em", "im", "um", "ie", "at", "et", "ot", "it",
    // 1
    "s", "a", "e", "i", "u", "o", "t",
];

/// Folded verb markers left in front of an ending, longest first (see the module
/// documentation): active participle `-ījus- -ējus- -ājus- -ojus- -us-`, verbal noun
/// `-īšan- -ēšan- -āšan- -ošan-`, past `-īj- -ēj- -āj- -oj-`, passive participle and
/// infinitive `-īt- -ēt- -āt- -ot-`, future `-īs- -ēs- -ās- -os-`.
const MARKERS: &[&str] = &[
    "ijus", "ejus", "ajus", "ojus", "isan", "esan", "asan", "osan", //
    "us", "ij", "ej", "aj", "oj", "it", "et", "at", "ot", "is", "es", "as", "os",
];

/// The future markers are single letters after a vowel and many consonant stems end in
/// `-s` ("atrast" → "atras"), so they need one more character left (they would make
/// "atrast" meet "ātri").
const FUTURE_MARKERS: &[&str] = &["is", "es", "as", "os"];

/// Writes the stem of `word` (lower-cased, with or without diacritics) into `out`,
/// replacing its contents. The stem is folded.
pub(crate) fn stem(word: &str, out: &mut String) {
    out.clear();
    fold_into(word, out);
    strip_folded(out);
}

/// Strips one ending, then one verb marker, from an already folded word in place, and
/// evens out the stem's last consonant ([`even_alternation`]).
fn strip_folded(word: &mut String) {
    strip_one(word, SUFFIXES, |_| MIN_STEM_CHARS);
    strip_one(word, MARKERS, |marker| {
        if FUTURE_MARKERS.contains(&marker) {
            MIN_STEM_CHARS + 1
        } else {
            MIN_STEM_CHARS
        }
    });
    even_alternation(word);
}

/// The last consonant of many Latvian stems alternates between forms: g / dz and k / c
/// in verbs and the nouns made from them ("sasniegt" / "sasniedz", "palīgs" /
/// "palīdzēt", "braukt" / "brauc", "pirkt" / "pircējs"), and a labial takes `-j-` in
/// some cases ("skapis" / "skapja", "gulbis" / "gulbja"). A stem of 4 or more letters
/// ending in `dz` gets `g`, one ending in `c` gets `k`, and `pj bj mj vj` lose the `j`.
/// Like the marker step it is a function of the stem alone, so forms that agreed still
/// agree ("redzēt", "redzu" → "reg"); what it adds are merges across the alternation,
/// some of them derivations ("prieks" / "priecāties", "cilvēks" / "cilvēce").
///
/// Measured with `benches/morphology.py` (Latvian, 30,000 most frequent words, 1,000
/// most frequent left out): forms on their lemma's main stem 92.17% → 92.84%, words on a
/// stem another lemma dominates 12.88% → 13.18% (g/dz +0.16 / +0.12, k/c +0.32 / +0.16,
/// labial j +0.18 / +0.02); the bundled cross-validation and editor turns are unchanged.
fn even_alternation(stem: &mut String) {
    if stem.chars().count() < 4 {
        return;
    }
    if stem.ends_with("dz") {
        stem.truncate(stem.len() - 2);
        stem.push('g');
    } else if stem.ends_with('c') {
        stem.pop();
        stem.push('k');
    } else if ["pj", "bj", "mj", "vj"].iter().any(|e| stem.ends_with(e)) {
        stem.pop();
    }
}

/// Removes the first of `suffixes` that `word` ends with, if at least `keep(suffix)`
/// characters remain.
fn strip_one(word: &mut String, suffixes: &[&str], keep: impl Fn(&str) -> usize) {
    let chars = word.chars().count();
    for suffix in suffixes {
        // Suffixes are ASCII, so their byte length is their char length.
        if chars >= suffix.len() + keep(suffix) && word.ends_with(suffix) {
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
        assert_eq!(all_same(&["prece", "preces", "preci", "precēm"]), "prek");
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
    fn verb_forms_meet_through_their_markers() {
        // Infinitive, past, passive participle, conditional, future, verbal noun,
        // imperative, with and without diacritics.
        assert_eq!(
            all_same(&[
                "pasūtīt",
                "pasūtīju",
                "pasūtījāt",
                "pasūtīts",
                "pasūtīta",
                "pasūtītu",
                "pasūtīšu",
                "pasūtīsim",
                "pasūtīšanas",
                "pasūtījis",
                "pasūtījusi",
                "pasutit",
                "pasutiju",
            ]),
            "pasut"
        );
        assert_eq!(
            all_same(&[
                "redzēt",
                "redzēju",
                "redzēts",
                "redzētu",
                "redzēsiet",
                "redzu"
            ]),
            "reg"
        );
        assert_eq!(
            all_same(&["piegāde", "piegādes", "piegādāts", "piegādājat"]),
            "piegad"
        );
        assert_eq!(all_same(&["pazuda", "pazudusi"]), "pazud");
        assert_eq!(all_same(&["atsūtiet", "atsūtījāt", "atsūtīsiet"]), "atsut");
        // Nouns keep their own stem: the order is not the verb "to order".
        assert_eq!(st("pasūtījums"), "pasutijum");
        // A consonant stem ending in -s keeps it: "find" does not meet "quickly".
        assert_eq!(st("atrast"), "atras");
        assert_ne!(st("atrast"), st("ātri"));
    }

    #[test]
    fn alternating_consonants_meet() {
        all_same(&["sasniegt", "sasniedz", "sasniedza", "sasniegs"]);
        all_same(&["ieslēgt", "ieslēdz", "ieslēdziet"]);
        all_same(&["braukt", "brauc", "braucu", "brauca"]);
        all_same(&["skapis", "skapja", "skapji"]);
        // Short stems keep their consonant.
        assert_eq!(st("cik"), "cik");
        assert_eq!(st("lec"), "lec");
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
