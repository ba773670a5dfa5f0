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
