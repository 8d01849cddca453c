//! Metric blocks: key figures such as 新增工会会员 36186人, read from a
//! ```` ```metrics ```` fence, validated, and formatted per locale; the
//! scale a unit carries ([`units`]) and the key-figures panel ([`html`]).

mod html;
mod units;

pub use html::html;
pub use units::{unit_exponent, unit_scale};

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::messages::Message;
use crate::msg;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    label: String,
    value: f64,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    change: String,
}

/// One key figure. `value` is the data; `display` is how a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub note: String,
    pub change: String,
    /// The value as written for machines (`<data value>`): 36186, 434.2.
    pub data: String,
    /// The value as shown: 36,186 or, with compact numbers, 3.62万.
    pub display: String,
    /// Line of the item's `value` in the Markdown file (of the item's
    /// first line when that can't be told), so `check` can point at it.
    #[serde(skip)]
    pub line: usize,
    /// The power of ten the unit carries (万元: 4), for comparing
    /// translations; found once, when the block is read.
    #[serde(skip)]
    pub exponent: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricBlock {
    pub title: String,
    pub items: Vec<Metric>,
    /// Line of the opening fence in the Markdown file.
    pub line: usize,
}

/// How numbers are written for one page.
#[derive(Debug, Clone, Copy)]
pub struct NumberStyle {
    group: char,
    decimal: char,
    /// 36186 → 3.62万 (Chinese locales only, when `compact_numbers` is on).
    compact_cjk: bool,
}

impl NumberStyle {
    pub fn for_locale(locale: &str, compact_numbers: bool) -> NumberStyle {
        let lang = locale
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let (group, decimal) = match lang.as_str() {
            "de" | "es" | "it" | "nl" | "pt" | "id" | "tr" | "da" => ('.', ','),
            "fr" | "ru" | "pl" | "cs" | "sv" | "fi" | "nb" | "uk" => ('\u{202f}', ','),
            _ => (',', '.'),
        };
        NumberStyle {
            group,
            decimal,
            compact_cjk: compact_numbers && lang == "zh",
        }
    }

    /// Formats `value` for display; `unit` tells whether it already carries a
    /// Chinese scale (万元), in which case it is never compacted again.
    pub fn format(&self, value: f64, unit: &str) -> String {
        if self.compact_cjk && !unit.starts_with(['万', '亿']) {
            for (scale, name) in [(1e8, "亿"), (1e4, "万")] {
                if value.abs() >= scale {
                    let scaled = format!("{:.2}", value / scale);
                    let scaled = scaled.trim_end_matches('0').trim_end_matches('.');
                    return format!("{}{name}", self.group_digits(scaled));
                }
            }
        }
        self.group_digits(&plain_number(value))
    }

    fn group_digits(&self, number: &str) -> String {
        let (sign, digits) = match number.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", number),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut out = String::from(sign);
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(self.decimal);
            out.push_str(frac);
        }
        out
    }
}

/// The shortest exact decimal form, never in exponent notation: 36186, 434.2.
pub fn plain_number(value: f64) -> String {
    value.to_string()
}

/// The largest figure accepted: beyond it a number is no longer published
/// digit for digit (1e308 would be 309 digits of data).
pub const MOST_VALUE: f64 = 1e15;

/// Why a figure's value cannot be published as the editor means it.
fn value_problem(value: f64) -> Option<Message> {
    if !value.is_finite() {
        Some(msg!("metric-not-finite"))
    } else if value == 0.0 && value.is_sign_negative() {
        Some(msg!("metric-minus-zero"))
    } else if value.abs() >= MOST_VALUE {
        Some(msg!("metric-too-large", value = value.to_string()))
    } else {
        None
    }
}

