//! Indexes the article pages of a built site and reports what the search
//! index costs: build time (extraction vs writing), peak RSS, files and bytes
//! per language, and per query the bytes a cold first query downloads, the
//! result count and the JS search time in Node.
//!
//! cargo run --release --example search_index -- /tmp/gs10k/public /tmp/gs10k-search
//!
//! Article pages: `<site>/news/*/index.html` (zh) and
//! `<site>/en/news/*/index.html` (en); the output folder gets
//! `search/search.js` and `search/<lang>/…`. The third argument is the
//! number of warm repeats per query in Node (default 20).
//!
//! Environment: `LONGTAIL=N` indexes a long-tailed synthetic corpus of N
//! pages per language instead (sentences of `content/` with random names
//! and numbers); `PROFILE=1` first times each stage single-threaded on
//! 2,000 pages; `NOWRITE=1` stops after indexing (no files, no Node);
//! `LIMIT=N` indexes only the newest N articles per language (all are
//! read, to find them by date); `DEV=1` also times dev mode's index of one
//! language from cached page data.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;
use std::sync::Arc;

use unionpress::search::{
    Doc, Indexed, Reuse, SEARCH_JS, build_index, index_page, write_index, write_index_reusing,
};

const ZH: &[&str] = &[
    "工会",
    "阜阳",
    "动故事",
    "们",
    "劳动竞赛",
    "工作取得",
    "2021年",
    "２０２１",
    "\"加强 基层\"",
    "维权 帮扶",
    "没有这个词",
];
const EN: &[&str] = &[
    "union",
    "train",
    "compet",
    "\"trade unions\"",
    "nion",
    "workers rights",
    "xylophone",
];

struct Page {
    url: String,
    html: String,
    date: String,
    title: String,
}

impl Page {
    /// The page as the index reads it (one section name for all).
    fn doc(&self) -> Doc<'_> {
        Doc {
            url: &self.url,
            title: &self.title,
            date: &self.date,
            section: "x",
            html: &self.html,
        }
    }
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> &'a str {
    s.find(a)
        .and_then(|i| {
            s[i + a.len()..]
                .find(b)
                .map(|j| &s[i + a.len()..i + a.len() + j])
        })
        .unwrap_or("")
}

fn pages(site: &Path, prefix: &str) -> Vec<Page> {
    let dir = site.join(prefix.trim_start_matches('/')).join("news");
    let mut out: Vec<Page> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect::<Vec<PathBuf>>()
        })
        .unwrap_or_default()
        .into_par_iter()
        .filter_map(|p| {
            let html = std::fs::read_to_string(p.join("index.html")).ok()?;
            let name = p.file_name()?.to_str()?.to_string();
            let date = between(&html, "<time datetime=\"", "\"").to_string();
            let title = between(&html, "<title>", "</title>").to_string();
            Some(Page {
                url: format!("{prefix}/news/{name}/"),
                html,
                date,
                title,
            })
        })
        .collect();
    // Newest first, ties by URL.
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
    if let Some(n) = std::env::var("LIMIT").ok().and_then(|s| s.parse().ok()) {
        out.truncate(n);
    }
    out
}

fn gz_len(b: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = e.write_all(b);
    e.finish().map(|v| v.len()).unwrap_or(0)
}

