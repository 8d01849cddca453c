//! The `unionpress` command line: parses the arguments and runs the command
//! (each a thin adapter in [`cmd`]). Exit status: 0 success, 1 the site has
//! errors (all printed), 2 bad usage.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cmd::run(cmd::Cli::parse())
}
