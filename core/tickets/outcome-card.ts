// 晒单: the outcome card posted to every group a resolved ticket was reported in — what was reported (masked),
// who handled it, how long it took, the rating. Keyed per step and group: a replay posts nothing twice.

import { createOutbound } from "../outbox.js";
import type { Tx } from "../infra/rows.js";
import { rt, type Lang } from "../locale.js";
import { maskPersonal } from "../privacy.js";
import { findReporters } from "./find-reporters.js";

/** The card's text in one language. */
export function outcomeCardText(t: { number: string; text: string; assignee: string | null; createdAt: Date; closedAt: Date | null; rating: number | null }, lang: Lang): string {
  const m = rt(lang);
  const minutes = Math.max(0, Math.round(((t.closedAt ?? new Date()).getTime() - t.createdAt.getTime()) / 60_000));
  const what = maskPersonal(t.text.length > 60 ? `${t.text.slice(0, 60)}…` : t.text);
  const who = t.assignee ? maskPersonal(t.assignee.replace(/^(staff|system):/, "")) : lang === "zh" ? "网格员" : "the grid worker";
  return m.outcomeCard({ number: t.number, what, who, took: m.hours({ h: Math.floor(minutes / 60), m: minutes % 60 }), rating: t.rating ? `${t.rating}/5` : m.unrated });
}

/** Post the card to each group with a reporter of the ticket (Chinese unless every reporter there wrote English). */
export async function postOutcomeCard(opts: { tx: Tx; ticketId: number; eventId: number }): Promise<number[]> {
  const { tx } = opts;
  const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: opts.ticketId } });
  const reporters = await findReporters({ db: tx, ticketIds: [ticket.id] });
  const groups = new Map<number, { group: (typeof reporters)[number]["group"]; langs: Set<Lang> }>();
  for (const r of reporters) {
    if (!r.group.active) continue;
    const g = groups.get(r.group.id) ?? { group: r.group, langs: new Set<Lang>() };
    g.langs.add(r.lang);
    groups.set(r.group.id, g);
  }
  const ids: number[] = [];
  for (const { group, langs } of groups.values()) {
    const lang: Lang = langs.size === 1 && langs.has("en") ? "en" : "zh";
    ids.push(await createOutbound(tx, { key: `card-${opts.eventId}-g${group.id}`, platform: group.platform, groupId: group.id, kind: "notify", text: outcomeCardText(ticket, lang), ticketId: ticket.id }));
  }
  return ids;
}
