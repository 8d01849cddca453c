//! What the dev server watches: the site's folder (for `site.yaml`, and for
//! watched folders made later) and every folder below the watched ones,
//! each watched by itself. notify's recursive watch walks the tree while
//! the folders it already watches report each folder it opens: at 20,000
//! articles that overflowed the kernel's event queue (16,384) and cost a
//! whole rebuild right after the start. Here the tree is walked before any
//! of its folders is watched, and a folder made or moved in later is
//! walked and watched when the change that made it is built.

use std::fs;
use std::path::{Path, PathBuf};

use notify::{ErrorKind, RecursiveMode, Watcher};

use super::WATCHED;
use crate::error::{Error, Errors};
use crate::files::is_ignored;
use crate::msg;

/// A watcher and the site it watches.
pub struct Watches<W> {
    watcher: W,
    root: PathBuf,
}

impl<W: Watcher> Watches<W> {
    /// Watches the site in `root` (`site.yaml`'s folder and every folder of
    /// the watched ones that exist).
    pub fn start(watcher: W, root: &Path) -> Result<Self, Errors> {
        let mut watches = Watches {
            watcher,
            root: root.to_path_buf(),
        };
        watches.watch(root)?;
        let folders: Vec<PathBuf> = WATCHED.iter().map(|d| root.join(d)).collect();
        watches.add(&folders)?;
        Ok(watches)
    }

    /// Watches the folders among `touched` (made or moved in since the last
    /// build, or a watched folder made) and every folder below them. A
    /// folder watched already is watched again: it may be a new one of the
    /// same name. What their files hold is read by the rebuild that follows,
    /// so files made before their folder was watched are not missed.
    /// Every folder that cannot be watched is named; the others are watched.
    pub fn add(&mut self, touched: &[PathBuf]) -> Result<(), Errors> {
        let mut errors = Errors::new();
        for path in touched {
            let folder = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
            if folder && path.starts_with(&self.root) && path != &self.root {
                for folder in folders(path) {
                    errors.extend(self.watch(&folder).err().unwrap_or_default());
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Watches the entries of `dir` (not those of its folders). A folder
    /// gone meanwhile is not an error: its removal is a change of its own.
    fn watch(&mut self, dir: &Path) -> Result<(), Errors> {
        match self.watcher.watch(dir, RecursiveMode::NonRecursive) {
            Err(e) if matches!(e.kind, ErrorKind::PathNotFound) => Ok(()),
            Err(e) => Err(Errors::from(Error::new(
                dir,
                msg!("serve-watch", reason = e.to_string()),
            ))),
            Ok(()) => Ok(()),
        }
    }
}

/// `dir` and the folders below it, as the content walk sees them: hidden
/// and backup names and symbolic links left out (their changes make no
/// page). Parents come before their folders.
fn folders(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            e.file_type().is_dir()
                && (e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        })
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::{Config, EventHandler, WatcherKind};

    /// Records what it is asked to watch; refuses folders named `refused`.
    #[derive(Default)]
    struct Fake(Vec<(PathBuf, RecursiveMode)>);

    impl Watcher for Fake {
        fn new<F: EventHandler>(_: F, _: Config) -> notify::Result<Self> {
            Ok(Fake::default())
        }
        fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
            if path.file_name().is_some_and(|n| n == "refused") {
                return Err(notify::Error::generic("refused"));
            }
            self.0.push((path.to_path_buf(), mode));
            Ok(())
        }
        fn unwatch(&mut self, _: &Path) -> notify::Result<()> {
            Ok(())
        }
        fn kind() -> WatcherKind {
            WatcherKind::NullWatcher
        }
    }

    #[test]
    fn every_folder_is_watched_by_itself_and_one_refused_is_named_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for d in [
            "content/a/b",
            "content/refused/c",
            "content/.git/x",
            "static",
        ] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("content/a"), root.join("content/link")).unwrap();
        let Err(errors) = Watches::start(Fake::default(), root) else {
            panic!("the refused folder is an error");
        };
        assert_eq!(errors.len(), 1);
        assert!(errors.iter().all(|e| e.path.ends_with("content/refused")));
        // The rest, each non-recursive: a watcher made again to see them.
        let mut watches = Watches {
            watcher: Fake::default(),
            root: root.to_path_buf(),
        };
        let _ = watches.add(&[root.join("content"), root.join("static")]);
        let watched: Vec<String> = (watches.watcher.0.iter())
            .inspect(|(_, mode)| assert_eq!(*mode, RecursiveMode::NonRecursive))
            .map(|(p, _)| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        let mut sorted = watched.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "content",
                "content/a",
                "content/a/b",
                "content/refused/c",
                "static"
            ]
        );
        // Parents are watched before their folders.
        let at = |p: &str| watched.iter().position(|w| w == p).unwrap();
        assert!(at("content") < at("content/a") && at("content/a") < at("content/a/b"));
        // A file, a path outside the site and the site itself are not walked.
        let before = watches.watcher.0.len();
        fs::write(root.join("content/a/x.md"), "x").unwrap();
        let outside = tempfile::tempdir().unwrap();
        watches
            .add(&[
                root.join("content/a/x.md"),
                outside.path().into(),
                root.into(),
            ])
            .unwrap();
        assert_eq!(watches.watcher.0.len(), before);
    }
}
