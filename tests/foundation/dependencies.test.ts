// Bug 11: csv-parse and wechaty-puppet-mock were runtime dependencies though only benches and tests use them.
// Runtime dependencies are exactly what runtime code (bin, bots, core, nlp, prisma.config.ts) imports, plus the
// tools the running product calls (the Prisma CLI for migrations, tsx to run the sources) and the generated client's runtime.

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/gridlink-process.js";

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const TOOLS = ["prisma", "tsx"];
/** The generated Prisma client (prisma/generated, not checked in) imports @prisma/client's runtime. */
const GENERATED = ["@prisma/client"];

function files(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? (d.name === "node_modules" ? [] : files(path.join(dir, d.name))) : /\.(ts|js|mjs)$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}

/** Bare package names imported (statically or dynamically) by runtime code. */
function runtimeImports(): Set<string> {
  const names = new Set<string>();
  for (const f of [...["bin", "bots", "core", "nlp"].flatMap(files), "prisma.config.ts"]) {
    const src = fs.readFileSync(path.join(ROOT, f), "utf8");
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require\(\s*)["']([^"'.][^"']*)["']/g)) {
      const spec = m[1];
      if (spec.startsWith("node:")) continue;
      names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
    }
  }
  return names;
}

describe("package.json", () => {
  it("lists as runtime dependencies only what runtime code imports (or the tools it runs)", () => {
    const used = runtimeImports();
    const unused = Object.keys(pkg.dependencies).filter((d) => !used.has(d) && !TOOLS.includes(d) && !GENERATED.includes(d));
    expect(unused).toEqual([]);
    expect(pkg.devDependencies).toHaveProperty("csv-parse");
    expect(pkg.devDependencies).toHaveProperty("wechaty-puppet-mock");
  });

  it("has every package runtime code imports in dependencies (not only in devDependencies)", () => {
    const missing = [...runtimeImports()].filter((d) => !(d in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
