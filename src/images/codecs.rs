//! Encoders, one per published format, and each format's quality: the
//! defaults of WebP and AVIF are the settings that look like the JPEG at
//! `images.quality` (measured with SSIM against the resized original by
//! `examples/resize_bench.rs`), not the same number.

use image::{DynamicImage, ImageEncoder};

use super::Format;
use crate::config::ImageConfig;
use crate::messages::Message;
use crate::msg;

/// libwebp's effort (0 fastest … 6 smallest) and segments (1 … 4: regions
/// quantised apart), chosen by measurement on 3000x2000 photos and the
/// example site's (`examples/resize_bench.rs`). Bytes against the JPEG at
/// equal SSIM (generated / example photos) and encode time per photo at
/// three widths:
/// - method 4, 4 segments (libwebp's default): -29% / -36%, 142-148 ms;
/// - method 3, 1 segment: -34% / -33%, 127-132 ms (one segment skips the
///   segment analysis; method 3 and 4 share the rate-distortion search);
/// - method 2: -13% / -28%, 56-62 ms (no rate-distortion search: too
///   large on fine texture).
pub const WEBP_METHOD: i32 = 3;

/// See [`WEBP_METHOD`].
pub const WEBP_SEGMENTS: i32 = 1;

/// rav1e's speed (1 slowest … 10 fastest), chosen by measurement.
pub const AVIF_SPEED: u8 = 8;

/// `(JPEG quality, WebP quality, AVIF quality)` of equal SSIM to the
/// resized original on real photos (the example site's, in
/// `examples/resize_bench.rs`); between rows the qualities are
/// interpolated. (Generated photos with film grain need WebP 88 and AVIF
/// 81 to match JPEG 82: both smooth grain, which SSIM counts. At JPEG 82
/// WebP saves a third on the real photos and AVIF half.)
const EQUAL_QUALITY: &[(u8, f32, f32)] = &[
    (50, 42.0, 50.0),
    (60, 54.0, 55.0),
    (70, 67.0, 61.0),
    (82, 79.0, 72.0),
    (90, 92.0, 86.0),
    (100, 100.0, 100.0),
];

/// The WebP quality that looks like the JPEG at `jpeg`.
pub(super) fn equal_quality(jpeg: u8, column: fn(&(u8, f32, f32)) -> f32) -> f32 {
    let (mut lo, mut hi) = (EQUAL_QUALITY[0], EQUAL_QUALITY[EQUAL_QUALITY.len() - 1]);
    if jpeg <= lo.0 {
        return column(&lo) * jpeg as f32 / lo.0 as f32;
    }
    for pair in EQUAL_QUALITY.windows(2) {
        if (pair[0].0..=pair[1].0).contains(&jpeg) {
            (lo, hi) = (pair[0], pair[1]);
        }
    }
    let t = (jpeg - lo.0) as f32 / (hi.0 - lo.0) as f32;
    (column(&lo) + t * (column(&hi) - column(&lo))).round()
}

/// The quality each published format is encoded at under `settings`.
pub fn quality_of(settings: &ImageConfig, format: crate::config::OutputFormat) -> f32 {
    use crate::config::OutputFormat;
    quality(
        settings,
        match format {
            OutputFormat::Avif => Format::Avif,
            OutputFormat::Webp => Format::Webp,
            OutputFormat::Jpeg => Format::Jpeg,
        },
    )
}

/// The quality a format is encoded at.
pub(super) fn quality(settings: &ImageConfig, format: Format) -> f32 {
    match format {
        Format::Jpeg | Format::Png | Format::Gif => settings.quality as f32,
        Format::Webp => settings
            .webp_quality
            .map(f32::from)
            .unwrap_or_else(|| equal_quality(settings.quality, |r| r.1)),
        Format::Avif => settings
            .avif_quality
            .map(f32::from)
            .unwrap_or_else(|| equal_quality(settings.quality, |r| r.2)),
    }
}

/// What a format's files depend on, for cache keys.
pub(super) fn quality_key(settings: &ImageConfig, format: Format) -> String {
    match format {
        Format::Png | Format::Gif => "lossless".into(),
        Format::Jpeg => format!("{}", settings.quality),
        Format::Webp => format!(
            "{} m{WEBP_METHOD} s{WEBP_SEGMENTS}",
            quality(settings, format)
        ),
        Format::Avif => format!("{} s{AVIF_SPEED}", quality(settings, format)),
    }
}

/// `<format> encoding failed: <the encoder's words>`.
pub(super) fn failed(format: &str, reason: String) -> Message {
    msg!("image-encode-failed", format = format, reason = reason)
}

