//! `unionpress serve`: dev mode until Ctrl-C.

use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use unionpress::error::Error;
use unionpress::serve::{self, ServeOptions};

pub fn run(root: &Path, bind: IpAddr, port: u16, drafts: bool) -> ExitCode {
    let options = ServeOptions { bind, port, drafts };
    match serve::serve(root, &options, report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => super::failed(&errors, ""),
    }
}

/// A failed rebuild: the last good site stays served.
fn report(errors: &[Error]) {
    let _ = super::failed(
        errors,
        "; the last good version of the site is still served",
    );
}
