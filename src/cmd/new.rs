//! `unionpress new SECTION/SLUG`: a new page bundle.

use std::path::Path;
use std::process::ExitCode;

use unionpress::messages::Localizer;
use unionpress::msg;

pub fn run(loc: Localizer, root: &Path, page: &str, lang: Option<&str>) -> ExitCode {
    match unionpress::scaffold::new_page(root, page, lang, chrono::Utc::now()) {
        Ok(path) => {
            eprintln!("{}", loc.text(&msg!("created", path = path)));
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(loc, &[e], super::count),
    }
}
