//! The searchable text of a page (spec section 1): the first `<article>`,
//! split into runs at block elements and `<br>`, skipped subtrees left out.
//!
//! A small forgiving tag scanner, not a full HTML5 parser: it is fed the
//! pages our own themes render, must be fast (every page of every build),
//! and needs no tree. End tags close the nearest open element of that name
//! (so a missing `</p>` does no harm); void elements never open.

use super::entities::decode_entity;

/// Text runs of one article, raw (not yet normalised).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The runs of the first `<h1>` (usually one).
    pub title: Vec<String>,
    /// Every other run, in document order.
    pub body: Vec<String>,
}

const SKIP: &[&str] = &[
    "nav", "script", "style", "template", "noscript", "svg", "button",
];

const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param",
];

/// Elements whose content is not markup (text until the matching end tag).
const RAW: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

struct Tag<'a> {
    name: String,
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
    let name = html[start..j].to_ascii_lowercase();
    let attrs_start = j;
    // Find the closing '>' outside quoted attribute values.
    let mut quote = 0u8;
    while j < b.len() {
        let c = b[j];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            break;
        }
        j += 1;
    }
    let attrs = &html[attrs_start..j.min(b.len())];
    let self_closing = attrs.ends_with('/');
    Some((
        Tag {
            name,
            end,
            self_closing,
            attrs,
        },
        (j + 1).min(b.len()),
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

/// Appends text with character references decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        match decode_entity(rest) {
            Some((decoded, used)) => {
                out.push(decoded);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
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
    h.get(from..)?
        .iter()
        .position(|&c| c == b'<')
        .map(|p| p + from)
}

/// The runs of the first `<article>` of a page.
pub fn extract(html: &str) -> Extracted {
    let mut out = Extracted::default();
    let b = html.as_bytes();
    let mut i = 0;
    // Find the first <article> start tag, skipping comments and raw text.
    let start = loop {
        let Some(k) = memchr_lt(b, i) else { return out };
        match skip_markup(html, k) {
            Some(next) => i = next,
            None => match parse_tag(html, k) {
                Some((tag, next)) => {
                    i = next;
                    if tag.end {
                        continue;
                    }
                    if tag.name == "article" {
                        break next;
                    }
                    if RAW.contains(&tag.name.as_str()) && !tag.self_closing {
                        i = find_ci(html, next, &format!("</{}", tag.name)).unwrap_or(b.len());
                    }
                }
                None => i = k + 1,
            },
        }
    };
    let mut stack: Vec<String> = vec!["article".into()];
    // Depth in `stack` below which text is skipped (inside nav, hidden…).
    let mut skip_at: Option<usize> = None;
    // Stack depth of the first <h1> while inside it.
    let mut h1_at: Option<usize> = None;
    let mut h1_done = false;
    let mut run = String::new();
    let mut i = start;
    let flush = |run: &mut String, out: &mut Extracted, in_h1: bool| {
        if !run.trim().is_empty() {
            if in_h1 {
                out.title.push(std::mem::take(run));
            } else {
                out.body.push(std::mem::take(run));
            }
        }
        run.clear();
    };
    while i < b.len() && !stack.is_empty() {
        let k = memchr_lt(b, i).unwrap_or(b.len());
        if skip_at.is_none() && k > i {
            push_text(&mut run, &html[i..k]);
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
                run.push('<');
            }
            i = k + 1;
            continue;
        };
        i = next;
        let name = tag.name.as_str();
        let block = BLOCK.contains(&name);
        if block && skip_at.is_none() {
            flush(&mut run, &mut out, h1_at.is_some());
        }
        if tag.end {
            if let Some(pos) = stack.iter().rposition(|n| n == name) {
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
        if VOID.contains(&name) {
            continue;
        }
        let foreign_closed =
            tag.self_closing && (name == "svg" || name == "math" || skip_at.is_some());
        if RAW.contains(&name) {
            let close = find_ci(html, next, &format!("</{name}")).unwrap_or(b.len());
            if skip_at.is_none() && !SKIP.contains(&name) && !is_hidden(tag.attrs) {
                push_text(&mut run, &html[next..close]);
            }
            i = close;
            stack.push(tag.name);
            continue;
        }
        if foreign_closed {
            continue;
        }
        if skip_at.is_none() && (SKIP.contains(&name) || is_hidden(tag.attrs)) {
            skip_at = Some(stack.len());
        }
        if name == "h1" && !h1_done && h1_at.is_none() && skip_at.is_none() {
            h1_at = Some(stack.len());
        }
        stack.push(tag.name);
    }
    flush(&mut run, &mut out, h1_at.is_some());
    out
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
