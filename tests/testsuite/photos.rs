//! Photos: every raster image a page uses is published only as resized,
//! re-encoded variants (never upscaled, turned upright, stripped of EXIF and
//! XMP), with `srcset`, `sizes`, `width` and `height` in the markup and a
//! 1200x630 social card; broken or oversized photos are clear errors naming
//! the photo and the page; unchanged photos are never encoded twice.
//!
//! Every image is made here with the `image` crate (EXIF blocks and PNG
//! headers are spliced in by hand), small except where size matters.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, GenericImageView, ImageDecoder, ImageEncoder, ImageReader,
};
use scraper::ElementRef;

use crate::support::{
    Page, REPO, Run, SITE_YAML, Site, assert_same_tree, attr, is_variant, jpeg, list_dir,
    local_file, md, select, small_jpeg, target_file, tree, unionpress,
};

const ZH: &str = "content/news/a/index.zh.md";
const FM: &str = "title: 图片新闻\ndate: 2021-12-31";
const BASE: &str = "https://example.org";
const CACHE: &str = ".unionpress-cache/images";

/// A site with one zh article whose body is `body`.
fn article(body: &str) -> Site {
    Site::new().file(ZH, md(FM, body))
}

/// A 2000x640 photo (wide enough for every default width and the 1200x630
/// social card, low enough to process quickly in a debug build).
fn big_jpeg() -> &'static [u8] {
    static BIG: OnceLock<Vec<u8>> = OnceLock::new();
    BIG.get_or_init(|| jpeg(2000, 640))
}

// ---------------------------------------------------------------------------
// Reading the output

/// The `(url, descriptor)` candidates of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, String)> {
    srcset
        .split(',')
        .map(|c| {
            let mut parts = c.split_whitespace();
            let url = parts.next().expect("a candidate has a URL").to_string();
            let descriptor = parts.next().unwrap_or_default().to_string();
            (url, descriptor)
        })
        .collect()
}

/// The widths a `srcset` offers: `["480w", "960w"]`.
fn descriptors(srcset: &str) -> Vec<String> {
    candidates(srcset).into_iter().map(|(_, d)| d).collect()
}

/// The output file behind a root-relative or absolute URL, decoded.
#[track_caller]
fn decoded(built: &Run, url: &str) -> DynamicImage {
    let file = local_file(BASE, url).unwrap_or_else(|| panic!("`{url}` is not a URL of the site"));
    image::load_from_memory(&built.bytes(&file))
        .unwrap_or_else(|e| panic!("{file} does not decode: {e}"))
}

/// The size of the output image behind a URL, read from its header.
#[track_caller]
fn dimensions(built: &Run, url: &str) -> (u32, u32) {
    let file = local_file(BASE, url).unwrap_or_else(|| panic!("`{url}` is not a URL of the site"));
    ImageReader::new(Cursor::new(built.bytes(&file)))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap_or_else(|e| panic!("{file} is not an image: {e}"))
}

/// Checks that every candidate of `img`'s `srcset` names an output image
/// as wide as it claims, and returns the descriptors.
#[track_caller]
fn check_srcset(built: &Run, img: ElementRef) -> Vec<String> {
    let srcset = attr(img, "srcset");
    for (url, descriptor) in candidates(&srcset) {
        let (width, _) = dimensions(built, &url);
        assert_eq!(
            format!("{width}w"),
            descriptor,
            "{url} in srcset=\"{srcset}\""
        );
    }
    descriptors(&srcset)
}

/// The social-card crop written for the photo `stem` of the bundle `dir`
/// (`news/a/`), found in the output whether or not a page links to it.
#[track_caller]
fn og_file(built: &Run, dir: &str, stem: &str) -> String {
    let found: Vec<String> = built
        .tree()
        .into_keys()
        .filter(|f| f.starts_with(&format!("{dir}{stem}.")) && f.ends_with(".og.jpg"))
        .collect();
    assert_eq!(found.len(), 1, "one social card for {dir}{stem}: {found:?}");
    found[0].clone()
}

/// The one `<img>` of the page's main text with this alt text.
#[track_caller]
fn img_with_alt<'a>(page: &'a Page, alt: &str) -> ElementRef<'a> {
    let found: Vec<ElementRef> = page
        .select("main img")
        .into_iter()
        .filter(|e| e.value().attr("alt") == Some(alt))
        .collect();
    assert_eq!(found.len(), 1, "expected one <img alt=\"{alt}\">");
    found[0]
}

/// `(processed, from cache)` of the build summary line on stderr.
#[track_caller]
fn photo_counts(run: &Run) -> (usize, usize) {
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("photos: "))
        .unwrap_or_else(|| panic!("no summary line\nstderr:\n{}", run.stderr));
    let rest = line.split_once("photos: ").unwrap().1;
    let (processed, rest) = rest.split_once(" processed, ").expect("N processed");
    let (cached, _) = rest.split_once(" from cache").expect("M from cache");
    (processed.parse().unwrap(), cached.parse().unwrap())
}

/// The content hash of a variant URL: `/news/a/p.3fa9c2d1.960w.jpg` →
/// `3fa9c2d1`.
fn hash_of(url: &str) -> String {
    let name = url.rsplit('/').next().unwrap();
    let parts: Vec<&str> = name.split('.').collect();
    assert_eq!(parts.len(), 4, "`{url}` is not stem.hash.label.ext");
    parts[1].to_string()
}

/// The `content` of `<meta property=og:image>`.
#[track_caller]
fn og_image(page: &Page) -> String {
    page.attr("head meta[property='og:image']", "content")
}

