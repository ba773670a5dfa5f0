//! `faqbot eval`: measure understanding on a labelled JSONL dataset.
//!
//! Every line is `{"text", "intent", "split", "lang"}`. The bot is built from the
//! training split (one intent per label; the label `oos` — out of scope — is never an
//! intent), then every question of the evaluated split is answered with a fresh session,
//! in the language the dataset gives for it.
//!
//! Metrics (all shares in [0, 1]):
//!
//! - `top1_accuracy`: in-scope questions whose best-ranked intent is right, ignoring
//!   thresholds;
//! - `inscope_accuracy`: in-scope questions answered (decision `answer`) with the right
//!   intent;
//! - `oos_recall`: out-of-scope questions that got no answer (`null` without oos data);
//! - `oos_precision`: of all questions that got no answer, the share that were out of
//!   scope (`null` without oos data);
//! - `clarify_rate`: questions answered with a clarification;
//! - `several_rate`: questions answered as asking several things (an answer with more
//!   answers in `also`, or asking about another part of the message in `clarify`); each
//!   dataset question asks one, so these are messages cut where they should not be. Such a question counts as answered with its first answer, and
//!   its ranked candidates are those of the whole question (`Bot::rank`, not timed);
//! - `clarify_contains_right`: of the clarifications for in-scope questions, the share
//!   whose options include the right intent (`null` when there were none);
//! - `fallback_options_contain_right`: of the fallbacks for in-scope questions, the share
//!   whose suggested topics include the right intent (`null` when there were none);
//! - `oos_options_rate`: out-of-scope questions offered topics to pick (a clarification,
//!   or a fallback's suggestions) (`null` without oos data);
//! - `build_ms`, `median_us`, `p99_us`: compile time of the bot and time per question
//!   (only the `respond` call is timed);
//! - `confused_pairs`: the 20 most frequent (expected, got) pairs among top-1 errors;
//! - `recall_at`: in-scope questions whose right intent is among the first 1, 2, 3 or 5
//!   ranked candidates, ignoring thresholds (how often a clarification offering that many
//!   options could contain it);
//! - `confidence_bands`: the questions whose best candidate's confidence falls in each
//!   tenth of [0, 1], and the share of them whose best candidate is right (out-of-scope
//!   questions count as wrong): how much a confidence means on this data, for choosing
//!   thresholds.
//!
//! `--tune` chooses thresholds on the `val` split only (see [`tune`]). `--errors FILE`
//! writes every question the bot got wrong as one JSON line (see [`error_line`]), for
//! editors to read.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use faqbot::decide::verdict;
use faqbot::model::Thresholds;
use faqbot::{Bot, Content, Decision, DecisionKind, Input, IntentDef, Language, Located, Session};
use serde::Deserialize;
use serde_json::{json, Value};

/// The label of out-of-scope questions.
const OOS: &str = "oos";
/// How many confused pairs are reported.
const CONFUSED_PAIRS: usize = 20;
/// The ranks reported in `recall_at` (the explanation lists five candidates).
const RECALL_AT: [usize; 4] = [1, 2, 3, 5];
/// How many equal confidence bands `confidence_bands` has.
const BANDS: usize = 10;

/// Arguments of `faqbot eval`.
#[derive(clap::Args, Debug)]
pub(crate) struct EvalArgs {
    /// The dataset: JSON lines with `text`, `intent`, `split`, `lang`; or a content
    /// directory, whose own examples are then cross-validated (`--folds`).
    dataset: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Choose thresholds on the `val` split (never on the evaluated split), then evaluate.
    #[arg(long)]
    tune: bool,
    /// The split to evaluate.
    #[arg(long, default_value = "test")]
    split: String,
    /// The split whose examples become the bot's intents.
    #[arg(long, default_value = "train")]
    train_split: String,
    /// Cross-validation folds when DATASET is a content directory (see `crossval`).
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Write every question the bot got wrong to this file, one JSON object per line:
    /// in-scope questions not answered with the right intent, out-of-scope questions
    /// answered.
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
}

/// One line of a dataset.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Record {
    /// The question.
    pub text: String,
    /// Its intent, `oos` when out of scope.
    pub intent: String,
    /// `train`, `val` or `test`.
    pub split: String,
    /// ISO 639-1 language code.
    pub lang: Language,
}

/// Reads a JSONL dataset; blank lines are skipped, a bad line is an error with its number.
pub(crate) fn read_dataset(path: &Path) -> Result<Vec<Record>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a dataset line", path.display(), n + 1))?;
        out.push(r);
    }
    valid_ids(&mut out);
    Ok(out)
}

