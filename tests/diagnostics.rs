//! Golden diagnostics: each `tests/ui/<case>/` directory is a small broken content
//! directory beside `expected.txt`, the exact report `load_dir` must produce for it
//! (every diagnostic rendered with its source line, as `faqbot check` shows them).
//!
//! Re-record after an intended change with `FAQBOT_BLESS=1 cargo test --test diagnostics`
//! and review the diff.

use std::path::Path;
use std::time::{Duration, Instant};

fn report(case: &Path) -> String {
    let loaded = faqbot::load::load_dir(case);
    loaded.render_diagnostics()
}

#[test]
fn ui_cases_match_expected_reports() {
    let bless = std::env::var_os("FAQBOT_BLESS").is_some_and(|v| v == "1");
    let mut cases: Vec<_> = std::fs::read_dir("tests/ui")
        .expect("tests/ui exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in tests/ui");
    let mut failures = Vec::new();
    for case in &cases {
        // Positions read `tests/ui/<case>/x.yaml:3:5` on every platform.
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let dir = format!("tests/ui/{name}");
        let start = Instant::now();
        let actual = report(Path::new(&dir));
        let took = start.elapsed();
        if std::env::var_os("FAQBOT_TIMING").is_some() {
            eprintln!("{dir}: {took:?}");
        }
        // Limits must stop hostile input quickly, not after expanding it.
        assert!(took < Duration::from_secs(5), "{dir} took {took:?} to load");
        assert!(
            !actual.is_empty(),
            "{dir}: expected at least one diagnostic"
        );
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "--- {dir}/expected.txt\n{expected}\n+++ actual\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ (FAQBOT_BLESS=1 to re-record):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_ui_case_has_an_error() {
    for entry in std::fs::read_dir("tests/ui")
        .expect("tests/ui exists")
        .flatten()
    {
        let loaded = faqbot::load::load_dir(entry.path());
        assert!(loaded.has_errors(), "{}", entry.path().display());
        assert!(loaded.into_result().is_err());
    }
}

/// The bundled content is what a newcomer sees first and what editors copy: `faqbot
/// check` finds nothing in it, warnings included (a stemming change can make two
/// keywords read the same, or a keyword pull another intent's questions).
#[test]
fn bundled_content_has_no_diagnostics() {
    let loaded = faqbot::load::load_dir(Path::new("intents"));
    assert!(
        loaded.diagnostics.is_empty(),
        "{}",
        loaded.render_diagnostics()
    );
    let bot = faqbot::Bot::from_content(loaded.content).expect("bundled content compiles");
    // The similarity `faqbot check` warns from.
    let conflicts = bot.conflicts(0.85);
    assert!(conflicts.is_empty(), "{conflicts:?}");
}
