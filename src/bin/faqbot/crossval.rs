//! `faqbot eval DIR`: how well a content directory understands its own examples.
//!
//! Editors have no labelled test set; their examples are the only labelled questions
//! there are. k-fold cross-validation makes them one: every example is asked once, to a
//! bot compiled from the same content without it and without the other examples of its
//! fold (keywords, patterns, synonyms and settings stay). Folds are dealt round-robin per
//! intent and language, so each intent keeps most of its examples in every fold.
//!
//! Examples of intents that only match in context (`context:`), of `human_only` intents
//! (they hand over instead of answering) and of intents with a single example in that
//! language (holding it out would leave nothing to learn from) are not asked; the report
//! says how many.
//!
//! The metrics are `faqbot eval`'s (there is no out-of-scope data), plus per-language
//! top-1 accuracy and the intents whose examples are answered right least often: where
//! more or clearer examples would help. `--errors FILE` writes each example answered
//! wrong with its `file:line:column`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use faqbot::{Bot, Content, Language};
use serde_json::{json, Value};

use crate::eval::{self, Outcome, Record};

/// How many of the weakest intents are listed.
const WEAKEST: usize = 10;

/// One example asked: where it is and which fold holds it out.
struct HeldOut {
    record: Record,
    at: Option<String>,
    fold: usize,
    /// (intent index, language, example index) in the content.
    key: (usize, Language, usize),
}

/// The examples asked, in content order.
fn held_out(content: &Content, folds: usize) -> (Vec<HeldOut>, usize) {
    let mut out = Vec::new();
    let mut skipped = 0;
    for (i, intent) in content.intents.iter().enumerate() {
        let askable = intent.context.is_empty() && !intent.human_only;
        for (&lang, examples) in &intent.examples {
            if !askable || examples.len() < 2 {
                skipped += examples.len();
                continue;
            }
            for (j, ex) in examples.iter().enumerate() {
                out.push(HeldOut {
                    record: Record {
                        text: ex.value.clone(),
                        intent: intent.id.value.clone(),
                        split: format!("fold {}", j % folds + 1),
                        lang,
                    },
                    at: ex.pos.as_ref().map(|p| p.to_string()),
                    fold: j % folds,
                    key: (i, lang, j),
                });
            }
        }
    }
    (out, skipped)
}

/// The content without the examples of one fold.
fn without_fold(content: &Content, asked: &[HeldOut], fold: usize) -> Content {
    let mut c = content.clone();
    let mut drop: Vec<(usize, Language, usize)> = asked
        .iter()
        .filter(|h| h.fold == fold)
        .map(|h| h.key)
        .collect();
    // Highest example index first, so that removing one keeps the others' indices.
    drop.sort_by_key(|d| std::cmp::Reverse(d.2));
    for (i, lang, j) in drop {
        if let Some(list) = c.intents[i].examples.get_mut(&lang) {
            list.remove(j);
        }
    }
    c
}