/// The marker and payload of each segment of a JPEG, up to the start of
/// the scan (where metadata would be).
#[track_caller]
fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(bytes[..2], [0xFF, 0xD8], "not a JPEG (no SOI)");
    let mut segments = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        assert_eq!(bytes[i], 0xFF, "bad marker at byte {i}");
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        segments.push((marker, bytes[i + 4..i + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    segments
}

/// Asserts a JPEG carries no EXIF, XMP or other APP1 segment, and no trace
/// of the GPS data anywhere in its bytes.
#[track_caller]
fn assert_no_metadata(name: &str, bytes: &[u8]) {
    for (marker, payload) in jpeg_segments(bytes) {
        assert_ne!(
            marker,
            0xE1,
            "{name} has an APP1 segment starting {:?}",
            String::from_utf8_lossy(&payload[..payload.len().min(30)])
        );
    }
    for needle in [&b"Exif\0\0"[..], b"ns.adobe.com/xap", b"UnionCam", b"GPS"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{name} contains {:?}",
            String::from_utf8_lossy(needle)
        );
    }
}

// ---------------------------------------------------------------------------
// Making test images

/// Red, blue, green and white: the four quadrants of [`quadrants`].
const COLOURS: [(&str, [u8; 3]); 4] = [
    ("red", [255, 0, 0]),
    ("blue", [0, 0, 255]),
    ("green", [0, 255, 0]),
    ("white", [255, 255, 255]),
];

/// A 60x40 JPEG whose top-left quadrant is red, top-right blue,
/// bottom-left green and bottom-right white: every orientation shows it
/// differently.
fn quadrants() -> Vec<u8> {
    let img = image::RgbImage::from_fn(60, 40, |x, y| {
        let i = usize::from(x >= 30) + 2 * usize::from(y >= 20);
        image::Rgb(COLOURS[i].1)
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(&img)
        .unwrap();
    bytes
}

/// The name of the quadrant colour nearest to the pixel at (x, y).
fn colour_at(img: &DynamicImage, x: u32, y: u32) -> &'static str {
    let px = img.to_rgb8().get_pixel(x, y).0;
    let distance = |c: [u8; 3]| -> i32 {
        (0..3)
            .map(|i| (i32::from(px[i]) - i32::from(c[i])).pow(2))
            .sum()
    };
    let (name, colour) = COLOURS.iter().min_by_key(|(_, c)| distance(*c)).unwrap();
    assert!(
        distance(*colour) < 3 * 60 * 60,
        "{px:?} is no quadrant colour"
    );
    name
}

/// The colours at the top-left, top-right, bottom-left and bottom-right
/// corners (5 pixels in).
fn corners(img: &DynamicImage) -> [&'static str; 4] {
    let (r, b) = (img.width() - 6, img.height() - 6);
    [
        colour_at(img, 5, 5),
        colour_at(img, r, 5),
        colour_at(img, 5, b),
        colour_at(img, r, b),
    ]
}

/// One TIFF field: tag, type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG,
/// 5 RATIONAL), count and its big-endian value bytes.
type Field = (u16, u16, u32, Vec<u8>);

/// Bytes one IFD takes with its out-of-line values.
fn ifd_len(fields: &[Field]) -> usize {
    let values: usize = fields
        .iter()
        .filter(|f| f.3.len() > 4)
        .map(|f| f.3.len().next_multiple_of(2))
        .sum();
    2 + 12 * fields.len() + 4 + values
}

/// Appends an IFD at offset `at` (= `out.len()`, relative to the TIFF
/// header), values longer than 4 bytes right after it.
fn push_ifd(out: &mut Vec<u8>, fields: &[Field]) {
    let at = out.len();
    let mut data_at = at + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    out.extend((fields.len() as u16).to_be_bytes());
    for (tag, kind, count, value) in fields {
        out.extend(tag.to_be_bytes());
        out.extend(kind.to_be_bytes());
        out.extend(count.to_be_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            out.extend(inline);
        } else {
            out.extend((data_at as u32).to_be_bytes());
            let mut padded = value.clone();
            padded.resize(value.len().next_multiple_of(2), 0);
            data_at += padded.len();
            data.extend(padded);
        }
    }
    out.extend(0u32.to_be_bytes()); // no next IFD
    out.extend(data);
}

/// A big-endian TIFF block (what follows `Exif\0\0` in APP1): IFD0 with
/// `fields`, and a GPS IFD pointed at from IFD0 when `gps` is not empty.
fn tiff(mut fields: Vec<Field>, gps: &[Field]) -> Vec<u8> {
    if !gps.is_empty() {
        let gps_at = 8 + ifd_len(&fields) + 12;
        fields.push((0x8825, 4, 1, (gps_at as u32).to_be_bytes().to_vec()));
    }
    fields.sort_by_key(|f| f.0);
    let mut out = b"MM\0\x2a".to_vec();
    out.extend(8u32.to_be_bytes());
    push_ifd(&mut out, &fields);
    if !gps.is_empty() {
        push_ifd(&mut out, gps);
    }
    out
}

/// The Orientation field (0x0112, SHORT).
fn orientation_field(o: u16) -> Field {
    (0x0112, 3, 1, o.to_be_bytes().to_vec())
}

/// Degrees, minutes, seconds as three RATIONALs.
fn dms(d: u32, m: u32, s: u32) -> Vec<u8> {
    [d, 1, m, 1, s, 1]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

/// A JPEG with an APP1 segment of `payload` (`Exif\0\0…` or XMP) inserted
/// right after SOI.
fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    assert_eq!(jpeg[..2], [0xFF, 0xD8]);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(((payload.len() + 2) as u16).to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

/// `jpeg` with an EXIF block holding `tiff`.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(tiff);
    with_app1(jpeg, &payload)
}

/// A 64x48 JPEG as a phone writes it: EXIF with the camera, orientation 6
/// and the place it was taken (GPS IFD), and an XMP packet with it again.
fn jpeg_with_gps() -> Vec<u8> {
    let gps: Vec<Field> = vec![
        (0x0000, 1, 4, vec![2, 3, 0, 0]),
        (0x0001, 2, 2, b"N\0".to_vec()),
        (0x0002, 5, 3, dms(31, 49, 12)),
        (0x0003, 2, 2, b"E\0".to_vec()),
        (0x0004, 5, 3, dms(117, 13, 40)),
    ];
    let make = (0x010F, 2, 9, b"UnionCam\0".to_vec());
    let exif = tiff(vec![make, orientation_field(6)], &gps);
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
        xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
        xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"31,49.2N\" \
        exif:GPSLongitude=\"117,13.67E\"/></rdf:RDF></x:xmpmeta>";
    with_exif(&with_app1(&small_jpeg(), xmp), &exif)
}

/// The orientation the `image` crate reads from a file (to check that the
/// hand-made EXIF blocks are well formed).
fn orientation_of(bytes: &[u8]) -> Orientation {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap()
        .orientation()
        .unwrap()
}

/// CRC-32 (ISO-HDLC), as PNG chunks use.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG chunk: length, type, data, CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
    out
}

/// A well-formed PNG header claiming `width` x `height` RGB pixels,
/// followed by a few bytes of image data: a decompression bomb.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x63, 0x60, 0x00, 0x00]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// Encodes an image as PNG.
fn png(img: &DynamicImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// A 40x30 RGBA PNG: left half fully transparent, right half opaque red.
fn transparent_png() -> Vec<u8> {
    png(&DynamicImage::ImageRgba8(image::RgbaImage::from_fn(
        40,
        30,
        |x, _| {
            if x < 20 {
                image::Rgba([0, 0, 0, 0])
            } else {
                image::Rgba([255, 0, 0, 255])
            }
        },
    )))
}

/// The chunk types of a PNG.
fn png_chunk_types(bytes: &[u8]) -> Vec<String> {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut types = Vec::new();
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        types.push(String::from_utf8_lossy(&bytes[i + 4..i + 8]).into_owned());
        i += 12 + len;
    }
    types
}

/// A 40x30 image in four flat colours (so lossy formats keep them).
fn flat_rgb() -> image::RgbImage {
    image::RgbImage::from_fn(40, 30, |x, y| {
        let i = usize::from(x >= 20) + 2 * usize::from(y >= 15);
        image::Rgb(COLOURS[i].1)
    })
}

/// A real JPEG with its frame header patched to claim `width` x `height`.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut bytes = small_jpeg();
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

/// A real JPEG of `width` x `height` cut in half.
fn truncated_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = jpeg(width, height);
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// A real (noisy, so it does not compress to nothing) PNG of `width` x
/// `height` cut in half.
fn truncated_png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let n = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503);
        image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
    });
    let mut bytes = png(&DynamicImage::ImageRgb8(img));
    bytes.truncate(bytes.len() / 2);
    bytes
}

