//! Built-in search, end to end: a fixture site built by the real binary,
//! its `/search/` files queried by the same `search.js` a browser runs (in
//! Node, through `tests/search/query.mjs`), and the pages that lead to it.
//! Every expected result set is what a reader's Ctrl+F finds on the pages.
//!
//! Without `node` the queries are skipped with a notice, unless
//! `UNIONPRESS_REQUIRE_NODE=1` (CI sets it).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{REPO, Run, Site, md};

/// Three Chinese articles and two English ones, newest first by date.
fn site() -> Site {
    Site::new()
        .file(
            "content/news/review/index.zh.md",
            md(
                "title: 宿州市总工会：多点发力奏响工会工作奋进强音\ndate: 2021-12-31\ntags: [劳动竞赛]",
                "2021年，市总工会紧紧围绕中心工作，开拓创新，务实求效。\n\n\
                 ## 维护职工合法权益\n\n开通12351热线，受理职工来电1200余次。\n\n\
                 讲好劳模故事、劳动故事、工匠故事。\n",
            ),
        )
        .file(
            "content/news/review/index.en.md",
            md(
                "title: Suzhou trade unions in 2021",
                "The federation of trade unions trained 3,000 workers and ran skills competitions.\n\n\
                 Its 12351 hotline took 1,200 calls.\n",
            ),
        )
        .file(
            "content/news/fuyang.zh.md",
            md(
                "title: 阜阳市开展宪法宣传\ndate: 2021-12-04",
                "当天，阜阳市总工会联合市司法局开展普法宣传。他们发放资料３０００份。\n",
            ),
        )
        .file(
            "content/news/fuyang.en.md",
            md(
                "title: Fuyang marks Constitution Day",
                "Union volunteers answered questions about labour rights.\n",
            ),
        )
        .file(
            "content/news/riders.zh.md",
            md(
                "title: 外卖骑手集中入会\ndate: 2021-08-20",
                "快递员和外卖骑手扫码入会，工会会员增加。\n",
            ),
        )
}

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
        eprintln!("NOTICE: node not found: search queries skipped");
    }
    ok
}

/// For each query, every result's `data()`, in rank order, from the built
/// site in `out`.
fn query(out: &Path, lang: &str, queries: &[&str]) -> Vec<Vec<Value>> {
    let script = Path::new(REPO).join("tests/search/query.mjs");
    let run = Command::new("node")
        .arg(script)
        .arg(out)
        .arg(lang)
        .args(queries)
        .output()
        .expect("run node");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice::<Vec<Vec<Value>>>(&run.stdout).expect("JSON results")
}

