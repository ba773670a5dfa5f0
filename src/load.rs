//! Stage `load`: read a content directory of YAML files into a [`Content`].
//!
//! This is the only module that knows YAML exists. It deserialises each file into private
//! "raw" structs (with `deny_unknown_fields` and source spans), converts them into the
//! plain [`crate::model`] types with a [`Pos`] on every editor-written string, then runs
//! [`crate::validate`] over the result. Every problem is collected as a [`Diagnostic`];
//! loading never stops at the first one and never panics.
//!
//! ```no_run
//! let loaded = faqbot::load::load_dir("intents");
//! for d in &loaded.diagnostics {
//!     let source = d.pos().and_then(|p| loaded.sources.get(&p.file)).map(String::as_str);
//!     eprintln!("{}", d.render(source));
//! }
//! let (content, warnings) = loaded.into_result()?;
//! # let _ = (content, warnings);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{self, IgnoredAny};
use serde::Deserialize;
use serde_saphyr::{Error as YamlError, Location, MessageFormatter, Options, Spanned};

use crate::diag::{Diagnostic, DiagnosticKind as Kind, LoadError};
use crate::model::{
    BusinessHours, Content, EscalationRules, IntentDef, Language, Located, Messages, PerLanguage,
    Pos, Settings, Thresholds, WeekHours, MAX_FALLBACK_SUGGESTIONS,
};
use crate::validate::{self, LoadedExtras};

/// Files larger than this are refused before they are read: content files are small, and a
/// huge file is either a mistake or an attack on the parser.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// How many YAML events aliases (`*name`) may replay in one file, in total.
const MAX_ALIAS_REPLAY: usize = 20_000;

/// The name of the bot settings file inside a content directory.
pub const BOT_FILE: &str = "bot.yaml";

/// The result of loading: the content (as far as it could be read), every diagnostic, and
/// the text of every file read (for [`Diagnostic::render`]).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The content. Parts that could not be read are left out; do not use it when
    /// [`Loaded::has_errors`] is true.
    pub content: Content,
    /// Every problem found, errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file read, keyed by the path used in positions.
    pub sources: BTreeMap<Arc<Path>, String>,
}

impl Loaded {
    /// Is at least one diagnostic an error?
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The content and its warnings, or a [`LoadError`] with every diagnostic when there is
    /// an error.
    pub fn into_result(self) -> Result<(Content, Vec<Diagnostic>), LoadError> {
        if self.has_errors() {
            Err(LoadError::new(self.diagnostics).expect("has_errors checked"))
        } else {
            Ok((self.content, self.diagnostics))
        }
    }

    /// The source text a diagnostic points into, if it was read.
    pub fn source_of(&self, diagnostic: &Diagnostic) -> Option<&str> {
        let pos = diagnostic.pos()?;
        self.sources.get(&pos.file).map(String::as_str)
    }

    /// Every diagnostic rendered for a terminal ([`Diagnostic::render`]), separated by a
    /// blank line.
    pub fn render_diagnostics(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(self.source_of(d)));
            out.push_str("\n\n");
        }
        out
    }
}

/// Loads a content directory: `bot.yaml` plus every other `*.yaml` / `*.yml` file directly
/// inside it (not recursive), in sorted file-name order.
///
/// Never panics and never returns early: a missing directory, an unreadable file, a file
/// over [`MAX_FILE_BYTES`] or one that is not UTF-8 is a diagnostic like any other.
/// Paths in positions are `dir` joined with the file name, as given.
pub fn load_dir(dir: impl AsRef<Path>) -> Loaded {
    let dir = dir.as_ref();
    let mut diags = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Kind::Io,
                    format!("cannot read content directory `{}`: {e}", dir.display()),
                )
                .with_hint("check the path; it should be a directory holding bot.yaml"),
            );
            return Loaded {
                diagnostics: diags,
                ..Loaded::default()
            };
        }
    };
    let mut names: Vec<String> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diags.push(Diagnostic::error(
                    Kind::Io,
                    format!("cannot list content directory `{}`: {e}", dir.display()),
                ));
                continue;
            }
        };
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        // `metadata` follows symlinks, so a linked file counts as a file.
        let is_file = std::fs::metadata(entry.path()).is_ok_and(|m| m.is_file());
        if is_yaml && is_file && !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();

    let mut bot: Option<(PathBuf, String)> = None;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let Some(text) = read_file(&path, &mut diags) else {
            continue;
        };
        if name == BOT_FILE {
            bot = Some((path, text));
        } else if name == "bot.yml" {
            diags.push(
                Diagnostic::error(Kind::Io, "the settings file must be named `bot.yaml`")
                    .at(file_start(&path))
                    .with_hint("rename `bot.yml` to `bot.yaml`"),
            );
        } else {
            files.push((path, text));
        }
    }
    let bot_missing = bot.is_none() && !names.iter().any(|n| n == BOT_FILE);
    if bot_missing && !names.iter().any(|n| n == "bot.yml") {
        diags.push(
            Diagnostic::error(
                Kind::Io,
                format!("missing `{}`", dir.join(BOT_FILE).display()),
            )
            .with_hint(
                "every content directory needs a bot.yaml with `languages` and `default_language`",
            ),
        );
    }
    let bot_ref = bot.as_ref().map(|(p, t)| (p.as_path(), t.as_str()));
    let file_refs: Vec<(&Path, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_str()))
        .collect();
    let mut loaded = load_inner(bot_ref, &file_refs);
    diags.append(&mut loaded.diagnostics);
    loaded.diagnostics = diags;
    sort_diagnostics(&mut loaded.diagnostics, &names, dir);
    loaded
}

/// Loads content from strings, as if `bot_yaml` and `files` were read from a directory
/// (for tests and for hosts that keep content elsewhere). `None` for `bot_yaml` is the
/// "missing bot.yaml" error.
pub fn load_str(bot_yaml: Option<(&Path, &str)>, files: &[(&Path, &str)]) -> Loaded {
    let mut loaded = load_inner(bot_yaml, files);
    if bot_yaml.is_none() {
        loaded.diagnostics.insert(
            0,
            Diagnostic::error(Kind::Io, format!("missing `{BOT_FILE}`")).with_hint(
                "every content directory needs a bot.yaml with `languages` and `default_language`",
            ),
        );
    }
    loaded
}

