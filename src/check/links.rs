//! Links, images and anchors of every page resolve to something the build
//! writes. What exists comes from the render [`Plan`], the renderer's own
//! list.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::config::Config;
use crate::content::Page;
use crate::content::Site;
use crate::error::{Error, Errors};
use crate::files::line_of;
use crate::markdown::LinkUse;
use crate::markdown::ids_in;
use crate::messages::Message;
use crate::msg;
use crate::render::Plan;
use crate::theme::Theme;
use crate::urls::{self, index_file, is_external, percent_decode};

mod memo;

use memo::Checked;
pub(super) use memo::{Memo, recheck};

/// What a link may point at.
struct Targets<'a> {
    base_path: &'a str,
    /// Each language's URL prefix: "" for the default language, `en/`.
    prefixes: Vec<&'a str>,
    /// Every file the build writes, decoded.
    files: Files<'a>,
    pages: &'a [Arc<Page>],
    /// Indices into `pages` by URL path (`news/x/`), for anchors.
    by_url: ByUrl<'a>,
    /// Ids the article template gives every article (`main`).
    template_ids: HashSet<String>,
}

/// Made now, or kept by the memo (dev mode's [`recheck`] has no plan).
enum Kept<'a, Made, Memo> {
    Made(Made),
    Memo(&'a Memo),
}

type Files<'a> = Kept<'a, FxHashSet<&'a str>, FxHashSet<Box<str>>>;
type ByUrl<'a> = Kept<'a, FxHashMap<&'a str, usize>, FxHashMap<Box<str>, usize>>;

impl<'a> Files<'a> {
    fn get(&self, path: &str) -> Option<&'a str> {
        match self {
            Kept::Made(set) => set.get(path).copied(),
            Kept::Memo(set) => set.get(path).map(|p| &**p),
        }
    }
}

impl ByUrl<'_> {
    fn get(&self, url: &str) -> Option<usize> {
        match self {
            Kept::Made(map) => map.get(url).copied(),
            Kept::Memo(map) => map.get(url).copied(),
        }
    }

    fn urls(&self) -> Vec<&str> {
        match self {
            Kept::Made(map) => map.keys().copied().collect(),
            Kept::Memo(map) => map.keys().map(|u| &**u).collect(),
        }
    }
}

/// Where a link leads.
enum Target {
    /// Another site, `mailto:`: not checked.
    External,
    /// An article, by index.
    Page(usize),
    /// A file or document that is not an article (a list, a feed, a PDF).
    File,
    /// Nothing is published there; why, for the message.
    Missing(Message),
}

/// Every broken link, image and anchor of the pages and list intros. With
/// `memo` (dev mode), an article whose findings cannot have changed is not
/// checked again.
pub(super) fn check(
    config: &Config,
    site: &Site,
    theme: &Theme,
    plan: &Plan,
    memo: Option<&mut Memo>,
) -> Errors {
    let by_url = (site.pages.iter().enumerate())
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    let (files, by_url) = (Kept::Made(plan.paths().collect()), Kept::Made(by_url));
    let targets = Targets::new(config, site, theme, files, by_url);
    let key = memo.as_ref().map(|_| targets.key(plan));
    let kept = memo.as_deref().filter(|m| Some(m.key) == key);
    // Each page's findings, and for those checked now what they used.
    let made: Vec<(Errors, Option<Vec<usize>>)> = (0..site.pages.len())
        .into_par_iter()
        .map(|i| {
            if let Some(found) = kept.and_then(|m| targets.still(m, i)) {
                return (found.clone(), None);
            }
            let mut anchors_in = Vec::new();
            (targets.page(config, i, &mut anchors_in), Some(anchors_in))
        })
        .collect();
    if let (Some(memo), Some(key)) = (memo, key) {
        if memo.key != key {
            memo.pages.clear();
            memo.anchored_by.clear();
            memo.key = key;
            if let (Kept::Made(files), Kept::Made(by_url)) = (&targets.files, &targets.by_url) {
                memo.files = files.iter().map(|&f| Box::from(f)).collect();
                memo.by_url = by_url.iter().map(|(&u, &i)| (Box::from(u), i)).collect();
            }
        }
        for (i, (found, used)) in made.iter().enumerate() {
            if let Some(used) = used {
                let page = &site.pages[i];
                let kept = Checked {
                    page: page.clone(),
                    anchors_in: used.iter().map(|&j| site.pages[j].clone()).collect(),
                    found: found.clone(),
                };
                memo.keep(&page.url, kept);
            }
        }
        if memo.pages.len() > site.pages.len() {
            memo.pages
                .retain(|url, _| targets.by_url.get(url).is_some());
        }
    }
    let mut errors: Errors = made.into_iter().flat_map(|(found, _)| found).collect();
    for s in &site.sections {
        let url = urls::section(config.lang(s.lang), &s.key);
        errors.extend(targets.links(&s.source, &url, &s.links, &mut Vec::new()));
    }
    errors
}

