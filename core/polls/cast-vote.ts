// A resident's vote: the reply 「1」 / 「同意」 in a group whose open poll's notice arrived there. One row per poll
// and resident; the latest vote (by the time the resident sent it) counts, so a replayed older message never
// overrides a newer vote. Nothing is answered in the group (no flood of acknowledgements).

import type { Db } from "../infra/db.js";
import type { Platform } from "../ports/chat.js";
import { mayBeVote, parseVote } from "./parse-poll.js";

/** The open poll of a chat: the newest one whose notice was delivered there and whose deadline has not passed. */
export async function findOpenPoll(db: Db, where: { platform: Platform; chatId: string; now?: Date }) {
  const poll = await db.poll.findFirst({
    where: { status: "open", closesAt: { gt: where.now ?? new Date() }, broadcast: { deliveries: { some: { status: "sent", group: { platform: where.platform, chatId: where.chatId } } } } },
    orderBy: { id: "desc" },
    select: { id: true, options: true },
  });
  return poll ? { id: poll.id, options: JSON.parse(poll.options) as string[] } : undefined;
}

/** The poll and option a chat message votes for, or undefined (then it is ordinary text). */
export async function readVote(db: Db, msg: { platform: Platform; chatId: string; text: string }, now?: Date): Promise<{ pollId: number; option: number } | undefined> {
  if (!mayBeVote(msg.text)) return undefined; // long text is never a vote: no database work for it
  const poll = await findOpenPoll(db, { platform: msg.platform, chatId: msg.chatId, now });
  if (!poll) return undefined;
  const option = parseVote(msg.text, poll.options);
  return option === undefined ? undefined : { pollId: poll.id, option };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === "P2002";

/** Options of castVote. */
export interface CastVoteOptions {
  db: Db;
  pollId: number;
  residentId: number;
  groupId: number;
  /** 0-based. */
  option: number;
  /** When the resident sent it. */
  votedAt: Date;
}

/** Record a vote: a first one, or a change of an older one; an older replayed vote changes nothing. */
export async function castVote(opts: CastVoteOptions): Promise<"counted" | "stale"> {
  const { db, pollId, residentId } = opts;
  const data = { option: opts.option, groupId: opts.groupId, votedAt: opts.votedAt };
  const newer = () => db.pollVote.updateMany({ where: { pollId, residentId, votedAt: { lte: opts.votedAt } }, data });
  if ((await newer()).count) return "counted";
  try {
    await db.pollVote.create({ data: { pollId, residentId, ...data } });
    return "counted";
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Another vote of this resident landed meanwhile: keep whichever was sent last.
    return (await newer()).count ? "counted" : "stale";
  }
}
