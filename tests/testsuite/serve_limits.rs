//! The dev server bounded in everything a client controls: idle
//! connections, a client sending its head one byte at a time (slowloris),
//! one pipelining requests and never reading the answers, one sending an
//! endless header; none of them delays a normal request, and the server's
//! memory stays bounded. Kept-alive connections answer at once (no Nagle
//! delay), are closed when idle, and answer a bounded number of requests.
//! Every hostile client here stops by itself within seconds, and talks to
//! 127.0.0.1 only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::serve::{Server, site};
use crate::support::md;

/// The server's resident memory may not pass this while under attack: a
/// debug build serving a small site uses about 15 MiB; each connection
/// costs a thread (a 256 KiB stack, little of it touched) and a 16 KiB
/// buffer for its request head, at most 256 of them.
const MOST_RSS_KIB: u64 = 96 * 1024;
/// A normal request's answer, whatever else is going on.
const ANSWER_MS: u128 = 100;

fn connect(server: &Server) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// One GET over a kept-alive connection: the status and the body's length.
fn get(reader: &mut BufReader<TcpStream>, target: &str) -> (u16, usize) {
    let (status, body) = get_body(reader, target);
    (status, body.len())
}

/// One GET over a kept-alive connection: the status and the body.
fn get_body(reader: &mut BufReader<TcpStream>, target: &str) -> (u16, Vec<u8>) {
    reader
        .get_mut()
        .write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap();
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, body)
}

fn rss_kib(server: &Server) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Runs `f` on its own thread until it returns or `stop` is set.
fn hostile(stop: &Arc<AtomicBool>, f: impl FnOnce(&AtomicBool) + Send + 'static) {
    let stop = stop.clone();
    std::thread::spawn(move || f(&stop));
}

