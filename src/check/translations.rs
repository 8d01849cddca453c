//! An article in all its languages: which languages it has (the status
//! table), and whether its translations show the original's figures and
//! photos.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use serde::Serialize;

use super::figures;
use crate::config::Config;
use crate::content::{Page, Site};
use crate::error::{Error, Errors, Severity};
use crate::msg;

/// One row of the translation status table.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// `news/2021-suzhou-review`.
    pub key: String,
    /// The original's Markdown file.
    pub source: PathBuf,
    /// Whether it is in each configured language, in the site's order.
    pub languages: Vec<bool>,
}

impl Article {
    pub fn complete(&self) -> bool {
        self.languages.iter().all(|&l| l)
    }
}

/// Every article's versions by key (in no order: hashed, as dev mode
/// groups them on every save), each in the site's language order: the
/// original (the default language's version, else the first) comes first.
pub(super) fn articles(site: &Site) -> FxHashMap<&str, Vec<&Arc<Page>>> {
    let mut groups: FxHashMap<&str, Vec<&Arc<Page>>> =
        FxHashMap::with_capacity_and_hasher(site.pages.len(), Default::default());
    for p in &site.pages {
        groups.entry(p.key.as_str()).or_default().push(p);
    }
    for versions in groups.values_mut() {
        versions.sort_by_key(|p| p.lang);
    }
    groups
}

/// What dev mode keeps of the last translation check: each article's
/// findings with its pages, valid while they are the same pages (the
/// content cache hands out the same `Arc` for an unchanged article).
#[derive(Debug, Default)]
pub(super) struct Memo(FxHashMap<String, (Vec<Arc<Page>>, Errors)>);

/// Translations whose figures differ from the original's, and photos one
/// version shows and another does not. With `memo` (dev mode), an article
/// whose pages are as they were is not compared again.
pub(super) fn check(site: &Site, memo: Option<&mut Memo>) -> Errors {
    let kept = memo.as_deref();
    // In parallel; findings are sorted later.
    let made: Vec<(&str, Vec<&Arc<Page>>, Errors, bool)> = articles(site)
        .into_par_iter()
        .map(|(key, versions)| {
            let same = |was: &Vec<Arc<Page>>| {
                was.len() == versions.len()
                    && was.iter().zip(&versions).all(|(a, b)| Arc::ptr_eq(a, b))
            };
            if let Some((_, found)) = kept.and_then(|m| m.0.get(key)).filter(|(was, _)| same(was)) {
                return (key, versions, found.clone(), false);
            }
            let errors = compare(&versions);
            (key, versions, errors, true)
        })
        .collect();
    if let Some(memo) = memo {
        for (key, versions, found, fresh) in &made {
            if *fresh {
                let pages = versions.iter().map(|p| Arc::clone(p)).collect();
                memo.0.insert(key.to_string(), (pages, found.clone()));
            }
        }
        if memo.0.len() > made.len() {
            let live: FxHashSet<&str> = made.iter().map(|(key, ..)| *key).collect();
            memo.0.retain(|key, _| live.contains(key.as_str()));
        }
    }
    made.into_iter()
        .flat_map(|(_, _, found, _)| found)
        .collect()
}

/// An article's versions (original first) compared: figures and photos.
fn compare(versions: &[&Arc<Page>]) -> Errors {
    let pages: Vec<&Page> = versions.iter().map(|p| p.as_ref()).collect();
    let (original, translations) = pages.split_first().expect("a group has a page");
    let mut errors: Errors = translations
        .iter()
        .flat_map(|t| figures::compare(original, t))
        .collect();
    errors.extend(photo_sets(&pages));
    errors
}

/// Dev mode: the article `versions` (all its pages, in language order)
/// compared again, after their text changed: the findings that went and
/// those that came. `None` when the memo has no comparison of it.
pub(super) fn recheck(memo: &mut Memo, versions: &[&Arc<Page>]) -> Option<(Errors, Errors)> {
    let key = &versions.first()?.key;
    let (kept, found) = memo.0.get_mut(key)?;
    let came = compare(versions);
    let went = std::mem::replace(found, came.clone());
    *kept = versions.iter().map(|p| Arc::clone(p)).collect();
    Some((went, came))
}

/// The status table, and a note (an error when `site.yaml` asks for
/// complete translations) for every language an article misses.
pub(super) fn status(config: &Config, site: &Site) -> (Vec<Article>, Errors) {
    let severity = if config.check.require_translations {
        Severity::Error
    } else {
        Severity::Note
    };
    let mut table = Vec::new();
    let mut findings = Errors::new();
    let mut articles: Vec<_> = articles(site).into_iter().collect();
    articles.sort_unstable_by_key(|(key, _)| *key);
    for (key, versions) in articles {
        let original = versions[0];
        let languages: Vec<bool> = config
            .languages
            .iter()
            .map(|l| versions.iter().any(|p| p.lang == l.id))
            .collect();
        for (lang, _) in config
            .languages
            .iter()
            .zip(&languages)
            .filter(|(_, has)| !**has)
        {
            findings.push(
                Error::new(
                    &original.source,
                    msg!(
                        "translation-missing",
                        key = key,
                        name = &lang.name,
                        code = &lang.code,
                        file = sibling(original, &config.lang(original.lang).code, &lang.code)
                    ),
                )
                .at(1, 1)
                .severity(severity)
                .code("missing-translation"),
            );
        }
        table.push(Article {
            key: key.to_string(),
            source: original.source.clone(),
            languages,
        });
    }
    (table, findings)
}

/// The file a page's version in `lang` goes in: `index.zh.md` → `index.en.md`.
fn sibling(page: &Page, own: &str, lang: &str) -> String {
    let source = page.source.to_string_lossy();
    let stem = source
        .strip_suffix(&format!(".{own}.md"))
        .or_else(|| source.strip_suffix(".md"))
        .unwrap_or(&source);
    format!("{stem}.{lang}.md")
}

/// A warning on each version that lacks a photo another version shows.
fn photo_sets(versions: &[&Page]) -> Errors {
    let photos = |p: &Page| -> BTreeSet<String> {
        p.body
            .images
            .iter()
            .filter_map(|i| i.photo.as_ref().map(|ph| ph.path.clone()))
            .collect()
    };
    let sets: Vec<BTreeSet<String>> = versions.iter().map(|p| photos(p)).collect();
    let mut errors = Errors::new();
    for (p, set) in versions.iter().zip(&sets) {
        let mut missing = BTreeSet::new();
        for (q, other) in versions.iter().zip(&sets) {
            for path in other.difference(set) {
                if !missing.insert(path) {
                    continue;
                }
                let used = q
                    .body
                    .images
                    .iter()
                    .find(|i| i.photo.as_ref().is_some_and(|ph| ph.path == *path))
                    .expect("the photo is in q's set");
                errors.push(
                    Error::new(
                        &p.source,
                        msg!(
                            "translation-photo-missing",
                            src = &used.src,
                            source = &q.source,
                            line = used.line
                        ),
                    )
                    .at(1, 1)
                    .warning()
                    .code("photo-set"),
                );
            }
        }
    }
    errors
}
