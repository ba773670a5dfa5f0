//! Stage `normalize` (temporary stand-in until the real one lands).
/// Lowercase and fold diacritics.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        for l in c.to_lowercase() {
            out.push(match l {
                'ą' => 'a', 'ć' => 'c', 'ę' => 'e', 'ł' => 'l', 'ń' => 'n', 'ó' => 'o', 'ś' => 's', 'ź' | 'ż' => 'z',
                'ā' => 'a', 'č' => 'c', 'ē' => 'e', 'ģ' => 'g', 'ī' => 'i', 'ķ' => 'k', 'ļ' => 'l', 'ņ' => 'n', 'š' => 's', 'ū' => 'u', 'ž' => 'z', 'ё' => 'е',
                o => o,
            });
        }
    }
}
/// Lowercase and fold diacritics.
pub fn fold(text: &str) -> String {
    let mut s = String::new();
    fold_into(text, &mut s);
    s
}
