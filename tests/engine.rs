//! End-to-end behaviour of the compiled bot on the bundled `intents/`.

use std::sync::OnceLock;

use faqbot::decide::EscalationReason;
use faqbot::{Bot, Decision, DecisionKind, Input, Language, Session};
use proptest::prelude::*;

fn bot() -> &'static Bot {
    static BOT: OnceLock<Bot> = OnceLock::new();
    BOT.get_or_init(|| {
        Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))
            .unwrap_or_else(|e| panic!("bundled intents must load: {e}"))
    })
}

fn ask(text: &str) -> Decision {
    bot().respond(&mut Session::new(), text)
}

fn assert_send_sync<T: Send + Sync>() {}

/// `d`, the decision on `m`, hands the customer over as asking for a human.
fn assert_human_requested(m: &str, d: Decision) {
    match d {
        Decision::Escalate(e) => assert_eq!(e.reason, EscalationReason::HumanRequested, "{m}"),
        other => panic!("{m}: expected escalation, got {other:?}"),
    }
}

#[test]
fn bot_and_session_are_send_and_sync() {
    assert_send_sync::<Bot>();
    assert_send_sync::<Session>();
    assert_send_sync::<Decision>();
}

#[test]
fn one_bot_answers_from_many_threads_with_the_same_results() {
    let messages = [
        "gdzie jest moja paczka",
        "where is my parcel",
        "kur ir mans pasutijums",
        "где мой заказ",
        "asdf qwer",
    ];
    let expected: Vec<DecisionKind> = messages.iter().map(|m| ask(m).kind()).collect();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let b = bot().clone();
            std::thread::spawn(move || {
                let mut out = Vec::new();
                for _ in 0..25 {
                    for m in messages {
                        out.push(b.respond(&mut Session::new(), m));
                    }
                }
                out
            })
        })
        .collect();
    for h in handles {
        let results = h.join().expect("thread did not panic");
        for (k, d) in results.iter().enumerate() {
            assert_eq!(d.kind(), expected[k % messages.len()]);
        }
    }
}

#[test]
fn same_input_same_decision() {
    let a = serde_json::to_string(&ask("jak zwrócić towar")).expect("json");
    let b = serde_json::to_string(&ask("jak zwrócić towar")).expect("json");
    assert_eq!(a, b);
}

#[test]
fn a_turn_does_not_depend_on_the_turns_before_it_on_the_thread() {
    // Analysis buffers are reused between turns on one thread: a long message with a
    // typo, then short ones, must decide exactly as each does on a fresh thread.
    let messages = [
        "dzień dobry, chciałbym zwrócić kurtkę, którą zamówiłem w zeszłym tygodniu, bo jest za mała i nie pasuje, ile kosztuje zwrot i jak dlugo to trwa?",
        "gdzie paczka",
        "where is my parcle",
        "",
        "где мой заказ",
    ];
    let on_fresh_thread: Vec<String> = messages
        .iter()
        .map(|m| {
            let m = m.to_string();
            std::thread::spawn(move || serde_json::to_string(&ask(&m)).expect("json"))
                .join()
                .expect("thread")
        })
        .collect();
    for (m, fresh) in messages.iter().zip(&on_fresh_thread) {
        assert_eq!(&serde_json::to_string(&ask(m)).expect("json"), fresh, "{m}");
    }
}

