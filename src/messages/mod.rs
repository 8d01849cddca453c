//! Every message an editor reads, in their language: a [`Message`] is an id
//! and named arguments (made with [`msg!`](crate::msg)), carried as data
//! through the stages; a [`Localizer`], chosen once by the command (the
//! `--messages` flag, `UNIONPRESS_MESSAGES`, else the locale), turns it
//! into text with Project Fluent's bundles of `en.ftl` and `zh.ftl`
//! (embedded in the binary; both hold exactly the same ids, which a test
//! enforces).
//!
//! An argument is plain text (a path, a key, a value as written: never
//! translated), a number (for plurals) or another message (a reason inside
//! an error), rendered in the same language before its parent.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A message to show: its id in the `.ftl` files and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// One argument of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arg {
    /// Shown as it is in every language (a path, a key, a value).
    Text(String),
    /// A count: Fluent picks the plural form by it.
    Int(i64),
    /// Another message, in the same language.
    Msg(Message),
}

/// `msg!("broken-link", href = link.href.clone(), why = reason)`: a
/// [`Message`] with named arguments (anything [`Arg`] converts from).
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::messages::Message::new(
            $id,
            vec![$((stringify!($name), $crate::messages::Arg::from($value))),*],
        )
    };
}

impl Message {
    pub fn new(id: &'static str, args: Vec<(&'static str, Arg)>) -> Message {
        Message { id, args }
    }

    /// Text from elsewhere (the operating system, a template engine),
    /// shown as it is in every language.
    pub fn raw(text: impl Into<String>) -> Message {
        Message::new("raw", vec![("text", Arg::Text(text.into()))])
    }

    /// This message in English (what `Display` shows, and tests read).
    pub fn en(&self) -> String {
        Localizer::EN.text(self)
    }
}

impl fmt::Display for Message {
    /// English: the language of logs, JSON and tests.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<char> for Arg {
    fn from(c: char) -> Arg {
        Arg::Text(c.to_string())
    }
}
impl From<&Path> for Arg {
    fn from(p: &Path) -> Arg {
        Arg::Text(p.display().to_string())
    }
}
impl From<&PathBuf> for Arg {
    fn from(p: &PathBuf) -> Arg {
        Arg::Text(p.display().to_string())
    }
}
impl From<PathBuf> for Arg {
    fn from(p: PathBuf) -> Arg {
        Arg::Text(p.display().to_string())
    }
}
impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Msg(m)
    }
}
macro_rules! int_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_args!(usize, u8, u16, u32, u64, i32, i64);

/// A language unionpress speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// Every language, in the order of the `.ftl` files.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The message file, as embedded.
    pub fn ftl(self) -> &'static str {
        match self {
            Lang::En => include_str!("en.ftl"),
            Lang::Zh => include_str!("zh.ftl"),
        }
    }

    /// `zh`, `zh-CN`, `zh_TW.UTF-8` are Chinese; anything else English.
    pub fn from_tag(tag: &str) -> Lang {
        match tag.trim().to_ascii_lowercase().starts_with("zh") {
            true => Lang::Zh,
            false => Lang::En,
        }
    }
}

/// Turns messages into text in one language. Cheap to copy: the bundles
/// are made once per process and shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Localizer {
    lang: Lang,
}

impl Default for Localizer {
    fn default() -> Self {
        Localizer::EN
    }
}

impl Localizer {
    pub const EN: Localizer = Localizer { lang: Lang::En };
    pub const ZH: Localizer = Localizer { lang: Lang::Zh };

    pub fn new(lang: Lang) -> Localizer {
        Localizer { lang }
    }

    pub fn lang(self) -> Lang {
        self.lang
    }

    /// The editor's language: `flag` (`--messages`) over the environment
    /// variable `UNIONPRESS_MESSAGES` over the locale (`LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`: the first one set); Chinese when the
    /// one that decides starts with `zh`, English otherwise.
    pub fn choose(flag: Option<&str>, env: impl Fn(&str) -> Option<String>) -> Localizer {
        let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let tag = flag
            .map(str::to_string)
            .or_else(|| set(env("UNIONPRESS_MESSAGES")))
            .or_else(|| {
                ["LC_ALL", "LC_MESSAGES", "LANG"]
                    .into_iter()
                    .find_map(|k| set(env(k)))
            });
        Localizer::new(tag.as_deref().map_or(Lang::En, Lang::from_tag))
    }

    /// [`Localizer::choose`] with this process's environment.
    pub fn from_env(flag: Option<&str>) -> Localizer {
        Localizer::choose(flag, |k| std::env::var(k).ok())
    }

