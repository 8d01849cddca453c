//! The one error type: a message tied to a file, line and column, so every
//! problem an editor sees points at the place to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem found while reading, checking or building a site.
///
/// `line` and `column` are 1-based and 0 when unknown. `path` is relative to
/// the site root where the file lives inside it. Errors sort by path, then
/// line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Error {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub severity: Severity,
    /// What kind of problem, as a stable name for tools reading
    /// `check --format json`: `broken-link`, `metric-mismatch`, … and
    /// `error` for everything a build reports on its own.
    pub code: &'static str,
}

/// How bad a problem is. Only errors stop a build or fail `check`; a
/// warning is printed and the site still builds; a note is a report (a
/// missing translation) and is not printed as a line of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    #[default]
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Everything that went wrong in one run: a build reports all of them. A
/// list of [`Error`]s (it derefs to one), made from one error by `?`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Errors(Vec<Error>);

impl Errors {
    pub fn new() -> Self {
        Errors(Vec::new())
    }

    /// `Ok(value)` when there are none, else these errors.
    pub fn or_ok<T>(self, value: T) -> Result<T, Errors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl std::ops::Deref for Errors {
    type Target = Vec<Error>;
    fn deref(&self) -> &Vec<Error> {
        &self.0
    }
}

impl std::ops::DerefMut for Errors {
    fn deref_mut(&mut self) -> &mut Vec<Error> {
        &mut self.0
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}

impl From<Vec<Error>> for Errors {
    fn from(errors: Vec<Error>) -> Self {
        Errors(errors)
    }
}

impl FromIterator<Error> for Errors {
    fn from_iter<I: IntoIterator<Item = Error>>(iter: I) -> Self {
        Errors(iter.into_iter().collect())
    }
}

impl rayon::iter::FromParallelIterator<Error> for Errors {
    fn from_par_iter<I>(iter: I) -> Self
    where
        I: rayon::iter::IntoParallelIterator<Item = Error>,
    {
        Errors(Vec::from_par_iter(iter))
    }
}

impl Extend<Error> for Errors {
    fn extend<I: IntoIterator<Item = Error>>(&mut self, iter: I) {
        self.0.extend(iter)
    }
}

impl IntoIterator for Errors {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Errors {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl Error {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error {
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            severity: Severity::Error,
            code: "error",
        }
    }

    /// The same problem with a stable kind name (see [`Error::code`]).
    pub fn code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// A warning: printed, but the site still builds.
    pub fn warning(self) -> Self {
        self.severity(Severity::Warning)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// An I/O failure on `path`, with the OS reason.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        Error::new(path, err.to_string())
    }

    /// A serde_yaml error in `yaml`, a snippet that starts on line
    /// `first_line` of `path`. Unknown keys get a "did you mean" from the
    /// keys serde lists.
    pub fn yaml(path: &Path, first_line: usize, yaml: &str, err: &serde_yaml::Error) -> Self {
        let text = err.to_string();
        // serde_yaml appends " at line L column C"; we print our own position.
        let message = match text.find(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        let message = explain_unknown_key(&message).unwrap_or(message);
        let (mut line, mut column) = err.location().map_or_else(
            || unplaced(yaml, &message),
            |l| (l.line(), l.column().max(1)),
        );
        // Errors raised while checking a value (a bad date) point at the
        // start of the document; the key named in the message, or the line
        // holding the bad value quoted in it, is better.
        if line == 1 {
            let key = message
                .split([':', '.', '['])
                .next()
                .and_then(|k| key_line(yaml, k));
            let quoted = message.split('`').nth(1).filter(|v| !v.is_empty());
            let value =
                quoted.and_then(|v| yaml.lines().position(|l| l.contains(v)).map(|i| i + 1));
            if let Some(l) = key.or(value) {
                (line, column) = (l, 1);
            }
        }
        Error::new(path, message).at(first_line + line - 1, column)
    }
}

/// Where in `yaml` a serde_yaml error without a location is: a second
/// document at its `---` or `...` line, too many aliases (a "billion
/// laughs" bomb) at the first line using one, anything else at the top.
fn unplaced(yaml: &str, message: &str) -> (usize, usize) {
    let first = |skip: usize, f: &dyn Fn(&str) -> bool| {
        let found = yaml.lines().enumerate().skip(skip).find(|(_, l)| f(l));
        (found.map_or(1, |(i, _)| i + 1), 1)
    };
    if message.contains("more than one document") {
        return first(1, &|l| l.starts_with("---") || l.starts_with("..."));
    }
    if message.contains("limit exceeded") {
        return first(0, &|l| {
            l.match_indices('*')
                .any(|(i, _)| i == 0 || l[..i].ends_with([' ', '[', ',', '{', '-']))
        });
    }
    (1, 1)
}

/// The 1-based line of a top-level `key:` in `yaml`.
pub fn key_line(yaml: &str, key: &str) -> Option<usize> {
    if key.is_empty() || key.contains(' ') {
        return None;
    }
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// Turns serde's "unknown field `titel`, expected one of `title`, ..." into
/// "unknown key `titel`; did you mean `title`?".
fn explain_unknown_key(message: &str) -> Option<String> {
    let (prefix, rest) = message.split_once("unknown field `")?;
    let (key, expected) = rest.split_once('`')?;
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let nearest = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    Some(match nearest {
        Some((_, k)) => format!("{prefix}unknown key `{key}`; did you mean `{k}`?"),
        None => format!(
            "{prefix}unknown key `{key}`; known keys: {}",
            known.join(", ")
        ),
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        write!(f, ": {}: {}", self.severity.as_str(), self.message)
    }
}

/// Prints errors and warnings to stderr, one `path:line:col: error: …` line
/// each (notes are reports, shown elsewhere); the kind in colour on a
/// terminal.
pub fn eprint_all(errors: &[Error]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal();
    for e in errors.iter().filter(|e| e.severity != Severity::Note) {
        let line = e.to_string();
        if color {
            let (kind, paint) = match e.severity {
                Severity::Error => (": error:", "1;31"),
                _ => (": warning:", "1;33"),
            };
            eprintln!(
                "{}",
                line.replacen(kind, &format!(": \x1b[{paint}m{}\x1b[0m", &kind[2..]), 1)
            );
        } else {
            eprintln!("{line}");
        }
    }
}

/// "1 error", "2 warnings": a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        date: String,
    }

    #[test]
    fn unknown_key_suggests_nearest_and_shifts_line() {
        let err = serde_yaml::from_str::<Fm>("date: x\ntitel: y\n").unwrap_err();
        let e = Error::yaml(Path::new("a.md"), 2, "date: x\ntitel: y\n", &err);
        assert_eq!(e.line, 3);
        assert_eq!(e.column, 1);
        assert!(
            e.message
                .contains("unknown key `titel`; did you mean `title`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_key_far_from_all_lists_known_keys() {
        let err = serde_yaml::from_str::<Fm>("zzzzzz: 1\n").unwrap_err();
        let e = Error::yaml(Path::new("a.md"), 1, "zzzzzz: 1\n", &err);
        assert!(
            e.message.contains("known keys: title, date"),
            "{}",
            e.message
        );
    }

    #[test]
    fn display_is_path_line_col() {
        let e = Error::new("content/a.md", "boom").at(3, 7);
        assert_eq!(e.to_string(), "content/a.md:3:7: error: boom");
        assert_eq!(Error::new("x", "m").to_string(), "x: error: m");
        assert_eq!(
            Error::new("a.md", "w").at(1, 1).warning().to_string(),
            "a.md:1:1: warning: w"
        );
    }
}