/// Intent ids in content are `[a-z0-9_]`; dataset labels are not always ("Refund_not_showing_up",
/// "reverted_card_payment?", "про_еду"). Each such label is renamed consistently: lowercased,
/// diacritics dropped and Cyrillic transliterated ("pro_edu"), other characters turned into
/// `_`, and numbered when that leaves it ambiguous or empty.
/// A label as close to it as `[a-z0-9_]` gets: folded (lowercase, no diacritics),
/// Cyrillic letters transliterated, anything else `_`. Reports then name the dataset's
/// intents readably ("медицина" → "meditsina", not a number).
fn ascii_id(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in faqbot::normalize::fold(label).chars() {
        let latin = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ґ' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'є' => "ye",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'ї' => "yi",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ю' => "yu",
            'я' => "ya",
            _ => "_",
        };
        out.push_str(latin);
    }
    out
}

fn valid_ids(records: &mut [Record]) {
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut taken: std::collections::HashSet<String> = records
        .iter()
        .filter(|r| valid(&r.intent))
        .map(|r| r.intent.clone())
        .collect();
    for r in records.iter_mut() {
        if r.intent == OOS || valid(&r.intent) {
            continue;
        }
        if let Some(id) = renamed.get(&r.intent) {
            r.intent = id.clone();
            continue;
        }
        let base: String = ascii_id(&r.intent);
        let mut id = base.trim_matches('_').to_string();
        let mut n = 1;
        while id.is_empty() || taken.contains(&id) {
            id = format!(
                "{}_{n}",
                if base.trim_matches('_').is_empty() {
                    "label"
                } else {
                    base.trim_matches('_')
                }
            );
            n += 1;
        }
        taken.insert(id.clone());
        renamed.insert(r.intent.clone(), id.clone());
        r.intent = id;
    }
}

/// Builds the content: one intent per in-scope label of the training split, with a label
/// and a placeholder answer in every language present in the dataset.
pub(crate) fn build_content(records: &[Record], train_split: &str) -> Result<Content> {
    let mut lang_count: BTreeMap<Language, usize> = BTreeMap::new();
    for r in records {
        *lang_count.entry(r.lang).or_default() += 1;
    }
    let languages: Vec<Language> = lang_count.keys().copied().collect();
    let Some(default_language) = lang_count
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(l, _)| *l)
    else {
        bail!("the dataset is empty");
    };
    let mut order: Vec<String> = Vec::new();
    let mut intents: HashMap<String, IntentDef> = HashMap::new();
    // Published datasets repeat some phrasings (within an intent, and now and then across
    // intents); content may not, so only the first occurrence is kept.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for r in records
        .iter()
        .filter(|r| r.split == train_split && r.intent != OOS)
    {
        if !seen.insert(faqbot::validate::example_key(&r.text)) {
            continue;
        }
        let def = intents.entry(r.intent.clone()).or_insert_with(|| {
            order.push(r.intent.clone());
            let mut d = IntentDef::new(r.intent.clone());
            for &l in &languages {
                d.label.insert(l, r.intent.clone());
                d.answer
                    .insert(l, vec![Located::new(format!("[answer: {}]", r.intent))]);
            }
            d
        });
        def.examples
            .entry(r.lang)
            .or_default()
            .push(Located::new(r.text.clone()));
    }
    if order.is_empty() {
        bail!("the split `{train_split}` has no in-scope examples");
    }
    let mut content = Content::default();
    content.settings.languages = languages;
    content.settings.default_language = default_language;
    // The bot's own messages are required for every language; eval never shows them.
    for &lang in &content.settings.languages.clone() {
        let m = &mut content.settings.messages;
        for map in [
            &mut m.fallback,
            &mut m.clarify,
            &mut m.handoff,
            &mut m.out_of_hours,
        ] {
            map.insert(lang, "(eval)".to_string());
        }
    }
    content.intents = order
        .into_iter()
        .filter_map(|id| intents.remove(&id))
        .collect();
    Ok(content)
}

/// What happened to one evaluated question.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Outcome {
    /// The right intent; `None` for an out-of-scope question.
    pub expected: Option<String>,
    /// The ranked candidates the decision explains, best first (ignoring thresholds).
    pub ranked: Vec<String>,
    /// Confidence of the best candidate (0 when there is none).
    pub confidence: f32,
    /// The decision kind.
    pub kind: DecisionKind,
    /// The intent answered, when the decision is an answer.
    pub answered: Option<String>,
    /// The clarify options, or the topics a fallback suggests.
    pub options: Vec<String>,
    /// Time of the respond call in microseconds.
    pub micros: f64,
    /// Answered as several questions (`Answer::also` not empty, or `Answer::clarify`
    /// asking about another part).
    pub several: bool,
}

impl Outcome {
    /// The best-ranked intent, ignoring thresholds.
    fn top(&self) -> Option<&String> {
        self.ranked.first()
    }
    /// The 1-based rank of the right intent among the ranked candidates.
    fn right_rank(&self) -> Option<usize> {
        let e = self.expected.as_ref()?;
        self.ranked.iter().position(|c| c == e).map(|p| p + 1)
    }

    /// In scope and the best-ranked intent is right (thresholds aside).
    pub(crate) fn top_is_right(&self) -> bool {
        self.expected.is_some() && self.top() == self.expected.as_ref()
    }

