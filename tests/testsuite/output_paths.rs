//! Every output path is checked where `check` checks (the plan), so what an
//! editor types in front matter (aliases, tags, slugs) can never make a
//! build fail half-way: `check` and `build` report the same error at the
//! same place, and the failing build writes and deletes nothing.

use crate::support::{Site, md, tree};

const BAD: &str = "content/news/b/index.zh.md";

/// A site that builds, then gets an article whose front matter has `line`
/// on line 4. Returns the error message `check` and `build` both report
/// there, asserting the previous output is left exactly as it was.
#[track_caller]
fn refused(line: &str) -> String {
    let site = Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 甲\ndate: 2021-12-30\ntags: [劳动竞赛]", "正文。\n"),
        )
        .file("static/old.txt", "stale once the site changes");
    site.build().ok();
    site.remove("static/old.txt");
    let before = tree(&site.path("public"));
    site.write(
        BAD,
        md(&format!("title: 乙\ndate: 2021-12-31\n{line}"), "正文。\n"),
    );
    let check = site.run(&["check"]).fails();
    let build = site.build().fails();
    let message = check.error_at(BAD, 4, 1);
    assert_eq!(build.error_at(BAD, 4, 1), message, "{line}");
    for run in [&check, &build] {
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    }
    assert_eq!(
        tree(&site.path("public")),
        before,
        "a failed build writes and deletes nothing ({line})"
    );
    message
}

#[test]
fn an_alias_onto_a_generated_file_is_refused() {
    let m = refused("aliases: [/metrics.json]");
    assert!(m.contains("metrics.json"), "{m}");
    let m = refused("aliases: [/atom.xml/old/]");
    assert!(m.contains("atom.xml"), "{m}");
    let m = refused("aliases: [/robots.txt]");
    assert!(m.contains("robots.txt"), "{m}");
}

#[test]
fn aliases_that_climb_out_are_refused_however_they_are_written() {
    for alias in [
        "/%2e%2e/",
        "/%2E%2E/%2e%2e/etc/",
        "a/../../b",
        "/news/./x/",
        "/a//b/",
        "/..%2f..%2fx/",
    ] {
        let m = refused(&format!("aliases: [\"{alias}\"]"));
        assert!(m.contains("alias"), "{alias}: {m}");
    }
}

#[test]
fn control_characters_in_an_output_path_are_refused() {
    let m = refused("slug: \"a\\0b\"");
    assert!(m.contains("slug"), "{m}");
    let m = refused("aliases: [\"/old\\tpage/\"]");
    assert!(m.contains("control character"), "{m}");
    refused("aliases: [\"/old%00page/\"]");
}

#[test]
fn a_percent_sign_in_a_slug_or_tag_is_refused() {
    // Browsers read `%2e%2e` in an address as `..`.
    let m = refused("slug: \"%2e%2e\"");
    assert!(m.contains("slug") && m.contains('%'), "{m}");
    refused("tags: [\"%\"]");
}

#[test]
fn an_empty_or_dotted_tag_is_refused() {
    for tags in ["[\"\"]", "[\" \"]", "[\"..\"]", "[\".\"]", "[\"/\"]"] {
        let m = refused(&format!("tags: {tags}"));
        assert!(m.contains("tag"), "{tags}: {m}");
    }
}

#[test]
fn a_name_longer_than_file_systems_allow_is_refused() {
    let long = "a".repeat(256);
    let m = refused(&format!("tags: [{long}]"));
    assert!(m.contains("255"), "{m}");
    // 86 Chinese characters are 258 bytes in UTF-8.
    refused(&format!("tags: [{}]", "劳".repeat(86)));
    refused(&format!("slug: {long}"));
    refused(&format!("aliases: [/old/{long}/]"));
    // 255 bytes is fine.
    let site = Site::new().file(
        BAD,
        md(
            &format!("title: 乙\ndate: 2021-12-31\ntags: [{}]", "a".repeat(255)),
            "正文。\n",
        ),
    );
    site.run(&["check"]).ok();
    site.build().ok();
}

#[test]
fn a_static_file_where_a_page_needs_a_folder_is_refused() {
    let site = Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 甲\ndate: 2021-12-30", "正文。\n"),
        )
        .file("static/news", "a file named like the section");
    let check = site.run(&["check"]).fails();
    let build = site.build().fails();
    for run in [&check, &build] {
        assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
        assert!(
            run.error_lines()
                .iter()
                .any(|l| l.starts_with("static/news: error:")),
            "{}",
            run.stderr
        );
    }
    assert!(!site.exists("public"));
}

#[test]
fn addresses_equal_but_for_case_are_a_warning() {
    let site = Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 甲\ndate: 2021-12-30\naliases: [/Old/]", "正文。\n"),
        )
        .file(
            "content/news/b/index.zh.md",
            md("title: 乙\ndate: 2021-12-31\naliases: [/old/]", "正文。\n"),
        );
    let run = site.run(&["check"]).ok();
    let warned = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: ") && l.contains("only in case"));
    assert_eq!(warned.count(), 1, "{}", run.stderr);
    site.build().ok();
}
