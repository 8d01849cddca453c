//! The write stage. Builds update the output folder in place ([`write`]);
//! dev mode keeps its served folder up to date file by file ([`mirror`]).
//! Either way a file whose bytes did not change is not rewritten and files
//! no longer produced are removed.

mod mirror;
mod write;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;

pub use mirror::Mirror;
pub use write::{MARKER, Stream};

use crate::error::Error;
pub use crate::files::{Data, OutputFile};

/// Whether the file at `target` already holds `data`.
fn holds_data(target: &Path, data: &Data) -> bool {
    match data {
        Data::Bytes(b) => holds(target, b),
        Data::Static(b) => holds(target, b),
        Data::Copy(src) => same_bytes_as_file(target, src),
    }
}

/// A failed write of `data` to `target`: named by the copy's source when
/// there is one (what the editor can act on).
fn written_error(target: &Path, data: &Data, e: std::io::Error) -> Error {
    match data {
        Data::Copy(src) => copy_error(src, e),
        _ => Error::io(target, e),
    }
}

/// Writes `data` as the file `target`. A copy is made by the kernel
/// (`copy_file_range`, for which file systems with reflinks share blocks).
fn put(target: &Path, data: &Data) -> std::io::Result<()> {
    match data {
        Data::Bytes(b) => fs::write(target, b),
        Data::Static(b) => fs::write(target, b),
        Data::Copy(src) => fs::copy(src, target).map(|_| ()),
    }
}

fn copy_error(src: &Path, e: std::io::Error) -> Error {
    Error::new(
        src,
        crate::msg!("output-copy", reason = crate::error::io_reason(&e)),
    )
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
