//! What one load keeps for the next (dev mode): the walk of `content/`,
//! each photo's probe, each Markdown file as parsed and each group of
//! translations as linked. A build uses a cache that keeps nothing, so both
//! run the same code.
//!
//! A new cache checks every file's size and time. Once the caller has loaded
//! with it, it trusts the caller to [`Cache::forget`] each file that changed
//! (dev mode passes on the watcher's events), so a rebuild after one edit
//! neither walks nor stats thousands of files. Files with errors are not
//! kept: they are read again every time until fixed.

// Fx: these maps are hashed on every dev-mode save, by short keys.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rayon::prelude::*;

use super::link;
use super::parse::{Files, Parsed, ParsedPage, parse_file};
use super::walk::{Kind, Listing, SourceFile, discover};
use super::{Asset, LoadOptions, Page, Site};
use crate::config::Config;
use crate::error::Errors;
use crate::files::{CONTENT_DIR, slash_path};
use crate::images::{self, Photo};
use crate::messages::Message;

/// Size and modification time: a file with the same stamp is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp(Option<SystemTime>, u64);

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp(meta.modified().ok(), meta.len()))
    }
}

/// A photo's header, or why it cannot be used.
type Probe = Result<Arc<Photo>, Message>;

/// What a file a page refers to was when the page was read.
#[derive(Debug, Clone, PartialEq)]
enum Dep {
    Missing,
    File,
    /// A photo, by its variants' cache key (which changes with its bytes).
    Photo(String),
    Unusable(Message),
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

/// A file as parsed, with what it was read from.
struct Reuse {
    read: ReadFrom,
    parsed: Parsed,
}

/// What a reading of a file depended on.
struct ReadFrom {
    stamp: Stamp,
    /// The files it refers to, as they were.
    deps: Vec<(String, Dep)>,
    /// The cover it inherited from its original, as its body was rendered
    /// knowing it (the first photo loads eagerly only without one).
    inherited: Option<String>,
}

/// The linked pages of one group of translations, by its fingerprint.
pub(super) type Linked = HashMap<u64, Arc<[Arc<Page>]>>;

#[derive(Default)]
pub struct Cache {
    /// Whether anything is kept (dev mode); a build's cache keeps nothing.
    keeps: bool,
    photos: HashMap<String, (Stamp, Probe)>,
    parsed: HashMap<PathBuf, Reuse>,
    generations: u64,
    /// The last walk of `content/`, while no file was added or removed.
    listing: Option<Arc<Listing>>,
    /// Where its files are (made when a save first needs it).
    places: Option<Arc<Places>>,
    trusted: bool,
    linked: Linked,
}

/// Where each file of a listing is: a save finds its files here instead of
/// comparing its path with every one of 100,000 sources (4 ms a save).
struct Places {
    /// A source's path (its bytes) -> its index.
    sources: HashMap<Box<[u8]>, usize>,
    /// An article's key -> the indices of its pages' sources.
    pages: HashMap<Box<str>, Vec<usize>>,
    /// The other files, photos with their probes.
    files: Files,
    /// Whether every photo's probe was kept (else only a load can tell
    /// what a photo the save refers to is).
    probed: bool,
}

impl Places {
    fn of((sources, assets): &Listing, probes: &HashMap<String, (Stamp, Probe)>) -> Places {
        let photos: Vec<&Asset> = (assets.iter())
            .filter(|a| images::is_raster(&a.path))
            .collect();
        let mut pages: HashMap<Box<str>, Vec<usize>> = HashMap::default();
        for (i, s) in sources.iter().enumerate() {
            if s.kind == Kind::Page {
                pages.entry(s.key.as_str().into()).or_default().push(i);
            }
        }
        Places {
            sources: (sources.iter().enumerate())
                .map(|(i, s)| (path_bytes(&s.source).into(), i))
                .collect(),
            pages,
            files: Files {
                all: assets.iter().map(|a| a.path.as_str().into()).collect(),
                photos: (photos.iter())
                    .filter_map(|a| Some((a.path.as_str().into(), probes.get(&a.path)?.1.clone())))
                    .collect(),
            },
            probed: photos.iter().all(|a| probes.contains_key(&a.path)),
        }
    }
}

fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// A Markdown file read now or taken from the cache.
struct Read {
    result: Result<Parsed, Errors>,
    /// For the cache: what the file was read from now; `None` when reused
    /// (or not caching).
    fresh: Option<ReadFrom>,
    reused: bool,
}

impl Cache {
    /// A cache that keeps what each load read, for the next (dev mode).
    pub fn keeping() -> Cache {
        Cache {
            keeps: true,
            ..Cache::default()
        }
    }

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
        if self.photos.remove(&rel).is_some() {
            // The places hold its probe.
            self.places = None;
        }
        let listed = self.places().is_some_and(|places| {
            places.sources.contains_key(path_bytes(path)) || places.files.all.contains(rel.as_str())
        });
        if !listed || !root.join(path).is_file() {
            self.set_listing(None);
        }
    }

