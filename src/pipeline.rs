//! The pipeline, run the same way by `build`, `check` and every dev-mode
//! rebuild: config → theme and templates → content → plan → check → photos
//! and render → (the caller) write. Each stage reports every problem it
//! finds, and stages that can run after a failure still do, so one run
//! names as many mistakes as it can.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check::{self, Report};
use crate::config::Config;
use crate::content::{self, Cache, LeftOut, LoadOptions, Site};
use crate::error::{Error, Errors};
use crate::files::CONFIG_FILE;
use crate::images;
use crate::messages::Localizer;
use crate::msg;
use crate::output::{self, OutputFile};
use crate::render::{self, Memo, Plan, SearchWork, Templates};
use crate::theme::Theme;

/// What a run may change from `site.yaml`, and what it does.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub base_url: Option<String>,
    /// Include drafts and pages dated in the future.
    pub drafts: bool,
    /// A run that publishes (a build, dev mode): photos encoded, the text's
    /// HTML made. `check` writes nothing, not even the photo cache, and
    /// makes no HTML: it decodes the photos the cache has not seen decoded,
    /// keeping nothing.
    pub publish: bool,
}

/// Everything a site is made of, read and checked stage by stage.
pub struct Inputs {
    pub config: Config,
    pub theme: Theme,
    pub templates: Templates,
    pub site: Site,
}

/// The rendered site, ready to write.
pub struct Output {
    /// Every output file not given to the sink (with a memo, only the
    /// documents that changed).
    pub files: Vec<OutputFile>,
    /// How many files went to the sink (a build wrote them already).
    pub sunk: usize,
    /// Documents left out of `files` because they are as they were.
    pub unchanged: Vec<String>,
    pub memo: Memo,
    pub photos: images::Stats,
    /// Dev mode: search indexes to make once the pages are served.
    pub search_later: Vec<SearchWork>,
}

/// `unionpress check`: every check of a build and the translation status
/// of the site in `root`, writing nothing (no output, no photo cache).
pub fn check(root: &Path) -> Report {
    let mut report = Report {
        findings: Errors::new(),
        languages: Vec::new(),
        articles: Vec::new(),
        pages: None,
        left_out: Vec::new(),
    };
    let options = Options::default();
    let config = match config(root, &options) {
        Ok(c) => c,
        Err(e) => {
            report.findings = e;
            return report;
        }
    };
    report.languages = config.languages.iter().map(|l| l.code.clone()).collect();
    match read(config, &options, &mut Cache::default()) {
        Ok(inputs) => {
            let (plan, planned) = inputs.plan();
            report.findings = inputs.findings(&plan, planned, None);
            // A build decodes every photo; check decodes those the cache
            // has not seen decoded, keeping nothing.
            report
                .findings
                .extend(images::verify(&inputs.config, &inputs.site.photos));
            let (articles, notes) = check::translation_status(&inputs.config, &inputs.site);
            report.findings.extend(notes);
            report.articles = articles;
            report.pages = Some(inputs.site.pages.len());
            report.left_out = inputs.site.left_out.clone();
            drop(plan);
            free_later(inputs);
        }
        Err(errors) => report.findings = errors,
    }
    report.findings.sort();
    report.findings.dedup();
    report
}

/// What a build did, for its summary line.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Articles per language code, in the site's language order.
    pub pages: Vec<(String, usize)>,
    pub files: usize,
    pub photos: images::Stats,
    /// Warnings found on the way (the build went on).
    pub warnings: Errors,
    /// Drafts and pages dated ahead that were not published.
    pub left_out: Vec<LeftOut>,
    pub out: PathBuf,
    pub elapsed: Duration,
}

impl Summary {
    /// The summary lines in the localizer's language.
    pub fn text(&self, loc: Localizer) -> String {
        let per_lang: Vec<String> = self.pages.iter().map(|(l, n)| format!("{l} {n}")).collect();
        let mut out = loc.text(&msg!(
            "build-summary",
            pages = self.pages.iter().map(|(_, n)| n).sum::<usize>(),
            languages = per_lang.join(", "),
            out = &self.out,
            encoded = self.photos.encoded,
            cached = self.photos.cached,
            files = self.files,
            seconds = format!("{:.2}", self.elapsed.as_secs_f64())
        ));
        if let Some(left) = content::describe_left_out(&self.left_out) {
            out.push('\n');
            out.push_str(&loc.text(&msg!("build-left-out", what = left)));
        }
        out
    }
}

impl std::fmt::Display for Summary {
    /// In English.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Localizer::EN))
    }
}

/// Builds the site in `root` into `out` (`public/` in the root when not
/// given): every stage, then the write, which changes nothing unless every
/// stage succeeded.
pub fn build(root: &Path, options: &Options, out: Option<PathBuf>) -> Result<Summary, Errors> {
    let started = Instant::now();
    let options = &Options {
        publish: true,
        ..options.clone()
    };
    let mut inputs = read(config(root, options)?, options, &mut Cache::default())?;
    // Each article's text is freed once its page is made.
    let texts = render::Texts::take(&mut inputs.site);
    let (plan, planned) = inputs.plan();
    let warnings = inputs.gate(&plan, planned, None)?;
    let out = out.unwrap_or_else(|| root.join("public"));
    // Each file is written as soon as it is made; a failed build takes back
    // what it wrote (`output::Stream`).
    let stream = output::Stream::open(&out).map_err(Errors::from)?;
    let output = match inputs.render(&plan, None, Some(&|f| stream.put(f)), Some(&texts)) {
        Ok(output) => output,
        Err(errors) => {
            stream.abort();
            return Err(errors);
        }
    };
    stream.commit().map_err(Errors::from)?;
    // Only after a good build: a failed one may still need the entries.
    images::prune(&inputs.config, &inputs.site.photos).map_err(Errors::from)?;
    let config = &inputs.config;
    let summary = Summary {
        pages: (config.languages.iter())
            .map(|l| (l.code.clone(), inputs.site.pages_in(l.id).count()))
            .collect(),
        files: output.sunk,
        photos: output.photos,
        warnings,
        left_out: inputs.site.left_out.clone(),
        out,
        elapsed: started.elapsed(),
    };
    drop(plan);
    free_later((inputs, output));
    Ok(summary)
}

