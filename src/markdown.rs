//! Markdown to HTML with the newsroom extensions: figures with captions,
//! credits and galleries, `metrics` blocks, CJK soft line breaks and heading
//! ids. One pass over pulldown-cmark's events; everything a later stage needs
//! (metrics, images, headings, first paragraph, text counts) is collected on
//! the way so the Markdown is parsed once.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::error::Error;
use crate::images::{ARTICLE_SIZES, Photo};
use crate::metrics::{self, MetricBlock, NumberStyle};
use crate::text::{TextCount, escape_href, escape_html, joins_without_space, slugify};
use std::sync::Arc;

/// What the renderer needs to know about the page it renders.
pub struct Context<'a> {
    /// The Markdown file, for errors.
    pub path: &'a Path,
    /// Line of the file where the body starts (after the front matter).
    pub first_line: usize,
    pub numbers: NumberStyle,
    /// Maps an image reference as written to its URL (and the photo behind
    /// it, when it is one of the site's), or says why it can't.
    pub resolve_image: &'a (dyn Fn(&str) -> Result<Resolved, String> + Sync),
    /// Where the site lives (`/` or `/sub/`), for `srcset` URLs.
    pub base_path: &'a str,
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
    /// Plain text of the first paragraph that is not a figure (for summaries).
    pub first_paragraph: String,
    pub count: TextCount,
    /// Every `id` in `html`, found when `check` first needs them and kept
    /// with the text (dev mode reuses both between rebuilds).
    pub ids: std::sync::OnceLock<std::collections::HashSet<String>>,
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
    let mut r = Renderer {
        cx,
        lines,
        out: Vec::with_capacity(events.len()),
        doc: Rendered::default(),
        errors: Vec::new(),
        ids: HashMap::new(),
        img_tags: 0,
    };
    r.run(&events);
    let Renderer {
        out,
        mut doc,
        errors,
        ..
    } = r;
    if !errors.is_empty() {
        return Err(errors);
    }
    let out = join_cjk_lines(out);
    doc.html.reserve(markdown.len() * 3 / 2);
    html::push_html(&mut doc.html, out.into_iter());
    Ok(doc)
}

/// Byte offset in the body → line (and column) in the Markdown file.
struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
    first_line: usize,
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
        }
    }

    fn line(&self, offset: usize) -> usize {
        self.position(offset).0
    }

    /// 1-based line in the file and column in characters.
    fn position(&self, offset: usize) -> (usize, usize) {
        let index = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[index];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |t| t.chars().count() + 1);
        (self.first_line + index, column)
    }
}

struct Renderer<'c, 'a> {
    cx: &'c Context<'a>,
    lines: LineIndex<'a>,
    out: Vec<Event<'a>>,
    doc: Rendered,
    errors: Vec<Error>,
    ids: HashMap<String, usize>,
    /// `<img>` tags written so far: the first loads eagerly.
    img_tags: usize,
}

/// One image of a figure paragraph with its optional credit line.
struct FigureImage {
    url: String,
    photo: Option<Arc<Photo>>,
    alt: String,
    caption: String,
    credit_html: String,
}

