//! Colour: a photo with an embedded ICC profile (Display P3 from phones,
//! Adobe RGB from cameras) is converted to sRGB with qcms (Firefox's colour
//! management) before it is resized and encoded, and published without the
//! profile, as browsers take untagged images as sRGB. A photo without one
//! is taken as sRGB.

use image::DynamicImage;
use qcms::{DataType, Intent, Profile, Transform};

/// Converts 8-bit RGB(A) pixels described by `icc` to sRGB, in place.
/// A profile that is sRGB already, or that qcms cannot read (a damaged or
/// exotic one), leaves the pixels as they are: the photo is then shown as
/// an untagged one would be.
pub(super) fn to_srgb(image: &mut DynamicImage, icc: &[u8]) {
    let Some(input) = Profile::new_from_slice(icc, false) else {
        return;
    };
    convert(image, &input);
}

/// Converts pixels in the colour space of `input` to sRGB, in place.
pub(super) fn convert(image: &mut DynamicImage, input: &Profile) {
    if input.is_sRGB() {
        return;
    }
    let mut output = Profile::new_sRGB();
    output.precache_output_transform();
    let (ty, data): (DataType, &mut [u8]) = match image {
        DynamicImage::ImageRgb8(i) => (DataType::RGB8, i.as_mut()),
        DynamicImage::ImageRgba8(i) => (DataType::RGBA8, i.as_mut()),
        _ => return,
    };
    if let Some(transform) = Transform::new(input, &output, ty, Intent::Perceptual) {
        // In bands: the transform is cheap per pixel, the photo large.
        use rayon::prelude::*;
        let row = image_row_bytes(ty, data.len());
        data.par_chunks_mut(row)
            .for_each(|band| transform.apply(band));
    }
}

/// About 256 KiB per band, whole pixels.
fn image_row_bytes(ty: DataType, len: usize) -> usize {
    let px = if matches!(ty, DataType::RGBA8) { 4 } else { 3 };
    (256 * 1024 / px * px).min(len.max(px))
}

/// The average colour of a photo (of its small version: a few thousand
/// pixels tell it), for the placeholder.
pub(super) fn average(image: &DynamicImage) -> [u8; 3] {
    let (w, h) = (image.width().max(1), image.height().max(1));
    let step_x = (w / 64).max(1);
    let step_y = (h / 64).max(1);
    let (mut sum, mut n) = ([0u64; 3], 0u64);
    let mut y = step_y / 2;
    while y < h {
        let mut x = step_x / 2;
        while x < w {
            let p = pixel(image, x, y);
            // Transparent pixels show the page, which is not the photo.
            if p[3] > 127 {
                for c in 0..3 {
                    sum[c] += p[c] as u64;
                }
                n += 1;
            }
            x += step_x;
        }
        y += step_y;
    }
    if n == 0 {
        return [255, 255, 255];
    }
    [0, 1, 2].map(|c| ((sum[c] + n / 2) / n) as u8)
}

fn pixel(image: &DynamicImage, x: u32, y: u32) -> [u8; 4] {
    match image {
        DynamicImage::ImageRgb8(i) => {
            let p = i.get_pixel(x, y).0;
            [p[0], p[1], p[2], 255]
        }
        DynamicImage::ImageRgba8(i) => i.get_pixel(x, y).0,
        other => {
            use image::GenericImageView;
            other.get_pixel(x, y).0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_of_two_halves_is_between_them() {
        let mut img = image::RgbImage::new(100, 50);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = if x < 50 {
                image::Rgb([200, 0, 0])
            } else {
                image::Rgb([0, 0, 100])
            };
        }
        assert_eq!(average(&DynamicImage::ImageRgb8(img)), [100, 0, 50]);
    }
}
