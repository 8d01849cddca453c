//! The time of GETs over one kept-alive connection to a running dev
//! server: `cargo run --release --example keepalive_latency -- PORT PATH
//! [COUNT]` prints the median and the 90th percentile of COUNT (1,000)
//! requests of PATH on 127.0.0.1:PORT, and the size of the answer. With
//! Nagle's algorithm meeting delayed ACKs (head and body written apart,
//! without TCP_NODELAY) each answer waits about 40 ms.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(port), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: keepalive_latency PORT PATH [COUNT]");
        std::process::exit(2);
    };
    let count: usize = args.get(2).map_or(1000, |c| c.parse().expect("COUNT"));
    let stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().expect("PORT"))).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut times = Vec::with_capacity(count);
    let mut size = 0;
    for _ in 0..count {
        let t = Instant::now();
        reader.get_mut().write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        let mut length = 0;
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        size = length;
        times.push(t.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{count} GETs of {path} ({size} bytes) over one connection: median {:.3} ms, p90 {:.3} ms, max {:.3} ms",
        ms(times[count / 2]),
        ms(times[count * 9 / 10]),
        ms(times[count - 1])
    );
}
