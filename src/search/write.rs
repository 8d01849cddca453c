//! The index files of one language (all paths under `<lang>/`):
//!
//! - `meta.json`: doc count, average length, URL chunk size, and for the two
//!   key spaces `d` (doc-level) and `p` (positional) the first key and byte
//!   size of every shard. Keys are sorted by code points (UTF-8 bytes; JS
//!   compares them with `cmp`, not `<`, which orders UTF-16 units), so a
//!   prefix is one contiguous range of shards.
//! - `docs.bin`: per doc (newest first) its token count (u16 LE, capped), then
//!   per doc its title length in tokens (varint).
//! - `d/<i>.bin`, `p/<i>.bin`: shards of about `SHARD` bytes; a key larger than
//!   that is a shard of its own. A shard is a sequence of
//!   `varint shared, varint rest, key bytes after the first shared bytes of
//!   the previous key (front coding), varint len, payload`.
//!   Doc-level payload: `varint n<<1|mode` then the doc ids (mode 0: varint
//!   gaps; mode 1: a bitmap of all docs) then `n` bytes `min(tf,127)<<1 | in_title`.
//!   Positional payload: `varint ndocs<<1|1`, three Rice parameters (bytes) for
//!   doc gaps, counts − 1 and position gaps, then a bit stream (LSB first) of
//!   Rice codes: per doc its gap, count − 1 and position gaps. (Rice codes
//!   take 26 → 18 MB off the Chinese positions, where varints spend two bytes
//!   on a typical gap of a few hundred.) Short lists: `varint ndocs<<1`, then
//!   the same numbers as varints.
//! - `u/<i>.txt`: the URLs of docs `i*URLS ..`, one a line.
//! - `f/<id>.gz`: the gzip-compressed JSON fragment of one doc for `data()`.
//!
//! Doc-level keys: CJK unigrams and bigrams, words, punctuation, space.
//! Positional keys: at every CJK position the trigram starting there (cut at
//! the end of the CJK stretch), and every word, punctuation and space token.

use std::collections::HashMap;

use rayon::prelude::*;

use super::hash::FxBuild;
use super::{Indexed, varint};

/// Target shard size in bytes (before the host's gzip).
const SHARD: usize = 16 * 1024;
/// Fragment compression: level 1 costs 15–20 µs a page against 25–55 µs for
/// level 6, for 13% more bytes (measured on the 10k benchmark pages).
const GZIP_LEVEL: u32 = 1;
/// Docs per URL chunk.
const URLS: usize = 1000;

thread_local! {
    /// One deflate state per thread, reset for every fragment: a fresh one
    /// allocates and clears ~300 KB of hash tables, which cost more than
    /// compressing a 5 KB fragment.
    static DEFLATE: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(GZIP_LEVEL), false));
}

/// gzip (RFC 1952) of `data`: no name, no time, so the bytes are reproducible.
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    DEFLATE.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        loop {
            let consumed = c.total_in() as usize;
            match c.compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish) {
                Ok(flate2::Status::StreamEnd) | Err(_) => break,
                Ok(_) => out.reserve(out.capacity().max(1024)),
            }
        }
    });
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn tf_byte(tf: u32, title: bool) -> u8 {
    ((tf.min(127) as u8) << 1) | title as u8
}

fn doc_payload(n_docs: usize, list: &[(u32, u8)], out: &mut Vec<u8>) {
    let mut sparse = Vec::with_capacity(list.len() * 2);
    let mut prev: i64 = -1;
    for &(d, _) in list {
        varint::put(&mut sparse, (d as i64 - prev - 1) as u64);
        prev = d as i64;
    }
    let bitmap = n_docs.div_ceil(8);
    let n = list.len() as u64;
    if bitmap < sparse.len() {
        varint::put(out, n << 1 | 1);
        let start = out.len();
        out.resize(start + bitmap, 0);
        for &(d, _) in list {
            out[start + (d as usize >> 3)] |= 1 << (d & 7);
        }
    } else {
        varint::put(out, n << 1);
        out.extend_from_slice(&sparse);
    }
    out.extend(list.iter().map(|e| e.1));
}

/// LSB-first bit writer for Rice codes.
struct Bits<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits<'_> {
    /// Appends the `len` (≤ 32) low bits of `v`.
    fn put(&mut self, v: u64, len: u32) {
        self.acc |= v << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// Rice code: `v >> k` in unary (ones, then a zero), then `k` low bits.
    fn rice(&mut self, v: u32, k: u32) {
        let mut q = v >> k;
        while q >= 31 {
            self.put(0x7FFF_FFFF, 31);
            q -= 31;
        }
        self.put((1u64 << q) - 1, q + 1);
        self.put((v & ((1 << k) - 1)) as u64, k);
    }
    fn finish(self) {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
    }
}

