//! What dev mode remembers of the last render, so a save re-renders only
//! what it changed: each document's fingerprint (a document whose
//! fingerprint is unchanged is not rendered again), each page's list card
//! with a hash of it (lists are fingerprinted by what they show, not by the
//! whole pages), each page's `metrics.json` entry and each article's
//! sitemap entry.

// Fx: these maps are hashed on every dev-mode save, by short keys.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use minijinja::Value;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::feeds::SitemapUrl;
use super::plan::Plan;
use super::{Renderer, What};
use crate::config::LangId;
use crate::content::Site;
use crate::search::{Indexed, Reuse};

/// A page's fingerprint and URL: what its card and `metrics.json` entry
/// are made of.
pub(super) type PageKey = (u64, String);

/// A page's entry in `metrics.json`: the page's URL (the entry is made of
/// its fingerprint and URL), the entry, and a hash of it.
#[derive(Debug, Clone)]
pub(super) struct MetricsEntry {
    pub url: String,
    pub json: String,
    pub hash: u64,
}

/// A page's fingerprint and language: what its `metrics.json` entry is
/// kept by (its URL is checked).
pub(super) type MetricsKey = (u64, LangId);

/// A `metrics.json` entry made now.
pub(super) type FreshEntry = (MetricsKey, MetricsEntry);

/// A page's list card for templates, and a hash of its content.
pub(super) type Card = (Value, u64);

/// Valid only with the config and theme it was made with; updated in place
/// by every render.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    /// Each document's fingerprint, by output path.
    pub(super) documents: HashMap<String, u64>,
    pub(super) cards: HashMap<PageKey, Card>,
    /// Each page's entry in `metrics.json`, by its page's fingerprint and
    /// language (translations share a fingerprint).
    pub(super) metrics: HashMap<MetricsKey, MetricsEntry>,
    /// Each language's `metrics.json`, by the hashes of its entries.
    pub(super) metrics_file: HashMap<LangId, u64>,
    /// Each article's sitemap entry, by path, with its document's
    /// fingerprint.
    pub(super) sitemap: HashMap<String, (u64, SitemapUrl)>,
    /// Each article's search index data, by path, with its document's
    /// fingerprint.
    pub(super) search: HashMap<String, (u64, Arc<Indexed>)>,
    /// Each language's index files, with a fingerprint of its articles.
    pub(super) search_index: HashMap<LangId, (u64, Vec<String>)>,
    /// Each language's partial indexes, for the next index to reuse.
    pub(super) search_reuse: HashMap<LangId, Arc<Mutex<Reuse>>>,
    /// Each language's articles (newest first) as its index was last
    /// asked for: their documents' fingerprints and index data, for a
    /// patch to change a few of.
    pub(super) search_docs: HashMap<LangId, SearchDocs>,
}

/// A language's articles in its index, newest first: each document's
/// fingerprint and index data.
pub(super) type SearchDocs = Vec<(Option<u64>, Option<Arc<Indexed>>)>;

impl Memo {
    /// Records a language's search index, made after the render.
    pub fn search_index_made(&mut self, lang: LangId, key: u64, paths: Vec<String>) {
        self.search_index.insert(lang, (key, paths));
    }

    /// Drops what belongs to documents and pages no longer in the site,
    /// when there is any (a rename, a deletion, an edit's old fingerprint).
    pub(super) fn forget_stale(&mut self, site: &Site, plan: &Plan) {
        let documents = plan.entries.iter().filter(|e| e.what.is_document()).count();
        // Every document and article of this render has its entry now, so
        // any more are stale.
        let articles = site.pages.len();
        if self.documents.len() > documents
            || self.sitemap.len() > articles
            || self.search.len() > articles
        {
            let live: HashSet<&str> = plan.paths().collect();
            self.documents
                .retain(|path, _| live.contains(path.as_str()));
            self.sitemap.retain(|path, _| live.contains(path.as_str()));
            self.search.retain(|path, _| live.contains(path.as_str()));
        }
        let pages = site.pages.len();
        if self.cards.len() > pages || self.metrics.len() > pages {
            let live: HashSet<(u64, &str)> = (site.pages.iter())
                .map(|p| (p.fingerprint, p.url.as_str()))
                .collect();
            self.cards
                .retain(|(fp, url), _| live.contains(&(*fp, url.as_str())));
            self.metrics
                .retain(|(fp, _), e| live.contains(&(*fp, e.url.as_str())));
        }
    }
}

/// A hash of `value`, for fingerprints.
pub(super) fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Renderer<'_> {
    fn card_hashes(&self, pages: impl Iterator<Item = usize>) -> Vec<u64> {
        pages.map(|i| self.card_and_hash(i).1).collect()
    }

    fn site_hash(&self, lang: LangId) -> u64 {
        self.site_views[usize::from(lang)].1
    }

    /// Everything a document is made of, hashed: the site's navigation and
    /// its page's fingerprint, or the cards it lists.
    pub(super) fn fingerprint(&self, what: &What) -> Option<u64> {
        match what {
            What::Page(i) => {
                let p = &self.site.pages[*i];
                Some(fingerprint((self.site_hash(p.lang), p.fingerprint)))
            }
            What::List(spec, n) => {
                let per_page = self.config.paginate;
                let shown = self.card_hashes(spec.pages[spec.range(*n, per_page)].iter().copied());
                Some(fingerprint((
                    self.site_hash(spec.lang),
                    (spec.kind, &spec.key, &spec.title, &spec.description),
                    (&spec.content, &spec.versions, &spec.url),
                    (*n, spec.page_count(per_page), shown),
                )))
            }
            What::Home(lang) => {
                let (lead, latest, figures) = self.home_parts(lang);
                let index = self.site.section_index("", lang.id);
                Some(fingerprint((
                    self.site_hash(lang.id),
                    index.map(|s| (&s.title, &s.description, &s.html)),
                    self.card_hashes(lead.into_iter().chain(latest)),
                    figures.map(|i| self.site.pages[i].fingerprint),
                )))
            }
            What::Archive(lang) => Some(fingerprint((
                self.site_hash(lang.id),
                self.card_hashes(self.site.indices_in(lang.id)),
            ))),
            What::Tags(lang, tags) => Some(fingerprint((self.site_hash(lang.id), tags))),
            What::Search(lang) => Some(self.site_hash(lang.id)),
            What::NotFound => Some(self.site_hash(self.config.default_language().id)),
            _ => None,
        }
    }
}
