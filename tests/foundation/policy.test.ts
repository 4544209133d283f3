// The one permission check: ranks, a leader's grid, and the message that says which of the two refused.

import { describe, expect, it } from "vitest";
import { AppError } from "../../core/infra/errors.js";
import { authorize, decide, type Action, type Actor } from "../../core/policy/authorize.js";

const resident: Actor = { role: "resident", name: "王阿姨", channel: "chat" };
const leader: Actor = { role: "grid_leader", grid: "莲花社区第一网格", name: "李网格", channel: "chat" };
const gridless: Actor = { role: "grid_leader", grid: null, name: "赵网格", channel: "chat" };
const admin: Actor = { role: "admin", name: "alice", channel: "cli" };

describe("decide", () => {
  it.each<[Actor, Action, string | null | undefined, string | undefined]>([
    [resident, "command.resident", undefined, undefined],
    [resident, "ticket.transition", "莲花社区第一网格", "role"],
    [leader, "ticket.transition", "莲花社区第一网格", undefined],
    [leader, "ticket.transition", "桃源社区第二网格", "grid"],
    [leader, "group.update", null, "grid"],
    [leader, "broadcast.create", undefined, undefined],
    [leader, "staff.manage", undefined, "role"],
    [gridless, "ticket.transition", "桃源社区第二网格", undefined],
    [admin, "ticket.transition", "桃源社区第二网格", undefined],
    [admin, "queue.retry", undefined, undefined],
  ])("%o may %s on grid %s → %s", (actor, action, grid, refusal) => {
    expect(decide(actor, action, grid === undefined ? {} : { grid })?.reason).toBe(refusal);
  });
});

describe("authorize", () => {
  const refusal = (fn: () => void): AppError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof AppError) return err;
    }
    throw new Error("expected a refusal");
  };
  it("says why: the role, the ticket's grid, the group's grid or the broadcast's grid", () => {
    expect(refusal(() => authorize(resident, "broadcast.create")).userMessage).toMatch(/只有网格员或管理员/);
    expect(refusal(() => authorize(leader, "ticket.read", { kind: "ticket", grid: "桃源社区第二网格", number: "A0007" })).userMessage).toBe("工单 #A0007 不在您负责的网格内。");
    expect(refusal(() => authorize(leader, "group.update", { kind: "group", grid: "桃源社区第二网格" })).userMessage).toBe("本群不在您负责的网格内。");
    expect(refusal(() => authorize(leader, "broadcast.create", { kind: "broadcast", grid: "桃源社区第二网格" }, "en")).userMessage).toContain("莲花社区第一网格");
    expect(refusal(() => authorize(resident, "ticket.list")).code).toBe("forbidden");
  });
});
