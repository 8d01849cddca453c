// Writes the FAKE search (search.js and its per-language JSON index) for a
// built site into DIR, to be served at /search/ by measure.mjs --mount.
// For testing the benchmark only. Usage: node build-index.mjs OUT DIR
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPages } from "../truth.mjs";

const [out, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
copyFileSync(join(dirname(fileURLToPath(import.meta.url)), "search.js"), join(dir, "search.js"));
for (const lang of ["zh", "en"]) {
  const pages = loadPages(out, lang).map((p) => ({ url: p.url, title: p.title, text: p.runs.join(" ") }));
  writeFileSync(join(dir, `fake-index.${lang}.json`), JSON.stringify(pages));
  console.error(`fake index: ${pages.length} ${lang} pages`);
}
