//! The dev server's connections, bounded in everything a client controls.
//! Each connection has a thread of its own (a small stack), so a slow or
//! hostile client holds only its own thread: the request head must arrive
//! within [`Limits::head_time`] and fit in [`Limits::head_bytes`] (the
//! request line in [`Limits::url_bytes`], at most [`Limits::headers`]
//! headers); a kept-alive connection idle for [`Limits::idle`] is closed;
//! a response the client does not read within [`Limits::write_time`] is
//! given up; a connection answers at most
//! [`Limits::requests_per_connection`] requests. No more than
//! [`Limits::connections`] are open at once: past that the connection
//! waiting longest for a request is closed to make room. Responses go out
//! in one write where they fit (head and body together, `TCP_NODELAY`), so
//! a kept-alive connection does not wait on Nagle's algorithm. A
//! connection holds at most its head buffer and [`WHOLE`] bytes of a file
//! (larger files go out in [`CHUNK`]s): with 256 connections, under 80 MiB
//! whatever the clients do.
//!
//! tiny_http, used before, could not be bounded: it accepts connections
//! itself (no hook to set socket options), buffers a header line without
//! limit, keeps a thread per connection for ever, and hands every request to
//! one shared pool of workers that a client not reading its answers blocks.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::http::{self, Answer, Body, Reply};
use super::reload::{self, Hub};

/// What one client may take of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line and headers together, in bytes.
    pub head_bytes: usize,
    /// The request line's target (the URL), in bytes.
    pub url_bytes: usize,
    /// Headers in one request.
    pub headers: usize,
    pub requests_per_connection: usize,
    /// How long a connection may wait for its next request.
    pub idle: Duration,
    /// How long a request head may take to arrive, once begun.
    pub head_time: Duration,
    /// How long a response may take to be read by the client.
    pub write_time: Duration,
    /// Connections open at once (event streams are the hub's).
    pub connections: usize,
}

pub const LIMITS: Limits = Limits {
    head_bytes: 16 * 1024,
    url_bytes: 8 * 1024,
    headers: 64,
    requests_per_connection: 1000,
    idle: Duration::from_secs(5),
    head_time: Duration::from_secs(10),
    write_time: Duration::from_secs(10),
    connections: 256,
};

/// Bytes of a file sent per write; files up to [`WHOLE`] are read at once.
const CHUNK: usize = 64 * 1024;
const WHOLE: u64 = 256 * 1024;
/// Stack of a connection's thread (it parses a head and copies files).
const STACK: usize = 256 * 1024;

/// A request head as the answer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// The client wants the connection kept open after the answer.
    pub keep_alive: bool,
}

/// The open connections, so the one waiting longest can be closed when
/// the server is full.
#[derive(Default)]
struct Registry {
    slots: Mutex<HashMap<u64, Slot>>,
    next: AtomicU64,
}

struct Slot {
    stream: TcpStream,
    /// Waiting for a request since then; None while answering.
    waiting: Option<Instant>,
}

impl Registry {
    /// Makes room for one more connection: Ok(id), or Err when every
    /// connection is busy answering.
    fn admit(&self, stream: &TcpStream, most: usize) -> Result<u64, ()> {
        let Ok(mut slots) = self.slots.lock() else {
            return Err(());
        };
        if slots.len() >= most {
            let oldest = (slots.iter())
                .filter_map(|(id, s)| s.waiting.map(|t| (t, *id)))
                .min();
            match oldest {
                Some((_, id)) => {
                    if let Some(slot) = slots.remove(&id) {
                        let _ = slot.stream.shutdown(Shutdown::Both);
                    }
                }
                None => return Err(()),
            }
        }
        let clone = stream.try_clone().map_err(|_| ())?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        slots.insert(
            id,
            Slot {
                stream: clone,
                waiting: Some(Instant::now()),
            },
        );
        Ok(id)
    }

    fn set_waiting(&self, id: u64, waiting: bool) {
        if let Ok(mut slots) = self.slots.lock()
            && let Some(slot) = slots.get_mut(&id)
        {
            slot.waiting = waiting.then(Instant::now);
        }
    }

    fn remove(&self, id: u64) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.remove(&id);
        }
    }
}

/// Serves `root` on `listener` until the process ends: one thread accepts,
/// each connection gets its own.
pub fn spawn(listener: TcpListener, root: PathBuf, hub: Arc<Hub>, limits: Limits) {
    let registry = Arc::new(Registry::default());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                // Out of file descriptors, or the client gave up: go on.
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let Ok(id) = registry.admit(&stream, limits.connections) else {
                busy(stream);
                continue;
            };
            let (root, hub, registry) = (root.clone(), hub.clone(), registry.clone());
            let started = std::thread::Builder::new()
                .name("unionpress-http".into())
                .stack_size(STACK)
                .spawn(move || {
                    let mut conn = Connection::new(stream, limits);
                    conn.run(&root, &hub, &registry, id);
                    registry.remove(id);
                });
            if started.is_err() {
                // No thread to be had: the connection is dropped (closed).
                continue;
            }
        }
    });
}