    /// Checks every file again on the next load (the watcher may have
    /// missed changes).
    pub fn distrust(&mut self) {
        self.trusted = false;
        self.set_listing(None);
    }

    fn set_listing(&mut self, listing: Option<Arc<Listing>>) {
        self.listing = listing;
        self.places = None;
    }

    /// Where the files of the last walk are, if there is one.
    fn places(&mut self) -> Option<Arc<Places>> {
        let listing = self.listing.as_ref()?;
        Some(Arc::clone(self.places.get_or_insert_with(|| {
            Arc::new(Places::of(listing, &self.photos))
        })))
    }

    pub(super) fn linked(&mut self) -> Option<&mut Linked> {
        self.keeps.then_some(&mut self.linked)
    }

    /// The walk of `content/`: the last one while nothing was added or
    /// removed, else a new one.
    pub(super) fn listing(&mut self, config: &Config) -> Result<Arc<Listing>, Errors> {
        if let Some(listing) = &self.listing {
            return Ok(listing.clone());
        }
        let listing = Arc::new(discover(config)?);
        if self.keeps {
            // Files gone from `content/` leave the cache.
            let listed: HashSet<&Path> = listing.0.iter().map(|s| s.source.as_path()).collect();
            self.parsed
                .retain(|source, _| listed.contains(source.as_path()));
            self.set_listing(Some(listing.clone()));
        }
        Ok(listing)
    }

    /// Every photo probed (or its probe reused) and every Markdown file
    /// parsed (or reused), in the listing's order. Originals are read
    /// before their translations, whose bodies depend on the cover they
    /// inherit.
    pub(super) fn read(
        &mut self,
        config: &Config,
        sources: &[SourceFile],
        assets: &[Asset],
        publish: bool,
    ) -> Vec<Result<Parsed, Errors>> {
        let probed = self.probe(config, assets, publish);
        // Probes may have changed: a save's places are made anew.
        self.places = None;
        let files = Files {
            all: assets.iter().map(|a| a.path.as_str().into()).collect(),
            photos: probed
                .iter()
                .map(|(path, _, result)| ((*path).into(), result.clone()))
                .collect(),
        };
        // The original of a group is its first language's version.
        let mut original: HashMap<&str, usize> = HashMap::default();
        for (i, s) in sources.iter().enumerate() {
            if s.kind == Kind::Page {
                let first = original.entry(&s.key).or_insert(i);
                if sources[*first].lang > s.lang {
                    *first = i;
                }
            }
        }
        let is_original = |i: usize| original.get(sources[i].key.as_str()) == Some(&i);
        let originals: Vec<usize> = (0..sources.len())
            .filter(|&i| sources[i].kind == Kind::Section || is_original(i))
            .collect();
        let mut reads: Vec<Option<Read>> = (0..sources.len()).map(|_| None).collect();
        let first: Vec<(usize, Read)> = originals
            .par_iter()
            .map(|&i| (i, self.read_one(config, &files, &sources[i], None, publish)))
            .collect();
        for (i, read) in first {
            reads[i] = Some(read);
        }
        let covers: HashMap<&str, Option<String>> = originals
            .iter()
            .filter(|&&i| sources[i].kind == Kind::Page)
            .map(|&i| {
                let cover = match reads[i].as_ref().map(|r| &r.result) {
                    Some(Ok(Parsed::Page(p))) => p.cover_url(),
                    _ => None,
                };
                (sources[i].key.as_str(), cover)
            })
            .collect();
        let second: Vec<(usize, Read)> = (0..sources.len())
            .into_par_iter()
            .filter(|&i| reads[i].is_none())
            .map(|i| {
                let inherited = covers.get(sources[i].key.as_str()).cloned().flatten();
                (
                    i,
                    self.read_one(config, &files, &sources[i], inherited, publish),
                )
            })
            .collect();
        for (i, read) in second {
            reads[i] = Some(read);
        }
        let reads = reads.into_iter().map(|r| r.expect("every file was read"));
        self.keep(sources, reads, probed)
    }

