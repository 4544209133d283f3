// A detected complaint: store the message, then either join an open ticket of the same incident (a neighbour
// reported it already: incident clustering) or open a ticket — and queue the reply that quotes the resident.
// One transaction.

import type { Detection } from "../../nlp/index.js";
import type { Group, Tx } from "../infra/rows.js";
import { toStringList } from "../infra/rows.js";
import { serializeOn } from "../infra/db.js";
import { categoryLabel, langOf, rt, t } from "../locale.js";
import { createOutbound } from "../outbox.js";
import type { ChatMessage } from "../ports/chat.js";
import { maskPersonal } from "../privacy.js";
import { addReporter } from "../tickets/add-reporter.js";
import { CLUSTERABLE_STATUSES, pickCluster, type ClusterItem } from "../tickets/cluster.js";
import { openTicket } from "../tickets/open-ticket.js";
import { clip, ensureResident, storeOnce, type IntakeDeps, type IntakeOutcome } from "./shared.js";

const DEFAULT_CLUSTER_WINDOW_MS = 2 * 60 * 60_000;

/** The open ticket of the same incident this complaint joins, if any: candidates of its category in its grid
 * (or its own group when it has no grid) opened within the window, decided by core/tickets/cluster.ts. */
async function clusterTarget(tx: Tx, complaint: ClusterItem, windowMs: number) {
  const rows = await tx.ticket.findMany({
    where: {
      category: complaint.category,
      status: { in: [...CLUSTERABLE_STATUSES] },
      createdAt: { gte: new Date(complaint.at.getTime() - windowMs) },
      ...(complaint.grid ? { group: { grid: complaint.grid } } : { groupId: complaint.groupId }),
    },
    include: { group: { select: { grid: true } } },
    orderBy: { id: "desc" },
    take: 20,
  });
  const candidates = rows.map((r) => ({ id: r.id, number: r.number, text: r.text, category: r.category, keywords: toStringList(r.keywords), groupId: r.groupId, grid: r.group.grid, at: r.createdAt }));
  return pickCluster(complaint, candidates, { windowMs });
}

/** Open the ticket for a complaint in an enabled group, or join the open ticket of the same incident. */
export async function handleComplaint(deps: IntakeDeps, msg: ChatMessage, text: string, group: Group, detection: Detection & { category: string }): Promise<IntakeOutcome> {
  const { prisma } = deps;
  const lang = langOf(text);
  const clipped = clip(text, deps.maxStoredChars);
  const keywords = [...new Set(detection.keywords.map((k) => k.term))];
  const windowMs = deps.clusterWindowMs ?? DEFAULT_CLUSTER_WINDOW_MS;
  const result = await storeOnce(deps, msg, () =>
    prisma.$transaction(async (tx) => {
      await serializeOn(tx, "intake:complaint"); // join-or-open below is one decision at a time (as on SQLite)
      const resident = await ensureResident(tx, msg.platform, msg.sender.id, msg.sender.name);
      const row = await tx.message.create({
        data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: resident.id, kind: "complaint", text: clipped.text, truncated: clipped.truncated, sentAt: new Date(msg.sentAt) },
      });
      const replyTo = { messageId: msg.messageId, senderName: maskPersonal(resident.displayName), excerpt: maskPersonal(text.slice(0, 30)) };
      const mention = { userId: msg.sender.id, name: resident.displayName };
      // Arrival time, not the platform's timestamp: a delayed delivery still meets the ticket it belongs to.
      const complaint: ClusterItem = { text: clipped.text, category: detection.category, keywords, groupId: group.id, grid: group.grid, at: new Date() };
      const cluster = await clusterTarget(tx, complaint, windowMs);
      if (cluster) {
        await addReporter({ tx, ticketId: cluster.ticket.id, groupId: group.id, residentId: resident.id, sourceMessageId: row.id, via: "cluster", lang });
        // On the ticket's history (status unchanged): who joined and why they were judged the same incident.
        const { status } = await tx.ticket.findUniqueOrThrow({ where: { id: cluster.ticket.id }, select: { status: true } });
        await tx.ticketEvent.create({
          data: { ticketId: cluster.ticket.id, fromStatus: status, toStatus: status, actor: `resident:${resident.displayName}`, note: `reporter joined (${cluster.reason})` },
        });
        const id = await createOutbound(tx, {
          key: `reply-${row.id}`, platform: msg.platform, groupId: group.id, kind: "reply", text: rt(lang).clusterJoined({ number: cluster.ticket.number }),
          ticketId: cluster.ticket.id, sourceMessageId: row.id, replyTo, mention,
        });
        return { outboundId: id, ticketNumber: cluster.ticket.number, joined: true, staffOutbounds: [] as number[], followUp: undefined };
      }
      const ticket = await openTicket({
        tx,
        prefix: deps.ticketPrefix,
        groupId: group.id,
        reporterId: resident.id,
        sourceMessageId: row.id,
        text: clipped.text,
        category: detection.category,
        severity: detection.severity,
        keywords,
        origin: "detector",
        actor: `resident:${resident.displayName}`,
        lang,
      });
      const id = await createOutbound(tx, {
        key: `reply-${row.id}`,
        platform: msg.platform,
        groupId: group.id,
        kind: "reply",
        text: t(lang).ticketOpened({ keyword: keywords[0] ?? categoryLabel(detection.category, lang), category: categoryLabel(detection.category, lang), number: ticket.number }),
        ticketId: ticket.id,
        sourceMessageId: row.id,
        replyTo,
        mention,
      });
      return { outboundId: id, ticketNumber: ticket.number, joined: false, staffOutbounds: ticket.staffOutbounds, followUp: { ticketId: ticket.id, seq: ticket.clockSeq } };
    }),
  );
  if ("duplicate" in result) return result.duplicate;
  const { outboundId, ticketNumber, joined, staffOutbounds, followUp } = result.stored;
  await deps.queues.enqueueOutbound(msg.platform, outboundId);
  if (staffOutbounds.length) await deps.queues.enqueueOutboundRows(await prisma.outboundMessage.findMany({ where: { id: { in: staffOutbounds } }, select: { id: true, platform: true } }));
  if (followUp) await deps.afterTicketSteps?.([followUp]);
  deps.log.info({ platform: msg.platform, chatId: msg.chatId, ticket: ticketNumber, category: detection.category }, joined ? "complaint joined an open ticket" : "ticket opened");
  return joined ? { action: "joined", ticketNumber } : { action: "ticket", ticketNumber };
}
