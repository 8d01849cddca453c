//! `serve`: the dev server as a browser and an attacker see it (raw HTTP
//! over TCP, so nothing normalises the requests), and incremental rebuilds
//! checked against clean builds after every kind of edit.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::support::{BIN, Page, Site, md, tree};

const ZH: &str = "content/news/a/index.zh.md";
const EN: &str = "content/news/a/index.en.md";

/// A small bilingual site with a tag, a static file and a photo.
pub(crate) fn site() -> Site {
    Site::new()
        .file(
            ZH,
            md(
                "title: 劳动竞赛开幕\ndate: 2021-12-31\ntags: [劳动竞赛]",
                "正文第一段。\n\n![现场](p.jpg)\n",
            ),
        )
        .file(
            EN,
            md(
                "title: Contest opens\ntags: [Contests]",
                "First paragraph.\n",
            ),
        )
        .file("content/news/a/p.jpg", crate::support::small_jpeg())
        .file(
            "content/news/b.zh.md",
            md("title: 第二篇\ndate: 2021-11-01", "第二篇正文。\n"),
        )
        .file("static/robots-extra.txt", "hello\n")
}

/// A running `unionpress serve --port 0`, stopped with Ctrl-C on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    url: String,
    /// The folder it serves.
    out: PathBuf,
    stderr: Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    /// `UNIONPRESS_SERVE_BIN` runs another binary (an older build, to
    /// compare).
    pub(crate) fn start(site: &Site, args: &[&str]) -> Server {
        let bin = std::env::var_os("UNIONPRESS_SERVE_BIN").unwrap_or_else(|| BIN.into());
        let mut child = Command::new(bin)
            .arg("--root")
            .arg(site.root())
            .args(["serve", "--port", "0"])
            .args(args)
            // English unless `args` says `--messages zh`.
            .env("UNIONPRESS_MESSAGES", "en")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start unionpress serve");
        let (tx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the URL line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let mut server = Server {
            child,
            url,
            out: PathBuf::new(),
            stderr,
            seen: Vec::new(),
        };
        // In English, or in Chinese with `--messages zh`.
        let out = server.wait_for(|l| l.starts_with("output in ") || l.starts_with("输出在 "));
        let out = out
            .trim_start_matches("output in ")
            .trim_start_matches("输出在 ");
        server.out = PathBuf::from(out);
        server
    }

    /// The next stderr line matching `pred` (10 s at most).
    fn wait_for(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if pred(&line) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no such line; stderr so far:\n{}", self.seen.join("\n"));
    }

    /// Waits for the rebuild after an edit, and for quiet after it (an
    /// editor's save may come as several events).
    pub(crate) fn rebuilt(&mut self) -> String {
        let line = self.wait_for(|l| {
            l.starts_with("rebuilt")
                || l.contains("error")
                || l.starts_with("已重新生成")
                || l.contains("错误")
        });
        let mut last = line;
        while let Ok(more) = self.stderr.recv_timeout(Duration::from_millis(400)) {
            self.seen.push(more.clone());
            last = more;
        }
        last
    }

    /// The files of the served folder.
    pub(crate) fn served(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.out)
    }

    pub(crate) fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Sends raw bytes, returns the raw answer (until the server closes).
    fn raw(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port())).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// `METHOD target` with `Connection: close`.
    fn request(&self, method: &str, target: &str) -> Answer {
        let raw = self.raw(
            format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
        Answer::parse(&raw)
    }

    pub(crate) fn get(&self, target: &str) -> Answer {
        self.request("GET", target)
    }

    /// The live-reload event stream, as a page opens it.
    pub(crate) fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port())).unwrap();
        stream
            .write_all(b"GET /_unionpress/events HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Events(BufReader::new(stream))
    }
}

pub(crate) struct Events(BufReader<TcpStream>);

impl Events {
    /// The data of the next event called `name`.
    pub(crate) fn next(&mut self, name: &str) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            self.0.read_line(&mut line).expect("an event");
            if line.trim() == format!("event: {name}") {
                let mut data = String::new();
                self.0.read_line(&mut data).unwrap();
                return data.trim_start_matches("data: ").trim().to_string();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        interrupt(&self.child);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
    }
}

/// Ctrl-C.
fn interrupt(child: &Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
}

#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: BTreeMap<String, String>,
    pub(crate) body: String,
}

