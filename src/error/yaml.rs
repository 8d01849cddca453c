//! serde_yaml's errors in plain words, with the fix and the place: a tab
//! (at the tab), an unquoted `: ` in a value (with the value quoted), no
//! space after a key's colon, an unclosed quote or bracket (where it
//! opens), a stray bracket, a key given twice, a wrong type, a date that
//! does not exist (which part is wrong). What is not recognised keeps the
//! parser's words.

use crate::messages::Message;
use crate::msg;

/// The message for `err`, raised reading `yaml`, and its 1-based line and
/// column in `yaml`.
pub(super) fn explain(yaml: &str, err: &serde_yaml::Error) -> (Message, usize, usize) {
    let text = err.to_string();
    // serde_yaml appends " at line L column C" (and, for syntax errors,
    // ", while scanning X at line L column C"): we place it ourselves.
    let base = text.split(" at line ").next().unwrap_or(&text).to_string();
    let context = text
        .split_once(", while ")
        .and_then(|(_, c)| position_in(c));
    let here = err.location().map(|l| (l.line(), l.column().max(1)));
    if let Some(found) = syntax(yaml, &text, &base, here, context) {
        return found;
    }
    let (path, rest) = split_path(&base);
    let reason = data(yaml, rest);
    let message = match path {
        Some(path) => msg!("yaml-at", key = key_path(path), reason = reason.clone()),
        None => reason.clone(),
    };
    let (mut line, mut column) = here.unwrap_or_else(|| unplaced(yaml, &base));
    // Errors raised while checking a value (a bad date) point at the start
    // of the document; the key named, the key given twice, or the line
    // holding the bad value quoted in the message is better.
    if line == 1 {
        let key = path
            .and_then(|p| p.split(['.', '[']).next())
            .and_then(|k| super::key_line(yaml, k));
        let twice = between(rest, "duplicate field `", "`").and_then(|k| second_key_line(yaml, k));
        let quoted = rest.split('`').nth(1).filter(|v| !v.is_empty());
        let value = quoted.and_then(|v| yaml.lines().position(|l| l.contains(v)).map(|i| i + 1));
        if let Some(l) = twice.or(key).or(value) {
            (line, column) = (l, 1);
        }
    }
    (message, line, column)
}

/// serde's path of a value in words: `.[0].value` is item 1's `value`,
/// `tags` is `tags`.
fn key_path(path: &str) -> Message {
    let item = |p: &str| -> Option<usize> {
        p.strip_prefix(".[")?
            .strip_suffix(']')?
            .parse::<usize>()
            .ok()
    };
    if let Some(n) = item(path) {
        return msg!("path-item", n = n + 1);
    }
    if let Some((first, key)) = path.split_once("].")
        && let Some(n) = item(&format!("{first}]"))
    {
        return msg!("path-item-key", n = n + 1, key = key);
    }
    Message::raw(path)
}

/// `scanning a simple key at line 2 column 1` → (2, 1).
fn position_in(text: &str) -> Option<(usize, usize)> {
    let (_, at) = text.rsplit_once(" at line ")?;
    let (line, column) = at.split_once(" column ")?;
    let column: String = column.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

/// `.[0].value: invalid type: …` → (`.[0].value`, `invalid type: …`).
fn split_path(message: &str) -> (Option<&str>, &str) {
    const PHRASES: [&str; 9] = [
        "unknown field",
        "invalid type",
        "invalid value",
        "missing field",
        "duplicate field",
        "data did not match",
        "invalid length",
        "bad date",
        "duplicate entry",
    ];
    if PHRASES.iter().any(|p| message.starts_with(p)) {
        return (None, message);
    }
    match message.split_once(": ") {
        Some((path, rest))
            if !path.contains(' ') && PHRASES.iter().any(|p| rest.starts_with(p)) =>
        {
            (Some(path), rest)
        }
        _ => (None, message),
    }
}

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let (_, rest) = text.split_once(open)?;
    Some(rest.split_once(close)?.0)
}

