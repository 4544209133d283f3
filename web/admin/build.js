#!/usr/bin/env node
// Build the web admin (web/admin → web/admin/dist) with Vite, unless dist is newer than every source file.
// Run by `npm install` (postinstall) and `npm run build:admin` (--force rebuilds regardless). An install without
// the dev dependencies (no Vite) skips it and says so; the server then answers /admin/ with how to build it.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

const admin = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(admin, "dist", "index.html");
const force = process.argv.includes("--force");

/** The newest modification time under a directory (dist and node_modules aside). */
function newest(dir) {
  let max = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return max;
}

if (!force && fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newest(admin)) {
  console.log("web admin: up to date (web/admin/dist)");
  process.exit(0);
}
let vite;
try {
  vite = await import("vite");
} catch {
  console.log("web admin: not built (Vite is a dev dependency; run `npm install` with dev dependencies, then `npm run build:admin`)");
  process.exit(0);
}
const started = performance.now();
await vite.build({ configFile: path.join(admin, "vite.config.ts") });
console.log(`web admin: built web/admin/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
// What the browser downloads: each file of dist/assets with its size and gzip size, largest first.
const assets = path.join(admin, "dist", "assets");
const rows = fs.readdirSync(assets).map((name) => {
  const bytes = fs.readFileSync(path.join(assets, name));
  return { name, size: bytes.length, gzip: zlib.gzipSync(bytes).length };
});
rows.sort((a, b) => b.size - a.size);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(10);
for (const r of rows) console.log(`  ${r.name.padEnd(44)} ${kb(r.size)}  gzip ${kb(r.gzip)}`);
const total = (ext) => rows.filter((r) => r.name.endsWith(ext)).reduce((sum, r) => sum + r.size, 0);
console.log(`  total: JS ${kb(total(".js")).trim()}, CSS ${kb(total(".css")).trim()}`);
