// The web admin end to end: Debian's Chromium (playwright-core) drives the built admin (web/admin/dist) served by
// a real app on a temp SQLite file and a unique Redis prefix. A resident's complaint comes in through the
// playground; a staff admin logs in, sees it counted on the dashboard, accepts it on the ticket board (the
// database moves), previews a broadcast and a poll, adds a keyword and tests a line; a street account sees its
// role, the masked number and the API's refusal (in Chinese: the page asks for zh-CN), and a session ended on the
// server leads back to the login. Then the admin dispatches one ticket to a grid leader and rates another, reads
// each period's figures on the dashboard cards exactly as /api/stats gives them, schedules a broadcast and cancels
// it from the recent list, pauses and resumes one mid-send, and promotes, disables and enables a keyword — each
// checked in the database. Last, the groups page: the admin filters the list and sets a group's tags (in the
// database), and a grid leader sees their grid's groups only and the API's refusal to move one to another grid.
// Every wait is on a condition; the page must report no Content-Security-Policy violation.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { chinaDay } from "../../core/broadcasts/china-time.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createApiToken } from "../../core/staff/sessions.js";
import { duration } from "../../web/admin/src/locale.js";
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
  /** Log in from the login page as name, and wait for the header to show the role. */
  async function logIn(name: string, role: string): Promise<void> {
    await page.goto(`${t.url}/admin/login`);
    await page.fill('input[name="username"]', name);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('[data-test="login"]');
    await page.waitForSelector(`[data-test="role"]:has-text("${role}")`);
  }

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
    // A move the cycle refuses shows the API's own message, in Chinese: the admin asks for zh-CN.
    const refusal = async (lang: string) => (await apiJson<{ message: string }>(`/api/tickets/${ticket.number}/resolve`, { method: "POST", body: "{}", headers: { "accept-language": lang } })).message;
    const [zhRefusal, enRefusal] = [await refusal("zh-CN,zh;q=0.9"), await refusal("en")];
    expect(zhRefusal).toMatch(/[\u4e00-\u9fff]/);
    expect(zhRefusal).not.toBe(enRefusal);
    await page.click('[data-test="action-resolve"]'); // resolve needs a note
    await page.waitForSelector('[data-test="action-error"]');
    expect((await page.textContent('[data-test="action-error"]'))?.trim()).toBe(zhRefusal);
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
    await logIn("wang", "街道工作人员");

    // Their street's ticket is on the board, its phone number masked (the page never unmasks).
    await page.click('.el-menu-item:has-text("工单")');
    const ticket = await t.app.prisma.ticket.findFirstOrThrow();
    await page.locator(".ticket-row", { hasText: ticket.number }).waitFor();
    expect(await page.textContent('[data-test="tickets"]')).toContain("138****5678");
    expect(await page.content()).not.toContain(PHONE);

    // Lexicon edits are admins': the form shows the API's own refusal, in Chinese as the page asks.
    await page.click('.el-menu-item:has-text("词库")');
    await page.waitForSelector('[data-test="terms"] .el-table__row');
    await page.fill('[data-test="add-term"]', "楼顶鸽舍");
    await page.click('[data-test="add-category"]');
    await page.click('.el-select-dropdown__item:visible:has-text("环境卫生")');
    await page.click('[data-test="add"]');
    await page.waitForSelector('[data-test="add-error"]');
    expect((await page.textContent('[data-test="add-error"]'))?.trim()).toBe("你的角色（街道工作人员）无权执行 lexicon.edit。");
    expect(await t.app.prisma.lexiconTerm.count({ where: { term: "楼顶鸽舍" } })).toBe(0);

    // The session ends on the server (a password change, a revocation): the next call's 401 leads to the login.
    await t.app.prisma.staffSession.deleteMany({});
    await page.click('.el-menu-item:has-text("数据看板")');
    await page.waitForURL(/\/admin\/login\?next=/);
    expect(violations).toEqual([]);
  });

  it("dispatches and rates tickets, schedules, cancels, pauses and resumes broadcasts, promotes and toggles a keyword, and shows each period's figures", { timeout: 60_000 }, async () => {
    const li = await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: "li", role: "grid_leader", scope: "莲花社区第一网格", password: PASSWORD, name: "李网格" });
    const first = await t.app.prisma.ticket.findFirstOrThrow({ where: { status: "accepted" } });
    const res = await fetch(`${t.url}/api/playground/groups/lianhua-05/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender: "赵大爷", text: "楼道里有人飞线充电，太危险了" }) });
    expect(res.status).toBe(202);
    const second = await waitFor(() => t.app.prisma.ticket.findFirst({ where: { id: { not: first.id } } }), { what: "the second playground ticket" });

    await logIn("zhang", "管理员");

    // Tickets: dispatch the new one to a named grid leader; resolve the accepted one and give it the resident's 4 stars (not the form's default 5).
    await page.click('.el-menu-item:has-text("工单")');
    await page.locator(".ticket-row", { hasText: second.number }).click();
    await page.waitForSelector(`.el-drawer__header:has-text("#${second.number}")`);
    await page.fill('[data-test="action-assignee"]', "li");
    await page.click('[data-test="action-dispatch"]');
    const dispatched = await waitFor(async () => { const x = await t.app.prisma.ticket.findUnique({ where: { id: second.id } }); return x?.status === "dispatched" ? x : null; }, { what: "the ticket dispatched in the database" });
    expect(dispatched.assigneeAccountId).toBe(li.id);
    await page.keyboard.press("Escape");
    await page.locator(".ticket-row", { hasText: first.number }).click();
    await page.waitForSelector(`.el-drawer__header:has-text("#${first.number}")`);
    await page.fill('[data-test="action-note"]', "已恢复供电");
    await page.click('[data-test="action-resolve"]');
    await page.waitForSelector('[data-test="action-rate"]');
    await page.click('[data-test="action-rating"] .el-rate__item:nth-child(4)');
    await page.click('[data-test="action-rate"]');
    const rated = await waitFor(async () => { const x = await t.app.prisma.ticket.findUnique({ where: { id: first.id } }); return x?.rating ? x : null; }, { what: "the rating in the database" });
    expect(rated.rating).toBe(4);
    expect(rated.status).toBe("published"); // 4 stars and up publish the outcome card (AUTO_PUBLISH_MIN_RATING)
    await page.keyboard.press("Escape");

    // The dashboard's cards are /api/stats for the chosen period: the rated ticket is moved 20 days back, so the
    // last 30 days count both tickets and its rating, the last 7 days only the new one.
    const back = new Date(Date.now() - 20 * 86_400_000);
    await t.app.prisma.ticket.update({ where: { id: first.id }, data: { createdAt: back, openedDay: chinaDay(back) } });
    type Stats = { status: Record<"total" | "open" | "overdue" | "resolved", number>; resolvedWithin24h: { share: number | null }; meanSecondsToAccept: number | null; meanSecondsToResolve: number | null; meanRating: number | null; ratings: number };
    const cardsOf = (s: Stats) => ({
      total: String(s.status.total), open: String(s.status.open), overdue: String(s.status.overdue), resolved: String(s.status.resolved),
      fast: s.resolvedWithin24h.share === null ? "—" : `${Math.round(s.resolvedWithin24h.share * 100)}%`,
      accept: duration(s.meanSecondsToAccept), resolve: duration(s.meanSecondsToResolve), rating: s.meanRating === null ? "—" : s.meanRating.toFixed(1),
    });
    const shown = () => page.$$eval('[data-test^="card-"]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-test")!.slice(5), e.querySelector(".card-figure")?.textContent?.trim() ?? ""])));
    const periods: Array<[number, string]> = [[30, "近 30 天"], [7, "近 7 天"]];
    const seen: Record<string, string>[] = [];
    await page.click('.el-menu-item:has-text("数据看板")');
    for (const [days, label] of periods) {
      await page.click(`.el-radio-button:has-text("${label}")`);
      const expected = cardsOf(await apiJson<Stats>(`/api/stats?from=${new Date(Date.now() - days * 86_400_000).toISOString()}`));
      await page.waitForSelector(`[data-test="card-total"] .card-figure:text-is("${expected.total}")`);
      expect(await shown()).toEqual(expected);
      seen.push(expected);
    }
    expect(seen[0]).toMatchObject({ total: "2", rating: "4.0" });
    expect(seen[1]).toMatchObject({ total: "1", rating: "—" });

    // Broadcasts: one scheduled from the page (China time) is cancelled from the recent list; one mid-send is
    // paused and resumed. (Its "sending" state is set in the database: the playground delivers to its 20 groups
    // faster than a click.)
    await page.click('.el-menu-item:has-text("群发通知")');
    await page.fill('[data-test="broadcast-text"]', "下周一上午小区消防演练");
    await page.click('[data-test="schedule-switch"]');
    await page.fill(".schedule-at input", "2030-12-05 09:00");
    await page.keyboard.press("Enter");
    await page.click('[data-test="preview"]');
    await page.waitForSelector('[data-test="preview-count"]:text-is("20")');
    await page.click('[data-test="send"]');
    const later = await waitFor(() => t.app.prisma.broadcast.findFirst({ where: { text: { contains: "消防演练" } } }), { what: "the scheduled broadcast" });
    expect(later.status).toBe("scheduled");
    expect(later.scheduledAt?.toISOString()).toBe("2030-12-05T01:00:00.000Z"); // 09:00 in China
    const held = await apiJson<{ id: number; status: string }>("/api/broadcasts", { method: "POST", body: JSON.stringify({ text: "周六下午社区义诊", scope: "all", at: "2030-12-06 14:00" }) });
    await t.app.prisma.broadcast.update({ where: { id: held.id }, data: { status: "sending", scheduledAt: null } });
    const statusOf = async (id: number) => (await t.app.prisma.broadcast.findUniqueOrThrow({ where: { id } })).status;
    await page.click('.el-menu-item:has-text("数据看板")'); // back to the list, which now has both
    await page.click('.el-menu-item:has-text("群发通知")');
    await page.click(`[data-test="cancel-B${later.id}"]`);
    await waitFor(async () => (await statusOf(later.id)) === "cancelled", { what: "the scheduled broadcast cancelled" });
    await page.waitForSelector(`[data-test="cancel-B${later.id}"]`, { state: "detached" });
    await page.click(`[data-test="pause-B${held.id}"]`);
    await waitFor(async () => (await statusOf(held.id)) === "paused", { what: "the broadcast paused" });
    await page.click(`[data-test="resume-B${held.id}"]`);
    await waitFor(async () => ["sending", "done"].includes(await statusOf(held.id)), { what: "the broadcast resumed" });

    // Lexicon: the shadow keyword added earlier is promoted, then disabled and enabled again.
    const term = async () => t.app.prisma.lexiconTerm.findUniqueOrThrow({ where: { term: TERM } });
    expect(await term()).toMatchObject({ shadow: true, enabled: true });
    await page.click('.el-menu-item:has-text("词库")');
    await page.fill('[data-test="lexicon-search"]', TERM);
    await page.click(`[data-test="promote-${TERM}"]`);
    await waitFor(async () => !(await term()).shadow, { what: "the keyword promoted" });
    await page.click(`[data-test="disable-${TERM}"]`);
    await waitFor(async () => !(await term()).enabled, { what: "the keyword disabled" });
    await page.click(`[data-test="enable-${TERM}"]`);
    await waitFor(async () => (await term()).enabled, { what: "the keyword enabled again" });
    expect((await apiJson<{ terms: Array<{ term: string; shadow: boolean; enabled: boolean }> }>("/api/lexicon")).terms.find((x) => x.term === TERM)).toMatchObject({ shadow: false, enabled: true });
    expect(violations).toEqual([]);
  });
  it("lists and filters the groups, edits a group's tags, and shows a grid leader the API's refusal to move a group out of their grid", { timeout: 40_000 }, async () => {
    const home = await t.app.prisma.group.findFirstOrThrow({ where: { chatId: "lianhua-05" } });
    const otherGrid = (await t.app.prisma.group.findFirstOrThrow({ where: { grid: { not: home.grid } } })).grid!;
    await logIn("zhang", "管理员");
    await page.click('.el-menu-item:has-text("群组")');
    const all = await apiJson<unknown[]>("/api/groups");
    await page.waitForSelector(`[data-test="groups-count"]:text-is("共 ${all.length} 个群")`);
    // Element Plus speaks Chinese (zh-CN through ElConfigProvider): an empty filter result reads 暂无数据.
    await page.fill('[data-test="groups-search"]', "没有这个群");
    await page.waitForSelector('[data-test="groups"] .el-table__empty-text:text-is("暂无数据")');
    await page.fill('[data-test="groups-search"]', home.title);
    await page.waitForSelector('[data-test="groups-count"]:text-is("共 1 个群")');

    // The admin sets two tags; the database has them, and so does the row.
    await page.click(`[data-test="edit-${home.chatId}"]`);
    await page.fill('[data-test="edit-tags"]', "加装电梯，Old-Estate");
    await page.click('[data-test="group-save"]');
    await waitFor(async () => (await t.app.prisma.group.findUniqueOrThrow({ where: { id: home.id } })).tags === "old-estate,加装电梯", { what: "the group's tags in the database" });
    await page.waitForSelector('.group-row:has-text("加装电梯"):has-text("old-estate")');
    await page.fill('[data-test="groups-search"]', "加装电梯"); // the filter finds a group by its tag too
    await page.waitForSelector('[data-test="groups-count"]:text-is("共 1 个群")');

    // A grid leader sees their grid's groups only, and moving one to another grid is the API's to refuse.
    await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: "zhou", role: "grid_leader", scope: home.grid!, password: PASSWORD, name: "周网格" });
    await logIn("zhou", "网格长");
    await page.click('.el-menu-item:has-text("群组")');
    await page.waitForSelector(`[data-test="groups-count"]:text-is("共 ${await t.app.prisma.group.count({ where: { grid: home.grid } })} 个群")`);
    await page.click(`[data-test="edit-${home.chatId}"]`);
    await page.fill('[data-test="edit-grid"]', otherGrid);
    await page.click('[data-test="group-save"]');
    await page.waitForSelector('[data-test="group-error"]');
    const { token } = await createApiToken({ db: t.app.prisma, actor: cliActor("setup"), name: "leader-token", role: "grid_leader", scope: home.grid! });
    const refused = await fetch(`${t.url}/api/groups/${home.id}`, { method: "PATCH", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "accept-language": "zh-CN" }, body: JSON.stringify({ grid: otherGrid }) });
    expect(refused.status).toBe(403);
    expect((await page.textContent('[data-test="group-error"]'))?.trim()).toBe(((await refused.json()) as { message: string }).message);
    expect((await t.app.prisma.group.findUniqueOrThrow({ where: { id: home.id } })).grid).toBe(home.grid);
    expect(violations).toEqual([]);
  });
});
