//! `unionpress serve`: dev mode until Ctrl-C.

use std::net::IpAddr;
use std::path::Path;
use std::process::ExitCode;

use unionpress::error::Error;
use unionpress::messages::Localizer;
use unionpress::msg;
use unionpress::serve::{self, ServeOptions};

pub fn run(loc: Localizer, root: &Path, bind: IpAddr, port: u16, drafts: bool) -> ExitCode {
    let options = ServeOptions {
        bind,
        port,
        drafts,
        messages: loc,
    };
    match serve::serve(root, &options, report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => super::failed(loc, &errors, super::count),
    }
}

/// A failed rebuild: the last good site stays served.
fn report(loc: Localizer, errors: &[Error]) {
    let _ = super::failed(loc, errors, |n| msg!("serve-failed", count = n));
}
