//! Fuzzing on stable Rust (property tests with proptest): the example
//! site's articles and its `site.yaml`, mutated (tokens that matter to the
//! parsers inserted, parts deleted, replaced and repeated), are read by
//! `check` and `build` in process. For every input: no panic; every error
//! in a text file of the site has a line and a column; `check` and
//! `build` report the same errors; a failed build leaves the previous
//! output as it was; and checking is linear in the size of an article.
//!
//! `cargo test` runs a short round (`UNIONPRESS_FUZZ_CASES`, default 24
//! cases a target); CI runs a longer one (about a minute and a half on
//! two cores): `UNIONPRESS_FUZZ_CASES=10000 cargo test --release --test fuzz`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use unionpress::error::Error;
use unionpress::pipeline::{self, Options};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Strings that mean something to front matter, Markdown, metrics blocks,
/// URLs and YAML: the mutations are made of them and of random text.
const TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "--- # x\n",
    "\n",
    "\r\n",
    "\u{feff}",
    "\0",
    "\t",
    " ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!binary ",
    "? ",
    "|\n",
    ">\n",
    "#",
    "\\",
    "%2e%2e/",
    "../",
    "/",
    "//",
    "%00",
    "%ff",
    "title: ",
    "date: ",
    "2021-12-31",
    "2021-02-30",
    "tags: [",
    "aliases: [/",
    "slug: ",
    "cover: ",
    "draft: true",
    "featured: true",
    "weight: 99999999999999999999",
    "extra: {a: 1}",
    "corrections: [{date: 2021-01-01, text: x}]",
    "```metrics\n",
    "```\n",
    "- { label: a, value: 1e308, unit: 万元 }\n",
    "- { label: b, value: -0, unit: 10k people }\n",
    "value: ",
    "unit: 亿元",
    "[^1]",
    "[^1]: x\n",
    "![",
    "](",
    ")",
    "](p.jpg)",
    "](/news/)",
    "](#",
    "{#id}",
    "## ",
    "| a | b |\n|---|---|\n",
    "<script>",
    "</body>",
    "&amp;",
    "劳动竞赛",
    "万元",
    "蚌埠",
    "🙂",
    "\u{200b}",
    "\u{202e}",
    "base_url: ",
    "https://x.org/?a=1",
    "languages: ",
    "default_language: ",
    "theme: /usr",
    "paginate: 0",
    "images: { widths: [] }",
    "timezone: Mars/Base",
    "zh: ",
    "en: ",
    "compact_numbers: true",
    "search: { enabled: false }",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, String),
    Delete(f64, usize),
    Replace(f64, usize, String),
    Repeat(f64, usize, usize),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        1 => proptest::collection::vec(any::<char>(), 0..12).prop_map(|c| c.into_iter().collect()),
        1 => (proptest::sample::select(TOKENS), 1..400usize).prop_map(|(t, n)| t.repeat(n)),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0.0..1.0f64;
    prop_oneof![
        4 => (at.clone(), text()).prop_map(|(a, t)| Edit::Insert(a, t)),
        2 => (at.clone(), 1..80usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        2 => (at.clone(), 1..20usize, text()).prop_map(|(a, n, t)| Edit::Replace(a, n, t)),
        1 => (at, 1..200usize, 2..20usize).prop_map(|(a, n, k)| Edit::Repeat(a, n, k)),
    ]
}

/// The char boundary nearest below `at` (a fraction of the length).
fn boundary(s: &str, at: f64) -> usize {
    let mut i = ((s.len() as f64) * at) as usize;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn span(s: &str, at: f64, n: usize) -> (usize, usize) {
    let start = boundary(s, at);
    let mut end = (start + n).min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut s = seed.to_string();
    for e in edits {
        match e {
            Edit::Insert(at, t) => s.insert_str(boundary(&s, *at), t),
            Edit::Delete(at, n) => {
                let (a, b) = span(&s, *at, *n);
                s.replace_range(a..b, "");
            }
            Edit::Replace(at, n, t) => {
                let (a, b) = span(&s, *at, *n);
                s.replace_range(a..b, t);
            }
            Edit::Repeat(at, n, k) => {
                let (a, b) = span(&s, *at, *n);
                let part = s[a..b].repeat(*k);
                s.insert_str(b, &part);
            }
        }
    }
    s
}

fn cases() -> u32 {
    std::env::var("UNIONPRESS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(24)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })
}

/// Every Markdown file of the example site, by path from the site root.
fn seeds() -> &'static [(String, String)] {
    static SEEDS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut found = Vec::new();
        for entry in walk(&Path::new(REPO).join("content")) {
            if entry.extension().is_some_and(|e| e == "md") {
                let rel = entry
                    .strip_prefix(REPO)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((rel, fs::read_to_string(&entry).unwrap()));
            }
        }
        found.sort();
        assert!(found.len() >= 8, "the example site's articles: {found:?}");
        found
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A small site for the seed at `rel`: the example's `site.yaml` and the
/// files of that article (its bundle, or both languages of a single-file
/// page), made once per seed and test (`which`) so the photo cache is kept
/// between cases and tests running at once do not share one.
fn mini_site(which: &str, rel: &str) -> &'static Path {
    static SITES: OnceLock<std::sync::Mutex<BTreeMap<String, &'static Path>>> = OnceLock::new();
    let sites = SITES.get_or_init(Default::default);
    let mut sites = sites.lock().unwrap();
    let key = format!("{which} {rel}");
    if let Some(p) = sites.get(&key) {
        return p;
    }
    let dir: &'static tempfile::TempDir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
    let root = dir.path();
    fs::copy(Path::new(REPO).join("site.yaml"), root.join("site.yaml")).unwrap();
    let source = Path::new(REPO).join(rel);
    let folder = source.parent().unwrap();
    let bundle = source
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("index.");
    let stem = |p: &Path| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.split('.').next().unwrap().to_string()
    };
    for file in walk(folder) {
        let same_article = if bundle {
            true
        } else {
            file.parent() == Some(folder) && stem(&file) == stem(&source)
        };
        if same_article && (bundle || file.extension().is_some_and(|e| e == "md")) {
            let to = root.join(file.strip_prefix(REPO).unwrap());
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&file, &to).unwrap();
        }
    }
    // Built once, as an editor's site is: its photos are in the cache, so
    // a check decodes none again (checking an article is timed by its
    // text, not by its photos).
    let out = dir.path().join("first-build");
    pipeline::build(root, &Options::default(), Some(out.clone())).expect("the seed builds");
    fs::remove_dir_all(out).unwrap();
    sites.insert(key, root);
    root
}

