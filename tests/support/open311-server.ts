// A small Open311 GeoReport v2 server for tests: POST requests.json (form-encoded) files a request, GET
// requests/{id}.json, tokens/{token}.json and the search GET requests.json?service_code&start_date&end_date answer
// like a city's endpoint, and the test drives what it says (status and notes, token mode, error answers in the
// Open311 error-list shape, a filing taken but its answer lost, a hook run when a filing arrives).

import http from "node:http";
import type { AddressInfo } from "node:net";

/** One filed request as the server keeps it. */
export interface FiledRequest {
  id: string;
  form: Record<string, string>;
  status: "open" | "closed";
  notes: string;
  requestedAt: Date;
}

/** The server and its controls. */
export interface Open311Server {
  /** …/open311/v2 (what OPEN311_BASE_URL points at). */
  baseUrl: string;
  requests: FiledRequest[];
  /** Every call received: method and path. */
  calls: Array<{ method: string; path: string }>;
  /** Set a request's status and notes (what the next poll sees). */
  update(id: string, status: "open" | "closed", notes: string): void;
  /** The next n POSTs answer `status` with an Open311 error list. */
  failPosts(n: number, status: number, description: string): void;
  /** Answer POSTs with a token (processed later) instead of an id. */
  useTokens(on: boolean): void;
  /** The next n POSTs are taken (the request is filed) but the connection is cut before the answer. */
  loseAnswers(n: number): void;
  /** Run when a POST is taken, before it is answered (a test kills the filing process here). */
  onFiled(hook: ((r: FiledRequest) => Promise<void> | void) | undefined): void;
  close(): Promise<void>;
}

/** Start the server on an ephemeral port; `apiKey` (if given) is required on every call. */
export async function startOpen311Server(opts: { apiKey?: string } = {}): Promise<Open311Server> {
  const requests: FiledRequest[] = [];
  const calls: Array<{ method: string; path: string }> = [];
  const tokens = new Map<string, string>();
  let failing: { n: number; status: number; description: string } = { n: 0, status: 500, description: "" };
  let tokenMode = false;
  let losing = 0;
  let hook: ((r: FiledRequest) => Promise<void> | void) | undefined;
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://x");
      const path = url.pathname.replace(/^\/open311\/v2/, "");
      calls.push({ method: req.method ?? "", path });
      const params = req.method === "POST" ? Object.fromEntries(new URLSearchParams(raw)) : Object.fromEntries(url.searchParams);
      if (opts.apiKey && params.api_key !== opts.apiKey) return send(res, 403, [{ code: 403, description: "Invalid api_key" }]);
      if (req.method === "POST" && path === "/requests.json") {
        if (failing.n > 0) {
          failing.n--;
          return send(res, failing.status, [{ code: failing.status, description: failing.description }]);
        }
        if (!params.service_code) return send(res, 400, [{ code: 400, description: "service_code is required" }]);
        if (!params.description && !params.lat && !params.address_string) return send(res, 400, [{ code: 400, description: "a location is required" }]);
        const id = String(1000 + requests.length + 1);
        const filed: FiledRequest = { id, form: params, status: "open", notes: "", requestedAt: new Date() };
        requests.push(filed);
        await hook?.(filed);
        if (losing > 0) {
          losing--;
          return req.socket.destroy();
        }
        if (tokenMode) {
          const token = `tok${id}`;
          tokens.set(token, id);
          return send(res, 201, [{ token }]);
        }
        return send(res, 201, [{ service_request_id: id, service_notice: "已受理", account_id: null }]);
      }
      if (req.method === "GET" && path === "/requests.json") {
        // GeoReport v2 search: by service_code (comma-separated) and requested_datetime within start/end_date.
        const codes = params.service_code ? params.service_code.split(",") : null;
        const start = params.start_date ? Date.parse(params.start_date) : -Infinity;
        const end = params.end_date ? Date.parse(params.end_date) : Infinity;
        if (Number.isNaN(start) || Number.isNaN(end)) return send(res, 400, [{ code: 400, description: "start_date and end_date must be W3C datetimes" }]);
        const hits = requests.filter((r) => (!codes || codes.includes(r.form.service_code)) && r.requestedAt.getTime() >= start && r.requestedAt.getTime() <= end);
        return send(res, 200, hits.map((r) => ({ service_request_id: r.id, status: r.status, status_notes: r.notes || null, service_code: r.form.service_code, description: r.form.description, requested_datetime: r.requestedAt.toISOString() })));
      }
      const tok = /^\/tokens\/([^/]+)\.json$/.exec(path);
      if (req.method === "GET" && tok) {
        const id = tokens.get(decodeURIComponent(tok[1]));
        return id ? send(res, 200, [{ service_request_id: id, token: tok[1] }]) : send(res, 404, [{ code: 404, description: "token not found" }]);
      }
      const one = /^\/requests\/([^/]+)\.json$/.exec(path);
      if (req.method === "GET" && one) {
        const r = requests.find((x) => x.id === decodeURIComponent(one[1]));
        if (!r) return send(res, 404, [{ code: 404, description: "service_request_id not found" }]);
        return send(res, 200, [{ service_request_id: r.id, status: r.status, status_notes: r.notes || null, service_code: r.form.service_code, description: r.form.description, updated_datetime: new Date().toISOString() }]);
      }
      send(res, 404, [{ code: 404, description: "not found" }]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/open311/v2`,
    requests,
    calls,
    update(id, status, notes) {
      const r = requests.find((x) => x.id === id);
      if (!r) throw new Error(`no request ${id}`);
      r.status = status;
      r.notes = notes;
    },
    failPosts(n, status, description) {
      failing = { n, status, description };
    },
    useTokens(on) {
      tokenMode = on;
    },
    loseAnswers(n) {
      losing = n;
    },
    onFiled(h) {
      hook = h;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