/// Every connection busy answering: a short 503, without waiting on the
/// client.
fn busy(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let mut stream = stream;
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n",
    );
}

/// Why reading a request head stopped.
enum Stop {
    /// The client closed, went idle too long or the connection failed:
    /// close without an answer.
    Quiet,
    /// Answer with this status and close.
    Refuse(u16, &'static str),
}

struct Connection {
    stream: TcpStream,
    limits: Limits,
    /// Bytes read and not yet used: at most one request head (a client
    /// that pipelines waits in the kernel's buffer, not in ours).
    buf: Vec<u8>,
    len: usize,
}

impl Connection {
    fn new(stream: TcpStream, limits: Limits) -> Self {
        Connection {
            stream,
            limits,
            buf: vec![0; limits.head_bytes],
            len: 0,
        }
    }

    fn run(&mut self, root: &Path, hub: &Hub, registry: &Registry, id: u64) {
        for served in 1..=self.limits.requests_per_connection {
            registry.set_waiting(id, true);
            let request = match self.read_head() {
                Ok(r) => r,
                Err(Stop::Quiet) => return,
                Err(Stop::Refuse(status, why)) => {
                    registry.set_waiting(id, false);
                    let reply = http::plain(status, why).closing();
                    let _ = self.write(reply, false);
                    self.linger();
                    return;
                }
            };
            registry.set_waiting(id, false);
            let head_only = request.method == "HEAD";
            let mut reply = match http::answer(root, hub, &request) {
                Answer::Reply(reply) => reply,
                Answer::Events => {
                    // The hub keeps the stream; writes to it never block.
                    if let Ok(stream) = self.stream.try_clone()
                        && stream.set_nonblocking(true).is_ok()
                    {
                        hub.subscribe(Box::new(stream));
                    }
                    return;
                }
            };
            if !request.keep_alive || served == self.limits.requests_per_connection {
                reply = reply.closing();
            }
            let close = reply.close;
            if self.write(reply, head_only).is_err() {
                return;
            }
            if close {
                self.linger();
                return;
            }
        }
    }

