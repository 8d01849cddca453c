//! The walk of `content/`: which files are Markdown sources (pages and
//! section intros, with their language from the file name) and which are
//! files pages use (photos, PDFs), in a stable order.

use std::path::{Path, PathBuf};

use super::Asset;
use crate::config::{Config, LangId};
use crate::error::{Error, Errors};
use crate::files::{CONTENT_DIR, relative, walk_files};
use crate::messages::Message;
use crate::msg;

/// What a Markdown file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Page,
    Section,
}

/// A Markdown source of the site.
#[derive(Debug, Clone)]
pub(super) struct SourceFile {
    /// Relative to the site root.
    pub source: PathBuf,
    /// Relative to `content/`, `/`-separated, without language and `.md`.
    pub key: String,
    pub lang: LangId,
    pub kind: Kind,
    /// The folder holding the file, relative to `content/`: references in
    /// the file resolve against it.
    pub dir: String,
}

/// A walk of `content/`: Markdown sources and other files.
pub(super) type Listing = (Vec<SourceFile>, Vec<Asset>);

/// Walks `content/` in a stable order: Markdown sources and other files.
pub(super) fn discover(config: &Config) -> Result<Listing, Errors> {
    let dir = config.root.join(CONTENT_DIR);
    if !dir.is_dir() {
        return Err(Errors::from(Error::new(CONTENT_DIR, msg!("no-content"))));
    }
    let mut sources = Vec::new();
    let mut assets = Vec::new();
    let mut errors = Errors::new();
    for entry in walk_files(&dir) {
        let (path, full) = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(Error::new(relative(&config.root, &e.path), e.message));
                continue;
            }
        };
        let source = Path::new(CONTENT_DIR).join(
            full.strip_prefix(&dir)
                .expect("the walk stays inside content/"),
        );
        if path.ends_with(".md") {
            match classify(config, &path) {
                Ok((key, lang, kind)) => {
                    let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                    sources.push(SourceFile {
                        source,
                        key,
                        lang,
                        kind,
                        dir,
                    })
                }
                // The file name is the problem: point at the file's start,
                // as other file-level errors do (`path:1:1: error: ...`).
                Err(message) => errors.push(Error::new(source, message).at(1, 1)),
            }
        } else {
            assets.push(Asset { source: full, path });
        }
    }
    if errors.is_empty() {
        Ok((sources, assets))
    } else {
        Err(errors)
    }
}

/// `news/x/index.en.md` → (`news/x`, en, page); `news/_index.md` →
/// (`news`, the default language, section).
pub(super) fn classify(config: &Config, path: &str) -> Result<(String, LangId, Kind), Message> {
    let stem = path.strip_suffix(".md").unwrap_or(path);
    let (dir, name) = match stem.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => ("", stem),
    };
    let (base, lang) = match name.rsplit_once('.') {
        Some((base, suffix)) if config.language(suffix).is_some() => {
            (base, config.language(suffix).expect("just found").id)
        }
        Some((_, suffix)) if looks_like_language(suffix) => {
            let languages = (config.languages.iter())
                .map(|l| l.code.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(msg!(
                "file-language-unknown",
                code = suffix,
                languages = languages
            ));
        }
        _ => (name, config.default_language().id),
    };
    match base {
        "_index" => Ok((dir.to_string(), lang, Kind::Section)),
        "index" if dir.is_empty() => Err(msg!("file-home-index")),
        "index" => Ok((dir.to_string(), lang, Kind::Page)),
        _ if base.is_empty() || base.contains('.') => {
            Err(msg!("file-name-unclear", name = format!("{name}.md")))
        }
        _ if dir.is_empty() => Ok((base.to_string(), lang, Kind::Page)),
        _ => Ok((format!("{dir}/{base}"), lang, Kind::Page)),
    }
}

fn looks_like_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_bundles_single_files_and_sections() {
        let c = super::super::tests::config();
        let (zh, en) = (c.languages[0].id, c.languages[1].id);
        assert_eq!(
            classify(&c, "news/x/index.en.md").unwrap(),
            ("news/x".into(), en, Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/x/index.md").unwrap(),
            ("news/x".into(), zh, Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/y.zh.md").unwrap(),
            ("news/y".into(), zh, Kind::Page)
        );
        assert_eq!(
            classify(&c, "news/_index.en.md").unwrap(),
            ("news".into(), en, Kind::Section)
        );
        assert_eq!(
            classify(&c, "_index.md").unwrap(),
            ("".into(), zh, Kind::Section)
        );
        assert_eq!(
            classify(&c, "about.md").unwrap(),
            ("about".into(), zh, Kind::Page)
        );
        assert!(
            classify(&c, "news/y.fr.md")
                .unwrap_err()
                .to_string()
                .contains("`fr` is not configured")
        );
    }
}
