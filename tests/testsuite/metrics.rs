//! Metric blocks: a ```` ```metrics ```` fence of YAML becomes a key-figures
//! `<dl>` with `<data value>`, and every language gets a `metrics.json`.

use crate::support::{Site, md, select, text};

const BLOCK_ZH: &str = "\
基层组织建设取得新进展。

```metrics 基层组织建设
- { label: 新增工会会员, value: 36186, unit: 人, note: 其中货车司机4803人 }
- { label: 发放救助资金, value: 434.2, unit: 万元 }
- { label: 上缴省总经费, value: 974, unit: 万元, change: \"+9.15%\" }
```
";

const BLOCK_EN: &str = "\
Grassroots organization made progress.

```metrics Grassroots organization
- { label: New union members, value: 36186, unit: people }
- { label: Assistance paid out, value: 4.342, unit: million yuan }
- { label: Funds remitted, value: 9.74, unit: million yuan, change: \"+9.15%\" }
```
";

fn site() -> Site {
    Site::new()
        .file(
            "content/news/review/index.zh.md",
            md("title: 年度回顾\ndate: 2021-12-31", BLOCK_ZH),
        )
        .file(
            "content/news/review/index.en.md",
            md("title: Year in review", BLOCK_EN),
        )
}

/// (label, data value, shown number, unit) of every metric on a page.
fn metrics(page: &crate::support::Page) -> Vec<(String, String, String, String)> {
    page.select("main div.metrics dl div.metric")
        .into_iter()
        .map(|m| {
            let dt = select(m, "dt");
            let data = select(m, "dd data");
            let unit = select(m, "dd .unit");
            assert_eq!((dt.len(), data.len()), (1, 1), "{}", m.html());
            (
                text(dt[0]),
                data[0].value().attr("value").unwrap_or("").to_string(),
                text(data[0]),
                unit.first().map(|u| text(*u)).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn metrics_fence_renders_a_key_figures_list() {
    let built = site().build().ok();
    let page = built.html("news/review/index.html");
    let block = page.one("main div.metrics");
    assert_eq!(select(block, "dl").len(), 1);
    assert!(text(block).contains("基层组织建设"), "the title is shown");
    let data = page.one(r#"main div.metrics data[value="36186"]"#);
    assert_eq!(text(data), "36,186");
    assert_eq!(
        metrics(&page),
        [
            ("新增工会会员", "36186", "36,186", "人"),
            ("发放救助资金", "434.2", "434.2", "万元"),
            ("上缴省总经费", "974", "974", "万元"),
        ]
        .map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
    );
    // Notes and changes are shown with their figure.
    let dds = page.texts("main div.metrics dd");
    assert!(dds[0].contains("其中货车司机4803人"), "{dds:?}");
    assert!(dds[2].contains("+9.15%"), "{dds:?}");
    // The fence itself is not left as code.
    assert!(!page.has("main pre, main code"));
}

#[test]
fn english_page_groups_numbers_the_english_way() {
    let built = site().build().ok();
    let page = built.html("en/news/review/index.html");
    assert_eq!(
        page.text(r#"main div.metrics data[value="36186"]"#),
        "36,186"
    );
    assert_eq!(
        page.text(r#"main div.metrics data[value="4.342"]"#),
        "4.342"
    );
}

/// The numeric value of `item` in a metrics.json entry.
fn values(json: &serde_json::Value) -> Vec<(String, f64, String)> {
    let entries = json.as_array().expect("metrics.json is a list of pages");
    entries
        .iter()
        .flat_map(|e| e["blocks"].as_array().expect("blocks").iter())
        .flat_map(|b| b["items"].as_array().expect("items").iter())
        .map(|i| {
            (
                i["label"].as_str().expect("label").to_string(),
                i["value"].as_f64().expect("value is a number"),
                i["unit"].as_str().expect("unit").to_string(),
            )
        })
        .collect()
}

#[test]
fn metrics_json_per_language_holds_the_values() {
    let built = site().build().ok();
    let zh = built.json("metrics.json");
    assert_eq!(zh.as_array().unwrap().len(), 1);
    assert_eq!(zh[0]["title"], "年度回顾");
    assert_eq!(zh[0]["url"], "https://example.org/news/review/");
    assert_eq!(zh[0]["blocks"][0]["title"], "基层组织建设");
    assert_eq!(
        values(&zh),
        [
            ("新增工会会员".to_string(), 36186.0, "人".to_string()),
            ("发放救助资金".to_string(), 434.2, "万元".to_string()),
            ("上缴省总经费".to_string(), 974.0, "万元".to_string()),
        ]
    );
    let en = built.json("en/metrics.json");
    assert_eq!(en[0]["url"], "https://example.org/en/news/review/");
    assert_eq!(
        values(&en),
        [
            (
                "New union members".to_string(),
                36186.0,
                "people".to_string()
            ),
            (
                "Assistance paid out".to_string(),
                4.342,
                "million yuan".to_string()
            ),
            (
                "Funds remitted".to_string(),
                9.74,
                "million yuan".to_string()
            ),
        ]
    );
}

#[test]
fn compact_numbers_change_the_display_never_the_data() {
    let built = site().config("compact_numbers: true").build().ok();
    let zh = built.html("news/review/index.html");
    let data = zh.one(r#"main div.metrics data[value="36186"]"#);
    assert_eq!(text(data), "3.62万");
    // A unit that already carries 万 is not compacted again.
    assert_eq!(zh.text(r#"main div.metrics data[value="434.2"]"#), "434.2");
    // English pages keep plain grouping.
    let en = built.html("en/news/review/index.html");
    assert_eq!(en.text(r#"main div.metrics data[value="36186"]"#), "36,186");
    // The data files keep the exact numbers.
    assert_eq!(values(&built.json("metrics.json"))[0].1, 36186.0);
    assert_eq!(values(&built.json("en/metrics.json"))[0].1, 36186.0);
}

#[test]
fn site_without_metrics_still_writes_empty_metrics_json() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md("title: 无数据\ndate: 2021-12-31", "正文。\n"),
        )
        .build()
        .ok();
    assert_eq!(built.json("metrics.json"), serde_json::json!([]));
    assert_eq!(built.json("en/metrics.json"), serde_json::json!([]));
}
