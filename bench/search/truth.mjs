// The ground truth of the search benchmark: a plain reference matcher for
// src/search/spec.md sections 1-5 (which text, normalisation, characters,
// query parsing, when a page matches). No index, no cleverness: every query
// is a substring search over every normalised run of every article page.
//
//   node truth.mjs OUT LANG QUERYFILE   # one JSON line per query: {query, terms, urls}
//   node truth.mjs --self-test          # the spec's examples and extraction cases
//
// Article pages: every *.html under OUT whose <html lang> is LANG (zh-CN -> zh),
// that has an <article>, and whose path is not a list page: not a language
// home, not under tags/, archive/ or search/, not a pagination page (page/N/),
// and not a section index (a folder whose subfolders hold pages). URLs are
// root-relative as the site links them: /news/a00001/, /en/news/a00001/.
//
// Besides the spec's skipped elements, `ul.tags` and `p.also-in` inside the
// article are skipped (the theme's tag list and translation links, which are
// to become <nav>s), so the truth is the same before and after that change.
//
// The extracted runs are cached in TRUTH_CACHE (default
// /tmp/unionpress-search-bench/truth-cache/), keyed on OUT, LANG and this
// file's own text, and checked against every page's size and mtime.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "parse5";

// ---- Section 1: which text --------------------------------------------------

const SKIP = new Set(["nav", "script", "style", "template", "noscript", "svg", "button"]);
const BREAK = new Set(("address article aside blockquote br caption dd details dialog div dl dt " +
  "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main ol p pre " +
  "section summary table tbody td tfoot th thead tr ul").split(" "));

const attr = (node, name) => node.attrs?.find((a) => a.name === name)?.value;
const hasClass = (node, c) => (attr(node, "class") ?? "").split(/\s+/).includes(c);

function skipped(node) {
  if (SKIP.has(node.tagName)) return true;
  if (node.attrs?.some((a) => a.name === "hidden")) return true;
  if (attr(node, "aria-hidden") === "true") return true;
  // Not in the spec: the theme's tag list and translation links (see the header).
  if (node.tagName === "ul" && hasClass(node, "tags")) return true;
  if (node.tagName === "p" && hasClass(node, "also-in")) return true;
  return false;
}

function firstElement(node, tag) {
  if (node.tagName === tag) return node;
  for (const child of node.childNodes ?? []) {
    const found = firstElement(child, tag);
    if (found) return found;
  }
  return null;
}

// The raw (unnormalised) runs of the first <article> of a parsed document,
// and its title (the text of the first <h1> inside it), or null without one.
export function articleText(document) {
  const article = firstElement(document, "article");
  if (!article) return null;
  const runs = [];
  let current = "";
  const flush = () => {
    runs.push(current);
    current = "";
  };
  let title = null;
  let inTitle = 0;
  const walk = (node) => {
    if (node.nodeName === "#text") {
      current += node.value;
      if (inTitle) title += node.value;
      return;
    }
    if (!node.tagName) return; // comments, doctype
    if (skipped(node)) return; // the whole subtree, as if it were not there
    const block = BREAK.has(node.tagName);
    const isTitle = node.tagName === "h1" && title === null;
    if (isTitle) title = "";
    if (block) flush();
    if (isTitle) inTitle++;
    for (const child of node.childNodes) walk(child);
    if (isTitle) inTitle--;
    if (block) flush();
  };
  walk(article);
  flush();
  return { runs, title };
}

// ---- Section 2: normalisation -----------------------------------------------

export function normalise(s, { dropEmpty = true } = {}) {
  const n = s.normalize("NFKC").toLowerCase().replace(/ς/g, "σ")
    .replace(/\p{White_Space}+/gu, " ").replace(/^ | $/g, "");
  return n === "" && dropEmpty ? null : n;
}

export function normaliseRuns(raw) {
  return raw.map((r) => normalise(r)).filter((r) => r !== null);
}

// ---- Section 3: characters --------------------------------------------------