    /// The message as text in this language.
    pub fn text(self, message: &Message) -> String {
        let bundle = &bundles()[self.lang as usize];
        let Some(pattern) = bundle.get_message(message.id).and_then(|m| m.value()) else {
            // Only a message id missing from the files (a test catches
            // that) gets here: show what there is.
            return fallback(self, message);
        };
        let mut args = FluentArgs::new();
        for (name, arg) in &message.args {
            let value = match arg {
                Arg::Text(t) => FluentValue::from(t.as_str()),
                Arg::Int(n) => FluentValue::from(*n),
                Arg::Msg(m) => FluentValue::from(self.text(m)),
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, Some(&args), &mut errors)
            .into_owned()
    }
}

fn fallback(loc: Localizer, message: &Message) -> String {
    let args: Vec<String> = (message.args.iter())
        .map(|(n, a)| match a {
            Arg::Text(t) => format!("{n}={t}"),
            Arg::Int(i) => format!("{n}={i}"),
            Arg::Msg(m) => format!("{n}={}", loc.text(m)),
        })
        .collect();
    format!("{} {}", message.id, args.join(" "))
        .trim()
        .to_string()
}

/// The bundles of every language, made on first use.
fn bundles() -> &'static [FluentBundle<FluentResource>; 2] {
    static BUNDLES: OnceLock<[FluentBundle<FluentResource>; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(bundle))
}

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id = lang.code().parse().expect("a language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: terminals show them.
    bundle.set_use_isolating(false);
    let resource = FluentResource::try_new(lang.ftl().to_string())
        .unwrap_or_else(|(_, e)| panic!("{}.ftl does not parse: {e:?}", lang.code()));
    bundle
        .add_resource(resource)
        .unwrap_or_else(|e| panic!("{}.ftl has a message twice: {e:?}", lang.code()));
    bundle
}

/// The ids of a message file, with the variables each uses (for the test
/// that both files agree, and for translators' tools).
pub fn ids(lang: Lang) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in lang.ftl().lines() {
        let starts_entry = line.starts_with(|c: char| c.is_ascii_alphabetic());
        if starts_entry && let Some((id, _)) = line.split_once('=') {
            out.push((id.trim().to_string(), Vec::new()));
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some((_, vars)) = out.last_mut() {
            for (i, _) in line.match_indices('$') {
                let name: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !vars.contains(&name) {
                    vars.push(name);
                }
            }
        }
    }
    for (_, vars) in &mut out {
        vars.sort();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn both_files_parse_and_hold_the_same_ids_with_the_same_variables() {
        let en: BTreeMap<_, _> = ids(Lang::En).into_iter().collect();
        let zh: BTreeMap<_, _> = ids(Lang::Zh).into_iter().collect();
        for lang in Lang::ALL {
            let _ = bundle(lang); // panics on a syntax error or a repeated id
            assert_eq!(
                ids(lang).len(),
                if lang == Lang::En { en.len() } else { zh.len() }
            );
        }
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "in en.ftl only: {only_en:?}");
        assert!(only_zh.is_empty(), "in zh.ftl only: {only_zh:?}");
        let differ: Vec<_> = (en.iter())
            .filter(|(k, v)| zh[*k] != **v)
            .map(|(k, v)| format!("{k}: en {v:?}, zh {:?}", zh[k]))
            .collect();
        assert!(
            differ.is_empty(),
            "variables differ:\n{}",
            differ.join("\n")
        );
    }

    #[test]
    fn arguments_plurals_and_nested_messages() {
        let one = msg!("build-failed", count = 1usize);
        assert_eq!(Localizer::EN.text(&one), "1 error; nothing was written");
        let three = msg!("build-failed", count = 3usize);
        assert_eq!(Localizer::EN.text(&three), "3 errors; nothing was written");
        assert_eq!(Localizer::ZH.text(&three), "3 个错误；没有写入任何文件");
        let nested = msg!("yaml-at", key = "tags", reason = msg!("yaml-tab"));
        assert_eq!(
            Localizer::ZH.text(&nested),
            "tags：YAML 不允许用 Tab 键缩进：请改用空格"
        );
        let raw = Message::raw("No such file");
        assert_eq!(Localizer::ZH.text(&raw), "No such file");
        assert_eq!(raw.to_string(), "No such file");
    }

    #[test]
    fn flag_over_variable_over_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let zh = Localizer::ZH;
        let en = Localizer::EN;
        assert_eq!(Localizer::choose(None, env(&[])), en);
        assert_eq!(Localizer::choose(None, env(&[("LANG", "zh_CN.UTF-8")])), zh);
        assert_eq!(Localizer::choose(None, env(&[("LANG", "C.UTF-8")])), en);
        // LC_ALL, then LC_MESSAGES, then LANG: the first one set decides.
        let all = env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Localizer::choose(None, all), en);
        let messages = env(&[("LC_MESSAGES", "zh_TW.UTF-8"), ("LANG", "en_GB.UTF-8")]);
        assert_eq!(Localizer::choose(None, messages), zh);
        let empty = env(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Localizer::choose(None, empty), zh);
        // The variable over the locale, the flag over both.
        let both = env(&[("UNIONPRESS_MESSAGES", "zh"), ("LC_ALL", "en_US.UTF-8")]);
        assert_eq!(Localizer::choose(None, both), zh);
        let both = env(&[("UNIONPRESS_MESSAGES", "zh"), ("LC_ALL", "en_US.UTF-8")]);
        assert_eq!(Localizer::choose(Some("en"), both), en);
        let en_var = env(&[("UNIONPRESS_MESSAGES", "en"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(Localizer::choose(None, en_var), en);
        assert_eq!(Localizer::choose(Some("zh"), env(&[])), zh);
    }
}
