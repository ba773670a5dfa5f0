//! Scaling: synthetic English bots of 150, 1,500 and 15,000 intents with 100 examples
//! each (15,000 intents = 1.5 million examples), made by the deterministic generator in
//! `common/mod.rs`. Measures compile time and answer time for each size, on queries
//! written from templates the examples never use.
//!
//! Criterion times compilation of every size (ten samples; the content is cloned outside
//! the timed part). Each bot is also built once with a clock first, for the answer
//! benchmark. `FAQBOT_BENCH_QUICK=1` skips criterion's compile timing of the
//! 15,000-intent bot (about a minute of samples on a small machine).
//!
//! The growth of the answer time from 150 to 15,000 intents is also measured with both
//! bots alive and their rounds alternating (`scale.growth_interleaved`): a ratio of two
//! criterion medians taken minutes apart on a shared machine carries the load changes in
//! between.

mod common;

use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use faqbot::{Bot, Session};

const SIZES: &[usize] = &[150, 1_500, 15_000];
const EXAMPLES_PER_INTENT: usize = 100;
const SEED: u64 = 0x5EED_FA9B_0715;
const QUERIES: usize = 200;
/// Largest size whose compilation criterion times with `FAQBOT_BENCH_QUICK` set.
const QUICK_COMPILE_MAX: usize = 1_500;
/// Rounds of the interleaved growth measurement (each: every query once on each bot).
const GROWTH_ROUNDS: usize = 7;

/// The growth of the median answer time from the smallest to the largest bot, measured
/// in one run with both bots alive and the rounds alternating, so that load from other
/// processes on a shared machine falls on both alike (the criterion medians of the sizes
/// are measured minutes apart). Returns (small p50, large p50, ratio of the medians of
/// the per-round p50s).
fn interleaved_growth(
    small: (&Bot, &[(String, String)]),
    large: (&Bot, &[(String, String)]),
) -> (f64, f64, f64) {
    let p50 = |(bot, queries): (&Bot, &[(String, String)])| {
        common::latency(queries, 1, |(q, _)| {
            black_box(bot.respond(&mut Session::new(), q));
        })
        .0
        .as_secs_f64()
            * 1e6
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..GROWTH_ROUNDS {
        a.push(p50(small));
        b.push(p50(large));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (a, b) = (median(&mut a), median(&mut b));
    (a, b, b / a)
}

fn scale(c: &mut Criterion) {
    let quick = std::env::var_os("FAQBOT_BENCH_QUICK").is_some();
    // The smallest bot stays alive for the interleaved growth measurement.
    let mut smallest: Option<(Bot, Vec<(String, String)>)> = None;
    for &n in SIZES {
        let synth = common::synthetic(n, EXAMPLES_PER_INTENT, SEED);
        let examples: usize = synth
            .content
            .intents
            .iter()
            .map(|i| i.examples.values().map(Vec::len).sum::<usize>())
            .sum();
        assert_eq!(examples, n * EXAMPLES_PER_INTENT, "generator fell short");

        let started = Instant::now();
        let bot = Bot::from_content(synth.content.clone()).expect("synthetic content compiles");
        let build = started.elapsed();
        println!(
            "scale {n}: {examples} examples, compiled once in {:.2} s, {} features, index {:.1} MB",
            build.as_secs_f64(),
            bot.feature_count(),
            bot.index_bytes() as f64 / 1e6
        );
        common::summary(&format!("scale.{n}.compile_once"), build.as_secs_f64(), "s");
        common::summary(
            &format!("scale.{n}.index_bytes"),
            bot.index_bytes() as f64,
            "B",
        );

        // Known result: the best candidate is the intent the query was generated from.
        let queries = synth.queries(QUERIES, SEED ^ n as u64);
        let right = queries
            .iter()
            .filter(|(q, id)| {
                bot.rank(q, None)
                    .first()
                    .is_some_and(|top| &top.intent == id)
            })
            .count();
        let acc = right as f64 / queries.len() as f64;
        println!("scale {n}: top-1 accuracy on generated queries {acc:.3}");
        common::summary(&format!("scale.{n}.top1_accuracy"), acc, "");
        assert!(acc >= 0.9, "scale {n}: top-1 accuracy fell to {acc:.3}");

        let (p50, p99) = common::latency(&queries, 5, |(q, _)| {
            black_box(bot.respond(&mut Session::new(), q));
        });
        common::summary(&format!("scale.{n}.p50"), p50.as_secs_f64() * 1e6, "us");
        common::summary(&format!("scale.{n}.p99"), p99.as_secs_f64() * 1e6, "us");

        let mut g = c.benchmark_group("scale_answer");
        g.sample_size(10);
        g.throughput(Throughput::Elements(queries.len() as u64));
        g.bench_function(format!("intents_{n}"), |b| {
            b.iter(|| {
                for (q, _) in &queries {
                    black_box(bot.respond(&mut Session::new(), q));
                }
            })
        });
        g.finish();
        if n == SIZES[0] {
            smallest = Some((bot, queries));
        } else if n == SIZES[SIZES.len() - 1] {
            if let Some((small_bot, small_queries)) = &smallest {
                let (a, b, ratio) =
                    interleaved_growth((small_bot, small_queries), (&bot, &queries));
                println!(
                    "scale growth {} -> {n} intents, interleaved: p50 {a:.1} -> {b:.1} us, \
                     {ratio:.2}x",
                    SIZES[0]
                );
                common::summary("scale.growth_interleaved", ratio, "x");
            }
            drop(bot);
        } else {
            drop(bot);
        }

        if n <= QUICK_COMPILE_MAX || !quick {
            let mut g = c.benchmark_group("scale_compile");
            g.sample_size(10);
            g.bench_function(format!("intents_{n}"), |b| {
                b.iter_batched(
                    || synth.content.clone(),
                    |content| Bot::from_content(content).expect("compiles"),
                    BatchSize::PerIteration,
                )
            });
            g.finish();
        }
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
