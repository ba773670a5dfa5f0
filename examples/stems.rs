//! How faqbot reads words: the stem of every word given on standard input.
//!
//!     printf 'pl\tpaczkomacie\nru\tскидок\n' | cargo run --release --example stems
//!
//! Each input line is `LANG<TAB>WORD` (`pl`, `en`, `lv`, `ru`); each output line is the
//! stem the bot's analyser gives the word (folded, stemmed, with the language's
//! post-rules; no synonyms), or an empty line for a line it cannot read. Words that share
//! a stem are one word to the bot. With `--content`, all the input words are first taken
//! as the content's words, so their oblique forms are read as they would be in a bot
//! whose examples use them (`Analyzer::with_content_words`). `benches/morphology.py`
//! feeds it frequent words to measure the stemmers.

use std::io::{BufRead, Write};

use faqbot::analyze::Analyzer;
use faqbot::Language;

fn main() -> std::io::Result<()> {
    let content = std::env::args().skip(1).any(|a| a == "--content");
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
    let parsed: Vec<Option<(Language, &str)>> = lines
        .iter()
        .map(|line| {
            let (lang, word) = line.split_once('\t')?;
            Some((lang.trim().parse::<Language>().ok()?, word.trim()))
        })
        .collect();
    let mut analyzer = Analyzer::new();
    if content {
        analyzer = analyzer.with_content_words(parsed.iter().flatten().copied());
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stem = String::new();
    for parsed in parsed {
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
