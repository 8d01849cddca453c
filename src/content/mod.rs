//! The content stage: walks `content/`, reads every Markdown file once (front
//! matter and body, in parallel), links translations by path, applies
//! inheritance and gives each page its URL. The result is plain data, [`Site`].

pub mod front_matter;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Errors, key_line};
use crate::images::{self, Photo};
use crate::markdown::{self, LinkUse, Rendered, Resolved};
use crate::metrics::NumberStyle;
use crate::text::{is_cjk, percent_decode, summarize};
use front_matter::{Correction, Date, FrontMatter, SectionMatter};

pub const CONTENT_DIR: &str = "content";

/// What to include in a build.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include drafts and pages dated in the future.
    pub drafts: bool,
}

/// A cover image with its URL resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverImage {
    /// The `src` variant (the middle width) for a photo.
    pub url: String,
    /// Every width, for `srcset` ("" for an external image).
    pub srcset: String,
    /// Of the `src` variant; 0 when unknown.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    #[serde(skip)]
    pub photo: Option<Arc<Photo>>,
}

/// Another language's version of a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Translation {
    pub lang: String,
    pub url: String,
}

/// One article in one language, ready to render.
#[derive(Debug, Clone)]
pub struct Page {
    /// The Markdown file, relative to the site root.
    pub source: PathBuf,
    pub lang: String,
    /// Translation key: the content path without language suffix (`news/x`).
    pub key: String,
    /// Top-level folder under `content/` (`news`), "" for pages at the top.
    pub section: String,
    /// URL path relative to the site root, ending in `/`: `en/news/x/`.
    pub url: String,
    pub title: String,
    pub date: Date,
    pub updated: Option<Date>,
    pub summary: String,
    pub author: Vec<String>,
    pub location: String,
    pub tags: Vec<String>,
    pub cover: Option<CoverImage>,
    /// The cover is shown above the text (the text does not show it).
    pub show_cover: bool,
    /// Root-relative (or external) URL of the social-card image: the
    /// cover's, else the first photo's.
    pub og_image: Option<String>,
    pub photo_credit: String,
    pub draft: bool,
    pub weight: i64,
    pub featured: bool,
    pub aliases: Vec<String>,
    pub corrections: Vec<Correction>,
    pub extra: serde_json::Value,
    /// Shared with the dev server's cache of parsed files.
    pub body: Arc<Rendered>,
    pub reading_minutes: usize,
    /// The other languages' versions, in the site's language order.
    pub translations: Vec<Translation>,
    /// Changes whenever a file of the page or of its translations is read
    /// again: equal fingerprints mean equal pages (dev mode re-renders only
    /// what changed).
    pub fingerprint: u64,
}

/// The title and intro of a list page (`_index.<lang>.md`).
#[derive(Debug, Clone)]
pub struct SectionIndex {
    pub source: PathBuf,
    pub lang: String,
    /// "" for the home page, else the section folder (`news`).
    pub key: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub html: String,
    /// Links of the intro, for `check`.
    pub links: Vec<LinkUse>,
    pub extra: serde_json::Value,
}

/// A file in `content/` that is not Markdown (photos in bundles), copied to
/// the same path in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub source: PathBuf,
    /// Path relative to `content/` with `/` separators: `news/x/photo.jpg`.
    pub path: String,
}

/// Everything `content/` holds, checked and linked.
#[derive(Debug, Clone)]
pub struct Site {
    /// Newest first; pages of one date by key, then language order.
    /// Shared with the dev server's cache of linked pages.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<SectionIndex>,
    pub assets: Vec<Asset>,
    /// The photos published pages use, to be processed.
    pub photos: Vec<images::Job>,
    /// Indices into `pages` by language code (newest first): lists and
    /// feeds ask for one language's pages many times a build.
    by_lang: HashMap<String, Vec<usize>>,
}

impl Site {
    pub fn pages_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Page> + 'a {
        self.indices_in(lang).map(|i| &*self.pages[i])
    }

    /// Indices into `pages` of `lang`'s pages, newest first.
    pub fn indices_in<'a>(&'a self, lang: &str) -> impl Iterator<Item = usize> + 'a {
        self.by_lang.get(lang).into_iter().flatten().copied()
    }

    pub fn section_index(&self, key: &str, lang: &str) -> Option<&SectionIndex> {
        self.sections
            .iter()
            .find(|s| s.key == key && s.lang == lang)
    }
}

/// What a Markdown file is, from its name.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Page,
    Section,
}

/// A walk of `content/`: Markdown sources and other files.
type Listing = (Vec<SourceFile>, Vec<Asset>);

#[derive(Debug, Clone)]
struct SourceFile {
    /// Relative to the site root.
    source: PathBuf,
    /// Relative to `content/`, `/`-separated, without language and `.md`.
    key: String,
    lang: String,
    kind: Kind,
    /// The folder holding the file, relative to `content/`: references in
    /// the file resolve against it.
    dir: String,
}

