//! The scale in a unit's words (万元 is 10^4 yuan, `million yuan` 10^6),
//! so a translation's figures can be compared with the original's.

/// The power of ten a unit's words carry: 万元 4, 亿元 8, 千万 7, 千人 3,
/// `million yuan` 6, `yuan (billion)` 9, `10,000 yuan` 4, `10k people` 4;
/// `%`, `人`, `people` 0. Units of measure with 千 (千克, 千米, 千瓦时) and
/// 百 in 百分点 carry none, nor anything after `per`, `/` or 每 (a rate).
pub fn unit_exponent(unit: &str) -> i32 {
    unit_scale(unit).0
}

/// The power of ten a unit carries and the words that carry it, as written
/// (`["万"]`, `["hundred", "million"]`, `["10k"]`; none for a plain count),
/// for messages that say how a figure was read.
pub fn unit_scale(unit: &str) -> (i32, Vec<String>) {
    let unit = unit
        .split(['/', '每'])
        .next()
        .unwrap_or("")
        .split(" per ")
        .next()
        .unwrap_or("");
    let chars: Vec<char> = unit.chars().collect();
    let mut exponent = 0;
    let mut words = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let before_scale = matches!(next, Some('万' | '亿'));
        let e = match c {
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
        if e > 0 {
            exponent += e;
            words.push(c.to_string());
        }
    }
    let written: Vec<&str> = unit
        .split(|c: char| c.is_whitespace() || "()[]（）".contains(c))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = written.iter().map(|w| w.to_lowercase()).collect();
    for (i, w) in lower.iter().enumerate() {
        let before_scale = lower.get(i + 1).and_then(|n| scale_word(n)).is_some();
        let e = match (w.as_str(), scale_word(w)) {
            (_, Some(e)) => e,
            ("ten", _) if before_scale => 1,
            ("hundred", _) if before_scale => 2,
            // `10,000 yuan`, `10k people`: a power of ten written out.
            (w, _) => power_of_ten(w).unwrap_or(0),
        };
        if e > 0 {
            exponent += e;
            words.push(written[i].to_string());
        }
    }
    (exponent, words)
}

/// `thousand` 3, `million` 6, …, and their short forms (`k`, `mn`, `bn`).
fn scale_word(w: &str) -> Option<i32> {
    match w {
        "thousand" | "thousands" | "k" => Some(3),
        "million" | "millions" | "mn" | "mln" => Some(6),
        "billion" | "billions" | "bn" => Some(9),
        "trillion" | "trillions" => Some(12),
        _ => None,
    }
}

/// `10` 1, `10,000` 4, `10k` 4, `100mn` 8: a 1 and zeros (grouped or not),
/// with an optional short scale after it. `1` alone and `12k` are not.
fn power_of_ten(w: &str) -> Option<i32> {
    let digits_end = w
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(w.len());
    let (number, suffix) = w.split_at(digits_end);
    let digits: String = number.chars().filter(|&c| c != ',').collect();
    let zeros = digits.strip_prefix('1')?;
    if !zeros.chars().all(|c| c == '0') {
        return None;
    }
    let scale = match suffix {
        "" if zeros.is_empty() => return None,
        "" => 0,
        s => scale_word(s).filter(|_| s.len() <= 3)?,
    };
    Some(zeros.len() as i32 + scale)
}
