//! Bad input: every problem is reported as `path:line:col: error: message`
//! with the path relative to the site root and the line counted in the
//! Markdown file (line 1 is the opening `---`); the exit status is 1, all
//! problems of a run are printed, and nothing is written.

use crate::support::{Run, Site, md};

const A: &str = "content/news/a/index.zh.md";

/// Builds `site`, which must fail with status 1 and write nothing.
#[track_caller]
fn fails(site: &Site) -> Run {
    let before = site.root_entries();
    let run = site.build().fails();
    assert!(
        !site.exists("public"),
        "a failed build must not create public/\nstderr:\n{}",
        run.stderr
    );
    assert_eq!(
        site.root_entries(),
        before,
        "a failed build must leave nothing beside the site"
    );
    let count = run.error_lines().len();
    let summary = if count == 1 {
        "1 error".to_string()
    } else {
        format!("{count} errors")
    };
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&summary)),
        "expected a count line `{summary}`\nstderr:\n{}",
        run.stderr
    );
    run
}

fn one_file(path: &str, contents: impl AsRef<[u8]>) -> Site {
    Site::new().file(path, contents)
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let run = fails(&one_file(
        A,
        md("date: 2021-12-31\ntitel: 标题", "正文。\n"),
    ));
    let message = run.error_at(A, 3, 1);
    assert!(message.contains("`titel`"), "{message}");
    assert!(message.contains("did you mean `title`"), "{message}");
}

#[test]
fn wrong_type_for_tags_names_the_key_and_line() {
    let run = fails(&one_file(
        A,
        md("title: 标题\ndate: 2021-12-31\ntags: 3", "正文。\n"),
    ));
    // Line 4, at the value.
    let message = run.error_at(A, 4, 7);
    assert!(message.contains("tags"), "{message}");
    assert!(message.contains("invalid type"), "{message}");
}

#[test]
fn wrong_type_for_featured_names_the_key_and_line() {
    let run = fails(&one_file(
        A,
        md(
            "title: 标题\ndate: 2021-12-31\nlocation: 蚌埠\nfeatured: yes please",
            "正文。\n",
        ),
    ));
    let message = run.error_on_line(A, 5);
    assert!(message.contains("featured"), "{message}");
    assert!(message.contains("boolean"), "{message}");
}

#[test]
fn impossible_date_points_at_the_date_line() {
    let run = fails(&one_file(
        A,
        md("title: 标题\nlocation: 蚌埠\ndate: 2021-02-30", "正文。\n"),
    ));
    let message = run.error_on_line(A, 4);
    assert!(message.contains("2021-02-30"), "{message}");
}

#[test]
fn broken_yaml_points_into_the_front_matter() {
    let run = fails(&one_file(
        A,
        md(
            "title: 标题\ntags: [劳动竞赛, 劳模\ndate: 2021-12-31",
            "正文。\n",
        ),
    ));
    // The bracket opens on line 3; YAML notices it is unclosed on line 3 or 4.
    let lines: Vec<usize> = run
        .error_lines()
        .iter()
        .filter_map(|l| l.strip_prefix(&format!("{A}:")))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!((3..=4).contains(&lines[0]), "{}", run.stderr);
}

