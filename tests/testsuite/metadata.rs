//! What search engines and link previews read: `<title>`, the description,
//! the canonical link, Open Graph and Twitter tags, and the JSON-LD
//! `NewsArticle` of an article (with its corrections); list pages are
//! Open Graph websites.

use serde_json::Value;

use crate::support::{Page, Run, Site, md, select, small_jpeg, text};

const ZH: &str = "news/x/index.html";
const EN: &str = "en/news/x/index.html";
const BASE: &str = "https://example.org";

fn site() -> Site {
    Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 市总工会召开年终总结会\ndate: 2021-12-31\nupdated: 2022-01-05\n\
                 summary: 市总工会回顾全年工作。\nauthor: [张三, 李四]\ncover: cover.jpg\n\
                 tags: [年度回顾]\n\
                 corrections:\n  - { date: 2022-01-06, text: 原文中新增会员人数有误，已更正。 }",
                "市总工会召开年终总结会，回顾全年工作。\n",
            ),
        )
        .file(
            "content/news/x/index.en.md",
            md(
                "title: City Federation Reviews the Year\nsummary: The federation looks back.",
                "The city federation reviewed the year.\n",
            ),
        )
        .file("content/news/x/cover.jpg", small_jpeg())
        .file(
            "content/news/photo/index.zh.md",
            md(
                "title: 图片新闻\ndate: 2021-11-01",
                "正文。\n\n![劳模座谈会](p.jpg)\n",
            ),
        )
        .file("content/news/photo/p.jpg", small_jpeg())
        .file(
            "content/news/plain.zh.md",
            md("title: 无图消息\ndate: 2021-10-01", "没有图片。\n"),
        )
}

fn meta(page: &Page, property: &str) -> String {
    page.attr(&format!("head meta[property='{property}']"), "content")
}

fn meta_name(page: &Page, name: &str) -> String {
    page.attr(&format!("head meta[name='{name}']"), "content")
}

/// The page's one JSON-LD script, parsed.
#[track_caller]
fn json_ld(page: &Page) -> Value {
    let script = page.text("script[type='application/ld+json']");
    serde_json::from_str(&script)
        .unwrap_or_else(|e| panic!("JSON-LD of {} is not JSON: {e}\n{script}", page.name))
}

fn author_names(ld: &Value) -> Vec<String> {
    let authors = ld["author"].as_array().expect("author is a list");
    authors
        .iter()
        .map(|a| a["name"].as_str().expect("author has a name").to_string())
        .collect()
}

#[test]
fn article_has_title_description_canonical_and_open_graph() {
    let built = site().build().ok();
    let page = built.html(ZH);
    assert_eq!(page.text("title"), "市总工会召开年终总结会 · 工会新闻");
    assert_eq!(meta_name(&page, "description"), "市总工会回顾全年工作。");
    assert_eq!(
        page.attr("head link[rel=canonical]", "href"),
        "https://example.org/news/x/"
    );
    assert_eq!(meta(&page, "og:type"), "article");
    assert_eq!(meta(&page, "og:title"), "市总工会召开年终总结会");
    assert_eq!(meta(&page, "og:description"), "市总工会回顾全年工作。");
    assert_eq!(meta(&page, "og:url"), "https://example.org/news/x/");
    assert_eq!(meta(&page, "og:locale"), "zh_CN");
    let image = meta(&page, "og:image");
    built.assert_photo(&image, BASE, "https://example.org/news/x/", "cover.jpg");
    assert_eq!(meta_name(&page, "twitter:card"), "summary_large_image");

    let en = built.html(EN);
    assert_eq!(
        en.text("title"),
        "City Federation Reviews the Year · Union News"
    );
    assert_eq!(meta(&en, "og:url"), "https://example.org/en/news/x/");
    assert_eq!(meta(&en, "og:locale"), "en");
    // The translation shares the original's cover.
    assert_eq!(meta(&en, "og:image"), image);
}

#[test]
fn og_image_is_the_first_photo_without_a_cover_and_absent_without_photos() {
    let built = site().build().ok();
    let photo = built.html("news/photo/index.html");
    let image = meta(&photo, "og:image");
    built.assert_photo(&image, BASE, "https://example.org/news/photo/", "p.jpg");
    assert_eq!(meta_name(&photo, "twitter:card"), "summary_large_image");
    assert_eq!(json_ld(&photo)["image"], serde_json::json!([image]));

    let plain = built.html("news/plain/index.html");
    assert!(!plain.has("head meta[property='og:image']"));
    assert_eq!(meta_name(&plain, "twitter:card"), "summary");
    assert!(json_ld(&plain).get("image").is_none());
}

#[test]
fn og_image_of_a_site_under_a_sub_path_is_absolute_under_it() {
    let built = site()
        .file(
            "site.yaml",
            crate::support::SITE_YAML.replace("https://example.org", "https://example.org/union"),
        )
        .build()
        .ok();
    let page = built.html(ZH);
    built.assert_photo(
        &meta(&page, "og:image"),
        "https://example.org/union",
        "https://example.org/union/news/x/",
        "cover.jpg",
    );
    assert_eq!(meta(&page, "og:url"), "https://example.org/union/news/x/");
}

