//! The command-line contract: exit codes and JSON shapes that other tools rely on.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_faqbot");
const INTENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/intents");

/// `faqbot chat` with `args`, fed `input` on stdin.
fn chat(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = Command::new(BIN)
        .arg("chat")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("output")
}

/// A fresh temporary directory for one test.
fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("faqbot-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_passes_on_bundled_intents() {
    let (code, out, _) = run(&["check", INTENTS]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 error(s), 0 warning(s)"), "{out}");
}

#[test]
fn check_reports_errors_with_positions_and_exit_1() {
    let dir = temp_dir("bad");
    std::fs::copy(format!("{INTENTS}/bot.yaml"), dir.join("bot.yaml")).expect("copy");
    std::fs::write(
        dir.join("bad.yaml"),
        "intents:\n  - id: a\n    label: { pl: A, en: A, lv: A, ru: A }\n    examplez: {}\n",
    )
    .expect("write");
    let (code, out, _) = run(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bad.yaml:4:5"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_warns_about_examples_handed_to_a_human() {
    let dir = temp_dir("escalating");
    std::fs::copy(format!("{INTENTS}/bot.yaml"), dir.join("bot.yaml")).expect("copy");
    // "!!!" is a frustration pattern of the bundled bot.yaml: customers writing the
    // example so would be handed over, never answered.
    let answers = "{ pl: A, en: A, lv: A, ru: A }";
    std::fs::write(
        dir.join("a.yaml"),
        format!(
            "intents:\n  - id: parcel\n    label: {answers}\n    examples:\n      en:\n        - where is my parcel\n        - my parcel is late, where is it!!!\n        - has my parcel left\n    answer: {answers}\n"
        ),
    )
    .expect("write");
    let (code, out, _) = run(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("a.yaml:7:11: warning: example \"my parcel is late, where is it!!!\" of intent `parcel` is handed to a human, read as frustration"),
        "{out}"
    );
    assert!(!out.contains("\"where is my parcel\" of"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_on_missing_dir_is_usage_error() {
    let (code, _, err) = run(&["check", "/nonexistent/faqbot/intents"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn unknown_subcommand_is_usage_error() {
    let (code, _, _) = run(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn ask_json_has_the_contract_keys() {
    for msg in ["gdzie jest moja paczka", "real person please", "xqzt vvbn"] {
        let (code, out, err) = run(&["ask", "--intents", INTENTS, "--json", msg]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
        for key in [
            "kind",
            "intent",
            "confidence",
            "text",
            "language",
            "options",
            "reason",
            "department",
        ] {
            assert!(v.get(key).is_some(), "{msg}: missing {key} in {out}");
        }
    }
    let (_, out, _) = run(&["ask", "--intents", INTENTS, "--json", "real person please"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["kind"], "escalate");
    assert_eq!(v["reason"], "human_requested");
    assert!(v["handoff"]["transcript"].is_array());
    // An answer that asks about another part of the message offers that question's
    // options under `options`, and its question under `clarify`, without explanation.
    let msg = "ile płacę za kuriera? i w ile dni dochodzi paczka";
    let (_, out, _) = run(&["ask", "--intents", INTENTS, "--json", msg]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["kind"], "answer");
    assert_eq!(v["intent"], "delivery_time");
    assert_eq!(v["options"][0]["intent"], "delivery_cost", "{out}");
    assert_eq!(v["options"], v["clarify"]["options"]);
    assert!(v["clarify"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Koszt dostawy")));
    assert!(v["clarify"].get("explanation").is_none(), "{out}");
}

#[test]
fn ask_at_night_says_when_humans_are_back() {
    let (_, out, _) = run(&[
        "ask",
        "--intents",
        INTENTS,
        "--json",
        "--now",
        "2026-11-23T23:30:00+01:00",
        "chcę rozmawiać z konsultantem",
    ]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("json");
    assert_eq!(v["agents_available"], false);
    assert_eq!(v["next_available"], "2026-11-24T08:00:00+01:00");
    assert!(v["alternatives"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn chat_reads_lines_and_goes_quiet_after_escalation() {
    let out = chat(
        &["--intents", INTENTS, "--json"],
        b"gdzie jest moja paczka\noperator please, real person\nhello?\n",
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["kind"], "answer");
    assert_eq!(lines[1]["kind"], "escalate");
    assert_eq!(lines[2]["kind"], "human");
}

#[test]
fn chat_survives_binary_input() {
    let mut input: Vec<u8> = (0..=255u8).collect();
    input.push(b'\n');
    input.extend_from_slice(b"where is my parcel\n");
    let out = chat(&["--intents", INTENTS, "--json"], &input);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() >= 2);
}

#[test]
fn unanswered_groups_a_log_and_reports_json() {
    let dir = temp_dir("log");
    let log = dir.join("log.txt");
    std::fs::write(
        &log,
        "do you sell gift cards\n\
         {\"text\": \"Do you sell gift cards?\", \"lang\": \"en\"}\n\
         gdzie jest moja paczka\n\
         \n\
         \u{fffd}\u{0}\n",
    )
    .expect("write");
    let (code, out, err) = run(&[
        "unanswered",
        "--intents",
        INTENTS,
        "--json",
        log.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
    assert_eq!(v["messages"], 4, "{v}");
    assert_eq!(v["answered"], 1, "{v}");
    let groups = v["groups"].as_array().expect("groups");
    assert_eq!(groups[0]["count"], 2, "{v}");
    assert_eq!(groups[0]["messages"][0]["count"], 2, "{v}");
    for key in ["fallback", "language", "words", "nearest"] {
        assert!(groups[0].get(key).is_some(), "missing {key}: {v}");
    }
    // Words the content does not know ("sell" is a real word, not a typo of "fell").
    let unknown: Vec<&str> = v["unknown_words"]
        .as_array()
        .expect("unknown_words")
        .iter()
        .filter_map(|w| w["word"].as_str())
        .collect();
    assert_eq!(unknown, ["sell", "gift"], "{v}");
    // The table says the same.
    let (code, out, _) = run(&["unanswered", "--intents", INTENTS, log.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("4 messages: 1 answered"), "{out}");
    assert!(out.contains("2× do you sell gift cards"), "{out}");
    assert!(
        out.contains(
            "words the content does not know (synonyms or examples to add?): sell (2), gift (2)"
        ),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unanswered_reports_a_bad_json_line_with_its_position() {
    let dir = temp_dir("badlog");
    let log = dir.join("log.jsonl");
    std::fs::write(&log, "hello\n{\"lang\": \"en\"}\n").expect("write");
    let (code, _, err) = run(&["unanswered", "--intents", INTENTS, log.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("log.jsonl:2"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unanswered_replays_conversations_from_a_json_log() {
    let dir = temp_dir("conv");
    let log = dir.join("log.jsonl");
    // "1" answers the clarification of conversation 17; as a first message it would be
    // a fallback. Ids may be numbers or strings.
    std::fs::write(
        &log,
        "{\"conversation\": 17, \"text\": \"i want to send back a jacket, its too small\", \"lang\": \"en\"}\n\
         {\"conversation\": \"x\", \"text\": \"I want to talk to a human\"}\n\
         {\"conversation\": 17, \"text\": \"1\", \"lang\": \"en\"}\n\
         {\"conversation\": \"x\", \"text\": \"hello?\"}\n",
    )
    .expect("write");
    let path = log.to_str().expect("utf8");
    let (code, out, err) = run(&["unanswered", "--intents", INTENTS, "--json", path]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
    assert_eq!(v["messages"], 4, "{v}");
    assert_eq!(v["conversations"], 2, "{v}");
    assert_eq!(v["answered"], 1, "{v}");
    assert_eq!(v["clarified"], 1, "{v}");
    assert_eq!(v["with_human"], 1, "{v}");
    let (code, out, _) = run(&["unanswered", "--intents", INTENTS, path]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("4 messages in 2 conversations: 1 answered, 1 handed to a human, 1 clarified, 0 not understood (fallback), 1 while a human had the conversation"),
        "{out}"
    );
    // An id that is neither a string nor a number is an error at its line.
    std::fs::write(&log, "{\"conversation\": [1], \"text\": \"hi\"}\n").expect("write");
    let (code, _, err) = run(&["unanswered", "--intents", INTENTS, path]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("log.jsonl:1"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chat_log_feeds_the_unanswered_report() {
    let dir = temp_dir("chatlog");
    let log = dir.join("chat.jsonl");
    let path = log.to_str().expect("utf8");
    let chat = |input: &str| {
        let args = [
            "--intents",
            INTENTS,
            "--log",
            path,
            "--now",
            "2026-11-24T10:00:00Z",
        ];
        assert!(chat(&args, input.as_bytes()).status.success());
    };
    // Two chats append to one log; "1" picks the clarification's first option.
    chat("i want to send back a jacket, its too small\n1\n");
    chat("do you sell gift cards\n");
    // The agent's "/handback" is logged too: after it the bot answers again.
    chat("I want to talk to a human\nhello?\n/handback\ngdzie jest moja paczka\n");
    let text = std::fs::read_to_string(&log).expect("log written");
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(records.len(), 7, "{text}");
    assert_eq!(records[5]["handback"], true, "{text}");
    assert_eq!(records[1]["decision"], "answer", "{text}");
    assert_eq!(records[1]["intent"], "return_item", "{text}");
    assert_eq!(records[0]["at"], "2026-11-24T10:00:00Z", "{text}");
    assert_eq!(records[0]["conversation"], records[1]["conversation"]);
    let (code, out, err) = run(&["unanswered", "--intents", INTENTS, "--json", path]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
    assert_eq!(v["messages"], 6, "{v}");
    assert_eq!(v["conversations"], 3, "{v}");
    assert_eq!(v["answered"], 2, "{v}");
    assert_eq!(v["escalated"], 1, "{v}");
    assert_eq!(v["with_human"], 1, "{v}");
    // The jacket return and "do you sell gift cards" (payment methods, 0.43).
    assert_eq!(v["clarified"], 2, "{v}");
    assert_eq!(v["fallback"], 0, "{v}");
    // A bad time is an error at its line.
    std::fs::write(&log, "{\"text\": \"hi\", \"at\": \"yesterday\"}\n").expect("write");
    let (code, _, err) = run(&["unanswered", "--intents", INTENTS, path]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("chat.jsonl:1: `at` must be an RFC 3339 time"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
