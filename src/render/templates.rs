//! The theme's templates, compiled once per build: strict undefined (a typo
//! fails loudly), plain HTML escaping, `t()` for UI strings and the `date`
//! filter. Template errors keep minijinja's file, line and column.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, ErrorKind, State, UndefinedBehavior, Value};

use crate::content::front_matter::Date;
use crate::error::{Error, Errors};
use crate::theme::{Strings, Theme};

/// The compiled templates of a theme, ready to render.
pub struct Templates {
    env: Environment<'static>,
    /// UI strings by language code.
    i18n: Arc<BTreeMap<String, Strings>>,
    /// Where the theme lives and its sources, for messages.
    dir: std::path::PathBuf,
    sources: Vec<(String, String)>,
}

impl Templates {
    /// Compiles every template of `theme`; a syntax error is found before
    /// anything is rendered. Every broken template is reported.
    pub fn compile(theme: &Theme) -> Result<Templates, Errors> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // minijinja escapes `/` too; plain HTML escaping keeps URLs readable.
        env.set_formatter(
            |out, state, value| match (state.auto_escape(), value.as_str()) {
                // Escaped straight into the page (no string per value).
                (AutoEscape::Html, Some(text)) if !value.is_safe() => {
                    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::FmtWriter(out), text)
                        .map_err(|_| minijinja::Error::from(ErrorKind::WriteFailure))
                }
                _ => minijinja::escape_formatter(out, state, value),
            },
        );
        let mut templates = Templates {
            env: Environment::new(),
            i18n: Arc::new(theme.i18n.clone()),
            dir: theme.dir.clone(),
            sources: theme.templates.clone(),
        };
        let mut errors = Errors::new();
        for (name, source) in &theme.templates {
            if let Err(e) = env.add_template_owned(name.clone(), source.clone()) {
                errors.push(templates.error(&e, None));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let i18n = templates.i18n.clone();
        // Each UI string as a template value once, not at every `t()`.
        let strings: BTreeMap<String, BTreeMap<String, Value>> = (i18n.iter())
            .map(|(lang, s)| {
                let values = s.iter().map(|(k, v)| (k.clone(), Value::from(Serde(v))));
                (lang.clone(), values.collect())
            })
            .collect();
        env.add_function(
            "t",
            move |state: &State, key: &str| -> Result<Value, minijinja::Error> {
                with_lang(state, |lang| {
                    (strings.get(lang).and_then(|s| s.get(key)).cloned()).ok_or_else(|| {
                        minijinja::Error::new(
                            ErrorKind::UndefinedError,
                            format!("no UI string `{key}` in i18n/{lang}.yaml"),
                        )
                    })
                })
            },
        );
        env.add_filter(
            "date",
            move |state: &State, value: &str| -> Result<String, minijinja::Error> {
                with_lang(state, |lang| {
                    let date = Date::parse(value).ok_or_else(|| {
                        minijinja::Error::new(
                            ErrorKind::InvalidOperation,
                            format!("`{value}` is not a date"),
                        )
                    })?;
                    Ok(format_date(&date, i18n.get(lang)))
                })
            },
        );
        templates.env = env;
        Ok(templates)
    }

    /// The UI strings of a language.
    pub fn strings(&self, lang: &str) -> Option<&Strings> {
        self.i18n.get(lang)
    }

    /// Renders template `name` for the document made from `shown`.
    pub fn render(&self, name: &str, ctx: Value, shown: &Path) -> Result<String, Error> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| self.error(&e, Some(shown)))?;
        template
            .render(ctx)
            .map_err(|e| self.error(&e, Some(shown)))
    }

    /// A minijinja error as ours: the template file, line and column, what
    /// went wrong and the document being made.
    fn error(&self, e: &minijinja::Error, page: Option<&Path>) -> Error {
        let name = e.name().unwrap_or("?");
        // The template engine's own words (for whoever writes the theme).
        let mut reason = match e.detail() {
            Some(d) => format!("{}: {d}", e.kind()),
            None => e.kind().to_string(),
        };
        let mut source = std::error::Error::source(e);
        while let Some(inner) = source {
            reason.push_str(&format!("; {inner}"));
            source = inner.source();
        }
        let message = match page {
            Some(p) => crate::msg!("template-error-page", reason = reason, page = p),
            None => crate::msg!("template-error", reason = reason),
        };
        let line = e.line().unwrap_or(0);
        let column = match (e.range(), self.sources.iter().find(|(n, _)| n == name)) {
            (Some(range), Some((_, text))) => column_at(text, range.start),
            _ => 0,
        };
        Error::new(self.dir.join("templates").join(name), message).at(line, column)
    }
}

/// The 1-based column (in characters) of byte `offset` in `text`.
fn column_at(text: &str, offset: usize) -> usize {
    let Some(before) = text.get(..offset) else {
        return 0;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before[line_start..].chars().count() + 1
}

/// `f` of the `lang` of the document being rendered (looked up, not
/// copied: `t()` and `date` run many times a page).
fn with_lang<T>(
    state: &State,
    f: impl FnOnce(&str) -> Result<T, minijinja::Error>,
) -> Result<T, minijinja::Error> {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some(lang) => f(lang),
        None => Err(minijinja::Error::new(
            ErrorKind::UndefinedError,
            "`lang` is not set",
        )),
    }
}

