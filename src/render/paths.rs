//! Every output path of the plan checked before anything is written, so
//! `check` and `build` agree and a build never fails half-way on what an
//! editor typed: names the file system refuses (too long, control
//! characters), paths that would leave their folder (`..`, `%2e%2e`, empty
//! parts), and a file standing where another output needs a folder (an
//! alias `/metrics.json/` under the generated `metrics.json`). Exact
//! duplicates are the plan's own check ([`super::Plan`]).

use std::collections::HashMap;
use std::path::Path;

use super::plan::{Entry, What};
use crate::config::Config;
use crate::content::Site;
use crate::error::{Error, Errors};
use crate::urls::path_problem;

/// Every entry whose path cannot be written, blamed on what an editor
/// wrote (an alias, a tag, a slug, a static file's name) where one did.
pub(super) fn unwritable(config: &Config, site: &Site, entries: &[Entry]) -> Errors {
    let mut errors = Errors::new();
    for e in entries {
        if let Some(why) = path_problem(&e.path) {
            errors.push(blame(config, site, e, &why));
        }
    }
    // Each folder some output needs, with the first entry inside it.
    let mut folders: HashMap<&str, usize> = HashMap::new();
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
            true => format!("its own {path}"),
            false => format!("{path} (made from {})", other.source.display()),
        };
        let why = if std::ptr::eq(culprit, inside) {
            format!(
                "it needs a folder `{}`, where the build writes {}",
                file.path,
                from(&file.path)
            )
        } else {
            format!(
                "the build needs `{}` as a folder, for {}",
                file.path,
                from(&other.path)
            )
        };
        errors.push(blame(config, site, culprit, &why));
    }
    errors.sort();
    errors.dedup();
    errors
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
fn blame(config: &Config, site: &Site, e: &Entry, why: &str) -> Error {
    let at = |source: &Path, key: &str, needle: &str| {
        let line = line_after(&config.root.join(source), key, needle);
        (source.to_path_buf(), line)
    };
    let (source, line, subject) = match &e.what {
        What::Alias { page, alias } => {
            let (s, l) = at(&site.pages[*page].source, "aliases:", alias);
            (s, l, format!("alias `{}`", alias.escape_debug()))
        }
        What::List(spec, _) if spec.kind == "tag" && !spec.pages.is_empty() => {
            let (s, l) = at(&site.pages[spec.pages[0]].source, "tags:", &spec.key);
            (s, l, format!("tag `{}`", spec.key.escape_debug()))
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
                    (s, l, format!("slug `{}`", slug.escape_debug()))
                }
                None => (p.source.clone(), 1, "this page".to_string()),
            }
        }
        _ => (e.source.clone(), 0, format!("`{}`", e.source.display())),
    };
    let message = format!(
        "{subject} cannot be published as `{}`: {why}",
        e.path.escape_debug()
    );
    let error = Error::new(source, message);
    if line > 0 { error.at(line, 1) } else { error }
}

/// The 1-based line of `file` where `key` starts a line, or the first line
/// from there on holding `needle` (a list written one item a line); 1 when
/// neither is found.
fn line_after(file: &Path, key: &str, needle: &str) -> usize {
    let Ok(text) = std::fs::read_to_string(file) else {
        return 1;
    };
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.trim_start().starts_with(key)) else {
        return 1;
    };
    let needle = needle.trim();
    let found = (!needle.is_empty())
        .then(|| lines[start..].iter().position(|l| l.contains(needle)))
        .flatten();
    start + found.unwrap_or(0) + 1
}
