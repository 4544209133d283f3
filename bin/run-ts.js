#!/usr/bin/env node
// Runs a TypeScript script (bench, eval) with tsx: `node bin/run-ts.js bench/intake.ts [args…]`.
import { register } from "tsx/esm/api";
import path from "node:path";
import { pathToFileURL } from "node:url";

register();
const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error("usage: node bin/run-ts.js <script.ts> [args…]");
  process.exit(2);
}
process.argv = [process.argv[0], script, ...rest];
await import(pathToFileURL(path.resolve(script)).href);
