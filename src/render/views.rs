//! What templates see: plain serialisable views of the config and the
//! content, with every URL already made (links root-relative and
//! percent-encoded, permalinks absolute).

use serde::Serialize;

use crate::config::{Config, LangId, Language};
use crate::content::front_matter::{Correction, Date};
use crate::content::{CoverImage, Page, Site};
use crate::markdown::Heading;
use crate::metrics::{Metric, MetricBlock};
use crate::theme::Strings;
use crate::urls::{self, absolute, link, permalink};

/// `zh-CN` → `zh_CN`, as Open Graph writes locales.
fn og_locale(locale: &str) -> String {
    locale.replace('-', "_")
}

#[derive(Serialize)]
pub struct LangView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub locale: &'a str,
    pub og_locale: String,
    pub title: &'a str,
    pub home: String,
}

#[derive(Serialize)]
pub struct NavItem {
    pub key: String,
    pub title: String,
    pub url: String,
}

/// What every template sees as `site`, one per language.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub tagline: &'a str,
    /// The masthead's image (none when `site.yaml` has no `logo`).
    pub logo: Option<Logo<'a>>,
    pub description: &'a str,
    pub base_url: &'a str,
    pub home: String,
    pub lang: &'a str,
    pub locale: &'a str,
    pub og_locale: String,
    pub languages: Vec<LangView<'a>>,
    pub sections: Vec<NavItem>,
    pub stylesheet: String,
    pub feed: String,
    pub archive: String,
    pub tags: String,
    /// Where the masthead's search box goes; none when search is off.
    pub search: Option<SearchLink>,
    pub paginate: usize,
    pub extra: &'a serde_json::Value,
}

#[derive(Serialize)]
pub struct Logo<'a> {
    pub url: String,
    pub alt: &'a str,
}

#[derive(Serialize)]
pub struct SearchLink {
    /// This language's search page.
    pub page: String,
}

/// A section's name in `lang`: its `_index` file's title, else the theme's
/// name for it (`section_names` in the language's UI strings), else its
/// folder's name.
pub fn section_title(site: &Site, strings: Option<&Strings>, key: &str, lang: LangId) -> String {
    if let Some(index) = site.section_index(key, lang) {
        return index.title.clone();
    }
    strings
        .and_then(|s| s.get("section_names"))
        .and_then(|names| names.get(key))
        .and_then(|name| name.as_str())
        .unwrap_or(key)
        .to_string()
}

pub fn site_view<'a>(
    config: &'a Config,
    site: &Site,
    strings: Option<&Strings>,
    lang: &'a Language,
    sections: &[String],
) -> SiteView<'a> {
    let languages = config
        .languages
        .iter()
        .map(|l| LangView {
            code: &l.code,
            name: &l.name,
            locale: &l.locale,
            og_locale: og_locale(&l.locale),
            title: &l.title,
            home: link(config, &l.prefix),
        })
        .collect();
    let sections = sections
        .iter()
        .map(|key| NavItem {
            title: section_title(site, strings, key, lang.id),
            url: link(config, &urls::section(lang, key)),
            key: key.clone(),
        })
        .collect();
    SiteView {
        title: &lang.title,
        tagline: &lang.tagline,
        logo: config.logo.as_ref().map(|path| Logo {
            url: link(config, path),
            alt: &lang.logo_alt,
        }),
        description: &lang.description,
        base_url: &config.base_url,
        home: link(config, &lang.prefix),
        lang: &lang.code,
        locale: &lang.locale,
        og_locale: og_locale(&lang.locale),
        languages,
        sections,
        stylesheet: link(config, urls::STYLESHEET),
        feed: link(config, &urls::feed(lang)),
        archive: link(config, &urls::archive(lang)),
        tags: link(config, &urls::tags(lang)),
        search: config.search.enabled.then(|| SearchLink {
            page: link(config, &urls::search_page(lang)),
        }),
        paginate: config.paginate,
        extra: &config.extra,
    }
}

#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

