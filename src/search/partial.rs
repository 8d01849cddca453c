//! A partial index: the docs of one contiguous range, added in doc order
//! and inverted as they come. Every token position goes straight to its
//! positional key's stream; nothing is kept per page. `write.rs` merges
//! the partials of a language (in doc order) into the index files and
//! derives the doc-level lists from the positional ones.
//!
//! Positional keys (spec: `write.rs`): at a CJK letter the trigram starting
//! there, cut at the end of the CJK stretch (packed into a u64); at any
//! other token the token, `SEP` and the next token of the run, or the token
//! alone at the end of a run (bytes, hashed once per token).

use std::collections::HashMap;

use super::arena::{Arena, Chain, Decoder, PAGE};
use super::hash::FxBuild;
use super::text::{Class, class};

/// Separates the two tokens of a positional pair key.
pub(crate) const SEP: u8 = 1;

/// One key's stream and where it is in it.
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    chain: Chain,
    /// Last doc written (local; `u32::MAX` before the first).
    doc: u32,
    /// Last position written in that doc.
    pos: u32,
    /// Entries written (the same however the docs are split into partials).
    n: u32,
}

#[derive(Default)]
pub(crate) struct Partial {
    /// First doc (of the language) of this range.
    pub(crate) base: u32,
    /// Per doc: token count, title length in tokens.
    pub(crate) lens: Vec<(u32, u32)>,
    cjk_ids: HashMap<u64, u32, FxBuild>,
    pub(crate) cjk_keys: Vec<u64>,
    cjk_slots: Vec<Slot>,
    /// Tokens other than CJK letters: hash -> token id; the bytes are
    /// compared on a hit (and keys whose hash another has go to `tok_more`).
    tok_ids: HashMap<u64, u32, FxBuild>,
    tok_more: HashMap<Box<[u8]>, u32>,
    /// Token id -> a range of `tok_bytes`.
    tok_keys: Vec<(u32, u32)>,
    tok_bytes: Vec<u8>,
    /// Pair keys (first token id << 32 | next token's: a token id, a CJK
    /// letter `CJK | code point`, or `ALONE`) -> slot.
    str_ids: HashMap<u64, u32, FxBuild>,
    str_pairs: Vec<u64>,
    /// String keys' bytes once indexing is done (`finish`): a range of
    /// `str_bytes` per slot.
    pub(crate) str_keys: Vec<(u32, u32)>,
    pub(crate) str_bytes: Vec<u8>,
    str_slots: Vec<Slot>,
    arena: Arena,
    /// Scratch: the tokens of a run.
    toks: Vec<Tok>,
}

/// Pair halves: a CJK letter (`CJK | code point`), or none (a token alone).
const CJK: u32 = 1 << 31;
const ALONE: u32 = u32::MAX;

/// A token of a normalised run: a byte range, its class, and the letter for
/// a CJK token.
#[derive(Clone, Copy)]
struct Tok {
    s: u32,
    e: u32,
    cjk: u32,
}

/// Writes `v` as a LEB128 varint (at most 5 bytes) at `buf[n..]`; returns
/// the new length.
#[inline]
fn put(buf: &mut [u8], mut n: usize, mut v: u32) -> usize {
    while v >= 0x80 {
        buf[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    n + 1
}

#[inline]
fn add(arena: &mut Arena, s: &mut Slot, doc: u32, pos: u32) {
    s.n += 1;
    let new_doc = s.doc != doc;
    let dv = (doc.wrapping_sub(s.doc) << 1) | 1;
    if new_doc {
        s.doc = doc;
        s.pos = 0;
    }
    let pv = (pos - s.pos) << 1;
    s.pos = pos;
    let c = &mut s.chain;
    if c.cap - c.fill >= 10 {
        // Room for both varints: written in place.
        let at = (c.tail + c.fill) as usize;
        let (p, o) = (at / PAGE, at % PAGE);
        let dst: &mut [u8; 10] = (&mut arena.pages[p][o..o + 10])
            .try_into()
            .expect("10 bytes");
        let mut n = 0;
        if new_doc {
            n = put(dst, n, dv);
        }
        n = put(dst, n, pv);
        c.fill += n as u32;
        c.len += n as u32;
        return;
    }
    let mut buf = [0u8; 10];
    let mut n = 0;
    if new_doc {
        n = put(&mut buf, n, dv);
    }
    n = put(&mut buf, n, pv);
    arena.push(c, &buf[..n]);
}

#[inline]
fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ v).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    let mut last = 0u64;
    for (i, &x) in chunks.remainder().iter().enumerate() {
        last |= (x as u64) << (8 * i);
    }
    (h.rotate_left(5) ^ last).wrapping_mul(0x517C_C1B7_2722_0A95)
}

impl Partial {
    pub(crate) fn new(base: u32) -> Self {
        Partial {
            base,
            ..Default::default()
        }
    }

