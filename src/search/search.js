// unionpress search: answers queries exactly from the static index files
// next to this module (format: src/search/write.rs; semantics:
// search-spec.md). No dependencies, no WebAssembly.
//
// Matching is token-sequence matching, equivalent to the spec's string
// rule: a normalised run is a sequence of tokens (a word = maximal run of
// word characters; each CJK letter; each other character; a space only
// when a neighbour is not a word). A term of tokens Q[0..m] occurs where
// the doc has Q at consecutive positions, except that a final word token
// matches any doc word it is a prefix of (and a lone word term is a prefix).

const BASE = new URL("./", import.meta.url);
const files = new Map(); // path -> Promise (each file is fetched once)
const K1 = 1.2, B = 0.75, SEP = "\u0001";

// Fetches a file once; `.gz` files are stored compressed and unpacked here
// unless the host already decoded them (then the gzip magic is missing).
function load(path, as) {
  let p = files.get(path);
  if (!p) {
    p = fetch(new URL(path, BASE)).then(async (r) => {
      if (!r.ok) throw new Error(`search: ${path}: ${r.status}`);
      let buf = new Uint8Array(await r.arrayBuffer());
      if (path.endsWith(".gz") && buf[0] === 0x1f && buf[1] === 0x8b) {
        const s = new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"));
        buf = new Uint8Array(await new Response(s).arrayBuffer());
      }
      if (as === "bin") return buf;
      const text = new TextDecoder().decode(buf);
      return as === "json" ? JSON.parse(text) : text;
    });
    p.catch(() => files.delete(path)); // a failed fetch may be retried
    files.set(path, p);
  }
  return p;
}

// ---- normalisation and characters (same rules as src/search/text.rs) ----

// Rust's char::is_whitespace set (JS \s also has U+FEFF, Rust does not).
const WS = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
const ALNUM = /[\p{Alphabetic}\p{N}]/u;
const MARK = /\p{M}/u;
const fold = (s) => s.normalize("NFKC").toLowerCase().replace(/ς/g, "σ");
const normalize = (s) => fold(s).replace(WS, " ").replace(/^ | $/g, "");

const CJK = 1, WORD = 2, SPACE = 3, OTHER = 4;
function cjkRange(c) {
  return (c >= 0x1100 && c <= 0x11ff) || (c >= 0x2e80 && c <= 0x2fdf) ||
    (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3100 && c <= 0x31ff) ||
    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x20000 && c <= 0x3ffff) || c === 0x3005 || c === 0x3007;
}
function cls(ch) {
  if (ch === " ") return SPACE;
  if (!ALNUM.test(ch)) return OTHER;
  return cjkRange(ch.codePointAt(0)) ? CJK : WORD;
}
const isWord = (ch) => ch !== undefined && cls(ch) === WORD;

// Tokens [{t, c}] of a normalised string (see the header).
function tokenize(s) {
  const out = [], push = (t, c) => out.push({ t, c });
  let word = "", space = false;
  for (const ch of s) {
    const c = cls(ch);
    if (c === WORD) {
      // A space between two words is implied, not a token.
      if (space && !(out.length && out[out.length - 1].c === WORD)) push(" ", SPACE);
      space = false;
      word += ch;
      continue;
    }
    if (word) push(word, WORD), (word = "");
    if (space) push(" ", SPACE);
    space = c === SPACE;
    if (!space) push(ch, c);
  }
  if (word) push(word, WORD);
  if (space) push(" ", SPACE);
  return out;
}

// Terms of a query: split at spaces; "…" or “…” is one term.
function parse(query) {
  const terms = [];
  let cur = "", phrase = false;
  const end = () => { cur = cur.trim(); if (cur) terms.push(cur); cur = ""; };
  for (const ch of normalize(query)) {
    if (!phrase && (ch === '"' || ch === "“")) end(), (phrase = true);
    else if (phrase && (ch === '"' || ch === "”")) end(), (phrase = false);
    else if (!phrase && ch === " ") end();
    else cur += ch;
  }
  end();
  return terms;
}

