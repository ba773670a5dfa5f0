//! Shared by the benches (and by `tests/alloc_count.rs`): content builders for CLINC150
//! and for synthetic bots, a small seeded PRNG, and the naive reference matcher.
//!
//! Nothing here touches the network or anything outside the repository: CLINC150 is read
//! from `benches/data/clinc150.jsonl` when that file exists, and the CLINC benches are
//! skipped with a printed note when it does not.

// Each bench uses a different subset of these helpers; unused ones would otherwise warn
// in every bench binary that includes this module.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use faqbot::{Content, IntentDef, Language, Located, Settings};

// ---------------------------------------------------------------------------------------
// Settings shared by the code-built bots.

/// English-only settings with every bot message filled in, as validation requires.
pub fn english_settings() -> Settings {
    let mut s = Settings {
        languages: vec![Language::En],
        default_language: Language::En,
        ..Settings::default()
    };
    let m = &mut s.messages;
    m.fallback
        .insert(Language::En, "Sorry, I did not understand.".into());
    m.clarify.insert(Language::En, "Did you mean:".into());
    m.handoff
        .insert(Language::En, "Passing you to a colleague.".into());
    m.out_of_hours
        .insert(Language::En, "We are back {next_available}.".into());
    s
}

/// The key validation uses to find duplicate examples (the library's own rule, so the two
/// can never disagree). Duplicates are dropped before building, since they are a build error.
pub fn dedup_key(s: &str) -> String {
    faqbot::validate::example_key(s)
}

fn english_intent(id: &str, examples: Vec<String>) -> IntentDef {
    let mut def = IntentDef::new(id);
    def.label.insert(Language::En, id.replace('_', " "));
    def.answer.insert(
        Language::En,
        vec![Located::new(format!("Answer for {id}."))],
    );
    def.examples.insert(
        Language::En,
        examples.into_iter().map(Located::new).collect(),
    );
    def
}

// ---------------------------------------------------------------------------------------
// CLINC150.

/// One line of `clinc150.jsonl`.
#[derive(Clone, Debug)]
pub struct ClincRow {
    pub text: String,
    pub intent: String,
    pub split: String,
}

/// CLINC150, as read from the repository.
#[derive(Clone, Debug)]
pub struct Clinc {
    pub rows: Vec<ClincRow>,
}

/// Where the benches look for CLINC150 (added to the repository with the accuracy work).
pub fn clinc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/data/clinc150.jsonl")
}

/// Reads CLINC150, or prints why the CLINC benches are skipped and returns `None`.
pub fn load_clinc() -> Option<Clinc> {
    let path = clinc_path();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            println!(
                "note: CLINC150 benches skipped: cannot read {} ({e})",
                path.display()
            );
            return None;
        }
    };
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}:{}: bad JSON: {e}", path.display(), n + 1));
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        if field("lang") != "en" {
            continue;
        }
        rows.push(ClincRow {
            text: field("text"),
            intent: field("intent"),
            split: field("split"),
        });
    }
    Some(Clinc { rows })
}

impl Clinc {
    /// The 150 in-scope labels in first-seen order of the training split.
    pub fn labels(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for r in &self.rows {
            if r.split == "train" && r.intent != "oos" && seen.insert(r.intent.as_str()) {
                out.push(r.intent.as_str());
            }
        }
        out
    }

    /// Content built in code: one English intent per label (except `oos`), whose examples
    /// are that label's training questions. Returns the content and how many duplicate
    /// questions were dropped (CLINC150 has a dozen; the bot rejects duplicates).
    pub fn content(&self) -> (Content, usize) {
        let labels = self.labels();
        let mut per_label: Vec<Vec<String>> = vec![Vec::new(); labels.len()];
        let pos: std::collections::HashMap<&str, usize> =
            labels.iter().enumerate().map(|(i, l)| (*l, i)).collect();
        let mut seen = HashSet::new();
        let mut dropped = 0;
        for r in &self.rows {
            if r.split != "train" {
                continue;
            }
            let Some(&i) = pos.get(r.intent.as_str()) else {
                continue;
            };
            if seen.insert(dedup_key(&r.text)) {
                per_label[i].push(r.text.clone());
            } else {
                dropped += 1;
            }
        }
        let intents = labels
            .iter()
            .zip(per_label)
            .map(|(l, ex)| english_intent(l, ex))
            .collect();
        (
            Content {
                settings: english_settings(),
                intents,
            },
            dropped,
        )
    }