#[test]
fn hostile_messages_get_a_decision_without_panicking() {
    let huge = "a".repeat(1 << 20);
    let huge_words = "zamówienie ".repeat(100_000);
    let binary: String = String::from_utf8_lossy(
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>(),
    )
    .into_owned();
    let cases = [
        "",
        " ",
        "\0\0\0",
        "😀😀😀",
        "\u{202e}kcap\u{200d}",
        "zamówienie где мой заказ pasūtījums where",
        &huge,
        &huge_words,
        &binary,
        "{order_id} {{}} }{",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    ];
    for c in cases {
        let mut s = Session::new();
        let d = bot().respond(&mut s, c);
        // The same message as a follow-up of a topic.
        let mut on_topic = Session::new();
        let _ = bot().respond(&mut on_topic, "where is my parcel?");
        let f = bot().respond(&mut on_topic, c);
        assert!((0.0..=1.0).contains(&f.confidence()), "{c:.40}");
        assert!((0.0..=1.0).contains(&d.confidence()), "{c:.40}");
        assert!(serde_json::to_string(&d).is_ok());
        assert!(s
            .transcript()
            .iter()
            .all(|t| t.text.len() <= faqbot::DEFAULT_MAX_MESSAGE_BYTES));
    }
}

#[test]
fn explicit_request_for_a_human_escalates_in_four_languages() {
    for m in [
        "chcę rozmawiać z konsultantem",
        "chce rozmawiac z konsultantem",
        "real person please",
        "оператор",
        "savienojiet ar operatoru",
    ] {
        assert_human_requested(m, ask(m));
    }
}

#[test]
fn answer_comes_in_the_language_of_the_message() {
    for (m, lang) in [
        ("gdzie jest moja paczka", Language::Pl),
        ("where is my parcel", Language::En),
        ("kur ir mans pasūtījums", Language::Lv),
        ("где мой заказ", Language::Ru),
    ] {
        let d = ask(m);
        assert_eq!(d.kind(), DecisionKind::Answer, "{m}");
        assert_eq!(d.language(), lang, "{m}");
    }
}

#[test]
fn caller_can_force_the_language() {
    let d = bot().respond_with(
        &mut Session::new(),
        Input::new("where is my parcel").language(Language::Lv),
    );
    assert_eq!(d.language(), Language::Lv);
}

#[test]
fn captured_order_number_fills_the_answer() {
    let d = ask("zamówienie nr 123456 gdzie jest");
    assert_eq!(d.intent(), Some("order_status_number"));
    assert!(d.text().contains("123456"), "{}", d.text());
    assert!(!d.text().contains("{order_id}"));
}

#[test]
fn decision_explains_itself() {
    let d = ask("gdzie jest moja paczka");
    let x = d.explanation().expect("explained");
    assert!(!x.rule.is_empty());
    assert!(x.candidates.len() >= 2, "runner-up is listed");
    assert!(x.candidates[0].example.is_some());
    assert!(x.candidates[0].confidence >= x.candidates[1].confidence);
}

#[test]
fn typo_corrections_are_reported() {
    let d = ask("where is my parcle");
    let x = d.explanation().expect("explained");
    assert!(
        x.corrections
            .iter()
            .any(|c| c.from == "parcle" && c.to == "parcel"),
        "{:?}",
        x.corrections
    );
}

#[test]
fn a_message_asking_two_things_gets_both_answers_in_order() {
    let text = "where is my order? and how do I return a jakcet?";
    let mut s = Session::new();
    let d = bot().respond(&mut s, text);
    let Decision::Answer(a) = &d else {
        panic!("{d:?}")
    };
    assert_eq!(a.intent, "order_status");
    let also: Vec<&str> = a.also.iter().map(|m| m.intent.as_str()).collect();
    assert_eq!(also, ["return_item"]);
    assert!(a.also[0].also.is_empty());
    // Each answer explains its own part; corrections point into the whole message.
    assert_eq!(
        a.explanation.part.as_deref().map(str::trim),
        Some("where is my order?")
    );
    let second = &a.also[0].explanation;
    assert_eq!(
        second.part.as_deref().map(str::trim),
        Some("and how do I return a jakcet?")
    );
    let c = second
        .corrections
        .iter()
        .find(|c| c.to == "jacket")
        .expect("jakcet is corrected");
    assert_eq!(&text[c.start..c.end], "jakcet");
    // The transcript has every reply; the topic is the last question's.
    let replies: Vec<Option<&str>> = s
        .transcript()
        .iter()
        .filter(|e| e.from == faqbot::session::Speaker::Bot)
        .map(|e| e.intent.as_deref())
        .collect();
    assert_eq!(replies, [Some("order_status"), Some("return_item")]);
    assert_eq!(s.topic().map(|t| t.intent.as_str()), Some("return_item"));
    // One question with "and" in it is one answer.
    let d = ask("can I pay by card and blik?");
    assert!(
        matches!(&d, Decision::Answer(a) if a.also.is_empty()),
        "{d:?}"
    );
}

