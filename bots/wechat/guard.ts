// A guard against promise rejections the Wechaty stack leaks past its own "error" event.
//
// Measured here: with wechaty-puppet-service and token discovery, wechaty-token's gRPC resolver calls
// `listener.onError` / `listener.onSuccessfulResolution`, which @grpc/grpc-js ≥ 1.10 no longer has; the
// TypeError escapes as an unhandled rejection and Node 20 exits. A WeChat login problem must never take
// Gridlink down, so rejections whose stack runs through the Wechaty stack become account errors instead.
// Anything else keeps Node's default (or whatever other listener the process installed).

/** Stack frames that belong to the Wechaty stack: SDK, puppets, token discovery, gRPC, their helpers. */
const WECHATY_FRAME = /node_modules[\\/](?:wechaty[^\\/]*|@juzi[\\/][^\\/]+|@grpc[\\/]grpc-js|wechat4u|memory-card|state-switch|watchdog|file-box|brolog)[\\/]/;

/** True when a rejection reason's stack runs through the Wechaty stack. */
export function isWechatyFault(reason: unknown): boolean {
  const stack = reason instanceof Error ? reason.stack ?? "" : typeof reason === "object" && reason && "stack" in reason ? String((reason as { stack: unknown }).stack) : "";
  return WECHATY_FRAME.test(stack);
}

const subscribers = new Set<(reason: unknown) => void>();

function onRejection(reason: unknown) {
  if (isWechatyFault(reason)) {
    for (const fn of subscribers) fn(reason);
    return;
  }
  if (process.listenerCount("unhandledRejection") > 1) return;
  throw reason;
}

/**
 * Subscribe to Wechaty-stack rejections; returns the unsubscriber. One process listener serves every gateway;
 * other rejections are left to other listeners, or rethrown (Node's default: exit) when there are none.
 */
export function installRejectionGuard(onFault: (reason: unknown) => void): () => void {
  if (subscribers.size === 0) process.on("unhandledRejection", onRejection);
  subscribers.add(onFault);
  return () => {
    subscribers.delete(onFault);
    if (subscribers.size === 0) process.off("unhandledRejection", onRejection);
  };
}
