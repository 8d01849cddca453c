//! Photos in the text: a paragraph of images (one per line, each with an
//! optional emphasised credit line under it) becomes a figure or a gallery;
//! every photo becomes a `<picture>`: a `<source>` per modern format
//! (AVIF, WebP), and an `<img>` fallback with `srcset`, `sizes`, its size,
//! its loading order and its placeholder colour.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{Event, Tag, html};

use super::walk::{Renderer, find_end, plain_text, trim_blank};
use super::{ImageUse, Resolved};
use crate::error::Error;
use crate::images::{ARTICLE_SIZES, Focus, Photo};
use crate::text::{escape_href, escape_html};

/// One image of a figure paragraph with its optional credit line.
pub(super) struct FigureImage {
    url: String,
    photo: Option<Arc<Photo>>,
    alt: String,
    caption: String,
    credit_html: String,
}

impl<'a> Renderer<'_, 'a> {
    /// A paragraph of images, one per line, each optionally followed by an
    /// emphasised credit line, becomes a figure (or a gallery of figures).
    pub(super) fn figure(&mut self, inner: &[(Event<'a>, Range<usize>)]) -> Option<String> {
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
            self.count(&img.caption);
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
    pub(super) fn image(
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
        // `photo.jpg#focus=30%,40%`: where its crops centre.
        let focus = match Focus::split_url(dest_url).1.map(Focus::parse) {
            Some(Err(message)) => {
                self.errors
                    .push(Error::new(self.cx.path, message).at(line, 1));
                return (None, end + 1);
            }
            Some(Ok(focus)) => Some(focus),
            None => None,
        };
        match (self.cx.resolve_image)(dest_url) {
            Ok(Resolved { url, mut photo }) => {
                if let (Some(focus), Some(p)) = (focus, &photo) {
                    photo = Some(Arc::new(p.with_focus(focus)));
                }
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

    /// `<img>` markup: a photo of the site gets a `<picture>` with a
    /// `<source>` per modern format, `srcset`, `sizes` and the size of its
    /// `src` (no layout shift) and its placeholder colour; the text's first
    /// image loads eagerly with high priority unless a cover above the text
    /// does, the rest lazily.
    pub(super) fn img_tag(&mut self, img: &FigureImage) -> String {
        self.img_tags += 1;
        let loading = if self.img_tags == 1 && self.lead_eager {
            "loading=\"eager\" fetchpriority=\"high\""
        } else {
            "loading=\"lazy\""
        };
        let mut tag = String::new();
        if let Some(photo) = &img.photo {
            tag.push_str("<picture>");
            for (mime, srcset) in photo.source_sets(self.cx.base_path) {
                tag.push_str(&format!(
                    "<source type=\"{mime}\" srcset=\"{}\" sizes=\"{ARTICLE_SIZES}\">",
                    escape_html(&srcset)
                ));
            }
        }
        tag.push_str(&format!("<img src=\"{}\"", escape_href(&img.url)));
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
            " alt=\"{}\" {loading} decoding=\"async\"",
            escape_html(&img.alt)
        ));
        if let Some(style) = img.photo.as_deref().and_then(Photo::style) {
            tag.push_str(&format!(" style=\"{style}\""));
        }
        tag.push('>');
        if img.photo.is_some() {
            tag.push_str("</picture>");
        }
        tag
    }
}
