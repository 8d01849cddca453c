//! Drafts and pages dated in the future are left out of a build unless
//! `build --drafts` asks for them, and never silently: the build summary and
//! `check` say what was left out and why.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::support::{Site, md};

fn site() -> Site {
    Site::new()
        .file(
            "content/news/published.zh.md",
            md("title: 已发布\ndate: 2021-12-31", "正文。\n"),
        )
        .file(
            "content/news/draft/index.zh.md",
            md("title: 草稿\ndate: 2021-12-30\ndraft: true", "草稿正文。\n"),
        )
        // The translation inherits `draft` from the original.
        .file(
            "content/news/draft/index.en.md",
            md("title: Draft", "Draft text.\n"),
        )
        .file(
            "content/news/future.zh.md",
            md("title: 未来\ndate: 2999-01-01", "未来正文。\n"),
        )
}

fn home_links(built: &crate::support::Run, home: &str) -> Vec<String> {
    built.html(home).attrs("main a[href]", "href")
}

#[test]
fn drafts_and_future_pages_are_not_built() {
    let built = site().build().ok();
    assert!(built.exists("news/published/index.html"));
    assert!(!built.exists("news/draft"));
    assert!(!built.exists("en/news/draft"));
    assert!(!built.exists("news/future"));
    let links = home_links(&built, "index.html");
    assert!(links.contains(&"/news/published/".to_string()), "{links:?}");
    assert!(
        !links
            .iter()
            .any(|l| l.contains("draft") || l.contains("future"))
    );
    let json = built.read("metrics.json");
    assert!(!json.contains("草稿"));
}

/// Regression: `new` writes `draft: true`, and `build` then said "built 4
/// pages" and `check` "0 errors in 4 pages": the editor's new article was
/// simply not there, with no word why.
#[test]
fn the_summary_and_check_say_what_was_left_out_and_why() {
    let site = site();
    let built = site.build().ok();
    assert!(
        built
            .stderr
            .contains("2 drafts and 1 page dated in the future left out; --drafts shows them"),
        "{}",
        built.stderr
    );
    let check = site.run(&["check"]).ok();
    assert!(
        check.stderr.contains(
            "2 drafts and 1 page dated in the future left out (a build publishes them with --drafts):"
        ),
        "{}",
        check.stderr
    );
    for (file, why) in [
        ("content/news/draft/index.en.md", "draft"),
        ("content/news/draft/index.zh.md", "draft"),
        ("content/news/future.zh.md", "dated in the future"),
    ] {
        assert!(
            check
                .stderr
                .lines()
                .any(|l| l.trim_start().starts_with(file) && l.trim_end().ends_with(why)),
            "{file} {why}: {}",
            check.stderr
        );
    }
    let published = Site::new().file(
        "content/news/published.zh.md",
        md("title: 已发布\ndate: 2021-12-31", "正文。\n"),
    );
    assert!(!published.build().ok().stderr.contains("left out"));
}

/// Regression: with `--drafts`, drafts and pages dated ahead went into the
/// sitemap and the feeds, as if published.
#[test]
fn drafts_built_with_the_flag_stay_out_of_the_sitemap_and_feeds() {
    let built = site().build_with(&["--drafts"]).ok();
    let sitemap = built.read("sitemap.xml");
    assert!(sitemap.contains("/news/published/"), "{sitemap}");
    for url in ["/news/draft/", "/en/news/draft/", "/news/future/"] {
        assert!(!sitemap.contains(url), "{url} in the sitemap");
    }
    assert!(!built.read("atom.xml").contains("/news/draft/"));
    assert!(!built.read("atom.xml").contains("/news/future/"));
    assert!(!built.read("en/atom.xml").contains("/en/news/draft/"));
    let page = built.html("news/draft/index.html");
    assert_eq!(page.attr("meta[name=robots]", "content"), "noindex");
    assert!(page.text(".preview-banner").contains("草稿"));
    assert!(
        built
            .html("news/published/index.html")
            .select(".preview-banner")
            .is_empty()
    );
}

#[test]
fn drafts_flag_builds_drafts_and_future_pages() {
    let built = site().build_with(&["--drafts"]).ok();
    assert!(built.exists("news/published/index.html"));
    assert_eq!(built.html("news/draft/index.html").text("main h1"), "草稿");
    assert_eq!(
        built.html("en/news/draft/index.html").text("main h1"),
        "Draft"
    );
    assert_eq!(built.html("news/future/index.html").text("main h1"), "未来");
}

/// The civil date (y, m, d) of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Regression: a page dated today (a plain date, as `init` and `new` write
/// it) was compared with midnight UTC of that date, so wherever the local
/// date is ahead of UTC's (in China, UTC+8, from midnight to 8 a.m.) the
/// page counted as "in the future" and was silently left out. Dates are now
/// days in the site's `timezone`, whatever the machine's: the binary runs in
/// a UTC+23:59 zone (a valid POSIX TZ, where the machine's date is a day
/// ahead of UTC's at almost any time) for a site on UTC, so the check does
/// not depend on the time of day the suite runs.
#[test]
fn a_plain_date_is_a_day_in_the_site_time_zone_not_the_machine_s() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let day = |offset: i64| {
        let (y, m, d) = civil_from_days((now + offset).div_euclid(86_400));
        format!("{y:04}-{m:02}-{d:02}")
    };
    let (utc_today, machine_today) = (day(0), day(23 * 3600 + 59 * 60));
    let site = Site::new()
        .env("TZ", "<+2359>-23:59")
        .file(
            "content/news/today.zh.md",
            md(&format!("title: 今天\ndate: {utc_today}"), "今天的新闻。\n"),
        )
        .file(
            "content/news/tomorrow.zh.md",
            md(
                &format!("title: 明天\ndate: {machine_today}"),
                "明天的新闻。\n",
            ),
        );
    let built = site.build().ok();
    assert!(
        built.exists("news/today/index.html"),
        "a page dated today ({utc_today} in the site's time zone) must be published"
    );
    if machine_today != utc_today {
        assert!(
            !built.exists("news/tomorrow/index.html"),
            "{machine_today} is tomorrow for the site, whatever the machine says"
        );
    }
    // `new` writes the site's date too.
    site.run(&["new", "news/fresh"]).ok();
    assert!(
        site.read("content/news/fresh/index.zh.md")
            .contains(&format!("date: {utc_today}")),
        "{}",
        site.read("content/news/fresh/index.zh.md")
    );
}

/// Regression: a plain date was published as midnight UTC in Atom and
/// JSON-LD (8 a.m. in Beijing). With `timezone: Asia/Shanghai` it is the
/// start of that day in Beijing, whatever the machine's zone.
#[test]
fn plain_dates_are_published_as_the_start_of_the_day_in_the_site_time_zone() {
    let site = Site::new()
        .config("timezone: Asia/Shanghai")
        .env("TZ", "America/New_York")
        .file(
            "content/news/a.zh.md",
            md("title: 回顾\ndate: 2021-12-31", "正文。\n"),
        );
    let built = site.build().ok();
    let feed = built.read("atom.xml");
    assert!(
        feed.contains("<published>2021-12-31T00:00:00+08:00</published>"),
        "{feed}"
    );
    let page = built.html("news/a/index.html");
    let ld = page.attr("meta[property='article:published_time']", "content");
    assert_eq!(ld, "2021-12-31T00:00:00+08:00");
}
