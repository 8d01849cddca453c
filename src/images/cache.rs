//! The photo cache: every variant not yet in `.unionpress-cache/images/` is
//! encoded (each photo decoded once for all its sizes, photos in parallel);
//! entries no page uses any more are removed after a good build.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::encode::{decode, flatten_on_white, resize, write_cached};
use image::DynamicImage;

use super::{Format, Job, Photo, Stats};
use crate::config::Config;
use crate::error::{Error, Errors};
use crate::files::{CACHE_DIR, CONTENT_DIR};

/// Encodes every variant not in the cache yet and says what was done. All
/// failures are reported. (The plan lists the outputs: copies of the cache
/// files, never links, so editing `public/` cannot damage the cache.)
pub fn process(config: &Config, jobs: &[Job]) -> Result<Stats, Errors> {
    if jobs.is_empty() {
        return Ok(Stats::default());
    }
    let cache = config.root.join(CACHE_DIR);
    fs::create_dir_all(&cache).map_err(|e| Errors::from(Error::io(Path::new(CACHE_DIR), e)))?;
    // The same photo in two bundles is one encoding: process each plan once.
    // A plan is its bytes and settings (the cache key) and the format it is
    // published in: the same bytes named `a.png` and `b.jpg` are two.
    let mut seen = HashSet::new();
    let unique: Vec<&Job> = jobs
        .iter()
        .filter(|j| seen.insert(j.photo.src().cache_name.clone()))
        .collect();
    let bar = progress_bar(unique.len());
    let results: Vec<Result<bool, Error>> = unique
        .par_iter()
        .map(|job| {
            let r = process_one(config, &cache, &job.photo).map_err(|message| {
                let pages: Vec<String> = job
                    .used_by
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                Error::new(
                    Path::new(CONTENT_DIR).join(&job.photo.path),
                    format!("{message} (used by {})", pages.join(", ")),
                )
            });
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut stats = Stats::default();
    let mut errors = Errors::new();
    for r in results {
        match r {
            Ok(true) => stats.encoded += 1,
            Ok(false) => stats.cached += 1,
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    Ok(stats)
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

/// Makes one photo's variants unless all are cached. Returns whether it
/// encoded anything.
fn process_one(config: &Config, cache: &Path, photo: &Photo) -> Result<bool, String> {
    let all = || photo.outputs();
    if all().all(|v| cache.join(&v.cache_name).is_file()) {
        return Ok(false);
    }
    let image = decode(config, photo)?;
    let quality = config.images.quality;
    // Largest first, each smaller size from the one above it: resizing from
    // 1600 to 960 costs a third of resizing from 3000.
    let mut previous: Option<DynamicImage> = None;
    for v in photo.variants.iter().rev() {
        let from = previous.as_ref().unwrap_or(&image);
        let resized = resize(from, v.width, v.height, false)?;
        write_cached(cache, &v.cache_name, &resized, photo.format, quality)?;
        previous = Some(resized);
    }
    let mut og = resize(&image, photo.og.width, photo.og.height, true)?;
    if og.color().has_alpha() {
        og = flatten_on_white(og);
    }
    write_cached(cache, &photo.og.cache_name, &og, Format::Jpeg, quality)?;
    Ok(true)
}

/// Removes cache entries the last build did not use, so the cache does not
/// grow without bound as photos are replaced.
pub fn prune(config: &Config, jobs: &[Job]) -> Result<usize, Error> {
    prune_entries(config, jobs).map_err(|e| Error::io(Path::new(CACHE_DIR), e))
}

fn prune_entries(config: &Config, jobs: &[Job]) -> std::io::Result<usize> {
    let cache = config.root.join(CACHE_DIR);
    let keep: HashSet<&str> = jobs
        .iter()
        .flat_map(|j| j.photo.outputs())
        .map(|v| v.cache_name.as_str())
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
