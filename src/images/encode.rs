//! Pixels: decoding upright within the pixel limit, resizing (Lanczos3,
//! SIMD) and encoding into the cache without any metadata.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader};

use super::probe::{check_pixels, limits};
use super::{Format, Photo};
use crate::config::Config;

/// Decodes a photo upright, within the configured limits.
pub(super) fn decode(config: &Config, photo: &Photo) -> Result<DynamicImage, String> {
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
pub(super) fn flatten_on_white(image: DynamicImage) -> DynamicImage {
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
pub(super) fn resize(
    src: &DynamicImage,
    width: u32,
    height: u32,
    crop: bool,
) -> Result<DynamicImage, String> {
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
pub(super) fn write_cached(
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
