//! Compile time: loading and compiling the bundled `intents/`, and compiling CLINC150
//! (150 intents, 15,000 training questions) built in code.
//!
//! Each benchmark first checks that the compiled bot still gives a known answer, so a
//! silent change in behaviour fails the run instead of producing a number.

mod common;

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use faqbot::{Bot, DecisionKind, Session};

fn intents_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intents")
}

fn check_answers(bot: &Bot, message: &str, intent: &str) {
    let d = bot.respond(&mut Session::new(), message);
    assert_eq!(
        (d.kind(), d.intent()),
        (DecisionKind::Answer, Some(intent)),
        "{message:?} must answer {intent}; got {d:?}"
    );
}

fn bundled(c: &mut Criterion) {
    let bot = Bot::from_dir(intents_dir()).expect("bundled content compiles");
    assert_eq!(bot.intent_count(), 39, "bundled intents");
    check_answers(&bot, "gdzie jest moja paczka", "order_status");
    common::summary("compile.bundled.examples", bot.example_count() as f64, "");
    common::summary("compile.bundled.index_bytes", bot.index_bytes() as f64, "B");

    c.bench_function("compile/bundled_from_dir", |b| {
        b.iter(|| Bot::from_dir(intents_dir()).expect("compiles"))
    });
}

fn clinc(c: &mut Criterion) {
    let Some(data) = common::load_clinc() else {
        return;
    };
    let (content, dropped) = data.content();
    let bot = Bot::from_content(content.clone()).expect("CLINC150 compiles");
    assert_eq!(bot.intent_count(), 150);
    assert_eq!(bot.example_count() + dropped, 15_000);
    check_answers(&bot, "what is my bank balance", "balance");
    println!(
        "CLINC150: {} intents, {} examples ({dropped} duplicate questions dropped), \
         {} features, index {:.1} MB",
        bot.intent_count(),
        bot.example_count(),
        bot.feature_count(),
        bot.index_bytes() as f64 / 1e6
    );
    common::summary("compile.clinc.index_bytes", bot.index_bytes() as f64, "B");
    common::summary("compile.clinc.features", bot.feature_count() as f64, "");
    drop(bot);

    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    // The content is cloned outside the timed part: only validation and compilation count.
    g.bench_function("clinc150_from_content", |b| {
        b.iter_batched(
            || content.clone(),
            |c| Bot::from_content(c).expect("compiles"),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bundled, clinc);
criterion_main!(benches);
