//! Dev mode's served folder, kept up to date file by file: a file is written
//! only when its content changed, files no longer produced are removed, and
//! each write replaces the file in one step.

// Fx: these maps are hashed on every dev-mode save, by short keys.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Data, OutputFile, put, remove_files};
use crate::error::Error;

/// An output folder kept up to date file by file (dev mode): a file is
/// written only when its content changed, files no longer produced are
/// removed. Each write replaces the file in one step (written beside it,
/// then renamed), so a server reading the folder never sees half a file.
pub struct Mirror {
    root: PathBuf,
    /// What each file holds: a hash of its bytes.
    files: HashMap<String, u64>,
    /// The hash of each file copied, with the stamp it was read at.
    copied: HashMap<PathBuf, (Stamp, u64)>,
}

/// A copied file's stamp and the hash of its bytes, read now.
type Read = (Stamp, u64);

/// What identifies one state of a file's bytes without reading them. The
/// change time is part of it: a tool may put an old modification time back
/// (`cp -p`, `rsync -t`, `touch -r`), but every write sets the change time
/// to now and nothing can set it back, so an equal stamp means equal bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    #[cfg(unix)]
    changed: (i64, i64, u64, u64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = fs::metadata(path).ok()?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec(), meta.ino(), meta.dev()),
        })
    }
}

impl Mirror {
    /// `root` must be a folder only this mirror writes to.
    pub fn new(root: PathBuf) -> Self {
        Mirror {
            root,
            files: HashMap::default(),
            copied: HashMap::default(),
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
        let mut changed = self.put(files)?;
        let keep: HashSet<&str> = files
            .iter()
            .map(|f| f.path.as_str())
            .chain(unchanged.iter().map(String::as_str))
            .collect();
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
        changed.sort();
        Ok(changed)
    }

    /// Writes those of `files` whose content changed, leaving every other
    /// file as it is. Returns the paths written, in `files`' order.
    pub fn put(&mut self, files: &[OutputFile]) -> Result<Vec<String>, Error> {
        let keyed: Vec<(&OutputFile, u64, Option<Read>)> = files
            .par_iter()
            .map(|f| {
                let (key, read) = self.content_key(f);
                (f, key, read)
            })
            .collect();
        let to_write: Vec<&OutputFile> = keyed
            .iter()
            .filter(|(f, key, _)| self.files.get(&f.path) != Some(key))
            .map(|(f, _, _)| *f)
            .collect();
        to_write.par_iter().try_for_each(|f| self.write(f))?;
        let written = to_write.iter().map(|f| f.path.clone()).collect();
        for (f, key, read) in keyed {
            self.files.insert(f.path.clone(), key);
            if let (Data::Copy(src), Some(read)) = (&f.data, read) {
                self.copied.insert(src.clone(), read);
            }
        }
        Ok(written)
    }

    /// What an output file holds, hashed (megabytes of feeds and sitemaps
    /// on every rebuild: a fast hash), and for a copy the hash read now. A
    /// copied file is read again only when its stamp changed.
    fn content_key(&self, f: &OutputFile) -> (u64, Option<Read>) {
        match &f.data {
            Data::Bytes(b) => (xxhash_rust::xxh3::xxh3_64(b), None),
            Data::Static(b) => (xxhash_rust::xxh3::xxh3_64(b), None),
            Data::Copy(src) => {
                let stamp = Stamp::of(src);
                if let (Some(stamp), Some((was, hash))) = (stamp, self.copied.get(src))
                    && stamp == *was
                {
                    return (*hash, None);
                }
                // Unreadable now: the write below reports it.
                let hash = fs::read(src).map_or(0, |b| xxhash_rust::xxh3::xxh3_64(&b));
                (hash, stamp.map(|s| (s, hash)))
            }
        }
    }

    /// Makes `folder` (`search/zh/`) hold exactly `files` (all inside it),
    /// leaving the rest of the site as it is. Returns the paths written or
    /// removed, sorted.
    pub fn replace_folder(
        &mut self,
        folder: &str,
        files: &[OutputFile],
    ) -> Result<Vec<String>, Error> {
        let others: Vec<String> = (self.files.keys())
            .filter(|p| !p.starts_with(folder))
            .cloned()
            .collect();
        self.apply(files, &others)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copied_file_changed_to_the_same_size_and_old_time_is_copied_again() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("style.css");
        fs::write(&src, "a { color: red }").unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        let set_old = || {
            fs::File::options()
                .write(true)
                .open(&src)
                .unwrap()
                .set_modified(old)
                .unwrap()
        };
        set_old();
        let out = dir.path().join("out");
        let mut m = Mirror::new(out.clone());
        let file = OutputFile {
            path: "style.css".into(),
            data: Data::Copy(src.clone()),
        };
        m.apply(std::slice::from_ref(&file), &[]).unwrap();
        // `cp -p` of a file with the same size: the old time comes back.
        fs::write(&src, "a { color: tan }").unwrap();
        set_old();
        assert_eq!(
            m.apply(std::slice::from_ref(&file), &[]).unwrap(),
            ["style.css"]
        );
        assert_eq!(
            fs::read_to_string(out.join("style.css")).unwrap(),
            "a { color: tan }"
        );
        assert!(m.apply(&[file], &[]).unwrap().is_empty(), "unchanged now");
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
