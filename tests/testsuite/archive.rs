//! The year archive: `/archive/` and `/en/archive/` list every article of
//! their language under its year, newest year first.

use crate::support::{Page, Site, md, select, text};

fn site() -> Site {
    let page = |site: Site, path: &str, title: &str, date: &str| {
        site.file(
            &format!("content/news/{path}"),
            md(&format!("title: {title}\ndate: {date}"), "正文。\n"),
        )
    };
    let site = page(
        Site::new(),
        "a/index.zh.md",
        "二〇二〇年的消息",
        "2020-05-01",
    );
    let site = page(site, "b/index.zh.md", "二〇二一年上半年", "2021-03-01");
    let site = page(site, "c/index.zh.md", "二〇二一年年末", "2021-12-31");
    let site = page(site, "d.zh.md", "二〇二二年的消息", "2022-02-01");
    // English: a translation (dated like its original) and an English-only page.
    let site = page(site, "b/index.en.md", "Early 2021", "2021-03-01");
    page(site, "e.en.md", "English only, 2019", "2019-07-01")
}

/// (year heading, links of the year's articles) in page order.
fn years(page: &Page) -> Vec<(String, Vec<String>)> {
    page.select("main section.year")
        .into_iter()
        .map(|y| {
            let heading = select(y, "h2");
            assert_eq!(heading.len(), 1, "{}", y.html());
            let links = select(y, "a[href]")
                .into_iter()
                .map(|a| crate::support::attr(a, "href"))
                .collect();
            (text(heading[0]), links)
        })
        .collect()
}

fn year(heading: &str, links: &[&str]) -> (String, Vec<String>) {
    (
        heading.to_string(),
        links.iter().map(|l| l.to_string()).collect(),
    )
}

#[test]
fn chinese_archive_groups_articles_by_year_newest_first() {
    let built = site().build().ok();
    let archive = built.html("archive/index.html");
    assert_eq!(archive.attr("html", "lang"), "zh-CN");
    assert_eq!(
        years(&archive),
        [
            year("2022年", &["/news/d/"]),
            year("2021年", &["/news/c/", "/news/b/"]),
            year("2020年", &["/news/a/"]),
        ]
    );
    // Dates are shown the Chinese way.
    let first = archive.select("main section.year time")[0];
    assert_eq!(text(first), "2022年2月1日");
    assert_eq!(crate::support::attr(first, "datetime"), "2022-02-01");
}

#[test]
fn english_archive_holds_only_english_articles() {
    let built = site().build().ok();
    let archive = built.html("en/archive/index.html");
    assert_eq!(archive.attr("html", "lang"), "en");
    assert_eq!(
        years(&archive),
        [
            year("2021", &["/en/news/b/"]),
            year("2019", &["/en/news/e/"]),
        ]
    );
    assert_eq!(
        text(archive.select("main section.year time")[0]),
        "1 March 2021"
    );
    // Both archives are linked from every page and are each other's translation.
    let home = built.html("en/index.html");
    assert!(
        home.attrs("a", "href")
            .contains(&"/en/archive/".to_string())
    );
    assert_eq!(
        archive.attr("nav.languages a[hreflang=zh-CN]", "href"),
        "/archive/"
    );
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}
