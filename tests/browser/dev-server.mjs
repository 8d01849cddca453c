// End-to-end check of `unionpress serve` as an editor uses it: a copy of the
// example site is served, an article is open in headless Chromium, and the
// test only edits files (it never reloads the page itself):
//   a saved paragraph shows up within a second, a broken front matter shows
//   the error overlay naming the file and line, the fix reloads the page,
//   a stylesheet edit is swapped in without a reload, and Ctrl-C stops the
//   server cleanly and removes its output folder.
// Usage: node dev-server.mjs PATH/TO/unionpress
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { appendFile, cp, mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ARTICLE = "content/news/2021-suzhou-review/index.zh.md";
const ARTICLE_URL = "/news/2021-suzhou-review/";
/// Budget from saving a file to its text being in the open page.
const SAVE_BUDGET_MS = 1000;
/// Budget for the other waits (overlay, fix, stylesheet, start, stop).
const WAIT_MS = 5000;
/// The whole run, in case something hangs where no other wait applies.
const RUN_MS = 90_000;

const binArg = process.argv[2];
if (!binArg || process.argv.length > 3) {
  console.error("usage: node dev-server.mjs PATH/TO/unionpress");
  process.exit(2);
}
const bin = resolve(binArg);
if (!existsSync(bin)) {
  console.error(`dev-server: no binary at ${bin} (cargo build --release first)`);
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch {
  console.error("dev-server: playwright-core is missing: npm ci --prefix tests/browser");
  process.exit(2);
}

// ---- What has to be undone however the run ends ----
let site = null; // the temporary copy of the example site
let server = null; // the `unionpress serve` child process
let serverExit = null; // resolves to { code, signal }
let outDir = null; // the server's output folder, from its stderr
let browser = null;
const serverLog = []; // its stderr lines, for failure reports
const pageLog = []; // the page's failed requests, console errors and uncaught exceptions

class Failure extends Error {}
const fail = (message) => {
  throw new Failure(message);
};

const running = () => server !== null && server.exitCode === null && server.signalCode === null;

/// Ctrl-C, as a user stops the server (it removes its own folder), then
/// SIGKILL if it is still there after a few seconds.
async function stopServer() {
  if (!running()) return;
  server.kill("SIGINT");
  const stopped = await Promise.race([serverExit, new Promise((ok) => setTimeout(() => ok(null), 3000))]);
  if (!stopped) {
    server.kill("SIGKILL");
    await serverExit;
  }
}

// Synchronous, so it also runs from an `exit` handler: the server must not
// outlive the test, and neither must the temporary folders.
function cleanupSync() {
  if (running()) {
    try {
      process.kill(server.pid, "SIGINT");
      const nap = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 20 && isAlive(server.pid); i++) Atomics.wait(nap, 0, 0, 100);
      if (isAlive(server.pid)) process.kill(server.pid, "SIGKILL");
    } catch {}
  }
  if (outDir && basename(outDir).startsWith("unionpress-serve-")) {
    rmSync(outDir, { recursive: true, force: true });
  }
  if (site) rmSync(site, { recursive: true, force: true });
  site = null;
}
/// Whether `pid` still runs (an exited child nobody has reaped yet, as
/// while the event loop is blocked in an exit handler, does not count).
function isAlive(pid) {
  try {
    if (existsSync("/proc/self/stat")) return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
process.on("exit", cleanupSync);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    console.error(`dev-server: interrupted by ${signal}`);
    process.exit(1); // runs cleanupSync; Playwright closes Chromium on exit
  });
}

const ms = (t0) => Math.round(performance.now() - t0);
const step = (n, what, detail) => console.log(`dev-server: ${n}. ${what}: ${detail}`);

