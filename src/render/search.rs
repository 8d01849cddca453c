//! The render side of search: each article page, once rendered, is indexed
//! ([`crate::search::index_page`]: what a reader sees in its `<article>`);
//! each language's index is written from its articles, newest first; and the
//! search page gets what its script needs. Dev mode keeps each page's index
//! data in the memo, so a save re-indexes only the pages it changed.

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, Mutex};

use minijinja::value::Serde;
use minijinja::{Value, context};

use super::views::{self, SearchPage};
use super::{Entry, Renderer, What};
use crate::config::{LangId, Language};
use crate::content::Page;
use crate::error::Error;
use crate::files::{Data, OutputFile};
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

/// The search index of `lang` from the index data of each of its articles
/// in `by_page` (by index into `site.pages`).
pub(super) fn work(
    r: &Renderer,
    lang: &Language,
    by_page: &HashMap<usize, Arc<Indexed>>,
    key: u64,
) -> SearchWork {
    let reuse = (r.previous.and_then(|m| m.search_reuse.get(&lang.id)))
        .cloned()
        .unwrap_or_default();
    SearchWork {
        lang: lang.id,
        code: lang.code.clone(),
        key,
        pages: (r.site.indices_in(lang.id))
            .filter_map(|i| by_page.get(&i).cloned())
            .collect(),
        reuse,
    }
}

/// A build's search indexes: for each `SearchIndex` entry of `later`, its
/// language's files, made from the rendered articles (`page_files`: the
/// index in `files` of each article's page), all languages at once.
pub(super) fn build(
    r: &Renderer,
    later: &[&Entry],
    files: &[OutputFile],
    page_files: &HashMap<usize, usize>,
) -> HashMap<LangId, Vec<OutputFile>> {
    let langs: Vec<&Language> = (later.iter())
        .filter_map(|e| match &e.what {
            What::SearchIndex(lang) => Some(*lang),
            _ => None,
        })
        .collect();
    // One language after the other (each uses every core): the first
    // language's partial index is gone before the next one's is made.
    langs
        .iter()
        .map(|lang| {
            let pages: Vec<(&Page, &str)> = (r.site.indices_in(lang.id))
                .filter_map(|i| {
                    let html = match &files.get(*page_files.get(&i)?)?.data {
                        Data::Bytes(b) => std::str::from_utf8(b).ok()?,
                        _ => return None,
                    };
                    Some((&*r.site.pages[i], html))
                })
                .collect();
            let fields: Vec<(String, String, String)> =
                pages.iter().map(|(p, _)| r.doc_fields(p)).collect();
            let docs: Vec<Doc> = (pages.iter().zip(&fields))
                .map(|((p, html), (url, date, section))| Doc {
                    url,
                    title: &p.title,
                    date,
                    section,
                    html,
                })
                .collect();
            let made = search::build_index(&lang.code, &docs)
                .into_iter()
                .map(|(path, bytes)| OutputFile::new(format!("{}{path}", urls::SEARCH_DIR), bytes))
                .collect();
            (lang.id, made)
        })
        .collect()
}