#[test]
fn a_part_unclear_on_its_own_is_asked_about_after_the_answers() {
    let text = "ile płacę za kuriera? i w ile dni dochodzi paczka";
    let mut s = Session::new();
    let d = bot().respond(&mut s, text);
    let Decision::Answer(a) = &d else {
        panic!("{d:?}")
    };
    assert_eq!(a.intent, "delivery_time");
    assert!(a.also.is_empty());
    let c = a
        .clarify
        .as_ref()
        .expect("the courier's price is asked about");
    let ids: Vec<&str> = c.options.iter().map(|o| o.intent.as_str()).collect();
    assert_eq!(ids.first(), Some(&"delivery_cost"), "{ids:?}");
    assert!(
        !ids.contains(&"delivery_time"),
        "the topic answered is not offered"
    );
    assert!(c.text.contains("Koszt dostawy"), "{}", c.text);
    assert_eq!(
        c.explanation.part.as_deref().map(str::trim),
        Some("ile płacę za kuriera?")
    );
    assert_eq!(d.options(), &c.options[..]);
    // The question is a reply of its own; its options wait for a pick, and ignoring
    // them is no miss.
    let kinds: Vec<_> = s
        .transcript()
        .iter()
        .filter(|e| e.from == faqbot::session::Speaker::Bot)
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [Some(DecisionKind::Answer), Some(DecisionKind::Clarify)]
    );
    let pending = s.pending_clarification().expect("options kept");
    assert_eq!(pending.options, ids);
    assert!(pending.after_miss);
    // The decision survives JSON.
    let json = serde_json::to_string(&d).expect("serialise");
    assert_eq!(serde_json::from_str::<Decision>(&json).expect("parse"), d);
    // A pick answers it.
    let d = bot().respond(&mut s, "1");
    assert_eq!(d.intent(), Some("delivery_cost"), "{d:?}");
}

#[test]
fn a_story_around_one_question_is_not_asked_about() {
    // The story parts would each be clarified on their own ("I won't be at this address"
    // could be change_address), but they tell, or their topic was answered.
    for (text, intent) in [
        (
            "I'm moving next week and won't be at this address, can you send the parcel to my new flat instead?",
            "change_address",
        ),
        (
            "I returned the shoes two weeks ago and nobody answers my emails. When will the money be back on my card?",
            "refund_time",
        ),
        (
            "meita pasūtīja no mana konta, un tagad nevaru pieslēgties, parole neder",
            "reset_password",
        ),
        (
            "Доставка была бесплатная и промокод сработал, но где теперь посмотреть трек-номер посылки?",
            "track_order",
        ),
        ("какой у вас адрес и номер телефона?", "contact"),
    ] {
        let d = ask(text);
        let Decision::Answer(a) = &d else {
            panic!("{text}: {d:?}")
        };
        assert_eq!(a.intent, intent, "{text}");
        assert!(a.clarify.is_none() && a.also.is_empty(), "{text}: {d:?}");
    }
}

