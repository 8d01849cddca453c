//! The index files of one language (all paths under `<lang>/`):
//!
//! - `meta.json`: doc count, average length, URL chunk size, pages per
//!   fragment file, and for the two
//!   key spaces `d` (doc-level) and `p` (positional) the first key and byte
//!   size of every shard. Keys are sorted by code points (UTF-8 bytes; JS
//!   compares them with `cmp`, not `<`, which orders UTF-16 units), so a
//!   prefix is one contiguous range of shards.
//! - `docs.bin`: per doc (newest first) its token count (u16 LE, capped), then
//!   per doc its title length in tokens (varint).
//! - `d/<i>.gz`, `p/<i>.bin`: shards of about `SHARD` bytes (before the
//!   doc-level ones are gzip-compressed); a key larger than that is a shard
//!   of its own. A shard is a sequence of
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
//! - `f/<i>.gz`: the fragments (`fragment.rs`) of docs `i*f ..` for `data()`,
//!   a gzip-compressed JSON array.
//!
//! Doc-level keys: CJK unigrams and bigrams, words, punctuation, space.
//! Positional keys: at every CJK position the trigram starting there (cut at
//! the end of the CJK stretch), and every word, punctuation and space token
//! with the next token of its run (`partial.rs`).
//!
//! The doc-level lists are not collected apart: a doc-level key is the
//! start of positional keys that are neighbours in key order (a unigram or
//! bigram starts its trigrams; a token starts its pairs), so one pass over
//! the merged positional keys writes both key spaces.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;

use super::encode::{Numbering, PosList, Shard, Shards, doc_payload, tf_byte};
use super::fragment::{GROUP, gzip};
use super::partial::{Partial, SEP};
use super::varint;

/// Target shard size in bytes (before the host's gzip).
pub(crate) const SHARD: usize = 16 * 1024;
/// Docs per URL chunk.
const URLS: usize = 1000;

const UNI: u64 = !((1 << 42) - 1);
const BI: u64 = !((1 << 21) - 1);

/// The UTF-8 bytes of a packed CJK key (in `buf`).
fn cjk_bytes(k: u64, buf: &mut [u8; 12]) -> &[u8] {
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

/// A key of one partial, for the merge: its first 16 bytes (big endian,
/// zero padded) and where it is.
#[derive(Clone, Copy)]
struct KeyRef {
    prefix: u128,
    part: u32,
    id: u32,
    cjk: bool,
}

fn prefix(b: &[u8]) -> u128 {
    let mut p = [0u8; 16];
    let n = b.len().min(16);
    p[..n].copy_from_slice(&b[..n]);
    u128::from_be_bytes(p)
}

/// A doc-level list being summed from positional lists: per doc its count
/// and title bit (bit 31), and the docs touched.
struct Agg {
    key: Vec<u8>,
    active: bool,
    tf: Vec<u32>,
    touched: Vec<u32>,
    sorted: bool,
}

impl Agg {
    fn new(n: usize) -> Self {
        Agg {
            key: Vec::new(),
            active: false,
            tf: vec![0; n],
            touched: Vec::new(),
            sorted: true,
        }
    }

    fn start(&mut self, key: &[u8]) {
        self.key.clear();
        self.key.extend_from_slice(key);
        self.active = true;
    }

    #[inline]
    fn add(&mut self, doc: u32, n: u32, title: bool) {
        let e = &mut self.tf[doc as usize];
        if *e == 0 {
            if self.touched.last().is_some_and(|&l| l > doc) {
                self.sorted = false;
            }
            self.touched.push(doc);
        }
        *e = (*e + n) | ((title as u32) << 31);
    }
}

/// The one pass over the merged positional keys.
struct Pass<'a> {
    n_docs: usize,
    tlen: &'a [u32],
    d: Shards,
    p: Shards,
    list: PosList,
    per_doc: Vec<(u32, u32, bool)>,
    payload: Vec<u8>,
    sparse: Vec<u8>,
    pairs: Vec<(u32, u8)>,
    uni: Agg,
    bi: Agg,
    word: Agg,
    /// Bigram entries waiting for their unigram (which sorts first).
    pending: Vec<(Vec<u8>, Vec<u8>)>,
}

