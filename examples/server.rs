//! A minimal HTTP server with a web chat widget, on the standard library only.
//!
//! Run: `cargo run --release --example server` and open <http://127.0.0.1:8080>.
//! (`FAQBOT_ADDR=127.0.0.1:9000` to change the address; `FAQBOT_LOG=chat-log.jsonl` to
//! append every customer message and decision to a log that `faqbot unanswered` reads.)
//!
//! - `GET /` serves the widget (one HTML page, no build step);
//! - `POST /api/chat` takes `{"session": "id", "text": "..."}` and returns the decision as
//!   JSON; sessions live in memory, keyed by the id the widget generates;
//! - `POST /api/handback` with `{"session": "id"}` is what an agent console would call to
//!   hand the conversation back to the bot.
//!
//! This is an example, not a production server: one thread per connection, bodies capped
//! at 16 KiB, no TLS.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};

use faqbot::report::LogRecord;
use faqbot::{Bot, Input, Session};

const MAX_BODY: usize = 16 * 1024;
const MAX_SESSIONS: usize = 10_000;

type Sessions = Arc<Mutex<HashMap<String, Session>>>;

/// The conversation log (`FAQBOT_LOG`), if any: one `LogRecord` per line.
static LOG: OnceLock<Option<Mutex<std::fs::File>>> = OnceLock::new();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bot = Bot::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/intents"))?;
    let addr = std::env::var("FAQBOT_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_string());
    if let Ok(path) = std::env::var("FAQBOT_LOG") {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        eprintln!("logging conversations to {path}");
        LOG.get_or_init(|| Some(Mutex::new(file)));
    }
    let listener = TcpListener::bind(&addr)?;
    eprintln!("faqbot widget on http://{addr}");
    let sessions: Sessions = Arc::new(Mutex::new(HashMap::new()));
    for stream in listener.incoming().flatten() {
        let (bot, sessions) = (bot.clone(), Arc::clone(&sessions));
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &bot, &sessions) {
                eprintln!("request failed: {e}");
            }
        });
    }
    Ok(())
}

fn handle(stream: TcpStream, bot: &Bot, sessions: &Sessions) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; length.min(MAX_BODY)];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, kind, payload) = match (method, path) {
        ("GET", "/") => ("200 OK", "text/html; charset=utf-8", WIDGET.to_string()),
        ("POST", "/api/chat") => match chat(bot, sessions, &body) {
            Some(json) => ("200 OK", "application/json", json),
            None => bad_request(),
        },
        ("POST", "/api/handback") => {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let id = v["session"].as_str().unwrap_or_default();
            if let Ok(mut map) = sessions.lock() {
                if let Some(s) = map.get_mut(id) {
                    s.hand_back();
                    log(&LogRecord::handback(id, Some(jiff::Timestamp::now())));
                }
            }
            ("200 OK", "application/json", "{}".to_string())
        }
        _ => ("404 Not Found", "text/plain", "not found".to_string()),
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    )
}

fn bad_request() -> (&'static str, &'static str, String) {
    (
        "400 Bad Request",
        "application/json",
        r#"{"error":"expected {\"session\",\"text\"}"}"#.to_string(),
    )
}

fn chat(bot: &Bot, sessions: &Sessions, body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let id = v["session"].as_str()?.chars().take(64).collect::<String>();
    let text = v["text"].as_str()?;
    let now = jiff::Timestamp::now();
    let mut map = sessions.lock().ok()?;
    if map.len() >= MAX_SESSIONS && !map.contains_key(&id) {
        map.clear(); // an example's crude bound on memory
    }
    let session = map.entry(id.clone()).or_default();
    let decision = bot.respond_with(session, Input::new(text).now(now));
    drop(map);
    log(&LogRecord::new(Some(&id), text, &decision, Some(now)));
    serde_json::to_string(&decision).ok()
}

/// Appends a record to the conversation log, if there is one.
fn log(record: &LogRecord) {
    if let Some(Some(log)) = LOG.get() {
        if let (Ok(line), Ok(mut file)) = (serde_json::to_string(record), log.lock()) {
            // A full disk must not stop the chat.
            let _ = writeln!(file, "{line}");
        }
    }
}

const WIDGET: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faqbot</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
#log{border:1px solid #ccc;border-radius:8px;height:26rem;overflow-y:auto;padding:.5rem}
.me{text-align:right;margin:.4rem 0}.me span{background:#dbeafe}
.bot{margin:.4rem 0}.bot span{background:#f3f4f6}
span{display:inline-block;padding:.4rem .6rem;border-radius:8px;max-width:85%;text-align:left}
button.opt{margin:.2rem;border:1px solid #2563eb;background:#fff;color:#2563eb;border-radius:12px;padding:.2rem .6rem;cursor:pointer}
form{display:flex;gap:.5rem;margin-top:.5rem}input{flex:1;padding:.5rem}
small{color:#6b7280}
</style></head><body>
<h1>Shop help</h1><div id="log"></div>
<form id="f"><input id="t" autocomplete="off" placeholder="Ask in Polish, English, Latvian or Russian"><button>Send</button></form>
<p><small>Try: "gdzie jest moja paczka", "how much is delivery", "kur ir mans pasūtījums", "где мой заказ", "chcę rozmawiać z konsultantem".</small></p>
<script>
const id = Math.random().toString(36).slice(2);
const log = document.getElementById('log');
function add(cls, text){const d=document.createElement('div');d.className=cls;const s=document.createElement('span');s.textContent=text;d.appendChild(s);log.appendChild(d);log.scrollTop=log.scrollHeight;return d;}
async function send(text){
  add('me', text);
  const r = await fetch('/api/chat',{method:'POST',body:JSON.stringify({session:id,text})});
  const d = await r.json();
  if (d.kind === 'human') { add('bot','(a consultant will reply here)'); return; }
  const asking = d.clarify;
  buttons(add('bot', d.text || ''), (asking ? [] : (d.options || [])).concat(d.follow_ups || []));
  for (const a of (d.alternatives || [])) { add('bot', '• ' + a); }
  for (const a of (d.also || [])) { add('bot', a.text); }
  if (asking) { buttons(add('bot', asking.text), asking.options); }
}
function buttons(el, opts){
  for (const o of opts) {
    const b=document.createElement('button');b.className='opt';b.textContent=o.label;
    b.onclick=()=>send(o.label);el.appendChild(document.createElement('br'));el.appendChild(b);
  }
}
document.getElementById('f').onsubmit = e => {e.preventDefault();const t=document.getElementById('t');if(t.value.trim()){send(t.value);t.value='';}};
</script></body></html>"#;
