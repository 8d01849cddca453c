//! Messages in the editor's language: chosen by `--messages`, else
//! `UNIONPRESS_MESSAGES`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`:
//! the first one set), Chinese when it starts with `zh`; every message id
//! the code uses is in both message files, and every id there is used.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::support::{REPO, Site, md, small_jpeg, unionpress};

const A: &str = "content/news/a/index.zh.md";

/// A site whose build fails with one error (a month that does not exist).
fn broken() -> Site {
    Site::new().file(A, md("title: 标题\ndate: 2021-13-01", "正文。\n"))
}

/// The language the build's error line is in, with `env` set (the
/// locale variables not named are set empty, so the machine's do not
/// count) and `args` before the command.
fn language(env: &[(&str, &str)], args: &[&str]) -> &'static str {
    let mut site = broken();
    for key in ["UNIONPRESS_MESSAGES", "LC_ALL", "LC_MESSAGES", "LANG"] {
        let value = env.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| *v);
        site = site.env(key, value);
    }
    let mut all = args.to_vec();
    all.push("build");
    let run = site.run(&all).fails();
    let line = run.stderr.lines().next().unwrap_or("");
    let zh = format!("{A}:3:1: 错误：日期 `2021-13-01` 有误：没有 13 月（月份是 01 到 12）");
    let en = format!("{A}:3:1: error: bad date `2021-13-01`: month 13 does not exist");
    if line.starts_with(&zh) && run.stderr.ends_with("1 个错误；没有写入任何文件\n") {
        "zh"
    } else if line.starts_with(&en) && run.stderr.ends_with("1 error; nothing was written\n") {
        "en"
    } else {
        panic!("neither language:\n{}", run.stderr)
    }
}

#[test]
fn the_locale_chooses_when_nothing_else_does() {
    assert_eq!(language(&[], &[]), "en");
    assert_eq!(language(&[("LANG", "zh_CN.UTF-8")], &[]), "zh");
    assert_eq!(language(&[("LANG", "zh_TW.UTF-8")], &[]), "zh");
    assert_eq!(language(&[("LANG", "en_US.UTF-8")], &[]), "en");
    assert_eq!(language(&[("LANG", "C.UTF-8")], &[]), "en");
}

#[test]
fn lc_all_then_lc_messages_then_lang() {
    let all = [
        ("LC_ALL", "en_US.UTF-8"),
        ("LC_MESSAGES", "zh_CN.UTF-8"),
        ("LANG", "zh_CN.UTF-8"),
    ];
    assert_eq!(language(&all, &[]), "en");
    let messages = [("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")];
    assert_eq!(language(&messages, &[]), "zh");
    let all_zh = [("LC_ALL", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")];
    assert_eq!(language(&all_zh, &[]), "zh");
}

#[test]
fn the_flag_over_the_variable_over_the_locale() {
    let variable = [("UNIONPRESS_MESSAGES", "zh"), ("LC_ALL", "en_US.UTF-8")];
    assert_eq!(language(&variable, &[]), "zh");
    let variable_en = [("UNIONPRESS_MESSAGES", "en"), ("LANG", "zh_CN.UTF-8")];
    assert_eq!(language(&variable_en, &[]), "en");
    assert_eq!(language(&variable, &["--messages", "en"]), "en");
    assert_eq!(language(&variable_en, &["--messages", "zh"]), "zh");
    assert_eq!(language(&[], &["--messages", "zh"]), "zh");
    // Global: after the command too.
    let run = broken().run(&["build", "--messages", "zh"]).fails();
    assert!(run.stderr.contains(": 错误："), "{}", run.stderr);
    // Anything else is refused as bad usage.
    assert_eq!(broken().run(&["--messages", "fr", "build"]).code, Some(2));
}

#[test]
fn check_json_is_the_same_in_every_language() {
    let site = broken();
    let en = site.run(&["--messages", "en", "check", "--format", "json"]);
    let zh = site.run(&["--messages", "zh", "check", "--format", "json"]);
    assert_eq!(en.stdout, zh.stdout);
    let findings: serde_json::Value = serde_json::from_str(&en.stdout).unwrap();
    let f = &findings[0];
    assert_eq!(f["code"], "error");
    assert_eq!(
        f["message"],
        "bad date `2021-13-01`: month 13 does not exist (months are 01 to 12)"
    );
    assert_eq!(
        f["messages"]["zh"],
        "日期 `2021-13-01` 有误：没有 13 月（月份是 01 到 12）"
    );
}

#[test]
fn init_new_and_theme_eject_speak_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let shown = |lang: &str| {
        let site = format!("site-{lang}");
        let init = unionpress(dir.path(), &["--messages", lang, "init", &site]).ok();
        let root = dir.path().join(&site);
        let root = root.to_str().unwrap();
        let new = unionpress(
            dir.path(),
            &["--messages", lang, "--root", root, "new", "news/job-fair"],
        )
        .ok();
        let again = unionpress(
            dir.path(),
            &["--messages", lang, "--root", root, "new", "news/job-fair"],
        )
        .fails();
        let eject = unionpress(
            dir.path(),
            &["--messages", lang, "--root", root, "theme", "eject"],
        )
        .fails();
        format!(
            "{}{}{}{}",
            init.stderr, new.stderr, again.stderr, eject.stderr
        )
        .replace(root, "SITE")
    };
    insta::assert_snapshot!("init_new_eject_en", shown("en"));
    insta::assert_snapshot!("init_new_eject_zh", shown("zh"));
}

#[test]
fn no_site_here_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, words) in [
        (
            "en",
            "site.yaml: error: no site.yaml here: run unionpress in a site folder or give --root",
        ),
        (
            "zh",
            "site.yaml: 错误：这里没有 site.yaml：请在网站文件夹里运行 unionpress，或用 --root 指定网站文件夹",
        ),
    ] {
        for command in ["build", "check", "serve"] {
            let run = unionpress(dir.path(), &["--messages", lang, command]);
            assert_eq!(run.code, Some(1), "{command}: {}", run.stderr);
            assert!(
                run.stderr.contains(words),
                "{command} {lang}: {}",
                run.stderr
            );
        }
    }
}

