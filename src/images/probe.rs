//! Reading a photo's header (never its pixels) to plan its variants: the
//! widths to make, their names (content-hashed, so a changed photo gets new
//! URLs) and the social-card crop. Damaged, cut-off and oversized photos are
//! refused here, before a build encodes anything.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageReader, Limits};

use super::{Format, Photo, Variant};
use crate::config::{Config, ImageConfig};

/// Bumped whenever the bytes this module writes change, so old cache
/// entries are not reused.
const PIPELINE_VERSION: u64 = 1;

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

pub(super) fn check_pixels(path: &str, w: u32, h: u32, max_pixels: u64) -> Result<(), String> {
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
