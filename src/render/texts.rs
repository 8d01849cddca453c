//! A build's article texts: each freed once its page is made.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use super::Renderer;
use crate::content::{Page, Site};

/// A build's article texts (their HTML, a third of its peak memory), taken
/// out of the site so that each is freed once its page is made: the feeds
/// copy the newest ones first, then each page takes its own. Dev mode
/// keeps them in the site, which its cache shares.
pub struct Texts(Vec<Mutex<String>>);

impl Texts {
    /// The texts of `site`'s pages, in `site.pages` order, left empty there.
    pub fn take(site: &mut Site) -> Texts {
        let take = |p: &mut Arc<Page>| match Arc::get_mut(p).and_then(|p| Arc::get_mut(&mut p.body))
        {
            Some(body) => std::mem::take(&mut body.html),
            // Shared (not in a build): copied, and kept there too.
            None => p.body.html.clone(),
        };
        Texts(site.pages.iter_mut().map(|p| Mutex::new(take(p))).collect())
    }
}

impl<'a> Renderer<'a> {
    /// Article `i`'s text (its HTML): in a build, a copy, or with `last`
    /// (its page) the text itself, which nothing reads after.
    pub(super) fn text(&self, i: usize, last: bool) -> Cow<'a, str> {
        let Some(texts) = self.texts else {
            return Cow::Borrowed(&self.site.pages[i].body.html);
        };
        let mut text = texts.0[i].lock().unwrap_or_else(|e| e.into_inner());
        Cow::Owned(match last {
            true => std::mem::take(&mut *text),
            false => text.clone(),
        })
    }
}
