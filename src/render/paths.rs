//! Every output path of the plan checked before anything is written, so
//! `check` and `build` agree and a build never fails half-way on what an
//! editor typed: names the file system refuses (too long, control
//! characters), paths that would leave their folder (`..`, `%2e%2e`, empty
//! parts), and a file standing where another output needs a folder (an
//! alias `/metrics.json/` under the generated `metrics.json`). Exact
//! duplicates are the plan's own check ([`super::Plan`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
// Fx: dev mode checks every output path on every save.
use rustc_hash::FxHashMap;

use super::plan::{Entry, What};
use crate::config::Config;
use crate::content::Site;
use crate::error::{Error, Errors};
use crate::messages::Message;
use crate::msg;
use crate::urls::path_problem;

/// Every entry whose path cannot be written, blamed on what an editor
/// wrote (an alias, a tag, a slug, a static file's name) where one did.
pub(super) fn unwritable(config: &Config, site: &Site, entries: &[Entry]) -> Errors {
    let sources = Sources::new(&config.root);
    let blame = |e: &Entry, why: Message| blame(&sources, site, e, why);
    let mut errors = Errors::new();
    let problems: Vec<(&Entry, Message)> = (entries.par_iter())
        .filter_map(|e| match path_problem(&e.path) {
            Some(why) => Some((e, why)),
            // Links keep `%` as it is (an address may come encoded), so a
            // browser would read `%2e` in a slug as an escape.
            None if named_by_editor(&e.what) && e.path.contains('%') => {
                Some((e, msg!("path-percent")))
            }
            None => None,
        })
        .collect();
    for (e, why) in problems {
        errors.push(blame(e, why));
    }
    // Each folder some output needs, with the first entry inside it.
    let mut folders: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (i, e) in entries.iter().enumerate() {
        let path = e.path.strip_suffix('/').unwrap_or(&e.path);
        if e.path.ends_with('/') {
            folders.entry(path).or_insert(i);
        }
        let mut rest = path;
        while let Some((dir, _)) = rest.rsplit_once('/') {
            folders.entry(dir).or_insert(i);
            rest = dir;
        }
    }
    for file in entries.iter().filter(|e| !e.path.ends_with('/')) {
        let Some(&inside) = folders.get(file.path.as_str()) else {
            continue;
        };
        let inside = &entries[inside];
        // The one an editor is likelier to have got wrong is named.
        let (culprit, other) = if rank(&inside.what) <= rank(&file.what) {
            (inside, file)
        } else {
            (file, inside)
        };
        let own = rank(&other.what) == 4;
        let from = |path: &str| match own {
            true => msg!("path-own", path = path),
            false => msg!("path-made-from", path = path, source = &other.source),
        };
        let why = if std::ptr::eq(culprit, inside) {
            msg!(
                "path-needs-folder",
                path = &file.path,
                what = from(&file.path)
            )
        } else {
            msg!(
                "path-is-folder",
                path = &file.path,
                what = from(&other.path)
            )
        };
        errors.push(blame(culprit, why));
    }
    // Paths equal but for case are one file on macOS and Windows.
    let mut folded: FxHashMap<Cow<str>, &Entry> =
        FxHashMap::with_capacity_and_hasher(entries.len(), Default::default());
    for e in entries {
        let Some(other) = folded.insert(fold_case(&e.path), e) else {
            continue;
        };
        if other.path != e.path {
            let (culprit, other) = match rank(&e.what) <= rank(&other.what) {
                true => (e, other),
                false => (other, e),
            };
            let why = msg!("path-case", other = &other.path);
            errors.push(blame(culprit, why).warning());
        }
    }
    errors.sort();
    errors.dedup();
    errors
}

/// `path` in lower case (most paths are already: they are not copied).
fn fold_case(path: &str) -> Cow<'_, str> {
    match path.chars().all(|c| c.to_lowercase().eq([c])) {
        true => Cow::Borrowed(path),
        false => Cow::Owned(path.to_lowercase()),
    }
}

/// An article's address with its slug, or a tag's list: an address an
/// editor typed.
fn named_by_editor(what: &What) -> bool {
    match what {
        What::Page(_) => true,
        What::List(spec, _) => spec.kind == "tag",
        _ => false,
    }
}

/// Who is named for a path that cannot be written: what an editor typed
/// first (aliases, then files put in the site, tags, slugs), what the
/// build makes of its own last.
fn rank(what: &What) -> u8 {
    match what {
        What::Alias { .. } => 0,
        What::File(_) | What::Photo(_) => 1,
        What::List(spec, _) if spec.kind == "tag" => 2,
        What::Page(_) => 3,
        _ => 4,
    }
}

