// The city hotline (12345) as the tier above the district: an outbound bridge speaking Open311 GeoReport v2.
// Filing: POST {base}/requests.json (form-encoded: service_code from the category, a masked description that
// starts with "[A0012]", the ticket number); the answer's service_request_id (or a token, resolved later through
// GET tokens/{token}.json) is stored on the ticket. Exactly once: the filing intent (hotlineFiledAt) is committed
// before the POST; a retry that finds an intent but no id (the process died, or the answer was lost, after the
// hotline may have taken the request) first searches the hotline — GET requests.json?service_code&start_date&
// end_date — for a request whose description carries the ticket number, and POSTs only if there is none.
// Polling: GET {base}/requests/{id}.json; a new status or status_notes becomes a progress event the residents
// hear of, and "closed" resolves the ticket. Errors the hotline answers (4xx, an Open311 error list) are recorded
// on the ticket and not retried; network errors and 5xx are retried by the job.

import type { Config } from "../infra/config.js";
import type { Db } from "../infra/db.js";
import type { Logger } from "../infra/log.js";
import { categoryLabel } from "../locale.js";
import { maskPersonal } from "../privacy.js";
import type { Actor } from "../policy/authorize.js";
import { announceStep } from "./announce-step.js";
import { findTicket } from "./find-tickets.js";
import { transitionTicket } from "./transition-ticket.js";

/** What the hotline bridge plugs into the clock worker (absent when OPEN311_BASE_URL is unset). */
export interface HotlineHooks {
  /** File one ticket; returns the outbound rows its progress created. */
  file(ticketId: number): Promise<number[]>;
  /** Poll every filed request once; returns outbound rows created. */
  poll(): Promise<number[]>;
  /** Tickets at the hotline tier not filed yet (the sweep files them). */
  unfiled(): Promise<number[]>;
  pollEveryMs: number;
}

/** Who the hotline's updates act as. */
export const HOTLINE_ACTOR: Actor = { role: "admin", name: "12345", channel: "system" };

/** A refusal from the hotline that a retry cannot fix (bad key, unknown service code, …). */
export class HotlineRefusal extends Error {}

/** The service_code of a category: OPEN311_SERVICE_CODES ("utilities=201,safety=202"), else the category itself. */
export function serviceCodeOf(category: string, codes: string): string {
  for (const pair of codes.split(",")) {
    const [k, v] = pair.split("=").map((x) => x.trim());
    if (k === category && v) return v;
  }
  return category;
}

type Open311Request = { service_request_id?: string | number; token?: string; status?: string; status_notes?: string | null; description?: string | null; updated_datetime?: string };

/** How far around the filing intent the search for an earlier filing looks (the hotline's clock may differ). */
export const FILED_SEARCH_MARGIN_MS = 3600_000;

/** The ticket-number mark every filing's description starts with (what the search for an earlier filing matches). */
export const filingMark = (number: string): string => `[${number}]`;

