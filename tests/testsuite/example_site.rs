//! The example site in the repository root (two annual reviews and news
//! items in Chinese and English) builds, shows every photo caption of its
//! source texts, keeps its key figures consistent across languages, links
//! only to files it wrote (tag pages, archives and later list pages
//! included), and has feeds and a sitemap that machines can read.

use std::path::Path;

use crate::support::{
    Page, REPO, Run, Site, assert_same_tree, attr, caption_text, select, text, unionpress,
};

const BASE_URL: &str = "https://news.example.org";

const SUZHOU: &str = "news/2021-suzhou-review/index.html";
const BENGBU: &str = "news/2021-bengbu-review/index.html";

/// Photo captions of `tests/fixtures/seeds/suzhou-2021-review.txt` (the
/// review as published, which the example article is made from).
const SUZHOU_CAPTIONS: [&str; 7] = [
    "举行劳动和技能竞赛启动仪式",
    "开展关心关爱环卫工人“六个一”活动，为环卫工人免费体检",
    "组织劳模开展学习交流",
    "举办汽车维修技能大赛",
    "组织劳模开展疗休养活动",
    "网络直播招聘会",
    "搭建网络平台助企“招贤纳士”",
];

/// Photo captions of `tests/fixtures/seeds/bengbu-2021-review.txt`.
const BENGBU_CAPTIONS: [&str; 6] = [
    "市职工“安康杯”安全生产知识竞赛",
    "市餐饮烹饪职业技能竞赛",
    "市跨区域、跨行业、跨企业劳模(工匠)创新工作室联盟成立",
    "市道路货运行业工会联合会成立",
    "货车司机集中扫码入会",
    "首批“劳模贷”发放",
];

/// Builds the example site into a fresh temporary folder.
fn build_example() -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut run = unionpress(
        Path::new(REPO),
        &["--root", REPO, "build", "--out", out.to_str().unwrap()],
    )
    .ok();
    run.out = out;
    (dir, run)
}

#[test]
fn example_site_builds_both_languages_and_both_reviews() {
    let (_dir, built) = build_example();
    assert!(built.stderr.contains("built "), "{}", built.stderr);
    for page in [
        "index.html",
        "en/index.html",
        SUZHOU,
        BENGBU,
        "en/news/2021-suzhou-review/index.html",
        "en/news/2021-bengbu-review/index.html",
    ] {
        let html = built.html(page);
        let lang = if page.starts_with("en/") {
            "en"
        } else {
            "zh-CN"
        };
        assert_eq!(html.attr("html", "lang"), lang, "{page}");
    }
    assert_eq!(
        built.html(SUZHOU).text("main h1"),
        "宿州市总工会：多点发力奏响工会工作奋进强音"
    );
}

/// Checks that every caption is a figure's caption on `page`, and that it
/// really is a caption of the seed text.
#[track_caller]
fn assert_captions(page: &Page, seed: &str, captions: &[&str]) {
    let seed_path = format!("{REPO}/tests/fixtures/seeds/{seed}");
    let seed_text =
        std::fs::read_to_string(&seed_path).unwrap_or_else(|e| panic!("read {seed_path}: {e}"));
    let figures = page.select("main figure:not(.gallery)");
    for caption in captions {
        assert!(seed_text.contains(caption), "`{caption}` is not in {seed}");
        let matching: Vec<_> = figures
            .iter()
            .filter(|f| {
                select(**f, ":scope > figcaption")
                    .first()
                    .is_some_and(|c| caption_text(*c) == *caption)
            })
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "expected one figure captioned `{caption}` on {}",
            page.name
        );
        let imgs = select(*matching[0], "img");
        assert_eq!(imgs.len(), 1, "{}", matching[0].html());
    }
}

#[test]
fn suzhou_review_has_a_captioned_figure_for_each_photo() {
    let (_dir, built) = build_example();
    assert_captions(
        &built.html(SUZHOU),
        "suzhou-2021-review.txt",
        &SUZHOU_CAPTIONS,
    );
}

#[test]
fn bengbu_review_has_a_captioned_figure_for_each_photo() {
    let (_dir, built) = build_example();
    assert_captions(
        &built.html(BENGBU),
        "bengbu-2021-review.txt",
        &BENGBU_CAPTIONS,
    );
}

