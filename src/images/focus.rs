//! A photo's focal point: where the crops centre (the social card made
//! here, and the list cards, the lead story and galleries, which the
//! browser crops with CSS `object-position`), so faces are not cut off.

use crate::messages::Message;
use crate::msg;

/// A point of the photo as fractions of its width and height from the top
/// left: `30% 40%`. The crop keeps it where CSS `object-position` does: at
/// the same fraction of the crop, so it is always in the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Focus {
    /// Reads `30% 40%` (or `30%,40%`, `30,40`: percentages from the left
    /// and from the top).
    pub fn parse(text: &str) -> Result<Focus, Message> {
        let bad = || msg!("focus-not-a-point", text = text);
        let parts: Vec<&str> = text
            .split([' ', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let [x, y] = parts[..] else {
            return Err(bad());
        };
        let percent = |p: &str| -> Result<f64, Message> {
            let n: f64 = p.trim_end_matches('%').trim().parse().map_err(|_| bad())?;
            if !(0.0..=100.0).contains(&n) {
                return Err(msg!("focus-out-of-range", text = text, part = p));
            }
            Ok(n / 100.0)
        };
        Ok(Focus {
            x: percent(x)?,
            y: percent(y)?,
        })
    }

    /// As CSS `object-position`: `30% 40%`.
    pub fn css(&self) -> String {
        let pc = |f: f64| {
            let v = (f * 1000.0).round() / 10.0;
            format!("{v}%")
        };
        format!("{} {}", pc(self.x), pc(self.y))
    }

    /// For cache keys and names: stable text.
    pub(crate) fn key(&self) -> String {
        format!("{:.4},{:.4}", self.x, self.y)
    }

    /// The focus written after a Markdown image's address:
    /// `photo.jpg#focus=30%,40%`. Returns the address without it.
    pub fn split_url(url: &str) -> (&str, Option<&str>) {
        match url.rsplit_once("#focus=") {
            Some((path, focus)) => (path, Some(focus)),
            None => (url, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_percentages_in_either_spelling() {
        let f = Focus::parse("30% 40%").unwrap();
        assert_eq!((f.x, f.y), (0.3, 0.4));
        assert_eq!(Focus::parse("30%,40%").unwrap(), f);
        assert_eq!(Focus::parse("30, 40").unwrap(), f);
        assert_eq!(f.css(), "30% 40%");
        assert_eq!(Focus::parse("12.5% 0").unwrap().css(), "12.5% 0%");
        let two = Focus::parse("30%").unwrap_err();
        assert!(two.en().contains("two percentages"), "{two}");
        let between = Focus::parse("130% 40%").unwrap_err();
        assert!(between.en().contains("between"), "{between}");
        assert_eq!(
            crate::messages::Localizer::ZH.text(&between),
            "焦点（focus）`130% 40%` 有误：130% 不在 0% 到 100% 之间"
        );
        assert!(Focus::parse("left top").is_err());
    }

    #[test]
    fn the_focus_of_an_address_is_after_its_path() {
        assert_eq!(
            Focus::split_url("a.jpg#focus=30%,40%"),
            ("a.jpg", Some("30%,40%"))
        );
        assert_eq!(Focus::split_url("a.jpg"), ("a.jpg", None));
    }
}
