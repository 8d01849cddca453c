//! Machine-read outputs made from pages without templates: `metrics.json`
//! (every page's key figures as data) and the redirect pages of aliases.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;

use super::memo::{FreshEntry, Memo, MetricsEntry, MetricsKey, fingerprint};
use super::{Document, Entry, Made, Renderer};
use crate::config::{Config, Language};
use crate::content::front_matter::Date;
use crate::content::{Page, Site};
use crate::error::Error;
use crate::files::OutputFile;
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
) -> Result<Metrics, Error> {
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
    let old = |p: &Page| {
        let e = previous?.metrics.get(&(p.fingerprint, p.lang))?;
        (e.url == p.url).then_some(e)
    };
    let entries: Vec<(Cow<str>, u64, Option<MetricsKey>)> = pages
        .par_iter()
        .map(|p| {
            if let Some(e) = old(p) {
                return Ok((Cow::Borrowed(e.json.as_str()), e.hash, None));
            }
            let json = serde_json::to_string_pretty(&entry(config, p)).map_err(|e| {
                Error::new(
                    urls::metrics(lang),
                    crate::messages::Message::raw(e.to_string()),
                )
            })?;
            let json = format!("  {}", json.replace('\n', "\n  "));
            // Hashed only in dev mode, where the file is fingerprinted.
            let hash = previous.map_or(0, |_| fingerprint(&json));
            Ok((Cow::Owned(json), hash, Some((p.fingerprint, p.lang))))
        })
        .collect::<Result<_, Error>>()?;
    let hashes: Vec<u64> = entries.iter().map(|(_, h, _)| *h).collect();
    let fingerprint = fingerprint(&hashes);
    let same = previous.and_then(|m| m.metrics_file.get(&lang.id)) == Some(&fingerprint);
    let json = match (same, entries.is_empty()) {
        (true, _) => None,
        (false, true) => Some("[]\n".to_string()),
        (false, false) => {
            let texts: Vec<&str> = entries.iter().map(|(f, ..)| f.as_ref()).collect();
            Some(format!("[\n{}\n]\n", texts.join(",\n")))
        }
    };
    let made = match previous {
        Some(_) => (entries.into_iter().zip(pages))
            // Only the entries made now: the memo has the others.
            .filter_map(|((json, hash, key), p)| {
                let key = key?;
                let (url, json) = (p.url.clone(), json.into_owned());
                Some((key, MetricsEntry { url, json, hash }))
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Metrics {
        json,
        made,
        fingerprint,
    })
}

/// A language's `metrics.json`: its text (`None` in dev mode when it is as
/// it was), the entries made now and a fingerprint of all of them.
pub(super) struct Metrics {
    pub json: Option<String>,
    pub made: Vec<FreshEntry>,
    pub fingerprint: u64,
}

impl<'a> Renderer<'a> {
    /// A language's `metrics.json`; in dev mode left as it was while its
    /// entries are.
    pub(super) fn metrics(&self, entry: &Entry, lang: &Language) -> Result<Made<'a>, Error> {
        let m = metrics_json(self.config, self.site, lang, self.previous)?;
        // Entries made now go to the memo even when the file is as it was
        // (an edit that left them the same), or they would be made again
        // on every save.
        let doc = Document {
            metrics: m.made,
            metrics_file: self.previous.map(|_| (lang.id, m.fingerprint)),
            ..Document::default()
        };
        Ok(match m.json {
            Some(json) => Made::File(Some(OutputFile::new(entry.path.clone(), json)), doc),
            None => Made::Unchanged(doc),
        })
    }
}
