//! Reading one Markdown file: its front matter and body (Markdown with the
//! newsroom extensions), and every file it refers to resolved to where it
//! is published. All problems of the file are reported together.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};
use std::sync::{Arc, Mutex};

use super::front_matter::{self, FrontMatter, SectionMatter};
use super::walk::{Kind, SourceFile};
use super::{CoverImage, PictureSource, SectionIndex};
use crate::config::Config;
use crate::error::{Error, Errors, key_line};
use crate::files::read_utf8;
use crate::images::{Focus, Photo};
use crate::markdown::{self, Rendered, Resolved};
use crate::messages::Message;
use crate::metrics::NumberStyle;
use crate::msg;
use crate::urls::percent_decode;

/// A page as read from its file, before translations are linked.
#[derive(Clone)]
pub(super) struct ParsedPage {
    pub file: SourceFile,
    pub fm: FrontMatter,
    pub cover: Option<CoverImage>,
    pub body: Arc<Rendered>,
    /// Unique per reading of the file (see [`super::Page::fingerprint`]).
    pub generation: u64,
}

impl ParsedPage {
    /// Its cover's URL: what a translation without its own inherits.
    pub fn cover_url(&self) -> Option<String> {
        self.cover.as_ref().map(|c| c.url.clone())
    }
}

#[derive(Clone)]
pub(super) enum Parsed {
    /// Shared with the dev server's cache of parsed files.
    Page(Arc<ParsedPage>),
    Section(SectionIndex),
}

/// The non-Markdown files of `content/`: photos probed (header read,
/// variants planned, or why they can't be used), others by path.
pub(super) struct Files {
    pub all: HashSet<Box<str>>,
    pub photos: HashMap<Box<str>, Result<Arc<Photo>, Message>>,
}

/// Reads one Markdown file: front matter, body, images. Reports all problems.
/// Every file the page refers to goes into `seen` (for the dev cache).
/// `inherited` is the URL of the cover a translation without its own takes
/// from its original: the text's first photo then waits like the others.
/// Unless `publish`, the text's HTML is not made (`check`).
pub(super) fn parse_file(
    config: &Config,
    files: &Files,
    file: SourceFile,
    seen: &Mutex<Vec<String>>,
    inherited: Option<String>,
    publish: bool,
) -> Result<Parsed, Errors> {
    let path = file.source.clone();
    let text = read_utf8(&config.root.join(&path), &path).map_err(Errors::from)?;
    let (yaml, body, body_line) = front_matter::split(&path, &text).map_err(Errors::from)?;
    let numbers = NumberStyle::for_locale(&config.lang(file.lang).locale, config.compact_numbers);
    let resolve = |src: &str| resolve_file(config, files, &file.dir, src, seen);
    let mut cx = markdown::Context {
        path: &path,
        first_line: body_line,
        numbers,
        resolve_image: &resolve,
        base_path: &config.base_path,
        cover: None,
        html: publish,
    };

    match file.kind {
        Kind::Section => {
            let fm: SectionMatter = front_matter::parse(&path, &yaml).map_err(Errors::from)?;
            let rendered = markdown::render(&body, &cx)?;
            Ok(Parsed::Section(SectionIndex {
                source: path.clone(),
                lang: file.lang,
                key: file.key,
                title: fm.title,
                description: fm.description.unwrap_or(rendered.summary),
                weight: fm.weight.unwrap_or(0),
                html: rendered.html,
                links: rendered.links,
                extra: yaml_to_json(&path, fm.extra).map_err(Errors::from)?,
            }))
        }
        Kind::Page => {
            let fm_result: Result<FrontMatter, Error> = front_matter::parse(&path, &yaml);
            let mut errors = Errors::new();
            let cover = match fm_result.as_ref().ok().and_then(|fm| fm.cover.as_ref()) {
                Some(c) => match resolve(&c.src).and_then(|r| CoverImage::new(config, c, r)) {
                    Ok(cover) => Some(cover),
                    Err(m) => {
                        errors.push(
                            Error::new(&path, msg!("cover-problem", reason = m))
                                .at(key_line(&yaml, "cover").map_or(1, |l| l + 1), 1),
                        );
                        None
                    }
                },
                None => None,
            };
            cx.cover = cover
                .as_ref()
                .map(|c| c.url.as_str())
                .or(inherited.as_deref());
            let body_result = markdown::render(&body, &cx);
            let fm = fm_result.map_err(|e| errors.push(e));
            let body = body_result.map_err(|e| errors.extend(e));
            match (fm, body) {
                (Ok(fm), Ok(body)) if errors.is_empty() => Ok(Parsed::Page(Arc::new(ParsedPage {
                    file,
                    fm,
                    cover,
                    body: Arc::new(body),
                    generation: 0,
                }))),
                _ => Err(errors),
            }
        }
    }
}