    /// A fixed sample of `n` in-scope test questions, evenly spread over the test split
    /// (which is grouped by label, so the sample covers many labels).
    pub fn test_sample(&self, n: usize) -> Vec<(&str, &str)> {
        let test: Vec<&ClincRow> = self
            .rows
            .iter()
            .filter(|r| r.split == "test" && r.intent != "oos")
            .collect();
        let n = n.min(test.len());
        (0..n)
            .map(|k| {
                let r = test[k * test.len() / n];
                (r.text.as_str(), r.intent.as_str())
            })
            .collect()
    }

    /// Training examples as (lowercased text, label), for the naive matcher.
    pub fn train_lowercased(&self) -> Vec<(String, &str)> {
        self.rows
            .iter()
            .filter(|r| r.split == "train" && r.intent != "oos")
            .map(|r| (r.text.to_lowercase(), r.intent.as_str()))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// The naive reference: what a developer would write by hand.

/// Compares the lowercased message with every example by normalised Levenshtein
/// similarity and returns the label of the best one (first one on ties).
pub fn naive_match<'a>(examples: &[(String, &'a str)], message: &str) -> &'a str {
    let m = message.to_lowercase();
    let mut best = (-1.0f64, "");
    for (ex, label) in examples {
        let s = strsim::normalized_levenshtein(&m, ex);
        if s > best.0 {
            best = (s, label);
        }
    }
    best.1
}

// ---------------------------------------------------------------------------------------
// A small seeded PRNG (SplitMix64): deterministic on every platform, no `rand` needed.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant for content generation.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

// ---------------------------------------------------------------------------------------
// Synthetic bots.
//
// Each intent is a (verb, object) pair that no other intent has, plus three modifiers and
// a product name of its own (a pseudo-word made of syllables, like the model and brand
// names of a large catalogue: the vocabulary of real content grows with its size).
// Examples combine these in sentence templates with shared fillers, so intents overlap in
// vocabulary the way real FAQ topics do ("cancel my subscription" / "cancel my order" /
// "renew my subscription") without being copies of one intent. Every example contains its
// intent's verb and object, so no two intents can share an example.

const VERBS: &[&str] = &[
    "cancel",
    "change",
    "update",
    "reset",
    "track",
    "return",
    "refund",
    "book",
    "renew",
    "activate",
    "deactivate",
    "transfer",
    "pay",
    "upgrade",
    "downgrade",
    "replace",
    "repair",
    "install",
    "configure",
    "connect",
    "disconnect",
    "verify",
    "confirm",
    "schedule",
    "reschedule",
    "postpone",
    "extend",
    "report",
    "dispute",
    "check",
    "find",
    "download",
    "upload",
    "print",
    "share",
    "export",
    "import",
    "delete",
    "remove",
    "add",
    "register",
    "unlock",
    "lock",
    "block",
    "unblock",
    "freeze",
    "unfreeze",
    "close",
    "open",
    "claim",
    "redeem",
    "apply",
    "submit",
    "withdraw",
    "deposit",
    "exchange",
    "convert",
    "compare",
    "recommend",
    "subscribe",
    "unsubscribe",
    "rent",
    "lease",
    "sell",
    "buy",
    "ship",
    "deliver",
    "collect",
    "insure",
    "split",
    "merge",
    "rename",
    "restore",
    "recover",
    "sync",
    "charge",
    "recharge",
    "clean",
    "wash",
    "inspect",
    "measure",
    "weigh",
    "pack",
    "unpack",
    "assemble",
    "dismantle",
    "paint",
    "polish",
    "sharpen",
    "adjust",
    "calibrate",
    "test",
    "approve",
    "reject",
    "appeal",
    "sign",
    "scan",
    "fax",
    "mail",
    "translate",
    "transcribe",
    "reserve",
    "relocate",
    "store",
    "donate",
    "recycle",
    "dispose",
    "borrow",
    "lend",
    "finance",
    "prepay",
    "quote",
    "estimate",
    "appraise",
    "certify",
    "license",
    "patent",
    "trademark",
    "publish",
    "archive",
    "audit",
    "review",
    "rate",
    "tag",
    "label",
    "sort",
    "filter",
    "stream",
    "record",
    "mute",
];

