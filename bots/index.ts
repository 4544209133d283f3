// Every platform gateway Gridlink can start; each factory returns undefined when its platform is not configured.
// A platform's module (and SDK: Wechaty alone takes ~2 s to import) is loaded only when that platform is on.

import type { GatewayFactory, Platform } from "../core/ports/index.js";

/** The gateway factory of each platform. */
export const GATEWAYS: Record<Platform, GatewayFactory> = {
  playground: async (host, config) => (config.PLAYGROUND_ENABLED ? (await import("./playground/index.js")).playgroundGateway(host, config) : undefined),
  telegram: async (host, config) => (config.TELEGRAM_BOT_TOKEN ? (await import("./telegram/index.js")).telegramGateway(host, config) : undefined),
  wechat: async (host, config) => (config.WECHATY_PUPPET ? (await import("./wechat/index.js")).wechatGateway(host, config) : undefined),
};

/** All gateway factories, in start order. */
export const ALL_GATEWAYS: GatewayFactory[] = Object.values(GATEWAYS);
