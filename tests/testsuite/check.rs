//! `unionpress check`: everything a build validates, writing nothing, plus
//! links and anchors between pages, aliases, translations' figures (with the
//! scale in units understood) and photo sets, and the translation status
//! table; human lines on stderr, JSON on stdout, exit 1 only on errors. A
//! build runs the same link and figure checks and publishes nothing broken.

use std::path::Path;

use serde_json::Value;

use crate::support::{REPO, Run, Site, list_dir, md, small_jpeg, unionpress};

const ZH: &str = "content/news/a/index.zh.md";
const EN: &str = "content/news/a/index.en.md";

/// A Chinese article: the body starts on line 5.
fn zh(body: &str) -> String {
    md("title: 甲\ndate: 2021-12-31", body)
}

/// Its English translation: the body starts on line 4.
fn en(body: &str) -> String {
    md("title: A", body)
}

/// Article `b`, in both languages, with a heading to link to.
fn with_b(site: Site) -> Site {
    site.file(
        "content/news/b/index.zh.md",
        md("title: 乙\ndate: 2021-12-30", "## 第一节\n\n正文。\n"),
    )
    .file(
        "content/news/b/index.en.md",
        md("title: B", "## Part one\n\nText.\n"),
    )
}

/// Asserts that stderr holds `text`.
#[track_caller]
fn says(run: &Run, text: &str) {
    assert!(
        run.stderr.contains(text),
        "`{text}` not in:\n{}",
        run.stderr
    );
}

/// Asserts that stderr ends with the line `last`.
#[track_caller]
fn ends_with(run: &Run, last: &str) {
    assert!(
        run.stderr.ends_with(&format!("{last}\n")),
        "not the last line:\n{}",
        run.stderr
    );
}

fn check(site: &Site) -> Run {
    site.run(&["check"])
}

/// `check --format json`, parsed: the array of findings.
fn check_json(site: &Site) -> (Run, Vec<Value>) {
    let run = site.run(&["check", "--format", "json"]);
    let findings: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout));
    let findings = findings.as_array().expect("an array").clone();
    for f in &findings {
        let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "code", "column", "line", "message", "messages", "path", "severity"
            ]
        );
        // `message` is the English; `messages` has every language.
        assert_eq!(f["messages"]["en"], f["message"]);
        assert!(f["messages"]["zh"].as_str().is_some_and(|t| !t.is_empty()));
    }
    (run, findings)
}

