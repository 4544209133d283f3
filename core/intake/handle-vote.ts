// A vote in a group with an open poll (core/polls): routed before complaint detection, so 「1」 is a vote only
// where a poll is open and stays chatter everywhere else. Stored as the vote alone (not the message), unanswered.

import { castVote, readVote } from "../polls/cast-vote.js";
import type { ChatMessage } from "../ports/chat.js";
import { ensureResident, type IntakeDeps, type IntakeOutcome } from "./shared.js";

/** Count the message as a vote, or undefined when it is not one (then intake goes on as usual). */
export async function handleVote(deps: IntakeDeps, msg: ChatMessage, text: string): Promise<IntakeOutcome | undefined> {
  const vote = await readVote(deps.prisma, { platform: msg.platform, chatId: msg.chatId, text });
  if (!vote) return undefined;
  const group = await deps.prisma.group.findUnique({ where: { platform_chatId: { platform: msg.platform, chatId: msg.chatId } }, select: { id: true, enabled: true, staffRoom: true } });
  // A staff room's 「1」 is no vote (a notice may reach it; its staff do not vote for residents).
  if (!group?.enabled || group.staffRoom) return undefined;
  const resident = await ensureResident(deps.prisma, msg.platform, msg.sender.id, msg.sender.name);
  const counted = await castVote({ db: deps.prisma, pollId: vote.pollId, residentId: resident.id, groupId: group.id, option: vote.option, votedAt: new Date(msg.sentAt) });
  return { action: "vote", pollId: vote.pollId, counted: counted === "counted" };
}