/// `site` with no language chosen: the variable and the locale set empty
/// (English, unless `--messages` says otherwise).
fn unset(mut site: Site) -> Site {
    for key in ["UNIONPRESS_MESSAGES", "LC_ALL", "LC_MESSAGES", "LANG"] {
        site = site.env(key, "");
    }
    site
}

/// The failed build's stderr, by default (`None`) or with `--messages`.
fn build_in(site: &Site, lang: Option<&str>) -> String {
    match lang {
        Some(lang) => site.run(&["--messages", lang, "build"]),
        None => site.run(&["build"]),
    }
    .fails()
    .stderr
}

/// The one line of `stderr` starting with `prefix`, without it.
#[track_caller]
fn line_after<'a>(stderr: &'a str, prefix: &str) -> &'a str {
    let found: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .collect();
    assert_eq!(found.len(), 1, "one line starting `{prefix}`:\n{stderr}");
    found[0]
}

#[test]
fn photo_mistakes_in_both_languages_at_their_file_and_line() {
    // A "photo" that is text, on the line of the page that shows it.
    let site = unset(Site::new())
        .file(
            A,
            md(
                "title: 标题\ndate: 2021-12-31",
                "正文。\n\n![假照片](fake.jpg)\n",
            ),
        )
        .file("content/news/a/fake.jpg", "这不是照片，是一段文字。\n");
    assert_eq!(
        line_after(&build_in(&site, None), &format!("{A}:7:1: error: ")),
        "`news/a/fake.jpg` is not an image in a supported format (JPEG, PNG, WebP, GIF, HEIC)"
    );
    assert_eq!(
        line_after(&build_in(&site, Some("zh")), &format!("{A}:7:1: 错误：")),
        "`news/a/fake.jpg` 不是受支持格式的图片（支持 JPEG、PNG、WebP、GIF、HEIC）"
    );

    // A cover's focus that is not a point, on the line of `cover`.
    let cover = "title: 标题\ndate: 2021-12-31\ncover: { src: p.jpg, focus: \"left\" }";
    let site = unset(Site::new())
        .file(A, md(cover, "正文。\n"))
        .file("content/news/a/p.jpg", small_jpeg());
    assert_eq!(
        line_after(&build_in(&site, None), &format!("{A}:4:1: error: ")),
        "cover: focus `left` is not a point: write two percentages from the left and from \
         the top, e.g. `30% 40%`"
    );
    assert_eq!(
        line_after(&build_in(&site, Some("zh")), &format!("{A}:4:1: 错误：")),
        "封面（cover）：焦点（focus）`left` 不是一个点：请写两个百分比，分别是离左边和离上边的距离，例如 `30% 40%`"
    );

    // A photo damaged past its header, found by the photo stage: on the
    // photo, naming the page, the decoder's own words kept as they are.
    let photo = "content/news/a/half.png";
    let site = unset(Site::new())
        .file(
            A,
            md("title: 标题\ndate: 2021-12-31", "![残图](half.png)\n"),
        )
        .file(photo, half_png());
    let en = build_in(&site, None);
    let en_line = line_after(&en, &format!("{photo}: error: "));
    assert!(
        en_line.starts_with("image `news/a/half.png` is damaged"),
        "{en_line}"
    );
    assert!(en_line.ends_with(&format!(" (used by {A})")), "{en_line}");
    let zh = build_in(&site, Some("zh"));
    let zh_line = line_after(&zh, &format!("{photo}: 错误："));
    assert!(
        zh_line.starts_with("图片 `news/a/half.png` 已损坏"),
        "{zh_line}"
    );
    assert!(
        zh_line.ends_with(&format!("（使用它的页面：{A}）")),
        "{zh_line}"
    );
}

