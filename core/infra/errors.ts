// Typed errors, mapped once: core throws AppError(code); each transport maps the code to a reply or HTTP status.

/** What went wrong, independent of the transport. */
export type AppErrorCode =
  | "bad_request"
  | "not_found"
  | "forbidden"
  | "conflict"
  | "unavailable"
  | "unknown_command";

const HTTP_STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  unavailable: 503,
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
