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
pub use write::{write_index, write_index_sharded};

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

/// Appends `s` as a JSON string, white space collapsed and trimmed,
/// characters kept as written (what the excerpt shows). One pass, no
/// allocation: this runs for every page.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut space = false;
    let start = out.len();
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && out.len() > start {
            out.push(' ');
        }
        space = false;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Separates the two tokens of a positional pair key.
pub(crate) const SEP: char = '\u{1}';

fn fx(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = hash::Fx::default();
    h.write(bytes);
    h.finish()
}

/// Groups sorted `(hash, position, token)` entries into runs of equal
/// hash; `same` says whether two tokens give the same key. `None` on a
/// hash collision (then the caller takes the slow, string-sorted way).
fn groups(v: &[(u64, u32, u32)], same: impl Fn(u32, u32) -> bool) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let mut j = i + 1;
        while j < v.len() && v[j].0 == v[i].0 {
            if !same(v[i].2, v[j].2) {
                return None;
            }
            j += 1;
        }
        out.push((i, j));
        i = j;
    }
    Some(out)
}

/// Extracts, normalises and tokenises one page.
pub fn index_page(doc: &Doc) -> Indexed {
    let ex = extract(doc.html);
    let mut ix =
        index_runs(&ex, true).unwrap_or_else(|| index_runs(&ex, false).unwrap_or_default());
    ix.url = doc.url.to_string();
    ix.fragment = fragment(doc, &ex);
    ix
}

/// The index data of extracted runs. Keys are grouped by sorting: by a
/// 64-bit hash when `hashed` (`None` if two different keys collide), else
/// by the key strings.
fn index_runs(ex: &Extracted, hashed: bool) -> Option<Indexed> {
    let mut ix = Indexed::default();
    let mut text = String::new(); // every normalised run, one after another
    let mut norm = String::new();
    // Tokens of the page: byte range in `text`; 0 ends a run.
    let mut toks: Vec<(u32, u32)> = Vec::new();
    let mut cjk: Vec<(u64, u32)> = Vec::new();
    // (hash of the token / of the pair key, position, token index)
    let mut words: Vec<(u64, u32, u32)> = Vec::new();
    let mut pairs: Vec<(u64, u32, u32)> = Vec::new();
    let mut chars: Vec<char> = Vec::new();
    let mut hashes: Vec<u64> = Vec::new();
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
        let base = text.len();
        text.push_str(&norm);
        let ts = tokenize(&norm);
        chars.clear();
        hashes.clear();
        if hashed {
            // A CJK token's hash is needed only after a non-CJK token (as
            // the second half of a pair).
            let need =
                |i: usize| ts[i].class != Class::Cjk || (i > 0 && ts[i - 1].class != Class::Cjk);
            hashes.extend((0..ts.len()).map(|i| {
                if need(i) {
                    fx(ts[i].text.as_bytes())
                } else {
                    0
                }
            }));
        } else {
            hashes.resize(ts.len(), 0);
        }
        chars.extend(ts.iter().map(|t| {
            if t.class == Class::Cjk {
                t.text.chars().next().unwrap_or('\0')
            } else {
                '\0'
            }
        }));
        let first = toks.len();
        for t in &ts {
            let s = base + (t.text.as_ptr() as usize - norm.as_ptr() as usize);
            toks.push((s as u32, (s + t.text.len()) as u32));
        }
        for (i, t) in ts.iter().enumerate() {
            let at = p + i as u32;
            if t.class == Class::Cjk {
                let mut e = i + 1;
                while e < chars.len() && e < i + 3 && chars[e] != '\0' {
                    e += 1;
                }
                cjk.push((pack(&chars[i..e]), at));
                continue;
            }
            let ti = (first + i) as u32;
            // Each token is hashed once: its own key, and the next one's
            // hash for the pair key.
            let hw = hashes[i];
            words.push((hw, at, ti));
            let hp = match hashes.get(i + 1) {
                Some(&n) if hashed => hw.rotate_left(23) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                _ => hw,
            };
            pairs.push((hp, at, ti));
        }
        p += ts.len() as u32;
        toks.push((0, 0));
        ix.len += ts.len() as u32;
        if in_title {
            ix.title_len = p;
        }
        p += 1; // a gap: nothing matches across runs
    }
    let title_len = ix.title_len;
    cjk_lists(&mut ix, &mut cjk);
    // Token text, and the key of the pair starting at a token.
    let tok = |i: u32| {
        let (s, e) = toks[i as usize];
        &text[s as usize..e as usize]
    };
    let next = |i: u32| {
        let (s, e) = toks[i as usize + 1];
        if e == 0 {
            None
        } else {
            Some(&text[s as usize..e as usize])
        }
    };
    let same_pair = |a: u32, b: u32| tok(a) == tok(b) && next(a) == next(b);
    let (wg, pg) = if hashed {
        words.sort_unstable();
        pairs.sort_unstable();
        (
            groups(&words, |a, b| tok(a) == tok(b))?,
            groups(&pairs, same_pair)?,
        )
    } else {
        words.sort_unstable_by(|a, b| tok(a.2).cmp(tok(b.2)).then(a.1.cmp(&b.1)));
        pairs.sort_unstable_by(|a, b| {
            (tok(a.2), next(a.2))
                .cmp(&(tok(b.2), next(b.2)))
                .then(a.1.cmp(&b.1))
        });
        let mut w = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let j = i + words[i..]
                .iter()
                .take_while(|e| tok(e.2) == tok(words[i].2))
                .count();
            w.push((i, j));
            i = j;
        }
        let mut pr = Vec::new();
        let mut i = 0;
        while i < pairs.len() {
            let j = i + pairs[i..]
                .iter()
                .take_while(|e| same_pair(e.2, pairs[i].2))
                .count();
            pr.push((i, j));
            i = j;
        }
        (w, pr)
    };
    for (i, j) in wg {
        let ks = ix.keys.len() as u32;
        ix.keys.push_str(tok(words[i].2));
        // Sorted by position within a group: the first is the earliest.
        ix.words.push((
            ks,
            ix.keys.len() as u32,
            (j - i) as u32,
            words[i].1 < title_len,
        ));
    }
    for (i, j) in pg {
        let ks = ix.keys.len() as u32;
        ix.keys.push_str(tok(pairs[i].2));
        if let Some(n) = next(pairs[i].2) {
            ix.keys.push(SEP);
            ix.keys.push_str(n);
        }
        ix.strs.push((
            ks,
            ix.keys.len() as u32,
            ix.pos.len() as u32,
            (j - i) as u32,
        ));
        ix.pos.extend(pairs[i..j].iter().map(|e| e.1));
    }
    Some(ix)
}