fn load_inner(bot_yaml: Option<(&Path, &str)>, files: &[(&Path, &str)]) -> Loaded {
    let mut loader = Loader::default();
    let mut settings = None;
    if let Some((path, text)) = bot_yaml {
        let file: Arc<Path> = Arc::from(path);
        loader.sources.insert(file.clone(), text.to_owned());
        settings = loader.bot_file(file, text);
    }
    let mut intents = Vec::new();
    for (path, text) in files {
        let file: Arc<Path> = Arc::from(*path);
        loader.sources.insert(file.clone(), (*text).to_owned());
        loader.intent_file(file, text, &mut intents);
    }
    loader.extras.settings_known = settings.is_some();
    let content = Content {
        settings: settings.unwrap_or_default(),
        intents,
    };
    let mut diagnostics = loader.diags;
    diagnostics.extend(validate::validate_with(&content, &loader.extras));
    let order: Vec<Arc<Path>> = bot_yaml
        .map(|(p, _)| Arc::from(p))
        .into_iter()
        .chain(files.iter().map(|(p, _)| Arc::from(*p)))
        .collect();
    sort_by_file_order(&mut diagnostics, &order);
    Loaded {
        content,
        diagnostics,
        sources: loader.sources,
    }
}

/// Orders diagnostics by file (in load order: bot.yaml first), then line and column.
/// Diagnostics without a position come first; the sort is stable.
fn sort_by_file_order(diags: &mut [Diagnostic], order: &[Arc<Path>]) {
    diags.sort_by_key(|d| match d.pos() {
        None => (0, 0, 0),
        Some(p) => (
            1 + order
                .iter()
                .position(|f| *f == p.file)
                .unwrap_or(order.len()),
            p.line,
            p.column,
        ),
    });
}

fn sort_diagnostics(diags: &mut [Diagnostic], names: &[String], dir: &Path) {
    let mut order: Vec<Arc<Path>> = vec![Arc::from(dir.join(BOT_FILE))];
    order.extend(
        names
            .iter()
            .filter(|n| *n != BOT_FILE)
            .map(|n| Arc::from(dir.join(n))),
    );
    sort_by_file_order(diags, &order);
}

fn file_start(path: &Path) -> Pos {
    Pos {
        file: Arc::from(path),
        line: 1,
        column: 1,
    }
}

/// Reads one file with the size limit checked first and UTF-8 required.
fn read_file(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let io_error = |e: std::io::Error| {
        Diagnostic::error(Kind::Io, format!("cannot read `{}`: {e}", path.display()))
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            diags.push(
                Diagnostic::error(
                    Kind::Limit,
                    format!(
                        "file is too large ({} bytes; the limit is {} MiB)",
                        m.len(),
                        MAX_FILE_BYTES / (1024 * 1024)
                    ),
                )
                .at(file_start(path))
                .with_hint("split the content into several smaller files"),
            );
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            diags.push(io_error(e));
            return None;
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diags.push(io_error(e));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // The valid prefix is UTF-8 by definition, so this cannot fail.
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            diags.push(
                Diagnostic::error(Kind::Syntax, "file is not valid UTF-8 text")
                    .at(Pos {
                        file: Arc::from(path),
                        line: to_u32(line as u64),
                        column: to_u32(column as u64),
                    })
                    .with_hint("save the file with UTF-8 encoding"),
            );
            None
        }
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn yaml_options() -> Options {
    let mut options = Options::default();
    // We render our own snippets; the library's would end up inside our messages.
    options.with_snippet = false;
    // The default budget (depth 64, node and alias limits) stays on: it is what turns
    // alias bombs and deep nesting into `Limit` diagnostics instead of hangs. Aliases are
    // rare in content, so replaying them is capped far below the default (1,000,000
    // events): an alias bomb then fails in milliseconds, even in a debug build.
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_REPLAY;
    options
}

// ---------------------------------------------------------------------------------------
// Raw structs: the YAML shape, with spans. Private; converted to `model` right away.

/// A mapping whose keys keep their positions, in source order. (`Spanned` is not `Ord`,
/// so it cannot key a `BTreeMap`, and source order is what diagnostics want anyway.)
#[derive(Debug)]
struct SpannedMap<V>(Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> de::Visitor<'de> for Visit<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value::<V>()?;
                    out.push((key, value));
                }
                Ok(SpannedMap(out))
            }
        }
        d.deserialize_map(Visit(PhantomData))
    }
}

/// One text or a list of texts (`answer`, hours of a day). Deserialised by hand instead of
/// an untagged enum because serde-saphyr loses spans inside untagged enums; here the list
/// items go through the real deserializer and keep theirs. Wrap it in `Spanned` to get the
/// position of a single text.
#[derive(Debug)]
enum OneOrMany {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> de::Visitor<'de> for Visit {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text or a list of texts")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_owned()))
            }
            // Plain YAML scalars like `42` or `true` are texts to an editor.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(OneOrMany::One(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    out.push(item);
                }
                Ok(OneOrMany::Many(out))
            }
        }
        d.deserialize_any(Visit)
    }
}

type Texts = Vec<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBot {
    languages: Spanned<Vec<Spanned<String>>>,
    default_language: Spanned<String>,
    #[serde(default)]
    thresholds: Option<RawThresholds>,
    #[serde(default)]
    escalation: Option<RawEscalation>,
    #[serde(default)]
    hours: Option<Spanned<RawHours>>,
    #[serde(default)]
    messages: Option<Spanned<RawMessages>>,
    #[serde(default)]
    fallback_suggestions: Option<Spanned<u32>>,
    #[serde(default)]
    synonyms: SpannedMap<Vec<Texts>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    answer: Option<Spanned<f32>>,
    clarify: Option<Spanned<f32>>,
    margin: Option<Spanned<f32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    misses_before_escalate: Option<u32>,
    default_department: Option<String>,
    shouting_min_letters: Option<u32>,
    #[serde(default)]
    human_phrases: SpannedMap<Texts>,
    #[serde(default)]
    frustration_phrases: SpannedMap<Texts>,
    #[serde(default)]
    frustration_patterns: Texts,
}

type RawWeek = SpannedMap<Spanned<OneOrMany>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    timezone: Spanned<String>,
    #[serde(default)]
    default: RawWeek,
    #[serde(default)]
    departments: SpannedMap<RawWeek>,
    #[serde(default)]
    alternatives: SpannedMap<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessages {
    #[serde(default)]
    fallback: Option<Spanned<SpannedMap<String>>>,
    #[serde(default)]
    clarify: Option<Spanned<SpannedMap<String>>>,
    #[serde(default)]
    handoff: Option<Spanned<SpannedMap<String>>>,
    #[serde(default)]
    out_of_hours: Option<Spanned<SpannedMap<String>>>,
    #[serde(default)]
    suggest: Option<Spanned<SpannedMap<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntentFile {
    intents: Vec<Spanned<RawIntent>>,
}

/// Used only to find where each intent starts when the strict parse failed.
#[derive(Debug, Deserialize)]
struct LooseIntentFile {
    intents: Vec<Spanned<IgnoredAny>>,
}

/// Used only to find problems outside the intents when the strict parse failed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopLevel {
    #[allow(dead_code)] // read only to check the file's shape
    intents: IgnoredAny,
}

