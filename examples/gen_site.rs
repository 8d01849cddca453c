//! Generates a deterministic bilingual site for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_site -- --articles 1000 --images 200 --out /tmp/site
//! ```
//!
//! Each article is a page bundle with `index.zh.md` (about 1,200 Chinese
//! characters) and `index.en.md` (about 700 words): 3 to 5 headings, a
//! metrics block, a link to the previous article's first part, 3 tags out
//! of 40, dates over five years. With `--images M`
//! the first M articles each get a generated 3000x2000 JPEG photo (as a
//! figure and as the cover); the photos have detail and noise, so they
//! encode like real ones.
//!
//! The Chinese text is made of 16 set phrases, so it repeats far more than
//! real text (a 10k site's Chinese index has about 24,000 keys). With
//! `--zh-text chain` it is drawn instead from a character chain (each
//! character followed by one that follows it in the example site's Chinese
//! articles, `content/`): about nine times as many keys, closer to a real
//! archive for the search index's size and cost.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// A small deterministic generator (xorshift64*): the same arguments give
/// the same site.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ZH_PHRASES: &[&str] = &[
    "市总工会紧紧围绕中心工作",
    "开拓创新，务实求效",
    "各项工作取得明显成效",
    "深入开展劳动和技能竞赛",
    "切实维护职工合法权益",
    "精准帮扶困难职工",
    "推进新就业形态劳动者入会",
    "加强基层工会规范化建设",
    "广泛开展普惠服务活动",
    "大力弘扬劳模精神和工匠精神",
    "持续开展送温暖活动",
    "推动产业工人队伍建设改革",
    "完善职工服务体系",
    "加强工会干部教育培训",
    "组织开展职工疗休养",
    "积极推进智慧工会建设",
];
const EN_WORDS: &[&str] = &[
    "the",
    "federation",
    "of",
    "trade",
    "unions",
    "workers",
    "city",
    "support",
    "skills",
    "competition",
    "members",
    "new",
    "services",
    "year",
    "and",
    "in",
    "to",
    "for",
    "grassroots",
    "assistance",
    "training",
    "model",
    "employment",
    "delivery",
    "riders",
    "drivers",
    "rights",
    "legal",
    "campaign",
    "programme",
    "families",
    "health",
    "safety",
    "benefits",
    "innovation",
    "studio",
    "craftsmen",
];
const CITIES: &[(&str, &str)] = &[
    ("合肥", "Hefei"),
    ("芜湖", "Wuhu"),
    ("蚌埠", "Bengbu"),
    ("淮南", "Huainan"),
    ("宿州", "Suzhou"),
    ("阜阳", "Fuyang"),
    ("安庆", "Anqing"),
    ("黄山", "Huangshan"),
];

fn tags() -> Vec<(String, String)> {
    const ZH: &[&str] = &[
        "劳动竞赛",
        "困难职工帮扶",
        "新就业形态",
        "劳模",
        "工匠",
        "普法维权",
        "送清凉",
        "送温暖",
        "就业服务",
        "职工书屋",
        "疗休养",
        "集体协商",
        "安全生产",
        "女职工",
        "农民工",
        "产业工人",
        "智慧工会",
        "年度回顾",
        "基层组织建设",
        "职工创新",
    ];
    const EN: &[&str] = &[
        "Skills competitions",
        "Hardship assistance",
        "New forms of employment",
        "Model workers",
        "Craftsmen",
        "Legal rights",
        "Heat relief",
        "Winter relief",
        "Job services",
        "Reading rooms",
        "Rest and recuperation",
        "Collective bargaining",
        "Work safety",
        "Women workers",
        "Migrant workers",
        "Industrial workers",
        "Smart unions",
        "Year in review",
        "Grassroots organization",
        "Worker innovation",
    ];
    // 40 tags: the 20 above and 20 numbered series.
    let mut all: Vec<(String, String)> = ZH
        .iter()
        .zip(EN)
        .map(|(z, e)| (z.to_string(), e.to_string()))
        .collect();
    for i in 1..=20 {
        all.push((format!("专题{i}"), format!("Series {i}")));
    }
    all
}

struct Args {
    articles: usize,
    images: usize,
    out: PathBuf,
    /// `--zh-text chain`: Chinese from the example site's characters.
    chain: bool,
}

/// Which character may follow which, in the example site's Chinese text.
struct Chain {
    chars: Vec<char>,
    next: std::collections::HashMap<char, Vec<char>>,
}

