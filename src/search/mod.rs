//! Built-in search: article pages → static index files, answered exactly in
//! the browser by [`SEARCH_JS`] (semantics: `spec.md`).
//!
//! A build calls [`build_index`] with a language's rendered articles: each
//! page is extracted, normalised and tokenised, and its keys go straight
//! into a partial inverted index (`partial.rs`: contiguous doc ranges, in
//! parallel), which `write.rs` merges into files. Nothing is kept per page
//! but its fragment. Dev mode keeps each page's [`Indexed`] (its normalised
//! runs and fragment: [`index_page`]) so that a save extracts only the
//! pages it changed; [`write_index`] then tokenises the cached runs again.
//! The on-disk format is described in `write.rs`; the query side in
//! `search.js`. Nothing here depends on the rest of the crate.

mod arena;
mod encode;
mod extract;
mod fragment;
mod hash;
mod partial;
pub mod text;
mod varint;
mod write;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use rayon::prelude::*;

pub use extract::{Extracted, extract};

use extract::{Runs, extract_into};
use fragment::GROUP;
use partial::Partial;
use text::normalize_into;
pub use write::Emit;
use write::{SHARD, collect, emit_partials, fragment_path, write_partials, write_partials_unless};

/// One article page as the build renders it.
pub struct Doc<'a> {
    /// Root-relative and percent-encoded, as the site links it.
    pub url: &'a str,
    /// Fallback title if the article has no `<h1>`.
    pub title: &'a str,
    /// For display (order is given by the caller).
    pub date: &'a str,
    /// Section display name.
    pub section: &'a str,
    /// The whole rendered page.
    pub html: &'a str,
}

/// What the index needs from one page, kept by dev mode between renders:
/// its normalised runs (title runs first) and the fragment `data()` shows.
#[derive(Debug, Clone, Default)]
pub struct Indexed {
    pub(crate) url: String,
    /// The normalised runs, one after another (none empty).
    pub(crate) norm: String,
    /// The end of each run in `norm`.
    pub(crate) ends: Vec<u32>,
    /// How many of the runs are title runs.
    pub(crate) title_runs: u32,
    /// The fragment JSON (title, date, section, runs as written).
    pub(crate) fragment: String,
}

impl Indexed {
    fn runs(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut s = 0;
        self.ends.iter().enumerate().map(move |(i, &e)| {
            let r = &self.norm[s..e as usize];
            s = e as usize;
            (r, (i as u32) < self.title_runs)
        })
    }

    /// Heap bytes held (for measurements).
    pub fn size(&self) -> usize {
        self.url.capacity()
            + self.norm.capacity()
            + self.ends.capacity() * 4
            + self.fragment.capacity()
    }
}

/// The published JS module (`/search/search.js`).
pub const SEARCH_JS: &str = include_str!("search.js");

/// Per-thread buffers for one page at a time.
#[derive(Default)]
struct Scratch {
    runs: Runs,
    /// The page's fragment JSON.
    frag: String,
    json: String,
    norm: String,
    ends: Vec<u32>,
    title_runs: u32,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Scratch {
    /// Extracts and normalises a page, and makes its fragment, into `self`.
    fn page(&mut self, doc: &Doc) {
        extract_into(doc.html, &mut self.runs);
        fragment::fragment(doc, &self.runs, &mut self.frag);
        self.norm.clear();
        self.ends.clear();
        self.title_runs = 0;
        let runs = &self.runs;
        let mut one = std::mem::take(&mut self.json);
        for (k, &r) in runs.title.iter().chain(&runs.body).enumerate() {
            normalize_into(runs.get(r), &mut one);
            if one.is_empty() {
                continue;
            }
            self.norm.push_str(&one);
            self.ends.push(self.norm.len() as u32);
            if k < runs.title.len() {
                self.title_runs += 1;
            }
        }
        self.json = one;
    }

    fn norm_runs(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut s = 0;
        self.ends.iter().enumerate().map(move |(i, &e)| {
            let r = &self.norm[s..e as usize];
            s = e as usize;
            (r, (i as u32) < self.title_runs)
        })
    }
}

/// Extracts and normalises one page (dev mode keeps the result).
pub fn index_page(doc: &Doc) -> Indexed {
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        s.page(doc);
        let fragment = s.frag.clone();
        Indexed {
            url: doc.url.to_string(),
            norm: s.norm.clone(),
            ends: s.ends.clone(),
            title_runs: s.title_runs,
            fragment,
        }
    })
}

/// Docs per partial: enough for the partials' dictionaries to pay, small
/// enough to keep both cores busy.
fn chunk_len(n: usize) -> usize {
    let n = n.div_ceil(rayon::current_num_threads().max(1) * 2).max(256);
    n.next_multiple_of(GROUP)
}

