//! The ids a text's HTML has, known from the events that make it: `check`
//! looks up anchors without the HTML being made.

use pulldown_cmark::{Event, Tag};

/// The ids of the elements the HTML of `events` has: headings' (an `id`
/// among their `{…}` attributes too), footnote definitions', and those in
/// the raw HTML and in the HTML the walk made (figures, key figures). Text
/// and code make no element, so `id="x"` in them is no id (it is written
/// with its quotes as they are: a scan of the HTML took it for one).
pub(super) fn ids_of(events: &[Event]) -> Vec<String> {
    let mut ids = Vec::new();
    // A run of HTML events is written as one piece.
    let mut html = String::new();
    for e in events {
        if let Event::Html(h) | Event::InlineHtml(h) = e {
            html.push_str(h);
            continue;
        }
        if !html.is_empty() {
            ids.extend(ids_in(&html));
            html.clear();
        }
        match e {
            Event::Start(Tag::Heading { id, attrs, .. }) => {
                ids.extend(id.iter().map(|id| id.to_string()));
                ids.extend(
                    (attrs.iter())
                        .filter(|(name, _)| name.as_ref() == "id")
                        .map(|(_, value)| value.as_deref().unwrap_or("").to_string()),
                );
            }
            Event::Start(Tag::FootnoteDefinition(label)) => ids.push(label.to_string()),
            _ => {}
        }
    }
    ids.extend(ids_in(&html));
    // One rule with `ids_in`, which leaves out template expressions.
    ids.retain(|id| !id.contains('{'));
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The values of the `id="…"` attributes in `html` (template expressions
/// left out).
pub fn ids_in(html: &str) -> impl Iterator<Item = String> + '_ {
    // Found by their `=` (a fast search for one byte), then checked.
    let bytes = html.as_bytes();
    html.match_indices('=').filter_map(move |(i, _)| {
        if i < 3 || &bytes[i - 3..i] != b" id" || bytes.get(i + 1) != Some(&b'"') {
            return None;
        }
        let rest = &html[i + 2..];
        let value = &rest[..rest.find('"')?];
        (!value.contains('{')).then(|| unescape(value))
    })
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
