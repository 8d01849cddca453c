//! Photos: every raster image a page uses is resized to the configured
//! widths (never upscaled), turned upright by its EXIF orientation and
//! re-encoded without any metadata (no GPS leaves the newsroom). Work is
//! parallel, each photo is decoded once for all its sizes, and results are
//! cached on disk by the source bytes and the settings, so an unchanged photo
//! is never encoded twice.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};
use rayon::prelude::*;

use crate::config::{Config, ImageConfig};
use crate::error::{Error, Errors};
use crate::output::{Data, OutputFile};

/// Where encoded variants are kept between builds, under the site root.
pub const CACHE_DIR: &str = ".unionpress-cache/images";

/// Bumped whenever the bytes this module writes change, so old cache
/// entries are not reused.
const PIPELINE_VERSION: u64 = 1;

/// The Open Graph image size (Facebook's and LinkedIn's 1.91:1).
const OG_SIZE: (u32, u32) = (1200, 630);

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
    cache_name: String,
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
                    crate::text::encode_path(&format!("{base_path}{}", v.path)),
                    v.width
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The widths to make for a photo `width` pixels wide: each configured width
/// up to its own, and its own width when it is below the largest.
fn plan_widths(width: u32, configured: &[u32]) -> Vec<u32> {
    let mut widths: Vec<u32> = configured.iter().copied().filter(|&w| w <= width).collect();
    if configured.iter().all(|&w| w > width) || (width < *configured.iter().max().unwrap_or(&0)) {
        widths.push(width);
    }
    widths.sort_unstable();
    widths.dedup();
    widths
}

/// Limits for every decoder: never more than the pixel limit allows.
fn limits(config: &ImageConfig) -> Limits {
    let mut limits = Limits::default();
    // 4 bytes a pixel plus room for the decoder's own buffers.
    limits.max_alloc = Some(config.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    limits
}

/// Reads a photo's header and plans its variants. Reads the file once to
/// hash it (the cache key), decodes nothing.
pub fn probe(config: &Config, source: &Path, path: &str) -> Result<Photo, String> {
    let bytes = fs::read(source).map_err(|e| format!("cannot read image `{path}`: {e}"))?;
    let settings = &config.images;
    let mut seed_text = format!("v{PIPELINE_VERSION} q{} w", settings.quality);
    for w in &settings.widths {
        seed_text.push_str(&format!("{w},"));
    }
    let key = xxhash_rust::xxh3::xxh3_64_with_seed(
        &bytes,
        xxhash_rust::xxh3::xxh3_64(seed_text.as_bytes()),
    );
    let key = format!("{key:016x}");

    let reader = ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read image `{path}`: {e}"))?;
    match reader.format() {
        None => {
            return Err(format!(
                "`{path}` is not an image in a supported format (JPEG, PNG, WebP, GIF)"
            ));
        }
        Some(image::ImageFormat::Jpeg) if !jpeg_is_complete(&bytes) => {
            return Err(format!(
                "image `{path}` is truncated or damaged: its JPEG data has no end marker"
            ));
        }
        Some(_) => {}
    }
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("image `{path}` is damaged or unsupported: {e}"))?;
    let (w, h) = decoder.dimensions();
    check_pixels(path, w, h, settings.max_pixels)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let swapped = matches!(
        orientation,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    let (width, height) = if swapped { (h, w) } else { (w, h) };
    let format = if decoder.color_type().has_alpha() && path.to_ascii_lowercase().ends_with(".png")
    {
        Format::Png
    } else {
        Format::Jpeg
    };

    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let variant = |label: String, w: u32, h: u32, ext: &str| Variant {
        width: w,
        height: h,
        path: format!("{prefix}{stem}.{}.{label}.{ext}", &key[..8]),
        cache_name: format!("{key}.{label}.{ext}"),
    };
    let variants = plan_widths(width, &settings.widths)
        .into_iter()
        .map(|vw| {
            let vh = ((height as u64 * vw as u64 + width as u64 / 2) / width as u64).max(1) as u32;
            variant(format!("{vw}w"), vw, vh, format.ext())
        })
        .collect();
    let (ow, oh) = og_size(width, height);
    Ok(Photo {
        source: source.to_path_buf(),
        path: path.to_string(),
        width,
        height,
        format,
        variants,
        og: variant("og".into(), ow, oh, "jpg"),
    })
}

/// Whether a JPEG's compressed data reaches its end marker (EOI). The
/// decoder fills a cut-off file with grey instead of failing, so a photo
/// half-copied from a phone would otherwise be published.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    // Walk the header segments to the first scan (an EXIF thumbnail inside
    // APP1 has its own scan and end marker), then look for EOI after it,
    // from the end where it usually is.
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF || bytes[i + 1] == 0xFF {
            // Stray bytes or fill before a marker: tolerated, as libjpeg does.
            i += 1;
            continue;
        }
        if bytes[i + 1] == 0xDA {
            return bytes[i + 2..].windows(2).rev().any(|w| w == [0xFF, 0xD9]);
        }
        i += 2 + u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
    }
    false
}

