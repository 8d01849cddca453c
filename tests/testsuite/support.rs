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

/// A real photo, for tests that want one (CI has ../shared beside the checkout).
pub const ROCKET_JPG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/sample-photos/rocket.jpg"
);

/// Bytes standing in for a photo: images are only copied for now.
pub const FAKE_JPG: &[u8] = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9";

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

    /// Names of the entries of the site root, sorted (to spot leftovers such
    /// as a staging folder).
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
    let mut run = run_command(cmd);
    run.out = cwd.join("public");
    run
}

fn run_command(mut cmd: Command) -> Run {
    // No terminal: stdin closed, stderr captured (so no colours either).
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let output = cmd.output().expect("run the unionpress binary");
    Run {
        code: output.status.code(),
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
        let prefix = format!("{path}:{line}:{column}: error: ");
        let found: Vec<&str> = self
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix(&prefix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one error at `{path}:{line}:{column}`\nstderr:\n{}",
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
                    let local = match url.strip_prefix(base_url) {
                        Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
                        _ if url.starts_with('/') && !url.starts_with("//") => url,
                        _ => continue,
                    };
                    checked += 1;
                    if !files.contains_key(&target_file(local)) {
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

/// The output file a local URL path points at: `/news/%E5%8A%B3/` →
/// `news/劳/index.html`.
pub fn target_file(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let mut path = unionpress::text::percent_decode(path.trim_start_matches('/'));
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    }
    path
}
