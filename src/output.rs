//! The write stage. Builds update the output folder in place: a file whose
//! bytes did not change is left alone and files no longer produced are
//! removed, so a rebuild of a large site writes (and the file system frees)
//! only what changed. Everything that can fail before writing (content,
//! templates, photos, missing copy sources) is found before the first byte
//! is written, so a failed build leaves the previous output untouched. An
//! output folder unionpress did not create is never cleared.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;

/// Marks a folder as unionpress output, so it may be updated and cleared.
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

/// Makes `out` hold exactly `files` (and the marker). Files already there
/// with the same content are not rewritten.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
    check_replaceable(out)?;
    let dirs = check_paths(files)?;
    // A copy whose source vanished fails here, before anything is written.
    for f in files {
        if let Data::Copy(src) | Data::Cached(src) = &f.data {
            fs::metadata(src).map_err(|e| copy_error(src, e))?;
        }
    }
    let existing = existing_files(out)?;
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    update(
        &out.join(MARKER),
        &Data::Static(
            b"This folder is written by unionpress and cleared of stale files on every build.\n",
        ),
    )?;
    // Stale files go first: one may stand where a folder is now needed.
    let produced: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let stale: Vec<&str> = (existing.iter().map(String::as_str))
        .filter(|p| !produced.contains(p))
        .collect();
    remove_files(out, &stale)?;
    // Parents before children: sorted, and each level in parallel.
    let mut by_depth: Vec<Vec<&str>> = Vec::new();
    for dir in dirs {
        let depth = dir.matches('/').count();
        if by_depth.len() <= depth {
            by_depth.resize(depth + 1, Vec::new());
        }
        by_depth[depth].push(dir);
    }
    for level in by_depth {
        level.par_iter().try_for_each(|dir| {
            let d = out.join(dir);
            match fs::create_dir(&d) {
                Ok(()) => Ok(()),
                Err(_) if d.is_dir() => Ok(()),
                Err(e) => Err(Error::io(&d, e)),
            }
        })?;
    }
    files
        .par_iter()
        .try_for_each(|f| update(&out.join(&f.path), &f.data))?;
    Ok(())
}

/// The folders `files` need, after checking no path leaves the output.
fn check_paths(files: &[OutputFile]) -> Result<BTreeSet<&str>, Error> {
    let mut dirs = BTreeSet::new();
    for f in files {
        if f.path
            .split('/')
            .any(|part| part == ".." || part.is_empty())
            || f.path.starts_with('/')
            || f.path == MARKER
        {
            return Err(Error::new(
                &f.path,
                "internal error: output path escapes the output folder",
            ));
        }
        for dir in parents(&f.path) {
            // Its parents are in already.
            if !dirs.insert(dir) {
                break;
            }
        }
    }
    Ok(dirs)
}

/// Files under `out` (paths relative to it, `/`-separated), the marker
/// left out. Empty when `out` does not exist yet.
fn existing_files(out: &Path) -> Result<Vec<String>, Error> {
    if !out.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| Error::new(out, format!("cannot read the output: {e}")))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel != MARKER {
            found.push(rel);
        }
    }
    Ok(found)
}

/// Writes `data` to `target` unless it already holds exactly that.
fn update(target: &Path, data: &Data) -> Result<(), Error> {
    let unchanged = match data {
        Data::Bytes(b) => holds(target, b),
        Data::Static(b) => holds(target, b),
        Data::Copy(src) => same_bytes_as_file(target, src),
        Data::Cached(src) => same_file(target, src),
    };
    if unchanged {
        return Ok(());
    }
    // A hard link into the photo cache must not be written through.
    let _ = fs::remove_file(target);
    put(target, data).map_err(|e| match data {
        Data::Copy(src) | Data::Cached(src) => copy_error(src, e),
        _ => Error::io(target, e),
    })
}

