// The playground: a built-in local channel with 20 simulated resident groups, driven over HTTP, so Gridlink
// runs and can be tried with no WeChat or Telegram account. It goes through exactly the same intake and
// outbox path as the real platforms. Transcripts live in Redis (capped), not in the database.

import { randomBytes } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import type { ChatGateway, GatewayHost, OutgoingMessage, SendResult } from "../../core/ports/index.js";
import type { GatewayFactory } from "../../core/ports/index.js";
import { bounded, maskPersonal, playgroundSenderId, requestAccount, wellFormed, wellFormedMessage } from "../../core/ports/index.js";

/** A demo group: chat id (used in URLs), title, grid and community. */
export interface DemoGroup {
  id: string;
  title: string;
  grid: string;
  community: string;
}

/** The demo organisation: one street, its two communities, each with one grid (seeded with the groups). */
export const PLAYGROUND_STREET = "莲花街道";

/** 20 demo groups across two grids, seeded on start. */
export const DEMO_GROUPS: DemoGroup[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ id: `lianhua-${String(i + 1).padStart(2, "0")}`, title: `莲花社区${i + 1}号楼业主群`, grid: "莲花社区第一网格", community: "莲花社区" })),
  ...Array.from({ length: 10 }, (_, i) => ({ id: `taoyuan-${String(i + 1).padStart(2, "0")}`, title: `桃源小区${i + 1}栋居民群`, grid: "桃源社区第二网格", community: "桃源社区" })),
];

/** One line of a playground transcript. */
export interface TranscriptLine {
  id: string;
  from: "resident" | "bot";
  sender: string;
  text: string;
  at: number;
  replyTo?: string;
  mention?: string;
  /** The OutboundMessage a bot line came from (lets a retried send find it already delivered). */
  outboundId?: number;
}

const postBody = z.object({
  sender: z.string({ error: "sender is required (a display name)" }).trim().min(1, "sender must not be empty").max(64, "sender must be at most 64 characters"),
  text: z
    .string({ error: "text is required (a string)" })
    .max(200_000, "text must be at most 200000 characters")
    .refine((t) => t.trim().length > 0, "text must not be empty"),
  /** The client's own id for this message (idempotency key): a retry with the same id is never a second message. */
  clientMessageId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "clientMessageId must be 1–64 characters of A-Z, a-z, 0-9, _ or -")
    .optional(),
});

/** How long a transcript read or write may wait for Redis before the request gets 503 (or skips the line). */
const TRANSCRIPT_TIMEOUT_MS = 1500;

const KEEP_LINES = 300;

/** The playground gateway. */
export class PlaygroundGateway implements ChatGateway {
  readonly platform = "playground" as const;
  readonly sendConcurrency = 8;
  private readonly byId = new Map(DEMO_GROUPS.map((g) => [g.id, g]));

  constructor(
    private readonly host: GatewayHost,
    /** Simulated pace: ms per send. */
    private readonly sendDelayMs = 0,
  ) {}

  private key(chatId: string): string {
    return `${this.host.prefix}:playground:${chatId}`;
  }

  private async append(chatId: string, line: TranscriptLine): Promise<void> {
    const k = this.key(chatId);
    await this.host.redis.multi().zadd(k, line.at, JSON.stringify(line)).zremrangebyrank(k, 0, -KEEP_LINES - 1).exec();
  }

  /** Register the demo groups (idempotent: existing groups keep staff's grid and tags). */
  async start(): Promise<void> {
    for (const g of DEMO_GROUPS) await this.host.groups.seen("playground", g.id, { title: g.title, grid: g.grid, community: g.community, street: PLAYGROUND_STREET, active: true });
  }

  async stop(): Promise<void> {}

