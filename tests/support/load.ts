// Steady playground load for fault tests: numbered complaints and chatter lines, each with a client message id,
// retried with the same id until accepted (what a well-behaved client does after a 503), and the database
// read back to check every accepted message became exactly one ticket (or one chatter drop) and one sent reply.

import Database from "better-sqlite3";
import { expect } from "vitest";
import { sqliteFile } from "../../core/infra/db.js";
import { waitFor } from "./wait-for.js";

/** Complaint templates the shipped lexicon surely flags, and chatter it surely does not. */
const COMPLAINTS = ["3栋又停电了，什么时候来电？", "楼下的水管漏水了", "楼道里有人飞线充电，太危险了", "小区垃圾没人清运，臭死了"];
const CHATTER = ["大家早上好", "今天天气不错", "谢谢大家", "晚上一起散步吗"];

/** One message the load sent, and what became of it. */
export interface Sent {
  clientId: string;
  group: string;
  complaint: boolean;
  /** Final answer: 202 once accepted, else the last status (0: no answer). */
  status: number;
  attempts: number;
}

/** Post one message, retrying with the same client id until 202 (or give up after giveUpMs). */
export async function postUntilAccepted(url: string, msg: { clientId: string; group: string; text: string }, giveUpMs = 60_000): Promise<{ status: number; attempts: number }> {
  const deadline = Date.now() + giveUpMs;
  let status = 0;
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts++;
    try {
      const res = await fetch(`${url}/api/playground/groups/${msg.group}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sender: "测试居民", text: msg.text, clientMessageId: msg.clientId }),
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      await res.arrayBuffer();
      if (status === 202) return { status, attempts };
      if (status !== 503) return { status, attempts };
    } catch {
      status = 0; // the process is down (a crash test): try again
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { status, attempts };
}

/** Send `perSecond` messages a second for `durationMs` (a third complaints), not waiting for answers in between. */
export async function steadyLoad(url: () => string, opts: { durationMs: number; perSecond: number; tag: string; complaintShare?: number }): Promise<Sent[]> {
  const sent: Promise<Sent>[] = [];
  const started = Date.now();
  const every = 1000 / opts.perSecond;
  for (let i = 0; Date.now() - started < opts.durationMs; i++) {
    const complaint = i % Math.round(1 / (opts.complaintShare ?? 1 / 3)) === 0;
    const text = complaint ? COMPLAINTS[i % COMPLAINTS.length] : CHATTER[i % CHATTER.length];
    const group = `lianhua-${String((i % 10) + 1).padStart(2, "0")}`;
    const clientId = `${opts.tag}-${i}`;
    sent.push(postUntilAccepted(url(), { clientId, group, text }).then((r) => ({ clientId, group, complaint, ...r })));
    const next = started + (i + 1) * every;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  return Promise.all(sent);
}

/** What the database holds for the load's messages. */
export interface Outcome {
  /**
   * messageId (c-<clientId>) → its stored kind and number of Message rows, tickets and replies. A complaint that
   * repeats an incident already open in the group is answered by the assistant as an enquiry on that ticket
   * (kind "enquiry", no second ticket); every other complaint is kind "complaint" with its own ticket — or, when
   * it reports an incident already open in the group's grid, joined to that ticket (`joined`: its reply names
   * another message's ticket; the resident becomes a later reporter unless they already were one).
   */
  messages: Map<string, { kind: string; rows: number; tickets: number; joined: number; replies: number; sent: number }>;
  ticketCount: number;
  repliesSent: number;
  repliesQueued: number;
}

/** Read back (read-only, its own connection) what became of the messages. */
export function readOutcome(databaseUrl: string): Outcome {
  const db = new Database(sqliteFile(databaseUrl), { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 2000");
    const rows = db
      .prepare(
        `SELECT m.messageId AS messageId, MIN(m.kind) AS kind, COUNT(DISTINCT m.id) AS rows_, COUNT(DISTINCT t.id) AS tickets, COUNT(DISTINCT jt.id) AS joined, COUNT(DISTINCT o.id) AS replies,
                COUNT(DISTINCT CASE WHEN o.status = 'sent' THEN o.id END) AS sent
           FROM Message m LEFT JOIN Ticket t ON t.sourceMessageId = m.id
                LEFT JOIN OutboundMessage o ON o.sourceMessageId = m.id AND o.kind = 'reply'
                LEFT JOIN Ticket jt ON jt.id = o.ticketId AND jt.sourceMessageId != m.id
          WHERE m.kind IN ('complaint', 'enquiry') GROUP BY m.messageId`,
      )
      .all() as Array<{ messageId: string; kind: string; rows_: number; tickets: number; joined: number; replies: number; sent: number }>;
    const messages = new Map(rows.map((r) => [r.messageId, { kind: r.kind, rows: r.rows_, tickets: r.tickets, joined: r.joined, replies: r.replies, sent: r.sent }]));
    const ticketCount = (db.prepare("SELECT COUNT(*) AS n FROM Ticket").get() as { n: number }).n;
    const repliesSent = (db.prepare("SELECT COUNT(*) AS n FROM OutboundMessage WHERE kind = 'reply' AND status = 'sent'").get() as { n: number }).n;
    const repliesQueued = (db.prepare("SELECT COUNT(*) AS n FROM OutboundMessage WHERE kind = 'reply' AND status != 'sent'").get() as { n: number }).n;
    return { messages, ticketCount, repliesSent, repliesQueued };
  } finally {
    db.close();
  }
}

/**
 * What each accepted complaint must have become: one stored row, one sent reply, and exactly one of: its own
 * ticket, or a place as a later reporter on the open ticket of its incident (clustering); an enquiry on an open
 * ticket opens none (and may be a reporter on it once).
 */
export const expectedOutcome = (o: { kind: string; joined: number }) => {
  const joined = Math.min(o.joined, 1);
  return { kind: o.kind, rows: 1, tickets: o.kind === "complaint" ? 1 - joined : 0, joined, replies: 1, sent: 1 };
};

/** The settled result of a fault test's load: what was accepted, what the database holds, the intake queue. */
export interface SettledLoad {
  accepted: Sent[];
  complaints: Sent[];
  outcome: Outcome;
  intake: { waiting: number; active: number; delayed: number; deadLetter: number };
}

/**
 * After a fault test's load: wait until every accepted complaint has its one sent reply and nothing is left to
 * send (retries and the reconciler included), then until the intake queue is empty (/healthz), and print one
 * `[faults] <label>: …` summary line. On a timeout the error names the complaints still without a reply and
 * carries the process's output.
 */
export async function settleLoad(app: { url: string; databaseUrl: string; output(): string }, sent: Sent[], opts: { label: string; repliesWithinMs: number; detail?: string }): Promise<SettledLoad> {
  const accepted = sent.filter((s) => s.status === 202);
  const complaints = accepted.filter((s) => s.complaint);
  const outcome = await waitFor(
    () => {
      const o = readOutcome(app.databaseUrl);
      return complaints.every((c) => o.messages.get(`c-${c.clientId}`)?.sent === 1) && o.repliesQueued === 0 ? o : undefined;
    },
    opts.repliesWithinMs,
    500,
  ).catch((err) => {
    const o = readOutcome(app.databaseUrl);
    const missing = complaints.filter((c) => o.messages.get(`c-${c.clientId}`)?.sent !== 1).map((c) => c.clientId);
    throw new Error(`${(err as Error).message}; complaints without a sent reply: ${missing.slice(0, 20).join(", ")} (${missing.length})\n${app.output()}`);
  });
  // Chatter is dropped (no row) and the intake queue is empty: every accepted line was processed.
  const intake = await waitFor(async () => {
    const out = (await fetch(`${app.url}/healthz`).then((r) => r.json())) as { intake?: SettledLoad["intake"] };
    const i = out.intake;
    return i && i.waiting + i.active + i.delayed === 0 ? i : undefined;
  }, 60_000, 500);
  const enquiries = [...outcome.messages.values()].filter((o) => o.kind === "enquiry").length;
  console.log(
    `[faults] ${opts.label}: sent ${sent.length}, accepted ${accepted.length} (complaints ${complaints.length}), tickets ${outcome.ticketCount}, answered as enquiries on an open ticket ${enquiries}, joined an open incident ${[...outcome.messages.values()].filter((o) => o.kind === "complaint" && o.joined > 0).length}, replies sent ${outcome.repliesSent}${opts.detail ? `, ${opts.detail}` : ""}`,
  );
  return { accepted, complaints, outcome, intake };
}

/** The standing guarantee: every message got in, none is a dead letter, each accepted complaint is stored once with its one reply sent, no ticket doubled. */
export function expectNothingLostOrDoubled(sent: Sent[], settled: SettledLoad): void {
  const { accepted, complaints, outcome, intake } = settled;
  expect(accepted.length).toBe(sent.length); // every message got in eventually (client retries with its id)
  expect(intake.deadLetter).toBe(0);
  const stored = complaints.map((c) => outcome.messages.get(`c-${c.clientId}`)!);
  for (const o of stored) expect(o).toEqual(expectedOutcome(o));
  expect(outcome.ticketCount).toBe(stored.filter((o) => o.kind === "complaint" && o.joined === 0).length);
  expect(outcome.messages.size).toBe(complaints.length); // no chatter stored, nothing extra
  expect(outcome.repliesSent).toBe(complaints.length);
}
