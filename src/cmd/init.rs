//! `unionpress init DIR`: a new site; `unionpress theme eject`: the
//! built-in theme copied into a site.

use std::path::Path;
use std::process::ExitCode;

use unionpress::messages::Localizer;
use unionpress::msg;

pub fn run(loc: Localizer, dir: &Path, github_pages: bool) -> ExitCode {
    match unionpress::scaffold::init(dir, chrono::Utc::now(), github_pages) {
        Ok(files) => {
            for f in files {
                eprintln!("{}", loc.text(&msg!("created", path = f)));
            }
            eprintln!("{}", loc.text(&msg!("init-next", dir = dir)));
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(loc, &[e], super::count),
    }
}

pub fn eject(loc: Localizer, root: &Path) -> ExitCode {
    match unionpress::scaffold::eject_theme(root) {
        Ok(dir) => {
            eprintln!("{}", loc.text(&msg!("eject-created", dir = dir)));
            ExitCode::SUCCESS
        }
        Err(e) => super::failed(loc, &[e], super::count),
    }
}
