//! The dev server's answers: files inside the output folder only, directory
//! URLs as their `index.html`, the site's 404 page for misses, and the
//! live-reload script in every HTML page.

use std::path::{Path, PathBuf};

use tiny_http::{Header, Method, Request, Response};

use super::reload::{self, EVENTS_PATH, Hub};

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

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// Answers one request. Errors writing the answer (the browser went away)
/// are of no interest.
pub fn answer(root: &Path, hub: &Hub, request: Request) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("only GET and HEAD\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"));
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    if url.split(['?', '#']).next() == Some(EVENTS_PATH) {
        hub.subscribe(request.into_writer());
        return;
    }
    let (status, file, location) = match resolve(root, &url) {
        Target::File(file) => (200, Some(file), None),
        Target::Redirect(to) => (301, None, Some(to)),
        Target::NotFound => (404, Some(root.join("404.html")), None),
        Target::BadRequest(why) => {
            let response = Response::from_string(format!("bad request: {why}\n"))
                .with_status_code(400)
                .with_header(header("Content-Type", "text/plain; charset=utf-8"));
            let _ = request.respond(response);
            return;
        }
    };
    let mut response = match (&file, &location) {
        (Some(file), _) => match std::fs::read(file) {
            Ok(bytes) => {
                let kind = content_type(file);
                let bytes = if kind.starts_with("text/html") {
                    reload::inject(&bytes, hub.version())
                } else {
                    bytes
                };
                Response::from_data(bytes).with_header(header("Content-Type", kind))
            }
            // No 404 page (or the file went away between look and read).
            Err(_) => Response::from_data(b"not found\n".to_vec())
                .with_header(header("Content-Type", "text/plain; charset=utf-8")),
        },
        (None, Some(to)) => Response::from_data(Vec::new()).with_header(header("Location", to)),
        (None, None) => Response::from_data(Vec::new()),
    };
    response = response
        .with_status_code(status)
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
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
