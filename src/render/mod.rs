//! The render stage: the site and theme in, output files out. Rendering is a
//! pure parallel map over documents (articles, list pages, feeds); templates
//! are compiled once per build, and each page's list card and each
//! language's shared data are converted for templates once, then shared by
//! every list that shows them (no list re-serialises the pages it holds).

mod feeds;
mod lists;
pub mod views;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, State, UndefinedBehavior, Value, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Language};
use crate::content::front_matter::Date;
use crate::content::{Page, Site};
use crate::error::{Error, Errors};
use crate::output::{Data, OutputFile};
use crate::theme::{Strings, Theme};
use feeds::SitemapUrl;
use lists::ListSpec;
use views::{Alternate, Switch, index_file, link, permalink};

/// One unit of rendering work; all run in parallel.
enum Job<'a> {
    Page(usize),
    Home(&'a Language),
    /// Page `number` (from 1) of a paginated list.
    List(Arc<ListSpec>, usize),
    /// The tag index, with each tag's (URL path, name, number of pages).
    Tags(&'a Language, Arc<Vec<(String, String, usize)>>),
    Archive(&'a Language),
    NotFound,
}

impl Job<'_> {
    /// The file the job writes.
    fn path(&self, site: &Site) -> String {
        match self {
            Job::Page(i) => index_file(&site.pages[*i].url),
            Job::Home(lang) => index_file(&lang.prefix),
            Job::List(spec, n) => index_file(&spec.page_url(*n)),
            Job::Tags(lang, _) => index_file(&views::tags_url(lang)),
            Job::Archive(lang) => index_file(&views::archive_url(lang)),
            Job::NotFound => views::NOT_FOUND.to_string(),
        }
    }
}

/// Every document a build renders through a template, with the file each
/// writes: made once per build and shared by the link check and the render.
pub struct Plan<'a> {
    jobs: Vec<Job<'a>>,
    paths: Vec<String>,
}

pub fn plan<'a>(config: &'a Config, site: &'a Site) -> Plan<'a> {
    let jobs = jobs(config, site);
    let paths = jobs.par_iter().map(|j| j.path(site)).collect();
    Plan { jobs, paths }
}

/// Every document rendered through a template: articles, then per language
/// the home page, tag index, archive and each page of each list.
fn jobs<'a>(config: &'a Config, site: &'a Site) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for lang in &config.languages {
        jobs.push(Job::Home(lang));
        let specs = lists::lists(config, site, lang);
        let tags = (specs.iter().filter(|s| s.kind == "tag"))
            .map(|s| (s.url.clone(), s.key.clone(), s.pages.len()))
            .collect();
        jobs.push(Job::Tags(lang, Arc::new(tags)));
        jobs.push(Job::Archive(lang));
        for spec in specs {
            let spec = Arc::new(spec);
            jobs.extend((1..=spec.page_count(config.paginate)).map(|n| Job::List(spec.clone(), n)));
        }
    }
    jobs.push(Job::NotFound);
    jobs
}

/// What a build writes, by path, without rendering anything: what links
/// may point at. The same rules as [`render`] (and the photo pipeline) use;
/// alias redirect pages are listed apart, by the page they belong to.
pub struct OutputPaths {
    /// `news/x/index.html`, `en/atom.xml`, `style.css`, `news/x/a.pdf`,
    /// photo variants, …: decoded (`tags/劳动竞赛/index.html`), in no order.
    pub files: Vec<String>,
    /// (index into `site.pages`, alias as written, file it writes).
    pub aliases: Vec<(usize, String, String)>,
}

pub fn output_paths(
    config: &Config,
    site: &Site,
    theme: &Theme,
    plan: &Plan,
) -> Result<OutputPaths, Errors> {
    let mut errors = Vec::new();
    let mut files: Vec<String> = plan.paths.clone();
    for lang in &config.languages {
        files.push(views::feed_url(lang));
        files.push(views::metrics_url(lang));
    }
    files.push(views::SITEMAP.into());
    files.push(views::ROBOTS.into());
    files.extend(site.assets.iter().map(|a| a.path.clone()));
    files.extend(
        static_files(config, theme, &mut errors)
            .into_iter()
            .map(|f| f.path),
    );
    files.extend(
        site.photos
            .iter()
            .flat_map(|j| j.photo.outputs().map(|v| v.path.clone())),
    );
    let aliases = site
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.aliases.iter().map(move |a| (i, a.clone(), alias_path(a))))
        .collect();
    if errors.is_empty() {
        Ok(OutputPaths { files, aliases })
    } else {
        Err(errors)
    }
}

struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    env: Environment<'static>,
    theme_dir: &'a Path,
    /// `site` for templates, by language code, and a hash of it.
    site_views: BTreeMap<String, (Value, u64)>,
    /// Each page's list card, converted once when first needed (or taken
    /// from the memo), in `site.pages` order.
    cards: Vec<OnceLock<(Card, bool)>>,
    previous: Option<&'a Memo>,
}

/// A document's fingerprint, and its file (`None`: unchanged).
type Outcome = (Option<u64>, Result<Option<OutputFile>, Error>);

/// What dev mode remembers of the last render: each document's output path
/// and a fingerprint of everything it was made from (a document whose
/// fingerprint has not changed is not rendered again), and each page's list
/// card with a hash of it, by page fingerprint and URL (so lists are
/// fingerprinted by what they show, not by the whole pages).
#[derive(Debug, Clone, Default)]
pub struct Memo {
    documents: HashMap<String, u64>,
    cards: HashMap<(u64, String), Card>,
    /// Each page's entry in `metrics.json`, by page fingerprint and URL.
    metrics: HashMap<(u64, String), String>,
    /// Each article's sitemap entry, by path, with its document's
    /// fingerprint.
    sitemap: HashMap<String, (u64, SitemapUrl)>,
}

/// A page's fingerprint and URL: what its card and `metrics.json` entry
/// are made of.
type PageKey = (u64, String);

/// A page's entry in `metrics.json`, by page fingerprint and URL.
type Fragment = (PageKey, String);

/// A page's list card for templates, and a hash of its content.
type Card = (Value, u64);

/// The result of [`render_with`].
pub struct Rendered {
    /// Every output file, or with a memo only the documents that changed
    /// (and every file that is not a document: feeds, sitemap, assets).
    pub files: Vec<OutputFile>,
    /// Documents left out of `files` because they are as they were.
    pub unchanged: Vec<String>,
    pub memo: Memo,
}