// ---- index files ----

function varint(b, o) { // -> value, advances o.i
  let v = 0, s = 1, c;
  do { c = b[o.i++]; v += (c & 127) * s; s *= 128; } while (c & 128);
  return v;
}

const langs = new Map();
// The directory and docs table of a language, fetched once.
function lang(name) {
  let l = langs.get(name);
  if (!l) {
    l = Promise.all([load(`${name}/meta.json`, "json"), load(`${name}/docs.bin`, "bin")]).then(([m, docs]) => {
      const n = m.n, len = new Uint16Array(n), tlen = new Uint32Array(n), o = { i: 2 * n };
      for (let i = 0; i < n; i++) len[i] = docs[2 * i] | (docs[2 * i + 1] << 8);
      for (let i = 0; i < n; i++) tlen[i] = varint(docs, o);
      return { name, m, len, tlen };
    });
    l.catch(() => langs.delete(name));
    langs.set(name, l);
  }
  return l;
}

const shards = new Map(); // path -> Promise<{keys: sorted [], at: Map key->[b, start, end]}>
function shard(L, kind, i) {
  // Doc-level shards are stored gzip-compressed (`load` unpacks them).
  const path = `${L.name}/${kind}/${i}.${kind === "d" ? "gz" : "bin"}`;
  let s = shards.get(path);
  if (!s) {
    s = load(path, "bin").then((b) => {
      const keys = [], at = new Map(), o = { i: 0 }, dec = new TextDecoder();
      let prev = new Uint8Array(0);
      while (o.i < b.length) {
        // Front coded: the first `shared` bytes are the previous key's.
        const shared = varint(b, o), rest = varint(b, o), kb = new Uint8Array(shared + rest);
        kb.set(prev.subarray(0, shared));
        kb.set(b.subarray(o.i, o.i + rest), shared);
        o.i += rest;
        const key = dec.decode((prev = kb));
        const pl = varint(b, o);
        keys.push(key), at.set(key, b.subarray(o.i, o.i + pl));
        o.i += pl;
      }
      return { keys, at };
    });
    s.catch(() => shards.delete(path));
    shards.set(path, s);
  }
  return s;
}

// Code point order, as the index sorts keys (UTF-8 bytes); JS `<` compares
// UTF-16 units, which differs for U+E000–U+FFFF against astral characters.
function cmp(a, b) {
  for (let i = 0, j = 0; ; ) {
    if (i >= a.length || j >= b.length) return (a.length - i) - (b.length - j);
    const x = a.codePointAt(i), y = b.codePointAt(j);
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1, j += y > 0xffff ? 2 : 1;
  }
}

// Shard numbers that may hold `key` (exact) or every key starting with it.
// Directory entries are [first key, size]; a negative size marks a shard
// holding one big key only, skipped unless it is that key.
function shardRange(dir, key, prefix) {
  let lo = 0, hi = dir.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (cmp(dir[mid][0], key) <= 0) lo = mid; else hi = mid - 1; }
  const ok = (i) => dir[i][1] > 0 || (prefix ? dir[i][0].startsWith(key) : dir[i][0] === key);
  const out = dir.length && ok(lo) ? [lo] : [];
  if (prefix) for (let i = lo + 1; i < dir.length && dir[i][0].startsWith(key); i++) out.push(i);
  return out;
}
const cost = (L, kind, key, prefix) => shardRange(L.m[kind], key, prefix).reduce((a, i) => a + Math.abs(L.m[kind][i][1]), 0);

// Payloads of `key` (or of every key it prefixes) in key space `kind`.
async function lists(L, kind, key, prefix) {
  const ss = await Promise.all(shardRange(L.m[kind], key, prefix).map((i) => shard(L, kind, i)));
  const out = [];
  for (const s of ss) {
    if (!prefix) { const p = s.at.get(key); if (p) out.push(p); continue; }
    for (const k of s.keys) if (k.startsWith(key)) out.push(s.at.get(k));
  }
  return out;
}

