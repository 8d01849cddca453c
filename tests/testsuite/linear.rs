//! Every stage is linear in the size of an article: one article with
//! thousands of footnotes, links (a big table of links) or references to a
//! photo builds and checks in time proportional to its size, and so does
//! one with thousands of aliases that are each an error. The test
//! times the real binary at n and 4n items: linear work takes about 4 times
//! as long, quadratic work 16 times (before the fix, 8,000 footnotes took
//! 15 times as long as 2,000). The bound is loose (8 times, plus slack) and
//! each size is timed three times, interleaved, keeping the fastest, so a
//! busy machine does not fail it.

use std::time::{Duration, Instant};

use crate::support::{Site, md, small_jpeg};

/// An article with `n` items of `kind`.
fn article(kind: &str, n: usize) -> Site {
    if kind.ends_with("aliases") {
        // Aliases refused (`..`) or all the same: one error each, every
        // one placed on its line of the file.
        let alias = |i: usize| match kind {
            "bad aliases" => format!("/%2e%2e/{i}/"),
            _ => "/same/".to_string(),
        };
        let list: Vec<String> = (0..n).map(alias).collect();
        let yaml = format!(
            "title: 长文\ndate: 2021-12-31\naliases: [{}]",
            list.join(", ")
        );
        return Site::new().file("content/news/a/index.zh.md", md(&yaml, "正文。\n"));
    }
    let body = match kind {
        "footnotes" => {
            let refs: Vec<String> = (0..n).map(|i| format!("文[^{i}]")).collect();
            let notes: Vec<String> = (0..n).map(|i| format!("[^{i}]: 注{i}")).collect();
            format!("{}\n\n{}\n", refs.join(" "), notes.join("\n"))
        }
        "links" => {
            let rows: Vec<String> = (0..n)
                .map(|i| format!("| [第{i}条](/news/a/#h) | [外链](https://e.org/{i}) |"))
                .collect();
            format!("# h\n\n| 本站 | 外站 |\n|---|---|\n{}\n", rows.join("\n"))
        }
        _ => {
            let refs: Vec<String> = (0..n).map(|i| format!("![图{i}](p.jpg)")).collect();
            format!("{}\n", refs.join(" "))
        }
    };
    Site::new()
        .file(
            "content/news/a/index.zh.md",
            md("title: 长文\ndate: 2021-12-31", &body),
        )
        .file("content/news/a/p.jpg", small_jpeg())
}

/// The time of one run, which must end as a run does (0, or 1 for a site
/// with errors), never by a crash.
fn timed(site: &Site, args: &[&str]) -> Duration {
    let started = Instant::now();
    let run = site.run(args);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.stderr);
    started.elapsed()
}

#[test]
fn one_big_article_builds_and_checks_in_linear_time() {
    const N: usize = 2_000;
    for kind in [
        "footnotes",
        "links",
        "photos",
        "bad aliases",
        "duplicate aliases",
    ] {
        let (small, large) = (article(kind, N), article(kind, 4 * N));
        for args in [&["build"][..], &["check"][..]] {
            let mut best = (Duration::MAX, Duration::MAX);
            for _ in 0..3 {
                best.0 = best.0.min(timed(&small, args));
                best.1 = best.1.min(timed(&large, args));
            }
            let bound = best.0 * 8 + Duration::from_millis(200);
            assert!(
                best.1 < bound,
                "{kind}, {args:?}: {} items took {:?}, {} took {:?} (linear: about 4 times)",
                N,
                best.0,
                4 * N,
                best.1
            );
        }
    }
}
