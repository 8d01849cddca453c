//! Character classes, normalisation and tokenisation (spec sections 2 and 3).
//!
//! The same rules are implemented a second time in `search.js` for queries;
//! both sides must agree character for character.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The spec's CJK ranges (before the alphanumeric test).
fn in_cjk_range(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3100..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF | 0x3005 | 0x3007)
}

/// What a character is for matching (spec section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A CJK letter: one token each, matches anywhere.
    Cjk,
    /// A word character (Latin, digits, …): words are maximal runs of them.
    Word,
    /// White space (only a single space is left after normalisation).
    Space,
    /// Punctuation and symbols: one token each.
    Other,
}

pub fn class(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else if c == ' ' {
            Class::Space
        } else {
            Class::Other
        };
    }
    // Ideographs (all assigned, all alphabetic): the bulk of Chinese text.
    if matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF) {
        return Class::Cjk;
    }
    if c.is_alphanumeric() {
        if in_cjk_range(c) {
            Class::Cjk
        } else {
            Class::Word
        }
    } else if c.is_whitespace() {
        Class::Space
    } else {
        Class::Other
    }
}

pub fn is_word_char(c: char) -> bool {
    class(c) == Class::Word
}

/// Spec section 2 for one run: NFKC, lower case with `ς` → `σ`, white space
/// collapsed and trimmed. Appends to `out` (cleared first).
///
/// Fast path: ASCII, ideographs and full-width ASCII forms (，：１Ａ) are
/// mapped character by character; everything else goes through NFKC in
/// segments between such characters. That is exact because those characters
/// are starters that never combine with a neighbour in composition, so
/// NFKC(a + b) = NFKC(a) + NFKC(b) at them.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let b = text.as_bytes();
    let mut space = false;
    // The last character, when fast: its index and `out`'s length before
    // it. If a slow one (maybe a combining mark) follows, it is taken back
    // and joins that segment.
    let mut last: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < b.len() {
        let c0 = b[i];
        if c0 < 0x80 {
            if matches!(c0, 9..=13 | b' ') {
                space = true;
                last = Some((i, out.len()));
                i += 1;
                continue;
            }
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            // A span of printable ASCII (single spaces between), lower-cased
            // in place.
            let printable = |c: u8| (0x21..0x7F).contains(&c);
            let mut j = i + 1;
            while j < b.len() && printable(b[j]) {
                j += 1;
            }
            let j = words_end(b, j, printable);
            let at = out.len();
            out.push_str(&text[i..j]);
            out[at..].make_ascii_lowercase();
            last = Some((j - 1, out.len() - 1));
            i = j;
            continue;
        }
        // Ideographs (U+3400–U+4DBF, U+4E00–U+9FFF): a span copied whole.
        if (0xE3..=0xE9).contains(&c0) && ideograph(b, i) {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            let mut j = i + 3;
            while j < b.len() && (0xE3..=0xE9).contains(&b[j]) && ideograph(b, j) {
                j += 3;
            }
            out.push_str(&text[i..j]);
            last = Some((j - 3, out.len() - 3));
            i = j;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if let Some(f) = fast(c) {
            let at = out.len();
            push_folded(f, out, &mut space);
            // (A pushed space belongs to what came before.)
            let at = if out.len() > at && out.as_bytes()[at] == b' ' && f != ' ' {
                at + 1
            } else {
                at
            };
            last = Some((i, at));
            i += c.len_utf8();
            continue;
        }
        // A slow segment: up to the next fast character.
        let start = match last.take() {
            Some((j, at)) => {
                out.truncate(at);
                j
            }
            None => i,
        };
        let mut j = i + c.len_utf8();
        while let Some(c) = text[j..].chars().next() {
            if c.is_ascii() || fast(c).is_some() {
                break;
            }
            j += c.len_utf8();
        }
        slow(&text[start..j], out, &mut space);
        i = j;
    }
}