impl Answer {
    fn parse(raw: &str) -> Answer {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {raw:?}"));
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    fn html(&self) -> Page {
        Page {
            name: "served page".into(),
            doc: scraper::Html::parse_document(&self.body),
        }
    }
}

// ---------------------------------------------------------------------------
// Serving

#[test]
fn serves_pages_with_charset_and_no_caching_and_the_reload_script() {
    let server = Server::start(&site(), &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(home.header("cache-control"), "no-store");
    let page = home.html();
    assert_eq!(page.attr("html", "lang"), "zh-CN");
    assert!(
        page.has("script[data-unionpress-live]"),
        "live reload script"
    );
    // Links and canonical URLs point at the server itself.
    assert_eq!(
        page.attr("link[rel=canonical]", "href"),
        format!("{}/", server.url)
    );
    for (path, kind) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/robots-extra.txt", "text/plain; charset=utf-8"),
    ] {
        let a = server.get(path);
        assert_eq!((a.status, a.header("content-type")), (200, kind), "{path}");
        assert!(!a.body.contains("unionpress-live"), "{path}: no script");
    }
    // The photo is served as its variants; its bytes are a JPEG.
    let src = server.get("/news/a/").html().attr("main img", "src");
    let photo = server.raw(format!("GET {src} HTTP/1.1\r\nConnection: close\r\n\r\n").as_bytes());
    assert!(photo.starts_with("HTTP/1.1 200"), "{src}");
    assert!(photo.contains("Content-Type: image/jpeg"), "{src}");
}

#[test]
fn unicode_paths_work_percent_encoded() {
    let server = Server::start(&site(), &[]);
    // As browsers send them. (A raw UTF-8 request line is not HTTP: the
    // connection is closed, see the malformed requests test.)
    for target in [
        "/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/",
        "/tags/%e5%8a%b3%e5%8a%a8%e7%ab%9e%e8%b5%9b/",
    ] {
        let a = server.get(target);
        assert_eq!(a.status, 200, "{target}");
        assert_eq!(a.html().text("h1"), "标签：劳动竞赛", "{target}");
    }
}

#[test]
fn folders_without_a_trailing_slash_redirect_keeping_the_query() {
    let server = Server::start(&site(), &[]);
    let a = server.get("/news?page=1");
    assert_eq!(a.status, 301);
    assert_eq!(a.header("location"), "/news/?page=1");
    let a = server.get("/en/news/a");
    assert_eq!((a.status, a.header("location")), (301, "/en/news/a/"));
}

#[test]
fn misses_get_the_sites_404_page_with_status_404() {
    let server = Server::start(&site(), &[]);
    let a = server.get("/no/such/page/");
    assert_eq!(a.status, 404);
    assert_eq!(a.header("content-type"), "text/html; charset=utf-8");
    let built = site().build().ok();
    assert_eq!(
        a.html().text("h1"),
        built.html("404.html").text("h1"),
        "the site's own 404 page"
    );
}

#[test]
fn head_answers_headers_only() {
    let server = Server::start(&site(), &[]);
    let get = server.get("/news/a/");
    let head = server.request("HEAD", "/news/a/");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), "text/html; charset=utf-8");
    assert_eq!(head.header("content-length"), get.body.len().to_string());
    assert_eq!(head.body, "", "no body");
    assert_eq!(server.request("POST", "/").status, 405);
}

#[test]
fn no_request_reaches_a_file_outside_the_served_folder() {
    let site = site().file("secret.txt", "TOP SECRET");
    let server = Server::start(&site, &[]);
    let secret = site.path("secret.txt");
    let absolute = secret.to_str().unwrap();
    for target in [
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2fsecret.txt",
        "/news/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/news\\..\\..\\secret.txt",
        "/%5c%2e%2e%5csecret.txt",
        "/./../secret.txt",
        "//etc/passwd",
        absolute,
        &format!("/{absolute}"),
        "/%00/etc/passwd",
        "/%ff%fe",
        "secret.txt",
        "http://x/../secret.txt",
    ] {
        let a = server.get(target);
        assert!(
            matches!(a.status, 400 | 404),
            "{target}: status {}",
            a.status
        );
        assert!(!a.body.contains("TOP SECRET"), "{target}");
        assert!(!a.body.contains("root:"), "{target}");
    }
    // The site's sources are not served either.
    for target in ["/site.yaml", "/content/news/a/index.zh.md", "/news/a/p.jpg"] {
        assert_eq!(server.get(target).status, 404, "{target}");
    }
}

#[test]
fn malformed_requests_and_many_connections_never_stop_the_server() {
    let server = Server::start(&site(), &[]);
    for garbage in [
        &b"HELLO\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"\x00\x01\x02\xff\xfe\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /tags/劳动竞赛/ HTTP/1.1\r\nConnection: close\r\n\r\n".as_bytes(),
    ] {
        let _ = server.raw(garbage);
    }
    // Half a request, then the client goes away.
    {
        let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        s.write_all(b"GET /news/ HT").unwrap();
    }
    // A header far too long.
    let long = format!(
        "GET / HTTP/1.1\r\nX: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    let _ = server.raw(long.as_bytes());

    let port = server.port();
    let threads: Vec<_> = (0..64)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let target = if i % 2 == 0 { "/" } else { "/en/" };
                s.write_all(
                    format!("GET {target} HTTP/1.1\r\nConnection: close\r\n\r\n").as_bytes(),
                )
                .unwrap();
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                answer.starts_with("HTTP/1.1 200")
            })
        })
        .collect();
    let ok = threads
        .into_iter()
        .map(|t| t.join().unwrap())
        .filter(|&b| b)
        .count();
    assert_eq!(ok, 64, "every concurrent request answered");
    assert_eq!(server.get("/").status, 200, "still answering");
}