#[test]
fn a_question_tail_without_a_topic_word_is_not_asked_about() {
    // "help" is in every intent's examples: "can you help?" is about the question before
    // it, however it ranks on its own.
    let bot = Bot::from_content(content(&[
        (
            "card_arrival",
            &[
                "my new card has not arrived",
                "where is my card",
                "help with card delivery",
            ],
        ),
        (
            "pin",
            &["i forgot my pin", "pin blocked", "help with pin reset"],
        ),
        (
            "top_up",
            &["how do i top up", "top up failed", "help with top up"],
        ),
        (
            "transfer",
            &[
                "transfer not received",
                "cancel a transfer",
                "help with transfer abroad",
            ],
        ),
        (
            "fees",
            &[
                "why was i charged a fee",
                "extra fee on my statement",
                "help with fee refund",
            ],
        ),
    ]))
    .expect("valid content");
    let t = faqbot::model::Thresholds {
        answer: 0.5,
        clarify: 0.1,
        margin: 0.05,
    };
    let bot = bot.with_thresholds(t);
    // The tail is a clarification on its own…
    let tail = bot.respond(&mut Session::new(), "can you help?");
    assert_eq!(tail.kind(), DecisionKind::Clarify, "{tail:?}");
    // …and not asked about after the answer.
    let d = bot.respond(
        &mut Session::new(),
        "my new card has not arrived yet. can you help?",
    );
    let Decision::Answer(a) = &d else {
        panic!("{d:?}")
    };
    assert_eq!(a.intent, "card_arrival");
    assert!(a.clarify.is_none(), "{d:?}");
}

#[test]
fn session_survives_a_json_round_trip() {
    let mut s = Session::new();
    bot().respond(&mut s, "zamówienie 123456");
    let json = serde_json::to_string(&s).expect("serialise");
    let back: Session = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, s);
    assert_eq!(
        back.values().get("order_id").map(String::as_str),
        Some("123456")
    );
}

