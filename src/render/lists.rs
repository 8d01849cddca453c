//! List pages: the home page, section lists and tag pages paginated at
//! `paginate` (`/news/page/2/`), the tag index and the year archive. A list
//! holds indices into the site's pages; templates get the cards made once in
//! [`super::Renderer::cards`], so a page costs the same in every list.

use std::collections::{BTreeMap, BTreeSet};

// Fx: every tag of every article is looked up on every dev-mode save.
use rustc_hash::FxHashMap as HashMap;
use std::path::Path;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use super::views::{self, ListView, Pager, PagerLink};
use super::{Renderer, Versions};
use crate::config::{Config, LangId, Language};
use crate::content::Site;
use crate::error::Error;
use crate::files::CONTENT_DIR;
use crate::theme::Strings;
use crate::urls::{self, link};

/// A paginated list: a section or a tag in one language.
#[derive(Debug)]
pub struct ListSpec {
    pub lang: LangId,
    /// `section` or `tag`.
    pub kind: &'static str,
    pub key: String,
    pub title: String,
    pub description: String,
    /// The intro from `_index.<lang>.md`, as HTML.
    pub content: String,
    /// URL path of page 1: `news/`, `en/tags/skills/`.
    pub url: String,
    /// Indices into `site.pages`, newest first.
    pub pages: Vec<usize>,
    /// The same list in other languages (a section), for hreflang.
    pub versions: Versions,
    /// Where the list's text comes from, for error messages.
    pub source: std::path::PathBuf,
}

impl ListSpec {
    pub fn page_count(&self, per_page: usize) -> usize {
        self.pages.len().div_ceil(per_page).max(1)
    }

    /// Indices into `pages` shown on page `n`.
    pub fn range(&self, n: usize, per_page: usize) -> std::ops::Range<usize> {
        let start = ((n - 1) * per_page).min(self.pages.len());
        start..(n * per_page).min(self.pages.len())
    }

    /// Page 1 has the list's translations; later pages stand alone.
    pub fn versions(&self, n: usize) -> Versions {
        if n == 1 {
            self.versions.clone()
        } else {
            vec![(self.lang, self.page_url(n))]
        }
    }

    /// URL path of page `n` (from 1).
    pub fn page_url(&self, n: usize) -> String {
        urls::list_page(&self.url, n)
    }
}

