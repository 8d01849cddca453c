//! What an editor reads, as reviewed snapshots (insta): the messages of
//! common mistakes with their file, line and column, the human `check`
//! report, and the `<main>` of an article. A change to any of them shows up
//! as a diff to review (`cargo insta review`, or `INSTA_UPDATE=always cargo
//! test` and read the `.snap` diff before committing).

use crate::support::{Site, md, small_jpeg};

const ZH: &str = "content/news/a/index.zh.md";
const EN: &str = "content/news/a/index.en.md";

/// What a failed build printed on stderr, colour-free (not a terminal).
fn build_errors(site: &Site) -> String {
    site.build().fails().stderr
}

#[test]
fn messages_of_common_mistakes() {
    let cases: Vec<(&str, Site)> = vec![
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
    ];
    let mut shown = String::new();
    for (what, site) in cases {
        shown.push_str(&format!("## {what}\n{}\n", build_errors(&site)));
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn the_human_check_report() {
    let site = Site::new()
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
        );
    let run = site.run(&["check"]);
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
