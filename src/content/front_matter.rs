//! Front matter: the YAML between `---` lines at the top of a Markdown file,
//! read strictly (unknown keys, wrong types and bad dates are errors with the
//! line in the Markdown file).

use std::fmt;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::Error;
use crate::msg;

/// A publication date: `2021-12-31` or RFC 3339 (`2021-12-31T08:00:00+08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub at: DateTime<FixedOffset>,
    /// Written without a time of day: shown and serialised as a plain date.
    pub date_only: bool,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(Date {
                at,
                date_only: false,
            });
        }
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        let at = day.and_time(NaiveTime::MIN).and_utc().fixed_offset();
        Some(Date {
            at,
            date_only: true,
        })
    }

    pub fn naive_date(&self) -> NaiveDate {
        self.at.date_naive()
    }

    /// A plain date as the start of that day in `zone` (the site's time
    /// zone): 2021-12-31 in Asia/Shanghai is 2021-12-31T00:00:00+08:00, so
    /// feeds, structured data and the order of pages agree with the date
    /// shown. A date with a time is kept as written.
    pub fn in_zone(self, zone: chrono_tz::Tz) -> Date {
        use chrono::TimeZone;
        if !self.date_only {
            return self;
        }
        let midnight = self.naive_date().and_time(NaiveTime::MIN);
        // Midnight can fall in a daylight-saving gap: the first moment after.
        let local = zone.from_local_datetime(&midnight).earliest().or_else(|| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        });
        match local {
            Some(at) => Date {
                at: at.fixed_offset(),
                date_only: true,
            },
            None => self,
        }
    }
}

impl fmt::Display for Date {
    /// `2021-12-31` for a plain date, RFC 3339 otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            write!(f, "{}", self.at.format("%Y-%m-%d"))
        } else {
            write!(f, "{}", self.at.to_rfc3339())
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| {
            // Read by `Error::yaml`, which says what is wrong with it.
            serde::de::Error::custom(format!("bad date `{text}`"))
        })
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A cover image: a path, or a map with its caption and credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    pub src: String,
    #[serde(default)]
    pub alt: String,
    #[serde(default)]
    pub caption: String,
    #[serde(default)]
    pub credit: String,
    /// Where the crops centre: `30% 40%` from the left and the top.
    #[serde(default)]
    pub focus: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCover {
    Path(String),
    Full(Cover),
}

fn cover<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cover>, D::Error> {
    Ok(Some(match RawCover::deserialize(d)? {
        RawCover::Path(src) => Cover {
            src,
            alt: String::new(),
            caption: String::new(),
            credit: String::new(),
            focus: None,
        },
        RawCover::Full(c) => c,
    }))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub date: Date,
    pub text: String,
}

/// Front matter as written. Language-neutral fields are optional here
/// because a translation inherits them from its original.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub summary: Option<String>,
    pub author: Option<OneOrMany>,
    pub location: Option<String>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "cover")]
    pub cover: Option<Cover>,
    pub photo_credit: Option<String>,
    pub draft: Option<bool>,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub featured: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

/// Front matter of a section list page (`_index.<lang>.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMatter {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

/// Splits a Markdown file into its YAML and its body. Returns the YAML, the
/// body and the line where the body starts. Line 1 is the opening `---`.
pub fn split(path: &Path, text: &str) -> Result<(String, String, usize), Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Error::new(path, msg!("front-matter-missing")).at(1, 1));
    }
    let mut yaml = String::new();
    let mut consumed = first.len();
    for (i, line) in lines.enumerate() {
        consumed += line.len();
        if line.trim_end() == "---" {
            return Ok((yaml, text[consumed..].to_string(), i + 3));
        }
        yaml.push_str(line);
    }
    Err(Error::new(path, msg!("front-matter-unclosed")).at(1, 1))
}

/// Parses front matter YAML that starts on line 2 of `path`.
pub fn parse<T: for<'de> Deserialize<'de>>(path: &Path, yaml: &str) -> Result<T, Error> {
    if yaml.trim().is_empty() {
        return Err(Error::new(path, msg!("front-matter-empty")).at(1, 1));
    }
    serde_yaml::from_str(yaml).map_err(|e| Error::yaml(path, 2, yaml, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<FrontMatter, Error> {
        let (yaml, _, _) = split(Path::new("a.md"), text)?;
        parse(Path::new("a.md"), &yaml)
    }

    #[test]
    fn splits_and_counts_body_line() {
        let (yaml, body, line) = split(Path::new("a.md"), "---\ntitle: x\n---\nBody\n").unwrap();
        assert_eq!(
            (yaml.as_str(), body.as_str(), line),
            ("title: x\n", "Body\n", 4)
        );
    }

    #[test]
    fn dates_in_both_forms() {
        let d = Date::parse("2021-12-31").unwrap();
        assert!(d.date_only);
        assert_eq!(d.to_string(), "2021-12-31");
        let t = Date::parse("2021-12-31T08:00:00+08:00").unwrap();
        assert_eq!(t.to_string(), "2021-12-31T08:00:00+08:00");
        assert!(Date::parse("2021-13-01").is_none());
    }

    #[test]
    fn plain_dates_start_the_day_in_the_site_time_zone() {
        let d = Date::parse("2021-12-31").unwrap();
        let shanghai = d.in_zone(chrono_tz::Asia::Shanghai);
        assert_eq!(shanghai.at.to_rfc3339(), "2021-12-31T00:00:00+08:00");
        assert_eq!(shanghai.to_string(), "2021-12-31");
        assert_eq!(shanghai.naive_date(), d.naive_date());
        assert!(
            shanghai < d,
            "midnight in Beijing comes before midnight UTC"
        );
        assert_eq!(d.in_zone(chrono_tz::UTC), d);
        let t = Date::parse("2021-12-31T08:00:00+08:00").unwrap();
        assert_eq!(t.in_zone(chrono_tz::America::New_York), t);
    }

    #[test]
    fn bad_date_names_line_in_markdown_file() {
        let e = fm("---\ntitle: x\ndate: 2021-02-30\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(
            e.message.to_string().contains("bad date `2021-02-30`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn typo_gets_suggestion_and_wrong_type_is_named() {
        let e = fm("---\ntitel: x\ndate: 2021-01-01\n---\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.to_string().contains("did you mean `title`"),
            "{}",
            e.message
        );
        let e = fm("---\ntitle: x\ntags: 3\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(
            e.message.to_string().contains("tags: invalid type"),
            "{}",
            e.message
        );
    }

    #[test]
    fn cover_as_path_or_map_and_author_as_one_or_many() {
        let f = fm("---\ntitle: x\ncover: a.jpg\nauthor: 徐希涛\n---\n").unwrap();
        assert_eq!(f.cover.unwrap().src, "a.jpg");
        assert_eq!(f.author.unwrap().into_vec(), vec!["徐希涛"]);
        let f =
            fm("---\ntitle: x\ncover: { src: a.jpg, caption: c }\nauthor: [a, b]\n---\n").unwrap();
        assert_eq!(f.cover.unwrap().caption, "c");
        assert_eq!(f.author.unwrap().into_vec().len(), 2);
    }

    #[test]
    fn missing_or_unclosed_front_matter() {
        assert!(
            split(Path::new("a.md"), "# no front matter")
                .unwrap_err()
                .message
                .to_string()
                .contains("missing")
        );
        assert!(
            split(Path::new("a.md"), "---\ntitle: x\n")
                .unwrap_err()
                .message
                .to_string()
                .contains("not closed")
        );
        let e = fm("---\ntitle: [unclosed\n---\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
    }
}