impl<'a> Pass<'a> {
    /// The doc-level entry of `agg`, reset.
    fn finish(&mut self, which: u8) -> Option<(Vec<u8>, Vec<u8>)> {
        let agg = match which {
            0 => &mut self.uni,
            1 => &mut self.bi,
            _ => &mut self.word,
        };
        if !agg.active {
            return None;
        }
        agg.active = false;
        if !agg.sorted {
            agg.touched.sort_unstable();
        }
        agg.sorted = true;
        self.pairs.clear();
        for &d in &agg.touched {
            let e = std::mem::take(&mut agg.tf[d as usize]);
            self.pairs.push((d, tf_byte(e & 0x7FFF_FFFF, e >> 31 == 1)));
        }
        agg.touched.clear();
        let mut out = Vec::new();
        doc_payload(self.n_docs, &self.pairs, &mut self.sparse, &mut out);
        Some((agg.key.clone(), out))
    }

    fn end_cjk(&mut self) {
        if let Some(e) = self.finish(1) {
            self.pending.push(e);
        }
        if let Some((k, v)) = self.finish(0) {
            self.d.push(&k, &v);
            for (k, v) in std::mem::take(&mut self.pending) {
                self.d.push(&k, &v);
            }
        }
    }

    fn end_word(&mut self) {
        if let Some((k, v)) = self.finish(2) {
            self.d.push(&k, &v);
        }
    }

    /// One positional key: its entries from each partial that has it.
    fn key(&mut self, parts: &[&Partial], group: &[KeyRef], key: &[u8]) {
        self.list.clear();
        self.per_doc.clear();
        let (list, per_doc) = (&mut self.list, &mut self.per_doc);
        let mut cur = u32::MAX;
        let mut prev: i64 = -1;
        let mut last: i64 = -1;
        let mut count = 0u32;
        for r in group {
            parts[r.part as usize].entries(r.cjk, r.id, |doc, pos| {
                if doc != cur {
                    if count > 0 {
                        list.counts.push(count - 1);
                        per_doc.push((cur, count, false));
                    }
                    list.docs.push((doc as i64 - prev - 1) as u32);
                    prev = doc as i64;
                    cur = doc;
                    count = 0;
                    last = -1;
                }
                list.gaps.push((pos as i64 - last - 1) as u32);
                last = pos as i64;
                count += 1;
            });
        }
        if count > 0 {
            list.counts.push(count - 1);
            per_doc.push((cur, count, false));
        }
        self.payload.clear();
        self.list.encode(&mut self.payload);
        self.p.push(key, &self.payload);
        // Title bits: the first position of each doc.
        let mut g = 0usize;
        for (i, e) in self.per_doc.iter_mut().enumerate() {
            let first = self.list.gaps[g] as usize;
            e.2 = first < self.tlen[e.0 as usize] as usize;
            g += self.list.counts[i] as usize + 1;
        }
        // The doc-level keys this key starts.
        let first = group[0];
        let mut buf = [0u8; 12];
        if first.cjk {
            let k = parts[first.part as usize].cjk_keys[first.id as usize];
            self.end_word();
            let u = cjk_bytes(k & UNI, &mut buf).to_vec();
            if self.uni.active && self.uni.key != u {
                self.end_cjk();
            }
            if !self.uni.active {
                self.uni.start(&u);
            }
            for &(d, n, t) in &self.per_doc {
                self.uni.add(d, n, t);
            }
            if (k >> 21) & 0x1F_FFFF != 0 {
                let b = cjk_bytes(k & BI, &mut buf);
                if self.bi.active
                    && self.bi.key != b
                    && let Some(e) = self.finish(1)
                {
                    self.pending.push(e);
                }
                if !self.bi.active {
                    self.bi.start(b);
                }
                for &(d, n, t) in &self.per_doc {
                    self.bi.add(d, n, t);
                }
            }
        } else {
            self.end_cjk();
            // The first token: one character, or a word (up to `SEP`).
            let t = if key[0] == SEP {
                &key[..1]
            } else {
                &key[..key.iter().position(|&c| c == SEP).unwrap_or(key.len())]
            };
            if self.word.active && self.word.key != t {
                self.end_word();
            }
            if !self.word.active {
                self.word.start(t);
            }
            for &(d, n, tt) in &self.per_doc {
                self.word.add(d, n, tt);
            }
        }
    }
}

