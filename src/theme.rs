//! Themes: minijinja templates, static files and UI strings per language.
//! The default theme is embedded in the binary, so a site without a
//! `themes/` folder builds and `init` works from an installed binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::error::{Error, Errors};
use crate::files::{CONFIG_FILE, THEMES_DIR, files_under, read_utf8};
use crate::files::{Data, OutputFile};
use crate::msg;

pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// UI strings of one language (`i18n/<lang>.yaml`): mostly strings, plus
/// `months` for dates.
pub type Strings = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone)]
pub struct Theme {
    /// Where the theme came from, for messages: `themes/default`.
    pub dir: PathBuf,
    /// Template name (`page.html`) and source.
    pub templates: Vec<(String, String)>,
    /// Files of `static/`, to copy to the output root.
    pub static_files: Vec<OutputFile>,
    /// UI strings by language code.
    pub i18n: BTreeMap<String, Strings>,
}

impl Theme {
    /// The site's `themes/<name>/`, or the embedded default theme.
    pub fn load(config: &Config) -> Result<Theme, Errors> {
        let rel = Path::new(THEMES_DIR).join(&config.theme);
        let dir = config.root.join(&rel);
        let mut files: Vec<(String, Data)> = Vec::new();
        if dir.is_dir() {
            let found = files_under(&dir).map_err(|e| Errors::from(Error::new(&rel, e.message)))?;
            files.extend(
                found
                    .into_iter()
                    .map(|(name, path)| (name, Data::Copy(path))),
            );
        } else if config.theme == "default" {
            collect_embedded(&DEFAULT_THEME, &mut files);
            files.sort_by(|a, b| a.0.cmp(&b.0));
        } else {
            let line = crate::files::line_of(&config.root, Path::new(CONFIG_FILE), "theme:");
            return Err(Errors::from(
                Error::new(
                    CONFIG_FILE,
                    msg!("theme-not-found", theme = &config.theme, folder = &rel),
                )
                .at(line, 1),
            ));
        }
        Theme::from_files(config, rel, files)
    }

    fn from_files(
        config: &Config,
        dir: PathBuf,
        files: Vec<(String, Data)>,
    ) -> Result<Theme, Errors> {
        let mut theme = Theme {
            dir: dir.clone(),
            templates: Vec::new(),
            static_files: Vec::new(),
            i18n: BTreeMap::new(),
        };
        let mut errors = Errors::new();
        for (name, data) in files {
            let shown = dir.join(&name);
            if let Some(t) = name.strip_prefix("templates/") {
                match text_of(&data, &shown) {
                    Ok(src) => theme.templates.push((t.to_string(), src)),
                    Err(e) => errors.push(e),
                }
            } else if let Some(s) = name.strip_prefix("static/") {
                theme.static_files.push(OutputFile {
                    path: s.to_string(),
                    data,
                });
            } else if let Some(file) = name.strip_prefix("i18n/") {
                let Some(lang) = file.strip_suffix(".yaml") else {
                    continue;
                };
                match text_of(&data, &shown).and_then(|src| {
                    serde_yaml::from_str::<Strings>(&src)
                        .map_err(|e| Error::yaml(&shown, 1, &src, &e))
                }) {
                    Ok(strings) => {
                        theme.i18n.insert(lang.to_string(), strings);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        // A language whose file is there but broken has its error already.
        let broken: Vec<std::path::PathBuf> = errors.iter().map(|e| e.path.clone()).collect();
        for lang in &config.languages {
            let file = dir.join("i18n").join(format!("{}.yaml", lang.code));
            if !theme.i18n.contains_key(&lang.code) && !broken.contains(&file) {
                errors.push(Error::new(
                    file,
                    msg!("theme-no-strings", code = &lang.code),
                ));
            }
        }
        if errors.is_empty() {
            Ok(theme)
        } else {
            Err(errors)
        }
    }
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, Data)>) {
    for f in dir.files() {
        out.push((
            f.path().to_string_lossy().replace('\\', "/"),
            Data::Static(f.contents()),
        ));
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

fn text_of(data: &Data, shown: &Path) -> Result<String, Error> {
    match data {
        Data::Copy(p) => read_utf8(p, shown),
        Data::Static(b) => {
            String::from_utf8(b.to_vec()).map_err(|_| Error::new(shown, msg!("not-utf8")))
        }
        Data::Bytes(b) => {
            String::from_utf8(b.clone()).map_err(|_| Error::new(shown, msg!("not-utf8")))
        }
    }
}

/// Writes the embedded default theme into `dir` (for `init`).
pub fn write_default_theme(dir: &Path) -> Result<(), Error> {
    let mut files = Vec::new();
    collect_embedded(&DEFAULT_THEME, &mut files);
    for (name, data) in files {
        let target = dir.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        if let Data::Static(bytes) = data {
            std::fs::write(&target, bytes).map_err(|e| Error::io(&target, e))?;
        }
    }
    Ok(())
}
