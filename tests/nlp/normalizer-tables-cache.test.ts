// The normaliser's tables come from a disk cache on every start after the first: what is read back must be
// exactly what the normaliser computes, and a damaged or foreign file must be rebuilt, never trusted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildTables } from "../../nlp/normalize.js";
import { readTables, tablesKey, writeTables } from "../../nlp/tables-cache.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-tables-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("normaliser tables cache", () => {
  const built = buildTables();
  const key = tablesKey();

  it("reads back exactly the tables the normaliser computes", () => {
    writeTables(key, built, dir);
    const read = readTables(key, dir);
    expect(read).not.toBeNull();
    expect(Buffer.from(read!.fold.buffer).equals(Buffer.from(built.fold.buffer))).toBe(true);
    expect(Buffer.from(read!.trad).equals(Buffer.from(built.trad))).toBe(true);
    expect(Buffer.from(read!.marks).equals(Buffer.from(built.marks))).toBe(true);
    expect(Buffer.from(read!.plane1).equals(Buffer.from(built.plane1))).toBe(true);
    expect([...read!.expand]).toEqual([...built.expand]);
    expect([...read!.slow]).toEqual([...built.slow]);
    // The tables are not trivial: traditional characters, full-width forms and plane-1 letters are all in them.
    expect(built.trad["電".charCodeAt(0)]).toBe(1);
    expect(built.fold["Ａ".charCodeAt(0)]).toBe("a".charCodeAt(0));
    expect(built.plane1[0x1d429 - 0x10000]).toBe(1); // 𝐩
  });

  it("ignores a file of another key, a truncated file and a damaged header", () => {
    writeTables(key, built, dir);
    const file = path.join(dir, `normalizer-tables-${key}.bin`);
    expect(readTables("0".repeat(24), dir)).toBeNull(); // nothing written under that key
    fs.copyFileSync(file, path.join(dir, `normalizer-tables-${"1".repeat(24)}.bin`));
    expect(readTables("1".repeat(24), dir)).toBeNull(); // the header names another key
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    expect(readTables(key, dir)).toBeNull();
    const damaged = Buffer.from(bytes);
    damaged.write("}}}}", 8);
    fs.writeFileSync(file, damaged);
    expect(readTables(key, dir)).toBeNull();
  });

  it("keeps only the current key's file", () => {
    fs.writeFileSync(path.join(dir, `normalizer-tables-${"2".repeat(24)}.bin`), "old");
    writeTables(key, built, dir);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".bin"))).toEqual([`normalizer-tables-${key}.bin`]);
  });
});
