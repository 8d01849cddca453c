// FAKE unionpress search, for testing the benchmark's adapter only: never
// measured in a report. It has the real module's shape,
// `search(query, { lang })` -> `{ results: [{ url, data() }] }`, but it is
// deliberately naive (no word-start rule, text across runs joined, no
// ranking), so the benchmark's comparison has something to find. Its index
// is one JSON file per language written by build-index.mjs.
const indexes = {};

async function index(lang) {
  indexes[lang] ??= fetch(new URL(`fake-index.${lang}.json`, import.meta.url)).then((r) => r.json());
  return indexes[lang];
}

export async function search(query, { lang }) {
  const pages = await index(lang);
  const terms = query.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return { results: [] };
  const results = pages
    .filter((p) => terms.every((t) => p.text.includes(t)))
    .map((p) => ({
      url: p.url,
      data: async () => ({ url: p.url, title: p.title, excerpt: p.text.slice(0, 80), date: "" }),
    }));
  return { results };
}
