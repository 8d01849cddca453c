//! Chinese line breaks: a soft break between two CJK characters produces
//! nothing (pandoc's east_asian_line_breaks); elsewhere it is a space.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::text::joins_without_space;

/// Soft breaks (`\n`) vanish between Chinese characters and become spaces
/// elsewhere; spaces the editor typed stay.
pub(super) fn join_soft_breaks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\n' {
            out.push(c);
        } else if !(i > 0 && i + 1 < chars.len() && joins_without_space(chars[i - 1], chars[i + 1]))
        {
            out.push(' ');
        }
    }
    out
}

/// Drops soft breaks between two CJK characters (pandoc's
/// east_asian_line_breaks); other soft breaks stay and render as a space.
pub(super) fn join_cjk_lines(events: Vec<Event>) -> Vec<Event> {
    let edge = |e: &Event, last: bool| -> Option<Option<char>> {
        match e {
            Event::Text(t) | Event::Code(t) => Some(if last {
                t.chars().last()
            } else {
                t.chars().next()
            }),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => None,
            _ => Some(None),
        }
    };
    let mut keep = vec![true; events.len()];
    for (i, e) in events.iter().enumerate() {
        if !matches!(e, Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find_map(|e| edge(e, true))
            .flatten();
        let after = events[i + 1..]
            .iter()
            .find_map(|e| edge(e, false))
            .flatten();
        if let (Some(b), Some(a)) = (before, after) {
            keep[i] = !joins_without_space(b, a);
        }
    }
    events
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .map(|e| match e {
            // A kept soft break is a space; a newline would do, but a space
            // keeps inline text on one line in the output.
            Event::SoftBreak => Event::Text(CowStr::Borrowed(" ")),
            e => e,
        })
        .collect()
}
