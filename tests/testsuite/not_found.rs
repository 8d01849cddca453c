//! `404.html`: one page at the output root, in the default language, that
//! works from any address (root-relative links) and leads to both homes.

use crate::support::{Site, md};

#[test]
fn not_found_page_is_in_the_default_language_and_links_both_homes() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md("title: 消息\ndate: 2021-12-31", "正文。\n"),
        )
        .build()
        .ok();
    assert!(!built.exists("en/404.html"));
    let page = built.html("404.html");
    assert_eq!(page.attr("html", "lang"), "zh-CN");
    assert!(page.text("main h1").contains("页面不存在"));
    let links = page.attrs("main a", "href");
    assert!(links.contains(&"/".to_string()), "{links:?}");
    assert!(links.contains(&"/en/".to_string()), "{links:?}");
    // Served at any address, so its links and stylesheet must not be
    // relative to it.
    for url in page
        .attrs("[href]", "href")
        .iter()
        .chain(&page.attrs("[src]", "src"))
    {
        assert!(
            url.starts_with('/') || url.starts_with("https://") || url.starts_with('#'),
            "relative URL `{url}` in 404.html"
        );
    }
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
    // The English home says it is English.
    let en_link = page.one("main a[href='/en/']");
    assert_eq!(en_link.value().attr("lang"), Some("en"));
}

#[test]
fn not_found_page_of_a_site_under_a_sub_path_links_under_it() {
    let built = Site::new()
        .file(
            "site.yaml",
            crate::support::SITE_YAML.replace("https://example.org", "https://example.org/union"),
        )
        .build()
        .ok();
    let page = built.html("404.html");
    let links = page.attrs("main a", "href");
    assert!(links.contains(&"/union/".to_string()), "{links:?}");
    assert!(links.contains(&"/union/en/".to_string()), "{links:?}");
    assert_eq!(
        page.attr("link[rel=stylesheet]", "href"),
        "/union/style.css"
    );
}
