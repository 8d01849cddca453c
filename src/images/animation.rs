//! Animated GIFs keep their animation: published as an animated WebP when
//! that is smaller, with the GIF itself (its metadata blocks removed) as
//! the fallback, never reduced to one frame.

use std::io::Cursor;

use image::{AnimationDecoder, codecs::gif::GifDecoder};

use super::codecs;
use crate::messages::Message;
use crate::msg;

/// One block of a GIF file: `(start, end, kind)`, where kind is the
/// introducer (`0x21` extension, with its label in the top byte; `0x2C`
/// image).
type Block = (usize, usize, u16);

/// The end of a GIF's header (with its colour table) and its blocks,
/// walked without decoding; `None` when the file is cut off.
fn blocks(bytes: &[u8]) -> Option<(usize, Vec<Block>)> {
    if bytes.len() < 13 || !bytes.starts_with(b"GIF") {
        return None;
    }
    let flags = bytes[10];
    let mut i = 13;
    if flags & 0x80 != 0 {
        i += 3 << ((flags & 7) + 1);
    }
    let header_end = i;
    let mut out = Vec::new();
    // Data sub-blocks: a length byte, that many bytes, until a zero length.
    let sub_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let n = *bytes.get(i)? as usize;
            i += 1 + n;
            if n == 0 {
                return Some(i);
            }
        }
    };
    loop {
        let start = i;
        match *bytes.get(i)? {
            0x3B => return Some((header_end, out)),
            0x21 => {
                let label = *bytes.get(i + 1)?;
                let end = sub_blocks(i + 2)?;
                out.push((start, end, 0x21 | (label as u16) << 8));
                i = end;
            }
            0x2C => {
                let flags = *bytes.get(i + 9)?;
                let mut j = i + 10;
                if flags & 0x80 != 0 {
                    j += 3 << ((flags & 7) + 1);
                }
                // LZW minimum code size, then the data.
                let end = sub_blocks(j + 1)?;
                out.push((start, end, 0x2C));
                i = end;
            }
            _ => return None,
        }
    }
}

/// How many frames a GIF has (0 for a damaged one).
pub(super) fn frame_count(bytes: &[u8]) -> usize {
    blocks(bytes).map_or(0, |(_, b)| b.iter().filter(|b| b.2 == 0x2C).count())
}

/// The GIF without its comments and application blocks (XMP, ICC and any
/// other data a tool left), keeping frames, their timing and the loop.
pub(super) fn strip(bytes: &[u8]) -> Result<Vec<u8>, Message> {
    let (header_end, blocks) = blocks(bytes).ok_or_else(|| msg!("image-gif-damaged"))?;
    let mut out = bytes[..header_end].to_vec();
    for (start, end, kind) in blocks {
        let keep = match kind {
            0x2C => true,
            // Graphic control (timing, transparency) and plain text.
            k if k == 0x21 | 0xF9 << 8 || k == 0x21 | 0x01 << 8 => true,
            // The loop count: NETSCAPE2.0 or ANIMEXTS1.0.
            k if k == 0x21 | 0xFF << 8 => {
                let id = bytes.get(start + 3..start + 14).unwrap_or_default();
                id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0"
            }
            _ => false,
        };
        if keep {
            out.extend_from_slice(&bytes[start..end]);
        }
    }
    out.push(0x3B);
    Ok(out)
}

/// The animation as a lossy animated WebP at the site's WebP quality.
pub(super) fn to_webp(bytes: &[u8], quality: f32, max_pixels: u64) -> Result<Vec<u8>, Message> {
    let unreadable = |e: image::ImageError| msg!("image-gif-unreadable", reason = e.to_string());
    let decoder = GifDecoder::new(Cursor::new(bytes)).map_err(unreadable)?;
    let frames = decoder.into_frames().collect_frames().map_err(unreadable)?;
    let first = frames.first().ok_or_else(|| msg!("image-gif-no-frames"))?;
    let (w, h) = first.buffer().dimensions();
    let pixels = w as u64 * h as u64 * frames.len() as u64;
    if pixels > max_pixels.saturating_mul(4) {
        return Err(msg!(
            "image-gif-too-large",
            frames = frames.len(),
            size = format!("{w}x{h}")
        ));
    }
    let config = codecs::webp_config(quality)?;
    let mut encoder = webp::AnimEncoder::new(w, h, &config);
    let mut time = 0i32;
    for frame in &frames {
        encoder.add_frame(webp::AnimFrame::from_rgba(
            frame.buffer().as_raw(),
            w,
            h,
            time,
        ));
        let (num, den) = frame.delay().numer_denom_ms();
        // Browsers show delays under 20 ms as 100 ms, as GIF viewers do.
        let ms = (num / den.max(1)) as i32;
        time += if ms < 20 { 100 } else { ms };
    }
    encoder.set_loop_count(0);
    let webp = encoder
        .try_encode()
        .map_err(|e| codecs::failed("animated WebP", format!("{e:?}")))?;
    Ok(webp.to_vec())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A GIF of `frames` frames with a comment and an XMP block.
    pub(crate) fn gif(frames: usize) -> Vec<u8> {
        use image::codecs::gif::{GifEncoder, Repeat};
        let mut out = Vec::new();
        {
            let mut enc = GifEncoder::new(&mut out);
            enc.set_repeat(Repeat::Infinite).unwrap();
            for i in 0..frames {
                let img =
                    image::RgbaImage::from_pixel(8, 6, image::Rgba([i as u8 * 80, 0, 0, 255]));
                enc.encode_frame(image::Frame::from_parts(
                    img,
                    0,
                    0,
                    image::Delay::from_numer_denom_ms(200, 1),
                ))
                .unwrap();
            }
        }
        // Metadata a tool might leave, before the trailer.
        out.pop();
        out.extend(b"\x21\xFE\x05hello\x00");
        out.extend(b"\x21\xFF\x0BXMP DataXMP\x03gps\x00");
        out.push(0x3B);
        out
    }

    #[test]
    fn counts_frames_and_strips_metadata_but_not_the_animation() {
        let bytes = gif(3);
        assert_eq!(frame_count(&bytes), 3);
        let stripped = strip(&bytes).unwrap();
        assert_eq!(frame_count(&stripped), 3);
        let has = |b: &[u8], what: &[u8]| b.windows(what.len()).any(|w| w == what);
        assert!(has(&bytes, b"XMP DataXMP") && has(&bytes, b"hello"));
        assert!(!has(&stripped, b"XMP DataXMP") && !has(&stripped, b"hello"));
        assert!(has(&stripped, b"NETSCAPE2.0"), "the loop is kept");
        let frames = GifDecoder::new(Cursor::new(&stripped))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!(frame_count(&bytes[..bytes.len() - 10]), 0, "cut off");
    }

    #[test]
    fn an_animation_becomes_an_animated_webp() {
        let webp = to_webp(&gif(3), 80.0, 1_000_000).unwrap();
        assert_eq!(&webp[..4], b"RIFF");
        assert!(webp.windows(4).any(|w| w == b"ANIM"));
        assert_eq!(webp.windows(4).filter(|w| *w == b"ANMF").count(), 3);
    }
}
