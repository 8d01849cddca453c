//! Per-key byte streams for the partial indexes: blocks of growing size in
//! a paged arena, and the entries' decoder.

/// Bytes of a block arena page; blocks never straddle pages.
pub(crate) const PAGE: usize = 1 << 20;
/// Data bytes of a chain's first block, doubled per block up to `MAX_BLOCK`.
const FIRST_BLOCK: u32 = 12;
/// (Small: the last block of every chain is half empty on average.)
const MAX_BLOCK: u32 = 508;

/// A byte stream per key in a paged arena: blocks of growing size, each
/// followed by the 4-byte address of the next. Pages are never moved or
/// reallocated, so the arena's peak is its size.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) pages: Vec<Box<[u8]>>,
    /// Bytes used of the last page.
    used: usize,
}

/// A stream: its first block, its last block and how full that one is.
#[derive(Clone, Copy)]
pub(crate) struct Chain {
    pub(crate) head: u32,
    pub(crate) tail: u32,
    pub(crate) fill: u32,
    pub(crate) cap: u32,
    /// Bytes in the stream.
    pub(crate) len: u32,
}

impl Arena {
    pub(crate) fn alloc(&mut self, cap: u32) -> u32 {
        let need = cap as usize + 4;
        if self.pages.is_empty() || self.used + need > PAGE {
            self.pages.push(vec![0u8; PAGE].into_boxed_slice());
            self.used = 0;
        }
        let at = ((self.pages.len() - 1) * PAGE + self.used) as u32;
        self.used += need;
        at
    }

    pub(crate) fn chain(&mut self) -> Chain {
        let at = self.alloc(FIRST_BLOCK);
        Chain {
            head: at,
            tail: at,
            fill: 0,
            cap: FIRST_BLOCK,
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn bytes(&mut self, at: u32, len: usize) -> &mut [u8] {
        let (p, o) = (at as usize / PAGE, at as usize % PAGE);
        &mut self.pages[p][o..o + len]
    }

    #[inline]
    pub(crate) fn push(&mut self, c: &mut Chain, mut data: &[u8]) {
        c.len += data.len() as u32;
        if c.fill as usize + data.len() <= c.cap as usize {
            let at = (c.tail + c.fill) as usize;
            let page = &mut self.pages[at / PAGE];
            let o = at % PAGE;
            for (k, &x) in data.iter().enumerate() {
                page[o + k] = x;
            }
            c.fill += data.len() as u32;
            return;
        }
        loop {
            let room = (c.cap - c.fill) as usize;
            let n = room.min(data.len());
            let at = c.tail + c.fill;
            self.bytes(at, n).copy_from_slice(&data[..n]);
            c.fill += n as u32;
            data = &data[n..];
            if data.is_empty() {
                return;
            }
            let cap = (c.cap * 2).min(MAX_BLOCK);
            let next = self.alloc(cap);
            let link = c.tail + c.cap;
            self.bytes(link, 4).copy_from_slice(&next.to_le_bytes());
            *c = Chain {
                tail: next,
                fill: 0,
                cap,
                ..*c
            };
        }
    }

    /// Calls `f` with each block's bytes in order.
    pub(crate) fn read(&self, c: &Chain, mut f: impl FnMut(&[u8])) {
        let mut at = c.head;
        let mut cap = FIRST_BLOCK;
        loop {
            let (p, o) = (at as usize / PAGE, at as usize % PAGE);
            let page = &self.pages[p];
            if at == c.tail {
                f(&page[o..o + c.fill as usize]);
                return;
            }
            f(&page[o..o + cap as usize]);
            let l = o + cap as usize;
            at = u32::from_le_bytes([page[l], page[l + 1], page[l + 2], page[l + 3]]);
            cap = (cap * 2).min(MAX_BLOCK);
        }
    }

    pub(crate) fn size(&self) -> usize {
        self.pages.len() * PAGE
    }
}

/// Reads a stream's entries, block by block (a varint may straddle two).
/// Entries: varints `v << 1 | 1` (a doc: v = doc − previous doc of this
/// key, the first counted from −1) and `v << 1` (a position: v = position −
/// previous position in that doc, the first from 0).
pub(crate) struct Decoder {
    pub(crate) v: u32,
    pub(crate) shift: u32,
    pub(crate) doc: u32,
    pub(crate) pos: u32,
}

impl Decoder {
    #[inline]
    pub(crate) fn feed(&mut self, bytes: &[u8], f: &mut impl FnMut(u32, u32)) {
        // The state in locals: stored back once per block.
        let (mut v, mut shift, mut doc, mut pos) = (self.v, self.shift, self.doc, self.pos);
        for &b in bytes {
            v |= ((b & 0x7F) as u32) << shift;
            if b >= 0x80 {
                shift += 7;
                continue;
            }
            if v & 1 == 1 {
                doc = doc.wrapping_add(v >> 1);
                pos = 0;
            } else {
                pos += v >> 1;
                f(doc, pos);
            }
            v = 0;
            shift = 0;
        }
        (self.v, self.shift, self.doc, self.pos) = (v, shift, doc, pos);
    }
}