/// A problem with the data (the YAML itself reads).
fn data(yaml: &str, message: &str) -> Message {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        return unknown_key(rest);
    }
    if let Some(key) = between(message, "missing field `", "`") {
        return msg!("yaml-missing-key", key = key);
    }
    if let Some(key) = between(message, "duplicate field `", "`")
        .or_else(|| between(message, "duplicate entry with key \"", "\""))
    {
        return msg!("yaml-key-twice", key = key);
    }
    if let Some(date) = between(message, "bad date `", "`") {
        return date_problem(date);
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        if expected.starts_with("struct") && found.starts_with("string") {
            if let Some(line) = missing_space(yaml) {
                return line.0;
            }
            return msg!("yaml-not-keys");
        }
        return msg!(
            "yaml-wrong-type",
            expected = kind_expected(expected),
            found = kind_found(found)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.rsplit_once(", expected ").unwrap_or((rest, ""));
        return msg!(
            "yaml-wrong-value",
            expected = kind_expected(expected),
            found = kind_found(found)
        );
    }
    if message.starts_with("data did not match any variant") {
        return msg!("yaml-wrong-form");
    }
    if message.contains("more than one document") {
        return msg!("yaml-second-document");
    }
    if message.contains("limit exceeded") {
        return msg!("yaml-too-deep");
    }
    msg!("yaml-raw", reason = message)
}

/// serde's "unknown field `titel`, expected one of `title`, …": the nearest
/// known key, else the list of them.
fn unknown_key(rest: &str) -> Message {
    let Some((key, expected)) = rest.split_once('`') else {
        return msg!("yaml-raw", reason = rest);
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let nearest = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min();
    match nearest {
        Some((_, k)) => msg!("yaml-unknown-key-near", key = key, near = k),
        None if known.is_empty() => msg!("yaml-unknown-key-none", key = key),
        None => msg!("yaml-unknown-key", key = key, known = known.join(", ")),
    }
}

/// What serde expected, in words.
fn kind_expected(expected: &str) -> Message {
    match expected {
        "a sequence" => msg!("kind-list"),
        "a string" | "a borrowed string" | "a character" => msg!("kind-text"),
        "f64" | "f32" => msg!("kind-number"),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            msg!("kind-whole-number")
        }
        "a boolean" => msg!("kind-bool"),
        e if e.starts_with("struct ") || e.contains("map") => msg!("kind-map"),
        e => msg!("kind-other", what = e),
    }
}

/// What serde found, in words, with the value.
fn kind_found(found: &str) -> Message {
    let tick = || between(found, "`", "`").unwrap_or("");
    if let Some(s) = found.strip_prefix("string \"") {
        return msg!("found-text", value = s.strip_suffix('"').unwrap_or(s));
    }
    match found.split(' ').next().unwrap_or("") {
        "integer" | "floating" => msg!("found-number", value = tick()),
        "boolean" => msg!("found-bool", value = tick()),
        "sequence" => msg!("found-list"),
        "map" => msg!("found-map"),
        "unit" => msg!("found-nothing"),
        _ => msg!("kind-other", what = found),
    }
}