#[test]
fn hostile_clients_never_delay_a_normal_request_nor_grow_memory() {
    let site = site().file("static/big.bin", vec![7u8; 2 << 20]);
    let server = Server::start(&site, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let until = move || started.elapsed() > Duration::from_secs(12);

    // 200 connections that never send a byte.
    let idle: Vec<TcpStream> = (0..200).map(|_| connect(&server)).collect();
    // Slowloris: a head one byte every 50 ms, never finished.
    let s = connect(&server);
    hostile(&stop, move |stop| {
        let mut s = s;
        let _ = s.write_all(b"GET / HTTP/1.1\r\nX-Slow: ");
        while !stop.load(Ordering::Relaxed) && !until() && s.write_all(b"a").is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    // A client pipelining requests for a 2 MiB file and never reading.
    let s = connect(&server);
    hostile(&stop, move |stop| {
        let mut s = s;
        let request = b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
        for _ in 0..500 {
            if stop.load(Ordering::Relaxed) || until() || s.write_all(request).is_err() {
                break;
            }
        }
        while !stop.load(Ordering::Relaxed) && !until() {
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    // An endless header line: 64 KiB at a time, up to 256 MiB.
    let s = connect(&server);
    hostile(&stop, move |stop| {
        let mut s = s;
        let chunk = vec![b'a'; 64 * 1024];
        let _ = s.write_all(b"GET / HTTP/1.1\r\nX-Endless: ");
        for _ in 0..4096 {
            if stop.load(Ordering::Relaxed) || until() || s.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));

    // Normal requests: new connections and one kept alive.
    let mut kept = BufReader::new(connect(&server));
    let mut slowest = 0;
    let mut most_rss = 0;
    for i in 0..30 {
        let t = Instant::now();
        assert_eq!(server.get("/").status, 200);
        let fresh = t.elapsed().as_millis();
        let t = Instant::now();
        assert_eq!(get(&mut kept, "/en/").0, 200);
        let reused = t.elapsed().as_millis();
        slowest = slowest.max(fresh).max(reused);
        most_rss = most_rss.max(rss_kib(&server));
        if i % 10 == 9 {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    stop.store(true, Ordering::Relaxed);
    eprintln!("under attack: slowest normal GET {slowest} ms, most resident {most_rss} KiB");
    assert!(
        slowest < ANSWER_MS,
        "a normal GET took {slowest} ms under attack"
    );
    assert!(
        most_rss < MOST_RSS_KIB,
        "the server grew to {most_rss} KiB under attack"
    );
    drop(idle);
}

#[test]
fn idle_and_hostile_connections_are_closed_by_the_server() {
    let server = Server::start(&site(), &[]);
    let closed_within = |mut s: TcpStream, secs: u64| {
        s.set_read_timeout(Some(Duration::from_secs(secs))).unwrap();
        let t = Instant::now();
        let mut sink = Vec::new();
        let r = s.read_to_end(&mut sink);
        assert!(r.is_ok(), "not closed within {secs} s: {r:?}");
        (t.elapsed(), String::from_utf8_lossy(&sink).into_owned())
    };
    // Idle: closed after the keep-alive time (5 s), without an answer.
    let (took, said) = closed_within(connect(&server), 8);
    assert!(took >= Duration::from_secs(4), "{took:?}");
    assert!(said.is_empty(), "{said}");
    // A head that never ends: 408 once the head time (10 s) is up.
    let mut slow = connect(&server);
    slow.write_all(b"GET / HTTP/1.1\r\nX: a").unwrap();
    let (_, said) = closed_within(slow, 13);
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");
    // Too long: the request line, one header, too many headers.
    let too_long = [
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000)),
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000)),
        format!("GET / HTTP/1.1\r\n{}\r\n", "X: a\r\n".repeat(100)),
        format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9_000)),
    ];
    for (request, status) in too_long.iter().zip([414, 431, 431, 414]) {
        let mut s = connect(&server);
        let _ = s.write_all(request.as_bytes());
        let (_, said) = closed_within(s, 5);
        assert!(
            said.starts_with(&format!("HTTP/1.1 {status}")),
            "{status}: {said}"
        );
    }
    // A body is refused (and the connection closed), not read.
    let mut s = connect(&server);
    s.write_all(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
        .unwrap();
    let (_, said) = closed_within(s, 5);
    assert!(said.starts_with("HTTP/1.1 4"), "{said}");
}

#[test]
fn a_kept_alive_connection_answers_at_once_and_a_bounded_number_of_times() {
    let long = "劳动和技能竞赛正文。".repeat(400);
    let site = site().file(
        "content/news/c.zh.md",
        md("title: 长文\ndate: 2021-10-01", &format!("{long}\n")),
    );
    let server = Server::start(&site, &[]);
    let mut kept = BufReader::new(connect(&server));
    let (status, length) = get(&mut kept, "/news/c/");
    assert_eq!(status, 200);
    assert!(length > 10_000, "{length}");
    // Nagle's algorithm meeting delayed ACKs costs ~40 ms a request.
    let mut times: Vec<Duration> = (0..200)
        .map(|_| {
            let t = Instant::now();
            get(&mut kept, "/news/c/");
            t.elapsed()
        })
        .collect();
    times.sort();
    assert!(
        times[100] < Duration::from_millis(10),
        "median {:?} over a kept-alive connection",
        times[100]
    );

    // At most 1,000 requests a connection: the last says so and closes.
    let mut s = connect(&server);
    let head = b"HEAD /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n";
    let all: Vec<u8> = head.repeat(1001);
    s.write_all(&all).unwrap();
    let mut answers = String::new();
    let _ = s.read_to_string(&mut answers);
    assert_eq!(answers.matches("HTTP/1.1 200").count(), 1000);
    assert_eq!(answers.matches("Connection: close").count(), 1);
}

#[test]
fn a_large_page_is_sent_in_chunks_with_the_reload_script() {
    let long = "劳动和技能竞赛正文。".repeat(12_000);
    let site = site()
        .file(
            "content/news/c.zh.md",
            md("title: 长文\ndate: 2021-10-01", &format!("{long}\n")),
        )
        .file("static/big.bin", vec![7u8; 3 << 20]);
    let server = Server::start(&site, &[]);
    let mut kept = BufReader::new(connect(&server));
    let (status, page) = get_body(&mut kept, "/news/c/");
    assert_eq!(status, 200);
    assert!(page.len() > 300_000, "{}", page.len());
    let page = String::from_utf8(page).unwrap();
    let script = page
        .find("<script data-unionpress-live>")
        .expect("the script");
    let end = page.rfind("</body>").expect("</body>");
    assert!(script < end && page[script..end].ends_with("</script>"));
    assert!(page.contains(&long));
    // The length was right: the connection goes on.
    let (status, big) = get_body(&mut kept, "/big.bin");
    assert_eq!((status, big.len()), (200, 3 << 20));
    assert!(big.iter().all(|&b| b == 7));
    assert_eq!(get(&mut kept, "/news/c/").0, 200);
}