impl<'a> Renderer<'_, 'a> {
    fn run(&mut self, events: &[(Event<'a>, Range<usize>)]) {
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            i = match event {
                Event::Start(Tag::Paragraph) => self.paragraph(events, i),
                Event::Start(Tag::Heading { .. }) => self.heading(events, i),
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                    if info.split_whitespace().next() == Some("metrics") =>
                {
                    let end = find_end(events, i);
                    let yaml: String = events[i + 1..end]
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let title = info.trim_start().strip_prefix("metrics").unwrap_or("");
                    self.metrics_block(range.start, title, &yaml);
                    end + 1
                }
                Event::Start(Tag::Image { .. }) => {
                    let (img, next) = self.image(events, i);
                    if let Some(img) = img {
                        let tag = self.img_tag(&img);
                        self.out.push(Event::InlineHtml(tag.into()));
                    }
                    next
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    let mut dest = dest_url.clone();
                    let mut photo = None;
                    // A link to a file of the bundle (a PDF, a photo) points
                    // where the file is published, which for a translation
                    // is not beside the page; a photo is published as its
                    // largest variant.
                    if *link_type != LinkType::Email
                        && is_relative(dest_url)
                        && let Ok(r) = (self.cx.resolve_image)(dest_url)
                    {
                        dest = CowStr::from(match &r.photo {
                            Some(p) => format!(
                                "{}{}",
                                self.cx.base_path,
                                p.variants.last().expect("a photo has variants").path
                            ),
                            None => r.url,
                        });
                        photo = r.photo;
                    }
                    if *link_type != LinkType::Email {
                        let (line, column) = self.lines.position(range.start);
                        self.doc.links.push(LinkUse {
                            href: dest.to_string(),
                            photo,
                            line,
                            column,
                        });
                    }
                    self.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest,
                        title: title.clone(),
                        id: id.clone(),
                    }));
                    i + 1
                }
                Event::Start(Tag::CodeBlock(_)) => {
                    // Code is counted but never rewritten.
                    let end = find_end(events, i);
                    for (e, _) in &events[i..=end] {
                        self.push(e.clone());
                    }
                    end + 1
                }
                _ => {
                    self.push(event.clone());
                    i + 1
                }
            };
        }
    }

    fn push(&mut self, event: Event<'a>) {
        if let Event::Text(t) | Event::Code(t) = &event {
            self.doc.count.add(t);
        }
        self.out.push(event);
    }

    fn paragraph(&mut self, events: &[(Event<'a>, Range<usize>)], start: usize) -> usize {
        let end = find_end(events, start);
        let inner = &events[start + 1..end];
        if let Some(figure) = self.figure(inner) {
            self.out.push(Event::Html(figure.into()));
            return end + 1;
        }
        if self.doc.first_paragraph.is_empty() {
            self.doc.first_paragraph = plain_text(inner);
        }
        self.push(Event::Start(Tag::Paragraph));
        self.run(inner);
        self.push(Event::End(TagEnd::Paragraph));
        end + 1
    }

    fn heading(&mut self, events: &[(Event<'a>, Range<usize>)], start: usize) -> usize {
        let end = find_end(events, start);
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[start].0
        else {
            unreachable!("heading() is called on a heading start");
        };
        let text = plain_text(&events[start + 1..end]);
        let base = match id {
            Some(id) => id.to_string(),
            None => match slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            },
        };
        let seen = self.ids.entry(base.clone()).or_insert(0);
        let id = if *seen == 0 {
            base
        } else {
            format!("{base}-{seen}")
        };
        *seen += 1;
        self.doc.headings.push(Heading {
            level: *level as u8,
            id: id.clone(),
            text,
        });
        self.push(Event::Start(Tag::Heading {
            level: *level,
            id: Some(id.into()),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }));
        self.run(&events[start + 1..end]);
        self.push(Event::End(TagEnd::Heading(*level)));
        end + 1
    }

    /// A paragraph of images, one per line, each optionally followed by an
    /// emphasised credit line, becomes a figure (or a gallery of figures).
    fn figure(&mut self, inner: &[(Event<'a>, Range<usize>)]) -> Option<String> {
        let lines: Vec<&[(Event, Range<usize>)]> = inner
            .split(|(e, _)| matches!(e, Event::SoftBreak | Event::HardBreak))
            .map(trim_blank)
            .filter(|line| !line.is_empty())
            .collect();
        // Check the shape before resolving anything, so a normal paragraph
        // with an image in it is not reported twice.
        let mut previous_was_image = false;
        for line in &lines {
            let whole =
                |open: fn(&Event) -> bool| open(&line[0].0) && find_end(line, 0) == line.len() - 1;
            if whole(|e| matches!(e, Event::Start(Tag::Image { .. }))) {
                previous_was_image = true;
            } else if previous_was_image && whole(|e| matches!(e, Event::Start(Tag::Emphasis))) {
                previous_was_image = false;
            } else {
                return None;
            }
        }
        let mut images: Vec<FigureImage> = Vec::new();
        for line in &lines {
            if let Event::Start(Tag::Image { title, .. }) = &line[0].0 {
                let (img, _) = self.image(line, 0);
                let alt = plain_text(&line[1..line.len() - 1]);
                let caption = if title.is_empty() {
                    alt.clone()
                } else {
                    title.to_string()
                };
                let (url, photo) = img.map(|i| (i.url, i.photo)).unwrap_or_default();
                images.push(FigureImage {
                    url,
                    photo,
                    alt,
                    caption,
                    credit_html: String::new(),
                });
            } else if let Some(last) = images.last_mut() {
                let mut credit = String::new();
                html::push_html(
                    &mut credit,
                    line[1..line.len() - 1].iter().map(|(e, _)| e.clone()),
                );
                last.credit_html = credit;
            }
        }
        for img in &images {
            self.doc.count.add(&img.caption);
        }
        let mut out = String::new();
        let gallery = images.len() > 1;
        if gallery {
            out.push_str("<figure class=\"gallery\">\n");
        }
        for img in &images {
            out.push_str("<figure>");
            out.push_str(&self.img_tag(img));
            if !img.caption.is_empty() || !img.credit_html.is_empty() {
                out.push_str("<figcaption>");
                out.push_str(&escape_html(&img.caption));
                if !img.credit_html.is_empty() {
                    if !img.caption.is_empty() {
                        out.push(' ');
                    }
                    out.push_str("<small class=\"credit\">");
                    out.push_str(&img.credit_html);
                    out.push_str("</small>");
                }
                out.push_str("</figcaption>");
            }
            out.push_str("</figure>\n");
        }
        if gallery {
            out.push_str("</figure>\n");
        }
        Some(out)
    }

    /// Resolves the image starting at `start`; returns it (None when it
    /// could not be resolved, with the error recorded) and the next index.
    fn image(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        start: usize,
    ) -> (Option<FigureImage>, usize) {
        let end = find_end(events, start);
        let (Event::Start(Tag::Image { dest_url, .. }), range) = &events[start] else {
            unreachable!("image() is called on an image start");
        };
        let alt = plain_text(&events[start + 1..end]);
        let (line, column) = self.lines.position(range.start);
        match (self.cx.resolve_image)(dest_url) {
            Ok(Resolved { url, photo }) => {
                self.doc.images.push(ImageUse {
                    src: dest_url.to_string(),
                    url: url.clone(),
                    photo: photo.clone(),
                    line,
                    column,
                });
                let img = FigureImage {
                    url,
                    photo,
                    alt,
                    caption: String::new(),
                    credit_html: String::new(),
                };
                (Some(img), end + 1)
            }
            Err(message) => {
                self.errors
                    .push(Error::new(self.cx.path, message).at(line, 1));
                (None, end + 1)
            }
        }
    }

    /// `<img>` markup: a photo of the site gets `srcset`, `sizes` and the
    /// size of its `src` (no layout shift); the page's first image loads
    /// eagerly with high priority, the rest lazily.
    fn img_tag(&mut self, img: &FigureImage) -> String {
        self.img_tags += 1;
        let loading = if self.img_tags == 1 {
            "loading=\"eager\" fetchpriority=\"high\""
        } else {
            "loading=\"lazy\""
        };
        let mut tag = format!("<img src=\"{}\"", escape_href(&img.url));
        if let Some(photo) = &img.photo {
            let src = photo.src();
            tag.push_str(&format!(
                " srcset=\"{}\" sizes=\"{ARTICLE_SIZES}\" width=\"{}\" height=\"{}\"",
                escape_html(&photo.srcset(self.cx.base_path)),
                src.width,
                src.height
            ));
        }
        tag.push_str(&format!(
            " alt=\"{}\" {loading} decoding=\"async\">",
            escape_html(&img.alt)
        ));
        tag
    }

    fn metrics_block(&mut self, offset: usize, title: &str, yaml: &str) {
        let line = self.lines.line(offset);
        match metrics::parse_block(self.cx.path, line, title, yaml, self.cx.numbers) {
            Ok(block) => {
                let n = self.doc.metrics.len() + 1;
                self.out.push(Event::Html(metrics_html(&block, n).into()));
                self.doc.metrics.push(block);
            }
            Err(e) => self.errors.push(e),
        }
    }
}

/// A key-figures panel: a `<dl>` of label and value, the value in
/// `<data value>` so machines read the number and people the formatted one.
fn metrics_html(block: &MetricBlock, n: usize) -> String {
    let mut out = String::from("<div class=\"metrics\"");
    if !block.title.is_empty() {
        out.push_str(&format!(
            " role=\"group\" aria-labelledby=\"metrics-{n}\"><p class=\"metrics-title\" id=\"metrics-{n}\">{}</p",
            escape_html(&block.title)
        ));
    }
    out.push_str(">\n<dl>\n");
    for m in &block.items {
        let unit_gap = if m
            .unit
            .starts_with(|c: char| c.is_alphabetic() && !crate::text::is_cjk(c))
        {
            " "
        } else {
            ""
        };
        out.push_str(&format!(
            "<div class=\"metric\"><dt>{}</dt><dd><data value=\"{}\">{}</data>",
            escape_html(&m.label),
            m.data,
            escape_html(&m.display)
        ));
        if !m.unit.is_empty() {
            out.push_str(&format!(
                "{unit_gap}<span class=\"unit\">{}</span>",
                escape_html(&m.unit)
            ));
        }
        if !m.change.is_empty() {
            out.push_str(&format!(
                " <span class=\"change\">{}</span>",
                escape_html(&m.change)
            ));
        }
        if !m.note.is_empty() {
            out.push_str(&format!(
                "<span class=\"note\">{}</span>",
                escape_html(&m.note)
            ));
        }
        out.push_str("</dd></div>\n");
    }
    out.push_str("</dl>\n</div>\n");
    out
}

/// A link to a file beside the page: not a page anchor, not absolute, no
/// scheme (`mailto:`, `https:`).
fn is_relative(url: &str) -> bool {
    let scheme = url.split_once(':').is_some_and(|(s, _)| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    !(url.is_empty() || url.starts_with('#') || url.starts_with('/') || scheme)
}

/// Index of the event closing the container opened at `start`.
fn find_end<T>(events: &[(Event, T)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn trim_blank<'e, 'a>(line: &'e [(Event<'a>, Range<usize>)]) -> &'e [(Event<'a>, Range<usize>)] {
    let blank = |(e, _): &(Event, Range<usize>)| matches!(e, Event::Text(t) if t.trim().is_empty());
    let start = line.iter().position(|x| !blank(x)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|x| !blank(x))
        .map_or(start, |i| i + 1);
    &line[start..end.max(start)]
}

/// The text a reader sees in a run of inline events.
fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut text = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak => text.push('\n'),
            Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    join_soft_breaks(&text)
}

/// Soft breaks (`\n`) vanish between Chinese characters and become spaces
/// elsewhere; spaces the editor typed stay.
fn join_soft_breaks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\n' {
            out.push(c);
        } else if !(i > 0 && i + 1 < chars.len() && joins_without_space(chars[i - 1], chars[i + 1]))
        {
            out.push(' ');
        }
    }
    out
}

