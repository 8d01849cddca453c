//! The render side of search: each article page, once rendered, is indexed
//! ([`crate::search::index_page`]: what a reader sees in its `<article>`);
//! each language's index is written from its articles, newest first; and the
//! search page gets what its script needs. Dev mode keeps each page's index
//! data in the memo, so a save re-indexes only the pages it changed.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{Value, context};

use super::Renderer;
use super::views::{self, SearchPage};
use crate::config::{LangId, Language};
use crate::content::Page;
use crate::error::Error;
use crate::files::OutputFile;
use crate::search::{self, Doc, Indexed};
use crate::urls::{self, link};

impl Renderer<'_> {
    /// The search index data of article `p`, from its rendered page.
    pub(super) fn index(&self, p: &Page, html: &str) -> Arc<Indexed> {
        let strings = self.templates.strings(&self.config.lang(p.lang).code);
        let section = views::section_title(self.site, strings, &p.section, p.lang);
        let url = link(self.config, &p.url);
        let date = p.date.naive_date().to_string();
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
}

impl SearchWork {
    /// The index files (in `urls::search_index`).
    pub fn files(&self) -> Vec<OutputFile> {
        let pages: Vec<&Indexed> = self.pages.iter().map(|x| &**x).collect();
        search::write_index(&self.code, &pages)
            .into_iter()
            .map(|(path, bytes)| OutputFile::new(format!("{}{path}", urls::SEARCH_DIR), bytes))
            .collect()
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
    SearchWork {
        lang: lang.id,
        code: lang.code.clone(),
        key,
        pages: (r.site.indices_in(lang.id))
            .filter_map(|i| by_page.get(&i).cloned())
            .collect(),
    }
}
