//! What `site.yaml` and front matter may say, and where a mistake is: every
//! error that has a place in a file is `path:line:col: error: message`,
//! and settings that would publish something broken (a query string in
//! every URL, a theme outside the site, a figure of 309 digits) are
//! refused with a message saying what to write instead.

use std::time::{Duration, Instant};

use crate::support::{SITE_YAML, Site, md};

const A: &str = "content/news/a/index.zh.md";

fn article() -> String {
    md("title: 标题\ndate: 2021-12-31", "正文。\n")
}

/// `check` and `build` both fail with one error at `site.yaml:line:1`.
#[track_caller]
fn config_error(yaml: &str, line: usize) -> String {
    let site = Site::new().file("site.yaml", yaml).file(A, article());
    let check = site.run(&["check"]).fails();
    let message = check.error_at("site.yaml", line, 1);
    assert_eq!(site.build().fails().error_at("site.yaml", line, 1), message);
    assert!(!site.exists("public"));
    message
}

#[test]
fn every_site_yaml_error_has_a_line_and_column() {
    let with = |extra: &str| format!("{SITE_YAML}{extra}\n");
    for (yaml, line, words) in [
        (with("paginate: 0"), 6, "paginate"),
        (with("images: { widths: [] }"), 6, "widths"),
        (with("images:\n  quality: 82\n  widths: [0]"), 8, "widths"),
        (with("images:\n  quality: 0"), 7, "quality"),
        (with("images:\n  webp_quality: 0"), 7, "webp_quality"),
        (with("images:\n  quality: 82\n  avif_quality: 101"), 8, "avif_quality"),
        (with("images: { formats: [webp] }"), 6, "must end with `jpeg`"),
        (
            with("images:\n  formats: [webp, webp, jpeg]"),
            7,
            "lists `webp` twice",
        ),
        (
            SITE_YAML.replace("https://example.org", "ftp://example.org"),
            1,
            "base_url",
        ),
        (with("theme: plain"), 6, "theme"),
        (
            SITE_YAML.replace("default_language: zh", "default_language: fr"),
            2,
            "default_language",
        ),
        (
            "base_url: https://example.org\nlanguages: {}\n".to_string(),
            2,
            "languages",
        ),
        (
            "base_url: https://example.org\nlanguages:\n  zh: { name: 中文, title: t }\n  en: { name: English, title: t }\n"
                .to_string(),
            2,
            "default_language",
        ),
        (
            SITE_YAML.replace("  en:", "  e n:"),
            5,
            "language code",
        ),
    ] {
        let m = config_error(&yaml, line);
        assert!(m.contains(words), "{yaml}: {m}");
    }
}

#[test]
fn a_theme_outside_the_site_is_refused_at_once() {
    for theme in ["/usr", "../elsewhere", "a/../../b", "C:\\themes"] {
        let started = Instant::now();
        let m = config_error(&format!("{SITE_YAML}theme: \"{theme}\"\n"), 6);
        assert!(m.contains("themes/"), "{theme}: {m}");
        assert!(started.elapsed() < Duration::from_secs(5), "{theme}");
    }
}

#[test]
fn a_base_url_with_a_query_or_fragment_is_refused() {
    for url in [
        "https://example.org/?a=1",
        "https://example.org/#top",
        "https://",
        "https://exa mple.org/",
    ] {
        let m = config_error(&SITE_YAML.replace("https://example.org", url), 1);
        assert!(m.contains("base_url"), "{url}: {m}");
    }
    let site = Site::new().file(A, article());
    let run = site.build_with(&["--base-url", "https://x.org/?a=1"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("--base-url"), "{}", run.stderr);
}

#[test]
fn a_byte_order_mark_before_site_yaml_is_read_past() {
    let site = Site::new()
        .file("site.yaml", format!("\u{feff}{SITE_YAML}"))
        .file(A, article());
    site.run(&["check"]).ok();
    site.build().ok();
}

#[test]
fn yaml_alias_bombs_and_second_documents_point_at_their_line() {
    let mut bomb = String::from(
        "title: 标题\ndate: 2021-12-31\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n",
    );
    for (k, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "  {k}: &{k} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    let site = Site::new().file(A, md(&bomb, "正文。\n"));
    let run = site.run(&["check"]).fails();
    let line = run.error_lines().join("\n");
    assert!(line.starts_with(&format!("{A}:")), "{line}");
    let (_, place) = line.split_once(':').unwrap();
    let mut parts = place.split(':');
    let (l, c) = (parts.next().unwrap(), parts.next().unwrap());
    assert!(l.parse::<usize>().unwrap() >= 2, "{line}");
    assert!(c.parse::<usize>().unwrap() >= 1, "{line}");

    let site = Site::new().file(
        A,
        md("title: 标题\ndate: 2021-12-31\n...\ntags: [a]", "正文。\n"),
    );
    let m = site.run(&["check"]).fails().error_at(A, 4, 1);
    assert!(m.contains("document"), "{m}");
    let m = config_error(&format!("{SITE_YAML}--- # another\npaginate: 3\n"), 6);
    assert!(m.contains("document"), "{m}");
}

/// A figure `value` written as `raw` in a metrics block, its item on line 6.
fn figure(raw: &str) -> Site {
    Site::new().file(
        A,
        md(
            "title: 标题\ndate: 2021-12-31",
            &format!("```metrics\n- {{ label: 会员, value: {raw}, unit: 人 }}\n```\n"),
        ),
    )
}

#[test]
fn figures_that_cannot_be_published_as_written_are_refused() {
    for raw in ["-0", "-0.0", "1e308", "1e16", "-2e20"] {
        let site = figure(raw);
        let m = site.run(&["check"]).fails().error_at(A, 6, 1);
        assert!(m.contains("value"), "{raw}: {m}");
        site.build().fails();
    }
    for raw in ["0", "36186", "434.2", "1e3", "-5"] {
        figure(raw).build().ok();
    }
}
