// Residents' data is personal: phone and ID numbers are masked in logs and in non-admin views.

const ID_CARD = /(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g;
const MOBILE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3}-?)\d{4}(\d{3,4})(?!\d)/g;

/** Mask mainland ID-card numbers (110101********123X), mobile numbers (138****5678) and landlines. */
export function maskPersonal(text: string): string {
  return text.replace(ID_CARD, "$1********$2").replace(MOBILE, "$1****$2").replace(LANDLINE, "$1****$2");
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
