//! Figures: a paragraph holding only an image becomes `<figure>` with a
//! caption (alt text, or the title when given), a credit line, galleries, and
//! photos shared by a bundle's translations.

use crate::support::{
    ROCKET_JPG, Site, attr, caption_text, is_variant, md, select, small_jpeg, text,
};

const ZH: &str = "content/news/a/index.zh.md";
const FM: &str = "title: 图片新闻\ndate: 2021-12-31";

/// A site with one zh article whose body is `body` and photos a.jpg, b.jpg, c.jpg.
fn article(body: &str) -> Site {
    Site::new()
        .file(ZH, md(FM, body))
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/b.jpg", small_jpeg())
        .file("content/news/a/c.jpg", small_jpeg())
}

#[test]
fn single_image_paragraph_becomes_figure_captioned_by_alt() {
    let built = article("正文第一段。\n\n![举行劳动和技能竞赛启动仪式](a.jpg)\n\n正文第二段。\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let figure = page.one("main figure");
    let img = select(figure, "img");
    assert_eq!(img.len(), 1);
    assert_eq!(attr(img[0], "alt"), "举行劳动和技能竞赛启动仪式");
    let caption = select(figure, "figcaption");
    assert_eq!(caption.len(), 1);
    assert_eq!(text(caption[0]), "举行劳动和技能竞赛启动仪式");
    // The figure stands alone, not inside a paragraph.
    assert!(!page.has("p figure, p img"));
    assert_eq!(
        page.texts("main .body > p"),
        ["正文第一段。", "正文第二段。"]
    );
}

#[test]
fn title_is_the_caption_when_given() {
    let built = article("![会场](a.jpg \"市总工会举办职工技能大赛\")\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    assert_eq!(page.attr("main figure img", "alt"), "会场");
    assert_eq!(
        page.text("main figure figcaption"),
        "市总工会举办职工技能大赛"
    );
}

#[test]
fn emphasised_line_under_the_image_is_the_credit() {
    let built = article("![劳模座谈会](a.jpg)\n*本版图片由蚌埠市总工会提供*\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let caption = page.one("main figure figcaption");
    let credit = select(caption, "small.credit");
    assert_eq!(credit.len(), 1, "{}", caption.html());
    assert_eq!(text(credit[0]), "本版图片由蚌埠市总工会提供");
    assert_eq!(caption_text(caption), "劳模座谈会");
    // The credit is not left behind as text of its own.
    assert!(!page.has("main .body > p"));
    assert!(!page.has("main .body em"));
}

#[test]
fn images_one_per_line_make_a_gallery_with_a_caption_each() {
    let built = article("![一号](a.jpg)\n![二号](b.jpg)\n*摄影：张三*\n![三号](c.jpg)\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let gallery = page.one("main figure.gallery");
    let figures = select(gallery, ":scope > figure");
    assert_eq!(figures.len(), 3, "{}", gallery.html());
    let captions: Vec<String> = figures
        .iter()
        .map(|f| {
            let c = select(*f, ":scope > figcaption");
            assert_eq!(c.len(), 1, "{}", f.html());
            caption_text(c[0])
        })
        .collect();
    assert_eq!(captions, ["一号", "二号", "三号"]);
    assert_eq!(
        select(figures[1], "small.credit")
            .into_iter()
            .map(text)
            .collect::<Vec<_>>(),
        ["摄影：张三"]
    );
    let srcs: Vec<String> = figures
        .iter()
        .map(|f| attr(select(*f, "img")[0], "src"))
        .collect();
    for (src, stem) in srcs.iter().zip(["a", "b", "c"]) {
        assert!(
            is_variant(src, "/news/a/", stem),
            "{src} is not a variant of {stem}.jpg"
        );
    }
    // One gallery, no stray figures outside it.
    assert_eq!(page.count("main figure"), 4);
}

#[test]
fn image_inside_running_text_stays_inline() {
    let built = article("会徽 ![徽标](a.jpg) 印在每一张会员卡上。\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    assert!(!page.has("figure"), "no figure for an inline image");
    let p = page.one("main .body > p");
    let imgs = select(p, "img");
    assert_eq!(imgs.len(), 1);
    assert!(is_variant(&attr(imgs[0], "src"), "/news/a/", "a"));
    assert_eq!(attr(imgs[0], "alt"), "徽标");
    assert!(text(p).contains("印在每一张会员卡上"));
}

/// Photos are published only as resized, re-encoded variants: the original
/// (which may carry GPS data) never leaves the newsroom.
#[test]
fn photo_is_published_resized_never_as_the_original() {
    let built = Site::new()
        .file(ZH, md(FM, "![火箭发射](rocket.jpg)\n"))
        .copy(ROCKET_JPG, "content/news/a/rocket.jpg")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let img = page.one("main figure img");
    let src = attr(img, "src");
    assert!(is_variant(&src, "/news/a/", "rocket"), "{src}");
    assert!(
        !built.exists("news/a/rocket.jpg"),
        "the original is not published"
    );
    // rocket.jpg is 640x427: a 480 variant and its own width, never more.
    let srcset = attr(img, "srcset");
    let widths: Vec<&str> = srcset
        .split(", ")
        .map(|c| c.rsplit_once(' ').unwrap().1)
        .collect();
    assert_eq!(widths, ["480w", "640w"]);
    for candidate in srcset.split(", ") {
        let url = candidate.rsplit_once(' ').unwrap().0;
        let w = image::load_from_memory(&built.bytes(url.trim_start_matches('/')))
            .unwrap()
            .width();
        assert_eq!(
            format!("{w}w"),
            candidate.rsplit_once(' ').unwrap().1,
            "{url}"
        );
    }
    assert_eq!(
        (attr(img, "width"), attr(img, "height")),
        ("480".into(), "320".into())
    );
}

#[test]
fn first_image_loads_eagerly_later_ones_lazily() {
    let built = article("![一](a.jpg)\n\n正文。\n\n![二](b.jpg)\n\n文中 ![三](c.jpg) 图。\n")
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let loading = page.attrs("main .body img", "loading");
    assert_eq!(loading, ["eager", "lazy", "lazy"]);
}

#[test]
fn translation_shows_the_same_photos_of_the_bundle() {
    let built = article("![一](a.jpg)\n![二](b.jpg)\n")
        .file(
            "content/news/a/index.en.md",
            md("title: Photo news", "![One](a.jpg)\n![Two](b.jpg)\n"),
        )
        .build()
        .ok();
    let zh = built.html("news/a/index.html");
    let en = built.html("en/news/a/index.html");
    let zh_src = zh.attrs("main figure img", "src");
    let en_src = en.attrs("main figure img", "src");
    assert!(
        is_variant(&zh_src[0], "/news/a/", "a") && is_variant(&zh_src[1], "/news/a/", "b"),
        "{zh_src:?}"
    );
    assert_eq!(en_src, zh_src, "the English page uses the bundle's photos");
    assert_eq!(en.texts("main figure figcaption"), ["One", "Two"]);
    for src in &en_src {
        assert!(built.exists(src.trim_start_matches('/')), "{src} missing");
    }
    // Photos are stored once, not per language.
    assert!(!built.exists("en/news/a/a.jpg"));
}

#[test]
fn photo_with_a_chinese_file_name_is_linked_percent_encoded() {
    let built = Site::new()
        .file(
            ZH,
            md(FM, "![现场](现场照片.jpg)\n\n![会场](<会场 全景.jpg>)\n"),
        )
        .file("content/news/a/现场照片.jpg", small_jpeg())
        .file("content/news/a/会场 全景.jpg", small_jpeg())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    let srcs = page.attrs("main figure img", "src");
    assert!(
        is_variant(&srcs[0], "/news/a/", "%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87"),
        "{srcs:?}"
    );
    assert!(
        is_variant(
            &srcs[1],
            "/news/a/",
            "%E4%BC%9A%E5%9C%BA%20%E5%85%A8%E6%99%AF"
        ),
        "{srcs:?}"
    );
    let (checked, broken) = built.check_links("https://example.org");
    assert!(checked > 0);
    assert!(broken.is_empty(), "{broken:?}");
}

/// Regression: a cover shown above the text loads first, so the text's first
/// photo must wait. It used to be made lazy by patching the first
/// `loading="eager"` of the rendered HTML, which left `fetchpriority="high"`
/// on it and could rewrite an editor's own `<img>`; a translation that
/// inherits the cover was handled the same way. Now the body is rendered
/// knowing the cover.
#[test]
fn only_the_first_image_of_a_page_with_a_cover_loads_eagerly() {
    let built = Site::new()
        .file(
            ZH,
            md(
                &format!("{FM}\ncover: c.jpg"),
                "![一](a.jpg)\n\n![二](b.jpg)\n",
            ),
        )
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/b.jpg", small_jpeg())
        .file("content/news/a/c.jpg", small_jpeg())
        .build()
        .ok();
    let page = built.html("news/a/index.html");
    assert_eq!(page.attrs("main img", "loading"), ["eager", "lazy", "lazy"]);
    assert_eq!(page.select("main img[fetchpriority]").len(), 1);
    assert_eq!(
        page.attr("main img[fetchpriority]", "fetchpriority"),
        "high"
    );
}

#[test]
fn the_first_photo_of_a_translation_that_inherits_the_cover_waits_too() {
    let built = Site::new()
        .file(ZH, md(&format!("{FM}\ncover: c.jpg"), "![一](a.jpg)\n"))
        .file(
            "content/news/a/index.en.md",
            md(
                "title: Photo news",
                "![One](a.jpg)\n\n<p><img src=\"/logo.png\" alt=\"logo\" loading=\"eager\"></p>\n",
            ),
        )
        .file("content/news/a/a.jpg", small_jpeg())
        .file("content/news/a/c.jpg", small_jpeg())
        .file("static/logo.png", small_jpeg())
        .build()
        .ok();
    let page = built.html("en/news/a/index.html");
    assert_eq!(
        page.attrs("main img", "loading"),
        ["eager", "lazy", "eager"],
        "the cover, the text's photo, and the editor's own HTML as written"
    );
    assert_eq!(page.select("main img[fetchpriority]").len(), 1);
    assert!(
        page.one("main figure.cover img")
            .value()
            .attr("fetchpriority")
            .is_some()
    );
}
