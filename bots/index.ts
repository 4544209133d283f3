// Every platform gateway Gridlink can start; each factory returns undefined when its platform is not configured.

import type { GatewayFactory } from "../core/app.js";
import type { Platform } from "../core/ports/chat.js";
import { playgroundGateway } from "./playground/index.js";
import { telegramGateway } from "./telegram/index.js";
import { wechatGateway } from "./wechat/index.js";

/** The gateway factory of each platform. */
export const GATEWAYS: Record<Platform, GatewayFactory> = {
  playground: playgroundGateway,
  telegram: telegramGateway,
  wechat: wechatGateway,
};

/** All gateway factories, in start order. */
export const ALL_GATEWAYS: GatewayFactory[] = Object.values(GATEWAYS);
