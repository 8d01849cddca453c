//! The one error type: a message tied to a file, line and column, so every
//! problem an editor sees points at the place to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem found while reading or building a site.
///
/// `line` and `column` are 1-based and 0 when unknown. `path` is relative to
/// the site root where the file lives inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Error {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Everything that went wrong in one run; a build reports all of them.
pub type Errors = Vec<Error>;

impl Error {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error {
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
        }
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
        let (mut line, mut column) = err.location().map_or((1, 0), |l| (l.line(), l.column()));
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
        write!(f, ": error: {}", self.message)
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
    }
}
