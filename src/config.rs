//! `site.yaml`: the raw file as serde reads it, checked once into a
//! [`Config`] that every later stage trusts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, io_reason};
pub use crate::files::CONFIG_FILE;
use crate::messages::Message;
use crate::msg;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    #[serde(default)]
    default_language: Option<String>,
    languages: BTreeMap<String, RawLanguage>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    paginate: Option<usize>,
    #[serde(default)]
    images: Option<ImageConfig>,
    #[serde(default)]
    compact_numbers: bool,
    #[serde(default)]
    check: CheckConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default)]
    extra: serde_yaml::Mapping,
}

/// What `unionpress check` insists on (`check:` in `site.yaml`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Every article must be in every language: a missing translation is
    /// an error of `check`, not only a line of its report.
    #[serde(default)]
    pub require_translations: bool,
}

/// The built-in search (`search:` in `site.yaml`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// A search box on every page, search pages and the index under
    /// `/search/`; `false` leaves them all out.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: String,
    #[serde(default)]
    locale: Option<String>,
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tagline: Option<String>,
    #[serde(default)]
    logo_alt: Option<String>,
}

/// Settings for the photo pipeline (`images:` in `site.yaml`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ImageConfig {
    #[serde(default = "default_widths")]
    pub widths: Vec<u32>,
    /// JPEG quality; the other formats' defaults follow it.
    #[serde(default = "default_quality")]
    pub quality: u8,
    /// Published formats, best first; the last is the `<img>` fallback
    /// every reader shows (JPEG, or PNG for a transparent PNG).
    #[serde(default = "default_formats")]
    pub formats: Vec<OutputFormat>,
    /// WebP quality; default: the one that looks like the JPEG at `quality`.
    #[serde(default)]
    pub webp_quality: Option<u8>,
    /// AVIF quality; default: the one that looks like the JPEG at `quality`.
    #[serde(default)]
    pub avif_quality: Option<u8>,
    /// What a photo shows while it loads.
    #[serde(default)]
    pub placeholder: Placeholder,
    #[serde(default = "default_max_pixels")]
    pub max_pixels: u64,
}

/// A format photos are published in (`images.formats`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Avif,
    Webp,
    Jpeg,
}

/// `images.placeholder`: the photo's average colour as its background
/// while it loads, or nothing.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Placeholder {
    #[default]
    Color,
    None,
}

fn default_widths() -> Vec<u32> {
    vec![480, 960, 1600]
}
fn default_quality() -> u8 {
    82
}
fn default_formats() -> Vec<OutputFormat> {
    vec![OutputFormat::Webp, OutputFormat::Jpeg]
}
fn default_max_pixels() -> u64 {
    100_000_000
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig {
            widths: default_widths(),
            quality: default_quality(),
            formats: default_formats(),
            webp_quality: None,
            avif_quality: None,
            placeholder: Placeholder::default(),
            max_pixels: default_max_pixels(),
        }
    }
}

impl ImageConfig {
    /// Checks the section; the message names the key.
    /// A mistake in `images:`, with the keys that lead to it.
    fn validate(&self) -> Result<(), (&'static str, Message)> {
        if self.widths.is_empty() || self.widths.contains(&0) {
            return Err(("widths", msg!("config-widths")));
        }
        for (key, q) in [
            ("quality", Some(self.quality)),
            ("webp_quality", self.webp_quality),
            ("avif_quality", self.avif_quality),
        ] {
            if q.is_some_and(|q| !(1..=100).contains(&q)) {
                return Err((key, msg!("config-quality", key = key)));
            }
        }
        if self.formats.last() != Some(&OutputFormat::Jpeg) {
            return Err(("formats", msg!("config-formats-jpeg-last")));
        }
        let mut seen = Vec::new();
        for f in &self.formats {
            if seen.contains(f) {
                return Err(("formats", msg!("config-formats-twice", format = f.name())));
            }
            seen.push(*f);
        }
        if self.formats.contains(&OutputFormat::Avif) && !cfg!(feature = "avif") {
            return Err(("formats", msg!("config-formats-no-avif")));
        }
        Ok(())
    }
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Avif => "avif",
            OutputFormat::Webp => "webp",
            OutputFormat::Jpeg => "jpeg",
        }
    }
}

