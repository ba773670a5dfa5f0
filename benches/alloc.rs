//! Heap allocations per answered message, on the bundled bot and on CLINC150. Prints the
//! numbers; `tests/alloc_count.rs` holds the upper bounds that fail on a regression.
//!
//! Not a criterion benchmark: allocation counts are exact, one pass is enough.

mod common;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use std::path::PathBuf;

use faqbot::{Bot, Session};

#[global_allocator]
static GLOBAL: counting_alloc::Counting = counting_alloc::Counting;

/// Mean and maximum allocations and mean bytes per `respond` over `messages`, each the
/// first message of a new session. The first pass warms the index's per-thread scratch
/// buffers and is not counted.
fn per_message(bot: &Bot, messages: &[&str]) -> (f64, u64, f64) {
    for m in messages {
        bot.respond(&mut Session::new(), m);
    }
    let (mut total, mut max, mut bytes) = (0u64, 0u64, 0u64);
    for m in messages {
        let (n, b, _) = counting_alloc::measure(|| bot.respond(&mut Session::new(), m));
        total += n;
        bytes += b;
        max = max.max(n);
    }
    let k = messages.len() as f64;
    (total as f64 / k, max, bytes as f64 / k)
}

fn report(name: &str, bot: &Bot, messages: &[&str]) {
    let (mean, max, bytes) = per_message(bot, messages);
    println!(
        "{name}: {mean:.1} allocations per message (max {max}), {bytes:.0} bytes requested, \
         over {} messages",
        messages.len()
    );
    common::summary(&format!("alloc.{name}.mean"), mean, "allocs");
    common::summary(&format!("alloc.{name}.max"), max as f64, "allocs");
    common::summary(&format!("alloc.{name}.bytes"), bytes, "B");
}

fn main() {
    // `cargo bench` passes `--bench`; nothing here takes options.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intents");
    let bot = Bot::from_dir(dir).expect("bundled content compiles");
    let d = bot.respond(&mut Session::new(), "gdzie jest moja paczka");
    assert_eq!(d.intent(), Some("order_status"));
    let bundled = [
        "gdzie jest moja paczka",
        "jak zwrócić twoar",
        "where is my order",
        "i forgot my pasword",
        "kur ir mana paka",
        "где мой заказ",
        "pogoda",
        "Hello, I ordered a coffee machine last week and I still have no idea where my order \
         is, could you check the status of my order please?",
    ];
    report("bundled", &bot, &bundled);
    let (n, _, _) = counting_alloc::measure(|| bot.rank("where is my order", None));
    println!("bundled: Bot::rank alone: {n} allocations");

    let Some(data) = common::load_clinc() else {
        return;
    };
    let (content, _) = data.content();
    let bot = Bot::from_content(content).expect("CLINC150 compiles");
    let sample = data.test_sample(200);
    let messages: Vec<&str> = sample.iter().map(|s| s.0).collect();
    report("clinc", &bot, &messages);
}