/// Runs `faqbot eval` on a content directory.
pub(crate) fn run(
    dir: &Path,
    folds: usize,
    json_out: bool,
    errors: Option<&Path>,
) -> Result<ExitCode> {
    if folds < 2 {
        bail!("--folds must be at least 2");
    }
    let (full, content) = crate::load_content(dir)?;
    let (asked, skipped) = held_out(&content, folds);
    if asked.is_empty() {
        bail!(
            "no intent in {} has two examples in one language to cross-validate",
            dir.display()
        );
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; asked.len()];
    let mut build_ms = 0.0;
    for fold in 0..folds {
        let start = Instant::now();
        let bot = Bot::from_content(without_fold(&content, &asked, fold)).map_err(|e| {
            let lines: Vec<String> = e.diagnostics().iter().map(|d| d.to_string()).collect();
            anyhow::anyhow!("fold {} does not compile:\n{}", fold + 1, lines.join("\n"))
        })?;
        build_ms += start.elapsed().as_secs_f64() * 1e3;
        let idx: Vec<usize> = (0..asked.len())
            .filter(|&k| asked[k].fold == fold)
            .collect();
        let records: Vec<&Record> = idx.iter().map(|&k| &asked[k].record).collect();
        for (k, o) in idx.into_iter().zip(eval::answer_split(&bot, &records)) {
            outcomes[k] = Some(o);
        }
    }
    let outcomes: Vec<Outcome> = outcomes.into_iter().flatten().collect();
    let m = eval::metrics(&outcomes);

    // Per language and per intent: (asked, best candidate right).
    let mut by_lang: BTreeMap<Language, (usize, usize)> = BTreeMap::new();
    let mut by_intent: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (h, o) in asked.iter().zip(&outcomes) {
        let right = usize::from(o.top_is_right());
        let l = by_lang.entry(h.record.lang).or_default();
        *l = (l.0 + 1, l.1 + right);
        let i = by_intent.entry(h.record.intent.as_str()).or_default();
        *i = (i.0 + 1, i.1 + right);
    }
    let mut weakest: Vec<(&str, usize, usize)> =
        by_intent.iter().map(|(i, (n, r))| (*i, *n, *r)).collect();
    weakest.sort_by(|a, b| {
        (a.2 as f64 / a.1 as f64)
            .total_cmp(&(b.2 as f64 / b.1 as f64))
            .then(b.1.cmp(&a.1))
            .then(a.0.cmp(b.0))
    });
    weakest.retain(|w| w.2 < w.1);
    weakest.truncate(WEAKEST);

    let errors_written = match errors {
        Some(path) => Some(write_errors(path, &asked, &outcomes)?),
        None => None,
    };
    let report = json!({
        "dataset": dir.display().to_string(),
        "split": format!("{folds}-fold cross-validation of the examples"),
        "folds": folds,
        "skipped_examples": skipped,
        "intents": full.intent_count(),
        "examples": full.example_count(),
        "features": full.feature_count(),
        "index_bytes": full.index_bytes(),
        "questions": m.questions,
        "top1_accuracy": m.top1_accuracy,
        "inscope_accuracy": m.inscope_accuracy,
        "clarify_rate": m.clarify_rate,
        "clarify_contains_right": m.clarify_contains_right,
        "build_ms": build_ms / folds as f64,
        "median_us": m.median_us,
        "p99_us": m.p99_us,
        "thresholds": json!({
            "answer": full.thresholds().answer,
            "clarify": full.thresholds().clarify,
            "margin": full.thresholds().margin,
        }),
        "tune": "bot.yaml",
        "top1_by_language": by_lang.iter().map(|(l, (n, r))| {
            (l.code().to_string(), json!(*r as f64 / *n as f64))
        }).collect::<serde_json::Map<_, _>>(),
        "weakest_intents": weakest.iter().map(|(i, n, r)| json!({
            "intent": i, "examples": n, "top1_right": r,
        })).collect::<Vec<_>>(),
        "confused_pairs": m.confused_pairs.iter().map(|(e, g, n)| {
            json!({ "expected": e, "got": g, "count": n })
        }).collect::<Vec<_>>(),
        "recall_at": m.recall_at.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "errors_written": errors_written,
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json_out {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        let mut s = eval::table(&report, &m, &full.thresholds());
        s.push_str(&format!(
            "\n{} examples asked ({} not: context-only or human-only intents, or one example \
             in a language)\ntop-1 by language: {}\n",
            m.questions,
            skipped,
            by_lang
                .iter()
                .map(|(l, (n, r))| format!(
                    "{} {:.1}% ({n})",
                    l.code(),
                    100.0 * *r as f64 / *n as f64
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if !weakest.is_empty() {
            s.push_str(
                "\nintents whose examples are recognised least often (top-1 right / asked):\n",
            );
            for (i, n, r) in &weakest {
                s.push_str(&format!("  {r:>4} / {n:<4} {i}\n"));
            }
        }
        write!(out, "{s}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes each example the bot got wrong (not answered with its intent), with where it is.
fn write_errors(path: &Path, asked: &[HeldOut], outcomes: &[Outcome]) -> Result<usize> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut n = 0;
    for (h, o) in asked.iter().zip(outcomes).filter(|(_, o)| !o.is_right()) {
        let mut line: Value = eval::error_line(&h.record, o);
        line["at"] = json!(h.at);
        writeln!(out, "{line}")?;
        n += 1;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(n)
}
