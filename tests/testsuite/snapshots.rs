//! What an editor reads, as reviewed snapshots (insta): the messages of
//! common mistakes with their file, line and column (in English and in
//! Chinese), the human `check` report (in both), and the `<main>` of an
//! article. A change to any of them shows up
//! as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always cargo
//! test` and read the `.snap` diff before committing).

use crate::support::{Site, md, small_jpeg};

const ZH: &str = "content/news/a/index.zh.md";
const EN: &str = "content/news/a/index.en.md";

/// What a failed build printed on stderr, colour-free (not a terminal).
fn build_errors(site: &Site) -> String {
    site.build().fails().stderr
}

/// Each case's site with its messages in `lang` (`en`, `zh`).
fn in_language(cases: Vec<(&'static str, Site)>, lang: &str) -> Vec<(&'static str, Site)> {
    (cases.into_iter())
        .map(|(what, site)| (what, site.env("UNIONPRESS_MESSAGES", lang)))
        .collect()
}

#[test]
fn messages_of_common_mistakes() {
    insta::assert_snapshot!(shown(in_language(common_mistakes(), "en")));
}

#[test]
fn messages_of_common_mistakes_in_chinese() {
    insta::assert_snapshot!(shown(in_language(common_mistakes(), "zh")));
}

/// Each case's failed build, under its heading.
fn shown(cases: Vec<(&str, Site)>) -> String {
    let mut shown = String::new();
    for (what, site) in cases {
        shown.push_str(&format!("## {what}\n{}\n", build_errors(&site)));
    }
    shown
}

fn common_mistakes() -> Vec<(&'static str, Site)> {
    vec![
        (
            "a typo in a front matter key",
            Site::new().file(ZH, md("titel: 标题\ndate: 2021-12-31", "正文。\n")),
        ),
        (
            "a date that does not exist",
            Site::new().file(ZH, md("title: 标题\ndate: 2021-02-30", "正文。\n")),
        ),
        (
            "a photo that is not there",
            Site::new().file(
                ZH,
                md("title: 标题\ndate: 2021-12-31", "正文。\n\n![现场](nope.jpg)\n"),
            ),
        ),
        (
            "a figure written with a comma",
            Site::new().file(
                ZH,
                md(
                    "title: 标题\ndate: 2021-12-31",
                    "```metrics\n- { label: 会员, value: \"36,186\", unit: 人 }\n```\n",
                ),
            ),
        ),
        (
            "a broken link and anchor",
            Site::new()
                .file(
                    ZH,
                    md(
                        "title: 标题\ndate: 2021-12-31",
                        "见[乙](/news/b/#第二节)和[丙](../c/)。\n",
                    ),
                )
                .file(
                    "content/news/b/index.zh.md",
                    md("title: 乙\ndate: 2021-12-30", "## 第一节\n\n正文。\n"),
                ),
        ),
        (
            "a translation whose figure differs",
            Site::new()
                .file(
                    ZH,
                    md(
                        "title: 标题\ndate: 2021-12-31",
                        "```metrics\n- { label: 发放救助资金, value: 434.2, unit: 万元 }\n```\n",
                    ),
                )
                .file(
                    EN,
                    md(
                        "title: Title",
                        "```metrics\n- { label: Assistance paid, value: 4.343, unit: million yuan }\n```\n",
                    ),
                ),
        ),
        (
            "a template with a syntax error",
            Site::new()
                .file(ZH, md("title: 标题\ndate: 2021-12-31", "正文。\n"))
                .file(
                    "themes/mine/templates/page.html",
                    "<h1>{{ page.title }</h1>\n",
                )
                .file("themes/mine/i18n/zh.yaml", "x: y\n")
                .file("themes/mine/i18n/en.yaml", "x: y\n")
                .config("theme: mine"),
        ),
    ]
}

/// The mistakes editors make most (issue 14), each with the fix named.
fn mistakes_that_name_their_fix() -> Vec<(&'static str, Site)> {
    let article = |yaml: &str, body: &str| Site::new().file(ZH, md(yaml, body));
    let figure = |item: &str| {
        article(
            "title: 标题\ndate: 2021-12-31",
            &format!("```metrics\n{item}\n```\n"),
        )
    };
    let dated = |date: &str| article(&format!("title: 标题\ndate: {date}"), "正文。\n");
    vec![
        (
            "a figure with a comma",
            figure("- { label: 会员, value: 36,186, unit: 人 }"),
        ),
        (
            "a figure with 万 in it",
            figure("- { label: 会员, value: \"3.6万\", unit: 人 }"),
        ),
        (
            "a figure in quotes",
            figure("- label: 会员\n  value: \"36186\"\n  unit: 人"),
        ),
        ("month 13", dated("2021-13-01")),
        ("day 32", dated("2021-01-32")),
        ("30 February", dated("2021-02-30")),
        ("a date with slashes", dated("2021/12/31")),
        (
            "an hour that does not exist",
            dated("2021-12-31T25:00:00+08:00"),
        ),
        (
            "a tab in the YAML",
            article("title: 标题\n\tdate: 2021-12-31", "正文。\n"),
        ),
        (
            "a colon in a title",
            article(
                "title: 宿州市总工会: 多点发力\ndate: 2021-12-31",
                "正文。\n",
            ),
        ),
        (
            "no space after a colon",
            article("title: 标题\ndate:2021-12-31", "正文。\n"),
        ),
        (
            "a quote not closed",
            article("title: \"标题\ndate: 2021-12-31", "正文。\n"),
        ),
        (
            "a bracket not closed",
            article(
                "title: 标题\ndate: 2021-12-31\ntags: [劳动竞赛, 劳模",
                "正文。\n",
            ),
        ),
        (
            "a bracket too many",
            article(
                "title: 标题\ndate: 2021-12-31\ntags: [劳动竞赛]]",
                "正文。\n",
            ),
        ),
        (
            "text after a quoted title",
            article("title: \"标题\" 续\ndate: 2021-12-31", "正文。\n"),
        ),
        (
            "a key twice",
            article("title: 标题\ndate: 2021-12-31\ntitle: 又一个", "正文。\n"),
        ),
        (
            "a list written as a number",
            article("title: 标题\ndate: 2021-12-31\ntags: 3", "正文。\n"),
        ),
        (
            "yes for true",
            article("title: 标题\ndate: 2021-12-31\nfeatured: yes", "正文。\n"),
        ),
        ("a missing title", article("date: 2021-12-31", "正文。\n")),
        (
            "a photo named with other case",
            article("title: 标题\ndate: 2021-12-31", "![现场](Photo.JPG)\n")
                .file("content/news/a/photo.jpg", small_jpeg()),
        ),
        (
            "a link with a typo",
            article(
                "title: 标题\ndate: 2021-12-31",
                "见[首篇](../first-articel/)。\n",
            )
            .file(
                "content/news/first-article/index.zh.md",
                md("title: 首篇\ndate: 2021-12-30", "正文。\n"),
            ),
        ),
        (
            "a bad site.yaml",
            Site::new()
                .config("paginate: 0")
                .file(ZH, md("title: 标题\ndate: 2021-12-31", "正文。\n")),
        ),
    ]
}

#[test]
fn mistakes_that_name_their_fix_in_english() {
    insta::assert_snapshot!(shown(in_language(mistakes_that_name_their_fix(), "en")));
}

#[test]
fn mistakes_that_name_their_fix_in_chinese() {
    insta::assert_snapshot!(shown(in_language(mistakes_that_name_their_fix(), "zh")));
}

/// A site with a broken link, a photo missing from the translation and an
/// article only in Chinese.
fn broken_site() -> Site {
    Site::new()
        .file(
            ZH,
            md(
                "title: 标题\ndate: 2021-12-31",
                "![现场](a.jpg)\n\n见[丙](../c/)。\n",
            ),
        )
        .file("content/news/a/a.jpg", small_jpeg())
        .file(EN, md("title: Title", "Text.\n"))
        .file(
            "content/news/b.zh.md",
            md("title: 乙\ndate: 2021-12-30", "正文。\n"),
        )
}

/// A site for the check report: `broken_site`, a draft, and folders that
/// differ only in case.
fn report_site() -> Site {
    broken_site()
        .file(
            "content/news/draft.zh.md",
            md("title: 草稿\ndate: 2021-12-29\ndraft: true", "正文。\n"),
        )
        .file(
            "content/news/My-Story/index.zh.md",
            md("title: 甲\ndate: 2021-12-28", "正文。\n"),
        )
        .file(
            "content/news/my-story/index.zh.md",
            md("title: 乙\ndate: 2021-12-27", "正文。\n"),
        )
}

#[test]
fn the_human_check_report_with_every_part() {
    for lang in ["en", "zh"] {
        let run = report_site()
            .env("UNIONPRESS_MESSAGES", lang)
            .run(&["check"]);
        assert_eq!(run.code, Some(1));
        insta::assert_snapshot!(format!("check_report_{lang}"), run.stderr);
    }
}

#[test]
fn the_human_check_report() {
    let run = broken_site().run(&["check"]);
    assert_eq!(run.code, Some(1));
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn the_main_of_an_article() {
    let built = Site::new()
        .file(
            ZH,
            md(
                "title: 宿州市总工会：多点发力\ndate: 2021-12-31\nauthor: 徐希涛\nlocation: 宿州\ntags: [劳动竞赛]\nsummary: 一年来，市总工会紧紧围绕中心工作。",
                "## 以思想政治引领凝聚职工力量\n\n市总工会深入开展劳动和技能竞赛，\n全年新增会员。\n\n\
                 ```metrics 2021年主要数据\n- { label: 新增工会会员, value: 36186, unit: 人 }\n\
                 - { label: 发放救助资金, value: 434.2, unit: 万元, note: 各类救助930人 }\n```\n\n\
                 ![举行劳动和技能竞赛启动仪式](a.jpg)\n*本版图片由宿州市总工会提供*\n",
            ),
        )
        .file("content/news/a/a.jpg", small_jpeg())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    insta::assert_snapshot!(page.one("main").html());
}
