// The port: everything a gateway (bots/*) may know of core, in one module. Bots import this and nothing else
// of core (checked by dependency-cruiser). Pacing crosses as data: a gateway publishes its `msPerMessage` and
// holds under paceStatusKey; core reads them and never re-derives a platform's pace from its settings.

export * from "./chat.js";
export type { Config } from "../infra/config.js";
export { splitList } from "../infra/config.js";
export { definedOnly } from "../infra/options.js";
export { throttle, type Logger } from "../infra/log.js";
export { isLoopback } from "../transports/http/loopback.js";
export { requestAccount, playgroundSenderId } from "../staff/chat-identity.js";
export { maskPersonal } from "../privacy.js";

import type { Config } from "../infra/config.js";
import type { ChatGateway, GatewayHost } from "./chat.js";

/**
 * Builds a platform gateway, or returns undefined when that platform is not configured. May be async so a
 * gateway's SDK (Wechaty takes ~2 s to import) is loaded only when the platform is on.
 */
export type GatewayFactory = (host: GatewayHost, config: Config) => ChatGateway | undefined | Promise<ChatGateway | undefined>;
export { wellFormed, wellFormedMessage } from "../infra/well-formed.js";
export { bounded } from "../infra/redis.js";
