//! `init` and `new`: files an editor starts from. Nothing existing is ever
//! overwritten.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::error::Error;
use crate::files::{CONFIG_FILE, CONTENT_DIR};
use crate::msg;

const SITE_YAML: &str = "\
# unionpress site configuration. Unknown keys are errors.
base_url: https://news.example.org
default_language: zh
languages:
  zh: { name: 中文, locale: zh-CN, title: 工会新闻, description: 工会工作动态与年度回顾 }
  en: { name: English, locale: en, title: Union News, description: News and annual reviews of the trade unions }
theme: default
timezone: Asia/Shanghai                  # plain dates are days here
paginate: 20
images: { widths: [480, 960, 1600], quality: 82, max_pixels: 100000000 }
";

const EXAMPLE_ZH: &str = "\
---
title: 市总工会举办职工技能大赛
date: {date}
location: 合肥
tags: [劳动竞赛]
---
市总工会今天举办职工技能大赛，来自全市的选手同台竞技。

```metrics 大赛数据
- { label: 参赛职工, value: 320, unit: 人 }
- { label: 比赛项目, value: 12, unit: 项 }
```
";

const EXAMPLE_EN: &str = "\
---
title: City Federation Holds Workers' Skills Contest
location: Hefei
tags: [Skills competitions]
---
The city federation of trade unions held a skills contest for workers today.

```metrics Contest figures
- { label: Workers competing, value: 320, unit: people }
- { label: Events, value: 12, unit: events }
```
";

const SECTION_ZH: &str = "\
---
title: 新闻
description: 工会工作动态
---
";

const SECTION_EN: &str = "\
---
title: News
description: News from the trade unions
---
";

/// A GitHub Actions workflow that builds the site and publishes it to
/// GitHub Pages on every push to `main` (`init --github-pages`).
pub const GITHUB_PAGES_WORKFLOW: &str = include_str!("scaffold/publish.yml");

/// The time zone `init` writes into `site.yaml`.
const INIT_ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

/// The date `now` in the site's time zone, as front matter writes it.
fn date_in(zone: chrono_tz::Tz, now: DateTime<Utc>) -> String {
    now.with_timezone(&zone).format("%Y-%m-%d").to_string()
}

/// Creates a new site in `dir`: `site.yaml`, the default theme, one article
/// dated `now` (in the time zone the site gets), and with `github_pages` a
/// workflow publishing it to GitHub Pages.
pub fn init(dir: &Path, now: DateTime<Utc>, github_pages: bool) -> Result<Vec<PathBuf>, Error> {
    let today = date_in(INIT_ZONE, now);
    if dir.join(CONFIG_FILE).exists() {
        return Err(Error::new(dir.join(CONFIG_FILE), msg!("init-site-exists")));
    }
    let theme_dir = dir.join("themes").join("default");
    if theme_dir.exists() {
        return Err(Error::new(theme_dir, msg!("init-theme-exists")));
    }
    let article = dir.join(CONTENT_DIR).join("news").join("first-article");
    let section = dir.join(CONTENT_DIR).join("news");
    let mut files = vec![
        (section.join("_index.zh.md"), SECTION_ZH.to_string()),
        (section.join("_index.en.md"), SECTION_EN.to_string()),
        (dir.join(CONFIG_FILE), SITE_YAML.to_string()),
        (
            article.join("index.zh.md"),
            EXAMPLE_ZH.replace("{date}", &today),
        ),
        (article.join("index.en.md"), EXAMPLE_EN.to_string()),
    ];
    if github_pages {
        let workflow = dir.join(".github/workflows/publish.yml");
        files.push((workflow, GITHUB_PAGES_WORKFLOW.to_string()));
    }
    for (path, _) in &files {
        if path.exists() {
            return Err(Error::new(path, msg!("init-file-exists")));
        }
    }
    for (path, text) in &files {
        write_new(path, text)?;
    }
    crate::theme::write_default_theme(&theme_dir)?;
    let mut written: Vec<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
    written.push(theme_dir);
    // Output and the photo cache are generated: keep them out of git. A
    // `.gitignore` the folder already has is the user's and stays as it is.
    let gitignore = dir.join(".gitignore");
    if !gitignore.exists() {
        write_new(&gitignore, "/public\n/.unionpress-cache\n")?;
        written.push(gitignore);
    }
    Ok(written)
}

/// Copies the built-in theme into the site at `root` (`themes/default/`),
/// to be changed there; nothing else is touched, and the site builds the
/// same. Refuses when that folder exists.
pub fn eject_theme(root: &Path) -> Result<PathBuf, Error> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Error::new(root.join(CONFIG_FILE), msg!("no-site")));
    }
    let dir = root.join(crate::files::THEMES_DIR).join("default");
    if dir.exists() {
        return Err(Error::new(&dir, msg!("eject-exists")));
    }
    crate::theme::write_default_theme(&dir)?;
    Ok(dir)
}

/// Creates `content/SECTION/SLUG/index.LANG.md` with its front matter.
pub fn new_page(
    root: &Path,
    spec: &str,
    lang: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PathBuf, Error> {
    let config = Config::load(root)?;
    let today = date_in(config.timezone, now);
    let lang = match lang {
        Some(code) => config
            .language(code)
            .ok_or_else(|| Error::new(CONFIG_FILE, msg!("new-language-unknown", code = code)))?,
        None => config.default_language(),
    };
    let parts: Vec<&str> = spec.trim_matches('/').split('/').collect();
    let valid = |p: &str| {
        !p.is_empty()
            && p != "."
            && p != ".."
            && !p.starts_with('_')
            && !p.contains(['\\', ' ', '.'])
    };
    if parts.len() != 2 || !parts.iter().all(|p| valid(p)) {
        return Err(Error::new(spec, msg!("new-page-form")));
    }
    let bundle = root.join(CONTENT_DIR).join(parts[0]).join(parts[1]);
    let path = bundle.join(format!("index.{}.md", lang.code));
    if path.exists() {
        return Err(Error::new(path, msg!("init-file-exists")));
    }
    let is_translation = lang.code != config.default_language().code
        && bundle
            .join(format!("index.{}.md", config.default_language().code))
            .exists();
    let title = parts[1].replace('-', " ");
    let text = if is_translation {
        // date, cover and the other shared fields come from the original.
        format!("---\ntitle: \"{title}\"\nsummary: \"\"\n---\n\n")
    } else {
        format!(
            "---\ntitle: \"{title}\"\ndate: {today}\ndraft: true\nauthor: \"\"\nlocation: \"\"\ntags: []\n---\n\n"
        )
    };
    write_new(&path, &text)?;
    Ok(path)
}

fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    fs::write(path, text).map_err(|e| Error::io(path, e))
}
