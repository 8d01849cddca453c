//! The render stage: the site and theme in, output files out. Rendering is a
//! pure parallel map over pages; templates are compiled once per build and
//! each language's shared data is converted once, not per page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, State, UndefinedBehavior, Value, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Language};
use crate::content::front_matter::{Correction, Date};
use crate::content::{CoverImage, Page, Site};
use crate::error::{Error, Errors};
use crate::markdown::Heading;
use crate::metrics::MetricBlock;
use crate::output::{Data, OutputFile};
use crate::text::encode_path;
use crate::theme::{Strings, Theme};

#[derive(Serialize)]
struct LangView<'a> {
    code: &'a str,
    name: &'a str,
    locale: &'a str,
    title: &'a str,
    home: String,
}

#[derive(Serialize)]
struct NavItem {
    key: String,
    title: String,
    url: String,
}

/// What every template sees as `site`, one per language.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    home: String,
    lang: &'a str,
    locale: &'a str,
    languages: Vec<LangView<'a>>,
    sections: Vec<NavItem>,
    stylesheet: String,
    extra: &'a serde_json::Value,
}

/// A page as lists show it (no body).
#[derive(Serialize)]
struct Card<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    lang: &'a str,
    date: &'a Date,
    updated: Option<&'a Date>,
    summary: &'a str,
    author: &'a [String],
    location: &'a str,
    tags: &'a [String],
    cover: Option<&'a CoverImage>,
    featured: bool,
    weight: i64,
    reading_minutes: usize,
    section: &'a str,
}

#[derive(Serialize)]
struct PageView<'a> {
    #[serde(flatten)]
    card: Card<'a>,
    content: &'a str,
    metrics: &'a [MetricBlock],
    headings: &'a [Heading],
    photo_credit: &'a str,
    corrections: &'a [Correction],
    extra: &'a serde_json::Value,
    source: String,
    show_cover: bool,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

/// One entry of the language switcher.
#[derive(Serialize)]
struct Switch<'a> {
    code: &'a str,
    name: &'a str,
    locale: &'a str,
    url: String,
    current: bool,
    /// The link goes to this page's translation, not to that language's home.
    translated: bool,
}

/// The list page a language has for a folder: home ("") or a section.
#[derive(Serialize)]
struct ListView {
    key: String,
    title: String,
    description: String,
    content: String,
    url: String,
}

struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    env: Environment<'static>,
    theme_dir: &'a Path,
    /// `site` for templates, by language code.
    site_views: BTreeMap<String, Value>,
}

