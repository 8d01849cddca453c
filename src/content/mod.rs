//! The content stage: walks `content/` ([`walk`]), reads every Markdown file
//! once, front matter and body, in parallel ([`parse`]), links translations,
//! applies inheritance and gives each page its URL ([`link`]). The result is
//! plain data, [`Site`]. Dev mode keeps a [`Cache`] between loads so a save
//! re-reads only the files it touched.

mod cache;
pub mod front_matter;
mod link;
mod parse;
mod walk;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use cache::Cache;

use crate::config::{Config, LangId};
use crate::error::Errors;
use crate::images::{self, Photo};
use crate::markdown::{ImageUse, LinkUse, Rendered};
use crate::messages::Message;
use crate::msg;
use front_matter::{Correction, Date};

/// What to include in a build.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include drafts and pages dated in the future.
    pub drafts: bool,
    /// A run that publishes (a build, dev mode): photos are made (each new
    /// one is encoded when a page first shows it, and when files have
    /// errors the photos of the files that read are still decoded, so a
    /// damaged one is named in the same run) and the text's HTML is made
    /// and counted for its reading time. `check` writes nothing, not even
    /// the photo cache, and needs neither HTML nor reading times.
    pub publish: bool,
}

/// A cover image with its URL resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverImage {
    /// The `src` variant (the middle width) for a photo.
    pub url: String,
    /// Every width, for `srcset` ("" for an external image).
    pub srcset: String,
    /// The modern formats, best first, each a `<source>` of a `<picture>`.
    pub sources: Vec<PictureSource>,
    /// The `<img>`'s inline style: the placeholder colour, the focus
    /// (`object-position`); "" for none.
    pub style: String,
    /// Of the `src` variant; 0 when unknown.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    #[serde(skip)]
    pub photo: Option<Arc<Photo>>,
}

/// One `<source>` of a cover's `<picture>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PictureSource {
    /// `image/avif`, `image/webp`.
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub srcset: String,
}

/// Another language's version of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub lang: LangId,
    pub url: String,
}

/// One article in one language, ready to render.
#[derive(Debug, Clone)]
pub struct Page {
    /// The Markdown file, relative to the site root.
    pub source: PathBuf,
    pub lang: LangId,
    /// Translation key: the content path without language suffix (`news/x`).
    pub key: String,
    /// Top-level folder under `content/` (`news`), "" for pages at the top.
    pub section: String,
    /// URL path relative to the site root, ending in `/`: `en/news/x/`.
    pub url: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub summary: String,
    /// The summary was written for the page (not its first paragraph's
    /// start), so it is shown above the text as the standfirst.
    pub standfirst: bool,
    pub author: Vec<String>,
    pub location: String,
    pub tags: Vec<String>,
    pub cover: Option<CoverImage>,
    /// The cover is shown above the text (the text does not show it).
    pub show_cover: bool,
    /// Root-relative (or external) URL of the social-card image: the
    /// cover's, else the first photo's.
    pub og_image: Option<String>,
    pub photo_credit: String,
    pub draft: bool,
    /// Dated after now (published only with `--drafts`, as a preview).
    pub future: bool,
    pub weight: i64,
    pub featured: bool,
    pub aliases: Vec<String>,
    pub corrections: Vec<Correction>,
    pub extra: serde_json::Value,
    /// Shared with the dev server's cache of parsed files.
    pub body: Arc<Rendered>,
    pub reading_minutes: usize,
    /// The other languages' versions, in the site's language order.
    pub translations: Vec<Translation>,
    /// Changes whenever a file of the page or of its translations is read
    /// again: equal fingerprints mean equal pages (dev mode re-renders only
    /// what changed).
    pub fingerprint: u64,
}

/// A page not published, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Why {
    /// `draft: true`.
    Draft,
    /// Dated after now.
    Future,
}

/// A file of `content/` that made no page this time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LeftOut {
    pub source: PathBuf,
    pub why: Why,
}

/// "2 drafts and 1 page dated in the future left out", or nothing when none.
pub fn describe_left_out(left: &[LeftOut]) -> Option<Message> {
    let drafts = left.iter().filter(|l| l.why == Why::Draft).count();
    let future = left.len() - drafts;
    let what = match (drafts, future) {
        (0, 0) => return None,
        (d, 0) => msg!("left-out-drafts", count = d),
        (0, f) => msg!("left-out-future", count = f),
        (d, f) => msg!(
            "left-out-both",
            first = msg!("left-out-drafts", count = d),
            second = msg!("left-out-future", count = f)
        ),
    };
    Some(msg!("left-out", what = what))
}

