//! Incremental rebuilds for dev mode. The same stages as a build, with what
//! they can reuse kept between runs: parsed files (content cache), rendered
//! documents (render memo) and the files already in the served folder
//! (mirror). A change to one article reads that file, re-renders the
//! documents made from it and writes the files whose bytes changed.
//! Correctness does not rest on the watcher: every rebuild checks every
//! file's stamp, so it always equals a clean build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, Cache, LoadOptions};
use crate::error::Errors;
use crate::images;
use crate::output::Mirror;
use crate::render::{self, Memo};
use crate::theme::Theme;

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or removed.
    pub changed: Vec<String>,
    /// Articles in the site.
    pub pages: usize,
    pub elapsed: Duration,
    /// Time spent reading content, checking, rendering and writing.
    pub phases: [(&'static str, Duration); 4],
}

pub struct Session {
    root: PathBuf,
    base_url: String,
    drafts: bool,
    cache: Cache,
    memo: Memo,
    /// Hashes of the config and theme the cache and memo were made with.
    config_hash: u64,
    theme_hash: u64,
    mirror: Mirror,
}

impl Session {
    /// A session building the site at `root` into `out` (a folder only it
    /// writes to), with links under `base_url`.
    pub fn new(root: &Path, out: PathBuf, base_url: &str, drafts: bool) -> Self {
        Session {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            drafts,
            cache: Cache::default(),
            memo: Memo::default(),
            config_hash: 0,
            theme_hash: 0,
            mirror: Mirror::new(out),
        }
    }

    pub fn out(&self) -> &Path {
        self.mirror.root()
    }

    /// Brings the served folder up to date. `touched` are the files the
    /// watcher reported (the site root itself: it lost track): only they
    /// are read again. On error the folder keeps the last good site.
    pub fn rebuild(&mut self, touched: &[PathBuf]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        // First, so that files changed while the config or theme is broken
        // are read again once it is fixed.
        for path in touched {
            match path.strip_prefix(&self.root) {
                // The watcher lost track (its queue overflowed): check all.
                Ok(rel) if rel.as_os_str().is_empty() => self.cache.distrust(),
                Ok(rel) => self.cache.forget(&self.root, rel),
                Err(_) => {}
            }
        }
        let config = Config::load(&self.root)
            .and_then(|c| c.with_base_url(&self.base_url))
            .map_err(|e| vec![e])?;
        let theme = Theme::load(&config);
        let config_hash = hash_debug(&config);
        if config_hash != self.config_hash {
            // Everything depends on the config.
            self.cache = Cache::default();
            self.memo = Memo::default();
            self.config_hash = config_hash;
        }
        let theme = theme?;
        let theme_hash = hash_debug(&(&theme.templates, &theme.i18n));
        if theme_hash != self.theme_hash {
            self.memo = Memo::default();
            self.theme_hash = theme_hash;
        }
        let options = LoadOptions {
            drafts: self.drafts,
        };
        let read_from = Instant::now();
        let site =
            content::load_with(&config, options, Some(&mut self.cache)).map_err(|e| e.errors)?;
        // As in a build: broken links and disagreeing figures are errors.
        let check_from = Instant::now();
        let plan = render::plan(&config, &site);
        crate::check::gate(&config, &site, &theme, &plan)?;
        let render_from = Instant::now();
        let rendered = render::render_with(
            &config,
            &site,
            &theme,
            &plan,
            Some(std::mem::take(&mut self.memo)),
        )?;
        let write_from = Instant::now();
        let (photos, _) = images::process(&config, &site.photos)?;
        let mut files = rendered.files;
        files.extend(photos);
        let changed = self
            .mirror
            .apply(&files, &rendered.unchanged)
            .map_err(|e| vec![e])?;
        self.memo = rendered.memo;
        Ok(Rebuilt {
            changed,
            pages: site.pages.len(),
            elapsed: started.elapsed(),
            phases: [
                ("read", check_from - read_from),
                ("check", render_from - check_from),
                ("render", write_from - render_from),
                ("write", write_from.elapsed()),
            ],
        })
    }
}

fn hash_debug(value: &impl std::fmt::Debug) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{value:?}").hash(&mut h);
    h.finish()
}
