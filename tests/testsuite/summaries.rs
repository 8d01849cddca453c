//! Summaries and reading time: the meta description comes from `summary`,
//! else from the first paragraph cut at a sentence end; reading time counts
//! Chinese characters and English words separately.

use crate::support::{Site, md};

fn build(path: &str, front_matter: &str, body: &str) -> crate::support::Run {
    Site::new().file(path, md(front_matter, body)).build().ok()
}

fn description(page: &crate::support::Page) -> String {
    page.attr("head meta[name=description]", "content")
}

#[test]
fn summary_from_front_matter_is_the_description() {
    let built = build(
        "content/news/a.zh.md",
        "title: 标题\ndate: 2021-12-31\nsummary: 一句话摘要。",
        "正文第一句。正文第二句。\n",
    );
    let page = built.html("news/a/index.html");
    assert_eq!(description(&page), "一句话摘要。");
}

#[test]
fn chinese_page_without_summary_is_described_by_its_first_sentence() {
    let body = format!(
        "![图](a.jpg)\n\n第一句话说完了。{}。\n\n第二段。\n",
        "长".repeat(130)
    );
    let built = Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 标题\ndate: 2021-12-31", &body),
        )
        .file("content/news/a/a.jpg", crate::support::small_jpeg())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    // The figure caption is not the summary: the first text paragraph is.
    assert_eq!(description(&page), "第一句话说完了。");
    // Lists show the same summary.
    let home = built.html("index.html");
    assert!(
        home.texts("main .summary")
            .iter()
            .any(|s| s == "第一句话说完了。"),
        "{:?}",
        home.texts("main .summary")
    );
}

/// Regression: English words were counted letter by letter, so a summary
/// was cut after about 50 letters, mid-word ("…launched its 2021 su…").
#[test]
fn english_page_without_summary_is_described_by_its_first_sentence() {
    // 21 words (over 100 letters), then a sentence that passes 50 words.
    let first = "The Huainan Federation of Trade Unions launched its 2021 summer \
                 campaign to bring cool drinks and rest stops to outdoor workers.";
    let body = format!(
        "{first} Volunteers visited sites {}and depots.\n",
        "across the whole city ".repeat(8)
    );
    let built = build(
        "content/news/a.en.md",
        "title: Summer relief\ndate: 2021-12-31",
        &body,
    );
    let page = built.html("en/news/a/index.html");
    assert_eq!(description(&page), first);
}

#[test]
fn reading_time_counts_chinese_characters_and_english_words() {
    // 1,200 characters at about 400 a minute.
    let built = build(
        "content/news/a.zh.md",
        "title: 长文\ndate: 2021-12-31",
        &format!("{}\n", "工".repeat(1200)),
    );
    let page = built.html("news/a/index.html");
    assert_eq!(page.text("main .reading-time"), "约3分钟读完");

    // 440 words at about 220 a minute.
    let built = build(
        "content/news/a.en.md",
        "title: Long\ndate: 2021-12-31",
        &format!("{}\n", "word ".repeat(440)),
    );
    let page = built.html("en/news/a/index.html");
    assert_eq!(page.text("main .reading-time"), "2 min read");
}

/// Regression: an article without `summary` showed its first paragraph
/// twice, as the standfirst and again as the text's first paragraph.
#[test]
fn an_article_without_summary_shows_its_first_paragraph_once() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md(
                "title: 标题\ndate: 2021-12-31",
                "第一段，只出现一次。\n\n第二段。\n",
            ),
        )
        .file(
            "content/news/b.zh.md",
            md(
                "title: 乙\ndate: 2021-12-30\nsummary: 编者写的导语。",
                "正文第一段。\n",
            ),
        )
        .build()
        .ok();
    let a = built.html("news/a/index.html");
    assert_eq!(
        a.text("main article")
            .matches("第一段，只出现一次。")
            .count(),
        1
    );
    assert!(a.select(".standfirst").is_empty());
    assert_eq!(
        a.attr("meta[name=description]", "content"),
        "第一段，只出现一次。",
        "the summary still describes the page"
    );
    let b = built.html("news/b/index.html");
    assert_eq!(b.text(".standfirst"), "编者写的导语。");
}

/// A section without an `_index` file is named by the theme (新闻, not
/// `news`) in the navigation, the kicker and its list.
#[test]
fn a_section_without_an_index_file_gets_the_theme_s_name() {
    let built = Site::new()
        .file(
            "content/news/a.zh.md",
            md("title: 标题\ndate: 2021-12-31", "正文。\n"),
        )
        .file("content/news/a.en.md", md("title: Title", "Text.\n"))
        .build()
        .ok();
    let zh = built.html("news/a/index.html");
    assert_eq!(zh.text(".kicker"), "新闻");
    assert!(zh.texts("nav.sections a").contains(&"新闻".to_string()));
    assert_eq!(built.html("news/index.html").text("main h1"), "新闻");
    assert_eq!(built.html("en/news/a/index.html").text(".kicker"), "News");
}
