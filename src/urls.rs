//! Every URL and output-path rule, in one place. A "URL path" here is
//! relative to the site root and decoded (`en/news/x/`, `tags/劳动竞赛/`); it
//! becomes a link ([`link`]: under the base path, percent-encoded) or a
//! permalink ([`permalink`]: absolute), and a document at URL path `u` is the
//! file [`index_file`]`(u)`.

use crate::config::{Config, Language};
use crate::messages::Message;
use crate::msg;
use crate::text::slugify;

pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
pub const NOT_FOUND: &str = "404.html";
pub const STYLESHEET: &str = "style.css";
/// The folder of the search engine and of every language's index.
pub const SEARCH_DIR: &str = "search/";
/// The search engine the search pages load (one for every language).
pub const SEARCH_SCRIPT: &str = "search/search.js";
/// The search page's own script, a file of the theme.
pub const SEARCH_UI: &str = "search-page.js";

/// The file a document at URL path `url` is written to: `news/x/index.html`.
pub fn index_file(url: &str) -> String {
    format!("{url}index.html")
}

/// An article: `news/x/`, `en/news/x/` (`key` is its path in `content/`
/// without the language, with any `slug` already applied).
pub fn page(lang: &Language, key: &str) -> String {
    format!("{}{key}/", lang.prefix)
}

/// A section's list (`news/`, `en/news/`); the home page for key "".
pub fn section(lang: &Language, key: &str) -> String {
    if key.is_empty() {
        lang.prefix.clone()
    } else {
        format!("{}{key}/", lang.prefix)
    }
}

/// Page `n` (from 1) of a list whose first page is at `first`.
pub fn list_page(first: &str, n: usize) -> String {
    if n == 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

/// A tag's list: `tags/劳动竞赛/`, `en/tags/skills-competitions/`. Latin
/// tags are slugified; a tag with no letters or digits keeps its words.
pub fn tag(lang: &Language, tag: &str) -> String {
    let slug = slugify(tag);
    let slug = if slug.is_empty() {
        tag.trim().to_string()
    } else {
        slug
    };
    format!("{}tags/{slug}/", lang.prefix)
}

/// The tag index: `tags/`, `en/tags/`.
pub fn tags(lang: &Language) -> String {
    format!("{}tags/", lang.prefix)
}

/// The year archive: `archive/`, `en/archive/`.
pub fn archive(lang: &Language) -> String {
    format!("{}archive/", lang.prefix)
}

/// The search page: `search/`, `en/search/`.
pub fn search_page(lang: &Language) -> String {
    format!("{}search/", lang.prefix)
}

/// A language's search index, a folder of files under the search page's
/// folder at the root: `search/zh/`, `search/en/` (the engine finds it by
/// the language code, beside itself).
pub fn search_index(lang: &Language) -> String {
    format!("{SEARCH_DIR}{}/", lang.code)
}

/// The Atom feed: `atom.xml`, `en/atom.xml`.
pub fn feed(lang: &Language) -> String {
    format!("{}atom.xml", lang.prefix)
}

/// Every page's figures as data: `metrics.json`, `en/metrics.json`.
pub fn metrics(lang: &Language) -> String {
    format!("{}metrics.json", lang.prefix)
}

/// The file an alias's redirect page is written to. Old addresses are often
/// copied from a browser, percent-encoded; the file on disk has the decoded
/// name, like every page's.
pub fn alias_file(alias: &str) -> String {
    let path = percent_decode(alias.trim_start_matches('/'));
    if path.is_empty() || path.ends_with('/') {
        index_file(&path)
    } else if path.ends_with(".html") {
        path
    } else {
        index_file(&format!("{path}/"))
    }
}

/// The longest name of one file or folder most file systems allow, in
/// bytes (ext4, XFS, APFS, NTFS in UTF-16 units: 255).
pub const MOST_NAME_BYTES: usize = 255;
/// The longest output path accepted, in bytes, leaving room for the output
/// folder's own path under the usual limit of 4096.
pub const MOST_PATH_BYTES: usize = 3072;

/// Why `path` (relative to the output root, decoded, `/`-separated; a
/// folder written whole ends in `/`) cannot be written as it is, if it
/// cannot: empty parts (`a//b`), `.` and `..` (even decoded from
/// `%2e%2e`), a name longer than file systems allow, control characters
/// (NUL among them) and backslashes (a separator on Windows).
pub fn path_problem(path: &str) -> Option<Message> {
    if path.is_empty() {
        return Some(msg!("path-empty"));
    }
    if path.starts_with('/') {
        return Some(msg!("path-slash"));
    }
    if path.len() > MOST_PATH_BYTES {
        return Some(msg!(
            "path-too-long",
            bytes = path.len(),
            most = MOST_PATH_BYTES
        ));
    }
    let parts = path.strip_suffix('/').unwrap_or(path);
    for part in parts.split('/') {
        if part.is_empty() {
            return Some(msg!("path-empty-part"));
        }
        if part == "." || part == ".." {
            return Some(msg!("path-dots", part = part));
        }
        if part.len() > MOST_NAME_BYTES {
            let shown: String = part.chars().take(12).collect();
            return Some(msg!(
                "path-name-too-long",
                name = shown,
                bytes = part.len(),
                most = MOST_NAME_BYTES
            ));
        }
        if let Some(c) = part.chars().find(|c| c.is_control()) {
            return Some(msg!("path-control", char = format!("U+{:04X}", c as u32)));
        }
        if part.contains('\\') {
            return Some(msg!("path-backslash"));
        }
    }
    None
}

/// `/news/x/` for a URL path: under the base path, percent-encoded.
pub fn link(config: &Config, url: &str) -> String {
    encode_path(&format!("{}{url}", config.base_path))
}

/// `https://news.example.org/news/x/`.
pub fn permalink(config: &Config, url: &str) -> String {
    encode_path(&format!("{}/{url}", config.base_url))
}

/// The scheme and host of the site: `https://x.org` for `https://x.org/sub`.
pub fn origin(config: &Config) -> &str {
    config
        .base_url
        .strip_suffix(config.base_path.trim_end_matches('/'))
        .unwrap_or(&config.base_url)
}

/// A root-relative URL made absolute; absolute URLs are kept, and a
/// protocol-relative one (`//cdn.example.net/p.jpg`) gets the site's scheme.
pub fn absolute(config: &Config, url: &str) -> String {
    if url.contains("://") {
        return url.to_string();
    }
    if url.starts_with("//") {
        let scheme = config.base_url.split_once("://").map_or("https", |s| s.0);
        return format!("{scheme}:{url}");
    }
    encode_path(&format!("{}{url}", origin(config)))
}

/// `mailto:x`, `https://…`: a URL with a scheme.
pub fn has_scheme(url: &str) -> bool {
    url.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// A URL that names another site (a scheme, or protocol-relative `//`).
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || has_scheme(url)
}

/// A reference to a file beside the page: not empty, not a page anchor,
/// not root-relative, not external.
pub fn is_relative(url: &str) -> bool {
    !(url.is_empty() || url.starts_with('#') || url.starts_with('/') || has_scheme(url))
}

/// Bytes kept as they are in a URL path; everything else (non-ASCII,
/// spaces, quotes) is percent-encoded.
const PATH_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@')
    .remove(b'%')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// A URL as it goes into `href`: `/tags/劳动竞赛/` → `/tags/%E5%8A%B3…/`.
pub fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_ESCAPES).to_string()
}

