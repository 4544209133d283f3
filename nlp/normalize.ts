// Text normalisation: NFKC, invisible characters out, full → half width, traditional → simplified
// (opencc-js), lower-case Latin. Two entry points: `normalize` for callers, and `normalizeWithMap`
// for the detector, which also needs every output character's position in the original text so
// that keyword offsets (and highlighting) refer to what the resident actually wrote.
import * as OpenCC from "opencc-js";
import { readTables, tablesKey, writeTables, type NormalizerTables } from "./tables-cache.js";

// === Character classes

/** Format characters, variation selectors and fillers that render as nothing: used to obfuscate (停‍电). */
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\u{e0100}-\u{e01ef}]/gu;
/** Control characters other than line breaks and tabs (which become \n and a space). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function cleanUnit(s: string): string {
  let out = s.normalize("NFKC").replace(INVISIBLE, "").replace(CONTROL, "");
  out = out.replace(/\r\n?/g, "\n").replace(/[\t\u2028\u2029]/g, (c) => (c === "\t" ? " " : "\n"));
  return out.toLowerCase();
}

// === Per-character tables (built once per process, ≈ 0.25 s, or read from the disk cache in milliseconds)

/** FOLD[c]: the single normalised code unit for BMP code unit c, DROP when it vanishes, COMPLEX when it needs the slow path. */
export const DROP = 0;
/** FOLD marker: the character needs the full normaliser (traditional, multi-character NFKC, surrogate). */
export const COMPLEX = 0xffff;
let FOLD: Uint16Array | null = null;
/** BMP characters that normalise to several characters (… → ...), for the quick scan. */
let EXPAND: Map<number, string> | null = null;
let TRAD: Uint8Array | null = null;
/** MARKS[c]: 1 for a BMP combining mark (\p{M}). */
let MARKS: Uint8Array | null = null;
/** What the normaliser makes of a lone BMP character whose FOLD is COMPLEX (… → ..., traditional ones as they are). */
let SLOW: Map<number, string> | null = null;
let toSimplified: ((s: string) => string) | null = null;

function converter(): (s: string) => string {
  if (!toSimplified) {
    // OpenCC standard traditional, then Hong Kong forms (衞 → 卫). Not 'tw': it turns the simplified 么 into 幺.
    const t = OpenCC.Converter({ from: "t", to: "cn" });
    const hk = OpenCC.Converter({ from: "hk", to: "cn" });
    toSimplified = (s: string) => hk(t(s));
  }
  return toSimplified;
}

/**
 * The BMP fold table and the set of characters opencc would change, built once per process — read from the disk
 * cache (nlp/tables-cache.ts) when one matches this normaliser, Node and opencc-js, else built and written there.
 */
export function tables(): { fold: Uint16Array; trad: Uint8Array; expand: Map<number, string>; marks: Uint8Array; slow: Map<number, string> } {
  if (FOLD && TRAD && EXPAND && MARKS && SLOW) return { fold: FOLD, trad: TRAD, expand: EXPAND, marks: MARKS, slow: SLOW };
  let key: string | null = null;
  try {
    key = tablesKey();
  } catch {
    /* the source is not readable as a file (bundled): no cache */
  }
  const cached = key ? readTables(key) : null;
  const t = cached ?? buildTables();
  if (key && !cached) writeTables(key, t);
  converter(); // built now, not at the first traditional character a resident writes
  FOLD = t.fold;
  TRAD = t.trad;
  EXPAND = t.expand;
  MARKS = t.marks;
  SLOW = t.slow;
  PLANE1 = t.plane1;
  return { fold: FOLD, trad: TRAD, expand: EXPAND, marks: MARKS, slow: SLOW };
}

