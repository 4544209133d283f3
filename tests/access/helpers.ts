// Access test helpers: an app with the playground (its street, two communities, two grids), one account per role,
// a logged-in cookie for each, and a ticket in each grid.

import type { PlaygroundGateway } from "../../bots/playground/index.js";
import { playgroundGateway } from "../../bots/playground/index.js";
import { cliActor } from "../../core/policy/authorize.js";
import { addAccount, type StaffRole } from "../../core/staff/accounts.js";
import type { GatewayFactory } from "../../core/ports/index.js";
import { createTestApp, waitFor, type TestApp } from "../helpers/harness.js";

/** The password every test account gets (tests only). */
export const PASSWORD = "correct horse battery staple";
export const GRID_1 = "莲花社区第一网格";
export const GRID_2 = "桃源社区第二网格";

/** Who acts in the matrix: no session, then one account per role. */
export const WHO = ["none", "viewer", "grid_leader", "street", "admin"] as const;
export type Who = (typeof WHO)[number];

/** An app with one account per role (leader of grid 1, street of the whole street) and a ticket in each grid; `gateways` adds more (the WeChat mock). */
export async function accessWorld(env: Record<string, string> = {}, gateways: GatewayFactory[] = []) {
  const t: TestApp = await createTestApp({ gateways: [playgroundGateway, ...gateways], env });
  const scopes: Record<StaffRole, string | undefined> = { admin: undefined, street: "莲花街道", grid_leader: GRID_1, viewer: undefined };
  for (const role of ["viewer", "grid_leader", "street", "admin"] as const) {
    await addAccount({ db: t.app.prisma, actor: cliActor("setup"), username: role, role, scope: scopes[role], password: PASSWORD, name: `${role}-name`, identities: [{ platform: "playground", userId: `pg-${role}-chat` }] });
  }
  const cookies: Record<Who, Record<string, string>> = { none: {} } as Record<Who, Record<string, string>>;
  for (const role of ["viewer", "grid_leader", "street", "admin"] as const) cookies[role] = await login(t.url, role);
  await t.app.queues.submit({ platform: "playground", chatId: "lianhua-01", messageId: "acc-1", sender: { id: "pg-王阿姨", name: "王阿姨" }, text: "3栋又停电了，什么时候来电？", sentAt: Date.now() });
  await t.app.queues.submit({ platform: "playground", chatId: "taoyuan-01", messageId: "acc-2", sender: { id: "pg-李叔", name: "李叔" }, text: "楼道里有人飞线充电，太危险了", sentAt: Date.now() });
  const tickets = await waitFor(async () => {
    const rows = await t.app.prisma.ticket.findMany({ include: { group: true } });
    return rows.length === 2 ? rows : undefined;
  });
  const ticketIn = (grid: string) => tickets.find((x) => x.group.grid === grid)!.number;
  const pg = () => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;
  return { t, cookies, ticket1: ticketIn(GRID_1), ticket2: ticketIn(GRID_2), pg };
}

/** Log in and return headers carrying the session cookie and our Origin (as the page would send them). */
export async function login(url: string, username: string, password = PASSWORD): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  return { cookie, origin: url };
}
