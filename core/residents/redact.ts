// What retention and erasure leave in place of a resident's words and name: a pseudonym derived from the row id
// (stable, so counts per resident survive; it reveals nothing a platform id would) and a short masked excerpt.

import { AppError } from "../infra/errors.js";
import { PLATFORMS, type Platform } from "../ports/chat.js";
import { maskPersonal } from "../privacy.js";

/** The pseudonym of a resident row: "居民R12". */
export const pseudonym = (residentId: number): string => `居民R${residentId}`;

/** What an erased message or ticket text becomes (the row stays, so counts and categories do too). */
export const ERASED_TEXT = "[已删除]";

/** Characters of a resident's text kept by retention (after masking numbers and the resident's name). */
export const EXCERPT_CHARS = 10;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Replace every occurrence of the names (longest first; two characters or more) by the pseudonym. */
export function replaceNames(text: string, names: string[], replacement: string): string {
  const real = [...new Set(names.filter((n) => n.trim().length >= 2))].sort((a, b) => b.length - a.length);
  if (!real.length) return text;
  return text.replace(new RegExp(real.map(escape).join("|"), "g"), replacement);
}

/** A masked excerpt: names replaced, phone and ID numbers masked, then cut to EXCERPT_CHARS with "…". */
export function maskedExcerpt(text: string, names: string[] = [], replacement = "居民"): string {
  const chars = Array.from(maskPersonal(replaceNames(text, names, replacement)));
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join("")}…` : chars.join("");
}

/** Parse "telegram:123456", "wechat:wxid_abc", "playground:pg-anon-王阿姨" (the id may itself contain ':'). */
export function parseResidentRef(ref: string): { platform: Platform; userId: string } {
  const cut = ref.indexOf(":");
  const platform = (cut > 0 ? ref.slice(0, cut) : "") as Platform;
  const userId = cut > 0 ? ref.slice(cut + 1) : "";
  if (!PLATFORMS.includes(platform) || !userId) throw new AppError("bad_request", { message: `a resident is <platform>:<id> with platform ${PLATFORMS.join(", ")} (got "${ref}")` });
  return { platform, userId };
}
