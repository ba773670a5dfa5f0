//! Answer time: short and long, known and unknown questions, with typos, in all four
//! languages on the bundled bot; CLINC150 test questions on a bot built from its training
//! split; and, in the same run, the naive matcher a developer would write by hand
//! (normalised Levenshtein against every example) on the same CLINC questions, so that
//! the speed-up is a ratio of two numbers measured side by side.
//!
//! Every case checks its known outcome before it is timed.

mod common;

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use faqbot::{Bot, DecisionKind, Session};

/// What a message must produce.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Answered with this intent.
    Answer(&'static str),
    /// This intent is the best candidate, whatever the decision (long messages that mix
    /// topics may be answered or clarified).
    Top(&'static str),
    /// Not understood: the fallback message.
    Fallback,
    /// Not answered (fallback or a clarifying question), i.e. the bot does not pretend
    /// to know.
    NoAnswer,
}

/// (name, message, expected outcome). Names are `language/length_kind`.
const BUNDLED: &[(&str, &str, Expect)] = &[
    (
        "pl/short_known",
        "gdzie jest moja paczka",
        Expect::Answer("order_status"),
    ),
    (
        "pl/short_typo",
        "jak zwrócić twoar",
        Expect::Answer("return_item"),
    ),
    (
        "pl/long_known",
        "Dzień dobry, zamówiłam w poniedziałek kurtkę zimową i do dziś nie dostałam żadnej \
         informacji, gdzie jest moja paczka i kiedy mogę się jej spodziewać?",
        Expect::Top("order_status"),
    ),
    ("pl/short_unknown", "pogoda", Expect::Fallback),
    // A clause turning a topic down: the rest is searched on its own (two searches).
    (
        "pl/not_wanted",
        "nie chcę anulować zamówienia, tylko zmienić adres",
        Expect::Answer("change_address"),
    ),
    (
        "pl/long_unknown",
        "Proszę mi powiedzieć, kto wygrał wczorajszy mecz piłki nożnej pomiędzy dwiema \
         drużynami z Madrytu?",
        Expect::Fallback,
    ),
    (
        "en/short_known",
        "where is my order",
        Expect::Answer("order_status"),
    ),
    (
        "en/short_typo",
        "i forgot my pasword",
        Expect::Answer("reset_password"),
    ),
    (
        "en/long_known",
        "Hello, I ordered a coffee machine last week and I still have no idea where my order \
         is, could you check the status of my order please?",
        Expect::Answer("order_status"),
    ),
    ("en/short_unknown", "weather", Expect::Fallback),
    (
        "en/long_unknown",
        "Hi, could you tell me who won the football match yesterday evening between the two \
         teams from Madrid?",
        Expect::NoAnswer,
    ),
    (
        "lv/short_known",
        "kur ir mana paka",
        Expect::Answer("order_status"),
    ),
    (
        "lv/short_typo",
        "kā atgreizt preci",
        Expect::Answer("return_item"),
    ),
    (
        "lv/long_known",
        "Labdien, pirms nedēļas pasūtīju ziemas jaku un joprojām nekā nav, kur ir mans \
         pasūtījums un kad es to saņemšu?",
        Expect::Answer("order_status"),
    ),
    ("lv/short_unknown", "laikapstākļi", Expect::Fallback),
    (
        "lv/long_unknown",
        "Sveiki, pastāstiet lūdzu, kurš vakar uzvarēja futbola spēlē starp divām Madrides \
         komandām?",
        Expect::NoAnswer,
    ),
    (
        "ru/short_known",
        "где мой заказ",
        Expect::Answer("order_status"),
    ),
    (
        "ru/short_typo",
        "где мой закз",
        Expect::Answer("order_status"),
    ),
    (
        "ru/long_known",
        "Здравствуйте, неделю назад заказала зимнюю куртку и до сих пор ничего, где мой заказ \
         и когда я его получу?",
        Expect::Answer("order_status"),
    ),
    ("ru/short_unknown", "погода", Expect::Fallback),
    (
        "ru/long_unknown",
        "Привет, расскажи кто вчера выиграл футбольный матч между двумя командами из Мадрида?",
        Expect::NoAnswer,
    ),
    // Small talk is the best match ("I have a question"): the topics are searched again
    // without the words of its nearest example.
    (
        "en/small_talk_then_topic",
        "I have a question about delivery",
        Expect::NoAnswer,
    ),
    // A pattern matches: its coverage of the message is measured word by word, and the
    // intent refines a general one (`order_status`).
    (
        "pl/order_number",
        "gdzie jest moje zamówienie 583920",
        Expect::Answer("order_status_number"),
    ),
    (
        "en/order_number_other_topic",
        "I want to cancel order 583920",
        Expect::Answer("cancel_order"),
    ),
    // Two questions: each part is ranked on its own besides the whole message, and both
    // are answered (`en/two_questions_first` is the first alone, for the ratio).
    (
        "en/two_questions",
        "where is my order? and how do I return a jacket?",
        Expect::Answer("order_status"),
    ),
    (
        "en/two_questions_first",
        "where is my order?",
        Expect::Answer("order_status"),
    ),
];

fn check(bot: &Bot, name: &str, message: &str, expect: Expect) {
    let d = bot.respond(&mut Session::new(), message);
    let top = d
        .explanation()
        .and_then(|e| e.candidates.first())
        .map(|c| c.intent.as_str());
    let ok = match expect {
        Expect::Answer(id) => d.kind() == DecisionKind::Answer && d.intent() == Some(id),
        Expect::Top(id) => top == Some(id),
        Expect::Fallback => d.kind() == DecisionKind::Fallback,
        Expect::NoAnswer => matches!(d.kind(), DecisionKind::Fallback | DecisionKind::Clarify),
    };
    assert!(
        ok,
        "{name}: {message:?} expected {expect:?}, got {:?} {:?} (top {top:?})",
        d.kind(),
        d.intent()
    );
}

fn bundled(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("intents");
    let bot = Bot::from_dir(dir).expect("bundled content compiles");
    for &(name, message, expect) in BUNDLED {
        check(&bot, name, message, expect);
    }
    let messages: Vec<&str> = BUNDLED.iter().map(|c| c.1).collect();
    let (p50, p99) = common::latency(&messages, 200, |m| {
        black_box(bot.respond(&mut Session::new(), m));
    });
    common::summary("answer.bundled.all.p50", p50.as_secs_f64() * 1e6, "us");
    common::summary("answer.bundled.all.p99", p99.as_secs_f64() * 1e6, "us");

    let mut g = c.benchmark_group("answer_bundled");
    for &(name, message, _) in BUNDLED {
        // A new session per message: each is the first message of a conversation.
        g.bench_function(name, |b| {
            b.iter(|| bot.respond(&mut Session::new(), black_box(message)))
        });
    }
    // A short question unclear on its own, right after a topic: read a second time with
    // the topic's words. The session is cloned outside the timing.
    let mut on_topic = Session::new();
    let first = bot.respond(&mut on_topic, "do you ship to Latvia?");
    assert_eq!(first.intent(), Some("delivery_abroad"));
    let follow_up = "how long does it take?";
    let d = bot.respond(&mut on_topic.clone(), follow_up);
    assert!(
        d.kind() == DecisionKind::Answer
            && d.explanation().is_some_and(|x| x.follow_up_of.is_some()),
        "{d:?}"
    );
    g.bench_function("en/follow_up", |b| {
        b.iter_batched_ref(
            || on_topic.clone(),
            |s| bot.respond(s, black_box(follow_up)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.bench_function("en/follow_up_alone", |b| {
        b.iter(|| bot.respond(&mut Session::new(), black_box(follow_up)))
    });
    g.finish();
}

/// How many CLINC150 test questions are answered per iteration.
const CLINC_SAMPLE: usize = 200;
/// The naive matcher is ~10⁴ times slower: time it on the first questions of the sample.
const NAIVE_SAMPLE: usize = 10;

fn clinc(c: &mut Criterion) {
    let Some(data) = common::load_clinc() else {
        return;
    };
    let (content, _) = data.content();
    let bot = Bot::from_content(content).expect("CLINC150 compiles");
    let sample = data.test_sample(CLINC_SAMPLE);
    assert_eq!(sample.len(), CLINC_SAMPLE);

    // Known result: accuracy of the best candidate and of answers on the fixed sample.
    let mut top1 = 0;
    let mut answered_right = 0;
    let mut answered = 0;
    for &(text, label) in &sample {
        let d = bot.respond(&mut Session::new(), text);
        let top = d.explanation().and_then(|e| e.candidates.first());
        top1 += usize::from(top.is_some_and(|t| t.intent == label));
        if d.kind() == DecisionKind::Answer {
            answered += 1;
            answered_right += usize::from(d.intent() == Some(label));
        }
    }
    let acc = top1 as f64 / sample.len() as f64;
    println!(
        "CLINC150 sample: top-1 accuracy {acc:.3}; answered {answered}/{}, {answered_right} of them right",
        sample.len()
    );
    common::summary("answer.clinc.top1_accuracy", acc, "");
    common::summary(
        "answer.clinc.answered",
        answered as f64 / sample.len() as f64,
        "",
    );
    // A floor, not the exact figure: accuracy work may raise it, nothing may lower it.
    assert!(acc >= 0.80, "CLINC150 top-1 accuracy fell to {acc:.3}");

    let (p50, p99) = common::latency(&sample, 10, |&(m, _)| {
        black_box(bot.respond(&mut Session::new(), m));
    });
    common::summary("answer.clinc.p50", p50.as_secs_f64() * 1e6, "us");
    common::summary("answer.clinc.p99", p99.as_secs_f64() * 1e6, "us");

    // The naive reference: accuracy on the whole sample, timing on its first questions.
    let examples = data.train_lowercased();
    let naive_right = sample
        .iter()
        .filter(|&&(m, label)| common::naive_match(&examples, m) == label)
        .count();
    let naive_acc = naive_right as f64 / sample.len() as f64;
    println!("naive normalised-Levenshtein matcher: top-1 accuracy {naive_acc:.3}");
    common::summary("answer.naive.top1_accuracy", naive_acc, "");
    assert!(
        naive_acc > 0.3 && naive_acc < 1.0,
        "naive accuracy {naive_acc:.3} is implausible: is the sample right?"
    );
    let (naive_p50, _) = common::latency(&sample[..NAIVE_SAMPLE], 1, |&(m, _)| {
        black_box(common::naive_match(&examples, m));
    });
    common::summary("answer.naive.p50", naive_p50.as_secs_f64() * 1e6, "us");
    common::summary(
        "answer.speedup_p50",
        naive_p50.as_secs_f64() / p50.as_secs_f64(),
        "x",
    );

    let mut g = c.benchmark_group("answer_clinc");
    g.throughput(Throughput::Elements(sample.len() as u64));
    g.bench_function("bot_200_questions", |b| {
        b.iter(|| {
            for &(m, _) in &sample {
                black_box(bot.respond(&mut Session::new(), m));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("answer_naive");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.throughput(Throughput::Elements(NAIVE_SAMPLE as u64));
    g.bench_function("levenshtein_10_questions", |b| {
        b.iter(|| {
            for &(m, _) in &sample[..NAIVE_SAMPLE] {
                black_box(common::naive_match(&examples, m));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bundled, clinc
}
criterion_main!(benches);
