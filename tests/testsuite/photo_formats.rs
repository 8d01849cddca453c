//! Photos for today's phones: WebP (and AVIF) in `<picture>` beside the
//! JPEG fallback, colours converted to sRGB from an embedded profile with
//! no profile left, transparency and animation kept, HEIC read (with the
//! `heic` feature) or refused with a clear error, the placeholder colour,
//! focal points steering the crops, and a cache that re-encodes only what
//! a settings change affects.
//!
//! Every image is made here with the `image` crate (the ICC profile by
//! hand), except one 64x48 HEIC fixture (`tests/fixtures/photos/`, made
//! with libheif's heif-enc: the left half red, the right half blue).

use std::collections::BTreeMap;
use std::io::Cursor;

use image::{AnimationDecoder, DynamicImage};
use scraper::ElementRef;

use crate::support::{REPO, Run, SITE_YAML, Site, attr, md, select};

const ZH: &str = "content/news/a/index.zh.md";
const FM: &str = "title: 图片新闻\ndate: 2021-12-31";
const CACHE: &str = ".unionpress-cache/images";

fn article(body: &str) -> Site {
    Site::new().file(ZH, md(FM, body))
}

fn with_images(site: Site, images: &str) -> Site {
    site.file("site.yaml", format!("{SITE_YAML}images: {images}\n"))
}

/// A photo-like JPEG (gradients), `w` by `h`.
fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y) * 127 / (w + h)) as u8 + 64,
        ])
    });
    encode_jpeg(&img, 90, None)
}

/// A JPEG of `img`, with an ICC profile in APP2 when given.
fn encode_jpeg(img: &image::RgbImage, quality: u8, icc: Option<&[u8]>) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(img)
        .unwrap();
    if let Some(icc) = icc {
        let mut app2 = b"ICC_PROFILE\0\x01\x01".to_vec();
        app2.extend_from_slice(icc);
        let len = (app2.len() + 2) as u16;
        let mut out = bytes[..2].to_vec();
        out.extend([0xFF, 0xE2]);
        out.extend(len.to_be_bytes());
        out.extend(app2);
        out.extend_from_slice(&bytes[2..]);
        bytes = out;
    }
    bytes
}

/// The URL of an output file → its path in the output.
fn file_of(url: &str) -> &str {
    url.trim_start_matches('/')
}

/// `(url, descriptor)` of each candidate of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, String)> {
    srcset
        .split(", ")
        .map(|c| {
            let (u, d) = c.rsplit_once(' ').unwrap();
            (u.to_string(), d.to_string())
        })
        .collect()
}

/// The `<source>`s of a `<picture>`: type → srcset.
fn sources(picture: ElementRef) -> Vec<(String, String)> {
    select(picture, "source")
        .into_iter()
        .map(|s| (attr(s, "type"), attr(s, "srcset")))
        .collect()
}

/// The RIFF chunk names of a WebP file.
fn webp_chunks(bytes: &[u8]) -> Vec<String> {
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    let mut out = Vec::new();
    let mut i = 12;
    while i + 8 <= bytes.len() {
        out.push(String::from_utf8_lossy(&bytes[i..i + 4]).into_owned());
        let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap()) as usize;
        // ANIM frames nest their image chunks; the names are enough here.
        i += 8 + len + len % 2;
    }
    out
}