/// The URLs each query finds, in rank order.
fn urls(built: &Run, lang: &str, queries: &[&str]) -> Vec<Vec<String>> {
    query(&built.out, lang, queries)
        .into_iter()
        .map(|results| {
            results
                .iter()
                .map(|r| r["url"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn chinese_is_found_wherever_it_occurs_as_ctrl_f_would() {
    if !node_ok() {
        return;
    }
    let built = site().build().ok();
    let (review, fuyang, riders) = ("/news/review/", "/news/fuyang/", "/news/riders/");
    let cases: &[(&str, &[&str])] = &[
        // A word a segmenter cuts as 工会/会员 or 会员/增加: found whole.
        ("工会会员", &[riders]),
        // Across word boundaries: 劳动+故事 and 阜阳+市.
        ("动故事", &[review]),
        ("阜阳市", &[fuyang]),
        // Single characters, common and rare.
        ("们", &[fuyang]),
        ("骑", &[riders]),
        // Digits and mixed script: every article's date line holds 2021年.
        ("2021年", &[review, fuyang, riders]),
        ("2021年，", &[review]),
        ("12351热线", &[review]),
        ("1200", &[review]),
        // Full-width input, and full-width text in the page.
        ("２０２１", &[review, fuyang, riders]),
        ("１２３５１热线", &[review]),
        ("3000份", &[fuyang]),
        // Two terms: both must occur.
        ("工会 热线", &[review]),
        ("工会 骑手", &[riders]),
        ("热线 骑手", &[]),
        // A quoted phrase matches as written.
        ("\"劳模故事、劳动故事\"", &[review]),
        ("\"劳动故事、劳模故事\"", &[]),
        // No match at all.
        ("台风", &[]),
    ];
    let queries: Vec<&str> = cases.iter().map(|(q, _)| *q).collect();
    let found = urls(&built, "zh", &queries);
    for ((q, want), got) in cases.iter().zip(&found) {
        let mut got = got.clone();
        got.sort();
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(got, want, "{q}");
    }
    // 工会 is on every Chinese page: the title match comes first.
    let all = &urls(&built, "zh", &["工会"])[0];
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], review, "the title holds 工会: {all:?}");
}

#[test]
fn english_terms_match_at_word_starts_case_insensitively() {
    if !node_ok() {
        return;
    }
    let built = site().build().ok();
    let (review, fuyang) = ("/en/news/review/", "/en/news/fuyang/");
    let cases: &[(&str, &[&str])] = &[
        ("union", &[review, fuyang]),
        ("UNIONS", &[review]),
        ("train", &[review]),
        ("compet", &[review]),
        // Inside a word is not a word start.
        ("nion", &[]),
        ("raining", &[]),
        ("3,000", &[review]),
        ("12351", &[review]),
        ("\"trade unions\"", &[review]),
        ("\"unions trade\"", &[]),
        ("labour rights", &[fuyang]),
        ("Ｗｏｒｋｅｒｓ", &[review]),
        ("typhoon", &[]),
    ];
    let queries: Vec<&str> = cases.iter().map(|(q, _)| *q).collect();
    let found = urls(&built, "en", &queries);
    for ((q, want), got) in cases.iter().zip(&found) {
        let mut got = got.clone();
        got.sort();
        let mut want = want.to_vec();
        want.sort();
        assert_eq!(got, want, "{q}");
    }
}

/// Each result's data: its title and date, and an excerpt with every term
/// in `<mark>`; and no result of any query lacks a term.
#[test]
fn results_carry_their_page_and_a_marked_excerpt() {
    if !node_ok() {
        return;
    }
    let built = site().build().ok();
    let results = query(&built.out, "zh", &["热线 受理", "阜阳", "工会"]);
    let hotline = &results[0][0];
    assert_eq!(hotline["url"], "/news/review/");
    assert_eq!(
        hotline["title"],
        "宿州市总工会：多点发力奏响工会工作奋进强音"
    );
    assert_eq!(hotline["date"], "2021-12-31");
    let excerpt = hotline["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("<mark>热线</mark>"), "{excerpt}");
    assert!(excerpt.contains("<mark>受理</mark>"), "{excerpt}");
    for (q, found) in ["阜阳", "工会"].iter().zip(&results[1..]) {
        for r in found {
            let url = r["url"].as_str().unwrap();
            let page = built.html(&format!("{}index.html", url.trim_start_matches('/')));
            assert!(page.text("main article").contains(q), "{url} has no {q}");
        }
    }
}

#[test]
fn every_page_has_a_search_box_that_goes_to_its_language_s_search_page() {
    let built = site().build().ok();
    for (page, action) in [
        ("index.html", "/search/"),
        ("news/review/index.html", "/search/"),
        ("en/news/review/index.html", "/en/search/"),
        ("en/tags/index.html", "/en/search/"),
        ("404.html", "/search/"),
    ] {
        let html = built.html(page);
        let form = html.one("header form[role=search]");
        assert_eq!(form.value().attr("action"), Some(action), "{page}");
        assert_eq!(form.value().attr("method"), Some("get"), "{page}");
        let input = html.one("header form[role=search] input[type=search][name=q]");
        let id = input.value().attr("id").unwrap();
        assert_eq!(
            html.select(&format!("header label[for={id}]")).len(),
            1,
            "{page}: the box has a label"
        );
    }
    for (page, lang) in [("search/index.html", "zh"), ("en/search/index.html", "en")] {
        let html = built.html(page);
        let results = html.one("#search-results");
        assert_eq!(results.value().attr("aria-busy"), Some("true"));
        assert_eq!(results.value().attr("data-lang"), Some(lang));
        assert_eq!(
            results.value().attr("data-engine"),
            Some("/search/search.js")
        );
        assert_eq!(html.select("[role=status]").len(), 1);
        assert!(
            !html.text("noscript").is_empty(),
            "{page}: says search needs JS"
        );
        assert_eq!(
            html.attr("meta[name=robots]", "content"),
            "noindex",
            "{page}"
        );
    }
    assert!(built.exists("search/search.js"));
    assert!(built.exists("search-page.js"));
}

#[test]
fn links_to_the_search_pages_are_not_broken_and_they_are_not_in_the_sitemap() {
    let site = site().file(
        "content/news/riders.zh.md",
        md(
            "title: 外卖骑手集中入会\ndate: 2021-08-20",
            "请[搜索](/search/?q=骑手)。\n",
        ),
    );
    site.run(&["check"]).ok();
    let built = site.build().ok();
    assert!(!built.read("sitemap.xml").contains("/search/"));
}

#[test]
fn search_can_be_turned_off() {
    let built = site().config("search: { enabled: false }").build().ok();
    assert!(!built.exists("search"));
    assert!(!built.exists("en/search"));
    assert!(
        built
            .html("index.html")
            .select("form[role=search]")
            .is_empty()
    );
    let run = site()
        .config("search: { enabled: false }")
        .file(
            "content/news/riders.zh.md",
            md("title: 骑手\ndate: 2021-08-20", "请[搜索](/search/)。\n"),
        )
        .build()
        .fails();
    assert!(
        run.stderr.contains("broken link `/search/`"),
        "{}",
        run.stderr
    );
}

/// A query downloads the parts of the index it needs, never all of it.
#[test]
fn a_query_reads_a_small_part_of_the_index() {
    if !node_ok() {
        return;
    }
    let mut site = site();
    for i in 0..60 {
        site = site.file(
            &format!("content/news/n{i:02}.zh.md"),
            md(
                &format!("title: 第{i}期简讯\ndate: 2021-06-{:02}", i % 28 + 1),
                &format!(
                    "第{i}期：职工书屋新增图书{}册，覆盖企业{}家。\n",
                    100 + i,
                    7 * i
                ),
            ),
        );
    }
    let built = site.build().ok();
    // The real module, counting the files it fetches for one query.
    let fsfetch = Path::new(REPO).join("tests/search/fsfetch.mjs");
    let engine = built.out.join("search/search.js");
    let script = format!(
        "import {{ install, served }} from {:?}; install();\n\
         const {{ search }} = await import({:?});\n\
         const {{ results }} = await search('阜阳', {{ lang: 'zh' }});\n\
         await Promise.all(results.map((r) => r.data()));\n\
         console.log(JSON.stringify({{ results: results.length, files: served.length }}));",
        format!("file://{}", fsfetch.display()),
        format!("file://{}", engine.display()),
    );
    let run = Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .output()
        .expect("run node");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: Value = serde_json::from_slice(&run.stdout).expect("JSON");
    assert_eq!(report["results"], 1, "{report}");
    let read = report["files"].as_u64().unwrap();
    let total = walk_count(&built.out.join("search/zh"));
    assert!(read * 4 < total, "read {read} of {total} files: {report}");
}

fn walk_count(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() { walk_count(&p) } else { 1 }
        })
        .sum()
}
