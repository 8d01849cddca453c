//! Live reload over Server-Sent Events. Every HTML page served gets a small
//! script that listens on [`EVENTS_PATH`]: after a rebuild the page reloads
//! (or, when only stylesheets changed, swaps them in place); after a failed
//! build it shows the errors over the page until the next good build.

use std::io::Write;
use std::sync::Mutex;

use serde::Serialize;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::messages::{Lang, Localizer, Message};
use crate::msg;

/// The reserved path of the event stream; no site file is served there.
pub const EVENTS_PATH: &str = "/_unionpress/events";
/// The shared worker that holds one event stream for every open page of a
/// browser (browsers allow about six connections to one host: one stream
/// per tab would hang the seventh).
pub const WORKER_PATH: &str = "/_unionpress/live-worker.js";
pub const WORKER: &str = include_str!("live-worker.js");
/// Event streams kept at once; past that the oldest is dropped (its page
/// connects again and gets a fresh one).
pub const MOST_STREAMS: usize = 64;

/// An error as the overlay shows it: its message in every language
/// unionpress speaks (`messages.en`, `messages.zh`; `message` is the
/// English), so each page shows it in its own language.
#[derive(Debug, Clone, Serialize)]
struct Shown {
    path: String,
    line: usize,
    column: usize,
    message: String,
    messages: BTreeMap<&'static str, String>,
}

/// The overlay's own words, in every language: its title for one error
/// and for more (`{count}` stands for how many).
#[derive(Debug, Clone, Serialize)]
struct Words {
    one: BTreeMap<&'static str, String>,
    many: BTreeMap<&'static str, String>,
}

/// What the browser should show: the site at `version`, or errors.
#[derive(Debug, Clone, Default, Serialize)]
struct State {
    version: u64,
    errors: Vec<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    words: Option<Words>,
}

/// `message` in every language, by code.
fn in_every_language(message: &Message) -> BTreeMap<&'static str, String> {
    (Lang::ALL.iter())
        .map(|&l| (l.code(), Localizer::new(l).text(message)))
        .collect()
}

/// The open event streams and the state new ones are told first.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Box<dyn Write + Send>>>,
    state: Mutex<State>,
}

impl Hub {
    /// The version pages served now carry.
    pub fn version(&self) -> u64 {
        self.state.lock().map_or(0, |s| s.version)
    }

    /// Takes a connection that asked for the event stream: answers with the
    /// stream's headers and the current state, then keeps it for events.
    /// The server gives it non-blocking: a client that stops reading fails
    /// a write and is dropped, never holding up the others.
    pub fn subscribe(&self, mut stream: Box<dyn Write + Send>) {
        let state = self.state.lock().map(|s| s.clone()).unwrap_or_default();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        let hello = event("hello", &state);
        if stream.write_all(head.as_bytes()).is_ok()
            && stream.write_all(hello.as_bytes()).is_ok()
            && stream.flush().is_ok()
            && let Ok(mut clients) = self.clients.lock()
        {
            if clients.len() >= MOST_STREAMS {
                clients.remove(0);
            }
            clients.push(stream);
        }
    }

    /// A good build that changed the output files `changed`: pages reload,
    /// or swap stylesheets when only stylesheets changed. Errors showing
    /// are cleared even when the fix gave back the same site (an undone
    /// typo).
    pub fn built(&self, changed: &[String]) {
        let data = {
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            if changed.is_empty() && state.errors.is_empty() {
                return;
            }
            let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
            // After errors the page must reload whatever changed.
            let css_only = css_only && state.errors.is_empty();
            state.version += 1;
            state.errors.clear();
            state.words = None;
            #[derive(Serialize)]
            struct Reload {
                version: u64,
                css_only: bool,
            }
            event(
                "reload",
                &Reload {
                    version: state.version,
                    css_only,
                },
            )
        };
        self.send(&data);
    }

    /// A failed build: pages show `errors` until the next good build.
    pub fn errors(&self, errors: &[Error]) {
        let data = {
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            state.errors = errors
                .iter()
                .map(|e| Shown {
                    path: e.path.to_string_lossy().replace('\\', "/"),
                    line: e.line,
                    column: e.column,
                    message: e.message.en(),
                    messages: in_every_language(&e.message),
                })
                .collect();
            state.words = Some(Words {
                one: in_every_language(&msg!("overlay-title")),
                many: in_every_language(&msg!("overlay-title-many")),
            });
            event("errors", &*state)
        };
        self.send(&data);
    }

