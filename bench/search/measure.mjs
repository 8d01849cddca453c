// Measures one search engine on one language of a built site in headless
// Chromium, against the ground truth of truth.mjs, and prints a table.
//
//   node measure.mjs --site OUT --engine pagefind|unionpress --lang zh|en --queries FILE
//        [--pagefind DIR]        Pagefind's bundle, served at /pagefind/ (default OUT/pagefind)
//        [--mount /PREFIX/=DIR]  serve a URL prefix from another folder (repeatable)
//        [--index-dir DIR]       where the engine's index is on disk (repeatable; default:
//                                the Pagefind bundle, or OUT/search and OUT/en/search)
//        [--cold all|N]          cold runs: every query first in turn (default), or N of them
//        [--index-wall S --index-rss KB]  indexing figures measured by run.sh, for the table
//        [--json FILE]           write every figure and every query's result there
//        [--label TEXT]          the engine's name in the tables (default: --engine)
//   node measure.mjs --summary A.json B.json ...   the side-by-side table of earlier runs
//
// Passes, each in a fresh browser context (empty cache) on a harness page of
// the language (/__bench/LANG.html, <html lang="zh-CN"> or "en"):
// 1. Correctness: every query, the complete list of result URLs (our engine:
//    `url`; Pagefind: `data().url` of every result), compared with the truth.
// 2. Cold: for each first query, a new context: import + init + search, then
//    data() of the first 10 results; bytes = every response body after the
//    harness page, as the server sent them (gzip), counted at the server.
// 3. Warm: one page, the set's first query as warm-up, then every other query
//    in order: search() time (data() excluded), then data() of the first 10;
//    bytes of each query (what the browser did not already have).
// Bytes are counted at the server, not with Resource Timing: Pagefind 1.5
// fetches from a Web Worker, whose requests the page's timeline does not
// show. A response from the browser's cache never reaches the server.
import { readFileSync, writeFileSync, readdirSync, statSync, existsSync, mkdtempSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loadPages, readQueries, truth } from "./truth.mjs";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// ---- Arguments --------------------------------------------------------------

function parseArgs(argv) {
  const a = { mounts: {}, indexDirs: [], cold: "all", summary: null };
  const it = argv[Symbol.iterator]();
  const value = (name) => {
    const v = it.next().value;
    if (v === undefined) usage(`${name} needs a value`);
    return v;
  };
  for (let arg = it.next().value; arg !== undefined; arg = it.next().value) {
    switch (arg) {
      case "--site": a.site = resolve(value(arg)); break;
      case "--engine": a.engine = value(arg); break;
      case "--lang": a.lang = value(arg); break;
      case "--queries": a.queries = value(arg); break;
      case "--pagefind": a.pagefind = resolve(value(arg)); break;
      case "--mount": {
        const [prefix, dir] = value(arg).split("=");
        a.mounts[prefix] = resolve(dir);
        break;
      }
      case "--index-dir": a.indexDirs.push(resolve(value(arg))); break;
      case "--cold": a.cold = value(arg); break;
      case "--index-wall": a.indexWall = Number(value(arg)); break;
      case "--index-rss": a.indexRss = Number(value(arg)); break;
      case "--json": a.json = value(arg); break;
      case "--label": a.label = value(arg); break;
      case "--summary": a.summary = [...it]; break;
      default: usage(`unknown argument ${arg}`);
    }
  }
  if (a.summary) return a;
  if (!a.site || !["pagefind", "unionpress"].includes(a.engine) || !["zh", "en"].includes(a.lang) || !a.queries) {
    usage("--site, --engine pagefind|unionpress, --lang zh|en and --queries are needed");
  }
  return a;
}

function usage(why) {
  console.error(`${why}\nusage: node measure.mjs --site OUT --engine pagefind|unionpress --lang zh|en --queries FILE [options]\n` +
    "       node measure.mjs --summary A.json B.json ...");
  process.exit(2);
}

// ---- Figures ----------------------------------------------------------------

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const p95 = (xs) => (xs.length === 0 ? NaN : sorted(xs)[Math.ceil(0.95 * xs.length) - 1]); // nearest rank
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const kb = (b) => (Number.isFinite(b) ? `${(b / 1000).toFixed(b < 10000 ? 1 : 0)} KB` : "n/a");
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const ms = (t) => (Number.isFinite(t) ? (t < 100 ? `${t.toFixed(1)} ms` : `${Math.round(t)} ms`) : "n/a");