/// Renders every output file of the site.
pub fn render(config: &Config, site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Errors> {
    render_with(config, site, theme, &plan(config, site), None).map(|r| r.files)
}

/// Renders the site, skipping the documents `previous` shows unchanged.
/// The memo is only valid with the same config and theme; it is updated in
/// place and returned in [`Rendered::memo`] (on error it is dropped, and the
/// next render makes everything again).
pub fn render_with(
    config: &Config,
    site: &Site,
    theme: &Theme,
    plan: &Plan,
    previous: Option<Memo>,
) -> Result<Rendered, Errors> {
    let old = previous.as_ref();
    let env = environment(theme)?;
    let site_views = config
        .languages
        .iter()
        .map(|l| {
            let sections = lists::sections_in(site, &l.code);
            let view = views::site_view(config, site, l, &sections);
            let hash = fingerprint(serde_json::to_string(&view).unwrap_or_default());
            (l.code.clone(), (Value::from(Serde(&view)), hash))
        })
        .collect();
    let mut r = Renderer {
        config,
        site,
        env,
        theme_dir: &theme.dir,
        site_views,
        cards: site.pages.iter().map(|_| OnceLock::new()).collect(),
        previous: old,
    };

    let jobs = &plan.jobs;
    // Each document: rendered, or its path when the memo has it unchanged.
    let rendered: Vec<Outcome> = jobs
        .par_iter()
        .zip(&plan.paths)
        .map(|(job, path)| {
            let fp = old.and_then(|_| r.fingerprint(job));
            let same = old
                .zip(fp)
                .is_some_and(|(m, fp)| m.documents.get(path) == Some(&fp));
            let file = if same { Ok(None) } else { r.run(job).map(Some) };
            (fp, file)
        })
        .collect();
    // An article's entry is as it was when its document is (dev mode).
    let entries: Vec<Option<Cow<SitemapUrl>>> = jobs
        .par_iter()
        .zip(&plan.paths)
        .zip(&rendered)
        .map(|((job, path), (fp, _))| {
            let kept = old
                .zip(*fp)
                .and_then(|(m, fp)| m.sitemap.get(path).filter(|(was, _)| *was == fp));
            match (job, kept) {
                (Job::Page(_), Some((_, entry))) => Some(Cow::Borrowed(entry)),
                _ => r.sitemap_entry(job).map(Cow::Owned),
            }
        })
        .collect();

    let mut errors = Vec::new();
    let mut files = Vec::with_capacity(rendered.len() + site.assets.len() + 8);
    let mut unchanged = Vec::new();
    let mut sitemap: Vec<&SitemapUrl> = entries.iter().flatten().map(|e| e.as_ref()).collect();
    sitemap.sort_by(|a, b| a.loc.cmp(&b.loc));
    files.push(feeds::sitemap(&sitemap));
    drop(sitemap);
    let mut fragments = Vec::new();
    for lang in &config.languages {
        let pages: Vec<&Page> = site.pages_in(&lang.code).collect();
        files.push(feeds::atom(config, lang, &pages, |url| {
            permalink(config, url)
        }));
        match metrics_json(config, site, lang, old) {
            Ok((f, made)) => {
                files.push(f);
                fragments.extend(made);
            }
            Err(e) => errors.push(e),
        }
    }

    // What this render made that the memo did not have.
    let fresh_cards: Vec<(PageKey, Card)> = (site.pages.iter())
        .zip(std::mem::take(&mut r.cards))
        .filter_map(|(p, card)| match card.into_inner() {
            // Only dev mode keeps a memo.
            Some((card, true)) if old.is_some() => Some(((p.fingerprint, p.url.clone()), card)),
            _ => None,
        })
        .collect();
    let fresh_entries: Vec<(String, (u64, SitemapUrl))> = (jobs.iter())
        .zip(&plan.paths)
        .zip(&rendered)
        .zip(entries)
        .filter_map(|(((job, path), (fp, _)), entry)| match (job, fp, entry) {
            // Only articles have entries made from their own page alone.
            (Job::Page(_), Some(fp), Some(Cow::Owned(e))) => Some((path.clone(), (*fp, e))),
            _ => None,
        })
        .collect();
    drop(r);
    let mut memo = previous.unwrap_or_default();
    for (path, (fp, file)) in plan.paths.iter().zip(rendered) {
        match file {
            Ok(Some(file)) => {
                if let Some(fp) = fp {
                    memo.documents.insert(path.clone(), fp);
                }
                files.push(file);
            }
            Ok(None) => unchanged.push(path.clone()),
            Err(e) => errors.push(e),
        }
    }
    memo.cards.extend(fresh_cards);
    memo.sitemap.extend(fresh_entries);
    memo.metrics.extend(fragments);
    memo.forget_stale(site, plan);

    files.push(feeds::robots(&permalink(config, views::SITEMAP)));
    files.extend(alias_pages(config, site));
    files.extend(site.assets.iter().map(|a| OutputFile {
        path: a.path.clone(),
        data: Data::Copy(a.source.clone()),
    }));
    files.extend(static_files(config, theme, &mut errors));
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for pair in files.windows(2) {
        if pair[0].path == pair[1].path {
            errors.push(Error::new(
                &pair[0].path,
                "two sources write this output file (an alias or a static file the same as a page?)",
            ));
        }
    }
    if errors.is_empty() {
        Ok(Rendered {
            files,
            unchanged,
            memo,
        })
    } else {
        Err(errors)
    }
}

impl Memo {
    /// Drops what belongs to documents and pages no longer in the site,
    /// when there is any (a rename, a deletion, an edit's old fingerprint).
    fn forget_stale(&mut self, site: &Site, plan: &Plan) {
        // Every document and article of this render has its entry now, so
        // any more are stale.
        if self.documents.len() > plan.paths.len() || self.sitemap.len() > site.pages.len() {
            let live: HashSet<&str> = plan.paths.iter().map(String::as_str).collect();
            self.documents
                .retain(|path, _| live.contains(path.as_str()));
            self.sitemap.retain(|path, _| live.contains(path.as_str()));
        }
        let pages = site.pages.len();
        if self.cards.len() > pages || self.metrics.len() > pages {
            let live: HashSet<(u64, &str)> = (site.pages.iter())
                .map(|p| (p.fingerprint, p.url.as_str()))
                .collect();
            self.cards
                .retain(|(fp, url), _| live.contains(&(*fp, url.as_str())));
            self.metrics
                .retain(|(fp, url), _| live.contains(&(*fp, url.as_str())));
        }
    }
}

fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn language<'c>(config: &'c Config, code: &str) -> &'c Language {
    config
        .language(code)
        .expect("content only holds configured languages")
}

