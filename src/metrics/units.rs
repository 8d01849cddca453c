//! The scale in a unit's words (万元 is 10^4 yuan, `million yuan` 10^6),
//! so a translation's figures can be compared with the original's.

/// The power of ten a unit's words carry: 万元 4, 亿元 8, 千万 7, 千人 3,
/// `million yuan` 6, `yuan (billion)` 9, `10,000 yuan` 4; `%`, `人`,
/// `people` 0. Units of measure with 千 (千克, 千米, 千瓦时) and 百 in
/// 百分点 carry none, nor anything after `per`, `/` or 每 (a rate).
pub fn unit_exponent(unit: &str) -> i32 {
    let unit = unit
        .split(['/', '每'])
        .next()
        .unwrap_or("")
        .split(" per ")
        .next()
        .unwrap_or("");
    let chars: Vec<char> = unit.chars().collect();
    let mut exponent = 0;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let before_scale = matches!(next, Some('万' | '亿'));
        exponent += match c {
            '万' => 4,
            '亿' => 8,
            '十' if before_scale => 1,
            '百' if before_scale => 2,
            '千' if before_scale => 3,
            // 千克, 千米, 千瓦: a unit of measure, not a count of thousands.
            '千' if !matches!(
                next,
                Some('克' | '米' | '瓦' | '卡' | '焦' | '伏' | '帕' | '赫' | '字' | '兆')
            ) =>
            {
                3
            }
            _ => 0,
        };
    }
    let words: Vec<String> = unit
        .split(|c: char| c.is_whitespace() || "()[]（）".contains(c))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let scale = |w: &str| match w {
            "thousand" | "thousands" => Some(3),
            "million" | "millions" | "mn" | "mln" => Some(6),
            "billion" | "billions" | "bn" => Some(9),
            "trillion" | "trillions" => Some(12),
            _ => None,
        };
        let before_scale = words.get(i + 1).and_then(|n| scale(n)).is_some();
        exponent += match (w.as_str(), scale(w)) {
            (_, Some(e)) => e,
            ("ten", _) if before_scale => 1,
            ("hundred", _) if before_scale => 2,
            // `10,000 yuan`: a power of ten written out.
            (w, _) if w.len() > 1 && w.starts_with('1') => {
                let digits: String = w.chars().filter(|&c| c != ',').collect();
                if digits.chars().skip(1).all(|c| c == '0') && digits.len() > 1 {
                    digits.len() as i32 - 1
                } else {
                    0
                }
            }
            _ => 0,
        };
    }
    exponent
}