/// YAML that does not read at all: which mistake, and where.
fn syntax(
    yaml: &str,
    full: &str,
    base: &str,
    here: Option<(usize, usize)>,
    context: Option<(usize, usize)>,
) -> Option<(Message, usize, usize)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let (line, column) = here.unwrap_or((1, 1));
    let text_at = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
    let char_at = |l: usize, c: usize| text_at(l).chars().nth(c.wrapping_sub(1));
    // A tab in the indentation: at the first one.
    if base.contains("tab character") || base.contains("cannot start any token") {
        let tab = lines.iter().enumerate().find_map(|(i, l)| {
            let indent = l.len() - l.trim_start_matches([' ', '\t']).len();
            l[..indent]
                .find('\t')
                .map(|c| (i + 1, l[..c].chars().count() + 1))
        });
        if let Some((l, c)) = tab {
            return Some((msg!("yaml-tab"), l, c));
        }
    }
    if base.contains("cannot start any token") {
        let c = char_at(line, column).unwrap_or('?');
        return Some((msg!("yaml-reserved", char = c), line, column));
    }
    if base.contains("mapping values are not allowed") {
        let l = text_at(line);
        let before: String = l.chars().take(column.saturating_sub(1)).collect();
        // `title: 宿州: 多点发力`: a key, then a value holding `: `.
        if let Some((key, value)) = l.split_once(": ")
            && before.len() > key.len()
            && !key.trim().is_empty()
            && !key.trim().contains(' ')
        {
            let value = value.trim();
            let quoted = format!(
                "{}: \"{}\"",
                key.trim_start_matches("- ").trim(),
                value.replace('\\', "\\\\").replace('"', "\\\"")
            );
            let m = msg!(
                "yaml-colon-in-value",
                key = key.trim().trim_start_matches("- "),
                fixed = quoted
            );
            return Some((m, line, column));
        }
        return Some((msg!("yaml-indent"), line, 1));
    }
    if base.contains("could not find expected ':'") {
        if let Some((m, l)) = missing_space(yaml) {
            return Some((m, l, 1));
        }
        let (l, c) = context.unwrap_or((line, 1));
        return Some((msg!("yaml-no-colon"), l, c));
    }
    if base.contains("unexpected end of stream") && full.contains("quoted scalar") {
        let (l, c) = context.unwrap_or((line, column));
        let quote = char_at(l, c)
            .filter(|q| matches!(q, '"' | '\''))
            .unwrap_or('"');
        return Some((msg!("yaml-unclosed-quote", quote = quote), l, c));
    }
    for (open, close) in [('[', ']'), ('{', '}')] {
        if base.contains(&format!("expected ',' or '{close}'")) {
            let (l, c) = context.unwrap_or((line, column));
            let m = msg!("yaml-unclosed-bracket", open = open, close = close);
            return Some((m, l, c));
        }
    }
    if base.contains("did not find expected key") {
        let c = char_at(line, column);
        if let Some(b @ (']' | '}')) = c {
            return Some((msg!("yaml-stray-bracket", bracket = b), line, column));
        }
        let before: String = text_at(line)
            .chars()
            .take(column.saturating_sub(1))
            .collect();
        if before.trim_end().ends_with(['"', '\'']) {
            return Some((msg!("yaml-after-quote"), line, column));
        }
        return Some((msg!("yaml-indent"), line, column));
    }
    if base.contains("block sequence entries are not allowed") {
        return Some((msg!("yaml-indent"), line, column));
    }
    if base.contains("unknown escape character") {
        return Some((msg!("yaml-escape"), line, column));
    }
    if base.contains("unknown anchor") {
        return Some((msg!("yaml-alias"), line, column));
    }
    if base.contains("control characters are not allowed") {
        return Some((msg!("yaml-control"), line, column));
    }
    None
}

/// `date:2021-12-31`: a key with no space after its colon, and its line.
fn missing_space(yaml: &str) -> Option<(Message, usize)> {
    yaml.lines().enumerate().find_map(|(i, l)| {
        let t = l.trim_start().trim_start_matches("- ");
        let (key, value) = t.split_once(':')?;
        let plain_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        let squeezed =
            value.chars().next().is_some_and(|c| !c.is_whitespace()) && !value.starts_with("//");
        (plain_key && squeezed).then(|| {
            let fixed = format!("{key}: {value}");
            (
                msg!("yaml-space-after-colon", key = key, fixed = fixed),
                i + 1,
            )
        })
    })
}

/// The line of the second `key:` at the start of a line.
fn second_key_line(yaml: &str, key: &str) -> Option<usize> {
    let mut found = yaml.lines().enumerate().filter(|(_, l)| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    });
    found.nth(1).map(|(i, _)| i + 1)
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

