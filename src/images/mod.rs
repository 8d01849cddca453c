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

mod cache;
mod encode;
mod probe;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use cache::{process, prune};
pub use probe::probe;

/// `sizes` for photos in an article column (40rem wide at most).
pub const ARTICLE_SIZES: &str = "(min-width: 42rem) 40rem, 100vw";

/// File extensions processed as photos; other files are copied as they are.
pub fn is_raster(path: &str) -> bool {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "jpg" | "jpeg" | "png" | "webp" | "gif")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    /// PNG with transparency stays PNG.
    Png,
}

impl Format {
    fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
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

/// A photo of the site, probed (header only) and planned, not yet encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    pub source: PathBuf,
    /// Path relative to `content/`: `news/x/launch.jpg`.
    pub path: String,
    /// Size as displayed, after EXIF orientation.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Ascending widths; the middle one is the `src`.
    pub variants: Vec<Variant>,
    /// The 1200x630 crop for social cards (smaller for small photos).
    pub og: Variant,
}

impl Photo {
    /// The variant used as `src` (and for `width`/`height`): the middle one.
    pub fn src(&self) -> &Variant {
        &self.variants[(self.variants.len() - 1) / 2]
    }

    /// Every file the photo is published as: its variants and the social card.
    pub fn outputs(&self) -> impl Iterator<Item = &Variant> {
        self.variants.iter().chain(std::iter::once(&self.og))
    }

    /// `srcset` with root-relative URLs under `base_path`.
    pub fn srcset(&self, base_path: &str) -> String {
        self.variants
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
}

/// What processing did, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub encoded: usize,
    pub cached: usize,
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
        let job = by_path.entry(photo.path.clone()).or_insert_with(|| Job {
            photo,
            used_by: Vec::new(),
        });
        if !job.used_by.contains(&page) {
            job.used_by.push(page);
        }
    }
    by_path.into_values().collect()
}
