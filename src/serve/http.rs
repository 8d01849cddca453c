//! The dev server's answers: files inside the output folder only, directory
//! URLs as their `index.html`, the site's 404 page for misses, and the
//! live-reload script in every HTML page.

use std::path::{Path, PathBuf};

use super::reload::{self, EVENTS_PATH, Hub};
use super::server::{Request, file_body};

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing slash: go to this URL.
    Redirect(String),
    NotFound,
    BadRequest(&'static str),
}

/// Resolves a request target (`/tags/%E5%8A%B3/?x=1`) inside `root`, which
/// must be canonical. Nothing outside `root` is ever reached: `..` and `.`
/// segments, backslashes and NUL are refused, and a symlink that leads out
/// is a miss.
pub fn resolve(root: &Path, target: &str) -> Target {
    let (path, query) = match target.find(['?', '#']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    if !path.starts_with('/') {
        return Target::BadRequest("the request path must start with /");
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::BadRequest("the request path is not UTF-8");
    };
    if decoded.contains(['\\', '\0']) {
        return Target::BadRequest("backslashes and NUL are not allowed in paths");
    }
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." {
            return Target::BadRequest("`.` and `..` are not allowed in paths");
        }
        file.push(segment);
    }
    let inside = |p: &Path| {
        p.canonicalize()
            .ok()
            .filter(|c| c.starts_with(root))
            .filter(|c| c.is_file())
    };
    if file.is_dir() {
        if !path.ends_with('/') {
            return Target::Redirect(format!("{path}/{query}"));
        }
        file.push("index.html");
    }
    match inside(&file) {
        Some(found) => Target::File(found),
        None => Target::NotFound,
    }
}

/// The Content-Type of a file, with a charset for text.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// A response body: bytes, or a large file sent in chunks (with bytes
/// inserted at an offset: the live-reload script in a large page).
#[derive(Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    File {
        file: std::fs::File,
        len: u64,
        insert: Option<(u64, Vec<u8>)>,
    },
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::File { len, insert, .. } => {
                len + insert.as_ref().map_or(0, |(_, b)| b.len() as u64)
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An answer to send: status, headers, body, and whether the connection
/// closes after it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    pub close: bool,
}

/// What a request gets: a reply, or the live-reload event stream (the
/// connection is handed to the hub).
#[derive(Debug)]
pub enum Answer {
    Reply(Reply),
    Events,
}

impl Reply {
    fn new(status: u16, body: Body) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
            close: false,
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    /// The same reply, closing the connection after it.
    pub fn closing(mut self) -> Reply {
        self.close = true;
        self
    }

    /// The status line and headers, `Content-Length` and `Connection`
    /// included (`idle`: how long a kept-alive connection waits).
    pub fn head(&self, length: u64, idle: std::time::Duration) -> Vec<u8> {
        use std::fmt::Write;
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(head, "Content-Length: {length}\r\n");
        if self.close {
            head.push_str("Connection: close\r\n\r\n");
        } else {
            let _ = write!(
                head,
                "Connection: keep-alive\r\nKeep-Alive: timeout={}\r\n\r\n",
                idle.as_secs()
            );
        }
        head.into_bytes()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A short plain-text reply: `400 bad request: why`.
pub fn plain(status: u16, why: &str) -> Reply {
    let text = format!("{}: {why}\n", reason(status).to_ascii_lowercase());
    Reply::new(status, Body::Bytes(text.into_bytes()))
        .with("Content-Type", "text/plain; charset=utf-8")
}

/// Answers one request.
pub fn answer(root: &Path, hub: &Hub, request: &Request) -> Answer {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let reply = plain(405, "only GET and HEAD").with("Allow", "GET, HEAD");
        return Answer::Reply(reply.closing());
    }
    let url = request.target.as_str();
    match url.split(['?', '#']).next() {
        Some(EVENTS_PATH) => return Answer::Events,
        Some(reload::WORKER_PATH) => {
            let body = Body::Bytes(reload::WORKER.as_bytes().to_vec());
            return Answer::Reply(
                Reply::new(200, body)
                    .with("Content-Type", "text/javascript; charset=utf-8")
                    .with("Cache-Control", "no-store"),
            );
        }
        _ => {}
    }
    let (status, file, location) = match resolve(root, url) {
        Target::File(file) => (200, Some(file), None),
        Target::Redirect(to) => (301, None, Some(to)),
        Target::NotFound => (404, Some(root.join("404.html")), None),
        Target::BadRequest(why) => {
            return Answer::Reply(plain(400, why).with("Cache-Control", "no-store"));
        }
    };
    let mut reply = match (&file, location) {
        (Some(file), _) => {
            let kind = content_type(file);
            let script = kind
                .starts_with("text/html")
                .then(|| reload::script(hub.version()));
            let body = file_body(file, script);
            match body {
                Ok(body) => Reply::new(status, body).with("Content-Type", kind),
                // No 404 page (or the file went away between look and read).
                Err(_) => plain(404, "not found"),
            }
        }
        (None, Some(to)) => Reply::new(status, Body::Bytes(Vec::new())).with("Location", to),
        (None, None) => Reply::new(status, Body::Bytes(Vec::new())),
    };
    reply = reply.with("Cache-Control", "no-store");
    Answer::Reply(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_resolve_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("tags/劳动竞赛")).unwrap();
        std::fs::write(root.join("tags/劳动竞赛/index.html"), "t").unwrap();
        std::fs::write(root.join("style.css"), "c").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let root = root.canonicalize().unwrap();
        let file = |p: &str| Target::File(root.join(p));

        assert_eq!(
            resolve(&root, "/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/"),
            file("tags/劳动竞赛/index.html")
        );
        assert_eq!(
            resolve(&root, "/tags/劳动竞赛/?page=2"),
            file("tags/劳动竞赛/index.html")
        );
        assert_eq!(resolve(&root, "/style.css"), file("style.css"));
        assert_eq!(
            resolve(&root, "/tags/劳动竞赛?x=1"),
            Target::Redirect("/tags/劳动竞赛/?x=1".into())
        );
        assert_eq!(resolve(&root, "/missing/"), Target::NotFound);
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/tags/..%5c..%5csecret.txt",
            "/..\\secret.txt",
            "/%00",
            "secret.txt",
            "/%ff",
        ] {
            assert!(
                matches!(resolve(&root, bad), Target::BadRequest(_)),
                "{bad}"
            );
        }
        // `//` does not make an absolute path.
        assert_eq!(resolve(&root, "//etc/passwd"), Target::NotFound);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_root_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/link.txt"), Target::NotFound);
        assert_eq!(resolve(&root, "/up/secret.txt"), Target::NotFound);
    }
}