#[test]
fn the_served_folder_is_temporary_and_public_is_never_touched() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    assert!(!site.exists("public"), "serve does not write public/");
    assert!(server.out.join("index.html").is_file());
    assert!(!server.out.starts_with(site.root()));
    interrupt(&server.child);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "Ctrl-C stops it cleanly: {status:?}");
    assert!(!server.out.exists(), "its folder is removed");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let first = Server::start(&site(), &[]);
    let port = first.port().to_string();
    let run = site().run(&["serve", "--port", &port]).fails();
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--port 0"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// Incremental rebuilds

/// The served folder equals a clean build with the server's base URL.
#[track_caller]
pub(crate) fn assert_same_as_clean_build(site: &Site, server: &Server, step: &str, drafts: bool) {
    let clean = clean_build(site, server, drafts)
        .unwrap_or_else(|errors| panic!("after {step}: the clean build failed:\n{errors}"));
    assert_same_tree(step, &clean, &tree(&server.out));
}

/// Asserts the served folder holds exactly the files of `clean`.
pub(crate) fn assert_same_tree(
    step: &str,
    clean: &BTreeMap<String, Vec<u8>>,
    served: &BTreeMap<String, Vec<u8>>,
) {
    let only_clean: Vec<&String> = clean.keys().filter(|k| !served.contains_key(*k)).collect();
    let only_served: Vec<&String> = served.keys().filter(|k| !clean.contains_key(*k)).collect();
    assert!(
        only_clean.is_empty() && only_served.is_empty(),
        "after {step}: missing from the served folder {only_clean:?}; not in a clean build {only_served:?}"
    );
    for (path, bytes) in clean {
        assert!(
            served[path] == *bytes,
            "after {step}: {path} differs from a clean build:\n--- served\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&served[path]),
            String::from_utf8_lossy(bytes)
        );
    }
}

/// The files of a clean build with the server's base URL, or the build's
/// errors when it fails.
pub(crate) fn clean_build(
    site: &Site,
    server: &Server,
    drafts: bool,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    let mut args = vec!["--base-url", &server.url, "--out", out.to_str().unwrap()];
    if drafts {
        args.push("--drafts");
    }
    let run = site.build_with(&args);
    if run.code != Some(0) {
        return Err(run.stderr);
    }
    let mut clean = tree(&out);
    clean.remove(".unionpress-output");
    Ok(clean)
}

/// A change an editor makes to the site.
type Edit = Box<dyn Fn(&Site)>;

/// The default theme copied into the site (as `init` writes it), so its
/// templates and stylesheet can be edited.
pub(crate) fn copy_theme_in(site: &Site) {
    let scratch = tempfile::tempdir().unwrap();
    let new = scratch.path().join("new");
    site.run(&["init", new.to_str().unwrap()]).ok();
    std::fs::rename(new.join("themes"), site.path("themes")).unwrap();
}

