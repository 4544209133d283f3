// Text from a platform may hold lone UTF-16 surrogates (a split emoji, a hostile client). They cannot be
// stored (Prisma/SQLite reject them) or sent, so every gateway makes text well-formed at its edge with this.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replace every lone surrogate with U+FFFD; well-formed text is returned as is (no copy). */
export function wellFormed(text: string): string {
  const s = text as string & { isWellFormed?: () => boolean; toWellFormed?: () => string };
  if (typeof s.isWellFormed === "function") return s.isWellFormed() ? text : s.toWellFormed!();
  return text.replace(LONE_SURROGATE, "\uFFFD");
}

/** The same for every text field of an inbound message (text, sender name, chat title): one call per gateway. */
export function wellFormedMessage<T extends { text: string; chatTitle?: string; sender: { id: string; name: string } }>(msg: T): T {
  const out = { ...msg, text: wellFormed(msg.text), sender: { ...msg.sender, id: wellFormed(msg.sender.id), name: wellFormed(msg.sender.name) } };
  if (typeof msg.chatTitle === "string") out.chatTitle = wellFormed(msg.chatTitle);
  return out;
}
