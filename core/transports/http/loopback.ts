// Loopback detection. No route is "loopback only" any more: since logins exist every route — the FAQ changes and
// the WeChat login QR included — is decided by its declared action (./auth.ts). Kept for code that must know
// whether an address is this machine (e.g. a gateway's own internal check).

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
