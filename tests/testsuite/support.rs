//! A small fluent helper for building fixture sites with the real binary, in
//! the style of mdBook's `BookTest`: write a tiny site into a temporary
//! folder, run `unionpress`, then read the output with an HTML5 parser.
//!
//! ```ignore
//! let site = Site::new().file("content/news/a/index.zh.md", ARTICLE);
//! let built = site.build().ok();
//! assert_eq!(built.html("news/a/index.html").text("h1"), "标题");
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use scraper::{ElementRef, Html, Selector};

/// The binary under test, built once by cargo for the whole test binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_unionpress");

/// The repository root (holds the example site).
pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A real photo (public domain, from the example site), for tests that want
/// one. Tests read only what the repository holds.
pub const ROCKET_JPG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/content/news/2021-05-hefei-welding-contest/rocket.jpg"
);

/// Bytes standing in for a photo: images are only copied for now.
/// Whether `src` is a resized variant of the photo `dir/stem.ext` as the
/// pipeline names them: `dir/stem.<8 hex>.<width>w.jpg` (the stem as written
/// in the URL, percent-encoded where needed).
pub fn is_variant(src: &str, dir: &str, stem: &str) -> bool {
    let Some(rest) = src.strip_prefix(&format!("{dir}{stem}.")) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 3
        && parts[0].len() == 8
        && parts[0].chars().all(|c| c.is_ascii_hexdigit())
        && parts[1]
            .strip_suffix('w')
            .is_some_and(|w| w.parse::<u32>().is_ok())
        && (parts[2] == "jpg" || parts[2] == "png")
}

/// A real (small, grey) JPEG photo: pages' photos are decoded and resized.
pub fn small_jpeg() -> Vec<u8> {
    jpeg(64, 48)
}

/// A real JPEG of the given size, drawn with a gradient so it is not blank.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
        .encode_image(&img)
        .expect("encode a test JPEG");
    bytes
}

/// The default fixture configuration: Chinese at the root, English under /en/.
pub const SITE_YAML: &str = "\
base_url: https://example.org
default_language: zh
languages:
  zh: { name: 中文, locale: zh-CN, title: 工会新闻 }
  en: { name: English, locale: en, title: Union News }
";

/// A Markdown file with front matter: `---`, the given YAML lines, `---`,
/// then the body. The YAML starts on line 2 of the file.
pub fn md(front_matter: &str, body: &str) -> String {
    let mut text = String::from("---\n");
    text.push_str(front_matter);
    if !front_matter.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("---\n");
    text.push_str(body);
    text
}

/// A fixture site in its own temporary folder.
pub struct Site {
    /// Shared with every [`Run`], so the output outlives a temporary `Site`.
    dir: Arc<tempfile::TempDir>,
    /// Environment variables for every run of the binary.
    env: Vec<(String, String)>,
}

impl Site {
    /// A site with the default bilingual `site.yaml` and an empty `content/`.
    pub fn new() -> Site {
        Site::empty().file("site.yaml", SITE_YAML).dir("content")
    }

    /// An empty folder: no `site.yaml`, no content.
    pub fn empty() -> Site {
        Site {
            dir: Arc::new(
                tempfile::Builder::new()
                    .prefix("unionpress-test-")
                    .tempdir()
                    .expect("create a temporary folder"),
            ),
            env: Vec::new(),
        }
    }

    /// Adds `lines` at the end of `site.yaml`.
    pub fn config(self, lines: &str) -> Site {
        let mut text = self.read("site.yaml");
        text.push_str(lines);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.file("site.yaml", text)
    }

