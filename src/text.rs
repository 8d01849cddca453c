//! Small text rules shared by the stages: what counts as CJK, heading ids,
//! summaries and reading time for mixed Chinese and English text.

/// Text escaped for HTML content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// A URL escaped for an `href` or `src` attribute (non-ASCII percent-encoded).
pub fn escape_href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let _ = pulldown_cmark_escape::escape_href(&mut out, url);
    out
}

/// Characters of scripts written without spaces between words (Han, kana,
/// Hangul) and their full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF      // Hangul Jamo
        | 0x2E80..=0x2FDF    // CJK radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation (。、「」)
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3100..=0x31FF    // Bopomofo, kana extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFE30..=0xFE4F    // CJK compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms (，！？：)
        | 0x20000..=0x3FFFF) // extensions B and later
}

/// Punctuation that Chinese text shares with Latin text (“ ” ‘ ’ … — ·): it
/// takes the script of its neighbour when deciding about line breaks.
fn is_shared_punctuation(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·' | '《' | '》')
}

/// Whether a soft line break between `before` and `after` disappears, as in
/// pandoc's east_asian_line_breaks: Chinese lines join without a space.
pub fn joins_without_space(before: char, after: char) -> bool {
    (is_cjk(before) && (is_cjk(after) || is_shared_punctuation(after)))
        || (is_shared_punctuation(before) && is_cjk(after))
}

/// A stable anchor id for a heading: lowercase, letters and digits of any
/// script kept (so Chinese headings keep their words), runs of anything else
/// become one `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '_' {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// Counts for reading time: CJK characters and Latin-script words, counted
/// separately so mixed text is measured fairly.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TextCount {
    pub cjk_chars: usize,
    pub words: usize,
}

impl TextCount {
    pub fn add(&mut self, text: &str) {
        let mut in_word = false;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let lead = bytes[i];
            // Bytes, not chars, for the two cases that make nearly all
            // text (this count was a tenth of `check`'s time): ASCII, and
            // U+4E00..=U+9FFF (E4 B8 80 to E9 BF BF).
            if lead.is_ascii_alphanumeric() {
                self.words += usize::from(!in_word);
                in_word = true;
                i += 1;
            } else if (0xE5..=0xE9).contains(&lead) || (lead == 0xE4 && bytes[i + 1] >= 0xB8) {
                self.cjk_chars += 1;
                in_word = false;
                i += 3;
            } else {
                let c = text[i..].chars().next().expect("a char boundary");
                self.add_char(c, &mut in_word);
                i += c.len_utf8();
            }
        }
    }

    /// Counts one character; `in_word` says whether the characters before
    /// it end inside a Latin-script word, and is updated.
    fn add_char(&mut self, c: char, in_word: &mut bool) {
        // ASCII and Han ideographs (all letters) first: the general Unicode
        // look-ups cost more than the rest of the count.
        let (cjk, alphanumeric) = if c.is_ascii() {
            (false, c.is_ascii_alphanumeric())
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            (true, true)
        } else if matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '！'
                | '？'
                | '（'
                | '）'
                | '《'
                | '》'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '—'
                | '…'
                | '·'
        ) {
            // The punctuation of Chinese text: never a letter or digit.
            (is_cjk(c), false)
        } else {
            (is_cjk(c), c.is_alphanumeric())
        };
        if cjk {
            if alphanumeric {
                self.cjk_chars += 1;
            }
            *in_word = false;
        } else if alphanumeric {
            if !*in_word {
                self.words += 1;
            }
            *in_word = true;
        } else if !(*in_word && (c == '\'' || c == '’' || c == '-')) {
            *in_word = false;
        }
    }

    /// Minutes at about 400 CJK characters and 220 words a minute, at least 1.
    pub fn reading_minutes(&self) -> usize {
        let minutes = self.cjk_chars as f64 / 400.0 + self.words as f64 / 220.0;
        (minutes.ceil() as usize).max(1)
    }
}

const SUMMARY_CJK_CHARS: usize = 120;
const SUMMARY_WORDS: usize = 50;