/// Renders every output file of the site.
pub fn render(config: &Config, site: &Site, theme: &Theme) -> Result<Vec<OutputFile>, Errors> {
    let env = environment(theme)?;
    let site_views = config
        .languages
        .iter()
        .map(|l| {
            (
                l.code.clone(),
                Value::from(Serde(&site_view(config, site, l))),
            )
        })
        .collect();
    let r = Renderer {
        config,
        site,
        env,
        theme_dir: &theme.dir,
        site_views,
    };

    enum Job<'p> {
        Page(&'p Page),
        List(&'p Language, String),
    }
    let mut jobs: Vec<Job> = site.pages.iter().map(Job::Page).collect();
    for lang in &config.languages {
        jobs.push(Job::List(lang, String::new()));
        for key in sections_in(site, &lang.code) {
            jobs.push(Job::List(lang, key));
        }
    }
    let rendered: Vec<Result<OutputFile, Error>> = jobs
        .par_iter()
        .map(|job| match job {
            Job::Page(p) => r.page(p),
            Job::List(lang, key) => r.list(lang, key),
        })
        .collect();

    let mut errors = Vec::new();
    let mut files = Vec::with_capacity(rendered.len() + site.assets.len());
    for f in rendered {
        match f {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    for lang in &config.languages {
        match metrics_json(config, site, lang) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
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
                "two sources write this output file (a static file and a page?)",
            ));
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(errors)
    }
}

/// Sections with pages or an intro in `lang`, in order.
fn sections_in(site: &Site, lang: &str) -> BTreeSet<String> {
    let from_pages = site.pages_in(lang).map(|p| p.section.clone());
    let from_index = site
        .sections
        .iter()
        .filter(|s| s.lang == lang)
        .map(|s| s.key.clone());
    from_pages
        .chain(from_index)
        .filter(|k| !k.is_empty())
        .collect()
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

/// `/news/x/` for a URL path relative to the site root.
fn link(config: &Config, url: &str) -> String {
    encode_path(&format!("{}{url}", config.base_path))
}

/// `https://news.example.org/news/x/`.
fn permalink(config: &Config, url: &str) -> String {
    encode_path(&format!("{}/{url}", config.base_url))
}

fn site_view<'a>(config: &'a Config, site: &Site, lang: &'a Language) -> SiteView<'a> {
    let languages = config
        .languages
        .iter()
        .map(|l| LangView {
            code: &l.code,
            name: &l.name,
            locale: &l.locale,
            title: &l.title,
            home: link(config, &l.prefix),
        })
        .collect();
    let sections = sections_in(site, &lang.code)
        .into_iter()
        .map(|key| NavItem {
            title: site
                .section_index(&key, &lang.code)
                .map_or_else(|| key.clone(), |s| s.title.clone()),
            url: link(config, &format!("{}{key}/", lang.prefix)),
            key,
        })
        .collect();
    SiteView {
        title: &lang.title,
        description: &lang.description,
        base_url: &config.base_url,
        home: link(config, &lang.prefix),
        lang: &lang.code,
        locale: &lang.locale,
        languages,
        sections,
        stylesheet: link(config, "style.css"),
        extra: &config.extra,
    }
}

fn card<'p>(config: &Config, p: &'p Page) -> Card<'p> {
    Card {
        title: &p.title,
        url: link(config, &p.url),
        permalink: permalink(config, &p.url),
        lang: &p.lang,
        date: &p.date,
        updated: p.updated.as_ref(),
        summary: &p.summary,
        author: &p.author,
        location: &p.location,
        tags: &p.tags,
        cover: p.cover.as_ref(),
        featured: p.featured,
        weight: p.weight,
        reading_minutes: p.reading_minutes,
        section: &p.section,
    }
}

