//! End to end: pages → the real index files → the real `search.js` in Node
//! (`tests/search/query.mjs`), compared with a brute-force reading of the
//! spec (`brute.rs`): random pages and queries (property style), and the
//! fixed cases of the issue.
//!
//! Without `node` these tests print a notice and pass, unless
//! `UNIONPRESS_REQUIRE_NODE=1`.

mod brute;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use unionpress::search::{
    Doc, Indexed, SEARCH_JS, index_page, text, write_index, write_index_sharded,
};

fn node_ok() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("UNIONPRESS_REQUIRE_NODE").as_deref() != Ok("1"),
            "node is required (UNIONPRESS_REQUIRE_NODE=1) but not found"
        );
        eprintln!("NOTICE: node not found: search.js end-to-end tests skipped");
    }
    ok
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html(p: &brute::Page) -> String {
    let mut h = String::from("<html><body><nav><p>菜单 menu</p></nav><article><header>");
    for t in &p.title {
        h.push_str(&format!("<h1>{}</h1>", esc(t)));
    }
    h.push_str("</header>");
    for b in &p.body {
        h.push_str(&format!("<p>{}</p>", esc(b)));
    }
    h.push_str("</article></body></html>");
    h
}

/// Writes the site's /search/ folder for `pages` (newest first) in `dir`.
fn write_site(dir: &Path, lang: &str, pages: &[brute::Page]) -> Vec<Indexed> {
    write_site_sharded(dir, lang, pages, None)
}

fn write_site_sharded(
    dir: &Path,
    lang: &str,
    pages: &[brute::Page],
    shard: Option<usize>,
) -> Vec<Indexed> {
    let ix: Vec<Indexed> = pages
        .iter()
        .map(|p| {
            let h = html(p);
            index_page(&Doc {
                url: &p.url,
                title: "fallback",
                date: "2021-01-01",
                section: "新闻",
                html: &h,
            })
        })
        .collect();
    let search = dir.join("search");
    std::fs::create_dir_all(&search).unwrap();
    std::fs::write(search.join("search.js"), SEARCH_JS).unwrap();
    let refs: Vec<&Indexed> = ix.iter().collect();
    let files = match shard {
        Some(s) => write_index_sharded(lang, &refs, s),
        None => write_index(lang, &refs),
    };
    for (path, bytes) in files {
        let p = search.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    ix
}

/// Per query: the results (each its `data()`), from the real module.
fn run(dir: &Path, lang: &str, queries: &[String]) -> Vec<Vec<Value>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search/query.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(dir)
        .arg(lang)
        .args(queries)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<Vec<Value>> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), queries.len());
    v
}

fn urls(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

// ---- property test ----

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABET: &[&str] = &[
    "工", "会", "员", "劳", "动", "竞", "赛", "年", "热", "线", "々", "ひ", "한", "工", "会", "a",
    "b", "c", "ab", "A", "B", "é", "e\u{301}", "Σ", "ς", "σ", "1", "2", "0", "２", "Ｗ", "ａ", ",",
    "，", "-", ".", "。", "「", "'", " ", " ", " ", "\u{3000}", "\u{a0}", "ﬁ", "①", "&", "<", "\"",
    "“", "”", "İ", "𠀀", "\u{E000}", "\u{FFFD}", "𝒜",
];

fn random_text(rng: &mut Rng, max: usize) -> String {
    (0..rng.below(max) + 1)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())])
        .collect()
}

fn substring(rng: &mut Rng, s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let a = rng.below(c.len());
    let n = 1 + rng.below((c.len() - a).min(8));
    c[a..a + n].iter().collect()
}

/// Per hit, the BM25 tf part as search.js computes it (one term: the idf
/// is common to all hits, so this orders them).
fn tf_scores(hits: &[brute::Hit], pages: &[brute::Page]) -> Vec<f64> {
    let lens: Vec<f64> = pages
        .iter()
        .map(|p| {
            let runs = p.title.iter().chain(&p.body);
            runs.map(|r| text::tokenize(&text::normalize(r)).len())
                .sum::<usize>() as f64
        })
        .collect();
    let avg = (lens.iter().sum::<f64>() / lens.len() as f64).max(1.0);
    hits.iter()
        .map(|h| {
            let norm = 1.2 * (1.0 - 0.75 + 0.75 * lens[h.doc] / avg);
            let tf = h.tf[0].min(127) as f64;
            tf * 2.2 / (tf + norm)
        })
        .collect()
}

