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