impl Chain {
    fn from_example_site() -> Chain {
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| e.into_path())
            .filter(|p| p.to_string_lossy().ends_with(".zh.md"))
            .collect();
        files.sort();
        let mut chars = Vec::new();
        for f in files {
            let text = fs::read_to_string(&f).expect("read the example site");
            let body = text.splitn(3, "---").nth(2).unwrap_or("");
            let mut fenced = false;
            for line in body.lines() {
                fenced ^= line.starts_with("```");
                if fenced || line.starts_with(['#', '-', '!', '|', '>', '`', '*']) {
                    continue;
                }
                chars.extend(line.chars().filter(|c| !c.is_ascii()));
            }
        }
        let mut next: std::collections::HashMap<char, Vec<char>> = Default::default();
        for w in chars.windows(2) {
            next.entry(w[0]).or_default().push(w[1]);
        }
        assert!(chars.len() > 1000, "the example site's Chinese text");
        Chain { chars, next }
    }

    /// About `n` characters, ending a sentence.
    fn paragraph(&self, rng: &mut Rng, n: usize) -> String {
        let mut c = self.chars[rng.below(self.chars.len())];
        let mut p = String::new();
        for _ in 0..n {
            p.push(c);
            c = match self.next.get(&c) {
                Some(after) => after[rng.below(after.len())],
                None => self.chars[rng.below(self.chars.len())],
            };
        }
        p.push('。');
        p
    }
}

fn parse_args() -> Args {
    let mut args = Args {
        articles: 1000,
        images: 0,
        out: PathBuf::from("bench-site"),
        chain: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--articles" => {
                args.articles = value().parse().unwrap_or_else(|_| usage("--articles N"))
            }
            "--images" => args.images = value().parse().unwrap_or_else(|_| usage("--images M")),
            "--out" => args.out = PathBuf::from(value()),
            "--zh-text" => {
                args.chain = match value().as_str() {
                    "chain" => true,
                    "phrases" => false,
                    _ => usage("--zh-text phrases|chain"),
                }
            }
            _ => usage(&format!("unknown argument {a}")),
        }
    }
    args
}

fn usage(why: &str) -> ! {
    eprintln!(
        "{why}\nusage: gen_site [--articles N] [--images M] [--zh-text phrases|chain] [--out DIR]"
    );
    std::process::exit(2)
}

fn main() {
    let args = parse_args();
    if args.out.join("content").exists() {
        usage(&format!(
            "{} already holds a site; choose a new --out",
            args.out.display()
        ));
    }
    let news = args.out.join("content").join("news");
    fs::create_dir_all(&news).expect("create the output folder");
    fs::write(args.out.join("site.yaml"), SITE_YAML).expect("write site.yaml");
    fs::write(
        news.join("_index.zh.md"),
        "---\ntitle: 新闻\n---\n各地工会新闻。\n",
    )
    .expect("write");
    fs::write(
        news.join("_index.en.md"),
        "---\ntitle: News\n---\nNews from the unions.\n",
    )
    .expect("write");
    let tags = tags();
    let chain = args.chain.then(Chain::from_example_site);
    (0..args.articles).into_par_iter().for_each(|i| {
        write_article(&news, i, i < args.images, &tags, chain.as_ref()).expect("write an article");
    });
    eprintln!(
        "generated {} bilingual articles ({} with a 3000x2000 photo) in {}",
        args.articles,
        args.images.min(args.articles),
        args.out.display()
    );
}

const SITE_YAML: &str = "\
base_url: https://bench.example.org
default_language: zh
languages:
  zh: { name: 中文, locale: zh-CN, title: 工会新闻 }
  en: { name: English, locale: en, title: Union News }
paginate: 20
images: { widths: [480, 960, 1600], quality: 82 }
";

