//! Chinese text: soft line breaks vanish between CJK characters (pandoc's
//! east_asian_line_breaks) and stay spaces between Latin words; heading ids
//! keep their Chinese characters.

use crate::support::{Site, md};

fn page_of(body: &str) -> crate::support::Page {
    Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 中文排版\ndate: 2021-12-31", body),
        )
        .build()
        .ok()
        .html("news/a/index.html")
}

#[test]
fn chinese_lines_join_without_a_space() {
    let page = page_of("中文第一行\n第二行\n");
    assert_eq!(page.text("main .body > p"), "中文第一行第二行");
}

#[test]
fn english_lines_join_with_one_space() {
    let page = page_of("first line\nsecond line\n");
    assert_eq!(page.text("main .body > p"), "first line second line");
}

#[test]
fn line_breaks_around_emphasis_and_punctuation() {
    let page = page_of("工会**会员**\n人数稳步增长，\n“六个一”活动\n\n新增会员36186人\nin total\n");
    assert_eq!(
        page.texts("main .body > p"),
        [
            "工会会员人数稳步增长，“六个一”活动",
            "新增会员36186人 in total"
        ]
    );
}

#[test]
fn chinese_heading_keeps_its_characters_in_the_id_and_duplicates_get_a_number() {
    let page = page_of("## 工会工作\n\n正文。\n\n## 工会工作\n\n## Hello World\n");
    assert_eq!(
        page.attrs("main .body h2", "id"),
        ["工会工作", "工会工作-1", "hello-world"]
    );
    assert_eq!(page.text(r#"h2[id="工会工作-1"]"#), "工会工作");
}