    /// Adds the next doc from its normalised runs (`true`: a title run; title
    /// runs come first). Empty runs are left out.
    pub(crate) fn add_doc<'a>(&mut self, runs: impl Iterator<Item = (&'a str, bool)>) {
        let doc = self.lens.len() as u32;
        let mut p = 0u32;
        let mut len = 0u32;
        let mut title_len = 0u32;
        for (run, in_title) in runs {
            if run.is_empty() {
                continue;
            }
            let n = self.add_run(doc, p, run);
            p += n;
            len += n;
            if in_title {
                title_len = p;
            }
            p += 1; // a gap: nothing matches across runs
        }
        self.lens.push((len, title_len));
    }

    /// Tokenises one normalised run (as `text::tokenize`) at position `p`
    /// and adds its keys; returns its token count.
    fn add_run(&mut self, doc: u32, p: u32, run: &str) -> u32 {
        let mut toks = std::mem::take(&mut self.toks);
        tokenize(run, &mut toks);
        let b = run.as_bytes();
        let n = toks.len();
        // The id of the token at i + 1 when looked up for a pair at i.
        let mut next_tok: Option<u32> = None;
        for i in 0..n {
            let t = toks[i];
            let at = p + i as u32;
            if t.cjk != 0 {
                next_tok = None;
                let mut k = (t.cjk as u64) << 42;
                if let Some(t1) = toks.get(i + 1).filter(|t| t.cjk != 0) {
                    k |= (t1.cjk as u64) << 21;
                    if let Some(t2) = toks.get(i + 2).filter(|t| t.cjk != 0) {
                        k |= t2.cjk as u64;
                    }
                }
                let id = *self.cjk_ids.entry(k).or_insert_with(|| {
                    self.cjk_keys.push(k);
                    self.cjk_slots.push(Slot {
                        chain: self.arena.chain(),
                        doc: u32::MAX,
                        pos: 0,
                        n: 0,
                    });
                    (self.cjk_slots.len() - 1) as u32
                });
                add(&mut self.arena, &mut self.cjk_slots[id as usize], doc, at);
                continue;
            }
            let t0 = match next_tok.take() {
                Some(id) => id,
                None => self.tok_id(&b[t.s as usize..t.e as usize]),
            };
            let t1 = match toks.get(i + 1) {
                Some(n) if n.cjk != 0 => CJK | n.cjk,
                Some(n) => {
                    let id = self.tok_id(&b[n.s as usize..n.e as usize]);
                    next_tok = Some(id);
                    id
                }
                None => ALONE,
            };
            let pair = (t0 as u64) << 32 | t1 as u64;
            let id = match self.str_ids.get(&pair) {
                Some(&id) => id,
                None => {
                    self.str_pairs.push(pair);
                    self.str_slots.push(Slot {
                        chain: self.arena.chain(),
                        doc: u32::MAX,
                        pos: 0,
                        n: 0,
                    });
                    let id = (self.str_slots.len() - 1) as u32;
                    self.str_ids.insert(pair, id);
                    id
                }
            };
            add(&mut self.arena, &mut self.str_slots[id as usize], doc, at);
        }
        self.toks = toks;
        n as u32
    }

    /// The id of a token (not a CJK letter).
    #[inline]
    fn tok_id(&mut self, tb: &[u8]) -> u32 {
        let h = hash_bytes(tb);
        if let Some(&id) = self.tok_ids.get(&h) {
            let (s, e) = self.tok_keys[id as usize];
            let have = &self.tok_bytes[s as usize..e as usize];
            if have.len() == tb.len() && have.iter().zip(tb).all(|(a, b)| a == b) {
                return id;
            }
            if let Some(&id) = self.tok_more.get(tb) {
                return id;
            }
            let id = self.new_tok(tb);
            self.tok_more.insert(tb.into(), id);
            return id;
        }
        let id = self.new_tok(tb);
        self.tok_ids.insert(h, id);
        id
    }

    fn new_tok(&mut self, tb: &[u8]) -> u32 {
        let s = self.tok_bytes.len() as u32;
        self.tok_bytes.extend_from_slice(tb);
        self.tok_keys.push((s, self.tok_bytes.len() as u32));
        (self.tok_keys.len() - 1) as u32
    }

    /// The bytes of every string key, for the merge (after the last doc).
    pub(crate) fn finish(&mut self) {
        let tok = |id: u32| {
            let (s, e) = self.tok_keys[id as usize];
            &self.tok_bytes[s as usize..e as usize]
        };
        let mut bytes = Vec::new();
        let mut keys = Vec::with_capacity(self.str_pairs.len());
        let mut buf = [0u8; 4];
        for &pair in &self.str_pairs {
            let s = bytes.len() as u32;
            bytes.extend_from_slice(tok((pair >> 32) as u32));
            match pair as u32 {
                ALONE => {}
                t if t & CJK != 0 => {
                    bytes.push(SEP);
                    let c = char::from_u32(t & !CJK).unwrap_or('\u{FFFD}');
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                t => {
                    bytes.push(SEP);
                    bytes.extend_from_slice(tok(t));
                }
            }
            keys.push((s, bytes.len() as u32));
        }
        self.str_bytes = bytes;
        self.str_keys = keys;
        // The dictionaries are no longer needed.
        self.cjk_ids = HashMap::default();
        self.str_ids = HashMap::default();
        self.tok_ids = HashMap::default();
        self.tok_more = HashMap::default();
    }

    pub(crate) fn str_key(&self, id: u32) -> &[u8] {
        let (s, e) = self.str_keys[id as usize];
        &self.str_bytes[s as usize..e as usize]
    }

    /// The entries of a key (a measure of the work it takes to merge).
    pub(crate) fn weight(&self, cjk: bool, id: u32) -> u32 {
        let slot = if cjk {
            &self.cjk_slots[id as usize]
        } else {
            &self.str_slots[id as usize]
        };
        slot.n
    }

    /// Calls `f(doc, pos)` for every entry of a key (`cjk`: a CJK key),
    /// docs of the language, ascending.
    pub(crate) fn entries(&self, cjk: bool, id: u32, mut f: impl FnMut(u32, u32)) {
        let slot = if cjk {
            &self.cjk_slots[id as usize]
        } else {
            &self.str_slots[id as usize]
        };
        let mut d = Decoder {
            v: 0,
            shift: 0,
            doc: self.base.wrapping_sub(1),
            pos: 0,
        };
        self.arena.read(&slot.chain, |bytes| d.feed(bytes, &mut f));
    }

    /// Bytes held (for measurements).
    pub(crate) fn size(&self) -> usize {
        self.arena.size()
            + self.str_bytes.capacity()
            + (self.cjk_slots.capacity() + self.str_slots.capacity()) * size_of::<Slot>()
            + self.cjk_ids.capacity() * 13
            + self.str_ids.capacity() * 13
            + self.tok_ids.capacity() * 13
            + self.tok_bytes.capacity()
            + self.cjk_keys.capacity() * 8
            + self.str_keys.capacity() * 8
    }
}