    /// In scope and answered with the right intent, or out of scope and not answered.
    pub(crate) fn is_right(&self) -> bool {
        match &self.expected {
            Some(e) => self.kind == DecisionKind::Answer && self.answered.as_ref() == Some(e),
            None => self.kind != DecisionKind::Answer,
        }
    }

    fn from_decision(expected: Option<String>, d: &Decision, micros: f64) -> Outcome {
        let candidates = d.explanation().map_or(&[][..], |e| &e.candidates[..]);
        let ranked: Vec<String> = candidates.iter().map(|c| c.intent.clone()).collect();
        let confidence = candidates.first().map_or(0.0, |c| c.confidence);
        let several = matches!(d, Decision::Answer(a) if !a.also.is_empty() || a.clarify.is_some());
        let (answered, options) = match d {
            Decision::Answer(a) => (Some(a.intent.clone()), Vec::new()),
            Decision::Clarify(_) | Decision::Fallback(_) => {
                (None, d.options().iter().map(|o| o.intent.clone()).collect())
            }
            _ => (None, Vec::new()),
        };
        Outcome {
            expected,
            ranked,
            confidence,
            kind: d.kind(),
            answered,
            options,
            micros,
            several,
        }
    }
}

/// The metrics of one evaluation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Metrics {
    pub questions: usize,
    pub inscope: usize,
    pub oos: usize,
    pub top1_accuracy: f64,
    pub inscope_accuracy: f64,
    pub oos_recall: Option<f64>,
    pub oos_precision: Option<f64>,
    pub clarify_rate: f64,
    pub several_rate: f64,
    pub clarify_contains_right: Option<f64>,
    pub fallback_options_contain_right: Option<f64>,
    pub oos_options_rate: Option<f64>,
    pub median_us: f64,
    pub p99_us: f64,
    pub confused_pairs: Vec<(String, String, usize)>,
    /// `(k, share)` for every k of [`RECALL_AT`].
    pub recall_at: Vec<(usize, f64)>,
    pub bands: Vec<Band>,
}

/// The questions whose best candidate's confidence is in `[from, to)` (the last band
/// includes 1).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Band {
    pub from: f64,
    pub to: f64,
    pub questions: usize,
    /// Of them, in-scope questions whose best candidate is right.
    pub top1_right: usize,
}

fn share(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

/// The `q`-quantile (nearest rank) of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Computes every metric from the outcomes.
pub(crate) fn metrics(outcomes: &[Outcome]) -> Metrics {
    let inscope: Vec<&Outcome> = outcomes.iter().filter(|o| o.expected.is_some()).collect();
    let oos = outcomes.len() - inscope.len();
    let top1 = inscope
        .iter()
        .filter(|o| o.top() == o.expected.as_ref())
        .count();
    let answered_right = inscope
        .iter()
        .filter(|o| o.kind == DecisionKind::Answer && o.answered == o.expected)
        .count();
    let not_answered: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.kind != DecisionKind::Answer)
        .collect();
    let oos_not_answered = not_answered.iter().filter(|o| o.expected.is_none()).count();
    let clarify = outcomes
        .iter()
        .filter(|o| o.kind == DecisionKind::Clarify)
        .count();
    // Of the in-scope questions decided `kind`, the share whose options include the
    // right intent (`None` when there were none).
    let options_right = |kind: DecisionKind| {
        let (mut n, mut right) = (0, 0);
        for o in inscope.iter().filter(|o| o.kind == kind) {
            n += 1;
            right += usize::from(o.expected.as_ref().is_some_and(|e| o.options.contains(e)));
        }
        (n > 0).then(|| share(right, n))
    };
    let oos_offered = outcomes
        .iter()
        .filter(|o| o.expected.is_none() && !o.options.is_empty())
        .count();
    let mut pairs: HashMap<(String, String), usize> = HashMap::new();
    for o in &inscope {
        if o.top() != o.expected.as_ref() {
            let e = o.expected.clone().unwrap_or_default();
            let g = o.top().cloned().unwrap_or_else(|| "(none)".to_string());
            *pairs.entry((e, g)).or_default() += 1;
        }
    }
    let mut confused: Vec<(String, String, usize)> =
        pairs.into_iter().map(|((e, g), n)| (e, g, n)).collect();
    confused.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    confused.truncate(CONFUSED_PAIRS);
    let recall_at = RECALL_AT
        .iter()
        .map(|&k| {
            let n = inscope
                .iter()
                .filter(|o| o.right_rank().is_some_and(|r| r <= k))
                .count();
            (k, share(n, inscope.len()))
        })
        .collect();
    let mut bands: Vec<Band> = (0..BANDS)
        .map(|b| Band {
            from: b as f64 / BANDS as f64,
            to: (b + 1) as f64 / BANDS as f64,
            questions: 0,
            top1_right: 0,
        })
        .collect();
    for o in outcomes {
        let c = f64::from(o.confidence);
        let b = if c.is_finite() {
            ((c * BANDS as f64) as usize).min(BANDS - 1)
        } else {
            0
        };
        bands[b].questions += 1;
        if o.expected.is_some() && o.top() == o.expected.as_ref() {
            bands[b].top1_right += 1;
        }
    }
    let mut times: Vec<f64> = outcomes.iter().map(|o| o.micros).collect();
    times.sort_by(f64::total_cmp);
    Metrics {
        questions: outcomes.len(),
        inscope: inscope.len(),
        oos,
        top1_accuracy: share(top1, inscope.len()),
        inscope_accuracy: share(answered_right, inscope.len()),
        oos_recall: (oos > 0).then(|| share(oos_not_answered, oos)),
        oos_precision: (oos > 0).then(|| share(oos_not_answered, not_answered.len())),
        clarify_rate: share(clarify, outcomes.len()),
        several_rate: share(
            outcomes.iter().filter(|o| o.several).count(),
            outcomes.len(),
        ),
        clarify_contains_right: options_right(DecisionKind::Clarify),
        fallback_options_contain_right: options_right(DecisionKind::Fallback),
        oos_options_rate: (oos > 0).then(|| share(oos_offered, oos)),
        median_us: quantile(&times, 0.5),
        p99_us: quantile(&times, 0.99),
        confused_pairs: confused,
        recall_at,
        bands,
    }
}