    /// Photos probed, or their probes reused while unchanged.
    fn probe<'a>(
        &self,
        config: &Config,
        assets: &'a [Asset],
        encode: bool,
    ) -> Vec<(&'a str, Option<Stamp>, Probe)> {
        assets
            .par_iter()
            .filter(|a| images::is_raster(&a.path))
            .map(|a| {
                let cached = self.photos.get(&a.path);
                if let (true, Some((stamp, probe))) = (self.trusted, cached) {
                    return (a.path.as_str(), Some(*stamp), probe.clone());
                }
                let stamp = self.keeps.then(|| Stamp::of(&a.source)).flatten();
                let reused = cached
                    .filter(|(s, _)| Some(*s) == stamp)
                    .map(|(_, r)| r.clone());
                let result = reused.unwrap_or_else(|| {
                    images::probe(config, &a.source, &a.path, encode).map(Arc::new)
                });
                (a.path.as_str(), stamp, result)
            })
            .collect()
    }

    /// One Markdown file: the cached reading while it and the files it
    /// refers to are unchanged, else read now.
    fn read_one(
        &self,
        config: &Config,
        files: &Files,
        file: &SourceFile,
        inherited: Option<String>,
        publish: bool,
    ) -> Read {
        if !self.keeps {
            let result = parse_file(
                config,
                files,
                file.clone(),
                &Mutex::default(),
                inherited,
                publish,
            );
            return Read {
                result,
                fresh: None,
                reused: false,
            };
        }
        let cached = self.parsed.get(&file.source);
        // Trusted, an entry is current unless forgotten; else its stamp is
        // checked. Either way, so are the files it refers to.
        let stamp = match cached {
            Some(r) if self.trusted => Some(r.read.stamp),
            _ => Stamp::of(&config.root.join(&file.source)),
        };
        let reusable = cached.filter(|r| {
            Some(r.read.stamp) == stamp
                && r.read.inherited == inherited
                && r.read.deps.iter().all(|(p, d)| Dep::of(files, p) == *d)
        });
        if let Some(r) = reusable {
            return Read {
                result: Ok(r.parsed.clone()),
                fresh: None,
                reused: true,
            };
        }
        let seen = Mutex::default();
        let result = parse_file(
            config,
            files,
            file.clone(),
            &seen,
            inherited.clone(),
            publish,
        );
        let fresh = stamp.map(|stamp| ReadFrom {
            stamp,
            deps: (seen.into_inner().unwrap_or_default().into_iter())
                .map(|p: String| {
                    let d = Dep::of(files, &p);
                    (p, d)
                })
                .collect(),
            inherited,
        });
        Read {
            result,
            fresh,
            reused: false,
        }
    }

    /// One file's reading: a new one gets a new generation (without a
    /// cache, `i`, the file's place in the walk, will do), and is kept
    /// when it read without errors.
    fn keep_one(&mut self, i: usize, file: &SourceFile, read: Read) -> Result<Parsed, Errors> {
        let mut result = read.result;
        if !read.reused
            && let Ok(Parsed::Page(p)) = &mut result
            && let Some(p) = Arc::get_mut(p)
        {
            self.generations += 1;
            p.generation = if self.keeps {
                self.generations
            } else {
                i as u64
            };
        }
        if self.keeps {
            // Updated in place: most entries are reused as they are.
            match (&result, read.fresh) {
                (Ok(parsed), Some(read)) => {
                    let parsed = parsed.clone();
                    self.parsed
                        .insert(file.source.clone(), Reuse { read, parsed });
                }
                (Ok(_), None) if read.reused => {}
                _ => {
                    self.parsed.remove(&file.source);
                }
            }
        }
        result
    }

    /// See [`super::reload`].
    pub(super) fn reread(
        &mut self,
        config: &Config,
        options: LoadOptions,
        site: &Site,
        touched: &[&Path],
    ) -> Option<Vec<(usize, Arc<Page>)>> {
        let listing = self
            .listing
            .clone()
            .filter(|_| self.keeps && self.trusted)?;
        let sources = &listing.0;
        let places = self.places()?;
        let mut keys: Vec<&str> = (touched.iter())
            .map(|t| {
                let s = &sources[*places.sources.get(path_bytes(t))?];
                (s.kind == Kind::Page).then_some(s.key.as_str())
            })
            .collect::<Option<_>>()?;
        keys.sort_unstable();
        keys.dedup();
        let files = places.probed.then_some(&places.files)?;
        let mut out = Vec::new();
        for key in keys {
            let mut group: Vec<(usize, &SourceFile)> = (places.pages.get(key)?.iter())
                .map(|&i| (i, &sources[i]))
                .collect();
            group.sort_by_key(|(_, s)| s.lang);
            // The original first: its cover is the translations' to inherit.
            let mut parsed: Vec<Arc<ParsedPage>> = Vec::with_capacity(group.len());
            for (i, file) in group {
                let inherited = parsed.first().and_then(|original| original.cover_url());
                let read = self.read_one(config, files, file, inherited, options.publish);
                match self.keep_one(i, file, read) {
                    Ok(Parsed::Page(p)) => parsed.push(p),
                    _ => return None,
                }
            }
            let refs: Vec<&Arc<ParsedPage>> = parsed.iter().collect();
            let pages = link::relink(config, &refs, options, &mut self.linked)?.ok()?;
            // The site had these pages where they sort (a page whose date
            // changed is not found: only a load can place it).
            let mut old = None;
            for new in pages.iter() {
                let i = site.position(new)?;
                old = Some(site.pages[i].fingerprint);
                out.push((i, Arc::clone(new)));
            }
            // Every page the group had is among them: a file that went
            // away, or a page now left out, is not patched.
            self.linked.remove(&old?);
        }
        Some(out)
    }

    /// Gives every new reading a new generation (without a cache, the
    /// file's place in the walk will do) and keeps what read without
    /// errors.
    fn keep(
        &mut self,
        sources: &[SourceFile],
        reads: impl Iterator<Item = Read>,
        probed: Vec<(&str, Option<Stamp>, Probe)>,
    ) -> Vec<Result<Parsed, Errors>> {
        let mut results = Vec::with_capacity(sources.len());
        for ((i, read), file) in reads.enumerate().zip(sources) {
            results.push(self.keep_one(i, file, read));
        }
        if self.keeps {
            self.trusted = true;
            self.photos = probed
                .into_iter()
                .filter_map(|(path, stamp, r)| Some((path.to_string(), (stamp?, r))))
                .collect();
        }
        results
    }
}
