//! Markdown to HTML with the newsroom extensions: figures with captions,
//! credits and galleries ([`figures`]), `metrics` blocks, CJK soft line
//! breaks ([`cjk`]) and heading ids. One pass over pulldown-cmark's events
//! ([`walk`]); everything a later stage needs (metrics, images, headings,
//! first paragraph, text counts) is collected on the way so the Markdown is
//! parsed once.

mod cjk;
mod figures;
mod ids;
mod walk;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{Event, Options, Parser, Tag, html};

use crate::error::Error;
use crate::images::Photo;
use crate::metrics::{MetricBlock, NumberStyle};
use crate::text::TextCount;
pub use ids::ids_in;
use ids::ids_of;
use walk::Renderer;

/// What the renderer needs to know about the page it renders.
pub struct Context<'a> {
    /// The Markdown file, for errors.
    pub path: &'a Path,
    /// Line of the file where the body starts (after the front matter).
    pub first_line: usize,
    pub numbers: NumberStyle,
    /// Maps an image reference as written to its URL (and the photo behind
    /// it, when it is one of the site's), or says why it can't.
    pub resolve_image: &'a (dyn Fn(&str) -> Result<Resolved, crate::messages::Message> + Sync),
    /// Where the site lives (`/` or `/sub/`), for `srcset` URLs.
    pub base_path: &'a str,
    /// The URL of the page's cover (its own or its original's). When the
    /// text does not show it, it goes above the text and loads first: the
    /// text's first photo then loads lazily like the others.
    pub cover: Option<&'a str>,
    /// Make the HTML and count the text for the reading time (a run that
    /// publishes); `check` needs neither, only what the walk finds.
    pub html: bool,
}

/// An image reference resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub url: String,
    pub photo: Option<Arc<Photo>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// An image the page uses, as written and as resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageUse {
    pub src: String,
    pub url: String,
    pub photo: Option<Arc<Photo>>,
    pub line: usize,
    pub column: usize,
}

/// A link of the text, as it is published (a file of the bundle already
/// pointing where the file is published), and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkUse {
    pub href: String,
    /// The photo of the site it links to, which must then be published.
    pub photo: Option<Arc<Photo>>,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub metrics: Vec<MetricBlock>,
    pub images: Vec<ImageUse>,
    /// Links (not e-mail autolinks), for `check`.
    pub links: Vec<LinkUse>,
    pub headings: Vec<Heading>,
    /// The summary made of the first paragraph that is not a figure
    /// (`text::summarize`: the page's description when it gives none).
    pub summary: String,
    pub count: TextCount,
    /// Every `id` the HTML has, sorted, each once (for `check`'s anchors;
    /// known without the HTML).
    pub ids: Vec<String>,
}

/// Renders `markdown` (the body, without front matter). Every problem in the
/// body is reported, not only the first.
pub fn render(markdown: &str, cx: &Context) -> Result<Rendered, Vec<Error>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .collect();
    let lines = LineIndex::new(markdown, cx.first_line);
    let mut r = Renderer::new(cx, lines, reserved_ids(&events), lead_is_eager(&events, cx));
    r.run(&events);
    let (out, mut doc, errors) = r.finish();
    if !errors.is_empty() {
        return Err(errors);
    }
    doc.ids = ids_of(&out);
    if !cx.html {
        return Ok(doc);
    }
    let out = cjk::join_cjk_lines(out);
    doc.html.reserve(markdown.len() * 3 / 2);
    html::push_html(&mut doc.html, out.into_iter());
    // The body is held for the whole build: give back what the guess
    // above reserved beyond it.
    doc.html.shrink_to_fit();
    Ok(doc)
}

/// Ids the text has before any heading gets one: headings' `{#custom}` ids,
/// footnote labels (pulldown-cmark gives each definition its label as id)
/// and the key-figure blocks' `metrics-N`. A heading's own id never takes
/// one of them.
fn reserved_ids(events: &[(Event, Range<usize>)]) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut blocks = 0;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => {
                ids.insert(id.to_string());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                ids.insert(label.to_string());
            }
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("metrics") =>
            {
                blocks += 1;
                ids.insert(format!("metrics-{blocks}"));
            }
            _ => {}
        }
    }
    ids
}

