//! Unit tests: extraction, normalisation, tokenisation, index round-trip.

use super::text::{Class, normalize, tokenize};
use super::*;

fn art(inner: &str) -> String {
    format!(
        "<html><head><title>x</title></head><body><nav>Menu</nav><article>{inner}</article><article><p>second</p></article></body></html>"
    )
}

fn body(inner: &str) -> Vec<String> {
    extract(&art(inner)).body
}

#[test]
fn only_the_first_article() {
    let ex = extract(&art("<p>one</p>"));
    assert_eq!(ex.body, vec!["one"]);
    assert!(extract("<p>no article</p>").body.is_empty());
    // "<article" inside a script or comment before it is not the article.
    let ex = extract(
        "<script>var a = '<article>no</article>';</script><!-- <article>no --><article><p>yes</p></article>",
    );
    assert_eq!(ex.body, vec!["yes"]);
}

#[test]
fn skipped_subtrees() {
    let got = body(
        "<p>a</p><nav><p>tags</p></nav><script>var x = '<p>';</script><style>p{}</style>\
         <template><p>t</p></template><noscript>ns</noscript><svg><text>s</text></svg>\
         <button>b</button><div hidden><p>h</p></div><span aria-hidden=\"true\">ah</span>\
         <span aria-hidden=\"false\">shown</span><p>z</p>",
    );
    assert_eq!(got, vec!["a", "shown", "z"]);
    // A self-closing svg does not swallow what follows.
    assert_eq!(body("<p>a<svg/>b</p>"), vec!["ab"]);
}

#[test]
fn runs_split_at_blocks_and_br_not_inline() {
    let got = body(
        "<p>a<b>b</b><em>c</em><a href=x>d</a><code>e</code><x-unknown>f</x-unknown></p><p>g<br>h</p><ul><li>i</li><li>j</li></ul>",
    );
    assert_eq!(got, vec!["abcdef", "g", "h", "i", "j"]);
    assert_eq!(body("<div>x<p>y</p>z</div>"), vec!["x", "y", "z"]);
    // Text spanning an unclosed <p> and a table.
    assert_eq!(
        body("<p>one<table><tr><td>two</td><td>three</td></tr></table>"),
        vec!["one", "two", "three"]
    );
}

#[test]
fn entities_and_attributes() {
    let got = body(
        "<p>&amp; &lt;b&gt; &quot;q&quot; &#x5DE5;&#20250; &nbsp;x &unknown; a&b</p><p><img alt=\"alt text\" src=y>t</p>",
    );
    assert_eq!(got, vec!["& <b> \"q\" 工会 \u{a0}x &unknown; a&b", "t"]);
}

#[test]
fn every_html5_named_reference() {
    // The whole table: rare names, two code points, astral characters, the
    // legacy names that need no semicolon in text, numeric edge cases.
    let got = body(
        "<p>&hearts; &NotEqualTilde; &Ascr; &copy2021 &notit; &frac34; &ZeroWidthSpace;x &#x80; &#0; &#xD800; &#65</p>",
    );
    assert_eq!(
        got,
        vec!["♥ \u{2242}\u{338} 𝒜 ©2021 ¬it; ¾ \u{200B}x € \u{FFFD} \u{FFFD} A"]
    );
}

#[test]
fn title_is_the_first_h1() {
    let ex = extract(&art(
        "<header><p>kicker</p><h1>The <em>title</em></h1></header><p>body</p><h1>second</h1>",
    ));
    assert_eq!(ex.title, vec!["The title"]);
    assert_eq!(ex.body, vec!["kicker", "body", "second"]);
    let ex = extract(&art("<p>no title</p>"));
    assert!(ex.title.is_empty());
}

#[test]
fn normalisation() {
    assert_eq!(normalize("Ｗｉｄｅ ２０２１"), "wide 2021");
    assert_eq!(
        normalize("  工会\u{3000}\u{3000}会员 \n\t x "),
        "工会 会员 x"
    );
    assert_eq!(normalize("，。「」"), ",。「」");
    assert_eq!(normalize("ΟΔΟΣ ς"), "οδοσ σ");
    assert_eq!(normalize("Cafe\u{301} ﬁ ①"), "café fi 1");
    // A combining mark after a full-width letter composes with it.
    assert_eq!(normalize("Ｅ\u{301}"), "é");
    assert_eq!(normalize("ǅ İ"), "dž i\u{307}");
}

