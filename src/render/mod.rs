//! The render stage: every entry of the [`Plan`] made into its file.
//! Rendering is a parallel map over the plan; templates are compiled once
//! per build ([`Templates`]), and each page's list card and each language's
//! shared data are converted for templates once, then shared by every list
//! that shows them. With a [`Memo`] (dev mode) a document whose inputs did
//! not change is not rendered again.

mod data;
mod feeds;
mod lists;
mod memo;
mod patch;
mod paths;
mod plan;
mod search;
mod templates;
mod texts;
pub mod views;

use rustc_hash::FxHashMap as HashMap; // hashed on every dev-mode save
use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use minijinja::value::Serde;
use minijinja::{Value, context};
use rayon::prelude::*;

pub use memo::Memo;
pub use patch::{Patched, patch};
pub use plan::{Entry, Plan, What};
use search::IndexDoc;
pub use search::SearchWork;
pub use templates::{Templates, format_date};
pub use texts::Texts;

use crate::config::{Config, LangId, Language};
use crate::content::front_matter::Date;
use crate::content::{Page, Site};
use crate::error::{Error, Errors};
use crate::files::{Data, OutputFile};
use crate::search::{Indexed, SEARCH_JS};
use crate::urls::{self, permalink};
use feeds::SitemapUrl;
use memo::{Card, FreshEntry, PageKey, fingerprint};

/// A URL path in each language a document has: (language, URL path).
type Versions = Vec<(LangId, String)>;

struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    templates: &'a Templates,
    /// `site` for templates, by language, and a hash of it.
    site_views: Vec<(Value, u64)>,
    /// Each page's list card, converted once when first needed (or taken
    /// from the memo), in `site.pages` order; true when made now.
    cards: Vec<OnceLock<(Card, bool)>>,
    previous: Option<&'a Memo>,
    /// A build's article texts, each taken by its page (else they are
    /// read from the site).
    texts: Option<&'a Texts>,
}

/// Takes each file as it is made (a build writes it at once).
pub type Sink<'s> = dyn Fn(OutputFile) -> Result<(), Error> + Sync + 's;

/// What the render made of one entry; its file is `None` once in the sink.
enum Made<'m> {
    /// A file (and for a document, what else it made).
    File(Option<OutputFile>, Document<'m>),
    /// A document as it was (dev mode).
    Unchanged(Document<'m>),
    /// Made last, from what the others made: the sitemap, a search index.
    Later,
}

/// What a document makes besides its file.
#[derive(Default)]
struct Document<'m> {
    /// A fingerprint of its inputs (dev mode).
    fingerprint: Option<u64>,
    sitemap: Option<Cow<'m, SitemapUrl>>,
    /// An article's search index data (when search is on).
    indexed: Option<Arc<Indexed>>,
    /// `metrics.json`: the page entries made now and (dev mode) its
    /// language and fingerprint, kept even when the file is as it was.
    metrics: Vec<FreshEntry>,
    metrics_file: Option<(LangId, u64)>,
}

impl Made<'_> {
    /// Hands the file to `sink`, if there is one.
    fn sink(mut self, sink: Option<&Sink>) -> Result<Self, Error> {
        if let (Some(sink), Made::File(file, _)) = (sink, &mut self) {
            file.take().map_or(Ok(()), sink)?;
        }
        Ok(self)
    }
}

/// Hands `files` to `sink`, if there is one: what is left to return, and
/// how many it took.
fn sink_all(
    files: Vec<OutputFile>,
    sink: Option<&Sink>,
) -> Result<(Vec<OutputFile>, usize), Error> {
    let Some(sink) = sink else {
        return Ok((files, 0));
    };
    let n = files.len();
    files
        .into_par_iter()
        .try_for_each(sink)
        .map(|()| (Vec::new(), n))
}

/// The result of [`render`].
pub struct Rendered {
    /// Every output file not given to the sink; with a memo, only the
    /// documents that changed (and every file that is not a document).
    pub files: Vec<OutputFile>,
    /// How many files went to the sink.
    pub sunk: usize,
    /// Documents left out of `files` because they are as they were.
    pub unchanged: Vec<String>,
    pub memo: Memo,
    /// Dev mode: search indexes to make once the pages are served (their
    /// old files are in `unchanged` meanwhile).
    pub search_later: Vec<SearchWork>,
}

