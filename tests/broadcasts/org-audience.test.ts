// Audiences by the organisation tree: a street, a community or any node reaches every group in the grids under
// it — and no other — through the API preview, the chat command and the CLI.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlaygroundGateway, playgroundGateway, PLAYGROUND_STREET } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { seedOrg } from "../../core/org/org-tree.js";
import { createTestApp, TEST_REDIS_URL, waitFor, type TestApp } from "../helpers/harness.js";
import { runGridlink } from "../support/gridlink-process.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ gateways: [playgroundGateway] });
  // A second street with one community and two grids, three WeChat groups in them, one group in no grid.
  await seedOrg(t.app.prisma, [
    { kind: "street", name: "梅林街道" },
    { kind: "community", name: "梅林社区", parent: "梅林街道" },
    { kind: "grid", name: "梅林第一网格", parent: "梅林社区" },
    { kind: "grid", name: "梅林第二网格", parent: "梅林社区" },
  ]);
  await t.app.prisma.group.createMany({
    data: [
      { platform: "wechat", chatId: "ml1@chatroom", title: "梅林1栋群", grid: "梅林第一网格", enabled: true },
      { platform: "wechat", chatId: "ml2@chatroom", title: "梅林2栋群", grid: "梅林第一网格", enabled: true },
      { platform: "wechat", chatId: "ml3@chatroom", title: "梅林3栋群", grid: "梅林第二网格", enabled: true },
      { platform: "wechat", chatId: "x@chatroom", title: "未分网格群", enabled: true },
    ],
  });
  await waitFor(async () => (await t.app.prisma.group.count({ where: { platform: "playground" } })) === 20);
});
afterEach(async () => t?.cleanup());

const preview = async (scope: string) => {
  const res = await fetch(`${t.url}/api/broadcasts/preview`, { method: "POST", headers: { ...t.auth, "content-type": "application/json" }, body: JSON.stringify({ text: "明天停水", scope }) });
  return { status: res.status, body: (await res.json()) as { groups: Array<{ title: string }>; message?: string } };
};
const titles = (p: { groups: Array<{ title: string }> }) => p.groups.map((g) => g.title).sort();

describe("audience by the org tree", () => {
  it("API: street, community and node reach every group of the grids under them and nothing else", async () => {
    const street = await preview("street:梅林街道");
    expect(street.status).toBe(200);
    expect(titles(street.body)).toEqual(["梅林1栋群", "梅林2栋群", "梅林3栋群"]);

    const playgroundStreet = await preview(`street:${PLAYGROUND_STREET}`);
    expect(playgroundStreet.body.groups).toHaveLength(20);
    expect(titles(playgroundStreet.body).some((g) => g.startsWith("梅林"))).toBe(false);

    // A community of the tree: its grids' groups (the playground's groups also carry it as a column).
    expect(titles((await preview("community:梅林社区")).body)).toEqual(["梅林1栋群", "梅林2栋群", "梅林3栋群"]);
    expect((await preview("community:桃源社区")).body.groups).toHaveLength(10);

    const grid2 = await t.app.prisma.orgNode.findFirstOrThrow({ where: { name: "梅林第二网格" } });
    expect(titles((await preview(`node:${grid2.id}`)).body)).toEqual(["梅林3栋群"]);

    const unknown = await preview("street:不存在街道");
    expect(unknown.status).toBe(404);
  });

  it("chat: /broadcast 街道:<name> previews that street's groups and delivers only to them", async () => {
    await t.app.prisma.staff.create({ data: { platform: "playground", userId: "pg-主任", role: "admin", name: "王主任" } });
    const pg = t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
    const say = async (messageId: string, text: string) => {
      const msg: ChatMessage = { platform: "playground", chatId: "lianhua-01", messageId, sender: { id: "pg-主任", name: "王主任" }, text, sentAt: Date.now() };
      await t.app.queues.submit(msg);
    };
    await say("org-1", `/broadcast 街道:${PLAYGROUND_STREET} 明天上午停水`);
    const line = await waitFor(async () => (await pg.transcript("lianhua-01")).find((l) => l.from === "bot" && l.replyTo === "org-1"));
    expect(line.text).toContain("将发送到 20 个群");
    await say("org-2", "确认");
    const b = await waitFor(async () => {
      const row = await t.app.prisma.broadcast.findFirst({ include: { deliveries: { include: { group: true } } } });
      return row?.status === "done" ? row : undefined;
    }, 30_000);
    expect(b.scope).toBe(`street:${PLAYGROUND_STREET}`);
    expect(b.deliveries).toHaveLength(20);
    expect(b.deliveries.every((d) => d.group.platform === "playground" && d.status === "sent")).toBe(true);
  });

  it("CLI: gridlink broadcast preview --scope street:<name>", async () => {
    const env = { DATABASE_URL: t.config.DATABASE_URL, REDIS_URL: TEST_REDIS_URL, REDIS_AUTOSTART: "false", QUEUE_PREFIX: t.config.QUEUE_PREFIX, LOG_LEVEL: "silent" };
    const r = await runGridlink(["broadcast", "preview", "--scope", "street:梅林街道", "明天停水"], env);
    expect(r.code).toBe(0);
    expect(r.output).toContain("would send to 3 group(s)");
    for (const g of ["梅林1栋群", "梅林2栋群", "梅林3栋群"]) expect(r.output).toContain(g);
    expect(r.output).not.toContain("未分网格群");
  }, 120_000);
});