#[test]
fn after_every_kind_of_edit_the_served_site_equals_a_clean_build() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    assert_same_as_clean_build(&site, &server, "the first build", false);

    let steps: Vec<(&str, Edit)> = vec![
        (
            "editing an article's text",
            Box::new(|s| {
                s.write(
                    ZH,
                    md(
                        "title: 劳动竞赛开幕\ndate: 2021-12-31\ntags: [劳动竞赛]",
                        "改过的正文。\n\n![现场](p.jpg)\n",
                    ),
                )
            }),
        ),
        (
            "changing a title (lists, feeds, switchers)",
            Box::new(|s| {
                s.write(
                    EN,
                    md(
                        "title: The contest opens\ntags: [Contests]",
                        "First paragraph.\n",
                    ),
                )
            }),
        ),
        (
            "changing tags",
            Box::new(|s| {
                s.write(
                    ZH,
                    md(
                        "title: 劳动竞赛开幕\ndate: 2021-12-31\ntags: [技能大赛, 职工]",
                        "改过的正文。\n\n![现场](p.jpg)\n",
                    ),
                )
            }),
        ),
        (
            "adding an article",
            Box::new(|s| {
                s.write(
                    "content/news/c/index.zh.md",
                    md(
                        "title: 新文章\ndate: 2022-01-05\ntags: [职工]",
                        "新的正文。\n",
                    ),
                )
            }),
        ),
        (
            "translating it",
            Box::new(|s| {
                s.write(
                    "content/news/c/index.en.md",
                    md("title: New article", "New text.\n"),
                )
            }),
        ),
        (
            "renaming an article's folder",
            Box::new(|s| {
                std::fs::rename(s.path("content/news/c"), s.path("content/news/renamed")).unwrap()
            }),
        ),
        (
            // Its old pages come back as they were: the memo must not
            // remember them as already served.
            "renaming it back",
            Box::new(|s| {
                std::fs::rename(s.path("content/news/renamed"), s.path("content/news/c")).unwrap()
            }),
        ),
        (
            "changing a date (order in every list)",
            Box::new(|s| {
                s.write(
                    "content/news/b.zh.md",
                    md("title: 第二篇\ndate: 2023-03-01", "第二篇正文。\n"),
                )
            }),
        ),
        ("deleting a translation", Box::new(|s| s.remove(EN))),
        (
            "replacing a photo",
            Box::new(|s| s.write("content/news/a/p.jpg", crate::support::jpeg(64, 48))),
        ),
        (
            "adding a section intro",
            Box::new(|s| {
                s.write(
                    "content/news/_index.zh.md",
                    md("title: 要闻", "本栏目介绍。\n"),
                )
            }),
        ),
        (
            "editing a template",
            Box::new(|s| {
                let page = s.read("themes/default/templates/page.html");
                s.write(
                    "themes/default/templates/page.html",
                    page.replace("<article", "<!-- edited --><article"),
                );
            }),
        ),
        (
            "editing the stylesheet",
            Box::new(|s| {
                let css = s.read("themes/default/static/style.css");
                s.write(
                    "themes/default/static/style.css",
                    format!("{css}\nbody {{ outline: 0 }}\n"),
                );
            }),
        ),
        (
            "adding a static file",
            Box::new(|s| s.write("static/extra/file.txt", "more\n")),
        ),
        (
            "editing an article while site.yaml is broken, then fixing it",
            Box::new(|s| {
                let good = s.read("site.yaml");
                s.write("site.yaml", format!("{good}pagnate: 3\n"));
                std::thread::sleep(Duration::from_millis(600));
                s.write(
                    ZH,
                    md(
                        "title: 配置坏时改的\ndate: 2021-12-31\ntags: [技能大赛, 职工]",
                        "正文。\n\n![现场](p.jpg)\n",
                    ),
                );
                std::thread::sleep(Duration::from_millis(600));
                s.write("site.yaml", good);
            }),
        ),
        (
            "changing site.yaml",
            Box::new(|s| {
                s.write(
                    "site.yaml",
                    crate::support::SITE_YAML.replace("工会新闻", "职工之家") + "paginate: 1\n",
                )
            }),
        ),
        (
            "deleting an article",
            Box::new(|s| s.remove("content/news/b.zh.md")),
        ),
        (
            // The list pages it ended come back as they were: none may be
            // taken for one still served.
            "restoring it",
            Box::new(|s| {
                s.write(
                    "content/news/b.zh.md",
                    md("title: 第二篇\ndate: 2023-03-01", "第二篇正文。\n"),
                )
            }),
        ),
    ];
    copy_theme_in(&site);
    let line = server.rebuilt();
    assert!(line.starts_with("rebuilt"), "{line}");
    assert_same_as_clean_build(&site, &server, "copying the theme in", false);

    for (step, edit) in steps {
        edit(&site);
        let line = server.rebuilt();
        assert!(line.starts_with("rebuilt"), "after {step}: {line}");
        assert_same_as_clean_build(&site, &server, step, false);
    }
}

