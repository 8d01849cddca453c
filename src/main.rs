//! The `unionpress` command line: parses arguments and hands each command to
//! the library. Exit status: 0 success, 1 the site has errors (all printed),
//! 2 bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use unionpress::build::{self, BuildOptions};
use unionpress::check;
use unionpress::error::{self, Error};
use unionpress::scaffold;

#[derive(Parser)]
#[command(
    name = "unionpress",
    version,
    about = "Bilingual static news sites for trade unions"
)]
struct Cli {
    /// The site root (the folder holding site.yaml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
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
        /// Include drafts and pages dated in the future.
        #[arg(long)]
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
    Init { dir: PathBuf },
    /// Create a page bundle content/SECTION/SLUG/index.LANG.md.
    New {
        /// SECTION/SLUG, e.g. news/2022-job-fair.
        page: String,
        /// Language of the new file (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let result: Result<(), Vec<Error>> = match cli.command {
        Command::Build {
            out,
            base_url,
            drafts,
        } => {
            let out = out.map(|o| {
                if o.is_relative() {
                    std::env::current_dir().unwrap_or_default().join(o)
                } else {
                    o
                }
            });
            build::build(
                &cli.root,
                &BuildOptions {
                    out,
                    base_url,
                    drafts,
                },
            )
            .map(|summary| {
                eprintln!("{summary}");
            })
        }
        Command::Serve { bind, port, drafts } => unionpress::serve::serve(
            &cli.root,
            &unionpress::serve::ServeOptions { bind, port, drafts },
            report_errors,
        ),
        Command::Check { format } => {
            let report = check::check(&cli.root);
            match format {
                Format::Human => report.eprint(),
                Format::Json => println!("{}", report.json()),
            }
            return ExitCode::from(u8::from(report.has_errors()));
        }
        Command::Init { dir } => scaffold::init(&dir, &today)
            .map(|files| {
                for f in files {
                    eprintln!("created {}", f.display());
                }
                eprintln!("next: cd {} && unionpress build", dir.display());
            })
            .map_err(|e| vec![e]),
        Command::New { page, lang } => {
            scaffold::new_page(&cli.root, &page, lang.as_deref(), &today)
                .map(|path| eprintln!("created {}", path.display()))
                .map_err(|e| vec![e])
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            report(&errors);
            ExitCode::from(1)
        }
    }
}

/// Prints every error (and the warnings found with them), then how many.
fn report(errors: &[Error]) {
    print_errors(errors, "; nothing was written");
}

/// For serve: the last good site stays served.
fn report_errors(errors: &[Error]) {
    print_errors(
        errors,
        "; the last good version of the site is still served",
    );
}

fn print_errors(errors: &[Error], tail: &str) {
    error::eprint_all(errors);
    let n = errors.iter().filter(|e| e.is_error()).count();
    eprintln!("{}{tail}", error::count(n, "error"));
}