// A result URL as a root-relative, percent-encoded path (what truth.mjs gives).
function normUrl(u) {
  const path = new URL(u, "http://x/").pathname;
  return encodeURI(decodeURI(path));
}

// ---- Index on disk ----------------------------------------------------------

// Files of the index folders by language: a file (or a folder on its path)
// whose name has zh / zh-cn / en as a token belongs to that language; the
// rest is shared (loaders, wasm, UI files).
function indexStats(dirs) {
  const stats = { zh: { files: 0, bytes: 0 }, en: { files: 0, bytes: 0 }, shared: { files: 0, bytes: 0 } };
  const walk = (dir, top) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p, top);
      else if (e.name !== "index.html") { // (a search page, not the index)
        const rel = relative(top, p);
        const m = /(?:^|[\/._-])(zh-cn|zh|en)(?=[\/._-]|$)/i.exec(top.endsWith("/en/search") ? "en/" + rel : rel);
        const lang = m ? (m[1].toLowerCase().startsWith("zh") ? "zh" : "en") : "shared";
        stats[lang].files++;
        stats[lang].bytes += statSync(p).size;
      }
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d, d);
  return stats;
}

// ---- The browser side -------------------------------------------------------

// The harness page: no request of its own but the page itself. The engine
// adapters live here: both give bench.search(q) -> {ms, count} and keep the
// results for bench.data(n) and bench.urls().
function harnessHtml(lang) {
  const htmlLang = lang === "zh" ? "zh-CN" : "en";
  return `<!doctype html>
<html lang="${htmlLang}"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>search bench</title>
<script>
window.bench = {
  results: [],
  async load(engine, lang) {
    if (engine === "pagefind") {
      const pagefind = await import("/pagefind/pagefind.js");
      await pagefind.options({});
      await pagefind.init();
      this.run = async (q) => (await pagefind.search(q)).results;
    } else {
      const m = await import("/search/search.js");
      this.run = async (q) => (await m.search(q, { lang })).results;
    }
  },
  async search(q) {
    const t = performance.now();
    const results = await this.run(q);
    const ms = performance.now() - t;
    this.results = results;
    return { ms, count: results.length };
  },
  async data(n) {
    const ds = await Promise.all(this.results.slice(0, n).map((r) => r.data()));
    return ds.map((d, i) => ({ url: d.url, same: this.results[i].url === undefined || this.results[i].url === d.url }));
  },
  // Every result's URL: r.url, or (Pagefind) data().url, each page's
  // data() called once (its URL kept by the result's id for later queries).
  urlOfId: new Map(),
  async urls(fromData) {
    if (!fromData) return this.results.map((r) => r.url);
    const todo = this.results.filter((r) => !this.urlOfId.has(r.id));
    for (let i = 0; i < todo.length; i += 200) {
      const batch = todo.slice(i, i + 200);
      const ds = await Promise.all(batch.map((r) => r.data()));
      batch.forEach((r, j) => this.urlOfId.set(r.id, ds[j].url));
    }
    return this.results.map((r) => this.urlOfId.get(r.id));
  },
};
</script></head><body><p>search benchmark harness</p></body></html>
`;
}

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const QUERY_TIMEOUT = Number(process.env.QUERY_TIMEOUT_MS ?? 300000);