    /// Writes a file (creating its folders), relative to the site root.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Site {
        self.write(rel, contents);
        self
    }

    /// Copies a file from anywhere into the site.
    pub fn copy(self, from: &str, rel: &str) -> Site {
        let bytes = fs::read(from).unwrap_or_else(|e| panic!("read {from}: {e}"));
        self.file(rel, bytes)
    }

    /// Creates an empty folder.
    pub fn dir(self, rel: &str) -> Site {
        fs::create_dir_all(self.path(rel)).expect("create folder");
        self
    }

    /// Sets an environment variable for every run of the binary.
    pub fn env(mut self, key: &str, value: &str) -> Site {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Writes a file after the site was made (to change it between builds).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn remove(&self, rel: &str) {
        let path = self.path(rel);
        if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        }
        .unwrap_or_else(|e| panic!("remove {}: {e}", path.display()));
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Names of the entries of the site root, sorted (to spot anything a
    /// run left behind).
    pub fn root_entries(&self) -> Vec<String> {
        list_dir(self.root())
    }

    /// `unionpress --root <site> build` into `public/`.
    pub fn build(&self) -> Run {
        self.build_with(&[])
    }

    /// `unionpress --root <site> build <args>`; `--out` is honoured.
    pub fn build_with(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let mut run = self.run(&all);
        if let Some(i) = args.iter().position(|a| *a == "--out") {
            run.out = PathBuf::from(args[i + 1]);
        }
        run
    }

    /// `unionpress --root <site> <args>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.arg("--root").arg(self.root()).args(args);
        // English, whatever the machine's locale, unless the test says.
        cmd.env("UNIONPRESS_MESSAGES", "en");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut run = run_command(cmd);
        run.out = self.path("public");
        run._site = Some(self.dir.clone());
        run
    }
}

/// Runs `unionpress <args>` in `cwd` (for `init`).
pub fn unionpress(cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd).args(args);
    cmd.env("UNIONPRESS_MESSAGES", "en");
    let mut run = run_command(cmd);
    run.out = cwd.join("public");
    run
}

fn run_command(mut cmd: Command) -> Run {
    // No terminal: stdin closed, output captured (so no colours either).
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output = cmd.output().expect("run the unionpress binary");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out: PathBuf::new(),
        _site: None,
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// Exit status; None when killed by a signal (a crash).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The output folder of a build.
    pub out: PathBuf,
    /// Keeps the site's folder alive as long as its output is read.
    _site: Option<Arc<tempfile::TempDir>>,
}