const CJK_RANGES = [[0x1100, 0x11ff], [0x2e80, 0x2fdf], [0x3040, 0x30ff], [0x3100, 0x31ff],
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xac00, 0xd7af], [0xf900, 0xfaff], [0x20000, 0x3ffff],
  [0x3005, 0x3005], [0x3007, 0x3007]];
const isAlnum = (c) => /[\p{Alphabetic}\p{N}]/u.test(c);
export const isCjkLetter = (c) => {
  const cp = c.codePointAt(0);
  return isAlnum(c) && CJK_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
};
export const isWordChar = (c) => isAlnum(c) && !isCjkLetter(c);

// ---- Section 4: the query ---------------------------------------------------

const OPEN = new Set(['"', "“"]);
const CLOSE = new Set(['"', "”"]);

// Terms of a query. A phrase opens at " or “ and closes at the next " or ”
// (or the end of the query); its leading and trailing space is trimmed.
export function parseQuery(query) {
  const q = normalise(query, { dropEmpty: false });
  const terms = [];
  let term = "";
  let inPhrase = false;
  const end = () => {
    const t = term.trim();
    if (t !== "") terms.push(t);
    term = "";
  };
  for (const c of q) {
    if (inPhrase) {
      if (CLOSE.has(c)) {
        end();
        inPhrase = false;
      } else term += c;
    } else if (OPEN.has(c)) {
      end();
      inPhrase = true;
    } else if (c === " ") end();
    else term += c;
  }
  end();
  return terms;
}

// ---- Section 5: when a page matches -----------------------------------------

// The code point just before UTF-16 offset i of s, or null at the start.
function charBefore(s, i) {
  if (i === 0) return null;
  const low = s.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = s.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1];
}

// Does term t occur in run r? Both normalised. (indexOf works in UTF-16 code
// units; a well-formed term cannot match from the middle of a surrogate
// pair, so the offsets found are exactly the code-point starts of the spec.)
export function occurs(t, r) {
  const anywhere = !isWordChar(String.fromCodePoint(t.codePointAt(0)));
  for (let i = r.indexOf(t); i !== -1; i = r.indexOf(t, i + 1)) {
    if (anywhere) return true;
    const before = charBefore(r, i);
    if (before === null || !isWordChar(before)) return true;
  }
  return false;
}

export function pageMatches(terms, runs) {
  return terms.length > 0 && terms.every((t) => runs.some((r) => occurs(t, r)));
}

// ---- Pages of a built site --------------------------------------------------

function htmlFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) htmlFiles(p, out);
    else if (e.name.endsWith(".html")) out.push(p);
  }
  return out;
}

// The site's URL of a file: folder URLs for index.html, percent-encoded.
export function urlOf(root, file) {
  const rel = relative(root, file).split(sep).join("/");
  const path = "/" + (rel === "index.html" ? "" : rel.replace(/(^|\/)index\.html$/, "$1"));
  return encodeURI(path);
}

// A list page by its path (rel: the file path relative to OUT, "/"-separated).
function listPath(rel, folders) {
  const parts = rel.split("/");
  const name = parts.pop();
  if (name !== "index.html") return false; // a plain .html page (404.html is caught by <article>)
  const inLang = parts[0] === "en" || parts[0] === "zh" ? parts.slice(1) : parts;
  if (inLang.length === 0) return true; // a language home
  if (["tags", "archive", "search"].includes(inLang[0])) return true;
  if (inLang.length >= 2 && inLang[inLang.length - 2] === "page" && /^\d+$/.test(inLang.at(-1))) return true;
  return folders.has(parts.join("/")); // a section index: its folder holds page folders
}

