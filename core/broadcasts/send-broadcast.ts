// The CLI's and the API's way to broadcast: preview (nothing stored), or create and confirm in one step (the
// caller has seen the preview or chose not to); the chat's two-step confirm uses the same services.

import type { Db } from "../infra/db.js";
import type { Queues } from "../infra/queues.js";
import type { Actor } from "../policy/authorize.js";
import { parseChinaTime } from "./china-time.js";
import { runFollowUp, confirmBroadcast, type ControlResult } from "./control-broadcast.js";
import { createBroadcast, type CreatedBroadcast } from "./create-broadcast.js";
import { sendingSeconds, type SendingPace } from "./sending-pace.js";

/** What a sender gives, from any door. `at` is China time unless it carries an offset. */
export interface BroadcastRequest {
  text: string;
  scope?: string;
  urgent?: boolean;
  at?: string;
}

/** A preview with its ETA per platform (seconds at the published paces, after any hold). */
export type BroadcastPreview = CreatedBroadcast & { etaSeconds: number; etaByPlatform: Array<{ platform: string; count: number; seconds: number }> };

function withEta(b: CreatedBroadcast, paces: Partial<Record<string, SendingPace>>): BroadcastPreview {
  const urgent = b.priority === "urgent";
  const etaByPlatform = b.perPlatform.map((p) => ({ ...p, seconds: Math.ceil(sendingSeconds(paces[p.platform], p.count, Date.now(), { urgent })) }));
  return { ...b, etaByPlatform, etaSeconds: etaByPlatform.reduce((m, p) => Math.max(m, p.seconds), 0) };
}

/** The preview: count, names, skipped groups and ETA; nothing is stored. */
export async function previewBroadcast(opts: { db: Db; actor: Actor; request: BroadcastRequest; paces: Partial<Record<string, SendingPace>> }): Promise<BroadcastPreview> {
  const r = opts.request;
  const b = await createBroadcast({ tx: opts.db, actor: opts.actor, text: r.text, scope: r.scope, priority: r.urgent ? "urgent" : "normal", at: r.at ? parseChinaTime(r.at) : undefined, dryRun: true });
  return withEta(b, opts.paces);
}

/** Create and confirm: sending starts now, or at `at` (a delayed job). */
export async function sendBroadcast(opts: { db: Db; queues: Queues; actor: Actor; request: BroadcastRequest; paces: Partial<Record<string, SendingPace>> }): Promise<BroadcastPreview & { status: ControlResult["status"] }> {
  const r = opts.request;
  const at = r.at ? parseChinaTime(r.at) : undefined;
  const { created, confirmed } = await opts.db.$transaction(async (tx) => {
    const created = await createBroadcast({ tx, actor: opts.actor, text: r.text, scope: r.scope, priority: r.urgent ? "urgent" : "normal", at });
    if (!created.outboundIds.length) {
      await tx.broadcast.update({ where: { id: created.id }, data: { status: "cancelled", finishedAt: new Date() } });
      return { created, confirmed: undefined };
    }
    return { created, confirmed: await confirmBroadcast({ tx, actor: opts.actor, id: created.id }) };
  });
  if (confirmed) await runFollowUp(opts.db, opts.queues, confirmed.followUp);
  return { ...withEta(created, opts.paces), status: confirmed?.status ?? "cancelled" };
}
