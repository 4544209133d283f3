// The one way the admin talks to Gridlink: fetch on /api with the session cookie (same origin, so the browser
// sends our Origin on changes — the server's CSRF check). Errors carry the API's own message; a 401 sends the
// user back to the login page.
import { ref } from "vue";

/** An answer that was not 2xx: its status, the API's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => undefined;
/** What to do when the session has ended (the router sends to /login). */
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

/** Call the API; resolves with the JSON body (undefined for 204). */
export async function api<T = unknown>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    // The UI is Chinese, so are the API's messages where a route speaks both (ticket actions, polls).
    headers: body === undefined ? { accept: "application/json", "accept-language": "zh-CN" } : { accept: "application/json", "accept-language": "zh-CN", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
  if (!res.ok) {
    if (res.status === 401 && !(method === "POST" && path === "/api/session")) unauthorized();
    throw new ApiError(res.status, data?.message ?? `${res.status} ${res.statusText}`, data?.error);
  }
  return data as T;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The message to show for a failed call. */
export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A form's call: `run(fn)` clears the error, holds `busy` while fn runs and shows a failure's message in `error`. */
export function useCall() {
  const error = ref("");
  const busy = ref(false);
  async function run(fn: () => Promise<void>): Promise<void> {
    error.value = "";
    busy.value = true;
    try {
      await fn();
    } catch (err) {
      error.value = messageOf(err);
    } finally {
      busy.value = false;
    }
  }
  return { error, busy, run };
}
