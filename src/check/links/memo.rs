//! What dev mode keeps of the last link check, and the recheck of a save
//! that changed articles' text only.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Kept, Target, Targets};
use crate::config::Config;
use crate::content::{Page, Site};
use crate::error::Errors;
use crate::markdown::LinkUse;
use crate::theme::Theme;
use crate::urls;

/// What dev mode keeps of the last link check: each article's findings,
/// valid while its page is the same (the content cache hands out the same
/// `Arc` for an unchanged article), so are the pages whose anchors it
/// links to, and so is everything else a link resolves against (`key`).
#[derive(Debug, Default)]
pub(in crate::check) struct Memo {
    pub(super) key: u64,
    pub(super) pages: FxHashMap<String, Checked>,
    /// The plan's paths and the articles' URLs while `key` holds, for
    /// [`recheck`] (which has no plan).
    pub(super) files: FxHashSet<Box<str>>,
    pub(super) by_url: FxHashMap<Box<str>, usize>,
    /// An article's URL -> the URLs of the pages whose anchors were looked
    /// up in it (their `anchors_in`): a recheck asks this, not every page.
    pub(super) anchored_by: FxHashMap<String, Vec<String>>,
}

impl Memo {
    /// Keeps `checked` as the check of the page at `url`.
    pub(super) fn keep(&mut self, url: &str, checked: Checked) {
        for to in &checked.anchors_in {
            let by = self.anchored_by.entry(to.url.clone()).or_default();
            if !by.iter().any(|u| u == url) {
                by.push(url.to_string());
            }
        }
        let old = self.pages.insert(url.to_string(), checked);
        let now = &self.pages[url].anchors_in;
        for to in old.iter().flat_map(|o| &o.anchors_in) {
            if !now.iter().any(|p| p.url == to.url)
                && let Some(by) = self.anchored_by.get_mut(&to.url)
            {
                by.retain(|u| u != url);
            }
        }
    }
}

#[derive(Debug)]
pub(super) struct Checked {
    pub(super) page: Arc<Page>,
    /// The articles whose ids its anchors were looked up in.
    pub(super) anchors_in: Vec<Arc<Page>>,
    pub(super) found: Errors,
}

/// Dev mode, after the pages at `changed` were replaced by pages the same
/// but for their text ([`Page::same_outside`]; with the pages they replaced,
/// `was`): the findings that went, and those that came, of those pages and
/// of the pages that link to their anchors. `None` when the memo cannot
/// tell (it holds no check of this site) or a list intro links to their
/// anchors (intros are not kept).
pub(in crate::check) fn recheck(
    config: &Config,
    site: &Site,
    theme: &Theme,
    memo: &mut Memo,
    changed: &[usize],
    was: &[Arc<Page>],
) -> Option<(Errors, Errors)> {
    if memo.files.is_empty() {
        return None;
    }
    let (files, by_url) = (Kept::Memo(&memo.files), Kept::Memo(&memo.by_url));
    let targets = Targets::new(config, site, theme, files, by_url);
    let into_changed = |l: &LinkUse, url: &str| match targets.resolve(url, &l.href) {
        (Target::Page(i), Some(_)) => changed.contains(&i),
        _ => false,
    };
    for s in &site.sections {
        let url = urls::section(config.lang(s.lang), &s.key);
        if s.links.iter().any(|l| into_changed(l, &url)) {
            return None;
        }
    }
    let is_old = |p: &Arc<Page>| was.iter().any(|w| Arc::ptr_eq(w, p));
    let mut todo: Vec<usize> = changed.to_vec();
    // Pages gone since stay listed here; they are not in `memo.pages`.
    let by = was
        .iter()
        .flat_map(|w| memo.anchored_by.get(&w.url))
        .flatten();
    for url in by {
        if memo
            .pages
            .get(url)
            .is_some_and(|k| k.anchors_in.iter().any(is_old))
        {
            todo.push(targets.by_url.get(url)?);
        }
    }
    todo.sort_unstable();
    todo.dedup();
    let (mut went, mut came) = (Errors::new(), Errors::new());
    let mut checked = Vec::with_capacity(todo.len());
    for i in todo {
        let page = &site.pages[i];
        let mut anchors_in = Vec::new();
        let found = targets.page(config, i, &mut anchors_in);
        went.extend(memo.pages.get(&page.url)?.found.iter().cloned());
        came.extend(found.iter().cloned());
        let anchors_in = anchors_in.iter().map(|&j| site.pages[j].clone()).collect();
        checked.push(Checked {
            page: Arc::clone(page),
            anchors_in,
            found,
        });
    }
    drop(targets);
    for c in checked {
        let url = c.page.url.clone();
        memo.keep(&url, c);
    }
    Some((went, came))
}