/// (severity, code) of each error and warning (notes left out).
fn codes(findings: &[Value]) -> Vec<(&str, &str)> {
    findings
        .iter()
        .filter(|f| f["severity"] != "note")
        .map(|f| (f["severity"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect()
}

#[test]
fn good_links_of_every_kind_pass() {
    let site = with_b(Site::new())
        .file(
            ZH,
            md("title: 甲\ndate: 2021-12-31\ntags: [劳动竞赛]", concat!(
                "## 劳动竞赛\n\n## Custom {#custom}\n\n",
                "[乙](/news/b/) [乙无斜杠](/news/b) [乙文件](/news/b/index.html) ",
                "[英文版](/en/news/b/) [乙的一节](/news/b/#第一节) [编码的节](/news/b/#%E7%AC%AC%E4%B8%80%E8%8A%82) ",
                "[本节](#劳动竞赛) [自定义](#custom) [正文](#main) [相对](../b/) [相对的节](../b/#第一节) ",
                "[标签](/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/) [标签原文](/tags/劳动竞赛/) [全部标签](/tags/) ",
                "[归档](/archive/) [列表](/news/) [订阅](/atom.xml) [数据](/metrics.json) [地图](/sitemap.xml) ",
                "[报告](report.pdf) [照片](photo.jpg) [样式](/style.css) [首页](/) [查询](/news/b/?x=1) ",
                "[外链](https://example.com/x) [协议相对](//example.com/) [邮件](mailto:a@b.org) <c@d.org>\n",
            )),
        )
        .file(
            EN,
            en("[B](../b/) [Part](../b/#part-one) [Chinese](/news/b/) [Report](report.pdf)\n"),
        )
        .file("content/news/a/report.pdf", "%PDF-1.4")
        .file("content/news/a/photo.jpg", small_jpeg());
    let run = check(&site).ok();
    says(&run, "0 errors, 0 warnings in 4 pages");
    site.build().ok();
}

#[test]
fn broken_root_relative_link() {
    let site =
        with_b(Site::new()).file(ZH, zh("正文。\n\n见[旧文](/news/old/)和[乙](/news/b/)。\n"));
    let run = check(&site).fails();
    let message = run.error_at(ZH, 7, 2);
    assert!(
        message.contains("broken link `/news/old/`: nothing is published at /news/old/"),
        "{message}"
    );
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
    ends_with(&run, "1 error, 0 warnings in 3 pages");
}

#[test]
fn broken_relative_link_from_a_bundle_translation() {
    // `../b/` from /en/news/a/ is /en/news/b/, which does not exist.
    let site = Site::new()
        .file(ZH, zh("[乙](../b/)\n"))
        .file(EN, en("Text.\n\nSee [B](../b/).\n"))
        .file(
            "content/news/b/index.zh.md",
            md("title: 乙\ndate: 2021-12-30", "正文。\n"),
        );
    let run = check(&site).fails();
    let message = run.error_at(EN, 6, 5);
    assert!(
        message.contains(
            "broken link `../b/`: nothing is published at /en/news/b/; /news/b/ exists, in another language"
        ),
        "{message}"
    );
    assert_eq!(
        run.error_lines().len(),
        1,
        "the Chinese link is good: {}",
        run.stderr
    );
}

#[test]
fn link_to_a_missing_bundle_file() {
    let site = Site::new().file(ZH, zh("[年报](report.pdf)\n[照片](photo.jpg)\n"));
    let run = check(&site).fails();
    assert!(
        run.error_at(ZH, 5, 1)
            .contains("broken link `report.pdf`: nothing is published at /news/a/report.pdf")
    );
    assert!(run.error_at(ZH, 6, 1).contains("broken link `photo.jpg`"));
    site.write("content/news/a/report.pdf", "%PDF-1.4");
    site.write("content/news/a/photo.jpg", small_jpeg());
    check(&site).ok();
}

#[test]
fn broken_anchors_on_the_page_and_into_another() {
    let site = with_b(Site::new()).file(
        ZH,
        zh("## 劳动竞赛\n\n[本节](#劳动竞塞)\n\n[乙](/news/b/#第二节)\n\n[英文](/en/news/b/#part-one)\n"),
    );
    let run = check(&site).fails();
    let same = run.error_at(ZH, 7, 1);
    assert!(
        same.contains("broken anchor `#劳动竞塞`: no heading or element on this page has the id `劳动竞塞`; did you mean `劳动竞赛`?"),
        "{same}"
    );
    let other = run.error_at(ZH, 9, 1);
    assert!(
        other.contains("content/news/b/index.zh.md has no heading or element with the id `第二节`"),
        "{other}"
    );
    assert_eq!(run.error_lines().len(), 2, "{}", run.stderr);
    let (_, findings) = check_json(&site);
    assert_eq!(
        codes(&findings),
        [("error", "broken-anchor"), ("error", "broken-anchor")]
    );
}

#[test]
fn an_anchor_needs_an_element_not_text_that_reads_like_one() {
    // `check` knows a page's ids without making its HTML: raw HTML's and
    // headings' count, text and code that read `id="…"` do not.
    let site = Site::new().file(
        ZH,
        zh("示例 `<p id=\"code\">` 与 id=\"prose\"。<span id=\"raw\">注</span>\n\n[甲](#code) [乙](#prose) [丙](#raw)\n"),
    );
    let run = check(&site).fails();
    let line = run.error_at(ZH, 7, 1);
    assert!(line.contains("broken anchor `#code`"), "{line}");
    assert!(
        run.stderr.contains("broken anchor `#prose`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("`#raw`"), "{}", run.stderr);
    assert_eq!(run.error_lines().len(), 2, "{}", run.stderr);
}

#[test]
fn root_relative_links_must_name_the_sites_path() {
    let site = with_b(Site::new()).file(ZH, zh("[乙](/news/b/) [乙](/union/news/b/)\n"));
    let yaml = site
        .read("site.yaml")
        .replace("https://example.org", "https://example.org/union/");
    site.write("site.yaml", yaml);
    let run = check(&site).fails();
    assert!(run.error_at(ZH, 5, 1).contains("published under /union/"));
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

const FUNDS_ZH: &str = "```metrics 数据\n- { label: 新增工会会员, value: 36186, unit: 人 }\n- { label: 发放救助资金, value: 434.2, unit: 万元 }\n```\n";

fn funds_en(members: &str, funds: &str) -> String {
    format!(
        "```metrics Figures\n- {{ label: New union members, value: {members}, unit: people }}\n- {{ label: Assistance paid, {funds} }}\n```\n"
    )
}

#[test]
fn figures_that_agree_once_the_unit_scale_is_understood_pass() {
    let site = Site::new()
        .file(ZH, zh(FUNDS_ZH))
        .file(EN, en(&funds_en("36186", "value: 4342000, unit: yuan")))
        .file(
            "content/news/b/index.zh.md",
            md("title: 乙\ndate: 2021-12-30", FUNDS_ZH),
        )
        .file(
            "content/news/b/index.en.md",
            md(
                "title: B",
                &funds_en("36186", "value: 4.342, unit: million yuan"),
            ),
        );
    check(&site).ok();
    site.build().ok();
}

#[test]
fn a_figure_one_digit_off_names_both_files_lines_and_values() {
    let site = Site::new().file(ZH, zh(FUNDS_ZH)).file(
        EN,
        en(&funds_en("36187", "value: 4.342, unit: million yuan")),
    );
    let run = check(&site).fails();
    let message = run.error_at(EN, 5, 1);
    for part in [
        "`New union members` is 36187 people (no scale: 36,187) here",
        "`新增工会会员` is 36186 人 (no scale: 36,186)",
        "content/news/a/index.zh.md:6",
    ] {
        assert!(message.contains(part), "`{part}` not in: {message}");
    }
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);

    site.write(
        EN,
        en(&funds_en("36186", "value: 4.343, unit: million yuan")),
    );
    let run = check(&site).fails();
    let message = run.error_at(EN, 6, 1);
    assert!(
        message.contains("is 4.343 million yuan (`million` = 1,000,000, so 4,343,000) here")
            && message.contains(
                "is 434.2 万元 (`万` = 10,000, so 4,342,000) in content/news/a/index.zh.md:7"
            ),
        "{message}"
    );
    let (_, findings) = check_json(&site);
    assert_eq!(codes(&findings), [("error", "metric-mismatch")]);
    assert_eq!(findings[0]["path"], EN);
    assert_eq!(findings[0]["line"], 6);
}

#[test]
fn different_numbers_of_items_or_blocks() {
    let one_item =
        "```metrics Figures\n- { label: New union members, value: 36186, unit: people }\n```\n";
    let site = Site::new().file(ZH, zh(FUNDS_ZH)).file(EN, en(one_item));
    let run = check(&site).fails();
    let message = run.error_at(EN, 4, 1);
    assert!(
        message.contains(
            "metric block 1 has 1 item here, but 2 items in content/news/a/index.zh.md:5"
        ),
        "{message}"
    );
    site.write(EN, en("No figures.\n"));
    let run = check(&site).fails();
    assert!(
        run.error_at(EN, 1, 1)
            .contains("0 metric blocks here, but 1 metric block in content/news/a/index.zh.md")
    );
}

#[test]
fn an_article_only_in_chinese_is_in_the_status_table() {
    let site = with_b(Site::new()).file(ZH, zh("只有中文。\n"));
    let run = check(&site).ok();
    assert!(run.error_lines().is_empty(), "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "translations: 1 of 2 articles in every language (zh, en)",
            "  article  zh       en",
            "  news/a   ✓        missing",
            "0 errors, 0 warnings in 3 pages",
        ]
    );

    let (run, findings) = check_json(&site);
    assert_eq!(run.code, Some(0));
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["severity"], "note");
    assert_eq!(findings[0]["code"], "missing-translation");
    assert_eq!(findings[0]["path"], ZH);
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("news/a has no English (en) translation: add content/news/a/index.en.md")
    );
}

/// The table lists articles by key, however the check groups them.
#[test]
fn the_status_table_lists_articles_by_key() {
    let mut site = Site::new();
    for key in ["m", "c", "x", "a", "q", "f", "k", "b"] {
        site = site.file(
            &format!("content/news/{key}/index.zh.md"),
            zh("只有中文。\n"),
        );
    }
    let run = check(&site).ok();
    let rows: Vec<&str> = (run.stderr.lines())
        .filter_map(|l| l.trim_start().strip_prefix("news/"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        rows,
        ["a", "b", "c", "f", "k", "m", "q", "x"],
        "{}",
        run.stderr
    );
}

#[test]
fn complete_translations_can_be_required() {
    let site = with_b(Site::new())
        .config("check: { require_translations: true }")
        .file(ZH, zh("只有中文。\n"))
        .file(
            "content/news/c.zh.md",
            md("title: 丙\ndate: 2021-12-29", "正文。\n"),
        );
    let run = check(&site).fails();
    assert!(
        run.error_at(ZH, 1, 1)
            .contains("no English (en) translation")
    );
    assert!(
        run.error_at("content/news/c.zh.md", 1, 1)
            .contains("add content/news/c.en.md")
    );
    says(&run, "  news/c   ✓        missing");
    let (_, findings) = check_json(&site);
    assert_eq!(
        codes(&findings),
        [
            ("error", "missing-translation"),
            ("error", "missing-translation")
        ]
    );
    // A typo in the key is named, like any other in site.yaml.
    site.write(
        "site.yaml",
        site.read("site.yaml")
            .replace("require_translations", "require_translation"),
    );
    let run = check(&site).fails();
    says(&run, "did you mean `require_translations`");
}

#[test]
fn a_photo_missing_from_a_translation_is_a_warning() {
    let site = Site::new()
        .file(ZH, zh("![启动仪式](a.jpg)\n\n正文。\n\n![座谈会](b.jpg)\n"))
        .file(EN, en("![Launch](a.jpg)\n\nText.\n"))
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/b.jpg", small_jpeg());
    let run = check(&site).ok();
    let warning = run.warning_at(EN, 1, 1);
    assert!(
        warning
            .contains("photo `b.jpg` is in content/news/a/index.zh.md:9 but not in this version"),
        "{warning}"
    );
    ends_with(&run, "0 errors, 1 warning in 2 pages");
    let (run, findings) = check_json(&site);
    assert_eq!(run.code, Some(0));
    assert_eq!(codes(&findings), [("warning", "photo-set")]);
    // A build says so too, and still publishes.
    let built = site.build().ok();
    built.warning_at(EN, 1, 1);
    assert!(built.exists("news/a/index.html"));
}

#[test]
fn aliases_that_collide_with_a_page_or_each_other() {
    let site = with_b(Site::new())
        .file(
            ZH,
            md(
                "title: 甲\ndate: 2021-12-31\naliases:\n  - /old/a/\n  - /news/b/",
                "正文。\n",
            ),
        )
        .file(
            "content/news/c.zh.md",
            md(
                "title: 丙\ndate: 2021-12-29\naliases: [/old/a/]",
                "正文。\n",
            ),
        );
    let (run, findings) = check_json(&site);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        codes(&findings),
        [("error", "alias-collision"), ("error", "alias-collision")]
    );
    let run = check(&site).fails();
    assert!(
        run.error_at(ZH, 6, 1)
            .contains("alias `/news/b/` collides: it is the address of content/news/b/index.zh.md")
    );
    let message = run.error_at("content/news/c.zh.md", 4, 1);
    assert!(
        message.contains("alias `/old/a/` collides: content/news/a/index.zh.md has the same alias"),
        "{message}"
    );
}

#[test]
fn json_findings_are_sorted_and_say_where() {
    let site = with_b(Site::new())
        .file(ZH, zh("[坏](/nope/)\n\n[也坏](#nope)\n"))
        .file(EN, en("[Bad](/en/nope/)\n"));
    let (run, findings) = check_json(&site);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.is_empty(),
        "JSON alone, on stdout: {}",
        run.stderr
    );
    let places: Vec<(String, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (EN.to_string(), 4, 1),
            (ZH.to_string(), 5, 1),
            (ZH.to_string(), 7, 1)
        ]
    );
    assert_eq!(
        codes(&findings),
        [
            ("error", "broken-link"),
            ("error", "broken-link"),
            ("error", "broken-anchor")
        ]
    );
}

