//! `report::unanswered` on the bundled `intents/`: what is counted, what is grouped.

use faqbot::report::{self, Unanswered};
use faqbot::{Bot, DecisionKind, Input, Language, Session};

fn bot() -> Bot {
    Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))
        .unwrap_or_else(|e| panic!("bundled intents must load: {e}"))
}

fn run(bot: &Bot, log: &[&str]) -> Unanswered {
    report::unanswered(bot, log.iter().map(|m| Input::new(m)))
}

fn kind(bot: &Bot, text: &str) -> DecisionKind {
    bot.respond(&mut Session::new(), text).kind()
}

#[test]
fn answered_and_escalated_messages_are_counted_not_listed() {
    let bot = bot();
    // Preconditions, so that the counts below test the report and not the content.
    assert_eq!(kind(&bot, "gdzie jest moja paczka"), DecisionKind::Answer);
    assert_eq!(
        kind(&bot, "I want to talk to a human"),
        DecisionKind::Escalate
    );
    assert_eq!(kind(&bot, "do you sell gift boxes"), DecisionKind::Fallback);
    let r = run(
        &bot,
        &[
            "gdzie jest moja paczka",
            "",
            "   ",
            "I want to talk to a human",
            "do you sell gift boxes",
        ],
    );
    assert_eq!(r.messages, 3);
    assert_eq!((r.answered, r.escalated), (1, 1));
    assert_eq!(r.clarified + r.fallback, 1);
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.groups[0].messages[0].text, "do you sell gift boxes");
}

#[test]
fn repeats_inflections_and_typos_land_in_one_group_largest_first() {
    let bot = bot();
    let log = [
        "can i get gift wrapping",
        "do you sell gift cards",
        "Do you sell gift cards?",
        "do you sell a gift card",
        "do you sel gift cards",
        "can I get gift wrapping please",
        "do you sell gift cards",
    ];
    for m in log {
        assert_ne!(kind(&bot, m), DecisionKind::Answer, "{m}");
    }
    let r = run(&bot, &log);
    assert_eq!(r.messages, 7);
    assert_eq!(r.clarified + r.fallback, 7);
    let sizes: Vec<usize> = r.groups.iter().map(|g| g.count).collect();
    assert_eq!(sizes, vec![5, 2], "{r:#?}");
    let cards = &r.groups[0];
    // Exact repeats and case/punctuation variants are one distinct message.
    assert_eq!(cards.messages[0].text, "do you sell gift cards");
    assert_eq!(cards.messages[0].count, 3);
    assert_eq!(cards.language, Language::En);
    assert!(!cards.nearest.is_empty());
    assert_eq!(
        cards.nearest.iter().map(|n| n.count).sum::<usize>(),
        5,
        "every message has a best candidate"
    );
}

#[test]
fn languages_and_garbage_do_not_mix() {
    let bot = bot();
    let log = [
        "czy macie bony podarunkowe",
        "czy macie bon podarunkowy",
        "у вас есть подарочные карты",
        "\u{0}\u{1}\u{fffd}",
        "zzzz qqqq",
    ];
    for m in &log[..3] {
        assert_ne!(kind(&bot, m), DecisionKind::Answer, "{m}");
    }
    let r = run(&bot, &log);
    assert_eq!(r.messages, 5);
    let unanswered = r.clarified + r.fallback;
    assert_eq!(r.groups.iter().map(|g| g.count).sum::<usize>(), unanswered);
    // The two Polish inflections group together; Russian and garbage stay apart.
    let pl: Vec<_> = r
        .groups
        .iter()
        .filter(|g| g.language == Language::Pl && g.messages.len() == 2)
        .collect();
    assert_eq!(pl.len(), 1, "{r:#?}");
    assert!(r.groups.iter().any(|g| g.language == Language::Ru));
}

