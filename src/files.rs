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
    walk_files(dir).into_iter().collect()
}

/// A walk of the files below `dir` in the order of a sorted depth-first
/// walk (each folder's entries by name, a folder's files in its place),
/// names [`is_ignored`] left out, links not followed. Each file as
/// (`/`-separated path relative to `dir`, full path), or why a folder
/// could not be read. Folders are read in parallel: a site of 10,000
/// articles has 5,000 of them, and a serial walk was a tenth of `check`.
pub fn walk_files(dir: &Path) -> Vec<Result<(String, PathBuf), Error>> {
    walk_below(dir, String::new())
}

fn walk_below(dir: &Path, rel: String) -> Vec<Result<(String, PathBuf), Error>> {
    use rayon::prelude::*;
    let fail = |path: &Path, e: std::io::Error| vec![Err(Error::new(path, io_reason(&e)))];
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) => return fail(dir, e),
    };
    let mut entries = Vec::new();
    for entry in read {
        let entry = match entry.and_then(|e| Ok((e.file_name(), e.file_type()?))) {
            Ok(entry) => entry,
            Err(e) => return fail(dir, e),
        };
        if !is_ignored(&entry.0.to_string_lossy()) {
            entries.push(entry);
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let below: Vec<Vec<_>> = entries
        .into_par_iter()
        .map(|(name, kind)| {
            let path = dir.join(&name);
            let name = name.to_string_lossy();
            let rel = if rel.is_empty() {
                name.into_owned()
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                walk_below(&path, rel)
            } else if kind.is_file() {
                vec![Ok((rel, path))]
            } else {
                Vec::new()
            }
        })
        .collect();
    below.into_iter().flatten().collect()
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

    #[test]
    fn the_walk_is_sorted_depth_first_and_leaves_out_ignored_names_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "b.md",
            "a/2.md",
            "a/10.md",
            "a/1.md",
            "a/.x.md.swp",
            "a/x.md~",
            "c/d/e.md",
            "c/f.md",
            ".git/config",
            "#d/x.md",
            "工会/新闻.md",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("link")).unwrap();
            std::os::unix::fs::symlink(root.join("b.md"), root.join("c/to-b.md")).unwrap();
        }
        let walked: Vec<String> = (walk_files(root).into_iter())
            .map(|r| {
                let (rel, full) = r.unwrap();
                assert_eq!(full, root.join(&rel));
                rel
            })
            .collect();
        // By name (bytes), each folder's files where the folder sorts.
        let expected = [
            "a/1.md",
            "a/10.md",
            "a/2.md",
            "b.md",
            "c/d/e.md",
            "c/f.md",
            "工会/新闻.md",
        ];
        assert_eq!(walked, expected);
        // The order of walkdir's sorted walk.
        let sorted: Vec<String> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| slash_path(e.path().strip_prefix(root).unwrap()))
            .collect();
        assert_eq!(walked, sorted);
    }

    #[test]
    fn a_folder_that_cannot_be_read_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("content");
        let walked = walk_files(&gone);
        assert_eq!(walked.len(), 1);
        let e = walked.into_iter().next().unwrap().unwrap_err();
        assert_eq!(e.path, gone);
        assert!(files_under(&gone).is_err());
    }
}
