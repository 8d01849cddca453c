//! `unionpress init DIR`: a new site; `unionpress theme eject`: the
//! built-in theme copied into a site.

use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, github_pages: bool) -> ExitCode {
    match unionpress::scaffold::init(dir, chrono::Utc::now(), github_pages) {
        Ok(files) => {
            for f in files {
                eprintln!("created {}", f.display());
            }
            eprintln!("next: cd {} && unionpress build", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(&[e], ""),
    }
}

pub fn eject(root: &Path) -> ExitCode {
    match unionpress::scaffold::eject_theme(root) {
        Ok(dir) => {
            eprintln!(
                "created {} (the built-in theme, to change as you like)",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(&[e], ""),
    }
}