#[test]
fn words_the_content_does_not_know_are_counted_per_message() {
    let bot = bot();
    let r = run(
        &bot,
        &[
            "do you sell gift boxes",
            "do you sell gift boxes",
            // "pleese" is a typo of a known word: not reported.
            "can i get gift wrapping pleese",
            // Answered: its words are not looked at.
            "gdzie jest moja paczka",
            // "give" is in no example, but in a phrase synonym ("give back"): the editor
            // knows it.
            "could you give me gift wrapping",
        ],
    );
    let words: Vec<(&str, usize)> = r
        .unknown_words
        .iter()
        .map(|w| (w.word.as_str(), w.count))
        .collect();
    // "sell" is a real word the content lacks, not a typo of "fell" (four-letter words
    // are corrected only by a swap).
    assert_eq!(
        words,
        vec![("gift", 4), ("sell", 2), ("wrapping", 2)],
        "{r:#?}"
    );
    assert!(r.unknown_words.iter().all(|w| w.language == Language::En));
}

#[test]
fn an_unknown_word_standing_where_a_known_one_stands_gets_it_as_a_suggestion() {
    let bot = bot();
    // "consignment" is in no example; "where is my order" is one (order_status). ("Where
    // is my consignment" itself is answered order_status since "where is my stuff" became
    // an example.)
    let log = [
        "where is the consignment",
        "where is the consignment",
        "what happened to my consignment",
        "how long does a consignment take",
    ];
    let r = run(&bot, &log);
    assert_eq!(r.answered, 0, "{r:#?}");
    let w = &r.unknown_words[0];
    assert_eq!((w.word.as_str(), w.count), ("consignment", 4));
    assert_eq!(w.in_place_of.as_deref(), Some("order"), "{r:#?}");
    // One message is not enough to suggest anything.
    let r = run(&bot, &log[..1]);
    assert_eq!(r.unknown_words[0].in_place_of, None);
}

#[test]
fn conversations_are_replayed_with_one_session_each() {
    use faqbot::report::LogMessage;
    let bot = bot();
    // Preconditions: as a first message, a bare "1" is not understood, the jacket
    // message gets a clarification and "hello?" a greeting.
    assert_eq!(kind(&bot, "1"), DecisionKind::Fallback);
    assert_eq!(
        kind(&bot, "i want to send back a jacket, its too small"),
        DecisionKind::Clarify
    );
    assert_eq!(kind(&bot, "hello?"), DecisionKind::Answer);
    let log: [(Option<&str>, &str); 9] = [
        (Some("a"), "i want to send back a jacket, its too small"),
        (Some("b"), "I want to talk to a human"),
        (Some("a"), "1"),
        (Some("b"), "hello?"),
        (None, "1"),
        (Some("c"), "do you sell gift boxes"),
        (Some("c"), "xyzzy plugh"),
        (Some("c"), "do you sell gift boxes please"),
        (Some("c"), "hello?"),
    ];
    let input = |(c, m): &(Option<&'static str>, &'static str)| LogMessage {
        input: Input::new(m).language(Language::En),
        conversation: *c,
        handback: false,
    };
    let r = report::unanswered_in_conversations(&bot, log.iter().map(input));
    assert_eq!((r.messages, r.conversations), (9, 4));
    // "1" in conversation a picks the first option of the clarification.
    assert_eq!(r.answered, 1, "{r:?}");
    assert_eq!(r.clarified, 1);
    // b asked for a human; c was handed over after three misses in a row.
    assert_eq!(r.escalated, 2);
    // "hello?" after the hand-over, in b and in c.
    assert_eq!(r.with_human, 2);
    // The lone "1", the gift boxes twice and "xyzzy plugh"; the message handed over
    // after repeated misses is grouped as not understood.
    assert_eq!(r.fallback, 3);
    let grouped: usize = r.groups.iter().map(|g| g.count).sum();
    assert_eq!(grouped, 5, "{:?}", r.groups);
    let gift = r
        .groups
        .iter()
        .find(|g| g.words.contains(&"gift".to_string()))
        .expect("a gift card group");
    assert_eq!((gift.count, gift.fallback), (2, 2), "{gift:?}");

    // The same log read as first messages: nothing is a reply, nobody is handed over
    // twice.
    let firsts = report::unanswered(&bot, log.iter().map(|x| input(x).input));
    assert_eq!((firsts.messages, firsts.conversations), (9, 9));
    assert_eq!(firsts.with_human, 0);
    assert_eq!(firsts.answered, 2, "{firsts:?}");
}

