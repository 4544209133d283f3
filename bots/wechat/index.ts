// WeChat gateway entry point: the factory core calls, plus the pieces tests and other tools use.

import type { ChatGateway, GatewayHost } from "../../core/chat.js";
import type { Config } from "../../core/config.js";
import { createWechatGateway, type WechatGatewayOptions } from "./gateway.js";

/** Same shape as core/app.ts's GatewayFactory: build the gateway, or undefined when it is not configured. */
type Factory = (host: GatewayHost, config: Config) => ChatGateway | undefined;

/** The WeChat gateway, or undefined when WECHATY_PUPPET is unset (WeChat off). */
export const wechatGateway: Factory = (host, config) => (config.WECHATY_PUPPET ? createWechatGateway(host, config) : undefined);

/**
 * A factory with injected options — tests pass `{ puppet: new PuppetMock({ mocker }) }` so the real Wechaty
 * SDK runs against wechaty-puppet-mock; an injected puppet makes WECHATY_PUPPET unnecessary.
 */
export function wechatGatewayWith(options: WechatGatewayOptions): Factory {
  return (host, config) => (config.WECHATY_PUPPET || options.puppet ? createWechatGateway(host, config, options) : undefined);
}

export { WechatGateway, createWechatGateway, type WechatGatewayOptions } from "./gateway.js";
export { toChatMessage, extractWechatMessage, type WechatMessageFacts } from "./message.js";
export { WechatPacer, paceStatusKey, msPerMessage, type WechatPaceOptions } from "./pacer.js";
