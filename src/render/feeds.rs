//! Machine-read outputs: Atom feeds, the sitemap with hreflang alternates,
//! and robots.txt. Written directly (not through templates) so escaping and
//! absolute URLs are right whatever the theme does.

use std::fmt::Write;

use crate::config::{Config, Language};
use crate::content::Page;
use crate::content::front_matter::Date;
use crate::output::OutputFile;
use crate::text::escape_html as escape;

/// Entries in a feed: the newest articles, in full text.
pub const FEED_ENTRIES: usize = 20;

/// A URL of the sitemap with its language versions (self included).
#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<Date>,
    /// (hreflang, absolute URL); empty when the page has one language.
    pub alternates: Vec<(String, String)>,
}

fn rfc3339(d: &Date) -> String {
    d.at.to_rfc3339()
}

/// Root-relative links in rendered HTML made absolute, for feed readers.
fn absolute_links(config: &Config, html: &str) -> String {
    let origin = config
        .base_url
        .strip_suffix(config.base_path.trim_end_matches('/'))
        .unwrap_or(&config.base_url);
    html.replace("src=\"/", &format!("src=\"{origin}/"))
        .replace("href=\"/", &format!("href=\"{origin}/"))
}

/// `atom.xml` for one language: the newest entries with their full text.
/// `pages` are that language's pages, newest first; `permalink` maps a URL
/// path to its absolute URL.
pub fn atom(
    config: &Config,
    lang: &Language,
    pages: &[&Page],
    permalink: impl Fn(&str) -> String,
) -> OutputFile {
    let home = permalink(&lang.prefix);
    let self_url = permalink(&format!("{}atom.xml", lang.prefix));
    let entries = &pages[..pages.len().min(FEED_ENTRIES)];
    let updated = entries.iter().map(|p| p.updated.unwrap_or(p.date)).max();
    let mut x = String::with_capacity(
        4096 + entries
            .iter()
            .map(|p| p.body.html.len() * 5 / 4)
            .sum::<usize>(),
    );
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&lang.locale)
    );
    let _ = writeln!(x, "<title>{}</title>", escape(&lang.title));
    if !lang.description.is_empty() {
        let _ = writeln!(x, "<subtitle>{}</subtitle>", escape(&lang.description));
    }
    let _ = writeln!(
        x,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&self_url)
    );
    let _ = writeln!(
        x,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&home)
    );
    let _ = writeln!(x, "<id>{}</id>", escape(&home));
    // A feed without entries still needs a stable date: the epoch.
    let updated = updated.map_or_else(|| "1970-01-01T00:00:00+00:00".to_string(), |d| rfc3339(&d));
    let _ = writeln!(x, "<updated>{updated}</updated>");
    let _ = writeln!(x, "<author><name>{}</name></author>", escape(&lang.title));
    x.push_str("<generator>unionpress</generator>\n");
    for p in entries {
        let url = permalink(&p.url);
        x.push_str("<entry>\n");
        let _ = writeln!(x, "<title>{}</title>", escape(&p.title));
        let _ = writeln!(
            x,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&url)
        );
        let _ = writeln!(x, "<id>{}</id>", escape(&url));
        let _ = writeln!(x, "<published>{}</published>", rfc3339(&p.date));
        let _ = writeln!(
            x,
            "<updated>{}</updated>",
            rfc3339(&p.updated.unwrap_or(p.date))
        );
        for a in &p.author {
            let _ = writeln!(x, "<author><name>{}</name></author>", escape(a));
        }
        for t in &p.tags {
            let _ = writeln!(x, "<category term=\"{}\"/>", escape(t));
        }
        if !p.summary.is_empty() {
            let _ = writeln!(x, "<summary>{}</summary>", escape(&p.summary));
        }
        let _ = writeln!(
            x,
            "<content type=\"html\">{}</content>",
            escape(&absolute_links(config, &p.body.html))
        );
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    OutputFile::new(format!("{}atom.xml", lang.prefix), x)
}

/// `sitemap.xml` with `xhtml:link` alternates for translated pages.
pub fn sitemap(urls: &[SitemapUrl]) -> OutputFile {
    let mut x = String::with_capacity(256 + urls.len() * 400);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for u in urls {
        let _ = write!(x, "<url><loc>{}</loc>", escape(&u.loc));
        if let Some(d) = &u.lastmod {
            let _ = write!(x, "<lastmod>{d}</lastmod>");
        }
        for (lang, href) in &u.alternates {
            let _ = write!(
                x,
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape(lang),
                escape(href)
            );
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    OutputFile::new("sitemap.xml", x)
}

/// `robots.txt`: everything may be crawled; points at the sitemap.
pub fn robots(sitemap_url: &str) -> OutputFile {
    OutputFile::new(
        "robots.txt",
        format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"),
    )
}
