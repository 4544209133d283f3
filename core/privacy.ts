// Residents' data is personal: phone and ID numbers are masked in logs and in non-admin views — in every
// written form: with spaces or hyphens anywhere (138-1234-5678, 138 1234 5678, 110105 19491231 002X), with
// +86 / 0086 / (+86) in front, landlines with their area code in brackets or not, and full-width digits.

const D = "[0-9０-９]";
/** One optional separator between digits: space, hyphen (ASCII, full-width, en/em dash) or dot. */
const S = "[ \\t\\u00a0\\u3000\\-－–—.]?";
const NOT_DIGIT_BEFORE = "(?<![0-9０-９])";
const NOT_DIGIT_AFTER = "(?![0-9０-９])";

/** 18-digit resident ID (last character may be X), separators allowed anywhere. */
const ID_CARD = new RegExp(`${NOT_DIGIT_BEFORE}${D}(?:${S}${D}){16}${S}[0-9０-９XxＸｘ]${NOT_DIGIT_AFTER}(?![A-Za-z])`, "g");
/** Mainland mobile: 1[3-9]x + 8 digits, optional +86 / 0086 / (+86) / 86- prefix. */
const MOBILE = new RegExp(`${NOT_DIGIT_BEFORE}((?:[(（]?(?:\\+|＋|00)?86[)）]?${S})?)([1１]${S}[3-9３-９](?:${S}${D}){9})${NOT_DIGIT_AFTER}`, "g");
/** Landline: area code 0xx or 0xxx (bracketed or not), then a 7–8 digit number. */
const LANDLINE = new RegExp(`${NOT_DIGIT_BEFORE}([(（]?[0０]${D}{2,3}[)）]?${S})(${D}(?:${S}${D}){6,7})${NOT_DIGIT_AFTER}`, "g");

const digitsOf = (s: string): string => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[^0-9XxＸｘ]/g, "").replace(/[ｘＸx]/g, "X");

/** Mask mainland ID-card numbers (110101********123X), mobile numbers (138****5678) and landlines (010-****5678). */
export function maskPersonal(text: string): string {
  return text
    .replace(ID_CARD, (m) => {
      const d = digitsOf(m);
      return `${d.slice(0, 6)}********${d.slice(14)}`;
    })
    .replace(MOBILE, (_m, prefix: string, number: string) => {
      const d = digitsOf(number);
      return `${prefix}${d.slice(0, 3)}****${d.slice(7)}`;
    })
    .replace(LANDLINE, (_m, area: string, number: string) => `${area}****${digitsOf(number).slice(-4)}`);
}

/** Deep-mask every string in a log object (used as pino's log formatter). */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskPersonal(value);
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out;
}
