//! LEB128 unsigned integers, as `search.js` reads them.

pub fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
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
