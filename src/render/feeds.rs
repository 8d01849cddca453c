//! Machine-read outputs: Atom feeds, the sitemap with hreflang alternates,
//! and robots.txt. Written directly (not through templates) so escaping and
//! absolute URLs are right whatever the theme does.

use std::fmt::Write;

use crate::config::{Config, Language};
use crate::content::Page;
use crate::content::front_matter::Date;
use crate::text::escape_html as escape;
use crate::urls::{self, is_external};

/// Entries in a feed: the newest articles, in full text.
pub const FEED_ENTRIES: usize = 20;

/// A URL of the sitemap with its language versions (self included).
#[derive(Debug, Clone)]
pub struct SitemapUrl {
    pub loc: String,
    /// The `<url>` element, made once.
    xml: String,
}

impl SitemapUrl {
    /// `alternates`: (hreflang, absolute URL); empty when the page has one
    /// language.
    pub fn new(loc: String, lastmod: Option<Date>, alternates: &[(String, String)]) -> Self {
        let mut x = format!("<url><loc>{}</loc>", escape(&loc));
        if let Some(d) = &lastmod {
            let _ = write!(x, "<lastmod>{d}</lastmod>");
        }
        for (lang, href) in alternates {
            let _ = write!(
                x,
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape(lang),
                escape(href)
            );
        }
        x.push_str("</url>\n");
        SitemapUrl { loc, xml: x }
    }
}

fn rfc3339(d: &Date) -> String {
    d.at.to_rfc3339()
}

/// Links and images of an article's HTML made absolute, for feed readers
/// (which resolve relative URLs against the feed, not the article):
/// root-relative ones against the site's origin, relative ones (a file of
/// the bundle, `#footnote`) against the article's permalink `page`. URLs
/// with a scheme and protocol-relative ones (`//cdn.example.net/p.jpg`)
/// name another host and are kept. Every candidate of a `srcset` is done.
fn absolute_links(config: &Config, page: &str, html: &str) -> String {
    let origin = urls::origin(config);
    let absolute = |url: &str| {
        if is_external(url) {
            url.to_string()
        } else if url.starts_with('/') {
            format!("{origin}{url}")
        } else {
            format!("{page}{url}")
        }
    };
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    // One pass: each `="` is looked at once, whatever the attributes around
    // it (searching for each attribute name from every position again was
    // quadratic in an article's links).
    let mut from = 0;
    while let Some(i) = rest[from..].find("=\"").map(|i| i + from) {
        let name = &rest[..i];
        let attr = [" src", " href", " srcset"]
            .into_iter()
            .find(|a| name.ends_with(a));
        let Some(attr) = attr else {
            from = i + 2;
            continue;
        };
        let (before, after) = rest.split_at(i + 2);
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let (value, after) = after.split_at(end);
        if attr == " srcset" {
            for (k, c) in value.split(',').enumerate() {
                if k > 0 {
                    out.push_str(", ");
                }
                let c = c.trim();
                match c.split_once(char::is_whitespace) {
                    Some((url, size)) => {
                        out.push_str(&absolute(url));
                        out.push(' ');
                        out.push_str(size.trim());
                    }
                    None => out.push_str(&absolute(c)),
                }
            }
        } else {
            out.push_str(&absolute(value));
        }
        rest = after;
        from = 0;
    }
    out.push_str(rest);
    out
}

/// `atom.xml` for one language: its newest published pages (at most
/// [`FEED_ENTRIES`], newest first) with their full text; `permalink` maps a
/// URL path to its absolute URL.
pub fn atom(
    config: &Config,
    lang: &Language,
    entries: &[(&Page, impl AsRef<str>)],
    permalink: impl Fn(&str) -> String,
) -> String {
    let home = permalink(&lang.prefix);
    let self_url = permalink(&urls::feed(lang));
    let updated = entries
        .iter()
        .map(|(p, _)| p.updated.unwrap_or(p.date))
        .max();
    let mut x = String::with_capacity(
        4096 + entries
            .iter()
            .map(|(_, text)| text.as_ref().len() * 5 / 4)
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
    for (p, text) in entries {
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
            escape(&absolute_links(config, &url, text.as_ref()))
        );
        x.push_str("</entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// `sitemap.xml` with `xhtml:link` alternates for translated pages.
pub fn sitemap(urls: &[&SitemapUrl]) -> String {
    let mut x = String::with_capacity(256 + urls.len() * 400);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for u in urls {
        x.push_str(&u.xml);
    }
    x.push_str("</urlset>\n");
    x
}

/// `robots.txt`: everything may be crawled; points at the sitemap.
pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_links_are_absolute_but_other_hosts_are_kept() {
        let c = Config::parse(
            std::path::Path::new("."),
            "base_url: https://x.org/sub/\nlanguages:\n  zh: { name: 中文, title: t }\n",
        )
        .unwrap();
        let page = "https://x.org/sub/news/a/";
        let html = concat!(
            r##"<img src="/sub/a.jpg"><a href="//cdn.net/b">b</a><img src="//cdn.net/c.jpg">"##,
            r##"<a href="https://y.org/">y</a><a href="/sub/">h</a><a href="mailto:a@y.org">m</a>"##,
            r##"<a href="report.pdf">r</a><sup><a href="#1">1</a></sup><p>src=&quot;x&quot; in text</p>"##,
            r##"<img srcset="/sub/a.480w.jpg 480w,/sub/a.960w.jpg 960w" src="a.jpg">"##,
        );
        assert_eq!(
            absolute_links(&c, page, html),
            concat!(
                r##"<img src="https://x.org/sub/a.jpg"><a href="//cdn.net/b">b</a><img src="//cdn.net/c.jpg">"##,
                r##"<a href="https://y.org/">y</a><a href="https://x.org/sub/">h</a><a href="mailto:a@y.org">m</a>"##,
                r##"<a href="https://x.org/sub/news/a/report.pdf">r</a><sup><a href="https://x.org/sub/news/a/#1">1</a></sup><p>src=&quot;x&quot; in text</p>"##,
                r##"<img srcset="https://x.org/sub/a.480w.jpg 480w, https://x.org/sub/a.960w.jpg 960w" src="https://x.org/sub/news/a/a.jpg">"##,
            )
        );
    }
}
