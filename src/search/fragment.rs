//! The fragments `data()` reads: per page a JSON object (title, date,
//! section, and the text runs as written, title runs first), and per file
//! `f/<i>.gz` the pages `GROUP * i ..` as a JSON array, gzip-compressed.
//!
//! Two pages a file: a file costs more to write than to fill (20,000 files
//! are a tenth of a second of system time in a build), and compressing
//! two pages together takes a third fewer bytes on the 10k benchmark
//! (zh). A query's ten `data()` calls fetch at most ten such files.

use super::Doc;
use super::extract::Runs;
use super::text::words_end;

/// Pages per fragment file.
pub(crate) const GROUP: usize = 2;

/// Deflate level of the index's `.gz` files (fragments and doc-level
/// shards; flate2 over `zlib-rs`). Level 1 (`deflate_quick`) writes
/// the fixed Huffman codes, which spend 8 or 9 bits on every byte of a
/// Chinese character outside a match: on 10,000 articles of Chinese text
/// drawn from the seeds' characters (an order-1 chain) its fragments are
/// 31% larger than level 2's (26.2 against 20.0 MB; English 18.1 against
/// 14.1 MB), and a reader downloads them with every result. Level 2
/// (dynamic codes) takes twice the time (0.24 -> 0.50 CPU-s for a 10k
/// build's fragments); level 3 takes 3–5% more off for 13–20% more time.
const LEVEL: u32 = 2;

thread_local! {
    /// One deflate state per thread, reset for every file: a fresh one
    /// allocates and clears its hash tables, which cost more than
    /// compressing a few KB.
    static DEFLATE: std::cell::RefCell<flate2::Compress> =
        std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::new(LEVEL), false));
}

/// gzip (RFC 1952) of `data`: no name, no time, so the bytes are reproducible.
pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
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
    out.shrink_to_fit();
    out
}

/// One fragment file being filled: the pages' JSON objects as an array,
/// compressed when full.
#[derive(Default)]
pub(crate) struct Group {
    json: String,
    pages: usize,
}

impl Group {
    pub(crate) fn push(&mut self, page: &str) {
        self.json.push(if self.pages == 0 { '[' } else { ',' });
        self.json.push_str(page);
        self.pages += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.pages
    }

    /// The file of the pages pushed since the last one (then empty again).
    pub(crate) fn file(&mut self) -> Vec<u8> {
        if self.pages == 0 {
            self.json.push('[');
        }
        self.json.push(']');
        let file = gzip(self.json.as_bytes());
        self.json.clear();
        self.pages = 0;
        file
    }
}

/// Whether byte `b` may start something `json_str` must look at: ASCII
/// white space or control, `"`, `\\`, or the first byte of a non-ASCII
/// white space character (U+0085, U+00A0: C2; U+1680: E1; U+2000–U+205F:
/// E2; U+3000: E3).
const fn special(b: u8) -> bool {
    b <= b' ' || b == b'"' || b == b'\\' || b == 0xC2 || (b >= 0xE1 && b <= 0xE3)
}

static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = special(i as u8);
        i += 1;
    }
    t
};

/// Appends `s` as a JSON string, white space collapsed and trimmed,
/// characters kept as written (what the excerpt shows). Spans of ordinary
/// bytes are copied whole.
pub(super) fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let mut space = false;
    let start = out.len();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let mut j = i;
        while j < b.len() && !SPECIAL[b[j] as usize] {
            j += 1;
        }
        if j > i {
            // A single space between ordinary bytes is kept as it is.
            j = words_end(b, j, |c| !SPECIAL[c as usize]);
            if space && out.len() > start {
                out.push(' ');
            }
            space = false;
            out.push_str(&s[i..j]);
        }
        if j >= b.len() {
            break;
        }
        // A special byte starts a character here (spans end at character
        // boundaries: special bytes are ASCII or lead bytes).
        let c = s[j..].chars().next().unwrap_or(' ');
        i = j + c.len_utf8();
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
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The fragment JSON of a page, into `j`.
pub(crate) fn fragment(doc: &Doc, runs: &Runs, j: &mut String) {
    j.clear();
    j.push_str("{\"title\":");
    if runs.title.is_empty() {
        json_str(j, doc.title);
    } else {
        let joined: Vec<&str> = runs.title.iter().map(|&r| runs.get(r)).collect();
        json_str(j, &joined.join(" "));
    }
    j.push_str(",\"date\":");
    json_str(j, doc.date);
    j.push_str(",\"section\":");
    json_str(j, doc.section);
    // Extraction keeps only runs with text, so none is empty here.
    j.push_str(",\"h\":");
    j.push_str(&runs.title.len().to_string());
    j.push_str(",\"runs\":[");
    for (i, &r) in runs.title.iter().chain(&runs.body).enumerate() {
        if i > 0 {
            j.push(',');
        }
        json_str(j, runs.get(r));
    }
    j.push_str("]}");
}