/// Text made of the characters the fast paths treat apart (ASCII words,
/// single and repeated white space, controls, quotes, ideographs, full-width
/// forms, a combining mark, NFKC-unstable and case-changing letters).
fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    const CHARS: &[char] = &[
        'a', 'Z', 'q', '7', ' ', ' ', ' ', '\t', '\n', '\u{b}', '\u{1}', '\u{1f}', '\u{7f}', '"',
        '\\', '<', '工', '会', '㐀', 'Ｗ', '１', '，', '。', '\u{3000}', '\u{301}', '\u{a0}', '·',
        'ﬁ', 'Σ', 'ς', 'ǅ', 'İ', '\u{2028}', '—',
    ];
    prop::collection::vec(prop::sample::select(CHARS), 0..48).prop_map(String::from_iter)
}

/// White space collapsed and trimmed (spec section 2's last step).
fn collapsed(s: &str) -> String {
    s.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

proptest::proptest! {
    /// The fast paths (ASCII spans with single spaces, ideograph spans,
    /// full-width forms) give what NFKC and case folding of the whole
    /// text give.
    #[test]
    fn normalisation_equals_nfkc_of_the_whole(s in mixed_text()) {
        use unicode_normalization::UnicodeNormalization;
        let folded: String = s
            .nfkc()
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'ς' { 'σ' } else { c })
            .collect();
        proptest::prop_assert_eq!(normalize(&s), collapsed(&folded));
    }

    /// A fragment string is valid JSON holding the text as written, white
    /// space collapsed (spans copied whole, single spaces in them).
    #[test]
    fn fragment_strings_are_the_text_collapsed(s in mixed_text()) {
        let mut out = String::new();
        fragment::json_str(&mut out, &s);
        let back: String = serde_json::from_str(&out).unwrap();
        proptest::prop_assert_eq!(back, collapsed(&s));
    }
}

#[test]
fn tags_end_outside_quotes() {
    // A '>' inside a quoted value does not end the tag; either quote.
    assert_eq!(
        body("<p title=\"a>b\" data-x='c>\"d'>one</p><p class=x>two</p>"),
        vec!["one", "two"]
    );
    // A quote left open runs to the end of the page: nothing after it.
    assert_eq!(body("<p>one</p><p title=\"open>two</p>"), vec!["one"]);
}

fn toks(s: &str) -> Vec<(&str, Class)> {
    tokenize(s).into_iter().map(|t| (t.text, t.class)).collect()
}

#[test]
fn tokenisation() {
    use Class::*;
    assert_eq!(
        toks("trade unions"),
        vec![("trade", Word), ("unions", Word)]
    );
    assert_eq!(
        toks("2021年,x-ab"),
        vec![
            ("2021", Word),
            ("年", Cjk),
            (",", Other),
            ("x", Word),
            ("-", Other),
            ("ab", Word)
        ]
    );
    assert_eq!(
        toks("工 会 a b ,"),
        vec![
            ("工", Cjk),
            (" ", Space),
            ("会", Cjk),
            (" ", Space),
            ("a", Word),
            ("b", Word),
            (" ", Space),
            (",", Other)
        ]
    );
    assert_eq!(
        toks("々〇ひらがな한국"),
        vec![
            ("々", Cjk),
            ("〇", Cjk),
            ("ひ", Cjk),
            ("ら", Cjk),
            ("が", Cjk),
            ("な", Cjk),
            ("한", Cjk),
            ("국", Cjk)
        ]
    );
    assert_eq!(toks("naïve"), vec![("naïve", Word)]);
}

// ---- round trip: decode the files in Rust ----

fn varint(b: &[u8], i: &mut usize) -> u64 {
    varint::get(b, i)
}

struct Files(Vec<(String, Vec<u8>)>);

