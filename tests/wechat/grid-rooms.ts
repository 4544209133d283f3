// One grid of WeChat rooms on wechaty-puppet-mock with the real app: the bot logged in, every room enabled and in
// the grid, its leader a grid_leader account; and every send as the puppet was asked for it (room, text, mentions).

import { wechatGatewayWith, type WechatGateway } from "../../bots/wechat/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount } from "../../core/staff/accounts.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";
import type { MockWorld } from "./mock-world.js";

const GRID = "莲花社区第一网格";
const FAST = { WECHAT_MIN_GAP_MS: "0", WECHAT_MAX_GAP_MS: "0", WECHAT_SAME_ROOM_GAP_MS: "0" };

export interface AskedSend {
  roomId: string;
  text: string;
  mentions: string[];
}

/** Start the app on the world's puppet (no pacing), log in, and make the world's `rooms` rooms one grid led by `leader`. */
export async function startGridRooms(world: MockWorld, opts: { rooms: number; leader: { id: string }; leaderName: string }): Promise<{ t: TestApp; gw: WechatGateway; asked: AskedSend[] }> {
  const asked: AskedSend[] = [];
  const send = world.puppet.messageSendText.bind(world.puppet);
  world.puppet.messageSendText = async (id: string, text: string, mentionIds?: string[]) => {
    asked.push({ roomId: id, text, mentions: mentionIds ?? [] });
    return send(id, text);
  };
  const t = await createTestApp({ env: FAST, gateways: [wechatGatewayWith({ puppet: world.puppet })] });
  const db = t.app.prisma;
  const gw = t.app.gateways.find((g) => g.platform === "wechat") as WechatGateway;
  world.login();
  await waitFor(() => gw.primary.health.status === "logged_in");
  await waitFor(async () => (await db.group.count({ where: { platform: "wechat" } })) === opts.rooms);
  const grid = await db.orgNode.create({ data: { kind: "grid", name: GRID } });
  await db.group.updateMany({ where: { platform: "wechat" }, data: { enabled: true, grid: GRID, gridNodeId: grid.id } });
  await addAccount({ db, actor: cliActor("setup"), username: "li", role: "grid_leader", scope: GRID, name: opts.leaderName, identities: [{ platform: "wechat", userId: opts.leader.id }] });
  return { t, gw, asked };
}