/// The marker of every JPEG segment before the scan.
fn jpeg_markers(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF {
        let marker = bytes[i + 1];
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        out.push((marker, bytes[i + 4..i + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    out
}

/// Asserts an output file holds no colour profile, EXIF or XMP.
#[track_caller]
fn assert_no_profile_or_exif(name: &str, bytes: &[u8]) {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        for (marker, payload) in jpeg_markers(bytes) {
            assert!(
                !(marker == 0xE1 || marker == 0xE2),
                "{name} has APP{} {:?}",
                marker - 0xE0,
                String::from_utf8_lossy(&payload[..payload.len().min(12)])
            );
        }
    } else if bytes.starts_with(b"RIFF") {
        let chunks = webp_chunks(bytes);
        for bad in ["ICCP", "EXIF", "XMP "] {
            assert!(
                !chunks.iter().any(|c| c == bad),
                "{name} has {bad}: {chunks:?}"
            );
        }
    }
    for needle in [
        &b"Exif\0\0"[..],
        b"ICC_PROFILE",
        b"acsp",
        b"ns.adobe.com/xap",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{name} holds {:?}",
            String::from_utf8_lossy(needle)
        );
    }
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("an output photo decodes")
}

#[test]
fn picture_has_a_webp_source_per_width_and_a_jpeg_fallback() {
    let built = article("![大会现场](big.jpg)\n\n![小图](small.jpg)\n")
        .file("content/news/a/big.jpg", photo(2000, 640))
        .file("content/news/a/small.jpg", photo(300, 200))
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let pictures = page.select("main figure picture");
    assert_eq!(pictures.len(), 2);
    for (picture, widths) in pictures
        .iter()
        .zip([vec!["480w", "960w", "1600w"], vec!["300w"]])
    {
        let img = select(*picture, "img")[0];
        // The fallback: a JPEG at every width, sized, with alt and loading.
        let fallback = candidates(&attr(img, "srcset"));
        assert_eq!(
            fallback.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
            widths
        );
        for (url, w) in &fallback {
            assert!(url.ends_with(".jpg"), "{url}");
            let px = decode(&built.bytes(file_of(url)));
            assert_eq!(format!("{}w", px.width()), *w);
        }
        assert!(attr(img, "src").ends_with(".jpg"));
        for a in ["width", "height", "alt", "loading", "decoding", "sizes"] {
            assert!(
                img.value().attr(a).is_some(),
                "<img> has {a}: {}",
                img.html()
            );
        }
        // One WebP source with the same widths, decoding to those sizes.
        let s = sources(*picture);
        assert_eq!(s.len(), 1, "{}", picture.html());
        assert_eq!(s[0].0, "image/webp");
        let webp = candidates(&s[0].1);
        assert_eq!(
            webp.iter().map(|c| c.1.as_str()).collect::<Vec<_>>(),
            widths
        );
        for (url, w) in &webp {
            assert!(url.ends_with(".webp"), "{url}");
            let bytes = built.bytes(file_of(url));
            assert!(
                webp_chunks(&bytes).contains(&"VP8 ".to_string()),
                "lossy WebP"
            );
            assert_eq!(format!("{}w", decode(&bytes).width()), *w);
        }
        assert!(
            select(*picture, "source")[0]
                .value()
                .attr("sizes")
                .is_some()
        );
    }
    // The social card stays a JPEG.
    let og = page.attr("head meta[property='og:image']", "content");
    assert!(og.ends_with(".og.jpg"), "{og}");
}

#[test]
fn jpeg_alone_has_no_sources_and_avif_needs_its_feature() {
    let site = with_images(
        article("![图](a.jpg)\n").file("content/news/a/a.jpg", photo(640, 480)),
        "{ formats: [jpeg] }",
    );
    let built = site.build().ok();
    let page = built.html("news/a/index.html");
    assert!(page.select("main source").is_empty());
    assert!(!built.tree().keys().any(|f| f.ends_with(".webp")));

    let site = with_images(site, "{ formats: [avif, webp, jpeg] }");
    if cfg!(feature = "avif") {
        let built = site.build().ok();
        let page = built.html("news/a/index.html");
        let types: Vec<String> = page.attrs("main source", "type");
        assert_eq!(types, ["image/avif", "image/webp"], "best first");
        for (url, _) in candidates(&page.attr("main source[type='image/avif']", "srcset")) {
            let bytes = built.bytes(file_of(&url));
            assert_eq!(&bytes[4..12], b"ftypavif", "{url}");
        }
    } else {
        let run = site.build().fails();
        assert!(run.stderr.contains("--features avif"), "{}", run.stderr);
    }
    let run = with_images(site, "{ formats: [webp] }").build().fails();
    assert!(
        run.stderr.contains("must end with `jpeg`"),
        "{}",
        run.stderr
    );
}

/// An ICC v2 display profile with Display P3's primaries (adapted to D50,
/// as Apple's is) and the sRGB curve.
fn display_p3_icc() -> Vec<u8> {
    let s15 = |v: f64| ((v * 65536.0).round() as i32).to_be_bytes();
    let xyz = |x: f64, y: f64, z: f64| {
        let mut t = b"XYZ \0\0\0\0".to_vec();
        for v in [x, y, z] {
            t.extend(s15(v));
        }
        t
    };
    let mut curve = b"curv\0\0\0\0".to_vec();
    curve.extend(1024u32.to_be_bytes());
    for i in 0..1024 {
        let v = i as f64 / 1023.0;
        let l = if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        curve.extend(((l * 65535.0).round() as u16).to_be_bytes());
    }
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"wtpt", xyz(0.964203, 1.0, 0.824905)),
        (b"rXYZ", xyz(0.515121, 0.241196, -0.001053)),
        (b"gXYZ", xyz(0.291977, 0.692245, 0.041885)),
        (b"bXYZ", xyz(0.157104, 0.066574, 0.784073)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let mut table = (tags.len() as u32).to_be_bytes().to_vec();
    let mut data = Vec::new();
    let start = 128 + 4 + 12 * tags.len();
    for (sig, body) in &tags {
        table.extend(*sig);
        table.extend(((start + data.len()) as u32).to_be_bytes());
        table.extend((body.len() as u32).to_be_bytes());
        data.extend(body);
        while data.len() % 4 != 0 {
            data.push(0);
        }
    }
    let size = start + data.len();
    let mut header = vec![0u8; 128];
    header[..4].copy_from_slice(&(size as u32).to_be_bytes());
    header[8..12].copy_from_slice(&[2, 0x10, 0, 0]);
    header[12..16].copy_from_slice(b"mntr");
    header[16..20].copy_from_slice(b"RGB ");
    header[20..24].copy_from_slice(b"XYZ ");
    header[36..40].copy_from_slice(b"acsp");
    for (i, v) in [0.9642, 1.0, 0.8249].into_iter().enumerate() {
        header[68 + 4 * i..72 + 4 * i].copy_from_slice(&s15(v));
    }
    [header, table, data].concat()
}

/// What a colour-managed viewer shows for a Display P3 colour, in sRGB:
/// P3 to linear, to XYZ (D65), to linear sRGB, encoded.
fn p3_to_srgb(c: [u8; 3]) -> [f64; 3] {
    const P3: [[f64; 3]; 3] = [
        [0.4865709, 0.2656677, 0.1982173],
        [0.2289746, 0.6917385, 0.0792869],
        [0.0, 0.0451134, 1.0439444],
    ];
    const SRGB: [[f64; 3]; 3] = [
        [3.2404542, -1.5371385, -0.4985314],
        [-0.9692660, 1.8760108, 0.0415560],
        [0.0556434, -0.2040259, 1.0572252],
    ];
    let lin = c.map(|v| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    });
    let mul = |m: [[f64; 3]; 3], v: [f64; 3]| {
        [0, 1, 2].map(|i| m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2])
    };
    mul(SRGB, mul(P3, lin)).map(|l| {
        let l = l.clamp(0.0, 1.0);
        255.0
            * if l <= 0.0031308 {
                l * 12.92
            } else {
                1.055 * l.powf(1.0 / 2.4) - 0.055
            }
    })
}

