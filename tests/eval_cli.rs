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
