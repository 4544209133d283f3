// Incident clustering in the complaint path, end to end through the playground: three residents in two groups
// of one grid reporting one outage make one ticket with three reporters (each told a neighbour reported it),
// while a near miss (another building, another category, another grid) opens its own ticket.
import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

let t: TestApp;
afterEach(async () => t?.cleanup());

type Line = { id: string; from: string; text: string; replyTo?: string };
const post = async (group: string, sender: string, text: string): Promise<string> => {
  const res = await fetch(`${t.url}/api/playground/groups/${group}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sender, text }) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { messageId: string }).messageId;
};
const transcript = async (group: string) => (await (await fetch(`${t.url}/api/playground/groups/${group}/messages`)).json()) as Line[];
/** Post and wait for the bot's reply to that message. */
const say = async (group: string, sender: string, text: string): Promise<Line> => {
  const id = await post(group, sender, text);
  return waitFor(async () => (await transcript(group)).find((l) => l.from === "bot" && l.replyTo === id));
};
type Detail = { number: string; reporters: Array<{ first: boolean; via: string; resident: string; group: { title: string }; text: string }> };
const detail = async (number: string, query = "") => (await (await fetch(`${t.url}/api/tickets/${number}${query}`, { headers: t.auth })).json()) as Detail;

describe("incident clustering in the complaint path", () => {
  it("three residents in two groups of one grid reporting one outage → one ticket, three reporters", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const first = await say("lianhua-01", "王阿姨", "停电了，整栋楼都黑了");
    const number = /#(A\d{4})/.exec(first.text)![1];
    const second = await say("lianhua-01", "李叔", "我家也停电了");
    const third = await say("lianhua-02", "张姐", "我们这边也停电了，电话13812345678");
    for (const r of [second, third]) expect(r.text).toBe(`已有邻居反映此问题，工单 #${number} 正在处理，处理进展会在群里通知您。`);
    const english = await say("lianhua-02", "Tom", "The power is out here too");
    expect(english.text).toBe(`A neighbour has already reported this: ticket #${number} is being handled, and updates will be posted in the group.`);

    expect(await t.app.prisma.ticket.count()).toBe(1);
    const d = await detail(number);
    expect(d.reporters.map((r) => [r.resident, r.group.title, r.first, r.via])).toEqual([
      ["王阿姨", "莲花社区1号楼业主群", true, "open"],
      ["李叔", "莲花社区1号楼业主群", false, "cluster"],
      ["张姐", "莲花社区2号楼业主群", false, "cluster"],
      ["Tom", "莲花社区2号楼业主群", false, "cluster"],
    ]);
    // Masked for everyone; an admin's ?raw=1 (audited) shows the number.
    expect(d.reporters[2].text).toContain("138****5678");
    expect((await detail(number, "?raw=1")).reporters[2].text).toContain("13812345678");
    // The same resident reporting again stays one reporter.
    await say("lianhua-01", "李叔", "还是停电，又停电了");
    expect((await detail(number)).reporters).toHaveLength(4);
  });

  it("a near miss opens its own ticket: another building, another category, another grid", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const numberOf = (l: Line) => /#(A\d{4})/.exec(l.text)?.[1];
    const a = numberOf(await say("lianhua-01", "王阿姨", "3栋停电了"));
    const b = await say("lianhua-01", "李叔", "5栋停电了");
    const c = await say("lianhua-01", "赵姐", "3栋垃圾没人清理，臭死了");
    const d = await say("taoyuan-01", "钱叔", "3栋停电了");
    const numbers = [a, numberOf(b), numberOf(c), numberOf(d)];
    expect(new Set(numbers).size).toBe(4);
    for (const r of [b, c, d]) expect(r.text).not.toContain("已有邻居");
    expect(await t.app.prisma.ticket.count()).toBe(4);
    expect(await t.app.prisma.ticketReporter.count()).toBe(4);
  });
});