impl Page {
    /// A draft or a page dated ahead, shown only as a preview (`--drafts`,
    /// dev mode): kept out of the sitemap and feeds.
    pub fn unpublished(&self) -> bool {
        self.draft || self.future
    }
}

/// The title and intro of a list page (`_index.<lang>.md`).
#[derive(Debug, Clone)]
pub struct SectionIndex {
    pub source: PathBuf,
    pub lang: LangId,
    /// "" for the home page, else the section folder (`news`).
    pub key: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub html: String,
    /// Links of the intro, for `check`.
    pub links: Vec<LinkUse>,
    pub extra: serde_json::Value,
}

/// A file in `content/` that is not Markdown (photos in bundles), copied to
/// the same path in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub source: PathBuf,
    /// Path relative to `content/` with `/` separators: `news/x/photo.jpg`.
    pub path: String,
}

/// Everything `content/` holds, checked and linked.
#[derive(Debug, Clone)]
pub struct Site {
    /// Newest first; pages of one date by key, then language order.
    /// Shared with the dev server's cache of linked pages.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<SectionIndex>,
    /// Files copied as they are (photos are published as variants only).
    pub assets: Vec<Asset>,
    /// The photos published pages use, to be processed.
    pub photos: Vec<images::Job>,
    /// Drafts and pages dated ahead that were left out, by file.
    pub left_out: Vec<LeftOut>,
    /// When the first page dated ahead is due: until then no page changes
    /// with the time alone (dev mode may reread only what was edited).
    pub due: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Indices into `pages` by language (newest first): lists and feeds
    /// ask for one language's pages many times a build.
    by_lang: Vec<Vec<usize>>,
}

impl Site {
    pub fn pages_in(&self, lang: LangId) -> impl Iterator<Item = &Page> + '_ {
        self.indices_in(lang).map(|i| &*self.pages[i])
    }

    /// Indices into `pages` of `lang`'s pages, newest first.
    pub fn indices_in(&self, lang: LangId) -> impl Iterator<Item = usize> + '_ {
        let index = usize::from(lang);
        self.by_lang.get(index).into_iter().flatten().copied()
    }

    /// Where `page` (a page of the site, maybe read again since) is in
    /// `pages`, found by where it sorts: its date, key and language.
    pub fn position(&self, page: &Page) -> Option<usize> {
        fn at(p: &Page) -> (std::cmp::Reverse<Date>, &str, LangId) {
            (std::cmp::Reverse(p.date), &p.key, p.lang)
        }
        let i = (self.pages)
            .binary_search_by(|p| at(p).cmp(&at(page)))
            .ok()?;
        (self.pages[i].source == page.source).then_some(i)
    }

    pub fn section_index(&self, key: &str, lang: LangId) -> Option<&SectionIndex> {
        self.sections
            .iter()
            .find(|s| s.key == key && s.lang == lang)
    }
}

