// Bug 9: every WeChat message logged "WARN Contact weixin() is deprecated" with a stack trace. The sender's
// WeChat ID is read with handle() and still becomes an alias the staff registry matches.

import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createWechatGateway, type WechatGateway } from "../../bots/wechat/gateway.js";
import { fakeHost, mockWorld, until, wechatConfig } from "../wechat/mock-world.js";

let gw: WechatGateway | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await gw?.stop();
  gw = undefined;
  await close?.();
});

describe("a WeChat room message", () => {
  it("carries the sender's WeChat ID as an alias without the deprecated weixin() warning", async () => {
    const world = mockWorld();
    const h = fakeHost(`th${randomBytes(5).toString("hex")}`);
    close = h.close;
    gw = createWechatGateway(h.host, wechatConfig(), { puppet: world.puppet, printQr: false });
    await gw.start();
    world.login();
    await until(() => gw!.primary.health.status === "logged_in", 5000, "login");
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args.map(String).join(" ")));
    const wang = world.mocker.createContact({ id: "wxid_wang", name: "王阿姨", handle: "wang-ayi-1953" } as never);
    const room = world.room("莲花社区1号楼业主群", [wang]);
    wang.say("3栋又停电了，什么时候来电？").to(room);
    await until(() => h.record.submitted.length === 1, 5000, "the submit");
    expect(h.record.submitted[0].sender).toMatchObject({ id: "wxid_wang", name: "王阿姨", aliases: ["wang-ayi-1953"] });
    expect(errors.filter((e) => /weixin\(\)|deprecated/.test(e))).toEqual([]);
  });
});
