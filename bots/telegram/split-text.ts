// Telegram rejects texts longer than 4096 characters; long notices are split where a reader would pause.

/** Telegram's limit for one message text (counted in UTF-16 code units, which JS string length is). */
export const TELEGRAM_MAX_TEXT = 4096;

/** Closing quotes and brackets that belong to the sentence before the cut (「…。」 stays together). */
const CLOSERS = new Set(["」", "』", "”", "’", "）", ")", "\"", "'", "》", "】", "]"]);
/** Full-width enders always end a sentence; ASCII ones only before whitespace (so 3.5 and v1.2 stay whole). */
const CJK_ENDERS = new Set(["。", "！", "？"]);
const ASCII_ENDERS = new Set([".", "!", "?"]);

/**
 * Split `text` into parts of at most `max` characters, cutting after the last sentence end
 * (。！？ always, . ! ? before whitespace, or a newline) that fits; failing that after the last whitespace;
 * failing that hard at `max` (never inside a surrogate pair). Parts are never empty; the whitespace at a cut
 * is dropped. A text that fits is returned as the only part, untouched.
 */
export function splitText(text: string, max: number = TELEGRAM_MAX_TEXT): string[] {
  if (!Number.isInteger(max) || max < 2) throw new Error("max must be an integer ≥ 2");
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = findCut(rest, max);
    const head = rest.slice(0, cut).replace(/\s+$/u, "");
    if (head !== "") parts.push(head);
    rest = rest.slice(cut).replace(/^\s+/u, "");
  }
  if (rest !== "" || parts.length === 0) parts.push(rest);
  return parts;
}

/** Index to cut `text` at (exclusive end of the first part), 0 < cut ≤ max. */
function findCut(text: string, max: number): number {
  let sentence = -1;
  let space = -1;
  for (let i = 0; i < max; i++) {
    const c = text[i];
    if (c === "\n") sentence = i + 1;
    else if (CJK_ENDERS.has(c)) sentence = i + 1;
    else if (ASCII_ENDERS.has(c) && (i + 1 >= text.length || /\s/u.test(text[i + 1]))) sentence = i + 1;
    else if (/\s/u.test(c)) space = i + 1;
    if (sentence === i + 1) {
      // Keep closing quotes with their sentence when they still fit.
      let j = i + 1;
      while (j < max && CLOSERS.has(text[j])) j++;
      if (j > i + 1) sentence = j;
    }
  }
  if (sentence > 0) return sentence;
  if (space > 0) return space;
  // Hard cut; step back if it would split a surrogate pair.
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
