// The web admin end to end: Debian's Chromium (playwright-core) drives the built admin (web/admin/dist) served by
// a real app on a temp SQLite file and a unique Redis prefix. A resident's complaint comes in through the
// playground; a staff admin logs in, sees it counted on the dashboard, accepts it on the ticket board (the
// database moves), previews a broadcast and a poll, adds a keyword and tests a line; a street account sees its
// role, the masked number and the API's refusal, and a session ended on the server leads back to the login.
// Every wait is on a condition; the page must report no Content-Security-Policy violation.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

const CHROMIUM = "/usr/bin/chromium";
const PASSWORD = "admin-e2e-密码-2026";
const PHONE = "13812345678";
const TERM = "楼顶鸽笼";

let t: TestApp;
let browser: BrowserContext;
let profile: string;
let page: Page;
/** Content-Security-Policy violations and uncaught exceptions the page reported (there must be none). */
const violations: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ gateways: [playgroundGateway] });
  await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: "zhang", role: "admin", password: PASSWORD, name: "张主任" });
  // A resident's complaint, with a phone number, through the playground (the same intake as WeChat/Telegram).
  const res = await fetch(`${t.url}/api/playground/groups/lianhua-03/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "王阿姨", text: `3栋又停电了，什么时候来电？电话${PHONE}` }) });
  expect(res.status).toBe(202);
  await waitFor(() => t.app.prisma.ticket.findFirst(), { what: "the playground ticket" });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), "gridlink-chromium-"));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 900 },
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (err) => violations.push(`page error: ${err.message}`)); // an exception in the page fails the test too
  await page.exposeFunction("reportCsp", (v: string) => violations.push(v));
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => (window as unknown as { reportCsp(v: string): void }).reportCsp(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`)));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
  await t?.cleanup();
});

/** The admin API as the test's admin token sees it (what the page must agree with). */
const apiJson = async <T>(p: string, init: RequestInit = {}): Promise<T> => (await (await fetch(`${t.url}${p}`, { ...init, headers: { ...t.auth, "content-type": "application/json", ...(init.headers ?? {}) } })).json()) as T;