    /// Reads one request head, within the limits.
    fn read_head(&mut self) -> Result<Request, Stop> {
        let waiting_from = Instant::now();
        let mut begun = (self.len > 0).then_some(waiting_from);
        loop {
            if self.len > 0 {
                let mut headers = vec![httparse::EMPTY_HEADER; self.limits.headers];
                let mut parsed = httparse::Request::new(&mut headers);
                match parsed.parse(&self.buf[..self.len]) {
                    Ok(httparse::Status::Complete(n)) => {
                        let request = self.request(&parsed)?;
                        self.buf.copy_within(n..self.len, 0);
                        self.len -= n;
                        return Ok(request);
                    }
                    Ok(httparse::Status::Partial) => {}
                    Err(httparse::Error::TooManyHeaders) => {
                        return Err(Stop::Refuse(431, "too many headers"));
                    }
                    Err(_) => return Err(Stop::Refuse(400, "malformed request")),
                }
            }
            if self.len == self.buf.len() {
                let line_ends = self.buf[..self.len].windows(2).any(|w| w == b"\r\n");
                return Err(match line_ends {
                    false => Stop::Refuse(414, "the request line is too long"),
                    true => Stop::Refuse(431, "the request head is too large"),
                });
            }
            // The request line alone is checked as it comes.
            let first_line = &self.buf[..self.len];
            if !first_line.contains(&b'\n') && self.len > self.limits.url_bytes + 32 {
                return Err(Stop::Refuse(414, "the request line is too long"));
            }
            let deadline = match begun {
                None => waiting_from + self.limits.idle,
                Some(t) => t + self.limits.head_time,
            };
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return Err(match begun {
                    None => Stop::Quiet,
                    Some(_) => Stop::Refuse(408, "the request head took too long"),
                });
            };
            let left = left.max(Duration::from_millis(1));
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return Err(Stop::Quiet);
            }
            match self.stream.read(&mut self.buf[self.len..]) {
                Ok(0) => return Err(Stop::Quiet),
                Ok(n) => {
                    self.len += n;
                    begun.get_or_insert_with(Instant::now);
                }
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(Stop::Quiet),
            }
        }
    }

    /// The parts of a parsed head the answer needs; requests with a body
    /// are refused (the dev server takes none).
    fn request(&self, parsed: &httparse::Request) -> Result<Request, Stop> {
        let method = parsed.method.unwrap_or("").to_string();
        let target = parsed.path.unwrap_or("");
        if target.len() > self.limits.url_bytes {
            return Err(Stop::Refuse(414, "the URL is too long"));
        }
        let header = |name: &str| {
            (parsed.headers.iter())
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
        };
        let has_body = header("transfer-encoding").is_some()
            || header("content-length").is_some_and(|v| v.trim() != "0");
        if has_body {
            return Err(Stop::Refuse(413, "the dev server takes no request bodies"));
        }
        let connection = header("connection").unwrap_or_default();
        let keep_alive = match parsed.version {
            Some(1) => !connection.contains("close"),
            _ => connection.contains("keep-alive"),
        };
        Ok(Request {
            method,
            target: target.to_string(),
            keep_alive,
        })
    }

    /// Writes `reply` (its head only for HEAD) within the write time.
    fn write(&mut self, reply: Reply, head_only: bool) -> io::Result<()> {
        let deadline = Instant::now() + self.limits.write_time;
        let length = reply.body.len();
        let mut out = reply.head(length, self.limits.idle);
        match reply.body {
            _ if head_only => self.send(&out, deadline),
            Body::Bytes(bytes) => {
                out.extend_from_slice(&bytes);
                self.send(&out, deadline)
            }
            Body::File {
                mut file,
                len,
                mut insert,
            } => {
                // The head goes out with the first bytes of the file.
                let mut sent = 0;
                let mut chunk = vec![0; CHUNK];
                while sent < len {
                    // Up to the insertion point, then the inserted bytes.
                    let stop = insert.as_ref().map_or(len, |(at, _)| (*at).max(sent));
                    let want = (chunk.len() as u64).min(stop - sent) as usize;
                    if want > 0 {
                        let n = file.read(&mut chunk[..want])?;
                        if n == 0 {
                            // The file shrank while sent: the length said
                            // is wrong, so the connection cannot go on.
                            return Err(io::ErrorKind::UnexpectedEof.into());
                        }
                        out.extend_from_slice(&chunk[..n]);
                        sent += n as u64;
                    }
                    if insert.as_ref().is_some_and(|(at, _)| *at <= sent) {
                        out.extend_from_slice(&insert.take().map(|(_, b)| b).unwrap_or_default());
                    }
                    self.send(&out, deadline)?;
                    out.clear();
                }
                if let Some((_, bytes)) = insert {
                    self.send(&bytes, deadline)?;
                }
                Ok(())
            }
        }
    }

    /// Sends all of `bytes` by `deadline`.
    fn send(&mut self, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
        while !bytes.is_empty() {
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or(io::ErrorKind::TimedOut)?;
            self.stream
                .set_write_timeout(Some(left.max(Duration::from_millis(1))))?;
            match self.stream.write(bytes) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Closes after an answer the client should see: our side first, then
    /// what it still sends is read away for a moment (closing with unread
    /// bytes would reset the connection and could lose the answer).
    fn linger(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let _ = self
            .stream
            .set_read_timeout(Some(Duration::from_millis(200)));
        let started = Instant::now();
        let mut sink = [0; 4096];
        let mut read = 0;
        while started.elapsed() < Duration::from_millis(500) && read < 256 * 1024 {
            match self.stream.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A file as an answer's body, with `script` before its last `</body>`
/// (an HTML page in dev mode): read whole when small, else opened to be
/// sent in chunks, so no connection holds more than [`WHOLE`] bytes of a
/// file (a large page's `</body>` is looked for in its last 64 KiB).
pub fn file_body(path: &Path, script: Option<String>) -> io::Result<Body> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len <= WHOLE {
        let mut bytes = Vec::with_capacity(len as usize);
        (&mut file).take(len).read_to_end(&mut bytes)?;
        return Ok(Body::Bytes(match script {
            Some(s) => reload::inject(&bytes, &s),
            None => bytes,
        }));
    }
    let insert = match script {
        None => None,
        Some(s) => {
            let tail_from = len.saturating_sub(CHUNK as u64);
            file.seek(SeekFrom::Start(tail_from))?;
            let mut tail = Vec::with_capacity(CHUNK);
            (&mut file).take(len - tail_from).read_to_end(&mut tail)?;
            file.seek(SeekFrom::Start(0))?;
            let at = reload::closing_body(&tail).map_or(len, |i| tail_from + i as u64);
            Some((at, s.into_bytes()))
        }
    };
    Ok(Body::File { file, len, insert })
}
