// A `fetch` for Node that reads files under a folder (file: URLs), so the
// real search.js runs without a server. Counts what it served.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const served = []; // [{ path, bytes, gzipped }]

export function install() {
  globalThis.fetch = async (url) => {
    const path = fileURLToPath(url);
    let body;
    try {
      body = await readFile(path);
    } catch {
      return new Response(null, { status: 404 });
    }
    // What a static host sends: .gz files as they are, the rest gzipped.
    const gzipped = path.endsWith(".gz") ? body.length : gzipSync(body, { level: 6 }).length;
    served.push({ path, bytes: body.length, gzipped });
    return new Response(body, { status: 200 });
  };
}