/// Writes `data` as the file `target`: bytes, a copy, or for a cache file a
/// hard link where the file system allows.
fn put(target: &Path, data: &Data) -> std::io::Result<()> {
    match data {
        Data::Bytes(b) => fs::write(target, b),
        Data::Static(b) => fs::write(target, b),
        Data::Copy(src) => fs::copy(src, target).map(|_| ()),
        Data::Cached(src) => {
            fs::hard_link(src, target).or_else(|_| fs::copy(src, target).map(|_| ()))
        }
    }
}

fn copy_error(src: &Path, e: std::io::Error) -> Error {
    Error::new(src, format!("cannot copy to the output: {e}"))
}

/// Whether the file at `path` holds exactly `bytes` (sizes first, so a
/// changed file is seldom read).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut current = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut current).is_ok() && current == bytes
}

fn same_bytes_as_file(target: &Path, src: &Path) -> bool {
    fs::read(src).is_ok_and(|b| holds(target, &b))
}

/// Whether `a` and `b` are the same file (a hard link made earlier).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        same_bytes_as_file(a, b)
    }
}

/// Removes the files at `paths` under `root` (those already gone are
/// fine), then the folders that left empty, so a deleted page's URL is a
/// 404 and not an empty listing.
fn remove_files(root: &Path, paths: &[&str]) -> Result<(), Error> {
    paths.par_iter().try_for_each(|p| {
        let target = root.join(p);
        match fs::remove_file(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&target, e)),
            _ => Ok(()),
        }
    })?;
    let dirs: BTreeSet<&str> = paths.iter().flat_map(|p| parents(p)).collect();
    // Deepest first: a child sorts after its parent.
    for dir in dirs.iter().rev() {
        // Fails, as it should, when the folder is not empty.
        let _ = fs::remove_dir(root.join(dir));
    }
    Ok(())
}

/// The folders above a `/`-separated path, nearest first:
/// `news/x/index.html` → `news/x`, `news`.
fn parents(path: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(path.rsplit_once('/').map(|(d, _)| d), |d| {
        d.rsplit_once('/').map(|(p, _)| p)
    })
}

/// An output folder may be updated if it is missing, empty, or ours.
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
        remove_files(
            &self.root,
            &gone.iter().map(String::as_str).collect::<Vec<_>>(),
        )?;
        for path in gone {
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
        put(&tmp, &f.data)
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
        let err = write_site(&out, &[OutputFile::new("index.html", "new"), bad]).unwrap_err();
        assert!(err.path.ends_with("missing.jpg"), "{err:?}");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "nothing beside"
        );
    }

    #[test]
    fn paths_that_leave_the_output_or_take_the_marker_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for bad in ["../x", "/etc/x", "a//b", MARKER] {
            let err = write_site(&out, &[OutputFile::new(bad, "x")]).unwrap_err();
            assert!(err.message.contains("escapes"), "{bad}: {err:?}");
        }
        assert!(!out.exists(), "nothing is written");
        assert_eq!(
            parents("news/x/index.html").collect::<Vec<_>>(),
            ["news/x", "news"]
        );
        assert_eq!(parents("index.html").count(), 0);
    }

    #[test]
    fn unchanged_files_are_left_alone_and_changed_ones_replaced() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = |home: &str| {
            vec![
                OutputFile::new("index.html", home),
                OutputFile::new("news/a/index.html", "a"),
            ]
        };
        write_site(&out, &site("one")).unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        for f in ["index.html", "news/a/index.html"] {
            fs::File::options()
                .write(true)
                .open(out.join(f))
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write_site(&out, &site("two")).unwrap();
        let modified = |f: &str| fs::metadata(out.join(f)).unwrap().modified().unwrap();
        assert_eq!(
            modified("news/a/index.html"),
            old,
            "same bytes: not rewritten"
        );
        assert_ne!(modified("index.html"), old);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");

        // A file where a folder is now needed, and the other way round.
        write_site(&out, &[OutputFile::new("news", "x")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("news")).unwrap(), "x");
        write_site(&out, &site("three")).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("news/a/index.html")).unwrap(),
            "a"
        );
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