/// Why `text` is not a date, saying which part is wrong: the month (13),
/// the day (32, or 30 February), the time, or the form (2021/12/31).
pub fn date_problem(text: &str) -> Message {
    let t = text.trim();
    let split = t.find(['T', 't', ' ']).unwrap_or(t.len());
    let (day_part, time) = t.split_at(split);
    let numbers: Vec<&str> = day_part.split('-').collect();
    let ymd = |parts: &[&str]| -> Option<(i32, u32, u32)> {
        match parts {
            [y, m, d]
                if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) =>
            {
                Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
            }
            _ => None,
        }
    };
    if let Some((year, month, day)) = ymd(&numbers) {
        if !(1..=12).contains(&month) {
            return msg!("date-no-month", text = t, month = month);
        }
        let days = days_in(year, month);
        if day == 0 || day > days {
            return msg!(
                "date-no-day",
                text = t,
                year = year,
                month = month,
                day = day,
                days = days
            );
        }
        if !time.is_empty() {
            return msg!("date-bad-time", text = t);
        }
    }
    // 2021/12/31, 2021.12.31, 2021年12月31日: the same date, another form.
    let other: Vec<&str> = day_part
        .split(['/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if time.is_empty()
        && let Some((year, month, day)) = ymd(&other)
        && (1..=12).contains(&month)
        && (1..=days_in(year, month)).contains(&day)
    {
        let fixed = format!("{year:04}-{month:02}-{day:02}");
        return msg!("date-write-as", text = t, fixed = fixed);
    }
    msg!("date-form", text = t)
}

fn days_in(year: i32, month: u32) -> u32 {
    let next = match month {
        12 => chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1),
        m => chrono::NaiveDate::from_ymd_opt(year, m + 1, 1),
    };
    next.and_then(|n| n.pred_opt()).map_or(31, |d| {
        use chrono::Datelike;
        d.day()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Localizer;

    fn explained(yaml: &str) -> (String, usize, usize) {
        let err = serde_yaml::from_str::<serde_yaml::Mapping>(yaml).unwrap_err();
        let (m, line, column) = explain(yaml, &err);
        (m.to_string(), line, column)
    }

    #[test]
    fn a_date_says_which_part_is_wrong() {
        let text = |d: &str| date_problem(d).to_string();
        assert!(text("2021-13-01").contains("month 13 does not exist"));
        assert!(text("2021-00-10").contains("month 0 does not exist"));
        assert!(text("2021-01-32").contains("day 32 does not exist: January 2021 has 31 days"));
        assert!(text("2024-02-30").contains("February 2024 has 29 days"));
        assert!(text("2021-12-31T24:30:00+08:00").contains("the time is not valid"));
        assert!(text("2021年12月31日").ends_with("write it as 2021-12-31"));
        assert!(text("2021.1.5").ends_with("write it as 2021-01-05"));
        assert!(text("last week").contains("write YYYY-MM-DD"));
        assert_eq!(
            Localizer::ZH.text(&date_problem("2021-02-30")),
            "日期 `2021-02-30` 有误：2021 年 2 月只有 28 天，没有 30 日"
        );
    }

    #[test]
    fn a_colon_in_a_value_is_told_from_an_indented_line() {
        let (m, line, _) = explained("title: 宿州: 多点发力\n");
        assert!(
            m.ends_with("put the value in quotes: title: \"宿州: 多点发力\""),
            "{m}"
        );
        assert_eq!(line, 1);
        let (m, line, column) = explained("title: x\n  date: y\n");
        assert!(
            m.starts_with("this line does not fit the lines above"),
            "{m}"
        );
        assert_eq!((line, column), (2, 1));
    }

    #[test]
    fn a_tab_is_found_where_it_is() {
        let (m, line, column) = explained("title: x\ntags:\n  - a\n \t- b\n");
        assert_eq!(m, "YAML does not allow tabs for indentation: use spaces");
        assert_eq!((line, column), (4, 2));
    }

    #[test]
    fn quotes_and_brackets_are_placed_where_they_open() {
        let (m, line, column) = explained("a: 1\ntitle: 'x\nb: 2\n");
        assert!(m.starts_with("the quote `'` opened here"), "{m}");
        assert_eq!((line, column), (2, 8));
        let (m, line, column) = explained("a: 1\ntags: {x: 1\n");
        assert!(m.starts_with("the `{` opened here"), "{m}");
        assert_eq!((line, column), (2, 7));
    }
}
