//! The decision record of the photo pipeline (`src/images/`), measured on
//! generated 3000x2000 photos:
//!
//! ```sh
//! cargo run --release --example resize_bench                     # JPEG, WebP
//! cargo run --release --features avif --example resize_bench     # and AVIF
//! QUICK=1 cargo run --release --example resize_bench              # no quality search
//! ```
//!
//! It prints, in order:
//! - decode, resize (the `image` crate against fast_image_resize, from the
//!   original and as a cascade) and JPEG encoders, one thread;
//! - the quality table: for each JPEG quality, the WebP (and AVIF) quality
//!   of equal SSIM against the resized original (the defaults of
//!   `src/images/codecs.rs`);
//! - libwebp's methods and segments, rav1e's speeds: time and bytes;
//! - per format at the defaults: encode ms per photo (three widths), bytes
//!   per photo and SSIM, next to the JPEG's;
//! - the placeholder: bytes a page gains per photo for an average colour
//!   against a tiny blurred preview inline.
//!
//! SSIM is the mean over R, G and B of Wang et al.'s SSIM (11x11 Gaussian
//! window, sigma 1.5) of the decoded file against the resized pixels it was
//! made from: 1 is identical. AVIF files are decoded with libheif's
//! `heif-convert` (Debian: libheif-examples), so AVIF rows need it.

use std::time::Instant;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, IntoImageView, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageEncoder, RgbImage, imageops};

const WIDTHS: [u32; 3] = [1600, 960, 480];
const ROUNDS: u32 = 3;
const PHOTOS: u64 = 4;
const JPEG_QUALITIES: [u8; 5] = [50, 60, 70, 82, 90];

/// A small deterministic random number generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 10_000) as f32 / 10_000.0
    }
}

/// Smooth value noise at one scale: a lattice of random values, bilinear.
fn value_noise(rng: &mut Rng, w: u32, h: u32, cell: u32) -> impl Fn(u32, u32) -> f32 + use<> {
    let (gw, gh) = (w / cell + 2, h / cell + 2);
    let grid: Vec<f32> = (0..gw * gh).map(|_| rng.unit()).collect();
    move |x, y| {
        let (fx, fy) = (x as f32 / cell as f32, y as f32 / cell as f32);
        let (ix, iy) = (fx as u32, fy as u32);
        let (tx, ty) = (fx - ix as f32, fy - iy as f32);
        let (tx, ty) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
        let g = |x: u32, y: u32| grid[(y * gw + x) as usize];
        let top = g(ix, iy) * (1.0 - tx) + g(ix + 1, iy) * tx;
        let bottom = g(ix, iy + 1) * (1.0 - tx) + g(ix + 1, iy + 1) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

/// A 3000x2000 photo-like picture: a sky gradient, fractal texture (many
/// scales, as nature has), hard-edged shapes and a little grain; saved as
/// a camera would (JPEG q92) and decoded back.
fn photo(seed: u64) -> Vec<u8> {
    let (w, h) = (3000, 2000);
    let mut rng = Rng(seed * 0x9E37_79B9_7F4A_7C15 + 1);
    let octaves: Vec<_> = [400, 150, 50, 16, 5]
        .into_iter()
        .map(|c| value_noise(&mut rng, w, h, c))
        .collect();
    let tint: Vec<[f32; 3]> = (0..4)
        .map(|_| [rng.unit() * 255.0, rng.unit() * 255.0, rng.unit() * 255.0])
        .collect();
    let discs: Vec<(f32, f32, f32, usize)> = (0..12)
        .map(|i| {
            (
                rng.unit() * w as f32,
                rng.unit() * h as f32,
                40.0 + rng.unit() * 300.0,
                i % 4,
            )
        })
        .collect();
    let mut grain = Rng(seed + 99);
    let img = RgbImage::from_fn(w, h, |x, y| {
        let t: f32 = octaves
            .iter()
            .zip([0.45, 0.25, 0.15, 0.1, 0.05])
            .map(|(o, a)| o(x, y) * a)
            .sum();
        let sky = y as f32 / h as f32;
        let mut c = [0.0f32; 3];
        for (k, v) in c.iter_mut().enumerate() {
            *v = tint[0][k] * (1.0 - sky) + tint[1][k] * sky;
            *v = *v * 0.6 + t * 160.0 - 40.0;
        }
        for &(cx, cy, r, i) in &discs {
            if (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2) < r * r {
                for (k, v) in c.iter_mut().enumerate() {
                    *v = tint[2 + i % 2][k] * 0.7 + t * 90.0;
                }
            }
        }
        let n = (grain.next() % 9) as f32 - 4.0;
        image::Rgb(c.map(|v| (v + n).clamp(0.0, 255.0) as u8))
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92)
        .encode_image(&img)
        .unwrap();
    bytes
}

fn fir(src: &DynamicImage, w: u32) -> DynamicImage {
    let h = src.height() * w / src.width();
    let mut dst = Image::new(w, h, src.pixel_type().unwrap());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(src, &mut dst, &options).unwrap();
    DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, dst.into_vec()).unwrap())
}

fn ms(f: impl FnMut()) -> f64 {
    let mut f = f;
    let start = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    start.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
}

/// Mean SSIM over R, G and B (Gaussian 11x11, sigma 1.5).
fn ssim(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = (a.width() as usize, a.height() as usize);
    let kernel: Vec<f64> = (-5i32..=5)
        .map(|i| (-(i * i) as f64 / (2.0 * 1.5 * 1.5)).exp())
        .collect();
    let sum: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / sum).collect();
    let blur = |plane: &[f64]| -> Vec<f64> {
        let mut tmp = vec![0.0; w * h];
        let mut out = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (i, k) in kernel.iter().enumerate() {
                    let xx = (x as i64 + i as i64 - 5).clamp(0, w as i64 - 1) as usize;
                    s += k * plane[y * w + xx];
                }
                tmp[y * w + x] = s;
            }
        }
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (i, k) in kernel.iter().enumerate() {
                    let yy = (y as i64 + i as i64 - 5).clamp(0, h as i64 - 1) as usize;
                    s += k * tmp[yy * w + x];
                }
                out[y * w + x] = s;
            }
        }
        out
    };
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let mut total = 0.0;
    for c in 0..3 {
        let pa: Vec<f64> = a.pixels().map(|p| p[c] as f64).collect();
        let pb: Vec<f64> = b.pixels().map(|p| p[c] as f64).collect();
        let prod = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(a, b)| a * b).collect::<Vec<_>>();
        let (ma, mb) = (blur(&pa), blur(&pb));
        let (saa, sbb, sab) = (
            blur(&prod(&pa, &pa)),
            blur(&prod(&pb, &pb)),
            blur(&prod(&pa, &pb)),
        );
        let mut s = 0.0;
        for i in 0..w * h {
            let (va, vb) = (saa[i] - ma[i] * ma[i], sbb[i] - mb[i] * mb[i]);
            let cov = sab[i] - ma[i] * mb[i];
            s += ((2.0 * ma[i] * mb[i] + c1) * (2.0 * cov + c2))
                / ((ma[i] * ma[i] + mb[i] * mb[i] + c1) * (va + vb + c2));
        }
        total += s / (w * h) as f64;
    }
    total / 3.0
}

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    Jpeg,
    /// libwebp's method and segments.
    Webp(i32, i32),
    #[cfg_attr(not(feature = "avif"), allow(dead_code))]
    Avif(u8),
}