/// Parses the YAML list inside a metrics fence. `info_rest` is what follows
/// `metrics` on the fence line (the block's title); `fence_line` is the line
/// of the fence in `path`, so YAML errors point into the Markdown file.
pub fn parse_block(
    path: &Path,
    fence_line: usize,
    info_rest: &str,
    yaml: &str,
    style: NumberStyle,
) -> Result<MetricBlock, Error> {
    let raw: Vec<RawItem> = if yaml.trim().is_empty() {
        Vec::new()
    } else {
        serde_yaml::from_str(yaml).map_err(|e| {
            let mut err = Error::yaml(path, fence_line + 1, yaml, &e);
            if let Some((hint, line, column)) = value_hint(yaml) {
                err.message = hint;
                (err.line, err.column) = (fence_line + line, column);
            }
            err.message = msg!("metrics-in-block", reason = err.message);
            err
        })?
    };
    if raw.is_empty() {
        return Err(Error::new(path, msg!("metrics-empty")).at(fence_line, 1));
    }
    let lines = value_lines(yaml, raw.len());
    let mut items = Vec::with_capacity(raw.len());
    for (i, item) in raw.into_iter().enumerate() {
        let line = lines.get(i).map_or(fence_line, |l| fence_line + 1 + l);
        if let Some(why) = value_problem(item.value) {
            return Err(Error::new(
                path,
                msg!("metric-value", n = i + 1, label = &item.label, why = why),
            )
            .at(line, 1));
        }
        items.push(Metric {
            data: plain_number(item.value),
            display: style.format(item.value, &item.unit),
            exponent: unit_exponent(&item.unit),
            label: item.label,
            value: item.value,
            unit: item.unit,
            note: item.note,
            change: item.change,
            line,
        });
    }
    Ok(MetricBlock {
        title: info_rest.trim().to_string(),
        items,
        line: fence_line,
    })
}

/// The fix for a `value` that is not a number as written: `36,186` (no
/// commas), `"3.6万"` (万 goes in the unit), `"36186"` (no quotes); with
/// its 1-based line and column in `yaml`.
fn value_hint(yaml: &str) -> Option<(Message, usize, usize)> {
    let items: Vec<serde_yaml::Value> = serde_yaml::from_str(yaml).ok()?;
    let lines = value_lines(yaml, items.len());
    let text: Vec<&str> = yaml.lines().collect();
    items.iter().enumerate().find_map(|(i, item)| {
        let get = |k: &str| item.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let (label, unit) = (get("label"), get("unit"));
        let line = *lines.get(i)?;
        let source = text.get(line)?;
        let at = source.find("value:").map_or(0, |c| c + "value:".len());
        let start = at + source[at..].len() - source[at..].trim_start().len();
        let column = source[..start].chars().count() + 1;
        // `value: 36,186` in a flow map reads as `value: 36` and a key `186`.
        let written = match item.get("value")? {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(_) => {
                let rest = &source[start..];
                let end =
                    rest.find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-')));
                let raw = &rest[..end.unwrap_or(rest.len())];
                let split_key = (item.as_mapping()?.keys()).any(|k| {
                    k.is_number()
                        || (k.as_str()).is_some_and(|k| k.chars().all(|c| c.is_ascii_digit()))
                });
                if !(raw.contains(',') && split_key) {
                    return None;
                }
                raw.trim_end_matches(',').to_string()
            }
            _ => return None,
        };
        let reason = number_fix(written.trim(), unit)?;
        let hint = msg!("metric-value", n = i + 1, label = label, why = reason);
        Some((hint, line + 1, column))
    })
}

/// What to write instead of `written`, a value meant as a number.
fn number_fix(written: &str, unit: &str) -> Option<Message> {
    let end = written
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '-' | '+')))
        .map_or(written.len(), |(i, _)| i);
    let (number, suffix) = written.split_at(end);
    let plain = number.replace(',', "");
    plain.parse::<f64>().ok()?;
    let suffix = suffix.trim();
    if !suffix.is_empty() {
        let unit = if unit.is_empty() {
            suffix.to_string()
        } else if unit.starts_with(suffix) {
            unit.to_string()
        } else {
            format!("{suffix}{unit}")
        };
        return Some(msg!(
            "metric-fix-unit",
            suffix = suffix,
            number = plain,
            unit = unit
        ));
    }
    if number.contains(',') {
        return Some(msg!("metric-fix-commas", fixed = plain));
    }
    Some(msg!("metric-fix-quotes", fixed = plain))
}