/// Classes of ASCII bytes (0 other, 1 word, 2 space).
static ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphanumeric() {
            1
        } else if c == b' ' {
            2
        } else {
            0
        };
        i += 1;
    }
    t
};

/// The class of the character at `run[i..]`, its length, and for a CJK
/// letter its code point. ASCII and 3-byte ideographs skip the tables.
#[inline]
fn char_at(run: &str, i: usize) -> (Class, usize, u32) {
    let b = run.as_bytes();
    let c0 = b[i];
    if c0 < 0x80 {
        let cl = match ASCII[c0 as usize] {
            1 => Class::Word,
            2 => Class::Space,
            _ => Class::Other,
        };
        return (cl, 1, 0);
    }
    if (0xE3..=0xE9).contains(&c0) && i + 2 < b.len() {
        let c =
            ((c0 as u32 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F);
        if matches!(c, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
            return (Class::Cjk, 3, c);
        }
    }
    let c = run[i..].chars().next().unwrap_or(' ');
    let cl = class(c);
    (
        cl,
        c.len_utf8(),
        if cl == Class::Cjk { c as u32 } else { 0 },
    )
}

/// The tokens of a normalised run into `out` (same rules as
/// `text::tokenize`): words, single CJK letters and other characters, and
/// a space only when a neighbour is not a word.
fn tokenize(run: &str, out: &mut Vec<Tok>) {
    out.clear();
    let mut word: Option<usize> = None;
    let mut space: Option<usize> = None;
    let mut last_word = false;
    let push = |out: &mut Vec<Tok>, s: usize, e: usize, cjk: u32| {
        out.push(Tok {
            s: s as u32,
            e: e as u32,
            cjk,
        })
    };
    let mut i = 0;
    while i < run.len() {
        let (cl, len, cp) = char_at(run, i);
        if cl == Class::Word {
            if word.is_none() {
                if let Some(s) = space.take()
                    && !last_word
                {
                    push(out, s, s + 1, 0);
                }
                word = Some(i);
            }
            i += len;
            // The rest of an ASCII word.
            let b = run.as_bytes();
            while i < b.len() && b[i] < 0x80 && ASCII[b[i] as usize] == 1 {
                i += 1;
            }
            continue;
        }
        if let Some(s) = word.take() {
            push(out, s, i, 0);
            last_word = true;
        }
        if let Some(s) = space.take() {
            push(out, s, s + 1, 0);
            last_word = false;
        }
        if cl == Class::Space {
            space = Some(i);
        } else {
            push(out, i, i + len, cp);
            last_word = false;
        }
        i += len;
    }
    if let Some(s) = word {
        push(out, s, run.len(), 0);
    }
    if let Some(s) = space {
        push(out, s, s + 1, 0);
    }
}