describe("the web admin in Chromium", () => {
  it("logs in, counts and accepts a playground ticket, previews a broadcast, adds and tests a keyword", { timeout: 50_000 }, async () => {
    const ticket = await t.app.prisma.ticket.findFirstOrThrow();

    // Not logged in: any admin page leads to the login form.
    await page.goto(`${t.url}/admin/tickets`);
    await page.waitForURL(/\/admin\/login/);
    await page.fill('input[name="username"]', "zhang");
    await page.fill('input[name="password"]', "wrong password");
    await page.click('[data-test="login"]');
    await page.waitForSelector('[data-test="login-error"]');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('[data-test="login"]');
    await page.waitForURL(/\/admin\/tickets$/); // back where it was going
    expect(await page.textContent('[data-test="role"]')).toContain("管理员");

    // The dashboard: the real count on its card, and the charts drawn on a canvas.
    await page.click('.el-menu-item:has-text("数据看板")');
    const total = (await apiJson<{ status: { total: number } }>("/api/stats")).status.total;
    expect(total).toBe(1);
    await page.waitForSelector(`[data-test="card-total"] .card-figure:text-is("${total}")`);
    await page.waitForSelector(".chart canvas");
    await page.waitForFunction(() => ((document.querySelector(".chart canvas") as HTMLCanvasElement | null)?.width ?? 0) > 0);
    await page.hover(".chart canvas", { position: { x: 300, y: 150 } }); // a tooltip, drawn on the canvas
    const shot = path.join(os.tmpdir(), "gridlink-admin-dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

    // The ticket board lists it (the phone number masked as the API sends it) and accepting it moves it in the DB.
    await page.click('.el-menu-item:has-text("工单")');
    const row = page.locator(".ticket-row", { hasText: ticket.number });
    await row.waitFor();
    expect(await page.textContent('[data-test="tickets"]')).not.toContain(PHONE);
    await page.fill('[data-test="filter-q"]', "停电");
    await page.keyboard.press("Enter");
    await row.waitFor();
    await row.locator("td", { hasText: "停电" }).hover(); // the cut-off text's tooltip
    await row.click();
    await page.waitForSelector('[data-test="detail"]');
    await page.click('[data-test="action-accept"]');
    await page.waitForSelector('[data-test="detail-status"]:text-is("已受理")');
    await waitFor(async () => (await t.app.prisma.ticket.findUnique({ where: { id: ticket.id } }))?.status === "accepted", { what: "the ticket accepted in the database" });
    // A move the cycle refuses shows the API's own message.
    await page.click('[data-test="action-resolve"]'); // resolve needs a note
    await page.waitForSelector('[data-test="action-error"]');
    expect(await page.textContent('[data-test="action-error"]')).toMatch(/note|说明|办结/);
    await page.keyboard.press("Escape");

    // Broadcast preview: the same count the API gives.
    await page.click('.el-menu-item:has-text("群发通知")');
    await page.fill('[data-test="broadcast-text"]', "明天上午9点到12点停水，请提前储水");
    await page.click('[data-test="preview"]');
    const expected = (await apiJson<{ groups: unknown[] }>("/api/broadcasts/preview", { method: "POST", body: JSON.stringify({ text: "明天上午停水", scope: "all" }) })).groups.length;
    expect(expected).toBe(20);
    await page.waitForSelector(`[data-test="preview-count"]:text-is("${expected}")`);
    expect(await t.app.prisma.broadcast.count()).toBe(0); // a preview stores nothing
    // The same text as a poll: options, a deadline typed in China time, and the notice the groups would read.
    await page.click('[data-test="poll-switch"]');
    await page.fill('[data-test="poll-options"]', "同意\n不同意");
    await page.fill(".poll-until input", "2030-12-05 18:00");
    await page.keyboard.press("Enter");
    await page.click('[data-test="preview"]');
    await page.waitForSelector('[data-test="broadcast-preview"] pre:has-text("1. 同意")');
    expect(await page.textContent(`[data-test="preview-count"]`)).toBe(String(expected));
    expect(await t.app.prisma.poll.count()).toBe(0);

    // Lexicon: a new keyword appears (in shadow mode), and the test box explains a line.
    await page.click('.el-menu-item:has-text("词库")');
    await page.waitForSelector('[data-test="terms"] .el-table__row');
    expect((await apiJson<{ terms: Array<{ term: string }> }>("/api/lexicon")).terms.some((x) => x.term === TERM)).toBe(false);
    await page.fill('[data-test="add-term"]', TERM);
    await page.click('[data-test="add-category"]');
    await page.click('.el-select-dropdown__item:visible:has-text("环境卫生")');
    await page.click('[data-test="add"]');
    await page.waitForSelector(`[data-test="terms"] .el-table__row:has-text("${TERM}")`);
    expect(await page.textContent(`[data-test="terms"] .el-table__row:has-text("${TERM}")`)).toContain("影子");
    const stored = await waitFor(() => t.app.prisma.lexiconTerm.findUnique({ where: { term: TERM } }).catch(() => null), { what: "the term in the database" });
    expect(stored.category).toBe("environment");

    const line = "3栋又停电了";
    const explained = (await apiJson<{ detection: { explanation: string; complaint: boolean } }>("/api/lexicon/test", { method: "POST", body: JSON.stringify({ text: line }) })).detection;
    expect(explained.complaint).toBe(true);
    await page.fill('[data-test="test-line"]', line);
    await page.click('[data-test="test"]');
    await page.waitForSelector('[data-test="test-result"]');
    expect(await page.textContent('[data-test="explanation"]')).toBe(explained.explanation);
    expect(await page.textContent('[data-test="test-result"]')).toContain("【停电】");

    // Log out: the session is gone server-side, and the next page asks for the login again.
    await page.click('[data-test="logout"]');
    await page.waitForURL(/\/admin\/login/);
    await page.goto(`${t.url}/admin/`);
    await page.waitForURL(/\/admin\/login/);

    // Under the server's strict Content-Security-Policy, nothing on any page was refused.
    expect(violations).toEqual([]);
  });

  it("shows a street account its role and the API's refusal, and a session ended on the server sends it to the login", { timeout: 30_000 }, async () => {
    await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: "wang", role: "street", scope: "莲花街道", password: PASSWORD, name: "王干事" });
    await page.goto(`${t.url}/admin/login`);
    await page.fill('input[name="username"]', "wang");
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('[data-test="login"]');
    await page.waitForSelector('[data-test="role"]:has-text("街道工作人员")');

    // Their street's ticket is on the board, its phone number masked (the page never unmasks).
    await page.click('.el-menu-item:has-text("工单")');
    const ticket = await t.app.prisma.ticket.findFirstOrThrow();
    await page.locator(".ticket-row", { hasText: ticket.number }).waitFor();
    expect(await page.textContent('[data-test="tickets"]')).toContain("138****5678");
    expect(await page.content()).not.toContain(PHONE);

    // Lexicon edits are admins': the form shows the API's own refusal.
    await page.click('.el-menu-item:has-text("词库")');
    await page.waitForSelector('[data-test="terms"] .el-table__row');
    await page.fill('[data-test="add-term"]', "楼顶鸽舍");
    await page.click('[data-test="add-category"]');
    await page.click('.el-select-dropdown__item:visible:has-text("环境卫生")');
    await page.click('[data-test="add"]');
    await page.waitForSelector('[data-test="add-error"]');
    expect(await page.textContent('[data-test="add-error"]')).toContain("may not lexicon.edit");
    expect(await t.app.prisma.lexiconTerm.count({ where: { term: "楼顶鸽舍" } })).toBe(0);

    // The session ends on the server (a password change, a revocation): the next call's 401 leads to the login.
    await t.app.prisma.staffSession.deleteMany({});
    await page.click('.el-menu-item:has-text("数据看板")');
    await page.waitForURL(/\/admin\/login\?next=/);
    expect(violations).toEqual([]);
  });
});
