//! Photos: every raster image a page uses is resized to the configured
//! widths (never upscaled), turned upright by its EXIF orientation and
//! re-encoded without any metadata (no GPS leaves the newsroom). Work is
//! parallel, each photo is decoded once for all its sizes, and results are
//! cached on disk by the source bytes and the settings, so an unchanged photo
//! is never encoded twice.

//!
//! The stages: [`probe`] reads a photo's header and plans its variants
//! (content loading needs the sizes for markup); [`cache`] encodes what the
//! cache lacks ([`encode`] does the pixels) and removes what no page uses.

mod animation;
mod cache;
mod codecs;
mod color;
mod encode;
mod focus;
mod heic;
mod meta;
mod probe;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

pub use cache::{process, prune, verify};
pub use codecs::{AVIF_SPEED, WEBP_METHOD, WEBP_SEGMENTS, quality_of};
pub use focus::Focus;
pub use probe::probe;

/// `sizes` for photos in an article column (40rem wide at most).
pub const ARTICLE_SIZES: &str = "(min-width: 42rem) 40rem, 100vw";

/// File extensions processed as photos; other files are copied as they are.
/// HEIC/HEIF is always a photo: without the `heic` feature its probe says
/// how to get support, rather than the photo being copied unconverted.
pub fn is_raster(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(
        ext.as_str(),
        "jpg" | "jpeg" | "png" | "webp" | "gif" | "heic" | "heif"
    )
}

/// A format a photo is published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    /// PNG with transparency stays PNG (as its fallback).
    Png,
    /// An animated GIF's fallback: the original frames, metadata removed.
    Gif,
    Webp,
    Avif,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
        }
    }

    /// The MIME type, for `<source type>`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
        }
    }
}

/// One encoded size of a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Output path relative to the site root: `news/x/launch.3fa9c2d1.960w.jpg`.
    pub path: String,
    /// File name in the cache folder.
    pub(crate) cache_name: String,
}

/// The photo in one modern format, at the same widths as the fallback.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub format: Format,
    pub variants: Vec<Variant>,
}

/// What only the pixels tell (the placeholder colour; whether an animated
/// WebP beats the GIF), worked out the first time markup asks and kept in
/// the cache beside the variants.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Meta {
    /// The average colour, as the photo's background while it loads.
    pub color: Option<[u8; 3]>,
    /// An animated GIF: whether its animated WebP is smaller (and so
    /// published), with the WebP when it was just made.
    pub animated_webp: Option<bool>,
    pub fresh: Option<Arc<Vec<u8>>>,
    /// Whether the cache holds this (else the photo stage writes it).
    pub cached: bool,
    /// Files encoded while working this out (a build encodes a photo the
    /// first time a page shows it: one decode for the placeholder and
    /// every file), for the photo stage's count.
    pub encoded: usize,
}

/// A photo of the site, probed (header only) and planned, not yet encoded.
#[derive(Debug, Clone)]
pub struct Photo {
    pub source: PathBuf,
    /// Path relative to `content/`: `news/x/launch.jpg`.
    pub path: String,
    /// Size as displayed, after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// The fallback's format: JPEG, PNG (transparent) or GIF (animated).
    pub format: Format,
    /// The fallback (`<img>`) at ascending widths; the middle one is the `src`.
    pub variants: Vec<Variant>,
    /// The modern formats, best first (`images.formats`); an animated
    /// GIF's WebP only when it is smaller than the GIF.
    sources: Vec<Source>,
    /// The 1200x630 crop for social cards (smaller for small photos).
    pub og: Variant,
    /// Where the crops centre (the social card; CSS `object-position`).
    pub focus: Option<Focus>,
    /// The cache key of the bytes (and what decoding depends on).
    pub(crate) key: String,
    pub(crate) meta: Arc<OnceLock<Meta>>,
    /// What [`Photo::meta`] needs: the cache folder and the settings.
    pub(crate) meta_setup: Arc<meta::Setup>,
}

impl PartialEq for Photo {
    fn eq(&self, other: &Photo) -> bool {
        self.path == other.path
            && self.key == other.key
            && self.og == other.og
            && self.variants == other.variants
            && self.sources == other.sources
    }
}

impl Photo {
    /// The variant used as `src` (and for `width`/`height`): the middle one.
    pub fn src(&self) -> &Variant {
        &self.variants[(self.variants.len() - 1) / 2]
    }