/// A page as read from its file, before translations are linked.
#[derive(Clone)]
struct ParsedPage {
    file: SourceFile,
    fm: FrontMatter,
    cover: Option<CoverImage>,
    body: Arc<Rendered>,
    /// Unique per reading of the file (see [`Page::fingerprint`]).
    generation: u64,
}

/// The non-Markdown files of `content/`: photos probed (header read,
/// variants planned, or why they can't be used), others by path.
struct Files<'a> {
    all: HashSet<&'a str>,
    photos: HashMap<&'a str, Result<Arc<Photo>, String>>,
}

/// Why `content/` could not be used: every problem of every file, and the
/// photos of the pages that did read, so that a build can report a damaged
/// photo in the same run rather than after the other errors are fixed.
#[derive(Debug, Default)]
pub struct LoadError {
    pub errors: Errors,
    pub photos: Vec<images::Job>,
}

impl From<Errors> for LoadError {
    fn from(errors: Errors) -> Self {
        LoadError {
            errors,
            photos: Vec::new(),
        }
    }
}

/// Reads the whole `content/` folder. All problems of all files are returned.
pub fn load(config: &Config, options: LoadOptions) -> Result<Site, LoadError> {
    load_with(config, options, None)
}

/// Size and modification time: a file with the same stamp is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp(Option<SystemTime>, u64);

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp(meta.modified().ok(), meta.len()))
    }
}

/// What a file a page refers to was when the page was read.
#[derive(Debug, Clone, PartialEq)]
enum Dep {
    Missing,
    File,
    /// A photo, by its variants' cache key (which changes with its bytes).
    Photo(String),
    Unusable(String),
}

impl Dep {
    fn of(files: &Files, path: &str) -> Dep {
        match files.photos.get(path) {
            Some(Ok(photo)) => Dep::Photo(photo.og.path.clone()),
            Some(Err(why)) => Dep::Unusable(why.clone()),
            None if files.all.contains(path) => Dep::File,
            None => Dep::Missing,
        }
    }
}

/// A photo's header, or why it cannot be used.
type Probe = Result<Arc<Photo>, String>;

/// Files read by an earlier load in the same process, reused while they
/// and the files they refer to are unchanged (dev mode keeps one between
/// rebuilds; a build starts without). Files with errors are not kept: they
/// are read again every time until fixed.
///
/// A new cache checks every file's size and time. Once the caller has
/// loaded with it, it trusts the caller to [`Cache::forget`] each file that
/// changed (dev mode passes on the watcher's events), so a rebuild after
/// one edit neither walks nor stats thousands of files.
#[derive(Default)]
pub struct Cache {
    photos: HashMap<String, (Stamp, Probe)>,
    parsed: HashMap<PathBuf, Reuse>,
    generations: u64,
    /// The last walk of `content/`, while no file was added or removed.
    listing: Option<Arc<Listing>>,
    trusted: bool,
    /// Pages made from each group of translations, by its fingerprint.
    linked: HashMap<u64, Arc<[Arc<Page>]>>,
}

impl Cache {
    /// Drops what the cache holds for `path` (relative to the site root), so
    /// it is read again even if its size and time look unchanged. A file
    /// that appeared or went away (or a folder) makes the next load walk
    /// `content/` again.
    pub fn forget(&mut self, root: &Path, path: &Path) {
        self.parsed.remove(path);
        let Ok(rel) = path.strip_prefix(CONTENT_DIR) else {
            return;
        };
        let rel = slash_path(rel);
        self.photos.remove(&rel);
        let listed = self.listing.as_deref().is_some_and(|(sources, assets)| {
            sources.iter().any(|s| s.source == path) || assets.iter().any(|a| a.path == rel)
        });
        if !listed || !root.join(path).is_file() {
            self.listing = None;
        }
    }

    /// Checks every file again on the next load (the watcher may have
    /// missed changes).
    pub fn distrust(&mut self) {
        self.trusted = false;
        self.listing = None;
    }
}

struct Reuse {
    stamp: Stamp,
    deps: Vec<(String, Dep)>,
    parsed: Parsed,
}

/// A Markdown file read now or taken from the cache.
struct Read {
    result: Result<Parsed, Errors>,
    /// For the cache: when the file was read and what it refers to; `None`
    /// when taken from the cache or not caching.
    fresh: Option<(Stamp, Vec<(String, Dep)>)>,
    reused: bool,
    source: PathBuf,
}