impl Files {
    fn get(&self, path: &str) -> &[u8] {
        &self
            .0
            .iter()
            .find(|f| f.0 == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .1
    }
    fn meta(&self) -> serde_json::Value {
        serde_json::from_slice(self.get("zh/meta.json")).unwrap()
    }
    /// The payload of `key` in key space `kind`.
    fn payload(&self, kind: &str, key: &str) -> Option<Vec<u8>> {
        let meta = self.meta();
        for (i, _) in meta[kind].as_array().unwrap().iter().enumerate() {
            // Doc-level shards are stored gzip-compressed.
            let b = match kind {
                "d" => {
                    let gz = self.get(&format!("zh/d/{i}.gz"));
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut b)
                        .unwrap();
                    b
                }
                _ => self.get(&format!("zh/{kind}/{i}.bin")).to_vec(),
            };
            let b = &b[..];
            let mut j = 0;
            let mut k: Vec<u8> = Vec::new();
            while j < b.len() {
                let shared = varint(b, &mut j) as usize;
                let rest = varint(b, &mut j) as usize;
                k.truncate(shared);
                k.extend_from_slice(&b[j..j + rest]);
                j += rest;
                let pl = varint(b, &mut j) as usize;
                if k == key.as_bytes() {
                    return Some(b[j..j + pl].to_vec());
                }
                j += pl;
            }
        }
        None
    }
    /// Doc-level list: (doc, tf, title).
    fn docs(&self, key: &str) -> Vec<(u32, u8, bool)> {
        let n = self.meta()["n"].as_u64().unwrap() as u32;
        let Some(b) = self.payload("d", key) else {
            return vec![];
        };
        let mut i = 0;
        let head = varint(&b, &mut i) as usize;
        let (count, mode) = (head >> 1, head & 1);
        let mut ids = vec![];
        if mode == 1 {
            ids = (0..n)
                .filter(|d| b[i + (*d as usize >> 3)] & (1 << (d & 7)) != 0)
                .collect();
            i += (n as usize).div_ceil(8);
        } else {
            let mut d: i64 = -1;
            for _ in 0..count {
                d += varint(&b, &mut i) as i64 + 1;
                ids.push(d as u32);
            }
        }
        ids.into_iter()
            .zip(&b[i..])
            .map(|(d, &t)| (d, t >> 1, t & 1 == 1))
            .collect()
    }
    /// Positional list: (doc, positions).
    fn positions(&self, key: &str) -> Vec<(u32, Vec<u32>)> {
        let Some(b) = self.payload("p", key) else {
            return vec![];
        };
        let mut i = 0;
        let head = varint(&b, &mut i);
        let nd = head >> 1;
        let k = |j: usize| b.get(i + j).copied().unwrap_or(0) as u32;
        let (kd, kc, kp) = (k(0), k(1), k(2));
        let rice_coded = head & 1 == 1;
        let mut bit = (i + 3) * 8;
        let mut vi = i;
        let mut rice = |k: u32| {
            if !rice_coded {
                return varint(&b, &mut vi) as u32;
            }
            let get = |bit: usize| (b[bit >> 3] >> (bit & 7)) & 1 == 1;
            let mut q = 0;
            while get(bit) {
                q += 1;
                bit += 1;
            }
            bit += 1;
            let mut v = 0;
            for j in 0..k {
                v |= (get(bit) as u32) << j;
                bit += 1;
            }
            (q << k) | v
        };
        let mut d: i64 = -1;
        let mut out = vec![];
        for _ in 0..nd {
            d += rice(kd) as i64 + 1;
            let c = rice(kc) + 1;
            let mut p: i64 = -1;
            let ps = (0..c).map(|_| {
                p += rice(kp) as i64 + 1;
                p as u32
            });
            out.push((d as u32, ps.collect()));
        }
        out
    }
}

fn page(url: &str, html_body: &str) -> Indexed {
    let html = art(html_body);
    index_page(&Doc {
        url,
        title: "fallback",
        date: "2021-01-01",
        section: "新闻",
        html: &html,
    })
}

#[test]
fn index_round_trip() {
    let a = page(
        "/a/",
        "<h1>工会新闻</h1><p>工会会员 2021年 Trade unions</p>",
    );
    let b = page("/b/", "<p>会员, trade</p>");
    let files = Files(write_index("zh", &[&a, &b]));
    let meta = files.meta();
    assert_eq!(meta["n"], 2);
    // Unigram 会: doc 0 three times (one in the title), doc 1 once.
    assert_eq!(files.docs("会"), vec![(0, 3, true), (1, 1, false)]);
    assert_eq!(files.docs("会员"), vec![(0, 1, false), (1, 1, false)]);
    assert_eq!(files.docs("trade"), vec![(0, 1, false), (1, 1, false)]);
    assert_eq!(files.docs("unions"), vec![(0, 1, false)]);
    assert!(files.docs("新闻会").is_empty(), "no doc-level trigrams");
    // Title run first at positions 0..4, a gap, then 工 会 会 员 _ 2021 年 _ trade unions.
    assert_eq!(files.positions("工会新"), vec![(0, vec![0])]);
    assert_eq!(
        files.positions("新闻"),
        vec![(0, vec![2])],
        "cut at the end of the stretch"
    );
    assert_eq!(files.positions("工会会"), vec![(0, vec![5])]);
    assert_eq!(files.positions("2021\u{1}年"), vec![(0, vec![10])]);
    assert_eq!(files.positions("trade\u{1}unions"), vec![(0, vec![13])]);
    assert_eq!(
        files.positions("trade"),
        vec![(1, vec![4])],
        "end of a run: the token alone"
    );
    assert_eq!(files.positions(",\u{1} "), vec![(1, vec![2])]);
    let docs = files.get("zh/docs.bin");
    assert_eq!(&docs[..4], &[14, 0, 5, 0]);
    assert_eq!(&docs[4..], &[4, 0]);
    assert_eq!(files.get("zh/u/0.txt"), b"/a/\n/b/\n");
    // Deterministic.
    assert_eq!(files.0, write_index("zh", &[&a, &b]));
}