/// A noisy 64x48 PNG (so it does not compress to nothing) cut in half.
fn half_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        let n = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503);
        image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
    });
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .unwrap();
    bytes.truncate(bytes.len() / 2);
    bytes
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(fs::read_to_string(&path).unwrap());
        }
    }
}

/// The message ids of a `.ftl` file.
fn ftl_ids(lang: &str) -> BTreeSet<String> {
    let path = Path::new(REPO).join(format!("src/messages/{lang}.ftl"));
    (fs::read_to_string(path).unwrap().lines())
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn every_message_the_code_uses_is_in_both_files_and_every_one_there_is_used() {
    let mut texts = Vec::new();
    sources(&Path::new(REPO).join("src"), &mut texts);
    let mut used = BTreeSet::new();
    for text in &texts {
        for (i, _) in text.match_indices("msg!(") {
            let rest = text[i + 5..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue; // the macro's own definition
            };
            used.insert(rest.split('"').next().unwrap().to_string());
        }
    }
    assert!(used.len() > 100, "{used:?}");
    let (en, zh) = (ftl_ids("en"), ftl_ids("zh"));
    assert_eq!(en, zh, "en.ftl and zh.ftl hold other ids");
    let missing: Vec<&String> = used.iter().filter(|id| !en.contains(*id)).collect();
    assert!(missing.is_empty(), "used but in no .ftl file: {missing:?}");
    let all = texts.join("\n");
    let unused: Vec<&String> = (en.iter())
        .filter(|id| !all.contains(&format!("\"{id}\"")))
        .collect();
    assert!(
        unused.is_empty(),
        "in the .ftl files but never used: {unused:?}"
    );
}

/// Each `msg!("id", a = …, b = …)` of the code: its id and argument names.
fn calls(text: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("msg!(") {
        let rest = &text[i + 5..];
        let Some(body) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let id = body.split('"').next().unwrap().to_string();
        // The arguments up to the closing parenthesis, split at commas of
        // depth 0 (strings and character literals skipped).
        let mut parts = vec![String::new()];
        let (mut depth, mut chars) = (0, rest.chars().peekable());
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    while let Some(s) = chars.next() {
                        match s {
                            '\\' => {
                                chars.next();
                            }
                            '"' => break,
                            _ => {}
                        }
                    }
                    continue;
                }
                '\'' => {
                    // 'x' or '\x'
                    if chars.next() == Some('\\') {
                        chars.next();
                    }
                    chars.next();
                    continue;
                }
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(String::new());
                    continue;
                }
                _ => {}
            }
            parts.last_mut().unwrap().push(c);
        }
        let names = (parts.iter().skip(1))
            .filter_map(|p| {
                let (name, value) = p.split_once('=')?;
                let name = name.trim();
                let plain = !value.starts_with('=')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                (plain && !name.is_empty()).then(|| name.to_string())
            })
            .collect();
        found.push((id, names));
    }
    found
}

/// The variables each message of `en.ftl` uses.
fn ftl_variables() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let path = Path::new(REPO).join("src/messages/en.ftl");
    let mut out = std::collections::BTreeMap::new();
    let mut current = String::new();
    for line in fs::read_to_string(path).unwrap().lines() {
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_alphabetic())
            && let Some((id, _)) = line.split_once('=')
        {
            current = id.trim().to_string();
            out.insert(current.clone(), BTreeSet::new());
        }
        for (i, _) in line.match_indices('$') {
            let name: String = line[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.get_mut(&current).unwrap().insert(name);
        }
    }
    out
}

#[test]
fn every_call_gives_exactly_the_variables_its_message_uses() {
    let mut texts = Vec::new();
    sources(&Path::new(REPO).join("src"), &mut texts);
    let variables = ftl_variables();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for text in &texts {
        for (id, names) in calls(text) {
            let Some(wanted) = variables.get(&id) else {
                continue; // the test above names it
            };
            checked += 1;
            if &names != wanted {
                wrong.push(format!(
                    "{id}: the code gives {names:?}, the message uses {wanted:?}"
                ));
            }
        }
    }
    assert!(checked > 150, "{checked} calls");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