#[test]
fn random_pages_and_queries_match_brute_force() {
    if !node_ok() {
        return;
    }
    let mut checked = 0;
    let mut nonempty = 0;
    for seed in 1..=12u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (seed * 0x1000_0001));
        let pages: Vec<brute::Page> = (0..25 + rng.below(15))
            .map(|i| brute::Page {
                url: format!("/news/p{i:03}/"),
                title: if rng.below(4) == 0 {
                    vec![]
                } else {
                    vec![random_text(&mut rng, 10)]
                },
                body: (0..rng.below(4))
                    .map(|_| random_text(&mut rng, 30))
                    .collect(),
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        // Odd seeds: tiny shards, so lookups go through the directory, key
        // ranges span shards and big keys get shards of their own.
        write_site_sharded(
            dir.path(),
            "zh",
            &pages,
            (seed % 2 == 1).then_some(40 + seed as usize * 8),
        );
        let runs: Vec<&String> = pages
            .iter()
            .flat_map(|p| p.title.iter().chain(&p.body))
            .collect();
        let mut queries: Vec<String> = Vec::new();
        for _ in 0..200 {
            let r = runs[rng.below(runs.len())];
            queries.push(match rng.below(6) {
                0 | 1 => substring(&mut rng, r),
                2 => format!("\"{}\"", substring(&mut rng, r)),
                3 => {
                    let other = runs[rng.below(runs.len())];
                    format!("{} {}", substring(&mut rng, r), substring(&mut rng, other))
                }
                4 => random_text(&mut rng, 4),
                _ => format!("{}{}", substring(&mut rng, r), random_text(&mut rng, 2)),
            });
        }
        queries.extend(["", " ", "\"", "\"\"", "  工  "].map(String::from));
        let got = run(dir.path(), "zh", &queries);
        for (q, res) in queries.iter().zip(&got) {
            let (terms, hits) = brute::matches(&pages, q);
            let mut want: Vec<String> = hits.iter().map(|h| pages[h.doc].url.clone()).collect();
            let mut have = urls(res);
            let order = have.clone();
            have.sort();
            want.sort();
            if have != want {
                let show: Vec<_> = hits
                    .iter()
                    .map(|h| (&pages[h.doc].title, &pages[h.doc].body))
                    .collect();
                let keep = dir.keep();
                panic!(
                    "seed {seed}, query {q:?} (terms {terms:?}): got {have:?}, want {want:?}; pages {show:?}; site {keep:?}"
                );
            }
            checked += 1;
            nonempty += usize::from(!want.is_empty());
            // Order: more title terms first, then the score (ties: doc order).
            let sc = tf_scores(&hits, &pages);
            let key = |u: &String| {
                let k = hits.iter().position(|h| &pages[h.doc].url == u).unwrap();
                (hits[k].in_title, sc[k], hits[k].doc)
            };
            for w in order.windows(2) {
                let (a, b) = (key(&w[0]), key(&w[1]));
                assert!(a.0 >= b.0, "title order, query {q:?}: {order:?}");
                if a.0 == b.0 && terms.len() == 1 {
                    // One term: idf is common to all, order by tf/length.
                    assert!(a.1 > b.1 - 1e-9, "score order, query {q:?}: {order:?}");
                    if (a.1 - b.1).abs() < 1e-9 {
                        assert!(a.2 < b.2, "newer first, query {q:?}: {order:?}");
                    }
                }
            }
            for r in res {
                assert!(
                    r["excerpt"].as_str().unwrap().contains("<mark>"),
                    "no <mark> for {q:?}: {r}"
                );
            }
        }
    }
    eprintln!("{checked} queries checked, {nonempty} with results");
    assert!(nonempty > 300);
}

// ---- fixed cases from the issue ----

fn page(url: &str, title: &str, body: &[&str]) -> brute::Page {
    brute::Page {
        url: url.into(),
        title: vec![title.into()],
        body: body.iter().map(|s| s.to_string()).collect(),
    }
}

fn fixed_site() -> Vec<brute::Page> {
    vec![
        page(
            "/news/a1/",
            "工会会员大会召开",
            &[
                "全市工会会员代表参加。劳动故事分享。",
                "12351热线 2021年工作总结",
            ],
        ),
        page(
            "/news/a2/",
            "劳动竞赛启动",
            &["开展劳动竞赛，职工踊跃参加。在2021年取得成效。"],
        ),
        page(
            "/news/a3/",
            "他们的故事",
            &[
                "工 会 分开写。12021年不是。2020年 36,186人",
                "Ｗｉｄｅ ２０２１ <b>&</b>",
            ],
        ),
        page(
            "/news/a4/",
            "Trade unions grow",
            &[
                "Reunion of trade unions and the union movement.",
                "trade-union rights",
            ],
        ),
        page(
            "/news/a5/",
            "Competition notes",
            &["A competition for workers. Trade union training."],
        ),
        page("/news/a6/", "Other", &["nothing about it; wider 2021"]),
    ]
}

fn fixed(queries: &[&str]) -> Option<(Vec<brute::Page>, Vec<Vec<Value>>)> {
    if !node_ok() {
        return None;
    }
    let pages = fixed_site();
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), "zh", &pages);
    let q: Vec<String> = queries.iter().map(|s| s.to_string()).collect();
    let got = run(dir.path(), "zh", &q);
    // Whatever else is asserted: exactly the brute-force set.
    for (query, res) in queries.iter().zip(&got) {
        let mut want: Vec<String> = brute::matches(&pages, query)
            .1
            .iter()
            .map(|h| pages[h.doc].url.clone())
            .collect();
        let mut have = urls(res);
        want.sort();
        have.sort();
        assert_eq!(have, want, "query {query:?}");
    }
    Some((pages, got))
}

