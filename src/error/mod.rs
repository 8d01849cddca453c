//! The one error type: a message tied to a file, line and column, so every
//! problem an editor sees points at the place to fix it; the message is a
//! [`Message`], shown in the editor's language when printed. YAML errors
//! are explained in plain words, with the fix ([`yaml`]).

mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::messages::{Localizer, Message};
use crate::msg;

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
    pub message: Message,
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
    pub fn new(path: impl Into<PathBuf>, message: impl Into<Message>) -> Self {
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

    /// An I/O failure on `path`, with the reason in plain words.
    pub fn io(path: &Path, err: std::io::Error) -> Self {
        Error::new(path, io_reason(&err))
    }

    /// A serde_yaml error in `yaml`, a snippet that starts on line
    /// `first_line` of `path`, explained with its fix (see [`yaml`]).
    pub fn yaml(path: &Path, first_line: usize, yaml: &str, err: &serde_yaml::Error) -> Self {
        let (message, line, column) = yaml::explain(yaml, err);
        Error::new(path, message).at(first_line + line - 1, column)
    }

    /// `path:line:col: error: message` in the localizer's language (the
    /// Chinese: `path:3:1: 错误：……`).
    pub fn text(&self, loc: Localizer) -> String {
        let mut out = self.path.display().to_string();
        if self.line > 0 {
            out.push_str(&format!(":{}", self.line));
            if self.column > 0 {
                out.push_str(&format!(":{}", self.column));
            }
        }
        let kind = loc.text(&msg!(
            "severity",
            kind = self.severity.as_str(),
            message = self.message.clone()
        ));
        out.push_str(": ");
        out.push_str(&kind);
        out
    }
}

/// The reason an I/O operation failed, in plain words where it is a common
/// one (the operating system's own words otherwise).
pub fn io_reason(err: &std::io::Error) -> Message {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => msg!("io-not-found"),
        PermissionDenied => msg!("io-permission-denied"),
        AlreadyExists => msg!("io-already-exists"),
        IsADirectory => msg!("io-is-a-folder"),
        NotADirectory => msg!("io-not-a-folder"),
        StorageFull => msg!("io-disk-full"),
        ReadOnlyFilesystem => msg!("io-read-only"),
        AddrInUse => msg!("io-address-in-use"),
        _ => Message::raw(err.to_string()),
    }
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

impl fmt::Display for Error {
    /// In English (logs and tests).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Localizer::EN))
    }
}

/// Prints errors and warnings to stderr, one `path:line:col: error: …` line
/// each in the localizer's language (notes are reports, shown elsewhere);
/// the kind in colour on a terminal.
pub fn eprint_all(loc: Localizer, errors: &[Error]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal();
    for e in errors.iter().filter(|e| e.severity != Severity::Note) {
        let line = e.text(loc);
        if color {
            let paint = match e.severity {
                Severity::Error => "1;31",
                _ => "1;33",
            };
            let kind = loc.text(&msg!("severity-word", kind = e.severity.as_str()));
            let at = e.path.display().to_string().len();
            let colored = match line[at..].find(&kind) {
                Some(i) => {
                    let i = at + i;
                    let end = i + kind.len();
                    format!(
                        "{}\x1b[{paint}m{}\x1b[0m{}",
                        &line[..i],
                        &line[i..end],
                        &line[end..]
                    )
                }
                None => line,
            };
            eprintln!("{colored}");
        } else {
            eprintln!("{line}");
        }
    }
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
        #[serde(default)]
        tags: Vec<String>,
    }

    fn yaml_error(yaml: &str) -> Error {
        let err = serde_yaml::from_str::<Fm>(yaml).unwrap_err();
        Error::yaml(Path::new("a.md"), 2, yaml, &err)
    }

    #[test]
    fn unknown_key_suggests_nearest_and_shifts_line() {
        let e = yaml_error("date: x\ntitel: y\n");
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(
            e.message.to_string(),
            "unknown key `titel`; did you mean `title`?"
        );
        assert_eq!(
            Localizer::ZH.text(&e.message),
            "没有 `titel` 这个键；您是想写 `title` 吗？"
        );
    }

    #[test]
    fn unknown_key_far_from_all_lists_known_keys() {
        let e = yaml_error("zzzzzz: 1\n");
        assert!(
            e.message
                .to_string()
                .contains("known keys: title, date, tags"),
            "{e}"
        );
    }

    #[test]
    fn display_is_path_line_col_and_chinese_puts_the_path_first() {
        let e = Error::new("content/a.md", Message::raw("boom")).at(3, 7);
        assert_eq!(e.to_string(), "content/a.md:3:7: error: boom");
        assert_eq!(e.text(Localizer::ZH), "content/a.md:3:7: 错误：boom");
        let m = Message::raw("m");
        assert_eq!(Error::new("x", m.clone()).to_string(), "x: error: m");
        let w = Error::new("a.md", Message::raw("w")).at(1, 1).warning();
        assert_eq!(w.to_string(), "a.md:1:1: warning: w");
        assert_eq!(w.text(Localizer::ZH), "a.md:1:1: 警告：w");
    }

    #[test]
    fn io_reasons_in_plain_words() {
        let e = Error::io(
            Path::new("a"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(e.to_string(), "a: error: no such file or folder");
        assert_eq!(e.text(Localizer::ZH), "a: 错误：找不到这个文件或文件夹");
    }
}
