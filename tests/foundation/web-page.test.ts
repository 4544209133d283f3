// Bug 8: the web page asked for /api/wechat/login every second (a 404 each time) although WeChat was off.
// Runs the page's own script in a VM with a stand-in DOM and a recording fetch.

import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/gridlink-process.js";
import { waitFor } from "../support/wait-for.js";

const script = fs.readFileSync(path.join(ROOT, "web", "app.js"), "utf8");

/** An element that accepts whatever the page does to it. */
const element = (): unknown =>
  new Proxy(function () {}, { get: (_t, k) => (k === "closest" || k === "addEventListener" ? () => null : k === "dataset" ? {} : k === "scrollTop" || k === "clientHeight" || k === "scrollHeight" ? 0 : element()), set: () => true, apply: () => element() });

/** Run the page with /healthz reporting these gateways; return the paths it fetched over `ticks` ticks. */
async function pageRequests(gateways: Record<string, unknown>, ticks = 3): Promise<string[]> {
  const requests: string[] = [];
  let tick: (() => Promise<void>) | undefined;
  const respond = (body: unknown, status = 200) => ({ ok: status < 400, status, statusText: "", json: async () => body });
  const fetch = async (p: string) => {
    requests.push(p);
    if (p === "/healthz") return respond({ status: "ok", gateways });
    if (p === "/api/playground/groups") return respond([{ id: "lianhua-01", title: "莲花社区1号楼业主群", grid: "莲花社区第一网格" }]);
    if (p.startsWith("/api/tickets")) return respond({ items: [] });
    if (p === "/api/wechat/login") return gateways.wechat ? respond({ status: "logged_in", user: { name: "网格助手" } }) : respond({ error: "not_found" }, 404);
    return respond([]);
  };
  const context = vm.createContext({
    document: { querySelector: () => element() },
    location: { hash: "" },
    fetch,
    setInterval: (fn: () => Promise<void>) => ((tick = fn), 1),
    console,
    Promise,
    Map,
    Date,
    String,
    Boolean,
    encodeURIComponent,
  });
  vm.runInContext(script, context);
  await waitFor(() => tick !== undefined && requests.includes("/api/playground/groups"));
  await waitFor(() => requests.filter((r) => r.startsWith("/api/tickets")).length >= 1); // the first tick ran
  for (let i = 0; i < ticks; i++) await tick!();
  return requests;
}

describe("the web page", () => {
  it("never asks for the WeChat login when the server runs no WeChat gateway", async () => {
    const requests = await pageRequests({ playground: { running: true } });
    expect(requests.filter((r) => r.startsWith("/api/tickets")).length).toBeGreaterThanOrEqual(4);
    expect(requests).not.toContain("/api/wechat/login");
  });

  it("shows the WeChat login when a WeChat gateway runs", async () => {
    const requests = await pageRequests({ wechat: { primary: { status: "logged_in" } } });
    expect(requests.filter((r) => r === "/api/wechat/login").length).toBeGreaterThanOrEqual(3);
  });
});