fn check_pixels(path: &str, w: u32, h: u32, max_pixels: u64) -> Result<(), String> {
    if w == 0 || h == 0 {
        return Err(format!("image `{path}` has no pixels ({w}x{h})"));
    }
    if w as u64 * h as u64 > max_pixels {
        return Err(format!(
            "image `{path}` is {w}x{h} = {} pixels, over the limit of {max_pixels} \
             (images.max_pixels in site.yaml)",
            w as u64 * h as u64
        ));
    }
    Ok(())
}

/// The social-card crop: 1200x630, or the largest 1.91:1 box a smaller
/// photo holds (never upscaled).
fn og_size(width: u32, height: u32) -> (u32, u32) {
    let (tw, th) = OG_SIZE;
    if width >= tw && height >= th {
        return (tw, th);
    }
    let w = width
        .min((height as u64 * tw as u64 / th as u64) as u32)
        .max(1);
    let h = ((w as u64 * th as u64 + tw as u64 / 2) / tw as u64) as u32;
    (w, h.clamp(1, height))
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

/// Encodes every variant not in the cache yet. Returns the output files
/// (pointing into the cache) and what was done. All failures are reported.
pub fn process(config: &Config, jobs: &[Job]) -> Result<(Vec<OutputFile>, Stats), Errors> {
    if jobs.is_empty() {
        return Ok((Vec::new(), Stats::default()));
    }
    let cache = config.root.join(CACHE_DIR);
    fs::create_dir_all(&cache).map_err(|e| vec![Error::io(Path::new(CACHE_DIR), e)])?;
    // The same photo in two bundles is one encoding: process each source
    // (cache key) once.
    let mut seen = HashSet::new();
    let unique: Vec<&Job> = jobs
        .iter()
        .filter(|j| seen.insert(j.photo.og.cache_name.clone()))
        .collect();
    let bar = progress_bar(unique.len());
    let results: Vec<Result<bool, Error>> = unique
        .par_iter()
        .map(|job| {
            let r = process_one(config, &cache, &job.photo).map_err(|message| {
                let pages: Vec<String> = job
                    .used_by
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                Error::new(
                    Path::new(crate::content::CONTENT_DIR).join(&job.photo.path),
                    format!("{message} (used by {})", pages.join(", ")),
                )
            });
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut stats = Stats::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(true) => stats.encoded += 1,
            Ok(false) => stats.cached += 1,
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    let files = jobs
        .iter()
        .flat_map(|j| j.photo.outputs())
        .map(|v| OutputFile {
            path: v.path.clone(),
            data: Data::Cached(cache.join(&v.cache_name)),
        })
        .collect();
    Ok((files, stats))
}

/// A progress bar on a terminal; nothing when stderr is not one.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || len < 8 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("photos {bar:30} {pos}/{len} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Makes one photo's variants unless all are cached. Returns whether it
/// encoded anything.
fn process_one(config: &Config, cache: &Path, photo: &Photo) -> Result<bool, String> {
    let all = || photo.outputs();
    if all().all(|v| cache.join(&v.cache_name).is_file()) {
        return Ok(false);
    }
    let image = decode(config, photo)?;
    let quality = config.images.quality;
    // Largest first, each smaller size from the one above it: resizing from
    // 1600 to 960 costs a third of resizing from 3000.
    let mut previous: Option<DynamicImage> = None;
    for v in photo.variants.iter().rev() {
        let from = previous.as_ref().unwrap_or(&image);
        let resized = resize(from, v.width, v.height, false)?;
        write_cached(cache, &v.cache_name, &resized, photo.format, quality)?;
        previous = Some(resized);
    }
    let mut og = resize(&image, photo.og.width, photo.og.height, true)?;
    if og.color().has_alpha() {
        og = flatten_on_white(og);
    }
    write_cached(cache, &photo.og.cache_name, &og, Format::Jpeg, quality)?;
    Ok(true)
}

/// Decodes a photo upright, within the configured limits.
fn decode(config: &Config, photo: &Photo) -> Result<DynamicImage, String> {
    let name = &photo.path;
    let bytes = fs::read(&photo.source).map_err(|e| format!("cannot read image `{name}`: {e}"))?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read image `{name}`: {e}"))?;
    reader.limits(limits(&config.images));
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("image `{name}` is damaged or unsupported: {e}"))?;
    let (w, h) = decoder.dimensions();
    check_pixels(name, w, h, config.images.max_pixels)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|e| format!("image `{name}` is damaged or truncated: {e}"))?;
    image.apply_orientation(orientation);
    // 8-bit RGB (RGBA for transparent PNG) is all the encoders need.
    Ok(match photo.format {
        Format::Png => DynamicImage::ImageRgba8(image.into_rgba8()),
        Format::Jpeg if image.color().has_alpha() => flatten_on_white(image),
        Format::Jpeg => DynamicImage::ImageRgb8(image.into_rgb8()),
    })
}

/// JPEG has no transparency: composite on white, as a page background is.
fn flatten_on_white(image: DynamicImage) -> DynamicImage {
    let rgba = image.into_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = px[3] as u32;
        for c in 0..3 {
            out[c] = ((px[c] as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    DynamicImage::ImageRgb8(rgb)
}

/// Lanczos3 resize with SIMD (fast_image_resize); `crop` fills the box and
/// cuts the overflow from the centre (for the social card).
fn resize(src: &DynamicImage, width: u32, height: u32, crop: bool) -> Result<DynamicImage, String> {
    if src.width() == width && src.height() == height {
        return Ok(src.clone());
    }
    let pixel = src.pixel_type().ok_or("unsupported pixel type")?;
    let mut dst = Image::new(width, height, pixel);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| format!("resize failed: {e}"))?;
    let buffer = dst.into_vec();
    Ok(match src {
        DynamicImage::ImageRgba8(_) => DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(width, height, buffer).ok_or("resize buffer size")?,
        ),
        _ => DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(width, height, buffer).ok_or("resize buffer size")?,
        ),
    })
}

/// Encodes into the cache: written to a temporary name, then renamed, so a
/// crash never leaves half a file under a valid name.
fn write_cached(
    cache: &Path,
    name: &str,
    image: &DynamicImage,
    format: Format,
    quality: u8,
) -> Result<(), String> {
    let mut bytes = Vec::with_capacity((image.width() * image.height()) as usize / 4);
    let (w, h) = (image.width(), image.height());
    let encoded = match format {
        // jpeg-encoder (SIMD) is about 3 times faster than the image
        // crate's encoder at the same quality (examples/resize_bench.rs).
        Format::Jpeg => {
            let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(format!(
                    "{w}x{h} is too large for JPEG (65535 pixels a side at most)"
                ));
            };
            jpeg_encoder::Encoder::new(&mut bytes, quality)
                .encode(image.as_bytes(), w16, h16, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| e.to_string())
        }
        Format::Png => image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(image.as_bytes(), w, h, image::ExtendedColorType::Rgba8)
            .map_err(|e| e.to_string()),
    };
    encoded.map_err(|e| format!("cannot encode: {e}"))?;
    // Unique per process and thread: two builds may share a cache.
    let tmp = cache.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    fs::write(&tmp, &bytes).map_err(|e| format!("cannot write the image cache: {e}"))?;
    fs::rename(&tmp, cache.join(name)).map_err(|e| format!("cannot write the image cache: {e}"))
}

