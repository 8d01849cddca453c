//! The photo cache: every variant not yet in `.unionpress-cache/images/` is
//! encoded (each photo decoded once for all its sizes, formats and social
//! cards, photos in parallel); entries no page uses any more are removed
//! after a good build.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::encode::{decode, decode_bytes, flatten_on_white, resize, write_cached};
use image::DynamicImage;

use super::{Format, Job, Photo, Stats, Variant, animation, codecs, meta};
use crate::config::{Config, ImageConfig};
use crate::error::{Error, Errors};
use crate::files::{CACHE_DIR, CONTENT_DIR};
use crate::messages::Message;
use crate::msg;

/// Encodes every variant not in the cache yet and says what was done. All
/// failures are reported. (The plan lists the outputs: copies of the cache
/// files, never links, so editing `public/` cannot damage the cache.)
pub fn process(config: &Config, jobs: &[Job]) -> Result<Stats, Errors> {
    if jobs.is_empty() {
        return Ok(Stats::default());
    }
    let cache = config.root.join(CACHE_DIR);
    fs::create_dir_all(&cache).map_err(|e| Errors::from(Error::io(Path::new(CACHE_DIR), e)))?;
    let unique = plans(jobs);
    let bar = progress_bar(unique.len());
    let results: Vec<Result<usize, Error>> = unique
        .par_iter()
        .map(|group| {
            let r = process_one(config, &cache, group).map_err(|m| used_by(group[0], m));
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut stats = Stats::default();
    let mut errors = Errors::new();
    for r in results {
        match r {
            Ok(0) => stats.cached += 1,
            Ok(n) => {
                stats.encoded += 1;
                stats.files += n;
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    Ok(stats)
}

/// `check`'s look at the photos' pixels, writing nothing: every photo is
/// decoded (and a GIF's frames read) as a build would, so a damaged one is
/// named by `check` too, except those the cache shows were decoded already
/// (a social card is made from the decoded photo).
pub fn verify(config: &Config, jobs: &[Job]) -> Errors {
    let cache = config.root.join(CACHE_DIR);
    let found: Vec<Error> = plans(jobs)
        .par_iter()
        .filter(|group| !group.iter().any(|j| has_card(&cache, &j.photo)))
        .filter_map(|group| {
            let photo = &group[0].photo;
            let decodes = photo.read().and_then(|bytes| {
                if photo.format == Format::Gif {
                    animation::strip(&bytes)?;
                }
                decode_bytes(&config.images, photo, bytes)
            });
            decodes.err().map(|m| used_by(group[0], m))
        })
        .collect();
    found.into_iter().collect()
}

/// The photos to make, each once: the same photo in two bundles is one
/// encoding. A plan is its bytes and settings (the cache key) and the
/// format it is published in: the same bytes named `a.png` and `b.jpg` are
/// two. Pages centring it differently add social cards to the same
/// decoding.
fn plans(jobs: &[Job]) -> Vec<Vec<&Job>> {
    let mut groups: BTreeMap<&str, Vec<&Job>> = BTreeMap::new();
    for job in jobs {
        groups
            .entry(job.photo.src().cache_name.as_str())
            .or_default()
            .push(job);
    }
    groups.into_values().collect()
}

/// A photo's problem at the photo, naming the pages that show it.
fn used_by(job: &Job, message: Message) -> Error {
    let pages: Vec<String> = job
        .used_by
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    Error::new(
        Path::new(CONTENT_DIR).join(&job.photo.path),
        msg!("photo-used-by", reason = message, pages = pages.join(", ")),
    )
}

/// A progress bar on a terminal; nothing when stderr is not one.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || len < 8 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("photos {bar:30} {pos}/{len} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Makes one photo's files unless all are cached. Returns how many files
/// it encoded (here or while pages were read).
fn process_one(config: &Config, cache: &Path, group: &[&Job]) -> Result<usize, Message> {
    let photo = &group[0].photo;
    let meta = photo.meta();
    if !meta.cached {
        write_cached(
            cache,
            &meta::cache_name(photo),
            meta::to_text(meta).as_bytes(),
        )?;
    }
    if photo.format == Format::Gif {
        return process_animation(config, cache, group);
    }
    let cards: Vec<&Photo> = group.iter().map(|j| &*j.photo).collect();
    let (written, _) = encode_photo(&config.images, cache, photo, &cards, None)?;
    // What pages' reading encoded: once per probe of these bytes (the same
    // photo in two bundles is two probes, one of which did the work).
    let mut seen = HashSet::new();
    let early: usize = group
        .iter()
        .filter(|j| seen.insert(Arc::as_ptr(&j.photo.meta)))
        .map(|j| j.photo.meta().encoded)
        .sum();
    Ok(written + early)
}

/// Encodes what the cache lacks of a photo: one decode (unless `image` is
/// the photo decoded already), each size resized once for all formats,
/// each of `cards`' social-card crops. Returns how many files it wrote and
/// the decoded photo when it decoded it.
pub(super) fn encode_photo(
    settings: &ImageConfig,
    cache: &Path,
    photo: &Photo,
    cards: &[&Photo],
    image: Option<DynamicImage>,
) -> Result<(usize, Option<DynamicImage>), Message> {
    let missing = |v: &Variant| !cache.join(&v.cache_name).is_file();
    let sources: Vec<_> = photo.sources().collect();
    let needs_sizes = photo.variants.iter().any(missing)
        || sources.iter().any(|s| s.variants.iter().any(missing));
    let cards = missing_cards(cache, cards.iter().copied());
    if !needs_sizes && cards.is_empty() {
        return Ok((0, image));
    }
    let image = match image {
        Some(image) => image,
        None => decode(settings, photo)?,
    };
    let mut written = 0;
    let mut largest: Option<DynamicImage> = None;
    if needs_sizes {
        // Largest first, each smaller size from the one above it: resizing
        // from 1600 to 960 costs a third of resizing from 3000.
        let mut previous: Option<DynamicImage> = None;
        for (i, v) in photo.variants.iter().enumerate().rev() {
            let from = previous.as_ref().unwrap_or(&image);
            let resized = resize(from, v.width, v.height, None)?;
            let at_width = sources
                .iter()
                .map(|s| (&s.variants[i], s.format))
                .chain(std::iter::once((v, photo.format)));
            for (variant, format) in at_width {
                if missing(variant) {
                    let bytes = codecs::encode(&resized, format, settings)?;
                    write_cached(cache, &variant.cache_name, &bytes)?;
                    written += 1;
                }
            }
            if largest.is_none() {
                largest = Some(resized.clone());
            }
            previous = Some(resized);
        }
    }
    for card in cards {
        // From the largest size when it holds the card (a sixth of the
        // pixels of a phone photo), else from the photo.
        let from = largest
            .as_ref()
            .filter(|l| l.width() >= card.og.width && l.height() >= card.og.height)
            .unwrap_or(&image);
        write_card(settings, cache, from, card)?;
        written += 1;
    }
    Ok((written, Some(image)))
}

/// The photos among `photos` whose social card the cache lacks, one per
/// card (two pages may crop the same photo the same way).
fn missing_cards<'a>(cache: &Path, photos: impl Iterator<Item = &'a Photo>) -> Vec<&'a Photo> {
    let mut cards: Vec<&Photo> = photos.filter(|p| !has_card(cache, p)).collect();
    cards.sort_by(|a, b| a.og.cache_name.cmp(&b.og.cache_name));
    cards.dedup_by(|a, b| a.og.cache_name == b.og.cache_name);
    cards
}

/// Whether the cache holds `photo`'s social card.
fn has_card(cache: &Path, photo: &Photo) -> bool {
    cache.join(&photo.og.cache_name).is_file()
}

/// Cuts `card`'s social card from `from` (JPEG: transparency on white).
fn write_card(
    settings: &ImageConfig,
    cache: &Path,
    from: &DynamicImage,
    card: &Photo,
) -> Result<(), Message> {
    let mut og = resize(from, card.og.width, card.og.height, Some(card.focus))?;
    if og.color().has_alpha() {
        og = flatten_on_white(og);
    }
    let bytes = codecs::encode(&og, Format::Jpeg, settings)?;
    write_cached(cache, &card.og.cache_name, &bytes)
}

/// An animated GIF: the GIF without its metadata, the animated WebP when
/// it is the smaller, the social card from the first frame. The GIF is
/// read once, and only when something is missing.
fn process_animation(config: &Config, cache: &Path, group: &[&Job]) -> Result<usize, Message> {
    let photo = &group[0].photo;
    let missing = |v: &Variant| !cache.join(&v.cache_name).is_file();
    let mut written = 0;
    let mut gif = None;
    for source in photo.sources() {
        for v in source.variants.iter().filter(|v| missing(v)) {
            let made;
            let webp: &[u8] = match &photo.meta().fresh {
                Some(webp) => webp,
                None => {
                    made = animation::to_webp(
                        read_once(&mut gif, photo)?,
                        codecs::quality(&config.images, Format::Webp),
                        config.images.max_pixels,
                    )?;
                    &made
                }
            };
            write_cached(cache, &v.cache_name, webp)?;
            written += 1;
        }
    }
    let mut stripped = None;
    for v in photo.variants.iter().filter(|v| missing(v)) {
        if stripped.is_none() {
            stripped = Some(animation::strip(read_once(&mut gif, photo)?)?);
        }
        write_cached(
            cache,
            &v.cache_name,
            stripped.as_deref().unwrap_or_default(),
        )?;
        written += 1;
    }
    let cards = missing_cards(cache, group.iter().map(|j| &*j.photo));
    if !cards.is_empty() {
        let bytes = match gif {
            Some(bytes) => bytes,
            None => photo.read()?,
        };
        let image = decode_bytes(&config.images, photo, bytes)?;
        for card in cards {
            write_card(&config.images, cache, &image, card)?;
            written += 1;
        }
    }
    Ok(written)
}

/// The photo's bytes in `slot`, read into it the first time.
fn read_once<'a>(slot: &'a mut Option<Vec<u8>>, photo: &Photo) -> Result<&'a [u8], Message> {
    if slot.is_none() {
        *slot = Some(photo.read()?);
    }
    Ok(slot.as_deref().unwrap_or_default())
}

/// Removes cache entries the last build did not use, so the cache does not
/// grow without bound as photos are replaced.
pub fn prune(config: &Config, jobs: &[Job]) -> Result<usize, Error> {
    prune_entries(config, jobs).map_err(|e| Error::io(Path::new(CACHE_DIR), e))
}

fn prune_entries(config: &Config, jobs: &[Job]) -> std::io::Result<usize> {
    let cache = config.root.join(CACHE_DIR);
    let metas: Vec<String> = jobs.iter().map(|j| meta::cache_name(&j.photo)).collect();
    let keep: HashSet<&str> = jobs
        .iter()
        .flat_map(|j| j.photo.outputs())
        .map(|v| v.cache_name.as_str())
        .chain(metas.iter().map(String::as_str))
        .collect();
    let mut removed = 0;
    let Ok(entries) = fs::read_dir(&cache) else {
        return Ok(0);
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // A recent `.tmp` file may be another build's encoding in progress;
        // an old one was left by a crash.
        let in_progress = name.ends_with(".tmp")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t.elapsed().unwrap_or_default().as_secs() < 3600);
        if keep.contains(name.as_ref()) || in_progress {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            // Another build sharing the cache removed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_decodes_a_photo_unless_the_cache_holds_its_card() {
        let (dir, config, source) = super::super::test_site();
        let root = dir.path();
        let photo = Arc::new(super::super::probe(&config, &source, "a.png", false).unwrap());
        let jobs = [Job {
            photo: photo.clone(),
            used_by: vec!["content/news/a.zh.md".into()],
        }];
        assert!(verify(&config, &jobs).is_empty(), "a good photo");
        // The pixels cut off after the probe: decoding finds it.
        let bytes = fs::read(&source).unwrap();
        fs::write(&source, &bytes[..bytes.len() / 2]).unwrap();
        let found = verify(&config, &jobs);
        assert_eq!(found.len(), 1);
        let error = found.iter().next().unwrap().to_string();
        assert!(
            error.contains("a.png") && error.contains("content/news/a.zh.md"),
            "{error}"
        );
        assert!(!root.join(CACHE_DIR).exists(), "check writes nothing");
        // Its social card in the cache: the bytes decoded when it was made.
        fs::create_dir_all(root.join(CACHE_DIR)).unwrap();
        fs::write(root.join(CACHE_DIR).join(&photo.og.cache_name), b"card").unwrap();
        assert!(verify(&config, &jobs).is_empty());
    }

    #[test]
    fn an_animation_is_read_once_for_all_its_files_and_named_when_gone() {
        let (dir, config, _) = super::super::test_site();
        let source = dir.path().join("b.gif");
        fs::write(&source, super::super::animation::tests::gif(3)).unwrap();
        let probe = || Arc::new(super::super::probe(&config, &source, "b.gif", true).unwrap());
        let jobs = |photo| {
            [Job {
                photo,
                used_by: vec!["content/news/b.zh.md".into()],
            }]
        };
        let photo = probe();
        let outputs = photo.outputs().count();
        let made = process(&config, &jobs(photo.clone())).unwrap();
        // Every file of the photo, its social card and the GIF among them.
        assert_eq!(made.files, outputs, "{made:?}");
        let cache = dir.path().join(CACHE_DIR);
        assert!(photo.outputs().all(|v| cache.join(&v.cache_name).is_file()));
        assert_eq!(
            process(&config, &jobs(photo)).unwrap().files,
            0,
            "all cached"
        );
        // Probed, then removed before its files were made.
        let photo = probe();
        fs::remove_dir_all(&cache).unwrap();
        fs::remove_file(&source).unwrap();
        let errors = process(&config, &jobs(photo)).unwrap_err();
        let error = errors.iter().next().unwrap().to_string();
        assert!(
            error.contains("b.gif") && error.contains("content/news/b.zh.md"),
            "{error}"
        );
    }

    #[test]
    fn check_reads_a_gif_s_frames_and_names_a_photo_gone_missing() {
        let (dir, config, _) = super::super::test_site();
        let source = dir.path().join("b.gif");
        let gif = super::super::animation::tests::gif(3);
        fs::write(&source, &gif).unwrap();
        let photo = Arc::new(super::super::probe(&config, &source, "b.gif", false).unwrap());
        assert_eq!(photo.format, Format::Gif);
        let jobs = [Job {
            photo,
            used_by: vec!["content/news/b.zh.md".into()],
        }];
        assert!(verify(&config, &jobs).is_empty(), "a good animation");
        // Cut off inside its frames after the probe: reading them finds it.
        fs::write(&source, &gif[..gif.len() - 8]).unwrap();
        let found = verify(&config, &jobs);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found.iter().all(|e| e.to_string().contains("b.gif")));
        // Gone since it was probed: named, not a panic.
        fs::remove_file(&source).unwrap();
        let found = verify(&config, &jobs);
        assert_eq!(found.len(), 1, "{found:?}");
        let error = found.iter().next().unwrap().to_string();
        assert!(
            error.contains("b.gif") && error.contains("content/news/b.zh.md"),
            "{error}"
        );
    }
}