#[test]
fn long_lists_round_trip() {
    // Enough positions and docs for Rice codes and bitmaps.
    let text = "工会会员，".repeat(40);
    let pages: Vec<Indexed> = (0..20)
        .map(|i| page(&format!("/p{i}/"), &format!("<p>{text}</p>")))
        .collect();
    let refs: Vec<&Indexed> = pages.iter().collect();
    let files = Files(write_index_sharded("zh", &refs, 64));
    let want: Vec<u32> = (0..40).map(|k| k * 5).collect();
    let got = files.positions("工会会");
    assert_eq!(got.len(), 20);
    assert!(got.iter().all(|(_, ps)| *ps == want));
    assert_eq!(
        files.docs("会员"),
        (0..20).map(|d| (d, 40, false)).collect::<Vec<_>>()
    );
    assert_eq!(files.docs("会").len(), 20);
    assert_eq!(files.positions(",\u{1}工").len(), 20);
}

#[test]
fn rice_codes_of_far_outliers_round_trip() {
    // Small gaps set a small Rice parameter; one position thousands of
    // tokens later is a unary run longer than a 32-bit write.
    let mut pages: Vec<Indexed> = (0..30)
        .map(|i| page(&format!("/p{i}/"), "<p>工会会员工会会员工会会员</p>"))
        .collect();
    let far = format!("<p>{}工会会员</p>", "职".repeat(6000));
    pages.push(page("/far/", &far));
    let refs: Vec<&Indexed> = pages.iter().collect();
    let files = Files(write_index("zh", &refs));
    let head = files.payload("p", "工会会").expect("a list")[0];
    assert_eq!(head & 1, 1, "Rice coded");
    let got = files.positions("工会会");
    assert_eq!(got.len(), 31);
    assert!(got[..30].iter().all(|(_, ps)| *ps == [0, 4, 8]));
    assert_eq!(got[30], (30, vec![6000]));
}

#[test]
fn fragment_has_text_as_written() {
    let a = page(
        "/a/",
        "<h1>Ｔitle</h1><p>Ｗｉｄｅ &amp; 工会</p><p> say  \"hi\"\n\\ &#1;x </p>",
    );
    let b = page("/b/", "<p>x</p>");
    let c = page("/c/", "<p>y</p>");
    // Fragment files hold two docs each, as a JSON array.
    let files = Files(write_index("zh", &[&a, &b, &c]));
    assert_eq!(files.meta()["f"], 2);
    let file = |i: usize| -> serde_json::Value {
        let mut json = String::new();
        use std::io::Read;
        flate2::read::GzDecoder::new(files.get(&format!("zh/f/{i}.gz")))
            .read_to_string(&mut json)
            .unwrap();
        serde_json::from_str(&json).unwrap()
    };
    let (f0, f1) = (file(0), file(1));
    assert_eq!(f0.as_array().unwrap().len(), 2);
    assert_eq!(f1.as_array().unwrap().len(), 1);
    let v = &f0[0];
    assert_eq!(v["title"], "Ｔitle");
    assert_eq!(v["h"], 1);
    assert_eq!(
        v["runs"],
        serde_json::json!(["Ｔitle", "Ｗｉｄｅ & 工会", "say \"hi\" \\ \u{1}x"])
    );
    assert_eq!(f0[1]["title"], "fallback");
    assert_eq!(f1[0]["runs"], serde_json::json!(["y"]));
    assert_eq!(
        v,
        &serde_json::from_str::<serde_json::Value>(&a.fragment).unwrap()
    );
}