/// The end of a span of text that ends at `b[j]` (`b[j - 1]` in it), taken
/// on over every single space followed by more `ordinary` bytes: English
/// text is handled a sentence at a time, not a word at a time.
#[inline]
pub(crate) fn words_end(b: &[u8], mut j: usize, ordinary: impl Fn(u8) -> bool) -> usize {
    while j + 1 < b.len() && b[j] == b' ' && ordinary(b[j + 1]) {
        j += 2;
        while j < b.len() && ordinary(b[j]) {
            j += 1;
        }
    }
    j
}

/// Whether `b[i..]` starts with a 3-byte ideograph (U+3400–U+4DBF,
/// U+4E00–U+9FFF).
#[inline]
fn ideograph(b: &[u8], i: usize) -> bool {
    if i + 2 >= b.len() {
        return false;
    }
    let c =
        ((b[i] as u32 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F);
    matches!(c, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// What a character that never combines with a neighbour in NFKC becomes
/// (`None`: it takes the slow path). ASCII, ideographs, the commonest CJK
/// punctuation and the full-width ASCII forms (，：１Ａ).
#[inline]
fn fast(c: char) -> Option<char> {
    match c as u32 {
        0..=0x7F => Some(c),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0x3001 | 0x3002 | 0x300A..=0x300F => Some(c),
        // Full-width ASCII variants: NFKC is the ASCII character.
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        0x3000 => Some(' '),
        _ => None,
    }
}

fn slow(seg: &str, out: &mut String, space: &mut bool) {
    if is_nfkc_quick(seg.chars()) == IsNormalized::Yes {
        for c in seg.chars() {
            push_folded(c, out, space);
        }
    } else {
        for c in seg.nfkc() {
            push_folded(c, out, space);
        }
    }
}

/// Lower case (per character: `char::to_lowercase` differs from
/// `str::to_lowercase` only for the final sigma, which becomes `σ` anyway)
/// and white space collapsed.
#[inline]
fn push_folded(c: char, out: &mut String, space: &mut bool) {
    if c.is_ascii() {
        if c.is_ascii_whitespace() || c == '\u{0B}' {
            *space = true;
            return;
        }
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push(c.to_ascii_lowercase());
        return;
    }
    if (c as u32) >= 0x3400 && (c as u32) <= 0x9FFF {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push(c);
        return;
    }
    if c.is_whitespace() {
        *space = true;
        return;
    }
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    for l in c.to_lowercase() {
        out.push(if l == 'ς' { 'σ' } else { l });
    }
}

pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    out
}

/// A token of a normalised run: a word, one CJK letter, one punctuation
/// character, or a space that is not between two words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub class: Class,
}

/// Tokens of a normalised run (spec-equivalent token-sequence matching: see
/// the module docs of `query` in `search.js`).
pub fn tokenize(run: &str) -> Vec<Token<'_>> {
    let mut out: Vec<Token> = Vec::with_capacity(run.len() / 3 + 1);
    // Start of the word being read, if any.
    let mut word: Option<usize> = None;
    // A space waits for its right neighbour: kept only when a neighbour is
    // not a word.
    let mut space: Option<usize> = None;
    for (i, c) in run.char_indices() {
        let cl = class(c);
        if cl == Class::Word {
            if word.is_none() {
                // (The pending space is dropped either way.)
                if let Some(s) = space.take()
                    && out.last().is_none_or(|t| t.class != Class::Word)
                {
                    out.push(Token {
                        text: &run[s..s + 1],
                        class: Class::Space,
                    });
                }
                word = Some(i);
            }
            continue;
        }
        if let Some(s) = word.take() {
            out.push(Token {
                text: &run[s..i],
                class: Class::Word,
            });
        }
        if let Some(s) = space.take() {
            out.push(Token {
                text: &run[s..s + 1],
                class: Class::Space,
            });
        }
        if cl == Class::Space {
            space = Some(i);
        } else {
            out.push(Token {
                text: &run[i..i + c.len_utf8()],
                class: cl,
            });
        }
    }
    if let Some(s) = word {
        out.push(Token {
            text: &run[s..],
            class: Class::Word,
        });
    }
    if let Some(s) = space {
        out.push(Token {
            text: &run[s..s + 1],
            class: Class::Space,
        });
    }
    out
}
