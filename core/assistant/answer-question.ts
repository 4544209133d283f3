// The assistant's use case: one non-command group line → recognise the intent (pure), look up the facts it
// needs, decide (decide.ts), and answer once — a quoted reply in the asker's language, stored with the
// message it answers so a replayed job re-queues it instead of answering twice. Per-group rate limit.
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { ChatMessage } from "../ports/chat.js";
import type { Db } from "../infra/db.js";
import type { Lang } from "../locale.js";
import type { Logger } from "../infra/log.js";
import { createOutbound } from "../outbox.js";
import { maskPersonal } from "../privacy.js";
import type { Queues } from "../infra/queues.js";
import { openTicket } from "../tickets/open-ticket.js";
import { addReporter } from "../tickets/add-reporter.js";
import { CLUSTERABLE_STATUSES } from "../tickets/cluster.js";
import type { CycleSettings } from "../tickets/cycle-settings.js";
import { findTicket } from "../tickets/find-tickets.js";
import { recordRating } from "../tickets/record-rating.js";
import { AppError } from "../infra/errors.js";
import type { Tx } from "../infra/rows.js";
import { rt } from "../locale.js";
import { CONCEPT_CATEGORY, conceptsOf, type Detection, type IntentRecogniser } from "../../nlp/index.js";
import { composeAnswer, composeFeedback, composeRegistered, type ComposedAnswer } from "./compose-answer.js";
import { decideMessage, type Decision } from "./decide.js";
import { gatherFacts } from "./facts.js";
import type { LiveFaq } from "./faq-live.js";
import type { LlmPhraser } from "./llm.js";
import type { NoticeCache } from "./notice-cache.js";
import { readSenderContext, type SenderContext } from "./sender-context.js";

/** What the assistant did with a line intake handed it (intake returns it as the job's outcome). */
export type AssistantOutcome =
  | { action: "answered"; intent: string; outcome: string; source?: string; ticketNumber?: string }
  | { action: "ignored"; reason: string }
  | { action: "duplicate"; requeued: number };

/**
 * The hook's verdict for intake: handled (an outcome), a complaint to ticket (with this detection), or not ours.
 * `seen` is what the assistant already read about the line (group, replay, sender), so intake need not read it again.
 */
export type AssistantRoute = { outcome: AssistantOutcome } | { complaint?: Detection; seen: SenderContext } | undefined;

/** What answerQuestion needs. */
export interface AssistantDeps {
  prisma: Db;
  queues: Queues;
  log: Logger;
  recogniser: IntentRecogniser;
  faq: LiveFaq;
  /** The groups' confirmed notices, cached per notice version. */
  notices: NoticeCache;
  /** Per-group limiter: one point per answer. */
  limiter: RateLimiterAbstract;
  /** Re-classify a registered question for its category. */
  detect(text: string): Detection;
  phraser?: LlmPhraser;
  ticketPrefix: string;
  maxStoredChars: number;
  noticeDays: number;
  timeZone: string;
  /** The ticket cycle's residents' side settings (a satisfied reply may auto-publish). @defaultValue DEFAULT_CYCLE_SETTINGS */
  cycleSettings?: CycleSettings;
  /** Bound on Redis calls (the limiter) so a Redis outage fails the job instead of hanging it. @defaultValue 3000 */
  redisTimeoutMs?: number;
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "P2002";

/** Reply language: the asker's own (English only when they wrote English). */
const langOf = (text: string): Lang => (/[\u3400-\u9fff]/.test(text) || !/[A-Za-z]{2,}/.test(text) ? "zh" : "en");

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms); })]).finally(() => clearTimeout(timer));
}

/**
 * Handle one line if it is the assistant's. Chatter returns undefined after a pure classification (no
 * database work); lines the decision leaves to intake's complaint path return what was read (`seen`).
 */