/// The Rice parameter that codes `vals` in the fewest bits, among the
/// three around log2 of their mean (near-optimal for geometric gaps).
fn best_k(vals: &[u32]) -> u32 {
    let sum: u64 = vals.iter().map(|&v| v as u64).sum();
    let mean = sum / (vals.len() as u64).max(1);
    let k0 = 63 - (mean | 1).leading_zeros();
    (k0.saturating_sub(1)..=(k0 + 1).min(24))
        .min_by_key(|&k| {
            vals.iter()
                .map(|&v| (v >> k) as u64 + 1 + k as u64)
                .sum::<u64>()
        })
        .unwrap_or(0)
}

fn pos_payload(pages: &[&Indexed], list: &[(u32, (u32, u32))], out: &mut Vec<u8>) {
    let mut docs = Vec::with_capacity(list.len());
    let mut counts = Vec::with_capacity(list.len());
    let mut gaps = Vec::with_capacity(list.len() * 2);
    let mut prev: i64 = -1;
    for &(d, (s, n)) in list {
        docs.push((d as i64 - prev - 1) as u32);
        prev = d as i64;
        counts.push(n - 1);
        let mut pp: i64 = -1;
        for &p in &pages[d as usize].pos[s as usize..(s + n) as usize] {
            gaps.push((p as i64 - pp - 1) as u32);
            pp = p as i64;
        }
    }
    let (kd, kc, kp) = (best_k(&docs), best_k(&counts), best_k(&gaps));
    let n = list.len() as u64;
    // Short lists (most keys of a long-tailed site: one doc, one position)
    // are smaller as plain varints than with three Rice parameter bytes.
    let rice_bits = |v: &[u32], k: u32| {
        v.iter()
            .map(|&x| (x >> k) as u64 + 1 + k as u64)
            .sum::<u64>()
    };
    let rice =
        3 + (rice_bits(&docs, kd) + rice_bits(&counts, kc) + rice_bits(&gaps, kp)).div_ceil(8);
    let varints: u64 = docs
        .iter()
        .chain(&counts)
        .chain(&gaps)
        .map(|&x| varint::len(x as u64))
        .sum();
    if varints <= rice {
        varint::put(out, n << 1);
        let mut g = gaps.iter();
        for (&d, &c) in docs.iter().zip(&counts) {
            varint::put(out, d as u64);
            varint::put(out, c as u64);
            for &p in g.by_ref().take(c as usize + 1) {
                varint::put(out, p as u64);
            }
        }
        return;
    }
    varint::put(out, n << 1 | 1);
    out.extend([kd as u8, kc as u8, kp as u8]);
    let mut bits = Bits { out, acc: 0, n: 0 };
    let mut g = gaps.iter();
    for (&d, &c) in docs.iter().zip(&counts) {
        bits.rice(d, kd);
        bits.rice(c, kc);
        for &p in g.by_ref().take(c as usize + 1) {
            bits.rice(p, kp);
        }
    }
    bits.finish();
}

/// Sorted (key, payload) → shard files and the directory entries
/// `[first key, size]` (size negative: the shard holds that one key only).
fn shards(
    dir: &str,
    kind: &str,
    entries: Vec<(Key, Vec<u8>)>,
    target: usize,
) -> (Vec<(String, Vec<u8>)>, String) {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut index = String::from("[");
    let mut cur: Vec<u8> = Vec::new();
    let mut first = String::new();
    let mut prev: Vec<u8> = Vec::new();
    let mut flush =
        |cur: &mut Vec<u8>, first: &str, single: bool, files: &mut Vec<(String, Vec<u8>)>| {
            if cur.is_empty() {
                return;
            }
            if !files.is_empty() {
                index.push(',');
            }
            let size = if single {
                -(cur.len() as i64)
            } else {
                cur.len() as i64
            };
            index.push_str(&format!(
                "[{},{size}]",
                serde_json::to_string(first).unwrap_or_default()
            ));
            files.push((
                format!("{dir}/{kind}/{}.bin", files.len()),
                std::mem::take(cur),
            ));
        };
    let mut buf = [0u8; 12];
    for (k, payload) in entries {
        let key = k.bytes(&mut buf);
        let size = key.len() + payload.len() + 6;
        let single = size > target;
        if !cur.is_empty() && (single || cur.len() + size > target) {
            flush(&mut cur, &first, false, &mut files);
        }
        let shared = if cur.is_empty() {
            first = String::from_utf8_lossy(key).into_owned();
            0
        } else {
            prev.iter().zip(key).take_while(|(a, b)| a == b).count()
        };
        // Front coding: sorted neighbours share their first characters.
        varint::put(&mut cur, shared as u64);
        varint::put(&mut cur, (key.len() - shared) as u64);
        cur.extend_from_slice(&key[shared..]);
        varint::put(&mut cur, payload.len() as u64);
        cur.extend_from_slice(&payload);
        if single {
            flush(&mut cur, &first, true, &mut files);
        }
        prev.clear();
        prev.extend_from_slice(key);
    }
    flush(&mut cur, &first, false, &mut files);
    index.push(']');
    (files, index)
}

