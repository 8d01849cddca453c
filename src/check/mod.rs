//! `unionpress check`: every validation of a build, writing nothing (no
//! output, no photo cache), plus what no single page shows: links and
//! anchors between pages, translations whose figures or photos differ from
//! the original's, and which articles miss a language. Every build runs
//! the same [`findings`] (through the pipeline's gate), so nothing broken
//! is published.

mod figures;
mod links;
mod translations;

use serde::Serialize;

pub use translations::Article;

use crate::config::Config;
use crate::content::{LeftOut, Site, Why};
use crate::error::{self, Error, Errors, Severity};
use crate::render::Plan;
use crate::theme::Theme;

/// What `check` found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Errors, warnings and notes, sorted by path, line and column.
    pub findings: Errors,
    /// Language codes, in the site's order (the table's columns).
    pub languages: Vec<String>,
    /// The translation status of every article, by key.
    pub articles: Vec<Article>,
    /// Pages read (one per article and language); None when the content
    /// could not be read.
    pub pages: Option<usize>,
    /// Drafts and pages dated ahead, which a build leaves out.
    pub left_out: Vec<LeftOut>,
}

/// The translation status table and its notes (errors when `site.yaml`
/// asks for complete translations).
pub fn translation_status(config: &Config, site: &Site) -> (Vec<Article>, Errors) {
    translations::status(config, site)
}

/// The checks a build runs too: links, images, anchors (errors), the
/// figures of translations (errors) and their photo sets (warnings).
pub fn findings(config: &Config, site: &Site, theme: &Theme, plan: &Plan) -> Errors {
    let mut found = links::check(config, site, theme, plan);
    found.extend(translations::check(site));
    found
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Error::is_error)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// `2 errors, 1 warning in 14 pages`.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{}, {}",
            error::count(self.count(Severity::Error), "error"),
            error::count(self.count(Severity::Warning), "warning")
        );
        if let Some(pages) = self.pages {
            line.push_str(&format!(" in {}", error::count(pages, "page")));
        }
        line
    }

    /// The translation status: how many articles are in every language,
    /// then a row for each that is not. Empty for a one-language site.
    pub fn translation_table(&self) -> String {
        if self.languages.len() < 2 || self.pages.is_none() {
            return String::new();
        }
        let incomplete: Vec<&Article> = self.articles.iter().filter(|a| !a.complete()).collect();
        let total = self.articles.len();
        let mut out = format!(
            "translations: {} of {} in every language ({})\n",
            total - incomplete.len(),
            error::count(total, "article"),
            self.languages.join(", ")
        );
        if incomplete.is_empty() {
            return out;
        }
        const MISSING: &str = "missing";
        let key_width = incomplete
            .iter()
            .map(|a| a.key.chars().count())
            .max()
            .unwrap_or(0)
            .max("article".len());
        let widths: Vec<usize> = self
            .languages
            .iter()
            .map(|l| l.len().max(MISSING.len()))
            .collect();
        let row = |first: &str, cells: Vec<&str>| {
            let mut line = format!("  {first:key_width$}");
            for (cell, width) in cells.iter().zip(&widths) {
                line.push_str(&format!("  {cell:width$}"));
            }
            line.trim_end().to_string() + "\n"
        };
        out.push_str(&row(
            "article",
            self.languages.iter().map(String::as_str).collect(),
        ));
        for a in incomplete {
            let cells = a
                .languages
                .iter()
                .map(|&has| if has { "✓" } else { MISSING })
                .collect();
            out.push_str(&row(&a.key, cells));
        }
        out
    }

    /// The drafts and pages dated ahead a build leaves out, one a line.
    pub fn left_out_table(&self) -> String {
        let Some(head) = crate::content::describe_left_out(&self.left_out) else {
            return String::new();
        };
        let width = (self.left_out.iter())
            .map(|l| l.source.display().to_string().chars().count())
            .max()
            .unwrap_or(0);
        let mut out = format!("{head} (a build publishes them with --drafts):\n");
        for l in &self.left_out {
            let why = match l.why {
                Why::Draft => "draft",
                Why::Future => "dated in the future",
            };
            let path = l.source.display().to_string();
            out.push_str(&format!("  {path:width$}  {why}\n"));
        }
        out
    }

    /// Errors and warnings as lines, the translation table, the summary.
    pub fn eprint(&self) {
        error::eprint_all(&self.findings);
        let table = self.translation_table();
        if !table.is_empty() {
            eprint!("{table}");
        }
        eprint!("{}", self.left_out_table());
        eprintln!("{}", self.summary());
    }

    /// Every finding (notes included) as a JSON array of
    /// `{severity, path, line, column, code, message}`.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Finding<'a> {
            severity: &'static str,
            path: String,
            line: usize,
            column: usize,
            code: &'static str,
            message: &'a str,
        }
        let findings: Vec<Finding> = self
            .findings
            .iter()
            .map(|f| Finding {
                severity: f.severity.as_str(),
                path: f.path.to_string_lossy().replace('\\', "/"),
                line: f.line,
                column: f.column,
                code: f.code,
                message: &f.message,
            })
            .collect();
        serde_json::to_string_pretty(&findings).expect("findings serialise")
    }
}