/** Compute the tables from the normaliser itself (NFKC, opencc) over every BMP and plane-1 character: ≈ 0.25 s. */
export function buildTables(): NormalizerTables {
  const marks = new Uint8Array(65536);
  const slow = new Map<number, string>();
  const expand = new Map<number, string>();
  const fold = new Uint16Array(65536);
  const trad = new Uint8Array(65536);
  // Which characters does opencc change on their own? One call over all of them, newline-separated so
  // that phrase rules cannot join neighbours.
  const chars: string[] = [];
  for (let c = 0x2e80; c < 0xfb00; c++) if (c < 0xd800 || c > 0xdfff) chars.push(String.fromCharCode(c));
  const converted = converter()(chars.join("\n")).split("\n");
  if (converted.length === chars.length) {
    for (let i = 0; i < chars.length; i++) if (converted[i] !== chars[i]) trad[chars[i].charCodeAt(0)] = 1;
  }
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) { fold[c] = COMPLEX; continue; }
    const s = String.fromCharCode(c);
    const n = cleanUnit(s);
    if (MARK.test(s)) marks[c] = 1;
    if (trad[c]) fold[c] = COMPLEX;
    else if (n === s) fold[c] = c === COMPLEX ? COMPLEX : c;
    else if (n.length === 0) fold[c] = DROP;
    else if (n.length === 1 && !trad[n.charCodeAt(0)] && n.charCodeAt(0) !== COMPLEX) fold[c] = n.charCodeAt(0);
    else {
      fold[c] = COMPLEX;
      if (!trad[c] && ![...n].some((ch) => ch.length > 1 || trad[ch.charCodeAt(0)])) expand.set(c, n);
    }
  }
  fold[0] = DROP;
  for (let c = 0; c < 65536; c++) if (fold[c] === COMPLEX && (c < 0xd800 || c > 0xdfff)) slow.set(c, cleanUnit(String.fromCharCode(c)));
  return { fold, trad, expand, marks, slow, plane1: buildPlane1() };
}

/**
 * PLANE1[cp - 0x10000]: 1 when normalising the plane-1 code point changes it — math alphanumerics (𝐩𝐨𝐰𝐞𝐫),
 * enclosed letters and ideographs (🄿, 🈶 → 有), case (𐐀 → 𐐨) — computed from the normaliser itself, so
 * it is exact; emoji (0) stay as they are. Built (or read from the cache) with the BMP tables.
 */
let PLANE1: Uint8Array | null = null;

/** Does normalising this astral code point change it (plane 1 above; CJK compatibility ideographs; tags)? */
export function astralNeedsWork(cp: number): boolean {
  if (cp < 0x20000) {
    PLANE1 ??= buildPlane1();
    return PLANE1[cp - 0x10000] === 1;
  }
  return (cp >= 0x2f800 && cp <= 0x2fa1f) || (cp >= 0xe0000 && cp <= 0xe01ef);
}

function buildPlane1(): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCodePoint(0x10000 + c);
    if (cleanUnit(ch) !== ch) t[c] = 1;
  }
  return t;
}

// === Normalisation with an offset map

/** Normalised text plus, for each of its code units, the [start, end) of the original unit it came from. */
export interface Normalized {
  text: string;
  /** null when every output character sits where its input character was (nothing vanished or expanded). */
  origStart: Int32Array | null;
  origEnd: Int32Array | null;
}

/** Offset in the original text where normalised character i (or the end, i = length) starts. */
export function originalStart(norm: Normalized, i: number, originalLength: number): number {
  if (!norm.origStart) return Math.min(i, originalLength);
  return i < norm.origStart.length ? norm.origStart[i] : originalLength;
}

/** Offset in the original text where normalised character i - 1 ends. */
export function originalEnd(norm: Normalized, i: number): number {
  if (!norm.origEnd) return i;
  return i > 0 ? norm.origEnd[i - 1] : 0;
}

const MARK = /\p{M}/u;

/**
 * Is s[j] a combining mark joining the unit before it? BMP marks only: an astral mark (a variation selector
 * of plane 14, U+1D165) is a surrogate pair, normalised as a unit of its own.
 */
function markAt(s: string, j: number, marks: Uint8Array): boolean {
  return marks[s.charCodeAt(j)] === 1; // surrogate code units are never in the table
}