/// A key without allocating: a packed CJK n-gram, or a token / pair key
/// borrowed from a page.
#[derive(Clone, Copy)]
enum Key<'a> {
    Cjk(u64),
    Str(&'a str),
}

impl Key<'_> {
    /// The key's UTF-8 bytes (made in `buf` for a CJK key).
    fn bytes<'b>(&'b self, buf: &'b mut [u8; 12]) -> &'b [u8] {
        match self {
            Key::Str(s) => s.as_bytes(),
            Key::Cjk(k) => {
                let mut n = 0;
                for i in 0..3 {
                    let c = ((k >> (42 - 21 * i)) & 0x1F_FFFF) as u32;
                    let Some(c) = char::from_u32(c).filter(|_| c != 0) else {
                        break;
                    };
                    n += c.encode_utf8(&mut buf[n..]).len();
                }
                &buf[..n]
            }
        }
    }
}

/// Merges CJK keys and string keys, each sorted, into one code point order
/// (packed n-grams sort numerically in code point order, shorter first).
fn merge<'a, V: Send>(mut cjk: Vec<(u64, V)>, mut strs: Vec<(&'a str, V)>) -> Vec<(Key<'a>, V)> {
    rayon::join(
        || cjk.par_sort_unstable_by_key(|e| e.0),
        || strs.par_sort_unstable_by(|a, b| a.0.cmp(b.0)),
    );
    let mut out = Vec::with_capacity(cjk.len() + strs.len());
    let mut c = cjk.into_iter().peekable();
    let mut s = strs.into_iter().peekable();
    let mut buf = [0u8; 12];
    loop {
        let take_cjk = match (c.peek(), s.peek()) {
            (Some(x), Some(y)) => Key::Cjk(x.0).bytes(&mut buf) < y.0.as_bytes(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_cjk {
            if let Some((k, v)) = c.next() {
                out.push((Key::Cjk(k), v));
            }
        } else if let Some((k, v)) = s.next() {
            out.push((Key::Str(k), v));
        }
    }
    out
}

/// Entries `(doc, value)` grouped by key without a vector per key (a
/// long-tailed site has millions of keys): key ids in first-seen order, then
/// one flat array, entries of key `i` at `offs[i]..offs[i + 1]` in doc order.
struct Grouped<K, V> {
    keys: Vec<(K, u32)>,
    offs: Vec<u32>,
    flat: Vec<(u32, V)>,
}

/// `visit` calls its argument with every (doc, key, value), docs ascending;
/// it runs twice (count, then fill).
fn group<K, V>(visit: impl Fn(&mut dyn FnMut(u32, K, V))) -> Grouped<K, V>
where
    K: std::hash::Hash + Eq + Copy,
    V: Copy + Default,
{
    let mut ids: HashMap<K, u32, FxBuild> = HashMap::default();
    let mut keys: Vec<(K, u32)> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    visit(&mut |_, k, _| {
        let id = *ids.entry(k).or_insert_with(|| {
            keys.push((k, keys.len() as u32));
            counts.push(0);
            (keys.len() - 1) as u32
        });
        counts[id as usize] += 1;
    });
    let mut offs = Vec::with_capacity(counts.len() + 1);
    let mut total = 0u32;
    offs.push(0);
    for c in &counts {
        total += c;
        offs.push(total);
    }
    let mut next = offs.clone();
    let mut flat = vec![(0u32, V::default()); total as usize];
    visit(&mut |d, k, v| {
        let id = ids[&k] as usize;
        flat[next[id] as usize] = (d, v);
        next[id] += 1;
    });
    Grouped { keys, offs, flat }
}

impl<K, V> Grouped<K, V> {
    fn list(&self, id: u32) -> &[(u32, V)] {
        &self.flat[self.offs[id as usize] as usize..self.offs[id as usize + 1] as usize]
    }
}

/// Doc-level lists: (key, payload) sorted.
fn doc_level<'a>(pages: &[&'a Indexed]) -> Vec<(Key<'a>, Vec<u8>)> {
    let (mut grams, mut strs) = rayon::join(
        || {
            group(|f: &mut dyn FnMut(u32, u64, u8)| {
                for (d, pg) in pages.iter().enumerate() {
                    for &(k, tf, t) in &pg.grams {
                        f(d as u32, k, tf_byte(tf, t));
                    }
                }
            })
        },
        || {
            group(|f: &mut dyn FnMut(u32, &'a str, u8)| {
                for (d, pg) in pages.iter().enumerate() {
                    for &(ks, ke, tf, title) in &pg.words {
                        f(
                            d as u32,
                            &pg.keys[ks as usize..ke as usize],
                            tf_byte(tf, title),
                        );
                    }
                }
            })
        },
    );
    let keyed = merge(
        std::mem::take(&mut grams.keys),
        std::mem::take(&mut strs.keys),
    );
    keyed
        .into_par_iter()
        .map(|(k, id)| {
            let list = match k {
                Key::Cjk(_) => grams.list(id),
                Key::Str(_) => strs.list(id),
            };
            let mut out = Vec::new();
            doc_payload(pages.len(), list, &mut out);
            (k, out)
        })
        .collect()
}