/// Used only to learn the id of an intent that failed to load, so that references to it
/// are not reported as unknown on top of its real problem.
#[derive(Debug, Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIntent {
    id: Spanned<String>,
    #[serde(default)]
    label: SpannedMap<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    human_only: bool,
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    low_priority: bool,
    #[serde(default)]
    context: Texts,
    #[serde(default)]
    examples: SpannedMap<Texts>,
    #[serde(default)]
    keywords: SpannedMap<Texts>,
    #[serde(default)]
    patterns: Texts,
    #[serde(default)]
    answer: SpannedMap<Spanned<OneOrMany>>,
    #[serde(default)]
    follow_ups: Texts,
}

// ---------------------------------------------------------------------------------------
// Conversion.

#[derive(Default)]
struct Loader {
    diags: Vec<Diagnostic>,
    sources: BTreeMap<Arc<Path>, String>,
    extras: LoadedExtras,
}

impl Loader {
    fn bot_file(&mut self, file: Arc<Path>, text: &str) -> Option<Settings> {
        if !self.precheck(&file, text) {
            return None;
        }
        let raw: RawBot = match serde_saphyr::from_str_with_options(text, yaml_options()) {
            Ok(raw) => raw,
            Err(e) => {
                self.diags.push(yaml_diagnostic(&e, &file, text));
                return None;
            }
        };
        let mut cx = Cx {
            file,
            diags: &mut self.diags,
        };
        let settings = cx.settings(raw, &mut self.extras);
        Some(settings)
    }

    /// Parses the whole file once into nothing, so that syntax errors and limits (alias
    /// bombs, deep nesting) are reported as such, before any type error they would
    /// otherwise hide behind. Content files are small, so the second parse is cheap.
    fn precheck(&mut self, file: &Arc<Path>, text: &str) -> bool {
        match serde_saphyr::from_str_with_options::<IgnoredAny>(text, yaml_options()) {
            Ok(_) => true,
            Err(e) => {
                self.diags.push(yaml_diagnostic(&e, file, text));
                false
            }
        }
    }

    fn intent_file(&mut self, file: Arc<Path>, text: &str, out: &mut Vec<IntentDef>) {
        if text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            self.diags.push(
                Diagnostic::warning(Kind::MissingField, "file has no intents")
                    .at(file_start(&file))
                    .with_hint("start the file with `intents:` and a list of intents"),
            );
            return;
        }
        if !self.precheck(&file, text) {
            self.extras.some_file_failed = true;
            return;
        }
        let error = match serde_saphyr::from_str_with_options::<RawIntentFile>(text, yaml_options())
        {
            Ok(raw) => {
                let mut cx = Cx {
                    file,
                    diags: &mut self.diags,
                };
                for item in raw.intents {
                    out.push(cx.intent(item));
                }
                return;
            }
            Err(e) => e,
        };
        // Recovery. serde stops at the first error, and a failed deserialisation leaves the
        // stream unusable, so one bad intent would hide every other intent of the file.
        // serde-saphyr has no generic value type to re-deserialise from, so instead we find
        // where each intent starts (a loose parse that ignores the intents' contents), cut
        // the source into one piece per intent and parse each piece on its own. Each piece
        // keeps its original line numbers (earlier lines are blanked, not removed), so
        // positions stay right. Trade-offs: this only works for block-style lists (one
        // intent per line range, not `intents: [{…}, {…}]`), and an alias to an anchor in
        // another intent fails in isolation; in both cases we fall back to reporting the
        // single first error of the file.
        let whole = yaml_diagnostic(&error, &file, text);
        let before = self.diags.len();
        if self.recover_intents(&file, text, out).is_some() {
            // Problems outside the intents (an unknown top-level key) are not seen by the
            // per-intent parses; a parse that ignores the intents finds them.
            if let Err(e) = serde_saphyr::from_str_with_options::<TopLevel>(text, yaml_options()) {
                let d = yaml_diagnostic(&e, &file, text);
                if !self.diags[before..].contains(&d) {
                    self.diags.push(d);
                }
            }
            // Whatever happens, the file's first error must be reported.
            if !self.diags[before..].contains(&whole) {
                self.diags.push(whole);
            }
        } else {
            self.extras.some_file_failed = true;
            self.diags.push(whole);
        }
    }

    /// Parses each intent of a file separately; returns how many failed, or `None` when
    /// the file cannot be cut into intents.
    fn recover_intents(
        &mut self,
        file: &Arc<Path>,
        text: &str,
        out: &mut Vec<IntentDef>,
    ) -> Option<usize> {
        let loose: LooseIntentFile =
            serde_saphyr::from_str_with_options(text, yaml_options()).ok()?;
        let lines: Vec<&str> = text.split('\n').collect();
        let starts: Vec<(usize, usize)> = loose
            .intents
            .iter()
            .map(|s| (s.referenced.line() as usize, s.referenced.column() as usize))
            .collect();
        if starts.iter().any(|&(l, c)| l == 0 || c == 0)
            || starts.windows(2).any(|w| w[0].0 >= w[1].0)
        {
            return None;
        }
        let mut pieces = Vec::new();
        for (i, &(line, column)) in starts.iter().enumerate() {
            let next = starts.get(i + 1).map_or(lines.len() + 1, |s| s.0);
            let indent = column - 1;
            let mut piece = String::new();
            for _ in 1..line {
                piece.push('\n');
            }
            let first = lines.get(line - 1)?;
            let rest: String = first.chars().skip(indent).collect();
            piece.push_str(&" ".repeat(indent));
            piece.push_str(&rest);
            for l in line + 1..next {
                let Some(text_line) = lines.get(l - 1) else {
                    break;
                };
                let trimmed = text_line.trim_start();
                let own_indent = text_line.len() - trimmed.len();
                let blank = trimmed.is_empty() || trimmed.starts_with('#');
                // The last intent ends where something less indented starts.
                if !blank && own_indent < indent {
                    break;
                }
                piece.push('\n');
                piece.push_str(text_line);
            }
            pieces.push(piece);
        }
        let mut results = Vec::new();
        for piece in &pieces {
            match serde_saphyr::from_str_with_options::<Spanned<RawIntent>>(piece, yaml_options()) {
                Ok(raw) => results.push(Ok(raw)),
                Err(e) => {
                    if matches!(inner_error(&e), YamlError::UnknownAnchor { .. }) {
                        return None;
                    }
                    let id = serde_saphyr::from_str_with_options::<IdOnly>(piece, yaml_options())
                        .ok()
                        .map(|i| i.id);
                    results.push(Err((yaml_diagnostic(&e, file, text), id)));
                }
            }
        }
        let mut failed = 0;
        let mut cx = Cx {
            file: file.clone(),
            diags: &mut self.diags,
        };
        for result in results {
            match result {
                Ok(raw) => out.push(cx.intent(raw)),
                Err((diag, id)) => {
                    failed += 1;
                    cx.diags.push(diag);
                    match id {
                        Some(id) => self.extras.unloaded_ids.push(id),
                        None => self.extras.some_file_failed = true,
                    }
                }
            }
        }
        Some(failed)
    }
}

