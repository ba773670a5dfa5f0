//! Rendering decisions for the terminal and as flat JSON.

use std::fmt::Write as _;

use faqbot::decide::Explanation;
use faqbot::Decision;
use serde_json::{json, Map, Value};

/// One JSON object per decision. Every object has the keys `kind`, `intent`,
/// `confidence`, `text`, `language`, `options`, `reason` and `department` (null or empty
/// where they do not apply), plus the fields of its kind; `explanation` only on request.
pub(crate) fn flat_json(d: &Decision, explain: bool) -> Value {
    let mut obj: Map<String, Value> = match serde_json::to_value(d) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let common = json!({
        "kind": d.kind().as_str(),
        "intent": d.intent(),
        "confidence": (f64::from(d.confidence()) * 1000.0).round() / 1000.0,
        "text": d.text(),
        "language": d.language().code(),
    });
    if let Value::Object(c) = common {
        for (k, v) in c {
            obj.insert(k, v);
        }
    }
    // An answer's question about another part of the message offers its options here too.
    obj.entry("options")
        .or_insert_with(|| serde_json::to_value(d.options()).unwrap_or_else(|_| json!([])));
    obj.entry("reason").or_insert(Value::Null);
    obj.entry("department").or_insert(Value::Null);
    if !explain {
        obj.remove("explanation");
        if let Some(Value::Array(also)) = obj.get_mut("also") {
            for a in also {
                if let Value::Object(a) = a {
                    a.remove("explanation");
                }
            }
        }
        if let Some(Value::Object(c)) = obj.get_mut("clarify") {
            c.remove("explanation");
        }
    }
    Value::Object(obj)
}

/// A human-readable rendering.
pub(crate) fn plain(d: &Decision, explain: bool) -> String {
    let mut s = String::new();
    let head = match d {
        Decision::Answer(a) => format!(
            "[answer {} {:.2} {}{}]",
            a.intent,
            a.confidence,
            a.language,
            if a.language_fallback {
                " (no translation)"
            } else {
                ""
            }
        ),
        Decision::Clarify(c) => format!("[clarify {:.2} {}]", c.confidence, c.language),
        Decision::Escalate(e) => format!(
            "[escalate {} -> {}{}]",
            e.reason.as_str(),
            e.department,
            if e.agents_available {
                ""
            } else {
                ", out of hours"
            }
        ),
        Decision::Fallback(f) => format!(
            "[fallback {:.2} {} miss {}]",
            f.confidence, f.language, f.misses
        ),
        Decision::Human(_) => {
            "[human: an agent has this conversation; the bot stays quiet]".to_string()
        }
    };
    let _ = writeln!(s, "{head}");
    if !d.text().is_empty() {
        let _ = writeln!(s, "{}", d.text());
    }
    match d {
        Decision::Answer(a) if !a.follow_ups.is_empty() => {
            let labels: Vec<&str> = a.follow_ups.iter().map(|f| f.label.as_str()).collect();
            let _ = writeln!(s, "  see also: {}", labels.join(" / "));
        }
        Decision::Clarify(_) | Decision::Fallback(_) => {
            for (k, o) in d.options().iter().enumerate() {
                let _ = writeln!(s, "  {}. {} ({})", k + 1, o.label, o.intent);
            }
        }
        Decision::Escalate(e) => {
            if let Some(n) = &e.next_available {
                let _ = writeln!(s, "  next available: {n}");
            }
            for a in &e.alternatives {
                let _ = writeln!(s, "  - {a}");
            }
            let _ = writeln!(s, "  handoff: {}", e.handoff.summary);
        }
        _ => {}
    }
    if explain {
        if let Some(x) = d.explanation() {
            s.push_str(&explain_tree(x));
        }
    }
    // The answers to the message's other questions, each as a reply of its own, then
    // the question about an unclear one.
    if let Decision::Answer(a) = d {
        for more in &a.also {
            s.push_str(&plain(&Decision::Answer(more.clone()), explain));
        }
        if let Some(c) = &a.clarify {
            s.push_str(&plain(&Decision::Clarify((**c).clone()), explain));
        }
    }
    s
}

fn explain_tree(x: &Explanation) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  why: {}", x.rule);
    if let (Some(l), Some(src)) = (x.language, x.language_source) {
        let _ = writeln!(s, "  language: {l} ({src:?})");
    }
    let _ = writeln!(s, "  words: {}", x.tokens.join(" "));
    for c in &x.corrections {
        let _ = writeln!(s, "  typo: {} -> {} ({} edit(s))", c.from, c.to, c.distance);
    }
    for (from, to) in &x.synonyms {
        let _ = writeln!(s, "  synonym: {from} -> {to}");
    }
    for r in &x.rejected {
        let _ = writeln!(s, "  not wanted (left out of the search): \"{r}\"");
    }
    if let Some(part) = &x.part {
        let _ = writeln!(
            s,
            "  part: \"{}\" (one of the message's questions)",
            part.trim()
        );
    }
    if let Some(earlier) = &x.follow_up_of {
        let _ = writeln!(
            s,
            "  follow-up: read with the topic's words \"{earlier}\" (candidates below are of the message alone)"
        );
    }
    for (k, c) in x.candidates.iter().enumerate() {
        let role = match k {
            0 => "best",
            1 => "runner-up",
            _ => "also",
        };
        let _ = write!(
            s,
            "  {role}: {} {:.3} (example {:.2}, intent {:.2}",
            c.intent, c.confidence, c.example_similarity, c.intent_similarity
        );
        if c.contrast != 0.0 {
            let _ = write!(s, ", contrast {:.3}", c.contrast);
        }
        if c.evidence_factor < 1.0 {
            let _ = write!(s, ", evidence factor {:.2}", c.evidence_factor);
        }
        if !c.keywords.is_empty() {
            let _ = write!(s, ", keywords {}", c.keywords.join(", "));
        }
        if let Some(g) = &c.in_place_of {
            let _ = write!(s, ", in place of {g} (its values known)");
        }
        if c.pattern {
            let _ = write!(
                s,
                ", pattern covering {:.0}% of the message",
                100.0 * c.pattern_coverage
            );
        }
        let _ = writeln!(s, ")");
        if let Some(e) = &c.example {
            let _ = writeln!(s, "      nearest example: \"{e}\"");
        }
    }
    s
}
