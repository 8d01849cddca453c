//! The bottom of the house: where a site keeps its sources (the folder
//! names every stage agrees on), the file-system helpers the stages share,
//! and the plain type of a file to write ([`OutputFile`]). Nothing here
//! knows about pages.

use std::path::{Path, PathBuf};

use crate::error::{Error, io_reason};
use crate::msg;

/// The site configuration, in the site root.
pub const CONFIG_FILE: &str = "site.yaml";
/// Markdown and the files pages use, one folder per section.
pub const CONTENT_DIR: &str = "content";
/// Themes by name: `themes/default/`.
pub const THEMES_DIR: &str = "themes";
/// The site's own files, copied as they are to the output root.
pub const STATIC_DIR: &str = "static";
/// Encoded photo variants kept between builds.
pub const CACHE_DIR: &str = ".unionpress-cache/images";

/// One file of the built site, as stages pass it on to the write.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative to the output root, `/`-separated: `en/news/x/index.html`.
    pub path: String,
    pub data: Data,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Bytes(Vec<u8>),
    Static(&'static [u8]),
    /// Copied from this file (a file of the site, or of the photo cache:
    /// a copy, never a link, so editing the output cannot change a source).
    Copy(PathBuf),
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        let mut bytes = bytes.into();
        // Held until every output is made: a rendered page's spare
        // capacity (up to its size again) is memory for nothing.
        bytes.shrink_to_fit();
        OutputFile {
            path: path.into(),
            data: Data::Bytes(bytes),
        }
    }
}

/// A path relative to `root` for messages; unchanged when outside it.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Editor backups, swap files and hidden files are never part of a site.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name.ends_with(".swp")
}

/// The files below `dir` in a stable order, each as (`/`-separated path
/// relative to `dir`, full path), editor backups and hidden files left out.
/// Unreadable entries are reported with their path.
pub fn files_under(dir: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    let mut files = Vec::new();
    for entry in walk(dir) {
        let entry = entry.map_err(|e| walk_error(dir, e))?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("walkdir stays below its root");
            files.push((slash_path(rel), entry.path().to_path_buf()));
        }
    }
    Ok(files)
}

/// A sorted walk of `dir` that skips ignored names below it.
pub fn walk(dir: &Path) -> impl Iterator<Item = walkdir::Result<walkdir::DirEntry>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
}

/// A failed walk step as an error on the entry that failed.
pub fn walk_error(dir: &Path, e: walkdir::Error) -> Error {
    let path = e
        .path()
        .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
    let why = match e.io_error() {
        Some(io) => io_reason(io),
        None => msg!("walk-loop"),
    };
    Error::new(path, why)
}

/// A relative path with `/` separators on every platform.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads a file that must be UTF-8; says where the first bad byte is.
/// `shown` is the path errors name.
pub fn read_utf8(abs: &Path, shown: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(abs).map_err(|e| Error::io(shown, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Error::new(shown, msg!("not-utf8")).at(line, column)
    })
}

/// The 1-based line of `source` (a file of the site) that first holds
/// `needle`, for problems found after the file was read (an alias, a
/// cover); 1 when not found.
pub fn line_of(root: &Path, source: &Path, needle: &str) -> usize {
    std::fs::read_to_string(root.join(source))
        .ok()
        .and_then(|text| text.lines().position(|l| l.contains(needle)))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_utf8_is_reported_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, b"---\ntitle: \xb9\xa4\n").unwrap();
        let e = read_utf8(&f, Path::new("a.md")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.to_string().contains("not valid UTF-8"));
    }

    #[test]
    fn backups_and_hidden_files_are_ignored() {
        for name in [".git", "#a.md#", "a.md~", ".a.md.swp", "b.swp"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("index.zh.md"));
    }
}