/// Converts raw structs of one file into the model, reporting problems as it goes.
struct Cx<'a> {
    file: Arc<Path>,
    diags: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    fn pos(&self, loc: &Location) -> Option<Pos> {
        (loc.line() > 0).then(|| Pos {
            file: self.file.clone(),
            line: to_u32(loc.line()),
            column: to_u32(loc.column()),
        })
    }

    fn located(&self, s: Spanned<String>) -> Located<String> {
        Located {
            pos: self.pos(&s.referenced),
            value: s.value,
        }
    }

    fn texts(&self, v: Texts) -> Vec<Located<String>> {
        v.into_iter().map(|s| self.located(s)).collect()
    }

    fn language(&mut self, code: &Spanned<String>) -> Option<Language> {
        match code.value.parse::<Language>() {
            Ok(lang) => Some(lang),
            Err(e) => {
                let d = Diagnostic::error(Kind::UnknownLanguage, e.to_string())
                    .at(self.pos(&code.referenced));
                self.diags.push(d);
                None
            }
        }
    }

    fn per_language<T, U>(
        &mut self,
        map: SpannedMap<T>,
        mut f: impl FnMut(&mut Self, T) -> U,
    ) -> PerLanguage<U> {
        let mut out = PerLanguage::new();
        for (key, value) in map.0 {
            if let Some(lang) = self.language(&key) {
                let value = f(self, value);
                out.insert(lang, value);
            }
        }
        out
    }

    fn settings(&mut self, raw: RawBot, extras: &mut LoadedExtras) -> Settings {
        let mut languages = Vec::new();
        for code in &raw.languages.value {
            if let Some(lang) = self.language(code) {
                if languages.contains(&lang) {
                    self.diags.push(
                        Diagnostic::warning(
                            Kind::InvalidValue,
                            format!("language `{lang}` is listed twice"),
                        )
                        .at(self.pos(&code.referenced)),
                    );
                } else {
                    languages.push(lang);
                }
            }
        }
        extras.languages_pos = self.pos(&raw.languages.referenced);
        extras.default_language_pos = self.pos(&raw.default_language.referenced);
        let default_language = self.language(&raw.default_language);
        let mut thresholds = Thresholds::default();
        if let Some(t) = raw.thresholds {
            let slots = [
                (&mut thresholds.answer, t.answer),
                (&mut thresholds.clarify, t.clarify),
                (&mut thresholds.margin, t.margin),
            ];
            for ((slot, value), pos_slot) in slots.into_iter().zip(extras.threshold_pos.iter_mut())
            {
                if let Some(v) = value {
                    *slot = v.value;
                    *pos_slot = self.pos(&v.referenced);
                }
            }
        }
        let mut escalation = EscalationRules::default();
        if let Some(e) = raw.escalation {
            if let Some(v) = e.misses_before_escalate {
                escalation.misses_before_escalate = v;
            }
            if let Some(v) = e.shouting_min_letters {
                escalation.shouting_min_letters = v;
            }
            if let Some(v) = e.default_department {
                escalation.default_department = v;
            }
            escalation.human_phrases = self.per_language(e.human_phrases, |cx, v| cx.texts(v));
            escalation.frustration_phrases =
                self.per_language(e.frustration_phrases, |cx, v| cx.texts(v));
            escalation.frustration_patterns = self.texts(e.frustration_patterns);
        }
        let hours = raw.hours.map(|h| self.hours(h.value));
        let mut messages = Messages::default();
        if let Some(m) = raw.messages {
            extras.messages_pos = self.pos(&m.referenced);
            let m = m.value;
            for (i, (slot, raw_map)) in [
                (&mut messages.fallback, m.fallback),
                (&mut messages.clarify, m.clarify),
                (&mut messages.handoff, m.handoff),
                (&mut messages.out_of_hours, m.out_of_hours),
                (&mut messages.suggest, m.suggest),
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(map) = raw_map {
                    extras.message_pos[i] = self.pos(&map.referenced);
                    *slot = self.per_language(map.value, |_, v| v);
                }
            }
        }
        let synonyms = self.per_language(raw.synonyms, |cx, groups| {
            groups.into_iter().map(|g| cx.texts(g)).collect()
        });
        let mut fallback_suggestions = MAX_FALLBACK_SUGGESTIONS;
        if let Some(n) = raw.fallback_suggestions {
            if n.value > MAX_FALLBACK_SUGGESTIONS {
                self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        format!(
                            "`fallback_suggestions` is {}, at most {MAX_FALLBACK_SUGGESTIONS}",
                            n.value
                        ),
                    )
                    .at(self.pos(&n.referenced))
                    .with_hint(
                        "customers pick a suggestion by its number (1, 2, 3); 0 turns suggestions off",
                    ),
                );
            } else {
                fallback_suggestions = n.value;
            }
        }
        Settings {
            synonyms,
            fallback_suggestions,
            default_language: default_language
                .or_else(|| languages.first().copied())
                .unwrap_or(Language::En),
            languages,
            thresholds,
            escalation,
            hours,
            messages,
            pos: Some(file_start(&self.file)),
        }
    }

    fn hours(&mut self, raw: RawHours) -> BusinessHours {
        if jiff::tz::TimeZone::get(&raw.timezone.value).is_err() {
            self.diags.push(
                Diagnostic::error(
                    Kind::InvalidValue,
                    format!("unknown time zone `{}`", raw.timezone.value),
                )
                .at(self.pos(&raw.timezone.referenced))
                .with_hint("use an IANA time zone name such as `Europe/Warsaw`"),
            );
        }
        let default = self.week(raw.default);
        let mut departments = BTreeMap::new();
        for (name, week) in raw.departments.0 {
            let week = self.week(week);
            departments.insert(name.value, week);
        }
        let alternatives = self.per_language(raw.alternatives, |_, v| v);
        BusinessHours {
            timezone: self.located(raw.timezone),
            default,
            departments,
            alternatives,
        }
    }

    fn week(&mut self, raw: RawWeek) -> WeekHours {
        let mut week = WeekHours::default();
        let mut seen: [Option<Pos>; 7] = Default::default();
        for (key, value) in raw.0 {
            let key_pos = self.pos(&key.referenced);
            let days = match parse_days(&key.value) {
                Ok(days) => days,
                Err(msg) => {
                    self.diags.push(
                        Diagnostic::error(Kind::InvalidValue, msg)
                            .at(key_pos)
                            .with_hint(
                                "use mon, tue, wed, thu, fri, sat, sun or a range like `mon-fri`",
                            ),
                    );
                    continue;
                }
            };
            let value_pos = self.pos(&value.referenced);
            let texts: Vec<(String, Option<Pos>)> = match value.value {
                OneOrMany::One(s) => vec![(s, value_pos)],
                OneOrMany::Many(v) => v
                    .into_iter()
                    .map(|s| {
                        let p = self.pos(&s.referenced);
                        (s.value, p)
                    })
                    .collect(),
            };
            let mut ranges = Vec::new();
            for (text, pos) in texts {
                match parse_ranges(&text) {
                    Ok(r) => ranges.extend(r),
                    Err(msg) => self.diags.push(
                        Diagnostic::error(Kind::InvalidValue, msg)
                            .at(pos)
                            .with_hint(
                            "write hours as \"HH:MM-HH:MM\", a list of such ranges, or \"closed\"",
                        ),
                    ),
                }
            }
            ranges.sort_unstable();
            if let Some(w) = ranges.windows(2).find(|w| w[1].0 < w[0].1) {
                self.diags.push(
                    Diagnostic::error(
                        Kind::InvalidValue,
                        format!(
                            "opening hours overlap ({} and {})",
                            fmt_range(w[0]),
                            fmt_range(w[1])
                        ),
                    )
                    .at(key_pos.clone()),
                );
            }
            for day in days {
                if let Some(first) = &seen[day] {
                    self.diags.push(
                        Diagnostic::error(
                            Kind::InvalidValue,
                            format!("hours for {} are given twice", DAYS[day]),
                        )
                        .at(key_pos.clone())
                        .with_related("first at", first.clone()),
                    );
                    continue;
                }
                seen[day] = key_pos.clone().or(Some(file_start(&self.file)));
                week.days[day] = ranges.clone();
            }
        }
        week
    }

    fn intent(&mut self, raw: Spanned<RawIntent>) -> IntentDef {
        let pos = self.pos(&raw.referenced);
        let r = raw.value;
        IntentDef {
            id: self.located(r.id),
            label: self.per_language(r.label, |_, v| v),
            department: r.department,
            human_only: r.human_only,
            sensitive: r.sensitive,
            low_priority: r.low_priority,
            context: self.texts(r.context),
            examples: self.per_language(r.examples, |cx, v| cx.texts(v)),
            keywords: self.per_language(r.keywords, |cx, v| cx.texts(v)),
            patterns: self.texts(r.patterns),
            answer: self.per_language(r.answer, |cx, v| match v.value {
                OneOrMany::One(s) => vec![Located {
                    pos: cx.pos(&v.referenced),
                    value: s,
                }],
                OneOrMany::Many(list) => cx.texts(list),
            }),
            follow_ups: self.texts(r.follow_ups),
            pos,
        }
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// `mon` or `mon-fri` into day indexes (Monday = 0). A range must run forwards.
fn parse_days(key: &str) -> Result<Vec<usize>, String> {
    let day = |s: &str| {
        DAYS.iter()
            .position(|d| d.eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown day `{}`", s.trim()))
    };
    match key.split_once('-') {
        None => Ok(vec![day(key)?]),
        Some((a, b)) => {
            let (a, b) = (day(a)?, day(b)?);
            if a > b {
                return Err(format!("day range `{key}` runs backwards"));
            }
            Ok((a..=b).collect())
        }
    }
}

/// `"08:00-20:00"` or `"closed"` into minute-of-day ranges.
fn parse_ranges(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let (a, b) = text
        .split_once('-')
        .ok_or_else(|| format!("`{text}` is not a time range"))?;
    let (open, close) = (parse_time(a, text)?, parse_time(b, text)?);
    if open >= close || open >= 24 * 60 {
        return Err(format!("`{text}`: closing time must be after opening time"));
    }
    Ok(vec![(open, close)])
}

fn parse_time(s: &str, whole: &str) -> Result<u16, String> {
    let bad = || format!("`{whole}` is not a time range");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let all_digits =
        |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || m.len() != 2 || !all_digits(m) {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(format!("`{whole}`: no such time of day"));
    }
    Ok(h * 60 + m)
}

fn fmt_range((a, b): (u16, u16)) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
}

// ---------------------------------------------------------------------------------------
// serde-saphyr errors into diagnostics.

/// The error itself, without the snippet and alias wrappers.
fn inner_error(e: &YamlError) -> &YamlError {
    match e.without_snippet() {
        YamlError::AliasError { error, .. } => inner_error(error),
        other => other,
    }
}

fn yaml_diagnostic(e: &YamlError, file: &Arc<Path>, source: &str) -> Diagnostic {
    let pos = e.location().filter(|l| l.line() > 0).map(|l| Pos {
        file: file.clone(),
        line: to_u32(l.line()),
        column: to_u32(l.column()),
    });
    let inner = inner_error(e);
    let plain = serde_saphyr::UserMessageFormatter
        .format_message(inner)
        .into_owned();
    let key = pos.as_ref().and_then(|p| key_at(source, p.line, p.column));
    let d = match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let d = Diagnostic::error(Kind::UnknownField, format!("unknown field `{field}`"));
            match closest(field, expected.iter().copied()) {
                Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                None => d.with_hint(format!("expected one of: {}", expected.join(", "))),
            }
        }
        YamlError::SerdeMissingField { field, .. } => {
            Diagnostic::error(Kind::MissingField, format!("missing field `{field}`"))
        }
        YamlError::Budget { breach, .. } => {
            let text = format!("{breach:?}");
            if text.starts_with("Depth") {
                Diagnostic::error(Kind::Limit, "content is nested too deeply")
                    .with_hint("content files need only a few levels of nesting")
            } else {
                Diagnostic::error(Kind::Limit, "file expands to too much content").with_hint(
                    "YAML anchors and aliases (`&name` / `*name`) must not multiply content",
                )
            }
        }
        YamlError::AliasReplayCounterOverflow { .. }
        | YamlError::AliasReplayLimitExceeded { .. }
        | YamlError::AliasExpansionLimitExceeded { .. }
        | YamlError::AliasReplayStackDepthExceeded { .. } => {
            Diagnostic::error(Kind::Limit, "YAML aliases expand to too much content")
                .with_hint("YAML anchors and aliases (`&name` / `*name`) must not multiply content")
        }
        YamlError::DuplicateMappingKey { key, .. } => Diagnostic::error(
            Kind::Syntax,
            match key {
                Some(k) => format!("`{k}` is given twice"),
                None => "a key is given twice".to_owned(),
            },
        ),
        YamlError::Unexpected { expected, .. } => wrong_type(key.as_deref(), expected, &plain),
        YamlError::SerdeInvalidType { expected, .. }
        | YamlError::SerdeInvalidValue { expected, .. } => {
            wrong_type(key.as_deref(), expected, &plain)
        }
        YamlError::InvalidScalar { ty, .. } => wrong_type(key.as_deref(), ty, &plain),
        YamlError::NullIntoString { .. } => wrong_type(key.as_deref(), "string", &plain),
        YamlError::Eof { .. } => Diagnostic::error(Kind::Syntax, "file ends unexpectedly")
            .with_hint("the file is empty or cut off"),
        YamlError::Message { msg, .. } => Diagnostic::error(Kind::WrongType, msg.clone()),
        _ => {
            let d = Diagnostic::error(Kind::Syntax, strip_location(&plain));
            if let Some(hint) = pos
                .as_ref()
                .and_then(|p| unclosed_bracket_hint(source, p.line))
            {
                d.with_hint(hint)
            } else if plain.contains("flow mapping") || plain.contains("flow sequence") {
                d.with_hint("put texts that contain `{`, `[`, `:` or `#` in quotes")
            } else {
                d
            }
        }
    };
    d.at(pos)
}

