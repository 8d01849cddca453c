// Accessibility check of a built site: opens pages in headless Chromium,
// runs axe-core on each and fails on any serious or critical violation.
// Usage: node a11y.mjs PUBLIC_DIR [--screenshots DIR] PATH...
import { readFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const args = process.argv.slice(2);
const root = args.shift();
let shots = null;
const paths = [];
while (args.length) {
  const a = args.shift();
  if (a === "--screenshots") shots = args.shift();
  else paths.push(a);
}
if (!root || paths.length === 0) {
  console.error("usage: node a11y.mjs PUBLIC_DIR [--screenshots DIR] PATH...");
  process.exit(2);
}

const axeSource = await readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const { server, url } = await serve(root);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failures = 0;
try {
  if (shots) await mkdir(shots, { recursive: true });
  for (const width of shots ? [1280, 375] : [1280]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const path of paths) {
      const response = await page.goto(url + encodeURI(path), { waitUntil: "load" });
      if (!response || response.status() !== 200) {
        console.error(`${path}: HTTP ${response?.status()}`);
        failures++;
        continue;
      }
      // A search page is checked with its results shown.
      await page.waitForFunction(
        () => document.getElementById("search-results")?.getAttribute("aria-busy") !== "true",
        null, { timeout: 10000 });
      if (shots) {
        const name = (path.replace(/\//g, "_") || "_") + `-${width}.png`;
        await page.screenshot({ path: `${shots}/${name}`, fullPage: true });
      }
      if (width !== 1280) continue;
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of result.violations) {
        const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ");
        console.log(`${path}: ${v.impact}: ${v.id}: ${v.help} (${where})`);
      }
      failures += bad.length;
      console.log(`${path}: ${result.violations.length} violations, ${bad.length} serious or critical`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
if (failures > 0) {
  console.error(`${failures} serious or critical accessibility problems`);
  process.exit(1);
}
console.log("accessibility: no serious or critical violations");