#[test]
fn broken_content_never_replaces_a_working_bot() {
    // A host reloads content; an error keeps the old bot.
    let dir = std::env::temp_dir().join(format!("faqbot-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/intents");
    for e in std::fs::read_dir(src).expect("intents") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, dir.join(p.file_name().expect("name"))).expect("copy");
    }
    std::fs::write(
        dir.join("zz_broken.yaml"),
        "intents:\n  - id: x\n    exampels: {}\n",
    )
    .expect("write");
    let mut live = bot().clone();
    match Bot::from_dir(&dir) {
        Ok(b) => live = b,
        Err(e) => assert!(e.to_string().contains("error"), "{e}"),
    }
    assert_eq!(live.intent_count(), bot().intent_count());
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn answering_never_panics_and_stays_in_range(text in "\\PC{0,200}") {
        let mut s = Session::new();
        let d = bot().respond(&mut s, &text);
        prop_assert!((0.0..=1.0).contains(&d.confidence()));
        if let Some(x) = d.explanation() {
            for c in &x.corrections {
                prop_assert!(c.start <= c.end && c.end <= text.len());
                prop_assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
            }
        }
    }

    /// Messages of several parts (random text and questions around sentence ends,
    /// commas and joining words): no panic, every answer's part is a piece of the
    /// message, corrections point into it, and there are at most four answers.
    #[test]
    fn messages_of_several_parts_never_panic(
        pieces in proptest::collection::vec(
            "(\\PC{0,30}|where is my order|ile kosztuje dostawa|как вернуть товар|kur ir mans pasūtījums)",
            1..7,
        ),
        seps in proptest::collection::vec("(\\? |, |\\. | and | i | и | un |\n)", 6),
    ) {
        let mut text = String::new();
        for (k, p) in pieces.iter().enumerate() {
            if k > 0 {
                text.push_str(&seps[k - 1]);
            }
            text.push_str(p);
        }
        let d = bot().respond(&mut Session::new(), &text);
        if let Decision::Answer(a) = &d {
            prop_assert!(a.also.len() < 4);
            for m in std::iter::once(a).chain(&a.also) {
                prop_assert!((0.0..=1.0).contains(&m.confidence));
                if let Some(p) = &m.explanation.part {
                    prop_assert!(text.contains(p.as_str()));
                }
                for c in &m.explanation.corrections {
                    prop_assert!(c.start <= c.end && c.end <= text.len());
                    prop_assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
                }
            }
        }
    }

    /// A conversation on a topic followed by any short messages (each may be read as a
    /// follow-up of the topic): no panic, confidences in range, and the topic's words,
    /// which grow with every follow-up, stay within the message limit.
    #[test]
    fn follow_ups_never_panic_and_the_topic_stays_bounded(
        messages in proptest::collection::vec("(\\PC{0,40}|how long|a ile to kosztuje\\?|и когда|un cik) ?", 1..12)
    ) {
        let mut s = Session::new();
        let _ = bot().respond(&mut s, "do you ship to Latvia?");
        for m in &messages {
            let d = bot().respond(&mut s, m);
            prop_assert!((0.0..=1.0).contains(&d.confidence()));
            if let Some(t) = s.topic() {
                prop_assert!(t.text.len() <= faqbot::DEFAULT_MAX_MESSAGE_BYTES);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let mut s = Session::new();
        let _ = bot().respond(&mut s, &text);
        let _ = bot().respond(&mut s, &text);
    }

    /// Messages made of the bundled phrase synonyms' words, stop words and noise, in any
    /// order: the analysis keeps its byte ranges inside the text, in order, and the
    /// bot answers without panicking.
    #[test]
    fn phrase_synonyms_keep_byte_ranges(
        words in proptest::collection::vec(
            prop_oneof![
                Just("send"), Just("SENT"), Just("back"), Just("it"), Just("them"), Just("the"),
                Just("give"), Just("sign"), Just("in"), Just("log"), Just("return"),
                Just("Zażółć"), Just("отдать"), Just("назад"), Just("wejść"), Just("na"),
                Just("konto"), Just("😀"), Just("-"),
            ],
            0..24,
        ),
        seps in proptest::collection::vec(prop_oneof![Just(" "), Just(", "), Just("  "), Just("'")], 24),
    ) {
        let text: String = words.iter().zip(&seps).flat_map(|(w, s)| [*w, *s]).collect();
        let a = faqbot::analyze::Analyzer::with_synonyms([
            (Language::En, ["return", "send back", "give back"].as_slice()),
            (Language::En, ["log in", "sign in"].as_slice()),
            (Language::Ru, ["вернуть", "отдать назад"].as_slice()),
            (Language::Pl, ["zalogować", "wejść na konto"].as_slice()),
        ]);
        for lang in [Language::En, Language::Ru, Language::Pl] {
            let mut out = faqbot::analyze::Analyzed::new();
            a.analyze(&text, lang, &mut out);
            let mut last = 0;
            for t in out.iter() {
                prop_assert!(t.start < t.end && t.end <= text.len());
                prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                prop_assert!(t.start >= last, "{text:?}: {t:?}");
                last = t.start;
            }
            let d = bot().respond_with(&mut Session::new(), Input::new(&text).language(lang));
            prop_assert!((0.0..=1.0).contains(&d.confidence()));
        }
    }
}

fn content(intents: &[(&str, &[&str])]) -> faqbot::Content {
    let mut c = faqbot::Content::default();
    c.settings.languages = vec![Language::En];
    c.settings.default_language = Language::En;
    for k in ["fallback", "clarify", "handoff", "out_of_hours"] {
        let m = match k {
            "fallback" => &mut c.settings.messages.fallback,
            "clarify" => &mut c.settings.messages.clarify,
            "handoff" => &mut c.settings.messages.handoff,
            _ => &mut c.settings.messages.out_of_hours,
        };
        m.insert(Language::En, format!("{k} text"));
    }
    for (id, examples) in intents {
        let mut i = faqbot::IntentDef::new(*id);
        i.label.insert(Language::En, id.to_string());
        i.examples.insert(
            Language::En,
            examples
                .iter()
                .map(|e| faqbot::Located::new(e.to_string()))
                .collect(),
        );
        i.answer.insert(
            Language::En,
            vec![faqbot::Located::new(format!("about {id}"))],
        );
        c.intents.push(i);
    }
    c
}

#[test]
fn content_built_in_code_compiles_and_answers() {
    let bot = Bot::from_content(content(&[
        (
            "returns",
            &[
                "how do I return an item",
                "send the product back",
                "return policy",
            ],
        ),
        (
            "hours",
            &[
                "when are you open",
                "opening hours",
                "are you open on sunday",
            ],
        ),
    ]))
    .expect("valid content");
    let d = bot.respond(&mut Session::new(), "what are your opening hours");
    assert_eq!(d.intent(), Some("hours"));
}

#[test]
fn nearly_identical_examples_of_two_intents_are_reported_as_conflicts() {
    let bot = Bot::from_content(content(&[
        (
            "returns",
            &[
                "how do I return an item",
                "send the product back",
                "return policy",
            ],
        ),
        (
            "refunds",
            &[
                "how do I return an item please",
                "money back",
                "refund status",
            ],
        ),
    ]))
    .expect("valid content");
    let conflicts = bot.conflicts(0.7);
    assert!(
        conflicts
            .iter()
            .any(|c| c.example.starts_with("how do I return")
                && c.other_example.starts_with("how do I return")),
        "{conflicts:?}"
    );
    let clean = Bot::from_content(content(&[
        (
            "returns",
            &[
                "how do I return an item",
                "send the product back",
                "return policy",
            ],
        ),
        (
            "hours",
            &[
                "when are you open",
                "opening hours",
                "are you open on sunday",
            ],
        ),
    ]))
    .expect("valid content");
    assert!(clean.conflicts(0.7).is_empty());
}

#[test]
fn synonyms_make_a_word_count_as_its_group_s_first_word() {
    let loaded = faqbot::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"));
    assert!(!loaded.has_errors());
    let with = Bot::from_content(loaded.content.clone()).expect("bundled content compiles");
    let mut plain = loaded.content;
    assert!(
        !plain.settings.synonyms.is_empty(),
        "the bundled bot.yaml declares synonyms"
    );
    plain.settings.synonyms.clear();
    let without = Bot::from_content(plain).expect("compiles without synonyms");
    // "бандероль" appears in no example; bot.yaml makes it a synonym of "посылка".
    for (text, lang) in [
        ("где моя бандероль", Language::Ru),
        ("where is my shipment", Language::En),
    ] {
        let input = || Input::new(text).language(lang);
        let a = with.respond_with(&mut Session::new(), input());
        let b = without.respond_with(&mut Session::new(), input());
        assert_eq!(a.kind(), DecisionKind::Answer, "{text}: {a:?}");
        assert_eq!(a.intent(), Some("order_status"));
        assert!(
            a.confidence() > b.confidence() + 0.05,
            "{text}: with synonyms {} vs without {}",
            a.confidence(),
            b.confidence()
        );
        let x = a.explanation().expect("explained");
        assert_eq!(x.synonyms.len(), 1, "{x:?}");
        assert!(b.explanation().unwrap().synonyms.is_empty());
    }
    // The group's own words are not reported as synonyms.
    let d = with.respond(&mut Session::new(), "где моя посылка");
    assert!(d.explanation().unwrap().synonyms.is_empty());
    // A typo of a synonym that no example uses is corrected to it (only bot.yaml has
    // "бандероль"), and answers like the word itself.
    let d = with.respond(&mut Session::new(), "где моя бандэроль");
    assert_eq!(d.intent(), Some("order_status"), "{d:?}");
    let x = d.explanation().unwrap();
    assert_eq!(x.corrections.len(), 1);
    assert_eq!(x.corrections[0].to, "бандероль");
}

#[test]
fn phrase_synonyms_read_as_their_group_s_first_entry() {
    let loaded = faqbot::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"));
    assert!(!loaded.has_errors());
    let with = Bot::from_content(loaded.content.clone()).expect("bundled content compiles");
    let mut plain = loaded.content;
    plain.settings.synonyms.clear();
    let without = Bot::from_content(plain).expect("compiles without synonyms");
    // bot.yaml: [return, send back, give back, ...], [вернуть, отдать назад, ...],
    // [zalogować, wejść na konto], [log in, sign in].
    for (text, lang, intent, phrase) in [
        (
            "can i give it back",
            Language::En,
            "return_item",
            ("give it back", "return"),
        ),
        (
            "хочу отдать назад",
            Language::Ru,
            "return_item",
            ("отдать назад", "вернуть"),
        ),
        (
            "nie mogę wejść na konto",
            Language::Pl,
            "reset_password",
            ("wejsc na konto", "zalogowac"),
        ),
    ] {
        let input = || Input::new(text).language(lang);
        let a = with.respond_with(&mut Session::new(), input());
        let b = without.respond_with(&mut Session::new(), input());
        assert_eq!(a.kind(), DecisionKind::Answer, "{text}: {a:?}");
        assert_eq!(a.intent(), Some(intent));
        assert_ne!(
            b.kind(),
            DecisionKind::Answer,
            "{text} without synonyms: {b:?}"
        );
        let x = a.explanation().expect("explained");
        assert_eq!(
            x.synonyms,
            [(phrase.0.to_string(), phrase.1.to_string())],
            "{text}"
        );
    }
    // Keywords are read through the same synonyms: return_item's keywords "return" and
    // "send back" both read as "return", match "send it back", and count once.
    let d = with.respond(&mut Session::new(), "could I send it back please");
    assert_eq!(d.intent(), Some("return_item"), "{d:?}");
    let best = &d.explanation().unwrap().candidates[0];
    assert_eq!(best.keywords, ["return"], "{best:?}");
    // The words a phrase is read as are never typo-corrected, and a phrase's stop words
    // count: "sign the form" is not "log in".
    let d = with.respond(&mut Session::new(), "how do i sign in");
    assert_eq!(d.intent(), Some("reset_password"), "{d:?}");
    assert!(d.explanation().unwrap().corrections.is_empty());
    let d = with.respond(&mut Session::new(), "where do i sign the form");
    assert!(d.explanation().unwrap().synonyms.is_empty(), "{d:?}");
    // A typo inside a phrase is corrected first ("bakc" -> "back", "отдат" -> "отдать",
    // a word that no example has: every "отдать назад" reads "вернуть"), then the phrase
    // is found; a phrase word unknown to the examples ("give") is not corrected away.
    for (text, lang, phrase) in [
        (
            "can i give it bakc",
            Language::En,
            ("give it back", "return"),
        ),
        (
            "хочу отдат назад",
            Language::Ru,
            ("отдать назад", "вернуть"),
        ),
    ] {
        let d = with.respond_with(&mut Session::new(), Input::new(text).language(lang));
        assert_eq!(d.intent(), Some("return_item"), "{text}: {d:?}");
        let x = d.explanation().unwrap();
        assert_eq!(x.corrections.len(), 1, "{text}: {x:?}");
        assert_eq!(
            x.synonyms,
            [(phrase.0.to_string(), phrase.1.to_string())],
            "{text}"
        );
    }
}

#[test]
fn an_unsure_lead_on_a_sensitive_intent_goes_to_a_human() {
    let mut c = content(&[
        (
            "lost_parcel",
            &[
                "my parcel never arrived",
                "the courier lost my parcel",
                "tracking says delivered but no parcel",
            ],
        ),
        (
            "delivery_time",
            &["how long does delivery take", "when will it be delivered"],
        ),
        (
            "opening_hours",
            &["when are you open", "opening hours on sunday"],
        ),
    ]);
    c.intents[0].department = Some("logistics".into());
    c.intents[0].sensitive = true;
    let bot = Bot::from_content(c.clone()).expect("valid content");
    let message = "the parcel never came";
    // The message leans to lost_parcel, clear of the runner-up.
    let d = bot.respond(&mut Session::new(), message);
    assert_eq!(d.intent(), Some("lost_parcel"), "{d:?}");
    let ranked = &d.explanation().expect("explained").candidates;
    let lead = ranked[0].confidence - ranked[1].confidence;
    assert!(lead >= 0.1, "{d:?}");
    // Not sure enough to answer: a person takes over, in the intent's department.
    let unsure = faqbot::model::Thresholds {
        answer: 0.99,
        clarify: 0.05,
        margin: 0.1,
    };
    let strict = bot.with_thresholds(unsure);
    let mut session = Session::new();
    match strict.respond(&mut session, message) {
        Decision::Escalate(e) => {
            assert_eq!(e.reason, EscalationReason::SensitiveTopic);
            assert_eq!(e.reason.as_str(), "sensitive_topic");
            assert_eq!(e.department, "logistics");
            assert_eq!(e.intent.as_deref(), Some("lost_parcel"));
            assert!(
                e.handoff.summary.contains("lost_parcel"),
                "{}",
                e.handoff.summary
            );
            assert!(
                e.explanation.rule.starts_with("sensitive topic"),
                "{}",
                e.explanation.rule
            );
        }
        d => panic!("expected a hand-over, got {d:?}"),
    }
    assert!(session.is_with_human());
    // The same content without the mark asks instead.
    c.intents[0].sensitive = false;
    let plain = Bot::from_content(c).expect("valid").with_thresholds(unsure);
    assert_eq!(
        plain.respond(&mut Session::new(), message).kind(),
        DecisionKind::Clarify
    );
    // A margin the lead does not reach: other topics are as plausible, so it asks too.
    let close = bot.with_thresholds(faqbot::model::Thresholds {
        margin: lead + 0.01,
        ..unsure
    });
    assert_eq!(
        close.respond(&mut Session::new(), message).kind(),
        DecisionKind::Clarify
    );
}

/// A bot with a human phrase ("real person", "consultant"), a topic whose examples name a
/// person, a topic whose examples do not, and a human-only intent.
fn mention_bot() -> Bot {
    let mut c = content(&[
        (
            "bot_identity",
            &[
                "are you a bot",
                "am I talking to a bot or a real person",
                "who are you",
            ],
        ),
        (
            "hours",
            &[
                "when are you open",
                "opening hours",
                "when do your consultants work",
            ],
        ),
        (
            "delivery",
            &["how long does delivery take", "when will my parcel arrive"],
        ),
        (
            "talk_to_human",
            &["I want to talk to a person", "connect me with staff"],
        ),
    ]);
    c.intents
        .iter_mut()
        .find(|i| i.id.value == "talk_to_human")
        .expect("defined above")
        .human_only = true;
    c.settings.escalation.human_phrases.insert(
        Language::En,
        vec![
            faqbot::Located::new("real person".to_string()),
            faqbot::Located::new("consultant".to_string()),
            faqbot::Located::new("manager".to_string()),
        ],
    );
    Bot::from_content(c).expect("valid content")
}

#[test]
fn a_human_phrase_an_answered_example_has_is_a_mention_not_a_request() {
    let bot = mention_bot();
    let ask = |m: &str| bot.respond(&mut Session::new(), m);
    // The nearest example of the answered topic has the phrase: answered.
    for (m, intent) in [
        ("am I talking to a bot or a real person?", "bot_identity"),
        ("when do your consultants work", "hours"),
        // Another human phrase than the example's: the example names a person all the
        // same.
        ("when do your managers work", "hours"),
    ] {
        let d = ask(m);
        assert_eq!(d.intent(), Some(intent), "{m}: {d:?}");
        assert_eq!(d.kind(), DecisionKind::Answer, "{m}");
    }
    // The phrase alone, in a clause of its own, where no example of the topic has it, or
    // where nothing is answered: a request.
    for m in [
        "real person please",
        "consultant",
        "a consultant: how long does delivery take",
        "I want a real person, are you a bot",
        "are you a bot? real person please",
        // Delivery is answered, but none of its examples names a person.
        "manager, how long does delivery take",
        "can a manager tell me how long delivery takes",
    ] {
        assert_human_requested(m, ask(m));
    }
}