/// A syntax error is often reported on the line after the real mistake, an unclosed
/// `[` or `{`; point at it. (Brackets inside quotes are ignored.)
fn unclosed_bracket_hint(source: &str, line: u32) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let end = (line as usize).min(lines.len());
    for n in (1..=end).rev() {
        let text = lines[n - 1];
        let (mut square, mut curly, mut quote) = (0i32, 0i32, None);
        for c in text.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[') => square += 1,
                (None, ']') => square -= 1,
                (None, '{') => curly += 1,
                (None, '}') => curly -= 1,
                _ => {}
            }
        }
        if square > 0 {
            return Some(format!("is a `]` missing at the end of line {n}?"));
        }
        if curly > 0 {
            return Some(format!("is a `}}` missing at the end of line {n}?"));
        }
        if n < line as usize && !text.trim().is_empty() {
            break;
        }
    }
    None
}

/// Some messages still end in " at line N, column M"; our position says that already.
fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn wrong_type(key: Option<&str>, expected: &str, plain: &str) -> Diagnostic {
    let e = expected.to_ascii_lowercase();
    let shape = if e.contains("text or a list") {
        "a text or a list of texts"
    } else if e.contains("sequence") {
        "a list"
    } else if e.contains("string") || e.contains("char") {
        "a text"
    } else if e.contains("map") || e.contains("struct") {
        "a mapping (`key: value` lines)"
    } else if e.contains("u32") || e.contains("u64") || e.contains("integer") {
        "a whole number"
    } else if e.contains("f32") || e.contains("f64") || e.contains("float") {
        "a number"
    } else if e.contains("bool") {
        "true or false"
    } else {
        return Diagnostic::error(Kind::WrongType, strip_location(plain));
    };
    let message = match key {
        Some(k) => format!("wrong type for `{k}`: expected {shape}"),
        None => format!("wrong type: expected {shape}"),
    };
    let d = Diagnostic::error(Kind::WrongType, message);
    match key.and_then(field_shape) {
        Some(example) => d.with_hint(format!("write it like {example}")),
        None => d,
    }
}