async function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, no) => { timer = setTimeout(() => no(new Error(`timeout: ${what}`)), QUERY_TIMEOUT); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- One engine, one language -----------------------------------------------

async function measure(args) {
  const queries = readQueries(args.queries);
  const t0 = Date.now();
  const pages = loadPages(args.site, args.lang);
  if (pages.length === 0) throw new Error(`no ${args.lang} article pages in ${args.site}`);
  const articleUrls = new Set(pages.map((p) => p.url));
  const truths = queries.map((q) => truth(pages, q));
  log(`truth: ${pages.length} ${args.lang} article pages, ${queries.length} queries (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const harness = mkdtempSync(join(tmpdir(), "search-bench-"));
  writeFileSync(join(harness, `${args.lang}.html`), harnessHtml(args.lang));
  const mounts = { "/__bench/": harness, ...args.mounts };
  const pagefindDir = args.pagefind ?? join(args.site, "pagefind");
  if (args.engine === "pagefind") mounts["/pagefind/"] = pagefindDir;
  const indexDirs = args.indexDirs.length ? args.indexDirs
    : args.engine === "pagefind" ? [pagefindDir]
    : [mounts["/search/"] ?? join(args.site, "search"), join(args.site, "en", "search")];
  const server = await serve(args.site, { mounts });
  // Compress the index ahead of time (files already gzip are kept as they are).
  const indexFiles = [];
  const list = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? list(join(d, e.name)) : indexFiles.push(join(d, e.name)); };
  for (const d of indexDirs) if (existsSync(d)) list(d);
  await server.warm(indexFiles);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const harnessUrl = `${server.url}/__bench/${args.lang}.html`;
  const openPage = async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(harnessUrl, { waitUntil: "load" });
    return { context, page, errors };
  };
  const load = (page) => page.evaluate(([e, l]) => bench.load(e, l), [args.engine, args.lang]);
  const fromData = args.engine === "pagefind";

  try {
    // 1. Correctness.
    const correctness = [];
    {
      const { context, page, errors } = await openPage();
      await load(page);
      const tc = Date.now();
      for (const [i, q] of queries.entries()) {
        const want = truths[i].urls;
        let got = [];
        let error = null;
        try {
          await withTimeout(page.evaluate((q) => bench.search(q), q), q);
          got = (await withTimeout(page.evaluate((d) => bench.urls(d), fromData), q)).map(normUrl);
        } catch (e) {
          error = String(e.message ?? e);
        }
        correctness.push(compare(q, truths[i].terms, want, got, articleUrls, error));
      }
      log(`correctness: ${queries.length} queries in ${((Date.now() - tc) / 1000).toFixed(1)} s${errors.length ? `; page errors: ${errors.slice(0, 3).join(" | ")}` : ""}`);
      await context.close();
    }

    // 2. Cold runs.
    const coldQueries = pickCold(queries, args.cold);
    const cold = [];
    const tcold = Date.now();
    for (const q of coldQueries) {
      const { context, page } = await openPage();
      const mark = server.mark();
      try {
        const r = await withTimeout(page.evaluate(async ([e, l, q]) => {
          const t = performance.now();
          await bench.load(e, l);
          const loaded = performance.now();
          const s = await bench.search(q);
          return { loadMs: loaded - t, searchMs: s.ms, totalMs: performance.now() - t, count: s.count };
        }, [args.engine, args.lang, q]), q);
        const afterSearch = server.since(mark).bytes;
        await withTimeout(page.evaluate(() => bench.data(10)), q);
        const sent = server.since(mark);
        cold.push({ query: q, ...r, searchBytes: afterSearch, bytes: sent.bytes, requests: sent.requests });
      } catch (e) {
        cold.push({ query: q, error: String(e.message ?? e) });
      }
      await context.close();
    }
    log(`cold: ${coldQueries.length} runs in ${((Date.now() - tcold) / 1000).toFixed(1)} s`);

    // 3. Warm session.
    const warm = [];
    {
      const { context, page } = await openPage();
      await load(page);
      await withTimeout(page.evaluate(async (q) => { await bench.search(q); await bench.data(10); }, queries[0]), queries[0]);
      const tw = Date.now();
      for (const q of queries.slice(1)) {
        const mark = server.mark();
        try {
          const s = await withTimeout(page.evaluate((q) => bench.search(q), q), q);
          const searchBytes = server.since(mark).bytes;
          const data = await withTimeout(page.evaluate(() => bench.data(10)), q);
          const sent = server.since(mark);
          warm.push({ query: q, ms: s.ms, count: s.count, searchBytes, bytes: sent.bytes, requests: sent.requests,
            dataUrlMismatch: data.filter((d) => !d.same).length });
        } catch (e) {
          warm.push({ query: q, error: String(e.message ?? e) });
        }
      }
      log(`warm: ${queries.length - 1} queries in ${((Date.now() - tw) / 1000).toFixed(1)} s`);
      await context.close();
    }

    const ok = (xs) => xs.filter((x) => !x.error);
    const result = {
      engine: args.engine, label: args.label ?? args.engine, lang: args.lang, site: args.site, queriesFile: args.queries,
      articlePages: pages.length, queries: queries.length, heldOut: heldOut(args.queries),
      correctness: {
        recall: mean(correctness.map((c) => c.recall)), precision: mean(correctness.map((c) => c.precision)),
        articlePrecision: mean(correctness.map((c) => c.articlePrecision)),
        failingArticlesOnly: correctness.filter((c) => c.error || c.missed > 0 || c.wrong > c.wrongNotArticle).length,
        failing: correctness.filter((c) => !c.exact).length, errors: correctness.filter((c) => c.error).length,
        perQuery: correctness,
      },
      cold: {
        runs: cold.length, errors: cold.length - ok(cold).length,
        bytesMedian: median(ok(cold).map((c) => c.bytes)), bytesP95: p95(ok(cold).map((c) => c.bytes)),
        searchBytesMedian: median(ok(cold).map((c) => c.searchBytes)),
        totalMsMedian: median(ok(cold).map((c) => c.totalMs)), searchMsMedian: median(ok(cold).map((c) => c.searchMs)),
        perRun: cold,
      },
      warm: {
        warmUp: queries[0], runs: warm.length, errors: warm.length - ok(warm).length,
        bytesMedian: median(ok(warm).map((w) => w.bytes)), bytesP95: p95(ok(warm).map((w) => w.bytes)),
        msMedian: median(ok(warm).map((w) => w.ms)), msP95: p95(ok(warm).map((w) => w.ms)),
        dataUrlMismatch: ok(warm).reduce((s, w) => s + w.dataUrlMismatch, 0),
        perQuery: warm,
      },
      index: { dirs: indexDirs, ...indexStats(indexDirs), wallS: args.indexWall, peakKiB: args.indexRss },
    };
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

function compare(query, terms, want, got, articleUrls, error) {
  const w = new Set(want);
  const g = new Set(got);
  const hit = [...g].filter((u) => w.has(u)).length;
  const missed = want.filter((u) => !g.has(u));
  const wrong = [...g].filter((u) => !w.has(u));
  return {
    query, terms, want: want.length, got: got.length, duplicates: got.length - g.size,
    recall: w.size === 0 ? 1 : hit / w.size,
    precision: g.size === 0 ? 1 : hit / g.size,
    // Precision with the results that are not article pages (lists, tags) left out.
    articlePrecision: [...g].filter((u) => articleUrls.has(u)).length === 0 ? 1
      : hit / [...g].filter((u) => articleUrls.has(u)).length,
    exact: !error && missed.length === 0 && wrong.length === 0,
    missed: missed.length, wrong: wrong.length,
    wrongNotArticle: wrong.filter((u) => !articleUrls.has(u)).length,
    missedExamples: missed.slice(0, 3), wrongExamples: wrong.slice(0, 3),
    error,
  };
}

function pickCold(queries, cold) {
  if (cold === "all") return queries;
  const n = Math.min(Number(cold), queries.length);
  return Array.from({ length: n }, (_, i) => queries[Math.floor((i * queries.length) / n)]);
}

// The queries of the held-out block (after a "# ===... HELD-OUT" line).
function heldOut(file) {
  const text = readFileSync(file, "utf8");
  const at = text.search(/^# =+ *HELD-OUT/m);
  if (at < 0) return [];
  return text.slice(at).split("\n").filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
}

function log(s) {
  console.error(`[measure] ${s}`);
}

// ---- Tables -----------------------------------------------------------------

function table(r) {
  const c = r.correctness;
  const lines = [];
  lines.push(`### ${r.label}, ${r.lang}: ${r.queries} queries, ${r.articlePages} article pages`);
  lines.push("");
  lines.push("| measure | value |", "|---|---:|");
  lines.push(`| recall (macro) | ${c.recall.toFixed(3)} |`);
  lines.push(`| precision (macro) | ${c.precision.toFixed(3)} |`);
  lines.push(`| queries with a missed or wrong page | ${c.failing} of ${r.queries} |`);
  lines.push(`| precision (macro), results that are not article pages left out | ${c.articlePrecision.toFixed(3)} |`);
  lines.push(`| queries with a missed or wrong page, non-article results left out | ${c.failingArticlesOnly} of ${r.queries} |`);
  const ho = new Set(r.heldOut);
  if (ho.size) {
    const h = c.perQuery.filter((q) => ho.has(q.query));
    lines.push(`| held-out only: recall / precision / failing | ${mean(h.map((q) => q.recall)).toFixed(3)} / ${mean(h.map((q) => q.precision)).toFixed(3)} / ${h.filter((q) => !q.exact).length} of ${h.length} |`);
  }
  lines.push(`| first query bytes (median of ${r.cold.runs} cold runs; p95) | ${kb(r.cold.bytesMedian)} (${kb(r.cold.bytesP95)}) |`);
  lines.push(`| of which search() alone (median) | ${kb(r.cold.searchBytesMedian)} |`);
  lines.push(`| later query bytes median / p95 | ${kb(r.warm.bytesMedian)} / ${kb(r.warm.bytesP95)} |`);
  lines.push(`| search() time median / p95 (warm) | ${ms(r.warm.msMedian)} / ${ms(r.warm.msP95)} |`);
  lines.push(`| first query time, cold (load + init + search), median | ${ms(r.cold.totalMsMedian)} (search ${ms(r.cold.searchMsMedian)}) |`);
  const ix = r.index;
  lines.push(`| index on disk, ${r.lang} | ${ix[r.lang].files} files, ${mb(ix[r.lang].bytes)} |`);
  lines.push(`| index on disk, shared by the languages | ${ix.shared.files} files, ${mb(ix.shared.bytes)} |`);
  if (ix.wallS !== undefined) lines.push(`| indexing wall time / peak memory (whole site) | ${ix.wallS.toFixed(1)} s / ${(ix.peakKiB / 1024).toFixed(0)} MiB |`);
  const errs = c.errors + r.cold.errors + r.warm.errors;
  if (errs) lines.push(`| errors (timeouts, exceptions) | ${errs} |`);
  if (r.warm.dataUrlMismatch) lines.push(`| results whose data().url differs from url | ${r.warm.dataUrlMismatch} |`);
  lines.push("");
  const failing = c.perQuery.filter((q) => !q.exact);
  if (failing.length) {
    lines.push(`Queries with a missed or wrong page (${failing.length}):`, "");
    lines.push("| query | truth | results | missed | wrong (not an article) | recall | precision | examples |", "|---|---:|---:|---:|---:|---:|---:|---|");
    for (const q of failing) {
      const ex = [...q.missedExamples.map((u) => `-${u}`), ...q.wrongExamples.map((u) => `+${u}`)].slice(0, 4).join(" ");
      lines.push(`| \`${q.query}\`${ho.has(q.query) ? " (held-out)" : ""} | ${q.want} | ${q.got} | ${q.missed} | ${q.wrong} (${q.wrongNotArticle}) | ${q.recall.toFixed(2)} | ${q.precision.toFixed(2)} | ${q.error ? "error: " + q.error : ex} |`);
    }
    lines.push("", "(-URL: a page the truth has and the engine missed; +URL: a page the engine gave that does not match.)", "");
  }
  return lines.join("\n");
}

function summary(results) {
  const cols = results.map((r) => `${r.label ?? r.engine} ${r.lang}`);
  const row = (name, f) => `| ${name} | ${results.map(f).join(" | ")} |`;
  return [
    "### Side by side", "",
    `| measure | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---:").join("|")}|`,
    row("queries", (r) => r.queries),
    row("recall (macro)", (r) => r.correctness.recall.toFixed(3)),
    row("precision (macro)", (r) => r.correctness.precision.toFixed(3)),
    row("queries with a missed or wrong page", (r) => `${r.correctness.failing} of ${r.queries}`),
    row("precision, non-article results left out", (r) => r.correctness.articlePrecision.toFixed(3)),
    row("failing queries, non-article results left out", (r) => `${r.correctness.failingArticlesOnly} of ${r.queries}`),
    row("first query bytes (median)", (r) => kb(r.cold.bytesMedian)),
    row("later query bytes median", (r) => kb(r.warm.bytesMedian)),
    row("later query bytes p95", (r) => kb(r.warm.bytesP95)),
    row("search() median (warm)", (r) => ms(r.warm.msMedian)),
    row("search() p95 (warm)", (r) => ms(r.warm.msP95)),
    row("first query, cold (median)", (r) => ms(r.cold.totalMsMedian)),
    row("index on disk (this language)", (r) => mb(r.index[r.lang].bytes)),
    row("index on disk (shared)", (r) => mb(r.index.shared.bytes)),
    row("indexing wall / peak", (r) => (r.index.wallS === undefined ? "n/a" : `${r.index.wallS.toFixed(1)} s / ${(r.index.peakKiB / 1024).toFixed(0)} MiB`)),
    "",
  ].join("\n");
}

// ---- Main -------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
if (args.summary) {
  console.log(summary(args.summary.map((f) => JSON.parse(readFileSync(f, "utf8")))));
} else {
  const result = await measure(args);
  if (args.json) writeFileSync(args.json, JSON.stringify(result, null, 1));
  console.log(table(result));
}
