// A poll (社区投票) is a broadcast whose notice shows the numbered options and how to vote, plus a Poll row with
// its deadline. Same audience, scope rules, preview and confirmation as any broadcast (create-broadcast.ts).

import { recordAudit } from "../audit/record-audit.js";
import { formatChinaTime } from "../broadcasts/china-time.js";
import { createBroadcast, type CreateBroadcastOptions, type CreatedBroadcast } from "../broadcasts/create-broadcast.js";
import { AppError } from "../infra/errors.js";
import { langOf, t, type Lang } from "../locale.js";
import { authorize } from "../policy/authorize.js";
import type { PollSpec } from "./parse-poll.js";

/** Options of createPoll: a broadcast's, with the poll instead of the text. */
export interface CreatePollOptions extends Omit<CreateBroadcastOptions, "text"> {
  poll: PollSpec;
  /** Votes are taken until then; the results are posted at that time. */
  closesAt: Date;
}

/** The broadcast preview (and draft) with the poll's id (0 on a dry run), deadline and language. */
export type CreatedPoll = CreatedBroadcast & { pollId: number; closesAt: Date; pollLang: Lang; text: string };

/** The language a poll talks in: the author's (English only when question and options are English). */
export const pollLang = (spec: PollSpec): Lang => langOf([spec.question, ...spec.options].join(" "));

/**
 * Store the draft broadcast carrying the poll's notice and the Poll row (audited as poll.create). The deadline
 * must be after now and after a scheduled start. Nothing is sent before the broadcast is confirmed.
 */
export async function createPoll(opts: CreatePollOptions): Promise<CreatedPoll> {
  const now = opts.now ?? new Date();
  const lang = opts.lang ?? "zh";
  authorize(opts.actor, "poll.create", {}, lang);
  const plang = pollLang(opts.poll);
  if (Number.isNaN(opts.closesAt.getTime()) || opts.closesAt <= now || (opts.at && opts.closesAt <= opts.at)) {
    throw new AppError("bad_request", { message: "poll deadline (until) must be a valid time after now and after the notice's start", userMessage: t(lang).pollNeedUntil });
  }
  const text = t(plang).pollNotice({ question: opts.poll.question, options: opts.poll.options, until: formatChinaTime(opts.closesAt) });
  const { poll: _poll, closesAt: _closes, ...broadcast } = opts;
  const created = await createBroadcast({ ...broadcast, text });
  if (opts.dryRun) return { ...created, pollId: 0, closesAt: opts.closesAt, pollLang: plang, text };
  const poll = await opts.tx.poll.create({ data: { broadcastId: created.id, question: opts.poll.question, options: JSON.stringify(opts.poll.options), lang: plang, closesAt: opts.closesAt } });
  await recordAudit(opts.tx, { actor: opts.actor, action: "poll.create", subject: `poll:${poll.id}`, after: { broadcast: created.id, question: opts.poll.question, options: opts.poll.options, closesAt: opts.closesAt.toISOString() } });
  return { ...created, pollId: poll.id, closesAt: opts.closesAt, pollLang: plang, text };
}
