//! The code's layout as `src/lib.rs` describes it: every module uses only
//! modules below it in the house (no cycles, no stage reaching up into a
//! later one), and no source file grows past what one reader holds in mind.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::REPO;

/// The modules from the bottom of the house up; a module may use those in
/// earlier layers (and its own).
const LAYERS: &[&[&str]] = &[
    &["messages"],
    &["error"],
    &["files", "text"],
    &["config"],
    &["urls"],
    &["theme"],
    &["images", "metrics"],
    &["markdown"],
    &["content"],
    &["search"],
    &["render"],
    &["check"],
    &["output"],
    &["pipeline"],
    &["serve", "scaffold"],
];

const MOST_LINES: usize = 600;

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(Path::new(REPO).join("src")).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.insert(rel, fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let mut files = BTreeMap::new();
    sources(&Path::new(REPO).join("src"), &mut files);
    let mut wrong = Vec::new();
    for (file, text) in &files {
        let module = file.split(['/', '.']).next().unwrap();
        if module == "main" || module == "cmd" || module == "lib" {
            continue; // the binary and the crate root may use anything
        }
        let own = layer(module).unwrap_or_else(|| panic!("{file}: add `{module}` to LAYERS"));
        for (i, _) in text.match_indices("crate::") {
            let used: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let Some(theirs) = layer(&used) else {
                continue; // `crate::{a, b}` is not used in this code base
            };
            if used != module && theirs >= own {
                wrong.push(format!("{file} uses crate::{used}"));
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        wrong.is_empty(),
        "uses of modules above:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_source_file_is_longer_than_one_reader_holds_in_mind() {
    let mut files = BTreeMap::new();
    sources(&Path::new(REPO).join("src"), &mut files);
    let long: Vec<String> = files
        .iter()
        .map(|(f, t)| (f, t.lines().count()))
        .filter(|(_, n)| *n > MOST_LINES)
        .map(|(f, n)| format!("{f}: {n} lines"))
        .collect();
    assert!(long.is_empty(), "over {MOST_LINES} lines: {long:?}");
}