impl Run {
    /// Asserts exit status 0.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "expected success, got {:?}\nstderr:\n{}",
            self.code,
            self.stderr
        );
        self
    }

    /// Asserts exit status 1 (the site has errors).
    #[track_caller]
    pub fn fails(self) -> Run {
        assert_eq!(
            self.code,
            Some(1),
            "expected exit status 1, got {:?}\nstderr:\n{}",
            self.code,
            self.stderr
        );
        self
    }

    /// The message of the error reported at `path:line:col`, asserting there
    /// is exactly one such line of the form `path:line:col: error: message`.
    #[track_caller]
    pub fn error_at(&self, path: &str, line: usize, column: usize) -> String {
        self.reported_at("error", path, line, column)
    }

    /// The message of the warning reported at `path:line:col`, asserting
    /// there is exactly one.
    #[track_caller]
    pub fn warning_at(&self, path: &str, line: usize, column: usize) -> String {
        self.reported_at("warning", path, line, column)
    }

    #[track_caller]
    fn reported_at(&self, kind: &str, path: &str, line: usize, column: usize) -> String {
        let prefix = format!("{path}:{line}:{column}: {kind}: ");
        let found: Vec<&str> = self
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one {kind} at `{path}:{line}:{column}`\nstderr:\n{}",
            self.stderr
        );
        found[0].to_string()
    }

    /// The message of the error reported on `line` of `path`, at any column.
    #[track_caller]
    pub fn error_on_line(&self, path: &str, line: usize) -> String {
        let prefix = format!("{path}:{line}:");
        let found: Vec<&str> = self
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .filter_map(|rest| {
                let (column, message) = rest.split_once(": error: ")?;
                column.parse::<usize>().ok()?;
                Some(message)
            })
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one error on `{path}:{line}`\nstderr:\n{}",
            self.stderr
        );
        found[0].to_string()
    }

    /// Lines of stderr that report an error.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .collect()
    }

    pub fn out_path(&self, rel: &str) -> PathBuf {
        self.out.join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out_path(rel).exists()
    }

    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let path = self.out_path(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    #[track_caller]
    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        let path = self.out_path(rel);
        fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    /// An output page parsed as an HTML5 document.
    #[track_caller]
    pub fn html(&self, rel: &str) -> Page {
        Page {
            name: rel.to_string(),
            doc: Html::parse_document(&self.read(rel)),
        }
    }

    /// An output file parsed as JSON.
    #[track_caller]
    pub fn json(&self, rel: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(rel))
            .unwrap_or_else(|e| panic!("{rel} is not valid JSON: {e}"))
    }

    /// Checks every link of every HTML page of the output: each `href` and
    /// `src` that starts with `/` (or with `base_url`) must name a file of
    /// the output, percent-decoded, a trailing `/` meaning `index.html`.
    /// Returns how many links were checked and the broken ones.
    pub fn check_links(&self, base_url: &str) -> (usize, Vec<String>) {
        let files = self.tree();
        let mut checked = 0;
        let mut broken = Vec::new();
        for name in files.keys().filter(|f| f.ends_with(".html")) {
            let page = self.html(name);
            for e in page.select("[href], [src]") {
                for key in ["href", "src"] {
                    let Some(url) = e.value().attr(key) else {
                        continue;
                    };
                    let Some(target) = local_file(base_url, url) else {
                        continue;
                    };
                    checked += 1;
                    if !files.contains_key(&target) {
                        broken.push(format!("{name}: {key}=\"{url}\""));
                    }
                }
            }
        }
        (checked, broken)
    }

    /// Every file of the output with its bytes, by relative path.
    pub fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.out)
    }

    /// An output feed parsed by a real Atom/RSS parser.
    #[track_caller]
    pub fn feed(&self, rel: &str) -> feed_rs::model::Feed {
        feed_rs::parser::parse(self.read(rel).as_bytes())
            .unwrap_or_else(|e| panic!("{rel} is not a valid feed: {e}"))
    }

    /// Parses a feed and checks every entry: its id and link are the same
    /// permalink under `base_url`, naming a file of the output; it has a
    /// title, publication and update dates and full-text content whose
    /// images and links are absolute (those into the site naming files of
    /// the output); entries are newest first.
    #[track_caller]
    pub fn check_feed(&self, rel: &str, base_url: &str) -> feed_rs::model::Feed {
        let feed = self.feed(rel);
        let files = self.tree();
        for e in &feed.entries {
            let id = &e.id;
            let file = local_file(base_url, id)
                .filter(|_| id.starts_with(&format!("{base_url}/")))
                .unwrap_or_else(|| panic!("{rel}: id `{id}` is not a permalink of the site"));
            assert!(files.contains_key(&file), "{rel}: {id} was not written");
            let links: Vec<&str> = e.links.iter().map(|l| l.href.as_str()).collect();
            assert_eq!(links, [id.as_str()], "{rel}: links of {id}");
            assert!(
                e.title
                    .as_ref()
                    .is_some_and(|t| !t.content.trim().is_empty()),
                "{rel}: {id} has no title"
            );
            let (Some(published), Some(updated)) = (e.published, e.updated) else {
                panic!("{rel}: {id} lacks a publication or update date");
            };
            assert!(updated >= published, "{rel}: {id} updated before published");
            let html = e
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .unwrap_or_else(|| panic!("{rel}: {id} has no content"));
            assert!(!html.trim().is_empty(), "{rel}: {id} has empty content");
            for attr in ["src", "srcset", "href"] {
                for url in fragment_urls(html, attr) {
                    assert!(
                        ["https://", "http://", "//", "mailto:", "tel:"]
                            .iter()
                            .any(|p| url.starts_with(p)),
                        "{rel}: {id}: {attr}=\"{url}\" is not absolute"
                    );
                    if let Some(file) = local_file(base_url, &url) {
                        assert!(
                            files.contains_key(&file),
                            "{rel}: {id}: {attr}=\"{url}\" names {file}, which was not written"
                        );
                    }
                }
            }
        }
        let published: Vec<_> = feed.entries.iter().map(|e| e.published).collect();
        assert!(
            published.is_sorted_by(|a, b| a >= b),
            "{rel}: entries are not newest first: {published:?}"
        );
        feed
    }

    /// Asserts that `url` is the absolute URL of a written image made from
    /// the photo `name` (`cover.jpg`) of the bundle at `bundle` (an absolute
    /// URL ending in `/`): the photo itself or a resized copy of it
    /// (`cover.<hash>.960w.jpg`).
    #[track_caller]
    pub fn assert_photo(&self, url: &str, base_url: &str, bundle: &str, name: &str) {
        let file = url
            .strip_prefix(bundle)
            .unwrap_or_else(|| panic!("`{url}` is not a photo of {bundle}"));
        let (stem, ext) = name
            .rsplit_once('.')
            .expect("a photo name has an extension");
        assert!(
            !file.contains('/')
                && file.starts_with(&format!("{stem}."))
                && [ext, "webp", "avif"]
                    .iter()
                    .any(|e| file.ends_with(&format!(".{e}"))),
            "`{url}` is not made from {name}"
        );
        let target = local_file(base_url, url).expect("a URL of the site");
        assert!(self.exists(&target), "`{url}`: {target} was not written");
    }

    /// The `<url>` entries of `sitemap.xml`, read with an XML parser.
    #[track_caller]
    pub fn sitemap(&self) -> Vec<SitemapUrl> {
        const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
        const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
        let xml = self.read("sitemap.xml");
        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("sitemap.xml is not well-formed XML: {e}"));
        let root = doc.root_element();
        assert!(
            root.has_tag_name((SITEMAP_NS, "urlset")),
            "sitemap.xml: the root is not a sitemaps.org <urlset>"
        );
        let child = |url: roxmltree::Node, name: &str| {
            url.children()
                .find(|c| c.has_tag_name((SITEMAP_NS, name)))
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        root.children()
            .filter(|n| n.is_element())
            .map(|url| {
                assert!(url.has_tag_name((SITEMAP_NS, "url")), "{url:?}");
                SitemapUrl {
                    loc: child(url, "loc").expect("every <url> has a <loc>"),
                    lastmod: child(url, "lastmod"),
                    alternates: url
                        .children()
                        .filter(|c| c.has_tag_name((XHTML_NS, "link")))
                        .map(|l| {
                            assert_eq!(l.attribute("rel"), Some("alternate"));
                            (
                                l.attribute("hreflang").expect("hreflang").to_string(),
                                l.attribute("href").expect("href").to_string(),
                            )
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Checks that every `<loc>` and alternate of `sitemap.xml` is an
    /// absolute URL under `base_url` naming a file of the output, and that
    /// no address is listed twice. Returns how many URLs were checked.
    #[track_caller]
    pub fn check_sitemap(&self, base_url: &str) -> usize {
        let files = self.tree();
        let urls = self.sitemap();
        let mut checked = 0;
        for u in &urls {
            for href in std::iter::once(&u.loc).chain(u.alternates.iter().map(|(_, h)| h)) {
                let file = local_file(base_url, href)
                    .filter(|_| href.starts_with(base_url))
                    .unwrap_or_else(|| {
                        panic!("sitemap: `{href}` is not an absolute URL of the site")
                    });
                assert!(
                    files.contains_key(&file),
                    "sitemap: `{href}` names {file}, which was not written"
                );
                checked += 1;
            }
        }
        let mut locs: Vec<&str> = urls.iter().map(|u| u.loc.as_str()).collect();
        let count = locs.len();
        locs.sort_unstable();
        locs.dedup();
        assert_eq!(locs.len(), count, "sitemap lists an address twice");
        checked
    }
}

/// One `<url>` of `sitemap.xml`.
#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
    /// (hreflang, href) of its `xhtml:link rel=alternate` children.
    pub alternates: Vec<(String, String)>,
}

/// A parsed HTML page with CSS-selector helpers.
pub struct Page {
    pub name: String,
    pub doc: Html,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e:?}"))
}

impl Page {
    pub fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.doc.select(&selector(css)).collect()
    }

    pub fn count(&self, css: &str) -> usize {
        self.select(css).len()
    }

    pub fn has(&self, css: &str) -> bool {
        self.count(css) > 0
    }

    /// The one element matching `css`.
    #[track_caller]
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(
            found.len(),
            1,
            "expected exactly one `{css}` in {}, found {}",
            self.name,
            found.len()
        );
        found[0]
    }

    /// The text of the one element matching `css`.
    #[track_caller]
    pub fn text(&self, css: &str) -> String {
        text(self.one(css))
    }

    /// The texts of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text).collect()
    }

    /// An attribute of the one element matching `css`.
    #[track_caller]
    pub fn attr(&self, css: &str, name: &str) -> String {
        attr(self.one(css), name)
    }

    /// An attribute of every element matching `css` (that has it).
    pub fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select(css)
            .into_iter()
            .filter_map(|e| e.value().attr(name).map(str::to_string))
            .collect()
    }
}