/// The error for `e`, at the line of the front matter it comes from.
fn blame(sources: &Sources, site: &Site, e: &Entry, why: Message) -> Error {
    let at = |source: &Path, key: &str, needle: &str| {
        (source.to_path_buf(), sources.line(source, key, needle))
    };
    let (source, line, subject) = match &e.what {
        What::Alias { page, alias } => {
            let (s, l) = at(&site.pages[*page].source, "aliases:", alias);
            (
                s,
                l,
                msg!("subject-alias", name = alias.escape_debug().to_string()),
            )
        }
        What::List(spec, _) if spec.kind == "tag" && !spec.pages.is_empty() => {
            let (s, l) = at(&site.pages[spec.pages[0]].source, "tags:", &spec.key);
            (
                s,
                l,
                msg!("subject-tag", name = spec.key.escape_debug().to_string()),
            )
        }
        What::Page(i) => {
            let p = &site.pages[*i];
            let last = |u: &str| {
                u.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_string)
            };
            let slug = last(&p.url).filter(|s| Some(s) != last(&p.key).as_ref());
            match slug {
                Some(slug) => {
                    let (s, l) = at(&p.source, "slug:", "");
                    (
                        s,
                        l,
                        msg!("subject-slug", name = slug.escape_debug().to_string()),
                    )
                }
                None => (p.source.clone(), 1, msg!("subject-page")),
            }
        }
        _ => (e.source.clone(), 0, msg!("subject-file", name = &e.source)),
    };
    let message = msg!(
        "path-unwritable",
        subject = subject,
        path = e.path.escape_debug().to_string(),
        why = why
    );
    let error = Error::new(source, message);
    if line > 0 { error.at(line, 1) } else { error }
}

/// Where keys and list items are in the site's files: each file read and
/// each key's list indexed once, however many errors name them (twenty
/// thousand bad aliases in one article are twenty thousand errors on one
/// file).
pub(super) struct Sources<'c> {
    root: &'c Path,
    /// By file and key: the key's line, and the line of each item of a
    /// list written one item a line below it.
    keys: RefCell<HashMap<(PathBuf, String), Option<Key>>>,
}

struct Key {
    line: usize,
    items: HashMap<String, usize>,
}

impl<'c> Sources<'c> {
    pub(super) fn new(root: &'c Path) -> Self {
        Sources {
            root,
            keys: RefCell::default(),
        }
    }

    /// The 1-based line in `source` of the item `needle` of the list at
    /// `key`: its own line in a list written one item a line, else the
    /// key's line; 1 when the key is not found.
    pub(super) fn line(&self, source: &Path, key: &str, needle: &str) -> usize {
        let mut keys = self.keys.borrow_mut();
        let found = keys
            .entry((source.to_path_buf(), key.to_string()))
            .or_insert_with(|| {
                let text = std::fs::read_to_string(self.root.join(source)).ok()?;
                index_key(&text, key)
            });
        match found {
            None => 1,
            Some(k) => k.items.get(needle.trim()).copied().unwrap_or(k.line),
        }
    }
}

/// The line of `key` (a line starting with it) in `text`, and the items of
/// a block list under it (`- item`, quotes taken off).
fn index_key(text: &str, key: &str) -> Option<Key> {
    let mut lines = text.lines().enumerate();
    let (at, _) = lines.find(|(_, l)| l.trim_start().starts_with(key))?;
    let mut items = HashMap::new();
    for (i, l) in lines {
        let Some(item) = l.trim_start().strip_prefix('-') else {
            break;
        };
        let item = item.trim().trim_matches(['"', '\'']).trim().to_string();
        items.entry(item).or_insert(i + 1);
    }
    Some(Key {
        line: at + 1,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_lower_case_are_folded_without_a_copy() {
        for path in [
            "news/a/index.html",
            "tags/劳动竞赛/index.html",
            "sitemap.xml",
        ] {
            assert!(
                matches!(fold_case(path), Cow::Borrowed(p) if p == path),
                "{path}"
            );
        }
        for (path, folded) in [
            ("News/A/index.html", "news/a/index.html"),
            ("tags/Ärzte/", "tags/ärzte/"),
            ("ΣΟΦΙΑΣ/", "σοφιας/"),
        ] {
            assert!(
                matches!(fold_case(path), Cow::Owned(ref p) if p == folded),
                "{path}"
            );
            assert_eq!(fold_case(path), path.to_lowercase());
        }
    }
}
