//! HEIC/HEIF photos (iPhones, many Android phones) through the system's
//! libheif, behind the cargo feature `heic`. Without it a HEIC photo is an
//! error saying how to get support, never copied unconverted.

use super::probe::Header;
use crate::messages::Message;
#[cfg(not(feature = "heic"))]
use crate::msg;

/// Whether the bytes are an ISO-BMFF HEIF file (HEIC and its relatives;
/// AVIF is the same container but another codec, and not read here).
pub(super) fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1"
        )
}

#[cfg(not(feature = "heic"))]
fn unsupported(path: &str) -> Message {
    msg!("image-no-heic", path = path)
}

#[cfg(not(feature = "heic"))]
pub(super) fn probe(_: &[u8], path: &str, _: u64) -> Result<Header, Message> {
    Err(unsupported(path))
}

#[cfg(not(feature = "heic"))]
pub(super) fn decode(_: &[u8], path: &str, _: u64) -> Result<image::DynamicImage, Message> {
    Err(unsupported(path))
}

#[cfg(feature = "heic")]
pub(super) use with_libheif::{decode, probe};

#[cfg(feature = "heic")]
mod with_libheif {
    use std::ffi::{CStr, c_char, c_int, c_void};

    use image::DynamicImage;

    use super::{Header, Message};
    use crate::images::color;
    use crate::images::probe::check_pixels;
    use crate::msg;

    #[repr(C)]
    struct HeifError {
        code: c_int,
        subcode: c_int,
        message: *const c_char,
    }

    #[repr(C)]
    struct Nclx {
        version: u8,
        color_primaries: c_int,
        transfer_characteristics: c_int,
        matrix_coefficients: c_int,
        full_range_flag: u8,
    }

    enum Context {}
    enum Handle {}
    enum Image {}

    const COLORSPACE_RGB: c_int = 1;
    const CHROMA_INTERLEAVED_RGB: c_int = 10;
    const CHROMA_INTERLEAVED_RGBA: c_int = 11;
    const CHANNEL_INTERLEAVED: c_int = 10;

    #[link(name = "heif")]
    unsafe extern "C" {
        fn heif_context_alloc() -> *mut Context;
        fn heif_context_free(ctx: *mut Context);
        fn heif_context_read_from_memory_without_copy(
            ctx: *mut Context,
            mem: *const c_void,
            size: usize,
            options: *const c_void,
        ) -> HeifError;
        fn heif_context_get_primary_image_handle(
            ctx: *mut Context,
            handle: *mut *mut Handle,
        ) -> HeifError;
        fn heif_image_handle_release(handle: *const Handle);
        fn heif_image_handle_get_width(handle: *const Handle) -> c_int;
        fn heif_image_handle_get_height(handle: *const Handle) -> c_int;
        fn heif_image_handle_has_alpha_channel(handle: *const Handle) -> c_int;
        fn heif_image_handle_get_raw_color_profile_size(handle: *const Handle) -> usize;
        fn heif_image_handle_get_raw_color_profile(
            handle: *const Handle,
            out: *mut c_void,
        ) -> HeifError;
        fn heif_image_handle_get_nclx_color_profile(
            handle: *const Handle,
            out: *mut *mut Nclx,
        ) -> HeifError;
        fn heif_nclx_color_profile_free(nclx: *mut Nclx);
        fn heif_decode_image(
            handle: *const Handle,
            out: *mut *mut Image,
            colorspace: c_int,
            chroma: c_int,
            options: *const c_void,
        ) -> HeifError;
        fn heif_image_get_width(image: *const Image, channel: c_int) -> c_int;
        fn heif_image_get_height(image: *const Image, channel: c_int) -> c_int;
        fn heif_image_get_plane_readonly(
            image: *const Image,
            channel: c_int,
            stride: *mut c_int,
        ) -> *const u8;
        fn heif_image_release(image: *const Image);
    }