/// [`load`], reusing what `cache` holds and updating it.
pub fn load_with(
    config: &Config,
    options: LoadOptions,
    mut cache: Option<&mut Cache>,
) -> Result<Site, LoadError> {
    // Shared with the cache, not copied: thousands of entries.
    let cached_listing = cache.as_ref().and_then(|c| c.listing.clone());
    let walked = cached_listing.is_none();
    let listing = match cached_listing {
        Some(listing) => listing,
        None => {
            let listing = Arc::new(discover(config)?);
            if let Some(c) = cache.as_deref_mut() {
                c.listing = Some(listing.clone());
            }
            listing
        }
    };
    let (sources, assets) = (&listing.0, &listing.1);
    let previous = cache.as_deref();
    let trusted = previous.is_some_and(|c| c.trusted);
    let probed: Vec<(&str, Option<Stamp>, Probe)> = assets
        .par_iter()
        .filter(|a| images::is_raster(&a.path))
        .map(|a| {
            let cached = previous.and_then(|c| c.photos.get(&a.path));
            if let (true, Some((stamp, probe))) = (trusted, cached) {
                return (a.path.as_str(), Some(*stamp), probe.clone());
            }
            let stamp = previous.and_then(|_| Stamp::of(&a.source));
            let reused = cached
                .filter(|(s, _)| Some(*s) == stamp)
                .map(|(_, r)| r.clone());
            let result =
                reused.unwrap_or_else(|| images::probe(config, &a.source, &a.path).map(Arc::new));
            (a.path.as_str(), stamp, result)
        })
        .collect();
    let files = Files {
        all: assets.iter().map(|a| a.path.as_str()).collect(),
        photos: probed
            .iter()
            .map(|(path, _, result)| (*path, result.clone()))
            .collect(),
    };

    let reads: Vec<Read> = sources
        .par_iter()
        .map(|file| {
            let source = file.source.clone();
            let Some(cache) = previous else {
                let result = parse_file(config, &files, file.clone(), &Mutex::default());
                return Read {
                    result,
                    fresh: None,
                    reused: false,
                    source,
                };
            };
            let cached = cache.parsed.get(&source);
            // Trusted, an entry is current unless forgotten; else its stamp
            // is checked. Either way, so are the files it refers to.
            let stamp = match cached {
                Some(r) if trusted => Some(r.stamp),
                _ => Stamp::of(&config.root.join(&source)),
            };
            let reusable = cached.filter(|r| {
                Some(r.stamp) == stamp && r.deps.iter().all(|(p, d)| Dep::of(&files, p) == *d)
            });
            if let Some(r) = reusable {
                return Read {
                    result: Ok(r.parsed.clone()),
                    fresh: None,
                    reused: true,
                    source,
                };
            }
            let seen = Mutex::default();
            let result = parse_file(config, &files, file.clone(), &seen);
            let deps = seen
                .into_inner()
                .unwrap_or_default()
                .into_iter()
                .map(|p: String| {
                    let d = Dep::of(&files, &p);
                    (p, d)
                })
                .collect();
            Read {
                result,
                fresh: stamp.map(|s| (s, deps)),
                reused: false,
                source,
            }
        })
        .collect();

    // Every new reading gets a new generation (without a cache, the file's
    // place in the walk will do); the cache keeps what read without errors,
    // for the files that still exist.
    let caching = cache.is_some();
    let mut generations = cache.as_ref().map_or(0, |c| c.generations);
    let mut parsed = Vec::with_capacity(reads.len());
    for (i, read) in reads.into_iter().enumerate() {
        let mut result = read.result;
        if !read.reused
            && let Ok(Parsed::Page(p)) = &mut result
            && let Some(p) = Arc::get_mut(p)
        {
            generations += 1;
            p.generation = if caching { generations } else { i as u64 };
        }
        // The cache is updated in place: most entries are reused as they are.
        if let Some(cache) = cache.as_deref_mut() {
            match (&result, read.fresh) {
                (Ok(p), Some((stamp, deps))) => {
                    let parsed = p.clone();
                    cache.parsed.insert(
                        read.source,
                        Reuse {
                            stamp,
                            deps,
                            parsed,
                        },
                    );
                }
                (Ok(_), None) if read.reused => {}
                _ => {
                    cache.parsed.remove(&read.source);
                }
            }
        }
        parsed.push(result);
    }
    if let Some(cache) = cache.as_deref_mut() {
        if walked {
            // Files gone from `content/` leave the cache.
            let listed: HashSet<&Path> = sources.iter().map(|s| s.source.as_path()).collect();
            cache
                .parsed
                .retain(|source, _| listed.contains(source.as_path()));
        }
        cache.generations = generations;
        cache.trusted = true;
        cache.photos = probed
            .iter()
            .filter_map(|(path, stamp, r)| Some((path.to_string(), ((*stamp)?, r.clone()))))
            .collect();
    }
    let mut errors = Vec::new();
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    for p in parsed {
        match p {
            Ok(Parsed::Page(p)) => pages.push(p),
            Ok(Parsed::Section(s)) => sections.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        errors.sort();
        let photos = photo_jobs(pages.iter().map(|p| (&p.file.source, &p.cover, &*p.body)));
        return Err(LoadError { errors, photos });
    }
    let pages = link(
        config,
        pages,
        &sections,
        options,
        cache.map(|c| &mut c.linked),
    )?;
    // Photos are published as processed variants only (never the original,
    // which may carry GPS data); other files are copied as they are.
    let photos = photo_jobs(pages.iter().map(|p| (&p.source, &p.cover, &*p.body)));
    let assets = assets
        .iter()
        .filter(|a| !images::is_raster(&a.path))
        .cloned()
        .collect();
    let mut by_lang: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in pages.iter().enumerate() {
        by_lang.entry(p.lang.clone()).or_default().push(i);
    }
    Ok(Site {
        by_lang,
        pages,
        sections,
        assets,
        photos,
    })
}

/// The photos pages use (body, links and cover), each once.
fn photo_jobs<'a>(
    pages: impl Iterator<Item = (&'a PathBuf, &'a Option<CoverImage>, &'a Rendered)>,
) -> Vec<images::Job> {
    images::jobs(pages.flat_map(|(source, cover, body)| {
        let photos = body.images.iter().filter_map(|i| i.photo.clone());
        let linked = body.links.iter().filter_map(|l| l.photo.clone());
        photos
            .chain(linked)
            .chain(cover.iter().filter_map(|c| c.photo.clone()))
            .map(move |photo| (photo, source.clone()))
    }))
}

/// Walks `content/` in a stable order: Markdown sources and other files.
fn discover(config: &Config) -> Result<(Vec<SourceFile>, Vec<Asset>), Errors> {
    let dir = config.root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(vec![Error::new(
            CONTENT_DIR,
            "no content folder: create `content/` with one folder per section",
        )]);
    }
    let mut sources = Vec::new();
    let mut assets = Vec::new();
    let mut errors = Vec::new();
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.clone());
                errors.push(Error::new(relative(&config.root, &path), e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel_content = entry
            .path()
            .strip_prefix(&dir)
            .expect("walkdir stays inside content/");
        let path = slash_path(rel_content);
        let source = Path::new(CONTENT_DIR).join(rel_content);
        if path.ends_with(".md") {
            match classify(config, &path) {
                Ok((key, lang, kind)) => {
                    let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                    sources.push(SourceFile {
                        source,
                        key,
                        lang,
                        kind,
                        dir,
                    })
                }
                // The file name is the problem: point at the file's start,
                // as other file-level errors do (`path:1:1: error: ...`).
                Err(message) => errors.push(Error::new(source, message).at(1, 1)),
            }
        } else {
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                path,
            });
        }
    }
    if errors.is_empty() {
        Ok((sources, assets))
    } else {
        Err(errors)
    }
}

