// What the HTTP routes use of a running app (kept apart so routes never import the app that builds them).

import type { ChatGateway } from "../../ports/chat.js";
import type { Config } from "../../infra/config.js";
import type { Db } from "../../infra/db.js";
import type { LiveDetector } from "../../lexicon/live.js";
import type { Queues } from "../../infra/queues.js";
import type { TicketFollowUp } from "../../tickets/actions.js";

/** What the HTTP routes use of a running app. */
export interface HttpContext {
  config: Config;
  prisma: Db;
  queues: Queues;
  gateways: ChatGateway[];
  live?: LiveDetector;
  /** Ticket work after a committed step (SLA clocks, the hotline bridge); absent where no clock runs. */
  afterTicketSteps?: (followUps: TicketFollowUp[]) => Promise<void>;
}

/**
 * The language a client asked for with Accept-Language (RFC 9110 weights): Chinese when a `zh` tag outweighs
 * every English one, English otherwise (the API's default, also for `*` and no header). Routes whose core
 * speaks both (ticket actions, polls) answer in it — the web admin asks for zh-CN.
 */
export function requestLang(header: string | string[] | undefined): "zh" | "en" {
  const raw = Array.isArray(header) ? header.join(",") : (header ?? "");
  let zh = 0;
  let en = 0;
  for (const part of raw.split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const primary = tag.trim().split("-")[0];
    if (primary === "zh") zh = Math.max(zh, q);
    else if (primary === "en") en = Math.max(en, q);
  }
  return zh > 0 && zh > en ? "zh" : "en";
}