/// Renders every entry of `plan`, skipping the documents `previous` shows
/// unchanged. The memo is updated in place and returned (on error it is
/// dropped, and the next render makes everything again). With `sink`, each
/// file goes there as soon as it is made (a build: see `output::Stream`).
/// With `texts` (a build), the articles' texts are taken from there.
pub fn render(
    config: &Config,
    site: &Site,
    templates: &Templates,
    plan: &Plan,
    previous: Option<Memo>,
    sink: Option<&Sink>,
    texts: Option<&Texts>,
) -> Result<Rendered, Errors> {
    let old = previous.as_ref();
    let mut r = Renderer::new(config, site, templates, &plan.sections, old);
    r.texts = texts;
    let dev = old.is_some();
    // A build indexes its articles as it renders them (`search::build`; any
    // article no index took, none in a planned site, is made below).
    let index_now = !dev && config.search.enabled;
    // A build makes the feeds first (they copy the newest texts), then the
    // pages (each takes its own text, which is then freed), then the rest:
    // the lists' cards are not made while every text is still held.
    let staged = texts.is_some();
    let make = |e| Some(r.make(e, None).and_then(|m| m.sink(sink)));
    let mut made: Vec<Option<Result<Made, Error>>> = (plan.entries.par_iter())
        .map(|e| match (staged, &e.what) {
            (false, _) | (true, What::Feed(_)) => make(e),
            _ => None,
        })
        .collect();
    let mut built = match index_now {
        true => search::build(&r, plan, &mut made, sink),
        false => HashMap::default(),
    };
    (made.par_iter_mut().zip(&plan.entries))
        .filter(|(m, _)| m.is_none())
        .for_each(|(m, e)| *m = make(e));
    // A build's lists are made: their cards are not needed any more.
    if staged {
        r.cards.iter_mut().for_each(|c| drop(c.take()));
    }
    let mut errors = Errors::new();
    let mut files = Vec::with_capacity(made.len());
    let mut unchanged = Vec::new();
    let mut documents = Vec::new();
    let mut fragments = Vec::new();
    let mut site_entries: Vec<Cow<SitemapUrl>> = Vec::new();
    let mut fresh_entries = Vec::new();
    let mut indexed: HashMap<usize, Arc<Indexed>> = HashMap::default();
    let mut fresh_indexed = Vec::new();
    let mut later = Vec::new();
    let mut page_fps: HashMap<usize, u64> = HashMap::default();
    let mut fresh_indexes = Vec::new();
    let mut fresh_reuse = Vec::new();
    let mut fresh_docs = Vec::new();
    let mut search_later = Vec::new();
    let mut metrics_files = Vec::new();
    let mut sunk = 0;
    let mut keep = |file: Option<OutputFile>| match file {
        Some(f) => files.push(f),
        None => sunk += 1,
    };
    for (entry, made) in plan.entries.iter().zip(made) {
        let made = made.expect("every entry is made above");
        // Whether the document was made now (not reused from the memo).
        let (doc, fresh) = match made {
            Ok(Made::File(file, doc)) => {
                if let Some(fp) = doc.fingerprint {
                    documents.push((entry.path.clone(), fp));
                }
                keep(file);
                (doc, true)
            }
            Ok(Made::Unchanged(doc)) => {
                unchanged.push(entry.path.clone());
                (doc, false)
            }
            Ok(Made::Later) => {
                later.push(entry);
                continue;
            }
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        fragments.extend(doc.metrics);
        metrics_files.extend(doc.metrics_file);
        if let (What::Page(i), Some(fp)) = (&entry.what, doc.fingerprint) {
            page_fps.insert(*i, fp);
        }
        if let (What::Page(i), Some(x)) = (&entry.what, doc.indexed) {
            // An unchanged document's index data is the memo's own: only
            // new data goes in (re-inserting 40,000 was 25 ms a save).
            if let (true, true, Some(fp)) = (dev, fresh, doc.fingerprint) {
                fresh_indexed.push((entry.path.clone(), (fp, x.clone())));
            }
            indexed.insert(*i, x);
        }
        if let Some(site_entry) = doc.sitemap {
            // Only articles have entries made from their own page alone.
            if let (true, What::Page(_), Some(fp), Cow::Owned(e)) =
                (dev, &entry.what, doc.fingerprint, &site_entry)
            {
                fresh_entries.push((entry.path.clone(), (fp, e.clone())));
            }
            site_entries.push(site_entry);
        }
    }
    for entry in later {
        match &entry.what {
            What::Sitemap => {
                let mut sitemap: Vec<&SitemapUrl> =
                    site_entries.iter().map(|e| e.as_ref()).collect();
                sitemap.par_sort_unstable_by(|a, b| a.loc.cmp(&b.loc)); // each address once
                files.push(OutputFile::new(
                    entry.path.clone(),
                    feeds::sitemap(&sitemap),
                ));
            }
            What::SearchIndex(lang) => {
                let Some(docs) = dev.then(|| search::docs(site, lang.id, &page_fps, &indexed))
                else {
                    match built.remove(&lang.id) {
                        Some(Ok((kept, n))) => {
                            files.extend(kept);
                            sunk += n;
                        }
                        Some(Err(e)) => errors.push(e),
                        None => {}
                    }
                    continue;
                };
                // Dev mode: the index files served stay until new ones are.
                if let Some((_, paths)) = old.and_then(|m| m.search_index.get(&lang.id)) {
                    unchanged.extend(paths.iter().cloned());
                }
                match search::next(&r, lang, &docs) {
                    search::Next::Keep => {}
                    search::Next::Later(work) => {
                        fresh_reuse.push((lang.id, work.reuse.clone()));
                        search_later.push(work);
                    }
                    search::Next::Now(work) => {
                        fresh_reuse.push((lang.id, work.reuse.clone()));
                        let (made, index) = work.made_now();
                        fresh_indexes.push((lang.id, index));
                        files.extend(made);
                    }
                }
                fresh_docs.push((lang.id, docs));
            }
            _ => unreachable!("only the sitemap and search indexes are made later"),
        }
    }
    drop(site_entries);
    // What is made last (the sitemap): to the sink too.
    let (mut files, sunk) = match sink_all(files, sink) {
        Ok((kept, n)) => (kept, sunk + n),
        Err(e) => {
            errors.push(e);
            (Vec::new(), sunk)
        }
    };
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    // What this render made that the memo did not have (dev mode only).
    let fresh_cards: Vec<(PageKey, Card)> = (site.pages.iter())
        .zip(std::mem::take(&mut r.cards))
        .filter_map(|(p, card)| match card.into_inner() {
            Some((card, true)) if dev => Some(((p.fingerprint, p.url.clone()), card)),
            _ => None,
        })
        .collect();
    drop(r);
    let mut memo = previous.unwrap_or_default();
    if dev {
        memo.documents.extend(documents);
        memo.metrics.extend(fragments);
        memo.metrics_file.extend(metrics_files);
        memo.cards.extend(fresh_cards);
        memo.sitemap.extend(fresh_entries);
        memo.search.extend(fresh_indexed);
        memo.search_index.extend(fresh_indexes);
        memo.search_reuse.extend(fresh_reuse);
        memo.search_docs.extend(fresh_docs);
        memo.forget_stale(site, plan);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        files,
        unchanged,
        memo,
        sunk,
        search_later,
    })
}

