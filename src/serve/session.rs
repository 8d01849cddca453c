//! Incremental rebuilds for dev mode: the pipeline of a build, with what it
//! can reuse kept between runs: parsed files (the content cache), rendered
//! documents (the render memo) and the files already in the served folder
//! (the mirror). A change to one article reads that file, re-renders the
//! documents made from it and writes the files whose bytes changed. The
//! cache trusts the watcher's list of touched files; when the watcher lost
//! track, every file's stamp is checked again.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::indexer::{Indexer, Made, Works};
use crate::check;
use crate::content::{self as site_content, Cache, LoadOptions};
use crate::error::{Error, Errors};
use crate::output::Mirror;
use crate::pipeline::{self, Inputs, Options};
use crate::render::{self, Memo};

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Output paths written or removed.
    pub changed: Vec<String>,
    /// Articles in the site.
    pub pages: usize,
    /// Warnings found on the way (the site was still built).
    pub warnings: Errors,
    pub elapsed: Duration,
    /// Time spent reading content, checking, rendering and writing.
    pub phases: [(&'static str, Duration); 4],
}

pub struct Session {
    root: PathBuf,
    options: Options,
    cache: Cache,
    memo: Memo,
    check: check::Memo,
    /// Hashes of the config and theme the cache and memo were made with.
    config_hash: u64,
    theme_hash: u64,
    mirror: Mirror,
    /// Search indexes the last good rebuild left to make, not made yet, and
    /// the generation of the job making them (see [`super::indexer`]).
    pending: Option<(Works, u64)>,
    /// The last good rebuild's site, while the next save may patch it.
    last: Option<Last>,
}

/// What a save that changes only articles' text patches (see
/// [`Session::patch`]): the last good rebuild's inputs, every language's
/// sections and everything the check found.
struct Last {
    inputs: Inputs,
    sections: Vec<Vec<String>>,
    findings: Errors,
}

impl Session {
    /// A session building the site at `root` into `out` (a folder only it
    /// writes to), with links under `base_url`.
    pub fn new(root: &Path, out: PathBuf, base_url: &str, drafts: bool) -> Self {
        Session {
            root: root.to_path_buf(),
            options: Options {
                base_url: Some(base_url.to_string()),
                drafts,
                publish: true,
            },
            cache: Cache::keeping(),
            memo: Memo::default(),
            check: check::Memo::default(),
            config_hash: 0,
            theme_hash: 0,
            mirror: Mirror::new(out),
            pending: None,
            last: None,
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
        let rel: Vec<Option<&Path>> = (touched.iter())
            .map(|path| path.strip_prefix(&self.root).ok())
            .collect();
        // First, so that files changed while the config or theme is broken
        // are read again once it is fixed.
        for rel in rel.iter().flatten() {
            match rel {
                // The watcher lost track (its queue overflowed): check all.
                rel if rel.as_os_str().is_empty() => self.cache.distrust(),
                rel => self.cache.forget(&self.root, rel),
            }
        }
        match self.patch(&rel, started) {
            Ok(Some(patched)) => return Ok(patched),
            // No site to patch after a failed save: the next rebuilds whole.
            Err(errors) => {
                self.last = None;
                return Err(errors);
            }
            Ok(None) => self.last = None,
        }
        let config = pipeline::config(&self.root, &self.options)?;
        let config_hash = hash_debug(&config);
        if config_hash != self.config_hash {
            // Everything depends on the config.
            self.cache = Cache::keeping();
            self.memo = Memo::default();
            self.check = check::Memo::default();
            self.config_hash = config_hash;
        }
        let read_from = Instant::now();
        let inputs = pipeline::read(config, &self.options, &mut self.cache)?;
        let theme_hash = hash_debug(&(&inputs.theme.templates, &inputs.theme.i18n));
        if theme_hash != self.theme_hash {
            self.memo = Memo::default();
            self.theme_hash = theme_hash;
        }
        // As in a build: broken links and disagreeing figures are errors.
        let check_from = Instant::now();
        let (plan, planned) = inputs.plan();
        let warnings = inputs.gate(&plan, planned, Some(&mut self.check))?;
        let render_from = Instant::now();
        let output = inputs.render(&plan, Some(std::mem::take(&mut self.memo)), None, None)?;
        let write_from = Instant::now();
        let changed = self
            .mirror
            .apply(&output.files, &output.unchanged)
            .map_err(Errors::from)?;
        self.memo = output.memo;
        // This rebuild's indexes replace any still pending: it served the
        // old index files (as the memo knows them) meanwhile.
        self.pending = match output.search_later {
            works if works.is_empty() => None,
            works => Some((Arc::new(works), 0)),
        };
        let pages = inputs.site.pages.len();
        let sections = plan.sections.clone();
        drop(plan);
        self.last = Some(Last {
            inputs,
            sections,
            findings: warnings.clone(),
        });
        Ok(Rebuilt {
            changed,
            pages,
            warnings,
            elapsed: started.elapsed(),
            phases: phases("read", [read_from, check_from, render_from, write_from]),
        })
    }
}

/// Each phase's time, from when each began (the first is `read`'s).
fn phases(read: &'static str, began: [Instant; 4]) -> [(&'static str, Duration); 4] {
    let [read_from, check_from, render_from, write_from] = began;
    [
        (read, check_from - read_from),
        ("check", render_from - check_from),
        ("render", write_from - render_from),
        ("write", write_from.elapsed()),
    ]
}

impl Session {
    /// A save of articles' text and nothing else (a file of each, read
    /// again, is the same outside its text: [`crate::content::Page::same_outside`])
    /// patched into the last good site: its pages checked and rendered
    /// again, its languages' feeds and search indexes made again, and
    /// nothing walked, planned or compared for the rest, whose outputs are
    /// as they were. `None` when the save is not such a one, or the last
    /// rebuild did not leave a site to patch: a whole rebuild then follows
    /// (reusing what was read here). On error, the site patched is this
    /// save's, not the last good one: the caller drops it.
    fn patch(
        &mut self,
        rel: &[Option<&Path>],
        started: Instant,
    ) -> Result<Option<Rebuilt>, Errors> {
        let Some(last) = self.last.as_mut() else {
            return Ok(None);
        };
        // A page dated ahead is published when its time comes (a day early
        // here: plain dates are due in the site's time zone).
        let soon = chrono::Utc::now() + chrono::Duration::days(1);
        if last.inputs.site.due.is_some_and(|due| due <= soon) {
            return Ok(None);
        }
        let Some(rel) = rel.iter().copied().collect::<Option<Vec<&Path>>>() else {
            return Ok(None);
        };
        if rel.is_empty() || rel.iter().any(|r| r.as_os_str().is_empty()) {
            return Ok(None);
        }
        let read_from = Instant::now();
        let Inputs {
            config,
            theme,
            templates,
            site,
        } = &mut last.inputs;
        let load = LoadOptions {
            drafts: self.options.drafts,
            publish: true,
        };
        let Some(new) = site_content::reload(config, load, &mut self.cache, site, &rel) else {
            return Ok(None);
        };
        if !new.iter().all(|(i, p)| site.pages[*i].same_outside(p)) {
            return Ok(None);
        }
        // From here the site is this save's.
        let (changed, was): (Vec<usize>, Vec<_>) = (new.into_iter())
            .map(|(i, p)| (i, std::mem::replace(&mut site.pages[i], p)))
            .unzip();
        let check_from = Instant::now();
        let memo = &mut self.check;
        let found = check::recheck(config, site, theme, memo, &last.findings, &changed, &was);
        let Some(found) = found else {
            return Ok(None);
        };
        if found.iter().any(Error::is_error) {
            return Err(found);
        }
        let render_from = Instant::now();
        let memo = &mut self.memo;
        let patched = render::patch(
            config,
            site,
            templates,
            &last.sections,
            memo,
            &changed,
            &was,
        );
        let Some(patched) = patched.transpose()? else {
            return Ok(None);
        };
        let write_from = Instant::now();
        let changed = self.mirror.put(&patched.files).map_err(Errors::from)?;
        // Indexes still pending for other languages stay pending (their
        // pages are as they were).
        let mut works = patched.search_later;
        if let Some((pending, _)) = self.pending.take() {
            let redone = |w: &&render::SearchWork| works.iter().all(|n| n.lang != w.lang);
            let kept: Vec<_> = pending.iter().filter(redone).cloned().collect();
            works.extend(kept);
        }
        self.pending = (!works.is_empty()).then(|| (Arc::new(works), 0));
        last.findings = found.clone();
        Ok(Some(Rebuilt {
            changed,
            pages: site.pages.len(),
            warnings: found,
            elapsed: started.elapsed(),
            // "reread": only the saved files were read (and the rest
            // patched), as the editor can see.
            phases: phases("reread", [read_from, check_from, render_from, write_from]),
        }))
    }

    /// Hands the search indexes still to make (after a rebuild, good or
    /// not: a failed one leaves the last good one's) to `indexer`.
    pub fn index_later(&mut self, indexer: &Indexer) {
        if let Some((works, generation)) = &mut self.pending {
            *generation = indexer.start(works.clone());
        }
    }

    /// Serves indexes the worker made, if they are the pending ones of the
    /// generation still wanted (otherwise a newer rebuild or job replaced
    /// them: nothing happens). Returns the files written or removed.
    pub fn indexed(&mut self, made: Made, indexer: &Indexer) -> Result<Vec<String>, Errors> {
        let current = made.generation == indexer.wanted();
        let Some((works, _)) = (self.pending).take_if(|(_, g)| current && *g == made.generation)
        else {
            return Ok(Vec::new());
        };
        let mut changed = Vec::new();
        for (work, files) in works.iter().zip(made.files) {
            let paths = files.iter().map(|f| f.path.clone()).collect();
            changed.extend(self.mirror.replace_folder(&work.folder(), &files)?);
            self.memo.search_index_made(work.lang, work.key, paths);
        }
        Ok(changed)
    }
}

fn hash_debug(value: &impl std::fmt::Debug) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{value:?}").hash(&mut h);
    h.finish()
}
