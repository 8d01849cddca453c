//! The plan: the one list of everything a build writes, each output with its
//! path and what makes it. The link check reads its paths, the renderer
//! makes each entry, dev mode's memo is keyed by them, and two sources of one
//! path are found here, once. A new kind of output is one new [`What`].

use std::collections::BTreeMap;
use std::collections::hash_map::Entry as Slot;
// Fx: these maps are hashed on every dev-mode save, by short keys.
use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::lists::{self, ListSpec};
use crate::config::{Config, Language};
use crate::content::Site;
use crate::error::{Error, Errors};
use crate::files::Data;
use crate::files::{CACHE_DIR, CONFIG_FILE, CONTENT_DIR, STATIC_DIR, files_under, line_of};
use crate::msg;
use crate::theme::Theme;
use crate::urls::{self, index_file};

/// What makes one output.
#[derive(Debug)]
pub enum What<'a> {
    /// An article, by index into `site.pages`.
    Page(usize),
    Home(&'a Language),
    /// Page `n` (from 1) of a paginated list.
    List(Arc<ListSpec>, usize),
    /// The tag index, with each tag's (URL path, name, number of pages).
    Tags(&'a Language, Arc<Vec<(String, String, usize)>>),
    Archive(&'a Language),
    /// The search page of a language.
    Search(&'a Language),
    NotFound,
    Feed(&'a Language),
    /// Every page's figures as data.
    Metrics(&'a Language),
    Sitemap,
    Robots,
    /// A redirect page for an old address of article `page`.
    Alias {
        page: usize,
        alias: &'a str,
    },
    /// A file copied as it is (a file of a bundle, a theme or site static
    /// file), or bytes the theme carries.
    File(Data),
    /// A photo variant, copied from the photo cache once encoded.
    Photo(PathBuf),
    /// The search engine's script.
    SearchScript,
    /// A language's search index: the files of a folder (the entry's path
    /// ends with `/`), made from the articles once they are rendered.
    SearchIndex(&'a Language),
}

impl What<'_> {
    /// Documents are made through a template (and listed in the sitemap).
    pub fn is_document(&self) -> bool {
        matches!(
            self,
            What::Page(_)
                | What::Home(_)
                | What::List(..)
                | What::Tags(..)
                | What::Archive(_)
                | What::Search(_)
                | What::NotFound
        )
    }
}

/// One output of the build.
#[derive(Debug)]
pub struct Entry<'a> {
    /// Relative to the output root, decoded: `tags/劳动竞赛/index.html`.
    pub path: String,
    /// The file it comes from, for messages.
    pub source: PathBuf,
    pub what: What<'a>,
}

/// Everything a build writes: documents first (articles, then per language
/// the home page, tag index, archive and every page of every list), then
/// feeds, data, sitemap, aliases and copied files.
#[derive(Debug)]
pub struct Plan<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Every language's sections ([`lists::sections_in`]), by language:
    /// the lists are planned from them and the site views show them.
    pub sections: Vec<Vec<String>>,
}

impl<'a> Plan<'a> {
    /// The plan of `site`, and the outputs two sources claim (errors naming
    /// both). Unreadable static folders are errors too.
    pub fn new(config: &'a Config, site: &'a Site, theme: &Theme) -> (Plan<'a>, Errors) {
        let mut errors = Errors::new();
        let entry = |path: String, source: PathBuf, what| Entry { path, source, what };
        // Dev mode plans again on every save: the parts that go over every
        // article run beside each other.
        let (mut entries, (sections, by_lang)) = rayon::join(
            || {
                (site.pages.par_iter().enumerate())
                    .map(|(i, p)| entry(index_file(&p.url), p.source.clone(), What::Page(i)))
                    .collect::<Vec<Entry>>()
            },
            || {
                let sections: Vec<Vec<String>> = (config.languages.iter())
                    .map(|l| lists::sections_in(site, l.id))
                    .collect();
                let by_lang: Vec<Vec<ListSpec>> = (config.languages.par_iter())
                    .map(|lang| {
                        let strings = theme.i18n.get(&lang.code);
                        lists::lists(config, site, strings, lang, &sections)
                    })
                    .collect();
                (sections, by_lang)
            },
        );
        for (lang, specs) in config.languages.iter().zip(by_lang) {
            let content = || PathBuf::from(CONTENT_DIR);
            let home_source = site
                .section_index("", lang.id)
                .map_or_else(content, |s| s.source.clone());
            entries.push(entry(
                index_file(&lang.prefix),
                home_source,
                What::Home(lang),
            ));
            let tags = (specs.iter().filter(|s| s.kind == "tag"))
                .map(|s| (s.url.clone(), s.key.clone(), s.pages.len()))
                .collect();
            entries.push(entry(
                index_file(&urls::tags(lang)),
                content(),
                What::Tags(lang, Arc::new(tags)),
            ));
            entries.push(entry(
                index_file(&urls::archive(lang)),
                content(),
                What::Archive(lang),
            ));
            if config.search.enabled {
                let path = index_file(&urls::search_page(lang));
                entries.push(entry(
                    path,
                    theme.dir.join("templates/search.html"),
                    What::Search(lang),
                ));
            }
            for spec in specs {
                let spec = Arc::new(spec);
                for n in 1..=spec.page_count(config.paginate) {
                    let path = index_file(&spec.page_url(n));
                    entries.push(entry(
                        path,
                        spec.source.clone(),
                        What::List(spec.clone(), n),
                    ));
                }
            }
        }
        entries.push(entry(
            urls::NOT_FOUND.into(),
            urls::NOT_FOUND.into(),
            What::NotFound,
        ));
        for lang in &config.languages {
            entries.push(entry(
                urls::feed(lang),
                CONTENT_DIR.into(),
                What::Feed(lang),
            ));
            entries.push(entry(
                urls::metrics(lang),
                CONTENT_DIR.into(),
                What::Metrics(lang),
            ));
        }
        entries.push(entry(
            urls::SITEMAP.into(),
            CONTENT_DIR.into(),
            What::Sitemap,
        ));
        entries.push(entry(urls::ROBOTS.into(), CONTENT_DIR.into(), What::Robots));
        if config.search.enabled {
            let script = urls::SEARCH_SCRIPT.to_string();
            entries.push(entry(script.clone(), script.into(), What::SearchScript));
            for lang in &config.languages {
                let folder = urls::search_index(lang);
                entries.push(entry(folder, CONTENT_DIR.into(), What::SearchIndex(lang)));
            }
        }
        for (page, p) in site.pages.iter().enumerate() {
            for alias in &p.aliases {
                let what = What::Alias { page, alias };
                entries.push(entry(urls::alias_file(alias), p.source.clone(), what));
            }
        }
        for a in &site.assets {
            let source = Path::new(CONTENT_DIR).join(&a.path);
            entries.push(entry(
                a.path.clone(),
                source,
                What::File(Data::Copy(a.source.clone())),
            ));
        }
        for (path, (source, data)) in static_files(config, theme, &mut errors) {
            entries.push(entry(path, source, What::File(data)));
        }
        let cache = config.root.join(CACHE_DIR);
        let mut photos = HashMap::default();
        for job in &site.photos {
            for v in job.photo.outputs() {
                // The same bytes under two names in one folder (a.png and
                // a.jpg) share a social card: one output, not two sources.
                if photos.insert(v.path.as_str(), &v.cache_name) == Some(&v.cache_name) {
                    continue;
                }
                let source = Path::new(CONTENT_DIR).join(&job.photo.path);
                let what = What::Photo(cache.join(&v.cache_name));
                entries.push(entry(v.path.clone(), source, what));
            }
        }
        let plan = Plan { entries, sections };
        let (unwritable, twice) = rayon::join(
            || super::paths::unwritable(config, site, &plan.entries),
            || plan.claimed_twice(config, site),
        );
        errors.extend(unwritable);
        errors.extend(twice);
        if let Some(logo) = &config.logo
            && !plan.paths().any(|p| p == logo)
        {
            let line = line_of(&config.root, Path::new(CONFIG_FILE), "logo:");
            errors
                .push(Error::new(CONFIG_FILE, msg!("logo-not-published", logo = logo)).at(line, 1));
        }
        (plan, errors)
    }

    /// Every output path (decoded), for what links may point at (folders
    /// written whole, whose files are known only once made, left out).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .map(|e| e.path.as_str())
            .filter(|p| !p.ends_with('/'))
    }

    /// Outputs two sources write: a page and a list, a static file and a
    /// page, an alias and anything. Each is reported once, on the later
    /// source, naming the other.
    fn claimed_twice(&self, config: &Config, site: &Site) -> Errors {
        // Each path's first entry, and every entry of a path claimed again.
        let mut first: HashMap<&str, &Entry> =
            HashMap::with_capacity_and_hasher(self.entries.len(), Default::default());
        let mut by_path: HashMap<&str, Vec<&Entry>> = HashMap::default();
        for e in &self.entries {
            match first.entry(e.path.as_str()) {
                Slot::Vacant(slot) => {
                    slot.insert(e);
                }
                Slot::Occupied(slot) => (by_path.entry(e.path.as_str()))
                    .or_insert_with(|| vec![*slot.get()])
                    .push(e),
            }
        }
        let mut errors = Errors::new();
        let sources = super::paths::Sources::new(&config.root);
        // A folder an entry writes whole (a search index) is its own: no
        // other output may be inside it.
        let folders: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| e.path.ends_with('/'))
            .collect();
        if !folders.is_empty() {
            for e in self.entries.iter().filter(|e| !e.path.ends_with('/')) {
                if let Some(folder) = folders.iter().find(|f| e.path.starts_with(&f.path)) {
                    errors.push(
                        Error::new(
                            &e.source,
                            msg!("path-in-search", path = &e.path, folder = &folder.path),
                        )
                        .code("duplicate-url"),
                    );
                }
            }
        }
        for (path, mut claims) in by_path {
            // Owners before aliases; among owners, documents from Markdown
            // first, by file, so the report does not depend on the walk.
            claims.sort_by_key(|e| (alias_of(e).is_some(), !e.what.is_document(), &e.source));
            let owner = claims[0];
            for (k, e) in claims.iter().enumerate().skip(1) {
                errors.push(match alias_of(e) {
                    Some((page, alias)) => {
                        let why = match (&owner.what, alias_of(owner)) {
                            (What::Page(_), _) => msg!("alias-is-page", source = &owner.source),
                            (_, Some(_)) => msg!("alias-twice", source = &owner.source),
                            _ => msg!("alias-is-output", path = path),
                        };
                        let source = &site.pages[page].source;
                        Error::new(source, msg!("alias-collides", alias = alias, why = why))
                            .at(sources.line(source, "aliases:", alias), 1)
                            .code("alias-collision")
                    }
                    None if e.what.is_document() && owner.what.is_document() => Error::new(
                        &e.source,
                        msg!(
                            "url-twice",
                            url = format!("/{}", path.strip_suffix("index.html").unwrap_or(path)),
                            source = &claims[k - 1].source
                        ),
                    )
                    .at(1, 1)
                    .code("duplicate-url"),
                    None => Error::new(
                        path,
                        msg!("output-twice", first = &owner.source, second = &e.source),
                    )
                    .code("duplicate-url"),
                });
            }
        }
        errors.sort();
        errors
    }
}

fn alias_of<'e>(e: &'e Entry) -> Option<(usize, &'e str)> {
    match &e.what {
        What::Alias { page, alias } => Some((*page, alias)),
        _ => None,
    }
}

/// Theme static files, overridden by the site's own `static/`, by path,
/// with where each comes from.
fn static_files(
    config: &Config,
    theme: &Theme,
    errors: &mut Errors,
) -> BTreeMap<String, (PathBuf, Data)> {
    let mut files: BTreeMap<String, (PathBuf, Data)> = theme
        .static_files
        .iter()
        .map(|f| {
            let source = theme.dir.join("static").join(&f.path);
            (f.path.clone(), (source, f.data.clone()))
        })
        .collect();
    let dir = config.root.join(STATIC_DIR);
    if dir.is_dir() {
        match files_under(&dir) {
            Ok(found) => files.extend(found.into_iter().map(|(path, abs)| {
                let source = Path::new(STATIC_DIR).join(&path);
                (path, (source, Data::Copy(abs)))
            })),
            Err(e) => errors.push(Error::new(STATIC_DIR, e.message)),
        }
    }
    files
}