/// Frees what a finished run held on another thread: a site's worth of
/// small allocations takes a tenth of `check` to free one by one (40 ms
/// at 5,000 articles), and the process may well exit first. (Where no
/// thread can be made, the refused closure frees it here.)
fn free_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// `site.yaml` in `root`, with the run's overrides.
pub fn config(root: &Path, options: &Options) -> Result<Config, Errors> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Errors::from(no_site(root)));
    }
    let mut config = Config::load(root).map_err(Errors::from)?;
    if let Some(url) = &options.base_url {
        config = config.with_base_url(url).map_err(Errors::from)?;
    }
    Ok(config)
}

/// The error for a folder that holds no site.
pub fn no_site(root: &Path) -> Error {
    Error::new(root.join(CONFIG_FILE), msg!("no-site"))
}

/// The theme, its templates compiled, and the content (through `cache`).
/// Theme, template, content and (in a build) photo problems are reported
/// together: the photos of the pages that did read are still decoded, so a
/// damaged one is named in the same run.
pub fn read(config: Config, options: &Options, cache: &mut Cache) -> Result<Inputs, Errors> {
    let theme = Theme::load(&config);
    let templates = theme
        .as_ref()
        .map_err(Clone::clone)
        .and_then(Templates::compile);
    let load = LoadOptions {
        drafts: options.drafts,
        publish: options.publish,
    };
    let site = content::load(&config, load, cache);
    match (theme, templates, site) {
        (Ok(theme), Ok(templates), Ok(site)) => Ok(Inputs {
            config,
            theme,
            templates,
            site,
        }),
        (theme, templates, site) => {
            let mut errors = theme.err().unwrap_or_default();
            errors.extend(templates.err().unwrap_or_default());
            match site {
                Ok(site) if options.publish => errors.extend(
                    images::process(&config, &site.photos)
                        .err()
                        .unwrap_or_default(),
                ),
                Ok(_) => {}
                Err(failed) => errors.extend(failed),
            }
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}

impl Inputs {
    /// The plan of everything the build writes, and the outputs two sources
    /// claim.
    pub fn plan(&self) -> (Plan<'_>, Errors) {
        Plan::new(&self.config, &self.site, &self.theme)
    }

    /// Everything `check` reports on a planned site: duplicates, links,
    /// anchors, figures, photo sets (all but the translation status).
    /// With `memo` (dev mode), what cannot have changed is not checked again.
    pub fn findings(&self, plan: &Plan, planned: Errors, memo: Option<&mut check::Memo>) -> Errors {
        let mut found = planned;
        let (config, site, theme) = (&self.config, &self.site, &self.theme);
        found.extend(check::findings(config, site, theme, plan, memo));
        found.sort();
        found.dedup();
        found
    }

    /// For a build: fails with every finding when one is an error; else
    /// returns the warnings (the build goes on).
    pub fn gate(
        &self,
        plan: &Plan,
        planned: Errors,
        memo: Option<&mut check::Memo>,
    ) -> Result<Errors, Errors> {
        let found = self.findings(plan, planned, memo);
        if found.iter().any(Error::is_error) {
            Err(found)
        } else {
            Ok(found)
        }
    }

    /// Encodes the photos the cache lacks and renders every output (with
    /// `memo`, only what changed), each file to `sink` when there is one,
    /// taking the articles' texts from `texts` when given (a build).
    pub fn render(
        &self,
        plan: &Plan,
        memo: Option<Memo>,
        sink: Option<&render::Sink>,
        texts: Option<&render::Texts>,
    ) -> Result<Output, Errors> {
        // Photos first, one task each: a page encodes the photos it shows
        // when they are not encoded yet, and a list page showing twenty
        // would encode them one after another while the other cores idle.
        let photos = images::process(&self.config, &self.site.photos);
        let (config, site, templates) = (&self.config, &self.site, &self.templates);
        // A failed photo fails the build: the render still runs, for its
        // own errors, but writes nothing (its copies of the photo are not
        // there to write).
        let discard: &render::Sink = &|_| Ok(());
        let sink = sink.map(|s| if photos.is_ok() { s } else { discard });
        let rendered = render::render(config, site, templates, plan, memo, sink, texts);
        match (rendered, photos) {
            (Ok(r), Ok(stats)) => Ok(Output {
                files: r.files,
                sunk: r.sunk,
                unchanged: r.unchanged,
                memo: r.memo,
                photos: stats,
                search_later: r.search_later,
            }),
            (r, p) => {
                let mut errors = r.err().unwrap_or_default();
                errors.extend(p.err().unwrap_or_default());
                errors.sort();
                Err(errors)
            }
        }
    }
}