/// Dev mode's index from chunks kept between saves: after edits in some
/// chunks (and fragment files reused from the others), and after a save
/// given up half-way, it is the index made from scratch.
#[test]
fn reused_chunks_make_the_index_made_from_scratch() {
    let make = |i: usize, v: usize| {
        Arc::new(page(
            &format!("/p{i}/"),
            &format!("<h1>第{i}篇</h1><p>工会会员{v} union {i} 版本{v}</p>"),
        ))
    };
    // Three chunks and a part of one: 600 is not a multiple of 256.
    let mut pages: Vec<Arc<Indexed>> = (0..600).map(|i| make(i, 0)).collect();
    let scratch =
        |pages: &[Arc<Indexed>]| write_index("zh", &pages.iter().map(|p| &**p).collect::<Vec<_>>());
    let mut reuse = Reuse::default();
    assert_eq!(
        write_index_reusing("zh", &pages, &mut reuse),
        scratch(&pages)
    );
    for (save, i) in [3, 300, 599].into_iter().enumerate() {
        pages[i] = make(i, save + 1);
        assert_eq!(
            write_index_reusing("zh", &pages, &mut reuse),
            scratch(&pages)
        );
    }
    // A save that stops after the chunks are made, in the shards' pass.
    pages[10] = make(10, 9);
    let asked = std::sync::atomic::AtomicUsize::new(0);
    let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 2;
    assert!(write_index_reusing_unless("zh", &pages, &mut reuse, &stop).is_none());
    assert!(asked.into_inner() > 2, "asked again in the shards' pass");
    pages.truncate(500);
    assert_eq!(
        write_index_reusing("zh", &pages, &mut reuse),
        scratch(&pages)
    );
}

/// `n` characters drawn from `alphabet` (a linear congruential generator,
/// `seed` its state).
fn random_han(alphabet: &str, n: usize, seed: &mut u64) -> String {
    let han: Vec<char> = alphabet.chars().collect();
    (0..n)
        .map(|_| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            han[(*seed >> 33) as usize % han.len()]
        })
        .collect()
}

/// The index files are the same on any number of cores and however the
/// docs are split into partials (a build splits by cores, dev mode in
/// chunks of 256): the merge's ranges, each of which ends a shard, are
/// cut by entries, not by bytes a partial spent on them.
#[test]
fn the_index_is_the_same_on_any_number_of_cores() {
    const HAN: &str = "工会会员职工劳动竞赛技能培训服务中心城市新闻年度报告活动组织建设";
    let mut seed = 7u64;
    let pages: Vec<Indexed> = (0..600)
        .map(|i| {
            let text = random_han(HAN, 400, &mut seed);
            page(
                &format!("/p{i}/"),
                &format!("<h1>第{i}篇</h1><p>{text} union {i}</p>"),
            )
        })
        .collect();
    let refs: Vec<&Indexed> = pages.iter().collect();
    let on = |cores: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cores)
            .build()
            .unwrap();
        pool.install(|| write_index("zh", &refs))
    };
    let one = on(1);
    // Enough entries for several ranges, so the test can see their cuts.
    assert!(one.iter().filter(|(p, _)| p.starts_with("zh/p/")).count() > 8);
    assert!(one == on(3), "1 and 3 cores");
    let arcs: Vec<Arc<Indexed>> = pages.into_iter().map(Arc::new).collect();
    assert!(
        one == write_index_reusing("zh", &arcs, &mut Reuse::default()),
        "dev mode"
    );
}

/// Fragment files are compressed with codes made for their bytes: the
/// fixed Huffman codes of deflate's fastest level spend 8–9 bits on every
/// byte of a Chinese character outside a match.
#[test]
fn chinese_fragments_are_compressed_with_their_own_codes() {
    const HAN: &str = "市总工会紧紧围绕中心工作开拓创新务实求效各项取得明显成深入展劳动和技能竞赛切实维护职合法权益精准帮扶困难推进新就业形态者入加强基层规范化建设广泛普惠服活大力弘扬模神匠持续送温暖产人队伍改革完善体系干部教育培训组织疗休养积极智慧";
    let text = random_han(HAN, 3000, &mut 11);
    let gz = fragment::gzip(text.as_bytes());
    let ratio = gz.len() as f64 / text.len() as f64;
    // Fixed codes: 0.78 here; the codes deflate makes for these bytes: 0.54.
    assert!(
        ratio < 0.65,
        "{} bytes of Chinese -> {} gzip bytes",
        text.len(),
        gz.len()
    );
    let mut back = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut back).unwrap();
    assert_eq!(back, text);
}