/// Reads the whole `content/` folder, reusing what `cache` holds from an
/// earlier load and updating it. All problems of all files are returned.
pub fn load(config: &Config, options: LoadOptions, cache: &mut Cache) -> Result<Site, Errors> {
    let listing = cache.listing(config)?;
    let (sources, assets) = (&listing.0, &listing.1);
    let parsed = cache.read(config, sources, assets, options.publish);
    let mut errors = Errors::new();
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    for p in parsed {
        match p {
            Ok(parse::Parsed::Page(p)) => pages.push(p),
            Ok(parse::Parsed::Section(s)) => sections.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        if options.publish {
            let photos = photo_jobs(pages.iter().map(|p| (&p.file.source, &p.cover, &*p.body)));
            errors.extend(images::process(config, &photos).err().unwrap_or_default());
        }
        errors.sort();
        return Err(errors);
    }
    let (pages, left_out, due) = link::link(config, pages, options, cache.linked())?;
    // Photos are published as processed variants only (never the original,
    // which may carry GPS data); other files are copied as they are.
    let photos = photo_jobs(pages.iter().map(|p| (&p.source, &p.cover, &*p.body)));
    let assets = assets
        .iter()
        .filter(|a| !images::is_raster(&a.path))
        .cloned()
        .collect();
    let mut by_lang: Vec<Vec<usize>> = vec![Vec::new(); config.languages.len()];
    for (i, p) in pages.iter().enumerate() {
        by_lang[usize::from(p.lang)].push(i);
    }
    Ok(Site {
        by_lang,
        left_out,
        due,
        pages,
        sections,
        assets,
        photos,
    })
}

/// Dev mode: the articles whose Markdown files are `touched` (relative to
/// the root; each read again, with its translations linked again), as
/// (index into `site.pages`, new page), when that is all that changed.
/// `None` when it is not: a touched file that is not a listed article's (a
/// new, removed or renamed file, a list intro), a file that no longer
/// reads, a translation added, left out or dated ahead. The caller then
/// loads the whole site ([`load`], which reuses what was read here).
pub fn reload(
    config: &Config,
    options: LoadOptions,
    cache: &mut Cache,
    site: &Site,
    touched: &[&Path],
) -> Option<Vec<(usize, Arc<Page>)>> {
    cache.reread(config, options, site, touched)
}

impl Page {
    /// Whether `new` (this page read again) differs from it only in what no
    /// other output shows: its text's HTML, links, ids, headings, and the
    /// lines its figures and images are on. Then the plan, lists, cards,
    /// sitemap, `metrics.json` and photo jobs are as they were; its own
    /// document, its language's feed and search index and the checks of its
    /// links and its translations are all that can change.
    pub fn same_outside(&self, new: &Page) -> bool {
        // Every field named, so a new one is decided on here.
        let Page {
            source,
            lang,
            key,
            section,
            url,
            title,
            date,
            updated,
            summary,
            standfirst,
            author,
            location,
            tags,
            cover,
            show_cover,
            og_image,
            photo_credit,
            draft,
            future,
            weight,
            featured,
            aliases,
            corrections,
            extra,
            body,
            reading_minutes,
            translations,
            fingerprint: _,
        } = self;
        (source, lang, key, section, url, title)
            == (
                &new.source,
                &new.lang,
                &new.key,
                &new.section,
                &new.url,
                &new.title,
            )
            && (date, updated, summary, standfirst, author, location)
                == (
                    &new.date,
                    &new.updated,
                    &new.summary,
                    &new.standfirst,
                    &new.author,
                    &new.location,
                )
            && (tags, cover, show_cover, og_image, photo_credit, draft)
                == (
                    &new.tags,
                    &new.cover,
                    &new.show_cover,
                    &new.og_image,
                    &new.photo_credit,
                    &new.draft,
                )
            && (future, weight, featured, aliases, corrections, extra)
                == (
                    &new.future,
                    &new.weight,
                    &new.featured,
                    &new.aliases,
                    &new.corrections,
                    &new.extra,
                )
            && (reading_minutes, translations) == (&new.reading_minutes, &new.translations)
            && same_figures(body, &new.body)
            && same_photos(body, &new.body)
    }
}

/// The same figures, wherever they are in the text.
fn same_figures(a: &Rendered, b: &Rendered) -> bool {
    use crate::metrics::Metric;
    let same = |x: &Metric, y: &Metric| {
        (&x.label, &x.data, &x.display, &x.unit, &x.note, &x.change)
            == (&y.label, &y.data, &y.display, &y.unit, &y.note, &y.change)
            && x.value.to_bits() == y.value.to_bits()
            && x.exponent == y.exponent
    };
    a.metrics.len() == b.metrics.len()
        && (a.metrics.iter().zip(&b.metrics)).all(|(x, y)| {
            x.title == y.title
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(i, j)| same(i, j))
        })
}

/// The same images and linked photos, wherever they are in the text.
fn same_photos(a: &Rendered, b: &Rendered) -> bool {
    let image =
        |x: &ImageUse, y: &ImageUse| (&x.src, &x.url, &x.photo) == (&y.src, &y.url, &y.photo);
    a.images.len() == b.images.len()
        && a.images.iter().zip(&b.images).all(|(x, y)| image(x, y))
        && (a.links.iter().filter_map(|l| l.photo.as_ref()))
            .eq(b.links.iter().filter_map(|l| l.photo.as_ref()))
}

/// The photos pages use (body, links and cover), each once.
fn photo_jobs<'a>(
    pages: impl Iterator<Item = (&'a PathBuf, &'a Option<CoverImage>, &'a Rendered)>,
) -> Vec<images::Job> {
    images::jobs(pages.flat_map(|(source, cover, body)| {
        let photos = body.images.iter().filter_map(|i| i.photo.clone());
        let linked = body.links.iter().filter_map(|l| l.photo.clone());
        photos
            .chain(linked)
            .chain(cover.iter().filter_map(|c| c.photo.clone()))
            .map(move |photo| (photo, source.clone()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    pub(super) fn config() -> Config {
        Config::parse(Path::new("."), "base_url: https://x.org\ndefault_language: zh\nlanguages:\n  zh: { name: 中文, locale: zh-CN, title: 新闻 }\n  en: { name: English, title: News }\n").unwrap()
    }
}
