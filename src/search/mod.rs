//! Built-in search: article pages → static index files, answered exactly in
//! the browser by [`SEARCH_JS`] (semantics: `search-spec.md`).
//!
//! [`index_page`] extracts, normalises and tokenises one page into plain
//! data ([`Indexed`]); [`write_index`] turns the pages of one language into
//! files. The on-disk format is described in `write.rs`; the query side in
//! `search.js`. Nothing here depends on the rest of the crate.

mod entities;
mod extract;
mod hash;
pub mod text;
mod varint;
mod write;

#[cfg(test)]
mod tests;

pub use extract::{Extracted, extract};
pub use write::write_index;

use text::{Class, normalize_into, tokenize};

/// One article page as the build renders it.
pub struct Doc<'a> {
    /// Root-relative and percent-encoded, as the site links it.
    pub url: &'a str,
    /// Fallback title if the article has no `<h1>`.
    pub title: &'a str,
    /// For display (order is given by the caller).
    pub date: &'a str,
    /// Section display name.
    pub section: &'a str,
    /// The whole rendered page.
    pub html: &'a str,
}

/// Everything the index needs from one page: extracted, normalised,
/// tokenised, and the compressed fragment `data()` fetches.
#[derive(Debug, Clone, Default)]
pub struct Indexed {
    pub(crate) url: String,
    /// Positions below this are in the title runs.
    pub(crate) title_len: u32,
    /// Number of tokens (BM25 length).
    pub(crate) len: u32,
    /// Doc-level CJK unigrams and bigrams: packed key, tf, in title.
    pub(crate) grams: Vec<(u64, u32, bool)>,
    /// Positional CJK keys (trigram starting at the position, cut at the end
    /// of the CJK stretch): packed key and a range of `pos`.
    pub(crate) cjk: Vec<(u64, u32, u32)>,
    /// Doc-level word/punctuation/space tokens: a range of `keys`, tf, in
    /// title.
    pub(crate) words: Vec<(u32, u32, u32, bool)>,
    /// Positional keys of word/punctuation/space tokens: the token, `SEP`
    /// and the next token of the run (or the token alone at the end of a
    /// run): a range of `keys` and a range of `pos`.
    pub(crate) strs: Vec<(u32, u32, u32, u32)>,
    pub(crate) keys: String,
    pub(crate) pos: Vec<u32>,
    /// gzip of the fragment JSON (title, date, section, runs).
    pub(crate) fragment: Vec<u8>,
}

/// The published JS module (`/search/search.js`).
pub const SEARCH_JS: &str = include_str!("search.js");

/// Up to three CJK letters packed into a u64 (21 bits each, 0 = absent).
pub(crate) fn pack(chars: &[char]) -> u64 {
    let mut k = 0u64;
    for (i, &c) in chars.iter().take(3).enumerate() {
        k |= (c as u64) << (42 - 21 * i);
    }
    k
}

pub(crate) fn unpack(k: u64, out: &mut String) {
    for i in 0..3 {
        let c = ((k >> (42 - 21 * i)) & 0x1F_FFFF) as u32;
        if c == 0 {
            break;
        }
        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
    }
}

/// White space collapsed and trimmed, characters kept as written (what the
/// excerpt shows).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Separates the two tokens of a positional pair key.
pub(crate) const SEP: char = '\u{1}';

