//! `unionpress check`: the report on stderr (or JSON on stdout); exit 1
//! when it holds an error.

use std::path::Path;
use std::process::ExitCode;

use unionpress::messages::Localizer;

pub fn run(loc: Localizer, root: &Path, json: bool) -> ExitCode {
    let report = unionpress::pipeline::check(root);
    if json {
        println!("{}", report.json());
    } else {
        report.eprint(loc);
    }
    ExitCode::from(u8::from(report.has_errors()))
}