impl<'a> Targets<'a> {
    fn new(
        config: &'a Config,
        site: &'a Site,
        theme: &Theme,
        files: Files<'a>,
        by_url: ByUrl<'a>,
    ) -> Self {
        Targets {
            base_path: &config.base_path,
            prefixes: config.languages.iter().map(|l| l.prefix.as_str()).collect(),
            files,
            pages: &site.pages,
            by_url,
            template_ids: template_ids(theme, "page.html"),
        }
    }

    /// A hash of everything a link resolves against but the articles'
    /// ids: the files written, the articles' URLs, the template's ids.
    fn key(&self, plan: &Plan) -> u64 {
        let mut h = FxHasher::default();
        (self.base_path, &self.prefixes).hash(&mut h);
        plan.paths().for_each(|p| p.hash(&mut h));
        self.pages.iter().for_each(|p| p.url.hash(&mut h));
        let mut ids: Vec<&String> = self.template_ids.iter().collect();
        ids.sort();
        ids.hash(&mut h);
        h.finish()
    }

    /// Page `i`'s findings as `memo` has them, if they still hold: the
    /// same page, whose anchors point into the same pages.
    fn still<'m>(&self, memo: &'m Memo, i: usize) -> Option<&'m Errors> {
        let page = &self.pages[i];
        let kept = memo.pages.get(&page.url)?;
        let same = |a: &Arc<Page>| {
            let now = self.by_url.get(&a.url);
            now.is_some_and(|j| Arc::ptr_eq(&self.pages[j], a))
        };
        (Arc::ptr_eq(&kept.page, page) && kept.anchors_in.iter().all(same)).then_some(&kept.found)
    }

    /// The broken links, images and anchors of page `i`; `anchors_in`
    /// gets the articles whose ids it looked up.
    fn page(&self, config: &Config, i: usize, anchors_in: &mut Vec<usize>) -> Errors {
        let page = &self.pages[i];
        let mut errors = self.links(&page.source, &page.url, &page.body.links, anchors_in);
        for image in page.body.images.iter().filter(|i| i.photo.is_none()) {
            if let (Target::Missing(why), _) = self.resolve(&page.url, &image.url) {
                errors.push(
                    Error::new(
                        &page.source,
                        msg!("broken-image", src = &image.src, why = why),
                    )
                    .at(image.line, image.column)
                    .code("broken-image"),
                );
            }
        }
        if let Some(cover) = page.cover.as_ref().filter(|c| c.photo.is_none())
            && let (Target::Missing(why), _) = self.resolve(&page.url, &cover.url)
        {
            let line = line_of(&config.root, &page.source, "cover:");
            errors.push(
                Error::new(
                    &page.source,
                    msg!("broken-cover", src = &cover.url, why = why),
                )
                .at(line, 1)
                .code("broken-image"),
            );
        }
        errors
    }

    /// The broken links and anchors of the text of `source`, published at
    /// URL path `url`.
    fn links(
        &self,
        source: &Path,
        url: &str,
        links: &[LinkUse],
        anchors_in: &mut Vec<usize>,
    ) -> Errors {
        let mut errors = Errors::new();
        for link in links {
            let (target, fragment) = self.resolve(url, &link.href);
            let at = |message: Message, code| {
                Error::new(source, message)
                    .at(link.line, link.column)
                    .code(code)
            };
            match target {
                Target::Missing(why) => errors.push(at(
                    msg!("broken-link", href = &link.href, why = why),
                    "broken-link",
                )),
                Target::Page(target) => {
                    let Some(id) = fragment.filter(|f| !f.is_empty()) else {
                        continue;
                    };
                    anchors_in.push(target);
                    let id = percent_decode(id);
                    if self.has_id(target, &id) {
                        continue;
                    }
                    let hint = self.did_you_mean(target, &id);
                    let message = if self.pages[target].url == url {
                        msg!(
                            "broken-anchor-here",
                            href = &link.href,
                            id = &id,
                            hint = hint
                        )
                    } else {
                        let source = &self.pages[target].source;
                        msg!(
                            "broken-anchor",
                            href = &link.href,
                            source = source,
                            id = &id,
                            hint = hint
                        )
                    };
                    errors.push(at(message, "broken-anchor"));
                }
                Target::External | Target::File => {}
            }
        }
        errors
    }

    /// What `href`, as published at URL path `from`, points at, and its
    /// fragment.
    fn resolve<'h>(&self, from: &str, href: &'h str) -> (Target, Option<&'h str>) {
        if is_external(href) {
            return (Target::External, None);
        }
        let (rest, fragment) = match href.split_once('#') {
            Some((r, f)) => (r, Some(f)),
            None => (href, None),
        };
        let path = rest.split('?').next().unwrap_or(rest);
        let joined = if path.is_empty() {
            from.to_string()
        } else if path.starts_with('/') {
            match path.strip_prefix(self.base_path) {
                Some(inside) => inside.to_string(),
                None => {
                    let why = msg!("link-outside-base", base = self.base_path);
                    return (Target::Missing(why), fragment);
                }
            }
        } else {
            format!("{from}{path}")
        };
        // Most links need neither decoding nor `..` resolved.
        let decoded = match joined.contains('%') {
            true => Cow::Owned(percent_decode(&joined)),
            false => Cow::Borrowed(joined.as_str()),
        };
        let segments = decoded.split('/').count();
        let plain = (decoded.split('/').enumerate())
            .all(|(i, s)| s != "." && s != ".." && (!s.is_empty() || i + 1 == segments));
        let normal = match plain {
            true => decoded,
            false => match normalize(&decoded) {
                Some(n) => Cow::Owned(n),
                None => {
                    let why = msg!("link-above-root");
                    return (Target::Missing(why), fragment);
                }
            },
        };
        let target = match self.find(&normal) {
            Some(file) => match file.strip_suffix("index.html") {
                Some(url) => self.by_url.get(url).map_or(Target::File, Target::Page),
                None => Target::File,
            },
            None => {
                let hint = (self.in_another_language(&normal))
                    .or_else(|| self.nearest_page(&normal))
                    .unwrap_or_else(|| msg!("hint-none"));
                let address = format!("{}{normal}", self.base_path);
                Target::Missing(msg!("link-nothing-there", address = address, hint = hint))
            }
        };
        (target, fragment)
    }

    /// "; did you mean /news/first-article/?" for the article of the same
    /// folder whose last part is nearest a missing one's (a typo in a
    /// slug), if one is near; none for short names, where any is near.
    fn nearest_page(&self, path: &str) -> Option<Message> {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let path = path.trim_end_matches('/');
        let (dir, slug) = path.rsplit_once('/').unwrap_or(("", path));
        let most = slug.chars().count() / 4;
        if most == 0 {
            return None;
        }
        self.by_url
            .urls()
            .into_iter()
            .filter_map(|url| {
                let (d, s) = url
                    .trim_end_matches('/')
                    .rsplit_once('/')
                    .unwrap_or(("", url));
                (d == dir).then(|| (strsim::levenshtein(slug, s), url))
            })
            .filter(|(d, _)| (1..=most).contains(d))
            .min()
            .map(|(_, url)| {
                msg!(
                    "hint-page-near",
                    address = format!("{}{url}", self.base_path)
                )
            })
    }

    /// "; /news/x/ exists (another language)" when the missing path is
    /// published in another language: a translation's relative link to a
    /// page not translated yet.
    fn in_another_language(&self, path: &str) -> Option<Message> {
        let bare = (self.prefixes.iter())
            .filter(|p| !p.is_empty())
            .find_map(|p| path.strip_prefix(p))
            .unwrap_or(path);
        (self.prefixes.iter())
            .map(|p| format!("{p}{bare}"))
            .find(|other| other != path && self.find(other).is_some())
            .map(|other| {
                msg!(
                    "hint-other-language",
                    address = format!("{}{other}", self.base_path)
                )
            })
    }

    /// The file a decoded path relative to the site root is served from: a
    /// folder's `index.html` (also without its final `/`, as hosts redirect).
    fn find(&self, path: &str) -> Option<&'a str> {
        if path.is_empty() || path.ends_with('/') {
            return self.files.get(index_file(path).as_str());
        }
        (self.files.get(path)).or_else(|| self.files.get(index_file(&format!("{path}/")).as_str()))
    }

    /// Whether article `i` has the id: its text's (headings, `{#custom}`,
    /// footnotes, HTML) or its template's.
    fn has_id(&self, i: usize, id: &str) -> bool {
        self.template_ids.contains(id)
            || self
                .text_ids(i)
                .binary_search_by(|k| k.as_str().cmp(id))
                .is_ok()
    }

    fn text_ids(&self, i: usize) -> &[String] {
        &self.pages[i].body.ids
    }

    /// "; did you mean `x`?" for the nearest id of article `i`, if one is near.
    fn did_you_mean(&self, i: usize, id: &str) -> Message {
        self.template_ids
            .iter()
            .chain(self.text_ids(i))
            .map(|k| (strsim::damerau_levenshtein(id, k), k))
            .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
            .min()
            .map_or_else(|| msg!("hint-none"), |(_, k)| msg!("hint-id-near", id = k))
    }
}

