// What Gridlink knows that may answer a question: the asker's tickets, the group's open incident, recent
// notices in that group, an FAQ entry, an offer to register awaiting "登记". Read-only, only for the intent at
// hand (chatter never gets here), in as few queries as it can: a progress question costs one ticket query, one
// for the last staff notes of what it shows, and the group's notices from the cache.
import type { Db } from "../infra/db.js";
import { OPEN_STATUSES } from "../tickets/find-tickets.js";
import type { Tx } from "../infra/rows.js";
import { conceptsOf, createRetriever, placesIn, type Concept, type Intent } from "../../nlp/index.js";
import type { FaqMatch, LiveFaq } from "./faq-live.js";
import { readNotices, type NoticeCache } from "./notice-cache.js";

/** A ticket as the assistant shows it. */
export interface TicketFact {
  id: number;
  number: string;
  category: string;
  status: string;
  text: string;
  assignee: string | null;
  reporterId: number;
  groupId: number;
  createdAt: Date;
  closedAt: Date | null;
  /** The last note a staff member wrote (progress, resolution), with its time. */
  lastNote?: { at: Date; note: string };
}

/** A notice delivered to the group. */
export interface NoticeFact {
  broadcastId: number;
  text: string;
  at: Date;
  score: number;
}

/** Everything decideMessage may use; absent fields were not looked up or found nothing. */
export interface KnownFacts {
  /** The ticket named by number, when one was named (null: named but not found or not visible). */
  numbered?: TicketFact | null;
  /** The asker's ticket that best fits the question. */
  mine?: TicketFact;
  /** How many other open tickets the asker has. */
  mineOpenOthers?: number;
  /** The group's open (or just resolved) incident that fits the question. */
  incident?: TicketFact;
  notice?: NoticeFact;
  faq?: FaqMatch;
  /** The asker's last "shall I register it?" offer still waiting (for 登记). */
  offer?: { replyId: number; messageRowId: number; text: string; createdAt: Date };
  /** The asker's ticket a feedback line is about. */
  feedbackTicket?: TicketFact;
}

/** Where to look and for whom. */
export interface FactScope {
  prisma: Db | Tx;
  groupId: number;
  residentId?: number;
  ticketPrefix: string;
  noticeDays: number;
  faq: LiveFaq;
  /** Read the group's notices from this cache, keyed by the notice version of the line's context. */
  notices?: { cache: NoticeCache; version: string };
  now?: Date;
}

const DAY = 86_400_000;
/** An offer to register stays open this long. */
export const OFFER_MINUTES = 30;
/** Feedback is about a ticket resolved (or touched) this recently. */
const FEEDBACK_DAYS = 7;
/** A resolved ticket still answers "修好了吗" this long. */
const RESOLVED_ANSWER_DAYS = 14;
/** A resolved group incident still answers its neighbours' "什么时候来电" this long. */
const INCIDENT_RESOLVED_HOURS = 24;
/** Closed statuses whose ticket still answers a progress question (within the windows above). */
const CLOSED_ANSWERED = ["resolved", "rated", "published"];

type TicketRow = Awaited<ReturnType<Db["ticket"]["findFirstOrThrow"]>>;
type Note = { at: Date; note: string };

/** The last staff note of each ticket (one query for all the tickets an answer may show). */
async function lastNotes(prisma: Db | Tx, ids: number[]): Promise<Map<number, Note>> {
  const out = new Map<number, Note>();
  if (ids.length === 0) return out;
  const events = await prisma.ticketEvent.findMany({ where: { ticketId: { in: ids }, actor: { startsWith: "staff:" }, note: { not: null } }, orderBy: { id: "desc" }, select: { ticketId: true, note: true, createdAt: true } });
  for (const e of events) if (!out.has(e.ticketId)) out.set(e.ticketId, { at: e.createdAt, note: e.note! });
  return out;
}

function toFact(t: TicketRow, notes: Map<number, Note>): TicketFact {
  const staffNote = notes.get(t.id);
  return {
    id: t.id, number: t.number, category: t.category, status: t.status, text: t.text, assignee: t.assignee?.replace(/^staff:/, "") ?? null,
    reporterId: t.reporterId, groupId: t.groupId, createdAt: t.createdAt, closedAt: t.closedAt,
    lastNote: staffNote,
  };
}

/** Does a ticket fit the question: same service named (when the question names one), no other place named. */
function fits(t: { text: string }, intent: Intent): boolean {
  if (intent.concepts.length) {
    const mine = conceptsOf(t.text);
    if (!intent.concepts.some((c: Concept) => mine.includes(c))) return false;
  }
  if (intent.places.length) {
    const places = placesIn(t.text);
    if (places.length && !intent.places.some((p) => places.includes(p))) return false;
  }
  return true;
}

const isOpen = (status: string) => (OPEN_STATUSES as string[]).includes(status);

