//! Dev mode against clean builds over random edit sequences: articles
//! added, deleted and renamed, texts, titles, tags and dates changed,
//! translations added and removed, photos added, links between articles
//! (broken when their target goes), front matter broken and mended, and
//! templates edited, in orders no hand-written sequence thinks of. After
//! every edit the served folder must equal a clean build of the same
//! files, or, when that build fails, stay the last good site.
//!
//! `UNIONPRESS_EDIT_SEEDS=7,8,9` runs other sequences (and
//! `UNIONPRESS_EDIT_STEPS` longer ones); a failure names its seed and step.

use crate::serve::{Server, assert_same_tree, clean_build, copy_theme_in};
use crate::support::{Site, md, small_jpeg};

/// A small deterministic random number generator (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A few of `items`, in their order, maybe none.
    fn some<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.below(2) == 0)
            .cloned()
            .collect()
    }
}

const ZH_TAGS: [&str; 3] = ["劳动竞赛", "职工", "技能大赛"];
const EN_TAGS: [&str; 3] = ["Contests", "Workers", "Skills"];
const ZH_WORDS: [&str; 4] = ["工会", "劳动模范", "职工之家", "阜阳市"];
const EN_WORDS: [&str; 4] = ["union", "model workers", "training", "Fuyang"];

/// One language version of an article, as the model knows it.
struct Version {
    title: String,
    tags: Vec<&'static str>,
    text: String,
    /// Folders of the articles its text links to.
    links: Vec<String>,
}

/// An article: its folder under `content/news/`, its Chinese original (a
/// translation takes its date), maybe an English translation, a photo and
/// a key figure (a `metrics` block of the original, in `metrics.json`).
struct Article {
    folder: String,
    date: String,
    zh: Version,
    en: Option<Version>,
    photo: bool,
    figure: Option<usize>,
}

/// The text with its links to other articles.
fn body(v: &Version) -> String {
    let links: String = (v.links.iter())
        .map(|folder| format!(" [另见](/news/{folder}/)"))
        .collect();
    format!("{}{links}", v.text)
}

impl Article {
    fn write(&self, site: &Site) {
        let dir = format!("content/news/{}", self.folder);
        let mut shown = match self.photo {
            true => "\n\n![现场](p.jpg)\n".to_string(),
            false => "\n".to_string(),
        };
        shown += &self.figure_block("数据", "新增会员", "人");
        let zh = &self.zh;
        site.write(
            &format!("{dir}/index.zh.md"),
            md(
                &format!(
                    "title: {}\ndate: {}\ntags: [{}]",
                    zh.title,
                    self.date,
                    zh.tags.join(", ")
                ),
                &format!("{}{shown}", body(zh)),
            ),
        );
        self.write_en(site);
    }

    /// The `metrics` block of the figure, if there is one (the same figure
    /// in every language: `check` holds translations to it).
    fn figure_block(&self, title: &str, label: &str, unit: &str) -> String {
        (self.figure)
            .map(|n| {
                format!(
                    "\n```metrics {title}\n- {{ label: {label}, value: {n}, unit: {unit} }}\n```\n"
                )
            })
            .unwrap_or_default()
    }

    /// The English file, when there is a translation.
    fn write_en(&self, site: &Site) {
        let Some(en) = &self.en else { return };
        site.write(
            &format!("content/news/{}/index.en.md", self.folder),
            md(
                &format!("title: {}\ntags: [{}]", en.title, en.tags.join(", ")),
                &format!(
                    "{}\n{}",
                    body(en),
                    self.figure_block("Figures", "New members", "people")
                ),
            ),
        );
    }
}

/// The site being edited and the names it used (never reused: a renamed
/// folder gets a new name).
struct Model {
    articles: Vec<Article>,
    made: usize,
    template_edits: usize,
}

impl Model {
    fn new_article(&mut self, rng: &mut Rng) -> Article {
        self.made += 1;
        let n = self.made;
        Article {
            folder: format!("a{n}"),
            date: date(rng),
            zh: Version {
                title: format!("第{n}篇：{}", rng.pick(&ZH_WORDS)),
                tags: rng.some(&ZH_TAGS),
                text: format!("第{n}篇正文，{}。", rng.pick(&ZH_WORDS)),
                links: Vec::new(),
            },
            en: None,
            photo: rng.below(3) == 0,
            figure: (rng.below(2) == 0).then(|| rng.below(100_000)),
        }
    }

