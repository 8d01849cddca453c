//! The output folder: builds are deterministic, all-or-nothing (a failed
//! build keeps the previous output), safe (a folder unionpress did not create is never
//! cleared) and complete (stale files of earlier builds disappear).

use std::collections::BTreeMap;
use std::fs;

use crate::support::{REPO, Site, assert_same_tree, list_dir, md, small_jpeg, tree};

/// A small site touching every kind of output: translations, bundles with
/// photos, metrics, section intros, several pages sharing a date, static files.
fn rich_site() -> Site {
    let mut site = Site::new()
        .file(
            "content/_index.zh.md",
            md("title: 首页", "欢迎访问。\n"),
        )
        .file(
            "content/news/_index.en.md",
            md("title: News", "All the news.\n"),
        )
        .file(
            "content/news/review/index.zh.md",
            md(
                "title: 年度回顾\ndate: 2021-12-31\ntags: [年度回顾, 2021]\nfeatured: true\ncover: a.jpg",
                "![启动仪式](a.jpg)\n![座谈会](b.jpg)\n*本版图片由市总工会提供*\n\n```metrics 数据\n- { label: 新增工会会员, value: 36186, unit: 人 }\n- { label: 发放资金, value: 434.2, unit: 万元 }\n```\n\n## 劳动竞赛\n\n正文。\n",
            ),
        )
        .file(
            "content/news/review/index.en.md",
            md(
                "title: Year in review",
                "![Launch](a.jpg)\n\n```metrics Figures\n- { label: New members, value: 36186, unit: people }\n- { label: Funds, value: 4.342, unit: million yuan }\n```\n",
            ),
        )
        .file("content/news/review/a.jpg", small_jpeg())
        .file("content/news/review/b.jpg", small_jpeg())
        .file("static/favicon.ico", b"icon")
        .file("static/files/report.pdf", b"%PDF-1.4");
    // Many pages with the same date: their order must not depend on timing.
    for i in 0..24 {
        site = site.file(
            &format!("content/news/item-{i:02}.zh.md"),
            md(
                &format!("title: 第{i}条消息\ndate: 2021-06-01"),
                &format!("第{i}条消息正文。\n"),
            ),
        );
        if i % 3 == 0 {
            site = site.file(
                &format!("content/news/item-{i:02}.en.md"),
                md(&format!("title: Item {i}"), "Text.\n"),
            );
        }
    }
    site
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = rich_site();
    let outs = tempfile::tempdir().unwrap();
    let one = outs.path().join("one");
    let two = outs.path().join("two");
    let first = site.build_with(&["--out", one.to_str().unwrap()]).ok();
    let second = site.build_with(&["--out", two.to_str().unwrap()]).ok();
    let (a, b) = (first.tree(), second.tree());
    assert!(a.len() > 30, "the fixture should produce many files: {a:?}");
    assert_same_tree(&a, &b);
    // --out was honoured: nothing went to the default public/.
    assert!(!site.exists("public"));
}

#[test]
fn site_static_files_are_copied_to_the_output_root() {
    let built = rich_site().build().ok();
    assert_eq!(built.bytes("favicon.ico"), b"icon");
    assert_eq!(built.bytes("files/report.pdf"), b"%PDF-1.4");
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = rich_site();
    let good = site.build().ok();
    let before = good.tree();
    let entries = site.root_entries();
    assert!(entries.contains(&"public".to_string()));

    site.write(
        "content/news/review/index.zh.md",
        md("title: 年度回顾\ndate: [2021", "正文。\n"),
    );
    fails_leaving(
        &site,
        &["content/news/review/index.zh.md:"],
        &before,
        &entries,
    );
}

/// Builds `site`, which must fail naming each of `says`, leave `public/`
/// as `before` and nothing beside it but `entries` (no temporary or
/// backup folder).
#[track_caller]
fn fails_leaving(
    site: &Site,
    says: &[&str],
    before: &BTreeMap<String, Vec<u8>>,
    entries: &[String],
) {
    let run = site.build().fails();
    for said in says {
        assert!(run.stderr.contains(said), "{said}: {}", run.stderr);
    }
    assert_same_tree(before, &tree(&site.path("public")));
    assert_eq!(
        site.root_entries(),
        entries,
        "nothing is left beside public/"
    );
}

