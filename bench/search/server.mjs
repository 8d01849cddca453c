// The benchmark's static server: serves a built site like a static host and
// counts what it sends, so the benchmark knows the bytes a query costs.
//
// - Content types by extension (unknown: application/octet-stream).
// - Content-Encoding: gzip (level 9, compressed once and kept in memory) for
//   every file except those that already are gzip data (magic bytes 1f 8b:
//   Pagefind pre-compresses its index files) and already compressed media
//   (images, fonts, audio, video). So a search index is compressed whatever
//   its files are called.
// - Cache-Control: max-age=31536000, immutable, with an ETag (304 on a
//   match): within one browser context nothing is downloaded twice.
// - Mounts: a URL prefix can be served from another folder (the harness
//   page at /__bench/, an index built outside the site).
// - Every response is logged with its body bytes as sent (compressed), so
//   bytes since a mark are exactly what reached the browser: a request the
//   browser answers from its cache never gets here.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8", ".wasm": "application/wasm",
  ".xml": "application/xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
  ".webp": "image/webp", ".gif": "image/gif", ".avif": "image/avif", ".ico": "image/x-icon",
  ".woff": "font/woff", ".woff2": "font/woff2", ".mp4": "video/mp4", ".mp3": "audio/mpeg",
};
const COMPRESSED_MEDIA = /^(image\/(?!svg)|font\/|video\/|audio\/)/;

export async function serve(root, { mounts = {} } = {}) {
  root = resolve(root);
  const prefixes = Object.entries(mounts).map(([p, d]) => [p.endsWith("/") ? p : p + "/", resolve(d)])
    .sort((a, b) => b[0].length - a[0].length);
  const cache = new Map(); // file -> {body, gzipped, etag, type}
  const log = [];

  const locate = (urlPath) => {
    for (const [prefix, dir] of prefixes) {
      if (urlPath.startsWith(prefix)) return [dir, urlPath.slice(prefix.length)];
    }
    return [root, urlPath];
  };

  async function load(file) {
    let entry = cache.get(file);
    if (entry) return entry;
    const raw = await readFile(file);
    const type = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
    const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
    const compress = !isGzip && !COMPRESSED_MEDIA.test(type);
    entry = {
      raw, type,
      gz: compress ? gzipSync(raw, { level: 9 }) : null,
      etag: '"' + createHash("sha1").update(raw).digest("base64url").slice(0, 20) + '"',
    };
    cache.set(file, entry);
    return entry;
  }

  const server = createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [dir, rest] = locate(urlPath);
    let file = normalize(join(dir, rest));
    const record = { path: urlPath, status: 0, bytes: 0, raw: 0 };
    log.push(record);
    if (file !== dir && !file.startsWith(dir + sep)) {
      record.status = 400;
      res.writeHead(400).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const e = await load(file);
      const headers = {
        "content-type": e.type, "cache-control": "public, max-age=31536000, immutable",
        etag: e.etag, vary: "Accept-Encoding",
      };
      if (req.headers["if-none-match"] === e.etag) {
        record.status = 304;
        res.writeHead(304, headers).end();
        return;
      }
      const gzip = e.gz && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
      const body = gzip ? e.gz : e.raw;
      if (gzip) headers["content-encoding"] = "gzip";
      headers["content-length"] = body.length;
      record.status = 200;
      record.bytes = req.method === "HEAD" ? 0 : body.length;
      record.raw = e.raw.length;
      res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
    } catch {
      record.status = 404;
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    log,
    mark: () => log.length,
    since: (mark) => {
      const entries = log.slice(mark);
      return { requests: entries.length, bytes: entries.reduce((s, r) => s + r.bytes, 0), entries };
    },
    // Compress ahead of time (so no measured request waits for gzip -9).
    warm: async (files) => { for (const f of files) await load(resolve(f)).catch(() => {}); },
    close: () => new Promise((ok) => server.close(ok)),
  };
}