/// Redirect pages for old URLs (`aliases`): a meta refresh and a canonical
/// link to the page's new address.
fn alias_pages(config: &Config, site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for p in &site.pages {
        let target = permalink(config, &p.url);
        let escaped = crate::text::escape_html(&target);
        let title = crate::text::escape_html(&p.title);
        for alias in &p.aliases {
            let path = alias_path(alias);
            let html = format!(
                "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
                 <link rel=\"canonical\" href=\"{escaped}\">\n<meta name=\"robots\" content=\"noindex\">\n\
                 <meta http-equiv=\"refresh\" content=\"0; url={escaped}\">\n</head>\n\
                 <body>\n<p><a href=\"{escaped}\">{title}</a></p>\n</body>\n</html>\n",
                language(config, &p.lang).locale
            );
            files.push(OutputFile::new(path, html));
        }
    }
    files
}

/// The file an alias's redirect page is written to. Old addresses are often
/// copied from a browser, percent-encoded; the file on disk has the decoded
/// name, like every page's.
pub fn alias_path(alias: &str) -> String {
    let path = crate::text::percent_decode(alias.trim_start_matches('/'));
    if path.is_empty() || path.ends_with('/') {
        index_file(&path)
    } else if path.ends_with(".html") {
        path
    } else {
        index_file(&format!("{path}/"))
    }
}