fn ids(res: &[Value]) -> Vec<&str> {
    res.iter()
        .map(|r| {
            r["url"]
                .as_str()
                .unwrap()
                .trim_start_matches("/news/")
                .trim_end_matches('/')
        })
        .collect()
}

#[test]
fn fixed_cases_from_the_issue() {
    let qs = [
        "会员",            // 0: a two-character word a segmenter would split as 工会/会员 or keep
        "会会",            // 1: crossing word boundaries (工会|会员)
        "们",              // 2: a single character
        "2021年",          // 3: digits and CJK: 在2021年 yes, 12021年 no
        "12351热线",       // 4
        "1年",             // 5: not at a word start
        "２０２１",        // 6: full width = 2021
        "Ｗｉｄｅ",        // 7: full width = wide (prefix: wider too)
        "劳动 竞赛",       // 8: two terms
        "\"trade union\"", // 9: a phrase: trade unions yes, trade-union no
        "compet",          // 10: an English prefix
        "nion",            // 11: not at a word start: nothing
        "没有的词",        // 12: no match
        "工会",            // 13: 工 会 (a space between) does not match
        "20年",            // 14
        "36,186",          // 15
        "“trade union”",   // 16: curly quotes
        "-union",          // 17
    ];
    let Some((_, got)) = fixed(&qs) else { return };
    let sorted = |i: usize| {
        let mut v = ids(&got[i]);
        v.sort();
        v
    };
    assert_eq!(sorted(0), ["a1"]);
    assert_eq!(sorted(1), ["a1"]);
    assert_eq!(sorted(2), ["a3"]);
    assert_eq!(sorted(3), ["a1", "a2"]);
    assert_eq!(sorted(4), ["a1"]);
    assert!(got[5].is_empty());
    assert_eq!(sorted(6), ["a1", "a2", "a3", "a6"]);
    assert_eq!(sorted(7), ["a3", "a6"]);
    assert_eq!(sorted(8), ["a2"]);
    assert_eq!(sorted(9), ["a4", "a5"]);
    assert_eq!(sorted(10), ["a5"]);
    assert!(got[11].is_empty());
    assert!(got[12].is_empty());
    assert_eq!(sorted(13), ["a1"]);
    assert!(got[14].is_empty());
    assert_eq!(sorted(15), ["a3"]);
    assert_eq!(sorted(16), ["a4", "a5"]);
    assert_eq!(sorted(17), ["a4"]);
    // No result lacks a term: every excerpt marks one.
    for res in &got {
        for r in res {
            assert!(r["excerpt"].as_str().unwrap().contains("<mark>"), "{r}");
        }
    }
}

#[test]
fn ranking_title_first_then_shorter_then_newer() {
    if !node_ok() {
        return;
    }
    let long = "工会工作".to_string() + &"其他内容".repeat(30);
    let pages = vec![
        page("/n/new-long/", "新闻", &[&long]),
        page("/n/new-short/", "新闻", &["工会工作"]),
        page("/n/old-short/", "新闻", &["工会工作"]),
        page("/n/title/", "工会", &[&long]),
    ];
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), "zh", &pages);
    let got = run(dir.path(), "zh", &["工会".into(), "工会工作".into()]);
    // Title match first; then the shorter page; equal pages: newer (earlier) first.
    assert_eq!(
        urls(&got[0]),
        [
            "/n/title/",
            "/n/new-short/",
            "/n/old-short/",
            "/n/new-long/"
        ]
    );
    assert_eq!(
        urls(&got[1]),
        [
            "/n/new-short/",
            "/n/old-short/",
            "/n/new-long/",
            "/n/title/"
        ]
    );
}

#[test]
fn excerpts_mark_and_escape() {
    let Some((_, got)) = fixed(&["劳动竞赛", "&", "trade union", "大会"]) else {
        return;
    };
    let r = &got[0][0];
    assert_eq!(r["url"], "/news/a2/");
    assert_eq!(r["title"], "劳动竞赛启动");
    assert_eq!(r["date"], "2021-01-01");
    assert_eq!(r["section"], "新闻");
    assert_eq!(
        r["excerpt"],
        "开展<mark>劳动竞赛</mark>，职工踊跃参加。在2021年取得成效。"
    );
    assert_eq!(
        got[1][0]["excerpt"],
        "Ｗｉｄｅ ２０２１ &lt;b&gt;<mark>&amp;</mark>&lt;/b&gt;"
    );
    // Two terms, every occurrence in the window marked; cut with an ellipsis.
    let e = got[2].iter().find(|r| r["url"] == "/news/a4/").unwrap()["excerpt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("Reunion of <mark>trade</mark> <mark>union</mark>s"),
        "{e}"
    );
    assert!(e.contains("the <mark>union</mark> movement"), "{e}");
    // Only in the title: the title's text.
    assert_eq!(got[3][0]["excerpt"], "工会会员<mark>大会</mark>召开");
}
