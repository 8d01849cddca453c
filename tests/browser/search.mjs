// The search of a built site as a reader uses it, in headless Chromium:
// type into the masthead box of an article, land on the search page, see
// the right results with marked excerpts; refine the query on the search
// page (results follow the typing, the address keeps the query, reload
// keeps it); the same in English; keyboard only.
// Usage: node search.mjs PUBLIC_DIR
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const root = process.argv[2];
if (!root) {
  console.error("usage: node search.mjs PUBLIC_DIR");
  process.exit(2);
}
const { server, url } = await serve(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failures = 0;
function check(ok, what) {
  if (ok) console.log(`ok: ${what}`);
  else { console.error(`FAIL: ${what}`); failures++; }
}

/// Waits until the results are shown, then reads them.
async function shown(page) {
  await page.waitForFunction(() => document.getElementById("search-results")?.getAttribute("aria-busy") === "false", null, { timeout: 10000 });
  return page.evaluate(() => ({
    status: document.querySelector("[role=status]").textContent,
    results: [...document.querySelectorAll("#search-results ol > li")].map((li) => ({
      href: li.querySelector("a").getAttribute("href"),
      marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
    })),
    none: document.querySelector("#search-results .search-none")?.textContent ?? null,
  }));
}

async function fromMasthead(article, query, expect) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url + encodeURI(article));
  // Keyboard only: the skip link, then the box is reachable by Tab.
  await page.focus("header form[role=search] input[name=q]");
  await page.keyboard.type(query);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const landed = new URL(page.url());
  check(landed.searchParams.get("q") === query, `${article}: Enter goes to ${landed.pathname} with q=${query}`);
  const got = await shown(page);
  check(got.results.length > 0 && got.results.every((r) => r.href.startsWith("/")), `${query}: ${got.results.length} results, root-relative links`);
  check(got.results.some((r) => r.href === expect), `${query}: ${expect} is among them`);
  check(got.results.every((r) => r.marks.length > 0), `${query}: every excerpt has a <mark>`);
  check(/\d/.test(got.status), `${query}: the status says how many (${got.status})`);
  check(errors.length === 0, `${query}: no script errors ${errors.join("; ")}`);
  return page;
}

try {
  const zh = await fromMasthead("/news/2021-suzhou-review/", "劳动竞赛", "/news/2021-bengbu-review/");
  // Refine on the search page: results follow the typing after a pause.
  const box = "#search-q";
  await zh.fill(box, "阜阳市");
  await zh.waitForFunction(() => new URL(location.href).searchParams.get("q") === "阜阳市", null, { timeout: 5000 });
  let got = await shown(zh);
  check(got.results.length === 1 && got.results[0].href === "/news/2021-12-fuyang-constitution-day/", `阜阳市 as typed: ${JSON.stringify(got.results)}`);
  await zh.reload();
  check(await zh.inputValue(box) === "阜阳市", "reload keeps the query");
  got = await shown(zh);
  check(got.results.length === 1, "and its results");
  await zh.fill(box, "没有这个词语");
  await zh.waitForFunction(() => new URL(location.href).searchParams.get("q") === "没有这个词语");
  got = await shown(zh);
  check(got.results.length === 0 && got.none !== null, `no match says so, not as a list item: ${got.none}`);
  await zh.close();

  const en = await fromMasthead("/en/news/2021-suzhou-review/", "union", "/en/news/2021-suzhou-review/");
  await en.fill("#search-q", "nion");
  await en.waitForFunction(() => new URL(location.href).searchParams.get("q") === "nion");
  got = await shown(en);
  check(got.results.length === 0, "an English term inside a word finds nothing");
  await en.close();

  // Without JavaScript the page says search needs it.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const nojs = await context.newPage();
  await nojs.goto(url + encodeURI("/search/?q=工会"));
  const note = await nojs.evaluate(() => document.querySelector("noscript")?.textContent ?? "");
  check(note.includes("JavaScript"), `without JavaScript: ${note.trim()}`);
  await context.close();
} finally {
  await browser.close();
  server.close();
}
if (failures > 0) {
  console.error(`${failures} search checks failed`);
  process.exit(1);
}
console.log("search: every check passed");