/// Extracts, normalises and tokenises one page.
pub fn index_page(doc: &Doc) -> Indexed {
    let ex = extract(doc.html);
    let mut ix = Indexed {
        url: doc.url.to_string(),
        ..Default::default()
    };
    let mut norm = String::new();
    // Sorting (key, position) pairs groups them by key with positions in
    // order: cheaper than hash maps at a page's size, and deterministic.
    let mut cjk: Vec<(u64, u32)> = Vec::new();
    let mut words: Vec<(u32, u32)> = Vec::new(); // token range in `keys` (doc-level)
    let mut pairs: Vec<(u32, u32, u32)> = Vec::new(); // key range, position
    let mut chars: Vec<char> = Vec::new();
    let mut p: u32 = 0;
    let runs = ex
        .title
        .iter()
        .map(|r| (r, true))
        .chain(ex.body.iter().map(|r| (r, false)));
    for (run, in_title) in runs {
        normalize_into(run, &mut norm);
        if norm.is_empty() {
            continue;
        }
        let toks = tokenize(&norm);
        chars.clear();
        chars.extend(toks.iter().map(|t| {
            if t.class == Class::Cjk {
                t.text.chars().next().unwrap_or('\0')
            } else {
                '\0'
            }
        }));
        for (i, t) in toks.iter().enumerate() {
            let at = p + i as u32;
            if t.class == Class::Cjk {
                let mut e = i + 1;
                while e < chars.len() && e < i + 3 && chars[e] != '\0' {
                    e += 1;
                }
                cjk.push((pack(&chars[i..e]), at));
                continue;
            }
            let ks = ix.keys.len() as u32;
            ix.keys.push_str(t.text);
            let ke = ix.keys.len() as u32;
            words.push((ks, ke));
            if let Some(n) = toks.get(i + 1) {
                ix.keys.push(SEP);
                ix.keys.push_str(n.text);
                pairs.push((ks, ix.keys.len() as u32, at));
            } else {
                pairs.push((ks, ke, at));
            }
        }
        p += toks.len() as u32;
        ix.len += toks.len() as u32;
        if in_title {
            ix.title_len = p;
        }
        p += 1; // a gap: nothing matches across runs
    }
    let title_len = ix.title_len;
    cjk.sort_unstable();
    // Positional CJK lists, and from the same sorted keys the doc-level
    // unigram and bigram counts (a key starts with its uni- and bigram).
    let mut uni: (u64, u32, bool) = (0, 0, false);
    let mut bi: Vec<(u64, u32, bool)> = Vec::new();
    let mut i = 0;
    while i < cjk.len() {
        let k = cjk[i].0;
        let mut j = i;
        while j < cjk.len() && cjk[j].0 == k {
            j += 1;
        }
        let title = cjk[i].1 < title_len;
        ix.cjk.push((k, ix.pos.len() as u32, (j - i) as u32));
        ix.pos.extend(cjk[i..j].iter().map(|e| e.1));
        let n = (j - i) as u32;
        let u = k & !((1 << 42) - 1);
        if uni.0 != u {
            if uni.1 > 0 {
                ix.grams.push(uni);
            }
            uni = (u, 0, false);
        }
        uni.1 += n;
        uni.2 |= title;
        let b = k & !((1 << 21) - 1);
        if b != u {
            match bi.last_mut() {
                Some(last) if last.0 == b => {
                    last.1 += n;
                    last.2 |= title;
                }
                _ => bi.push((b, n, title)),
            }
        }
        i = j;
    }
    if uni.1 > 0 {
        ix.grams.push(uni);
    }
    ix.grams.extend(bi);
    ix.grams.sort_unstable_by_key(|e| e.0);
    let keys = &ix.keys;
    let key = |s: u32, e: u32| &keys[s as usize..e as usize];
    words.sort_unstable_by(|a, b| key(a.0, a.1).cmp(key(b.0, b.1)));
    let mut i = 0;
    while i < words.len() {
        let k = key(words[i].0, words[i].1);
        let mut j = i + 1;
        while j < words.len() && key(words[j].0, words[j].1) == k {
            j += 1;
        }
        // Positions are not kept here: the first occurrence in the title is
        // found from the pair lists below.
        ix.words
            .push((words[i].0, words[i].1, (j - i) as u32, false));
        i = j;
    }
    pairs.sort_unstable_by(|a, b| key(a.0, a.1).cmp(key(b.0, b.1)).then(a.2.cmp(&b.2)));
    let mut i = 0;
    while i < pairs.len() {
        let k = key(pairs[i].0, pairs[i].1);
        let mut j = i + 1;
        while j < pairs.len() && key(pairs[j].0, pairs[j].1) == k {
            j += 1;
        }
        ix.strs
            .push((pairs[i].0, pairs[i].1, ix.pos.len() as u32, (j - i) as u32));
        ix.pos.extend(pairs[i..j].iter().map(|e| e.2));
        i = j;
    }
    // Title bits of words: a title token is a title pair.
    if title_len > 0 {
        for &(ks, ke, at) in pairs.iter().filter(|e| e.2 < title_len) {
            let tok = key(ks, ke).split(SEP).next().unwrap_or("");
            if let Ok(w) = ix.words.binary_search_by(|e| key(e.0, e.1).cmp(tok)) {
                ix.words[w].3 = true;
            }
            let _ = at;
        }
    }
    ix.fragment = fragment(doc, &ex);
    ix
}

/// The JSON `data()` reads, gzip-compressed: title, date, section, and the
/// text runs (as written) for the excerpt, title runs first (`h` of them).
fn fragment(doc: &Doc, ex: &Extracted) -> Vec<u8> {
    let title: Vec<String> = ex.title.iter().map(|r| collapse(r)).collect();
    let shown = if title.is_empty() {
        collapse(doc.title)
    } else {
        title.join(" ")
    };
    let mut j = String::with_capacity(4096);
    j.push_str("{\"title\":");
    json_str(&mut j, &shown);
    j.push_str(",\"date\":");
    json_str(&mut j, doc.date);
    j.push_str(",\"section\":");
    json_str(&mut j, doc.section);
    j.push_str(&format!(",\"h\":{},\"runs\":[", title.len()));
    let mut first = true;
    for r in title
        .iter()
        .cloned()
        .chain(ex.body.iter().map(|r| collapse(r)))
    {
        if r.is_empty() {
            continue;
        }
        if !first {
            j.push(',');
        }
        first = false;
        json_str(&mut j, &r);
    }
    j.push_str("]}");
    write::gzip(j.as_bytes())
}
