//! Embedding faqbot in a chat backend: one compiled bot shared by all conversations,
//! one `Session` per customer, stored by the host between messages.
//!
//! Run: `cargo run --example embed`

use std::collections::HashMap;

use faqbot::{Bot, Decision, Input, Session};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // All validation happens here; a broken file is reported with file:line:column.
    let bot = Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))?;

    // The host owns the sessions (here a map; in production Redis or a database row,
    // since `Session` is serde-serialisable).
    let mut sessions: HashMap<&str, Session> = HashMap::new();
    let now: jiff::Timestamp = "2026-11-24T10:15:00+01:00".parse()?;

    let incoming = [
        ("anna", "dzień dobry, gdzie jest moja paczka?"),
        ("anna", "tak"),
        ("john", "how much is delivery to Riga"),
        ("john", "can I pay by card? and how do I return shoes?"),
        ("anna", "chcę rozmawiać z konsultantem"),
        ("anna", "halo?"),
    ];
    for (customer, text) in incoming {
        let session = sessions.entry(customer).or_default();
        let decision = bot.respond_with(session, Input::new(text).now(now));
        match &decision {
            Decision::Answer(a) => {
                println!("{customer}> {text}\n  bot [{}]: {}", a.intent, a.text);
                // A message asking several things gets one answer per question.
                for more in &a.also {
                    println!("  bot [{}]: {}", more.intent, more.text);
                }
            }
            Decision::Clarify(c) => println!("{customer}> {text}\n  bot asks: {}", c.text),
            Decision::Escalate(e) => {
                println!(
                    "{customer}> {text}\n  bot hands over to {}: {}",
                    e.department, e.text
                );
                // What the agent's console receives:
                println!("  handoff summary: {}", e.handoff.summary);
            }
            Decision::Fallback(f) => println!("{customer}> {text}\n  bot: {}", f.text),
            Decision::Human(_) => println!("{customer}> {text}\n  (routed to the human agent)"),
        }
    }
    // The agent is done: the bot may answer again.
    if let Some(s) = sessions.get_mut("anna") {
        s.hand_back();
    }
    // Decisions serialise to JSON for the widget.
    let d = bot.respond(sessions.entry("anna").or_default(), "dziękuję!");
    println!("{}", serde_json::to_string_pretty(&d)?);
    Ok(())
}
