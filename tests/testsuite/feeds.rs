//! Atom feeds, read with a real feed parser: one per language, newest entry
//! first, each with its absolute permalink, dates, title and full text whose
//! links and images point at absolute URLs; drafts and pages dated in the
//! future stay out.

use chrono::NaiveDate;
use feed_rs::model::{Entry, Feed};

use crate::support::{SITE_YAML, Site, fragment_urls, md, small_jpeg};

const BASE: &str = "https://example.org";

fn site() -> Site {
    Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 市总工会召开年终总结会\ndate: 2021-12-31\nupdated: 2022-01-05\nauthor: [张三, 李四]",
                "市总工会召开年终总结会，回顾全年工作。\n\n![启动仪式](a.jpg)\n\n详见[上半年的消息](/news/solo/)。\n",
            ),
        )
        .file(
            "content/news/x/index.en.md",
            md(
                "title: City Federation Reviews the Year\nauthor: Zhang San",
                "The city federation reviewed the year's work.\n\n![Launch](a.jpg)\n",
            ),
        )
        .file("content/news/x/a.jpg", small_jpeg())
        .file(
            "content/news/solo.zh.md",
            md("title: 只有中文\ndate: 2021-06-01", "只有中文版的正文。\n"),
        )
        .file(
            "content/news/only-en.en.md",
            md("title: English only\ndate: 2021-03-01", "Only in English.\n"),
        )
        .file(
            "content/news/draft/index.zh.md",
            md("title: 草稿\ndate: 2021-12-30\ndraft: true", "草稿正文。\n"),
        )
        .file(
            "content/news/draft/index.en.md",
            md("title: Draft", "Draft text.\n"),
        )
        .file(
            "content/news/future.zh.md",
            md("title: 未来\ndate: 2999-01-01", "未来正文。\n"),
        )
}

fn title(e: &Entry) -> String {
    e.title.as_ref().expect("entry has a title").content.clone()
}

fn content(e: &Entry) -> String {
    e.content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_else(|| panic!("entry `{}` has no content", title(e)))
}

fn ids(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn feeds_parse_with_entries_newest_first() {
    let built = site().build().ok();
    let zh = built.check_feed("atom.xml", BASE);
    assert_eq!(zh.title.as_ref().unwrap().content, "工会新闻");
    assert_eq!(
        ids(&zh),
        [
            "https://example.org/news/x/",
            "https://example.org/news/solo/"
        ]
    );
    let en = built.check_feed("en/atom.xml", BASE);
    assert_eq!(en.title.as_ref().unwrap().content, "Union News");
    assert_eq!(
        ids(&en),
        [
            "https://example.org/en/news/x/",
            "https://example.org/en/news/only-en/"
        ]
    );
    // Feeds are advertised by every page.
    let home = built.html("en/index.html");
    assert_eq!(
        home.attr("head link[type='application/atom+xml']", "href"),
        "/en/atom.xml"
    );
}

#[test]
fn entry_has_permalink_dates_title_authors_and_full_text() {
    let built = site().build().ok();
    let zh = built.feed("atom.xml");
    let e = &zh.entries[0];
    assert_eq!(title(e), "市总工会召开年终总结会");
    assert_eq!(e.id, "https://example.org/news/x/");
    let links: Vec<&str> = e.links.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(links, ["https://example.org/news/x/"]);
    assert_eq!(e.published.unwrap().date_naive(), day(2021, 12, 31));
    assert_eq!(e.updated.unwrap().date_naive(), day(2022, 1, 5));
    let authors: Vec<&str> = e.authors.iter().filter_map(|a| a.name.as_deref()).collect();
    assert_eq!(authors, ["张三", "李四"]);
    let html = content(e);
    assert!(
        html.contains("市总工会召开年终总结会，回顾全年工作。"),
        "{html}"
    );
    // The feed holds the whole text, not just the first paragraph.
    assert!(html.contains("上半年的消息"), "{html}");

    // An article never updated is updated when published.
    let solo = &zh.entries[1];
    assert_eq!(solo.published.unwrap().date_naive(), day(2021, 6, 1));
    assert_eq!(solo.updated, solo.published);
    assert!(content(solo).contains("只有中文版的正文。"));

    let en = built.feed("en/atom.xml");
    let e = &en.entries[0];
    assert_eq!(title(e), "City Federation Reviews the Year");
    // The translation is dated like its original.
    assert_eq!(e.published.unwrap().date_naive(), day(2021, 12, 31));
    assert_eq!(e.authors[0].name.as_deref(), Some("Zhang San"));
    assert!(content(e).contains("The city federation reviewed the year's work."));
}

#[test]
fn images_and_links_in_entries_are_absolute() {
    let built = site().build().ok();
    let zh = built.feed("atom.xml");
    let html = content(&zh.entries[0]);
    let images = fragment_urls(&html, "src");
    assert_eq!(images.len(), 1, "{html}");
    built.assert_photo(&images[0], BASE, "https://example.org/news/x/", "a.jpg");
    for url in fragment_urls(&html, "srcset") {
        built.assert_photo(&url, BASE, "https://example.org/news/x/", "a.jpg");
    }
    assert_eq!(
        fragment_urls(&html, "href"),
        ["https://example.org/news/solo/"]
    );
    built.check_feed("atom.xml", BASE);
    let en = built.check_feed("en/atom.xml", BASE);
    // The translation shows the original's photo.
    assert_eq!(fragment_urls(&content(&en.entries[0]), "src"), images);
}

#[test]
fn site_under_a_sub_path_has_absolute_urls_under_it() {
    let site = site().file(
        "site.yaml",
        SITE_YAML.replace("https://example.org", "https://example.org/union/"),
    );
    // Root-relative links name the site's path (`check` holds them to it).
    let zh = "content/news/x/index.zh.md";
    site.write(zh, site.read(zh).replace("](/news/", "](/union/news/"));
    let built = site.build().ok();
    let zh = built.feed("atom.xml");
    assert_eq!(zh.entries[0].id, "https://example.org/union/news/x/");
    let html = content(&zh.entries[0]);
    let base = "https://example.org/union";
    let images = fragment_urls(&html, "src");
    assert_eq!(images.len(), 1, "{html}");
    for url in images.iter().chain(&fragment_urls(&html, "srcset")) {
        built.assert_photo(url, base, "https://example.org/union/news/x/", "a.jpg");
    }
    assert_eq!(
        fragment_urls(&html, "href"),
        ["https://example.org/union/news/solo/"]
    );
    built.check_feed("atom.xml", base);
}

#[test]
fn images_from_other_hosts_keep_their_address() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md(
                "title: 外部图片\ndate: 2021-12-31",
                "正文。\n\n![协议相对](//cdn.example.net/p.jpg)\n\n![绝对](https://img.example.net/q.jpg)\n\n[外链](//www.example.net/x/)\n",
            ),
        )
        .build()
        .ok();
    let html = content(&built.feed("atom.xml").entries[0]);
    let images = fragment_urls(&html, "src");
    assert_eq!(images.len(), 2, "{html}");
    // A protocol-relative URL is another host, not a path of this site.
    assert!(
        !images[0].contains("example.org"),
        "{} was made a path of the site",
        images[0]
    );
    assert!(
        images[0].ends_with("//cdn.example.net/p.jpg"),
        "{}",
        images[0]
    );
    assert_eq!(images[1], "https://img.example.net/q.jpg");
    let links = fragment_urls(&html, "href");
    assert!(
        !links[0].contains("example.org"),
        "{} was made a path of the site",
        links[0]
    );
}