fn write_article(
    news: &Path,
    i: usize,
    with_photo: bool,
    tags: &[(String, String)],
    chain: Option<&Chain>,
) -> std::io::Result<()> {
    let mut rng = Rng::new(i as u64 + 1);
    let dir = news.join(format!("a{i:05}"));
    fs::create_dir_all(&dir)?;
    let (city_zh, city_en) = CITIES[rng.below(CITIES.len())];
    // Dates over five years, one article every few hours.
    let day = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
        + chrono::Days::new((i as u64 * 7 / 4) % 1800);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < 3 {
        let t = rng.below(tags.len());
        if !picked.contains(&t) {
            picked.push(t);
        }
    }
    let zh_tags: Vec<&str> = picked.iter().map(|&t| tags[t].0.as_str()).collect();
    let en_tags: Vec<&str> = picked.iter().map(|&t| tags[t].1.as_str()).collect();
    let members = 1000 + rng.below(90000);
    let funds = (rng.below(50000) as f64) / 10.0;
    let headings = 3 + rng.below(3);

    let photo = if with_photo {
        fs::write(dir.join("photo.jpg"), photo_jpeg(i as u64))?;
        "cover: photo.jpg\n"
    } else {
        ""
    };
    let mut zh = format!(
        "---\ntitle: {city_zh}市总工会工作动态（第{i}期）\ndate: {day}\nlocation: {city_zh}\ntags: [{}]\n{photo}---\n\n",
        zh_tags.join(", ")
    );
    let mut en = format!(
        "---\ntitle: \"{city_en} union news, issue {i}\"\ndate: {day}\nlocation: {city_en}\ntags: [{}]\n---\n\n",
        en_tags.join(", ")
    );
    let zh_paragraph = |rng: &mut Rng| {
        if let Some(chain) = chain {
            return chain.paragraph(rng, 230);
        }
        let mut p = String::new();
        while p.chars().count() < 230 {
            p.push_str(rng.pick(ZH_PHRASES));
            p.push_str(if rng.below(3) == 0 { "。" } else { "，" });
        }
        p.push('。');
        p
    };
    let en_paragraph = |rng: &mut Rng| {
        let mut words: Vec<&str> = (0..140).map(|_| rng.pick(EN_WORDS)).collect();
        words[0] = "The";
        format!("{}.", words.join(" "))
    };
    zh.push_str(&zh_paragraph(&mut rng));
    zh.push_str("\n\n");
    en.push_str(&en_paragraph(&mut rng));
    en.push_str("\n\n");
    if i > 0 {
        // Links to the previous issue's first part, as `check` reads them:
        // root-relative in Chinese, relative in English.
        zh.push_str(&format!("参见[上一期](/news/a{:05}/#第1部分)。\n\n", i - 1));
        en.push_str(&format!(
            "See [the previous issue](../a{:05}/#part-1).\n\n",
            i - 1
        ));
    }
    for h in 0..headings {
        zh.push_str(&format!(
            "## 第{}部分\n\n{}\n\n",
            h + 1,
            zh_paragraph(&mut rng)
        ));
        en.push_str(&format!(
            "## Part {}\n\n{}\n\n",
            h + 1,
            en_paragraph(&mut rng)
        ));
        if h == 0 {
            zh.push_str(&format!(
                "```metrics 主要数据\n- {{ label: 新增会员, value: {members}, unit: 人 }}\n- {{ label: 发放资金, value: {funds}, unit: 万元 }}\n```\n\n"
            ));
            en.push_str(&format!(
                "```metrics Key figures\n- {{ label: New members, value: {members}, unit: people }}\n- {{ label: Funds, value: {}, unit: yuan }}\n```\n\n",
                funds * 10000.0
            ));
            if with_photo {
                zh.push_str("![职工技能竞赛现场](photo.jpg)\n*工会供图*\n\n");
                en.push_str(
                    "![At the workers' skills competition](photo.jpg)\n*Photo: the union*\n\n",
                );
            }
        }
    }
    fs::write(dir.join("index.zh.md"), zh)?;
    fs::write(dir.join("index.en.md"), en)
}

/// A 3000x2000 JPEG with gradients, shapes and noise (so it compresses like
/// a photo, about 1 MB), different for every seed.
fn photo_jpeg(seed: u64) -> Vec<u8> {
    let (w, h) = (3000u32, 2000u32);
    let mut rng = Rng::new(seed * 7919 + 3);
    let (cx, cy) = (rng.below(w as usize) as f32, rng.below(h as usize) as f32);
    let tint = [
        rng.below(128) as f32,
        rng.below(128) as f32,
        rng.below(128) as f32,
    ];
    let mut noise = Rng::new(seed + 17);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
        let ring = ((d / 40.0).sin() * 60.0) as i32;
        let n = (noise.next() % 24) as i32 - 12;
        let px =
            |base: f32, grad: f32| (base + grad + ring as f32 + n as f32).clamp(0.0, 255.0) as u8;
        image::Rgb([
            px(tint[0], x as f32 / w as f32 * 100.0),
            px(tint[1], y as f32 / h as f32 * 100.0),
            px(tint[2], 60.0),
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
        .encode_image(&img)
        .expect("encode the photo");
    bytes
}