/// The text an element shows.
pub fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// A figure's caption as a reader sees it, without its photo credit: the
/// text of `figcaption` minus any `small.credit` inside it, trimmed.
pub fn caption_text(figcaption: ElementRef) -> String {
    let mut caption = text(figcaption);
    for credit in select(figcaption, "small.credit") {
        caption = caption.replacen(&text(credit), "", 1);
    }
    caption.trim().to_string()
}

/// An attribute that must be there.
#[track_caller]
pub fn attr(e: ElementRef, name: &str) -> String {
    e.value()
        .attr(name)
        .unwrap_or_else(|| panic!("<{}> has no `{name}`: {}", e.value().name(), e.html()))
        .to_string()
}

/// Elements matching `css` inside `e`.
pub fn select<'a>(e: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    e.select(&selector(css)).collect()
}

/// Entry names of a folder, sorted.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Every file under `root` (hidden ones included) with its bytes, by
/// `/`-separated relative path.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("list output folder") {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside root");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, fs::read(&path).expect("read output file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Asserts two output trees are identical, naming the first difference.
#[track_caller]
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "the two outputs hold different files");
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{name} differs between the two outputs");
    }
}

/// The URLs of an HTML fragment (an entry's content) in attribute `attr`
/// of any element; each candidate of a `srcset`.
pub fn fragment_urls(html: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    doc.select(&selector(&format!("[{attr}]")))
        .flat_map(|e| {
            let value = e.value().attr(attr).unwrap_or_default();
            if attr == "srcset" {
                value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .map(str::to_string)
                    .collect()
            } else {
                vec![value.to_string()]
            }
        })
        .collect()
}

/// The output file a link points at, if it is a link into the site: a
/// root-relative path or an absolute URL under `base_url`.
pub fn local_file(base_url: &str, url: &str) -> Option<String> {
    let local = match url.strip_prefix(base_url) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
        _ if url.starts_with('/') && !url.starts_with("//") => url,
        _ => return None,
    };
    Some(target_file(local))
}

/// The output file a local URL path points at: `/news/%E5%8A%B3/` →
/// `news/劳/index.html`.
pub fn target_file(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let mut path = unionpress::urls::percent_decode(path.trim_start_matches('/'));
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    path
}
