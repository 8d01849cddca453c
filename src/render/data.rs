//! Machine-read outputs made from pages without templates: `metrics.json`
//! (every page's key figures as data) and the redirect pages of aliases.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;

use super::memo::{Memo, PageKey};
use crate::config::{Config, Language};
use crate::content::front_matter::Date;
use crate::content::{Page, Site};
use crate::error::Error;
use crate::text::escape_html;
use crate::urls;

/// A redirect page for an old URL of `page`: a meta refresh and a canonical
/// link to the page's address.
pub(super) fn alias_page(config: &Config, page: &Page) -> String {
    let target = escape_html(&urls::permalink(config, &page.url));
    let title = escape_html(&page.title);
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n\
         <body>\n<p><a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n",
        config.lang(page.lang).locale
    )
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
pub(super) fn metrics_json(
    config: &Config,
    site: &Site,
    lang: &Language,
    previous: Option<&Memo>,
) -> Result<(String, Vec<(PageKey, String)>), Error> {
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
            url: urls::permalink(config, &p.url),
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
        .pages_in(lang.id)
        .filter(|p| !p.body.metrics.is_empty())
        .collect();
    // Each entry: the memo's, or made now (and then returned for the memo).
    let fragments: Vec<(Cow<str>, Option<PageKey>)> = pages
        .par_iter()
        .map(|p| {
            if let Some(f) = previous.and_then(|m| m.metrics.get(&(p.fingerprint, p.url.clone()))) {
                return Ok((Cow::Borrowed(f.as_str()), None));
            }
            let json = serde_json::to_string_pretty(&entry(config, p)).map_err(|e| {
                Error::new(
                    urls::metrics(lang),
                    crate::messages::Message::raw(e.to_string()),
                )
            })?;
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
    Ok((json, made))
}
