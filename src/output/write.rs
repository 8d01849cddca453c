//! Builds update the output folder in place, file by file as the render
//! makes them ([`Stream`]), so a page's bytes are not held until the whole
//! site is rendered. A failed build still changes nothing:
//!
//! - a file new to the folder is written where it belongs, and removed
//!   again if the build fails ([`Stream::abort`]);
//! - a file that is there with other bytes gets its new bytes beside it
//!   (`<name>.unionpress-new`), renamed over it only once the whole build
//!   succeeded ([`Stream::commit`]);
//! - a file that is there with the same bytes is left alone;
//! - stale files are removed only on commit, and a file that needs the
//!   place of one (a folder where a stale file stands, or the other way
//!   round) waits in memory until then.
//!
//! An output folder unionpress did not create is never written to. A build
//! killed half-way leaves new files and `.unionpress-new` files; the next
//! build treats them as its own (the marker is written first) and removes
//! what it does not produce.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{OutputFile, holds_data, parents, put, remove_files, written_error};
use crate::error::{Error, io_reason};
use crate::messages::Message;
use crate::msg;

/// Marks a folder as unionpress output, so it may be updated and cleared.
pub const MARKER: &str = ".unionpress-output";

/// Where a changed file's new bytes wait for the commit.
const PENDING: &str = ".unionpress-new";

/// An output folder being written as files come ([`Stream::put`]), then
/// committed or aborted.
pub struct Stream {
    out: PathBuf,
    /// Files in the folder when the build started (the marker left out).
    existing: HashSet<String>,
    /// Whether the build made the folder (an abort removes it again).
    made_out: bool,
    /// Whether the build wrote the marker.
    made_marker: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Every path put so far (to find the stale files, and twice-put ones).
    produced: HashSet<String>,
    /// Folders known to exist.
    dirs: HashSet<String>,
    /// Folders this build made (in the order threads made them: a child
    /// may come before its parent, which another thread made).
    made_dirs: Vec<String>,
    /// Files new to the folder, written in place.
    made_files: Vec<String>,
    /// Files there with other bytes: their new bytes are at `<path>.unionpress-new`.
    pending: Vec<String>,
    /// Files whose place a stale file or folder holds until the commit.
    waiting: Vec<OutputFile>,
}

impl Stream {
    /// Opens `out` for a build: refuses a folder unionpress did not make,
    /// lists what is there, and makes the folder and its marker.
    pub fn open(out: &Path) -> Result<Stream, Error> {
        check_replaceable(out)?;
        let existing = existing_files(out)?;
        let made_out = !out.exists();
        fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let marker = out.join(MARKER);
        let stream = Stream {
            out: out.to_path_buf(),
            made_out,
            made_marker: !marker.is_file(),
            state: Mutex::new(State {
                dirs: existing
                    .iter()
                    .flat_map(|p| parents(p))
                    .map(String::from)
                    .collect(),
                ..State::default()
            }),
            existing: existing.into_iter().collect(),
        };
        if stream.made_marker
            && let Err(e) = fs::write(&marker, MARKER_TEXT)
        {
            stream.abort();
            return Err(Error::io(&marker, e));
        }
        Ok(stream)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes one file of the build (see the module comment for where).
    pub fn put(&self, file: OutputFile) -> Result<(), Error> {
        check_path(&file.path)?;
        // The plan gives every output one source; a second one is ignored.
        if !self.state().produced.insert(file.path.clone()) {
            return Ok(());
        }
        let target = self.out.join(&file.path);
        if self.existing.contains(&file.path) {
            if holds_data(&target, &file.data) {
                return Ok(());
            }
            let beside = pending_path(&target);
            put(&beside, &file.data).map_err(|e| written_error(&target, &file.data, e))?;
            self.state().pending.push(file.path);
            return Ok(());
        }
        if !self.make_parents(&file.path)? {
            self.state().waiting.push(file);
            return Ok(());
        }
        match put(&target, &file.data) {
            Ok(()) => {
                self.state().made_files.push(file.path);
                Ok(())
            }
            // A stale folder stands where the file goes.
            Err(_) if target.is_dir() => {
                self.state().waiting.push(file);
                Ok(())
            }
            Err(e) => Err(written_error(&target, &file.data, e)),
        }
    }

    /// Makes the folders above `path`; false when a stale file stands
    /// where one of them goes (the file then waits for the commit).
    fn make_parents(&self, path: &str) -> Result<bool, Error> {
        let needed: Vec<&str> = {
            let state = self.state();
            parents(path)
                .take_while(|d| !state.dirs.contains(*d))
                .collect()
        };
        // Parents first.
        for dir in needed.into_iter().rev() {
            let full = self.out.join(dir);
            match fs::create_dir(&full) {
                Ok(()) => {
                    let mut state = self.state();
                    state.made_dirs.push(dir.to_string());
                    state.dirs.insert(dir.to_string());
                }
                Err(_) if full.is_dir() => {
                    self.state().dirs.insert(dir.to_string());
                }
                Err(_) if full.is_file() && self.existing.contains(dir) => return Ok(false),
                Err(e) => return Err(Error::io(&full, e)),
            }
        }
        Ok(true)
    }

    /// Ends a good build: changed files take their new bytes, stale files
    /// go, and files that waited for their place are written.
    pub fn commit(self) -> Result<(), Error> {
        let state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let out = &self.out;
        state.pending.par_iter().try_for_each(|p| {
            let target = out.join(p);
            fs::rename(pending_path(&target), &target).map_err(|e| Error::io(&target, e))
        })?;
        let stale: Vec<&str> = (self.existing.iter())
            .filter(|p| !state.produced.contains(*p))
            .map(String::as_str)
            .collect();
        remove_files(out, &stale)?;
        for f in &state.waiting {
            let target = out.join(&f.path);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            put(&target, &f.data).map_err(|e| written_error(&target, &f.data, e))?;
        }
        Ok(())
    }

    /// Ends a failed build: removes what it wrote, so the folder is as it
    /// was (best effort: what cannot be removed stays, and the next build
    /// removes it).
    pub fn abort(self) {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let out = &self.out;
        (state.made_files.par_iter()).for_each(|p| drop(fs::remove_file(out.join(p))));
        (state.pending.par_iter()).for_each(|p| drop(fs::remove_file(pending_path(&out.join(p)))));
        // Deepest first (a child sorts after its parent): a parent pushed
        // after its child would not be empty yet, and would stay.
        state.made_dirs.sort_unstable();
        for dir in state.made_dirs.iter().rev() {
            let _ = fs::remove_dir(out.join(dir));
        }
        if self.made_marker {
            let _ = fs::remove_file(out.join(MARKER));
        }
        if self.made_out {
            let _ = fs::remove_dir(out);
        }
    }
}

const MARKER_TEXT: &[u8] =
    b"This folder is written by unionpress and cleared of stale files on every build.\n";

/// Where the new bytes of the file at `target` wait for the commit.
fn pending_path(target: &Path) -> PathBuf {
    let mut name = target.as_os_str().to_owned();
    name.push(PENDING);
    PathBuf::from(name)
}

/// Refuses a path that would leave the output folder or take the marker.
fn check_path(path: &str) -> Result<(), Error> {
    if path.split('/').any(|part| part == ".." || part.is_empty())
        || path.starts_with('/')
        || path == MARKER
    {
        return Err(Error::new(path, msg!("output-escapes")));
    }
    Ok(())
}

/// What `out` holds: its files (the marker left out), paths relative to
/// it, `/`-separated. Empty when `out` does not exist.
fn existing_files(out: &Path) -> Result<Vec<String>, Error> {
    let mut found = Vec::new();
    if !out.exists() {
        return Ok(found);
    }
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| {
            let reason = e
                .io_error()
                .map_or_else(|| Message::raw(e.to_string()), io_reason);
            Error::new(out, msg!("output-unreadable", reason = reason))
        })?;
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_dir() && rel != MARKER {
            found.push(rel);
        }
    }
    Ok(found)
}

