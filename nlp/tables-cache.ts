// A disk cache of the normaliser's per-character tables (nlp/normalize.ts). Building them runs NFKC and opencc
// over every BMP character and plane 1 (≈ 0.2–0.25 s of every start, bench/start.ts); what they hold depends only
// on normalize.ts itself, the opencc-js release and Node's Unicode/ICU data, so the file is keyed by exactly
// those and read back in milliseconds. A missing, stale, unreadable or damaged file is simply rebuilt; a cache
// directory that cannot be written (read-only install) costs only the build.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The tables normalize.ts builds once per process. */
export interface NormalizerTables {
  fold: Uint16Array;
  trad: Uint8Array;
  marks: Uint8Array;
  /** 1 for each plane-1 code point that normalising changes. */
  plane1: Uint8Array;
  expand: Map<number, string>;
  slow: Map<number, string>;
}

const MAGIC = "gridlink-normalizer-tables-1";
const SIZE = 0x10000;

/** Where the cache lives: node_modules/.cache/gridlink (the usual home of tools' caches), beside the sources. */
export const TABLES_CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache", "gridlink");

/** The key: a hash of what the tables are computed from. */
export function tablesKey(): string {
  // opencc-js exports no package.json: find it above the entry file.
  let dir = path.dirname(createRequire(import.meta.url).resolve("opencc-js"));
  while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const opencc = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
  const source = fs.readFileSync(fileURLToPath(new URL("./normalize.ts", import.meta.url)), "utf8");
  return createHash("sha256")
    .update([MAGIC, process.version, process.versions.unicode ?? "", process.versions.icu ?? "", opencc, source].join("\0"))
    .digest("hex")
    .slice(0, 24);
}

const fileFor = (dir: string, key: string) => path.join(dir, `normalizer-tables-${key}.bin`);

/** The cached tables for key, or null (absent, or not a complete file of this layout). */
export function readTables(key: string, dir = TABLES_CACHE_DIR): NormalizerTables | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(fileFor(dir, key));
  } catch {
    return null;
  }
  try {
    const fixed = SIZE * 2 + SIZE * 3;
    if (buf.length < 4 + fixed) return null;
    const headerLength = buf.readUInt32LE(0);
    if (buf.length !== 4 + headerLength + fixed) return null;
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString("utf8")) as { magic: string; key: string; expand: Array<[number, string]>; slow: Array<[number, string]> };
    if (header.magic !== MAGIC || header.key !== key) return null;
    // Copies, so the arrays are aligned and do not pin the file's buffer.
    let at = 4 + headerLength;
    const fold = new Uint16Array(Uint8Array.from(buf.subarray(at, at + SIZE * 2)).buffer); // written little-endian
    if (os.endianness() !== "LE") for (let c = 0; c < SIZE; c++) fold[c] = buf.readUInt16LE(at + c * 2);
    at += SIZE * 2;
    const bytes = () => {
      const a = Uint8Array.from(buf.subarray(at, at + SIZE));
      at += SIZE;
      return a;
    };
    const trad = bytes();
    const marks = bytes();
    const plane1 = bytes();
    return { fold, trad, marks, plane1, expand: new Map(header.expand), slow: new Map(header.slow) };
  } catch {
    return null;
  }
}

/** Write the tables for key (atomically: a temporary file renamed into place). Failures are ignored. */
export function writeTables(key: string, t: NormalizerTables, dir = TABLES_CACHE_DIR): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const header = Buffer.from(JSON.stringify({ magic: MAGIC, key, expand: [...t.expand], slow: [...t.slow] }), "utf8");
    const buf = Buffer.alloc(4 + header.length + SIZE * 5);
    buf.writeUInt32LE(header.length, 0);
    header.copy(buf, 4);
    let at = 4 + header.length;
    for (let c = 0; c < SIZE; c++) buf.writeUInt16LE(t.fold[c], at + c * 2);
    at += SIZE * 2;
    for (const a of [t.trad, t.marks, t.plane1]) {
      buf.set(a, at);
      at += SIZE;
    }
    const file = fileFor(dir, key);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, buf);
    fs.renameSync(tmp, file);
    // Tables of an older normalize.ts or Node are never read again.
    for (const f of fs.readdirSync(dir)) if (/^normalizer-tables-[0-9a-f]+\.bin$/.test(f) && path.join(dir, f) !== file) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    /* a read-only install: every start builds the tables */
  }
}