/// One line of the `--errors` file: the question, what was expected (`null` out of
/// scope), the decision, the intent answered, the best candidates with the best one's
/// confidence, the rank of the right intent among them (`null` when it is not there)
/// and the clarify options.
pub(crate) fn error_line(r: &Record, o: &Outcome) -> Value {
    json!({
        "text": r.text,
        "lang": r.lang.code(),
        "expected": o.expected,
        "decision": o.kind,
        "answered": o.answered,
        "top": o.top(),
        "confidence": o.confidence,
        "right_rank": o.right_rank(),
        "ranked": o.ranked,
        "options": o.options,
    })
}

/// Writes the `--errors` file.
fn write_errors(path: &Path, records: &[&Record], outcomes: &[Outcome]) -> Result<usize> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut n = 0;
    for (r, o) in records.iter().zip(outcomes).filter(|(_, o)| !o.is_right()) {
        writeln!(out, "{}", error_line(r, o))?;
        n += 1;
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(n)
}

/// One ranked validation question, for choosing thresholds offline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Ranked {
    /// Is the question in scope?
    pub inscope: bool,
    /// Is the best-ranked intent the right one?
    pub top_right: bool,
    /// Is the right intent among the first three?
    pub right_in_top3: bool,
    /// Confidence of the best and the second candidate.
    pub top: f32,
    /// Confidence of the runner-up.
    pub second: f32,
}

/// The result of tuning.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Tuned {
    pub thresholds: Thresholds,
    /// The objective reached on val.
    pub objective: f64,
    /// `balanced` ((in-scope accuracy + oos recall) / 2) or `inscope_accuracy`.
    pub objective_name: &'static str,
}

/// Chooses thresholds from ranked validation questions.
///
/// `answer` and `margin` are searched on a 0.01 grid with the threshold policy itself
/// ([`verdict`]), maximising (in-scope accuracy + oos recall) / 2 when there are
/// out-of-scope questions, else in-scope accuracy; ties go to the higher thresholds (the
/// more cautious bot). `clarify` (which only moves questions between clarification and
/// fallback) is then the value at or below `answer` that maximises the clarifications
/// that would help (in-scope, right intent in the top three) minus those that would not
/// (out of scope, or right intent missing).
pub(crate) fn tune(ranked: &[Ranked]) -> Tuned {
    let inscope = ranked.iter().filter(|r| r.inscope).count();
    let oos = ranked.len() - inscope;
    let grid = |n: usize, step: f32| (0..=n).map(move |k| k as f32 * step);
    let mut best: Option<(f64, Thresholds)> = None;
    for answer in grid(100, 0.01) {
        for margin in grid(40, 0.01) {
            let t = Thresholds {
                answer,
                clarify: 0.0,
                margin,
            };
            let mut right = 0usize;
            let mut oos_kept = 0usize;
            for r in ranked {
                let answered = verdict(&t, r.top, r.second) == DecisionKind::Answer;
                if r.inscope && answered && r.top_right {
                    right += 1;
                } else if !r.inscope && !answered {
                    oos_kept += 1;
                }
            }
            let acc = share(right, inscope);
            let score = if oos > 0 {
                (acc + share(oos_kept, oos)) / 2.0
            } else {
                acc
            };
            // `>=`: later grid points have higher thresholds.
            if best.as_ref().is_none_or(|b| score >= b.0) {
                best = Some((score, t));
            }
        }
    }
    let (objective, mut t) = best.unwrap_or((0.0, Thresholds::default()));
    let mut best_clarify = (i64::MIN, t.answer);
    for clarify in grid(100, 0.01).filter(|c| *c <= t.answer) {
        let probe = Thresholds { clarify, ..t };
        let mut gain = 0i64;
        for r in ranked {
            if verdict(&probe, r.top, r.second) == DecisionKind::Clarify {
                gain += if r.inscope && r.right_in_top3 { 1 } else { -1 };
            }
        }
        // `>`: the lowest clarify threshold wins a tie only if it is strictly better.
        if gain > best_clarify.0 || (gain == best_clarify.0 && clarify > best_clarify.1) {
            best_clarify = (gain, clarify);
        }
    }
    t.clarify = best_clarify.1;
    Tuned {
        thresholds: t,
        objective,
        objective_name: if oos > 0 {
            "balanced"
        } else {
            "inscope_accuracy"
        },
    }
}

