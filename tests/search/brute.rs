//! The spec read literally, by brute force over strings: an independent
//! reference for the engine (normalisation with the `unicode-normalization`
//! crate directly, matching by character indices, no tokens).

use unicode_normalization::UnicodeNormalization;

pub fn normalize(s: &str) -> String {
    let s: String = s
        .nfkc()
        .collect::<String>()
        .to_lowercase()
        .replace('ς', "σ");
    s.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn cjk_range(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF | 0x3005 | 0x3007)
}

pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() && !cjk_range(c)
}

/// Spec section 4.
pub fn parse(query: &str) -> Vec<String> {
    let q = normalize(query);
    let mut terms = Vec::new();
    let mut cur = String::new();
    let mut phrase = false;
    let mut end = |cur: &mut String| {
        let t = cur.trim().to_string();
        if !t.is_empty() {
            terms.push(t);
        }
        cur.clear();
    };
    for c in q.chars() {
        if !phrase && (c == '"' || c == '“') {
            end(&mut cur);
            phrase = true;
        } else if phrase && (c == '"' || c == '”') {
            end(&mut cur);
            phrase = false;
        } else if !phrase && c == ' ' {
            end(&mut cur);
        } else {
            cur.push(c);
        }
    }
    end(&mut cur);
    terms
}

/// Occurrences of `t` in `r` (spec section 5).
pub fn count(r: &str, t: &str) -> usize {
    let r: Vec<char> = r.chars().collect();
    let t: Vec<char> = t.chars().collect();
    if t.is_empty() || t.len() > r.len() {
        return 0;
    }
    (0..=r.len() - t.len())
        .filter(|&i| r[i..i + t.len()] == t[..] && (!is_word(t[0]) || i == 0 || !is_word(r[i - 1])))
        .count()
}

/// A page for the reference: its raw title and body runs.
pub struct Page {
    pub url: String,
    pub title: Vec<String>,
    pub body: Vec<String>,
}

pub struct Hit {
    pub doc: usize,
    pub in_title: usize,
    /// Per term: occurrences in the page.
    pub tf: Vec<usize>,
}

/// Every page where every term occurs, in doc order.
pub fn matches(pages: &[Page], query: &str) -> (Vec<String>, Vec<Hit>) {
    let terms = parse(query);
    let mut hits = Vec::new();
    if terms.is_empty() {
        return (terms, hits);
    }
    for (d, p) in pages.iter().enumerate() {
        let title: Vec<String> = p
            .title
            .iter()
            .map(|r| normalize(r))
            .filter(|r| !r.is_empty())
            .collect();
        let body: Vec<String> = p
            .body
            .iter()
            .map(|r| normalize(r))
            .filter(|r| !r.is_empty())
            .collect();
        let tf: Vec<usize> = terms
            .iter()
            .map(|t| title.iter().chain(&body).map(|r| count(r, t)).sum())
            .collect();
        if tf.iter().all(|&n| n > 0) {
            let in_title = terms
                .iter()
                .filter(|t| title.iter().any(|r| count(r, t) > 0))
                .count();
            hits.push(Hit {
                doc: d,
                in_title,
                tf,
            });
        }
    }
    (terms, hits)
}
