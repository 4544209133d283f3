// The CLI's and the API's way to run a poll: preview (nothing stored), or create, confirm and arm its close in
// one step — the chat's two-step confirm (/poll, then 「确认」) uses the same services.

import { parseChinaTime } from "../broadcasts/china-time.js";
import { confirmBroadcast, runFollowUp, type ControlResult } from "../broadcasts/control-broadcast.js";
import { sendingSeconds, type SendingPace } from "../broadcasts/sending-pace.js";
import type { Db } from "../infra/db.js";
import type { Queues } from "../infra/queues.js";
import type { Actor } from "../policy/authorize.js";
import { createPoll, type CreatedPoll } from "./create-poll.js";
import type { PollSpec } from "./parse-poll.js";

/** What a poll's author gives, from any door. Times are China time unless they carry an offset. */
export interface PollRequest extends PollSpec {
  until: string;
  scope?: string;
  urgent?: boolean;
  at?: string;
}

/** A poll's preview with its ETA (seconds at the published paces). */
export type PollPreview = CreatedPoll & { etaSeconds: number };

const withEta = (p: CreatedPoll, paces: Partial<Record<string, SendingPace>>, urgent = false): PollPreview => ({ ...p, etaSeconds: Math.ceil(p.perPlatform.reduce((m, x) => Math.max(m, sendingSeconds(paces[x.platform], x.count, Date.now(), { urgent })), 0)) });

const fields = (r: PollRequest) => ({ poll: { question: r.question, options: r.options }, closesAt: parseChinaTime(r.until), scope: r.scope, priority: r.urgent ? ("urgent" as const) : ("normal" as const), at: r.at ? parseChinaTime(r.at) : undefined });

/** Who would receive the poll and when it closes; nothing is stored. */
export async function previewPoll(opts: { db: Db; actor: Actor; request: PollRequest; paces: Partial<Record<string, SendingPace>> }): Promise<PollPreview> {
  return withEta(await createPoll({ tx: opts.db, actor: opts.actor, ...fields(opts.request), dryRun: true }), opts.paces, opts.request.urgent === true);
}

/** Create and confirm: the notice goes out now (or at `at`), and the close at the deadline is armed. */
export async function sendPoll(opts: { db: Db; queues: Queues; actor: Actor; request: PollRequest; paces: Partial<Record<string, SendingPace>> }): Promise<PollPreview & { status: ControlResult["status"] }> {
  const f = fields(opts.request);
  const { created, confirmed } = await opts.db.$transaction(async (tx) => {
    const created = await createPoll({ tx, actor: opts.actor, ...f });
    if (!created.outboundIds.length) {
      await tx.broadcast.update({ where: { id: created.id }, data: { status: "cancelled", finishedAt: new Date() } });
      await tx.poll.update({ where: { id: created.pollId }, data: { status: "closed", closedAt: new Date() } });
      return { created, confirmed: undefined };
    }
    return { created, confirmed: await confirmBroadcast({ tx, actor: opts.actor, id: created.id }) };
  });
  if (confirmed) {
    await runFollowUp(opts.db, opts.queues, confirmed.followUp);
    await runFollowUp(opts.db, opts.queues, { kind: "pollClose", pollId: created.pollId, at: created.closesAt });
  }
  return { ...withEta(created, opts.paces, opts.request.urgent === true), status: confirmed?.status ?? "cancelled" };
}