/// Resolves with the first stderr line (from now on) matching `re`.
function nextServerLine(re, timeout = WAIT_MS) {
  return new Promise((ok, no) => {
    const onLine = (line) => {
      if (re.test(line)) done(() => ok(line));
    };
    const timer = setTimeout(() => done(() => no(new Failure(`no server line matching ${re} within ${timeout} ms`))), timeout);
    const done = (then) => {
      clearTimeout(timer);
      lineListeners.delete(onLine);
      then();
    };
    lineListeners.add(onLine);
  });
}
const lineListeners = new Set();

/// The last rebuild line the server printed since `since` (an index into serverLog).
const rebuildNote = (since) => {
  const lines = serverLog.slice(since).filter((l) => /^rebuilt in |error/.test(l));
  return lines.length ? lines.join(" | ") : "no rebuild line yet";
};

/// Live-reload events the page received (across reloads), in order.
const events = [];
/// The last few events since index `since`, for failure messages.
const eventsNote = (since = 0) => JSON.stringify(events.slice(since).slice(-4).map((e) => `${e.name} ${e.data}`));
/// Errors the page was told about since `since` that are not `expected`
/// (a row text prefix): the server read a file while it was being written.
const passingErrors = (since, expected = null) => {
  const seen = events.slice(since).filter((e) => e.name === "errors")
    .flatMap((e) => JSON.parse(e.data).errors)
    .map((e) => `${e.path}:${e.line}:${e.column}: ${e.message}`)
    .filter((row) => !expected || !row.startsWith(expected));
  return seen.length ? `; NOTE: the page was also shown ${JSON.stringify([...new Set(seen)])}` : "";
};