/// Errors only (warnings and notes left out), comparable between runs.
fn errors(found: &[Error]) -> BTreeSet<String> {
    found
        .iter()
        .filter(|e| e.is_error())
        .map(ToString::to_string)
        .collect()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    walk(dir)
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect()
}

/// Cases that built and that failed, to show what a run covered.
static BUILT: AtomicUsize = AtomicUsize::new(0);
static FAILED: AtomicUsize = AtomicUsize::new(0);

fn tally(what: &str) {
    eprintln!(
        "{what}: so far {} inputs built, {} refused with errors",
        BUILT.load(Ordering::Relaxed),
        FAILED.load(Ordering::Relaxed)
    );
}

/// The properties every input must have, for the site at `root` whose
/// file `changed` holds the input.
fn holds(root: &Path, changed: &str) -> Result<(), TestCaseError> {
    let report = pipeline::check(root);
    for e in report
        .findings
        .iter()
        .filter(|e| e.severity != unionpress::error::Severity::Note)
    {
        let text_file = e.path == Path::new(changed)
            || e.path == Path::new("site.yaml")
            || e.path.extension().is_some_and(|x| x == "md");
        prop_assert!(
            !text_file || (e.line > 0 && e.column > 0),
            "an error without a line and column: {e}"
        );
        prop_assert!(!e.message.to_string().contains("internal error"), "{e}");
    }
    let out = root.join("public");
    let before = tree(&out);
    let built = pipeline::build(root, &Options::default(), Some(out.clone()));
    let checked = errors(&report.findings);
    match built {
        Ok(_) => {
            BUILT.fetch_add(1, Ordering::Relaxed);
            prop_assert!(checked.is_empty(), "check found {checked:?}, build none")
        }
        Err(found) => {
            FAILED.fetch_add(1, Ordering::Relaxed);
            let found = errors(&found);
            prop_assert_eq!(&checked, &found, "check and build disagree");
            prop_assert!(tree(&out) == before, "a failed build changed the output");
        }
    }
    Ok(())
}

#[test]
fn mutated_articles_are_read_without_panic_and_alike_by_check_and_build() {
    let n = seeds().len();
    runner(cases())
        .run(
            &(0..n, proptest::collection::vec(edit(), 1..8)),
            |(i, edits)| {
                let (rel, seed) = &seeds()[i];
                let root = mini_site("articles", rel);
                let input = apply(seed, &edits);
                fs::write(root.join(rel), &input).unwrap();
                let result = holds(root, rel);
                fs::write(root.join(rel), seed).unwrap();
                result
            },
        )
        .unwrap();
    tally("articles");
}

#[test]
fn mutated_site_yaml_is_read_without_panic_and_alike_by_check_and_build() {
    let seed = fs::read_to_string(Path::new(REPO).join("site.yaml")).unwrap();
    let rel = "content/news/2021-07-huainan-heat-relief.zh.md";
    runner(cases())
        .run(&proptest::collection::vec(edit(), 1..6), |edits| {
            let root = mini_site("site.yaml", rel);
            let input = apply(&seed, &edits);
            fs::write(root.join("site.yaml"), &input).unwrap();
            let result = holds(root, "site.yaml");
            fs::write(root.join("site.yaml"), &seed).unwrap();
            result
        })
        .unwrap();
    tally("site.yaml");
}

/// `check` on `text` written into the site at `root` as `rel`: the
/// fastest of three runs.
fn check_time(root: &Path, rel: &str, text: &str) -> Duration {
    fs::write(root.join(rel), text).unwrap();
    (0..3)
        .map(|_| {
            let t = Instant::now();
            pipeline::check(root);
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn checking_a_mutated_article_is_linear_in_its_size() {
    let n = seeds().len();
    runner(cases().div_ceil(3))
        .run(
            &(0..n, proptest::collection::vec(edit(), 1..6)),
            |(i, edits)| {
                let (rel, seed) = &seeds()[i];
                let root = mini_site("linear", rel);
                let input = apply(seed, &edits);
                // The body repeated: 8 times the text, front matter once.
                let body_at = input
                    .match_indices("\n---")
                    .next()
                    .map_or(0, |(i, _)| i + 4)
                    .min(input.len());
                let (head, body) = input.split_at(body_at);
                let large = format!("{head}{}", body.repeat(8));
                let one = check_time(root, rel, &input);
                let eight = check_time(root, rel, &large);
                fs::write(root.join(rel), seed).unwrap();
                prop_assert!(
                    eight < one * 24 + Duration::from_millis(60),
                    "8 times the text took {eight:?}, once {one:?}"
                );
                Ok(())
            },
        )
        .unwrap();
}