fn encode(img: &RgbImage, fmt: Fmt, q: f32) -> Vec<u8> {
    match fmt {
        Fmt::Jpeg => {
            let mut out = Vec::new();
            jpeg_encoder::Encoder::new(&mut out, q as u8)
                .encode(
                    img.as_raw(),
                    img.width() as u16,
                    img.height() as u16,
                    jpeg_encoder::ColorType::Rgb,
                )
                .unwrap();
            out
        }
        Fmt::Webp(method, segments) => {
            let mut config = webp::WebPConfig::new().unwrap();
            config.quality = q;
            config.method = method;
            config.segments = segments;
            webp::Encoder::from_rgb(img.as_raw(), img.width(), img.height())
                .encode_advanced(&config)
                .unwrap()
                .to_vec()
        }
        #[cfg(feature = "avif")]
        Fmt::Avif(speed) => {
            let px: Vec<ravif::RGB8> = img
                .pixels()
                .map(|p| ravif::RGB8::new(p[0], p[1], p[2]))
                .collect();
            ravif::Encoder::new()
                .with_quality(q)
                .with_speed(speed)
                .with_num_threads(Some(1))
                .encode_rgb(ravif::Img::new(
                    &px[..],
                    img.width() as usize,
                    img.height() as usize,
                ))
                .unwrap()
                .avif_file
        }
        #[cfg(not(feature = "avif"))]
        Fmt::Avif(_) => unreachable!("built without the avif feature"),
    }
}

fn decode(bytes: &[u8], fmt: Fmt) -> RgbImage {
    match fmt {
        Fmt::Jpeg | Fmt::Webp(..) => image::load_from_memory(bytes).unwrap().into_rgb8(),
        Fmt::Avif(_) => {
            let dir = tempfile::tempdir().unwrap();
            let (a, p) = (dir.path().join("a.avif"), dir.path().join("a.png"));
            std::fs::write(&a, bytes).unwrap();
            let status = std::process::Command::new("heif-convert")
                .arg(&a)
                .arg(&p)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("heif-convert (Debian: libheif-examples) decodes AVIF");
            assert!(status.success());
            image::open(&p).unwrap().into_rgb8()
        }
    }
}