#[test]
fn a_display_p3_red_is_published_as_the_srgb_a_colour_managed_viewer_shows() {
    let red = [200, 50, 50];
    let expected = p3_to_srgb(red);
    // Converted, the red is redder and the green lower: (218, 24, 40).
    assert!((expected[0] - 218.0).abs() < 1.0 && (expected[1] - 24.0).abs() < 1.0);
    let img = image::RgbImage::from_pixel(640, 420, image::Rgb(red));
    let icc = display_p3_icc();
    let built = article("![红](p3.jpg)\n")
        .file("content/news/a/p3.jpg", encode_jpeg(&img, 100, Some(&icc)))
        .file("content/news/a/plain.jpg", encode_jpeg(&img, 100, None))
        .file(
            "content/news/b/index.zh.md",
            md("title: 二\ndate: 2021-12-30", "![红](../a/plain.jpg)\n"),
        )
        .build()
        .ok();
    let files: BTreeMap<String, Vec<u8>> = built
        .tree()
        .into_iter()
        .filter(|(f, _)| f.starts_with("news/a/p3.") || f.starts_with("news/a/plain."))
        .collect();
    assert!(files.len() >= 6, "{:?}", files.keys());
    for (name, bytes) in &files {
        assert_no_profile_or_exif(name, bytes);
        let px = decode(bytes).to_rgb8();
        let got = px.get_pixel(px.width() / 2, px.height() / 2).0;
        // An untagged photo is sRGB already: its colour is kept.
        let want = if name.contains("plain.") {
            red.map(f64::from)
        } else {
            expected
        };
        for c in 0..3 {
            assert!(
                (got[c] as f64 - want[c]).abs() <= 4.0,
                "{name}: {got:?}, expected about {want:?}"
            );
        }
    }
}