/// `news/x/../y/./` → `news/y/`; None when `..` leads above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, s) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        match *s {
            "." | "" if !last => {}
            ".." => {
                parts.pop()?;
                if last {
                    parts.push("");
                }
            }
            "." => parts.push(""),
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The literal ids of template `name` and the templates it extends and
/// includes.
fn template_ids(theme: &Theme, name: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut todo = vec![name.to_string()];
    let mut done = HashSet::new();
    while let Some(name) = todo.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some((_, source)) = theme.templates.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        ids.extend(ids_in(source));
        for keyword in ["extends \"", "include \""] {
            for (i, m) in source.match_indices(keyword) {
                let rest = &source[i + m.len()..];
                if let Some(end) = rest.find('"') {
                    todo.push(rest[..end].to_string());
                }
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_like_a_browser() {
        assert_eq!(normalize("news/x/../y/").as_deref(), Some("news/y/"));
        assert_eq!(normalize("news/x/./a.pdf").as_deref(), Some("news/x/a.pdf"));
        assert_eq!(normalize("news/x/..").as_deref(), Some("news/"));
        assert_eq!(normalize("en/news/x/../../../").as_deref(), Some(""));
        assert_eq!(normalize("news/x/../../../y/"), None);
        assert_eq!(normalize("").as_deref(), Some(""));
    }

    #[test]
    fn ids_in_html() {
        let ids: Vec<String> =
            ids_in("<h2 id=\"以思想\">x</h2><div id=\"a&amp;b\"><p id=\"{{ x }}\">").collect();
        assert_eq!(ids, ["以思想", "a&b"]);
    }
}
