//! Compares the resize options of the photo pipeline on one 3000x2000 photo
//! (the decision record for `src/images.rs`):
//!
//! ```sh
//! cargo run --release --example resize_bench
//! ```
//!
//! Prints milliseconds per photo for decoding, for resizing to 1600, 960 and
//! 480 with the `image` crate and with fast_image_resize (from the original
//! each time, and as a cascade), and for JPEG encoding, plus the mean
//! absolute difference between the two resizers' 480 outputs.

use std::time::Instant;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageEncoder, imageops};

const WIDTHS: [u32; 3] = [1600, 960, 480];
const ROUNDS: u32 = 5;

fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(3000, 2000, |x, y| {
        let n = ((x * 7919 + y * 104729) % 23) as u8;
        image::Rgb([(x % 251) as u8 ^ n, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&img)
        .unwrap();
    bytes
}

fn fir(src: &DynamicImage, w: u32) -> DynamicImage {
    let h = src.height() * w / src.width();
    let mut dst = Image::new(w, h, src.pixel_type().unwrap());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(src, &mut dst, &options).unwrap();
    DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, dst.into_vec()).unwrap())
}

fn ms(f: impl FnMut()) -> f64 {
    let mut f = f;
    let start = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    start.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
}

fn main() {
    let bytes = photo();
    let decode = ms(|| {
        image::load_from_memory(&bytes).unwrap();
    });
    let src = image::load_from_memory(&bytes).unwrap();
    let image_crate = ms(|| {
        for w in WIDTHS {
            let h = src.height() * w / src.width();
            imageops::resize(&src, w, h, imageops::FilterType::Lanczos3);
        }
    });
    let fir_each = ms(|| {
        for w in WIDTHS {
            fir(&src, w);
        }
    });
    let fir_cascade = ms(|| {
        let mut from = src.clone();
        for w in WIDTHS {
            from = fir(&from, w);
        }
    });
    let big = fir(&src, 1600);
    let encode = ms(|| {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .write_image(
                big.as_bytes(),
                big.width(),
                big.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
    });
    let encode_je = ms(|| {
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 82)
            .encode(
                big.as_bytes(),
                big.width() as u16,
                big.height() as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .unwrap();
    });
    let a = DynamicImage::ImageRgba8(imageops::resize(
        &src,
        480,
        320,
        imageops::FilterType::Lanczos3,
    ))
    .into_rgb8();
    let b = fir(&src, 480).into_rgb8();
    let diff: f64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .sum::<f64>()
        / a.as_raw().len() as f64;
    println!("3000x2000 photo, widths 1600/960/480, Lanczos3, {ROUNDS} rounds, one thread");
    println!("decode JPEG                          {decode:8.1} ms");
    println!("resize, image crate, from original   {image_crate:8.1} ms");
    println!("resize, fast_image_resize, original  {fir_each:8.1} ms");
    println!("resize, fast_image_resize, cascade   {fir_cascade:8.1} ms");
    println!("encode 1600w JPEG q82 (image crate)  {encode:8.1} ms");
    println!("encode 1600w JPEG q82 (jpeg-encoder) {encode_je:8.1} ms");
    println!("mean |difference| image vs fir, 480w {diff:8.2} (of 255)");
}
