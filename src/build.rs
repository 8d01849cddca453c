//! Runs the pipeline: config → content → render → write, and says what it
//! did in one summary line.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::error::Errors;
use crate::images;
use crate::output::{self, OutputFile};
use crate::render;
use crate::theme::Theme;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Output folder; `public/` in the site root when not given.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// What a build produced, for the summary line.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Articles per language code, in the site's language order.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    pub assets: usize,
    pub images: images::Stats,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let per_lang: Vec<String> = self.pages.iter().map(|(l, n)| format!("{l} {n}")).collect();
        write!(
            f,
            "built {} pages ({}), photos: {} processed, {} from cache; {} files in all, in {:.2} s",
            self.pages.iter().map(|(_, n)| n).sum::<usize>(),
            per_lang.join(", "),
            self.images.encoded,
            self.images.cached,
            self.files,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Everything a build writes, in memory (photos as cache files), and what
/// photo processing did.
pub fn build_files(
    root: &Path,
    options: &BuildOptions,
) -> Result<(Config, content::Site, Vec<OutputFile>, images::Stats), Errors> {
    let mut config = Config::load(root).map_err(|e| vec![e])?;
    if let Some(url) = &options.base_url {
        config = config.with_base_url(url).map_err(|e| vec![e])?;
    }
    let theme = Theme::load(&config);
    let site = content::load(
        &config,
        LoadOptions {
            drafts: options.drafts,
        },
    );
    // Report theme, content and photo problems together: the photos of the
    // pages that did read are still decoded, so a damaged one is named now.
    let (theme, site) = match (theme, site) {
        (Ok(t), Ok(s)) => (t, s),
        (t, s) => {
            let mut errors = t.err().unwrap_or_default();
            let photos = match s {
                Ok(site) => site.photos,
                Err(failed) => {
                    errors.extend(failed.errors);
                    failed.photos
                }
            };
            errors.extend(images::process(&config, &photos).err().unwrap_or_default());
            errors.sort();
            return Err(errors);
        }
    };
    // Broken links and figures that disagree are never published.
    let plan = render::plan(&config, &site);
    crate::check::gate(&config, &site, &theme, &plan)?;
    let mut files = render::render_with(&config, &site, &theme, &plan, None)?.files;
    let (photo_files, stats) = images::process(&config, &site.photos)?;
    files.extend(photo_files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((config, site, files, stats))
}

/// Builds the site into its output folder.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Summary, Errors> {
    let started = Instant::now();
    let (config, site, files, images) = build_files(root, options)?;
    let out = options.out.clone().unwrap_or_else(|| root.join("public"));
    output::write_site(&out, &files).map_err(|e| vec![e])?;
    // Only after a good build: a failed one may still need the entries.
    images::prune(&config, &site.photos)
        .map_err(|e| vec![crate::error::Error::io(Path::new(images::CACHE_DIR), e)])?;
    Ok(Summary {
        images,
        pages: config
            .languages
            .iter()
            .map(|l| (l.code.clone(), site.pages_in(&l.code).count()))
            .collect(),
        files: files.len(),
        assets: site.assets.len(),
        elapsed: started.elapsed(),
    })
}
