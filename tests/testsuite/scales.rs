//! The usual English ways of writing the Chinese scales are understood by
//! the figure check: 3.6 万人 is `3.6 10k people`, `36 thousand people`,
//! `36,000 people`; 434.2 万元 is `4.342 million yuan`, `RMB 4,342,000`,
//! `434.2 (10,000 yuan)`; 1.2 亿元 is `120 million yuan`, `1.2 hundred
//! million yuan`. A mismatch says which scale was understood on each side.

use crate::support::{Site, md};

const ZH: &str = "content/news/a/index.zh.md";
const EN: &str = "content/news/a/index.en.md";

/// An article whose one figure is `zh` in Chinese and `en` in English
/// (`value, unit`), the English item on line 5.
fn pair(zh: (&str, &str), en: (&str, &str)) -> Site {
    let block = |(value, unit): (&str, &str)| {
        format!("```metrics\n- {{ label: 会员, value: {value}, unit: \"{unit}\" }}\n```\n")
    };
    Site::new()
        .file(ZH, md("title: 甲\ndate: 2021-12-31", &block(zh)))
        .file(EN, md("title: A", &block(en)))
}

#[test]
fn english_scales_agree_with_the_chinese_ones() {
    for (zh, en) in [
        (("3.6", "万人"), ("3.6", "10k people")),
        (("3.6", "万人"), ("3.6", "10K people")),
        (("3.6", "万人"), ("36", "thousand people")),
        (("3.6", "万人"), ("36", "k people")),
        (("3.6", "万人"), ("36000", "people")),
        (("3.6", "万人"), ("3.6", "ten thousand people")),
        (("434.2", "万元"), ("4.342", "million yuan")),
        (("434.2", "万元"), ("4342000", "RMB")),
        (("434.2", "万元"), ("434.2", "RMB 10,000")),
        (("434.2", "万元"), ("434.2", "(10,000 yuan)")),
        (("434.2", "万元"), ("434.2", "yuan (10k)")),
        (("434.2", "万元"), ("4342", "thousand yuan")),
        (("434.2", "万元"), ("4342", "k yuan")),
        (("1.2", "亿元"), ("120", "million yuan")),
        (("1.2", "亿元"), ("1.2", "100 million yuan")),
        (("1.2", "亿元"), ("1.2", "hundred million yuan")),
        (("1.2", "亿元"), ("0.12", "billion yuan")),
        (("1.2", "亿元"), ("120", "mn yuan")),
        (("36", "千人"), ("36", "k people")),
        (("36", "千人"), ("36", "thousand people")),
    ] {
        let site = pair(zh, en);
        let run = site.run(&["check"]);
        assert_eq!(run.code, Some(0), "{zh:?} vs {en:?}:\n{}", run.stderr);
    }
}

#[test]
fn units_that_only_look_like_scales_are_counts_or_measures() {
    for (zh, en) in [
        (("12", "千米"), ("12", "km")),
        (("3", "千克"), ("3", "kg")),
        (("36186", "人"), ("36186", "people")),
        (("9.15", "%"), ("9.15", "%")),
    ] {
        pair(zh, en).run(&["check"]).ok();
    }
}

#[test]
fn a_mismatch_names_the_scale_understood_on_each_side() {
    let site = pair(("3.6", "万人"), ("3.6", "thousand people"));
    let m = site.run(&["check"]).fails().error_at(EN, 5, 1);
    assert!(
        m.contains("`thousand` = 1,000") && m.contains("`万` = 10,000"),
        "{m}"
    );
    assert!(m.contains("3,600") && m.contains("36,000"), "{m}");

    let site = pair(("36186", "人"), ("36.187", "10k people"));
    let m = site.run(&["check"]).fails().error_at(EN, 5, 1);
    assert!(m.contains("`10k` = 10,000"), "{m}");
    assert!(m.contains("no scale"), "{m}");
}
