//! `faqbot`: the command-line tool for content editors and developers.
//!
//! Glue over the public library API only. Exit codes: 0 ok, 1 problems found or tests
//! failed, 2 usage or I/O error.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use faqbot::{Bot, Decision, Input, Language, Session};

mod crossval;
mod eval;
mod output;
mod test_cmd;
mod unanswered_cmd;

#[derive(Parser, Debug)]
#[command(
    name = "faqbot",
    version,
    about = "Rule-based FAQ bot: check content, ask, chat, evaluate, test, find unanswered questions"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The bot and how it is asked: shared by `ask`, `chat` and `unanswered`.
#[derive(clap::Args, Debug)]
pub(crate) struct BotArgs {
    /// Content directory.
    #[arg(long, default_value = "intents")]
    pub intents: PathBuf,
    /// Force the language (pl, en, lv, ru).
    #[arg(long)]
    pub lang: Option<Language>,
    /// Current time (RFC 3339), for business hours.
    #[arg(long)]
    pub now: Option<jiff::Timestamp>,
}

/// Options shared by `ask` and `chat`.
#[derive(clap::Args, Debug)]
struct ReplyArgs {
    #[command(flatten)]
    bot: BotArgs,
    /// Print each decision as one JSON object (a line each in `chat`).
    #[arg(long)]
    json: bool,
    /// Explain each decision (matched example, keywords, corrections, runner-up).
    #[arg(long)]
    explain: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate a content directory; report every problem with file:line:column.
    Check {
        /// Content directory.
        #[arg(default_value = "intents")]
        dir: PathBuf,
        /// Print diagnostics as JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Answer one message with a fresh session.
    Ask {
        #[command(flatten)]
        opts: ReplyArgs,
        /// The message.
        message: Vec<String>,
    },
    /// A conversation with one session (one message per line when stdin is not a terminal;
    /// a line `/handback` hands the session back from the human agent to the bot).
    Chat {
        #[command(flatten)]
        opts: ReplyArgs,
        /// Append every message and decision to this file as a JSON line (the log that
        /// `faqbot unanswered` reads), with a conversation id for this chat.
        #[arg(long)]
        log: Option<PathBuf>,
    },
    /// Evaluate understanding on a JSONL dataset (text, intent, split, lang), or
    /// cross-validate a content directory's own examples.
    Eval(eval::EvalArgs),
    /// Run conversation test files (YAML).
    Test(test_cmd::TestArgs),
    /// Group the messages of a log that the bot does not answer (clarify or fallback).
    Unanswered(unanswered_cmd::UnansweredArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("faqbot: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check { dir, json } => check(&dir, json),
        Command::Ask { opts, message } => {
            let bot = load_bot(&opts.bot.intents)?;
            let mut session = Session::new();
            let text = message.join(" ");
            let input = Input {
                text: &text,
                language: opts.bot.lang,
                now: opts.bot.now,
            };
            let d = bot.respond_with(&mut session, input);
            print_decision(&d, opts.json, opts.explain)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Chat { opts, log } => chat(&opts, log.as_deref()),
        Command::Eval(args) => eval::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Unanswered(args) => unanswered_cmd::run(args),
    }
}

/// Loads a bot, printing every diagnostic when the content has errors.
pub(crate) fn load_bot(dir: &std::path::Path) -> Result<Bot> {
    if !dir.is_dir() {
        anyhow::bail!("content directory {} not found", dir.display());
    }
    Bot::from_dir(dir).map_err(|e| content_errors(dir, e))
}

/// [`load_bot`], and the content the bot was compiled from.
pub(crate) fn load_content(dir: &std::path::Path) -> Result<(Bot, faqbot::Content)> {
    if !dir.is_dir() {
        anyhow::bail!("content directory {} not found", dir.display());
    }
    let (content, _warnings) = faqbot::load_dir(dir)
        .into_result()
        .map_err(|e| content_errors(dir, e))?;
    let bot = Bot::from_content(content.clone()).map_err(|e| content_errors(dir, e))?;
    Ok((bot, content))
}

/// Every diagnostic of content that does not compile, as one error.
fn content_errors(dir: &std::path::Path, e: faqbot::LoadError) -> anyhow::Error {
    let lines: Vec<String> = e.diagnostics().iter().map(|d| d.to_string()).collect();
    anyhow::anyhow!(
        "the content in {} has errors (run `faqbot check {}`):\n{}",
        dir.display(),
        dir.display(),
        lines.join("\n")
    )
}

/// Example similarity from which `check` warns about a conflict between two intents.
const CONFLICT_SIMILARITY: f32 = 0.85;

fn check(dir: &std::path::Path, json: bool) -> Result<ExitCode> {
    if !dir.is_dir() {
        anyhow::bail!("content directory {} not found", dir.display());
    }
    let loaded = faqbot::load::load_dir(dir);
    let mut diagnostics = loaded.diagnostics.clone();
    if !loaded.has_errors() {
        // Compilation may find what validation cannot (it also runs validation).
        match Bot::from_content(loaded.content.clone()) {
            Err(e) => {
                for d in e.diagnostics() {
                    if !diagnostics.iter().any(|x| x.to_string() == d.to_string()) {
                        diagnostics.push(d.clone());
                    }
                }
            }
            // Conflicts between intents, found before customers find them.
            Ok(bot) => {
                for c in bot.conflicts(CONFLICT_SIMILARITY) {
                    diagnostics.push(
                        faqbot::Diagnostic::warning(
                            faqbot::DiagnosticKind::Conflict,
                            format!(
                                "example \"{}\" of intent `{}` is nearly the same as \"{}\" of intent `{}` (similarity {:.2})",
                                c.example, c.intent, c.other_example, c.other_intent, c.similarity
                            ),
                        )
                        .at(c.pos)
                        .with_related("other example at", c.other_pos)
                        .with_hint("reword one of them, or move it to the intent it belongs to"),
                    );
                }
                // Examples a phrase hands to a human: customers asking so never get
                // the answer.
                for e in bot.escalating_examples() {
                    let what = match e.reason {
                        faqbot::decide::EscalationReason::Frustration => "frustration",
                        _ => "a request for a human",
                    };
                    diagnostics.push(
                        faqbot::Diagnostic::warning(
                            faqbot::DiagnosticKind::EscalatingExample,
                            format!(
                                "example \"{}\" of intent `{}` is handed to a human, read as {what} ({})",
                                e.example, e.intent, e.trigger
                            ),
                        )
                        .at(e.pos)
                        .with_hint("make the escalation phrase longer so it fits requests only, or reword the example"),
                    );
                }
            }
        }
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == faqbot::diag::Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for d in &diagnostics {
        if json {
            writeln!(out, "{}", serde_json::to_string(d)?)?;
        } else {
            let source = d
                .pos()
                .and_then(|p| loaded.sources.get(&p.file))
                .map(String::as_str);
            writeln!(out, "{}", d.render(source))?;
        }
    }
    if !json {
        let intents = loaded.content.intents.len();
        writeln!(
            out,
            "{}: {} intent(s), {} error(s), {} warning(s)",
            dir.display(),
            intents,
            errors,
            warnings
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_decision(d: &Decision, json: bool, explain: bool) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&output::flat_json(d, explain))?
        )?;
    } else {
        write!(out, "{}", output::plain(d, explain))?;
    }
    out.flush()?;
    Ok(())
}

fn chat(opts: &ReplyArgs, log: Option<&std::path::Path>) -> Result<ExitCode> {
    let dir = opts.bot.intents.as_path();
    let bot = load_bot(dir)?;
    let mut log = match log {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {} for appending", path.display()))?;
            Some((file, path))
        }
        None => None,
    };
    // One id per chat: the start time and the process.
    let conversation = format!(
        "chat-{}-{}",
        jiff::Timestamp::now().as_second(),
        std::process::id()
    );
    let mut session = Session::new();
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    if interactive {
        eprintln!(
            "faqbot chat: {} intents in {}, languages {}. Type a message; Ctrl-D to quit.",
            bot.intent_count(),
            dir.display(),
            bot.settings()
                .languages
                .iter()
                .map(|l| l.code())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut line = Vec::new();
    let mut reader = stdin.lock();
    loop {
        if interactive {
            eprint!("> ");
            std::io::stderr().flush().ok();
        }
        line.clear();
        // Read bytes, not `String`: a line of binary garbage must not stop the chat.
        let n = reader
            .read_until(b'\n', &mut line)
            .context("reading standard input")?;
        if n == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if interactive && text.trim().is_empty() {
            continue;
        }
        // The host's side of a hand-off, for trying conversations out: the agent hands the
        // session back to the bot.
        if text.trim() == "/handback" {
            session.hand_back();
            if let Some((file, path)) = log.as_mut() {
                let at = opts.bot.now.unwrap_or_else(jiff::Timestamp::now);
                let record = faqbot::report::LogRecord::handback(&conversation, Some(at));
                writeln!(file, "{}", serde_json::to_string(&record)?)
                    .with_context(|| format!("cannot write to {}", path.display()))?;
            }
            if interactive {
                eprintln!("(the agent handed the conversation back to the bot)");
            }
            continue;
        }
        let d = bot.respond_with(
            &mut session,
            Input {
                text,
                language: opts.bot.lang,
                now: opts.bot.now,
            },
        );
        if let Some((file, path)) = log.as_mut() {
            let at = opts.bot.now.unwrap_or_else(jiff::Timestamp::now);
            let record = faqbot::report::LogRecord::new(Some(&conversation), text, &d, Some(at));
            writeln!(file, "{}", serde_json::to_string(&record)?)
                .with_context(|| format!("cannot write to {}", path.display()))?;
        }
        print_decision(&d, opts.json, opts.explain)?;
    }
    Ok(ExitCode::SUCCESS)
}