impl CoverImage {
    fn new(
        config: &Config,
        cover: &front_matter::Cover,
        mut r: Resolved,
    ) -> Result<CoverImage, Message> {
        if let Some(focus) = &cover.focus {
            let focus = Focus::parse(focus)?;
            r.photo = r.photo.map(|p| Arc::new(p.with_focus(focus)));
        }
        let photo = r.photo.as_ref();
        Ok(CoverImage {
            srcset: photo
                .map(|p| p.srcset(&config.base_path))
                .unwrap_or_default(),
            sources: photo
                .map(|p| {
                    p.source_sets(&config.base_path)
                        .into_iter()
                        .map(|(mime, srcset)| PictureSource { mime, srcset })
                        .collect()
                })
                .unwrap_or_default(),
            style: photo.and_then(|p| p.style()).unwrap_or_default(),
            width: photo.map_or(0, |p| p.src().width),
            height: photo.map_or(0, |p| p.src().height),
            url: r.url,
            alt: cover.alt.clone(),
            caption: cover.caption.clone(),
            credit: cover.credit.clone(),
            photo: r.photo,
        })
    }
}

/// Resolves a file reference in a page in `dir` (relative to `content/`) to
/// its URL. External and root-relative URLs are left as written.
pub(super) fn resolve_file(
    config: &Config,
    files: &Files,
    dir: &str,
    src: &str,
    seen: &Mutex<Vec<String>>,
) -> Result<Resolved, Message> {
    if src.is_empty() {
        return Err(msg!("image-no-path"));
    }
    if src.contains("://")
        || src.starts_with("//")
        || src.starts_with("data:")
        || src.starts_with('/')
    {
        return Ok(Resolved {
            url: src.to_string(),
            photo: None,
        });
    }
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let decoded = percent_decode(path);
    let joined = if dir.is_empty() {
        decoded.clone()
    } else {
        format!("{dir}/{decoded}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(&joined).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str().unwrap_or("")),
            Component::ParentDir if parts.pop().is_some() => {}
            Component::CurDir => {}
            _ => return Err(msg!("file-outside", src = src)),
        }
    }
    let normal = parts.join("/");
    if let Ok(mut seen) = seen.lock() {
        seen.push(normal.clone());
    }
    match files.photos.get(normal.as_str()) {
        Some(Ok(photo)) => Ok(Resolved {
            url: format!("{}{}", config.base_path, photo.src().path),
            photo: Some(photo.clone()),
        }),
        Some(Err(why)) => Err(why.clone()),
        None if files.all.contains(normal.as_str()) => Ok(Resolved {
            url: format!("{}{normal}", config.base_path),
            photo: None,
        }),
        None => Err(msg!(
            "file-not-found",
            src = src,
            looked = format!("content/{normal}"),
            hint = nearest_file(files, &normal)
        )),
    }
}

/// "; did you mean `photo.jpg`?" for the file of the same folder nearest a
/// missing one: the same name but for case first (file names are
/// case-sensitive on the web, not on an editor's Mac or PC), else a typo.
fn nearest_file(files: &Files, missing: &str) -> Message {
    let (dir, name) = missing.rsplit_once('/').unwrap_or(("", missing));
    let siblings = files.all.iter().filter_map(|f| {
        let (d, n) = f.rsplit_once('/').unwrap_or(("", f));
        (d == dir).then_some(n)
    });
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for sibling in siblings {
        let distance = if sibling.to_lowercase() == lower {
            0
        } else {
            strsim::levenshtein(name, sibling)
        };
        if distance <= 2.max(name.chars().count() / 5) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, sibling));
        }
    }
    match best {
        Some((0, found)) => msg!("hint-file-case", name = found),
        Some((_, found)) => msg!("hint-file-near", name = found),
        None => msg!("hint-none"),
    }
}

fn yaml_to_json(path: &Path, extra: serde_yaml::Mapping) -> Result<serde_json::Value, Error> {
    serde_json::to_value(extra)
        .map_err(|e| Error::new(path, msg!("extra-unusable", reason = e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_bundle_files_and_rejects_escapes() {
        let c = super::super::tests::config();
        // Non-photo files resolve to themselves; photos are tested through
        // whole builds, since they need real image files.
        let files = Files {
            all: ["news/x/a.pdf", "news/图.pdf"]
                .map(Box::from)
                .into_iter()
                .collect(),
            photos: HashMap::new(),
        };
        let url = |dir: &str, src: &str| {
            resolve_file(&c, &files, dir, src, &Mutex::default()).map(|r| r.url)
        };
        assert_eq!(url("news/x", "a.pdf").unwrap(), "/news/x/a.pdf");
        assert_eq!(url("news/x", "./a.pdf").unwrap(), "/news/x/a.pdf");
        assert_eq!(url("news/x", "../%E5%9B%BE.pdf").unwrap(), "/news/图.pdf");
        assert!(
            url("news/x", "b.jpg")
                .unwrap_err()
                .to_string()
                .contains("not found")
        );
        assert!(
            url("news", "../../etc/passwd")
                .unwrap_err()
                .to_string()
                .contains("outside")
        );
        assert_eq!(
            url("news", "https://e.org/a.png").unwrap(),
            "https://e.org/a.png"
        );
    }
}
