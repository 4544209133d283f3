// Every platform gateway Gridlink can start; each factory returns undefined when its platform is not configured.

import type { GatewayFactory } from "../core/app.js";
import type { Platform } from "../core/chat.js";
import { playgroundGateway } from "./playground/index.js";

/** The gateway factory of each platform. */
export const GATEWAYS: Partial<Record<Platform, GatewayFactory>> = {
  playground: playgroundGateway,
};

/** All gateway factories, in start order. */
export const ALL_GATEWAYS: GatewayFactory[] = Object.values(GATEWAYS);
