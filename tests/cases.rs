//! Data-driven tests: every YAML file in `tests/cases` and `tests/conversations` is run
//! against the bundled content in `intents/`. Every failure is printed; the test fails if
//! there is any. (`tests/pending` holds known failures waiting for engine fixes; it is
//! not run here.)

use std::path::{Path, PathBuf};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml") | Some("yml")
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn yaml_cases_and_conversations_pass() {
    let bot = faqbot::Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))
        .unwrap_or_else(|e| panic!("cannot load intents/: {e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = 0;
    let mut turns = 0;
    let mut conversations = 0;
    let mut failures = Vec::new();
    for sub in ["cases", "conversations"] {
        for path in yaml_files(&root.join(sub)) {
            files += 1;
            let file = match faqbot::testing::load(&path) {
                Ok(f) => f,
                Err(e) => {
                    failures.push(format!("{}: cannot load: {e}", path.display()));
                    continue;
                }
            };
            let report = faqbot::testing::run(&bot, &file);
            turns += report.turns;
            conversations += report.conversations;
            for f in report.failures {
                failures.push(f.to_string());
            }
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "{files} files, {conversations} conversations, {turns} turns: {} failed",
        failures.len()
    );
    assert!(files > 0, "no test files found under {}", root.display());
    assert!(
        failures.is_empty(),
        "{} failing turns (listed above)",
        failures.len()
    );
}

/// The `also` expectation fails when the other answers differ, in content or in order.
#[test]
fn the_also_expectation_checks_the_other_answers_in_order() {
    let bot = faqbot::Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))
        .unwrap_or_else(|e| panic!("cannot load intents/: {e}"));
    let text = "cases:\n  - { say: \"where is my order? and how can I return shoes?\", also: [return_item] }\n  - { say: \"where is my order? and how can I return shoes?\", also: [] }\n  - { say: \"where is my order? and how can I return shoes?\", also: [return_item, refund_time] }\n  - { say: \"where is my order?\", also: [return_item] }\n";
    let file = faqbot::testing::parse(Path::new("also.yaml"), text).expect("parses");
    let report = faqbot::testing::run(&bot, &file);
    assert_eq!(report.turns, 4);
    let failed: Vec<&str> = report.failures.iter().map(|f| f.say.as_str()).collect();
    assert_eq!(failed.len(), 3, "{:?}", report.failures);
    assert!(
        report.failures[0].problems[0].contains("expected also []"),
        "{:?}",
        report.failures[0]
    );
    assert!(failed.contains(&"where is my order?"));
}