/// A site language, as its place in the site's language order (the
/// default language is 0): cheap to copy and compare, and sorting by it is
/// sorting "in language order". Only [`Config`] makes them, so
/// [`Config::lang`] never fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LangId(u8);

impl From<LangId> for usize {
    fn from(id: LangId) -> usize {
        id.0 as usize
    }
}

/// One site language, e.g. `zh` (中文, zh-CN).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Language {
    #[serde(skip)]
    pub id: LangId,
    pub code: String,
    pub name: String,
    /// BCP 47 tag for `<html lang>` and hreflang, e.g. `zh-CN`.
    pub locale: String,
    pub title: String,
    pub description: String,
    /// A short line under the site's name ("" for none).
    pub tagline: String,
    /// The logo's text alternative (the site's title when not given).
    pub logo_alt: String,
    /// URL prefix: "" for the default language, "en/" for the others
    /// (every URL rule builds on it: see `urls`).
    pub prefix: String,
}

/// The checked site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    /// Without trailing slash: `https://news.example.org` or `https://x.org/sub`.
    pub base_url: String,
    /// The path part of `base_url`, always ending in `/`: `/` or `/sub/`.
    pub base_path: String,
    /// The default language comes first, the others follow in code order.
    pub languages: Vec<Language>,
    pub theme: String,
    pub paginate: usize,
    pub images: ImageConfig,
    pub compact_numbers: bool,
    pub check: CheckConfig,
    pub search: SearchConfig,
    /// The masthead's image: a file the site publishes (`logo.svg` of
    /// `static/`), by its path from the output root.
    pub logo: Option<String>,
    /// Where the site is: a plain date (`2021-12-31`) is the start of that
    /// day here. `timezone: Asia/Shanghai`; UTC when not given.
    pub timezone: chrono_tz::Tz,
    pub extra: serde_json::Value,
}

