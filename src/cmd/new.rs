//! `unionpress new SECTION/SLUG`: a new page bundle.

use std::path::Path;
use std::process::ExitCode;

pub fn run(root: &Path, page: &str, lang: Option<&str>) -> ExitCode {
    match unionpress::scaffold::new_page(root, page, lang, chrono::Utc::now()) {
        Ok(path) => {
            eprintln!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(&[e], ""),
    }
}