// Doc-level payload -> Map doc -> [tf, inTitle].
function docList(b, n, into) {
  const o = { i: 0 }, head = varint(b, o), count = Math.floor(head / 2), ids = [];
  if (head % 2) {
    for (let d = 0; d < n; d++) if (b[o.i + (d >> 3)] & (1 << (d & 7))) ids.push(d);
    o.i += (n + 7) >> 3;
  } else for (let k = 0, d = -1; k < count; k++) ids.push((d += varint(b, o) + 1));
  for (let k = 0; k < count; k++) {
    const t = b[o.i + k], e = into.get(ids[k]);
    if (e) e[0] += t >> 1, (e[1] ||= t & 1);
    else into.set(ids[k], [t >> 1, t & 1]);
  }
}

// Positional payload -> Map doc -> positions (merged into `into`): varints
// for short lists, else Rice codes (write.rs).
function posList(b, into) {
  const o = { i: 0 }, head = varint(b, o), nd = Math.floor(head / 2);
  let num = () => varint(b, o), kd = 0, kc = 0, kp = 0;
  if (head % 2) {
    // Rice codes, LSB first.
    (kd = b[o.i]), (kc = b[o.i + 1]), (kp = b[o.i + 2]);
    let bit = (o.i + 3) * 8;
    num = (k) => {
      let q = 0, v = 0;
      while ((b[bit >> 3] >> (bit & 7)) & 1) q++, bit++;
      bit++;
      for (let j = 0; j < k; j++, bit++) v |= ((b[bit >> 3] >> (bit & 7)) & 1) << j;
      return q * (1 << k) + v;
    };
  }
  for (let k = 0, d = -1; k < nd; k++) {
    d += num(kd) + 1;
    const c = num(kc) + 1, ps = into.get(d) || [];
    for (let j = 0, p = -1; j < c; j++) ps.push((p += num(kp) + 1));
    into.set(d, ps);
  }
}

// ---- evaluating one term -> Map doc -> [tf, inTitle] ----

async function term(L, t) {
  const toks = tokenize(t), m = toks.length, hits = new Map();
  const allCjk = toks.every((x) => x.c === CJK);
  if (m === 1 || (allCjk && m === 2)) {
    // No positions needed: doc-level lists (a lone word is a prefix).
    const key = toks.map((x) => x.t).join("");
    for (const p of await lists(L, "d", key, toks[0].c === WORD)) docList(p, L.m.n, hits);
    return hits;
  }
  // Anchors [offset, key, prefix] covering every token (keys: write.rs).
  const anchors = [];
  for (let i = 0; i < m; ) {
    const tk = toks[i];
    if (tk.c !== CJK) {
      if (i + 1 < m) {
        // A pair key: this token and the next (a final word by prefix).
        const n = toks[i + 1];
        anchors.push([i, tk.t + SEP + n.t, i + 1 === m - 1 && n.c === WORD]);
      } else if (i === 0 || toks[i - 1].c === CJK) {
        // A final token not covered by a pair: any key starting with it.
        anchors.push([i, tk.t, true]);
      }
      i++;
      continue;
    }
    let e = i;
    while (e < m && toks[e].c === CJK) e++;
    const run = toks.slice(i, e).map((x) => x.t);
    if (e - i >= 3) {
      // Full trigrams at offsets i, i+3, …, and e-3 for the rest.
      for (let o = i; ; o += 3) {
        if (o > e - 3) o = e - 3;
        anchors.push([o, run.slice(o - i, o - i + 3).join(""), false]);
        if (o === e - 3) break;
      }
    } else if (!(e - i === 1 && i > 0)) {
      // 1–2 letters: inside the term the doc's stretch ends there too (exact
      // cut key); at the term end it may go on (prefix). A lone letter after
      // a non-CJK token is covered by that token's pair already.
      anchors.push([i, run.join(""), e === m]);
    }
    i = e;
  }
  // Cheap anchors first: an empty one means no match, and the big lists
  // (common trigrams, whole pages of positions) are then never fetched.
  const maps = new Array(anchors.length);
  const byCost = anchors.map((a, k) => [cost(L, "p", a[1], a[2]), k]).sort((a, b) => a[0] - b[0]);
  for (const wave of [byCost.filter((x) => x[0] <= 32768), byCost.filter((x) => x[0] > 32768)]) {
    await Promise.all(wave.map(async ([, k]) => {
      const into = new Map();
      const ls = await lists(L, "p", anchors[k][1], anchors[k][2]);
      for (const p of ls) posList(p, into);
      // Several keys (a prefix) interleave: binary search needs order.
      if (ls.length > 1) for (const ps of into.values()) ps.sort((a, b) => a - b);
      maps[k] = into;
    }));
    if (wave.some(([, k]) => !maps[k].size)) return hits;
  }
  const order = maps.map((x, k) => k).sort((a, b) => maps[a].size - maps[b].size);
  const base = order[0];
  docs: for (const [d, ps0] of maps[base]) {
    const lists = [];
    for (const k of order) {
      const ps = maps[k].get(d);
      if (!ps) continue docs;
      lists.push([anchors[k][0], ps]);
    }
    let tf = 0, title = 0;
    next: for (const q of ps0) {
      const p = q - anchors[base][0];
      if (p < 0) continue;
      for (const [o, ps] of lists) if (!has(ps, p + o)) continue next;
      tf++;
      if (p < L.tlen[d]) title = 1;
    }
    if (tf) hits.set(d, [tf, title]);
  }
  return hits;
}

