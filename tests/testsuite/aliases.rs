//! Aliases: old URLs of an article (`aliases:`) get a page that sends the
//! reader and search engines to the article's address.

use crate::support::{Page, Site, local_file, md};

const TARGET: &str = "https://example.org/news/x/";

fn site(aliases: &str) -> Site {
    Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                &format!("title: 年终总结会\ndate: 2021-12-31\naliases: {aliases}"),
                "正文。\n",
            ),
        )
        .file(
            "content/news/x/index.en.md",
            md("title: Year-end meeting", "Text.\n"),
        )
}

/// The URL a redirect page sends the browser to (`0; url=...`).
#[track_caller]
fn refresh_target(page: &Page) -> String {
    let content = page.attr("head meta[http-equiv=refresh]", "content");
    let (delay, url) = content
        .split_once(';')
        .unwrap_or_else(|| panic!("bad refresh `{content}`"));
    assert_eq!(delay.trim(), "0", "{content}");
    let url = url.trim();
    let url = url
        .strip_prefix("url=")
        .or_else(|| url.strip_prefix("URL="))
        .unwrap_or_else(|| panic!("bad refresh `{content}`"));
    url.trim_matches(['\'', '"']).to_string()
}

#[track_caller]
fn assert_redirects(page: &Page, target: &str) {
    assert_eq!(refresh_target(page), target, "{}", page.name);
    assert_eq!(
        page.attr("head link[rel=canonical]", "href"),
        target,
        "{}",
        page.name
    );
    // A visible link for browsers that do not follow the refresh.
    assert!(
        page.attrs("body a", "href").contains(&target.to_string()),
        "{}",
        page.name
    );
    // Search engines index the article, not the old address.
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
}

#[test]
fn folder_alias_redirects_to_the_article() {
    let built = site("[/old/2021/x/]").build().ok();
    let page = built.html("old/2021/x/index.html");
    assert_redirects(&page, TARGET);
    assert_eq!(
        local_file("https://example.org", TARGET).unwrap(),
        "news/x/index.html"
    );
    assert!(built.exists("news/x/index.html"));
    assert_eq!(page.attr("html", "lang"), "zh-CN");
    // Redirects are not pages of their own.
    assert!(
        !built.read("sitemap.xml").contains("/old/"),
        "{}",
        built.read("sitemap.xml")
    );
}

#[test]
fn html_alias_writes_that_file() {
    let built = site("[/old/x.html, /old/2020/y]").build().ok();
    assert_redirects(&built.html("old/x.html"), TARGET);
    assert!(!built.exists("old/x.html/index.html"));
    // Without a trailing slash or `.html`, the alias is a folder.
    assert_redirects(&built.html("old/2020/y/index.html"), TARGET);
}

#[test]
fn alias_copied_from_the_address_bar_is_written_decoded() {
    // Browsers copy Chinese paths percent-encoded; the server looks for the
    // decoded name on disk, as it does for every page.
    let built = site("[\"/旧/新闻/\", \"/old/%E5%8A%B3%E5%8A%A8/\"]")
        .build()
        .ok();
    assert_redirects(&built.html("旧/新闻/index.html"), TARGET);
    assert_redirects(&built.html("old/劳动/index.html"), TARGET);
    assert!(!built.exists("old/%E5%8A%B3%E5%8A%A8"));
}

#[test]
fn translation_redirect_goes_to_the_translation() {
    let built = site("[/old/x/]")
        .file(
            "content/news/x/index.en.md",
            md("title: Year-end meeting\naliases: [/en/old/x/]", "Text.\n"),
        )
        .build()
        .ok();
    assert_redirects(&built.html("old/x/index.html"), TARGET);
    let en = built.html("en/old/x/index.html");
    assert_redirects(&en, "https://example.org/en/news/x/");
    assert_eq!(en.attr("html", "lang"), "en");
}

#[test]
fn alias_over_an_article_is_an_error() {
    let run = Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 甲\ndate: 2021-12-31\naliases: [/news/y/]",
                "正文。\n",
            ),
        )
        .file(
            "content/news/y/index.zh.md",
            md("title: 乙\ndate: 2021-12-30", "正文。\n"),
        )
        .build()
        .fails();
    let message = run.error_at("content/news/x/index.zh.md", 4, 1);
    assert!(
        message.contains("alias `/news/y/`") && message.contains("content/news/y/index.zh.md"),
        "{message}"
    );
    assert!(!run.exists("."), "nothing was written");
}
