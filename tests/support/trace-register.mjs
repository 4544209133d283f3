// `node --import ./tests/support/trace-register.mjs …`: append every module URL the process resolves to
// $GRIDLINK_TRACE_FILE, so a test can check what a command loaded (jieba, Wechaty) without timing it. ESM
// resolutions are recorded as they happen (trace-hooks.mjs); CommonJS files loaded with require() — which the
// hooks do not see on Node 20 — are added from the require cache when the process exits.
import fs from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const file = process.env.GRIDLINK_TRACE_FILE;
register("./trace-hooks.mjs", import.meta.url, { data: { file } });
if (file) {
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => {
    const urls = Object.keys(cache).map((p) => pathToFileURL(p).href);
    if (urls.length) fs.appendFileSync(file, `${urls.join("\n")}\n`);
  });
}