    /// A comment line, so dead connections are noticed and dropped.
    pub fn ping(&self) {
        self.send(": ping\n\n");
    }

    fn send(&self, data: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(|c| c.write_all(data.as_bytes()).is_ok() && c.flush().is_ok());
        }
    }
}

fn event(name: &str, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    format!("event: {name}\ndata: {json}\n\n")
}

/// The script added to every HTML page in dev mode.
const SCRIPT: &str = include_str!("live.js");

/// The live-reload script of a page served at `version`.
pub fn script(version: u64) -> String {
    format!("<script data-unionpress-live>window.__unionpressVersion={version};{SCRIPT}</script>")
}

/// `html` with `script` before `</body>` (or at the end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = closing_body(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// Where the last `</body>` (any case) starts in `html`.
pub fn closing_body(html: &[u8]) -> Option<usize> {
    let needle = b"</body>";
    (0..=html.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| html[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_closing_body_tag() {
        let out =
            String::from_utf8(inject(b"<html><body><p>x</p></BODY></html>", &script(3))).unwrap();
        assert!(out.starts_with("<html><body><p>x</p><script data-unionpress-live>"));
        assert!(out.contains("__unionpressVersion=3;"));
        assert!(out.ends_with("</script></BODY></html>"));
        let bare = String::from_utf8(inject(b"<p>no body", &script(1))).unwrap();
        assert!(bare.starts_with("<p>no body<script"));
    }

    #[test]
    fn a_new_stream_hears_the_state_then_each_event() {
        #[derive(Clone, Default)]
        struct Sink(std::sync::Arc<Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let hub = Hub::default();
        hub.errors(&[Error::new("content/a.md", Message::raw("bad")).at(3, 1)]);
        let sink = Sink::default();
        hub.subscribe(Box::new(sink.clone()));
        hub.built(&["style.css".to_string()]);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains(
            "event: hello\ndata: {\"version\":0,\"errors\":[{\"path\":\"content/a.md\",\"line\":3"
        ));
        // The reload after errors is a full one, whatever changed.
        assert!(text.contains("event: reload\ndata: {\"version\":1,\"css_only\":false}"));
        // Now a stylesheet alone swaps; nothing changed is no event.
        hub.built(&["style.css".to_string()]);
        hub.built(&[]);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.ends_with("event: reload\ndata: {\"version\":2,\"css_only\":true}\n\n"));
    }

    #[test]
    fn the_overlay_gets_each_message_and_its_title_in_both_languages() {
        let hub = Hub::default();
        let tab = Error::new("content/a.md", msg!("yaml-tab")).at(3, 1);
        hub.errors(&[tab]);
        let state = hub.state.lock().unwrap().clone();
        let json: serde_json::Value = serde_json::to_value(&state).unwrap();
        let e = &json["errors"][0];
        let en = "YAML does not allow tabs for indentation: use spaces";
        assert_eq!(e["message"], en);
        assert_eq!(e["messages"]["en"], en);
        assert_eq!(e["messages"]["zh"], "YAML 不允许用 Tab 键缩进：请改用空格");
        assert_eq!(
            json["words"]["one"]["zh"],
            "1 个错误——网站仍显示上一个正确的版本"
        );
        assert_eq!(
            json["words"]["many"]["en"],
            "{count} errors — the last good version of the site is still served"
        );
        // A good build takes the words away with the errors.
        hub.built(&[]);
        let json = serde_json::to_value(&*hub.state.lock().unwrap()).unwrap();
        assert!(json.get("words").is_none(), "{json}");
    }

    #[test]
    fn fixing_an_error_reloads_even_when_nothing_changed() {
        let hub = Hub::default();
        hub.errors(&[Error::new("content/a.md", Message::raw("bad")).at(3, 1)]);
        hub.built(&[]);
        assert_eq!(hub.version(), 1);
        assert!(hub.state.lock().unwrap().errors.is_empty());
    }
}
