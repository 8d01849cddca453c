// Eight tabs of the preview open in one browser: every one loads (browsers
// allow about six connections to a host, so an event stream per tab would
// leave the seventh hanging), every one is connected to the live reload,
// and one saved edit reloads all eight. Then a ninth tab still loads at
// once. Usage: node tabs.mjs PATH/TO/unionpress [--without-shared-worker]
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { cp, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ARTICLE = "content/news/2021-suzhou-review/index.zh.md";
const PAGES = ["/news/2021-suzhou-review/", "/", "/news/", "/en/", "/en/news/", "/tags/", "/archive/", "/en/news/2021-suzhou-review/"];
const TABS = 8;
const WAIT_MS = 10_000;
const RUN_MS = 90_000;

const bin = resolve(process.argv[2] ?? "");
if (!process.argv[2] || !existsSync(bin)) {
  console.error("usage: node tabs.mjs PATH/TO/unionpress [--without-shared-worker]");
  process.exit(2);
}
const { chromium } = await import("playwright-core");

let site = null;
let server = null;
let browser = null;
const log = [];
const fail = (m) => {
  throw new Error(m);
};
const cleanup = () => {
  if (server && server.exitCode === null) server.kill("SIGINT");
  if (site) rmSync(site, { recursive: true, force: true });
  site = null;
};
process.on("exit", cleanup);
const timer = setTimeout(() => {
  console.error(`tabs: FAILED: the run took more than ${RUN_MS / 1000} s`);
  process.exit(1);
}, RUN_MS);
timer.unref();

async function run() {
  site = await realpath(await mkdtemp(join(tmpdir(), "unionpress-tabs-")));
  await cp(join(REPO, "site.yaml"), join(site, "site.yaml"), { dereference: true });
  for (const dir of ["content", "themes", "static"]) {
    if (existsSync(join(REPO, dir))) await cp(join(REPO, dir), join(site, dir), { recursive: true, dereference: true });
  }
  server = spawn(bin, ["--messages", "en", "--root", site, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  server.stderr.setEncoding("utf8").on("data", (c) => log.push(...c.split("\n").filter(Boolean)));
  const url = await new Promise((ok, no) => {
    let out = "";
    const t = setTimeout(() => no(new Error("the server printed no URL")), WAIT_MS * 3);
    server.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const m = /serving (http:\/\/\S+?)\/? \(/.exec(out);
      if (m) {
        clearTimeout(t);
        ok(m[1]);
      }
    });
  });

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"],
  });
  const context = await browser.newContext();
  // --without-shared-worker: as a browser without SharedWorker (a tab
  // holding a lock shares the stream over a BroadcastChannel).
  // UNIONPRESS_TABS_NO_SHARING=1: without either (one stream per tab), to
  // see the seventh tab hang.
  if (process.argv.includes("--without-shared-worker") || process.env.UNIONPRESS_TABS_NO_SHARING) {
    await context.addInitScript(() => delete window.SharedWorker);
  }
  if (process.env.UNIONPRESS_TABS_NO_SHARING) {
    await context.addInitScript(() => delete window.BroadcastChannel);
  }
  await context.addInitScript(() => {
    window.__tabs = { hello: 0, loaded: performance.timeOrigin };
    addEventListener("unionpress-live", (e) => e.detail.type === "hello" && window.__tabs.hello++);
  });
  const tabs = [];
  for (let i = 0; i < TABS; i++) {
    const page = await context.newPage();
    const t0 = performance.now();
    const response = await page.goto(url + PAGES[i % PAGES.length], { waitUntil: "load", timeout: WAIT_MS })
      .catch((e) => fail(`tab ${i + 1} did not load within ${WAIT_MS} ms (${e.message.split("\n")[0]})`));
    if (response.status() !== 200) fail(`tab ${i + 1}: HTTP ${response.status()}`);
    await page.waitForFunction(() => window.__tabs.hello > 0, null, { timeout: WAIT_MS })
      .catch(() => fail(`tab ${i + 1} heard no live-reload hello`));
    console.log(`tabs: tab ${i + 1} ${PAGES[i % PAGES.length]} loaded and connected in ${Math.round(performance.now() - t0)} ms`);
    tabs.push(page);
  }
  // Every tab marks its document: a reload makes a new one.
  for (const page of tabs) await page.evaluate(() => (window.__tabsMark = "before"));

  const file = join(site, ARTICLE);
  const text = await readFile(file, "utf8");
  const t0 = performance.now();
  await writeFile(file, `${text.trimEnd()}\n\n八个标签页同时刷新。\n`);
  await Promise.all(tabs.map((page, i) => page.waitForFunction(() => window.__tabsMark !== "before" && window.__tabs?.hello > 0,
    null, { timeout: WAIT_MS, polling: 20 })
    .catch(async () => {
      // Which half failed: the reload, or the hello after it.
      const seen = await page.evaluate(() => ({ reloaded: window.__tabsMark !== "before", hellos: window.__tabs?.hello }))
        .catch((e) => ({ error: e.message.split("\n")[0] }));
      fail(`tab ${i + 1} (${PAGES[i % PAGES.length]}) did not reload and hear a hello within ${WAIT_MS} ms of the edit: ${JSON.stringify(seen)}`);
    })));
  console.log(`tabs: one edit reloaded all ${TABS} tabs in ${Math.round(performance.now() - t0)} ms`);
  const article = await tabs[0].textContent("main");
  if (!article.includes("八个标签页同时刷新")) fail("the first tab does not show the edit");

  const ninth = await context.newPage();
  const t1 = performance.now();
  await ninth.goto(url + "/", { waitUntil: "load", timeout: 3000 }).catch(() => fail("a ninth tab did not load within 3 s"));
  console.log(`tabs: a ninth tab loaded in ${Math.round(performance.now() - t1)} ms`);
}

try {
  await run();
  const how = process.argv.includes("--without-shared-worker") ? "a BroadcastChannel leader's" : "a SharedWorker's";
  console.log(`tabs: ${TABS} tabs share ${how} live-reload stream; one edit reloads them all`);
} catch (e) {
  console.error(`tabs: FAILED: ${e.message}`);
  console.error(`server stderr (last 10 lines):\n  ${log.slice(-10).join("\n  ")}`);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  cleanup();
}