/// Positional lists: (key, payload) sorted.
fn positional<'a>(pages: &[&'a Indexed]) -> Vec<(Key<'a>, Vec<u8>)> {
    let (mut cjk, mut strs) = rayon::join(
        || {
            group(|f: &mut dyn FnMut(u32, u64, (u32, u32))| {
                for (d, pg) in pages.iter().enumerate() {
                    for &(k, s, n) in &pg.cjk {
                        f(d as u32, k, (s, n));
                    }
                }
            })
        },
        || {
            group(|f: &mut dyn FnMut(u32, &'a str, (u32, u32))| {
                for (d, pg) in pages.iter().enumerate() {
                    for &(ks, ke, s, n) in &pg.strs {
                        f(d as u32, &pg.keys[ks as usize..ke as usize], (s, n));
                    }
                }
            })
        },
    );
    let keyed = merge(
        std::mem::take(&mut cjk.keys),
        std::mem::take(&mut strs.keys),
    );
    keyed
        .into_par_iter()
        .map(|(k, id)| {
            let list = match k {
                Key::Cjk(_) => cjk.list(id),
                Key::Str(_) => strs.list(id),
            };
            let mut out = Vec::new();
            pos_payload(pages, list, &mut out);
            (k, out)
        })
        .collect()
}

/// The index files of one language, pages newest first (ties by URL):
/// that order is the last ranking tie-break. Paths are relative to the
/// search folder, starting with `lang_dir`.
pub fn write_index(lang_dir: &str, pages: &[&Indexed]) -> Vec<(String, Vec<u8>)> {
    write_index_sharded(lang_dir, pages, SHARD)
}

/// [`write_index`] with another shard size (tests use tiny shards so that
/// the directory, key ranges and one-key shards are exercised).
#[doc(hidden)]
pub fn write_index_sharded(
    lang_dir: &str,
    pages: &[&Indexed],
    shard: usize,
) -> Vec<(String, Vec<u8>)> {
    let (d, p) = rayon::join(|| doc_level(pages), || positional(pages));
    let (mut files, d_index) = shards(lang_dir, "d", d, shard);
    let (p_files, p_index) = shards(lang_dir, "p", p, shard);
    files.extend(p_files);
    let total: u64 = pages.iter().map(|p| p.len as u64).sum();
    let avg = if pages.is_empty() {
        1.0
    } else {
        (total as f64 / pages.len() as f64).max(1.0)
    };
    let meta = format!(
        "{{\"v\":1,\"n\":{},\"avg\":{avg},\"urls\":{URLS},\"d\":{d_index},\"p\":{p_index}}}",
        pages.len()
    );
    files.push((format!("{lang_dir}/meta.json"), meta.into_bytes()));
    let mut docs = Vec::with_capacity(pages.len() * 3);
    for pg in pages {
        docs.extend_from_slice(&(pg.len.min(65535) as u16).to_le_bytes());
    }
    for pg in pages {
        varint::put(&mut docs, pg.title_len as u64);
    }
    files.push((format!("{lang_dir}/docs.bin"), docs));
    for (i, chunk) in pages.chunks(URLS).enumerate() {
        let mut s = String::new();
        for pg in chunk {
            s.push_str(&pg.url);
            s.push('\n');
        }
        files.push((format!("{lang_dir}/u/{i}.txt"), s.into_bytes()));
    }
    for (i, pg) in pages.iter().enumerate() {
        files.push((format!("{lang_dir}/f/{i}.gz"), pg.fragment.clone()));
    }
    files
}