function has(a, x) {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (a[mid] === x) return true; if (a[mid] < x) lo = mid + 1; else hi = mid - 1; }
  return false;
}

// ---- the API ----

export async function search(query, { lang: name = "zh" } = {}) {
  const terms = typeof query === "string" ? parse(query) : [];
  if (!terms.length) return { results: [] };
  const L = await lang(name), N = L.m.n;
  // Doc-level terms first: if they leave nothing, positional ones are skipped.
  const positional = (t) => { const k = tokenize(t); return k.length > 1 && !(k.length === 2 && k.every((x) => x.c === CJK)); };
  const sorted = terms.map((t, i) => [t, i]).sort((a, b) => positional(a[0]) - positional(b[0]));
  const per = new Array(terms.length);
  let alive = null;
  for (const group of [sorted.filter((x) => !positional(x[0])), sorted.filter((x) => positional(x[0]))]) {
    const got = await Promise.all(group.map(([t]) => term(L, t)));
    group.forEach(([, i], k) => (per[i] = got[k]));
    for (const h of got) {
      alive = alive ? new Set([...alive].filter((d) => h.has(d))) : new Set(h.keys());
    }
    if (alive && !alive.size) return { results: [] };
  }
  const idf = per.map((h) => Math.log(1 + (N - h.size + 0.5) / (h.size + 0.5)));
  const ranked = [...alive].map((d) => {
    let inTitle = 0, score = 0;
    const norm = K1 * (1 - B + (B * L.len[d]) / L.m.avg);
    per.forEach((h, k) => {
      const [tf, t] = h.get(d);
      inTitle += t;
      score += (idf[k] * tf * (K1 + 1)) / (tf + norm);
    });
    return { d, inTitle, score };
  });
  ranked.sort((a, b) => b.inTitle - a.inTitle || b.score - a.score || a.d - b.d);
  // URLs of every result without fetching per result: only the chunks that hold results.
  const chunks = [...new Set(ranked.map((r) => Math.floor(r.d / L.m.urls)))];
  const text = await Promise.all(chunks.map((c) => load(`${name}/u/${c}.txt`, "text")));
  const urls = new Map(chunks.map((c, k) => [c, text[k].split("\n")]));
  return {
    results: ranked.map(({ d }) => {
      const url = urls.get(Math.floor(d / L.m.urls))[d % L.m.urls];
      return { url, data: () => data(L, d, url, terms) };
    }),
  };
}