#[test]
fn a_one_article_edit_renders_only_what_shows_that_article() {
    // The search index changes with any text; here only the documents are
    // counted (the sequence test holds the index to a clean build's).
    let mut site = site().config("search: { enabled: false }");
    for i in 0..30 {
        site = site.file(
            &format!("content/news/n{i:02}.zh.md"),
            md(
                &format!("title: 第{i}篇\ndate: 2021-10-{:02}", i % 28 + 1),
                "导语。\n\n正文。\n",
            ),
        );
    }
    let mut server = Server::start(&site, &[]);
    // The body (not the lead paragraph, which is its summary) of an older
    // article, away from the home page and the feed.
    site.write(
        "content/news/n00.zh.md",
        md("title: 第0篇\ndate: 2021-10-01", "导语。\n\n改过的正文。\n"),
    );
    let line = server.rebuilt();
    // Its page changes; the list page showing it keeps its bytes (the
    // card did not change), so it is not written.
    assert!(line.contains("news/n00/index.html"), "{line}");
    assert!(!line.contains("news/page/"), "{line}");
    let changed: usize = line
        .split(": ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert_eq!(changed, 1, "{line}");
    // Nothing but that file was read again: the rest was patched.
    assert!(line.contains("[reread "), "{line}");
}

/// Article `n` of the patch tests (`content/news/n{n}.zh.md`) with `text`.
fn article(n: u32, text: &str) -> (String, String) {
    let front = format!("title: 第{n}篇\ndate: 2021-10-0{n}");
    (format!("content/news/n{n}.zh.md"), md(&front, text))
}

/// The test site, search off, with article `n` holding `text` for each.
fn with_articles(texts: &[(u32, &str)]) -> Site {
    let mut site = site().config("search: { enabled: false }");
    for &(n, text) in texts {
        let (path, file) = article(n, text);
        site = site.file(&path, file);
    }
    site
}

/// Saves article `n` with `text`.
fn save(site: &Site, n: u32, text: &str) {
    let (path, file) = article(n, text);
    site.write(&path, file);
}

#[test]
fn a_text_edit_is_patched_and_an_edit_other_pages_show_rebuilds_whole() {
    let site = with_articles(&[(1, "导语。\n\n正文。\n"), (2, "导语。\n\n正文。\n")]);
    let save = |n, text: &str| save(&site, n, text);
    let mut server = Server::start(&site, &[]);
    // Text below the lead: only the page and the feed (which carries the
    // whole text) can change.
    save(1, "导语。\n\n新的正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
    assert!(server.get("/news/n1/").body.contains("新的正文"));
    assert!(server.get("/atom.xml").body.contains("新的正文"));
    // The lead is the summary every list shows: the site is rebuilt whole.
    save(1, "改过的导语。\n\n新的正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("[read "), "{line}");
    assert!(server.get("/news/").body.contains("改过的导语"));
    // A link to an anchor the text does not have fails a patched save as a
    // whole build would, and mending it serves the page.
    save(2, "导语。\n\n见[那里](../n1/#没有)。\n");
    let line = server.rebuilt();
    assert!(line.contains("error"), "{line}");
    save(2, "导语。\n\n见[那里](../n1/)。\n");
    let line = server.rebuilt();
    assert!(line.starts_with("rebuilt"), "{line}");
    assert!(server.get("/news/n2/").body.contains("那里"));
}

#[test]
fn a_link_to_an_anchor_added_by_a_patched_save_is_checked_when_its_target_changes() {
    let site = with_articles(&[
        (1, "导语。\n\n## Part\n\n正文。\n"),
        (2, "导语。\n\n正文。\n"),
    ]);
    let save = |n, text: &str| save(&site, n, text);
    let mut server = Server::start(&site, &[]);
    // Article 2 gets a link to article 1's heading, then loses it.
    save(2, "导语。\n\n见[那一节](../n1/#part)。\n");
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
    // Article 1's heading goes: the link above is broken.
    save(1, "导语。\n\n正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("error"), "{line}");
    assert!(
        server.seen.iter().any(|l| l.contains("n2.zh.md")),
        "{:?}",
        server.seen
    );
    save(1, "导语。\n\n## Part\n\n正文。\n");
    let line = server.rebuilt();
    assert!(line.starts_with("rebuilt"), "{line}");
    // Once article 2 links elsewhere, article 1's heading may go.
    save(2, "导语。\n\n见[首页](../n1/)。\n");
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
    save(1, "导语。\n\n正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
    assert!(server.get("/news/n2/").body.contains("首页"));
}

#[test]
fn figures_moved_are_patched_figures_changed_and_intros_anchors_rebuild_whole() {
    let figure = |value| {
        format!("```metrics 会员\n- {{ label: 新增会员, value: {value}, unit: 人 }}\n```\n")
    };
    let (path, file) = article(
        1,
        &format!("导语。\n\n## 工作 {{#work}}\n\n{}", figure(36186)),
    );
    let site = site()
        .config("search: { enabled: false }")
        .file(&path, file);
    let save = |text: String| {
        let (path, file) = article(1, &text);
        site.write(&path, file);
    };
    let mut server = Server::start(&site, &[]);
    let metrics = server.get("/metrics.json").body;
    assert!(metrics.contains("36186"), "{metrics}");
    // A paragraph above the figure moves it, and changes nothing else.
    save(format!(
        "导语。\n\n## 工作 {{#work}}\n\n新段落。\n\n{}",
        figure(36186)
    ));
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
    assert_eq!(server.get("/metrics.json").body, metrics);
    // A figure is in `metrics.json`: the site is rebuilt whole.
    save(format!(
        "导语。\n\n## 工作 {{#work}}\n\n新段落。\n\n{}",
        figure(40000)
    ));
    let line = server.rebuilt();
    assert!(line.contains("[read "), "{line}");
    assert!(server.get("/metrics.json").body.contains("40000"));
    // A list intro links to the heading: taking it out of the text is
    // checked by a whole rebuild (intros are not kept), and is an error.
    site.write(
        "content/news/_index.zh.md",
        md("title: 新闻", "见[工作](n1/#work)。\n"),
    );
    let line = server.rebuilt();
    assert!(line.starts_with("rebuilt"), "{line}");
    save(format!("导语。\n\n新段落。\n\n{}", figure(40000)));
    let line = server.rebuilt();
    assert!(line.contains("error"), "{line}");
}

#[test]
fn a_page_falling_due_within_a_day_makes_every_save_rebuild_whole() {
    // Due in twelve hours: the passing of time alone will change the site.
    let soon = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339();
    let (path, file) = article(1, "导语。\n\n正文。\n");
    let site = site()
        .config("search: { enabled: false }")
        .file(&path, file)
        .file(
            "content/news/later.zh.md",
            md(&format!("title: 稍后\ndate: {soon}"), "稍后正文。\n"),
        );
    let save = |text: &str| {
        let (path, file) = article(1, text);
        site.write(&path, file);
    };
    let mut server = Server::start(&site, &[]);
    save("导语。\n\n改过的正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("[read "), "{line}");
    assert!(server.get("/news/n1/").body.contains("改过的正文"));
    // Due in 2999: text saves are patched again.
    site.write(
        "content/news/later.zh.md",
        md("title: 稍后\ndate: 2999-01-01", "稍后正文。\n"),
    );
    server.rebuilt();
    save("导语。\n\n又改过的正文。\n");
    let line = server.rebuilt();
    assert!(line.contains("[reread "), "{line}");
}

#[test]
fn folders_made_moved_in_or_renamed_after_the_start_are_watched() {
    let site = site().config("search: { enabled: false }");
    let mut server = Server::start(&site, &[]);
    let page = |text: &str| md("title: 新文章\ndate: 2022-01-05", text);
    // A new folder two levels deep (made with its file at once).
    site.write("content/news/2022/x/index.zh.md", page("第一稿。\n"));
    server.rebuilt();
    assert!(server.get("/news/2022/x/").body.contains("第一稿"));
    // Its file saved again: the new folders are watched.
    site.write("content/news/2022/x/index.zh.md", page("第二稿。\n"));
    server.rebuilt();
    assert!(server.get("/news/2022/x/").body.contains("第二稿"));
    // A folder written elsewhere and moved in.
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join("moved");
    std::fs::create_dir_all(moved.join("inner")).unwrap();
    std::fs::write(moved.join("inner/index.zh.md"), page("搬进来的。\n")).unwrap();
    std::fs::rename(&moved, site.path("content/news/moved")).unwrap();
    server.rebuilt();
    assert!(server.get("/news/moved/inner/").body.contains("搬进来的"));
    site.write("content/news/moved/inner/index.zh.md", page("改过的。\n"));
    server.rebuilt();
    assert!(server.get("/news/moved/inner/").body.contains("改过的"));
    // A folder renamed: edits under its new name are seen.
    std::fs::rename(
        site.path("content/news/2022"),
        site.path("content/news/2023"),
    )
    .unwrap();
    server.rebuilt();
    assert_eq!(server.get("/news/2022/x/").status, 404);
    site.write("content/news/2023/x/index.zh.md", page("第三稿。\n"));
    server.rebuilt();
    assert!(server.get("/news/2023/x/").body.contains("第三稿"));
    // Removed and made again under the same name.
    std::fs::remove_dir_all(site.path("content/news/2023")).unwrap();
    server.rebuilt();
    site.write("content/news/2023/x/index.zh.md", page("第四稿。\n"));
    server.rebuilt();
    site.write("content/news/2023/x/index.zh.md", page("第五稿。\n"));
    server.rebuilt();
    assert!(server.get("/news/2023/x/").body.contains("第五稿"));
    // A watched folder the site did not have: `static/` made anew.
    std::fs::remove_dir_all(site.path("static")).unwrap();
    server.rebuilt();
    site.write("static/new/a.txt", "一\n");
    server.rebuilt();
    site.write("static/new/a.txt", "二\n");
    server.rebuilt();
    assert_eq!(server.get("/new/a.txt").body, "二\n");
}

#[test]
fn a_build_error_keeps_the_last_good_site_and_is_announced() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    let before = server.get("/news/a/").body;

    // Listen for events first.
    let mut events = server.events();
    let mut read_event = |name: &str| events.next(name);
    assert_eq!(read_event("hello"), r#"{"version":0,"errors":[]}"#);

    site.write(ZH, md("title: 劳动竞赛开幕\ndate: 2021-13-45", "正文。\n"));
    let line = server.rebuilt();
    assert!(line.contains("still served"), "{line}");
    let errors: serde_json::Value = serde_json::from_str(&read_event("errors")).unwrap();
    let first = &errors["errors"][0];
    assert_eq!(first["path"], ZH);
    assert_eq!(first["line"], 3, "{errors}");
    assert!(
        first["message"].as_str().unwrap().contains("date"),
        "{errors}"
    );
    assert_eq!(server.get("/news/a/").body, before, "the last good page");

    site.write(ZH, md("title: 修好了\ndate: 2021-12-31", "正文。\n"));
    server.rebuilt();
    let reload: serde_json::Value = serde_json::from_str(&read_event("reload")).unwrap();
    assert_eq!(reload["css_only"], false);
    assert_eq!(server.get("/news/a/").html().text("h1"), "修好了");
}

#[test]
fn in_chinese_every_line_is_chinese_and_the_overlay_has_both_languages() {
    let site = site();
    let mut server = Server::start(&site, &["--messages", "zh"]);
    let started = server.seen.join("\n");
    assert!(
        started.contains("已生成 3 个页面，用时 ") && started.contains("输出在 "),
        "{started}"
    );
    let mut events = server.events();
    events.next("hello");
    site.write(ZH, md("title: 劳动竞赛开幕\ndate: 2021-13-45", "正文。\n"));
    assert_eq!(server.rebuilt(), "1 个错误；网站仍显示上一个正确的版本");
    let error = format!("{ZH}:3:1: 错误：日期 `2021-13-45` 有误：没有 13 月（月份是 01 到 12）");
    assert!(server.seen.contains(&error), "{}", server.seen.join("\n"));
    // The overlay picks by the page's language: both are sent.
    let errors: serde_json::Value = serde_json::from_str(&events.next("errors")).unwrap();
    let first = &errors["errors"][0];
    assert_eq!(
        first["messages"]["zh"],
        "日期 `2021-13-45` 有误：没有 13 月（月份是 01 到 12）"
    );
    assert_eq!(
        first["messages"]["en"],
        "bad date `2021-13-45`: month 13 does not exist (months are 01 to 12)"
    );
    assert_eq!(first["message"], first["messages"]["en"]);
    assert_eq!(
        errors["words"]["one"]["zh"],
        "1 个错误——网站仍显示上一个正确的版本"
    );
    site.write(ZH, md("title: 修好了\ndate: 2021-12-31", "正文。\n"));
    // The rebuild's line, then (made after it) the search index's.
    let last = server.rebuilt();
    assert!(last.starts_with("已重新生成"), "{last}");
    let line = (server.seen.iter().rev())
        .find(|l| l.starts_with("已重新生成，用时 "))
        .unwrap_or_else(|| panic!("no rebuild line: {}", server.seen.join("\n")));
    assert!(line.contains(" 个文件有变化（"), "{line}");
}

#[test]
fn undoing_a_typo_clears_the_errors_though_the_site_is_unchanged() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    let good = site.read(ZH);
    site.write(ZH, good.replace("date: 2021-12-31", "date: 2021-12-32"));
    assert!(server.rebuilt().contains("still served"));
    site.write(ZH, &good);
    let line = server.rebuilt();
    assert!(
        line.starts_with("rebuilt") && line.contains("0 files changed"),
        "{line}"
    );
    // A page opened now is told the site is fine, not shown old errors.
    let hello = server.events().next("hello");
    assert!(hello.contains(r#""errors":[]"#), "{hello}");
}

#[test]
fn a_stylesheet_edit_is_announced_as_css_only() {
    let site = site();
    copy_theme_in(&site);
    let mut server = Server::start(&site, &[]);
    let mut events = server.events();
    let css = site.read("themes/default/static/style.css");
    site.write(
        "themes/default/static/style.css",
        format!("{css}\nh1 {{ color: red }}\n"),
    );
    let line = server.rebuilt();
    assert_eq!(
        line,
        line.replace("index.html", ""),
        "no page changed: {line}"
    );
    let reload = events.next("reload");
    assert!(reload.contains(r#""css_only":true"#), "{reload}");
    assert!(server.get("/style.css").body.contains("h1 { color: red }"));
}

/// Dev mode shows an editor's drafts (and pages dated ahead) by default,
/// each under a banner saying it is not published; `--no-drafts` serves
/// the site as a build publishes it.
#[test]
fn drafts_are_served_by_default_with_a_banner() {
    let site = site()
        .file(
            "content/news/draft.zh.md",
            md("title: 草稿\ndate: 2021-12-01\ndraft: true", "未完成。\n"),
        )
        .file(
            "content/news/later.zh.md",
            md("title: 明年\ndate: 2999-01-01", "以后发布。\n"),
        );
    let server = Server::start(&site, &[]);
    let draft = server.get("/news/draft/");
    assert_eq!(draft.status, 200);
    let page = scraper::Html::parse_document(&draft.body);
    let banner = scraper::Selector::parse(".preview-banner").unwrap();
    let text: String = page.select(&banner).flat_map(|e| e.text()).collect();
    assert!(text.contains("草稿"), "{}", draft.body);
    let later = server.get("/news/later/").body;
    assert!(
        later.contains("preview-banner") && later.contains("2999年1月1日"),
        "{later}"
    );
    assert!(!server.get("/sitemap.xml").body.contains("/news/draft/"));
    assert!(!server.get("/atom.xml").body.contains("/news/later/"));
    drop(server);
    let published = Server::start(&site, &["--no-drafts"]);
    assert_eq!(published.get("/news/draft/").status, 404);
    assert_eq!(published.get("/news/later/").status, 404);
}

/// A file changed to the same size with its old modification time put
/// back (`cp -p`, `rsync -t`, `touch -r`) is served with its new bytes:
/// dev mode compares copied files by content.
#[test]
fn a_copied_file_with_its_old_mtime_is_served_new() {
    let site = site().file("content/news/a/report.txt", "report one\n");
    copy_theme_in(&site);
    let mut server = Server::start(&site, &[]);
    let css = "themes/default/static/style.css";
    let old = site.read(css);
    let same_size = old.replacen("color", "COLOR", 1);
    assert_ne!(old, same_size);
    for (file, url, new) in [
        ("static/robots-extra.txt", "/robots-extra.txt", "HELLO\n"),
        (css, "/style.css", same_size.as_str()),
        (
            "content/news/a/report.txt",
            "/news/a/report.txt",
            "report two\n",
        ),
    ] {
        let path = site.path(file);
        let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
        let before = server.get(url).body;
        assert_eq!(before.len(), new.len(), "{file}");
        assert_ne!(before, new, "{file}");
        // As `cp -p` does: new bytes, then the old time.
        std::fs::write(&path, new).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        server.rebuilt();
        assert_eq!(server.get(url).body, new, "{file}");
    }
}

#[test]
fn a_burst_of_saves_while_the_index_is_made_ends_with_a_clean_builds_index() {
    // Enough articles that each index takes a while to make (a debug
    // build): the saves below come while one is being made.
    let mut site = site();
    for i in 0..300 {
        let text = format!("第{i}篇的正文，讲职工技能大赛。\n\nParagraph {i} about the contest.\n");
        site = site.file(
            &format!("content/news/n{i:03}.zh.md"),
            md(
                &format!("title: 文章{i}\ndate: 2021-10-{:02}", 1 + i % 28),
                &text,
            ),
        );
    }
    let mut server = Server::start(&site, &[]);
    assert_same_as_clean_build(&site, &server, "the first build", false);
    for round in 0..10 {
        site.write(
            ZH,
            md(
                "title: 劳动竞赛开幕\ndate: 2021-12-31\ntags: [劳动竞赛]",
                &format!("第{round}次改的正文 word{round}。\n\n![现场](p.jpg)\n"),
            ),
        );
        std::thread::sleep(Duration::from_millis(30 + 20 * (round % 3)));
    }
    server.rebuilt();
    // The last save's index is served once made (a debug build may take a
    // while), and no older one replaces it afterwards.
    let clean = clean_build(&site, &server, false).expect("a good site");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tree(&server.out) != clean && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1000));
    assert_same_as_clean_build(&site, &server, "a burst of saves", false);
}

#[test]
fn an_anchor_broken_by_editing_the_page_it_points_to_is_found() {
    // The linking article is unchanged: dev mode must check it again
    // because the ids it links to changed.
    let site = site().file(
        "content/news/c.zh.md",
        md("title: 第三篇\ndate: 2021-10-01", "见[小节](../b/#sec)。\n"),
    );
    let with_id = md(
        "title: 第二篇\ndate: 2021-11-01",
        "## 小节 {#sec}\n\n正文。\n",
    );
    site.write("content/news/b.zh.md", &with_id);
    let mut server = Server::start(&site, &[]);
    assert_same_as_clean_build(&site, &server, "the first build", false);
    site.write(
        "content/news/b.zh.md",
        md("title: 第二篇\ndate: 2021-11-01", "## 小节\n\n正文。\n"),
    );
    let line = server.rebuilt();
    assert!(line.contains("1 error"), "{line}");
    let seen = server.seen.join("\n");
    assert!(
        seen.contains("content/news/c.zh.md") && seen.contains("#sec"),
        "{seen}"
    );
    site.write("content/news/b.zh.md", &with_id);
    let line = server.rebuilt();
    assert!(line.starts_with("rebuilt"), "{line}");
    assert_same_as_clean_build(&site, &server, "restoring the id", false);
}

/// Dev mode's search index is made off the rebuild loop: an index the
/// worker made for a rebuild that a newer save superseded is dropped (the
/// served index stays as it was, the work stays pending), and the index
/// made for the current generation is served.
#[test]
fn a_superseded_search_index_is_dropped_and_the_current_one_served() {
    use unionpress::serve::indexer::Indexer;
    use unionpress::serve::session::Session;
    let site = site();
    let out = site.path("served");
    let mut session = Session::new(site.root(), out.clone(), "http://127.0.0.1:1/", true);
    session.rebuild(&[]).expect("first build");
    // The first index of each language is made with the first build; an
    // edit leaves the edited language's index to the worker.
    std::fs::write(
        site.path(ZH),
        md(
            "title: 劳动竞赛开幕\ndate: 2021-12-31",
            "改写后的正文：技能比武。\n",
        ),
    )
    .unwrap();
    session.rebuild(&[site.path(ZH)]).expect("rebuild");
    let search = |out: &std::path::Path| tree(&out.join("search"));
    let before = search(&out);
    let (tx, made) = mpsc::channel();
    let indexer = Indexer::spawn(move |m| {
        let _ = tx.send(m);
    });
    let wait = |made: &Receiver<_>| {
        made.recv_timeout(Duration::from_secs(60))
            .expect("an index")
    };

    session.index_later(&indexer);
    let stale = wait(&made);
    indexer.supersede();
    let changed = session.indexed(stale, &indexer).expect("no error");
    assert!(
        changed.is_empty(),
        "a superseded index is not served: {changed:?}"
    );
    assert_eq!(search(&out), before, "the served index is as it was");

    session.index_later(&indexer);
    let current = wait(&made);
    let changed = session.indexed(current, &indexer).expect("no error");
    assert!(!changed.is_empty(), "the current index is served");
    assert_ne!(search(&out), before, "the edited article's index changed");
}
