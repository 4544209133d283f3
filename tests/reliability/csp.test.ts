// Finding 9: every answer carries a strict Content-Security-Policy (no inline script or style, no other
// origin, no framing), and the playground page still works under it: it has no inline code left, and the
// script and style it references are served from this origin.

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createTestApp, type TestApp } from "../helpers/harness.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const directives = (csp: string) => new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([k, ...v]) => [k, v] as const));

describe("Content-Security-Policy", () => {
  it("the page, its assets and the API are served with a strict CSP that the page itself satisfies", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const page = await fetch(`${t.url}/`);
    const csp = page.headers.get("content-security-policy") ?? "";
    const d = directives(csp);
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("script-src")).toEqual(["'self'"]);
    expect(d.get("style-src")).toEqual(["'self'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");

    // The page complies: no inline script, style, style attribute or event-handler attribute.
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=|\son[a-z]+\s*=/i);
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(expect.arrayContaining(["/app.js", "/app.css"]));
    for (const ref of refs) {
      expect(ref.startsWith("/")).toBe(true); // same origin only
      const res = await fetch(`${t.url}${ref}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(ref.endsWith(".js") ? /javascript/ : /text\/css/);
    }
    // The script builds markup with innerHTML: none of it may rely on inline styles or handlers either.
    const script = await (await fetch(`${t.url}/app.js`)).text();
    expect(script).not.toMatch(/style="|\son[a-z]+="/);
    expect((await fetch(`${t.url}/api/playground/groups`)).headers.get("content-security-policy")).toBe(csp);
  });
});