#[test]
fn suzhou_review_shows_its_key_figures_as_data() {
    let (_dir, built) = build_example();
    let page = built.html(SUZHOU);
    assert_eq!(page.text(r#"main data[value="36186"]"#), "36,186");
    assert_eq!(page.text(r#"main data[value="434.2"]"#), "434.2");
}

/// How many of the base unit one unit holds: 万元 → 10^4, million yuan → 10^6.
fn unit_scale(unit: &str) -> f64 {
    let unit = unit.trim();
    if unit.starts_with('万') {
        1e4
    } else if unit.starts_with('亿') {
        1e8
    } else {
        match unit.split_whitespace().next() {
            Some("thousand") => 1e3,
            Some("million") => 1e6,
            Some("billion") => 1e9,
            _ => 1.0,
        }
    }
}

/// (value in base units, unit as shown) of every metric, block by block.
fn scaled_metrics(page: &Page) -> Vec<Vec<(f64, String)>> {
    page.select("main .body div.metrics")
        .into_iter()
        .map(|block| {
            select(block, "div.metric")
                .into_iter()
                .map(|m| {
                    let data = select(m, "data[value]");
                    assert_eq!(data.len(), 1, "{}", m.html());
                    let value: f64 = attr(data[0], "value")
                        .parse()
                        .unwrap_or_else(|e| panic!("{}: {e}", data[0].html()));
                    let unit = select(m, ".unit")
                        .first()
                        .map(|u| text(*u))
                        .unwrap_or_default();
                    (value * unit_scale(&unit), unit)
                })
                .collect()
        })
        .collect()
}

#[test]
fn reviews_have_the_same_figures_in_both_languages() {
    let (_dir, built) = build_example();
    for zh_path in [SUZHOU, BENGBU] {
        let zh = scaled_metrics(&built.html(zh_path));
        let en = scaled_metrics(&built.html(&format!("en/{zh_path}")));
        assert!(!zh.is_empty(), "{zh_path} has metric blocks");
        assert_eq!(zh.len(), en.len(), "{zh_path}: number of metric blocks");
        for (b, (zb, eb)) in zh.iter().zip(&en).enumerate() {
            assert_eq!(zb.len(), eb.len(), "{zh_path}: items of block {}", b + 1);
            for ((zv, zu), (ev, eu)) in zb.iter().zip(eb) {
                let tolerance = 1e-9 * zv.abs().max(ev.abs());
                assert!(
                    (zv - ev).abs() <= tolerance,
                    "{zh_path}, block {}: {zv} ({zu}) in Chinese but {ev} ({eu}) in English",
                    b + 1
                );
            }
        }
    }
}

/// Output pages the link check must cover besides articles and homes.
const LIST_PAGES: [&str; 8] = [
    "news/index.html",
    "en/news/index.html",
    "tags/index.html",
    "en/tags/index.html",
    "archive/index.html",
    "en/archive/index.html",
    "404.html",
    "old/2021/riders-join-union/index.html",
];

/// Checks that every local link of every page resolves, and that the link
/// check covered the list pages, the 404 page, an alias and `also`.
#[track_caller]
fn assert_links_resolve(built: &Run, also: &[&str]) {
    let files = built.tree();
    let pages = files.keys().filter(|f| f.ends_with(".html")).count();
    assert!(pages >= 14, "only {pages} pages");
    for page in LIST_PAGES.iter().chain(also) {
        assert!(files.contains_key(*page), "{page} was not written");
    }
    let (checked, broken) = built.check_links(BASE_URL);
    assert!(checked > 100, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_local_link_resolves_to_a_generated_file() {
    let (_dir, built) = build_example();
    assert_links_resolve(
        &built,
        &[
            "tags/劳动竞赛/index.html",
            "en/tags/skills-competitions/index.html",
        ],
    );
}

/// The example site's articles without photos (so no photo is processed
/// and the build stays fast), its section texts and theme, listing one
/// article a page so every list and most tags have later pages.
fn example_text_articles_one_a_page() -> Site {
    let config = std::fs::read_to_string(format!("{REPO}/site.yaml")).unwrap();
    assert!(config.contains("paginate: 20"), "{config}");
    let mut site = Site::empty().file("site.yaml", config.replace("paginate: 20", "paginate: 1"));
    let mut articles = 0;
    for dir in ["content", "themes"] {
        for entry in walkdir::WalkDir::new(Path::new(REPO).join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            if !entry.file_type().is_file() {
                continue;
            }
            if dir == "content" {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                if !path.to_string_lossy().ends_with(".md")
                    || text.contains("![")
                    || text.contains("\ncover:")
                {
                    continue;
                }
                articles += 1;
            }
            let rel = path.strip_prefix(REPO).unwrap();
            site = site.copy(path.to_str().unwrap(), rel.to_str().unwrap());
        }
    }
    assert!(
        articles >= 8,
        "only {articles} Markdown files without photos"
    );
    site
}

#[test]
fn every_local_link_resolves_when_lists_have_several_pages() {
    let built = example_text_articles_one_a_page().build().ok();
    let later_pages = [
        "news/page/2/index.html",
        "news/page/5/index.html",
        "en/news/page/2/index.html",
        "tags/新就业形态/page/2/index.html",
        "en/tags/new-forms-of-employment/page/2/index.html",
    ];
    assert_links_resolve(&built, &later_pages);
    assert!(built.check_sitemap(BASE_URL) > 30);
}

#[test]
fn every_feed_parses_with_entries() {
    let (_dir, built) = build_example();
    for (feed, prefix) in [("atom.xml", "/news/"), ("en/atom.xml", "/en/news/")] {
        let parsed = built.check_feed(feed, BASE_URL);
        let count = parsed.entries.len();
        assert!(count >= 5, "{feed}: only {count} entries");
        for e in &parsed.entries {
            assert!(
                e.id.starts_with(&format!("{BASE_URL}{prefix}")),
                "{feed}: {} is not an article of its language",
                e.id
            );
        }
    }
}

#[test]
fn every_sitemap_loc_exists() {
    let (_dir, built) = build_example();
    let checked = built.check_sitemap(BASE_URL);
    assert!(checked > 30, "only {checked} sitemap URLs");
    let locs: Vec<String> = built.sitemap().into_iter().map(|u| u.loc).collect();
    assert!(
        locs.contains(&format!("{BASE_URL}/news/2021-suzhou-review/")),
        "{locs:?}"
    );
    assert_eq!(
        built.read("robots.txt").lines().last(),
        Some(format!("Sitemap: {BASE_URL}/sitemap.xml").as_str())
    );
}

#[test]
fn example_site_builds_deterministically() {
    let (_a, first) = build_example();
    let (_b, second) = build_example();
    assert_same_tree(&first.tree(), &second.tree());
}