// ---------------------------------------------------------------------------
// Orientation and metadata

/// Each EXIF orientation, and the quadrant colours that must be at the
/// top-left, top-right, bottom-left and bottom-right once upright.
const ORIENTATIONS: [(u16, [&str; 4]); 8] = [
    (1, ["red", "blue", "green", "white"]),
    (2, ["blue", "red", "white", "green"]), // mirrored
    (3, ["white", "green", "blue", "red"]), // turned 180°
    (4, ["green", "white", "red", "blue"]), // upside down
    (5, ["red", "green", "blue", "white"]), // transposed
    (6, ["green", "red", "white", "blue"]), // turned 90° clockwise
    (7, ["white", "blue", "green", "red"]), // transversed
    (8, ["blue", "white", "red", "green"]), // turned 90° counter-clockwise
];

#[test]
fn every_exif_orientation_comes_out_upright() {
    let plain = quadrants();
    let mut site = article(
        &ORIENTATIONS
            .iter()
            .map(|(o, _)| format!("![o{o}](o{o}.jpg)\n\n正文。\n\n"))
            .collect::<String>(),
    );
    for (o, _) in ORIENTATIONS {
        let bytes = with_exif(&plain, &tiff(vec![orientation_field(o)], &[]));
        assert_eq!(
            orientation_of(&bytes),
            Orientation::from_exif(o as u8).unwrap(),
            "the test's EXIF block for orientation {o} does not read back"
        );
        site = site.file(&format!("content/news/a/o{o}.jpg"), bytes);
    }
    let built = site.build().ok();
    let page = built.html("news/a/index.html");
    let mut wrong = Vec::new();
    for (o, expected) in ORIENTATIONS {
        let img = img_with_alt(&page, &format!("o{o}"));
        let size = if o >= 5 { (40, 60) } else { (60, 40) };
        let shown = (
            attr(img, "width").parse::<u32>().unwrap(),
            attr(img, "height").parse::<u32>().unwrap(),
        );
        let (largest, _) = candidates(&attr(img, "srcset")).pop().unwrap();
        let out = decoded(&built, &largest);
        let got = out.dimensions();
        if shown != size || got != size {
            wrong.push(format!(
                "orientation {o}: markup says {shown:?}, {largest} is {got:?}, expected {size:?}"
            ));
            continue;
        }
        let colours = corners(&out);
        if colours != expected {
            wrong.push(format!(
                "orientation {o}: corners {colours:?}, expected {expected:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn gps_exif_and_xmp_never_reach_the_output() {
    let photo = jpeg_with_gps();
    assert_eq!(orientation_of(&photo), Orientation::Rotate90);
    let built = article("![现场](p.jpg)\n")
        .file("content/news/a/p.jpg", &photo)
        .build()
        .ok();
    // The EXIF block was read: the photo is turned upright ...
    let img = built.html("news/a/index.html");
    let img = img.one("main img");
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        ("48".into(), "64".into())
    );
    // ... and none of it was written, in the variants or the social card.
    let og = og_file(&built, "news/a/", "p");
    let jpegs: Vec<(String, Vec<u8>)> = built
        .tree()
        .into_iter()
        .filter(|(name, _)| name.ends_with(".jpg"))
        .collect();
    let names: Vec<&String> = jpegs.iter().map(|(n, _)| n).collect();
    assert!(names.contains(&&og) && names.len() >= 2, "{names:?}");
    for (name, bytes) in &jpegs {
        assert_no_metadata(name, bytes);
    }
}

#[test]
fn png_output_carries_no_text_or_exif_chunks() {
    // A transparent PNG stays PNG: its metadata chunks must not come along.
    let mut bytes = transparent_png();
    let iend = bytes.len() - 12;
    let exif = tiff(
        vec![(0x010F, 2, 9, b"UnionCam\0".to_vec())],
        &[
            (0x0001, 2, 2, b"N\0".to_vec()),
            (0x0002, 5, 3, dms(31, 49, 12)),
        ],
    );
    let mut extra = png_chunk(b"eXIf", &exif);
    extra.extend(png_chunk(b"tEXt", b"Comment\0GPS 31.82N 117.23E"));
    bytes.splice(iend..iend, extra);
    let built = article("![标志](logo.png)\n")
        .file("content/news/a/logo.png", &bytes)
        .build()
        .ok();
    let src = built.html("news/a/index.html").attr("main img", "src");
    assert!(src.ends_with(".png"), "{src}");
    let types = png_chunk_types(&built.bytes(&target_file(&src)));
    for t in ["eXIf", "tEXt", "zTXt", "iTXt"] {
        assert!(!types.iter().any(|x| x == t), "{src} has {t}: {types:?}");
    }
}

// ---------------------------------------------------------------------------
// Formats

#[test]
fn cmyk_jpeg_is_published_as_rgb_with_its_colours() {
    // Pure red in CMYK: no cyan, full magenta and yellow, no black.
    let cmyk: Vec<u8> = (0..40 * 30).flat_map(|_| [0u8, 255, 255, 0]).collect();
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 95)
        .encode(&cmyk, 40, 30, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let built = article("![印刷品](print.jpg)\n")
        .file("content/news/a/print.jpg", &bytes)
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let img = page.one("main img");
    let src = attr(img, "src");
    assert!(
        is_variant(&src, "/news/a/", "print") && src.ends_with(".jpg"),
        "{src}"
    );
    assert_eq!(check_srcset(&built, img), ["40w"]);
    let out = decoded(&built, &src);
    assert_eq!(out.dimensions(), (40, 30));
    let px = out.to_rgb8().get_pixel(20, 15).0;
    assert_eq!(colour_at(&out, 20, 15), "red", "{px:?}");
}

#[test]
fn grayscale_png_becomes_a_jpeg_variant() {
    let grey = image::GrayImage::from_fn(40, 30, |x, _| image::Luma([(x * 6) as u8]));
    let built = article("![灰度](grey.png)\n")
        .file(
            "content/news/a/grey.png",
            png(&DynamicImage::ImageLuma8(grey)),
        )
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let img = page.one("main img");
    let src = attr(img, "src");
    assert!(
        is_variant(&src, "/news/a/", "grey") && src.ends_with(".jpg"),
        "{src}"
    );
    assert_eq!(check_srcset(&built, img), ["40w"]);
    let out = decoded(&built, &src).to_rgb8();
    assert_eq!(out.dimensions(), (40, 30));
    let px = out.get_pixel(30, 15).0;
    assert!(
        px.iter().max().unwrap() - px.iter().min().unwrap() < 10,
        "a grey photo stays grey: {px:?}"
    );
}

#[test]
fn png_with_transparency_stays_png_and_keeps_it() {
    let built = article("![会徽](logo.png)\n")
        .file("content/news/a/logo.png", transparent_png())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let img = page.one("main img");
    let src = attr(img, "src");
    assert!(
        is_variant(&src, "/news/a/", "logo") && src.ends_with(".png"),
        "{src}"
    );
    assert_eq!(check_srcset(&built, img), ["40w"]);
    for (url, _) in candidates(&attr(img, "srcset")) {
        assert!(url.ends_with(".png"), "{url}");
        let out = decoded(&built, &url).to_rgba8();
        assert_eq!(out.get_pixel(5, 15).0[3], 0, "{url}: left half transparent");
        assert_eq!(
            out.get_pixel(35, 15).0,
            [255, 0, 0, 255],
            "{url}: right half red"
        );
    }
}

#[test]
fn transparent_png_social_card_is_flattened_on_white() {
    let built = article("![会徽](logo.png)\n")
        .file("content/news/a/logo.png", transparent_png())
        .build()
        .ok();
    let og = og_file(&built, "news/a/", "logo");
    let out = image::load_from_memory(&built.bytes(&og))
        .unwrap()
        .to_rgb8();
    assert_eq!(out.dimensions(), (40, 21));
    let (left, right) = (out.get_pixel(5, 10).0, out.get_pixel(35, 10).0);
    assert!(
        left.iter().all(|&c| c > 230),
        "{og}: transparent is white, not {left:?}"
    );
    let red = right[0] > 220 && right[1] < 40 && right[2] < 40;
    assert!(red, "{og}: red stays red, not {right:?}");
}

#[test]
fn webp_and_gif_photos_are_published_as_jpeg_variants() {
    let rgb = flat_rgb();
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(rgb.as_raw(), 40, 30, ExtendedColorType::Rgb8)
        .unwrap();
    let mut gif = Vec::new();
    {
        let rgba = DynamicImage::ImageRgb8(rgb.clone()).into_rgba8();
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder
            .encode(rgba.as_raw(), 40, 30, ExtendedColorType::Rgba8)
            .unwrap();
    }
    let built = article("![网页图](w.webp)\n\n正文。\n\n![动图](g.gif)\n")
        .file("content/news/a/w.webp", webp)
        .file("content/news/a/g.gif", gif)
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    for (alt, stem) in [("网页图", "w"), ("动图", "g")] {
        let img = img_with_alt(&page, alt);
        let src = attr(img, "src");
        assert!(
            is_variant(&src, "/news/a/", stem) && src.ends_with(".jpg"),
            "{src}"
        );
        assert_eq!(check_srcset(&built, img), ["40w"], "{stem}");
        let out = decoded(&built, &src);
        assert_eq!(corners(&out), ["red", "blue", "green", "white"], "{src}");
    }
    assert!(!built.exists("news/a/w.webp") && !built.exists("news/a/g.gif"));
}

// ---------------------------------------------------------------------------
// Broken and oversized photos

/// Builds `site`, which must fail with status 1 in well under a second
/// (nothing is decoded that could exhaust memory), without crashing, and
/// write no output.
#[track_caller]
fn fails_fast(site: &Site) -> Run {
    let started = Instant::now();
    let run = site.build();
    let elapsed = started.elapsed();
    let run = run.fails();
    assert!(
        elapsed < Duration::from_secs(1),
        "the build took {elapsed:?}\nstderr:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        !site.exists("public"),
        "a failed build must not create public/\nstderr:\n{}",
        run.stderr
    );
    let count = run.error_lines().len();
    let summary = if count == 1 {
        "1 error".to_string()
    } else {
        format!("{count} errors")
    };
    assert!(
        run.stderr.lines().any(|l| l.starts_with(&summary)),
        "expected a count line `{summary}`\nstderr:\n{}",
        run.stderr
    );
    run
}

/// Asserts the one error of `run` is about the photo `photo` (relative to
/// `content/`) used by `page`: on the photo (`content/<photo>: error: …
/// (used by <page>)`) or on a line of the page.
#[track_caller]
fn assert_photo_error(run: &Run, photo: &str, page: &str) -> String {
    let errors = run.error_lines();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    let line = errors[0].to_string();
    let on_photo = line.starts_with(&format!("content/{photo}: error: "));
    let on_page = line.starts_with(&format!("{page}:"));
    assert!(on_photo || on_page, "{line}");
    assert!(line.contains(photo), "{line}");
    if on_photo {
        assert!(line.contains(&format!("(used by {page})")), "{line}");
    }
    line
}

#[test]
fn truncated_jpeg_is_an_error_naming_the_photo_and_the_page() {
    let site =
        article("![残图](half.jpg)\n").file("content/news/a/half.jpg", truncated_jpeg(400, 300));
    let run = fails_fast(&site);
    let line = assert_photo_error(&run, "news/a/half.jpg", ZH);
    assert!(
        line.contains("truncated") || line.contains("damaged"),
        "{line}"
    );
}

#[test]
fn truncated_png_is_an_error_naming_the_photo_and_the_page() {
    let site =
        article("![残图](half.png)\n").file("content/news/a/half.png", truncated_png(200, 150));
    let run = fails_fast(&site);
    let line = assert_photo_error(&run, "news/a/half.png", ZH);
    assert!(
        line.contains("truncated") || line.contains("damaged"),
        "{line}"
    );
}

#[test]
fn check_finds_a_damaged_photo_as_the_build_does_and_keeps_nothing() {
    // The header is whole: only decoding the pixels finds the damage.
    let site =
        article("![残图](half.png)\n").file("content/news/a/half.png", truncated_png(200, 150));
    let checked = site.run(&["check"]).fails();
    assert_photo_error(&checked, "news/a/half.png", ZH);
    assert!(!site.exists(CACHE), "check writes no photo cache");
    let built = site.build().fails();
    assert_eq!(checked.error_lines(), built.error_lines());
}

#[test]
fn png_claiming_ten_billion_pixels_fails_fast_naming_its_size() {
    let site = article("![巨图](huge.png)\n")
        .file("content/news/a/huge.png", png_claiming(100_000, 100_000));
    let run = fails_fast(&site);
    // Found while reading the page: the page's own line names the photo.
    let message = run.error_at(ZH, 5, 1);
    assert!(message.contains("huge.png"), "{message}");
    assert!(message.contains("100000x100000"), "{message}");
    assert!(message.contains("images.max_pixels"), "{message}");
    assert!(!site.exists(CACHE), "nothing was decoded or encoded");
}

#[test]
fn jpeg_claiming_a_huge_size_fails_fast_naming_its_size() {
    let site = article("![巨图](huge.jpg)\n")
        .file("content/news/a/huge.jpg", jpeg_claiming(60_000, 60_000));
    let run = fails_fast(&site);
    let message = run.error_at(ZH, 5, 1);
    assert!(message.contains("huge.jpg"), "{message}");
    assert!(message.contains("60000x60000"), "{message}");
}

#[test]
fn max_pixels_in_site_yaml_lowers_the_limit() {
    let site = Site::new()
        .config("images: { max_pixels: 5000 }")
        .file(ZH, md(FM, "![一百见方](p.jpg)\n"))
        .file("content/news/a/p.jpg", jpeg(100, 100));
    let run = fails_fast(&site);
    let message = run.error_at(ZH, 5, 1);
    assert!(message.contains("p.jpg"), "{message}");
    assert!(message.contains("100x100"), "{message}");
    assert!(message.contains("images.max_pixels"), "{message}");
    // Within the limit, the same photo is fine.
    site.write(
        "site.yaml",
        format!("{SITE_YAML}images: {{ max_pixels: 10000 }}\n"),
    );
    site.build().ok();
}

#[test]
fn max_pixels_error_names_the_configured_limit() {
    let site = Site::new()
        .config("images: { max_pixels: 5000 }")
        .file(ZH, md(FM, "![一百见方](p.jpg)\n"))
        .file("content/news/a/p.jpg", jpeg(100, 100));
    let message = fails_fast(&site).error_at(ZH, 5, 1);
    assert!(
        message.contains("5000") || message.contains("5,000"),
        "{message}"
    );
    assert!(!message.contains(" 0 megapixels"), "{message}");
}

#[test]
fn two_broken_photos_in_two_pages_are_both_reported() {
    let b = "content/news/b/index.zh.md";
    let site = article("![残图](half.png)\n")
        .file("content/news/a/half.png", truncated_png(200, 150))
        .file(
            b,
            md(
                "title: 二\ndate: 2021-12-30",
                "正文。\n\n![又一张](cut.png)\n",
            ),
        )
        .file("content/news/b/cut.png", truncated_png(150, 200));
    let run = fails_fast(&site);
    let errors = run.error_lines();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    for (photo, page) in [("news/a/half.png", ZH), ("news/b/cut.png", b)] {
        assert!(
            errors.iter().any(|l| l.contains(photo) && l.contains(page)),
            "no error names {photo} and {page}\nstderr:\n{}",
            run.stderr
        );
    }
}

#[test]
fn oversized_and_damaged_photos_are_reported_in_one_run() {
    let b = "content/news/b/index.zh.md";
    let site = article("![残图](half.png)\n")
        .file("content/news/a/half.png", truncated_png(200, 150))
        .file(b, md("title: 二\ndate: 2021-12-30", "![巨图](huge.png)\n"))
        .file("content/news/b/huge.png", png_claiming(100_000, 100_000));
    let run = fails_fast(&site);
    assert_eq!(run.error_lines().len(), 2, "{}", run.stderr);
    assert!(run.stderr.contains("huge.png"), "{}", run.stderr);
    assert!(run.stderr.contains("half.png"), "{}", run.stderr);
}

#[test]
fn file_named_jpg_that_is_not_an_image_is_a_clear_error() {
    let site = article("正文。\n\n![假照片](fake.jpg)\n")
        .file("content/news/a/fake.jpg", "这不是照片，是一段文字。\n");
    let run = fails_fast(&site);
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
    let message = run.error_at(ZH, 7, 1);
    assert!(message.contains("fake.jpg"), "{message}");
    assert!(message.contains("not an image"), "{message}");
}

#[test]
fn missing_photo_is_an_error_on_the_page_line() {
    let run = fails_fast(&article("正文。\n\n![照片](gone.jpg)\n"));
    assert_eq!(run.error_lines().len(), 1, "{}", run.stderr);
    let message = run.error_at(ZH, 7, 1);
    assert!(message.contains("gone.jpg"), "{message}");
    assert!(message.contains("not found"), "{message}");
}

// ---------------------------------------------------------------------------
// Cache

/// The `src` of the one photo of `news/a/`.
fn photo_src(built: &Run) -> String {
    built.html("news/a/index.html").attr("main img", "src")
}

#[test]
fn unchanged_site_rebuilds_from_the_cache_byte_for_byte() {
    let site = article("![一](a.jpg)\n\n![二](b.png)\n")
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/b.png", transparent_png());
    let first = site.build().ok();
    assert_eq!(photo_counts(&first), (2, 0), "{}", first.stderr);
    let before = first.tree();
    let second = site.build().ok();
    assert_eq!(photo_counts(&second), (0, 2), "{}", second.stderr);
    assert_same_tree(&before, &second.tree());
}

/// Regression: output photos were hard links into the photo cache, so a
/// step that edits `public/` in place (an optimiser, a watermark) changed
/// the cache too, and the next build, comparing inodes, kept the damage.
#[test]
fn editing_a_published_photo_in_place_never_reaches_the_cache() {
    let site = article("![一](a.jpg)\n").file("content/news/a/a.jpg", small_jpeg());
    let first = site.build().ok();
    let src = target_file(&photo_src(&first));
    let good = first.bytes(&src);
    let cached: Vec<(String, Vec<u8>)> = crate::support::tree(&site.path(CACHE))
        .into_iter()
        .collect();
    std::fs::OpenOptions::new()
        .write(true)
        .open(first.out.join(&src))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"not a photo"))
        .unwrap();
    assert_eq!(
        crate::support::tree(&site.path(CACHE))
            .into_iter()
            .collect::<Vec<_>>(),
        cached,
        "the cache is untouched"
    );
    let second = site.build().ok();
    assert_eq!(photo_counts(&second), (0, 1), "{}", second.stderr);
    assert_eq!(
        second.bytes(&src),
        good,
        "the next build puts the photo back"
    );
}

/// Regression: the same bytes used as a transparent PNG and as a JPEG were
/// de-duplicated by their social card's name, which ignores the format:
/// one of the two was never encoded and the build failed to copy it.
#[test]
fn the_same_bytes_as_a_transparent_png_and_as_a_jpeg_are_both_published() {
    let built = article("![一](logo.png)\n\n![二](logo-copy.jpg)\n")
        .file("content/news/a/logo.png", transparent_png())
        .file("content/news/a/logo-copy.jpg", transparent_png())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let srcs = page.attrs("main img", "src");
    assert!(srcs[0].ends_with(".png"), "{srcs:?}");
    assert!(srcs[1].ends_with(".jpg"), "{srcs:?}");
    for src in &srcs {
        decoded(&built, src);
    }
}

#[test]
fn changing_quality_or_widths_reencodes_under_new_names() {
    let site = article("![一](a.jpg)\n").file("content/news/a/a.jpg", jpeg(120, 90));
    let first = site.build().ok();
    assert_eq!(photo_counts(&first), (1, 0));
    let src1 = photo_src(&first);
    let bytes1 = first.bytes(&target_file(&src1));

    site.write(
        "site.yaml",
        format!("{SITE_YAML}images: {{ quality: 40 }}\n"),
    );
    let second = site.build().ok();
    assert_eq!(photo_counts(&second), (1, 0), "{}", second.stderr);
    let src2 = photo_src(&second);
    assert_ne!(
        hash_of(&src1),
        hash_of(&src2),
        "the quality is part of the name"
    );
    assert!(
        !second.exists(&target_file(&src1)),
        "{src1} left in the output"
    );
    assert_ne!(second.bytes(&target_file(&src2)), bytes1, "re-encoded");

    site.write(
        "site.yaml",
        format!("{SITE_YAML}images: {{ quality: 40, widths: [60, 120] }}\n"),
    );
    let third = site.build().ok();
    assert_eq!(photo_counts(&third), (1, 0), "{}", third.stderr);
    let src3 = photo_src(&third);
    assert_ne!(
        hash_of(&src3),
        hash_of(&src2),
        "the widths are part of the name"
    );
    let page = third.html("news/a/index.html");
    assert_eq!(check_srcset(&third, page.one("main img")), ["60w", "120w"]);
}

#[test]
fn replacing_a_photo_gives_it_a_new_name() {
    let site = article("![一](a.jpg)\n").file("content/news/a/a.jpg", jpeg(64, 48));
    let src1 = photo_src(&site.build().ok());
    site.write("content/news/a/a.jpg", jpeg(48, 64));
    let second = site.build().ok();
    assert_eq!(photo_counts(&second), (1, 0), "{}", second.stderr);
    let src2 = photo_src(&second);
    assert!(is_variant(&src2, "/news/a/", "a"), "{src2}");
    assert_ne!(hash_of(&src1), hash_of(&src2));
    assert_eq!(dimensions(&second, &src2), (48, 64));
    assert!(!second.exists(&target_file(&src1)));
}

#[test]
fn removed_photos_are_pruned_from_the_cache() {
    let site = article("![一](a.jpg)\n\n![二](b.jpg)\n")
        .file("content/news/a/a.jpg", jpeg(64, 48))
        .file("content/news/a/b.jpg", jpeg(48, 64));
    site.build().ok();
    let first: BTreeSet<String> = list_dir(&site.path(CACHE)).into_iter().collect();
    // Each photo: one width in JPEG and WebP, the social card, its meta.
    assert_eq!(first.len(), 8, "{first:?}");

    site.write(ZH, md(FM, "![一](a.jpg)\n"));
    site.remove("content/news/a/b.jpg");
    let second = site.build().ok();
    assert_eq!(photo_counts(&second), (0, 1), "{}", second.stderr);
    let cache: BTreeSet<String> = list_dir(&site.path(CACHE)).into_iter().collect();
    assert_eq!(cache.len(), 4, "{cache:?}");
    assert!(cache.is_subset(&first), "{cache:?}");
    // What is left is what the page publishes.
    let page = second.html("news/a/index.html");
    let img = img_with_alt(&page, "一");
    let hash = hash_of(&attr(img, "src"));
    assert!(cache.iter().any(|n| n.starts_with(&hash)), "{cache:?}");
}

#[test]
fn same_photo_in_two_bundles_is_encoded_once() {
    let built = article("![一](p.jpg)\n")
        .file("content/news/a/p.jpg", small_jpeg())
        .file(
            "content/news/b/index.zh.md",
            md("title: 二\ndate: 2021-12-30", "![二](same.jpg)\n"),
        )
        .file("content/news/b/same.jpg", small_jpeg())
        .build()
        .ok();
    assert_eq!(photo_counts(&built), (1, 0), "{}", built.stderr);
    let a = photo_src(&built);
    let b = built.html("news/b/index.html").attr("main img", "src");
    assert!(is_variant(&a, "/news/a/", "p"), "{a}");
    assert!(is_variant(&b, "/news/b/", "same"), "{b}");
    assert_eq!(built.bytes(&target_file(&a)), built.bytes(&target_file(&b)));
}

// ---------------------------------------------------------------------------
// Markup

/// Checks the `<img>` of the 2000x640 photo `big.jpg` of the bundle `dir`:
/// the 960 variant as `src`, 480, 960 and 1600 in `srcset` (each as wide
/// as it says), the src's size, `sizes`, the alt text.
#[track_caller]
fn check_big_photo(built: &Run, img: ElementRef, dir: &str, alt: &str) {
    let src = attr(img, "src");
    assert!(is_variant(&src, dir, "big"), "{src}");
    assert!(
        src.ends_with(".960w.jpg"),
        "the middle width is the src: {src}"
    );
    assert_eq!(check_srcset(built, img), ["480w", "960w", "1600w"]);
    let urls: Vec<String> = candidates(&attr(img, "srcset"))
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    assert!(urls.contains(&src), "the src is in the srcset: {urls:?}");
    assert_eq!(dimensions(built, &src), (960, 307));
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        ("960".into(), "307".into())
    );
    assert!(!attr(img, "sizes").is_empty());
    assert_eq!(attr(img, "alt"), alt);
}