/// Drops soft breaks between two CJK characters (pandoc's
/// east_asian_line_breaks); other soft breaks stay and render as a space.
fn join_cjk_lines(events: Vec<Event>) -> Vec<Event> {
    let edge = |e: &Event, last: bool| -> Option<Option<char>> {
        match e {
            Event::Text(t) | Event::Code(t) => Some(if last {
                t.chars().last()
            } else {
                t.chars().next()
            }),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => None,
            _ => Some(None),
        }
    };
    let mut keep = vec![true; events.len()];
    for (i, e) in events.iter().enumerate() {
        if !matches!(e, Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find_map(|e| edge(e, true))
            .flatten();
        let after = events[i + 1..]
            .iter()
            .find_map(|e| edge(e, false))
            .flatten();
        if let (Some(b), Some(a)) = (before, after) {
            keep[i] = !joins_without_space(b, a);
        }
    }
    events
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .map(|e| match e {
            // A kept soft break is a space; a newline would do, but a space
            // keeps inline text on one line in the output.
            Event::SoftBreak => Event::Text(CowStr::Borrowed(" ")),
            e => e,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Rendered {
        let resolve = |src: &str| {
            if src.contains("missing") {
                Err(format!("image `{src}` not found"))
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
        };
        render(text, &cx).unwrap()
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
        assert_eq!(r.first_paragraph, "中文第一行第二行");
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
        let resolve = |_: &str| Err("image `missing.jpg` not found".to_string());
        let cx = Context {
            path: Path::new("p.md"),
            first_line: 4,
            numbers: NumberStyle::for_locale("en", false),
            resolve_image: &resolve,
            base_path: "/",
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