// A fragment file holds `m.f` consecutive docs (write.rs).
async function data(L, d, url, terms) {
  const g = L.m.f || 1, f = (await load(`${L.name}/f/${Math.floor(d / g)}.gz`, "json"))[d % g];
  return { url, title: f.title, excerpt: excerpt(f, terms), date: f.date, section: f.section };
}

// ---- excerpt (spec section 7) ----

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s) => s.replace(/[&<>"']/g, (c) => ESC[c]);
const WINDOW = 40, BEFORE = 12; // in CJK letters; a word counts 40/25

// A run as written, its normalised form, and where each normalised UTF-16
// unit came from. Normalised piecewise (a character with its combining
// marks) so positions map back; the index normalised whole runs, which can
// differ only in rare compositions, and only the highlighting would differ.
function mapped(run) {
  const chars = Array.from(run), from = [];
  let norm = "";
  for (let i = 0; i < chars.length; ) {
    let j = i + 1;
    while (j < chars.length && MARK.test(chars[j])) j++;
    const n = fold(chars.slice(i, j).join(""));
    for (let k = 0; k < n.length; k++) from.push([i, j]);
    norm += n;
    i = j;
  }
  return { chars, norm, from };
}

// Occurrences [start, end) (in chars) of a term in a mapped run.
function occurrences(r, t, from = 0, limit = Infinity) {
  const out = [], wordStart = isWord(String.fromCodePoint(t.codePointAt(0)));
  for (let i = r.norm.indexOf(t, from); i >= 0 && out.length < limit; i = r.norm.indexOf(t, i + 1)) {
    if (wordStart && i > 0) {
      const p = r.norm.codePointAt(i - 1), prev = p >= 0xdc00 && p <= 0xdfff && i > 1 ? r.norm.codePointAt(i - 2) : p;
      if (isWord(String.fromCodePoint(prev))) continue;
    }
    out.push([r.from[i][0], r.from[i + t.length - 1][1]]);
  }
  return out;
}

function excerpt(f, terms) {
  const runs = f.runs.map(mapped), h = f.h;
  let best = null;
  for (const k of [...runs.keys()].slice(h).concat([...runs.keys()].slice(0, h))) {
    for (const t of terms) {
      const o = occurrences(runs[k], t, 0, 1)[0];
      if (o && (!best || o[0] < best[1])) best = [k, o[0]];
    }
    if (best) break;
  }
  if (!best) best = [Math.min(h, runs.length - 1), 0];
  const r = runs[best[0]];
  if (!r) return "";
  const cost = (i) => { const c = cls(r.chars[i]); return c === CJK ? 1 : c === WORD && !isWord(r.chars[i + 1]) ? 1.6 : 0; };
  let s = best[1], e = best[1], used = 0;
  while (s > 0 && used + cost(s - 1) <= BEFORE) used += cost(--s);
  while (s > 0 && isWord(r.chars[s - 1])) s--;
  while (e < r.chars.length && used + cost(e) <= WINDOW) used += cost(e++);
  while (e < r.chars.length && isWord(r.chars[e])) e++;
  const marks = [];
  for (const t of terms) for (const [a, b] of occurrences(r, t)) if (a < e && b > s) marks.push([Math.max(a, s), Math.min(b, e)]);
  marks.sort((a, b) => a[0] - b[0]);
  let out = s > 0 ? "…" : "", at = s;
  for (const [a, b] of marks) {
    if (b <= at) continue;
    const a2 = Math.max(a, at);
    out += esc(r.chars.slice(at, a2).join("")) + "<mark>" + esc(r.chars.slice(a2, b).join("")) + "</mark>";
    at = b;
  }
  return out + esc(r.chars.slice(at, e).join("")) + (e < r.chars.length ? "…" : "");
}
