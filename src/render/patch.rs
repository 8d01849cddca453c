//! Dev mode's render of one edit to articles' text: when the pages saved
//! are the same outside their text ([`Page::same_outside`]), only their
//! documents, their languages' feeds and search indexes can change; the
//! memo vouches for every other output, which the plan would only confirm.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::search;
use super::{Entry, Made, Memo, Renderer, SearchWork, Templates, What};
use crate::config::Config;
use crate::content::{Page, Site};
use crate::error::{Error, Errors};
use crate::files::{CONTENT_DIR, OutputFile};
use crate::search::Indexed;
use crate::urls::{self, index_file};

/// What [`patch`] made.
pub struct Patched {
    /// The documents and feeds made again (written only if their bytes
    /// changed), by path.
    pub files: Vec<OutputFile>,
    /// Search indexes to make once the pages are served.
    pub search_later: Vec<SearchWork>,
}

/// Renders again the documents of the pages at `changed` in `site` (which
/// replaced `was`, pages the same outside their text) and their languages'
/// feeds, and says which search indexes to make again; `memo`, the last
/// render's (of the same site but for those pages, with `sections`), is
/// updated as that render's would be. Left as it was on error; `None`
/// when the memo does not have what a patch needs (a language's articles
/// as its search index was asked for): a whole render can.
pub fn patch(
    config: &Config,
    site: &Site,
    templates: &Templates,
    sections: &[Vec<String>],
    memo: &mut Memo,
    changed: &[usize],
    was: &[Arc<Page>],
) -> Option<Result<Patched, Errors>> {
    let r = Renderer::new(config, site, templates, sections, Some(memo));
    let mut langs: Vec<_> = changed.iter().map(|&i| site.pages[i].lang).collect();
    langs.sort_unstable();
    langs.dedup();
    let pages = (changed.iter()).map(|&i| {
        let p = &site.pages[i];
        (index_file(&p.url), p.source.clone(), What::Page(i))
    });
    let feeds = (langs.iter()).map(|&l| {
        let lang = config.lang(l);
        (urls::feed(lang), CONTENT_DIR.into(), What::Feed(lang))
    });
    let entries: Vec<Entry> = (pages.chain(feeds))
        .map(|(path, source, what)| Entry { path, source, what })
        .collect();
    let made: Vec<Result<Made, Error>> = entries.par_iter().map(|e| r.make(e, None)).collect();
    let mut files = Vec::new();
    let mut documents = Vec::new();
    let mut indexed: HashMap<usize, (u64, Arc<Indexed>)> = HashMap::default();
    // For the memo: each page's index data by its path.
    let mut fresh_search = Vec::new();
    let mut errors = Errors::new();
    for (entry, made) in entries.iter().zip(made) {
        let doc = match made {
            Ok(Made::File(file, doc)) => {
                files.extend(file);
                doc
            }
            Ok(Made::Unchanged(doc)) => doc,
            Ok(Made::Later) => unreachable!("no later entry is patched"),
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if let (What::Page(i), Some(fp)) = (&entry.what, doc.fingerprint) {
            documents.push((entry.path.clone(), fp));
            if let Some(x) = doc.indexed {
                fresh_search.push((entry.path.clone(), (fp, x.clone())));
                indexed.insert(*i, (fp, x));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Some(Err(errors));
    }
    let mut search_later = Vec::new();
    let mut made_now = Vec::new();
    let mut fresh_docs = Vec::new();
    for &lang in langs.iter().filter(|_| config.search.enabled) {
        // The language's articles as the memo has them, these pages' new.
        let mut docs = memo.search_docs.get(&lang)?.clone();
        for (n, i) in site.indices_in(lang).enumerate() {
            if let Some((fp, x)) = indexed.get(&i) {
                *docs.get_mut(n)? = (Some(*fp), Some(x.clone()));
            }
        }
        match search::next(&r, config.lang(lang), &docs) {
            search::Next::Keep => {}
            search::Next::Later(work) => search_later.push(work),
            search::Next::Now(work) => {
                let (made, index) = work.made_now();
                made_now.push((lang, index, work.reuse.clone()));
                files.extend(made);
            }
        }
        fresh_docs.push((lang, docs));
    }
    // The memo, as a whole render would leave it.
    drop(r);
    for (path, fp) in &documents {
        if let Some(entry) = memo.sitemap.get_mut(path) {
            // The same entry: the page's URL, versions and dates are.
            entry.0 = *fp;
        }
    }
    memo.search.extend(fresh_search);
    memo.documents.extend(documents);
    // The same cards (same outside), kept by the pages' new fingerprints.
    for (&i, old) in changed.iter().zip(was) {
        if let Some(card) = memo.cards.remove(&(old.fingerprint, old.url.clone())) {
            memo.cards
                .insert((site.pages[i].fingerprint, old.url.clone()), card);
        }
    }
    for (lang, index, reuse) in made_now {
        memo.search_index.insert(lang, index);
        memo.search_reuse.insert(lang, reuse);
    }
    memo.search_docs.extend(fresh_docs);
    for work in &search_later {
        memo.search_reuse.insert(work.lang, work.reuse.clone());
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Some(Ok(Patched {
        files,
        search_later,
    }))
}