/// For each of the `n` items of a metrics list, the 0-based line in `yaml`
/// of its `value` (else of the `-` that starts it). Empty when the list is
/// not written one `-` per item at one indentation.
fn value_lines(yaml: &str, n: usize) -> Vec<usize> {
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_item = |l: &str| {
        let t = l.trim_start();
        t == "-" || t.starts_with("- ")
    };
    let Some(top) = lines.iter().filter(|l| is_item(l)).map(|l| indent(l)).min() else {
        return Vec::new();
    };
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| is_item(lines[i]) && indent(lines[i]) == top)
        .collect();
    if starts.len() != n {
        return Vec::new();
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = starts.get(k + 1).copied().unwrap_or(lines.len());
            (start..end)
                .find(|&i| {
                    // `value:` opening the line (after `- `) or a flow-map entry.
                    lines[i].split([',', '{']).any(|part| {
                        let part = part.trim_start();
                        part.strip_prefix('-')
                            .unwrap_or(part)
                            .trim_start()
                            .starts_with("value:")
                    })
                })
                .unwrap_or(start)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh() -> NumberStyle {
        NumberStyle::for_locale("zh-CN", false)
    }

    #[test]
    fn groups_per_locale() {
        assert_eq!(zh().format(36186.0, "人"), "36,186");
        assert_eq!(zh().format(434.2, "万元"), "434.2");
        assert_eq!(
            NumberStyle::for_locale("de", false).format(1234567.5, ""),
            "1.234.567,5"
        );
        assert_eq!(
            NumberStyle::for_locale("en", false).format(-4342000.0, ""),
            "-4,342,000"
        );
    }

    #[test]
    fn compact_chinese_numbers_only_for_display() {
        let style = NumberStyle::for_locale("zh-CN", true);
        assert_eq!(style.format(36186.0, "人"), "3.62万");
        assert_eq!(style.format(772432.0, "人"), "77.24万");
        assert_eq!(style.format(250000000.0, "元"), "2.5亿");
        assert_eq!(style.format(5675.0, "万元"), "5,675");
        assert_eq!(
            NumberStyle::for_locale("en", true).format(36186.0, ""),
            "36,186"
        );
        let block = parse_block(
            Path::new("a.md"),
            1,
            "",
            "- { label: 会员, value: 36186 }",
            style,
        )
        .unwrap();
        assert_eq!(block.items[0].data, "36186");
    }

    #[test]
    fn value_must_be_a_number_with_line() {
        let yaml = "- { label: a, value: 1 }\n- { label: b, value: \"36,186\" }\n";
        let err = parse_block(Path::new("a.md"), 10, "", yaml, zh()).unwrap_err();
        assert_eq!(err.line, 12);
        assert!(err.message.to_string().contains("value"), "{}", err.message);
    }

    #[test]
    fn label_is_required_and_keys_are_checked() {
        let err = parse_block(Path::new("a.md"), 1, "", "- { value: 1 }", zh()).unwrap_err();
        assert!(
            err.message.to_string().contains("missing field `label`"),
            "{}",
            err.message
        );
        let err = parse_block(
            Path::new("a.md"),
            1,
            "",
            "- { label: a, value: 1, unti: 人 }",
            zh(),
        )
        .unwrap_err();
        assert!(
            err.message.to_string().contains("did you mean `unit`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn items_know_the_line_of_their_value() {
        let yaml = "- { label: a, value: 1 }\n- label: b\n  unit: 人\n  value: 2\n-   label: c\n    value: 3\n";
        let b = parse_block(Path::new("a.md"), 10, "", yaml, zh()).unwrap();
        let lines: Vec<usize> = b.items.iter().map(|m| m.line).collect();
        assert_eq!(lines, [11, 14, 16]);
    }

    #[test]
    fn title_from_info_string() {
        let b = parse_block(
            Path::new("a.md"),
            1,
            " 2021年主要数据",
            "- { label: a, value: 1 }",
            zh(),
        )
        .unwrap();
        assert_eq!(b.title, "2021年主要数据");
        assert!(parse_block(Path::new("a.md"), 1, "", "", zh()).is_err());
    }
}