function langOf(html) {
  const m = /<html\b[^>]*\blang\s*=\s*["']?([A-Za-z-]+)/i.exec(html);
  return m ? m[1].toLowerCase().split("-")[0] : null;
}

function stamp(file) {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

// {url, title, runs} of every article page of lang under root, from the
// cache when every file is unchanged.
export function loadPages(root, lang, { cacheDir = process.env.TRUTH_CACHE ?? "/tmp/unionpress-search-bench/truth-cache" } = {}) {
  root = resolve(root);
  const files = htmlFiles(root).sort();
  const stamps = Object.fromEntries(files.map((f) => [f, stamp(f)]));
  const self = readFileSync(fileURLToPath(import.meta.url));
  const key = createHash("sha256").update(self).update(root).update(lang).digest("hex").slice(0, 16);
  const cacheFile = join(cacheDir, `${key}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8"));
    const same = Object.keys(cached.stamps).length === files.length &&
      files.every((f) => cached.stamps[f] === stamps[f]);
    if (same) return cached.pages;
  }
  // Folders that hold a page in a subfolder (section indexes are list pages).
  const folders = new Set();
  for (const f of files) {
    const parts = relative(root, f).split(sep);
    for (let i = 1; i < parts.length - 1; i++) folders.add(parts.slice(0, i).join("/"));
  }
  const pages = [];
  for (const f of files) {
    const rel = relative(root, f).split(sep).join("/");
    if (listPath(rel, folders)) continue;
    const html = readFileSync(f, "utf8");
    if (langOf(html) !== lang) continue;
    const text = articleText(parse(html));
    if (!text) continue;
    pages.push({ url: urlOf(root, f), title: normalise(text.title ?? "") ?? "", runs: normaliseRuns(text.runs) });
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ root, lang, stamps, pages }));
  return pages;
}

export function truth(pages, query) {
  const terms = parseQuery(query);
  const urls = pages.filter((p) => pageMatches(terms, p.runs)).map((p) => p.url).sort();
  return { query, terms, urls };
}

export function readQueries(file) {
  return readFileSync(file, "utf8").split("\n").map((l) => l.replace(/\r$/, ""))
    .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
}

// ---- Self-test --------------------------------------------------------------

function selfTest() {
  let passed = 0;
  let failed = 0;
  const check = (what, got, want) => {
    const g = JSON.stringify(got);
    const w = JSON.stringify(want);
    if (g === w) passed++;
    else {
      failed++;
      console.log(`FAIL ${what}: got ${g}, want ${w}`);
    }
  };
  // Section 5's examples: run, query, occurs?
  const examples = [
    ["工会会员", "会会", true], ["工 会", "工会", false], ["2021年", "2021年", true],
    ["2021年", "1年", false], ["x-ab", "ab", true], ["xab", "ab", false], ["ab-cd", "-c", true],
    ["trade unions", '"trade union"', true], ["trade-union", '"trade union"', false],
    ["2020年", "20年", false], ["36,186人", "36,186", true],
    // The product text's examples.
    ["unions", "union", true], ["reunion union", "union", true], ["reunion", "union", false],
    ["在2021年", "2021", true], ["2021", "021", false], ["Ｗｉｄｅ", "wide", true],
    ["２０２１年", "2021", true], ["工会，会员", "，", true], ["TRADE Unions", "trade", true],
  ];
  for (const [run, query, want] of examples) {
    const terms = parseQuery(query);
    check(`${run} / ${query}`, pageMatches(terms, normaliseRuns([run])), want);
  }
  // Query parsing.
  check("terms", parseQuery("  工会   会员 "), ["工会", "会员"]);
  check("phrase", parseQuery('"trade  union" workers'), ["trade union", "workers"]);
  check("curly phrase", parseQuery("“劳动 竞赛”合肥"), ["劳动 竞赛", "合肥"]);
  check("open phrase", parseQuery('a "b c'), ["a", "b c"]);
  check("quote inside a word", parseQuery('ab"cd ef"gh'), ["ab", "cd ef", "gh"]);
  check("mixed quotes", parseQuery('“工会 会员" ”x'), ["工会 会员", "”x"]);
  check("empty", parseQuery('"" '), []);
  check("full width", parseQuery("ＡＣＦＴＵ　２０２１"), ["acftu", "2021"]);
  check("final sigma", parseQuery("ΟΔΟΣ"), ["οδοσ"]);
  check("no terms, no page", pageMatches([], ["x"]), false);
  // Characters.
  check("cjk", ["工", "々", "〇", "ア", "한", "𠀀"].map(isCjkLetter), [true, true, true, true, true, true]);
  check("not cjk", ["。", "、", "a", "1", "・"].map(isCjkLetter), [false, false, false, false, false]);
  check("word", ["a", "é", "д", "1", "٣", "工", "-", "，"].map(isWordChar), [true, true, true, true, true, false, false, false]);
  check("astral before", occurs("ab", normalise("𠀀ab")), true);
  check("astral term", occurs("𠀀", normalise("x𠀀y")), true);
  // Extraction.
  const runsOf = (html) => {
    const t = articleText(parse(html));
    return t && { runs: normaliseRuns(t.runs), title: t.title === null ? null : normalise(t.title) };
  };
  check("no article", runsOf("<p>x</p>"), null);
  check("blocks and inlines", runsOf("<article><h1>工会<em>新闻</em></h1><p>a<b>b</b>c<br>d</p><div>e<span>f</span></div></article>"),
    { runs: ["工会新闻", "abc", "d", "ef"], title: "工会新闻" });
  // (A <div>, not a <p>: the HTML parser closes a <p> at <nav>.)
  check("skipped", runsOf("<article><div>a<nav>x</nav>b<button>y</button>c<span hidden>z</span><i aria-hidden=\"true\">w</i>d</div>" +
    "<script>s</script><style>t</style><template>u</template><noscript>v</noscript><svg><text>q</text></svg></article>"),
    { runs: ["abcd"], title: null });
  check("aria-hidden false is text", runsOf('<article><p><span aria-hidden="false">x</span></p></article>').runs, ["x"]);
  check("tags and also-in", runsOf('<article><p>a</p><footer><ul class="x tags"><li>专题8</li></ul>' +
    '<p class="also-in">本文另有 <a>English</a></p><ul><li>kept</li></ul></footer></article>').runs, ["a", "kept"]);
  check("entities, no alt, no attributes", runsOf('<article><p title="t">A&amp;B &lt;x&gt; &#x5DE5;<img alt="alt">&nbsp;C</p></article>').runs,
    ["a&b <x> 工 c"]);
  check("first article only", runsOf("<article><p>one</p></article><article><p>two</p></article>").runs, ["one"]);
  check("white space", runsOf("<article><p>\n  a \t b\u3000c  </p><p>   </p></article>").runs, ["a b c"]);
  check("unknown element is inline", runsOf("<article><p>a<x-y>b</x-y><time>c</time></p></article>").runs, ["abc"]);
  check("no word across runs", pageMatches(["ab"], runsOf("<article><p>a</p><p>b</p></article>").runs), false);
  check("title is a run", pageMatches(["标题"], runsOf("<article><header><h1>标题</h1></header><p>x</p></article>").runs), true);
  check("urls", [urlOf("/o", "/o/news/a00001/index.html"), urlOf("/o", "/o/en/news/a00001/index.html"),
    urlOf("/o", "/o/index.html"), urlOf("/o", "/o/news/工会/index.html")],
  ["/news/a00001/", "/en/news/a00001/", "/", "/news/%E5%B7%A5%E4%BC%9A/"]);
  console.log(`truth self-test: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

// ---- Command line -----------------------------------------------------------

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--self-test") process.exit(selfTest() ? 0 : 1);
  if (args.length !== 3 || !["zh", "en"].includes(args[1])) {
    console.error("usage: node truth.mjs OUT zh|en QUERYFILE\n       node truth.mjs --self-test");
    process.exit(2);
  }
  const [out, lang, queryFile] = args;
  const pages = loadPages(out, lang);
  if (pages.length === 0) {
    console.error(`no ${lang} article pages in ${out}`);
    process.exit(1);
  }
  console.error(`${pages.length} ${lang} article pages`);
  for (const q of readQueries(queryFile)) console.log(JSON.stringify(truth(pages, q)));
}