    /// A file read by libheif, freed when dropped (the bytes outlive it).
    struct File<'a> {
        ctx: *mut Context,
        handle: *mut Handle,
        _bytes: &'a [u8],
    }

    impl Drop for File<'_> {
        fn drop(&mut self) {
            // SAFETY: both were allocated by libheif and are released once.
            unsafe {
                if !self.handle.is_null() {
                    heif_image_handle_release(self.handle);
                }
                heif_context_free(self.ctx);
            }
        }
    }

    fn check(e: HeifError, path: &str) -> Result<(), Message> {
        if e.code == 0 {
            return Ok(());
        }
        let message = if e.message.is_null() {
            String::new()
        } else {
            // SAFETY: libheif's messages are static NUL-terminated strings.
            unsafe { CStr::from_ptr(e.message) }
                .to_string_lossy()
                .into_owned()
        };
        Err(msg!("image-heic-damaged", path = path, reason = message))
    }

    fn open<'a>(bytes: &'a [u8], path: &str) -> Result<File<'a>, Message> {
        // SAFETY: the context reads `bytes` without copying; `File` borrows
        // them for as long as the context lives.
        unsafe {
            let mut file = File {
                ctx: heif_context_alloc(),
                handle: std::ptr::null_mut(),
                _bytes: bytes,
            };
            if file.ctx.is_null() {
                return Err(msg!("image-heic-no-memory"));
            }
            check(
                heif_context_read_from_memory_without_copy(
                    file.ctx,
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    std::ptr::null(),
                ),
                path,
            )?;
            check(
                heif_context_get_primary_image_handle(file.ctx, &mut file.handle),
                path,
            )?;
            Ok(file)
        }
    }

    pub(in crate::images) fn probe(
        bytes: &[u8],
        path: &str,
        max_pixels: u64,
    ) -> Result<Header, Message> {
        let file = open(bytes, path)?;
        // SAFETY: the handle is valid while `file` lives. The size is the
        // one shown, after the file's rotation.
        let (w, h, alpha) = unsafe {
            (
                heif_image_handle_get_width(file.handle),
                heif_image_handle_get_height(file.handle),
                heif_image_handle_has_alpha_channel(file.handle) != 0,
            )
        };
        let (w, h) = (w.max(0) as u32, h.max(0) as u32);
        check_pixels(path, w, h, max_pixels)?;
        Ok(Header {
            width: w,
            height: h,
            alpha,
            animated: false,
        })
    }

    /// Decodes upright (libheif applies the file's rotation and mirroring)
    /// and converts to sRGB from the file's ICC profile or its nclx colour
    /// description (iPhones write Display P3 as either).
    pub(in crate::images) fn decode(
        bytes: &[u8],
        path: &str,
        max_pixels: u64,
    ) -> Result<DynamicImage, Message> {
        let header = probe(bytes, path, max_pixels)?;
        let file = open(bytes, path)?;
        let chroma = if header.alpha {
            CHROMA_INTERLEAVED_RGBA
        } else {
            CHROMA_INTERLEAVED_RGB
        };
        let channels = if header.alpha { 4 } else { 3 };
        // SAFETY: the image is released before returning; the plane is read
        // within its stride and size as libheif reports them.
        let mut image = unsafe {
            let mut img: *mut Image = std::ptr::null_mut();
            check(
                heif_decode_image(
                    file.handle,
                    &mut img,
                    COLORSPACE_RGB,
                    chroma,
                    std::ptr::null(),
                ),
                path,
            )?;
            let w = heif_image_get_width(img, CHANNEL_INTERLEAVED).max(0) as usize;
            let h = heif_image_get_height(img, CHANNEL_INTERLEAVED).max(0) as usize;
            let mut stride: c_int = 0;
            let plane = heif_image_get_plane_readonly(img, CHANNEL_INTERLEAVED, &mut stride);
            if plane.is_null() || (stride as usize) < w * channels {
                heif_image_release(img);
                return Err(msg!("image-heic-undecodable", path = path));
            }
            let mut pixels = Vec::with_capacity(w * h * channels);
            for y in 0..h {
                let row = std::slice::from_raw_parts(plane.add(y * stride as usize), w * channels);
                pixels.extend_from_slice(row);
            }
            heif_image_release(img);
            let (w, h) = (w as u32, h as u32);
            if header.alpha {
                image::RgbaImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgba8)
            } else {
                image::RgbImage::from_raw(w, h, pixels).map(DynamicImage::ImageRgb8)
            }
            .ok_or_else(|| msg!("image-heic-undecodable", path = path))?
        };
        // SAFETY: as above; the profile buffer has the size libheif gave.
        unsafe {
            let size = heif_image_handle_get_raw_color_profile_size(file.handle);
            if size > 0 {
                let mut icc = vec![0u8; size];
                if heif_image_handle_get_raw_color_profile(file.handle, icc.as_mut_ptr().cast())
                    .code
                    == 0
                {
                    color::to_srgb(&mut image, &icc);
                }
            } else {
                let mut nclx: *mut Nclx = std::ptr::null_mut();
                if heif_image_handle_get_nclx_color_profile(file.handle, &mut nclx).code == 0
                    && !nclx.is_null()
                {
                    let (cp, tc) = ((*nclx).color_primaries, (*nclx).transfer_characteristics);
                    heif_nclx_color_profile_free(nclx);
                    if let Some(profile) = cicp_profile(cp, tc) {
                        color::convert(&mut image, &profile);
                    }
                }
            }
        }
        Ok(image)
    }

    /// A profile from H.273 colour primaries (Display P3, BT.2020) with the
    /// sRGB curve, as iPhones describe P3 photos; BT.709 is sRGB already,
    /// and HDR curves (PQ, HLG) are not converted.
    fn cicp_profile(cp: c_int, tc: c_int) -> Option<Box<qcms::Profile>> {
        use qcms::{CIE_xyY, CIE_xyYTRIPLE};
        let xy = |x, y| CIE_xyY { x, y, Y: 1.0 };
        let primaries = match cp {
            12 => CIE_xyYTRIPLE {
                red: xy(0.680, 0.320),
                green: xy(0.265, 0.690),
                blue: xy(0.150, 0.060),
            },
            9 => CIE_xyYTRIPLE {
                red: xy(0.708, 0.292),
                green: xy(0.170, 0.797),
                blue: xy(0.131, 0.046),
            },
            _ => return None,
        };
        if matches!(tc, 16 | 18) {
            return None;
        }
        let table: Vec<u16> = (0..1024)
            .map(|i| {
                let v = i as f64 / 1023.0;
                let linear = if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                };
                (linear * 65535.0).round() as u16
            })
            .collect();
        qcms::Profile::new_rgb_with_table(xy(0.3127, 0.3290), primaries, &table)
    }
}