/// Positional CJK lists, and from the same sorted keys the doc-level
/// unigram and bigram counts (a key starts with its uni- and bigram).
fn cjk_lists(ix: &mut Indexed, cjk: &mut [(u64, u32)]) {
    let title_len = ix.title_len;
    cjk.sort_unstable();
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
        let n = (j - i) as u32;
        ix.cjk.push((k, ix.pos.len() as u32, n));
        ix.pos.extend(cjk[i..j].iter().map(|e| e.1));
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
}

/// The JSON `data()` reads, gzip-compressed: title, date, section, and the
/// text runs (as written) for the excerpt, title runs first (`h` of them).
fn fragment(doc: &Doc, ex: &Extracted) -> Vec<u8> {
    let mut j = String::with_capacity(4096);
    j.push_str("{\"title\":");
    if ex.title.is_empty() {
        json_str(&mut j, doc.title);
    } else {
        json_str(&mut j, &ex.title.join(" "));
    }
    j.push_str(",\"date\":");
    json_str(&mut j, doc.date);
    j.push_str(",\"section\":");
    json_str(&mut j, doc.section);
    // Extraction keeps only runs with text, so none is empty here.
    j.push_str(&format!(",\"h\":{},\"runs\":[", ex.title.len()));
    for (i, r) in ex.title.iter().chain(&ex.body).enumerate() {
        if i > 0 {
            j.push(',');
        }
        json_str(&mut j, r);
    }
    j.push_str("]}");
    write::gzip(j.as_bytes())
}
