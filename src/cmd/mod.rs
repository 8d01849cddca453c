//! The commands: arguments as clap reads them, and one module per command,
//! each a thin adapter between the arguments and the library.

mod build;
mod check;
mod init;
mod new;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use unionpress::error::{self, Error};
use unionpress::messages::{Localizer, Message};
use unionpress::msg;

#[derive(Parser)]
#[command(
    name = "unionpress",
    version,
    about = "Bilingual static news sites for trade unions"
)]
pub struct Cli {
    /// The site root (the folder holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// The language of messages: `zh` or `en` (default: UNIONPRESS_MESSAGES,
    /// else Chinese when the locale is, else English).
    #[arg(long, global = true, value_enum)]
    messages: Option<Language>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out).
    Build {
        /// Output folder (default: public/ in the site root).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts and pages dated in the future.
        #[arg(long)]
        drafts: bool,
    },
    /// Build into a temporary folder, serve it, rebuild on every change and
    /// reload the browser.
    Serve {
        /// Address to listen on (loopback by default: only this machine).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Drafts and pages dated in the future are shown (with a banner)
        /// unless this is given.
        #[arg(long)]
        no_drafts: bool,
        /// Show drafts (the default in dev mode; kept for scripts).
        #[arg(long, hide = true, conflicts_with = "no_drafts")]
        drafts: bool,
    },
    /// Check the site without writing anything: everything a build checks,
    /// plus links, anchors, translations and their figures.
    Check {
        /// `human` (lines on stderr) or `json` (an array on stdout).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Create a new site in DIR: site.yaml, the default theme, one article.
    Init {
        dir: PathBuf,
        /// Also write .github/workflows/publish.yml, which publishes the
        /// site to GitHub Pages on every push.
        #[arg(long)]
        github_pages: bool,
    },
    /// The theme: `theme eject` copies the built-in theme into the site
    /// (themes/default/) to be changed there.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Create a page bundle content/SECTION/SLUG/index.LANG.md.
    New {
        /// SECTION/SLUG, e.g. news/2022-job-fair.
        page: String,
        /// Language of the new file (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Copy the built-in theme into themes/default/ (nothing else changes).
    Eject,
}

#[derive(Clone, Copy, ValueEnum)]
enum Language {
    Zh,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Runs the command and says how it ended.
pub fn run(cli: Cli) -> ExitCode {
    let root = cli.root;
    let flag = cli.messages.map(|l| match l {
        Language::Zh => "zh",
        Language::En => "en",
    });
    let loc = Localizer::from_env(flag);
    match cli.command {
        Command::Build {
            out,
            base_url,
            drafts,
        } => build::run(loc, &root, out, base_url, drafts),
        Command::Serve {
            bind,
            port,
            no_drafts,
            ..
        } => serve::run(loc, &root, bind, port, !no_drafts),
        Command::Check { format } => check::run(loc, &root, matches!(format, Format::Json)),
        Command::Init { dir, github_pages } => init::run(loc, &dir, github_pages),
        Command::New { page, lang } => new::run(loc, &root, &page, lang.as_deref()),
        Command::Theme {
            action: ThemeAction::Eject,
        } => init::eject(loc, &root),
    }
}

/// Prints every error (and the warnings found with them), then how many
/// and what that meant (`tail`: `run-failed`, `build-failed`, …, given the
/// count), and says the run failed.
fn failed(loc: Localizer, errors: &[Error], tail: fn(usize) -> Message) -> ExitCode {
    error::eprint_all(loc, errors);
    let n = errors.iter().filter(|e| e.is_error()).count();
    eprintln!("{}", loc.text(&tail(n)));
    ExitCode::from(1)
}

/// "2 errors".
fn count(n: usize) -> Message {
    msg!("run-failed", count = n)
}
