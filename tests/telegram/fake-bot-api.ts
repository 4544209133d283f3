// A tiny local HTTP server that answers like the Telegram Bot API, so tests can inject what the emulator
// cannot: 429 with retry_after, 403, migrate_to_chat_id, 5xx. Every request is recorded with the time it
// arrived and the time it was answered, which is what "no send before retry_after" is measured against.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";

/** One Bot API call as the server saw it. */
export interface RecordedCall {
  method: string;
  token: string;
  body: Record<string, any>;
  /** Date.now() when the request arrived / when the answer was written. */
  at: number;
  respondedAt: number;
  status: number;
  response: unknown;
}

/** A scripted answer: an error (HTTP status = error_code, like Telegram) or a result. */
export type FakeAnswer =
  | { error_code: number; description: string; parameters?: { retry_after?: number; migrate_to_chat_id?: number } }
  | { result: unknown }
  | { raw: string; status: number };

/** Decide the answer to a call; return undefined for the default (success) behaviour. */
export type Script = (call: { method: string; body: Record<string, any>; index: number }) => FakeAnswer | undefined;

/** The bot the fake server claims to be. */
export const FAKE_BOT = { id: 7912345678, is_bot: true, first_name: "Gridlink", username: "GridlinkBot", can_join_groups: true, can_read_all_group_messages: true, supports_inline_queries: false };

/** Bot API stand-in. `script` decides special answers; `updates` feeds getUpdates (confirmed by offset). */
export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  script: Script = () => undefined;
  private pending: Update[] = [];
  private server: http.Server | undefined;
  private nextMessageId = 1000;
  private counters = new Map<string, number>();

  /** Start on a free port; resolves with the apiRoot to hand grammY. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Queue an update for getUpdates. */
  pushUpdate(update: Update): void {
    this.pending.push(update);
  }

  /** The calls of one method, in arrival order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
    if (!m) {
      res.writeHead(404).end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    const [, token, method] = m;
    let body: Record<string, any> = {};
    if (raw) body = JSON.parse(raw) as Record<string, any>;
    const index = this.counters.get(method) ?? 0;
    this.counters.set(method, index + 1);
    const answer = this.script({ method, body, index }) ?? this.defaultAnswer(method, body);
    let status = 200;
    let payload: string;
    if ("raw" in answer) {
      status = answer.status;
      payload = answer.raw;
    } else if ("error_code" in answer) {
      status = answer.error_code;
      payload = JSON.stringify({ ok: false, error_code: answer.error_code, description: answer.description, ...(answer.parameters ? { parameters: answer.parameters } : {}) });
    } else {
      payload = JSON.stringify({ ok: true, result: answer.result });
    }
    const call: RecordedCall = { method, token, body, at, respondedAt: 0, status, response: payload };
    this.calls.push(call);
    call.respondedAt = Date.now();
    res.writeHead(status, { "content-type": "application/json" }).end(payload);
  }

  private defaultAnswer(method: string, body: Record<string, any>): FakeAnswer {
    switch (method) {
      case "getMe":
        return { result: FAKE_BOT };
      case "setWebhook":
      case "deleteWebhook":
        return { result: true };
      case "getUpdates": {
        const offset = typeof body.offset === "number" ? body.offset : 0;
        this.pending = this.pending.filter((u) => u.update_id >= offset); // confirmed ones are forgotten
        return { result: this.pending.slice(0, body.limit ?? 100) };
      }
      case "sendMessage":
        return {
          result: {
            message_id: this.nextMessageId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: body.chat_id, type: "group", title: "fake" },
            from: { id: FAKE_BOT.id, is_bot: true, first_name: FAKE_BOT.first_name, username: FAKE_BOT.username },
            text: body.text,
          },
        };
      default:
        return { error_code: 404, description: `Not Found: method ${method}` };
    }
  }
}
