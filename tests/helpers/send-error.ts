// The SendError a gateway's send rejects with, for asserting its kind.

import { SendError } from "../../core/ports/chat.js";

/** The SendError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function sendError(p: Promise<unknown>): Promise<SendError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SendError) return err;
    throw err;
  }
  throw new Error("expected a SendError");
}
