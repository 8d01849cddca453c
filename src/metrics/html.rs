//! The key-figures panel of a metric block, as HTML.

use super::MetricBlock;
use crate::text::escape_html;

/// A key-figures panel: a `<dl>` of label and value, the value in
/// `<data value>` so machines read the number and people the formatted one.
pub fn html(block: &MetricBlock, n: usize) -> String {
    let mut out = String::from("<div class=\"metrics\"");
    if !block.title.is_empty() {
        out.push_str(&format!(
            " role=\"group\" aria-labelledby=\"metrics-{n}\"><p class=\"metrics-title\" id=\"metrics-{n}\">{}</p",
            escape_html(&block.title)
        ));
    }
    out.push_str(">\n<dl>\n");
    for m in &block.items {
        // A Latin unit is a word of its own, kept on the number's line
        // (36,186&nbsp;people), never wrapped below it.
        let unit_gap = if m
            .unit
            .starts_with(|c: char| c.is_alphabetic() && !crate::text::is_cjk(c))
        {
            "&nbsp;"
        } else {
            ""
        };
        out.push_str(&format!(
            "<div class=\"metric\"><dt>{}</dt><dd><data value=\"{}\">{}</data>",
            escape_html(&m.label),
            m.data,
            escape_html(&m.display)
        ));
        if !m.unit.is_empty() {
            out.push_str(&format!(
                "{unit_gap}<span class=\"unit\">{}</span>",
                escape_html(&m.unit)
            ));
        }
        if !m.change.is_empty() {
            out.push_str(&format!(
                " <span class=\"change\">{}</span>",
                escape_html(&m.change)
            ));
        }
        if !m.note.is_empty() {
            out.push_str(&format!(
                "<span class=\"note\">{}</span>",
                escape_html(&m.note)
            ));
        }
        out.push_str("</dd></div>\n");
    }
    out.push_str("</dl>\n</div>\n");
    out
}
