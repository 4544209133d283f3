// A local stand-in for an OpenAI-compatible chat-completions server: each test sets what it answers
// (a phrasing, an error status, a delay) and reads what it was sent.
import http from "node:http";
import type { AddressInfo } from "node:net";

/** How the fake answers the next requests. */
export interface FakeBehaviour {
  /** The assistant message content to return. */
  content?: string;
  /** Answer this HTTP status instead (500, 429…). */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** A running fake. */
export interface FakeLlm {
  baseUrl: string;
  behaviour: FakeBehaviour;
  /** Bodies received, oldest first. */
  requests: Array<{ model: string; messages: Array<{ role: string; content: string }>; authorization?: string }>;
  /** Responses actually written (a delayed one counts once it is sent). */
  answered: number;
  close(): Promise<void>;
}

/** Start the fake on a free loopback port. */
export async function startFakeLlm(behaviour: FakeBehaviour = {}): Promise<FakeLlm> {
  const fake: FakeLlm = { baseUrl: "", behaviour, requests: [], answered: 0, close: async () => undefined };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.url !== "/v1/chat/completions" || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      fake.requests.push({ ...JSON.parse(body), authorization: req.headers.authorization });
      const b = fake.behaviour;
      const answer = () => {
        if (res.destroyed) return;
        fake.answered++;
        if (b.status && b.status !== 200) {
          res.writeHead(b.status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "fake failure" } }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "fake", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: b.content ?? "" }, finish_reason: "stop" }] }));
      };
      if (b.delayMs) {
        const timer = setTimeout(() => { timers.delete(timer); answer(); }, b.delayMs);
        timers.add(timer);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return fake;
}
