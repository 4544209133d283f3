// Staff hear of a ticket where they work: a private message on Telegram (their account's Telegram identity), and
// a message mentioning them in their grid's staff rooms (groups marked staffRoom, e.g. a WeChat room of the grid's
// workers). The web admin lists "my tickets" (GET /api/tickets?mine=1). Rows commit with the step; queued after.

import { ensureDirectChat } from "../groups/registry.js";
import { createOutbound } from "../outbox.js";
import { toPlatform, type TicketDetail, type Tx } from "../infra/rows.js";
import { categoryLabel, rt, t, tierLabel } from "../locale.js";
import { maskPersonal } from "../privacy.js";
import { formatChinaTime } from "../broadcasts/china-time.js";
import { durationLabel } from "./sla.js";
import type { TicketStaff } from "./ticket-owners.js";

/** One thing to tell one staff member about a ticket. */
export interface StaffNotice {
  staff: TicketStaff;
  /** assigned: it is yours; offered: the first to accept owns it; escalated: your tier owns it now; warning/breach: SLA. */
  kind: "assigned" | "offered" | "escalated" | "warning" | "breach" | "reopened";
  tier?: string;
  reason?: string;
  /** warning/breach: the phase; warning: its deadline. */
  phase?: "accept" | "resolve";
  due?: Date | null;
  /** assigned/offered/escalated: the SLA's accept time in minutes (shown as "within 1 h"). */
  minutes?: number;
}

/** Options of notifyStaff. */
export interface NotifyStaffOptions {
  tx: Tx;
  ticket: TicketDetail;
  /** Keys the rows (one per event, person and chat): a replay creates nothing twice. */
  eventId: number | string;
  notices: StaffNotice[];
}

/** The private chat with a Telegram user: a direct Group row (never an audience), created on first use. */
const directChat = async (tx: Tx, platform: string, userId: string, name: string): Promise<number> => (await ensureDirectChat(tx, platform, userId, name)).id;

/** The text of one notice (Chinese; staff-facing). */
function noticeText(ticket: TicketDetail, n: StaffNotice): string {
  const lang = "zh";
  const m = t(lang);
  const base = { number: ticket.number, category: categoryLabel(ticket.category, lang), group: maskPersonal(ticket.group.title), text: maskPersonal(ticket.text.slice(0, 120)), due: n.minutes ? durationLabel(n.minutes) : "-" };
  const phase = n.phase === "resolve" ? m.phaseResolve : m.phaseAccept;
  switch (n.kind) {
    case "assigned": return m.assignedToYou(base);
    case "offered": return m.offeredToYou(base);
    case "escalated": return m.escalatedToYou({ ...base, tier: tierLabel(n.tier ?? "", lang), reason: maskPersonal(n.reason ?? "-") });
    case "warning": return m.slaWarning({ number: ticket.number, phase, due: n.due ? formatChinaTime(n.due) : "-" });
    case "breach": return m.slaBreached({ number: ticket.number, phase, tier: tierLabel(n.tier ?? "", lang) });
    case "reopened": return rt(lang).assigneeReopened({ number: ticket.number, note: maskPersonal(n.reason ?? "-") });
  }
}

/** Queue the notices; returns the outbound row ids. A person with no Telegram identity and no staff room hears it on the web only. */
export async function notifyStaff(opts: NotifyStaffOptions): Promise<number[]> {
  const { tx, ticket } = opts;
  const ids: number[] = [];
  if (opts.notices.length === 0) return ids;
  const rooms = ticket.group.grid ? await tx.group.findMany({ where: { staffRoom: true, active: true, direct: false, grid: ticket.group.grid }, orderBy: { id: "asc" } }) : [];
  for (const n of opts.notices) {
    const text = noticeText(ticket, n);
    const identities = await tx.staff.findMany({ where: { accountId: n.staff.accountId }, orderBy: { id: "asc" } });
    const key = `staff-${opts.eventId}-${n.kind}-a${n.staff.accountId}`;
    for (const idn of identities.filter((i) => i.platform === "telegram")) {
      const groupId = await directChat(tx, idn.platform, idn.userId, n.staff.name);
      ids.push(await createOutbound(tx, { key: `${key}-dm${groupId}`, platform: "telegram", groupId, kind: "notify", text, ticketId: ticket.id }));
    }
    for (const room of rooms) {
      const idn = identities.find((i) => i.platform === room.platform);
      if (!idn) continue;
      ids.push(await createOutbound(tx, { key: `${key}-room${room.id}`, platform: toPlatform(room.platform), groupId: room.id, kind: "notify", text, ticketId: ticket.id, mention: { userId: idn.userId, name: n.staff.name } }));
    }
  }
  return ids;
}
