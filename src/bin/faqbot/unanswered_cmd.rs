//! `faqbot unanswered`: what customers asked that the content does not answer, grouped.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use faqbot::report::{self, LogMessage, Unanswered};
use faqbot::{Input, Language};

/// Arguments of `faqbot unanswered`.
#[derive(clap::Args, Debug)]
pub(crate) struct UnansweredArgs {
    /// The log: one customer message per line, or JSON lines with `text` and optionally
    /// `lang`, `at` (RFC 3339) and `conversation` (the messages of one conversation are
    /// replayed in one session, so that replies to clarifications count as the customer
    /// meant them; a line with `"handback": true` gives the conversation back from the
    /// agent to the bot), as `faqbot chat --log` and `report::LogRecord` write them; `-`
    /// reads standard input.
    log: PathBuf,
    #[command(flatten)]
    bot: crate::BotArgs,
    /// Print the whole report as one JSON object.
    #[arg(long)]
    json: bool,
    /// Groups shown in the table (the JSON report has all).
    #[arg(long, default_value_t = 30)]
    top: usize,
}

/// One message of the log.
struct Line {
    text: String,
    handback: bool,
    lang: Option<Language>,
    at: Option<jiff::Timestamp>,
    conversation: Option<String>,
}

/// Reads the log: JSON objects with `text` where a line is one, the raw line otherwise.
fn read_log(args: &UnansweredArgs) -> Result<Vec<Line>> {
    let reader: Box<dyn BufRead> = if args.log.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(&args.log)
            .with_context(|| format!("cannot read {}", args.log.display()))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut lines = Vec::new();
    for (n, line) in reader.split(b'\n').enumerate() {
        let bytes = line.with_context(|| format!("cannot read {}", args.log.display()))?;
        // A log may hold anything: invalid UTF-8 is replaced, never fatal.
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a JSON object", args.log.display(), n + 1))?;
            // The agent handed the conversation back (`faqbot chat --log`, LogRecord).
            let handback = v.get("handback").and_then(|h| h.as_bool()) == Some(true);
            let text = v.get("text").and_then(|t| t.as_str());
            let Some(text) = text.or(handback.then_some("")) else {
                anyhow::bail!(
                    "{}:{}: a JSON line needs a `text` string",
                    args.log.display(),
                    n + 1
                );
            };
            let lang = v
                .get("lang")
                .and_then(|l| l.as_str())
                .and_then(|l| l.parse().ok());
            // An id is a string or a number (chat systems use both).
            let conversation = match v.get("conversation") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(c)) => Some(c.clone()),
                Some(serde_json::Value::Number(c)) => Some(c.to_string()),
                Some(_) => anyhow::bail!(
                    "{}:{}: `conversation` must be a string or a number",
                    args.log.display(),
                    n + 1
                ),
            };
            let at = match v.get("at") {
                None | Some(serde_json::Value::Null) => None,
                Some(t) => Some(
                    t.as_str()
                        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                        .with_context(|| {
                            format!(
                                "{}:{}: `at` must be an RFC 3339 time, e.g. 2026-11-24T09:30:00Z",
                                args.log.display(),
                                n + 1
                            )
                        })?,
                ),
            };
            lines.push(Line {
                text: text.to_string(),
                handback,
                lang,
                at,
                conversation,
            });
        } else {
            lines.push(Line {
                text: line.to_string(),
                handback: false,
                lang: None,
                at: None,
                conversation: None,
            });
        }
    }
    Ok(lines)
}

/// Runs `faqbot unanswered`.
pub(crate) fn run(args: UnansweredArgs) -> Result<ExitCode> {
    let bot = crate::load_bot(&args.bot.intents)?;
    let lines = read_log(&args)?;
    let r = report::unanswered_in_conversations(
        &bot,
        lines.iter().map(|l| LogMessage {
            input: Input {
                text: &l.text,
                language: args.bot.lang.or(l.lang),
                now: l.at.or(args.bot.now),
            },
            conversation: l.conversation.as_deref(),
            handback: l.handback,
        }),
    );
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
    } else {
        write!(out, "{}", table(&r, args.top))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The human-readable report: totals, then the largest groups with their messages.
fn table(r: &Unanswered, top: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let conversations = if r.conversations == r.messages {
        String::new()
    } else {
        format!(
            " in {} conversation{}",
            r.conversations,
            plural(r.conversations)
        )
    };
    let with_human = if r.with_human == 0 {
        String::new()
    } else {
        format!(", {} while a human had the conversation", r.with_human)
    };
    let mut s = format!(
        "{} message{}{conversations}: {} answered, {} handed to a human, {} clarified, {} not \
         understood (fallback){with_human}; {} group{}\n",
        r.messages,
        plural(r.messages),
        r.answered,
        r.escalated,
        r.clarified,
        r.fallback,
        r.groups.len(),
        plural(r.groups.len())
    );
    if !r.unknown_words.is_empty() {
        let words: Vec<String> = r
            .unknown_words
            .iter()
            .map(|w| match &w.in_place_of {
                Some(like) => format!("{} ({}, in place of \"{like}\")", w.word, w.count),
                None => format!("{} ({})", w.word, w.count),
            })
            .collect();
        s.push_str(&format!(
            "words the content does not know (synonyms or examples to add?): {}\n",
            words.join(", ")
        ));
    }
    for (k, g) in r.groups.iter().take(top).enumerate() {
        let nearest: Vec<String> = g
            .nearest
            .iter()
            .map(|n| format!("{} {:.2} ({})", n.intent, n.confidence, n.count))
            .collect();
        s.push_str(&format!(
            "\n#{} {} message{} ({} fallback, {} clarify), {}{}\n",
            k + 1,
            g.count,
            if g.count == 1 { "" } else { "s" },
            g.fallback,
            g.count - g.fallback,
            g.language.code(),
            if nearest.is_empty() {
                String::new()
            } else {
                format!(" — nearest: {}", nearest.join(", "))
            }
        ));
        for m in &g.messages {
            s.push_str(&format!("  {:>4}× {}\n", m.count, m.text));
        }
    }
    if r.groups.len() > top {
        s.push_str(&format!(
            "\n… {} more groups (--top N shows more, --json all)\n",
            r.groups.len() - top
        ));
    }
    s
}