/// The bytes of a partial's key.
fn key_bytes<'a>(parts: &'a [&'a Partial], r: &KeyRef, buf: &'a mut [u8; 12]) -> &'a [u8] {
    let p = &parts[r.part as usize];
    if r.cjk {
        cjk_bytes(p.cjk_keys[r.id as usize], buf)
    } else {
        p.str_key(r.id)
    }
}

/// Every key of the partials in code point order, equal keys together in
/// partial order.
fn merged_keys(parts: &[&Partial]) -> Vec<KeyRef> {
    let mut all: Vec<KeyRef> = Vec::new();
    for (pi, p) in parts.iter().enumerate() {
        let mut buf = [0u8; 12];
        all.extend(p.cjk_keys.iter().enumerate().map(|(id, &k)| KeyRef {
            prefix: prefix(cjk_bytes(k, &mut buf)),
            part: pi as u32,
            id: id as u32,
            cjk: true,
        }));
        all.extend((0..p.str_keys.len() as u32).map(|id| KeyRef {
            prefix: prefix(p.str_key(id)),
            part: pi as u32,
            id,
            cjk: false,
        }));
    }
    all.par_sort_unstable_by(|a, b| {
        a.prefix.cmp(&b.prefix).then_with(|| {
            let (mut x, mut y) = ([0u8; 12], [0u8; 12]);
            key_bytes(parts, a, &mut x)
                .cmp(key_bytes(parts, b, &mut y))
                .then(a.part.cmp(&b.part))
        })
    });
    all
}

/// The first character of a key (a range boundary: no doc-level key spans
/// two first characters).
fn first_char(parts: &[&Partial], r: &KeyRef) -> u32 {
    if r.cjk {
        (parts[r.part as usize].cjk_keys[r.id as usize] >> 42) as u32
    } else {
        // Its UTF-8 bytes (a CJK key never starts a string key, so the two
        // numberings need not agree).
        let k = parts[r.part as usize].str_key(r.id);
        let n = match k[0] {
            0..0xC0 => 1,
            0xC0..0xE0 => 2,
            0xE0..0xF0 => 3,
            _ => 4,
        };
        k.iter().take(n).fold(0, |a, &b| a << 8 | b as u32)
    }
}

/// How many ranges the merge cuts the keys into (eight: four per core
/// here). A range's last shard is cut short, so where the cuts fall must
/// not depend on the machine: a fixed count, and each key weighed by its
/// entries (the same however the docs were split into partials).
const RANGES: u64 = 8;

/// The merged keys cut into consecutive ranges of similar work (entries),
/// each cut where the first character changes.
fn ranges(parts: &[&Partial], keys: &[KeyRef]) -> Vec<(usize, usize)> {
    let weight = |r: &KeyRef| parts[r.part as usize].weight(r.cjk, r.id) as u64;
    let total: u64 = keys.iter().map(weight).sum();
    let target = (total / RANGES).max(1 << 16);
    let mut out = Vec::new();
    let (mut start, mut acc) = (0, 0u64);
    for i in 0..keys.len() {
        if acc >= target && first_char(parts, &keys[i]) != first_char(parts, &keys[i - 1]) {
            out.push((start, i));
            (start, acc) = (i, 0);
        }
        acc += weight(&keys[i]);
    }
    out.push((start, keys.len()));
    out
}