impl<'a> Renderer<'a> {
    /// A renderer of `site`, whose languages have `sections`, reusing what
    /// `previous` (dev mode) holds.
    fn new(
        config: &'a Config,
        site: &'a Site,
        templates: &'a Templates,
        sections: &[Vec<String>],
        previous: Option<&'a Memo>,
    ) -> Self {
        let site_views = (config.languages.iter())
            .map(|l| {
                let sections = &sections[usize::from(l.id)];
                let view = views::site_view(config, site, templates.strings(&l.code), l, sections);
                let hash = fingerprint(serde_json::to_string(&view).unwrap_or_default());
                (Value::from(Serde(&view)), hash)
            })
            .collect();
        Renderer {
            config,
            site,
            templates,
            site_views,
            cards: site.pages.iter().map(|_| OnceLock::new()).collect(),
            previous,
            texts: None,
        }
    }

    /// One entry of the plan.
    /// An article's page also goes to `index` (a build's search index).
    fn make(&self, entry: &'a Entry, index: Option<&mut IndexDoc>) -> Result<Made<'a>, Error> {
        let file = |bytes: String| Some(OutputFile::new(entry.path.clone(), bytes));
        let config = self.config;
        Ok(match &entry.what {
            what if what.is_document() => {
                let fp = self.previous.and_then(|_| self.fingerprint(what));
                let kept = self
                    .previous
                    .zip(fp)
                    .filter(|(m, fp)| m.documents.get(&entry.path) == Some(fp));
                // An article's sitemap entry and index data are as they
                // were when its document is.
                let old_entry = kept
                    .and_then(|(m, fp)| m.sitemap.get(&entry.path).filter(|(was, _)| *was == fp));
                let old_index = kept
                    .and_then(|(m, fp)| m.search.get(&entry.path).filter(|(was, _)| *was == fp));
                let sitemap = match (what, old_entry) {
                    (What::Page(_), Some((_, e))) => Some(Cow::Borrowed(e)),
                    _ => self.sitemap_entry(what).map(Cow::Owned),
                };
                let mut doc = Document {
                    fingerprint: fp,
                    sitemap,
                    indexed: old_index.map(|(_, x)| x.clone()),
                    ..Document::default()
                };
                if kept.is_some() && (doc.indexed.is_some() || !self.indexes(what)) {
                    return Ok(Made::Unchanged(doc));
                }
                let html = self.document(entry)?;
                match (what, index) {
                    (What::Page(i), Some(index)) => {
                        self.to_index(&self.site.pages[*i], &html, index)
                    }
                    (What::Page(i), None) if self.indexes(what) && self.previous.is_some() => {
                        doc.indexed = Some(self.index(&self.site.pages[*i], &html));
                    }
                    _ => {}
                }
                Made::File(file(html), doc)
            }
            What::Feed(lang) => {
                let newest: Vec<(&Page, Cow<str>)> = (self.site.indices_in(lang.id))
                    .filter(|&i| !self.site.pages[i].unpublished())
                    .take(feeds::FEED_ENTRIES)
                    .map(|i| (&*self.site.pages[i], self.text(i, false)))
                    .collect();
                let atom = feeds::atom(config, lang, &newest, |url| permalink(config, url));
                Made::File(file(atom), Document::default())
            }
            What::Metrics(lang) => self.metrics(entry, lang)?,
            What::Sitemap | What::SearchIndex(_) => Made::Later,
            What::Robots => {
                let robots = feeds::robots(&permalink(config, urls::SITEMAP));
                Made::File(file(robots), Document::default())
            }
            What::Alias { page, .. } => {
                let html = data::alias_page(config, &self.site.pages[*page]);
                Made::File(file(html), Document::default())
            }
            What::File(data) => Made::File(self.copy(entry, data.clone()), Document::default()),
            What::Photo(cached) => Made::File(
                self.copy(entry, Data::Copy(cached.clone())),
                Document::default(),
            ),
            What::SearchScript => {
                let script = Data::Static(SEARCH_JS.as_bytes());
                Made::File(self.copy(entry, script), Document::default())
            }
            _ => unreachable!("every document is matched above"),
        })
    }

    fn copy(&self, entry: &Entry, data: Data) -> Option<OutputFile> {
        Some(OutputFile {
            path: entry.path.clone(),
            data,
        })
    }

    /// Whether the document's page goes into the search index.
    fn indexes(&self, what: &What) -> bool {
        matches!(what, What::Page(_)) && self.config.search.enabled
    }

    /// A document through its template.
    fn document(&self, entry: &Entry) -> Result<String, Error> {
        match &entry.what {
            What::Page(i) => self.page(*i),
            What::Home(lang) => self.home(lang),
            What::List(spec, n) => self.list_page(spec, *n),
            What::Tags(lang, tags) => self.tags_index(lang, tags),
            What::Archive(lang) => self.archive(lang),
            What::Search(lang) => self.search_page(lang),
            What::NotFound => self.not_found(),
            _ => unreachable!("only documents have templates"),
        }
    }

    fn render_template(&self, name: &str, ctx: Value, shown: &Path) -> Result<String, Error> {
        self.templates.render(name, ctx, shown)
    }

    /// The context every template gets: site, language, canonical URL,
    /// hreflang alternates and the switcher.
    fn base_context(&self, lang: LangId, url: &str, versions: &[(LangId, String)]) -> Value {
        context! {
            site => self.site_views[usize::from(lang)].0.clone(),
            lang => &self.config.lang(lang).code,
            canonical => permalink(self.config, url),
            alternates => Value::from(Serde(self.alternates(versions))),
            switcher => Value::from(Serde(self.switcher(lang, versions))),
        }
    }

    /// A sitemap entry for a document with these language versions.
    fn sitemap_url(
        &self,
        url: &str,
        versions: &[(LangId, String)],
        lastmod: Option<Date>,
    ) -> SitemapUrl {
        let alternates: Vec<(String, String)> = if versions.len() > 1 {
            self.alternates(versions)
                .into_iter()
                .map(|a| (a.hreflang, a.href))
                .collect()
        } else {
            Vec::new()
        };
        SitemapUrl::new(permalink(self.config, url), lastmod, &alternates)
    }

    /// The page and its translations, in the site's language order.
    fn page_versions(&self, p: &Page) -> Versions {
        let mut versions: Versions = vec![(p.lang, p.url.clone())];
        versions.extend(p.translations.iter().map(|t| (t.lang, t.url.clone())));
        versions.sort();
        versions
    }

    /// The same document in every language, at `url(language)`.
    fn every_language(&self, url: impl Fn(&Language) -> String) -> Versions {
        self.config
            .languages
            .iter()
            .map(|l| (l.id, url(l)))
            .collect()
    }

    fn page(&self, i: usize) -> Result<String, Error> {
        let p = &self.site.pages[i];
        let lang = self.config.lang(p.lang);
        let text = self.text(i, true);
        let view = views::page_view(self.config, lang, p, &text);
        let ctx = context! {
            page => Value::from(Serde(&view)),
            ..self.base_context(p.lang, &p.url, &self.page_versions(p))
        };
        self.render_template("page.html", ctx, &p.source)
    }

    /// Page `i`'s list card, converted for templates on first use.
    fn card(&self, i: usize) -> Value {
        self.card_and_hash(i).0.clone()
    }

    fn card_and_hash(&self, i: usize) -> &Card {
        &self.cards[i]
            .get_or_init(|| {
                let p = &self.site.pages[i];
                if let Some(card) = self
                    .previous
                    .and_then(|m| m.cards.get(&(p.fingerprint, p.url.clone())))
                {
                    return (card.clone(), false);
                }
                let view = views::card(self.config, self.config.lang(p.lang), p);
                // Hashed only in dev mode, where lists are fingerprinted.
                let hash = match self.previous {
                    Some(_) => fingerprint(serde_json::to_string(&view).unwrap_or_default()),
                    None => 0,
                };
                ((Value::from(Serde(view)), hash), true)
            })
            .0
    }

    /// How the sitemap lists a document, if at all.
    fn sitemap_entry(&self, what: &What) -> Option<SitemapUrl> {
        let newest = |lang: LangId| self.site.pages_in(lang).next().map(|p| p.date);
        Some(match what {
            // A draft shown as a preview is not announced to search engines.
            What::Page(i) if self.site.pages[*i].unpublished() => return None,
            What::Page(i) => {
                let p = &self.site.pages[*i];
                let lastmod = Some(p.updated.unwrap_or(p.date));
                self.sitemap_url(&p.url, &self.page_versions(p), lastmod)
            }
            What::Home(lang) => self.sitemap_url(
                &lang.prefix,
                &self.every_language(|l| l.prefix.clone()),
                newest(lang.id),
            ),
            What::List(spec, n) => {
                let lastmod = spec.pages.first().map(|&i| self.site.pages[i].date);
                self.sitemap_url(&spec.page_url(*n), &spec.versions(*n), lastmod)
            }
            What::Tags(lang, _) => {
                self.sitemap_url(&urls::tags(lang), &self.every_language(urls::tags), None)
            }
            What::Archive(lang) => self.sitemap_url(
                &urls::archive(lang),
                &self.every_language(urls::archive),
                None,
            ),
            _ => return None,
        })
    }

    /// `404.html` at the root, in the default language, linking every home.
    /// It stands for no URL: no canonical link, no alternates.
    fn not_found(&self) -> Result<String, Error> {
        let lang = self.config.default_language();
        let ctx = context! {
            site => self.site_views[usize::from(lang.id)].0.clone(),
            lang => &lang.code,
            canonical => "",
            alternates => Value::from(Vec::<Value>::new()),
            switcher => Value::from(Serde(self.switcher(lang.id, &[]))),
        };
        self.render_template("404.html", ctx, Path::new(urls::NOT_FOUND))
    }
}
