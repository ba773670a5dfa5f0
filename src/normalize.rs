//! Stage `normalize`: lower-casing and diacritic folding.
//!
//! Customers type "zamówienie" and "zamowienie", "pasūtījums" and "pasutijums",
//! "ёлка" and "елка". Everything the bot compares is therefore *folded*: lower-cased,
//! with accents removed, so that both spellings meet. Folding is done per character
//! and never changes the original text; [`crate::analyze`] keeps byte offsets into
//! the original alongside the folded form.
//!
//! What folding does:
//!
//! - lower-cases (full Unicode lower-casing, so `Ł` → `l`, `İ` → `i`);
//! - drops Latin, Greek and Cyrillic combining diacritics after canonical
//!   decomposition (`ą` → `a`, `ā` → `a`, `ķ` → `k`, `é` → `e`, `ё` → `е`), including
//!   marks that arrive already decomposed;
//! - maps letters that have no decomposition: `ł` → `l`, `ß` → `ss`, `ø` → `o`,
//!   `đ` → `d`, `æ` → `ae`, `œ` → `oe`, `ı` → `i`, `ħ` → `h`;
//! - maps typographic apostrophes (`’`, `ʼ`, `‘`) to `'`;
//! - removes invisible format characters (zero-width space and joiners, soft hyphen,
//!   byte-order mark, bidi controls).
//!
//! What it deliberately does not do: `й` stays `й`. Its decomposition is `и` plus a
//! breve, but customers without a Russian layout transliterate to Latin rather than
//! typing `и` for `й`, and keeping it avoids merging distinct words (`мой`/`мои`).
//! `ё` → `е` is kept because most Russian text is written with `е` anyway.
//! Marks of other scripts (Indic vowel signs, Hebrew points, …) are kept: they are
//! not accents and removing them would change letters.

use unicode_normalization::char::decompose_canonical;

/// Lower-cases and folds `text`, appending the result to `out`.
///
/// Never panics; runs in time linear in `text`. ASCII input takes a fast path.
///
/// ```
/// let mut s = String::new();
/// faqbot::normalize::fold_into("Zamówienie", &mut s);
/// assert_eq!(s, "zamowienie");
/// ```
pub fn fold_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
        return;
    }
    out.reserve(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        // Decomposed input: a breve after `и` is a `й` typed in two code points.
        if c == '\u{306}' && out.ends_with('и') {
            out.pop();
            out.push('й');
            continue;
        }
        for lower in c.to_lowercase() {
            fold_lower_char(lower, out);
        }
    }
}

/// Lower-cases and folds `text` into a new string. See [`fold_into`].
///
/// ```
/// assert_eq!(faqbot::normalize::fold("PASŪTĪJUMS Ёлка ŁÓDŹ"), "pasutijums елка lodz");
/// ```
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Folds one already lower-cased, non-ASCII character.
fn fold_lower_char(c: char, out: &mut String) {
    match c {
        'й' => out.push('й'),
        'ł' => out.push('l'),
        'ß' => out.push_str("ss"),
        'ø' => out.push('o'),
        'đ' => out.push('d'),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'ı' => out.push('i'),
        'ħ' => out.push('h'),
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
        c if is_invisible(c) => {}
        c => decompose_canonical(c, |d| {
            if !is_diacritic_mark(d) {
                out.push(d);
            }
        }),
    }
}

/// True for combining marks that act as accents on Latin, Greek or Cyrillic letters
/// (the Combining Diacritical Marks blocks). These are what folding removes.
pub fn is_diacritic_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// True for invisible format characters that folding removes: soft hyphen,
/// zero-width space and joiners, directional marks and embeddings, word joiner,
/// byte-order mark.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// True for letters of the Cyrillic script (basic block and supplement).
pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}')
        && c.is_alphabetic()
}

/// True for letters only Polish uses among the bot's languages
/// (`ą ć ę ł ń ó ś ź ż`, either case).
pub fn is_polish_letter(c: char) -> bool {
    matches!(
        c,
        'ą' | 'ć'
            | 'ę'
            | 'ł'
            | 'ń'
            | 'ó'
            | 'ś'
            | 'ź'
            | 'ż'
            | 'Ą'
            | 'Ć'
            | 'Ę'
            | 'Ł'
            | 'Ń'
            | 'Ó'
            | 'Ś'
            | 'Ź'
            | 'Ż'
    )
}

