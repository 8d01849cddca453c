//! `init` and `new`: the files an editor starts from. They build at once and
//! never overwrite anything.

use crate::support::{Site, list_dir, unionpress};

#[test]
fn init_creates_a_site_that_builds() {
    let parent = tempfile::tempdir().unwrap();
    unionpress(parent.path(), &["init", "newsroom"]).ok();
    let root = parent.path().join("newsroom");
    for f in [
        "site.yaml",
        "content/news/first-article/index.zh.md",
        "content/news/first-article/index.en.md",
        "themes/default/templates/page.html",
        "themes/default/i18n/zh.yaml",
        "themes/default/i18n/en.yaml",
    ] {
        assert!(root.join(f).is_file(), "init should create {f}");
    }
    let ignored = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert_eq!(
        ignored.lines().collect::<Vec<_>>(),
        ["/public", "/.unionpress-cache"],
        "generated folders stay out of git"
    );

    let built = unionpress(&root, &["build"]).ok();
    assert!(built.exists("index.html"));
    assert!(built.exists("en/index.html"));
    // The example article is dated today and is not a draft: it is published.
    let zh = built.html("news/first-article/index.html");
    assert_eq!(zh.attr("html", "lang"), "zh-CN");
    let en = built.html("en/news/first-article/index.html");
    assert_eq!(en.attr("html", "lang"), "en");
    assert!(en.has("main div.metrics data[value=\"320\"]"));
    assert!(
        built
            .html("index.html")
            .attrs("main a[href]", "href")
            .contains(&"/news/first-article/".to_string())
    );
}

#[test]
fn init_refuses_to_run_over_an_existing_site() {
    let site = Site::new();
    let before = site.read("site.yaml");
    let run = site.run(&["init", site.root().to_str().unwrap()]).fails();
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
    assert_eq!(site.read("site.yaml"), before, "site.yaml is unchanged");
    assert_eq!(site.root_entries(), ["content", "site.yaml"]);
    assert!(list_dir(&site.path("content")).is_empty());
}

#[test]
fn new_creates_a_draft_bundle_that_parses() {
    let site = Site::new();
    site.run(&["new", "news/my-story"]).ok();
    let file = "content/news/my-story/index.zh.md";
    assert!(site.exists(file));
    assert!(site.read(file).starts_with("---\n"));

    // New pages start as drafts: left out of a normal build...
    let built = site.build().ok();
    assert!(!built.exists("news/my-story"));
    // ...and built with --drafts.
    let built = site.build_with(&["--drafts"]).ok();
    let page = built.html("news/my-story/index.html");
    assert_eq!(page.text("main h1"), "my story");
    assert!(page.has("main article time[datetime]"));
}

/// Regression: `new` writes `author: ""` and (for a translation)
/// `summary: ""` for the editor to fill in; left empty they rendered a byline
/// with no name ("／文") and an empty meta description.
#[test]
fn new_pages_left_unfilled_show_no_empty_byline_or_description() {
    let site = Site::new();
    site.run(&["new", "news/my-story"]).ok();
    site.run(&["new", "news/my-story", "--lang", "en"]).ok();
    for (file, text) in [
        (
            "content/news/my-story/index.zh.md",
            "\n工会召开会议。第二句。\n",
        ),
        (
            "content/news/my-story/index.en.md",
            "\nThe union met. It was long.\n",
        ),
    ] {
        let mut source = site.read(file);
        source.push_str(text);
        site.write(file, source);
    }
    let built = site.build_with(&["--drafts"]).ok();
    let zh = built.html("news/my-story/index.html");
    assert!(!zh.has("main .byline"), "{}", zh.one("main article").html());
    assert_eq!(
        zh.attr("head meta[name=description]", "content"),
        "工会召开会议。第二句。"
    );
    let en = built.html("en/news/my-story/index.html");
    assert_eq!(
        en.attr("head meta[name=description]", "content"),
        "The union met. It was long."
    );
}

#[test]
fn new_translation_needs_only_its_title() {
    let site = Site::new();
    site.run(&["new", "news/my-story"]).ok();
    site.run(&["new", "news/my-story", "--lang", "en"]).ok();
    let built = site.build_with(&["--drafts"]).ok();
    let zh = built.html("news/my-story/index.html");
    let en = built.html("en/news/my-story/index.html");
    assert_eq!(
        en.attr("main article time[datetime]", "datetime"),
        zh.attr("main article time[datetime]", "datetime"),
        "the translation inherits the original's date"
    );
}