/// An output folder may be updated if it is missing, empty, or ours.
fn check_replaceable(out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Error::new(out, msg!("output-is-file")));
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(Error::new(out, msg!("output-foreign", marker = MARKER)))
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Data;

    /// Makes `out` hold exactly `files` (and the marker), as a build does.
    fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
        let stream = Stream::open(out)?;
        match files.iter().try_for_each(|f| stream.put(f.clone())) {
            Ok(()) => stream.commit(),
            Err(e) => {
                stream.abort();
                Err(e)
            }
        }
    }

    #[test]
    fn an_abort_removes_folders_made_in_any_order() {
        // Two threads put `news/a/…` and `news/b/…`: the second may record
        // `news/b` before the first records `news`, which it made first.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stream = Stream::open(&out).unwrap();
        for made in ["news", "news/b"] {
            fs::create_dir(out.join(made)).unwrap();
        }
        fs::write(out.join("news/b/index.html"), "x").unwrap();
        {
            let mut state = stream.state();
            state.made_dirs = vec!["news/b".into(), "news".into()];
            state.made_files.push("news/b/index.html".into());
        }
        stream.abort();
        assert!(!out.exists(), "the folder the build made is gone");
    }

    #[test]
    fn a_first_build_killed_half_way_leaves_a_folder_the_next_may_replace() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let killed = Stream::open(&out).unwrap();
        killed
            .put(OutputFile::new("news/a/index.html", "half"))
            .unwrap();
        drop(killed); // neither committed nor aborted
        write_site(&out, &[OutputFile::new("index.html", "home")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "home");
        assert!(
            !out.join("news").exists(),
            "what the killed build wrote is gone"
        );
    }

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
        assert!(err.message.to_string().contains("refusing"));
        assert_eq!(
            fs::read_to_string(home.join("thesis.doc")).unwrap(),
            "years of work"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "nothing beside"
        );
    }

    #[test]
    fn a_folder_emptied_of_stale_files_is_made_again_for_new_ones() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[OutputFile::new("news/a/old.html", "old")]).unwrap();
        write_site(&out, &[OutputFile::new("news/a/index.html", "new")]).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("news/a/index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("news/a/old.html").exists());
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
            assert!(
                err.message.to_string().contains("escapes"),
                "{bad}: {err:?}"
            );
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
}