/// The theme's page template, made to fail at render for one article only
/// (`第7条消息`): the build writes the other pages before it fails.
fn fail_one_page(site: &Site) {
    crate::serve::copy_theme_in(site);
    let page = "themes/default/templates/page.html";
    let failing = site.read(page).replacen(
        "{% block main %}",
        "{% block main %}{% if page.title == \"第7条消息\" %}{{ no_such_function() }}{% endif %}",
        1,
    );
    site.write(page, failing);
}

#[test]
fn a_render_that_fails_half_way_takes_back_what_it_wrote() {
    let site = rich_site();
    let good = site.build().ok();
    let before = good.tree();
    let entries = site.root_entries();

    // A new article (a file new to the folder), a changed one (new bytes
    // for a file that is there) and a deleted one (a stale file), then a
    // template that fails for one page.
    site.write(
        "content/news/fresh.zh.md",
        md("title: 新文章\ndate: 2021-07-01", "新的正文。\n"),
    );
    site.write(
        "content/news/item-05.zh.md",
        md("title: 第5条消息\ndate: 2021-06-01", "改过的正文。\n"),
    );
    site.remove("content/news/item-08.zh.md");
    fail_one_page(&site);
    let says = ["no_such_function", "themes/default/templates/page.html"];
    let entries = [entries, vec!["themes".to_string()]].concat();
    fails_leaving(&site, &says, &before, &entries);

    // Mended, the same edits build: new, changed and stale files as they should be.
    site.remove("themes");
    let after = site.build().ok();
    assert!(
        after
            .html("news/fresh/index.html")
            .text("main")
            .contains("新的正文")
    );
    assert!(
        after
            .html("news/item-05/index.html")
            .text("main")
            .contains("改过的正文")
    );
    assert!(!after.exists("news/item-08"));
    let leftovers: Vec<String> = (after.tree().into_keys())
        .filter(|p| p.ends_with(".unionpress-new"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_first_build_that_fails_at_render_leaves_no_output_folder() {
    let site = rich_site();
    fail_one_page(&site);
    let before = site.root_entries();
    let run = site.build().fails();
    assert!(run.stderr.contains("no_such_function"), "{}", run.stderr);
    assert!(!site.exists("public"), "{:?}", site.root_entries());
    let beside = [vec![".unionpress-cache".to_string()], before].concat();
    assert_eq!(site.root_entries(), beside, "only the photo cache is new");
}

#[test]
fn a_build_killed_half_way_is_repaired_by_the_next() {
    // What a killed build leaves: new files in place and the new bytes of
    // changed files beside them.
    let site = rich_site();
    let good = site.build().ok();
    let expected = good.tree();
    let public = site.path("public");
    fs::write(public.join("index.html.unionpress-new"), "half").unwrap();
    fs::create_dir_all(public.join("news/gone")).unwrap();
    fs::write(public.join("news/gone/index.html"), "old").unwrap();
    let again = site.build().ok();
    assert_same_tree(&expected, &again.tree());
}

#[test]
fn refuses_to_clear_a_folder_it_did_not_create() {
    let site = rich_site();
    let parent = tempfile::tempdir().unwrap();
    let home = parent.path().join("home");
    fs::create_dir(&home).unwrap();
    fs::write(home.join("thesis.doc"), "years of work").unwrap();

    let run = site.build_with(&["--out", home.to_str().unwrap()]).fails();
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&home.display().to_string()),
        "the message names the folder: {}",
        run.stderr
    );
    assert_eq!(
        fs::read_to_string(home.join("thesis.doc")).unwrap(),
        "years of work"
    );
    assert_eq!(list_dir(&home), ["thesis.doc"], "nothing else is written");
    assert_eq!(
        list_dir(parent.path()),
        ["home"],
        "nothing is written beside it"
    );
    assert!(!site.exists("public"));
}

#[test]
fn an_empty_folder_may_be_used_as_output() {
    let site = rich_site();
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("www");
    fs::create_dir(&out).unwrap();
    let built = site.build_with(&["--out", out.to_str().unwrap()]).ok();
    assert!(built.exists("index.html"));
    assert_eq!(list_dir(parent.path()), ["www"]);
}

#[test]
fn rebuilding_over_its_own_output_removes_stale_files() {
    let site = rich_site();
    let first = site.build().ok();
    assert!(first.exists("news/review/index.html"));
    assert!(
        first
            .html("news/review/index.html")
            .attrs("main img", "src")
            .iter()
            .all(|s| first.exists(s.trim_start_matches('/'))),
        "the photos' variants are written"
    );
    assert!(first.exists("en/news/review/index.html"));

    site.remove("content/news/review");
    site.remove("static/favicon.ico");
    let second = site.build().ok();
    assert!(
        !second.exists("news/review"),
        "the deleted article's folder is gone"
    );
    assert!(!second.exists("en/news/review"));
    assert!(!second.exists("favicon.ico"));
    assert!(second.exists("news/item-00/index.html"));
    let links = second.html("index.html").attrs("a[href]", "href");
    assert!(!links.iter().any(|l| l.contains("review")), "{links:?}");
    assert_eq!(
        site.root_entries(),
        [
            ".unionpress-cache",
            "content",
            "public",
            "site.yaml",
            "static"
        ],
        "nothing else is left beside public/ (the photo cache stays)"
    );
}

#[test]
fn site_without_themes_folder_builds_with_the_embedded_default_theme() {
    let site = Site::new().file(
        "content/news/a.zh.md",
        md("title: 标题\ndate: 2021-12-31", "正文。\n"),
    );
    assert!(!site.exists("themes"));
    let built = site.build().ok();
    let page = built.html("news/a/index.html");
    assert_eq!(page.text("main h1"), "标题");
    assert_eq!(page.attr("head link[rel=stylesheet]", "href"), "/style.css");
    assert_eq!(
        built.bytes("style.css"),
        fs::read(format!("{REPO}/themes/default/static/style.css")).unwrap(),
        "the embedded theme is the repository's default theme"
    );
    // UI strings come from the embedded i18n files.
    assert_eq!(page.text("a.skip-link"), "跳到正文");
    assert_eq!(
        built.html("en/index.html").text("a.skip-link"),
        "Skip to content"
    );
}

#[test]
fn a_rebuild_rewrites_only_the_files_whose_bytes_changed() {
    use std::time::{Duration, SystemTime};
    let site = rich_site();
    site.build().ok();
    // Every file as if written an hour ago, so a rewrite shows.
    let old = SystemTime::now() - Duration::from_secs(3600);
    let files = tree(&site.path("public"));
    for rel in files.keys() {
        let file = fs::File::options()
            .write(true)
            .open(site.path("public").join(rel))
            .unwrap();
        file.set_modified(old).unwrap();
    }
    let untouched = |rel: &str| {
        fs::metadata(site.path("public").join(rel))
            .unwrap()
            .modified()
            .unwrap()
            == old
    };

    site.build().ok();
    let rewritten: Vec<&String> = files.keys().filter(|rel| !untouched(rel)).collect();
    assert!(rewritten.is_empty(), "nothing changed: {rewritten:?}");

    site.write(
        "content/news/item-05.zh.md",
        md("title: 第5条消息\ndate: 2021-06-01", "改过的正文。\n"),
    );
    let after = site.build().ok();
    assert!(
        after
            .html("news/item-05/index.html")
            .text("main")
            .contains("改过的正文")
    );
    assert!(!untouched("news/item-05/index.html"));
    assert!(untouched("news/item-04/index.html"), "another article");
    assert!(untouched("en/news/review/index.html"), "the other language");
    assert!(untouched("favicon.ico"));
}