    /// The modern formats published, best first, each a `<source>`.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        let animated_webp = self.format != Format::Gif || self.meta().animated_webp == Some(true);
        self.sources.iter().filter(move |_| animated_webp)
    }

    /// Every file the photo is published as: its variants in every format
    /// and the social card.
    pub fn outputs(&self) -> impl Iterator<Item = &Variant> {
        self.sources()
            .flat_map(|s| s.variants.iter())
            .chain(self.variants.iter())
            .chain(std::iter::once(&self.og))
    }

    /// `srcset` of the fallback with root-relative URLs under `base_path`.
    pub fn srcset(&self, base_path: &str) -> String {
        srcset(&self.variants, base_path)
    }

    /// `(type, srcset)` of each `<source>`, best first.
    pub fn source_sets(&self, base_path: &str) -> Vec<(&'static str, String)> {
        self.sources()
            .map(|s| (s.format.mime(), srcset(&s.variants, base_path)))
            .collect()
    }

    /// The placeholder as a CSS colour (`#8a6f52`), when the site has one.
    pub fn placeholder(&self) -> Option<String> {
        let [r, g, b] = self.meta().color?;
        Some(format!("#{r:02x}{g:02x}{b:02x}"))
    }

    /// The inline style of the photo's `<img>`: its placeholder colour as
    /// the background while it loads, and its focus where a crop shows it
    /// (CSS `object-position`: list cards, the lead story, galleries).
    pub fn style(&self) -> Option<String> {
        let mut style = Vec::new();
        if let Some(color) = self.placeholder() {
            style.push(format!("background-color:{color}"));
        }
        if let Some(focus) = self.focus {
            style.push(format!("object-position:{}", focus.css()));
        }
        (!style.is_empty()).then(|| style.join(";"))
    }

    /// The same photo with its crops centred on `focus`: the social card
    /// gets its own name (a page's focus does not change another's card).
    pub fn with_focus(&self, focus: Focus) -> Photo {
        let mut photo = self.clone();
        if photo.focus != Some(focus) {
            photo.og = probe::og_variant(&photo, Some(focus));
            photo.focus = Some(focus);
        }
        photo
    }

    pub(crate) fn meta(&self) -> &Meta {
        self.meta.get_or_init(|| meta::work_out(self))
    }

    /// The original's bytes, or why they cannot be read (naming the photo).
    fn read(&self) -> Result<Vec<u8>, crate::messages::Message> {
        std::fs::read(&self.source).map_err(|e| probe::unreadable(&self.path, &e))
    }
}

fn srcset(variants: &[Variant], base_path: &str) -> String {
    variants
        .iter()
        .map(|v| {
            format!(
                "{} {}w",
                crate::urls::encode_path(&format!("{base_path}{}", v.path)),
                v.width
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What processing did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Photos with at least one file encoded, and from the cache alone.
    pub encoded: usize,
    pub cached: usize,
    /// Files encoded, in every format.
    pub files: usize,
}

/// A photo to process and the pages that use it (for error messages).
#[derive(Debug, Clone)]
pub struct Job {
    pub photo: Arc<Photo>,
    pub used_by: Vec<PathBuf>,
}

/// The photos pages use, each once, with the pages using it.
pub fn jobs(uses: impl IntoIterator<Item = (Arc<Photo>, PathBuf)>) -> Vec<Job> {
    let mut by_path: BTreeMap<String, Job> = BTreeMap::new();
    for (photo, page) in uses {
        // One job per social-card crop: pages may centre it differently.
        let id = format!("{}\n{}", photo.path, photo.og.cache_name);
        let job = by_path.entry(id).or_insert_with(|| Job {
            photo,
            used_by: Vec::new(),
        });
        if !job.used_by.contains(&page) {
            job.used_by.push(page);
        }
    }
    by_path.into_values().collect()
}

/// A site folder holding one 64x48 PNG, `a.png`, of one colour (#c8280a),
/// for the photo stages' tests.
#[cfg(test)]
pub(crate) fn test_site() -> (tempfile::TempDir, crate::config::Config, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::config::Config::parse(
        dir.path(),
        "base_url: https://x.org\nlanguages:\n  zh: { name: 中文, title: t }\n",
    )
    .unwrap();
    let source = dir.path().join("a.png");
    image::RgbImage::from_pixel(64, 48, image::Rgb([200, 40, 10]))
        .save(&source)
        .unwrap();
    (dir, config, source)
}