impl Config {
    /// Reads and checks `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::new(
                CONFIG_FILE,
                msg!("config-unreadable", reason = io_reason(&e)),
            )
        })?;
        Config::parse(root, &text)
    }

    pub fn parse(root: &Path, text: &str) -> Result<Config, Error> {
        let file = Path::new(CONFIG_FILE);
        // Editors on Windows may save a byte order mark: it is not a key.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig =
            serde_yaml::from_str(text).map_err(|e| Error::yaml(file, 1, text, &e))?;
        // An error at the line of `key` (a path of keys: `images.widths`).
        let fail = |keys: &[&str], m: Message| Error::new(file, m).at(place(text, keys), 1);

        if raw.languages.is_empty() {
            return Err(fail(&["languages"], msg!("config-no-languages")));
        }
        let default = match raw.default_language {
            Some(d) => d,
            None if raw.languages.len() == 1 => raw.languages.keys().next().unwrap().clone(),
            None => {
                return Err(fail(
                    &["languages"],
                    msg!("config-default-language-required"),
                ));
            }
        };
        if !raw.languages.contains_key(&default) {
            return Err(fail(
                &["default_language"],
                msg!(
                    "config-default-language-unknown",
                    default = &default,
                    languages = raw.languages.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
        let mut languages = Vec::new();
        for (code, l) in raw.languages {
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return Err(fail(
                    &["languages", &code],
                    msg!("config-language-code", code = &code),
                ));
            }
            let prefix = if code == default {
                String::new()
            } else {
                format!("{code}/")
            };
            languages.push(Language {
                id: LangId(0),
                locale: l.locale.unwrap_or_else(|| code.clone()),
                description: l.description.unwrap_or_default(),
                tagline: l.tagline.unwrap_or_default(),
                logo_alt: l.logo_alt.unwrap_or_else(|| l.title.clone()),
                code,
                name: l.name,
                title: l.title,
                prefix,
            });
        }
        languages.sort_by_key(|l| !l.prefix.is_empty());
        if languages.len() > u8::MAX as usize {
            return Err(fail(
                &["languages"],
                msg!(
                    "config-too-many-languages",
                    count = languages.len(),
                    most = u8::MAX
                ),
            ));
        }
        for (i, l) in languages.iter_mut().enumerate() {
            l.id = LangId(i as u8);
        }

        let (base_url, base_path) =
            split_base_url(&raw.base_url).map_err(|m| fail(&["base_url"], m))?;
        let paginate = raw.paginate.unwrap_or(20);
        if paginate == 0 {
            return Err(fail(&["paginate"], msg!("config-paginate")));
        }
        let images = raw.images.unwrap_or_default();
        images
            .validate()
            .map_err(|(key, m)| fail(&["images", key], m))?;
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if let Some(why) = theme_problem(&theme) {
            return Err(fail(
                &["theme"],
                msg!("config-theme", theme = &theme, why = why),
            ));
        }
        let timezone = match &raw.timezone {
            None => chrono_tz::UTC,
            Some(name) => name
                .parse()
                .map_err(|_| fail(&["timezone"], msg!("config-timezone", name = name)))?,
        };
        let extra = serde_json::to_value(&raw.extra)
            .map_err(|e| fail(&["extra"], msg!("config-extra", reason = e.to_string())))?;
        Ok(Config {
            root: root.to_path_buf(),
            base_url,
            base_path,
            languages,
            theme,
            paginate,
            images,
            compact_numbers: raw.compact_numbers,
            check: raw.check,
            search: raw.search,
            logo: raw.logo.map(|l| l.trim_start_matches('/').to_string()),
            timezone,
            extra,
        })
    }

    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// The language with this code, if the site has it.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// A language of the site (only the config makes ids, so it exists).
    pub fn lang(&self, id: LangId) -> &Language {
        &self.languages[id.0 as usize]
    }

    /// The same site served from another address (dev mode, `--base-url`).
    pub fn with_base_url(mut self, url: &str) -> Result<Config, Error> {
        (self.base_url, self.base_path) =
            split_base_url(url).map_err(|m| Error::new("--base-url", m))?;
        Ok(self)
    }
}

/// `https://x.org/sub/` → (`https://x.org/sub`, `/sub/`).
fn split_base_url(url: &str) -> Result<(String, String), Message> {
    let base_url = url.trim_end_matches('/').to_string();
    let Some(after_scheme) = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
    else {
        return Err(msg!("base-url-scheme", url = url));
    };
    let host = after_scheme.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(msg!("base-url-no-host", url = url));
    }
    if let Some(c) = url
        .chars()
        .find(|c| matches!(c, '?' | '#') || c.is_whitespace() || c.is_control())
    {
        let what = match c {
            '?' => "query",
            '#' => "fragment",
            _ => "space",
        };
        return Err(msg!("base-url-alone", url = url, what = what));
    }
    let base_path = match after_scheme.find('/') {
        Some(i) => format!("{}/", &after_scheme[i..]),
        None => "/".to_string(),
    };
    Ok((base_url, base_path))
}

/// Why a `theme:` value is not the name of a folder of `themes/` (a path
/// out of the site would be walked whole: `/usr` takes seconds).
fn theme_problem(theme: &str) -> Option<Message> {
    if theme.is_empty() {
        Some(msg!("theme-empty"))
    } else if theme.contains(['/', '\\', ':']) || Path::new(theme).is_absolute() {
        Some(msg!("theme-path"))
    } else if theme == "." || theme == ".." {
        Some(msg!("theme-leaves"))
    } else if theme.chars().any(char::is_control) {
        Some(msg!("theme-control"))
    } else {
        None
    }
}

/// The 1-based line of the setting at `keys` in `text` (`["images",
/// "widths"]`: the `widths:` under `images:`, on its line or the lines
/// indented below it); the line of the outermost key found, else 1.
fn place(text: &str, keys: &[&str]) -> usize {
    let Some(first) = keys.first().and_then(|k| crate::error::key_line(text, k)) else {
        return 1;
    };
    let mut line = first;
    let lines: Vec<&str> = text.lines().collect();
    for key in &keys[1..] {
        let here = |l: &str| {
            l.match_indices(key).any(|(i, _)| {
                let before = l[..i].trim_end();
                let after = l[i + key.len()..].trim_start();
                (before.is_empty() || before.ends_with(['{', ',', ' ']) || before.ends_with(':'))
                    && after.starts_with(':')
            })
        };
        let below = lines[line - 1..]
            .iter()
            .enumerate()
            .take_while(|(k, l)| *k == 0 || l.trim().is_empty() || l.starts_with([' ', '\t', '#']));
        match below.map(|(k, l)| (k, *l)).find(|(k, l)| {
            if *k == 0 {
                l.split_once(':').is_some_and(|(_, rest)| here(rest))
            } else {
                here(l)
            }
        }) {
            Some((k, _)) => line += k,
            None => break,
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "base_url: https://news.example.org/\ndefault_language: zh\nlanguages:\n  zh: { name: 中文, locale: zh-CN, title: 工会新闻 }\n  en: { name: English, locale: en, title: Union News }\n";

    #[test]
    fn default_language_first_with_empty_prefix() {
        let c = Config::parse(Path::new("."), SITE).unwrap();
        assert_eq!(c.languages[0].code, "zh");
        assert_eq!(c.languages[0].prefix, "");
        assert_eq!(c.languages[1].prefix, "en/");
        assert_eq!(c.base_url, "https://news.example.org");
        assert_eq!(c.base_path, "/");
        assert_eq!(c.images.widths, vec![480, 960, 1600]);
    }

    #[test]
    fn base_path_from_url() {
        let c = Config::parse(Path::new("."), SITE).unwrap();
        let c = c.with_base_url("http://127.0.0.1:1111/sub/").unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:1111/sub");
        assert_eq!(c.base_path, "/sub/");
    }

    #[test]
    fn unknown_key_is_named_with_suggestion() {
        let e = Config::parse(Path::new("."), &format!("{SITE}pagnate: 3\n")).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(
            e.message.to_string().contains("did you mean `paginate`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn check_settings_are_strict() {
        let c = Config::parse(Path::new("."), SITE).unwrap();
        assert!(!c.check.require_translations);
        let text = format!("{SITE}check: {{ require_translations: true }}\n");
        assert!(
            Config::parse(Path::new("."), &text)
                .unwrap()
                .check
                .require_translations
        );
        let e = Config::parse(
            Path::new("."),
            &format!("{SITE}check: {{ require_translation: true }}\n"),
        )
        .unwrap_err();
        assert!(
            e.message
                .to_string()
                .contains("did you mean `require_translations`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn time_zone_by_name() {
        let c = Config::parse(Path::new("."), SITE).unwrap();
        assert_eq!(c.timezone, chrono_tz::UTC);
        let text = format!("{SITE}timezone: Asia/Shanghai\n");
        let c = Config::parse(Path::new("."), &text).unwrap();
        assert_eq!(c.timezone, chrono_tz::Asia::Shanghai);
        let e = Config::parse(Path::new("."), &format!("{SITE}timezone: Beijing\n")).unwrap_err();
        assert_eq!(e.line, 6);
        assert!(
            e.message.to_string().contains("Asia/Shanghai"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_default_language() {
        let text = SITE.replace("default_language: zh", "default_language: fr");
        let e = Config::parse(Path::new("."), &text).unwrap_err();
        assert!(
            e.message
                .to_string()
                .contains("not one of `languages` (en, zh)"),
            "{}",
            e.message
        );
    }
}