fn peak_rss_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process so far (other jobs on the
/// machine make wall time noisy).
fn cpu_secs() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = s
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

/// Single-threaded cost of each stage on the first 2,000 pages.
fn profile(lang: &str, pages: &[Page]) {
    let pages = &pages[..pages.len().min(2000)];
    let docs: Vec<Doc> = pages.iter().map(|p| p.doc()).collect();
    let n = docs.len() as f64;
    print!("profile {lang}, {} pages, µs a page:", docs.len());
    for (stage, s) in unionpress::search::profile_stages(lang, &docs) {
        print!(" {stage} {:.1};", s * 1e6 / n);
    }
    println!();
}

/// A long-tailed corpus instead of the benchmark's 16 phrases: sentences of
/// the repository's real articles (`content/`), shuffled into `n` pages per
/// language, with random names (three random ideographs / letters) and
/// numbers mixed in. Returns the pages and a name that occurs in one page.
fn long_tail(n: usize) -> (Vec<Vec<Page>>, [String; 2]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let body = text.splitn(3, "---").nth(2).unwrap_or(&text).to_string();
        let is_en = p.to_string_lossy().contains(".en.");
        for line in body
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with(['#', '!', '{', '<', '|']))
        {
            if is_en {
                en.extend(
                    line.split(". ")
                        .map(|s| format!("{}.", s.trim_end_matches('.'))),
                );
            } else {
                zh.extend(line.split_inclusive(['。', '！', '？']).map(String::from));
            }
        }
    }
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut rnd = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let mut names = [String::new(), String::new()];
    let mut langs = Vec::new();
    for (li, (pool, prefix)) in [(&zh, ""), (&en, "/en")].into_iter().enumerate() {
        let mut pages = Vec::new();
        for i in 0..n {
            let mut body = String::new();
            let mut title = String::new();
            for s in 0..(8 + rnd(30)) {
                let mut sentence = pool[rnd(pool.len())].clone();
                let name: String = if li == 0 {
                    (0..3)
                        .map(|_| char::from_u32(0x4E00 + rnd(0x51A5) as u32).unwrap_or('工'))
                        .collect()
                } else {
                    let mut w: String = (0..5 + rnd(4))
                        .map(|_| (b'a' + rnd(26) as u8) as char)
                        .collect();
                    w[..1].make_ascii_uppercase();
                    w
                };
                if i == n / 2 && s == 3 {
                    names[li] = name.clone();
                }
                sentence.push_str(&format!(
                    "{}{name} {}",
                    if li == 0 { "" } else { " " },
                    rnd(100_000)
                ));
                if s == 0 {
                    title = sentence.chars().take(30).collect();
                }
                body.push_str(&format!("<p>{sentence}</p>\n"));
            }
            let html =
                format!("<html><body><article><h1>{title}</h1>{body}</article></body></html>");
            let date = format!(
                "20{:02}-{:02}-{:02}",
                30 - i * 10 / n,
                12 - i % 12,
                28 - i % 28
            );
            pages.push(Page {
                url: format!("{prefix}/news/t{i:05}/"),
                html,
                date,
                title,
            });
        }
        pages.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
        langs.push(pages);
    }
    (langs, names)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let site = PathBuf::from(args.get(1).map_or("/tmp/gs10k/public", |s| s.as_str()));
    let out = PathBuf::from(args.get(2).map_or("/tmp/gs10k-search", |s| s.as_str()));
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let t = Instant::now();
    let langs = [("zh", "", "新闻"), ("en", "/en", "News")];
    let long = std::env::var("LONGTAIL")
        .ok()
        .and_then(|s| s.parse::<usize>().ok());
    let (read, names) = match long {
        Some(n) => long_tail(n),
        None => (
            langs
                .iter()
                .map(|(_, prefix, _)| pages(&site, prefix))
                .collect(),
            Default::default(),
        ),
    };
    println!(
        "read {} + {} pages in {:.2} s",
        read[0].len(),
        read[1].len(),
        t.elapsed().as_secs_f64()
    );
    let rss0 = peak_rss_kb().unwrap_or(0);

    if std::env::var("PROFILE").is_ok() {
        profile("zh", &read[0]);
        profile("en", &read[1]);
    }
    let cpu0 = cpu_secs();
    let t0 = Instant::now();
    let files: Vec<Vec<(String, Vec<u8>)>> = read
        .iter()
        .zip(&langs)
        .map(|(ps, (lang, _, section))| {
            let docs: Vec<Doc> = ps
                .iter()
                .map(|p| Doc {
                    url: &p.url,
                    title: &p.title,
                    date: &p.date,
                    section,
                    html: &p.html,
                })
                .collect();
            build_index(lang, &docs)
        })
        .collect();
    let cpu = cpu_secs() - cpu0;
    println!(
        "index: {:.3} s CPU, {:.3} s wall; peak RSS {} MB (after reading pages {} MB)",
        cpu,
        t0.elapsed().as_secs_f64(),
        peak_rss_kb().unwrap_or(0) / 1024,
        rss0 / 1024
    );
    if std::env::var("DEV").is_ok() {
        // Dev mode: each page's cached data, then one language's index.
        let ix: Vec<Indexed> = read[0].par_iter().map(|p| index_page(&p.doc())).collect();
        let bytes: usize = ix.iter().map(|i| i.size()).sum();
        let refs: Vec<&Indexed> = ix.iter().collect();
        let median = |f: &mut dyn FnMut()| {
            let mut times: Vec<f64> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            times.sort_by(|a, b| a.total_cmp(b));
            times[2]
        };
        let full = median(&mut || {
            std::hint::black_box(write_index("zh", &refs));
        });
        // A save that edits one article: its page data is new, the others'
        // are the same `Arc`s as before.
        let mut arcs: Vec<Arc<Indexed>> = ix.into_iter().map(Arc::new).collect();
        let mut reuse = Reuse::default();
        write_index_reusing("zh", &arcs, &mut reuse);
        let mut k = 0;
        let edit = median(&mut || {
            k += 1;
            let i = (k * 997) % arcs.len();
            arcs[i] = Arc::new((*arcs[i]).clone());
            std::hint::black_box(write_index_reusing("zh", &arcs, &mut reuse));
        });
        println!(
            "dev: {} pages cached in {:.1} MB; one language's index from them: {full:.0} ms; after a one-article edit (partials reused): {edit:.0} ms (medians of 5)",
            arcs.len(),
            bytes as f64 / 1e6,
        );
    }

    if std::env::var("NOWRITE").is_ok() {
        return;
    }
    let search = out.join("search");
    let _ = std::fs::remove_dir_all(&search);
    std::fs::create_dir_all(&search).expect("output folder");
    std::fs::write(search.join("search.js"), SEARCH_JS).expect("write search.js");
    for (fs, (lang, _, _)) in files.iter().zip(&langs) {
        let mut kinds: std::collections::BTreeMap<String, (usize, usize, usize)> =
            Default::default();
        let gz: Vec<usize> = fs
            .par_iter()
            .map(|(p, b)| {
                if p.ends_with(".gz") {
                    b.len()
                } else {
                    gz_len(b)
                }
            })
            .collect();
        for ((path, bytes), g) in fs.iter().zip(gz) {
            let p = search.join(path);
            let _ = std::fs::create_dir_all(p.parent().expect("parent"));
            std::fs::write(&p, bytes).expect("write index file");
            let kind = path
                .split('/')
                .nth(1)
                .filter(|k| k.len() == 1)
                .unwrap_or("top")
                .to_string();
            let e = kinds.entry(kind).or_default();
            e.0 += 1;
            e.1 += bytes.len();
            e.2 += g;
        }
        let (n, raw, g) = kinds
            .values()
            .fold((0, 0, 0), |a, e| (a.0 + e.0, a.1 + e.1, a.2 + e.2));
        println!(
            "{lang}: {n} files, {:.2} MB on disk, {:.2} MB as served gzipped",
            raw as f64 / 1e6,
            g as f64 / 1e6
        );
        for (k, (n, raw, g)) in kinds {
            println!(
                "  {k:>4}: {n:>6} files {:>10} B raw {:>10} B gzipped",
                raw, g
            );
        }
    }

    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/bench.mjs");
    let zh_long = [
        "工会",
        "招聘会",
        "春风行动",
        "2022年",
        "困难职工帮扶",
        &names[0],
        "没有这个词",
    ];
    let en_long = [
        "union",
        "recruit",
        "\"trade union\"",
        &names[1],
        "workers rights",
        "xylophone",
    ];
    let lists: [(&str, &[&str]); 2] = if long.is_some() {
        [("zh", &zh_long), ("en", &en_long)]
    } else {
        [("zh", ZH), ("en", EN)]
    };
    for (lang, queries) in lists {
        let res = Command::new("node")
            .arg(&bench)
            .arg(&out)
            .arg(lang)
            .arg(reps.to_string())
            .args(queries)
            .output();
        let Some(res) = res.ok().filter(|r| r.status.success()) else {
            println!("(node not available or failed: no query figures)");
            return;
        };
        let v: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap_or_default();
        println!("{lang} queries (JS {} B gzipped):", v["jsGz"]);
        println!(
            "  {:<18} {:>7} {:>11} {:>11} {:>11} {:>9} {:>9}",
            "query", "results", "cold KB", "search KB", "later KB", "cold ms", "warm ms"
        );
        for r in v["rows"].as_array().into_iter().flatten() {
            let kb = |k: &str| {
                r[k].as_f64()
                    .map_or("-".into(), |b| format!("{:.1}", b / 1024.0))
            };
            println!(
                "  {:<18} {:>7} {:>11} {:>11} {:>11} {:>9.1} {:>9.2}",
                r["q"].as_str().unwrap_or(""),
                r["results"],
                kb("coldBytes"),
                kb("searchBytes"),
                kb("laterBytes"),
                r["coldMs"].as_f64().unwrap_or(0.0),
                r["warmMs"].as_f64().unwrap_or(0.0)
            );
        }
    }
}
