// Who is logged in (GET /api/session) and the API's labels (GET /api/labels), loaded once per login.
import { reactive } from "vue";
import { api } from "./api";

/** A code with its names. */
export interface Label {
  code: string;
  zh: string;
  en: string;
}

interface SessionState {
  loaded: boolean;
  name: string | null;
  username: string | null;
  role: string | null;
  grids: string[] | null;
  labels: { categories: Label[]; statuses: Label[]; actions: Label[] };
}

/** The one session state of the page. */
export const session = reactive<SessionState>({ loaded: false, name: null, username: null, role: null, grids: null, labels: { categories: [], statuses: [], actions: [] } });

/** Ask the server who we are; false when not logged in. */
export async function loadSession(): Promise<boolean> {
  try {
    const me = await api<{ account: { username: string; name?: string | null } | null; actor: { role: string; name: string; grids: string[] | null } }>("GET", "/api/session");
    session.username = me.account?.username ?? null;
    session.name = me.account?.name || me.actor.name;
    session.role = me.actor.role;
    session.grids = me.actor.grids;
    session.labels = await api("GET", "/api/labels");
    session.loaded = true;
    return true;
  } catch {
    clearSession();
    return false;
  }
}

/** Forget the session (after logout or a 401). */
export function clearSession(): void {
  Object.assign(session, { loaded: false, name: null, username: null, role: null, grids: null });
}

/** The Chinese name of a code from a label list (the code itself when unknown). */
export const labelOf = (list: Label[], code: string | null | undefined): string => (code ? (list.find((l) => l.code === code)?.zh ?? code) : "—");