#[test]
fn articles_appear_only_in_their_own_language_feed() {
    let built = site().build().ok();
    let zh = ids(&built.feed("atom.xml"));
    let en = ids(&built.feed("en/atom.xml"));
    assert!(zh.contains(&"https://example.org/news/solo/".to_string()));
    assert!(!en.iter().any(|id| id.contains("solo")), "{en:?}");
    assert!(en.contains(&"https://example.org/en/news/only-en/".to_string()));
    assert!(!zh.iter().any(|id| id.contains("only-en")), "{zh:?}");
}

#[test]
fn drafts_and_future_pages_are_not_in_feeds() {
    let built = site().build().ok();
    for rel in ["atom.xml", "en/atom.xml"] {
        let feed = built.feed(rel);
        for e in &feed.entries {
            assert!(
                !e.id.contains("draft") && !e.id.contains("future"),
                "{rel}: {}",
                e.id
            );
            let text = content(e);
            assert!(
                !text.contains("草稿") && !text.contains("未来") && !text.contains("Draft"),
                "{rel}: {text}"
            );
        }
    }
}

#[test]
fn feed_of_a_language_without_articles_is_valid_and_empty() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md("title: 只有中文\ndate: 2021-12-31", "正文。\n"),
        )
        .build()
        .ok();
    let en = built.feed("en/atom.xml");
    assert!(en.entries.is_empty());
    assert_eq!(built.feed("atom.xml").entries.len(), 1);
}

#[test]
fn relative_links_in_entries_resolve_against_the_article() {
    // Feed readers resolve relative URLs against the feed (`/atom.xml`), not
    // the article: a bundle's file and a footnote must be made absolute.
    let built = Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 附件\ndate: 2021-12-31",
                "全文见[报告](report.pdf)。[^1]\n\n[^1]: 注释。\n",
            ),
        )
        .file("content/news/x/report.pdf", b"%PDF-1.4")
        .build()
        .ok();
    let zh = built.check_feed("atom.xml", BASE);
    let links = fragment_urls(&content(&zh.entries[0]), "href");
    assert!(
        links.contains(&"https://example.org/news/x/report.pdf".to_string()),
        "{links:?}"
    );
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("https://example.org/news/x/")),
        "{links:?}"
    );
}

/// A build frees each article's text once its page is made, after the
/// feeds copied theirs: with search on and off (two ways through the
/// render), and more articles than a feed holds, every page and every
/// feed entry still has its whole text.
#[test]
fn every_page_and_feed_entry_keeps_its_whole_text_with_search_on_and_off() {
    for search in ["true", "false"] {
        let mut many = Site::new().config(&format!("search: {{ enabled: {search} }}"));
        for d in 1..=25 {
            many = many.file(
                &format!("content/news/a{d}.zh.md"),
                md(
                    &format!("title: 第{d}篇\ndate: 2021-01-{d:02}"),
                    &format!("第{d}篇的第一段。\n\n第{d}篇的第二段。\n"),
                ),
            );
        }
        let built = many.build().ok();
        for d in 1..=25 {
            let page = built.html(&format!("news/a{d}/index.html"));
            let text = page.text("article");
            assert!(
                text.contains(&format!("第{d}篇的第二段。")),
                "search {search}, {d}: {text}"
            );
        }
        let feed = built.feed("atom.xml");
        assert_eq!(feed.entries.len(), 20, "search {search}");
        for (e, d) in feed.entries.iter().zip((6..=25).rev()) {
            assert_eq!(title(e), format!("第{d}篇"));
            assert!(
                content(e).contains(&format!("第{d}篇的第二段。")),
                "search {search}"
            );
        }
    }
}