#[test]
fn article_has_a_news_article_json_ld() {
    let built = site().build().ok();
    let page = built.html(ZH);
    let ld = json_ld(&page);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], "市总工会召开年终总结会");
    assert!(
        ld["datePublished"]
            .as_str()
            .unwrap()
            .starts_with("2021-12-31"),
        "{}",
        ld["datePublished"]
    );
    assert!(
        ld["dateModified"]
            .as_str()
            .unwrap()
            .starts_with("2022-01-05"),
        "{}",
        ld["dateModified"]
    );
    assert_eq!(author_names(&ld), ["张三", "李四"]);
    assert_eq!(ld["image"], serde_json::json!([meta(&page, "og:image")]));
    assert_eq!(ld["inLanguage"], "zh-CN");
    assert_eq!(ld["url"], "https://example.org/news/x/");

    let en = json_ld(&built.html(EN));
    assert_eq!(en["@type"], "NewsArticle");
    assert_eq!(en["headline"], "City Federation Reviews the Year");
    assert_eq!(en["inLanguage"], "en");
    assert!(
        en["datePublished"]
            .as_str()
            .unwrap()
            .starts_with("2021-12-31")
    );
    assert!(!en["author"].as_array().unwrap().is_empty());

    // Without `updated`, the article was last modified when published.
    let plain = json_ld(&built.html("news/plain/index.html"));
    assert_eq!(plain["dateModified"], plain["datePublished"]);
}

#[test]
fn corrections_are_shown_and_in_the_json_ld() {
    let built = site().build().ok();
    let page = built.html(ZH);
    let section = page.one("main section.corrections");
    let items = select(section, "li");
    assert_eq!(items.len(), 1);
    let item = text(items[0]);
    assert!(item.contains("原文中新增会员人数有误，已更正。"), "{item}");
    assert!(item.contains("2022年1月6日"), "{item}");
    let ld = json_ld(&page);
    let corrections = ld["correction"].as_array().expect("correction is a list");
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0]["text"], "原文中新增会员人数有误，已更正。");
    assert!(
        corrections[0]["datePublished"]
            .as_str()
            .unwrap()
            .starts_with("2022-01-06")
    );
    // No corrections, no section and no `correction`.
    let plain = built.html("news/plain/index.html");
    assert!(!plain.has("section.corrections"));
    assert!(json_ld(&plain).get("correction").is_none());
}

#[test]
fn json_ld_survives_text_that_would_end_a_script() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md(
                "title: \"</script><script>alert(1)</script> “引号” & 'x'\"\ndate: 2021-12-31",
                "正文。\n",
            ),
        )
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    assert_eq!(page.count("script"), 1, "the title opened a script");
    let ld = json_ld(&page);
    assert_eq!(
        ld["headline"],
        "</script><script>alert(1)</script> “引号” & 'x'"
    );
}

/// Checks that `rel` is an Open Graph website with absolute og:url.
#[track_caller]
fn assert_website(built: &Run, rel: &str, url: &str) {
    let page = built.html(rel);
    assert_eq!(meta(&page, "og:type"), "website", "{rel}");
    assert_eq!(meta(&page, "og:url"), url, "{rel}");
    assert_eq!(page.attr("head link[rel=canonical]", "href"), url, "{rel}");
    assert!(!page.has("script[type='application/ld+json']"), "{rel}");
    assert!(!page.text("title").is_empty(), "{rel}");
}

#[test]
fn list_pages_are_open_graph_websites() {
    let built = site().build().ok();
    assert_website(&built, "index.html", "https://example.org/");
    assert_website(&built, "en/index.html", "https://example.org/en/");
    assert_website(&built, "news/index.html", "https://example.org/news/");
    assert_website(&built, "tags/index.html", "https://example.org/tags/");
    assert_website(
        &built,
        "tags/年度回顾/index.html",
        "https://example.org/tags/%E5%B9%B4%E5%BA%A6%E5%9B%9E%E9%A1%BE/",
    );
    assert_website(&built, "archive/index.html", "https://example.org/archive/");
    assert_website(
        &built,
        "en/archive/index.html",
        "https://example.org/en/archive/",
    );
    assert_eq!(
        meta_name(&built.html("index.html"), "description"),
        built
            .html("index.html")
            .attr("head meta[property='og:description']", "content")
    );
}

#[test]
fn og_image_from_another_host_keeps_that_host() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md(
                "title: 外部封面\ndate: 2021-12-31\ncover: //cdn.example.net/c.jpg",
                "正文。\n",
            ),
        )
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    assert_eq!(meta(&page, "og:image"), "https://cdn.example.net/c.jpg");
    assert_eq!(
        json_ld(&page)["image"],
        serde_json::json!(["https://cdn.example.net/c.jpg"])
    );
}
