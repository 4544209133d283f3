// Until authentication exists, routes that change things answer loopback clients only.

import type { FastifyReply, FastifyRequest } from "fastify";

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** A preHandler that refuses non-loopback clients with 403. */
export async function loopbackOnly(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress ?? req.ip)) {
    await reply.status(403).send({ error: "forbidden", message: "this admin route answers loopback clients only until authentication exists" });
  }
}
