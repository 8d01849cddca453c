//! Builds update the output folder in place: everything that can fail before
//! writing (content, templates, photos, missing copy sources) is found
//! before the first byte is written, so a failed build leaves the previous
//! output untouched. An output folder unionpress did not create is never
//! cleared.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::{Data, OutputFile, copy_error, parents, put, remove_files, update, written_error};
use crate::error::{Error, io_reason};
use crate::messages::Message;
use crate::msg;

/// Marks a folder as unionpress output, so it may be updated and cleared.
pub const MARKER: &str = ".unionpress-output";

/// Makes `out` hold exactly `files` (and the marker). Files already there
/// with the same content are not rewritten.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
    check_replaceable(out)?;
    let dirs = check_paths(files)?;
    // A copy whose source vanished fails here, before anything is written.
    for f in files {
        if let Data::Copy(src) = &f.data {
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
    let stale: Vec<&str> = (existing.files.iter().map(String::as_str))
        .filter(|p| !produced.contains(p))
        .collect();
    remove_files(out, &stale)?;
    // Only what may be there already is compared; a new file is written
    // (one open, not a failed one first), and a folder that still holds a
    // file (so the removal above kept it) is not made again.
    let there: HashSet<&str> = (existing.files.iter().map(String::as_str))
        .filter(|p| produced.contains(p))
        .collect();
    let standing: HashSet<&str> = there.iter().flat_map(|p| parents(p)).collect();
    // Parents before children: sorted, and each level in parallel.
    let mut by_depth: Vec<Vec<&str>> = Vec::new();
    for dir in dirs.into_iter().filter(|d| !standing.contains(d)) {
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
    files.par_iter().try_for_each(|f| {
        let target = out.join(&f.path);
        match there.contains(f.path.as_str()) {
            true => update(&target, &f.data),
            false => put(&target, &f.data).map_err(|e| written_error(&target, &f.data, e)),
        }
    })?;
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
            return Err(Error::new(&f.path, msg!("output-escapes")));
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

/// What `out` holds: its files (the marker left out), paths relative to
/// it, `/`-separated. Empty when `out` does not exist.
#[derive(Default)]
struct Existing {
    files: Vec<String>,
}

fn existing_files(out: &Path) -> Result<Existing, Error> {
    let mut found = Existing::default();
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
            found.files.push(rel);
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