const OBJECTS: &[&str] = &[
    "account",
    "password",
    "card",
    "invoice",
    "parcel",
    "subscription",
    "router",
    "laptop",
    "phone",
    "tablet",
    "printer",
    "camera",
    "ticket",
    "flight",
    "hotel",
    "room",
    "car",
    "bike",
    "scooter",
    "insurance",
    "policy",
    "loan",
    "mortgage",
    "payment",
    "voucher",
    "coupon",
    "gift",
    "membership",
    "profile",
    "address",
    "email",
    "newsletter",
    "order",
    "basket",
    "cart",
    "wishlist",
    "photo",
    "video",
    "song",
    "playlist",
    "album",
    "podcast",
    "magazine",
    "course",
    "lesson",
    "exam",
    "certificate",
    "diploma",
    "passport",
    "visa",
    "licence",
    "permit",
    "contract",
    "pension",
    "salary",
    "bonus",
    "tax",
    "receipt",
    "statement",
    "balance",
    "budget",
    "wallet",
    "pin",
    "token",
    "key",
    "door",
    "window",
    "boiler",
    "heater",
    "fridge",
    "freezer",
    "oven",
    "microwave",
    "dishwasher",
    "dryer",
    "vacuum",
    "mattress",
    "sofa",
    "chair",
    "desk",
    "lamp",
    "curtain",
    "carpet",
    "tile",
    "roof",
    "fence",
    "garden",
    "lawn",
    "pool",
    "garage",
    "driveway",
    "battery",
    "charger",
    "cable",
    "adapter",
    "headphones",
    "speaker",
    "television",
    "projector",
    "monitor",
    "keyboard",
    "mouse",
    "drive",
    "server",
    "website",
    "domain",
    "mailbox",
    "firewall",
    "antivirus",
    "app",
    "plugin",
    "theme",
    "template",
    "font",
    "logo",
    "banner",
    "flyer",
    "poster",
    "brochure",
    "catalogue",
    "menu",
    "recipe",
    "meal",
    "dinner",
    "breakfast",
    "lunch",
    "snack",
    "drink",
    "coffee",
    "tea",
    "wine",
    "beer",
    "juice",
    "cake",
    "pizza",
    "sandwich",
    "salad",
    "soup",
    "vitamin",
    "medicine",
    "prescription",
    "appointment",
    "vaccine",
    "checkup",
    "dentist",
    "glasses",
    "lens",
    "hearing",
    "wheelchair",
    "crutch",
    "stroller",
    "crib",
    "toy",
    "puzzle",
    "game",
    "console",
    "controller",
    "joystick",
    "guitar",
    "piano",
    "violin",
    "drum",
    "microphone",
    "amplifier",
    "tent",
    "sleeping",
    "backpack",
    "suitcase",
    "umbrella",
    "jacket",
    "coat",
    "shirt",
    "trousers",
    "dress",
    "skirt",
    "shoes",
    "boots",
    "sandals",
    "socks",
    "hat",
    "scarf",
    "gloves",
    "belt",
    "watch",
    "ring",
    "necklace",
    "bracelet",
    "earrings",
    "perfume",
    "shampoo",
    "soap",
    "towel",
    "blanket",
    "pillow",
    "sheet",
    "duvet",
    "plant",
    "flower",
    "seed",
    "fertiliser",
    "mower",
    "drill",
    "saw",
    "hammer",
    "ladder",
    "brush",
    "roller",
    "glue",
    "screw",
    "nail",
    "bolt",
    "pipe",
    "tap",
    "sink",
    "toilet",
    "shower",
    "bath",
    "mirror",
    "shelf",
    "wardrobe",
    "drawer",
    "cupboard",
    "bed",
    "pet",
    "dog",
    "cat",
    "aquarium",
    "cage",
    "leash",
    "collar",
    "bowl",
    "kennel",
    "parking",
    "fuel",
    "tyre",
    "engine",
    "brake",
    "wiper",
    "seatbelt",
    "trailer",
    "caravan",
    "boat",
    "kayak",
    "ski",
    "snowboard",
    "helmet",
    "bicycle",
    "treadmill",
    "dumbbell",
    "yoga",
    "gym",
    "pass",
    "season",
    "stadium",
    "concert",
    "theatre",
    "cinema",
    "museum",
    "gallery",
    "zoo",
    "park",
    "tour",
    "cruise",
    "train",
    "bus",
    "taxi",
    "ferry",
    "luggage",
    "seat",
    "lounge",
    "shares",
    "bond",
    "fund",
    "crypto",
];