/** Look up what the intent needs. */
export async function gatherFacts(scope: FactScope, intent: Intent, text: string): Promise<KnownFacts> {
  const { prisma } = scope;
  const now = scope.now ?? new Date();
  const known: KnownFacts = {};

  if (intent.kind === "register") {
    if (scope.residentId === undefined) return known;
    const offer = await prisma.assistantReply.findFirst({
      where: { groupId: scope.groupId, residentId: scope.residentId, outcome: "unknown", registeredTicketId: null, createdAt: { gte: new Date(now.getTime() - OFFER_MINUTES * 60_000) } },
      orderBy: { id: "desc" },
    });
    if (offer) {
      const msg = await prisma.message.findUnique({ where: { id: offer.messageRowId }, select: { text: true } });
      if (msg) known.offer = { replyId: offer.id, messageRowId: offer.messageRowId, text: msg.text, createdAt: offer.createdAt };
    }
    return known;
  }

  if (intent.kind === "faq") {
    known.faq = scope.faq.match(text);
    return known;
  }

  if (intent.kind === "feedback") {
    if (scope.residentId === undefined) return known;
    const where = intent.ticketNumbers.length
      ? { number: { in: intent.ticketNumbers }, reporterId: scope.residentId }
      : { reporterId: scope.residentId, groupId: scope.groupId, updatedAt: { gte: new Date(now.getTime() - FEEDBACK_DAYS * DAY) }, status: { not: "dismissed" } };
    const rows = await prisma.ticket.findMany({ where, orderBy: { id: "desc" }, take: 10 });
    const fitting = rows.filter((t) => fits(t, intent));
    // A verdict is about the ticket the bot last closed for them; an open one only when nothing was closed.
    const pick = fitting.find((t) => t.status === "resolved" || t.status === "rated" || t.status === "published") ?? fitting.find((t) => isOpen(t.status));
    if (pick) known.feedbackTicket = toFact(pick, new Map());
    return known;
  }

  // progress | notice
  if (intent.ticketNumbers.length) {
    const t = await prisma.ticket.findUnique({ where: { number: intent.ticketNumbers[0] } });
    const visible = t && (t.reporterId === scope.residentId || t.groupId === scope.groupId);
    known.numbered = visible ? toFact(t, await lastNotes(prisma, [t.id])) : null;
    return known;
  }
  // The asker's tickets and the group's incidents in one query (split below), the notices from the cache.
  const mineSince = new Date(now.getTime() - RESOLVED_ANSWER_DAYS * DAY);
  const groupSince = new Date(now.getTime() - INCIDENT_RESOLVED_HOURS * 3_600_000);
  const recent = (since: Date) => ({ closedAt: { gte: since }, status: { in: CLOSED_ANSWERED } });
  const rows = await prisma.ticket.findMany({
    where: {
      OR: [
        ...(scope.residentId === undefined ? [] : [{ reporterId: scope.residentId, OR: [{ status: { in: OPEN_STATUSES } }, recent(mineSince)] }]),
        { groupId: scope.groupId, OR: [{ status: { in: OPEN_STATUSES } }, recent(groupSince)] },
      ],
    },
    orderBy: { id: "desc" },
    take: 50,
  });
  const within = (t: TicketRow, since: Date) => isOpen(t.status) || (t.closedAt !== null && t.closedAt >= since && CLOSED_ANSWERED.includes(t.status));
  const mineRows = scope.residentId === undefined ? [] : rows.filter((t) => t.reporterId === scope.residentId && within(t, mineSince));
  const groupRows = rows.filter((t) => t.groupId === scope.groupId && within(t, groupSince));
  const notices = scope.notices ? await scope.notices.cache.forGroup(prisma, scope.groupId, scope.notices.version, now) : await readNotices(prisma, scope.groupId, scope.noticeDays, now);

  const mineFit = mineRows.filter((t) => fits(t, intent));
  const mine = mineFit.find((t) => isOpen(t.status)) ?? mineFit[0];
  const groupFit = groupRows.filter((t) => fits(t, intent));
  const incident = intent.concepts.length ? groupFit.find((t) => isOpen(t.status)) ?? groupFit[0] : groupFit.filter((t) => isOpen(t.status)).length === 1 ? groupFit.find((t) => isOpen(t.status)) : undefined;
  const notes = await lastNotes(prisma, [mine?.id, incident?.id].filter((x): x is number => x !== undefined));
  if (mine) {
    known.mine = toFact(mine, notes);
    known.mineOpenOthers = intent.concepts.length ? 0 : mineRows.filter((t) => t.id !== mine.id && isOpen(t.status)).length;
  }
  // The group's incident (above): one that fits the service asked about, or the only open one when none is named.
  if (incident) known.incident = toFact(incident, notes);

  const best = bestNotice(notices, intent, text);
  if (best) known.notice = best;
  return known;
}

/**
 * The notice that answers a question: same service (when the question names one, the notice must too), no
 * other building named, and words in common (TF-IDF cosine) — the newest of equally good ones.
 */
export function bestNotice(notices: Array<{ broadcastId: number; text: string; at: Date }>, intent: Intent, question: string): NoticeFact | undefined {
  const candidates = notices.filter((n) => fits(n, intent));
  if (candidates.length === 0) return undefined;
  const index = createRetriever(candidates.map((n, i) => ({ id: String(i), texts: [n.text] })));
  const scores = new Map(index.search(question, { limit: candidates.length }).map((h) => [Number(h.id), h.score]));
  let best: NoticeFact | undefined;
  candidates.forEach((n, i) => {
    const words = scores.get(i) ?? 0;
    // A named service shared is a match on its own (停电通知 answers 几点来电); otherwise words must be shared.
    const score = (intent.concepts.length ? 0.5 : 0) + words;
    if (score < 0.2) return;
    if (!best || score > best.score || (score === best.score && n.at > best.at)) best = { ...n, score };
  });
  return best;
}