/// The fragment files of pages (consecutive, from a multiple of `GROUP`).
fn group_files<'a>(frags: impl Iterator<Item = &'a str>) -> Vec<Vec<u8>> {
    let frags: Vec<&str> = frags.collect();
    frags
        .par_chunks(GROUP)
        .map(|g| {
            let mut group = fragment::Group::default();
            g.iter().for_each(|f| group.push(f));
            group.file()
        })
        .collect()
}

/// The index files of one language, from its rendered articles in doc order
/// (newest first, ties by URL: that order is the last ranking tie-break).
/// Paths are relative to the search folder, starting with `lang_dir`.
pub fn build_index(lang_dir: &str, docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
    collect(|emit| {
        build_index_with(lang_dir, docs, |doc, index| index(doc), || {}, emit);
        Some(())
    })
    .unwrap_or_default()
}

/// [`build_index`] over pages made as they are indexed: `make(item,
/// index)` makes the page of each item (in doc order, in parallel) and
/// hands it to `index`, so a build holds no page longer than that; then
/// `made_all` is called, before the index is merged. Each index file goes
/// to `emit` once made, so none is held either. Returns what `make`
/// returned for each item, in order. An item whose `make` does not call
/// `index` (its render failed, and so does the build) is indexed as an
/// empty page, so the others keep their numbers.
pub fn build_index_with<T: Sync, R: Send>(
    lang_dir: &str,
    items: &[T],
    make: impl Fn(&T, &mut dyn FnMut(&Doc)) -> R + Sync,
    made_all: impl FnOnce(),
    emit: &Emit,
) -> Vec<R> {
    let n = chunk_len(items.len());
    let chunks: Vec<Chunk<R>> = items
        .par_chunks(n)
        .enumerate()
        .map(|(c, chunk)| {
            let mut out = Chunk {
                part: Partial::new((c * n) as u32),
                urls: Vec::with_capacity(chunk.len()),
                made: Vec::with_capacity(chunk.len()),
            };
            // A chunk starts at a multiple of `GROUP`: its fragment files
            // are its own.
            let mut file = c * n / GROUP;
            SCRATCH.with(|s| {
                let mut s = s.borrow_mut();
                // The fragment file being filled (no string per page).
                let mut group = fragment::Group::default();
                for item in chunk {
                    let mut url = None;
                    let made = make(item, &mut |doc| {
                        s.page(doc);
                        out.part.add_doc(s.norm_runs());
                        group.push(&s.frag);
                        url = Some(doc.url.to_string());
                    });
                    out.made.push(made);
                    if url.is_none() {
                        out.part.add_doc(std::iter::empty());
                        group.push("{}");
                    }
                    out.urls.push(url.unwrap_or_default());
                    if group.len() == GROUP || out.urls.len() == chunk.len() {
                        emit(fragment_path(lang_dir, file), group.file());
                        file += 1;
                    }
                }
            });
            out.part.finish();
            out
        })
        .collect();
    let mut parts = Vec::with_capacity(chunks.len());
    let (mut urls, mut made) = (Vec::new(), Vec::new());
    for c in chunks {
        parts.push(c.part);
        urls.extend(c.urls);
        made.extend(c.made);
    }
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    let parts: Vec<&Partial> = parts.iter().collect();
    made_all();
    emit_partials(lang_dir, &parts, &urls, SHARD, &|| false, emit);
    made
}

/// What one parallel task of [`build_index_with`] made.
struct Chunk<R> {
    part: Partial,
    urls: Vec<String>,
    made: Vec<R>,
}

/// The index files of one language from its pages' cached data (dev mode),
/// in doc order as for [`build_index`].
pub fn write_index(lang_dir: &str, pages: &[&Indexed]) -> Vec<(String, Vec<u8>)> {
    write_index_sharded(lang_dir, pages, SHARD)
}

/// [`write_index`] with another shard size (tests use tiny shards so that
/// the directory, key ranges and one-key shards are exercised).
#[doc(hidden)]
pub fn write_index_sharded(
    lang_dir: &str,
    pages: &[&Indexed],
    shard: usize,
) -> Vec<(String, Vec<u8>)> {
    let n = chunk_len(pages.len());
    let parts: Vec<Partial> = pages
        .par_chunks(n)
        .enumerate()
        .map(|(c, chunk)| {
            let mut part = Partial::new((c * n) as u32);
            for pg in chunk {
                part.add_doc(pg.runs());
            }
            part.finish();
            part
        })
        .collect();
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let frags = group_files(pages.iter().map(|p| p.fragment.as_str()));
    write_partials(
        lang_dir,
        &parts.iter().collect::<Vec<_>>(),
        &urls,
        frags,
        shard,
    )
}

