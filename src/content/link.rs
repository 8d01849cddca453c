//! Linking: the files of one article in its languages become pages. A
//! translation inherits the original's language-neutral front matter,
//! drafts and pages dated in the future are left out, plain dates are
//! anchored in the site's time zone, and each page gets its URL and its
//! translations. Groups are linked in parallel; dev mode reuses a group
//! whose files are unchanged.

// Fx: these maps are hashed on every dev-mode save, by short keys.
use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::Arc;

use rayon::prelude::*;

use super::cache::Linked;
use super::front_matter::{Date, FrontMatter};
use super::parse::ParsedPage;
use super::walk::SourceFile;
use super::{CoverImage, LeftOut, LoadOptions, Page, Translation, Why};
use crate::config::Config;
use crate::error::{Error, Errors};
use crate::markdown::Rendered;
use crate::msg;
use crate::text::is_cjk;
use crate::urls;

/// The pages of one article in its languages.
type Group = Arc<[Arc<Page>]>;

/// Links translations, applies inheritance, leaves out drafts and future
/// pages (saying which) and gives URLs. With `linked` (dev mode), a group
/// whose files are unchanged is taken from it as it was made last time.
pub(super) fn link(
    config: &Config,
    parsed: Vec<Arc<ParsedPage>>,
    options: LoadOptions,
    linked: Option<&mut Linked>,
) -> Result<SiteLinks, Errors> {
    // The groups by key, each in language order. (The walk lists files by
    // key already, so the stable sort by key is one pass.)
    let mut sorted: Vec<&Arc<ParsedPage>> = parsed.iter().collect();
    sorted.sort_by(|a, b| a.file.key.cmp(&b.file.key));
    for group in sorted.chunk_by_mut(|a, b| a.file.key == b.file.key) {
        group.sort_by_key(|p| p.file.lang);
    }
    let groups: Vec<&[&Arc<ParsedPage>]> =
        sorted.chunk_by(|a, b| a.file.key == b.file.key).collect();
    let previous = linked.as_deref();
    // Each group: its fingerprint, what it left out, when its next page
    // is due, its pages.
    type Made = (u64, Vec<LeftOut>, Option<Instant>, Result<Group, Errors>);
    let made: Vec<Made> = groups
        .into_par_iter()
        .map(|group| {
            let fingerprint = fingerprint(group);
            if let Some(pages) = previous.and_then(|l| l.get(&fingerprint)) {
                return (fingerprint, Vec::new(), None, Ok(pages.clone()));
            }
            match link_group(config, group, fingerprint, options) {
                Ok((pages, left, due)) => (fingerprint, left, due, Ok(pages)),
                Err(e) => (fingerprint, Vec::new(), None, Err(e)),
            }
        })
        .collect();
    let mut errors = Errors::new();
    let mut pages = Vec::new();
    let mut kept = HashMap::default();
    let mut left_out = Vec::new();
    let mut soonest: Option<Instant> = None;
    for (fingerprint, left, due, result) in made {
        soonest = soonest.into_iter().chain(due).min();
        match result {
            Ok(group) => {
                pages.extend(group.iter().cloned());
                if previous.is_some() && timeless(&left, &group) {
                    kept.insert(fingerprint, group);
                }
            }
            Err(e) => errors.extend(e),
        }
        left_out.extend(left);
    }
    if let Some(linked) = linked {
        *linked = kept;
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(errors);
    }
    // Newest first; pages of one date by key, then in language order: the
    // order the groups were made in (by key, each in language order), which
    // a stable sort keeps.
    pages.sort_by_key(|p| std::cmp::Reverse(p.date));
    left_out.sort();
    Ok((pages, left_out, soonest))
}

/// A group is made of its files only: they fingerprint it. (xxh3 of the
/// bytes: a `Path` hashes component by component.)
fn fingerprint(group: &[&Arc<ParsedPage>]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
    for p in group {
        let source = p.file.source.as_os_str().as_encoded_bytes();
        (source, p.generation).hash(&mut hasher);
    }
    hasher.digest()
}

/// Whether a group stays as linked while its files do: nothing left out
/// and nothing dated ahead (tomorrow's page is looked at again on each
/// rebuild).
fn timeless(left: &[LeftOut], group: &[Arc<Page>]) -> bool {
    left.is_empty() && group.iter().all(|p| !p.future)
}

