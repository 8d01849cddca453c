//! A translation's metric blocks say what the original's say: the same
//! blocks, the same items, the same values once the scale in the unit is
//! understood (434.2 万元 = 4.342 million yuan = 4,342,000 yuan), to the
//! precision each side was written with.

use crate::content::Page;
use crate::error::{Error, Errors};
use crate::messages::Message;
use crate::metrics::{Metric, NumberStyle, unit_scale};
use crate::msg;

/// A figure as a plain number, with how exactly it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figure {
    value: f64,
    /// Half the last written digit, scaled: 434.2 万 is 4,342,000 ± 500.
    tolerance: f64,
    /// Decimals the scaled value is known to.
    decimals: usize,
}

impl Figure {
    fn of(m: &Metric) -> Figure {
        // `data` is the value as written (36186, 434.2); the unit's scale
        // was found when the block was read.
        let decimals = m.data.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
        let exponent = m.exponent;
        Figure {
            value: m.value * 10f64.powi(exponent),
            tolerance: 0.5 * 10f64.powi(exponent - decimals),
            decimals: (decimals - exponent).max(0) as usize,
        }
    }

    /// Equal as far as the less exact of the two was written.
    fn agrees(&self, other: &Figure) -> bool {
        let slack = 1e-9 * self.value.abs().max(other.value.abs());
        (self.value - other.value).abs() <= self.tolerance.max(other.tolerance) + slack
    }

    /// 4,342,000: the plain number, to the digits written.
    fn show(&self) -> String {
        let factor = 10f64.powi(self.decimals as i32);
        NumberStyle::for_locale("en", false).format((self.value * factor).round() / factor, "")
    }
}

/// Every way `translation`'s metric blocks differ from `original`'s.
pub(super) fn compare(original: &Page, translation: &Page) -> Errors {
    let (ob, tb) = (&original.body.metrics, &translation.body.metrics);
    let here = |line: usize, message: Message| {
        Error::new(&translation.source, message)
            .at(line.max(1), 1)
            .code("metric-mismatch")
    };
    if ob.len() != tb.len() {
        let line = tb.get(ob.len()).or(tb.last()).map_or(1, |b| b.line);
        let first_unmatched = ob.get(tb.len()).map_or_else(
            || msg!("hint-none"),
            |b| {
                msg!(
                    "metric-first-unmatched",
                    block = tb.len() + 1,
                    line = b.line
                )
            },
        );
        return Errors::from(here(
            line,
            msg!(
                "metric-blocks-differ",
                here = tb.len(),
                there = ob.len(),
                source = &original.source,
                first = first_unmatched
            ),
        ));
    }
    let mut errors = Errors::new();
    for (n, (o, t)) in ob.iter().zip(tb).enumerate() {
        if o.items.len() != t.items.len() {
            errors.push(here(
                t.line,
                msg!(
                    "metric-items-differ",
                    block = n + 1,
                    here = t.items.len(),
                    there = o.items.len(),
                    source = &original.source,
                    line = o.line
                ),
            ));
            continue;
        }
        for (om, tm) in o.items.iter().zip(&t.items) {
            let (of, tf) = (Figure::of(om), Figure::of(tm));
            if !of.agrees(&tf) {
                errors.push(here(
                    tm.line,
                    msg!(
                        "metric-figure-differs",
                        label = &tm.label,
                        written = as_written(tm),
                        scale = scale_read(tm),
                        value = tf.show(),
                        original_label = &om.label,
                        original_written = as_written(om),
                        original_scale = scale_read(om),
                        original_value = of.show(),
                        source = &original.source,
                        line = om.line
                    ),
                ));
            }
        }
    }
    errors
}

/// How the unit's scale was read: "`万` = 10,000, so ", "no scale: ".
fn scale_read(m: &Metric) -> Message {
    let (exponent, words) = unit_scale(&m.unit);
    if exponent == 0 {
        return msg!("scale-none");
    }
    let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    let power = if exponent <= 15 {
        NumberStyle::for_locale("en", false).format(10f64.powi(exponent), "")
    } else {
        format!("10^{exponent}")
    };
    msg!("scale-read", words = words.join(" "), power = power)
}

fn as_written(m: &Metric) -> String {
    match m.unit.as_str() {
        "" => m.data.clone(),
        unit => format!("{} {unit}", m.data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{plain_number, unit_exponent};

    fn figure(value: f64, unit: &str) -> Figure {
        Figure::of(&Metric {
            label: String::new(),
            value,
            unit: unit.into(),
            note: String::new(),
            change: String::new(),
            data: plain_number(value),
            display: String::new(),
            exponent: unit_exponent(unit),
            line: 1,
        })
    }

    #[test]
    fn scales_in_units() {
        for (unit, e) in [
            ("万元", 4),
            ("亿元", 8),
            ("万亿元", 12),
            ("千万元", 7),
            ("百万元", 6),
            ("十万人", 5),
            ("千人", 3),
            ("万人次", 4),
            ("人", 0),
            ("%", 0),
            ("百分点", 0),
            ("千克", 0),
            ("千瓦时", 0),
            ("million yuan", 6),
            ("yuan (million)", 6),
            ("RMB billion", 9),
            ("thousand people", 3),
            ("ten thousand yuan", 4),
            ("hundred million yuan", 8),
            ("10,000 yuan", 4),
            ("10k people", 4),
            ("yuan (10K)", 4),
            ("k yuan", 3),
            ("100mn yuan", 8),
            ("12k people", 0),
            ("km", 0),
            ("1 yuan", 0),
            ("RMB 10,000", 4),
            ("people", 0),
            ("percent", 0),
            ("cases per 100,000 people", 0),
            ("人/万人", 0),
        ] {
            assert_eq!(unit_exponent(unit), e, "{unit}");
        }
    }

    #[test]
    fn figures_agree_to_the_precision_written() {
        let zh = figure(434.2, "万元");
        assert!(zh.agrees(&figure(4342000.0, "yuan")));
        assert!(zh.agrees(&figure(4.342, "million yuan")));
        assert!(
            zh.agrees(&figure(4342156.0, "yuan")),
            "434.2万 is a rounding of it"
        );
        assert!(!zh.agrees(&figure(4.343, "million yuan")));
        assert!(!zh.agrees(&figure(434.3, "万元")));
        assert!(!figure(36186.0, "人").agrees(&figure(36187.0, "people")));
        assert!(figure(36186.0, "人").agrees(&figure(36186.0, "people")));
        assert!(figure(1.663, "million visits").agrees(&figure(166.3, "万人次")));
        assert!(figure(9.15, "%").agrees(&figure(9.15, "%")));
        assert!(!figure(9.15, "%").agrees(&figure(9.16, "%")));
        assert_eq!(zh.show(), "4,342,000");
        assert_eq!(figure(41.146, "万元").show(), "411,460");
        assert_eq!(figure(103.17, "%").show(), "103.17");
    }
}
