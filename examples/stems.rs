//! How faqbot reads words: the stem of every word given on standard input.
//!
//!     printf 'pl\tpaczkomacie\nru\tскидок\n' | cargo run --release --example stems
//!
//! Each input line is `LANG<TAB>WORD` (`pl`, `en`, `lv`, `ru`); each output line is the
//! stem the bot's analyser gives the word (folded, stemmed, with the language's
//! post-rules; no synonyms), or an empty line for a line it cannot read. Words that share
//! a stem are one word to the bot. `benches/morphology.py` feeds it a lemma dictionary to
//! measure the stemmers.

use std::io::{BufRead, Write};

use faqbot::analyze::Analyzer;
use faqbot::Language;

fn main() -> std::io::Result<()> {
    let analyzer = Analyzer::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stem = String::new();
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let parsed = line
            .split_once('\t')
            .and_then(|(lang, word)| Some((lang.trim().parse::<Language>().ok()?, word.trim())));
        match parsed {
            Some((lang, word)) => {
                analyzer.stem_word(word, lang, &mut stem);
                writeln!(out, "{stem}")?;
            }
            None => writeln!(out)?,
        }
    }
    out.flush()
}
