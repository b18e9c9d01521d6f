// A local stand-in for the BigCommerce APIs, built from ../../shared/reference/bigcommerce-api-behaviour.md:
// REST v3 and v2 catalog routes, X-Auth-Token checks, the storefront GraphQL endpoint, the rate limiter
// with its headers, the documented error and partial-result shapes, and a control API to script faults
// and read back every request received. Beside this file: the store's data (catalog.mjs), list pages
// (pagination.mjs), the batch endpoints and their partial results (batch.mjs), theme upload jobs
// (themes.mjs), storefront GraphQL (graphql.mjs) and scripted faults (faults.mjs).
//
// Start it from code with `startEmulator({ port: 0, seed, timeScale })`, or from a shell with
// `node tests/emulator/emulator.mjs [--port N] [--seed N] [--time-scale X]`, which prints one JSON line
// `{"url":"http://127.0.0.1:PORT","port":PORT}` when it is listening.

import { createHash } from "node:crypto";
import http from "node:http";
import { batchRoute } from "./batch.mjs";
import { makeCatalog } from "./catalog.mjs";
import { applyFault, FaultBook } from "./faults.mjs";
import { describeOperation, handleGraphql, MAX_COMPLEXITY } from "./graphql.mjs";
import { offsetPage } from "./pagination.mjs";
import { nextModified, parseJson, problem } from "./responses.mjs";
import { themeRoute } from "./themes.mjs";

export { problem } from "./responses.mjs";

import { ACCESS_TOKEN, CUSTOMER_ACCESS_TOKEN, STORE_HASH, STOREFRONT_TOKEN } from "./credentials.mjs";

export { ACCESS_TOKEN, CUSTOMER_ACCESS_TOKEN, STORE_HASH, STOREFRONT_TOKEN } from "./credentials.mjs";

/** BigCommerce's windows last 30 s; Standard and Plus plans allow 150 requests in each. */
const WINDOW_MS = 30_000;
const QUOTA = 150;
/** Endpoints with a concurrency limit (the reference lists them); over it they answer 429 without headers. */
const CONCURRENCY_LIMITS = [
  { method: "PUT", pattern: /^\/v3\/pricelists\/\d+\/records$/, limit: 1 },
  { method: "PUT", pattern: /^\/v3\/customers$/, limit: 3 },
  { method: "POST", pattern: /^\/v3\/customers\/validate-credentials$/, limit: 1 },
  { method: "PUT", pattern: /^\/v3\/pricelists\/records$/, limit: 1 },
];

/**
 * Every answer may not be kept by a browser's HTTP cache: with `Last-Modified` on listings, Chromium
 * would answer a repeated GET from its cache, and the suites' scripted faults would never be asked. A
 * client that revalidates sends `If-Modified-Since` itself.
 */
const NO_STORE = { "cache-control": "no-store" };

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-expose-headers":
    "x-rate-limit-time-window-ms, x-rate-limit-time-reset-ms, x-rate-limit-requests-quota, " +
    "x-rate-limit-requests-left, x-retry-after, retry-after, last-modified, x-bc-graphql-complexity",
};

/**
 * Starts the emulator on loopback. `timeScale` shortens the rate-limit window (0.01 makes 30 s into
 * 300 ms) so that tests need not wait real windows out. With `keepAlive: false` every answer closes its
 * connection, so a scripted cut always hits a fresh one: runtimes silently resend a request whose
 * reused keep-alive connection fails (Deno, workerd), which hides the failure from the code under test.
 */