/// Editor backups, swap files and hidden files are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name.ends_with(".swp")
}

/// `news/x/index.en.md` → (`news/x`, `en`, page); `news/_index.md` →
/// (`news`, default language, section).
fn classify(config: &Config, path: &str) -> Result<(String, String, Kind), String> {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let (dir, name) = match stem.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", stem),
    };
    let (base, lang) = match name.rsplit_once('.') {
        Some((base, suffix)) if config.language(suffix).is_some() => (base, suffix.to_string()),
        Some((_, suffix)) if looks_like_language(suffix) => {
            return Err(format!(
                "language `{suffix}` is not configured in site.yaml (languages: {})",
                config
                    .languages
                    .iter()
                    .map(|l| l.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        _ => (name, config.default_language().code.clone()),
    };
    match base {
        "_index" => Ok((dir.to_string(), lang, Kind::Section)),
        "index" if dir.is_empty() => {
            Err("the home page's text goes in `content/_index.md` (with an underscore)".into())
        }
        "index" => Ok((dir.to_string(), lang, Kind::Page)),
        _ if base.is_empty() || base.contains('.') => Err(format!(
            "cannot tell the page and language from the name `{name}.md`"
        )),
        _ if dir.is_empty() => Ok((base.to_string(), lang, Kind::Page)),
        _ => Ok((format!("{dir}/{base}"), lang, Kind::Page)),
    }
}

fn looks_like_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[derive(Clone)]
enum Parsed {
    /// Shared with the dev server's cache of parsed files.
    Page(Arc<ParsedPage>),
    Section(SectionIndex),
}

/// Reads one Markdown file: front matter, body, images. Reports all problems.
/// Every file the page refers to goes into `seen` (for the dev cache).
fn parse_file(
    config: &Config,
    files: &Files,
    file: SourceFile,
    seen: &Mutex<Vec<String>>,
) -> Result<Parsed, Errors> {
    let path = file.source.clone();
    let text = read_utf8(&config.root.join(&path), &path).map_err(|e| vec![e])?;
    let (yaml, body, body_line) = front_matter::split(&path, &text).map_err(|e| vec![e])?;
    let locale = &config
        .language(&file.lang)
        .expect("classify checked the language")
        .locale;
    let numbers = NumberStyle::for_locale(locale, config.compact_numbers);
    let resolve = |src: &str| resolve_file(config, files, &file.dir, src, seen);
    let cx = markdown::Context {
        path: &path,
        first_line: body_line,
        numbers,
        resolve_image: &resolve,
        base_path: &config.base_path,
    };

    match file.kind {
        Kind::Section => {
            let fm: SectionMatter = front_matter::parse(&path, &yaml).map_err(|e| vec![e])?;
            let rendered = markdown::render(&body, &cx)?;
            Ok(Parsed::Section(SectionIndex {
                source: path.clone(),
                lang: file.lang,
                key: file.key,
                title: fm.title,
                description: fm
                    .description
                    .unwrap_or_else(|| summarize(&rendered.first_paragraph)),
                weight: fm.weight.unwrap_or(0),
                html: rendered.html,
                links: rendered.links,
                extra: yaml_to_json(&path, fm.extra).map_err(|e| vec![e])?,
            }))
        }
        Kind::Page => {
            let fm_result: Result<FrontMatter, Error> = front_matter::parse(&path, &yaml);
            let body_result = markdown::render(&body, &cx);
            let mut errors = Vec::new();
            let cover = match &fm_result {
                Ok(fm) => match &fm.cover {
                    Some(c) => match resolve(&c.src) {
                        Ok(r) => Some(CoverImage {
                            srcset: r
                                .photo
                                .as_ref()
                                .map(|p| p.srcset(&config.base_path))
                                .unwrap_or_default(),
                            width: r.photo.as_ref().map_or(0, |p| p.src().width),
                            height: r.photo.as_ref().map_or(0, |p| p.src().height),
                            url: r.url,
                            alt: c.alt.clone(),
                            caption: c.caption.clone(),
                            credit: c.credit.clone(),
                            photo: r.photo,
                        }),
                        Err(m) => {
                            errors.push(
                                Error::new(&path, format!("cover: {m}"))
                                    .at(key_line(&yaml, "cover").map_or(1, |l| l + 1), 1),
                            );
                            None
                        }
                    },
                    None => None,
                },
                Err(_) => None,
            };
            let fm = fm_result.map_err(|e| errors.push(e));
            let body = body_result.map_err(|e| errors.extend(e));
            match (fm, body) {
                (Ok(fm), Ok(body)) if errors.is_empty() => Ok(Parsed::Page(Arc::new(ParsedPage {
                    file,
                    fm,
                    cover,
                    body: Arc::new(body),
                    generation: 0,
                }))),
                _ => Err(errors),
            }
        }
    }
}

/// Reads a file that must be UTF-8; says where the first bad byte is.
pub fn read_utf8(abs: &Path, shown: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(abs).map_err(|e| Error::io(shown, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Error::new(
            shown,
            "the file is not valid UTF-8: save it as UTF-8 (GBK and GB2312 are not supported)",
        )
        .at(line, column)
    })
}

/// Resolves a file reference in a page in `dir` (relative to `content/`) to
/// its URL. External and root-relative URLs are left as written.
fn resolve_file(
    config: &Config,
    files: &Files,
    dir: &str,
    src: &str,
    seen: &Mutex<Vec<String>>,
) -> Result<Resolved, String> {
    if src.is_empty() {
        return Err("image has no path".into());
    }
    if src.contains("://")
        || src.starts_with("//")
        || src.starts_with("data:")
        || src.starts_with('/')
    {
        return Ok(Resolved {
            url: src.to_string(),
            photo: None,
        });
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let decoded = percent_decode(path);
    let joined = if dir.is_empty() {
        decoded.clone()
    } else {
        format!("{dir}/{decoded}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(&joined).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str().unwrap_or("")),
            Component::ParentDir if parts.pop().is_some() => {}
            Component::CurDir => {}
            _ => return Err(format!("`{src}` points outside the content folder")),
        }
    }
    let normal = parts.join("/");
    if let Ok(mut seen) = seen.lock() {
        seen.push(normal.clone());
    }
    match files.photos.get(normal.as_str()) {
        Some(Ok(photo)) => Ok(Resolved {
            url: format!("{}{}", config.base_path, photo.src().path),
            photo: Some(photo.clone()),
        }),
        Some(Err(why)) => Err(why.clone()),
        None if files.all.contains(normal.as_str()) => Ok(Resolved {
            url: format!("{}{normal}", config.base_path),
            photo: None,
        }),
        None => Err(format!("`{src}` not found (looked for content/{normal})")),
    }
}

fn yaml_to_json(path: &Path, extra: serde_yaml::Mapping) -> Result<serde_json::Value, Error> {
    serde_json::to_value(extra).map_err(|e| Error::new(path, format!("extra: {e}")))
}

/// Links translations, applies inheritance, drops drafts and future pages,
/// gives URLs and finds duplicate URLs. Groups of translations are made in
/// parallel; with `linked` (dev mode), a group whose files are unchanged is
/// taken from it as it was made last time.
fn link(
    config: &Config,
    parsed: Vec<Arc<ParsedPage>>,
    sections: &[SectionIndex],
    options: LoadOptions,
    linked: Option<&mut HashMap<u64, Arc<[Arc<Page>]>>>,
) -> Result<Vec<Arc<Page>>, Errors> {
    let lang_order = |code: &str| {
        config
            .languages
            .iter()
            .position(|l| l.code == code)
            .unwrap_or(usize::MAX)
    };
    let mut groups: BTreeMap<&str, Vec<Arc<ParsedPage>>> = BTreeMap::new();
    for p in &parsed {
        groups.entry(&p.file.key).or_default().push(p.clone());
    }
    let previous = linked.as_deref();
    // Each group: its fingerprint, whether to keep it, its pages.
    let made: Vec<(u64, bool, Linked)> = groups
        .into_par_iter()
        .map(|(_, mut group)| {
            group.sort_by_key(|p| lang_order(&p.file.lang));
            // A page is made of its group's files only: they fingerprint it.
            let mut hasher = std::hash::DefaultHasher::new();
            for p in &group {
                (&p.file.source, p.generation).hash(&mut hasher);
            }
            let fingerprint = hasher.finish();
            if let Some(pages) = previous.and_then(|l| l.get(&fingerprint)) {
                return (fingerprint, true, Ok(pages.clone()));
            }
            match link_group(config, group, fingerprint, options) {
                // Kept only when nothing was left out: a page dated
                // tomorrow is looked at again on the next rebuild.
                Ok((pages, complete)) => (
                    fingerprint,
                    complete,
                    Ok(pages.into_iter().map(Arc::new).collect()),
                ),
                Err(e) => (fingerprint, false, Err(e)),
            }
        })
        .collect();
    let mut errors = Vec::new();
    let mut pages = Vec::new();
    let mut kept = HashMap::new();
    for (fingerprint, keep, result) in made {
        match result {
            Ok(group) => {
                pages.extend(group.iter().cloned());
                if previous.is_some() && keep {
                    kept.insert(fingerprint, group);
                }
            }
            Err(e) => errors.extend(e),
        }
    }
    if let Some(linked) = linked {
        *linked = kept;
    }
    check_duplicate_urls(config, &pages, sections, &mut errors);
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    // Newest first; pages of one date by key, then in language order: the
    // order the groups were made in (by key, each in language order), which
    // a stable sort keeps.
    pages.sort_by_key(|p| std::cmp::Reverse(p.date));
    Ok(pages)
}

type Linked = Result<Arc<[Arc<Page>]>, Errors>;

/// One article in every language it has, sorted in language order. Also
/// says whether every file made a page (none left out as a draft or for
/// its date).
fn link_group(
    config: &Config,
    group: Vec<Arc<ParsedPage>>,
    fingerprint: u64,
    options: LoadOptions,
) -> Result<(Vec<Page>, bool), Errors> {
    let now = chrono::Utc::now().fixed_offset();
    // A plain date is published on that day where the site is built, not at
    // midnight UTC (which is 8 a.m. in China).
    let today = chrono::Local::now().date_naive();
    let mut errors = Vec::new();
    let files = group.len();
    // The original: the default language's version, else the first.
    let original_fm = group[0].fm.clone();
    let original_cover = group[0].cover.clone();
    let mut built = Vec::new();
    for (i, p) in group.into_iter().enumerate() {
        let p = Arc::unwrap_or_clone(p);
        let is_cjk_lang = is_cjk_locale(&config.language(&p.file.lang).expect("checked").locale);
        let mut fm = p.fm;
        let mut cover = p.cover;
        if i > 0 {
            inherit(&mut fm, &original_fm, is_cjk_lang);
            if cover.is_none() {
                cover = original_cover.clone();
            }
        }
        let Some(date) = fm.date else {
            errors.push(Error::new(&p.file.source, "missing `date` (YYYY-MM-DD)").at(1, 1));
            continue;
        };
        let draft = fm.draft.unwrap_or(false);
        let future = if date.date_only {
            date.naive_date() > today
        } else {
            date.at > now
        };
        if !options.drafts && (draft || future) {
            continue;
        }
        match page_url(config, &p.file, fm.slug.as_deref()) {
            Ok(url) => built.push(make_page(config, p.file, fm, cover, p.body, date, url)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let translations: Vec<Translation> = built
        .iter()
        .map(|p: &Page| Translation {
            lang: p.lang.clone(),
            url: p.url.clone(),
        })
        .collect();
    for page in &mut built {
        page.fingerprint = fingerprint;
        page.translations = translations
            .iter()
            .filter(|t| t.lang != page.lang)
            .cloned()
            .collect();
    }
    let complete = built.len() == files;
    Ok((built, complete))
}

fn is_cjk_locale(locale: &str) -> bool {
    matches!(locale.get(..2), Some("zh" | "ja" | "ko"))
}

/// A translation takes the original's language-neutral fields it does not
/// set itself. Tags come along only when they read the same in both
/// languages: words in the translation's own script, or no letters at all.
fn inherit(t: &mut FrontMatter, o: &FrontMatter, cjk_target: bool) {
    t.date = t.date.or(o.date);
    t.updated = t.updated.or(o.updated);
    t.weight = t.weight.or(o.weight);
    t.featured = t.featured.or(o.featured);
    t.draft = t.draft.or(o.draft);
    if t.cover.is_none() {
        t.cover = o.cover.clone();
    }
    if t.tags.is_none()
        && let Some(tags) = &o.tags
    {
        let same_words = |tag: &&String| {
            let letters: Vec<char> = tag.chars().filter(|c| c.is_alphabetic()).collect();
            letters.is_empty() || letters.iter().all(|&c| is_cjk(c) == cjk_target)
        };
        t.tags = Some(tags.iter().filter(same_words).cloned().collect());
    }
}

fn page_url(config: &Config, file: &SourceFile, slug: Option<&str>) -> Result<String, Error> {
    let prefix = &config.language(&file.lang).expect("checked").prefix;
    let path = match slug {
        None => file.key.clone(),
        Some(s) if s.is_empty() || s.contains(['/', '\\', '?', '#']) || s == "." || s == ".." => {
            return Err(Error::new(
                &file.source,
                format!("slug `{s}` must be one path segment without / ? #"),
            )
            .at(1, 1));
        }
        Some(s) => match file.key.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{s}"),
            None => s.to_string(),
        },
    };
    Ok(format!("{prefix}{path}/"))
}

fn make_page(
    config: &Config,
    file: SourceFile,
    fm: FrontMatter,
    cover: Option<CoverImage>,
    mut body: Arc<Rendered>,
    date: Date,
    url: String,
) -> Page {
    // A cover the text does not show goes above it and loads first; the
    // text's first photo then waits like the others.
    let show_cover = cover
        .as_ref()
        .is_some_and(|c| body.images.iter().all(|i| i.url != c.url));
    if show_cover {
        let body = Arc::make_mut(&mut body);
        body.html = body
            .html
            .replacen("loading=\"eager\"", "loading=\"lazy\"", 1);
    }
    // An empty `summary: ""` or `author: ""` (as `new` writes them) means
    // "not given", not an empty description or a byline without a name.
    let summary = fm
        .summary
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| summarize(&body.first_paragraph));
    let section = match file.key.split_once('/') {
        Some((s, _)) => s.to_string(),
        None => String::new(),
    };
    Page {
        reading_minutes: body.count.reading_minutes(),
        extra: serde_json::to_value(&fm.extra).unwrap_or_default(),
        source: file.source,
        lang: file.lang,
        key: file.key,
        section,
        url,
        title: fm.title,
        date,
        updated: fm.updated,
        summary,
        author: fm
            .author
            .map(|a| a.into_vec())
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !a.trim().is_empty())
            .collect(),
        location: fm.location.unwrap_or_default(),
        tags: fm.tags.unwrap_or_default(),
        og_image: og_image(config, cover.as_ref(), &body),
        cover,
        show_cover,
        photo_credit: fm.photo_credit.unwrap_or_default(),
        draft: fm.draft.unwrap_or(false),
        weight: fm.weight.unwrap_or(0),
        featured: fm.featured.unwrap_or(false),
        aliases: fm.aliases,
        corrections: fm.corrections,
        body,
        translations: Vec::new(),
        fingerprint: 0,
    }
}

/// The social-card image: the cover's crop, else the first photo's; an
/// external image as it is.
fn og_image(config: &Config, cover: Option<&CoverImage>, body: &Rendered) -> Option<String> {
    let first = cover
        .map(|c| (&c.url, &c.photo))
        .or(body.images.first().map(|i| (&i.url, &i.photo)))?;
    Some(match first {
        (_, Some(photo)) => format!("{}{}", config.base_path, photo.og.path),
        (url, None) => url.clone(),
    })
}

/// Two sources that would write the same URL are an error naming both.
fn check_duplicate_urls(
    config: &Config,
    pages: &[Arc<Page>],
    sections: &[SectionIndex],
    errors: &mut Errors,
) {
    let section_urls: Vec<String> = sections
        .iter()
        .map(|s| {
            let prefix = &config.language(&s.lang).expect("checked").prefix;
            if s.key.is_empty() {
                prefix.clone()
            } else {
                format!("{prefix}{}/", s.key)
            }
        })
        .collect();
    // Who claims each URL: a section's index first, then pages.
    let mut claims: HashMap<&str, Vec<(bool, &Path)>> = HashMap::with_capacity(pages.len());
    for (url, s) in section_urls.iter().zip(sections) {
        claims.entry(url).or_default().push((false, &s.source));
    }
    for p in pages {
        claims.entry(&p.url).or_default().push((true, &p.source));
    }
    // Only the (rare) shared URLs are sorted: pages by file, so the report
    // does not depend on the walk.
    let mut found = Vec::new();
    for (url, mut owners) in claims.into_iter().filter(|(_, o)| o.len() > 1) {
        owners.sort();
        for pair in owners.windows(2) {
            found.push(
                Error::new(
                    pair[1].1,
                    format!("duplicate URL /{url}: {} has it too", pair[0].1.display()),
                )
                .at(1, 1)
                .code("duplicate-url"),
            );
        }
    }
    found.sort();
    errors.extend(found);
}

/// A path relative to `root` for messages; unchanged when outside it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The files below `dir` in a stable order, each as (`/`-separated path
/// relative to `dir`, full path), editor backups and hidden files left out.
pub fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>, walkdir::Error> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("walkdir stays below its root");
            files.push((slash_path(rel), entry.path().to_path_buf()));
        }
    }
    Ok(files)
}

/// A relative path with `/` separators on every platform.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(Path::new("."), "base_url: https://x.org\ndefault_language: zh\nlanguages:\n  zh: { name: 中文, locale: zh-CN, title: 新闻 }\n  en: { name: English, title: News }\n").unwrap()
    }

    #[test]
    fn classifies_bundles_single_files_and_sections() {
        let c = config();
        assert_eq!(
            classify(&c, "news/x/index.en.md").unwrap(),
            ("news/x".into(), "en".into(), Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/x/index.md").unwrap(),
            ("news/x".into(), "zh".into(), Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/y.zh.md").unwrap(),
            ("news/y".into(), "zh".into(), Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/_index.en.md").unwrap(),
            ("news".into(), "en".into(), Kind::Section)
        );
        assert_eq!(
            classify(&c, "_index.md").unwrap(),
            ("".into(), "zh".into(), Kind::Section)
        );
        assert_eq!(
            classify(&c, "about.md").unwrap(),
            ("about".into(), "zh".into(), Kind::Page)
        );
        assert!(
            classify(&c, "news/y.fr.md")
                .unwrap_err()
                .contains("`fr` is not configured")
        );
    }

    #[test]
    fn translation_inherits_neutral_fields_and_same_script_tags() {
        let o = FrontMatter {
            title: "原文".into(),
            date: Date::parse("2021-12-31"),
            featured: Some(true),
            tags: Some(vec!["劳动竞赛".into(), "ACFTU".into(), "2021".into()]),
            ..Default::default()
        };
        let mut t = FrontMatter {
            title: "Original".into(),
            ..Default::default()
        };
        inherit(&mut t, &o, false);
        assert_eq!(t.date, o.date);
        assert_eq!(t.featured, Some(true));
        assert_eq!(t.tags.unwrap(), vec!["ACFTU", "2021"]);
        let mut own = FrontMatter {
            title: "x".into(),
            tags: Some(vec!["Skills".into()]),
            featured: Some(false),
            ..Default::default()
        };
        inherit(&mut own, &o, false);
        assert_eq!(own.tags.unwrap(), vec!["Skills"]);
        assert_eq!(own.featured, Some(false));
    }

    #[test]
    fn resolves_bundle_files_and_rejects_escapes() {
        let c = config();
        // Non-photo files resolve to themselves; photos are tested through
        // whole builds, since they need real image files.
        let files = Files {
            all: ["news/x/a.pdf", "news/图.pdf"].into_iter().collect(),
            photos: HashMap::new(),
        };
        let url = |dir: &str, src: &str| {
            resolve_file(&c, &files, dir, src, &Mutex::default()).map(|r| r.url)
        };
        assert_eq!(url("news/x", "a.pdf").unwrap(), "/news/x/a.pdf");
        assert_eq!(url("news/x", "./a.pdf").unwrap(), "/news/x/a.pdf");
        assert_eq!(url("news/x", "../%E5%9B%BE.pdf").unwrap(), "/news/图.pdf");
        assert!(url("news/x", "b.jpg").unwrap_err().contains("not found"));
        assert!(
            url("news", "../../etc/passwd")
                .unwrap_err()
                .contains("outside")
        );
        assert_eq!(
            url("news", "https://e.org/a.png").unwrap(),
            "https://e.org/a.png"
        );
    }

    #[test]
    fn non_utf8_is_reported_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, b"---\ntitle: \xb9\xa4\n").unwrap();
        let e = read_utf8(&f, Path::new("a.md")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("not valid UTF-8"));
    }
}
