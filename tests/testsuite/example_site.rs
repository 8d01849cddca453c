//! The example site in the repository root (two annual reviews and news
//! items in Chinese and English) builds, shows every photo caption of its
//! source texts, keeps its key figures consistent across languages, and
//! links only to files it wrote.

use std::path::Path;

use crate::support::{
    Page, REPO, Run, assert_same_tree, attr, caption_text, select, text, unionpress,
};

const SUZHOU: &str = "news/2021-suzhou-review/index.html";
const BENGBU: &str = "news/2021-bengbu-review/index.html";

/// Photo captions of `../shared/seeds/suzhou-2021-review.txt`.
const SUZHOU_CAPTIONS: [&str; 7] = [
    "举行劳动和技能竞赛启动仪式",
    "开展关心关爱环卫工人“六个一”活动，为环卫工人免费体检",
    "组织劳模开展学习交流",
    "举办汽车维修技能大赛",
    "组织劳模开展疗休养活动",
    "网络直播招聘会",
    "搭建网络平台助企“招贤纳士”",
];

/// Photo captions of `../shared/seeds/bengbu-2021-review.txt`.
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
    let seed_path = format!("{REPO}/../shared/seeds/{seed}");
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

#[test]
fn every_local_link_resolves_to_a_generated_file() {
    let (_dir, built) = build_example();
    let pages = built
        .tree()
        .into_keys()
        .filter(|f| f.ends_with(".html"))
        .count();
    assert!(pages >= 14, "only {pages} pages");
    let (checked, broken) = built.check_links("https://news.example.org");
    assert!(checked > 100, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}

#[test]
fn example_site_builds_deterministically() {
    let (_a, first) = build_example();
    let (_b, second) = build_example();
    assert_same_tree(&first.tree(), &second.tree());
}
