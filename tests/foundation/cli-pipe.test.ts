// `gridlink … | head`: the reader closes the pipe early. A one-shot command stops quietly with exit code 0
// instead of printing an unhandled EPIPE stack trace.

import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/gridlink-process.js";

describe("a CLI command whose reader closes the pipe", () => {
  it("exits 0 without an EPIPE stack trace", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `${i}号楼又停电了`);
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "gridlink.js"), "classify", ...lines], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Like `head -1`: read the first chunk, then close our end of the pipe.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE/);
    expect(code).toBe(0);
  }, 120_000);
});
