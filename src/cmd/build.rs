//! `unionpress build`: the whole pipeline into the output folder.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use unionpress::error;
use unionpress::messages::Localizer;
use unionpress::msg;
use unionpress::pipeline::{self, Options};

pub fn run(
    loc: Localizer,
    root: &Path,
    out: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
) -> ExitCode {
    // A relative --out is relative to where the command runs, not the root.
    let out = out.map(|o| match o.is_relative() {
        true => std::env::current_dir().unwrap_or_default().join(o),
        false => o,
    });
    let options = Options {
        base_url,
        drafts,
        ..Options::default()
    };
    match pipeline::build(root, &options, out) {
        Ok(summary) => {
            error::eprint_all(loc, &summary.warnings);
            eprintln!("{}", summary.text(loc));
            ExitCode::SUCCESS
        }
        Err(errors) => super::failed(loc, &errors, |n| msg!("build-failed", count = n)),
    }
}
