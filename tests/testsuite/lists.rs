//! Section lists paginated at `paginate` (`/news/page/2/`): page edges,
//! rel=prev/next, newest first across pages, the section intro on page 1
//! only, a pager that links a window of pages, and the home page's lead
//! story and latest items.

use crate::support::{Page, Run, Site, md};

/// A site listing pages three at a time.
fn site() -> Site {
    Site::new().config("paginate: 3")
}

/// Adds `content/news/<slug>.zh.md` dated `date`.
fn item(site: Site, slug: &str, date: &str, extra: &str) -> Site {
    site.file(
        &format!("content/news/{slug}.zh.md"),
        md(
            &format!("title: 消息{slug}\ndate: {date}\n{extra}"),
            &format!("第{slug}条消息正文。\n"),
        ),
    )
}

/// `count` pages, `n1` the oldest (2021-01-01) and `n<count>` the newest,
/// one day apart.
fn items(mut site: Site, count: usize) -> Site {
    for i in 1..=count {
        let day =
            chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + chrono::Days::new(i as u64 - 1);
        site = item(site, &format!("n{i}"), &day.to_string(), "");
    }
    site
}

/// Links of the cards a list page shows, in order.
fn cards(page: &Page) -> Vec<String> {
    page.attrs("main .cards article .card-text a", "href")
}

fn urls(slugs: &[&str]) -> Vec<String> {
    slugs.iter().map(|s| format!("/news/{s}/")).collect()
}

/// A link as a path under the site root (`https://example.org/x/` → `/x/`).
fn path(url: &str) -> &str {
    url.strip_prefix("https://example.org").unwrap_or(url)
}

/// The numbered page links of a pager (the current page is not a link).
fn pager_numbers(page: &Page) -> Vec<(String, String)> {
    page.select("main nav.pager a:not([rel])")
        .into_iter()
        .map(|a| (crate::support::text(a), crate::support::attr(a, "href")))
        .collect()
}

#[track_caller]
fn assert_no_pager(built: &Run, rel: &str) {
    let page = built.html(rel);
    assert!(!page.has("nav.pager"), "{rel} has a pager");
    assert!(!page.has("link[rel=next], link[rel=prev]"), "{rel}");
    assert!(!page.has("a[rel=next], a[rel=prev]"), "{rel}");
}