/// Checks the `<img>` of the 300x200 photo `small.jpg` of the bundle `dir`:
/// one variant at its own width (narrower than every configured width, and
/// never upscaled).
#[track_caller]
fn check_small_photo(built: &Run, img: ElementRef, dir: &str, alt: &str) {
    let src = attr(img, "src");
    assert!(
        is_variant(&src, dir, "small") && src.ends_with(".300w.jpg"),
        "{src}"
    );
    assert_eq!(check_srcset(built, img), ["300w"], "never upscaled");
    assert_eq!(dimensions(built, &src), (300, 200));
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        ("300".into(), "200".into())
    );
    assert!(!attr(img, "sizes").is_empty());
    assert_eq!(attr(img, "alt"), alt);
}

/// Checks `loading`, `fetchpriority` and `decoding` of a page's images:
/// the first eager with high priority, the others lazy.
#[track_caller]
fn check_loading(imgs: &[ElementRef]) {
    assert_eq!(attr(imgs[0], "loading"), "eager");
    assert_eq!(attr(imgs[0], "fetchpriority"), "high");
    for img in &imgs[1..] {
        assert_eq!(attr(*img, "loading"), "lazy", "{}", img.html());
        assert_eq!(img.value().attr("fetchpriority"), None, "{}", img.html());
    }
    for img in imgs {
        assert_eq!(attr(*img, "decoding"), "async", "{}", img.html());
    }
}

