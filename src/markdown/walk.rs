//! The walk over pulldown-cmark's events: paragraphs (figures are found
//! there), headings with their ids, links to files of the bundle, metric
//! blocks, code kept as written; text counted on the way.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};

use super::cjk::join_soft_breaks;
use super::{Context, Heading, LineIndex, LinkUse, Rendered};
use crate::error::Error;
use crate::metrics;
use crate::text::{slugify, summarize};
use crate::urls::is_relative;

pub(super) struct Renderer<'c, 'a> {
    pub(super) cx: &'c Context<'a>,
    pub(super) lines: LineIndex<'a>,
    pub(super) out: Vec<Event<'a>>,
    pub(super) doc: Rendered,
    pub(super) errors: Vec<Error>,
    /// Ids given to headings so far, and the next number to try per base.
    taken: HashSet<String>,
    next: HashMap<String, usize>,
    /// Ids that are not headings' own (see `reserved_ids`).
    reserved: HashSet<String>,
    /// `<img>` tags written so far.
    pub(super) img_tags: usize,
    /// Whether the first `<img>` loads eagerly (no cover above the text).
    pub(super) lead_eager: bool,
}

impl<'c, 'a> Renderer<'c, 'a> {
    pub(super) fn new(
        cx: &'c Context<'a>,
        lines: LineIndex<'a>,
        reserved: HashSet<String>,
        lead_eager: bool,
    ) -> Self {
        Renderer {
            cx,
            lines,
            out: Vec::new(),
            doc: Rendered::default(),
            errors: Vec::new(),
            taken: HashSet::new(),
            next: HashMap::new(),
            reserved,
            img_tags: 0,
            lead_eager,
        }
    }

    /// The events to write, what was found, and the problems.
    pub(super) fn finish(self) -> (Vec<Event<'a>>, Rendered, Vec<Error>) {
        (self.out, self.doc, self.errors)
    }
}

impl<'a> Renderer<'_, 'a> {
    pub(super) fn run(&mut self, events: &[(Event<'a>, Range<usize>)]) {
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

    pub(super) fn push(&mut self, event: Event<'a>) {
        if let Event::Text(t) | Event::Code(t) = &event {
            self.count(t);
        }
        self.out.push(event);
    }

    /// Counts text for the reading time (only a published text has one).
    pub(super) fn count(&mut self, text: &str) {
        if self.cx.html {
            self.doc.count.add(text);
        }
    }

    fn paragraph(&mut self, events: &[(Event<'a>, Range<usize>)], start: usize) -> usize {
        let end = find_end(events, start);
        let inner = &events[start + 1..end];
        if let Some(figure) = self.figure(inner) {
            self.out.push(Event::Html(figure.into()));
            return end + 1;
        }
        if self.doc.summary.is_empty() {
            self.doc.summary = summarize(&plain_text(inner));
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
        let id = match id {
            // An id the editor chose is kept; only a second use of it is
            // changed, so that two elements never share one.
            Some(id) => self.unique(id.to_string(), true),
            None => match slugify(&text) {
                s if s.is_empty() => self.unique("section".to_string(), false),
                s => self.unique(s, false),
            },
        };
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

    /// `base`, or `base-1`, `base-2`, … when it is taken: by an earlier
    /// heading, or by a reserved id (except the editor's own `{#id}`).
    fn unique(&mut self, base: String, custom: bool) -> String {
        let free = |r: &Self, id: &str, own: bool| {
            !r.taken.contains(id) && (own || !r.reserved.contains(id))
        };
        if free(self, &base, custom) {
            self.taken.insert(base.clone());
            return base;
        }
        let mut n = self.next.get(&base).copied().unwrap_or(1);
        loop {
            let id = format!("{base}-{n}");
            n += 1;
            if free(self, &id, false) {
                self.next.insert(base, n);
                self.taken.insert(id.clone());
                return id;
            }
        }
    }

    fn metrics_block(&mut self, offset: usize, title: &str, yaml: &str) {
        let line = self.lines.line(offset);
        match metrics::parse_block(self.cx.path, line, title, yaml, self.cx.numbers) {
            Ok(block) => {
                let n = self.doc.metrics.len() + 1;
                self.out.push(Event::Html(metrics::html(&block, n).into()));
                self.doc.metrics.push(block);
            }
            Err(e) => self.errors.push(e),
        }
    }
}

/// Index of the event closing the container opened at `start`.
pub(super) fn find_end<T>(events: &[(Event, T)], start: usize) -> usize {
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

pub(super) fn trim_blank<'e, 'a>(
    line: &'e [(Event<'a>, Range<usize>)],
) -> &'e [(Event<'a>, Range<usize>)] {
    let blank = |(e, _): &(Event, Range<usize>)| matches!(e, Event::Text(t) if t.trim().is_empty());
    let start = line.iter().position(|x| !blank(x)).unwrap_or(line.len());
    let end = line
        .iter()
        .rposition(|x| !blank(x))
        .map_or(start, |i| i + 1);
    &line[start..end.max(start)]
}

/// The text a reader sees in a run of inline events.
pub(super) fn plain_text(events: &[(Event, Range<usize>)]) -> String {
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