#[test]
fn a_log_of_records_replays_to_the_decisions_it_recorded() {
    use faqbot::report::LogRecord;
    let bot = bot();
    let at: jiff::Timestamp = "2026-11-24T10:00:00Z".parse().expect("time");
    // Two interleaved conversations, as a host logs them.
    // "/handback": the agent gives conversation b back to the bot.
    let chat: [(&str, &str); 9] = [
        ("a", "i want to send back a jacket, its too small"),
        ("b", "do you sell gift cards"),
        ("a", "1"),
        ("b", "czy mogę zapłacić kryptowalutą"),
        ("b", "I want to talk to a human"),
        ("b", "hello?"),
        ("a", "dziękuję"),
        ("b", "/handback"),
        ("b", "gdzie jest moja paczka"),
    ];
    let mut sessions = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for (c, text) in chat {
        let session = sessions.entry(c).or_insert_with(Session::new);
        let record = if text == "/handback" {
            session.hand_back();
            LogRecord::handback(c, Some(at))
        } else {
            let d = bot.respond_with(session, Input::new(text).now(at));
            LogRecord::new(Some(c), text, &d, Some(at))
        };
        lines.push(serde_json::to_string(&record).expect("serialises"));
    }
    let records: Vec<LogRecord> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("reads back"))
        .collect();
    assert_eq!(
        records[2].intent.as_deref(),
        Some("return_item"),
        "{:?}",
        records[2]
    );
    assert_eq!(records[0].at, Some(at));
    let r = report::unanswered_in_conversations(&bot, records.iter().map(LogRecord::message));
    let recorded = |k: DecisionKind| records.iter().filter(|r| r.decision == Some(k)).count();
    assert_eq!(r.conversations, 2);
    assert_eq!(r.answered, recorded(DecisionKind::Answer), "{r:?}");
    assert_eq!(r.clarified, recorded(DecisionKind::Clarify));
    assert_eq!(r.escalated, recorded(DecisionKind::Escalate));
    assert_eq!(r.with_human, recorded(DecisionKind::Human));
    assert_eq!(r.with_human, 1);
    assert_eq!(r.fallback, recorded(DecisionKind::Fallback));
    // The hand-back is a line of its own, not a message; after it the bot answers b
    // again, in the replay as in the chat.
    assert!(
        records[7].handback && records[7].text.is_empty(),
        "{}",
        lines[7]
    );
    assert_eq!(
        records[8].decision,
        Some(DecisionKind::Answer),
        "{:?}",
        records[8]
    );
    assert_eq!(r.messages, 8);
}

#[test]
fn a_hand_over_on_a_sensitive_topic_is_counted_and_grouped_like_a_clarification() {
    let bot = bot();
    let unsure = "kurier twierdzi że doręczył";
    // Precondition: parcel_not_received is sensitive and the bot is not sure of it.
    match bot.respond(&mut Session::new(), unsure) {
        faqbot::Decision::Escalate(e) => {
            assert_eq!(e.reason, faqbot::decide::EscalationReason::SensitiveTopic)
        }
        d => panic!("expected a hand-over, got {d:?}"),
    }
    let r = run(&bot, &[unsure, unsure, "I want to talk to a human"]);
    assert_eq!((r.escalated, r.clarified, r.fallback), (3, 0, 0));
    // The asked-for human is not listed; the unsure sensitive topic is, with its intent.
    assert_eq!(r.groups.len(), 1, "{r:#?}");
    let g = &r.groups[0];
    assert_eq!((g.count, g.fallback), (2, 0));
    assert_eq!(g.nearest[0].intent, "parcel_not_received");
}