#[test]
fn new_refuses_to_overwrite() {
    let file = "content/news/my-story/index.zh.md";
    let site = Site::new().file(file, "my own words");
    let run = site.run(&["new", "news/my-story"]).fails();
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(site.read(file), "my own words");
}

/// `theme eject` copies the built-in theme into an existing site and
/// changes nothing else: the site builds byte for byte the same.
#[test]
fn theme_eject_copies_the_built_in_theme_and_the_site_builds_the_same() {
    let site = Site::new().file(
        "content/news/a.zh.md",
        crate::support::md("title: 标题\ndate: 2021-12-31", "正文。\n"),
    );
    let before = site.build().ok().tree();
    let entries = site.root_entries();
    site.run(&["theme", "eject"]).ok();
    assert!(site.exists("themes/default/templates/page.html"));
    assert!(site.exists("themes/default/i18n/zh.yaml"));
    let mut now = site.root_entries();
    now.retain(|e| e != "themes");
    assert_eq!(now, entries, "only themes/ is new");
    let after = site.build().ok().tree();
    crate::support::assert_same_tree(&before, &after);
    // A second eject refuses and changes nothing.
    site.write("themes/default/static/style.css", "/* mine */");
    let again = site.run(&["theme", "eject"]).fails();
    assert!(again.stderr.contains("already here"), "{}", again.stderr);
    assert_eq!(site.read("themes/default/static/style.css"), "/* mine */");
}

/// A logo from `static/` and a tagline in `site.yaml` show in the masthead,
/// with the logo's alt text per language, under a sub-path `base_url` too.
#[test]
fn logo_and_tagline_show_in_the_masthead_under_a_sub_path() {
    let yaml = "\
base_url: https://example.org/union/
default_language: zh
logo: logo.svg
languages:
  zh: { name: 中文, locale: zh-CN, title: 工会新闻, tagline: 服务职工 凝聚力量, logo_alt: 安徽省总工会 }
  en: { name: English, locale: en, title: Union News, tagline: News from the unions }
";
    let site = Site::empty()
        .file("site.yaml", yaml)
        .file(
            "static/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        )
        .file(
            "content/news/a.zh.md",
            crate::support::md("title: 标题\ndate: 2021-12-31", "正文。\n"),
        );
    let built = site.build().ok();
    let zh = built.html("news/a/index.html");
    assert_eq!(zh.attr("header .brand img", "src"), "/union/logo.svg");
    assert_eq!(zh.attr("header .brand img", "alt"), "安徽省总工会");
    assert_eq!(zh.text("header .tagline"), "服务职工 凝聚力量");
    let en = built.html("en/index.html");
    assert_eq!(en.attr("header .brand img", "alt"), "Union News");
    assert_eq!(en.text("header .tagline"), "News from the unions");
    assert!(built.exists("logo.svg"));
    // A logo the site does not have is an error on its line.
    site.remove("static/logo.svg");
    let run = site.build().fails();
    assert!(
        run.error_at("site.yaml", 3, 1)
            .contains("put it in static/logo.svg"),
        "{}",
        run.stderr
    );
}

/// `init --github-pages` adds a workflow that builds the site and publishes
/// it to GitHub Pages under the repository's sub-path.
#[test]
fn init_can_add_a_github_pages_workflow() {
    let parent = tempfile::tempdir().unwrap();
    unionpress(parent.path(), &["init", "site", "--github-pages"]).ok();
    let text =
        std::fs::read_to_string(parent.path().join("site/.github/workflows/publish.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    let steps = &workflow["jobs"]["build"]["steps"];
    let runs: Vec<&str> = steps
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with("unionpress build --base-url")),
        "{runs:?}"
    );
    assert_eq!(
        workflow["jobs"]["deploy"]["steps"][0]["uses"].as_str(),
        Some("actions/deploy-pages@v4")
    );
    unionpress(parent.path(), &["init", "plain"]).ok();
    assert!(!parent.path().join("plain/.github").exists());
}