/// Dev mode: one group linked again after some of its files were read
/// again, and kept with the linked groups (the caller drops the old). `None`
/// when the group is no longer timeless (a page left out or dated ahead):
/// only a whole load says what that changes.
pub(super) fn relink(
    config: &Config,
    group: &[&Arc<ParsedPage>],
    options: LoadOptions,
    linked: &mut Linked,
) -> Option<Result<Group, Errors>> {
    let fingerprint = fingerprint(group);
    let (pages, left, _) = match link_group(config, group, fingerprint, options) {
        Ok(made) => made,
        Err(e) => return Some(Err(e)),
    };
    if !timeless(&left, &pages) {
        return None;
    }
    linked.insert(fingerprint, pages.clone());
    Some(Ok(pages))
}

/// The pages of a site, newest first, the files left out, and when the
/// first page dated ahead is due.
type SiteLinks = (Vec<Arc<Page>>, Vec<LeftOut>, Option<Instant>);

/// One article's pages, the files left out, and when the first page dated
/// ahead is due.
type Linking = (Group, Vec<LeftOut>, Option<Instant>);

type Instant = chrono::DateTime<chrono::FixedOffset>;

/// One article in every language it has, in language order, and the files
/// left out (drafts, dates ahead).
fn link_group(
    config: &Config,
    group: &[&Arc<ParsedPage>],
    fingerprint: u64,
    options: LoadOptions,
) -> Result<Linking, Errors> {
    let now = chrono::Utc::now();
    // A plain date is published on that day where the site is (its time
    // zone), whatever the machine building it is set to.
    let today = now.with_timezone(&config.timezone).date_naive();
    let mut errors = Errors::new();
    let mut left = Vec::new();
    let mut soonest = None;
    // The original: the default language's version, else the first.
    let original_fm = group[0].fm.clone();
    let original_cover = group[0].cover.clone();
    let mut built = Vec::new();
    for (i, &p) in group.iter().enumerate() {
        let p = ParsedPage::clone(p);
        let is_cjk_lang = is_cjk_locale(&config.lang(p.file.lang).locale);
        let mut fm = p.fm;
        let mut cover = p.cover;
        if i > 0 {
            inherit(&mut fm, &original_fm, is_cjk_lang);
            if cover.is_none() {
                cover = original_cover.clone();
            }
        }
        let Some(date) = fm.date else {
            errors.push(Error::new(&p.file.source, msg!("page-no-date")).at(1, 1));
            continue;
        };
        let date = date.in_zone(config.timezone);
        let draft = fm.draft.unwrap_or(false);
        let future = if date.date_only {
            date.naive_date() > today
        } else {
            date.at > now
        };
        if future {
            soonest = Some(soonest.map_or(date.at, |s: Instant| s.min(date.at)));
        }
        if !options.drafts && (draft || future) {
            let why = if draft { Why::Draft } else { Why::Future };
            left.push(LeftOut {
                source: p.file.source,
                why,
            });
            continue;
        }
        match page_url(config, &p.file, fm.slug.as_deref()) {
            Ok(url) => {
                let mut page = make_page(config, p.file, fm, cover, p.body, date, url);
                page.future = future;
                built.push(page);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let translations: Vec<Translation> = built
        .iter()
        .map(|p: &Page| Translation {
            lang: p.lang,
            url: p.url.clone(),
        })
        .collect();
    for page in &mut built {
        page.fingerprint = fingerprint;
        page.translations = translations
            .iter()
            .filter(|t| t.lang != page.lang)
            .cloned()
            .collect();
    }
    Ok((built.into_iter().map(Arc::new).collect(), left, soonest))
}

fn is_cjk_locale(locale: &str) -> bool {
    matches!(locale.get(..2), Some("zh" | "ja" | "ko"))
}

/// A translation takes the original's language-neutral fields it does not
/// set itself. Tags come along only when they read the same in both
/// languages: words in the translation's own script, or no letters at all.
fn inherit(t: &mut FrontMatter, o: &FrontMatter, cjk_target: bool) {
    t.date = t.date.or(o.date);
    t.updated = t.updated.or(o.updated);
    t.weight = t.weight.or(o.weight);
    t.featured = t.featured.or(o.featured);
    t.draft = t.draft.or(o.draft);
    if t.cover.is_none() {
        t.cover = o.cover.clone();
    }
    if t.tags.is_none()
        && let Some(tags) = &o.tags
    {
        let same_words = |tag: &&String| {
            let letters: Vec<char> = tag.chars().filter(|c| c.is_alphabetic()).collect();
            letters.is_empty() || letters.iter().all(|&c| is_cjk(c) == cjk_target)
        };
        t.tags = Some(tags.iter().filter(same_words).cloned().collect());
    }
}

/// The page's URL path: its key, with `slug` replacing the last part.
fn page_url(config: &Config, file: &SourceFile, slug: Option<&str>) -> Result<String, Error> {
    let lang = config.lang(file.lang);
    let key = match slug {
        None => return Ok(urls::page(lang, &file.key)),
        Some(s) if s.is_empty() || s.contains(['/', '\\', '?', '#']) || s == "." || s == ".." => {
            return Err(Error::new(&file.source, msg!("slug-segment", slug = s)).at(1, 1));
        }
        Some(s) => match file.key.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{s}"),
            None => s.to_string(),
        },
    };
    Ok(urls::page(lang, &key))
}

fn make_page(
    config: &Config,
    file: SourceFile,
    fm: FrontMatter,
    cover: Option<CoverImage>,
    body: Arc<Rendered>,
    date: Date,
    url: String,
) -> Page {
    // A cover the text does not show goes above it (the body was rendered
    // knowing that: its first photo then loads lazily).
    let show_cover = cover
        .as_ref()
        .is_some_and(|c| body.images.iter().all(|i| i.url != c.url));
    // An empty `summary: ""` or `author: ""` (as `new` writes them) means
    // "not given", not an empty description or a byline without a name.
    let own_summary = fm.summary.filter(|s| !s.trim().is_empty());
    let standfirst = own_summary.is_some();
    let summary = own_summary.unwrap_or_else(|| body.summary.clone());
    let section = match file.key.split_once('/') {
        Some((s, _)) => s.to_string(),
        None => String::new(),
    };
    let zone = config.timezone;
    Page {
        reading_minutes: body.count.reading_minutes(),
        extra: serde_json::to_value(&fm.extra).unwrap_or_default(),
        source: file.source,
        lang: file.lang,
        key: file.key,
        section,
        url,
        title: fm.title,
        date,
        updated: fm.updated.map(|d| d.in_zone(zone)),
        summary,
        standfirst,
        author: fm
            .author
            .map(|a| a.into_vec())
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !a.trim().is_empty())
            .collect(),
        location: fm.location.unwrap_or_default(),
        tags: fm.tags.unwrap_or_default(),
        og_image: og_image(config, cover.as_ref(), &body),
        cover,
        show_cover,
        photo_credit: fm.photo_credit.unwrap_or_default(),
        draft: fm.draft.unwrap_or(false),
        future: false,
        weight: fm.weight.unwrap_or(0),
        featured: fm.featured.unwrap_or(false),
        aliases: fm.aliases,
        corrections: (fm.corrections.into_iter())
            .map(|mut c| {
                c.date = c.date.in_zone(zone);
                c
            })
            .collect(),
        body,
        translations: Vec::new(),
        fingerprint: 0,
    }
}

/// The social-card image: the cover's crop, else the first photo's; an
/// external image as it is.
fn og_image(config: &Config, cover: Option<&CoverImage>, body: &Rendered) -> Option<String> {
    let first = cover
        .map(|c| (&c.url, &c.photo))
        .or(body.images.first().map(|i| (&i.url, &i.photo)))?;
    Some(match first {
        (_, Some(photo)) => format!("{}{}", config.base_path, photo.og.path),
        (url, None) => url.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_inherits_neutral_fields_and_same_script_tags() {
        let o = FrontMatter {
            title: "原文".into(),
            date: Date::parse("2021-12-31"),
            featured: Some(true),
            tags: Some(vec!["劳动竞赛".into(), "ACFTU".into(), "2021".into()]),
            ..Default::default()
        };
        let mut t = FrontMatter {
            title: "Original".into(),
            ..Default::default()
        };
        inherit(&mut t, &o, false);
        assert_eq!(t.date, o.date);
        assert_eq!(t.featured, Some(true));
        assert_eq!(t.tags.unwrap(), vec!["ACFTU", "2021"]);
        let mut own = FrontMatter {
            title: "x".into(),
            tags: Some(vec!["Skills".into()]),
            featured: Some(false),
            ..Default::default()
        };
        inherit(&mut own, &o, false);
        assert_eq!(own.tags.unwrap(), vec!["Skills"]);
        assert_eq!(own.featured, Some(false));
    }
}