const MODIFIERS: &[&str] = &[
    "new",
    "old",
    "broken",
    "damaged",
    "wireless",
    "premium",
    "basic",
    "monthly",
    "annual",
    "digital",
    "paper",
    "spare",
    "second",
    "family",
    "business",
    "personal",
    "shared",
    "joint",
    "student",
    "senior",
    "child",
    "express",
    "standard",
    "international",
    "domestic",
    "local",
    "online",
    "offline",
    "temporary",
    "permanent",
    "expired",
    "blocked",
    "lost",
    "stolen",
    "faulty",
    "refurbished",
    "used",
    "unused",
    "large",
    "small",
    "medium",
    "extra",
    "red",
    "blue",
    "green",
    "black",
    "white",
    "silver",
    "golden",
    "wooden",
    "metal",
    "plastic",
    "glass",
    "leather",
    "cotton",
    "woollen",
    "organic",
    "vegan",
    "frozen",
    "fresh",
    "cold",
    "warm",
    "heavy",
    "light",
    "portable",
    "electric",
    "manual",
    "automatic",
    "smart",
    "classic",
    "vintage",
    "modern",
    "custom",
    "default",
    "primary",
    "backup",
    "main",
    "weekly",
    "daily",
    "yearly",
    "quarterly",
    "seasonal",
    "holiday",
    "weekend",
    "evening",
    "morning",
    "urgent",
    "delayed",
    "missing",
    "wrong",
    "duplicate",
    "pending",
    "approved",
    "rejected",
    "free",
    "paid",
];

const PREFIXES: &[&str] = &[
    "",
    "",
    "",
    "",
    "hi",
    "hello",
    "please",
    "quick question",
    "excuse me",
    "good morning",
    "hey there",
    "sorry to bother you",
];

const SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    "",
    "please",
    "today",
    "asap",
    "right now",
    "for my family",
    "before friday",
    "this week",
    "thanks",
    "if possible",
    "again",
    "as soon as possible",
    "online",
];

/// Sentence templates for examples. `{v}` verb, `{o}` object, `{m}` modifier or product
/// name (or nothing).
const TRAIN_TEMPLATES: &[&str] = &[
    "how do i {v} my {m} {o}",
    "how can i {v} the {m} {o}",
    "i want to {v} my {m} {o}",
    "i need to {v} a {m} {o}",
    "can you help me {v} my {m} {o}",
    "is it possible to {v} the {m} {o}",
    "where can i {v} my {m} {o}",
    "help me {v} {m} {o}",
    "{v} {m} {o}",
    "{v} my {m} {o}",
    "what is the way to {v} a {m} {o}",
    "i would like to {v} my {m} {o}",
    "please {v} my {m} {o}",
    "i cannot {v} my {m} {o}",
    "why can't i {v} the {m} {o}",
    "how long does it take to {v} a {m} {o}",
    "is there a fee to {v} my {m} {o}",
    "who can {v} my {m} {o}",
    "when can i {v} my {m} {o}",
    "tell me how to {v} the {m} {o}",
    "{m} {o} {v}",
    "i tried to {v} my {m} {o} and it failed",
];

/// Templates only used for queries, so that queries are paraphrases, not copies.
const QUERY_TEMPLATES: &[&str] = &[
    "could you explain how to {v} my {m} {o}",
    "what should i do to {v} the {m} {o}",
    "any idea how i {v} my {m} {o}",
    "is there a way for me to {v} this {m} {o}",
    "need help to {v} {m} {o}",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "zel", "qui", "dax", "bri", "sol", "mar", "nex", "pho",
    "lu", "vi", "tra", "gen", "ox", "fi", "ru", "sta", "pel", "cor", "dri", "mon",
];