/** The bridge's hooks for the clock worker, or undefined when no endpoint is configured. */
export function createHotlineBridge(opts: { prisma: Db; config: Config; log: Logger }): HotlineHooks | undefined {
  const { prisma, config, log } = opts;
  const base = config.OPEN311_BASE_URL?.replace(/\/+$/, "");
  if (!base) return undefined;
  const common = { ...(config.OPEN311_API_KEY ? { api_key: config.OPEN311_API_KEY } : {}), ...(config.OPEN311_JURISDICTION_ID ? { jurisdiction_id: config.OPEN311_JURISDICTION_ID } : {}) };

  /** One call: the JSON answer, HotlineRefusal for 4xx (with the Open311 error's description), Error otherwise. */
  const call = async (path: string, init?: { form: Record<string, string> }): Promise<unknown> => {
    const url = `${base}/${path}${init ? "" : `${path.includes("?") ? "&" : "?"}${new URLSearchParams(common)}`}`;
    const res = await fetch(url, {
      method: init ? "POST" : "GET",
      headers: init ? { "content-type": "application/x-www-form-urlencoded", accept: "application/json" } : { accept: "application/json" },
      body: init ? new URLSearchParams({ ...common, ...init.form }) : undefined,
      signal: AbortSignal.timeout(config.OPEN311_TIMEOUT_MS),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const desc = Array.isArray(body) && body[0] && typeof body[0] === "object" ? String((body[0] as { description?: unknown }).description ?? "") : text.slice(0, 200);
      const msg = `Open311 ${res.status}: ${desc || res.statusText}`;
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new HotlineRefusal(msg);
      throw new Error(msg);
    }
    if (body === undefined) throw new Error(`Open311 answered ${res.status} with something that is not JSON`);
    return body;
  };
  const first = (body: unknown): Open311Request => {
    if (!Array.isArray(body) || !body[0] || typeof body[0] !== "object") throw new Error("Open311 answered without a request");
    return body[0] as Open311Request;
  };

  /**
   * The hotline's id of this ticket's earlier filing, if it has one: the GeoReport v2 search over the requests of
   * its service code around the intent, matched by the ticket number the description starts with. A hotline that
   * refuses the search (4xx: not supported) cannot tell; the filing goes ahead (logged). Network errors and 5xx throw
   * (the job retries later, still searching first).
   */
  const findEarlierFiling = async (number: string, serviceCode: string, intent: Date): Promise<string | undefined> => {
    const query = new URLSearchParams({
      service_code: serviceCode,
      start_date: new Date(intent.getTime() - FILED_SEARCH_MARGIN_MS).toISOString(),
      end_date: new Date(Date.now() + FILED_SEARCH_MARGIN_MS).toISOString(),
    });
    let listed: unknown;
    try {
      listed = await call(`requests.json?${query}`);
    } catch (err) {
      if (!(err instanceof HotlineRefusal)) throw err;
      log.warn({ ticket: number, err: err.message }, "the 12345 hotline refused the search for an earlier filing; filing (it may be the second time)");
      return undefined;
    }
    if (!Array.isArray(listed)) throw new Error("Open311 answered the search with something that is not a list");
    const mark = filingMark(number);
    const hit = (listed as Open311Request[]).find((r) => r && typeof r === "object" && r.service_request_id !== undefined && r.service_request_id !== null && String(r.description ?? "").includes(mark));
    return hit ? String(hit.service_request_id) : undefined;
  };

  /** A new status or note from the hotline → a progress event (or resolved when closed) and a notice. */
  const applyUpdate = async (ticketId: number, req: Open311Request): Promise<number[]> =>
    prisma.$transaction(async (tx) => {
      const row = await tx.ticket.findUnique({ where: { id: ticketId }, select: { number: true, hotlineStatus: true } });
      const ticket = row ? await findTicket({ db: tx, number: row.number }) : null;
      if (!ticket || ticket.tier !== "hotline") return [];
      const status = String(req.status ?? "open").toLowerCase();
      const notes = req.status_notes ? maskPersonal(String(req.status_notes).slice(0, 500)) : "";
      const seen = `${status}|${notes}`;
      if (row!.hotlineStatus === seen) return [];
      await tx.ticket.update({ where: { id: ticketId }, data: { hotlineStatus: seen } });
      const closing = status === "closed";
      if (closing && ["resolved", "rated", "published", "dismissed", "merged"].includes(ticket.status)) return [];
      const note = `12345：${notes || (closing ? "已办结" : status)}`;
      const to = closing ? "resolved" : "in_progress";
      if (!closing && !["escalated", "in_progress", "accepted", "dispatched", "reopened"].includes(ticket.status)) return [];
      const r = await transitionTicket({ tx, ticket, to, actor: HOTLINE_ACTOR, note, auditAction: closing ? "ticket.resolved" : "ticket.hotline_progress", auditAfter: { hotline: ticket.hotlineId, status } });
      return announceStep({ tx, ticket, step: closing ? "resolved" : "progress", eventId: r.eventId, note });
    });

  return {
    pollEveryMs: config.OPEN311_POLL_MS,
    async unfiled() {
      // (NOT alone would leave out a null hotlineStatus — a ticket never tried — as SQL's NOT does.)
      const rows = await prisma.ticket.findMany({ where: { tier: "hotline", hotlineId: null, status: "escalated", OR: [{ hotlineStatus: null }, { NOT: { hotlineStatus: { startsWith: "error" } } }] }, select: { id: true } });
      return rows.map((r) => r.id);
    },
    async file(ticketId) {
      const row = await prisma.ticket.findUnique({ where: { id: ticketId }, include: { group: true } });
      if (!row || row.tier !== "hotline" || row.hotlineId || row.hotlineStatus?.startsWith("error")) return [];
      const serviceCode = serviceCodeOf(row.category, config.OPEN311_SERVICE_CODES);
      const description = maskPersonal(`${filingMark(row.number)} ${categoryLabel(row.category, "zh")}：${row.text}`).slice(0, 4000);
      /** Store the hotline's id (or token) unless another attempt stored one first. */
      const record = async (id: string, how: string) => {
        await prisma.ticket.updateMany({ where: { id: ticketId, hotlineId: null }, data: { hotlineId: id, hotlineStatus: "filed" } });
        log.info({ ticket: row.number, hotlineId: id }, how);
        return [];
      };
      try {
        if (row.hotlineFiledAt) {
          // An earlier attempt began a POST and recorded no answer: the hotline may hold the request already.
          const earlier = await findEarlierFiling(row.number, serviceCode, row.hotlineFiledAt);
          if (earlier) return record(earlier, "found the earlier 12345 filing of this ticket; not filed again");
        } else {
          // The intent, committed before the POST: a crash from here on leaves a trace the retry searches by.
          await prisma.ticket.updateMany({ where: { id: ticketId, hotlineId: null, hotlineFiledAt: null }, data: { hotlineFiledAt: new Date() } });
        }
        const answer = first(await call("requests.json", { form: { service_code: serviceCode, description, address_string: maskPersonal([row.group.grid, row.group.title].filter(Boolean).join(" ")) || "-" } }));
        const id = answer.service_request_id !== undefined && answer.service_request_id !== null ? String(answer.service_request_id) : answer.token ? `token:${answer.token}` : undefined;
        if (!id) throw new Error("Open311 answered with neither service_request_id nor token");
        return record(id, "filed to the 12345 hotline");
      } catch (err) {
        if (!(err instanceof HotlineRefusal)) throw err;
        await prisma.ticket.update({ where: { id: ticketId }, data: { hotlineStatus: `error: ${err.message}`.slice(0, 300) } });
        log.error({ ticket: row.number, err: err.message }, "the 12345 hotline refused the filing; not retried");
        return [];
      }
    },
    async poll() {
      const rows = await prisma.ticket.findMany({ where: { tier: "hotline", hotlineId: { not: null }, status: { notIn: ["resolved", "rated", "published", "dismissed", "merged"] } }, select: { id: true, hotlineId: true } });
      const outbounds: number[] = [];
      for (const r of rows) {
        try {
          let id = r.hotlineId!;
          if (id.startsWith("token:")) {
            const got = first(await call(`tokens/${encodeURIComponent(id.slice(6))}.json`));
            if (got.service_request_id === undefined) continue; // not processed yet
            id = String(got.service_request_id);
            await prisma.ticket.update({ where: { id: r.id }, data: { hotlineId: id } });
          }
          outbounds.push(...(await applyUpdate(r.id, first(await call(`requests/${encodeURIComponent(id)}.json`)))));
        } catch (err) {
          log.warn({ ticketId: r.id, err: (err as Error).message }, "could not poll the 12345 hotline; the next poll retries");
        }
      }
      return outbounds;
    },
  };
}
