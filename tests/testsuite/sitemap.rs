//! `sitemap.xml`, read with an XML parser: every address is a file of the
//! output, translated pages list their language versions (hreflang), and
//! `robots.txt` points at the sitemap.

use crate::support::{Site, SitemapUrl, md};

const BASE: &str = "https://example.org";

fn site() -> Site {
    Site::new()
        .config("paginate: 1")
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 劳动竞赛\ndate: 2021-12-31\nupdated: 2022-01-05\ntags: [劳动竞赛, Skills]",
                "正文。\n",
            ),
        )
        .file(
            "content/news/x/index.en.md",
            md(
                "title: Skills contest\ntags: [Skills competitions]",
                "Text.\n",
            ),
        )
        .file(
            "content/news/独家/index.zh.md",
            md(
                "title: 只有中文\ndate: 2021-06-01\ntags: [劳动竞赛]",
                "正文。\n",
            ),
        )
        .file(
            "content/news/draft.zh.md",
            md("title: 草稿\ndate: 2021-05-01\ndraft: true", "草稿。\n"),
        )
}

#[track_caller]
fn url<'a>(urls: &'a [SitemapUrl], loc: &str) -> &'a SitemapUrl {
    let found: Vec<&SitemapUrl> = urls.iter().filter(|u| u.loc == loc).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one <loc>{loc}</loc> in the sitemap"
    );
    found[0]
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Addresses in order, so a sitemap diffs cleanly from build to build.
#[test]
fn addresses_are_listed_in_order() {
    let urls = site().build().ok().sitemap();
    let locs: Vec<&str> = urls.iter().map(|u| u.loc.as_str()).collect();
    assert!(locs.len() > 10, "{locs:?}");
    assert!(locs.is_sorted(), "{locs:#?}");
}

#[test]
fn every_loc_is_a_file_of_the_output() {
    let built = site().build().ok();
    assert!(built.check_sitemap(BASE) > 10);
    let urls = built.sitemap();
    let locs: Vec<&str> = urls.iter().map(|u| u.loc.as_str()).collect();
    // Articles (with their Chinese path percent-encoded), homes, lists and
    // their later pages, tag pages, the archive.
    for loc in [
        "https://example.org/",
        "https://example.org/en/",
        "https://example.org/news/x/",
        "https://example.org/en/news/x/",
        "https://example.org/news/%E7%8B%AC%E5%AE%B6/",
        "https://example.org/news/",
        "https://example.org/news/page/2/",
        "https://example.org/tags/",
        "https://example.org/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/",
        "https://example.org/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/page/2/",
        "https://example.org/en/tags/skills-competitions/",
        "https://example.org/archive/",
        "https://example.org/en/archive/",
    ] {
        assert!(
            locs.contains(&loc),
            "{loc} is not in the sitemap: {locs:#?}"
        );
    }
    // Not pages: drafts, the 404 page, feeds.
    assert!(!locs.iter().any(|l| l.contains("draft")), "{locs:?}");
    assert!(!locs.iter().any(|l| l.contains("404")), "{locs:?}");
    assert!(!locs.iter().any(|l| l.ends_with(".xml")), "{locs:?}");
    // An article's last change is its update date.
    assert_eq!(
        url(&urls, "https://example.org/news/x/").lastmod.as_deref(),
        Some("2022-01-05")
    );
}

#[test]
fn translated_article_lists_its_language_versions() {
    let built = site().build().ok();
    let urls = built.sitemap();
    let expected = pairs(&[
        ("zh-CN", "https://example.org/news/x/"),
        ("en", "https://example.org/en/news/x/"),
        ("x-default", "https://example.org/news/x/"),
    ]);
    let mut zh = url(&urls, "https://example.org/news/x/").alternates.clone();
    let mut en = url(&urls, "https://example.org/en/news/x/")
        .alternates
        .clone();
    zh.sort();
    en.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(zh, expected_sorted);
    assert_eq!(en, expected_sorted);
    // The homes are each other's translation too.
    let home = &url(&urls, "https://example.org/").alternates;
    assert!(
        home.contains(&("en".to_string(), "https://example.org/en/".to_string())),
        "{home:?}"
    );
}

#[test]
fn chinese_only_article_has_no_english_alternate() {
    let built = site().build().ok();
    let urls = built.sitemap();
    let solo = url(&urls, "https://example.org/news/%E7%8B%AC%E5%AE%B6/");
    assert!(
        !solo.alternates.iter().any(|(lang, _)| lang == "en"),
        "{:?}",
        solo.alternates
    );
    assert!(
        solo.alternates
            .iter()
            .all(|(_, href)| href == "https://example.org/news/%E7%8B%AC%E5%AE%B6/"),
        "{:?}",
        solo.alternates
    );
}

#[test]
fn robots_txt_points_at_the_absolute_sitemap_url() {
    let built = site().build().ok();
    let robots = built.read("robots.txt");
    let sitemaps: Vec<&str> = robots
        .lines()
        .filter_map(|l| l.strip_prefix("Sitemap:"))
        .map(str::trim)
        .collect();
    assert_eq!(sitemaps, ["https://example.org/sitemap.xml"], "{robots}");
    assert!(built.exists("sitemap.xml"));
    assert!(
        robots.lines().any(|l| l.trim() == "User-agent: *"),
        "{robots}"
    );
    assert!(
        !robots.lines().any(|l| l.trim() == "Disallow: /"),
        "robots.txt shuts crawlers out:\n{robots}"
    );
}