/// A 64x48 PNG, opaque red in the middle, fully transparent around it.
fn transparent_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(64, 48, |x, y| {
        if (16..48).contains(&x) && (12..36).contains(&y) {
            image::Rgba([220, 30, 30, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

#[test]
fn a_transparent_png_stays_transparent_in_every_format() {
    let formats = if cfg!(feature = "avif") {
        "{ formats: [avif, webp, jpeg] }"
    } else {
        "{ formats: [webp, jpeg] }"
    };
    let built = with_images(
        article("![徽标](logo.png)\n").file("content/news/a/logo.png", transparent_png()),
        formats,
    )
    .build()
    .ok();
    let page = built.html("news/a/index.html");
    let fallback = page.attr("main picture img", "src");
    assert!(fallback.ends_with(".png"), "{fallback}");
    let srcset = page.attr("main source[type='image/webp']", "srcset");
    let webp = built.bytes(file_of(srcset.rsplit_once(' ').unwrap().0));
    assert!(
        webp_chunks(&webp).iter().any(|c| c == "VP8X"),
        "extended WebP"
    );
    let px = decode(&webp).to_rgba8();
    assert!(
        px.get_pixel(2, 2)[3] < 10,
        "corner transparent: {:?}",
        px.get_pixel(2, 2)
    );
    let centre = px.get_pixel(32, 24);
    assert!(
        centre[3] > 245 && centre[0] > 190,
        "centre opaque red: {centre:?}"
    );
    if cfg!(feature = "avif") {
        let url = page.attr("main source[type='image/avif']", "srcset");
        let avif = built.bytes(file_of(url.rsplit_once(' ').unwrap().0));
        let alpha = b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha";
        assert!(
            avif.windows(alpha.len()).any(|w| w == alpha),
            "the AVIF has an alpha plane"
        );
    }
}

/// An animated 120x80 GIF of `frames` frames of gradients (which GIF
/// stores poorly), with a comment block.
fn animated_gif(frames: u32) -> Vec<u8> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new_with_speed(&mut out, 30);
        enc.set_repeat(Repeat::Infinite).unwrap();
        for i in 0..frames {
            let img = image::RgbaImage::from_fn(120, 80, |x, y| {
                image::Rgba([(x * 2 + i * 40) as u8, (y * 3) as u8, (i * 60) as u8, 255])
            });
            enc.encode_frame(image::Frame::from_parts(
                img,
                0,
                0,
                image::Delay::from_numer_denom_ms(150, 1),
            ))
            .unwrap();
        }
    }
    out.pop();
    out.extend(b"\x21\xFE\x08UnionCam\x00\x3B");
    out
}

#[test]
fn an_animated_gif_stays_animated() {
    let built = article("![动图](anim.gif)\n")
        .file("content/news/a/anim.gif", animated_gif(4))
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let img = page.one("main picture img");
    let gif = built.bytes(file_of(&attr(img, "src")));
    assert!(gif.starts_with(b"GIF8"), "the fallback is the GIF");
    let frames = image::codecs::gif::GifDecoder::new(Cursor::new(&gif))
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 4, "every frame is kept");
    assert!(!gif.windows(8).any(|w| w == b"UnionCam"), "no comment left");
    // Gradients make a GIF large: the animated WebP is smaller, and used.
    let source = page.attr("main source[type='image/webp']", "srcset");
    let webp = built.bytes(file_of(source.rsplit_once(' ').unwrap().0));
    let chunks = webp_chunks(&webp);
    assert!(chunks.contains(&"ANIM".to_string()), "{chunks:?}");
    assert_eq!(
        chunks.iter().filter(|c| *c == "ANMF").count(),
        4,
        "{chunks:?}"
    );
    assert!(webp.len() < gif.len());
}

/// A 1200x1200 photo: a red top third, green middle, blue bottom.
fn bands() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 1200, |_, y| match y * 3 / 1200 {
        0 => image::Rgb([220, 20, 20]),
        1 => image::Rgb([20, 200, 20]),
        _ => image::Rgb([20, 20, 220]),
    });
    encode_jpeg(&img, 90, None)
}

/// The colour in the middle of the social card of a page.
fn card_middle(built: &Run, page: &str) -> [u8; 3] {
    let page = built.html(page);
    let og = page.attr("head meta[property='og:image']", "content");
    let file = og.strip_prefix("https://example.org/").unwrap();
    let card = decode(&built.bytes(file)).to_rgb8();
    assert_eq!(card.dimensions(), (1200, 630));
    card.get_pixel(600, 315).0
}

fn dominant(c: [u8; 3]) -> usize {
    (0..3).max_by_key(|&i| c[i]).unwrap()
}