impl Renderer<'_> {
    fn run(&self, job: &Job) -> Result<OutputFile, Error> {
        let file = match job {
            Job::Page(i) => self.page(&self.site.pages[*i]),
            Job::Home(lang) => self.home(lang),
            Job::List(spec, n) => self.list_page(spec, *n),
            Job::Tags(lang, tags) => self.tags_index(lang, tags),
            Job::Archive(lang) => self.archive(lang),
            Job::NotFound => self.not_found(),
        };
        // `check` knows what exists from `Job::path`: it must be the truth.
        if let Ok(f) = &file {
            debug_assert_eq!(f.path, job.path(self.site));
        }
        file
    }

    fn render_template(
        &self,
        name: &str,
        ctx: Value,
        out: String,
        shown: &Path,
    ) -> Result<OutputFile, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(self.theme_dir, &e, Some(shown)))?;
        let html = template
            .render(ctx)
            .map_err(|e| template_error(self.theme_dir, &e, Some(shown)))?;
        Ok(OutputFile::new(out, html))
    }

    /// hreflang links: every version of the page, itself included, and
    /// `x-default` (the default language's version, else this page).
    fn alternates(&self, versions: &[(String, String)]) -> Vec<Alternate> {
        let mut out: Vec<Alternate> = versions
            .iter()
            .map(|(code, url)| Alternate {
                hreflang: language(self.config, code).locale.clone(),
                href: permalink(self.config, url),
            })
            .collect();
        let default = &self.config.default_language().code;
        let x_default = versions
            .iter()
            .find(|(c, _)| c == default)
            .unwrap_or(&versions[0]);
        out.push(Alternate {
            hreflang: "x-default".into(),
            href: permalink(self.config, &x_default.1),
        });
        out
    }

    /// The language switcher: each language's version of this page, or that
    /// language's home where there is none.
    fn switcher(&self, current: &str, versions: &[(String, String)]) -> Vec<Switch<'_>> {
        self.config
            .languages
            .iter()
            .map(|l| {
                let version = versions.iter().find(|(c, _)| *c == l.code);
                Switch {
                    code: &l.code,
                    name: &l.name,
                    locale: &l.locale,
                    url: link(self.config, version.map_or(&l.prefix, |v| &v.1)),
                    current: l.code == current,
                    translated: version.is_some(),
                }
            })
            .collect()
    }

    /// The context every template gets: site, language, canonical URL,
    /// hreflang alternates and the switcher.
    fn base_context(&self, lang: &str, url: &str, versions: &[(String, String)]) -> Value {
        context! {
            site => self.site_views[lang].0.clone(),
            lang => lang,
            canonical => permalink(self.config, url),
            alternates => Value::from(Serde(self.alternates(versions))),
            switcher => Value::from(Serde(self.switcher(lang, versions))),
        }
    }

    /// A sitemap entry for a document with these language versions.
    fn sitemap_url(
        &self,
        url: &str,
        versions: &[(String, String)],
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
    fn page_versions(&self, p: &Page) -> Vec<(String, String)> {
        let mut versions: Vec<(String, String)> = vec![(p.lang.clone(), p.url.clone())];
        versions.extend(
            p.translations
                .iter()
                .map(|t| (t.lang.clone(), t.url.clone())),
        );
        versions.sort_by_key(|(c, _)| self.config.languages.iter().position(|l| &l.code == c));
        versions
    }

    fn page(&self, p: &Page) -> Result<OutputFile, Error> {
        let lang = language(self.config, &p.lang);
        let view = views::page_view(self.config, lang, p);
        let ctx = context! {
            page => Value::from(Serde(&view)),
            ..self.base_context(&p.lang, &p.url, &self.page_versions(p))
        };
        self.render_template("page.html", ctx, index_file(&p.url), &p.source)
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
                let view = views::card(self.config, language(self.config, &p.lang), p);
                // Hashed only in dev mode, where lists are fingerprinted.
                let hash = match self.previous {
                    Some(_) => fingerprint(serde_json::to_string(&view).unwrap_or_default()),
                    None => 0,
                };
                ((Value::from(Serde(view)), hash), true)
            })
            .0
    }

    fn card_hashes(&self, pages: impl Iterator<Item = usize>) -> Vec<u64> {
        pages.map(|i| self.card_and_hash(i).1).collect()
    }

    /// Everything a document is made of, hashed: the site's navigation and
    /// its page's fingerprint, or the cards it lists.
    fn fingerprint(&self, job: &Job) -> Option<u64> {
        match job {
            Job::Page(i) => {
                let p = &self.site.pages[*i];
                Some(fingerprint((self.site_views[&p.lang].1, p.fingerprint)))
            }
            Job::List(spec, n) => {
                let per_page = self.config.paginate;
                let shown = self.card_hashes(spec.pages[spec.range(*n, per_page)].iter().copied());
                Some(fingerprint((
                    self.site_views[&spec.lang].1,
                    (spec.kind, &spec.key, &spec.title, &spec.description),
                    (&spec.content, &spec.versions, &spec.url),
                    (*n, spec.page_count(per_page), shown),
                )))
            }
            Job::Home(lang) => {
                let (lead, latest, figures) = self.home_parts(lang);
                let index = self.site.section_index("", &lang.code);
                Some(fingerprint((
                    self.site_views[&lang.code].1,
                    index.map(|s| (&s.title, &s.description, &s.html)),
                    self.card_hashes(lead.into_iter().chain(latest)),
                    figures.map(|i| self.site.pages[i].fingerprint),
                )))
            }
            Job::Archive(lang) => Some(fingerprint((
                self.site_views[&lang.code].1,
                self.card_hashes(self.site.indices_in(&lang.code)),
            ))),
            Job::Tags(lang, tags) => Some(fingerprint((self.site_views[&lang.code].1, tags))),
            Job::NotFound => Some(self.site_views[&self.config.default_language().code].1),
        }
    }

    /// How the sitemap lists a document, if at all.
    fn sitemap_entry(&self, job: &Job) -> Option<SitemapUrl> {
        let newest = |lang: &str| self.site.pages_in(lang).next().map(|p| p.date);
        Some(match job {
            Job::Page(i) => {
                let p = &self.site.pages[*i];
                let lastmod = Some(p.updated.unwrap_or(p.date));
                self.sitemap_url(&p.url, &self.page_versions(p), lastmod)
            }
            Job::Home(lang) => self.sitemap_url(
                &lang.prefix,
                &self.every_language(|l| l.prefix.clone()),
                newest(&lang.code),
            ),
            Job::List(spec, n) => {
                let lastmod = spec.pages.first().map(|&i| self.site.pages[i].date);
                self.sitemap_url(&spec.page_url(*n), &spec.versions(*n), lastmod)
            }
            Job::Tags(lang, _) => self.sitemap_url(
                &format!("{}tags/", lang.prefix),
                &self.every_language(|l| format!("{}tags/", l.prefix)),
                None,
            ),
            Job::Archive(lang) => self.sitemap_url(
                &format!("{}archive/", lang.prefix),
                &self.every_language(|l| format!("{}archive/", l.prefix)),
                None,
            ),
            Job::NotFound => return None,
        })
    }

    /// `404.html` at the root, in the default language, linking every home.
    /// It stands for no URL: no canonical link, no alternates.
    fn not_found(&self) -> Result<OutputFile, Error> {
        let lang = self.config.default_language();
        let ctx = context! {
            site => self.site_views[&lang.code].0.clone(),
            lang => &lang.code,
            canonical => "",
            alternates => Value::from(Vec::<Value>::new()),
            switcher => Value::from(Serde(self.switcher(&lang.code, &[]))),
        };
        self.render_template(
            "404.html",
            ctx,
            views::NOT_FOUND.into(),
            Path::new(views::NOT_FOUND),
        )
    }
}