export async function answerQuestion(deps: AssistantDeps, msg: ChatMessage, detection: Detection): Promise<AssistantRoute> {
  if (msg.edited) return undefined; // edits update stored complaints; never a second answer
  const text = msg.text;
  const intent = deps.recogniser.recognise(text);
  if (intent.kind === "none") return undefined;

  const { prisma } = deps;
  // One round trip: the group, a replay's stored row, the sender, the notice version (sender-context.ts).
  const seen = await readSenderContext(prisma, msg);
  const { group, resident } = seen;
  // Residents' questions only: a staff room (the grid's staff at work) gets no answers; intake ignores the line.
  if (!group.enabled || group.staffRoom) return { seen };
  if (seen.messageRowId !== null) return { outcome: await requeue(deps, seen.messageRowId) };

  const known = await gatherFacts({ prisma, groupId: group.id, residentId: resident?.id, ticketPrefix: deps.ticketPrefix, noticeDays: deps.noticeDays, faq: deps.faq, notices: { cache: deps.notices, version: seen.noticeVersion } }, intent, text);
  const decision = decideMessage({ intent, detection, known });
  const log = { platform: msg.platform, chatId: msg.chatId, intent: intent.kind, decision: decision.action };
  if (decision.action === "pass") {
    deps.log.debug({ ...log, reason: decision.reason }, "assistant: not ours");
    return { seen };
  }
  if (decision.action === "complaint") return { complaint: decision.detection, seen };

  // === One answer per group per slot: a busy group never gets a flood of bot replies.
  try {
    await withTimeout(deps.limiter.consume(String(group.id)), deps.redisTimeoutMs ?? 3000, "rate limiter");
  } catch (err) {
    if (err instanceof Error) throw err; // Redis trouble: the job's retry handles it
    // A complaint is never silenced by the limit: it goes to intake's complaint path (a ticket and its reply).
    if (detection.complaint && detection.category) {
      deps.log.info(log, "assistant: group rate limit reached; the complaint goes to intake");
      return { seen };
    }
    deps.log.info(log, "assistant: group rate limit reached; not answering");
    return { outcome: { action: "ignored", reason: "assistant rate limit" } };
  }

  const lang = intent.lang === "en" ? "en" : langOf(text);
  const composed = compose(decision, lang, deps.timeZone);
  let reply = composed.text;
  let phrasedBy = "template";
  if (deps.phraser && decision.action === "answer" && decision.facts.kind !== "unknown") {
    const p = await deps.phraser.phrase({ question: text, template: composed.text, facts: composed.facts, ticketNumbers: composed.ticketNumbers, lang });
    reply = p.text;
    phrasedBy = p.by;
  }

  const clipped = text.length > deps.maxStoredChars ? text.slice(0, deps.maxStoredChars) : text;
  let stored: { outboundId: number; outcome: AssistantOutcome };
  const extraOutbounds: number[] = [];
  try {
    stored = await prisma.$transaction(async (tx) => {
      // The sender as the context read them: created when new, renamed when their name changed.
      const res = !resident
        ? // one INSERT … ON CONFLICT (a same-value update): a first question and a first complaint at once share the row
          await tx.resident.upsert({ where: { platform_userId: { platform: msg.platform, userId: msg.sender.id } }, create: { platform: msg.platform, userId: msg.sender.id, displayName: msg.sender.name || msg.sender.id }, update: { userId: msg.sender.id }, select: { id: true, displayName: true } })
        : msg.sender.name && msg.sender.name !== resident.displayName
          ? await tx.resident.update({ where: { id: resident.id }, data: { displayName: msg.sender.name }, select: { id: true, displayName: true } })
          : resident;
      const row = await tx.message.create({
        data: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId, groupId: group.id, residentId: res.id, kind: "enquiry", text: clipped, truncated: clipped.length < text.length, sentAt: new Date(msg.sentAt) },
      });
      let outcome = decision.action === "answer" ? (decision.facts.kind === "unknown" || decision.facts.kind === "ticket_not_found" ? "unknown" : "answered") : decision.action === "feedback" ? "feedback" : "registered";
      if (decision.action === "answer" && decision.facts.kind === "ticket_not_found") outcome = "not_found";
      let ticketId = composed.ticketId;
      let registeredTicketId: number | undefined;
      let ticketNumber = composed.ticketNumbers[0];
      if (decision.action === "feedback") {
        ticketId = decision.ticket.id;
        // 评单 from the words: on a resolved ticket 「谢谢，来电了」 rates it satisfied (5) and 「还是没修好」 reopens
        // it (as 不满意, 1) — through the ticket cycle's rating service; otherwise the verdict is a note on its history.
        const rated = await rateFromFeedback(tx, decision.ticket.number, decision.feedback, res, clipped, deps.cycleSettings);
        if (rated) extraOutbounds.push(...rated);
        else {
          await tx.ticketEvent.create({
            data: { ticketId: decision.ticket.id, fromStatus: decision.ticket.status, toStatus: decision.ticket.status, actor: `resident:${res.displayName}`, note: `${decision.feedback === "satisfied" ? "feedback:satisfied" : "feedback:not_fixed (reopen requested)"} — ${maskPersonal(clipped.slice(0, 100))}` },
          });
        }
      }
      // 「怎么还没来电，都三天了」 about an open ticket: an enquiry on it, and the asker becomes one of its reporters.
      if (decision.action === "answer" && decision.facts.kind === "ticket" && intent.grievance && (CLUSTERABLE_STATUSES as readonly string[]).includes(decision.facts.ticket.status)) {
        const joined = await addReporter({ tx, ticketId: decision.facts.ticket.id, groupId: group.id, residentId: res.id, sourceMessageId: row.id, via: "enquiry", lang });
        if (joined.added) reply = `${reply}\n${rt(lang).enquiryJoined({ number: decision.facts.ticket.number })}`;
      }
      if (decision.action === "register") {
        const original = decision.offer.text;
        const d = deps.detect(original);
        const concept = conceptsOf(original)[0];
        const category = d.category ?? (concept ? CONCEPT_CATEGORY[concept] : "other");
        const ticket = await openTicket({
          tx,
          prefix: deps.ticketPrefix, groupId: group.id, reporterId: res.id, sourceMessageId: decision.offer.messageRowId, text: original, category,
          severity: Math.max(1, d.severity || 1), keywords: [...new Set(d.keywords.map((k) => k.term))], origin: "report", actor: `resident:${res.displayName}`,
        });
        await tx.assistantReply.update({ where: { id: decision.offer.replyId }, data: { registeredTicketId: ticket.id } });
        registeredTicketId = ticket.id;
        ticketId = ticket.id;
        ticketNumber = ticket.number;
        const r = composeRegistered(ticket.number, category, lang);
        reply = r.text;
      }
      await tx.assistantReply.create({
        data: {
          messageRowId: row.id, groupId: group.id, residentId: res.id, intent: intent.kind, outcome, source: composed.source ?? (ticketNumber ? `ticket:${ticketNumber}` : null),
          ticketId: ticketId ?? null, feedback: decision.action === "feedback" ? decision.feedback : null, registeredTicketId: registeredTicketId ?? null, phrasedBy,
        },
      });
      const outboundId = await createOutbound(tx, {
        key: `assist-${row.id}`,
        platform: msg.platform,
        groupId: group.id,
        kind: "reply",
        text: reply,
        ticketId,
        sourceMessageId: row.id,
        replyTo: { messageId: msg.messageId, senderName: res.displayName, excerpt: maskPersonal(text.slice(0, 30)) },
        mention: { userId: msg.sender.id, name: res.displayName },
      }, { fresh: true }); // the message row is new in this transaction: no reply of it can exist yet
      return { outboundId, outcome: { action: "answered" as const, intent: intent.kind, outcome, source: composed.source, ticketNumber } };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await prisma.message.findUnique({ where: { platform_chatId_messageId: { platform: msg.platform, chatId: msg.chatId, messageId: msg.messageId } }, select: { id: true } });
    if (!winner) throw err; // another unique key: the job is retried
    return { outcome: await requeue(deps, winner.id) };
  }
  await deps.queues.enqueueOutbound(msg.platform, stored.outboundId);
  if (extraOutbounds.length) await deps.queues.enqueueOutboundRows(await prisma.outboundMessage.findMany({ where: { id: { in: extraOutbounds } }, select: { id: true, platform: true } }));
  deps.log.info({ ...log, outcome: stored.outcome.action === "answered" ? stored.outcome.outcome : undefined, phrasedBy }, "assistant answered");
  return { outcome: stored.outcome };
}

function compose(decision: Exclude<Decision, { action: "pass" } | { action: "complaint" }>, lang: Lang, timeZone: string): ComposedAnswer {
  if (decision.action === "answer") return composeAnswer(decision.facts, lang, timeZone);
  if (decision.action === "feedback") return composeFeedback(decision.feedback, decision.ticket.number, lang);
  return { text: "", facts: [], ticketNumbers: [] }; // register: composed inside the transaction, once the number exists
}

/** Rate (satisfied → 5) or reopen (not fixed → 1) a ticket awaiting its rating; null when the ticket is not there yet. */
async function rateFromFeedback(tx: Tx, number: string, feedback: "satisfied" | "not_fixed", res: { id: number; displayName: string }, text: string, settings?: CycleSettings): Promise<number[] | null> {
  const ticket = await findTicket({ db: tx, number });
  if (!ticket) return null;
  const awaiting = feedback === "satisfied" ? ["resolved"] : ["resolved", "rated", "published"];
  if (!awaiting.includes(ticket.status)) return null;
  try {
    const r = await recordRating({ tx, actor: { role: "resident", grid: null, name: res.displayName, channel: "chat" }, ticket, rating: feedback === "satisfied" ? 5 : 1, note: text.slice(0, 200), residentId: res.id, settings, lang: "zh" });
    return r.outbounds;
  } catch (err) {
    if (err instanceof AppError) return null; // not theirs to rate after all: the note path keeps the verdict
    throw err;
  }
}

async function requeue(deps: AssistantDeps, messageRowId: number): Promise<AssistantOutcome> {
  const pending = await deps.prisma.outboundMessage.findMany({ where: { sourceMessageId: messageRowId, status: "queued" }, select: { id: true, platform: true } });
  await deps.queues.enqueueOutboundRows(pending);
  return { action: "duplicate", requeued: pending.length };
}
