// Bug 4 (and Reliability finding 8): phone and ID numbers in every written form are masked everywhere masking
// applies — the API (ticket text, reporter, group title, event notes), the playground transcript (text and
// sender), the replies in a group, and every log line. One table of formats drives every place.

import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { PlaygroundGateway, playgroundGateway } from "../../bots/playground/index.js";
import { createLogger } from "../../core/infra/log.js";
import { maskPersonal } from "../../core/privacy.js";
import { createTestApp, type TestApp } from "../helpers/harness.js";
import { waitFor } from "../support/wait-for.js";

/** [written form, what it must become]. */
const FORMATS: Array<[string, string]> = [
  ["13812345678", "138****5678"],
  ["138-1234-5678", "138****5678"],
  ["138 1234 5678", "138****5678"],
  ["+86 13812345678", "+86 138****5678"],
  ["+86-138-1234-5678", "+86-138****5678"],
  ["(+86)139 8765 4321", "(+86)139****4321"],
  ["１３８１２３４５６７８", "138****5678"],
  ["010-12345678", "010-****5678"],
  ["(010) 1234 5678", "(010) ****5678"],
  ["0755-88881234", "0755-****1234"],
  ["110105194912310021", "110105********0021"],
  ["110105 19491231 002X", "110105********002X"],
  ["110105-1949-1231-002x", "110105********002X"],
];

describe("maskPersonal", () => {
  it.each(FORMATS)("%s → %s", (raw, masked) => {
    expect(maskPersonal(`电话${raw}，`)).toBe(`电话${masked}，`);
  });

  it.each(["A0012 号工单", "3栋2单元501", "2024年12月1日", "价格 138 元", "订单号 1234567890123456789"])("leaves %s alone", (text) => {
    expect(maskPersonal(text)).toBe(text);
  });
});

describe("every log line", () => {
  it.each(FORMATS)("masks %s in messages and fields", (raw, masked) => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger("info", sink);
    log.info({ sender: `王阿姨${raw}`, nested: { text: `电话 ${raw}` } }, `来电 ${raw}`);
    const line = lines.join("");
    expect(line).not.toContain(raw);
    expect(line).toContain(JSON.stringify(masked).slice(1, -1));
  });
});

let t: TestApp;
afterEach(async () => t?.cleanup());

describe("the API, the transcript and the replies", () => {
  it("mask every format in ticket text, reporter name, group title, event notes and the playground transcript", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const pg = t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
    const chats = FORMATS.map((_, i) => (i < 10 ? `lianhua-${String(i + 1).padStart(2, "0")}` : `taoyuan-${String(i - 9).padStart(2, "0")}`));
    for (const [i, [raw]] of FORMATS.entries()) {
      const res = await fetch(`${t.url}/api/playground/groups/${chats[i]}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sender: `王${raw}`, text: `${i + 1}栋又停电了，什么时候来电？电话${raw}` }), // one building each: separate incidents
      });
      expect(res.status).toBe(202);
    }
    await waitFor(async () => (await t.app.prisma.outboundMessage.count({ where: { status: "sent" } })) === FORMATS.length, 30_000);
    // After intake (which keeps titles current): a group title carrying a number too (Reliability finding 8).
    for (const [i, [raw]] of FORMATS.entries()) await t.app.prisma.group.updateMany({ where: { chatId: chats[i] }, data: { title: `业主群 联系${raw}` } });
    const staff = await t.app.prisma.ticket.findMany({ orderBy: { id: "asc" } });
    await t.app.prisma.ticketEvent.createMany({ data: staff.map((tk, i) => ({ ticketId: tk.id, fromStatus: "open", toStatus: "accepted", actor: "staff:李网格", note: `回电 ${FORMATS[i][0]}` })) });

    const list = await (await fetch(`${t.url}/api/tickets?pageSize=200`, { headers: t.auth })).text();
    const groups = await (await fetch(`${t.url}/api/groups`, { headers: t.auth })).text();
    for (const [i, [raw, masked]] of FORMATS.entries()) {
      const detail = await (await fetch(`${t.url}/api/tickets/${staff[i].number}`, { headers: t.auth })).text();
      const transcript = await (await fetch(`${t.url}/api/playground/groups/${chats[i]}/messages`)).text();
      for (const [where, body] of Object.entries({ list, groups, detail, transcript })) {
        expect(body, `${raw} in ${where}`).not.toContain(raw);
        expect(body, `${raw} in ${where}`).toContain(masked);
      }
      // The reply in the group quotes the resident with the number masked, under a masked name.
      const reply = (await pg.transcript(chats[i])).find((l) => l.from === "bot")!;
      const row = await t.app.prisma.outboundMessage.findFirst({ where: { platformMessageId: reply.id } });
      expect(row?.replyExcerpt).not.toContain(raw);
      expect(row?.replyToName).toBe(`王${masked}`);
    }
  }, 60_000);
});
