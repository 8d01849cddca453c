//! LEB128 unsigned integers, as `search.js` reads them.

pub fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Bytes that `put` writes for `v`.
pub fn len(v: u64) -> u64 {
    (64 - (v | 1).leading_zeros() as u64).div_ceil(7)
}

#[cfg(test)]
pub fn get(b: &[u8], i: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    while let Some(&c) = b.get(*i) {
        *i += 1;
        v |= ((c & 0x7F) as u64) << shift;
        if c < 0x80 {
            break;
        }
        shift += 7;
    }
    v
}