/// `%E5%9B%BE.jpg` → `图.jpg`.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(Path::new("."), "base_url: https://x.org\ndefault_language: zh\nlanguages:\n  zh: { name: 中文, title: t }\n  en: { name: English, title: t }\n").unwrap()
    }

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
    fn tag_urls_keep_unicode_and_slug_latin() {
        let c = config();
        assert_eq!(tag(&c.languages[0], "劳动竞赛"), "tags/劳动竞赛/");
        assert_eq!(
            tag(&c.languages[1], "Skills competitions"),
            "en/tags/skills-competitions/"
        );
        assert_eq!(
            link(&c, "tags/劳动竞赛/"),
            "/tags/%E5%8A%B3%E5%8A%A8%E7%AB%9E%E8%B5%9B/"
        );
    }

    #[test]
    fn lists_sections_and_aliases() {
        let c = config();
        let (zh, en) = (&c.languages[0], &c.languages[1]);
        assert_eq!(section(zh, ""), "");
        assert_eq!(section(en, "news"), "en/news/");
        assert_eq!(list_page("en/news/", 1), "en/news/");
        assert_eq!(list_page("en/news/", 3), "en/news/page/3/");
        assert_eq!(alias_file("/old/a/"), "old/a/index.html");
        assert_eq!(alias_file("/old/a.html"), "old/a.html");
        assert_eq!(alias_file("/%E6%97%A7"), "旧/index.html");
    }

    #[test]
    fn origin_and_absolute_urls_under_a_sub_path() {
        let c = config()
            .with_base_url("http://127.0.0.1:1111/sub/")
            .unwrap();
        assert_eq!(origin(&c), "http://127.0.0.1:1111");
        assert_eq!(
            absolute(&c, "/sub/a.jpg"),
            "http://127.0.0.1:1111/sub/a.jpg"
        );
        assert_eq!(absolute(&c, "//cdn.net/a.jpg"), "http://cdn.net/a.jpg");
    }

    #[test]
    fn output_paths_that_cannot_be_written() {
        for good in [
            "index.html",
            "tags/劳动竞赛/index.html",
            "search/zh/",
            "a.b/c",
        ] {
            assert_eq!(path_problem(good), None, "{good}");
        }
        let long = format!("{}/index.html", "a".repeat(256));
        for bad in [
            "",
            "/etc/x",
            "a//b",
            "../index.html",
            "a/./b",
            "x/../../b",
            long.as_str(),
            "a\0b/index.html",
            "a\tb",
            "a\\b",
        ] {
            assert!(path_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(path_problem(&"a".repeat(255)), None);
        assert_eq!(alias_file("/%2e%2e/"), "../index.html");
    }

    #[test]
    fn schemes_and_relative_references() {
        assert!(has_scheme("mailto:a@b.org"));
        assert!(has_scheme("https://x.org/"));
        assert!(!has_scheme("news/x:y/"));
        assert!(!has_scheme("/a:b"));
        assert!(is_external("//cdn.net/x"));
        assert!(is_relative("report.pdf"));
        assert!(!is_relative("#x") && !is_relative("/a/") && !is_relative("mailto:a@b"));
    }
}
