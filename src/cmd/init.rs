//! `unionpress init DIR`: a new site.

use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path) -> ExitCode {
    match unionpress::scaffold::init(dir, chrono::Utc::now()) {
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