/// Mean SSIM and bytes of `fmt` at quality `q` over the photos' sizes.
fn score(sizes: &[RgbImage], fmt: Fmt, q: f32) -> (f64, usize) {
    let (mut s, mut bytes) = (0.0, 0);
    for img in sizes {
        let out = encode(img, fmt, q);
        bytes += out.len();
        s += ssim(img, &decode(&out, fmt));
    }
    (s / sizes.len() as f64, bytes / sizes.len())
}

/// The lowest quality of `fmt` whose SSIM reaches `target` (bisection).
fn equal_quality(sizes: &[RgbImage], fmt: Fmt, target: f64) -> (u8, f64, usize) {
    let (mut lo, mut hi) = (1u8, 100u8);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if score(sizes, fmt, mid as f32).0 >= target {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let (s, b) = score(sizes, fmt, lo as f32);
    (lo, s, b)
}

fn main() {
    let originals: Vec<Vec<u8>> = (0..PHOTOS).map(photo).collect();
    let bytes = &originals[0];
    let decode_ms = ms(|| {
        image::load_from_memory(bytes).unwrap();
    });
    let src = image::load_from_memory(bytes).unwrap();
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
    let encode_image = ms(|| {
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
        encode(&big.to_rgb8(), Fmt::Jpeg, 82.0);
    });
    // Colour management: a Display P3 photo converted to sRGB (qcms), the
    // whole 3000x2000 photo as the pipeline does.
    let p3 = {
        use qcms::{CIE_xyY, CIE_xyYTRIPLE};
        let xy = |x, y| CIE_xyY { x, y, Y: 1.0 };
        let table: Vec<u16> = (0..1024)
            .map(|i| {
                let v = i as f64 / 1023.0;
                let l = if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                };
                (l * 65535.0).round() as u16
            })
            .collect();
        let primaries = CIE_xyYTRIPLE {
            red: xy(0.680, 0.320),
            green: xy(0.265, 0.690),
            blue: xy(0.150, 0.060),
        };
        qcms::Profile::new_rgb_with_table(xy(0.3127, 0.3290), primaries, &table).unwrap()
    };
    let mut srgb = qcms::Profile::new_sRGB();
    srgb.precache_output_transform();
    let transform =
        qcms::Transform::new(&p3, &srgb, qcms::DataType::RGB8, qcms::Intent::Perceptual).unwrap();
    let mut pixels = src.to_rgb8().into_raw();
    let icc_ms = ms(|| transform.apply(&mut pixels));
    println!("3000x2000 photo, widths 1600/960/480, Lanczos3, {ROUNDS} rounds, one thread");
    println!("convert Display P3 to sRGB (qcms)    {icc_ms:8.1} ms");
    println!("decode JPEG                          {decode_ms:8.1} ms");
    println!("resize, image crate, from original   {image_crate:8.1} ms");
    println!("resize, fast_image_resize, original  {fir_each:8.1} ms");
    println!("resize, fast_image_resize, cascade   {fir_cascade:8.1} ms");
    println!("encode 1600w JPEG q82 (image crate)  {encode_image:8.1} ms");
    println!("encode 1600w JPEG q82 (jpeg-encoder) {encode_je:8.1} ms");

    // Every photo at every width, as the pipeline makes them.
    let sizes: Vec<Vec<RgbImage>> = originals
        .iter()
        .map(|b| {
            let mut from = image::load_from_memory(b).unwrap();
            WIDTHS
                .iter()
                .map(|&w| {
                    from = fir(&from, w);
                    from.to_rgb8()
                })
                .collect()
        })
        .collect();
    // Quality is matched at 960w (the `src`), over all photos.
    let at_960: Vec<RgbImage> = sizes.iter().map(|s| s[1].clone()).collect();

    println!("\nlibwebp method and segments at q78, 1600w (ms per image, bytes):");
    let at_1600: Vec<RgbImage> = sizes.iter().map(|s| s[0].clone()).collect();
    // Every method at libwebp's default 4 segments, then fewer segments.
    let webp_settings = [
        (0, 4),
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
        (6, 4),
        (3, 1),
        (4, 1),
        (4, 2),
    ];
    for (method, segments) in webp_settings {
        let fmt = Fmt::Webp(method, segments);
        let t = ms(|| {
            encode(&at_1600[0], fmt, 78.0);
        });
        let (s, b) = score(&at_1600, fmt, 78.0);
        println!("  method {method}, {segments} segments: {t:7.1} ms {b:8} bytes  SSIM {s:.4}");
    }
    #[cfg(feature = "avif")]
    {
        println!("\nrav1e speed at q62, 960w (ms per image, bytes):");
        for speed in [4, 6, 8, 10] {
            let t = ms(|| {
                encode(&at_960[0], Fmt::Avif(speed), 62.0);
            });
            let (s, b) = score(&at_960, Fmt::Avif(speed), 62.0);
            println!("  speed {speed:2}: {t:7.1} ms {b:8} bytes  SSIM {s:.4}");
        }
    }

    // Real photos too: the example site's (public-domain) photos, at their
    // own size up to 960 pixels wide.
    let example: Vec<RgbImage> = [
        "hubble_deep_field.jpg",
        "rocket.jpg",
        "astronaut.png",
        "chelsea.png",
        "coffee.png",
    ]
    .iter()
    .map(|name| {
        let path = format!(
            "{}/content/news/2021-suzhou-review/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let img = image::open(&path).unwrap();
        if img.width() > 960 {
            fir(&img, 960).to_rgb8()
        } else {
            img.to_rgb8()
        }
    })
    .collect();
    let both: Vec<RgbImage> = at_960.iter().chain(&example).cloned().collect();
    let sets = [
        ("generated photos, 960w", &at_960),
        ("example site photos", &example),
        ("both (the defaults)", &both),
    ];
    let mut formats = vec![
        ("WebP m2", Fmt::Webp(2, 4)),
        ("WebP m4", Fmt::Webp(4, 4)),
        ("WebP m3 s1", Fmt::Webp(3, 1)),
    ];
    if cfg!(feature = "avif") {
        formats.push(("AVIF s8", Fmt::Avif(8)));
        formats.push(("AVIF s10", Fmt::Avif(10)));
    }
    // QUICK=1 leaves out the quality search (minutes).
    let sets = if std::env::var_os("QUICK").is_some() {
        &sets[..0]
    } else {
        &sets[..]
    };
    for &(set, images) in sets {
        println!("\nequal SSIM, {set}: JPEG quality -> each format's quality");
        for q in JPEG_QUALITIES {
            let (target, jb) = score(images, Fmt::Jpeg, q as f32);
            print!("  JPEG q{q}: SSIM {target:.4} {jb:6} B");
            for (name, fmt) in &formats {
                let (fq, fs, fb) = equal_quality(images, *fmt, target);
                print!(
                    " | {name} q{fq}: {fs:.4} {fb:6} B ({:+.0}%)",
                    (fb as f64 / jb as f64 - 1.0) * 100.0
                );
            }
            println!();
        }
    }

    use unionpress::config::{ImageConfig, OutputFormat};
    use unionpress::images::{AVIF_SPEED, WEBP_METHOD, WEBP_SEGMENTS, quality_of};
    let settings = ImageConfig::default();
    let (wq, aq) = (
        quality_of(&settings, OutputFormat::Webp),
        quality_of(&settings, OutputFormat::Avif),
    );
    let mut rows = vec![
        (
            format!("JPEG q{}", settings.quality),
            Fmt::Jpeg,
            settings.quality as f32,
        ),
        (
            format!("WebP q{wq} m{WEBP_METHOD} s{WEBP_SEGMENTS}"),
            Fmt::Webp(WEBP_METHOD, WEBP_SEGMENTS),
            wq,
        ),
    ];
    if cfg!(feature = "avif") {
        rows.push((
            format!("AVIF q{aq} s{AVIF_SPEED}"),
            Fmt::Avif(AVIF_SPEED),
            aq,
        ));
    }
    for (name, fmt, q) in rows {
        let t = ms(|| {
            for img in &sizes[0] {
                encode(img, fmt, q);
            }
        });
        let (mut bytes, mut s) = (0, 0.0);
        for photo in &sizes {
            for img in photo {
                let out = encode(img, fmt, q);
                bytes += out.len();
                s += ssim(img, &decode(&out, fmt));
            }
        }
        let n = (sizes.len() * WIDTHS.len()) as f64;
        println!(
            "  {name:12} {t:7.1} ms/photo {:9.0} bytes/photo  SSIM {:.4}",
            bytes as f64 / sizes.len() as f64,
            s / n
        );
    }

    // The placeholder: what each photo adds to a page's HTML.
    let color = " style=\"background-color:#8a6f52\"".len();
    let tiny = fir(&src, 16).to_rgb8();
    let lqip = encode(&tiny, Fmt::Webp(4, 4), 40.0);
    let data_uri = format!(
        " style=\"background-image:url(data:image/webp;base64,{})\"",
        base64(&lqip)
    );
    println!(
        "\nplaceholder per photo: average colour {color} bytes; \
         16px blurred WebP inline {} bytes",
        data_uri.len()
    );
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