#[test]
fn what_a_build_rejects_check_rejects_too() {
    let site = Site::new().file(ZH, md("title: 甲\ndate: 2021-12-31\ntitel: x", "正文。\n"));
    let run = check(&site).fails();
    assert!(run.error_at(ZH, 4, 1).contains("did you mean `title`?"));
    ends_with(&run, "1 error, 0 warnings");
    let (run, findings) = check_json(&site);
    assert_eq!(run.code, Some(1));
    assert_eq!(codes(&findings), [("error", "error")]);
    // A theme template that does not compile.
    let dir = tempfile::tempdir().unwrap();
    unionpress(dir.path(), &["init", "x"]).ok();
    let page = dir.path().join("x/themes/default/templates/page.html");
    std::fs::write(page, "{% if %}").unwrap();
    let run = unionpress(dir.path(), &["--root", "x", "check"]).fails();
    says(&run, "themes/default/templates/page.html");
}

#[test]
fn bad_usage_exits_2() {
    let run = Site::new().run(&["check", "--format", "xml"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
}

#[test]
fn check_writes_nothing() {
    let site = Site::new()
        .file(ZH, zh("![启动仪式](a.jpg)\n\n[坏](/nope/)\n"))
        .file("content/news/a/a.jpg", small_jpeg());
    let before = site.root_entries();
    check(&site).fails();
    check_json(&site);
    site.remove("content/news/a/index.zh.md");
    site.write(ZH, zh("![启动仪式](a.jpg)\n"));
    check(&site).ok();
    assert_eq!(site.root_entries(), before);
    assert!(!site.exists("public"));
    assert!(!site.exists(".unionpress-cache"));
    assert_eq!(
        list_dir(&site.path("content/news/a")),
        ["a.jpg", "index.zh.md"]
    );
}

/// A page that does not read (here, front matter with a typo) must not
/// make `check` encode the photos of the pages that did: a build does that,
/// to name a damaged photo in the same run, but `check` writes nothing.
#[test]
fn check_writes_no_photo_cache_when_a_page_has_errors() {
    let site = Site::new()
        .file(ZH, zh("![启动仪式](a.jpg)\n"))
        .file("content/news/a/a.jpg", small_jpeg())
        .file(
            "content/news/b.zh.md",
            md("titel: 乙\ndate: 2021-12-30", "正文。\n"),
        );
    check(&site).fails();
    assert!(!site.exists(".unionpress-cache"));
    site.build().fails();
    assert!(site.exists(".unionpress-cache"), "a build does decode them");
}

#[test]
fn a_build_with_a_broken_link_or_figure_publishes_nothing() {
    let site = Site::new()
        .file(ZH, zh(&format!("[坏](/nope/)\n\n{FUNDS_ZH}")))
        .file(
            EN,
            en(&funds_en("36186", "value: 4.343, unit: million yuan")),
        );
    let run = site.build().fails();
    assert!(run.error_at(ZH, 5, 1).contains("broken link `/nope/`"));
    assert!(
        run.error_at(EN, 6, 1)
            .contains("figure differs from the original")
    );
    ends_with(&run, "2 errors; nothing was written");
    assert!(!site.exists("public"));
    assert!(!site.exists(".unionpress-cache"));
}

#[test]
fn the_example_site_checks_clean() {
    let run = unionpress(Path::new(REPO), &["--root", REPO, "check"]).ok();
    assert!(run.error_lines().is_empty(), "{}", run.stderr);
    assert!(!run.stderr.contains(": warning: "), "{}", run.stderr);
    says(&run, "translations: ");
    says(&run, "0 errors, 0 warnings in ");
}

/// The files links are checked against are the files a build writes: both
/// come from the renderer's own rules (lists and their later pages, tags,
/// feeds, aliases, static files, bundle files, photo variants).
#[test]
fn link_targets_are_the_files_a_build_writes() {
    use std::collections::BTreeSet;
    use unionpress::content::Cache;
    use unionpress::pipeline::{self, Options};

    let mut site = Site::new()
        .config("paginate: 2")
        .file(
            ZH,
            md(
                "title: 甲\ndate: 2021-12-31\ntags: [劳动竞赛, 2021]\ncover: a.jpg\naliases: [/old/a/, /2021/a.html]",
                "![启动仪式](a.jpg)\n\n[照片](b.jpg) [年报](report.pdf)\n",
            ),
        )
        .file(EN, en("![Launch](a.jpg)\n"))
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/b.jpg", small_jpeg())
        .file("content/news/a/report.pdf", "%PDF-1.4")
        .file("content/notes/_index.en.md", md("title: Notes", "Notes.\n"))
        .file("static/files/guide.pdf", "%PDF-1.4");
    for i in 0..5 {
        site = site.file(
            &format!("content/news/n{i}.zh.md"),
            md(
                &format!("title: 消息{i}\ndate: 2021-06-0{}", i + 1),
                "正文。\n",
            ),
        );
    }
    let built = site.build().ok();
    let written: BTreeSet<String> = built
        .tree()
        .into_keys()
        .filter(|p| p != ".unionpress-output")
        .collect();

    let options = Options::default();
    let config = pipeline::config(site.root(), &options).unwrap();
    let inputs = pipeline::read(config, &options, &mut Cache::default()).unwrap();
    let (plan, errors) = inputs.plan();
    assert!(errors.is_empty(), "{errors:?}");
    let listed: BTreeSet<String> = plan.paths().map(str::to_string).collect();
    // A folder written whole (each language's search index) is one entry.
    let folders: Vec<&str> = (plan.entries.iter())
        .map(|e| e.path.as_str())
        .filter(|p| p.ends_with('/'))
        .collect();
    assert_eq!(folders, ["search/zh/", "search/en/"]);
    let (in_folders, written): (BTreeSet<String>, BTreeSet<String>) = written
        .into_iter()
        .partition(|p| folders.iter().any(|f| p.starts_with(f)));
    assert!(in_folders.iter().any(|p| p.starts_with("search/en/")));
    assert_eq!(written, listed);
    assert!(listed.contains("news/page/3/index.html"));
    assert!(listed.contains("2021/a.html"));
}

#[test]
fn links_in_list_intros_are_checked() {
    let site = with_b(Site::new())
        .file(
            "content/news/_index.zh.md",
            md(
                "title: 新闻",
                "见[乙](b/)、[归档](../archive/)和[旧栏目](../old-news/)。\n",
            ),
        )
        .file(
            "content/_index.en.md",
            md(
                "title: Home",
                "Read [the news](news/) and [B](news/b/#part-one).\n",
            ),
        );
    let run = check(&site).fails();
    let message = run.error_at("content/news/_index.zh.md", 4, 28);
    assert!(
        message.contains("broken link `../old-news/`: nothing is published at /old-news/"),
        "{message}"
    );
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}
