//! Dev-mode latency: the time from saving an article to the reload event
//! reaching a browser's event stream, as an editor lives it.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example serve_latency -- SITE [EDITS]
//! ```
//!
//! Starts `target/release/unionpress serve --port 0` on SITE, listens on the
//! live-reload stream, then edits one article EDITS times (default 15: a
//! sentence appended to its last paragraph, written as a whole file) and
//! prints each save-to-reload time and the median. The article is restored
//! afterwards. `UNIONPRESS_BIN` names another binary to start;
//! `PAUSE_MS` is the pause between a reload and the next save (default 300;
//! a few seconds lets each save's search index be finished first).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(site) = args.first().map(PathBuf::from) else {
        eprintln!("usage: serve_latency SITE [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(15);
    let article = pick_article(&site.join("content"));
    let original = std::fs::read_to_string(&article).expect("read the article");

    // `UNIONPRESS_BIN` runs another build (another target folder, an older
    // version to compare).
    let bin = std::env::var_os("UNIONPRESS_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/unionpress"),
        PathBuf::from,
    );
    let mut server = Command::new(&bin)
        .arg("--root")
        .arg(&site)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start target/release/unionpress (cargo build --release first)");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the URL line")
        .to_string();
    let host = url.trim_start_matches("http://").trim_end_matches('/');

    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .write_all(b"GET /_unionpress/events HTTP/1.1\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut events = BufReader::new(stream);
    wait_for(&mut events, "event: hello");

    let pause: u64 = std::env::var("PAUSE_MS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(300);
    println!("article: {}", article.display());
    let mut times = Vec::new();
    for i in 0..edits {
        std::thread::sleep(Duration::from_millis(pause));
        let text = format!(
            "{}\n\nEdit number {i} of the latency run.\n",
            original.trim_end()
        );
        let saved = Instant::now();
        std::fs::write(&article, text).unwrap();
        wait_for(&mut events, "event: reload");
        let ms = saved.elapsed().as_secs_f64() * 1000.0;
        println!("edit {i}: {ms:.1} ms");
        times.push(ms);
    }
    std::fs::write(&article, &original).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // Ctrl-C, as an editor stops it: the server removes its output folder
    // (a kill would leave it in the temporary folder).
    let stopped = std::process::Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status()
        .is_ok_and(|s| s.success());
    if !stopped {
        let _ = server.kill();
    }
    let _ = server.wait();
    times.sort_by(f64::total_cmp);
    println!(
        "save to reload event over {edits} edits: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}

/// An article in the middle of the site: the middle bundle's first file.
fn pick_article(content: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("_index")
        })
        .collect();
    assert!(!files.is_empty(), "no articles in {}", content.display());
    files.swap_remove(files.len() / 2)
}

fn wait_for(events: &mut impl BufRead, wanted: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        if events.read_line(&mut line).unwrap_or(0) == 0 {
            panic!("the event stream ended before `{wanted}`");
        }
        if line.trim_end() == wanted {
            return;
        }
    }
}
