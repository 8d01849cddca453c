//! The render side of search: each article page, once rendered, is indexed
//! ([`crate::search::index_page`]: what a reader sees in its `<article>`);
//! each language's index is written from its articles, newest first; and the
//! search page gets what its script needs. Dev mode keeps each page's index
//! data in the memo, so a save re-indexes only the pages it changed.

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, Mutex};

use minijinja::value::Serde;
use minijinja::{Value, context};

use super::memo::{SearchDocs, fingerprint};
use super::views::{self, SearchPage};
use super::{Made, Plan, Renderer, Sink, What};
use crate::config::{LangId, Language};
use crate::content::{Page, Site};
use crate::error::Error;
use crate::files::OutputFile;
use crate::search::{self, Doc, Indexed};
use crate::urls::{self, link};

impl Renderer<'_> {
    /// What the index shows of article `p` besides its page: its URL as
    /// linked, its date and its section's name.
    fn doc_fields(&self, p: &Page) -> (String, String, String) {
        let strings = self.templates.strings(&self.config.lang(p.lang).code);
        (
            link(self.config, &p.url),
            p.date.naive_date().to_string(),
            views::section_title(self.site, strings, &p.section, p.lang),
        )
    }

    /// The search index data of article `p`, from its rendered page (dev
    /// mode keeps it in the memo).
    pub(super) fn index(&self, p: &Page, html: &str) -> Arc<Indexed> {
        let (url, date, section) = self.doc_fields(p);
        Arc::new(search::index_page(&Doc {
            url: &url,
            title: &p.title,
            date: &date,
            section: &section,
            html,
        }))
    }

    /// A language's search page.
    pub(super) fn search_page(&self, lang: &Language) -> Result<String, Error> {
        // The results' dates are written as every other date of the theme.
        let strings = (self.templates.strings(&lang.code).into_iter().flatten())
            .filter(|(k, _)| k.starts_with("search_") || *k == "date_format" || *k == "months")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let url = urls::search_page(lang);
        let view = SearchPage {
            page: link(self.config, &url),
            ui: link(self.config, urls::SEARCH_UI),
            engine: link(self.config, urls::SEARCH_SCRIPT),
            lang: lang.code.clone(),
            strings,
        };
        let versions = self.every_language(urls::search_page);
        let ctx = context! {
            search => Value::from(Serde(&view)),
            ..self.base_context(lang.id, &url, &versions)
        };
        self.render_template("search.html", ctx, std::path::Path::new("search.html"))
    }
}

/// A language's search index to make: its articles' index data, newest
/// first. Plain data, so dev mode can make it after serving the pages.
#[derive(Clone)]
pub struct SearchWork {
    pub lang: LangId,
    code: String,
    /// A fingerprint of the articles it is made from (dev mode).
    pub key: u64,
    pages: Vec<Arc<Indexed>>,
    /// What the language's last index left to reuse (shared with the memo).
    pub(super) reuse: Arc<Mutex<search::Reuse>>,
}

impl SearchWork {
    /// The index files (in `urls::search_index`).
    pub fn files(&self) -> Vec<OutputFile> {
        self.files_unless(&|| false).unwrap_or_default()
    }

    /// [`SearchWork::files`], or `None` once `stop` says the index is no
    /// longer wanted (asked between stages).
    pub fn files_unless(&self, stop: &(dyn Fn() -> bool + Sync)) -> Option<Vec<OutputFile>> {
        let mut reuse = self.reuse.lock().unwrap_or_else(|e| e.into_inner());
        let made = search::write_index_reusing_unless(&self.code, &self.pages, &mut reuse, stop)?;
        Some(
            (made.into_iter())
                .map(|(path, bytes)| OutputFile::new(format!("{}{path}", urls::SEARCH_DIR), bytes))
                .collect(),
        )
    }

    /// The folder the files go in.
    pub fn folder(&self) -> String {
        format!("{}{}/", urls::SEARCH_DIR, self.code)
    }
}

/// What dev mode does with a language's index after a render.
pub(super) enum Next {
    /// Its articles are all as they were: so are its index files.
    Keep,
    /// The old index is served until this one is made, after the pages
    /// are (see [`SearchWork`]).
    Later(SearchWork),
    /// The language's first index: made now.
    Now(SearchWork),
}

/// What to do with `lang`'s index, made of `docs`, its articles' index
/// data, against the index the memo says is served.
pub(super) fn next(r: &Renderer, lang: &Language, docs: &SearchDocs) -> Next {
    let key = docs_key(docs);
    let served = r.previous.and_then(|m| m.search_index.get(&lang.id));
    let work = || SearchWork {
        lang: lang.id,
        code: lang.code.clone(),
        key,
        pages: docs.iter().filter_map(|(_, x)| x.clone()).collect(),
        reuse: (r.previous.and_then(|m| m.search_reuse.get(&lang.id)))
            .cloned()
            .unwrap_or_default(),
    };
    match served {
        Some((was, _)) if *was == key => Next::Keep,
        Some(_) => Next::Later(work()),
        None => Next::Now(work()),
    }
}

