//! The write stage. Builds are atomic (everything goes to a staging folder
//! that replaces the output only when complete), safe (an output folder
//! unionpress did not create is never cleared) and parallel.

use std::collections::{BTreeSet, HashMap, HashSet};
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

/// An output folder kept up to date file by file (dev mode): a file is
/// written only when its content changed, files no longer produced are
/// removed. Each write replaces the file in one step (written beside it,
/// then renamed), so a server reading the folder never sees half a file.
pub struct Mirror {
    root: PathBuf,
    /// What each file holds: a hash of its bytes or of its source's stamp.
    files: HashMap<String, u64>,
}

impl Mirror {
    /// `root` must be a folder only this mirror writes to.
    pub fn new(root: PathBuf) -> Self {
        Mirror {
            root,
            files: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Makes the folder hold `files` and the `unchanged` paths it already
    /// has, nothing else. Returns the paths written or removed, sorted.
    pub fn apply(
        &mut self,
        files: &[OutputFile],
        unchanged: &[String],
    ) -> Result<Vec<String>, Error> {
        let keyed: Vec<(&OutputFile, u64)> =
            files.par_iter().map(|f| (f, content_key(f))).collect();
        let to_write: Vec<&(&OutputFile, u64)> = keyed
            .iter()
            .filter(|(f, key)| self.files.get(&f.path) != Some(key))
            .collect();
        to_write.par_iter().try_for_each(|(f, _)| self.write(f))?;
        let keep: HashSet<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .chain(unchanged.iter().map(String::as_str))
            .collect();
        let mut changed: Vec<String> = to_write.iter().map(|(f, _)| f.path.clone()).collect();
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|p| !keep.contains(p.as_str()))
            .cloned()
            .collect();
        for path in gone {
            let target = self.root.join(&path);
            match fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&target, e)),
            }
            // Empty folders go too, so a deleted page's URL is a 404.
            let mut dir = target.parent();
            while let Some(d) = dir.filter(|d| *d != self.root) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
            self.files.remove(&path);
            changed.push(path);
        }
        for (f, key) in keyed {
            self.files.insert(f.path.clone(), key);
        }
        changed.sort();
        Ok(changed)
    }

    fn write(&self, f: &OutputFile) -> Result<(), Error> {
        let target = self.root.join(&f.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let tmp = target.with_file_name(format!(
            ".{}.unionpress-tmp",
            target.file_name().unwrap_or_default().to_string_lossy()
        ));
        let _ = fs::remove_file(&tmp);
        match &f.data {
            Data::Bytes(b) => fs::write(&tmp, b),
            Data::Static(b) => fs::write(&tmp, b),
            Data::Copy(src) => fs::copy(src, &tmp).map(|_| ()),
            Data::Cached(src) => {
                fs::hard_link(src, &tmp).or_else(|_| fs::copy(src, &tmp).map(|_| ()))
            }
        }
        .and_then(|()| fs::rename(&tmp, &target))
        .map_err(|e| Error::io(&target, e))
    }
}

/// What an output file holds, hashed: its bytes, or its source's path,
/// size and modification time.
fn content_key(f: &OutputFile) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    match &f.data {
        // Megabytes of feeds and sitemaps on every rebuild: a fast hash.
        Data::Bytes(b) => xxhash_rust::xxh3::xxh3_64(b),
        Data::Static(b) => xxhash_rust::xxh3::xxh3_64(b),
        Data::Copy(src) | Data::Cached(src) => {
            let mut h = DefaultHasher::new();
            src.hash(&mut h);
            if let Ok(meta) = fs::metadata(src) {
                meta.len().hash(&mut h);
                meta.modified().ok().hash(&mut h);
            }
            h.finish()
        }
    }
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

    #[test]
    fn mirror_writes_only_what_changed_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Mirror::new(dir.path().to_path_buf());
        let a = OutputFile::new("news/a/index.html", "a");
        let b = OutputFile::new("news/b/index.html", "b");
        assert_eq!(
            m.apply(&[a.clone(), b.clone()], &[]).unwrap(),
            ["news/a/index.html", "news/b/index.html"]
        );
        let a2 = OutputFile::new("news/a/index.html", "a2");
        assert_eq!(
            m.apply(&[a2, b.clone()], &[]).unwrap(),
            ["news/a/index.html"]
        );
        // `b` left out as unchanged stays; `a` no longer produced goes,
        // with its folder.
        assert_eq!(
            m.apply(&[], std::slice::from_ref(&b.path)).unwrap(),
            ["news/a/index.html"]
        );
        assert!(!dir.path().join("news/a").exists());
        assert_eq!(
            fs::read_to_string(dir.path().join("news/b/index.html")).unwrap(),
            "b"
        );
    }
}
