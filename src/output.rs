//! The write stage. Builds are atomic (everything goes to a staging folder
//! that replaces the output only when complete), safe (an output folder
//! unionpress did not create is never cleared) and parallel.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;

/// Marks a folder as unionpress output, so it may be replaced.
pub const MARKER: &str = ".unionpress-output";

/// One file of the built site.
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
    /// Copied from this file.
    Copy(PathBuf),
    /// A file in the image cache: hard-linked where the file system allows
    /// (cache files are never changed in place), else copied.
    Cached(PathBuf),
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            data: Data::Bytes(bytes.into()),
        }
    }
}

/// Writes `files` as the complete content of `out`. On any failure the
/// previous content of `out` is left as it was.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
    check_replaceable(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
    let staging = parent.join(format!(".{name}.staging"));
    if staging.exists() {
        // Left by an interrupted build; ours by name and marker.
        check_replaceable(&staging)?;
        fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    let written = write_all(&staging, files);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap_in(&staging, out, &parent.join(format!(".{name}.old")))
}

/// An output folder may be replaced if it is missing, empty, or ours.
fn check_replaceable(out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Error::new(
            out,
            "the output path is a file, not a folder; choose another --out",
        ));
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(Error::new(
        out,
        format!(
            "refusing to replace this folder: it holds files unionpress did not write (no {MARKER} marker). \
             Choose another --out, or empty it yourself"
        ),
    ))
}

fn write_all(staging: &Path, files: &[OutputFile]) -> Result<(), Error> {
    let mut dirs = BTreeSet::new();
    for f in files {
        if f.path
            .split('/')
            .any(|part| part == ".." || part.is_empty())
            || f.path.starts_with('/')
        {
            return Err(Error::new(
                &f.path,
                "internal error: output path escapes the output folder",
            ));
        }
        if let Some((dir, _)) = f.path.rsplit_once('/') {
            dirs.insert(dir);
        }
    }
    fs::create_dir_all(staging).map_err(|e| Error::io(staging, e))?;
    for dir in dirs {
        let d = staging.join(dir);
        fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    files.par_iter().try_for_each(|f| {
        let target = staging.join(&f.path);
        match &f.data {
            Data::Bytes(b) => fs::write(&target, b),
            Data::Static(b) => fs::write(&target, b),
            Data::Copy(src) => fs::copy(src, &target).map(|_| ()),
            Data::Cached(src) => {
                fs::hard_link(src, &target).or_else(|_| fs::copy(src, &target).map(|_| ()))
            }
        }
        .map_err(|e| match &f.data {
            Data::Copy(src) | Data::Cached(src) => {
                Error::new(src, format!("cannot copy to the output: {e}"))
            }
            _ => Error::io(&target, e),
        })
    })?;
    let marker = staging.join(MARKER);
    fs::write(
        &marker,
        "This folder is written by unionpress and replaced on every build.\n",
    )
    .map_err(|e| Error::io(&marker, e))
}

/// Puts `staging` in place of `out`; the old output is removed afterwards.
fn swap_in(staging: &Path, out: &Path, old: &Path) -> Result<(), Error> {
    if old.exists() {
        fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    let had_output = out.exists();
    if had_output {
        fs::rename(out, old).map_err(|e| Error::io(out, e))?;
    }
    if let Err(e) = fs::rename(staging, out) {
        if had_output {
            let _ = fs::rename(old, out);
        }
        return Err(Error::io(out, e));
    }
    if had_output {
        fs::remove_dir_all(old).map_err(|e| Error::io(old, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_own_output_and_refuses_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("a/index.html", "one")]).unwrap();
        write_site(&out, &[OutputFile::new("b.txt", "two")]).unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "two");

        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        fs::write(home.join("thesis.doc"), "years of work").unwrap();
        let err = write_site(&home, &[OutputFile::new("x", "y")]).unwrap_err();
        assert!(err.message.contains("refusing"));
        assert_eq!(
            fs::read_to_string(home.join("thesis.doc")).unwrap(),
            "years of work"
        );
        assert!(!dir.path().join(".home.staging").exists());
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("index.html", "good")]).unwrap();
        let bad = OutputFile {
            path: "x.jpg".into(),
            data: Data::Copy(dir.path().join("missing.jpg")),
        };
        assert!(write_site(&out, &[OutputFile::new("index.html", "new"), bad]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert!(!dir.path().join(".public.staging").exists());
    }
}