/// Ranks every question of a split once (no session, no policy).
fn rank_split(bot: &Bot, records: &[&Record]) -> Vec<Ranked> {
    records
        .iter()
        .map(|r| {
            let ranked = bot.rank(&r.text, Some(r.lang));
            let inscope = r.intent != OOS;
            Ranked {
                inscope,
                top_right: inscope && ranked.first().is_some_and(|c| c.intent == r.intent),
                right_in_top3: inscope && ranked.iter().take(3).any(|c| c.intent == r.intent),
                top: ranked.first().map_or(0.0, |c| c.confidence),
                second: ranked.get(1).map_or(0.0, |c| c.confidence),
            }
        })
        .collect()
}

/// Answers every question with a fresh session, timing only the respond call.
pub(crate) fn answer_split(bot: &Bot, records: &[&Record]) -> Vec<Outcome> {
    records
        .iter()
        .map(|r| {
            let mut session = Session::new();
            let input = Input {
                text: &r.text,
                language: Some(r.lang),
                now: None,
            };
            let start = Instant::now();
            let d = bot.respond_with(&mut session, input);
            let micros = start.elapsed().as_secs_f64() * 1e6;
            let expected = (r.intent != OOS).then(|| r.intent.clone());
            let mut o = Outcome::from_decision(expected, &d, micros);
            if o.several {
                // The decision explains its first part; top-1 is of the whole question.
                let ranked = bot.rank(&r.text, Some(r.lang));
                o.confidence = ranked.first().map_or(0.0, |c| c.confidence);
                o.ranked = ranked.into_iter().map(|c| c.intent).collect();
            }
            o
        })
        .collect()
}

fn thresholds_json(t: &Thresholds) -> Value {
    json!({ "answer": t.answer, "clarify": t.clarify, "margin": t.margin })
}