/**
 * Normalise and remember where each output character came from. Linear in the input; never throws
 * (lone surrogates become U+FFFD).
 */
export function normalizeWithMap(input: string): Normalized {
  const { fold, trad, marks, slow } = tables();
  const n = input.length;
  // Fast path: every character folds to exactly one simple character (the usual chat line), so positions
  // are unchanged and no offset map is stored. The few characters that change (full-width punctuation,
  // capitals) are spliced between slices of the input: cheaper than building the string from a code-unit
  // buffer (measured on the bench mix: 0.5–0.75 → 0.25 µs per line).
  {
    let text = "";
    let from = 0;
    let simple = true;
    for (let i = 0; i < n; i++) {
      const c = input.charCodeAt(i);
      const f = fold[c];
      if (f === COMPLEX && c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        // An astral character normalising to itself (an emoji) keeps its place: skip the pair.
        const d = input.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff && !astralNeedsWork(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) { i++; continue; }
      }
      // A character that vanishes or needs the full normaliser, or a combining mark (e + ◌́ → é).
      if (f === DROP || f === COMPLEX || (f >= 0x300 && f < 0x370)) { simple = false; break; }
      if (f === c) continue;
      text += input.slice(from, i) + String.fromCharCode(f);
      from = i + 1;
    }
    if (simple) return { text: from === 0 ? input : text + input.slice(from), origStart: null, origEnd: null };
  }
  const codes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let needsOpencc = false;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    const f = fold[c];
    if (f !== COMPLEX) {
      // Combining marks after a simple character still need NFKC composition (e + ◌́ → é).
      const next = i + 1 < n ? input.charCodeAt(i + 1) : 0;
      if (next < 0x300 || !markAt(input, i + 1, marks)) {
        if (f !== DROP) { codes.push(f); starts.push(i); ends.push(i + 1); }
        i++;
        continue;
      }
    }
    // Slow unit: a surrogate pair (or a lone surrogate), a traditional character, or a base + marks.
    let j = i + 1;
    let unit: string;
    if (c >= 0xd800 && c <= 0xdbff && j < n && input.charCodeAt(j) >= 0xdc00 && input.charCodeAt(j) <= 0xdfff) {
      j++;
      unit = input.slice(i, j);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      unit = "\ufffd";
    } else {
      unit = input[i];
    }
    while (j < n && j - i < 32 && markAt(input, j, marks)) j++;
    if (unit !== "\ufffd" && j > i + unit.length) unit = input.slice(i, j);
    // A lone BMP character (… , a traditional one): its normal form was worked out with the tables.
    const out = unit.length === 1 && fold[c] === COMPLEX ? (slow.get(c) ?? cleanUnit(unit)) : cleanUnit(unit);
    for (let k = 0; k < out.length; k++) {
      const oc = out.charCodeAt(k);
      if (oc < 65536 && trad[oc]) needsOpencc = true;
      codes.push(oc); starts.push(i); ends.push(j);
    }
    i = j;
  }
  let text = "";
  for (let k = 0; k < codes.length; k += 8192) text += String.fromCharCode(...codes.slice(k, k + 8192));
  if (needsOpencc) {
    const conv = converter();
    const converted = conv(text);
    if (converted.length === text.length) text = converted;
    else {
      // A phrase rule changed the length: convert character by character to keep the offset map.
      let out = "";
      for (const ch of text) {
        const s = conv(ch);
        out += s.length === ch.length ? s : ch;
      }
      text = out;
    }
  }
  return { text, origStart: Int32Array.from(starts), origEnd: Int32Array.from(ends) };
}

/**
 * The canonical form the detector matches on: NFKC, no invisible or control characters, half-width,
 * simplified Chinese, lower case. 「停‍電」→「停电」, 「ＷＩＦＩ」→「wifi」.
 */
export function normalize(text: string): string {
  if (typeof text !== "string" || text.length === 0) return "";
  return normalizeWithMap(text).text;
}