/// A page as lists show it (no body).
#[derive(Serialize)]
pub struct Card<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub lang: &'a str,
    pub date: &'a Date,
    pub updated: Option<&'a Date>,
    pub year: i32,
    pub summary: &'a str,
    pub author: &'a [String],
    pub location: &'a str,
    pub tags: Vec<TagLink>,
    pub cover: Option<&'a CoverImage>,
    pub featured: bool,
    pub weight: i64,
    pub reading_minutes: usize,
    pub section: &'a str,
}

pub fn card<'p>(config: &Config, lang: &'p Language, p: &'p Page) -> Card<'p> {
    use chrono::Datelike;
    Card {
        title: &p.title,
        url: link(config, &p.url),
        permalink: permalink(config, &p.url),
        lang: &lang.code,
        date: &p.date,
        updated: p.updated.as_ref(),
        year: p.date.naive_date().year(),
        summary: &p.summary,
        author: &p.author,
        location: &p.location,
        tags: p
            .tags
            .iter()
            .map(|t| TagLink {
                name: t.clone(),
                url: link(config, &urls::tag(lang, t)),
            })
            .collect(),
        cover: p.cover.as_ref(),
        featured: p.featured,
        weight: p.weight,
        reading_minutes: p.reading_minutes,
        section: &p.section,
    }
}

/// An article with its body, for `page.html`.
#[derive(Serialize)]
pub struct PageView<'a> {
    #[serde(flatten)]
    pub card: Card<'a>,
    /// The summary as a standfirst: "" when it is the text's own first
    /// paragraph (shown once, in the text).
    pub standfirst: &'a str,
    /// `draft` or `future` for a page shown only as a preview, else "".
    pub preview: &'static str,
    pub content: &'a str,
    pub metrics: &'a [MetricBlock],
    pub headings: &'a [Heading],
    pub photo_credit: &'a str,
    pub corrections: &'a [Correction],
    pub extra: &'a serde_json::Value,
    pub source: String,
    pub show_cover: bool,
    /// Absolute URL of the social-card crop of the cover, else of the first photo.
    pub image: Option<String>,
    /// schema.org `NewsArticle` for the JSON-LD script.
    pub jsonld: serde_json::Value,
}

/// `content`: the page's text (its HTML).
pub fn page_view<'p>(
    config: &Config,
    lang: &'p Language,
    p: &'p Page,
    content: &'p str,
) -> PageView<'p> {
    let image = p.og_image.as_deref().map(|u| absolute(config, u));
    PageView {
        card: card(config, lang, p),
        standfirst: if p.standfirst { &p.summary } else { "" },
        preview: match (p.draft, p.future) {
            (true, _) => "draft",
            (false, true) => "future",
            _ => "",
        },
        content,
        metrics: &p.body.metrics,
        headings: &p.body.headings,
        photo_credit: &p.photo_credit,
        corrections: &p.corrections,
        extra: &p.extra,
        source: p.source.to_string_lossy().replace('\\', "/"),
        show_cover: p.show_cover,
        jsonld: news_article(config, lang, p, image.as_deref()),
        image,
    }
}

/// JSON-LD for search engines: headline, dates, authors, image, language,
/// and the corrections as `CorrectionComment`s.
fn news_article(
    config: &Config,
    lang: &Language,
    p: &Page,
    image: Option<&str>,
) -> serde_json::Value {
    use serde_json::json;
    let url = permalink(config, &p.url);
    let authors: Vec<_> = if p.author.is_empty() {
        vec![json!({ "@type": "Organization", "name": lang.title })]
    } else {
        p.author
            .iter()
            .map(|a| json!({ "@type": "Person", "name": a }))
            .collect()
    };
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": p.title,
        "description": p.summary,
        "datePublished": p.date.at.to_rfc3339(),
        "dateModified": p.updated.unwrap_or(p.date).at.to_rfc3339(),
        "author": authors,
        "inLanguage": lang.locale,
        "mainEntityOfPage": url,
        "url": url,
        "publisher": { "@type": "Organization", "name": lang.title, "url": permalink(config, &lang.prefix) },
    });
    if let Some(image) = image {
        ld["image"] = json!([image]);
    }
    if !p.tags.is_empty() {
        ld["keywords"] = json!(p.tags);
    }
    if let Some(location) = Some(&p.location).filter(|l| !l.is_empty()) {
        ld["contentLocation"] = json!({ "@type": "Place", "name": location });
    }
    if !p.corrections.is_empty() {
        ld["correction"] = p
            .corrections
            .iter()
            .map(|c| json!({ "@type": "CorrectionComment", "text": c.text, "datePublished": c.date.to_string() }))
            .collect();
    }
    ld
}

