// Usage: node query.mjs DIR LANG QUERY…
// DIR holds /search/search.js and /search/<LANG>/…; prints a JSON array with,
// per query, every result in order with its data().
import { pathToFileURL } from "node:url";
import { install } from "./fsfetch.mjs";

install();
const [dir, lang, ...queries] = process.argv.slice(2);
const { search } = await import(pathToFileURL(`${dir}/search/search.js`).href);
const out = [];
// Concurrently, as a page may: the answers must not interfere.
const all = await Promise.all(queries.map((q) => search(q, { lang })));
for (const { results } of all) {
  out.push(await Promise.all(results.map((r) => r.data())));
}
process.stdout.write(JSON.stringify(out));