export async function startEmulator({
  port = 0,
  seed = 1,
  timeScale = 1,
  quota = QUOTA,
  keepAlive = true,
} = {}) {
  const state = newState({ seed, timeScale, quota });
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    if (!keepAlive) res.shouldKeepAlive = false;
    handle(state, req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`emulator error: ${error.message}`);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    port: address.port,
    storeHash: STORE_HASH,
    accessToken: ACCESS_TOKEN,
    storefrontToken: STOREFRONT_TOKEN,
    customerAccessToken: CUSTOMER_ACCESS_TOKEN,
    /** The REST base, as a client would configure it. */
    apiBase: `${url}/stores/${STORE_HASH}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function newState({ seed, timeScale, quota }) {
  return {
    seed,
    timeScale,
    startedAt: performance.now(),
    catalog: makeCatalog(seed),
    faults: new FaultBook(),
    requests: [],
    windowMs: Math.max(1, Math.round(WINDOW_MS * timeScale)),
    quota,
    window: { start: Number.NEGATIVE_INFINITY, used: 0 },
    inFlight: new Map(),
    maintenanceUntil: null,
    priceListDegraded: false,
    /** Theme upload jobs by id (themes.mjs), and whether every new one is to fail. */
    themeJobs: new Map(),
    failThemeJobs: false,
    /** Storefront GraphQL: the complexity a query may reach, and the carts its mutations filled. */
    graphqlComplexityLimit: MAX_COMPLEXITY,
    carts: new Map(),
    /** Requests a fault left unanswered; a reset cuts them so they cannot hold a client's connections. */
    hung: new Set(),
    /** Per catalog list, when an item was last created or deleted (an HTTP-date), for Last-Modified. */
    listChanged: {},
  };
}

/** Headers that carry credentials: a request record lists which of them it came with. */
const CREDENTIAL_HEADERS = ["x-auth-token", "x-auth-client", "authorization", "cookie"];

async function handle(state, req, res) {
  const url = new URL(req.url, "http://emulator");
  if (req.method === "OPTIONS") {
    res.writeHead(204, CORS_HEADERS);
    res.end();
    return;
  }
  const body = await readBody(req);
  if (url.pathname.startsWith("/__control/")) {
    return control(state, req, res, url, body);
  }
  const record = {
    id: state.requests.length + 1,
    method: req.method,
    path: url.pathname,
    query: url.search,
    at: Math.round((performance.now() - state.startedAt) * 1000) / 1000,
    bodyHash: createHash("sha256").update(body).digest("hex"),
    bodyLength: body.length,
    idempotencyKey: req.headers["idempotency-key"] ?? null,
    // Which origin the client asked (127.0.0.1 and localhost are two origins of the same emulator), and
    // which credential headers came with the request (names only).
    host: req.headers.host ?? null,
    credentials: CREDENTIAL_HEADERS.filter((name) => req.headers[name] !== undefined),
  };
  // GraphQL requests are all POSTs to one path: the record says which operation each one carried.
  if (url.pathname === "/graphql" || url.pathname === `/stores/${STORE_HASH}/graphql`) {
    record.graphql = describeOperation(body);
  }
  state.requests.push(record);

  const fault = state.faults.take(req.method, url.pathname);
  if (fault) {
    return applyFault(fault, res, {
      cors: { ...CORS_HEADERS, ...NO_STORE },
      defaultBody: (status) => errorBody(url.pathname, status),
      onHang: (hung) => state.hung.add(hung),
    });
  }
  if (url.pathname === "/graphql" || url.pathname === `/stores/${STORE_HASH}/graphql`) {
    const tokens = { storefrontToken: STOREFRONT_TOKEN, customerAccessToken: CUSTOMER_ACCESS_TOKEN };
    return send(res, handleGraphql(state, req, body, tokens));
  }
  const match = url.pathname.match(/^\/stores\/([^/]+)(\/v[23]\/.*)$/);
  if (!match) return send(res, { status: 404, type: "text/plain", body: "Not Found" });
  const [, hash, route] = match;
  const version = route.startsWith("/v3/") ? "v3" : "v2";

  if (hash !== STORE_HASH || req.headers["x-auth-token"] !== ACCESS_TOKEN) {
    // Some 401s are plain text, not JSON (see the reference).
    return send(res, { status: 401, type: "text/plain", body: "Unauthorized" });
  }
  if (state.maintenanceUntil !== null && Date.now() < state.maintenanceUntil) {
    return send(res, {
      status: 503,
      headers: { "retry-after": new Date(state.maintenanceUntil).toUTCString() },
      json: problem(503, "Store is down for maintenance"),
    });
  }
  const limited = CONCURRENCY_LIMITS.find((c) => c.method === req.method && c.pattern.test(route));
  if (limited) {
    const key = `${req.method} ${route}`;
    const running = state.inFlight.get(key) ?? 0;
    if (running >= limited.limit) {
      return send(res, { status: 429, json: problem(429, "Too many requests") }); // no rate-limit headers
    }
    state.inFlight.set(key, running + 1);
    res.on("close", () => state.inFlight.set(key, (state.inFlight.get(key) ?? 1) - 1));
  }
  const rate = countRequest(state);
  if (rate.left < 0) {
    return send(res, {
      status: 429,
      headers: { ...rate.headers(0), "x-retry-after": String(Math.ceil(rate.resetMs / 1000)) },
      json: {
        status: 429,
        title: "Too many requests",
        type: "/api-docs/getting-started/api-status-codes",
        errors: {},
      },
    });
  }
  const answer = rest(state, req, version, route, url, body);
  if (limited && answer.holdMs) await new Promise((resolve) => setTimeout(resolve, answer.holdMs));
  answer.headers = { ...rate.headers(rate.left), ...answer.headers };
  return send(res, answer);
}

/** Counts a request against the store's window and describes the window for the headers. */
function countRequest(state) {
  const now = performance.now();
  if (now - state.window.start >= state.windowMs) state.window = { start: now, used: 0 };
  state.window.used += 1;
  // Clamped to the window: `start + windowMs - now` can come out a hair over the window in floating
  // point, and its ceiling one millisecond over.
  const resetMs = Math.min(state.windowMs, Math.max(0, Math.ceil(state.window.start + state.windowMs - now)));
  const left = state.quota - state.window.used;
  return {
    left,
    resetMs,
    headers: (shownLeft) => ({
      "x-rate-limit-time-window-ms": String(state.windowMs),
      "x-rate-limit-time-reset-ms": String(resetMs),
      "x-rate-limit-requests-quota": String(state.quota),
      "x-rate-limit-requests-left": String(Math.max(0, shownLeft)),
    }),
  };
}

const RESOURCES = { products: "products", categories: "categories", brands: "brands" };

/** The REST routes: list, get, create and batch update of the catalog, plus a few documented oddities. */
function rest(state, req, version, route, url, body) {
  const v3 = version === "v3";
  const notFound = () =>
    v3
      ? { status: 404, json: problem(404, "The requested resource was not found.") }
      : { status: 404, json: [{ status: 404, message: "The requested resource was not found." }] };

  // Some GETs answer 204 for an empty result.
  if (req.method === "GET" && /^\/v2\/orders\/\d+\/shipments$/.test(route)) return { status: 204 };
  if (req.method === "PUT" && /^\/v3\/pricelists\/\d+\/records$/.test(route)) {
    if (state.priceListDegraded) {
      return {
        status: 503,
        json: {
          error: {
            code: "SERVICE_DEGRADED",
            message: "Service temporarily unavailable",
            details: "Price list writes are paused; retry later",
            retry_after_seconds: 30,
            timestamp: new Date().toISOString(),
          },
        },
      };
    }
    return { status: 200, json: { data: parseJson(body) ?? [], meta: {} }, holdMs: 50 };
  }
  if (req.method === "PUT" && /^\/v3\/customers$/.test(route)) {
    return { status: 200, json: { data: parseJson(body) ?? [], meta: {} }, holdMs: 50 };
  }
  if (req.method === "POST" && route === "/v3/customers/validate-credentials") {
    return { status: 200, json: { is_valid: true, customer_id: 1 }, holdMs: 50 };
  }
  const routed = themeRoute(state, req, route, body) ?? batchRoute(state, req, route, url, body);
  if (routed) return routed;

  const match = route.match(/^\/v[23]\/(?:catalog\/)?(products|categories|brands)(?:\/(\d+))?$/);
  if (!match || (v3 && !route.startsWith("/v3/catalog/"))) return notFound();
  const kind = RESOURCES[match[1]];
  const items = state.catalog[kind];
  const id = match[2] === undefined ? null : Number(match[2]);

  if (req.method === "GET" && id === null) {
    // The product list is as new as its newest product, or its last creation or deletion.
    const modified = kind === "products" ? listModified(state, kind, items) : undefined;
    const headers = modified ? { "last-modified": modified } : {};
    if (notModifiedSince(req, modified)) return { status: 304, headers };
    const page = offsetPage(items, url);
    if (page.answer) return page.answer;
    return { status: 200, headers, json: v3 ? { data: page.data, meta: page.meta } : page.data };
  }
  if (req.method === "GET") {
    const item = items.find((i) => i.id === id);
    if (!item) return notFound();
    const headers = item.date_modified ? { "last-modified": item.date_modified } : {};
    if (notModifiedSince(req, item.date_modified)) return { status: 304, headers };
    return { status: 200, headers, json: v3 ? { data: item, meta: {} } : item };
  }
  if (req.method === "POST" && id === null) {
    if (!(req.headers["content-type"] ?? "").includes("application/json")) {
      return { status: 415, json: problem(415, "The Content-Type header must be application/json") };
    }
    const input = parseJson(body);
    if (input === undefined || typeof input !== "object" || Array.isArray(input)) {
      return v3
        ? { status: 400, json: problem(400, "Input is invalid") }
        : { status: 400, json: [{ status: 400, message: "The request body is not valid JSON." }] };
    }
    const missing = missingFields(kind, input);
    if (Object.keys(missing).length > 0) {
      return v3
        ? { status: 422, json: { ...problem(422, "Missing Required Fields"), errors: missing } }
        : { status: 400, json: Object.values(missing).map((message) => ({ status: 400, message })) };
    }
    // Newer than anything the list has shown, so a conditional GET of the list sees the change.
    const modified = nextModified(listModified(state, kind, items));
    const item = { ...input, id: state.catalog.nextId[kind]++, date_modified: modified };
    items.push(item);
    state.listChanged[kind] = item.date_modified;
    return { status: 201, json: v3 ? { data: item, meta: {} } : item };
  }
  if (req.method === "PUT" && id === null && v3) {
    // Batch update: every item is tried; a mix of results is a 207 with both lists.
    const updates = parseJson(body);
    if (!Array.isArray(updates)) return { status: 400, json: problem(400, "Input is invalid") };
    const data = [];
    const errors = {};
    for (const update of updates) {
      const item = items.find((i) => i.id === update?.id);
      if (!item) errors[String(update?.id)] = "The requested resource was not found.";
      else if (update.price !== undefined && !(update.price >= 0))
        errors[String(update.id)] = "price must be >= 0";
      else data.push(Object.assign(item, update, { date_modified: nextModified(item.date_modified) }));
    }
    const meta = { total: updates.length, success: data.length, failed: updates.length - data.length };
    if (meta.failed === 0) return { status: 200, json: { data, meta } };
    const failure = { ...problem(422, "Some items could not be updated"), errors };
    return { status: 207, json: { data, errors: failure, meta } };
  }
  if (req.method === "PUT" && id !== null) {
    const item = items.find((i) => i.id === id);
    if (!item) return notFound();
    const update = parseJson(body);
    if (!update || typeof update !== "object") return { status: 400, json: problem(400, "Input is invalid") };
    Object.assign(item, update, { id, date_modified: nextModified(item.date_modified) });
    return { status: 200, json: v3 ? { data: item, meta: {} } : item };
  }
  if (req.method === "DELETE" && id !== null) {
    const index = items.findIndex((i) => i.id === id);
    if (index < 0) return notFound();
    const listWas = listModified(state, kind, items);
    items.splice(index, 1);
    state.listChanged[kind] = nextModified(listWas);
    return { status: 204 };
  }
  return v3
    ? { status: 405, json: problem(405, "The method is not allowed on this resource") }
    : { status: 405, json: [{ status: 405, message: "The method is not allowed on this resource." }] };
}

/** Whether the request's `If-Modified-Since` is a date no older than `modified` (both HTTP-dates). */
function notModifiedSince(req, modified) {
  const since = Date.parse(req.headers["if-modified-since"] ?? "");
  const changed = Date.parse(modified ?? "");
  return !Number.isNaN(since) && !Number.isNaN(changed) && changed <= since;
}

/** The newest `date_modified` of a list, or of its last creation or deletion; undefined when none. */
function listModified(state, kind, items) {
  const times = [...items.map((i) => i.date_modified), state.listChanged[kind]]
    .map((date) => Date.parse(date ?? ""))
    .filter((time) => !Number.isNaN(time));
  return times.length > 0 ? new Date(Math.max(...times)).toUTCString() : undefined;
}

function missingFields(kind, input) {
  const required = kind === "products" ? ["name", "price", "type", "weight"] : ["name"];
  return Object.fromEntries(
    required
      .filter((field) => input[field] === undefined)
      .map((field) => [field, `Please provide a ${field}.`]),
  );
}

/** The body a scripted fault answers with when it gives none: the documented shape for the path. */
function errorBody(path, status) {
  const title = http.STATUS_CODES[status] ?? "Error";
  if (/\/v2\//.test(path)) return { json: [{ status, message: `${title}.` }] };
  return { json: problem(status, title) };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Writes `{ status, headers, json | body, type }` with CORS headers. */
function send(res, { status, headers = {}, json, body, type }) {
  const payload = json !== undefined ? JSON.stringify(json) : (body ?? "");
  const contentType = json !== undefined ? "application/json" : (type ?? "text/plain");
  const noBody = status === 204 || status === 304;
  res.writeHead(status, {
    ...CORS_HEADERS,
    ...NO_STORE,
    ...(noBody ? {} : { "content-type": contentType }),
    ...headers,
  });
  res.end(noBody ? undefined : payload);
}

/** The control API: scripted faults, the request log, configuration and reset. */
function control(state, req, res, url, body) {
  const input = parseJson(body) ?? {};
  const ok = (json) => send(res, { status: 200, json });
  switch (`${req.method} ${url.pathname}`) {
    case "GET /__control/health":
      return ok({ ok: true, seed: state.seed, timeScale: state.timeScale });
    case "POST /__control/reset": {
      for (const hung of state.hung) hung.socket?.destroy();
      const fresh = newState({
        seed: input.seed ?? state.seed,
        timeScale: input.timeScale ?? state.timeScale,
        quota: input.quota ?? QUOTA,
      });
      Object.assign(state, fresh);
      return ok({ ok: true });
    }
    case "POST /__control/config":
      if (input.quota !== undefined) state.quota = input.quota;
      if (input.windowMs !== undefined) state.windowMs = input.windowMs;
      if (input.maintenanceForMs !== undefined) {
        // An HTTP-date has whole seconds: end on one, so Retry-After names the end exactly.
        state.maintenanceUntil =
          input.maintenanceForMs === null
            ? null
            : Math.ceil((Date.now() + input.maintenanceForMs) / 1000) * 1000;
      }
      if (input.priceListDegraded !== undefined) state.priceListDegraded = Boolean(input.priceListDegraded);
      if (input.failThemeJobs !== undefined) state.failThemeJobs = Boolean(input.failThemeJobs);
      if (input.graphqlComplexityLimit !== undefined) {
        state.graphqlComplexityLimit = input.graphqlComplexityLimit ?? MAX_COMPLEXITY;
      }
      state.window = { start: performance.now(), used: 0 };
      return ok({ ok: true, quota: state.quota, windowMs: state.windowMs, until: state.maintenanceUntil });
    case "POST /__control/faults": {
      const problemText = state.faults.add(input);
      if (problemText) return send(res, { status: 400, json: { error: problemText } });
      return ok({ ok: true });
    }
    case "GET /__control/requests": {
      const path = url.searchParams.get("path");
      const prefix = url.searchParams.get("prefix");
      const requests = state.requests.filter(
        (r) => (path === null || r.path === path) && (prefix === null || r.path.startsWith(prefix)),
      );
      return ok({ requests });
    }
    default:
      return send(res, { status: 404, json: { error: `no control route ${req.method} ${url.pathname}` } });
  }
}

// Run from a shell: print where it listens, stop on SIGINT/SIGTERM.
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const emulator = await startEmulator({
    port: arg("port", 0),
    seed: arg("seed", 1),
    timeScale: arg("time-scale", 1),
  });
  console.log(JSON.stringify({ url: emulator.url, port: emulator.port, apiBase: emulator.apiBase }));
  for (const signal of ["SIGINT", "SIGTERM"])
    process.on(signal, () => emulator.close().then(() => process.exit(0)));
}
