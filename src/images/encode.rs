//! Pixels: decoding upright and in sRGB within the pixel limit, resizing
//! (Lanczos3, SIMD) and writing encoded files into the cache.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::probe::{check_pixels, damaged, limits, unreadable};
use super::{Focus, Format, Photo, color, heic};
use crate::config::ImageConfig;
use crate::error::io_reason;
use crate::messages::Message;
use crate::msg;

/// Decodes a photo upright and in sRGB, within the configured limits:
/// 8-bit RGB, or RGBA for a photo published with its transparency.
pub(super) fn decode(settings: &ImageConfig, photo: &Photo) -> Result<DynamicImage, Message> {
    decode_bytes(settings, photo, photo.read()?)
}

/// [`decode`] of the photo's bytes, read already.
pub(super) fn decode_bytes(
    settings: &ImageConfig,
    photo: &Photo,
    bytes: Vec<u8>,
) -> Result<DynamicImage, Message> {
    let name = &photo.path;
    let image = if heic::is_heif(&bytes) {
        heic::decode(&bytes, name, settings.max_pixels)?
    } else {
        decode_image(settings, name, bytes)?
    };
    // 8-bit RGB (RGBA for transparent PNG) is all the encoders need.
    Ok(match photo.format {
        Format::Png => DynamicImage::ImageRgba8(image.into_rgba8()),
        _ if image.color().has_alpha() => flatten_on_white(image),
        _ => DynamicImage::ImageRgb8(image.into_rgb8()),
    })
}

/// JPEG, PNG, WebP, GIF (its first frame): upright, converted to sRGB from
/// an embedded ICC profile.
fn decode_image(
    settings: &ImageConfig,
    name: &str,
    bytes: Vec<u8>,
) -> Result<DynamicImage, Message> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(name, &e))?;
    reader.limits(limits(settings));
    let mut decoder = reader.into_decoder().map_err(|e| damaged(name, &e))?;
    let (w, h) = decoder.dimensions();
    check_pixels(name, w, h, settings.max_pixels)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder)
        .map_err(|e| msg!("image-damaged-pixels", path = name, reason = e.to_string()))?;
    let mut image = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        i if i.color().has_alpha() => DynamicImage::ImageRgba8(i.into_rgba8()),
        i => DynamicImage::ImageRgb8(i.into_rgb8()),
    };
    if let Some(icc) = icc {
        color::to_srgb(&mut image, &icc);
    }
    image.apply_orientation(orientation);
    Ok(image)
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
/// cuts the overflow around the focus, the middle by default (for the
/// social card).
pub(super) fn resize(
    src: &DynamicImage,
    width: u32,
    height: u32,
    crop: Option<Option<Focus>>,
) -> Result<DynamicImage, Message> {
    if src.width() == width && src.height() == height {
        return Ok(src.clone());
    }
    let pixel = src.pixel_type().ok_or_else(|| msg!("image-pixel-type"))?;
    let mut dst = Image::new(width, height, pixel);
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if let Some(focus) = crop {
        let f = focus.unwrap_or(Focus { x: 0.5, y: 0.5 });
        options = options.fit_into_destination(Some((f.x, f.y)));
    }
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| msg!("image-resize-failed", reason = e.to_string()))?;
    let buffer = dst.into_vec();
    let wrong_size = || msg!("image-resize-size");
    Ok(match src {
        DynamicImage::ImageRgba8(_) => DynamicImage::ImageRgba8(
            image::RgbaImage::from_raw(width, height, buffer).ok_or_else(wrong_size)?,
        ),
        _ => DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(width, height, buffer).ok_or_else(wrong_size)?,
        ),
    })
}

/// Writes a file into the cache: to a temporary name, then renamed, so a
/// crash never leaves half a file under a valid name.
pub(super) fn write_cached(cache: &Path, name: &str, bytes: &[u8]) -> Result<(), Message> {
    // Unique per process and thread: two builds may share a cache.
    let tmp = cache.join(format!(
        ".{name}.{}.{:?}.tmp",
        std::process::id(),
        std::thread::current().id()
    ));
    let unwritable = |e: std::io::Error| msg!("image-cache-unwritable", reason = io_reason(&e));
    fs::write(&tmp, bytes).map_err(unwritable)?;
    fs::rename(&tmp, cache.join(name)).map_err(unwritable)
}
