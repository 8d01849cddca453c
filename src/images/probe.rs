//! Reading a photo's header (never its pixels) to plan its variants: the
//! widths to make, their names (content-hashed, so a changed photo gets new
//! URLs) and the social-card crop. Damaged, cut-off and oversized photos are
//! refused here, before a build encodes anything.

use std::fs;
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use image::{ImageDecoder, ImageReader, Limits};

use super::{Focus, Format, Photo, Source, Variant, animation, codecs, heic, meta};
use crate::config::{Config, ImageConfig, OutputFormat};
use crate::error::io_reason;
use crate::files::CACHE_DIR;
use crate::messages::Message;
use crate::msg;

/// Bumped whenever the bytes this module writes change, so old cache
/// entries are not reused. (2: colours converted to sRGB.)
pub(super) const PIPELINE_VERSION: u64 = 2;

/// The Open Graph image size (Facebook's and LinkedIn's 1.91:1).
const OG_SIZE: (u32, u32) = (1200, 630);

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
pub(super) fn limits(config: &ImageConfig) -> Limits {
    let mut limits = Limits::default();
    // 4 bytes a pixel plus room for the decoder's own buffers.
    limits.max_alloc = Some(config.max_pixels.saturating_mul(4).saturating_add(64 << 20));
    limits
}

/// A cache key: `what` (the settings a file depends on) over the bytes' key.
pub(super) fn key(bytes_key: u64, what: &str) -> String {
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64_with_seed(
            format!("v{PIPELINE_VERSION} {what}").as_bytes(),
            bytes_key
        )
    )
}

/// What a photo's header says, whatever its container.
pub(super) struct Header {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub animated: bool,
}

/// Reads a photo's header and plans its variants. Reads the file once to
/// hash it (the cache key), decodes nothing.
/// `encode`: whether working out the photo's placeholder may encode its
/// files into the cache from the same decode (a build; never `check`).
pub fn probe(config: &Config, source: &Path, path: &str, encode: bool) -> Result<Photo, Message> {
    let bytes = fs::read(source).map_err(|e| unreadable(path, &e))?;
    let settings = &config.images;
    let bytes_key = xxhash_rust::xxh3::xxh3_64(&bytes);
    let header = if heic::is_heif(&bytes) {
        heic::probe(&bytes, path, settings.max_pixels)?
    } else {
        read_header(&bytes, path, settings.max_pixels)?
    };
    let (width, height) = (header.width, header.height);
    let format = if header.animated {
        Format::Gif
    } else if header.alpha && path.to_ascii_lowercase().ends_with(".png") {
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
    // An animation is published at its own size: frames are not resized.
    let widths = if header.animated {
        vec![width]
    } else {
        plan_widths(width, &settings.widths)
    };
    let plan = |format: Format| -> Vec<Variant> {
        let quality = codecs::quality_key(settings, format);
        widths
            .iter()
            .enumerate()
            .map(|(i, &vw)| {
                let vh =
                    ((height as u64 * vw as u64 + width as u64 / 2) / width as u64).max(1) as u32;
                // Each size is resized from the one above it, so it depends
                // on those: a new width re-encodes only the sizes below it.
                let chain: Vec<String> = widths[i..].iter().map(|w| w.to_string()).collect();
                let key = key(
                    bytes_key,
                    &format!("{} q{quality} w{}", format.ext(), chain.join(",")),
                );
                variant(&prefix, stem, &key, &format!("{vw}w"), vw, vh, format.ext())
            })
            .collect()
    };
    let sources = settings
        .formats
        .iter()
        .filter_map(|f| match f {
            OutputFormat::Webp => Some(Format::Webp),
            OutputFormat::Avif if !header.animated => Some(Format::Avif),
            OutputFormat::Avif | OutputFormat::Jpeg => None,
        })
        .map(|f| Source {
            format: f,
            variants: plan(f),
        })
        .collect();
    let mut photo = Photo {
        source: source.to_path_buf(),
        path: path.to_string(),
        width,
        height,
        format,
        variants: plan(format),
        sources,
        og: Variant {
            width: 0,
            height: 0,
            path: String::new(),
            cache_name: String::new(),
        },
        focus: None,
        key: format!("{bytes_key:016x}"),
        meta: Arc::new(OnceLock::new()),
        meta_setup: Arc::new(meta::Setup {
            cache: config.root.join(CACHE_DIR),
            images: settings.clone(),
            encode,
        }),
    };
    photo.og = og_variant(&photo, None);
    Ok(photo)
}

fn variant(prefix: &str, stem: &str, key: &str, label: &str, w: u32, h: u32, ext: &str) -> Variant {
    Variant {
        width: w,
        height: h,
        path: format!("{prefix}{stem}.{}.{label}.{ext}", &key[..8]),
        cache_name: format!("{key}.{label}.{ext}"),
    }
}

/// The social-card crop of a photo centred on `focus` (the middle when
/// none): always JPEG, what every crawler reads.
pub(super) fn og_variant(photo: &Photo, focus: Option<Focus>) -> Variant {
    let (ow, oh) = og_size(photo.width, photo.height);
    let quality = photo.meta_setup.images.quality;
    let bytes_key = u64::from_str_radix(&photo.key, 16).unwrap_or_default();
    let focus = focus.map(|f| f.key()).unwrap_or_default();
    let key = key(bytes_key, &format!("og q{quality} f{focus}"));
    let (dir, file) = photo
        .path
        .rsplit_once('/')
        .map_or(("", photo.path.as_str()), |(d, f)| (d, f));
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    variant(&prefix, stem, &key, "og", ow, oh, "jpg")
}

/// The header of a JPEG, PNG, WebP or GIF: size upright, transparency and
/// (GIF) animation.
fn read_header(bytes: &[u8], path: &str, max_pixels: u64) -> Result<Header, Message> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(path, &e))?;
    match reader.format() {
        None => return Err(msg!("image-not-image", path = path)),
        Some(image::ImageFormat::Jpeg) if !jpeg_is_complete(bytes) => {
            return Err(msg!("image-jpeg-cut-off", path = path));
        }
        Some(_) => {}
    }
    let is_gif = reader.format() == Some(image::ImageFormat::Gif);
    let mut decoder = reader.into_decoder().map_err(|e| damaged(path, &e))?;
    let (w, h) = decoder.dimensions();
    check_pixels(path, w, h, max_pixels)?;
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
    Ok(Header {
        width,
        height,
        alpha: decoder.color_type().has_alpha(),
        animated: is_gif && animation::frame_count(bytes) > 1,
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

/// `cannot read image `…`: <the reason>`, for a failure to read its file.
pub(super) fn unreadable(path: &str, err: &std::io::Error) -> Message {
    msg!("image-unreadable", path = path, reason = io_reason(err))
}

/// `image `…` is damaged or unsupported: <the decoder's words>`.
pub(super) fn damaged(path: &str, err: &image::ImageError) -> Message {
    msg!("image-damaged", path = path, reason = err.to_string())
}

pub(super) fn check_pixels(path: &str, w: u32, h: u32, max_pixels: u64) -> Result<(), Message> {
    if w == 0 || h == 0 {
        return Err(msg!(
            "image-no-pixels",
            path = path,
            size = format!("{w}x{h}")
        ));
    }
    if w as u64 * h as u64 > max_pixels {
        return Err(msg!(
            "image-too-many-pixels",
            path = path,
            size = format!("{w}x{h}"),
            pixels = (w as u64 * h as u64).to_string(),
            most = max_pixels.to_string()
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