#[test]
fn exactly_paginate_items_make_one_page() {
    let built = items(site(), 3).build().ok();
    let list = built.html("news/index.html");
    assert_eq!(cards(&list), urls(&["n3", "n2", "n1"]));
    assert_no_pager(&built, "news/index.html");
    assert!(!built.exists("news/page"));
    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn one_item_more_than_paginate_makes_a_second_page() {
    let built = items(site(), 4).build().ok();
    let first = built.html("news/index.html");
    let second = built.html("news/page/2/index.html");
    assert!(!built.exists("news/page/3"));

    // Newest first across the pages: the oldest item goes to page 2.
    assert_eq!(cards(&first), urls(&["n4", "n3", "n2"]));
    assert_eq!(cards(&second), urls(&["n1"]));

    assert_eq!(
        path(&first.attr("head link[rel=next]", "href")),
        "/news/page/2/"
    );
    assert!(!first.has("head link[rel=prev]"));
    assert_eq!(first.attr("nav.pager a[rel=next]", "href"), "/news/page/2/");
    assert!(!first.has("nav.pager a[rel=prev]"));

    assert_eq!(path(&second.attr("head link[rel=prev]", "href")), "/news/");
    assert!(!second.has("head link[rel=next]"));
    assert_eq!(second.attr("nav.pager a[rel=prev]", "href"), "/news/");
    assert!(!second.has("nav.pager a[rel=next]"));

    // Each page is its own canonical URL and says which page it is.
    assert_eq!(
        second.attr("head link[rel=canonical]", "href"),
        "https://example.org/news/page/2/"
    );
    assert_eq!(
        second.attr("head meta[property='og:url']", "content"),
        "https://example.org/news/page/2/"
    );
    assert_ne!(first.text("title"), second.text("title"));
    assert!(
        second.text("main h1").contains("第2页"),
        "{}",
        second.text("main h1")
    );
    // Page 1 is `/news/`, never `/news/page/1/`.
    assert_eq!(
        pager_numbers(&second),
        [("1".to_string(), "/news/".to_string())]
    );
    assert_eq!(
        pager_numbers(&first),
        [("2".to_string(), "/news/page/2/".to_string())]
    );
    assert!(!built.exists("news/page/1"));

    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn section_title_and_intro_on_the_first_page_only() {
    let built = items(site(), 4)
        .file(
            "content/news/_index.zh.md",
            md("title: 工会要闻", "本栏目刊登全市工会工作动态。\n"),
        )
        .build()
        .ok();
    let first = built.html("news/index.html");
    let second = built.html("news/page/2/index.html");
    assert_eq!(first.text("main h1"), "工会要闻");
    assert_eq!(
        first.text("main .intro").trim(),
        "本栏目刊登全市工会工作动态。"
    );
    assert!(first.text("title").starts_with("工会要闻"));
    // Page 2 is still titled by the section, but does not repeat the intro.
    assert!(second.text("main h1").starts_with("工会要闻"));
    assert!(!second.has("main .intro"));
    assert!(
        !second.text("main").contains("本栏目刊登全市工会工作动态"),
        "page 2 repeats the intro"
    );
    // The section's navigation link uses its title.
    assert!(
        first
            .texts("nav.sections a")
            .contains(&"工会要闻".to_string())
    );
}

#[test]
fn home_lists_the_latest_items_without_repeating_the_lead_story() {
    // Newest first: n5, n4, n3, n2 (featured), n1.
    let site = site();
    let site = item(site, "n1", "2021-01-01", "");
    let site = item(site, "n2", "2021-01-02", "featured: true");
    let site = item(site, "n3", "2021-01-03", "");
    let site = item(site, "n4", "2021-01-04", "");
    let site = item(site, "n5", "2021-01-05", "");
    let built = site.build().ok();
    let home = built.html("index.html");
    let lead = home.attr("main section.lead h3 a", "href");
    assert_eq!(lead, "/news/n2/");
    let latest = home.attrs("main section.latest article .card-text a", "href");
    assert_eq!(latest, urls(&["n5", "n4", "n3"]));
    assert!(!latest.contains(&lead), "the lead story is listed again");
    assert_no_pager(&built, "index.html");

    // Without a featured page the newest leads, and is not listed again.
    let built = items(Site::new(), 3).build().ok();
    let home = built.html("index.html");
    assert_eq!(home.attr("main section.lead h3 a", "href"), "/news/n3/");
    assert_eq!(
        home.attrs("main section.latest article .card-text a", "href"),
        urls(&["n2", "n1"])
    );
}

#[test]
fn pager_of_a_long_list_links_first_last_and_nearby_pages() {
    let built = items(Site::new().config("paginate: 2"), 40).build().ok();
    for n in 2..=20 {
        assert!(
            built.exists(&format!("news/page/{n}/index.html")),
            "page {n}"
        );
    }
    assert!(!built.exists("news/page/21"));
    // Newest first from the first page to the last.
    assert_eq!(cards(&built.html("news/index.html")), urls(&["n40", "n39"]));
    assert_eq!(
        cards(&built.html("news/page/20/index.html")),
        urls(&["n2", "n1"])
    );

    let page = built.html("news/page/10/index.html");
    assert_eq!(cards(&page), urls(&["n22", "n21"]));
    let numbers = pager_numbers(&page);
    let shown: Vec<&str> = numbers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(shown, ["1", "8", "9", "11", "12", "20"]);
    assert_eq!(numbers[0].1, "/news/");
    assert_eq!(numbers[5].1, "/news/page/20/");
    assert_eq!(page.text("nav.pager [aria-current=page]"), "10");
    assert_eq!(page.attr("nav.pager a[rel=prev]", "href"), "/news/page/9/");
    assert_eq!(page.attr("nav.pager a[rel=next]", "href"), "/news/page/11/");
    // Left-out pages are marked on both sides of the window.
    assert_eq!(page.count("nav.pager .gap"), 2);

    let first = built.html("news/index.html");
    let shown: Vec<String> = pager_numbers(&first).into_iter().map(|(n, _)| n).collect();
    assert_eq!(shown, ["2", "3", "20"]);
    let last = built.html("news/page/20/index.html");
    let shown: Vec<String> = pager_numbers(&last).into_iter().map(|(n, _)| n).collect();
    assert_eq!(shown, ["1", "18", "19"]);
    assert!(!last.has("head link[rel=next]"));

    let (_, broken) = built.check_links("https://example.org");
    assert!(broken.is_empty(), "{broken:?}");
}