/// One synthetic intent's identity.
#[derive(Clone, Debug)]
pub struct SynthIntent {
    pub id: String,
    verb: &'static str,
    object: &'static str,
    modifiers: [&'static str; 3],
    product: String,
}

/// A synthetic bot: its intents' identities and the content built from them.
#[derive(Clone, Debug)]
pub struct Synthetic {
    pub intents: Vec<SynthIntent>,
    pub content: Content,
}

fn fill(template: &str, intent: &SynthIntent, rng: &mut Rng) -> String {
    let m: &str = match rng.below(10) {
        0..=3 => "",
        4..=6 => intent.modifiers[rng.below(3)],
        _ => &intent.product,
    };
    let body = template
        .replace("{v}", intent.verb)
        .replace("{o}", intent.object)
        .replace("{m}", m);
    let mut s = String::new();
    for part in [*rng.pick(PREFIXES), &body, *rng.pick(SUFFIXES)] {
        for w in part.split_whitespace() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(w);
        }
    }
    s
}

/// Builds a synthetic English bot of `intents` intents with `examples` examples each,
/// deterministically from `seed`.
pub fn synthetic(intents: usize, examples: usize, seed: u64) -> Synthetic {
    {
        // The lists must stay disjoint, or two intents could share an example.
        let mut all = HashSet::new();
        for w in VERBS.iter().chain(OBJECTS).chain(MODIFIERS) {
            assert!(all.insert(*w), "`{w}` is in two word lists");
        }
        let pairs = VERBS.len() * OBJECTS.len();
        assert!(intents <= pairs, "only {pairs} (verb, object) pairs");
    }
    let mut rng = Rng::new(seed);
    // A random choice of distinct (verb, object) pairs: a partial Fisher–Yates shuffle.
    let mut pairs: Vec<u32> = (0..(VERBS.len() * OBJECTS.len()) as u32).collect();
    for i in 0..intents {
        let j = i + rng.below(pairs.len() - i);
        pairs.swap(i, j);
    }
    let mut products = HashSet::new();
    let mut defs = Vec::with_capacity(intents);
    let mut ids = Vec::with_capacity(intents);
    let mut seen_global: HashSet<String> = HashSet::new();
    for (k, &p) in pairs[..intents].iter().enumerate() {
        let verb = VERBS[p as usize / OBJECTS.len()];
        let object = OBJECTS[p as usize % OBJECTS.len()];
        let product = loop {
            let n = 2 + rng.below(2);
            let w: String = (0..n).map(|_| *rng.pick(SYLLABLES)).collect();
            if products.insert(w.clone()) {
                break w;
            }
        };
        let intent = SynthIntent {
            id: format!("i{k}_{verb}_{object}"),
            verb,
            object,
            modifiers: [
                *rng.pick(MODIFIERS),
                *rng.pick(MODIFIERS),
                *rng.pick(MODIFIERS),
            ],
            product,
        };
        let mut list = Vec::with_capacity(examples);
        let mut attempts = 0;
        while list.len() < examples && attempts < examples * 50 {
            attempts += 1;
            let template = *rng.pick(TRAIN_TEMPLATES);
            let text = fill(template, &intent, &mut rng);
            // Only repeats within the intent are possible (its verb and object are in
            // every example), but checking globally costs little and keeps the promise.
            if seen_global.insert(dedup_key(&text)) {
                list.push(text);
            }
        }
        defs.push(english_intent(&intent.id, list));
        ids.push(intent);
    }
    Synthetic {
        intents: ids,
        content: Content {
            settings: english_settings(),
            intents: defs,
        },
    }
}

impl Synthetic {
    /// `n` queries with the intent each was generated from, from held-out templates.
    pub fn queries(&self, n: usize, seed: u64) -> Vec<(String, String)> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                let intent = &self.intents[rng.below(self.intents.len())];
                let template = *rng.pick(QUERY_TEMPLATES);
                let text = fill(template, intent, &mut rng);
                (text, intent.id.clone())
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Latency distribution, measured message by message (criterion reports the mean of many
// messages per sample; the p99 of single messages needs single-message timings).

/// Median and 99th percentile of single calls of `f` over `inputs`, `rounds` times each.
pub fn latency<T>(inputs: &[T], rounds: usize, mut f: impl FnMut(&T)) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(inputs.len() * rounds);
    for _ in 0..rounds {
        for x in inputs {
            let t = Instant::now();
            f(x);
            times.push(t.elapsed());
        }
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// One machine-readable line for `benches/run.sh`: `SUMMARY <key> <value> <unit>`.
pub fn summary(key: &str, value: f64, unit: &str) {
    println!("SUMMARY {key} {value:.3} {unit}");
}
