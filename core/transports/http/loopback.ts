// Loopback detection. The access issue replaced "loopback only" with login for every core route; a gateway's
// operator route may still add it on top of its declared action.

import type { FastifyReply, FastifyRequest } from "fastify";

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A hook that refuses non-loopback clients with 403 — and proxied requests, which reach us from loopback too. */
export async function loopbackOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const proxied = req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined;
  if (proxied || !isLoopback(req.socket.remoteAddress ?? req.ip)) {
    await reply.status(403).send({ error: "forbidden", message: "admin routes answer clients on this machine only until authentication exists" });
  }
}
