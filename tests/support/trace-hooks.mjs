// Module hooks for trace-register.mjs: record each resolved URL (runs in the loader thread).
import fs from "node:fs";

let file;
export async function initialize(data) {
  file = data.file;
}
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (file) fs.appendFileSync(file, `${result.url}\n`);
  return result;
}