  async send(msg: OutgoingMessage): Promise<SendResult> {
    if (this.sendDelayMs) await new Promise((r) => setTimeout(r, this.sendDelayMs));
    const seq = await this.host.redis.incr(`${this.host.prefix}:playground:seq`);
    const id = `bot-${seq}`;
    await this.append(msg.chatId, { id, from: "bot", sender: "Gridlink", text: msg.text, at: Date.now(), replyTo: msg.replyTo?.messageId, mention: msg.mention?.name, outboundId: msg.outboundId });
    return { platformMessageId: id };
  }

  /** Whether this outbound message is in the chat already (sent by a process that died before core recorded it). */
  async sentBefore(msg: OutgoingMessage): Promise<SendResult | undefined> {
    const line = (await this.transcript(msg.chatId)).find((l) => l.from === "bot" && l.outboundId === msg.outboundId);
    return line ? { platformMessageId: line.id } : undefined;
  }

  /** Read a group's transcript, oldest first. */
  async transcript(chatId: string): Promise<TranscriptLine[]> {
    const raw = await this.host.redis.zrange(this.key(chatId), 0, -1);
    return raw.map((r) => JSON.parse(r) as TranscriptLine);
  }

  readonly routes: FastifyPluginAsync = async (server) => {
    server.get("/api/playground/groups", async () => DEMO_GROUPS);

    server.get<{ Params: { groupId: string } }>("/api/playground/groups/:groupId/messages", async (req, reply) => {
      if (!this.byId.has(req.params.groupId)) return reply.status(404).send({ error: "not_found", message: `no playground group "${req.params.groupId}"` });
      // Not an admin view: personal numbers are masked like everywhere else. Bounded: 503 while Redis is away.
      let lines: TranscriptLine[];
      try {
        lines = await bounded(this.transcript(req.params.groupId), TRANSCRIPT_TIMEOUT_MS, "the transcript read");
      } catch (err) {
        return reply.status(503).send({ error: "unavailable", message: `The transcript (Redis) is unreachable: ${(err as Error).message}. Try again shortly.` });
      }
      return lines.map((l) => ({ ...l, sender: maskPersonal(l.sender), text: maskPersonal(l.text), ...(l.mention ? { mention: maskPersonal(l.mention) } : {}) }));
    });

    server.post<{ Params: { groupId: string } }>("/api/playground/groups/:groupId/messages", async (req, reply) => {
      const group = this.byId.get(req.params.groupId);
      if (!group) return reply.status(404).send({ error: "not_found", message: `no playground group "${req.params.groupId}"` });
      const body = postBody.parse(req.body ?? {});
      const at = Date.now();
      // With a client id, a retry (after a 503 or a lost answer) is the same message: exactly one ticket.
      const messageId = body.clientMessageId ? `c-${body.clientMessageId}` : `m-${at.toString(36)}-${randomBytes(4).toString("hex")}`;
      // With a staff session the message is that account's (shown under its name); anonymous, it is a resident's,
      // whatever name it carries: a sender name never grants rights.
      const account = requestAccount(req);
      const sender = account ? wellFormed(account.name) : wellFormed(body.sender);
      // Answer 202 only once intake has the message; 503 when it certainly is not queued (see Queues.submit).
      await this.host.submit(
        wellFormedMessage({ platform: "playground", chatId: group.id, chatTitle: group.title, messageId, sender: { id: playgroundSenderId(account, sender), name: sender }, text: body.text, sentAt: at }),
      );
      // The transcript is a display aid: a Redis blip right now must not turn an accepted message into an error.
      await bounded(this.append(group.id, { id: messageId, from: "resident", sender, text: wellFormed(body.text.slice(0, 4000)), at }), TRANSCRIPT_TIMEOUT_MS, "the transcript write").catch(() => undefined);
      return reply.status(202).send({ messageId, queued: true });
    });
  };
}

/** The playground is on unless PLAYGROUND_ENABLED=false. */
export const playgroundGateway: GatewayFactory = (host, config) => (config.PLAYGROUND_ENABLED ? new PlaygroundGateway(host, config.PLAYGROUND_SEND_DELAY_MS) : undefined);
