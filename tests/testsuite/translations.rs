//! Translations: URLs per language, `<html lang>`, hreflang alternates, the
//! language switcher, inherited front matter and dates per language.

use crate::support::{Page, Site, attr, md};

fn site() -> Site {
    Site::new()
        .file(
            "content/news/x/index.zh.md",
            md(
                "title: 市总工会召开年终总结会\ndate: 2021-12-31\nlocation: 蚌埠",
                "市总工会召开年终总结会。\n",
            ),
        )
        // The translation sets only its title: the date comes from the original.
        .file(
            "content/news/x/index.en.md",
            md(
                "title: City Federation Reviews the Year",
                "The city federation reviewed the year.\n",
            ),
        )
        .file(
            "content/news/solo.zh.md",
            md("title: 只有中文\ndate: 2021-06-01", "只有中文版。\n"),
        )
}

/// hreflang → href of the page's `<link rel=alternate>` tags.
fn alternates(page: &Page) -> Vec<(String, String)> {
    page.select("head link[rel=alternate][hreflang]")
        .into_iter()
        .map(|l| (attr(l, "hreflang"), attr(l, "href")))
        .collect()
}

/// hreflang → href of the language switcher's links.
fn switcher(page: &Page) -> Vec<(String, String)> {
    page.select("nav.languages a[hreflang]")
        .into_iter()
        .map(|a| (attr(a, "hreflang"), attr(a, "href")))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn default_language_at_the_root_others_under_their_code() {
    let built = site().build().ok();
    let zh = built.html("news/x/index.html");
    let en = built.html("en/news/x/index.html");
    assert_eq!(zh.attr("html", "lang"), "zh-CN");
    assert_eq!(en.attr("html", "lang"), "en");
    assert_eq!(zh.text("main h1"), "市总工会召开年终总结会");
    assert_eq!(en.text("main h1"), "City Federation Reviews the Year");
    assert_eq!(
        zh.attr("head link[rel=canonical]", "href"),
        "https://example.org/news/x/"
    );
    assert_eq!(
        en.attr("head link[rel=canonical]", "href"),
        "https://example.org/en/news/x/"
    );
    // Home pages in both languages.
    assert_eq!(built.html("index.html").attr("html", "lang"), "zh-CN");
    assert_eq!(built.html("en/index.html").attr("html", "lang"), "en");
    // No English page for an article that has no English text.
    assert!(!built.exists("en/news/solo/index.html"));
}

#[test]
fn hreflang_alternates_are_absolute_with_x_default_the_chinese_url() {
    let built = site().build().ok();
    let expected = pairs(&[
        ("zh-CN", "https://example.org/news/x/"),
        ("en", "https://example.org/en/news/x/"),
        ("x-default", "https://example.org/news/x/"),
    ]);
    assert_eq!(alternates(&built.html("news/x/index.html")), expected);
    assert_eq!(alternates(&built.html("en/news/x/index.html")), expected);
}

#[test]
fn language_switcher_goes_to_the_translation() {
    let built = site().build().ok();
    assert_eq!(
        switcher(&built.html("news/x/index.html")),
        pairs(&[("en", "/en/news/x/")])
    );
    assert_eq!(
        switcher(&built.html("en/news/x/index.html")),
        pairs(&[("zh-CN", "/news/x/")])
    );
}

#[test]
fn untranslated_page_switches_to_the_other_home_and_has_no_alternate_for_it() {
    let built = site().build().ok();
    let page = built.html("news/solo/index.html");
    assert_eq!(switcher(&page), pairs(&[("en", "/en/")]));
    assert!(
        built.exists("en/index.html"),
        "the switcher's target exists"
    );
    assert!(!page.has("head link[rel=alternate][hreflang=en]"));
    assert_eq!(
        alternates(&page),
        pairs(&[
            ("zh-CN", "https://example.org/news/solo/"),
            ("x-default", "https://example.org/news/solo/"),
        ])
    );
}

#[test]
fn translation_inherits_the_date_and_dates_are_written_per_language() {
    let built = site().build().ok();
    let zh = built.html("news/x/index.html");
    let en = built.html("en/news/x/index.html");
    let zh_time = zh.select("main article time[datetime]")[0];
    let en_time = en.select("main article time[datetime]")[0];
    assert_eq!(attr(zh_time, "datetime"), "2021-12-31");
    assert_eq!(attr(en_time, "datetime"), "2021-12-31");
    assert_eq!(crate::support::text(zh_time), "2021年12月31日");
    assert_eq!(crate::support::text(en_time), "31 December 2021");
}

#[test]
fn translation_may_set_its_own_date() {
    let built = site()
        .file(
            "content/news/x/index.en.md",
            md("title: Later\ndate: 2022-01-05", "Text.\n"),
        )
        .build()
        .ok();
    let en = built.html("en/news/x/index.html");
    let time = en.select("main article time[datetime]")[0];
    assert_eq!(attr(time, "datetime"), "2022-01-05");
    assert_eq!(crate::support::text(time), "5 January 2022");
}

#[test]
fn english_only_page_switches_to_the_chinese_home() {
    let built = Site::new()
        .file(
            "content/news/only-en.en.md",
            md("title: English only\ndate: 2021-03-01", "Text.\n"),
        )
        .build()
        .ok();
    let page = built.html("en/news/only-en/index.html");
    assert_eq!(switcher(&page), pairs(&[("zh-CN", "/")]));
    assert_eq!(
        alternates(&page),
        pairs(&[
            ("en", "https://example.org/en/news/only-en/"),
            ("x-default", "https://example.org/en/news/only-en/"),
        ])
    );
    assert!(!built.exists("news/only-en/index.html"));
}

#[test]
fn chinese_folder_names_give_percent_encoded_links_that_resolve() {
    let built = Site::new()
        .file(
            "content/news/劳动竞赛/index.zh.md",
            md("title: 劳动竞赛\ndate: 2021-12-31", "正文。\n"),
        )
        .file(
            "content/news/劳动竞赛/index.en.md",
            md("title: Skills contest", "Text.\n"),
        )
        .build()
        .ok();
    let zh = built.html("news/劳动竞赛/index.html");
    assert!(built.exists("en/news/劳动竞赛/index.html"));
    assert_eq!(
        switcher(&zh),
        pairs(&[("en", "/en/news/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/")])
    );
    assert_eq!(
        zh.attr("head link[rel=canonical]", "href"),
        "https://example.org/news/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/"
    );
    let (checked, broken) = built.check_links("https://example.org");
    assert!(checked > 10, "only {checked} links checked");
    assert!(broken.is_empty(), "{broken:?}");
}