#[test]
fn file_that_is_not_utf8_names_the_line_of_the_bad_byte() {
    // 工会 in GBK, on line 6 after three ASCII letters.
    let mut bytes = md("title: 标题\ndate: 2021-12-31", "\nabc").into_bytes();
    bytes.extend_from_slice(b"\xb9\xa4\xbb\xe1\n");
    let run = fails(&one_file(A, bytes));
    let message = run.error_at(A, 6, 4);
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn metric_value_that_is_not_a_number_points_at_its_line() {
    let body = "\n```metrics 基层组织建设\n- { label: 新增工会组织数, value: 494, unit: 个 }\n- { label: 新增工会会员, value: \"36,186\", unit: 人 }\n```\n";
    // Lines: 1-4 front matter, 5 blank, 6 fence, 7 first item, 8 the bad one.
    let run = fails(&one_file(A, md("title: 标题\ndate: 2021-12-31", body)));
    let message = run.error_on_line(A, 8);
    assert!(message.contains("value"), "{message}");
}

#[test]
fn missing_image_names_the_image_and_its_line() {
    let run = fails(&one_file(
        A,
        md(
            "title: 标题\ndate: 2021-12-31",
            "\n![不存在的照片](missing.jpg)\n",
        ),
    ));
    let message = run.error_at(A, 6, 1);
    assert!(message.contains("missing.jpg"), "{message}");
}

#[test]
fn missing_cover_image_is_an_error() {
    let run = fails(&one_file(
        A,
        md("title: 标题\ndate: 2021-12-31\ncover: nope.jpg", "正文。\n"),
    ));
    let message = run.error_at(A, 4, 1);
    assert!(message.contains("nope.jpg"), "{message}");
}

#[test]
fn duplicate_urls_name_both_files() {
    let site = Site::new()
        .file(
            "content/news/a.zh.md",
            md("title: 一\ndate: 2021-12-31", "一。\n"),
        )
        .file(A, md("title: 二\ndate: 2021-12-31", "二。\n"));
    let run = fails(&site);
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
    let message = run.error_at("content/news/a.zh.md", 1, 1);
    assert!(message.contains(A), "both files are named: {message}");
    assert!(message.contains("/news/a/"), "{message}");
}

#[test]
fn unconfigured_language_suffix_is_an_error() {
    let run = fails(&one_file(
        "content/news/x.fr.md",
        md("title: Titre\ndate: 2021-12-31", "Texte.\n"),
    ));
    // The file name is the problem: the error points at the file's start.
    let message = run.error_at("content/news/x.fr.md", 1, 1);
    assert!(message.contains("`fr`"), "{message}");
    assert!(message.contains("not configured"), "{message}");
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
}

#[test]
fn missing_date_is_an_error() {
    let run = fails(&one_file(A, md("title: 标题", "正文。\n")));
    let message = run.error_at(A, 1, 1);
    assert!(message.contains("date"), "{message}");
}

#[test]
fn unknown_key_in_site_yaml_suggests_the_nearest() {
    let site = Site::new()
        .config("pagnate: 10")
        .file(A, md("title: 标题\ndate: 2021-12-31", "正文。\n"));
    let run = fails(&site);
    // The default fixture site.yaml has five lines; the typo is on line 6.
    let message = run.error_at("site.yaml", 6, 1);
    assert!(message.contains("did you mean `paginate`"), "{message}");
}

#[test]
fn errors_of_several_files_are_all_reported() {
    let site = Site::new()
        .file(A, md("date: 2021-12-31\ntitel: 一", "一。\n"))
        .file(
            "content/news/b/index.en.md",
            md("title: Two\ndate: 2021-02-30", "Two.\n"),
        )
        .file(
            "content/news/fine.zh.md",
            md("title: 好\ndate: 2021-12-31", "好。\n"),
        );
    let run = fails(&site);
    run.error_at(A, 3, 1);
    run.error_on_line("content/news/b/index.en.md", 3);
    assert_eq!(run.error_lines().len(), 2, "{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l.starts_with("2 errors")),
        "{}",
        run.stderr
    );
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let body = "\n![a](missing-a.jpg)\n\n```metrics\n- { label: x, value: abc }\n```\n\n![b](missing-b.jpg)\n";
    let run = fails(&one_file(A, md("title: 标题\ndate: 2021-12-31", body)));
    run.error_at(A, 6, 1);
    run.error_on_line(A, 9);
    run.error_at(A, 12, 1);
    assert_eq!(run.error_lines().len(), 3, "{}", run.stderr);
}

/// Regression: `![](Photo.JPG)` when the file is `photo.jpg` said only
/// "not found"; editors' computers do not mind the case, the web does.
#[test]
fn a_photo_named_with_other_case_is_suggested() {
    let run = fails(
        &Site::new()
            .file(
                A,
                md(
                    "title: 标题\ndate: 2021-12-31",
                    "![现场](Photo.JPG)\n\n![图](phtoo.jpg)\n",
                ),
            )
            .file("content/news/a/photo.jpg", crate::support::small_jpeg()),
    );
    let message = run.error_at(A, 5, 1);
    assert!(
        message.contains("did you mean `photo.jpg`? (file names are case-sensitive on the web)"),
        "{message}"
    );
    let message = run.error_at(A, 7, 1);
    assert!(message.contains("did you mean `photo.jpg`?"), "{message}");
}

/// Regression: a link to `../first-articel/` got no suggestion.
#[test]
fn a_broken_link_suggests_the_nearest_page() {
    let run = fails(
        &Site::new()
            .file(
                "content/news/first-article.zh.md",
                md("title: 一\ndate: 2021-12-30", "正文。\n"),
            )
            .file(
                A,
                md(
                    "title: 二\ndate: 2021-12-31",
                    "见[上一篇](../first-articel/)。\n",
                ),
            ),
    );
    let message = run.error_at(A, 5, 2);
    assert!(
        message.contains("did you mean /news/first-article/?"),
        "{message}"
    );
}