/// One build for every use of the 2000px photo (processing it is the
/// slowest thing here): in the text of `news/a/`, in a gallery in
/// `news/g/` and as the cover of `news/c/` (the same bytes in three
/// bundles, encoded once).
#[test]
fn big_photo_markup_in_text_gallery_and_cover() {
    let built = Site::new()
        .file(
            ZH,
            md(
                FM,
                "![大会现场](big.jpg)\n\n正文。\n\n![小图](small.jpg)\n\n文中 ![徽标](small.jpg) 图。\n",
            ),
        )
        .file("content/news/a/big.jpg", big_jpeg())
        .file("content/news/a/small.jpg", jpeg(300, 200))
        .file(
            "content/news/g/index.zh.md",
            md("title: 图集\ndate: 2021-12-30", "![大会现场](big.jpg)\n![小图](small.jpg)\n"),
        )
        .file("content/news/g/big.jpg", big_jpeg())
        .file("content/news/g/small.jpg", jpeg(300, 200))
        .file(
            "content/news/c/index.zh.md",
            md("title: 封面\ndate: 2021-12-29\ncover: big.jpg", "正文。\n"),
        )
        .file("content/news/c/big.jpg", big_jpeg())
        .build()
        .ok();
    assert_eq!(photo_counts(&built), (2, 0), "{}", built.stderr);

    // In the text: figures and an inline image.
    let page = built.html("news/a/index.html");
    let imgs = page.select("main img");
    assert_eq!(imgs.len(), 3);
    check_big_photo(&built, imgs[0], "/news/a/", "大会现场");
    check_small_photo(&built, imgs[1], "/news/a/", "小图");
    check_small_photo(&built, imgs[2], "/news/a/", "徽标");
    check_loading(&imgs);
    for (url, descriptor) in candidates(&attr(imgs[0], "srcset")) {
        let width = decoded(&built, &url).width();
        assert_eq!(format!("{width}w"), descriptor, "{url} decodes");
    }
    assert!(!built.exists("news/a/big.jpg") && !built.exists("news/a/small.jpg"));

    // In a gallery.
    let page = built.html("news/g/index.html");
    let imgs = select(page.one("main figure.gallery"), "img");
    assert_eq!(imgs.len(), 2);
    check_big_photo(&built, imgs[0], "/news/g/", "大会现场");
    check_small_photo(&built, imgs[1], "/news/g/", "小图");
    check_loading(&imgs);

    // As a cover the text does not show: above the text, with a srcset.
    let page = built.html("news/c/index.html");
    let cover = page.one("main figure.cover img");
    check_big_photo(&built, cover, "/news/c/", "");
    check_loading(&[cover]);
    // The social card is cut to 1200x630.
    let og = og_file(&built, "news/c/", "big");
    let card = image::load_from_memory(&built.bytes(&og)).unwrap();
    assert_eq!(card.dimensions(), (1200, 630));

    // List cards show the cover with a srcset too.
    let list = built.html("news/index.html");
    let thumb = list.one(".thumb img");
    assert!(is_variant(&attr(thumb, "src"), "/news/c/", "big"));
    assert_eq!(check_srcset(&built, thumb), ["480w", "960w", "1600w"]);
    assert!(!attr(thumb, "sizes").is_empty());
}