/// Theme static files, overridden by the site's own `static/`.
fn static_files(config: &Config, theme: &Theme, errors: &mut Errors) -> Vec<OutputFile> {
    let mut files: BTreeMap<String, Data> = theme
        .static_files
        .iter()
        .map(|f| (f.path.clone(), f.data.clone()))
        .collect();
    let dir = config.root.join("static");
    if dir.is_dir() {
        match crate::content::files_under(&dir) {
            Ok(found) => files.extend(found.into_iter().map(|(path, abs)| (path, Data::Copy(abs)))),
            Err(e) => errors.push(Error::new("static", e.to_string())),
        }
    }
    files
        .into_iter()
        .map(|(path, data)| OutputFile { path, data })
        .collect()
}

/// Compiles the theme's templates, as a build does before rendering: a
/// syntax error is found without rendering anything.
pub fn compile_templates(theme: &Theme) -> Result<(), Errors> {
    environment(theme).map(|_| ())
}

/// The template environment: strict undefined (a typo fails loudly), the
/// theme's templates compiled once, and `t()` and `date` for UI strings.
fn environment(theme: &Theme) -> Result<Environment<'static>, Errors> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // minijinja escapes `/` too; plain HTML escaping keeps URLs readable.
    env.set_formatter(
        |out, state, value| match (state.auto_escape(), value.as_str()) {
            (AutoEscape::Html, Some(text)) if !value.is_safe() => out
                .write_str(&crate::text::escape_html(text))
                .map_err(|_| minijinja::Error::from(ErrorKind::WriteFailure)),
            _ => minijinja::escape_formatter(out, state, value),
        },
    );
    let mut errors = Vec::new();
    for (name, source) in &theme.templates {
        if let Err(e) = env.add_template_owned(name.clone(), source.clone()) {
            errors.push(template_error(&theme.dir, &e, None));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let i18n = Arc::new(theme.i18n.clone());
    let strings = i18n.clone();
    env.add_function(
        "t",
        move |state: &State, key: &str| -> Result<Value, minijinja::Error> {
            let lang = current_lang(state)?;
            strings
                .get(&lang)
                .and_then(|s| s.get(key))
                .map(|v| Value::from(Serde(v)))
                .ok_or_else(|| {
                    minijinja::Error::new(
                        ErrorKind::UndefinedError,
                        format!("no UI string `{key}` in i18n/{lang}.yaml"),
                    )
                })
        },
    );
    env.add_filter(
        "date",
        move |state: &State, value: &str| -> Result<String, minijinja::Error> {
            let lang = current_lang(state)?;
            let date = Date::parse(value).ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!("`{value}` is not a date"),
                )
            })?;
            Ok(format_date(&date, i18n.get(&lang)))
        },
    );
    Ok(env)
}

fn current_lang(state: &State) -> Result<String, minijinja::Error> {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| minijinja::Error::new(ErrorKind::UndefinedError, "`lang` is not set"))
}

/// A date in the language's own form, from the theme's i18n file:
/// `date_format: "{year}年{month}月{day}日"` or `"{day} {month_name} {year}"`.
pub fn format_date(date: &Date, strings: Option<&Strings>) -> String {
    use chrono::Datelike;
    let d = date.naive_date();
    let format = strings
        .and_then(|s| s.get("date_format"))
        .and_then(|v| v.as_str())
        .unwrap_or("{year}-{month:02}-{day:02}");
    let month_name = strings
        .and_then(|s| s.get("months"))
        .and_then(|m| m.get(d.month0() as usize))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    format
        .replace("{year}", &d.year().to_string())
        .replace("{month:02}", &format!("{:02}", d.month()))
        .replace("{day:02}", &format!("{:02}", d.day()))
        .replace("{month_name}", month_name)
        .replace("{month}", &d.month().to_string())
        .replace("{day}", &d.day().to_string())
}

