// Usage: node bench.mjs DIR LANG REPEATS QUERY…
// Per query: cold bytes (fresh module: JS + every file fetched + data() of
// the first 10 results, gzipped as a host serves them), bytes of the same
// query run later on a page that already ran the other queries, result
// count, and search() time (cold, and median of warm repeats).
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { install, served } from "./fsfetch.mjs";

install();
const [dir, lang, reps, ...queries] = process.argv.slice(2);
const jsPath = `${dir}/search/search.js`;
const jsGz = gzipSync(readFileSync(jsPath), { level: 6 }).length;
const href = pathToFileURL(jsPath).href;
const sum = (from) => served.slice(from).reduce((a, f) => a + f.gzipped, 0);
let fresh = 0;
const rows = [];
for (const q of queries) {
  const { search } = await import(`${href}?cold=${fresh++}`);
  const at = served.length;
  const t0 = performance.now();
  const { results } = await search(q, { lang });
  const cold = performance.now() - t0;
  const searchBytes = sum(at);
  await Promise.all(results.slice(0, 10).map((r) => r.data()));
  const times = [];
  for (let i = 0; i < Number(reps); i++) {
    const t = performance.now();
    await search(q, { lang });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push({ q, results: results.length, coldBytes: jsGz + sum(at), searchBytes, coldMs: cold, warmMs: times[times.length >> 1] ?? 0 });
}
// Later queries: one page runs all queries in turn; bytes each one adds.
const { search } = await import(`${href}?later`);
for (const [i, q] of queries.entries()) {
  const at = served.length;
  const { results } = await search(q, { lang });
  await Promise.all(results.slice(0, 10).map((r) => r.data()));
  rows[i].laterBytes = i === 0 ? null : sum(at);
}
process.stdout.write(JSON.stringify({ jsGz, rows }));
