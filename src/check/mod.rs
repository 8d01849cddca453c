//! `unionpress check`: every validation of a build, writing nothing (no
//! output, no photo cache), plus what no single page shows: links and
//! anchors between pages, translations whose figures or photos differ from
//! the original's, and which articles miss a language. Every build runs
//! the same [`findings`] (through the pipeline's gate), so nothing broken
//! is published.

mod figures;
mod links;
mod translations;

use std::sync::Arc;

use serde::Serialize;

pub use translations::Article;

use crate::config::Config;
use crate::content::{LeftOut, Page, Site, Why};
use crate::error::{self, Error, Errors, Severity};
use crate::messages::{Lang, Localizer};
use crate::msg;
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

/// What dev mode keeps of the last check, so that a save checks again only
/// what it can have changed (the findings are the same as a full check's).
/// Valid only with the config it was made with.
#[derive(Debug, Default)]
pub struct Memo {
    links: links::Memo,
    translations: translations::Memo,
}

/// The checks a build runs too: links, images, anchors (errors), the
/// figures of translations (errors) and their photo sets (warnings). With
/// `memo` (dev mode), what cannot have changed is taken from it.
pub fn findings(
    config: &Config,
    site: &Site,
    theme: &Theme,
    plan: &Plan,
    memo: Option<&mut Memo>,
) -> Errors {
    let (links, translations) = match memo {
        Some(m) => (Some(&mut m.links), Some(&mut m.translations)),
        None => (None, None),
    };
    let mut found = links::check(config, site, theme, plan, links);
    found.extend(translations::check(site, translations));
    found
}

/// Dev mode: the findings of the last check, `was`, after the pages at
/// `changed` in `site` were replaced by pages the same but for their text
/// ([`crate::content::Page::same_outside`]; `old`, the pages they
/// replaced), each article whole: what a full check would find, checking
/// again only their links, the links to their anchors and their
/// translations. `None` when the memo cannot tell (a full check then can).
pub fn recheck(
    config: &Config,
    site: &Site,
    theme: &Theme,
    memo: &mut Memo,
    was: &Errors,
    changed: &[usize],
    old: &[Arc<Page>],
) -> Option<Errors> {
    let (mut went, mut came) = links::recheck(config, site, theme, &mut memo.links, changed, old)?;
    let mut articles: Vec<&Arc<Page>> = changed.iter().map(|&i| &site.pages[i]).collect();
    articles.sort_by(|a, b| (&a.key, a.lang).cmp(&(&b.key, b.lang)));
    for versions in articles.chunk_by(|a, b| a.key == b.key) {
        let (w, c) = translations::recheck(&mut memo.translations, versions)?;
        went.extend(w);
        came.extend(c);
    }
    // Each finding is once in `was` (sorted, each once): distinct checks
    // never report the same message at the same place.
    let mut found = was.clone();
    for w in went {
        let at = found.iter().position(|f| *f == w)?;
        found.remove(at);
    }
    found.extend(came);
    found.sort();
    found.dedup();
    Some(found)
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
    pub fn summary(&self, loc: Localizer) -> String {
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        loc.text(&match self.pages {
            Some(pages) => msg!(
                "check-summary",
                errors = errors,
                warnings = warnings,
                pages = pages
            ),
            None => msg!("check-summary-unread", errors = errors, warnings = warnings),
        })
    }

    /// The translation status: how many articles are in every language,
    /// then a row for each that is not. Empty for a one-language site.
    pub fn translation_table(&self, loc: Localizer) -> String {
        if self.languages.len() < 2 || self.pages.is_none() {
            return String::new();
        }
        let incomplete: Vec<&Article> = self.articles.iter().filter(|a| !a.complete()).collect();
        let total = self.articles.len();
        let mut out = loc.text(&msg!(
            "check-translations",
            complete = total - incomplete.len(),
            total = total,
            languages = self.languages.join(", ")
        ));
        out.push('\n');
        if incomplete.is_empty() {
            return out;
        }
        let missing = loc.text(&msg!("check-missing"));
        let article = loc.text(&msg!("check-article"));
        let key_width = incomplete
            .iter()
            .map(|a| a.key.chars().count())
            .max()
            .unwrap_or(0)
            .max(width(&article));
        let widths: Vec<usize> = self
            .languages
            .iter()
            .map(|l| l.len().max(width(&missing)))
            .collect();
        let row = |first: &str, cells: Vec<&str>| {
            let mut line = format!("  {}", pad(first, key_width));
            for (cell, width) in cells.iter().zip(&widths) {
                line.push_str(&format!("  {}", pad(cell, *width)));
            }
            line.trim_end().to_string() + "\n"
        };
        out.push_str(&row(
            &article,
            self.languages.iter().map(String::as_str).collect(),
        ));
        for a in incomplete {
            let cells = a
                .languages
                .iter()
                .map(|&has| if has { "✓" } else { missing.as_str() })
                .collect();
            out.push_str(&row(&a.key, cells));
        }
        out
    }

    /// The drafts and pages dated ahead a build leaves out, one a line.
    pub fn left_out_table(&self, loc: Localizer) -> String {
        let Some(head) = crate::content::describe_left_out(&self.left_out) else {
            return String::new();
        };
        let width = (self.left_out.iter())
            .map(|l| width(&l.source.display().to_string()))
            .max()
            .unwrap_or(0);
        let mut out = loc.text(&msg!("check-left-out", what = head));
        out.push('\n');
        for l in &self.left_out {
            let why = loc.text(&match l.why {
                Why::Draft => msg!("left-out-draft"),
                Why::Future => msg!("left-out-future-one"),
            });
            let path = l.source.display().to_string();
            out.push_str(&format!("  {}  {why}\n", pad(&path, width)));
        }
        out
    }

    /// Errors and warnings as lines, the translation table, the summary.
    pub fn eprint(&self, loc: Localizer) {
        error::eprint_all(loc, &self.findings);
        let table = self.translation_table(loc);
        if !table.is_empty() {
            eprint!("{table}");
        }
        eprint!("{}", self.left_out_table(loc));
        eprintln!("{}", self.summary(loc));
    }

    /// Every finding (notes included) as a JSON array of
    /// `{severity, path, line, column, code, message, messages}`: the
    /// same whatever the editor's language. `message` is the English text
    /// (what tools match on); `messages` has it in every language
    /// unionpress speaks (`en`, `zh`), for a tool that shows it to people.
    pub fn json(&self) -> String {
        #[derive(Serialize)]
        struct Finding {
            severity: &'static str,
            path: String,
            line: usize,
            column: usize,
            code: &'static str,
            message: String,
            messages: std::collections::BTreeMap<&'static str, String>,
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
                message: f.message.en(),
                messages: (Lang::ALL.iter())
                    .map(|&l| (l.code(), Localizer::new(l).text(&f.message)))
                    .collect(),
            })
            .collect();
        serde_json::to_string_pretty(&findings).expect("findings serialise")
    }
}

/// How many columns `text` takes in a terminal (CJK characters two).
fn width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FF60}' | '\u{FFE0}'..='\u{FFE6}')
}

/// `text` padded with spaces to `columns` terminal columns.
fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}