#[test]
fn small_cover_social_card_is_the_largest_1_91_to_1_box() {
    let built = Site::new()
        .file(ZH, md(&format!("{FM}\ncover: s.jpg"), "正文。\n"))
        .file("content/news/a/s.jpg", jpeg(40, 30))
        .build()
        .ok();
    let og = og_file(&built, "news/a/", "s");
    let (w, h) = image::load_from_memory(&built.bytes(&og))
        .unwrap()
        .dimensions();
    assert!(w <= 40 && h <= 30, "never upscaled: {w}x{h}");
    assert_eq!(w, 40, "as wide as the photo: {w}x{h}");
    let ratio = f64::from(w) / f64::from(h);
    assert!(
        (ratio - 1200.0 / 630.0).abs() < 0.05,
        "{w}x{h} is not 1.91:1"
    );
}

#[test]
fn og_image_is_the_social_card_crop() {
    let built = Site::new()
        .file(ZH, md(&format!("{FM}\ncover: s.jpg"), "正文。\n"))
        .file("content/news/a/s.jpg", jpeg(40, 30))
        .file(
            "content/news/b/index.zh.md",
            md("title: 无封面\ndate: 2021-12-30", "![现场](p.jpg)\n"),
        )
        .file("content/news/b/p.jpg", small_jpeg())
        .build()
        .ok();
    for (page, dir, stem) in [
        ("news/a/index.html", "news/a/", "s"),
        ("news/b/index.html", "news/b/", "p"),
    ] {
        let og = og_image(&built.html(page));
        let file = og_file(&built, dir, stem);
        assert_eq!(og, format!("{BASE}/{file}"), "{page}");
    }
}