    /// Makes one random edit to the site's files; says what it did.
    fn edit(&mut self, rng: &mut Rng, site: &Site) -> String {
        let i = rng.below(self.articles.len());
        match rng.below(13) {
            0 => {
                let article = self.new_article(rng);
                article.write(site);
                let said = format!("added {} (photo: {})", article.folder, article.photo);
                if article.photo {
                    site.write(
                        &format!("content/news/{}/p.jpg", article.folder),
                        small_jpeg(),
                    );
                }
                self.articles.push(article);
                said
            }
            1 if self.articles.len() > 1 => {
                let gone = self.articles.remove(i);
                site.remove(&format!("content/news/{}", gone.folder));
                format!("deleted {}", gone.folder)
            }
            2 => {
                self.made += 1;
                let old =
                    std::mem::replace(&mut self.articles[i].folder, format!("r{}", self.made));
                let new = &self.articles[i].folder;
                std::fs::rename(
                    site.path(&format!("content/news/{old}")),
                    site.path(&format!("content/news/{new}")),
                )
                .unwrap();
                format!("renamed {old} to {new}")
            }
            3 => {
                let a = &mut self.articles[i];
                a.date = date(rng);
                a.write(site);
                format!("dated {} {}", a.folder, a.date)
            }
            4 => {
                let a = &mut self.articles[i];
                a.zh.tags = rng.some(&ZH_TAGS);
                a.write(site);
                format!("tagged {} {:?}", a.folder, a.zh.tags)
            }
            5 if self.articles[i].en.is_none() => {
                let a = &mut self.articles[i];
                a.en = Some(translation(rng, &a.folder));
                a.write_en(site);
                format!("translated {}", a.folder)
            }
            5 => {
                let a = &mut self.articles[i];
                a.en = None;
                site.remove(&format!("content/news/{}/index.en.md", a.folder));
                format!("removed the translation of {}", a.folder)
            }
            6 => {
                let a = &mut self.articles[i];
                a.zh.title = format!("{}：{}", a.zh.title, rng.pick(&ZH_WORDS));
                a.write(site);
                format!("retitled {}", a.folder)
            }
            7 => {
                self.template_edits += 1;
                let page = site.read("themes/default/templates/page.html");
                let marker = format!("<!-- edit {} -->", self.template_edits);
                site.write(
                    "themes/default/templates/page.html",
                    page.replacen("<article", &format!("{marker}<article"), 1),
                );
                "edited the page template".into()
            }
            8 if self.articles[i].en.is_some() => {
                let a = &mut self.articles[i];
                if let Some(en) = &mut a.en {
                    en.tags = rng.some(&EN_TAGS);
                    en.text = format!("{} More on {}.", en.text, rng.pick(&EN_WORDS));
                }
                a.write_en(site);
                format!("edited the translation of {}", a.folder)
            }
            // Kept while its target stays; deleting or renaming the
            // target breaks the build until the link goes.
            9 => {
                let to = rng.pick(&self.articles).folder.clone();
                let a = &mut self.articles[i];
                a.zh.links = match rng.below(2) {
                    0 => vec![to],
                    _ => Vec::new(),
                };
                a.write(site);
                format!("linked {} to {:?}", a.folder, a.zh.links)
            }
            11 => {
                let a = &mut self.articles[i];
                a.figure = (rng.below(3) > 0).then(|| rng.below(100_000));
                a.write(site);
                format!("set the figure of {} to {:?}", a.folder, a.figure)
            }
            // Mended by the next edit that writes the article.
            10 => {
                let a = &self.articles[i];
                site.write(
                    &format!("content/news/{}/index.zh.md", a.folder),
                    "---\ntitle: [没写完\ndate: 2021-01-01\n---\n正文。\n",
                );
                format!("broke the front matter of {}", a.folder)
            }
            _ => {
                let a = &mut self.articles[i];
                a.zh.text = format!("{}又一句，{}。", a.zh.text, rng.pick(&ZH_WORDS));
                a.write(site);
                format!("edited the text of {}", a.folder)
            }
        }
    }
}

/// An English version of the article in `folder`.
fn translation(rng: &mut Rng, folder: &str) -> Version {
    Version {
        title: format!("Article {folder} on {}", rng.pick(&EN_WORDS)),
        tags: rng.some(&EN_TAGS),
        text: format!("The text of article {folder}, on {}.", rng.pick(&EN_WORDS)),
        links: Vec::new(),
    }
}

fn date(rng: &mut Rng) -> String {
    format!(
        "202{}-{:02}-{:02}",
        1 + rng.below(3),
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

fn numbers(var: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(var).map_or_else(
        |_| default.to_vec(),
        |v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
    )
}

#[test]
fn random_edit_sequences_leave_the_served_site_equal_to_a_clean_build() {
    let steps = numbers("UNIONPRESS_EDIT_STEPS", &[14])
        .first()
        .map_or(14, |&n| n as usize);
    let (mut edits, mut failed, mut patched) = (0, 0, 0);
    for seed in numbers("UNIONPRESS_EDIT_SEEDS", &[1, 2]) {
        let site = Site::new();
        copy_theme_in(&site);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let mut model = Model {
            articles: Vec::new(),
            made: 0,
            template_edits: 0,
        };
        for _ in 0..3 {
            let mut article = model.new_article(&mut rng);
            article.photo = false;
            if rng.below(2) == 0 {
                article.en = Some(translation(&mut rng, &article.folder));
            }
            article.write(&site);
            model.articles.push(article);
        }
        // Drafts are served by default: a clean build with them too.
        let mut server = Server::start(&site, &[]);
        let mut good = clean_build(&site, &server, true).expect("the first site builds");
        assert_same_tree(
            &format!("seed {seed}, first build"),
            &good,
            &server.served(),
        );
        for step in 1..=steps {
            let did = model.edit(&mut rng, &site);
            let line = server.rebuilt();
            let at = format!("seed {seed}, step {step} ({did})");
            match clean_build(&site, &server, true) {
                Ok(clean) => {
                    assert!(line.starts_with("rebuilt"), "{at}: {line}");
                    // Only the saved files read again, the rest patched.
                    patched += usize::from(line.contains("[reread "));
                    assert_same_tree(&at, &clean, &server.served());
                    good = clean;
                }
                // The served site stays the last good one.
                Err(errors) => {
                    assert!(
                        line.contains("error"),
                        "{at}: {line}\nthe build said:\n{errors}"
                    );
                    assert_same_tree(&at, &good, &server.served());
                    failed += 1;
                }
            }
            edits += 1;
        }
    }
    // Both ways an edit can end were taken (on any run long enough), and
    // both ways a good one is rebuilt: patched, and whole.
    assert!(
        edits < 20 || (failed > 0 && failed < edits),
        "{failed} of {edits} edits failed"
    );
    assert!(
        edits < 20 || (patched > 0 && patched < edits - failed),
        "{patched} of {edits} edits patched, {failed} failed"
    );
}