/// A minijinja error as our error: the template file and line.
fn template_error(theme_dir: &Path, e: &minijinja::Error, page: Option<&Path>) -> Error {
    let name = e.name().unwrap_or("?");
    let mut message = match e.detail() {
        Some(d) => format!("{}: {d}", e.kind()),
        None => e.kind().to_string(),
    };
    if let Some(p) = page {
        message.push_str(&format!(" (while rendering {})", p.display()));
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        message.push_str(&format!("; {inner}"));
        source = inner.source();
    }
    Error::new(theme_dir.join("templates").join(name), message).at(e.line().unwrap_or(0), 0)
}

/// 36186 rather than 36186.0: the number as the editor wrote it.
fn plain_json_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// `metrics.json` for one language: every page's metric blocks as data.
/// Also returns the entries to keep in the memo (dev mode).
fn metrics_json(
    config: &Config,
    site: &Site,
    lang: &Language,
    previous: Option<&Memo>,
) -> Result<(OutputFile, Vec<Fragment>), Error> {
    #[derive(Serialize)]
    struct Item<'a> {
        label: &'a str,
        #[serde(serialize_with = "plain_json_number")]
        value: f64,
        unit: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        note: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        change: &'a str,
    }
    #[derive(Serialize)]
    struct Block<'a> {
        title: &'a str,
        items: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        title: &'a str,
        url: String,
        date: &'a Date,
        blocks: Vec<Block<'a>>,
    }
    fn entry<'a>(config: &Config, p: &'a Page) -> Entry<'a> {
        Entry {
            title: &p.title,
            url: permalink(config, &p.url),
            date: &p.date,
            blocks: p
                .body
                .metrics
                .iter()
                .map(|b| Block {
                    title: &b.title,
                    items: b
                        .items
                        .iter()
                        .map(|m| Item {
                            label: &m.label,
                            value: m.value,
                            unit: &m.unit,
                            note: &m.note,
                            change: &m.change,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
    // Each entry is made once (dev mode keeps them by page fingerprint),
    // indented as in a pretty-printed array.
    let pages: Vec<&Page> = site
        .pages_in(&lang.code)
        .filter(|p| !p.body.metrics.is_empty())
        .collect();
    // Each entry: the memo's, or made now (and then returned for the memo).
    let fragments: Vec<(Cow<str>, Option<PageKey>)> = pages
        .par_iter()
        .map(|p| {
            if let Some(f) = previous.and_then(|m| m.metrics.get(&(p.fingerprint, p.url.clone()))) {
                return Ok((Cow::Borrowed(f.as_str()), None));
            }
            let json = serde_json::to_string_pretty(&entry(config, p))
                .map_err(|e| Error::new(views::metrics_url(lang), e.to_string()))?;
            let key = (p.fingerprint, p.url.clone());
            Ok((
                Cow::Owned(format!("  {}", json.replace('\n', "\n  "))),
                Some(key),
            ))
        })
        .collect::<Result<_, Error>>()?;
    let json = if fragments.is_empty() {
        "[]\n".to_string()
    } else {
        let entries: Vec<&str> = fragments.iter().map(|(f, _)| f.as_ref()).collect();
        format!("[\n{}\n]\n", entries.join(",\n"))
    };
    let made = match previous {
        Some(_) => fragments
            .into_iter()
            .filter_map(|(f, key)| Some((key?, f.into_owned())))
            .collect(),
        None => Vec::new(),
    };
    Ok((OutputFile::new(views::metrics_url(lang), json), made))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::encode_path;

    #[test]
    fn paths_are_percent_encoded_once() {
        assert_eq!(
            encode_path("/tags/劳动竞赛/"),
            "/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/"
        );
        assert_eq!(encode_path("/a b/"), "/a%20b/");
        assert_eq!(
            encode_path("https://x.org/news/x/"),
            "https://x.org/news/x/"
        );
    }

    #[test]
    fn dates_per_language() {
        let zh: Strings =
            serde_yaml::from_str("date_format: \"{year}年{month}月{day}日\"").unwrap();
        let en: Strings = serde_yaml::from_str("date_format: \"{day} {month_name} {year}\"\nmonths: [January, February, March, April, May, June, July, August, September, October, November, December]").unwrap();
        let d = Date::parse("2021-12-31").unwrap();
        assert_eq!(format_date(&d, Some(&zh)), "2021年12月31日");
        assert_eq!(format_date(&d, Some(&en)), "31 December 2021");
    }
}