/// `<size> is too large for <format> (<most> pixels a side at most)`.
fn too_large(w: u32, h: u32, format: &str, most: u32) -> Message {
    msg!(
        "image-too-large-for",
        size = format!("{w}x{h}"),
        format = format,
        most = most.to_string()
    )
}

/// Encodes 8-bit RGB or RGBA pixels (no metadata is ever written).
pub(super) fn encode(
    image: &DynamicImage,
    format: Format,
    settings: &ImageConfig,
) -> Result<Vec<u8>, Message> {
    let (w, h) = (image.width(), image.height());
    let mut bytes = Vec::with_capacity((w * h) as usize / 4);
    match format {
        // jpeg-encoder (SIMD) is about 3 times faster than the image
        // crate's encoder at the same quality (examples/resize_bench.rs).
        Format::Jpeg => {
            let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(too_large(w, h, "JPEG", 65535));
            };
            jpeg_encoder::Encoder::new(&mut bytes, settings.quality)
                .encode(image.as_bytes(), w16, h16, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| failed("JPEG", e.to_string()))?;
        }
        Format::Png => image::codecs::png::PngEncoder::new(&mut bytes)
            .write_image(image.as_bytes(), w, h, image::ExtendedColorType::Rgba8)
            .map_err(|e| failed("PNG", e.to_string()))?,
        Format::Webp => bytes = webp(image, quality(settings, format))?,
        Format::Avif => bytes = avif(image, quality(settings, format))?,
        Format::Gif => return Err(msg!("image-gif-not-encoded")),
    }
    Ok(bytes)
}

/// A WebP encoder configured for photos: lossy at `quality`, one thread
/// (photos are encoded in parallel), alpha kept.
pub(super) fn webp_config(quality: f32) -> Result<webp::WebPConfig, Message> {
    let mut config = webp::WebPConfig::new().map_err(|_| msg!("image-webp-version"))?;
    config.lossless = 0;
    config.quality = quality;
    config.method = WEBP_METHOD;
    config.segments = WEBP_SEGMENTS;
    config.alpha_compression = 1;
    Ok(config)
}

fn webp(image: &DynamicImage, quality: f32) -> Result<Vec<u8>, Message> {
    let (w, h) = (image.width(), image.height());
    if w > 16383 || h > 16383 {
        return Err(too_large(w, h, "WebP", 16383));
    }
    let encoder = if image.color().has_alpha() {
        webp::Encoder::from_rgba(image.as_bytes(), w, h)
    } else {
        webp::Encoder::from_rgb(image.as_bytes(), w, h)
    };
    let memory = encoder
        .encode_advanced(&webp_config(quality)?)
        .map_err(|e| failed("WebP", format!("{e:?}")))?;
    Ok(memory.to_vec())
}

#[cfg(feature = "avif")]
fn avif(image: &DynamicImage, quality: f32) -> Result<Vec<u8>, Message> {
    use ravif::{Img, RGB8, RGBA8};
    let (w, h) = (image.width() as usize, image.height() as usize);
    let encoder = ravif::Encoder::new()
        .with_quality(quality)
        .with_alpha_quality(quality)
        .with_speed(AVIF_SPEED)
        // Photos are encoded in parallel already.
        .with_num_threads(Some(1));
    let bytes = image.as_bytes();
    let encoded = if image.color().has_alpha() {
        let px: Vec<RGBA8> = bytes
            .chunks_exact(4)
            .map(|p| RGBA8::new(p[0], p[1], p[2], p[3]))
            .collect();
        encoder.encode_rgba(Img::new(&px[..], w, h))
    } else {
        let px: Vec<RGB8> = bytes
            .chunks_exact(3)
            .map(|p| RGB8::new(p[0], p[1], p[2]))
            .collect();
        encoder.encode_rgb(Img::new(&px[..], w, h))
    };
    encoded
        .map(|e| e.avif_file)
        .map_err(|e| failed("AVIF", e.to_string()))
}

#[cfg(not(feature = "avif"))]
fn avif(_: &DynamicImage, _: f32) -> Result<Vec<u8>, Message> {
    Err(msg!("image-no-avif"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_qualities_follow_the_jpeg_quality() {
        let webp = |q| equal_quality(q, |r| r.1);
        assert_eq!(webp(82), 79.0);
        assert_eq!(equal_quality(82, |r| r.2), 72.0);
        assert!(webp(76) > webp(70) && webp(76) < webp(82));
        assert_eq!(webp(100), 100.0);
        assert!(webp(10) > 0.0 && webp(10) < webp(50));
        let settings = ImageConfig {
            webp_quality: Some(60),
            ..ImageConfig::default()
        };
        assert_eq!(quality(&settings, Format::Webp), 60.0);
        assert_eq!(quality(&settings, Format::Jpeg), 82.0);
    }
}