/// The first paragraph cut at a sentence end (。！？ or .!?) within about 120
/// CJK characters or 50 words; cut at the limit with "…" when no sentence
/// ends in time.
pub fn summarize(paragraph: &str) -> String {
    let paragraph = paragraph.trim();
    let mut count = TextCount::default();
    // Word state carries over from one character to the next, so a word
    // counts once, not once per letter.
    let mut in_word = false;
    let mut last_end = None;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        count.add_char(c, &mut in_word);
        if count.cjk_chars > SUMMARY_CJK_CHARS || count.words > SUMMARY_WORDS {
            return match last_end {
                Some(end) => paragraph[..end].to_string(),
                None => format!("{}…", paragraph[..i].trim_end()),
            };
        }
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let sentence_end =
            matches!(c, '。' | '！' | '？') || (matches!(c, '.' | '!' | '?') && next_is_space);
        if sentence_end {
            // Keep a closing quote that belongs to the sentence.
            let mut end = i + c.len_utf8();
            if let Some(&(j, q)) = chars.peek()
                && matches!(q, '”' | '’' | '"' | '）' | ')')
            {
                end = j + q.len_utf8();
            }
            last_end = Some(end);
        }
    }
    paragraph.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_cjk_and_collapse_punctuation() {
        assert_eq!(
            slugify("以思想政治引领凝聚职工力量"),
            "以思想政治引领凝聚职工力量"
        );
        assert_eq!(slugify("Hello, World!  2021"), "hello-world-2021");
        assert_eq!(slugify("推动“42101”重点工作"), "推动-42101-重点工作");
        assert_eq!(slugify("  -- "), "");
    }

    #[test]
    fn line_breaks_join_only_between_cjk() {
        assert!(joins_without_space('中', '文'));
        assert!(joins_without_space('。', '工'));
        assert!(joins_without_space('会', '“'));
        assert!(!joins_without_space('a', 'b'));
        assert!(!joins_without_space('中', 'a'));
        assert!(!joins_without_space('”', 'a'));
    }

    #[test]
    fn mixed_text_counts_separately() {
        let mut c = TextCount::default();
        c.add("工会 union members 36186人。");
        assert_eq!(
            c,
            TextCount {
                cjk_chars: 3,
                words: 3
            }
        );
        let mut one_word = TextCount::default();
        one_word.add(&"中".repeat(800));
        one_word.add("ACFTU");
        assert_eq!(one_word.reading_minutes(), 3);
    }

    #[test]
    fn the_han_fast_path_counts_as_each_character_would() {
        // The block's edges and their neighbours on both sides.
        let text = "\u{4DFF}\u{4E00}a\u{9FFF}\u{A000}b-c\u{3400}’d 工会2021年 Wide";
        let mut fast = TextCount::default();
        fast.add(text);
        let mut slow = TextCount::default();
        let mut in_word = false;
        for c in text.chars() {
            slow.add_char(c, &mut in_word);
        }
        assert_eq!(fast, slow);
    }

    #[test]
    fn reading_time_for_english() {
        let mut c = TextCount::default();
        c.add(&"word ".repeat(440));
        assert_eq!(c.reading_minutes(), 2);
        assert_eq!(TextCount::default().reading_minutes(), 1);
    }

    #[test]
    fn summary_cuts_at_sentence_end() {
        let long = format!("{}。{}", "甲".repeat(60), "乙".repeat(100));
        assert_eq!(summarize(&long), format!("{}。", "甲".repeat(60)));
        let en = format!("A short one. {}", "word ".repeat(60));
        assert_eq!(summarize(&en), "A short one.");
        assert_eq!(summarize("Whole paragraph."), "Whole paragraph.");
    }

    #[test]
    fn summary_without_sentence_end_is_cut_with_ellipsis() {
        let s = summarize(&"字".repeat(300));
        assert_eq!(s, format!("{}…", "字".repeat(120)));
        assert!(summarize("v1.2 is out. Next").starts_with("v1.2 is out."));
    }
}