/// True for letters only Latvian uses among the bot's languages
/// (`ā č ē ģ ī ķ ļ ņ š ū ž`, either case; Polish has no `č š ž`).
pub fn is_latvian_letter(c: char) -> bool {
    matches!(
        c,
        'ā' | 'č'
            | 'ē'
            | 'ģ'
            | 'ī'
            | 'ķ'
            | 'ļ'
            | 'ņ'
            | 'š'
            | 'ū'
            | 'ž'
            | 'Ā'
            | 'Č'
            | 'Ē'
            | 'Ģ'
            | 'Ī'
            | 'Ķ'
            | 'Ļ'
            | 'Ņ'
            | 'Š'
            | 'Ū'
            | 'Ž'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_letters_fold_to_base_letters_in_both_cases() {
        assert_eq!(fold("ąćęłńóśźż"), "acelnoszz");
        assert_eq!(fold("ĄĆĘŁŃÓŚŹŻ"), "acelnoszz");
        assert_eq!(fold("Zamówienie"), "zamowienie");
    }

    #[test]
    fn latvian_letters_fold_to_base_letters_in_both_cases() {
        assert_eq!(fold("āčēģīķļņšūž"), "acegiklnsuz");
        assert_eq!(fold("ĀČĒĢĪĶĻŅŠŪŽ"), "acegiklnsuz");
        assert_eq!(fold("Pasūtījums"), "pasutijums");
    }

    #[test]
    fn russian_yo_folds_to_ye_but_short_i_is_kept() {
        assert_eq!(fold("Ёлка"), "елка");
        assert_eq!(fold("ЙОГУРТ мой"), "йогурт мой");
    }

    #[test]
    fn decomposed_input_folds_like_precomposed() {
        assert_eq!(fold("zamo\u{301}wienie"), "zamowienie");
        assert_eq!(fold("е\u{308}лка"), "елка");
        assert_eq!(fold("мои\u{306}"), "мой");
    }

    #[test]
    fn other_latin_accents_and_special_letters_fold() {
        assert_eq!(fold("Café Müller Straße"), "cafe muller strasse");
        assert_eq!(fold("Øresund Æble Œuvre"), "oresund aeble oeuvre");
    }

    #[test]
    fn ascii_fast_path_only_lowercases() {
        assert_eq!(fold("Where IS my Order #123?"), "where is my order #123?");
    }

    #[test]
    fn invisible_characters_are_removed_and_apostrophes_unified() {
        assert_eq!(fold("pa\u{200B}czka\u{FEFF}"), "paczka");
        assert_eq!(fold("don\u{2019}t"), "don't");
    }

    #[test]
    fn marks_of_other_scripts_are_kept() {
        // Hindi "hindi": the vowel signs are letters, not accents.
        assert_eq!(fold("हिन्दी"), "हिन्दी");
    }

    #[test]
    fn fold_into_appends() {
        let mut s = String::from("x ");
        fold_into("Ł", &mut s);
        assert_eq!(s, "x l");
    }

    #[test]
    fn script_helpers_classify_letters() {
        assert!(is_cyrillic('ж') && is_cyrillic('Ё') && !is_cyrillic('z'));
        assert!(is_polish_letter('Ł') && !is_polish_letter('š'));
        assert!(is_latvian_letter('š') && !is_latvian_letter('ś'));
    }

    #[test]
    fn folding_never_panics_on_nasty_input() {
        let bytes: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let nasty = [
            String::new(),
            "a".repeat(1 << 20),
            String::from_utf8_lossy(&bytes).into_owned(),
            "\u{301}\u{301}\u{306}".to_string(),
            "שלום עולם مرحبا".to_string(),
            "👨\u{200D}👩\u{200D}👧 😀".to_string(),
            "İSTANBUL ǅ ﬁ".to_string(),
        ];
        for s in &nasty {
            let f = fold(s);
            assert!(f.len() <= s.len() * 3 + 8);
        }
    }
}
