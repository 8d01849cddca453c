//! Tags: Chinese tags keep their words in the URL (percent-encoded in
//! links), English tags are slugged, tag pages are paginated, `/tags/`
//! lists every tag with its count, and translations keep their own tags.

use crate::support::{Page, Run, Site, attr, md, select, target_file, text};

const TAG_URL: &str = "/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/";

fn zh(site: Site, slug: &str, date: &str, tags: &str) -> Site {
    site.file(
        &format!("content/news/{slug}/index.zh.md"),
        md(
            &format!("title: 消息{slug}\ndate: {date}\ntags: {tags}"),
            "正文。\n",
        ),
    )
}

fn en(site: Site, slug: &str, front_matter: &str) -> Site {
    site.file(
        &format!("content/news/{slug}/index.en.md"),
        md(&format!("title: Item {slug}\n{front_matter}"), "Text.\n"),
    )
}

/// (name, href) of an article's tag links.
fn tag_links(page: &Page) -> Vec<(String, String)> {
    page.select("main nav.tags a[rel=tag]")
        .into_iter()
        .map(|a| (text(a), attr(a, "href")))
        .collect()
}

fn cards(page: &Page) -> Vec<String> {
    page.attrs("main .cards article .card-text a", "href")
}

/// (name, href, count) of every tag on a `/tags/` page, sorted by name.
fn tag_index(built: &Run, rel: &str) -> Vec<(String, String, usize)> {
    let page = built.html(rel);
    let mut tags: Vec<_> = page
        .select("main ul.tag-cloud li")
        .into_iter()
        .map(|li| {
            let a = select(li, "a[rel=tag]");
            assert_eq!(a.len(), 1, "{}", li.html());
            let count = select(li, ".count");
            assert_eq!(count.len(), 1, "{}", li.html());
            (text(a[0]), attr(a[0], "href"), number(&text(count[0])))
        })
        .collect();
    tags.sort();
    tags
}

/// The number in a count as shown: `3篇`, `3 articles` → 3.
#[track_caller]
fn number(shown: &str) -> usize {
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no count in `{shown}`"))
}

fn triple(name: &str, href: &str, count: usize) -> (String, String, usize) {
    (name.into(), href.into(), count)
}

#[test]
fn chinese_tag_page_is_written_in_chinese_and_linked_percent_encoded() {
    let built = zh(Site::new(), "a", "2021-12-31", "[劳动竞赛]")
        .build()
        .ok();
    assert!(built.exists("tags/劳动竞赛/index.html"));
    let article = built.html("news/a/index.html");
    let links = tag_links(&article);
    assert_eq!(links, [("劳动竞赛".to_string(), TAG_URL.to_string())]);
    // The link, decoded, is the file on disk.
    assert_eq!(target_file(&links[0].1), "tags/劳动竞赛/index.html");

    let tag = built.html(&target_file(TAG_URL));
    assert_eq!(tag.attr("html", "lang"), "zh-CN");
    assert!(tag.text("main h1").contains("劳动竞赛"));
    assert_eq!(cards(&tag), ["/news/a/"]);
    assert_eq!(
        tag.attr("head link[rel=canonical]", "href"),
        format!("https://example.org{TAG_URL}")
    );
    let (checked, broken) = built.check_links("https://example.org");
    assert!(checked > 10, "only {checked} links checked");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn english_tags_are_slugged() {
    let site = zh(Site::new(), "a", "2021-12-31", "[劳动竞赛]");
    let site = en(site, "a", "tags: [Skills competitions]");
    let site = zh(site, "b", "2021-12-30", "[劳模]");
    // The same tag in another case is the same tag.
    let site = en(site, "b", "tags: [skills Competitions]");
    let built = site.build().ok();
    let article = built.html("en/news/a/index.html");
    assert_eq!(
        tag_links(&article),
        [(
            "Skills competitions".to_string(),
            "/en/tags/skills-competitions/".to_string()
        )]
    );
    let tag = built.html("en/tags/skills-competitions/index.html");
    assert_eq!(tag.attr("html", "lang"), "en");
    assert!(tag.text("main h1").contains("Skills competitions"));
    assert_eq!(cards(&tag), ["/en/news/a/", "/en/news/b/"]);
    assert_eq!(
        tag_index(&built, "en/tags/index.html"),
        [triple(
            "Skills competitions",
            "/en/tags/skills-competitions/",
            2
        )]
    );
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn tag_pages_are_paginated() {
    let mut site = Site::new().config("paginate: 3");
    for day in 1..=4 {
        site = zh(
            site,
            &format!("n{day}"),
            &format!("2021-03-0{day}"),
            "[劳动竞赛]",
        );
    }
    let built = site.build().ok();
    let first = built.html("tags/劳动竞赛/index.html");
    let second = built.html("tags/劳动竞赛/page/2/index.html");
    assert!(!built.exists("tags/劳动竞赛/page/3"));
    assert_eq!(cards(&first), ["/news/n4/", "/news/n3/", "/news/n2/"]);
    assert_eq!(cards(&second), ["/news/n1/"]);
    let next = format!("{TAG_URL}page/2/");
    assert_eq!(first.attr("nav.pager a[rel=next]", "href"), next);
    assert_eq!(second.attr("nav.pager a[rel=prev]", "href"), TAG_URL);
    assert_eq!(
        second.attr("head link[rel=canonical]", "href"),
        format!("https://example.org{next}")
    );
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn tag_index_lists_every_tag_with_its_count() {
    let site = zh(Site::new(), "a", "2021-12-31", "[劳动竞赛, 劳模]");
    let site = zh(site, "b", "2021-12-30", "[劳动竞赛]");
    let site = zh(site, "c", "2021-12-29", "[劳动竞赛, 就业服务]");
    let built = site.build().ok();
    let shown = built
        .html("tags/index.html")
        .texts("main ul.tag-cloud .count");
    assert!(shown.contains(&"3篇".to_string()), "{shown:?}");
    assert_eq!(
        tag_index(&built, "tags/index.html"),
        [
            triple("劳动竞赛", TAG_URL, 3),
            triple("劳模", "/tags/%E5%8A%B3%E6%A8%A1/", 1),
            triple("就业服务", "/tags/%E5%B0%B1%E4%B8%9A%E6%9C%8D%E5%8A%A1/", 1),
        ]
    );
    // The most used tag comes first.
    assert_eq!(
        built.html("tags/index.html").texts("main ul.tag-cloud a")[0],
        "劳动竞赛"
    );
    // Every language has a tag index, even one without tags.
    assert!(tag_index(&built, "en/tags/index.html").is_empty());
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn english_translation_does_not_inherit_chinese_tags() {
    let site = zh(Site::new(), "a", "2021-12-31", "[劳动竞赛, 2021]");
    let built = en(site, "a", "").build().ok();
    let article = built.html("en/news/a/index.html");
    let links = tag_links(&article);
    assert!(
        links.iter().all(|(name, _)| name != "劳动竞赛"),
        "{links:?}"
    );
    // A tag without letters reads the same in English and comes along.
    assert_eq!(links, [("2021".to_string(), "/en/tags/2021/".to_string())]);
    assert!(!built.exists("en/tags/劳动竞赛"));
    let index = tag_index(&built, "en/tags/index.html");
    assert_eq!(index, [triple("2021", "/en/tags/2021/", 1)]);
    // The Chinese page keeps both.
    assert_eq!(tag_links(&built.html("news/a/index.html")).len(), 2);
}
