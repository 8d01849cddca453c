//! Payload encodings and shards (the format: `write.rs`).

use super::varint;

pub(crate) fn tf_byte(tf: u32, title: bool) -> u8 {
    ((tf.min(127) as u8) << 1) | title as u8
}

/// Doc-level payload of `list` (doc, tf byte), docs ascending. `sparse` is
/// scratch.
pub(crate) fn doc_payload(
    n_docs: usize,
    list: &[(u32, u8)],
    sparse: &mut Vec<u8>,
    out: &mut Vec<u8>,
) {
    sparse.clear();
    let mut prev: i64 = -1;
    for &(d, _) in list {
        varint::put(sparse, (d as i64 - prev - 1) as u64);
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
        out.extend_from_slice(sparse);
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
    /// Appends the `len` (≤ 32) low bits of `v`; whole 32-bit words go
    /// out at once (fewer than 32 bits are ever held).
    #[inline]
    fn put(&mut self, v: u64, len: u32) {
        self.acc |= v << self.n;
        self.n += len;
        if self.n >= 32 {
            self.out.extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }
    /// Rice code: `v >> k` in unary (ones, then a zero), then `k` low bits.
    #[inline]
    fn rice(&mut self, v: u32, k: u32) {
        let mut q = v >> k;
        let low = (v & ((1 << k) - 1)) as u64;
        if q + 1 + k <= 32 {
            // The usual case: both parts in one write.
            self.put(((1u64 << q) - 1) | low << (q + 1), q + 1 + k);
            return;
        }
        while q >= 31 {
            self.put(0x7FFF_FFFF, 31);
            q -= 31;
        }
        self.put((1u64 << q) - 1, q + 1);
        self.put(low, k);
    }
    fn finish(self) {
        let bytes = self.acc.to_le_bytes();
        self.out
            .extend_from_slice(&bytes[..self.n.div_ceil(8) as usize]);
    }
}

/// The Rice parameter that codes `vals` in the fewest bits, among the
/// three around log2 of their mean (near-optimal for geometric gaps), the
/// bits it takes, and the bytes `vals` take as varints. One pass.
fn best_k(vals: &[u32]) -> (u32, u64, u64) {
    let n = vals.len() as u64;
    let sum: u64 = vals.iter().map(|&v| v as u64).sum();
    let mean = sum / n.max(1);
    let k0 = 63 - (mean | 1).leading_zeros();
    let (lo, hi) = (k0.saturating_sub(1), (k0 + 1).min(24));
    let (s0, s1, s2) = (lo, (lo + 1).min(31), (lo + 2).min(31));
    let (mut a, mut b, mut c, mut varints) = (0u64, 0u64, 0u64, 0u64);
    for &v in vals {
        a += (v >> s0) as u64;
        b += (v >> s1) as u64;
        c += (v >> s2) as u64;
        // Varint bytes: 1 below 2^7, 2 below 2^14, ...
        varints += 1
            + (v >= 1 << 7) as u64
            + (v >= 1 << 14) as u64
            + (v >= 1 << 21) as u64
            + (v >= 1 << 28) as u64;
    }
    let shifted = [a, b, c];
    let mut best = None;
    for k in lo..=hi {
        let bits = shifted[(k - lo) as usize] + n * (1 + k as u64);
        if best.is_none_or(|(_, b)| bits < b) {
            best = Some((k, bits));
        }
    }
    // (No candidate: k = 0.)
    let (k, bits) = best.unwrap_or((0, sum + n));
    (k, bits, varints)
}

/// One positional list: per doc its gap (doc − previous − 1), count − 1,
/// and the position gaps (position − previous − 1) of all docs in order.
#[derive(Default)]
pub(crate) struct PosList {
    pub docs: Vec<u32>,
    pub counts: Vec<u32>,
    pub gaps: Vec<u32>,
}

impl PosList {
    pub fn clear(&mut self) {
        self.docs.clear();
        self.counts.clear();
        self.gaps.clear();
    }

    /// Positional payload: Rice codes, or varints where they are smaller
    /// (most keys of a long-tailed site: one doc, one position).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let (docs, counts, gaps) = (&self.docs, &self.counts, &self.gaps);
        let ((kd, bd, vd), (kc, bc, vc), (kp, bp, vp)) =
            (best_k(docs), best_k(counts), best_k(gaps));
        let n = docs.len() as u64;
        let rice = 3 + (bd + bc + bp).div_ceil(8);
        let varints = vd + vc + vp;
        if varints <= rice {
            varint::put(out, n << 1);
            let mut g = gaps.iter();
            for (&d, &c) in docs.iter().zip(counts) {
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
        for (&d, &c) in docs.iter().zip(counts) {
            bits.rice(d, kd);
            bits.rice(c, kc);
            for &p in g.by_ref().take(c as usize + 1) {
                bits.rice(p, kp);
            }
        }
        bits.finish();
    }
}

/// One shard: its first key, whether it holds one big key only, its bytes.
pub(crate) type Shard = (Vec<u8>, bool, Vec<u8>);

/// Sorted (key, payload) entries → shards of about `target` bytes (a key
/// larger than that is a shard of its own).
pub(crate) struct Shards {
    target: usize,
    shards: Vec<Shard>,
    cur: Vec<u8>,
    first: Vec<u8>,
    prev: Vec<u8>,
}

impl Shards {
    pub fn new(target: usize) -> Self {
        Shards {
            target,
            shards: Vec::new(),
            cur: Vec::new(),
            first: Vec::new(),
            prev: Vec::new(),
        }
    }

    fn flush(&mut self, single: bool) {
        if self.cur.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.cur);
        self.shards.push((self.first.clone(), single, bytes));
    }

    pub fn push(&mut self, key: &[u8], payload: &[u8]) {
        let size = key.len() + payload.len() + 6;
        let single = size > self.target;
        if !self.cur.is_empty() && (single || self.cur.len() + size > self.target) {
            self.flush(false);
        }
        let shared = if self.cur.is_empty() {
            self.cur.reserve(self.target);
            self.first.clear();
            self.first.extend_from_slice(key);
            0
        } else {
            self.prev
                .iter()
                .zip(key)
                .take_while(|(a, b)| a == b)
                .count()
        };
        // Front coding: sorted neighbours share their first characters.
        varint::put(&mut self.cur, shared as u64);
        varint::put(&mut self.cur, (key.len() - shared) as u64);
        self.cur.extend_from_slice(&key[shared..]);
        varint::put(&mut self.cur, payload.len() as u64);
        self.cur.extend_from_slice(payload);
        if single {
            self.flush(true);
        }
        self.prev.clear();
        self.prev.extend_from_slice(key);
    }

    pub fn finish(mut self) -> Vec<Shard> {
        self.flush(false);
        self.shards
    }
}

/// Names shards (of consecutive key ranges, handed over in order) as the
/// files `<dir>/<kind>/<i>.<ext>`, and lists them in a directory: entries
/// `[first key, size]` (size negative: the shard holds that one key only),
/// a JSON array.
pub(crate) struct Numbering<'d> {
    dir: &'d str,
    kind: &'static str,
    ext: &'static str,
    next: usize,
    index: String,
}

impl<'d> Numbering<'d> {
    pub fn new(dir: &'d str, kind: &'static str, ext: &'static str) -> Self {
        Numbering {
            dir,
            kind,
            ext,
            next: 0,
            index: String::from("["),
        }
    }

    /// The files of the next shards (listed in the directory).
    pub fn name(&mut self, shards: Vec<Shard>) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::with_capacity(shards.len());
        for (first, single, bytes) in shards {
            if self.next > 0 {
                self.index.push(',');
            }
            let len = bytes.len() as i64;
            let size = if single { -len } else { len };
            let first = String::from_utf8_lossy(&first);
            self.index.push_str(&format!(
                "[{},{size}]",
                serde_json::to_string(&first).unwrap_or_default()
            ));
            files.push((
                format!("{}/{}/{}.{}", self.dir, self.kind, self.next, self.ext),
                bytes,
            ));
            self.next += 1;
        }
        files
    }

    /// The directory of all shards named.
    pub fn index(mut self) -> String {
        self.index.push(']');
        self.index
    }
}
