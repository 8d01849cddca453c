//! Home pages: one per language, leading with the featured story (else the
//! newest), listing the latest articles and the newest key figures.

use crate::support::{Site, md};

fn article(site: Site, slug: &str, date: &str, extra: &str, body: &str) -> Site {
    site.file(
        &format!("content/news/{slug}.zh.md"),
        md(&format!("title: {slug}\ndate: {date}\n{extra}"), body),
    )
}

/// Regression: with no featured page the home template tested an undefined
/// value in strict mode, and every build of such a site failed with
/// "index.html:5: error: undefined value".
#[test]
fn home_leads_with_the_newest_page_when_none_is_featured() {
    let site = article(Site::new(), "older", "2021-06-01", "", "旧闻。\n");
    let site = article(site, "newer", "2021-12-01", "", "新闻。\n");
    let built = site.build().ok();
    let home = built.html("index.html");
    assert_eq!(home.attr("main section.lead h3 a", "href"), "/news/newer/");
    // The lead story is not listed again under the latest news.
    assert_eq!(
        home.attrs("main section.latest h3 a", "href"),
        ["/news/older/"]
    );
}

#[test]
fn home_leads_with_the_featured_page() {
    let site = article(
        Site::new(),
        "older",
        "2021-06-01",
        "featured: true",
        "旧闻。\n",
    );
    let site = article(site, "newer", "2021-12-01", "", "新闻。\n");
    let built = site.build().ok();
    let home = built.html("index.html");
    assert_eq!(home.attr("main section.lead h3 a", "href"), "/news/older/");
}

#[test]
fn language_without_pages_still_has_a_home_page() {
    let built = article(Site::new(), "only-zh", "2021-06-01", "", "中文。\n")
        .build()
        .ok();
    let en = built.html("en/index.html");
    assert_eq!(en.attr("html", "lang"), "en");
    assert!(!en.has("main section.lead"));
    assert!(!en.has("main article"));
}

#[test]
fn home_shows_the_newest_key_figures() {
    let metrics = |value: u32| {
        format!(
            "正文。\n\n```metrics 数据\n- {{ label: 新增工会会员, value: {value}, unit: 人 }}\n```\n"
        )
    };
    let site = article(Site::new(), "older", "2021-06-01", "", &metrics(111));
    let site = article(site, "newer", "2021-12-01", "", &metrics(36186));
    let site = article(site, "newest", "2021-12-31", "", "没有数据。\n");
    let built = site.build().ok();
    let home = built.html("index.html");
    let figures = home.one("main section.key-figures");
    let data: Vec<_> = crate::support::select(figures, "data[value]")
        .into_iter()
        .map(|d| (crate::support::attr(d, "value"), crate::support::text(d)))
        .collect();
    assert_eq!(data, [("36186".to_string(), "36,186".to_string())]);
}