// ---------------------------------------------------------------------------
// The example site

#[test]
fn example_site_publishes_only_variants_of_its_photos() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let mut built = unionpress(
        Path::new(REPO),
        &["--root", REPO, "build", "--out", out.to_str().unwrap()],
    )
    .ok();
    built.out = out;
    let files = built.tree();

    // No original photo is published, under any path.
    let originals: BTreeSet<String> = tree(&Path::new(REPO).join("content"))
        .into_keys()
        .filter(|name| name.ends_with(".jpg") || name.ends_with(".png"))
        .map(|name| name.rsplit('/').next().unwrap().to_string())
        .collect();
    assert!(!originals.is_empty());
    for name in files.keys() {
        let base = name.rsplit('/').next().unwrap();
        assert!(!originals.contains(base), "{name} is an original photo");
    }

    // Every image URL of every page names a file written, and a variant.
    let mut checked = 0;
    for name in files.keys().filter(|f| f.ends_with(".html")) {
        let page = built.html(name);
        for img in page.select("img") {
            let mut urls = vec![attr(img, "src")];
            if let Some(srcset) = img.value().attr("srcset") {
                urls.extend(candidates(srcset).into_iter().map(|(u, _)| u));
            }
            for url in urls {
                let Some(file) = local_file("https://news.example.org", &url) else {
                    continue;
                };
                assert!(files.contains_key(&file), "{name}: {url} was not written");
                let base = file.rsplit('/').next().unwrap();
                assert_eq!(base.split('.').count(), 4, "{name}: {url} is not a variant");
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} image URLs checked");
}
