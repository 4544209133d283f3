// 派单: a ticket goes to the person who will handle it — named by hand, or by its grid's rule (auto: its grid
// leader; first: offered to every grid leader, the first to accept owns it; manual: nobody until a leader picks).

import { AppError } from "../infra/errors.js";
import type { TicketDetail, Tx } from "../infra/rows.js";
import { t, type Lang } from "../locale.js";
import { authorize, type Actor } from "../policy/authorize.js";
import { accountGrids, findStaffByName, gridLeaders, gridNodeOf, type TicketStaff } from "./ticket-owners.js";
import { transitionTicket, type TransitionResult } from "./transition-ticket.js";

/** How a grid's new tickets are dispatched (OrgNode.dispatchMode; absent = auto). */
export const DISPATCH_MODES = ["auto", "first", "manual"] as const;
/** One of them. */
export type DispatchMode = (typeof DISPATCH_MODES)[number];

/** The dispatch rule of a grid (auto when the grid has no node or no rule). */
export async function dispatchModeOf(db: Tx, group: { id: number; grid: string | null }): Promise<DispatchMode> {
  const nodeId = await gridNodeOf(db, group);
  const node = nodeId === null ? null : await db.orgNode.findUnique({ where: { id: nodeId }, select: { dispatchMode: true } });
  return (DISPATCH_MODES as readonly string[]).includes(node?.dispatchMode ?? "") ? (node!.dispatchMode as DispatchMode) : "auto";
}

/** Options of dispatchTicket. */
export interface DispatchTicketOptions {
  tx: Tx;
  actor: Actor;
  ticket: TicketDetail;
  /** A staff username or name; absent: by the grid's rule (manual grids fall back to auto when asked explicitly). */
  assignee?: string;
  note?: string;
  /** True when called on opening: a manual grid then dispatches nothing. */
  onOpen?: boolean;
  now?: Date;
  lang?: Lang;
}

/** What a dispatch did: the move, to whom (one assignee, or every leader it was offered to), and how. */
export interface DispatchResult extends TransitionResult {
  assignees: TicketStaff[];
  mode: "assigned" | "offered";
}

/**
 * Dispatch a ticket. A named assignee must look after the ticket's grid; without one the grid's rule decides.
 * Returns null when nothing was dispatched (a manual grid on opening, or no grid leader on opening).
 */
export async function dispatchTicket(opts: DispatchTicketOptions): Promise<DispatchResult | null> {
  const { tx, actor, ticket } = opts;
  const lang = opts.lang ?? "zh";
  const m = t(lang);
  authorize(actor, "ticket.dispatch", { kind: "ticket", grid: ticket.group.grid, number: ticket.number }, lang);
  let assignees: TicketStaff[];
  let mode: DispatchResult["mode"] = "assigned";
  if (opts.assignee) {
    const who = await findStaffByName(tx, opts.assignee);
    if (!who) throw new AppError("not_found", { message: `no staff account "${opts.assignee}"`, userMessage: m.noSuchStaff({ name: opts.assignee }) });
    const grids = await accountGrids(tx, who.accountId);
    if (grids && (!ticket.group.grid || !grids.includes(ticket.group.grid))) {
      throw new AppError("bad_request", { message: `${who.username} does not cover grid ${ticket.group.grid}`, userMessage: m.assigneeOutOfGrid({ name: who.name, number: ticket.number }) });
    }
    assignees = [who];
  } else {
    const rule = await dispatchModeOf(tx, ticket.group);
    if (opts.onOpen && rule === "manual") return null;
    const leaders = await gridLeaders(tx, ticket.group.grid);
    if (leaders.length === 0) {
      if (opts.onOpen) return null;
      throw new AppError("bad_request", { message: `grid ${ticket.group.grid} has no grid leader`, userMessage: m.noLeaderToDispatch({ number: ticket.number }) });
    }
    if (rule === "first" && leaders.length > 1) {
      mode = "offered";
      assignees = leaders;
    } else assignees = [leaders[0]];
  }
  const one = mode === "assigned" ? assignees[0] : undefined;
  const result = await transitionTicket({
    tx, ticket, actor, to: "dispatched", note: opts.note ?? (one ? one.name : undefined), policy: "ticket.dispatch", now: opts.now, lang,
    data: { assignee: one ? `staff:${one.name}` : null, assigneeAccountId: one?.accountId ?? null },
    auditAction: "ticket.dispatch",
    auditAfter: { assignees: assignees.map((a) => a.username), mode },
  });
  return { ...result, assignees, mode };
}