/// Removes cache entries the last build did not use, so the cache does not
/// grow without bound as photos are replaced.
pub fn prune(config: &Config, jobs: &[Job]) -> std::io::Result<usize> {
    let cache = config.root.join(CACHE_DIR);
    let keep: HashSet<&str> = jobs
        .iter()
        .flat_map(|j| j.photo.outputs())
        .map(|v| v.cache_name.as_str())
        .collect();
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(&cache) else {
        return Ok(0);
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // A recent `.tmp` file may be another build's encoding in progress;
        // an old one was left by a crash.
        let in_progress = name.ends_with(".tmp")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or_default().as_secs() < 3600);
        if keep.contains(name.as_ref()) || in_progress {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            // Another build sharing the cache removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_keep_the_original_when_smaller() {
        let c = [480, 960, 1600];
        assert_eq!(plan_widths(3000, &c), vec![480, 960, 1600]);
        assert_eq!(plan_widths(1600, &c), vec![480, 960, 1600]);
        assert_eq!(plan_widths(1000, &c), vec![480, 960, 1000]);
        assert_eq!(plan_widths(640, &c), vec![480, 640]);
        assert_eq!(plan_widths(300, &c), vec![300]);
    }

    #[test]
    fn a_jpeg_is_complete_only_with_an_end_marker_after_its_own_scan() {
        // An APP1 segment holding a whole thumbnail (its own scan and EOI),
        // then the main scan.
        let thumb = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x11, 0xFF, 0xD9];
        let mut head = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 2 + thumb.len() as u8];
        head.extend(thumb);
        head.extend([0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0x00, 0x56]);
        assert!(!jpeg_is_complete(&head), "cut off after the scan began");
        let mut whole = head.clone();
        whole.extend([0xFF, 0xD9]);
        assert!(jpeg_is_complete(&whole));
        // Trailing bytes after EOI (some phones append data) are fine.
        whole.extend(b"trailer");
        assert!(jpeg_is_complete(&whole));
        assert!(!jpeg_is_complete(&[0xFF, 0xD8, 0xFF]), "no scan at all");
    }

    #[test]
    fn social_card_is_1200x630_or_smaller_at_the_same_ratio() {
        assert_eq!(og_size(3000, 2000), (1200, 630));
        assert_eq!(og_size(640, 427), (640, 336));
        assert_eq!(og_size(400, 100), (190, 100));
    }
}
