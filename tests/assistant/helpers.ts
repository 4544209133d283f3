// Helpers for the assistant's end-to-end tests: say a line in a playground group, wait for the bot's answer
// to it, and check that a line stayed unanswered once a later line proves it was processed.
import { PlaygroundGateway } from "../../bots/playground/index.js";
import type { ChatMessage } from "../../core/ports/chat.js";
import { waitFor, type TestApp } from "../helpers/harness.js";

/** The playground gateway of a test app. */
export const playground = (t: TestApp) => t.app.gateways.find((g) => g.platform === "playground") as PlaygroundGateway;

let seq = 0;
/** Post a line as a resident (or staff) and return its message id; `messageId` replays a given one. */
export async function say(t: TestApp, chatId: string, sender: string, text: string, messageId = `as-${Date.now()}-${++seq}`): Promise<string> {
  const msg: ChatMessage = { platform: "playground", chatId, messageId, sender: { id: `pg-${sender}`, name: sender }, text, sentAt: Date.now() };
  await t.app.queues.submit(msg);
  return messageId;
}

/** The bot's line answering a message id (waits for it). */
export const answerTo = (t: TestApp, chatId: string, messageId: string) =>
  waitFor(async () => (await playground(t).transcript(chatId)).find((l) => l.from === "bot" && l.replyTo === messageId));

/** Every bot line answering a message id, now. */
export const answersTo = async (t: TestApp, chatId: string, messageId: string) => (await playground(t).transcript(chatId)).filter((l) => l.from === "bot" && l.replyTo === messageId);

/** Wait until the intake worker has finished a given number of jobs in total. */
export function jobsDone(t: TestApp): () => number {
  const worker = t.app.workers.find((w) => w.name === "intake")!;
  let n = 0;
  worker.on("completed", () => n++);
  return () => n;
}
