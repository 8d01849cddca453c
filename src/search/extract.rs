//! The searchable text of a page (spec section 1): the first `<article>`,
//! split into runs at block elements and `<br>`, skipped subtrees left out.
//!
//! A small forgiving tag scanner, not a full HTML5 parser: it is fed the
//! pages our own themes render, must be fast (every page of every build),
//! and needs no tree. End tags close the nearest open element of that name
//! (so a missing `</p>` does no harm); void elements never open.

/// Text runs of one article, raw (not yet normalised).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The runs of the first `<h1>` (usually one).
    pub title: Vec<String>,
    /// Every other run, in document order.
    pub body: Vec<String>,
}

/// The runs of an article in one buffer (what [`extract`] gives, without an
/// allocation per run): byte ranges of `text`.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    pub text: String,
    pub title: Vec<(u32, u32)>,
    pub body: Vec<(u32, u32)>,
}

impl Runs {
    pub fn get(&self, r: (u32, u32)) -> &str {
        &self.text[r.0 as usize..r.1 as usize]
    }
}

/// Subtrees left out.
fn skip(n: &[u8]) -> bool {
    matches!(
        n,
        b"nav" | b"script" | b"style" | b"template" | b"noscript" | b"svg" | b"button"
    )
}

/// Elements that start and end runs.
fn block(n: &[u8]) -> bool {
    matches!(
        n,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"br"
            | b"caption"
            | b"dd"
            | b"details"
            | b"dialog"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"li"
            | b"main"
            | b"ol"
            | b"p"
            | b"pre"
            | b"section"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"tr"
            | b"ul"
    )
}

fn void(n: &[u8]) -> bool {
    matches!(
        n,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
    )
}

/// Elements whose content is not markup (text until the matching end tag).
fn raw(n: &[u8]) -> bool {
    matches!(
        n,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
    )
}

/// A tag name, lower case, without an allocation when short.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    Short([u8; 15], u8),
    Long(Box<[u8]>),
}

impl Name {
    fn new(raw: &[u8]) -> Self {
        if raw.len() <= 15 {
            let mut b = [0u8; 15];
            for (d, s) in b.iter_mut().zip(raw) {
                *d = s.to_ascii_lowercase();
            }
            Name::Short(b, raw.len() as u8)
        } else {
            Name::Long(raw.to_ascii_lowercase().into())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Name::Short(b, n) => &b[..*n as usize],
            Name::Long(b) => b,
        }
    }

    /// `</name`, to find the end of a raw text element.
    fn end_tag(&self) -> String {
        format!("</{}", String::from_utf8_lossy(self.bytes()))
    }
}

struct Tag<'a> {
    name: Name,
    end: bool,
    self_closing: bool,
    attrs: &'a str,
}

/// Parses a tag at `html[i] == '<'`; returns it and the index after `>`.
fn parse_tag(html: &str, i: usize) -> Option<(Tag<'_>, usize)> {
    let b = html.as_bytes();
    let mut j = i + 1;
    let end = b.get(j) == Some(&b'/');
    if end {
        j += 1;
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
        j += 1;
    }
    if j == start || !b[start].is_ascii_alphabetic() {
        return None;
    }
    let name = Name::new(&b[start..j]);
    let attrs_start = j;
    // The closing '>' outside quoted attribute values (a quote left open
    // runs to the end of the page).
    let close = loop {
        let Some(k) = memchr::memchr3(b'>', b'"', b'\'', &b[j..]) else {
            break b.len();
        };
        j += k;
        if b[j] == b'>' {
            break j;
        }
        j = memchr::memchr(b[j], &b[j + 1..]).map_or(b.len(), |e| j + e + 2);
    };
    let attrs = &html[attrs_start..close];
    let self_closing = attrs.ends_with('/');
    Some((
        Tag {
            name,
            end,
            self_closing,
            attrs,
        },
        (close + 1).min(b.len()),
    ))
}

/// Whether the attributes make the element hidden (`hidden`,
/// `aria-hidden="true"`).
fn is_hidden(attrs: &str) -> bool {
    let b = attrs.as_bytes();
    let mut j = 0;
    while j < b.len() {
        while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
            j += 1;
        }
        let ns = j;
        while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
            j += 1;
        }
        let name = &attrs[ns..j];
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                j = vs;
                while j < b.len() && b[j] != q {
                    j += 1;
                }
                value = &attrs[vs..j.min(b.len())];
                j += 1;
            } else {
                let vs = j;
                while j < b.len() && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                value = &attrs[vs..j];
            }
        }
        if name.eq_ignore_ascii_case("hidden")
            || (name.eq_ignore_ascii_case("aria-hidden")
                && value.trim().eq_ignore_ascii_case("true"))
        {
            return true;
        }
        if j == ns {
            j += 1;
        }
    }
    false
}

/// Appends text with character references decoded (every HTML5 named
/// reference, with or without the semicolon where the standard allows,
/// and numeric ones, as in text content).
fn push_text(out: &mut String, text: &str) {
    if memchr::memchr(b'&', text.as_bytes()).is_some() {
        out.push_str(&htmlize::unescape(text));
    } else {
        out.push_str(text);
    }
}

fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    let mut i = from;
    while let Some(k) = memchr_lt(h, i) {
        if h.len() >= k + n.len() && h[k..k + n.len()].eq_ignore_ascii_case(n) {
            return Some(k);
        }
        i = k + 1;
    }
    None
}

fn memchr_lt(h: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(b'<', h.get(from..)?).map(|p| p + from)
}

/// The runs of the first `<article>` of a page.
pub fn extract(html: &str) -> Extracted {
    let mut runs = Runs::default();
    extract_into(html, &mut runs);
    Extracted {
        title: runs
            .title
            .iter()
            .map(|&r| runs.get(r).to_string())
            .collect(),
        body: runs.body.iter().map(|&r| runs.get(r).to_string()).collect(),
    }
}

/// [`extract`] into `out` (cleared first).
pub(crate) fn extract_into(html: &str, out: &mut Runs) {
    out.text.clear();
    out.title.clear();
    out.body.clear();
    let b = html.as_bytes();
    let mut i = 0;
    // Find the first <article> start tag, skipping comments and raw text.
    let start = loop {
        let Some(k) = memchr_lt(b, i) else { return };
        match skip_markup(html, k) {
            Some(next) => i = next,
            None => match parse_tag(html, k) {
                Some((tag, next)) => {
                    i = next;
                    if tag.end {
                        continue;
                    }
                    if tag.name.bytes() == b"article" {
                        break next;
                    }
                    if raw(tag.name.bytes()) && !tag.self_closing {
                        i = find_ci(html, next, &tag.name.end_tag()).unwrap_or(b.len());
                    }
                }
                None => i = k + 1,
            },
        }
    };
    let mut stack: Vec<Name> = vec![Name::new(b"article")];
    // Depth in `stack` below which text is skipped (inside nav, hidden…).
    let mut skip_at: Option<usize> = None;
    // Stack depth of the first <h1> while inside it.
    let mut h1_at: Option<usize> = None;
    let mut h1_done = false;
    // The run being read: `out.text[run..]`.
    let mut run = 0usize;
    let mut i = start;
    let flush = |run: &mut usize, out: &mut Runs, in_h1: bool| {
        if !out.text[*run..].trim().is_empty() {
            let r = (*run as u32, out.text.len() as u32);
            if in_h1 {
                out.title.push(r);
            } else {
                out.body.push(r);
            }
        } else {
            out.text.truncate(*run);
        }
        *run = out.text.len();
    };
    while i < b.len() && !stack.is_empty() {
        let k = memchr_lt(b, i).unwrap_or(b.len());
        if skip_at.is_none() && k > i {
            push_text(&mut out.text, &html[i..k]);
        }
        if k >= b.len() {
            break;
        }
        if let Some(next) = skip_markup(html, k) {
            i = next;
            continue;
        }
        let Some((tag, next)) = parse_tag(html, k) else {
            if skip_at.is_none() {
                out.text.push('<');
            }
            i = k + 1;
            continue;
        };
        i = next;
        let name = tag.name.bytes();
        let block = block(name);
        if block && skip_at.is_none() {
            flush(&mut run, out, h1_at.is_some());
        }
        if tag.end {
            if let Some(pos) = stack.iter().rposition(|n| n.bytes() == name) {
                stack.truncate(pos);
                if skip_at.is_some_and(|d| d >= pos) {
                    skip_at = None;
                }
                if h1_at.is_some_and(|d| d >= pos) {
                    h1_at = None;
                    h1_done = true;
                }
            }
            continue;
        }
        if void(name) {
            continue;
        }
        let foreign_closed =
            tag.self_closing && (name == b"svg" || name == b"math" || skip_at.is_some());
        if raw(name) {
            let close = find_ci(html, next, &tag.name.end_tag()).unwrap_or(b.len());
            if skip_at.is_none() && !skip(name) && !is_hidden(tag.attrs) {
                push_text(&mut out.text, &html[next..close]);
            }
            i = close;
            stack.push(tag.name);
            continue;
        }
        if foreign_closed {
            continue;
        }
        if skip_at.is_none() && (skip(name) || is_hidden(tag.attrs)) {
            skip_at = Some(stack.len());
        }
        if name == b"h1" && !h1_done && h1_at.is_none() && skip_at.is_none() {
            h1_at = Some(stack.len());
        }
        stack.push(tag.name);
    }
    flush(&mut run, out, h1_at.is_some());
}

/// Skips a comment, doctype or processing instruction at `html[k] == '<'`.
fn skip_markup(html: &str, k: usize) -> Option<usize> {
    let rest = &html[k..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        Some(comment.find("-->").map_or(html.len(), |e| k + 4 + e + 3))
    } else if rest.starts_with("<!") || rest.starts_with("<?") {
        Some(rest.find('>').map_or(html.len(), |e| k + e + 1))
    } else {
        None
    }
}
