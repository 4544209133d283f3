// `gridlink broadcast preview|send --at "…"`: the time is typed in China time and shown back in China time
// (it was printed as a UTC ISO string, eight hours off from what was typed).

import { afterEach, describe, expect, it } from "vitest";
import { playgroundGateway } from "../../bots/playground/index.js";
import { createTestApp, gridlinkCli, type TestApp } from "../helpers/harness.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});


describe("a scheduled broadcast from the CLI", () => {
  it("shows its start in China time, as typed", async () => {
    t = await createTestApp({ gateways: [playgroundGateway] });
    const year = new Date().getUTCFullYear() + 1;
    expect(await gridlinkCli(t, "broadcast", "preview", "--scope", "groups:1", "--at", `${year}-03-02 08:00`, "明天上午停水")).toMatch(new RegExp(`^would send to 1 group\\(s\\) .*, starting ${year}-03-02 08:00 China time\\n`));
    expect(await gridlinkCli(t, "broadcast", "send", "--no-watch", "--scope", "groups:1", "--at", `${year}-03-02 08:00`, "明天上午停水")).toMatch(new RegExp(`^B1 scheduled: 1 group\\(s\\), ETA 0 s, starts ${year}-03-02 08:00 China time\\n`));
    const b = await t.app.prisma.broadcast.findUniqueOrThrow({ where: { id: 1 } });
    expect(b.scheduledAt?.toISOString()).toBe(`${year}-03-02T00:00:00.000Z`);
  }, 60_000);
});