/// An example of the expected shape of a field, for hints.
fn field_shape(key: &str) -> Option<&'static str> {
    Some(match key {
        "languages" => "`languages: [pl, en]`",
        "examples" | "keywords" | "human_phrases" | "frustration_phrases" => {
            "`en: [first phrasing, second phrasing]`, one line per language"
        }
        "pl" | "en" | "lv" | "ru" => "`en: [first text, second text]`",
        k if k == "synonyms" || k.starts_with("synonyms.") => {
            "`en: [[parcel, package, shipment], [refund, reimbursement]]`, one line per language"
        }
        "label" => "`label: { en: Order status }`",
        "answer" => "`en: \"The answer.\"` or `en: [\"Variant one.\", \"Variant two.\"]`",
        "patterns" | "frustration_patterns" | "context" | "follow_ups" => "`[first, second]`",
        "intents" => "`intents:` followed by `- id: …` items",
        _ => return None,
    })
}

/// The field whose value is at `line:column`: the key on the same line before the value
/// (`examples: [..`), or the key of the nearest less indented line above (block lists).
///
/// A language key directly under `synonyms:` is reported as `synonyms.en` (and so on),
/// whose shape (a list of lists) differs from every other per-language list.
fn key_at(source: &str, line: u32, column: u32) -> Option<String> {
    let lines: Vec<&str> = source.lines().collect();
    let (key, at) = key_and_line_at(&lines, line, column)?;
    if matches!(key.as_str(), "pl" | "en" | "lv" | "ru") {
        let indent = indent_of(lines[at]);
        let parent = lines[..at]
            .iter()
            .rev()
            .map(|l| l.trim())
            .zip(lines[..at].iter().rev().map(|l| indent_of(l)))
            .find(|(t, i)| !t.is_empty() && !t.starts_with('#') && *i < indent);
        if parent.is_some_and(|(t, _)| t == "synonyms:") {
            return Some(format!("synonyms.{key}"));
        }
    }
    Some(key)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// [`key_at`] before the `synonyms` rule: the key and the index of the line it is on.
fn key_and_line_at(lines: &[&str], line: u32, column: u32) -> Option<(String, usize)> {
    let at = (line as usize).checked_sub(1)?;
    let here = lines.get(at)?;
    let prefix: String = here
        .chars()
        .take((column as usize).saturating_sub(1))
        .collect();
    let trimmed = prefix.trim_end_matches(|c: char| c == '[' || c == '{' || c.is_whitespace());
    if let Some(before) = trimmed.strip_suffix(':') {
        return last_word(before).map(|k| (k, at));
    }
    if !prefix
        .trim_matches(|c: char| c == '-' || c.is_whitespace())
        .is_empty()
    {
        return None;
    }
    let indent = indent_of(here);
    for (k, above) in lines[..at].iter().enumerate().rev() {
        let t = above.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent_of(above) < indent || (t.starts_with('-') && indent_of(above) == indent) {
            let t = t.trim_end();
            return t.strip_suffix(':').and_then(last_word).map(|w| (w, k));
        }
    }
    None
}

fn last_word(s: &str) -> Option<String> {
    let word: String = s
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!word.is_empty()).then_some(word)
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: &str = "languages: [en]\ndefault_language: en\nmessages:\n  fallback: {en: Sorry}\n  clarify: {en: Did you mean}\n  handoff: {en: Handing over}\n  out_of_hours: {en: \"Back at {next_available}\"}\n";

    fn load(intents: &str) -> Loaded {
        load_str(
            Some((Path::new("bot.yaml"), BOT)),
            &[(Path::new("a.yaml"), intents)],
        )
    }

    fn lines(l: &Loaded) -> Vec<String> {
        l.diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn synonyms_load_with_positions_and_errors_point_at_the_word() {
        let intents = "intents:\n  - id: hello\n    label: {en: Hello}\n    examples:\n      en: [hi, hello there, good morning]\n    answer:\n      en: Hi!\n";
        let bot =
            format!("{BOT}synonyms:\n  en:\n    - [parcel, package]\n    - [to it, return]\n");
        let l = load_str(
            Some((Path::new("bot.yaml"), bot.as_str())),
            &[(Path::new("a.yaml"), intents)],
        );
        let groups = &l.content.settings.synonyms[&Language::En];
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0][1].value, "package");
        let pos = groups[0][1].pos.as_ref().expect("position");
        assert_eq!((pos.line, pos.column), (10, 16));
        assert_eq!(
            lines(&l),
            vec!["bot.yaml:11:8: error: synonym `to it` has only stop words".to_string()]
        );
    }

    #[test]
    fn good_content_loads_with_positions() {
        let l = load("intents:\n  - id: hello\n    label: {en: Hello}\n    examples:\n      en: [hi, hello there, good morning]\n    answer:\n      en: Hi!\n");
        assert!(!l.has_errors(), "{:?}", lines(&l));
        let intent = &l.content.intents[0];
        assert_eq!(intent.id.value, "hello");
        let p = intent.id.pos.as_ref().expect("pos");
        assert_eq!((p.line, p.column), (2, 9));
        let ex = &intent.examples[&Language::En][1];
        assert_eq!(ex.value, "hello there");
        assert_eq!(ex.pos.as_ref().map(|p| (p.line, p.column)), Some((5, 16)));
        assert_eq!(intent.answer[&Language::En][0].value, "Hi!");
    }

    #[test]
    fn answer_list_items_keep_their_own_positions() {
        let l = load("intents:\n  - id: hello\n    label: {en: Hello}\n    keywords: {en: [hi]}\n    answer:\n      en: [One., Two.]\n");
        let answers = &l.content.intents[0].answer[&Language::En];
        let cols: Vec<u32> = answers
            .iter()
            .filter_map(|a| a.pos.as_ref())
            .map(|p| p.column)
            .collect();
        assert_eq!(cols, vec![12, 18]);
    }

    #[test]
    fn unknown_field_gets_did_you_mean_hint() {
        let l = load("intents:\n  - id: hello\n    exampels: {en: [hi]}\n");
        let d = &l.diagnostics[0];
        assert_eq!(d.kind(), Kind::UnknownField);
        assert_eq!(d.hint(), Some("did you mean `examples`?"));
        assert_eq!(d.to_string(), "a.yaml:3:5: error: unknown field `exampels`");
    }

    #[test]
    fn one_bad_intent_does_not_hide_the_others() {
        let l = load("intents:\n  - id: a\n    exampels: {en: [x]}\n  - id: b\n    keywords: {en: [y]}\n    answer: {en: B}\n    follow_ups: [nope]\n  - id: c\n    examples: {en: x}\n");
        let kinds: Vec<Kind> = l
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.kind())
            .collect();
        assert!(kinds.contains(&Kind::UnknownField), "{:?}", lines(&l));
        assert!(kinds.contains(&Kind::WrongType), "{:?}", lines(&l));
        assert!(
            kinds.contains(&Kind::UnknownIntentReference),
            "{:?}",
            lines(&l)
        );
        assert_eq!(l.content.intents.len(), 1);
    }

    #[test]
    fn wrong_type_names_the_field_and_expected_shape() {
        let l = load("intents:\n  - id: a\n    patterns: abc\n");
        let d = &l.diagnostics[0];
        assert_eq!(d.kind(), Kind::WrongType);
        assert_eq!(d.message(), "wrong type for `patterns`: expected a list");
    }

    #[test]
    fn syntax_error_has_position() {
        let l = load("intents:\n  - id: a\n   examples: [x\n");
        let d = &l.diagnostics[0];
        assert_eq!(d.kind(), Kind::Syntax);
        assert_eq!(d.pos().map(|p| p.line), Some(3));
        assert!(!d.message().contains(" at line "), "{}", d.message());
    }

    #[test]
    fn unknown_language_code_is_an_error() {
        let l = load("intents:\n  - id: a\n    examples: {de: [x, y, z]}\n");
        assert!(l
            .diagnostics
            .iter()
            .any(|d| d.kind() == Kind::UnknownLanguage));
    }

    #[test]
    fn missing_bot_yaml_is_an_error_with_hint() {
        let l = load_str(None, &[]);
        assert!(l.has_errors());
        assert!(l.diagnostics[0].hint().is_some());
    }

    #[test]
    fn missing_directory_is_an_io_error() {
        let l = load_dir("/definitely/not/here");
        assert_eq!(l.diagnostics[0].kind(), Kind::Io);
        assert!(l.into_result().is_err());
    }

    #[test]
    fn hours_parse_ranges_lists_and_closed() {
        let bot = format!("{BOT}hours:\n  timezone: Europe/Warsaw\n  default:\n    mon-fri: \"08:00-20:00\"\n    sat: [\"09:00-12:00\", \"13:00-14:00\"]\n    sun: closed\n  departments:\n    logistics:\n      mon-sat: \"07:00-22:00\"\n");
        let l = load_str(Some((Path::new("bot.yaml"), &bot)), &[]);
        assert!(!l.has_errors(), "{:?}", lines(&l));
        let hours = l.content.settings.hours.expect("hours");
        assert_eq!(hours.default.days[0], vec![(480, 1200)]);
        assert_eq!(hours.default.days[5], vec![(540, 720), (780, 840)]);
        assert!(hours.default.days[6].is_empty());
        assert_eq!(hours.departments["logistics"].days[5], vec![(420, 1320)]);
    }

    #[test]
    fn bad_hours_and_timezone_are_reported_together() {
        let bot = format!("{BOT}hours:\n  timezone: Europe/Warsow\n  default:\n    mon-fry: \"08:00-20:00\"\n    sat: \"14:00-09:00\"\n    sun: \"25:00-26:00\"\n");
        let l = load_str(Some((Path::new("bot.yaml"), &bot)), &[]);
        let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].contains("time zone"));
    }

    #[test]
    fn fallback_suggestions_are_read_and_bounded() {
        let default = load_str(Some((Path::new("bot.yaml"), BOT)), &[]);
        assert_eq!(default.content.settings.fallback_suggestions, 3);
        let bot = format!("{BOT}fallback_suggestions: 0\n");
        let off = load_str(Some((Path::new("bot.yaml"), &bot)), &[]);
        assert!(!off.has_errors(), "{:?}", lines(&off));
        assert_eq!(off.content.settings.fallback_suggestions, 0);
        let bot = format!("{BOT}fallback_suggestions: 5\n");
        let l = load_str(Some((Path::new("bot.yaml"), &bot)), &[]);
        let line = BOT.lines().count() + 1;
        let errors: Vec<String> = l.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            errors,
            [format!(
                "bot.yaml:{line}:23: error: `fallback_suggestions` is 5, at most 3"
            )]
        );
    }

    #[test]
    fn day_and_time_parsers() {
        assert_eq!(parse_days("mon-fri"), Ok(vec![0, 1, 2, 3, 4]));
        assert!(parse_days("fri-mon").is_err());
        assert_eq!(parse_ranges("00:00-24:00"), Ok(vec![(0, 1440)]));
        assert!(parse_ranges("8-20").is_err());
        assert!(parse_ranges("24:00-24:30").is_err());
    }

    #[test]
    fn unknown_top_level_key_and_bad_intent_are_both_reported() {
        let l = load("intents:\n  - id: a\n    exampels: {en: [x]}\n  - id: b\n    keywords: {en: [y]}\n    answer: {en: B}\nintens: []\n");
        let unknown: Vec<String> = l
            .diagnostics
            .iter()
            .filter(|d| d.kind() == Kind::UnknownField)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            unknown,
            vec![
                "a.yaml:3:5: error: unknown field `exampels`",
                "a.yaml:7:1: error: unknown field `intens`"
            ]
        );
        assert_eq!(l.content.intents.len(), 1);
    }

    #[test]
    fn flow_style_intent_list_falls_back_to_the_first_error() {
        let l = load("intents: [{id: a, exampels: [x]}, {id: b, answr: {en: B}}]\n");
        let errors: Vec<String> = lines(&l);
        assert_eq!(errors, vec!["a.yaml:1:19: error: unknown field `exampels`"]);
    }

    #[test]
    fn empty_intent_file_is_a_warning() {
        let l = load("# nothing yet\n");
        assert_eq!(l.diagnostics.len(), 1);
        assert!(!l.has_errors());
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("faqbot-load-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join(BOT_FILE), BOT).expect("write bot.yaml");
        dir
    }

    #[test]
    fn non_utf8_file_is_an_error_at_the_bad_byte() {
        let dir = temp_dir("utf8");
        std::fs::write(dir.join("a.yaml"), b"intents:\n  - id: caf\xe9\n").expect("write");
        let l = load_dir(&dir);
        let d = l
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .expect("an error");
        assert_eq!(d.kind(), Kind::Syntax);
        assert_eq!(d.pos().map(|p| (p.line, p.column)), Some((2, 12)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn oversized_file_is_refused_before_reading() {
        let dir = temp_dir("size");
        let f = std::fs::File::create(dir.join("big.yaml")).expect("create");
        // Sparse: nothing is written, only the length is set.
        f.set_len(MAX_FILE_BYTES + 1).expect("set_len");
        let l = load_dir(&dir);
        assert!(l.diagnostics.iter().any(|d| d.kind() == Kind::Limit));
        assert!(!l.sources.keys().any(|k| k.ends_with("big.yaml")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn documented_example_loads() {
        // Guards: the examples in docs/content-format.md stay loadable.
        let doc = include_str!("../docs/content-format.md");
        let mut blocks = doc
            .split("```yaml\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or(""));
        let (bot, intents) = (
            blocks.next().expect("bot block"),
            blocks.next().expect("intent block"),
        );
        let l = load_str(
            Some((Path::new("bot.yaml"), bot)),
            &[(Path::new("orders.yaml"), intents)],
        );
        let errors: Vec<String> = l
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        // The snippet is abbreviated (messages and answers only in pl/en, references to
        // intents it does not show), so only semantic completeness errors may remain.
        let shape_errors: Vec<&String> = errors
            .iter()
            .filter(|e| !(e.contains("has no") || e.contains("names unknown intent")))
            .collect();
        assert!(shape_errors.is_empty(), "{shape_errors:?}");
        assert_eq!(l.content.intents[0].patterns.len(), 1);
        let hours = l.content.settings.hours.as_ref().expect("hours");
        assert_eq!(hours.default.days[5], vec![(540, 840)]);
    }

    #[test]
    fn key_at_finds_inline_and_block_keys() {
        let src = "a:\n  examples: x\n  list:\n    - [1]\n";
        assert_eq!(key_at(src, 2, 13).as_deref(), Some("examples"));
        assert_eq!(key_at(src, 4, 7).as_deref(), Some("list"));
    }

    #[test]
    fn key_at_names_synonyms_for_their_language_keys() {
        let src = "synonyms:\n  en: parcel\n  pl:\n    - paczka\nexamples:\n  en: x\n";
        assert_eq!(key_at(src, 2, 7).as_deref(), Some("synonyms.en"));
        assert_eq!(key_at(src, 4, 7).as_deref(), Some("synonyms.pl"));
        assert_eq!(key_at(src, 6, 7).as_deref(), Some("en"));
    }
}