/// Sections with pages or an intro in `lang`, in order.
pub fn sections_in(site: &Site, lang: LangId) -> Vec<String> {
    let from_pages = site.pages_in(lang).map(|p| p.section.as_str());
    let from_index = site
        .sections
        .iter()
        .filter(|s| s.lang == lang)
        .map(|s| s.key.as_str());
    let set: BTreeSet<&str> = from_pages
        .chain(from_index)
        .filter(|k| !k.is_empty())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Every paginated list of one language: its sections, then its tags.
/// `sections` are every language's ([`sections_in`]).
pub fn lists(
    config: &Config,
    site: &Site,
    strings: Option<&Strings>,
    lang: &Language,
    sections: &[Vec<String>],
) -> Vec<ListSpec> {
    let mut specs = Vec::new();
    for key in &sections[usize::from(lang.id)] {
        let key = key.clone();
        let index = site.section_index(&key, lang.id);
        let versions = config
            .languages
            .iter()
            .filter(|l| sections[usize::from(l.id)].contains(&key))
            .map(|l| (l.id, urls::section(l, &key)))
            .collect();
        specs.push(ListSpec {
            lang: lang.id,
            kind: "section",
            title: views::section_title(site, strings, &key, lang.id),
            description: index.map_or_else(|| lang.description.clone(), |s| s.description.clone()),
            content: index.map(|s| s.html.clone()).unwrap_or_default(),
            url: urls::section(lang, &key),
            pages: site
                .indices_in(lang.id)
                .filter(|&i| site.pages[i].section == key)
                .collect(),
            versions,
            source: index.map_or_else(|| Path::new(CONTENT_DIR).join(&key), |s| s.source.clone()),
            key,
        });
    }
    for (url, (name, pages)) in tags_in(site, lang) {
        specs.push(ListSpec {
            lang: lang.id,
            kind: "tag",
            key: name.clone(),
            description: name.clone(),
            title: name,
            content: String::new(),
            versions: vec![(lang.id, url.clone())],
            url,
            pages,
            source: Path::new(CONTENT_DIR).to_path_buf(),
        });
    }
    specs
}

impl Renderer<'_> {
    /// Page `n` of a list.
    pub(super) fn list_page(&self, spec: &ListSpec, n: usize) -> Result<String, Error> {
        let per_page = self.config.paginate;
        let total = spec.page_count(per_page);
        let cards: Vec<Value> = spec.pages[spec.range(n, per_page)]
            .iter()
            .map(|&i| self.card(i))
            .collect();
        let url = spec.page_url(n);
        let pager = Pager {
            number: n,
            total,
            prev: (n > 1).then(|| link(self.config, &spec.page_url(n - 1))),
            next: (n < total).then(|| link(self.config, &spec.page_url(n + 1))),
            first: link(self.config, &spec.page_url(1)),
            last: link(self.config, &spec.page_url(total)),
            pages: {
                let numbers = views::pager_numbers(n, total);
                let mut previous = 0;
                numbers
                    .into_iter()
                    .map(|k| {
                        let gap_before = k > previous + 1;
                        previous = k;
                        PagerLink {
                            number: k,
                            url: link(self.config, &spec.page_url(k)),
                            current: k == n,
                            gap_before,
                        }
                    })
                    .collect()
            },
        };
        let view = ListView {
            kind: spec.kind,
            key: spec.key.clone(),
            title: spec.title.clone(),
            description: spec.description.clone(),
            content: if n == 1 {
                spec.content.clone()
            } else {
                String::new()
            },
            url: link(self.config, &url),
        };
        let ctx = minijinja::context! {
            section => Value::from(Serde(&view)),
            pages => Value::from(cards),
            pager => Value::from(Serde(&pager)),
            ..self.base_context(spec.lang, &url, &spec.versions(n))
        };
        self.render_template("list.html", ctx, &spec.source)
    }

    /// The home page: lead story, latest items, key figures.
    pub(super) fn home(&self, lang: &Language) -> Result<String, Error> {
        let site = self.site;
        let index = site.section_index("", lang.id);
        let view = ListView {
            kind: "home",
            key: String::new(),
            title: index.map_or_else(|| lang.title.clone(), |s| s.title.clone()),
            description: index.map_or_else(|| lang.description.clone(), |s| s.description.clone()),
            content: index.map(|s| s.html.clone()).unwrap_or_default(),
            url: link(self.config, &lang.prefix),
        };
        let (lead, latest, figures) = self.home_parts(lang);
        let latest: Vec<Value> = latest.into_iter().map(|i| self.card(i)).collect();
        let figures = figures.map(|i| &site.pages[i]);
        let versions = self.every_language(|l| l.prefix.clone());
        let ctx = minijinja::context! {
            section => Value::from(Serde(&view)),
            lead => lead.map(|i| self.card(i)),
            pages => Value::from(latest),
            key_figures => figures.map(|p| Value::from(Serde(views::figures(self.config, p)))),
            ..self.base_context(lang.id, &lang.prefix, &versions)
        };
        let shown = index.map_or_else(
            || Path::new(CONTENT_DIR).to_path_buf(),
            |s| s.source.clone(),
        );
        self.render_template("index.html", ctx, &shown)
    }

    /// What the home page shows: the lead story (the newest featured, else
    /// the newest), the latest others and the newest page with key figures.
    pub(super) fn home_parts(&self, lang: &Language) -> (Option<usize>, Vec<usize>, Option<usize>) {
        let site = self.site;
        let lead = site
            .indices_in(lang.id)
            .find(|&i| site.pages[i].featured)
            .or_else(|| site.indices_in(lang.id).next());
        let latest = site
            .indices_in(lang.id)
            .filter(|&i| Some(i) != lead)
            .take(self.config.paginate)
            .collect();
        let figures = site
            .indices_in(lang.id)
            .find(|&i| !site.pages[i].body.metrics.is_empty());
        (lead, latest, figures)
    }

    /// `/tags/`: every tag of the language with its number of articles.
    pub(super) fn tags_index(
        &self,
        lang: &Language,
        tags: &[(String, String, usize)],
    ) -> Result<String, Error> {
        #[derive(Serialize)]
        struct TagCount {
            name: String,
            url: String,
            count: usize,
        }
        let mut tags: Vec<TagCount> = tags
            .iter()
            .map(|(url, name, count)| TagCount {
                name: name.clone(),
                url: link(self.config, url),
                count: *count,
            })
            .collect();
        tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        let url = urls::tags(lang);
        let versions = self.every_language(urls::tags);
        let ctx = minijinja::context! {
            tags => Value::from(Serde(&tags)),
            ..self.base_context(lang.id, &url, &versions)
        };
        self.render_template("tags.html", ctx, Path::new(CONTENT_DIR))
    }

    /// `/archive/`: every article of the language, by year.
    pub(super) fn archive(&self, lang: &Language) -> Result<String, Error> {
        use chrono::Datelike;
        #[derive(Serialize)]
        struct Year {
            year: i32,
            pages: Vec<Value>,
        }
        let mut years: Vec<Year> = Vec::new();
        for i in self.site.indices_in(lang.id) {
            let year = self.site.pages[i].date.naive_date().year();
            match years.last_mut() {
                Some(y) if y.year == year => y.pages.push(self.card(i)),
                _ => years.push(Year {
                    year,
                    pages: vec![self.card(i)],
                }),
            }
        }
        let url = urls::archive(lang);
        let versions = self.every_language(urls::archive);
        let ctx = minijinja::context! {
            years => Value::from(Serde(&years)),
            ..self.base_context(lang.id, &url, &versions)
        };
        self.render_template("archive.html", ctx, Path::new(CONTENT_DIR))
    }
}

/// Tags of one language: URL path → (name as first written, page indices).
pub(super) fn tags_in(site: &Site, lang: &Language) -> BTreeMap<String, (String, Vec<usize>)> {
    // A few dozen tags on thousands of pages: each spelling is slugified
    // once and found again by one hash look-up.
    let mut slot_of_spelling: HashMap<&str, usize> = HashMap::default();
    let mut slot_of_url: HashMap<String, usize> = HashMap::default();
    let mut found: Vec<(String, String, Vec<usize>)> = Vec::new();
    for i in site.indices_in(lang.id) {
        for tag in &site.pages[i].tags {
            let slot = *slot_of_spelling.entry(tag.as_str()).or_insert_with(|| {
                let url = urls::tag(lang, tag);
                *slot_of_url.entry(url.clone()).or_insert_with(|| {
                    found.push((url, tag.clone(), Vec::new()));
                    found.len() - 1
                })
            });
            let pages = &mut found[slot].2;
            if pages.last() != Some(&i) {
                pages.push(i);
            }
        }
    }
    found
        .into_iter()
        .map(|(url, name, pages)| (url, (name, pages)))
        .collect()
}