impl Renderer<'_> {
    fn render_template(
        &self,
        name: &str,
        ctx: Value,
        out: String,
        page: &Path,
    ) -> Result<OutputFile, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(self.theme_dir, &e, Some(page)))?;
        let html = template
            .render(ctx)
            .map_err(|e| template_error(self.theme_dir, &e, Some(page)))?;
        Ok(OutputFile::new(out, html))
    }

    /// hreflang links: every version of the page, itself included, and
    /// `x-default` (the default language's version, else this page).
    fn alternates(&self, versions: &[(&str, &str)]) -> Vec<Alternate> {
        let mut out: Vec<Alternate> = versions
            .iter()
            .map(|(code, url)| Alternate {
                hreflang: self
                    .config
                    .language(code)
                    .map_or(code.to_string(), |l| l.locale.clone()),
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
            href: permalink(self.config, x_default.1),
        });
        out
    }

    /// The language switcher: each language's version of this page, or that
    /// language's home where there is none.
    fn switcher(&self, current: &str, versions: &[(&str, &str)]) -> Vec<Switch<'_>> {
        self.config
            .languages
            .iter()
            .map(|l| {
                let version = versions.iter().find(|(c, _)| *c == l.code);
                Switch {
                    code: &l.code,
                    name: &l.name,
                    locale: &l.locale,
                    url: link(self.config, version.map_or(&l.prefix, |v| v.1)),
                    current: l.code == current,
                    translated: version.is_some(),
                }
            })
            .collect()
    }

    fn page(&self, p: &Page) -> Result<OutputFile, Error> {
        let mut versions: Vec<(&str, &str)> = vec![(&p.lang, &p.url)];
        versions.extend(
            p.translations
                .iter()
                .map(|t| (t.lang.as_str(), t.url.as_str())),
        );
        versions.sort_by_key(|(c, _)| self.config.languages.iter().position(|l| l.code == *c));
        let view = PageView {
            card: card(self.config, p),
            content: &p.body.html,
            metrics: &p.body.metrics,
            headings: &p.body.headings,
            photo_credit: &p.photo_credit,
            corrections: &p.corrections,
            extra: &p.extra,
            source: p.source.to_string_lossy().replace('\\', "/"),
            show_cover: p.show_cover,
        };
        let ctx = context! {
            site => self.site_views[&p.lang].clone(),
            lang => &p.lang,
            page => Value::from(Serde(&view)),
            canonical => permalink(self.config, &p.url),
            alternates => Value::from(Serde(self.alternates(&versions))),
            switcher => Value::from(Serde(self.switcher(&p.lang, &versions))),
        };
        self.render_template("page.html", ctx, format!("{}index.html", p.url), &p.source)
    }

    /// The home page (`key` "") or a section's list page in `lang`.
    fn list(&self, lang: &Language, key: &str) -> Result<OutputFile, Error> {
        let url = if key.is_empty() {
            lang.prefix.clone()
        } else {
            format!("{}{key}/", lang.prefix)
        };
        let index = self.site.section_index(key, &lang.code);
        let view = ListView {
            key: key.to_string(),
            title: index.map_or_else(
                || {
                    if key.is_empty() {
                        lang.title.clone()
                    } else {
                        key.to_string()
                    }
                },
                |s| s.title.clone(),
            ),
            description: index.map_or_else(|| lang.description.clone(), |s| s.description.clone()),
            content: index.map(|s| s.html.clone()).unwrap_or_default(),
            url: link(self.config, &url),
        };
        let pages: Vec<Card> = self
            .site
            .pages_in(&lang.code)
            .filter(|p| key.is_empty() || p.section == key)
            .map(|p| card(self.config, p))
            .collect();
        // Lists exist in every language that has them: home always, a
        // section where it has pages.
        let other_urls: Vec<(String, String)> = self
            .config
            .languages
            .iter()
            .filter(|l| key.is_empty() || sections_in(self.site, &l.code).contains(key))
            .map(|l| {
                (
                    l.code.clone(),
                    if key.is_empty() {
                        l.prefix.clone()
                    } else {
                        format!("{}{key}/", l.prefix)
                    },
                )
            })
            .collect();
        let versions: Vec<(&str, &str)> = other_urls
            .iter()
            .map(|(c, u)| (c.as_str(), u.as_str()))
            .collect();
        let key_figures = self
            .site
            .pages_in(&lang.code)
            .find(|p| !p.body.metrics.is_empty());
        let template = if key.is_empty() {
            "index.html"
        } else {
            "section.html"
        };
        let ctx = context! {
            site => self.site_views[&lang.code].clone(),
            lang => &lang.code,
            section => Value::from(Serde(&view)),
            pages => Value::from(Serde(&pages)),
            key_figures => key_figures.map(|p| Value::from(Serde(context_figures(self.config, p)))),
            canonical => permalink(self.config, &url),
            alternates => Value::from(Serde(self.alternates(&versions))),
            switcher => Value::from(Serde(self.switcher(&lang.code, &versions))),
        };
        let shown = index.map_or_else(
            || Path::new(crate::content::CONTENT_DIR).to_path_buf(),
            |s| s.source.clone(),
        );
        self.render_template(template, ctx, format!("{url}index.html"), &shown)
    }
}

/// How many key figures the home page shows.
const HOME_FIGURES: usize = 8;

#[derive(Serialize)]
struct Figures<'a> {
    title: &'a str,
    url: String,
    date: &'a Date,
    /// The first few figures of the page, across its blocks.
    items: Vec<&'a crate::metrics::Metric>,
}

/// The key figures of the newest page that has any, for the home page.
fn context_figures<'p>(config: &Config, p: &'p Page) -> Figures<'p> {
    let items = p
        .body
        .metrics
        .iter()
        .flat_map(|b| &b.items)
        .take(HOME_FIGURES)
        .collect();
    Figures {
        title: &p.title,
        url: link(config, &p.url),
        date: &p.date,
        items,
    }
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
fn metrics_json(config: &Config, site: &Site, lang: &Language) -> Result<OutputFile, Error> {
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
    let entries: Vec<Entry> = site
        .pages_in(&lang.code)
        .filter(|p| !p.body.metrics.is_empty())
        .map(|p| Entry {
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
        })
        .collect();
    let mut json = serde_json::to_vec_pretty(&entries)
        .map_err(|e| Error::new("metrics.json", e.to_string()))?;
    json.push(b'\n');
    Ok(OutputFile::new(
        format!("{}metrics.json", lang.prefix),
        json,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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
