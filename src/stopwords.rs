//! Hand-written function-word lists, stored folded (see [`crate::normalize`]).
//!
//! Two kinds per language:
//!
//! - `STOP_*`: function words that carry no intent (pronouns, prepositions,
//!   conjunctions, auxiliaries, particles). The analyser marks them; the scorer
//!   decides what to do with them.
//! - `MARKER_*`: words that *do* carry intent and must never be stop words — question
//!   words ("where", "when", "how much"), negations, yes/no — but are just as
//!   characteristic of their language. Language detection uses both lists.
//!
//! Kept short on purpose: a word wrongly listed here silently loses its weight.

/// Polish stop words (folded).
pub(crate) const STOP_PL: &[&str] = &[
    "a", "aby", "ale", "bo", "byc", "byl", "byla", "bylo", "byly", "bede", "bedzie", "beda", "by",
    "bym", "co", "czy", "dla", "do", "go", "i", "ich", "im", "ja", "jak", "jakis", "jako", "je",
    "jego", "jej", "jest", "jestem", "jestes", "jestesmy", "juz", "lub", "mi", "mie", "mna",
    "mnie", "moj", "moja", "moje", "moich", "moim", "moja", "mojej", "mojego", "mu", "my", "na",
    "nad", "nam", "nas", "o", "od", "oraz", "po", "pod", "przez", "przy", "sa", "sie", "siebie",
    "sobie", "ta", "te", "tego", "tej", "ten", "to", "ty", "tu", "tutaj", "tym", "u", "w", "we",
    "wam", "was", "wy", "z", "za", "ze", "zeby", "ktory", "ktora", "ktore", "mam", "masz", "ma",
    "mamy", "macie", "maja", "prosze", "tylko", "tez", "takze", "jeszcze", "wiec", "pan", "pani",
    "panstwo", "wasz", "wasza", "wasze", "twoj", "twoja", "twoje", "swoj", "swoja", "swoje",
    "ktos", "cos", "iz", "albo", "ani",
];

/// Polish intent-carrying function words (folded): never stop words.
pub(crate) const MARKER_PL: &[&str] = &[
    "gdzie", "kiedy", "ile", "dlaczego", "czemu", "jaki", "jaka", "jakie", "kto", "nie", "nigdy",
    "tak", "dzieki", "dziekuje", "zaden", "zadna", "brak", "hej", "witam", "czesc", "dzien",
    "dobry",
];

/// English stop words (folded; apostrophes removed, as the analyser does).
pub(crate) const STOP_EN: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "so", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "about", "into", "as", "is", "am", "are", "was", "were", "be", "been", "being",
    "do", "does", "did", "have", "has", "had", "i", "im", "ive", "id", "me", "my", "mine",
    "myself", "you", "your", "yours", "youre", "he", "him", "his", "she", "her", "it", "its", "we",
    "our", "us", "they", "their", "them", "this", "that", "these", "those", "there", "here",
    "what", "whats", "which", "who", "whom", "how", "hows", "would", "could", "should", "will",
    "shall", "can", "may", "might", "must", "please", "pls", "just", "also", "some", "any", "up",
    "out", "then", "than", "too", "very", "really", "get", "got", "want", "like", "dear",
];

/// English intent-carrying function words (folded): never stop words.
pub(crate) const MARKER_EN: &[&str] = &[
    "where", "wheres", "when", "why", "much", "many", "long", "not", "no", "never", "yes", "dont",
    "doesnt", "didnt", "cant", "cannot", "wont", "isnt", "arent", "wasnt", "havent", "hasnt",
    "none", "hi", "hello", "hey", "thanks", "thank",
];

/// Latvian stop words (folded).
pub(crate) const STOP_LV: &[&str] = &[
    "un", "ir", "es", "tu", "vins", "vina", "mes", "jus", "vini", "mans", "mana", "mani", "manu",
    "manas", "man", "tavs", "tava", "tavu", "jusu", "musu", "vinu", "sis", "si", "tas", "ta",
    "tie", "to", "tam", "par", "ar", "uz", "no", "pie", "pec", "bez", "lidz", "pa", "pret", "virs",
    "zem", "starp", "bet", "vai", "ka", "lai", "jo", "ari", "tikai", "vel", "jau", "bija", "bus",
    "esmu", "esi", "esam", "esat", "var", "varu", "varat", "gribu", "lugums", "ludzu", "sev",
    "savs", "sava", "savu", "kads", "kada", "kura", "kurs", "tad", "te", "tur", "kaut", "nu",
];

/// Latvian intent-carrying function words (folded): never stop words.
pub(crate) const MARKER_LV: &[&str] = &[
    "kur", "kad", "cik", "kapec", "kas", "nav", "neesmu", "nekad", "ja", "ne", "sveiki", "labdien",
    "paldies",
];

/// Russian stop words (folded: `ё` → `е`).
pub(crate) const STOP_RU: &[&str] = &[
    "и",
    "в",
    "во",
    "на",
    "с",
    "со",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "от",
    "до",
    "по",
    "за",
    "из",
    "у",
    "для",
    "при",
    "про",
    "без",
    "над",
    "под",
    "а",
    "но",
    "или",
    "что",
    "чтобы",
    "как",
    "это",
    "этот",
    "эта",
    "эти",
    "то",
    "тот",
    "та",
    "те",
    "я",
    "меня",
    "мне",
    "мной",
    "ты",
    "тебя",
    "тебе",
    "вы",
    "вас",
    "вам",
    "он",
    "она",
    "оно",
    "они",
    "его",
    "ее",
    "их",
    "им",
    "ему",
    "мы",
    "нас",
    "нам",
    "мой",
    "моя",
    "мое",
    "мои",
    "моего",
    "моей",
    "моих",
    "моим",
    "ваш",
    "ваша",
    "ваше",
    "ваши",
    "вашего",
    "вашей",
    "твой",
    "твоя",
    "свой",
    "своя",
    "свое",
    "свои",
    "же",
    "ли",
    "бы",
    "вот",
    "уже",
    "еще",
    "тоже",
    "так",
    "был",
    "была",
    "было",
    "были",
    "быть",
    "есть",
    "будет",
    "пожалуйста",
    "ну",
    "там",
    "тут",
    "здесь",
    "мог",
    "могу",
    "можно",
    "хочу",
    "который",
    "которая",
    "которые",
];

/// Russian intent-carrying function words (folded): never stop words.
pub(crate) const MARKER_RU: &[&str] = &[
    "где",
    "когда",
    "сколько",
    "почему",
    "зачем",
    "какой",
    "какая",
    "какие",
    "кто",
    "не",
    "нет",
    "да",
    "никогда",
    "ни",
    "привет",
    "здравствуйте",
    "добрый",
    "спасибо",
];

/// The stop list of a language, by [`crate::Language::index`].
pub(crate) const STOP: [&[&str]; 4] = [STOP_PL, STOP_EN, STOP_LV, STOP_RU];

/// The marker list of a language, by [`crate::Language::index`].
pub(crate) const MARKERS: [&[&str]; 4] = [MARKER_PL, MARKER_EN, MARKER_LV, MARKER_RU];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold;

    #[test]
    fn lists_are_stored_folded() {
        for list in STOP.iter().chain(MARKERS.iter()) {
            for w in *list {
                assert_eq!(fold(w), *w, "{w} is not folded");
            }
        }
    }

    #[test]
    fn intent_carrying_words_are_not_stop_words() {
        for (stop, markers) in STOP.iter().zip(MARKERS.iter()) {
            for m in *markers {
                assert!(!stop.contains(m), "{m} is both a marker and a stop word");
            }
        }
    }
}