/// A date in the language's own form, from the theme's i18n file:
/// `date_format: "{year}年{month}月{day}日"` or `"{day} {month_name} {year}"`.
pub fn format_date(date: &Date, strings: Option<&Strings>) -> String {
    use chrono::Datelike;
    use std::fmt::Write;
    let d = date.naive_date();
    let format = strings
        .and_then(|s| s.get("date_format"))
        .and_then(|v| v.as_str())
        .unwrap_or("{year}-{month:02}-{day:02}");
    let month_name = || {
        strings
            .and_then(|s| s.get("months"))
            .and_then(|m| m.get(d.month0() as usize))
            .and_then(|m| m.as_str())
            .unwrap_or("")
    };
    // One pass (a list page shows many dates); anything else stays as written.
    let mut out = String::with_capacity(format.len() + 8);
    let mut rest = format;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let field = rest.find('}').map_or("", |j| &rest[1..j]);
        let _ = match field {
            "year" => write!(out, "{}", d.year()),
            "month:02" => write!(out, "{:02}", d.month()),
            "day:02" => write!(out, "{:02}", d.day()),
            "month_name" => write!(out, "{}", month_name()),
            "month" => write!(out, "{}", d.month()),
            "day" => write!(out, "{}", d.day()),
            _ => {
                out.push('{');
                rest = &rest[1..];
                continue;
            }
        };
        rest = &rest[field.len() + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let zh: Strings =
            serde_yaml::from_str("date_format: \"{year}年{month}月{day}日\"").unwrap();
        let en: Strings = serde_yaml::from_str("date_format: \"{day} {month_name} {year}\"\nmonths: [January, February, March, April, May, June, July, August, September, October, November, December]").unwrap();
        let d = Date::parse("2021-12-31").unwrap();
        assert_eq!(format_date(&d, Some(&zh)), "2021年12月31日");
        assert_eq!(format_date(&d, Some(&en)), "31 December 2021");
        // Padded fields; what is not a field stays as written.
        let odd: Strings = serde_yaml::from_str(
            "date_format: \"{year}/{month:02}/{day:02} {weekday} {{year}} {\"",
        )
        .unwrap();
        let d = Date::parse("2021-03-04").unwrap();
        assert_eq!(format_date(&d, Some(&odd)), "2021/03/04 {weekday} {2021} {");
        assert_eq!(format_date(&d, None), "2021-03-04");
    }

    /// `t()` and `date` in a page: the language's own strings and dates,
    /// and a missing string, a bad date or no `lang` named at their line.
    #[test]
    fn ui_strings_and_dates_follow_the_page_s_language() {
        let i18n = [
            (
                "zh",
                "home: 首页\ndate_format: \"{year}年{month}月{day}日\"",
            ),
            ("en", "home: Home"),
        ];
        let theme = Theme {
            dir: "themes/t".into(),
            templates: vec![
                ("ok.html".into(), "{{ t('home') }} {{ d|date }}".into()),
                ("missing.html".into(), "<p>\n{{ t('nope') }}".into()),
                ("bad.html".into(), "<p>\n\n{{ 'soon'|date }}".into()),
            ],
            static_files: Vec::new(),
            i18n: (i18n.iter())
                .map(|(l, y)| (l.to_string(), serde_yaml::from_str(y).unwrap()))
                .collect(),
        };
        let t = Templates::compile(&theme).unwrap();
        let page = Path::new("content/x.md");
        let render = |name, lang: Option<&str>| {
            let ctx = match lang {
                Some(lang) => minijinja::context! { lang, d => "2021-03-04" },
                None => minijinja::context! { d => "2021-03-04" },
            };
            t.render(name, ctx, page)
        };
        assert_eq!(render("ok.html", Some("zh")).unwrap(), "首页 2021年3月4日");
        assert_eq!(render("ok.html", Some("en")).unwrap(), "Home 2021-03-04");
        let e = render("missing.html", Some("en")).unwrap_err();
        assert_eq!(
            (e.path.as_path(), e.line),
            (Path::new("themes/t/templates/missing.html"), 2)
        );
        assert!(
            e.message
                .to_string()
                .contains("no UI string `nope` in i18n/en.yaml"),
            "{}",
            e.message
        );
        let e = render("bad.html", Some("zh")).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.message.to_string().contains("`soon` is not a date"),
            "{}",
            e.message
        );
        let e = render("ok.html", None).unwrap_err();
        assert!(
            e.message.to_string().contains("`lang` is not set"),
            "{}",
            e.message
        );
    }

    #[test]
    fn template_errors_point_at_line_and_column() {
        let theme = Theme {
            dir: "themes/t".into(),
            templates: vec![("page.html".into(), "<p>\n  {{ x }\n".into())],
            static_files: Vec::new(),
            i18n: Default::default(),
        };
        let errors = Templates::compile(&theme).err().expect("a syntax error");
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.path, Path::new("themes/t/templates/page.html"));
        assert_eq!(e.line, 2);
        assert!(e.column > 0, "{e:?}");
        assert!(
            e.message.to_string().contains("syntax error"),
            "{}",
            e.message
        );
    }
}