async function run() {
  // 1. A copy of the example site, served.
  let t0 = performance.now();
  site = await mkdtemp(join(tmpdir(), "unionpress-e2e-"));
  // Real copies of symlinked files too: the test must never edit the repo.
  await cp(join(REPO, "site.yaml"), join(site, "site.yaml"), { dereference: true });
  for (const dir of ["content", "themes", "static"]) {
    if (existsSync(join(REPO, dir))) await cp(join(REPO, dir), join(site, dir), { recursive: true, dereference: true });
  }
  site = await realpath(site);
  const inCopy = async (path) => {
    if (!(await realpath(path)).startsWith(site + sep)) fail(`${path} leads out of the temporary site`);
    return path;
  };
  // With setpriv, the kernel sends the server Ctrl-C if this process dies
  // without running its exit handlers (SIGKILL, out of memory).
  // The server's own lines in English (this script reads them); the
  // overlay follows the page's language whatever the server's.
  const args = ["--messages", "en", "--root", site, "serve", "--port", "0"];
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
  server = setpriv
    ? spawn(setpriv, ["--pdeathsig", "INT", "--", bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  serverExit = new Promise((ok) => server.on("exit", (code, signal) => ok({ code, signal })));
  let partial = "";
  server.stderr.setEncoding("utf8").on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    for (const line of lines) {
      serverLog.push(line);
      const m = /^output in (.+)$/.exec(line);
      if (m) outDir = m[1];
      for (const listener of [...lineListeners]) listener(line);
    }
  });
  const url = await new Promise((ok, no) => {
    let out = "";
    const timer = setTimeout(() => no(new Failure(`the server printed no URL within ${WAIT_MS * 6} ms`)), WAIT_MS * 6);
    server.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const m = /serving (http:\/\/\S+?)\/? \(/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    serverExit.then(({ code, signal }) => no(new Failure(`the server exited (${code ?? signal}) before serving`)));
  });
  // "output in" follows the URL line on the other stream.
  if (!outDir) await nextServerLine(/^output in /);
  const built = serverLog.find((l) => /^built /.test(l)) ?? "first build failed";
  step(1, "start", `${url}/ in ${ms(t0)} ms (${built}; output in ${outDir})`);

  // 2. The zh Suzhou review, with the live-reload stream connected. The init
  // script only watches the page's event stream (hello count, events seen).
  t0 = performance.now();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  page.on("pageerror", (e) => pageLog.push(`uncaught: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") &&
    pageLog.push(`console: ${m.text()}`));
  page.on("response", (r) => r.status() >= 400 && !r.url().endsWith("/favicon.ico") &&
    pageLog.push(`HTTP ${r.status()} ${r.url()}`));
  let navigations = 0;
  page.on("framenavigated", (frame) => frame === page.mainFrame() && navigations++);
  await page.exposeFunction("__e2eEvent", (name, data) => events.push({ name, data }));
  // The live-reload script tells the page every event it gets (from the
  // event stream it shares with other tabs) as a `unionpress-live` event.
  await page.addInitScript(() => {
    const seen = (window.__e2eStream = { hello: 0 });
    addEventListener("unionpress-live", (e) => {
      if (e.detail.type === "hello") seen.hello++;
      window.__e2eEvent(e.detail.type, JSON.stringify(e.detail.data));
    });
  });
  const response = await page.goto(url + ARTICLE_URL, { waitUntil: "load" });
  if (!response || response.status() !== 200) fail(`${ARTICLE_URL}: HTTP ${response?.status()}`);
  await page.waitForFunction(() => window.__e2eStream.hello > 0, null, { timeout: WAIT_MS })
    .catch(() => fail("the page's live-reload stream sent no hello (is the script injected?)"));
  if (await page.$("#unionpress-errors")) fail("the error overlay is showing before any edit");
  step(2, "open", `${ARTICLE_URL} loaded, event stream connected in ${ms(t0)} ms`);

  // 3. Save a new paragraph; the page must show it by itself, within a second.
  const file = await inCopy(join(site, ARTICLE));
  const original = await readFile(file, "utf8");
  const marker = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const withMarker = `${original.trimEnd()}\n\n新增段落 ${marker} 用于测试实时刷新。\n`;
  const hasMarker = (m) => document.body?.textContent.includes(m);
  await page.evaluate(() => (window.__e2eDocument = "before save"));
  let mark = serverLog.length;
  let seen = events.length;
  let navBefore = navigations;
  const saved = performance.now();
  const savedEpoch = Date.now();
  await writeFile(file, withMarker);
  await page.waitForFunction(hasMarker, marker, { timeout: SAVE_BUDGET_MS - ms(saved), polling: 10 })
    .catch(async () => fail(`the new paragraph was not in the page ${SAVE_BUDGET_MS} ms after saving ` +
      `(server: ${rebuildNote(mark)}; events the page got: ${eventsNote(seen)})`));
  const visible = ms(saved);
  if (visible > SAVE_BUDGET_MS) fail(`the new paragraph took ${visible} ms to show (budget ${SAVE_BUDGET_MS} ms)`);
  const after = await page.evaluate(() => ({
    same: window.__e2eDocument === "before save",
    start: performance.timeOrigin,
    ready: performance.timeOrigin + (performance.getEntriesByType("navigation")[0]?.domContentLoadedEventStart ?? 0),
  }));
  if (after.same) fail("the new paragraph appeared without a page reload (expected the page to reload)");
  step(3, "save → text visible", `${visible} ms (page reload started after ${Math.round(after.start - savedEpoch)} ms, ` +
    `its DOM was ready after ${Math.round(after.ready - savedEpoch)} ms, ` +
    `${navigations - navBefore} navigation(s); server: ${rebuildNote(mark)})${passingErrors(seen)}`);

  // 4. Break the front matter: an impossible date. The overlay names the file and line.
  const lines = withMarker.split("\n");
  const dateLine = lines.findIndex((l) => /^date:/.test(l)) + 1;
  if (dateLine === 0) fail(`${ARTICLE} has no date: line to break`);
  lines[dateLine - 1] = "date: 2021-13-45";
  await page.evaluate(() => (window.__e2eDocument = "before error"));
  mark = serverLog.length;
  seen = events.length;
  navBefore = navigations;
  let t = performance.now();
  await writeFile(file, lines.join("\n"));
  await page.waitForSelector("#unionpress-errors", { state: "visible", timeout: WAIT_MS })
    .catch(() => fail(`no error overlay ${WAIT_MS} ms after breaking the front matter (server: ${rebuildNote(mark)})`));
  const overlayMs = ms(t);
  // The row for the bad date: the file, then its line.
  const expected = `${ARTICLE}:${dateLine}:`;
  const rows = () => page.$$eval("#unionpress-errors .unionpress-error", (els) => els.map((e) => e.textContent));
  await page.waitForFunction((x) => [...document.querySelectorAll("#unionpress-errors .unionpress-error")]
    .some((e) => e.textContent.startsWith(x)), expected, { timeout: WAIT_MS, polling: 10 })
    .catch(async () => fail(`the overlay does not name ${expected} (the file and the line of the bad date): ` +
      `${JSON.stringify(await rows())}`));
  const named = (await rows()).find((r) => r.startsWith(expected));
  // The page is Chinese (lang="zh-CN"): so is the overlay, its title too.
  const chinese = `${expected}1: 日期 \`2021-13-45\` 有误：没有 13 月（月份是 01 到 12）`;
  if (named !== chinese) fail(`the overlay on the Chinese page reads ${JSON.stringify(named)}, expected ${JSON.stringify(chinese)}`);
  const heading = await page.$eval("#unionpress-errors strong", (e) => e.textContent.trim());
  if (!/^\d+ 个错误——网站仍显示上一个正确的版本$/.test(heading)) fail(`the overlay's title on the Chinese page reads ${JSON.stringify(heading)}`);
  const role = await page.getAttribute("#unionpress-errors", "role");
  if (role !== "alert") fail(`the overlay has role=${role}, expected alert`);
  if (!(await page.evaluate(() => window.__e2eDocument === "before error"))) fail("the page reloaded to show the error overlay");
  if (!(await page.evaluate(hasMarker, marker))) fail("the last good version (with the new paragraph) is no longer shown under the overlay");
  // The English version of the article, opened now, shows the same error in English.
  const english = await browser.newPage();
  await english.goto(`${url}/en${ARTICLE_URL}`, { waitUntil: "domcontentloaded", timeout: WAIT_MS * 4 });
  await english.waitForSelector("#unionpress-errors", { state: "visible", timeout: WAIT_MS * 4 })
    .catch(() => fail("no error overlay on the English page opened while the site was broken"));
  const englishRows = await english.$$eval("#unionpress-errors .unionpress-error", (els) => els.map((e) => e.textContent));
  const englishText = `${expected}1: bad date \`2021-13-45\`: month 13 does not exist (months are 01 to 12)`;
  if (!englishRows.includes(englishText)) fail(`the overlay on the English page reads ${JSON.stringify(englishRows)}`);
  await english.close();
  step(4, "broken front matter → overlay", `${overlayMs} ms: ${named}${passingErrors(seen, expected)}; on the English page: ${englishText}`);

  // 5. Fix it: the file as it was after step 3. The overlay goes and the page reloads.
  mark = serverLog.length;
  seen = events.length;
  navBefore = navigations;
  t = performance.now();
  await writeFile(file, withMarker);
  await page.waitForFunction((m) => !document.getElementById("unionpress-errors") && document.body?.textContent.includes(m),
    marker, { timeout: WAIT_MS, polling: 10 })
    .catch(async () => fail(`the error overlay was still shown ${WAIT_MS} ms after fixing the file ` +
      `(server: ${rebuildNote(mark)}; events the page got: ${eventsNote(seen)})`));
  const fixMs = ms(t);
  if (await page.evaluate(() => window.__e2eDocument === "before error")) fail("the overlay went away without a page reload");
  step(5, "fix → overlay gone, page reloaded", `${fixMs} ms (server: ${rebuildNote(mark)})${passingErrors(seen)}`);

  // 6. A stylesheet edit is swapped in place: no reload.
  const config = await readFile(join(site, "site.yaml"), "utf8");
  const theme = /^theme:\s*["']?([^"'\s#]+)/m.exec(config)?.[1] ?? "default";
  let css = join(site, "themes", theme, "static", "style.css");
  const rule = "\nbody { outline: 7px solid rgb(1, 2, 3); }\n";
  const outline = () => getComputedStyle(document.body).outlineColor;
  const before = await page.evaluate(outline);
  if (before === "rgb(1, 2, 3)") fail("the page already has the test outline colour");
  await page.evaluate(() => (window.__e2eDocument = "before css"));
  mark = serverLog.length;
  seen = events.length;
  navBefore = navigations;
  t = performance.now();
  if (existsSync(css)) {
    await appendFile(await inCopy(css), rule);
  } else {
    // The theme is the one built into the binary: override its stylesheet
    // with the site's own static/style.css.
    const href = await page.$eval('link[rel="stylesheet"]', (l) => l.href);
    const served = await (await fetch(href)).text();
    css = join(site, "static", "style.css");
    await mkdir(dirname(css), { recursive: true });
    await writeFile(css, served + rule);
  }
  await page.waitForFunction((o) => getComputedStyle(document.body).outlineColor === o, "rgb(1, 2, 3)",
    { timeout: WAIT_MS, polling: 10 })
    .catch(() => fail(`the stylesheet edit did not reach the page within ${WAIT_MS} ms ` +
      `(outline colour ${before}; server: ${rebuildNote(mark)}; events the page got: ${eventsNote(seen)})`));
  const cssMs = ms(t);
  if (!(await page.evaluate(() => window.__e2eDocument === "before css")) || navigations !== navBefore) {
    fail(`the page reloaded for a stylesheet-only change (server: ${rebuildNote(mark)}; events the page got: ${eventsNote(seen)})`);
  }
  const hrefs = await page.$$eval('link[rel="stylesheet"]', (ls) => ls.map((l) => l.getAttribute("href")));
  step(6, "stylesheet edit → swapped without reload", `${cssMs} ms (${css.slice(site.length + 1)}; link ${hrefs.join(", ")}; ` +
    `server: ${rebuildNote(mark)})${passingErrors(seen)}`);

  await browser.close();
  browser = null;

  // 7. Ctrl-C: exit status 0 within a few seconds, output folder removed.
  t = performance.now();
  process.kill(server.pid, "SIGINT");
  const exited = await Promise.race([serverExit, new Promise((ok) => setTimeout(() => ok(null), WAIT_MS))]);
  if (!exited) fail(`the server was still running ${WAIT_MS} ms after Ctrl-C`);
  if (exited.code !== 0) fail(`the server exited with ${exited.code ?? exited.signal} after Ctrl-C, expected 0`);
  if (!outDir) fail("the server never said where its output folder is (`output in DIR`)");
  if (existsSync(outDir)) fail(`the server's output folder ${outDir} is still there after it stopped`);
  step(7, "Ctrl-C", `exited with 0 in ${ms(t)} ms, ${outDir} removed`);
}

const deadline = setTimeout(() => {
  console.error(`dev-server: FAILED: the run took more than ${RUN_MS / 1000} s`);
  process.exit(1);
}, RUN_MS);
deadline.unref();

try {
  await run();
} catch (e) {
  console.error(`dev-server: FAILED: ${e instanceof Failure ? e.message : e.stack ?? e}`);
  if (pageLog.length) console.error(`page errors:\n  ${pageLog.join("\n  ")}`);
  if (serverLog.length) console.error(`server stderr (last 15 lines):\n  ${serverLog.slice(-15).join("\n  ")}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  await stopServer();
  cleanupSync();
}
if (process.exitCode !== 1) console.log("dev-server: live reload, error overlay, stylesheet swap and Ctrl-C work");