#[test]
fn the_focal_point_moves_the_social_card_and_list_card_crops() {
    let page = |slug: &str, fm: &str, body: &str| {
        (
            format!("content/news/{slug}/index.zh.md"),
            md(&format!("title: {slug}\ndate: 2021-12-31\n{fm}"), body),
        )
    };
    let pages = [
        page("middle", "cover: p.jpg", "正文。\n"),
        page(
            "top",
            "cover: { src: p.jpg, focus: \"50% 0%\" }",
            "正文。\n",
        ),
        page("bottom", "", "![底部](p.jpg#focus=50%,100%)\n"),
    ];
    let mut site = Site::new();
    for (path, text) in &pages {
        site = site.file(path, text);
        site = site.file(&path.replace("index.zh.md", "p.jpg"), bands());
    }
    let built = site.build().ok();
    assert_eq!(dominant(card_middle(&built, "news/middle/index.html")), 1);
    assert_eq!(dominant(card_middle(&built, "news/top/index.html")), 0);
    assert_eq!(dominant(card_middle(&built, "news/bottom/index.html")), 2);
    // In the browser's crops: the list card and the figure.
    let list = built.html("news/index.html");
    let styles = list.attrs(".card .thumb img", "style");
    assert!(
        styles.iter().any(|s| s.contains("object-position:50% 0%")),
        "{styles:?}"
    );
    let figure = built.html("news/bottom/index.html");
    let style = figure.attr("main figure img", "style");
    assert!(style.contains("object-position:50% 100%"), "{style}");
    // A focus that is not a point is an error on its line.
    let run = Site::new()
        .file(ZH, md(FM, "![图](p.jpg#focus=left)\n"))
        .file("content/news/a/p.jpg", bands())
        .build()
        .fails();
    assert!(run.stderr.contains("two percentages"), "{}", run.stderr);
}

#[test]
fn the_placeholder_is_the_photos_average_colour() {
    let img = image::RgbImage::from_pixel(200, 100, image::Rgb([30, 120, 200]));
    let site =
        article("![蓝](blue.jpg)\n").file("content/news/a/blue.jpg", encode_jpeg(&img, 95, None));
    let page = site.build().ok().html("news/a/index.html");
    let style = page.attr("main picture img", "style");
    let hex = style
        .strip_prefix("background-color:#")
        .unwrap_or_else(|| panic!("{style}"));
    let c: Vec<i32> = (0..3)
        .map(|i| i32::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    for (got, want) in c.iter().zip([30, 120, 200]) {
        assert!((got - want).abs() <= 3, "{style}");
    }
    let none = with_images(site, "{ placeholder: none }").build().ok();
    let page = none.html("news/a/index.html");
    assert!(page.one("main picture img").value().attr("style").is_none());
}

#[test]
fn heic_is_read_with_the_feature_and_named_without_it() {
    let heic = std::fs::read(format!("{REPO}/tests/fixtures/photos/halves.heic")).unwrap();
    let site = article("![iPhone](IMG_0001.HEIC)\n").file("content/news/a/IMG_0001.HEIC", heic);
    if cfg!(feature = "heic") {
        let built = site.build().ok();
        let page = built.html("news/a/index.html");
        let src = page.attr("main picture img", "src");
        assert!(src.ends_with(".64w.jpg"), "{src}");
        let px = decode(&built.bytes(file_of(&src))).to_rgb8();
        assert_eq!(px.dimensions(), (64, 48));
        let (left, right) = (px.get_pixel(8, 24).0, px.get_pixel(56, 24).0);
        assert_eq!(
            (dominant(left), dominant(right)),
            (0, 2),
            "{left:?} {right:?}"
        );
        assert!(!built.tree().keys().any(|f| f.ends_with(".HEIC")));
    } else {
        let run = site.build().fails();
        let line = run.error_lines().join("\n");
        assert!(line.contains("IMG_0001.HEIC"), "{line}");
        assert!(line.contains("--features heic"), "{line}");
    }
}

/// Cache file name → modification time.
fn cache_times(site: &Site) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(site.path(CACHE))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_webp_quality_change_reencodes_only_the_webp_files() {
    let site = article("![图](a.jpg)\n").file("content/news/a/a.jpg", photo(1000, 600));
    site.build().ok();
    let first = cache_times(&site);
    std::thread::sleep(std::time::Duration::from_millis(20));
    // An unchanged rebuild encodes nothing and touches nothing.
    let again = site.build().ok();
    assert!(
        again.stderr.contains("photos: 0 processed"),
        "{}",
        again.stderr
    );
    assert_eq!(cache_times(&site), first);

    let site = with_images(site, "{ webp_quality: 60 }");
    site.build().ok();
    let second = cache_times(&site);
    for (name, time) in &first {
        if name.ends_with(".jpg") {
            assert_eq!(second.get(name), Some(time), "{name} is kept as it was");
        } else if name.ends_with(".webp") {
            assert!(!second.contains_key(name), "{name} is replaced");
        }
    }
    let webp = |m: &BTreeMap<String, _>| m.keys().filter(|n| n.ends_with(".webp")).count();
    assert_eq!(webp(&second), webp(&first));
}