#[derive(Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

/// One entry of the language switcher.
#[derive(Serialize)]
pub struct Switch<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub locale: &'a str,
    pub url: String,
    pub current: bool,
    /// The link goes to this page's version in that language, not to that
    /// language's home.
    pub translated: bool,
}

/// What the search page needs besides the site: the scripts, its language
/// folder and the UI strings its script shows.
#[derive(Serialize)]
pub struct SearchPage {
    pub page: String,
    /// The page's own script (a file of the theme) and the engine.
    pub ui: String,
    pub engine: String,
    /// The language folder of the index (`zh`).
    pub lang: String,
    /// Every `search_*` UI string of the language, and how it writes dates.
    pub strings: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A list page's own data: the home, a section, a tag, the archive.
#[derive(Serialize)]
pub struct ListView {
    /// `home`, `section`, `tag`, `tags` or `archive`.
    pub kind: &'static str,
    pub key: String,
    pub title: String,
    pub description: String,
    pub content: String,
    pub url: String,
}

/// Where a paginated list is: numbers and the links around it.
#[derive(Serialize)]
pub struct Pager {
    pub number: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
    /// Numbered links around the current page (see [`pager_numbers`]).
    pub pages: Vec<PagerLink>,
}

#[derive(Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
    /// Pages were left out before this one (show "…").
    pub gap_before: bool,
}

/// The page numbers a pager links: the first, the last and two either side
/// of the current one, so a list of 500 pages does not link 500 on each.
pub fn pager_numbers(current: usize, total: usize) -> Vec<usize> {
    let mut numbers: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(2).max(1)..=(current + 2).min(total))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// The key figures of the newest page that has any, for the home page.
#[derive(Serialize)]
pub struct Figures<'a> {
    pub title: &'a str,
    pub url: String,
    pub date: &'a Date,
    /// The first few figures of the page, across its blocks.
    pub items: Vec<&'a Metric>,
}

/// How many key figures the home page shows.
pub const HOME_FIGURES: usize = 8;

pub fn figures<'p>(config: &Config, p: &'p Page) -> Figures<'p> {
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

impl super::Renderer<'_> {
    /// hreflang links: every version of the page, itself included, and
    /// `x-default` (the default language's version, else this page).
    pub(super) fn alternates(&self, versions: &[(LangId, String)]) -> Vec<Alternate> {
        let mut out: Vec<Alternate> = versions
            .iter()
            .map(|(lang, url)| Alternate {
                hreflang: self.config.lang(*lang).locale.clone(),
                href: permalink(self.config, url),
            })
            .collect();
        let default = self.config.default_language().id;
        let x_default = versions
            .iter()
            .find(|(l, _)| *l == default)
            .unwrap_or(&versions[0]);
        out.push(Alternate {
            hreflang: "x-default".into(),
            href: permalink(self.config, &x_default.1),
        });
        out
    }

    /// The language switcher: each language's version of this page, or that
    /// language's home where there is none.
    pub(super) fn switcher(
        &self,
        current: LangId,
        versions: &[(LangId, String)],
    ) -> Vec<Switch<'_>> {
        self.config
            .languages
            .iter()
            .map(|l| {
                let version = versions.iter().find(|(c, _)| *c == l.id);
                Switch {
                    code: &l.code,
                    name: &l.name,
                    locale: &l.locale,
                    url: urls::link(self.config, version.map_or(&l.prefix, |v| &v.1)),
                    current: l.id == current,
                    translated: version.is_some(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_a_window_not_every_page() {
        assert_eq!(pager_numbers(1, 1), vec![1]);
        assert_eq!(pager_numbers(1, 3), vec![1, 2, 3]);
        assert_eq!(
            pager_numbers(250, 500),
            vec![1, 248, 249, 250, 251, 252, 500]
        );
        assert_eq!(pager_numbers(500, 500), vec![1, 498, 499, 500]);
    }
}
