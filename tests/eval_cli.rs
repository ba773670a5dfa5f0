//! `faqbot eval` end to end: the built binary on a tiny dataset.

use std::process::Command;

const DATA: &str = r#"{"text": "where is my parcel", "intent": "track", "split": "train", "lang": "en"}
{"text": "track my delivery", "intent": "track", "split": "train", "lang": "en"}
{"text": "how do I reset my password", "intent": "password", "split": "train", "lang": "en"}
{"text": "forgot my password", "intent": "password", "split": "train", "lang": "en"}
{"text": "what is the weather", "intent": "oos", "split": "train", "lang": "en"}
{"text": "where is the parcel now", "intent": "track", "split": "val", "lang": "en"}
{"text": "reset password", "intent": "password", "split": "val", "lang": "en"}
{"text": "sing me a song", "intent": "oos", "split": "val", "lang": "en"}
{"text": "track the parcel", "intent": "track", "split": "test", "lang": "en"}
{"text": "password forgotten", "intent": "password", "split": "test", "lang": "en"}
{"text": "tell me a joke", "intent": "oos", "split": "test", "lang": "en"}
"#;

fn run_eval(extra: &[&str]) -> serde_json::Value {
    // One file per call: the tests run in parallel threads of one process.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("faqbot-eval-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("tiny-{n}.jsonl"));
    std::fs::write(&path, DATA).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("eval")
        .arg(&path)
        .arg("--json")
        .args(extra)
        .output()
        .expect("faqbot runs");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[test]
fn eval_json_has_every_metric() {
    let v = run_eval(&[]);
    for key in [
        "top1_accuracy",
        "inscope_accuracy",
        "oos_recall",
        "oos_precision",
        "clarify_rate",
        "clarify_contains_right",
        "build_ms",
        "median_us",
        "p99_us",
        "questions",
        "confused_pairs",
        "thresholds",
    ] {
        assert!(v.get(key).is_some(), "missing key {key} in {v}");
    }
    assert_eq!(v["questions"], 3);
    assert_eq!(v["top1_accuracy"], 1.0);
    assert!(v["confused_pairs"].is_array());
    assert!(v["thresholds"]["answer"].is_number());
}

#[test]
fn eval_tune_uses_val() {
    let v = run_eval(&["--tune"]);
    assert_eq!(v["tuned"], true);
    assert!(v["oos_recall"].is_number());
    let v = run_eval(&["--tune", "--split", "val"]);
    assert_eq!(v["questions"], 3);
}

#[test]
fn eval_reports_recall_and_confidence_bands() {
    let v = run_eval(&[]);
    let r = &v["recall_at"];
    for k in ["1", "2", "3", "5"] {
        assert!(r[k].is_number(), "recall_at lacks {k}: {v}");
    }
    assert_eq!(r["1"], v["top1_accuracy"]);
    assert!(r["5"].as_f64() >= r["1"].as_f64());
    let bands = v["confidence_bands"].as_array().expect("bands");
    assert_eq!(bands.len(), 10);
    let counted: u64 = bands.iter().map(|b| b["questions"].as_u64().unwrap()).sum();
    assert_eq!(counted, 3);
}

#[test]
fn eval_writes_the_questions_it_got_wrong() {
    // A `probe` split: one question labelled with the other intent, one right.
    let data = format!(
        "{DATA}{}\n{}\n",
        r#"{"text": "I forgot my password", "intent": "track", "split": "probe", "lang": "en"}"#,
        r#"{"text": "track my parcel", "intent": "track", "split": "probe", "lang": "en"}"#
    );
    let dir = std::env::temp_dir().join(format!("faqbot-eval-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("probe.jsonl");
    let errors = dir.join("errors.jsonl");
    std::fs::write(&path, data).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .arg("eval")
        .arg(&path)
        .args(["--json", "--split", "probe", "--errors"])
        .arg(&errors)
        .output()
        .expect("faqbot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors_written"], 1);
    let text = std::fs::read_to_string(&errors).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    let e = &lines[0];
    assert_eq!(e["text"], "I forgot my password");
    assert_eq!(e["expected"], "track");
    assert_eq!(e["top"], "password");
    assert_eq!(e["lang"], "en");
    assert!(e["right_rank"].is_null() || e["right_rank"].as_u64() > Some(1));
    assert!(e["confidence"].as_f64().unwrap() > 0.0);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn eval_on_a_content_directory_cross_validates_its_examples() {
    let dir = std::env::temp_dir().join(format!("faqbot-xval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("bot.yaml"),
        "languages: [en]\ndefault_language: en\nmessages:\n  fallback: {en: Sorry}\n  clarify: {en: Did you mean}\n  handoff: {en: Handing over}\n  out_of_hours: {en: \"Back at {next_available}\"}\n",
    )
    .expect("bot.yaml");
    // Two clearly different intents, four examples each; one context-only intent (not
    // asked); one example that reads like the other intent (asked, and wrong).
    std::fs::write(
        dir.join("a.yaml"),
        "intents:\n\
         \x20 - id: parcel\n\
         \x20   label: {en: Parcel}\n\
         \x20   examples:\n\
         \x20     en: [where is my parcel, my parcel is late, parcel not here yet, track my parcel, how do i pay by card]\n\
         \x20   answer: {en: On its way.}\n\
         \x20 - id: payment\n\
         \x20   label: {en: Payment}\n\
         \x20   examples:\n\
         \x20     en: [can i pay by card, pay with paypal, payment methods, do you take card payments]\n\
         \x20   answer: {en: Cards and PayPal.}\n\
         \x20 - id: more\n\
         \x20   label: {en: More}\n\
         \x20   context: [parcel]\n\
         \x20   examples:\n\
         \x20     en: [tell me more, and then, what else]\n\
         \x20   answer: {en: That is all.}\n",
    )
    .expect("a.yaml");
    let errors = dir.join("errors.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .args([
            "eval",
            dir.to_str().unwrap(),
            "--folds",
            "2",
            "--json",
            "--errors",
        ])
        .arg(&errors)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["questions"], 9, "{v}");
    assert_eq!(v["skipped_examples"], 3, "{v}");
    assert_eq!(v["folds"], 2);
    let top1 = v["top1_accuracy"].as_f64().expect("number");
    assert!((8.0 / 9.0 - 1e-9..1.0).contains(&top1), "{v}");
    assert_eq!(v["weakest_intents"][0]["intent"], "parcel", "{v}");
    assert_eq!(v["top1_by_language"]["en"], top1);
    // The mislabelled example is written with where it is.
    let text = std::fs::read_to_string(&errors).expect("errors file");
    let wrong: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let card = wrong
        .iter()
        .find(|w| w["text"] == "how do i pay by card")
        .expect("the mislabelled example is an error");
    assert_eq!(card["top"], "payment");
    assert!(
        card["at"].as_str().unwrap().ends_with("a.yaml:5:89"),
        "{card}"
    );
    // Dataset-only options are refused.
    let out = Command::new(env!("CARGO_BIN_EXE_faqbot"))
        .args(["eval", dir.to_str().unwrap(), "--tune"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
