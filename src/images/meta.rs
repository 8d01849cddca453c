//! What markup needs from a photo's pixels, not its header: the placeholder
//! colour, and for an animated GIF whether its WebP is the smaller. Worked
//! out once (a decode) the first time a page shows the photo, then kept in
//! the cache as a small text file beside the variants, so later builds and
//! `check` read it instead.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Format, Meta, Photo, animation, cache, codecs, encode, probe};
use crate::config::{ImageConfig, Placeholder};

/// What working out needs, shared by a photo's copies.
#[derive(Debug)]
pub(crate) struct Setup {
    pub cache: PathBuf,
    pub images: ImageConfig,
    /// Whether working out may write the cache (see [`super::probe`]);
    /// without it (`check`, which shows no pixels) nothing is decoded.
    pub encode: bool,
}

/// The cache file holding a photo's [`Meta`].
pub(super) fn cache_name(photo: &Photo) -> String {
    let settings = &photo.meta_setup.images;
    let bytes_key = u64::from_str_radix(&photo.key, 16).unwrap_or_default();
    let webp = photo.sources.iter().any(|s| s.format == Format::Webp);
    let what = format!(
        "meta {:?} {}",
        settings.placeholder,
        if photo.format == Format::Gif && webp {
            codecs::quality_key(settings, Format::Webp)
        } else {
            String::new()
        }
    );
    format!("{}.meta", probe::key(bytes_key, &what))
}

pub(super) fn work_out(photo: &Photo) -> Meta {
    let setup = &photo.meta_setup;
    let name = cache_name(photo);
    if let Ok(text) = fs::read_to_string(setup.cache.join(&name))
        && let Some(meta) = parse(&text)
    {
        return meta;
    }
    let mut meta = Meta::default();
    if !setup.encode {
        // `check`: no HTML is made, so nothing here is shown (its look at
        // the pixels, `cache::verify`, skips what the cache vouches for).
        return meta;
    }
    if photo.format != Format::Gif {
        // One decode for the placeholder and every file of the photo. A
        // photo that fails is reported by the photo stage.
        if fs::create_dir_all(&setup.cache).is_ok()
            && let Ok((n, image)) =
                cache::encode_photo(&setup.images, &setup.cache, photo, &[photo], None)
        {
            meta.encoded = n;
            if setup.images.placeholder == Placeholder::Color {
                let image = image.or_else(|| encode::decode(&setup.images, photo).ok());
                meta.color = image.as_ref().map(super::color::average);
            }
            if encode::write_cached(&setup.cache, &name, to_text(&meta).as_bytes()).is_ok() {
                meta.cached = true;
            }
            return meta;
        }
    }
    if setup.images.placeholder == Placeholder::Color {
        // A photo that cannot be decoded is reported by the photo stage;
        // here it just has no placeholder.
        if let Ok(image) = encode::decode(&setup.images, photo) {
            meta.color = Some(super::color::average(&image));
        }
    }
    if photo.format == Format::Gif && photo.sources.iter().any(|s| s.format == Format::Webp) {
        let quality = codecs::quality(&setup.images, Format::Webp);
        let webp = photo.read().and_then(|gif| {
            let webp = animation::to_webp(&gif, quality, setup.images.max_pixels)?;
            let gif = animation::strip(&gif)?;
            Ok((webp.len() < gif.len()).then_some(webp))
        });
        match webp {
            Ok(Some(webp)) => {
                meta.animated_webp = Some(true);
                meta.fresh = Some(Arc::new(webp));
            }
            _ => meta.animated_webp = Some(false),
        }
    }
    meta
}

/// The cache file's text.
pub(super) fn to_text(meta: &Meta) -> String {
    let mut text = String::from("unionpress photo meta 1\n");
    if let Some([r, g, b]) = meta.color {
        text.push_str(&format!("color {r} {g} {b}\n"));
    }
    if let Some(webp) = meta.animated_webp {
        text.push_str(&format!("animated_webp {webp}\n"));
    }
    text
}

fn parse(text: &str) -> Option<Meta> {
    let mut lines = text.lines();
    if lines.next()? != "unionpress photo meta 1" {
        return None;
    }
    let mut meta = Meta {
        cached: true,
        ..Meta::default()
    };
    for line in lines {
        let mut words = line.split(' ');
        match words.next()? {
            "color" => {
                let mut c = [0u8; 3];
                for v in &mut c {
                    *v = words.next()?.parse().ok()?;
                }
                meta.color = Some(c);
            }
            "animated_webp" => meta.animated_webp = Some(words.next()?.parse().ok()?),
            _ => return None,
        }
    }
    Some(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_reads_back_as_written() {
        let meta = Meta {
            color: Some([1, 2, 250]),
            animated_webp: Some(true),
            fresh: None,
            cached: true,
            encoded: 0,
        };
        assert_eq!(parse(&to_text(&meta)), Some(meta));
        assert_eq!(parse("something else\n"), None);
    }

    #[test]
    fn check_decodes_no_pixels_and_a_build_does() {
        let (dir, config, source) = super::super::test_site();
        let root = dir.path();
        let checked = probe::probe(&config, &source, "a.png", false).unwrap();
        assert_eq!(checked.placeholder(), None, "check shows no pixels");
        assert!(!root.join(crate::files::CACHE_DIR).exists());
        let built = probe::probe(&config, &source, "a.png", true).unwrap();
        assert_eq!(built.placeholder().as_deref(), Some("#c8280a"));
        assert!(
            root.join(crate::files::CACHE_DIR)
                .join(cache_name(&built))
                .exists()
        );
    }
}