/// Runs `faqbot eval`.
pub(crate) fn run(args: EvalArgs) -> Result<ExitCode> {
    if args.dataset.is_dir() {
        if args.tune || args.split != "test" || args.train_split != "train" {
            bail!("--tune, --split and --train-split are for datasets; a content directory is cross-validated (--folds)");
        }
        return crate::crossval::run(&args.dataset, args.folds, args.json, args.errors.as_deref());
    }
    let records = read_dataset(&args.dataset)?;
    let content = build_content(&records, &args.train_split)?;
    let start = Instant::now();
    let bot = Bot::from_content(content).map_err(|e| {
        let lines: Vec<String> = e.diagnostics().iter().map(|d| d.to_string()).collect();
        anyhow::anyhow!("the dataset does not compile:\n{}", lines.join("\n"))
    })?;
    let build_ms = start.elapsed().as_secs_f64() * 1e3;
    let split: Vec<&Record> = records.iter().filter(|r| r.split == args.split).collect();
    if split.is_empty() {
        bail!("the dataset has no `{}` split", args.split);
    }

    let mut tune_note = Value::Null;
    let mut tuned_on_val = false;
    let bot = if args.tune {
        let val: Vec<&Record> = records.iter().filter(|r| r.split == "val").collect();
        if val.is_empty() {
            tune_note = json!("no val split: the bot's default thresholds are used");
            bot
        } else {
            let tuned = tune(&rank_split(&bot, &val));
            tuned_on_val = true;
            tune_note = json!({
                "objective": tuned.objective_name,
                "val_objective": tuned.objective,
                "val_questions": val.len(),
            });
            bot.with_thresholds(tuned.thresholds)
        }
    } else {
        bot
    };

    let outcomes = answer_split(&bot, &split);
    let m = metrics(&outcomes);
    let errors = match &args.errors {
        Some(path) => Some(write_errors(path, &split, &outcomes)?),
        None => None,
    };
    let report = json!({
        "dataset": args.dataset.display().to_string(),
        "split": args.split,
        "train_split": args.train_split,
        "intents": bot.intent_count(),
        "examples": bot.example_count(),
        "features": bot.feature_count(),
        "index_bytes": bot.index_bytes(),
        "questions": m.questions,
        "inscope_questions": m.inscope,
        "oos_questions": m.oos,
        "top1_accuracy": m.top1_accuracy,
        "inscope_accuracy": m.inscope_accuracy,
        "oos_recall": m.oos_recall,
        "oos_precision": m.oos_precision,
        "clarify_rate": m.clarify_rate,
        "clarify_contains_right": m.clarify_contains_right,
        "fallback_options_contain_right": m.fallback_options_contain_right,
        "oos_options_rate": m.oos_options_rate,
        "several_rate": m.several_rate,
        "build_ms": build_ms,
        "median_us": m.median_us,
        "p99_us": m.p99_us,
        "thresholds": thresholds_json(&bot.thresholds()),
        "tuned": tuned_on_val,
        "tune": tune_note,
        "confused_pairs": m.confused_pairs.iter().map(|(e, g, n)| {
            json!({ "expected": e, "got": g, "count": n })
        }).collect::<Vec<_>>(),
        "recall_at": m.recall_at.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "confidence_bands": m.bands.iter().map(|b| json!({
            "from": b.from,
            "to": b.to,
            "questions": b.questions,
            "top1_right": (b.questions > 0).then(|| share(b.top1_right, b.questions)),
        })).collect::<Vec<_>>(),
        "errors_written": errors,
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
    } else {
        write!(out, "{}", table(&report, &m, &bot.thresholds()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// The human-readable report.
pub(crate) fn table(report: &Value, m: &Metrics, t: &Thresholds) -> String {
    let mut s = String::new();
    let tuned = if report["tuned"].as_bool() == Some(true) {
        format!(
            "tuned on val ({} = {:.3})",
            report["tune"]["objective"].as_str().unwrap_or(""),
            report["tune"]["val_objective"].as_f64().unwrap_or(0.0)
        )
    } else if let Some(note) = report["tune"].as_str() {
        note.to_string()
    } else {
        "bot defaults".to_string()
    };
    s.push_str(&format!(
        "dataset      {} (split {}, {} questions: {} in scope, {} out of scope)\n",
        report["dataset"].as_str().unwrap_or(""),
        report["split"].as_str().unwrap_or(""),
        m.questions,
        m.inscope,
        m.oos
    ));
    s.push_str(&format!(
        "bot          {} intents, {} examples, {} features, index {:.1} MiB, built in {:.0} ms\n",
        report["intents"],
        report["examples"],
        report["features"],
        report["index_bytes"].as_f64().unwrap_or(0.0) / (1024.0 * 1024.0),
        report["build_ms"].as_f64().unwrap_or(0.0)
    ));
    s.push_str(&format!(
        "thresholds   answer {:.2}, clarify {:.2}, margin {:.2} ({tuned})\n\n",
        t.answer, t.clarify, t.margin
    ));
    let rows = [
        ("top-1 accuracy (no thresholds)", pct(Some(m.top1_accuracy))),
        (
            "in-scope accuracy (answered right)",
            pct(Some(m.inscope_accuracy)),
        ),
        ("out-of-scope recall", pct(m.oos_recall)),
        ("out-of-scope precision", pct(m.oos_precision)),
        ("clarify rate", pct(Some(m.clarify_rate))),
        (
            "clarify options contain the right intent",
            pct(m.clarify_contains_right),
        ),
        (
            "fallbacks suggesting the right intent",
            pct(m.fallback_options_contain_right),
        ),
        (
            "out-of-scope offered topics to pick",
            pct(m.oos_options_rate),
        ),
        ("answered as several questions", pct(Some(m.several_rate))),
        (
            "right intent among the first 2 / 3 / 5",
            m.recall_at
                .iter()
                .filter(|(k, _)| *k > 1)
                .map(|(_, v)| format!("{:.1}", v * 100.0))
                .collect::<Vec<_>>()
                .join(" / ")
                + "%",
        ),
        ("median time per question", format!("{:.1} µs", m.median_us)),
        ("99th percentile", format!("{:.1} µs", m.p99_us)),
    ];
    for (k, v) in rows {
        s.push_str(&format!("{k:<42} {v:>10}\n"));
    }
    s.push_str("\nconfidence of the best candidate   questions   best is right\n");
    for b in m.bands.iter().filter(|b| b.questions > 0) {
        s.push_str(&format!(
            "  {:.1} – {:.1}                      {:>9}   {:>13}\n",
            b.from,
            b.to,
            b.questions,
            pct(Some(share(b.top1_right, b.questions)))
        ));
    }
    if let Some(n) = report["errors_written"].as_u64() {
        s.push_str(&format!(
            "\n{n} questions the bot got wrong written to the errors file\n"
        ));
    }
    if !m.confused_pairs.is_empty() {
        s.push_str("\nmost confused (expected -> got, top-1 errors):\n");
        for (e, g, n) in &m.confused_pairs {
            s.push_str(&format!("  {n:>4}  {e} -> {g}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_that_are_not_valid_ids_are_renamed_consistently() {
        let rec = |intent: &str| Record {
            text: "x".into(),
            intent: intent.into(),
            split: "train".into(),
            lang: Language::En,
        };
        let mut r = vec![
            rec("Refund_not_showing_up"),
            rec("reverted_card_payment?"),
            rec("я_люблю"),
            rec("я_не_люблю"),
            rec("Refund_not_showing_up"),
            rec("oos"),
            rec("Объём_щита"),
            rec("Zwrot_pieniędzy"),
            rec("我"),
            rec("你"),
            rec("label"),
        ];
        valid_ids(&mut r);
        assert_eq!(r[0].intent, "refund_not_showing_up");
        assert_eq!(r[1].intent, "reverted_card_payment");
        assert_eq!(r[2].intent, "ya_lyublyu");
        assert_eq!(r[3].intent, "ya_ne_lyublyu");
        assert_eq!(r[4].intent, r[0].intent);
        assert_eq!(r[5].intent, "oos");
        assert_eq!(r[6].intent, "obem_shchita");
        assert_eq!(r[7].intent, "zwrot_pieniedzy");
        // Nothing left to read: numbered, never clashing with a label that is one.
        assert_eq!(r[8].intent, "label_1");
        assert_eq!(r[9].intent, "label_2");
        assert_eq!(r[10].intent, "label");
    }

    use super::*;

    fn outcome(
        expected: Option<&str>,
        top: Option<&str>,
        kind: DecisionKind,
        options: &[&str],
        micros: f64,
    ) -> Outcome {
        let mut ranked: Vec<String> = top.iter().map(|s| s.to_string()).collect();
        ranked.extend(
            options
                .iter()
                .filter(|o| Some(**o) != top)
                .map(|s| s.to_string()),
        );
        Outcome {
            expected: expected.map(str::to_string),
            ranked,
            // Mid-band, so that float rounding cannot move it: band k - 1 for micros k.
            confidence: (micros as f32 - 0.5) / 10.0,
            kind,
            answered: (kind == DecisionKind::Answer).then(|| top.unwrap_or("").to_string()),
            options: options.iter().map(|s| s.to_string()).collect(),
            micros,
            several: false,
        }
    }

    #[test]
    fn fallback_suggestions_are_counted() {
        use DecisionKind::*;
        let outs = vec![
            // in scope: the fallback suggests the right intent
            outcome(Some("a"), Some("b"), Fallback, &["b", "a"], 1.0),
            // in scope: suggests others
            outcome(Some("c"), Some("b"), Fallback, &["b"], 2.0),
            // in scope: suggests nothing
            outcome(Some("c"), None, Fallback, &[], 3.0),
            // in scope, clarified: not a fallback
            outcome(Some("a"), Some("a"), Clarify, &["a"], 4.0),
            // out of scope: suggestions, a clarification, a plain fallback
            outcome(None, Some("a"), Fallback, &["a"], 5.0),
            outcome(None, Some("b"), Clarify, &["b", "c"], 6.0),
            outcome(None, None, Fallback, &[], 7.0),
        ];
        let m = metrics(&outs);
        assert!((m.fallback_options_contain_right.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.oos_options_rate.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        let m = metrics(&outs[3..4]);
        assert_eq!(m.fallback_options_contain_right, None);
        assert_eq!(m.oos_options_rate, None);
    }

    #[test]
    fn metrics_on_a_hand_made_set() {
        use DecisionKind::*;
        let outs = vec![
            // in scope: right and answered
            outcome(Some("a"), Some("a"), Answer, &[], 1.0),
            // in scope: wrong and answered
            outcome(Some("a"), Some("b"), Answer, &[], 2.0),
            // in scope: right on top but clarified, right in options
            outcome(Some("b"), Some("b"), Clarify, &["b", "a"], 3.0),
            // in scope: wrong, clarified without the right intent
            outcome(Some("b"), Some("c"), Clarify, &["c"], 4.0),
            // in scope: nothing found
            outcome(Some("c"), None, Fallback, &[], 5.0),
            // out of scope: correctly not answered
            outcome(None, Some("a"), Fallback, &[], 6.0),
            // out of scope: answered (wrongly)
            outcome(None, Some("c"), Answer, &[], 7.0),
            // out of scope: clarified (counts as not answered)
            outcome(None, Some("b"), Clarify, &["b"], 8.0),
        ];
        let m = metrics(&outs);
        assert_eq!((m.questions, m.inscope, m.oos), (8, 5, 3));
        assert!((m.top1_accuracy - 2.0 / 5.0).abs() < 1e-9);
        assert!((m.inscope_accuracy - 1.0 / 5.0).abs() < 1e-9);
        assert!((m.oos_recall.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        // Not answered: 2 in-scope clarify, 1 in-scope fallback, 1 oos fallback, 1 oos clarify.
        assert!((m.oos_precision.unwrap() - 2.0 / 5.0).abs() < 1e-9);
        assert!((m.clarify_rate - 3.0 / 8.0).abs() < 1e-9);
        assert!((m.clarify_contains_right.unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(m.median_us, 4.0);
        assert_eq!(m.p99_us, 8.0);
        assert_eq!(m.confused_pairs.len(), 3);
        assert!(m.confused_pairs.iter().all(|(_, _, n)| *n == 1));
        assert!(m
            .confused_pairs
            .contains(&("c".to_string(), "(none)".to_string(), 1)));
        // Ranked lists: a; b; b, a; c; (none) -> right at 1, -, 1, -, -.
        assert_eq!(m.recall_at, vec![(1, 0.4), (2, 0.4), (3, 0.4), (5, 0.4)]);
        // One question per band from the first to the eighth.
        let per_band: Vec<(usize, usize)> = m
            .bands
            .iter()
            .map(|b| (b.questions, b.top1_right))
            .collect();
        assert_eq!(
            per_band,
            vec![
                (1, 1),
                (1, 0),
                (1, 1),
                (1, 0),
                (1, 0),
                (1, 0),
                (1, 0),
                (1, 0),
                (0, 0),
                (0, 0)
            ]
        );
        let right: Vec<bool> = outs.iter().map(Outcome::is_right).collect();
        assert_eq!(
            right,
            vec![true, false, false, false, false, true, false, true]
        );
    }

    #[test]
    fn right_rank_counts_from_one_and_recall_grows_with_k() {
        let o = outcome(
            Some("b"),
            Some("a"),
            DecisionKind::Clarify,
            &["a", "c", "b"],
            1.0,
        );
        assert_eq!(o.ranked, vec!["a", "c", "b"]);
        assert_eq!(o.right_rank(), Some(3));
        let m = metrics(&[o]);
        assert_eq!(m.recall_at, vec![(1, 0.0), (2, 0.0), (3, 1.0), (5, 1.0)]);
        let oos = outcome(None, Some("a"), DecisionKind::Answer, &[], 1.0);
        assert_eq!(oos.right_rank(), None);
    }

    #[test]
    fn confidence_bands_cover_the_unit_interval() {
        let mut o = outcome(Some("a"), Some("a"), DecisionKind::Answer, &[], 1.0);
        for (c, band) in [(0.0, 0), (0.999, 9), (1.0, 9), (f32::NAN, 0)] {
            o.confidence = c;
            let m = metrics(std::slice::from_ref(&o));
            assert_eq!(m.bands.len(), BANDS);
            assert_eq!(m.bands[band].questions, 1, "confidence {c}");
            assert!((m.bands[9].to - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn no_oos_data_gives_null_oos_metrics() {
        let outs = vec![outcome(
            Some("a"),
            Some("a"),
            DecisionKind::Answer,
            &[],
            1.0,
        )];
        let m = metrics(&outs);
        assert_eq!(m.oos_recall, None);
        assert_eq!(m.oos_precision, None);
        assert_eq!(m.clarify_contains_right, None);
        assert_eq!(m.top1_accuracy, 1.0);
    }

    fn ranked(inscope: bool, right: bool, top: f32, second: f32) -> Ranked {
        Ranked {
            inscope,
            top_right: right,
            right_in_top3: right,
            top,
            second,
        }
    }

    #[test]
    fn tuning_separates_in_scope_from_out_of_scope() {
        let val = vec![
            ranked(true, true, 0.9, 0.2),
            ranked(true, true, 0.8, 0.3),
            ranked(true, false, 0.4, 0.35),
            ranked(false, false, 0.3, 0.1),
            ranked(false, false, 0.5, 0.45),
        ];
        let t = tune(&val);
        assert_eq!(t.objective_name, "balanced");
        // Two of three in scope answered right (the third is wrong on top), no oos answered.
        assert!((t.objective - (2.0 / 3.0 + 1.0) / 2.0).abs() < 1e-9);
        // Answers the two right ones, refuses both out-of-scope questions.
        for r in &val {
            let a = verdict(&t.thresholds, r.top, r.second) == DecisionKind::Answer;
            assert_eq!(a, r.inscope && r.top_right);
        }
        assert!(t.thresholds.clarify <= t.thresholds.answer);
    }

    #[test]
    fn tuning_without_oos_maximises_accuracy() {
        let val = vec![ranked(true, true, 0.2, 0.19), ranked(true, true, 0.9, 0.1)];
        let t = tune(&val);
        assert_eq!(t.objective_name, "inscope_accuracy");
        assert!((t.objective - 1.0).abs() < 1e-9);
    }

    #[test]
    fn content_has_every_language_and_no_oos_intent() {
        let recs: Vec<Record> = [
            ("hello", "greet", "train", "en"),
            ("привет", "greet", "train", "ru"),
            ("hi", "greet", "train", "en"),
            ("weather?", "oos", "train", "en"),
            ("bye", "bye", "test", "en"),
        ]
        .iter()
        .map(|&(t, i, s, l)| Record {
            text: t.into(),
            intent: i.into(),
            split: s.into(),
            lang: l.parse().unwrap(),
        })
        .collect();
        let c = build_content(&recs, "train").unwrap();
        assert_eq!(c.intents.len(), 1);
        assert_eq!(c.settings.default_language, Language::En);
        assert_eq!(c.settings.languages, vec![Language::En, Language::Ru]);
        let g = &c.intents[0];
        assert_eq!(g.examples[&Language::En].len(), 2);
        assert_eq!(g.answer.len(), 2);
        assert_eq!(g.label.len(), 2);
    }
}