impl SearchWork {
    /// The index made now: its files, and for the memo its key and paths.
    pub(super) fn made_now(&self) -> (Vec<OutputFile>, (u64, Vec<String>)) {
        let files = self.files();
        let paths = files.iter().map(|f| f.path.clone()).collect();
        (files, (self.key, paths))
    }
}

/// `lang`'s articles, newest first, with their documents' fingerprints
/// and index data in `fps` and `by_page` (by index into `site.pages`).
pub(super) fn docs(
    site: &Site,
    lang: LangId,
    fps: &HashMap<usize, u64>,
    by_page: &HashMap<usize, Arc<Indexed>>,
) -> SearchDocs {
    (site.indices_in(lang))
        .map(|i| (fps.get(&i).copied(), by_page.get(&i).cloned()))
        .collect()
}

/// A fingerprint of the articles an index is made of (dev mode): equal
/// keys, equal indexes.
fn docs_key(docs: &SearchDocs) -> u64 {
    let fps: Vec<Option<u64>> = docs.iter().map(|(fp, _)| *fp).collect();
    fingerprint(fps)
}

/// Takes an article's page into a build's search index.
pub(super) type IndexDoc<'d> = dyn FnMut(&Doc) + 'd;

impl Renderer<'_> {
    /// Hands article `p`'s rendered page to a build's search index.
    pub(super) fn to_index(&self, p: &Page, html: &str, index: &mut IndexDoc) {
        let (url, date, section) = self.doc_fields(p);
        index(&Doc {
            url: &url,
            title: &p.title,
            date: &date,
            section: &section,
            html,
        });
    }
}

/// What became of a language's index files in a build.
#[derive(Default)]
struct Emitted {
    /// Kept to return (no sink).
    kept: Vec<OutputFile>,
    /// Handed to the sink.
    written: usize,
    /// The first write that failed.
    failed: Option<Error>,
}

/// Hands the heap's free pages back to the system. Called when a
/// language's pages are made, before its index is merged: the pages freed
/// their texts (`super::Texts`), and the merge is the build's peak (10,000
/// articles: peak RSS 293 -> 275 MiB, the freed memory otherwise kept in
/// the allocator's holes).
fn give_back_free_memory() {
    // SAFETY: malloc_trim only releases memory nothing holds.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A build's articles and search indexes: for each `SearchIndex` entry of
/// the plan, its language's articles are rendered in doc order (newest
/// first) and indexed as they are made, each page to `sink` right after,
/// so no page is held for the index. Their results go into `made` (the
/// plan's order); returns each language's index files, or with `sink`
/// how many it took.
pub(super) fn build<'a>(
    r: &Renderer<'a>,
    plan: &'a Plan,
    made: &mut [Option<Result<Made<'a>, Error>>],
    sink: Option<&Sink>,
) -> HashMap<LangId, Result<(Vec<OutputFile>, usize), Error>> {
    let mut entry_of = vec![None; r.site.pages.len()];
    for (k, e) in plan.entries.iter().enumerate() {
        if let What::Page(i) = e.what {
            entry_of[i] = Some(k);
        }
    }
    // One language after the other (each uses every core): the first
    // language's partial index is gone before the next one's is made.
    (plan.entries.iter())
        .filter_map(|e| match &e.what {
            What::SearchIndex(lang) => Some(*lang),
            _ => None,
        })
        .map(|lang| {
            let items: Vec<usize> = (r.site.indices_in(lang.id))
                .filter_map(|i| entry_of[i])
                .collect();
            // Each index file is written once made (or, with no sink, kept);
            // the first write that fails fails the language.
            let emitted = Mutex::new(Emitted::default());
            let emitted_now = || emitted.lock().unwrap_or_else(|e| e.into_inner());
            let emit = |path: String, bytes| {
                let file = OutputFile::new(format!("{}{path}", urls::SEARCH_DIR), bytes);
                let Some(sink) = sink else {
                    return emitted_now().kept.push(file);
                };
                match sink(file) {
                    Ok(()) => emitted_now().written += 1,
                    Err(e) => drop(emitted_now().failed.get_or_insert(e)),
                }
            };
            let results = search::build_index_with(
                &lang.code,
                &items,
                |&k, index| {
                    r.make(&plan.entries[k], Some(index))
                        .and_then(|m| m.sink(sink))
                },
                give_back_free_memory,
                &emit,
            );
            for (k, result) in items.into_iter().zip(results) {
                made[k] = Some(result);
            }
            let e = emitted.into_inner().unwrap_or_else(|e| e.into_inner());
            (lang.id, e.failed.map_or(Ok((e.kept, e.written)), Err))
        })
        .collect()
}
