// Typed errors, mapped once: core throws AppError(code); each transport maps the code to a reply or HTTP status.

/** What went wrong, independent of the transport. */
export type AppErrorCode =
  | "bad_request"
  | "not_found"
  | "forbidden"
  | "conflict"
  | "unavailable"
  | "unauthorized"
  | "rate_limited"
  | "unknown_command";

const HTTP_STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  unavailable: 503,
  unauthorized: 401,
  rate_limited: 429,
  unknown_command: 400,
};

/** A domain error with a developer message and an optional message safe to show a resident or leader. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage?: string;
  constructor(code: AppErrorCode, opts: { message: string; userMessage?: string; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.userMessage = opts.userMessage;
  }
  /** The HTTP status this error maps to. */
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

const PERMANENT_PRISMA_CODES = new Set(["P2000", "P2005", "P2006", "P2007", "P2009", "P2011", "P2012", "P2019", "P2020", "P2023"]);

/**
 * True when retrying cannot help (bad data, a bug): queue jobs then fail at once into the dead-letter set
 * instead of retrying for half an hour. Locks, timeouts and connection errors are transient.
 */
export function isPermanentError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  if (err instanceof AppError) return err.code !== "unavailable";
  if (e?.name === "PrismaClientValidationError") return true;
  if (e?.name === "PrismaClientKnownRequestError" && e.code && PERMANENT_PRISMA_CODES.has(e.code)) return true;
  if (/lone (leading|trailing) surrogate|invalid unicode|malformed utf-?8/i.test(e?.message ?? "")) return true;
  return err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError;
}