/// Keys between two questions to `stop`: at 10,000 articles a language
/// has about a million, and a range's pass takes tens of milliseconds.
const STOP_EVERY: usize = 4096;

/// The shards (doc-level, positional) of one range of merged keys, or
/// `None` once `stop` says so.
fn range_shards(
    parts: &[&Partial],
    keys: &[KeyRef],
    tlen: &[u32],
    shard: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<(Vec<Shard>, Vec<Shard>)> {
    let n_docs = tlen.len();
    let mut pass = Pass {
        n_docs,
        tlen,
        d: Shards::new(shard),
        p: Shards::new(shard),
        list: PosList::default(),
        per_doc: Vec::new(),
        payload: Vec::new(),
        sparse: Vec::new(),
        pairs: Vec::new(),
        uni: Agg::new(n_docs),
        bi: Agg::new(n_docs),
        word: Agg::new(n_docs),
        pending: Vec::new(),
    };
    let mut i = 0;
    let mut key = Vec::new();
    let mut asked = 0;
    while i < keys.len() {
        if i >= asked {
            if stop() {
                return None;
            }
            asked = i + STOP_EVERY;
        }
        let mut buf = [0u8; 12];
        key.clear();
        key.extend_from_slice(key_bytes(parts, &keys[i], &mut buf));
        let mut j = i + 1;
        while j < keys.len() && keys[j].prefix == keys[i].prefix && {
            let mut b2 = [0u8; 12];
            key_bytes(parts, &keys[j], &mut b2) == &key[..]
        } {
            j += 1;
        }
        pass.key(parts, &keys[i..j], &key);
        i = j;
    }
    pass.end_cjk();
    pass.end_word();
    // Doc-level lists (varint gaps, a byte per doc) shrink to about 0.4
    // gzipped; positional ones are Rice codes, which do not.
    let d = pass.d.finish();
    let d = d
        .into_iter()
        .map(|(k, one, b)| (k, one, gzip(&b)))
        .collect();
    Some((d, pass.p.finish()))
}

/// Where index files go as they are made (a path relative to the search
/// folder, the bytes): a build writes each at once instead of holding them.
pub type Emit<'e> = dyn Fn(String, Vec<u8>) + Sync + 'e;

/// The files `f` emits, collected (sorted by path: they come from several
/// threads); `None` if `f` gave up.
pub(crate) fn collect(f: impl FnOnce(&Emit) -> Option<()>) -> Option<Vec<(String, Vec<u8>)>> {
    let files = Mutex::new(Vec::new());
    f(&|path, bytes| lock(&files).push((path, bytes)))?;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Some(files)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The path of fragment file `i`.
pub(crate) fn fragment_path(lang_dir: &str, i: usize) -> String {
    format!("{lang_dir}/f/{i}.gz")
}

/// The index files of one language from its partials (consecutive doc
/// ranges, in order), the docs' URLs and fragments, in doc order (newest
/// first, ties by URL: the last ranking tie-break). Paths are relative to
/// the search folder, starting with `lang_dir`.
pub(crate) fn write_partials(
    lang_dir: &str,
    parts: &[&Partial],
    urls: &[&str],
    fragments: Vec<Vec<u8>>,
    shard: usize,
) -> Vec<(String, Vec<u8>)> {
    write_partials_unless(lang_dir, parts, urls, fragments, shard, &|| false)
        .expect("never asked to stop")
}

/// [`write_partials`] that gives up (`None`) soon after `stop` says so:
/// it is asked every [`STOP_EVERY`] keys. Dev mode's index is made while
/// the editor works on; a save that makes it out of date must not wait
/// for it (two cores: its threads' lowest priority was not enough).
pub(crate) fn write_partials_unless(
    lang_dir: &str,
    parts: &[&Partial],
    urls: &[&str],
    fragments: Vec<Vec<u8>>,
    shard: usize,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<(String, Vec<u8>)>> {
    collect(|emit| {
        emit_partials(lang_dir, parts, urls, shard, stop, emit)?;
        for (i, f) in fragments.into_iter().enumerate() {
            emit(fragment_path(lang_dir, i), f);
        }
        Some(())
    })
}

/// The shards of the ranges merged so far, named in range order as soon
/// as the ranges before them are done.
struct InOrder<'d> {
    next: usize,
    ready: BTreeMap<usize, (Vec<Shard>, Vec<Shard>)>,
    d: Numbering<'d>,
    p: Numbering<'d>,
}

/// The index files of one language but its fragments (as
/// [`write_partials_unless`]), each handed to `emit` once made: a range's
/// shards are not held until every range is merged.
pub(crate) fn emit_partials(
    lang_dir: &str,
    parts: &[&Partial],
    urls: &[&str],
    shard: usize,
    stop: &(dyn Fn() -> bool + Sync),
    emit: &Emit,
) -> Option<()> {
    let lens: Vec<(u32, u32)> = parts.iter().flat_map(|p| p.lens.iter().copied()).collect();
    let n_docs = lens.len();
    let tlen: Vec<u32> = lens.iter().map(|l| l.1).collect();
    let keys = merged_keys(parts);
    if std::env::var("UNIONPRESS_SEARCH_DEBUG").is_ok() {
        let size: usize = parts.iter().map(|p| p.size()).sum();
        eprintln!(
            "search {lang_dir}: {} partials, {} keys, {:.1} MB held",
            parts.len(),
            keys.len(),
            size as f64 / 1e6,
        );
    }
    let ranges = ranges(parts, &keys);
    let order = Mutex::new(InOrder {
        next: 0,
        ready: BTreeMap::new(),
        d: Numbering::new(lang_dir, "d", "gz"),
        p: Numbering::new(lang_dir, "p", "bin"),
    });
    // Ranges are taken in order (`par_bridge`), so few wait for another;
    // each is named once those before it are, and written outside the lock.
    (ranges.iter().enumerate().par_bridge()).try_for_each(|(r, &(a, b))| {
        let made = range_shards(parts, &keys[a..b], &tlen, shard, stop)?;
        let mut files = Vec::new();
        {
            let o = &mut *lock(&order);
            o.ready.insert(r, made);
            while let Some((d, p)) = o.ready.remove(&o.next) {
                o.next += 1;
                files.extend(o.d.name(d));
                files.extend(o.p.name(p));
            }
        }
        files
            .into_iter()
            .for_each(|(path, bytes)| emit(path, bytes));
        Some(())
    })?;
    let o = order.into_inner().unwrap_or_else(|e| e.into_inner());
    let (d_index, p_index) = (o.d.index(), o.p.index());
    let total: u64 = lens.iter().map(|l| l.0 as u64).sum();
    let avg = if n_docs == 0 {
        1.0
    } else {
        (total as f64 / n_docs as f64).max(1.0)
    };
    let meta = format!(
        "{{\"v\":3,\"n\":{n_docs},\"avg\":{avg},\"urls\":{URLS},\"f\":{GROUP},\"d\":{d_index},\"p\":{p_index}}}"
    );
    emit(format!("{lang_dir}/meta.json"), meta.into_bytes());
    let mut docs = Vec::with_capacity(n_docs * 3);
    for l in &lens {
        docs.extend_from_slice(&(l.0.min(65535) as u16).to_le_bytes());
    }
    for l in &lens {
        varint::put(&mut docs, l.1 as u64);
    }
    emit(format!("{lang_dir}/docs.bin"), docs);
    for (i, chunk) in urls.chunks(URLS).enumerate() {
        let mut s = String::new();
        for u in chunk {
            s.push_str(u);
            s.push('\n');
        }
        emit(format!("{lang_dir}/u/{i}.txt"), s.into_bytes());
    }
    Some(())
}