/// Docs per partial in dev mode: chunks at fixed doc numbers, so that a
/// save that changes one article's text leaves every other chunk as it was.
const REUSE_CHUNK: usize = 256;

/// Dev mode: a language's partial indexes of its last index, per chunk of
/// docs, with the pages each was made from (held, so compared by pointer:
/// the memo keeps an unchanged page's data as the same `Arc`).
#[derive(Default)]
pub struct Reuse {
    chunks: Vec<Reused>,
}

/// One chunk of docs as last indexed.
#[derive(Clone)]
struct Reused {
    pages: Vec<Arc<Indexed>>,
    part: Arc<Partial>,
    /// Its fragment files (compressed: a chunk starts at a multiple of
    /// `GROUP`, so its files are its own).
    frags: Arc<Vec<Vec<u8>>>,
}

impl std::fmt::Debug for Reuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reuse({} chunks)", self.chunks.len())
    }
}

/// [`write_index`] for dev mode: only the chunks of docs whose pages
/// changed since the last call with `reuse` are tokenised again.
pub fn write_index_reusing(
    lang_dir: &str,
    pages: &[Arc<Indexed>],
    reuse: &mut Reuse,
) -> Vec<(String, Vec<u8>)> {
    write_index_reusing_unless(lang_dir, pages, reuse, &|| false).unwrap_or_default()
}

/// [`write_index_reusing`] that gives up (`None`) once `stop` says so,
/// asked between its stages (dev mode: a newer save makes this index out
/// of date). What was done stays in `reuse`.
pub fn write_index_reusing_unless(
    lang_dir: &str,
    pages: &[Arc<Indexed>],
    reuse: &mut Reuse,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<(String, Vec<u8>)>> {
    if stop() {
        return None;
    }
    const { assert!(REUSE_CHUNK.is_multiple_of(GROUP)) };
    let old = std::mem::take(&mut reuse.chunks);
    let chunks: Vec<Reused> = pages
        .par_chunks(REUSE_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let same = old.get(c).filter(|was| {
                was.pages.len() == chunk.len()
                    && was.pages.iter().zip(chunk).all(|(a, b)| Arc::ptr_eq(a, b))
            });
            if let Some(was) = same {
                return was.clone();
            }
            let mut part = Partial::new((c * REUSE_CHUNK) as u32);
            for pg in chunk {
                part.add_doc(pg.runs());
            }
            part.finish();
            Reused {
                pages: chunk.to_vec(),
                part: Arc::new(part),
                frags: Arc::new(group_files(chunk.iter().map(|p| p.fragment.as_str()))),
            }
        })
        .collect();
    drop(old);
    if stop() {
        reuse.chunks = chunks;
        return None;
    }
    let urls: Vec<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let frags = chunks
        .iter()
        .flat_map(|c| c.frags.iter().cloned())
        .collect();
    let parts: Vec<&Partial> = chunks.iter().map(|c| &*c.part).collect();
    let files = write_partials_unless(lang_dir, &parts, &urls, frags, SHARD, stop);
    reuse.chunks = chunks;
    files
}

/// Single-threaded seconds of each stage over `docs` (measurements: the
/// `search_index` example's `PROFILE=1`).
#[doc(hidden)]
pub fn profile_stages(lang_dir: &str, docs: &[Doc]) -> Vec<(&'static str, f64)> {
    use std::time::Instant;
    let mut out = Vec::new();
    let mut s = Scratch::default();
    let t = Instant::now();
    for d in docs {
        extract_into(d.html, &mut s.runs);
    }
    out.push(("extract", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    for d in docs {
        extract_into(d.html, &mut s.runs);
        let runs = &s.runs;
        for &r in runs.title.iter().chain(&runs.body) {
            normalize_into(runs.get(r), &mut s.norm);
        }
    }
    out.push(("extract+normalise", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    for d in docs {
        s.page(d);
    }
    out.push(("extract+normalise+fragment", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let mut part = Partial::new(0);
    for d in docs {
        s.page(d);
        part.add_doc(s.norm_runs());
    }
    out.push((
        "all per page (+tokenise, invert)",
        t.elapsed().as_secs_f64(),
    ));
    part.finish();
    let urls: Vec<&str> = docs.iter().map(|d| d.url).collect();
    let t = Instant::now();
    let files = write_partials(lang_dir, &[&part], &urls, Vec::new(), SHARD);
    out.push(("write", t.elapsed().as_secs_f64()));
    std::hint::black_box(files);
    out
}
