// WeChat gateway entry point: the factory core calls, plus the pieces tests and other tools use.

import type { GatewayFactory } from "../../core/ports/index.js";
import { createWechatGateway, type WechatGatewayOptions } from "./gateway.js";

/** The WeChat gateway, or undefined when WECHATY_PUPPET is unset (WeChat off). */
export const wechatGateway: GatewayFactory = (host, config) => (config.WECHATY_PUPPET ? createWechatGateway(host, config) : undefined);

/**
 * A factory with injected options — tests pass `{ puppet: new PuppetMock({ mocker }) }` so the real Wechaty
 * SDK runs against wechaty-puppet-mock; an injected puppet makes WECHATY_PUPPET unnecessary.
 */
export function wechatGatewayWith(options: WechatGatewayOptions): GatewayFactory {
  return (host, config) => (config.WECHATY_PUPPET || options.puppet ? createWechatGateway(host, config, options) : undefined);
}

export { WechatGateway, createWechatGateway, type WechatGatewayOptions } from "./gateway.js";
export { toChatMessage, extractWechatMessage, type WechatMessageFacts } from "./message.js";
export { WechatPacer, msPerMessage, type WechatPaceOptions } from "./pacer.js";