/// Whether the text's first photo loads eagerly: unless a cover the text
/// does not show goes above it.
fn lead_is_eager(events: &[(Event, Range<usize>)], cx: &Context) -> bool {
    let Some(cover) = cx.cover else {
        return true;
    };
    events.iter().any(|(e, _)| match e {
        Event::Start(Tag::Image { dest_url, .. }) => {
            (cx.resolve_image)(dest_url).is_ok_and(|r| r.url == cover)
        }
        _ => false,
    })
}

/// Byte offset in the body → line (and column) in the Markdown file.
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    first_line: usize,
    /// The last column found (offset, column): positions are asked for in
    /// order, so a long line is counted once, not once per position on it.
    last: std::cell::Cell<(usize, usize)>,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            text,
            starts,
            first_line,
            last: std::cell::Cell::new((0, 1)),
        }
    }

    fn index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    fn line(&self, offset: usize) -> usize {
        self.first_line + self.index(offset)
    }

    /// 1-based line in the file and column in characters.
    fn position(&self, offset: usize) -> (usize, usize) {
        let index = self.index(offset);
        let start = self.starts[index];
        let (last, column) = self.last.get();
        // Counted on from the last position when it is on this line.
        let (from, column) = if (start..=offset).contains(&last) {
            (last, column)
        } else {
            (start, 1)
        };
        let column = self
            .text
            .get(from..offset)
            .map_or(1, |t| column + t.chars().count());
        self.last.set((offset, column));
        (self.first_line + index, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Rendered {
        md_with(text, true)
    }

    fn md_with(text: &str, html: bool) -> Rendered {
        let resolve = |src: &str| {
            if src.contains("missing") {
                Err(crate::msg!(
                    "file-not-found",
                    src = src,
                    looked = format!("content/news/a/{src}"),
                    hint = crate::msg!("hint-none")
                ))
            } else {
                Ok(Resolved {
                    url: format!("/news/a/{src}"),
                    photo: None,
                })
            }
        };
        let cx = Context {
            path: Path::new("content/news/a/index.zh.md"),
            first_line: 5,
            numbers: NumberStyle::for_locale("zh-CN", false),
            resolve_image: &resolve,
            base_path: "/",
            cover: None,
            html,
        };
        render(text, &cx).unwrap()
    }

    /// The ids `ids_in` finds in the written HTML, as `Rendered::ids` holds
    /// them.
    fn ids_in_html(html: &str) -> Vec<String> {
        let mut ids: Vec<String> = ids_in(html).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    #[test]
    fn ids_are_known_without_making_the_html() {
        let text = concat!(
            "## 以思想政治引领\n\n## Same\n\n## Same\n\n## A & B {#a&b .wide id=extra}\n\n",
            "## {{ x }} {#t{x}}\n\n",
            "```metrics 主要数据\n- { label: 会员, value: 36186, unit: 人 }\n```\n\n",
            "![说明](a.jpg \"标题\")\n\n",
            "Text[^n1] with <span id=\"inline\">HTML</span> and `code id=\"no\"`.\n\n",
            "<div class=\"box\"\n     id=\"block\">\n<p id=\"{{ tpl }}\">x</p>\n</div>\n\n",
            "A link [x](/y/ \"title id=\\\"no\\\"\") and text id=\"no\".\n\n",
            "[^n1]: The note.\n",
        );
        let made = md_with(text, true);
        // Text that reads `id="no"` is written as it is (quotes are not
        // escaped in text), so a scan of the HTML took it for an id.
        let scanned: Vec<String> = ids_in_html(&made.html)
            .into_iter()
            .filter(|i| i != "no")
            .collect();
        assert_eq!(made.ids, scanned, "{}", made.html);
        for id in [
            "以思想政治引领",
            "same",
            "same-1",
            "a&b",
            "extra",
            "metrics-1",
            "n1",
            "inline",
            "block",
        ] {
            assert!(made.ids.iter().any(|i| i == id), "{id} in {:?}", made.ids);
        }
        assert!(!made.ids.iter().any(|i| i == "no"), "{:?}", made.ids);
        // `check` makes no HTML and counts nothing, and finds the same.
        let checked = md_with(text, false);
        assert_eq!(checked.ids, made.ids);
        assert_eq!(checked.headings, made.headings);
        assert_eq!(checked.links, made.links);
        assert_eq!(checked.summary, made.summary);
        assert_eq!(checked.metrics.len(), 1);
        assert!(checked.html.is_empty());
        assert_eq!(checked.count, TextCount::default());
    }

    /// Every text of the example site: the ids known from the walk are the
    /// ids of its HTML.
    #[test]
    fn the_example_sites_ids_are_those_of_its_html() {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(&content) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // The body: after the front matter's closing `---`.
            let body = (text.strip_prefix("---\n"))
                .and_then(|t| t.split_once("\n---\n"))
                .map_or(text.as_str(), |(_, body)| body);
            let made = md_with(body, true);
            assert_eq!(made.ids, ids_in_html(&made.html), "{}", path.display());
            seen += 1;
        }
        assert!(seen > 10, "{seen} texts");
    }

    #[test]
    fn single_image_paragraph_is_a_figure_with_caption() {
        let r = md("![举行劳动和技能竞赛启动仪式](a.jpg)\n");
        assert_eq!(
            r.html,
            "<figure><img src=\"/news/a/a.jpg\" alt=\"举行劳动和技能竞赛启动仪式\" loading=\"eager\" fetchpriority=\"high\" decoding=\"async\"><figcaption>举行劳动和技能竞赛启动仪式</figcaption></figure>\n"
        );
        assert_eq!(r.images[0].line, 5);
    }

    #[test]
    fn title_wins_over_alt_and_credit_line() {
        let r = md("![alt](a.jpg \"The caption\")\n*Photo: Union*\n");
        assert!(
            r.html.contains(
                "<figcaption>The caption <small class=\"credit\">Photo: Union</small></figcaption>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("alt=\"alt\""));
    }

    #[test]
    fn several_images_make_a_gallery() {
        let r = md("![一](a.jpg)\n![二](b.jpg)\n*供图*\n![三](c.jpg)\n");
        assert_eq!(r.html.matches("<figure>").count(), 3);
        assert!(r.html.starts_with("<figure class=\"gallery\">"));
        assert!(r.html.contains("二 <small class=\"credit\">供图</small>"));
        assert!(r.html.contains("loading=\"lazy\""));
    }

    #[test]
    fn image_inside_text_stays_inline() {
        let r = md("Look ![x](a.jpg) here.\n");
        assert!(
            r.html
                .starts_with("<p>Look <img src=\"/news/a/a.jpg\" alt=\"x\""),
            "{}",
            r.html
        );
        assert!(!r.html.contains("figure"));
    }

    #[test]
    fn cjk_soft_breaks_vanish_latin_ones_stay() {
        let r = md("中文第一行\n第二行\n\nfirst line\nsecond line\n\n工会**会员**\n人数\n");
        assert!(r.html.contains("<p>中文第一行第二行</p>"), "{}", r.html);
        assert!(
            r.html.contains("<p>first line second line</p>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("工会<strong>会员</strong>人数"),
            "{}",
            r.html
        );
        assert_eq!(r.summary, "中文第一行第二行");
    }

    #[test]
    fn heading_ids_are_stable_and_unique() {
        let r = md("## 以思想政治引领\n\n## Hello World\n\n## Hello World\n\n## Custom {#my-id}\n");
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["以思想政治引领", "hello-world", "hello-world-1", "my-id"]
        );
        assert!(r.html.contains("<h2 id=\"以思想政治引领\">"));
    }

    #[test]
    fn heading_ids_never_take_a_custom_footnote_or_figures_id() {
        let r = md(concat!(
            "## Mine\n\n## Other {#mine}\n\n## Metrics 1\n\n",
            "```metrics\n- { label: a, value: 1 }\n```\n\n## 1\n\nText[^1]\n\n[^1]: Note.\n"
        ));
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["mine-1", "mine", "metrics-1-1", "1-1"]);
        let html_ids: Vec<&str> = r
            .html
            .split(" id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        let unique: HashSet<&&str> = html_ids.iter().collect();
        assert_eq!(unique.len(), html_ids.len(), "{html_ids:?}");
    }

    #[test]
    fn the_first_photo_waits_when_a_cover_goes_above_the_text() {
        let resolve = |src: &str| {
            Ok(Resolved {
                url: format!("/news/a/{src}"),
                photo: None,
            })
        };
        let with_cover = |cover: &'static str, text: &str| {
            let cx = Context {
                path: Path::new("a.md"),
                first_line: 1,
                numbers: NumberStyle::for_locale("zh-CN", false),
                resolve_image: &resolve,
                base_path: "/",
                cover: Some(cover),
                html: true,
            };
            render(text, &cx).unwrap().html
        };
        let text = "![一](a.jpg)\n\n<img src=\"x.jpg\" loading=\"eager\">\n";
        let html = with_cover("/news/a/cover.jpg", text);
        assert!(
            html.contains("alt=\"一\" loading=\"lazy\" decoding"),
            "{html}"
        );
        assert!(!html.contains("fetchpriority"), "{html}");
        assert!(
            html.contains("<img src=\"x.jpg\" loading=\"eager\">"),
            "the editor's own HTML is left as written: {html}"
        );
        // The cover is the text's own photo: it is not shown twice, and the
        // text's first photo loads first.
        let html = with_cover("/news/a/a.jpg", text);
        assert!(
            html.contains("loading=\"eager\" fetchpriority=\"high\""),
            "{html}"
        );
    }

    #[test]
    fn metrics_block_renders_data_and_keeps_values() {
        let r = md(
            "```metrics 2021年主要数据\n- { label: 新增工会会员, value: 36186, unit: 人 }\n- { label: 上缴省总经费, value: 974, unit: 万元, change: \"+9.15%\" }\n```\n",
        );
        assert_eq!(r.metrics.len(), 1);
        assert_eq!(r.metrics[0].line, 5);
        assert!(r.html.contains("<dt>新增工会会员</dt><dd><data value=\"36186\">36,186</data><span class=\"unit\">人</span>"), "{}", r.html);
        assert!(r.html.contains("<span class=\"change\">+9.15%</span>"));
        assert!(r.html.contains("2021年主要数据"));
    }

    #[test]
    fn errors_carry_file_lines_and_all_are_reported() {
        let resolve = |src: &str| {
            Err(crate::msg!(
                "file-not-found",
                src = src,
                looked = format!("content/{src}"),
                hint = crate::msg!("hint-none")
            ))
        };
        let cx = Context {
            path: Path::new("p.md"),
            first_line: 4,
            numbers: NumberStyle::for_locale("en", false),
            resolve_image: &resolve,
            base_path: "/",
            cover: None,
            html: true,
        };
        let errs = render(
            "Text\n\n![a](missing.jpg)\n\n```metrics\n- { label: x, value: abc }\n```\n",
            &cx,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[1].line), (6, 9));
    }

    #[test]
    fn links_to_bundle_files_point_where_they_are_published() {
        let r = md(
            "[报告](report.pdf) [页](#x) [站](https://e.org/a.pdf) [邮件](mailto:a@b.org) [缺](missing.pdf)\n",
        );
        assert!(r.html.contains("href=\"/news/a/report.pdf\""), "{}", r.html);
        assert!(r.html.contains("href=\"#x\""));
        assert!(r.html.contains("href=\"https://e.org/a.pdf\""));
        assert!(r.html.contains("href=\"mailto:a@b.org\""));
        assert!(
            r.html.contains("href=\"missing.pdf\""),
            "unresolved links are left for `check`"
        );
        let links: Vec<(&str, usize, usize)> = r
            .links
            .iter()
            .map(|l| (l.href.as_str(), l.line, l.column))
            .collect();
        assert_eq!(
            links,
            [
                ("/news/a/report.pdf", 5, 1),
                ("#x", 5, 18),
                ("https://e.org/a.pdf", 5, 26),
                ("mailto:a@b.org", 5, 51),
                ("missing.pdf", 5, 72)
            ]
        );
        let r = md("See <a@b.org>, <https://e.org/>\n\n## 标题 [链接](/x/)\n");
        let hrefs: Vec<&str> = r.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            ["https://e.org/", "/x/"],
            "e-mail autolinks are not links to check"
        );
    }

    #[test]
    fn counts_text_for_reading_time() {
        let r = md("工会会员\n\nsome english words\n");
        assert_eq!(
            r.count,
            TextCount {
                cjk_chars: 4,
                words: 3
            }
        );
    }
}
