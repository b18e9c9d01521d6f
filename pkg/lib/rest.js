// createClient: BigCommerce's REST Management API and GraphQL Storefront API on top of the retrying
// fetch. It builds the request (URL, query, JSON body, auth headers), sends it through the same retry
// loop as createFetch, and turns the answer into what the caller wants: the parsed data, a
// `PartialResult` for a batch that partly failed, or a thrown `ApiError` / `GraphQLError` whose details
// the wasm core read from the error body (pkg/lib/core.js → src/problem.rs).
//
// The tokens live in private fields: no error, event, trace, `JSON.stringify` or `util.inspect` of the
// client shows them, and no message names a URL's query.

import { clientFetch, retryInfos, statsOf } from "./client.js";
import * as core from "./core.js";
import { ApiError, GraphQLError, PartialResult, TimeoutError } from "./errors.js";
import { describe, extendOptions, isBaseUrl, isHeadersLike, readOptions } from "./options.js";
import { sleep } from "./signals.js";

/** createClient's own options; the others are createFetch's. */
const CLIENT_KEYS = [
  "storeHash",
  "accessToken",
  "baseUrl",
  "headers",
  "storefrontToken",
  "storefrontUrl",
  "cache",
  "cacheEntries",
];

/** The bodies a revalidating client keeps by default (the core says which it keeps). */
const CACHE_ENTRIES = 100;

/** The largest error body kept on an `ApiError` (`body`), in characters: enough for any documented one. */
const MAX_KEPT_BODY = 64 * 1024;

/** `meta` of what a v3 call returned (its pagination, counts), for `metaOf()`. */
const metas = new WeakMap();

/** The `meta` object that came with `result` (a v3 answer's), or `undefined`. */
export function metaOf(result) {
  return typeof result === "object" && result !== null ? metas.get(result) : undefined;
}

/** A client for one store. Throws a `TypeError` naming any bad option. */
export function createClient(options) {
  core.assertReady("createClient", true, true);
  if (options !== undefined && (typeof options !== "object" || options === null || Array.isArray(options))) {
    throw new TypeError(`createClient: options must be an object, got ${describe(options)}`);
  }
  const own = {};
  const rest = {};
  for (const key of Object.keys(options ?? {})) {
    if (CLIENT_KEYS.includes(key)) own[key] = options[key];
    else rest[key] = options[key];
  }
  const storeHash = text(own.storeHash, "storeHash", 'a store hash such as "abc123"');
  if (storeHash !== undefined && !/^[A-Za-z0-9]{1,40}$/.test(storeHash)) {
    throw new TypeError(
      `createClient: option \`storeHash\` must be letters and digits, got ${describe(storeHash)}`,
    );
  }
  const baseUrl =
    url(own.baseUrl, "baseUrl") ?? (storeHash && `https://api.bigcommerce.com/stores/${storeHash}`);
  const storefrontUrl =
    url(own.storefrontUrl, "storefrontUrl") ??
    (storeHash && `https://store-${storeHash}.mybigcommerce.com/graphql`);
  if (baseUrl === undefined && storefrontUrl === undefined) {
    throw new TypeError("createClient: give `storeHash` (or `baseUrl` and `storefrontUrl`)");
  }
  if (rest.throwHttpErrors !== undefined) {
    throw new TypeError(
      "createClient: option `throwHttpErrors` is createFetch's; a client always throws ApiError",
    );
  }
  const read = readOptions(rest, "createClient");
  if (own.cache !== undefined && own.cache !== "revalidate") {
    throw new TypeError(
      `createClient: option \`cache\` must be "revalidate" or left out, got ${describe(own.cache)}`,
    );
  }
  const entries = own.cacheEntries ?? CACHE_ENTRIES;
  if (!(Number.isInteger(entries) && entries >= 1 && entries <= 100_000)) {
    throw new TypeError(
      `createClient: option \`cacheEntries\` must be a whole number from 1 to 100000, got ${describe(entries)}`,
    );
  }
  return new Client({
    cache: own.cache === "revalidate" ? new Revalidation(entries) : undefined,
    options: { ...options },
    send: clientFetch(read, "createClient", true),
    protect: read.protect,
    baseUrl,
    storefrontUrl,
    headers: headerList(own.headers, "headers", "createClient"),
    accessToken: text(own.accessToken, "accessToken", "the API account's access token"),
    storefrontToken: text(own.storefrontToken, "storefrontToken", "a storefront API token"),
  });
}

export class Client {
  #cache;
  #options;
  #send;
  #accessToken;
  #storefrontToken;
  #headers;

  #protect;

  constructor({
    options,
    send,
    baseUrl,
    storefrontUrl,
    headers,
    accessToken,
    storefrontToken,
    cache,
    protect,
  }) {
    this.#protect = protect;
    this.#cache = cache;
    this.#options = options;
    this.#send = send;
    this.#accessToken = accessToken;
    this.#storefrontToken = storefrontToken;
    this.#headers = headers;
    /** Where REST paths are resolved: `https://api.bigcommerce.com/stores/{hash}` by default. */
    this.baseUrl = baseUrl;
    /** The GraphQL Storefront endpoint: `https://store-{hash}.mybigcommerce.com/graphql` by default. */
    this.storefrontUrl = storefrontUrl;
  }

  /**
   * A new client with these options over this one's: `headers` are merged (the new ones win), anything
   * else replaces. This client is unchanged.
   */
  extend(options) {
    return createClient(extendOptions(this.#options, options));
  }

  /** What protects the stores this client calls (`protect`): `{ [store]: stats }`; `{}` without it. */
  stats() {
    return this.#protect === undefined ? {} : statsOf(this.#protect);
  }

  get(path, options) {
    return this.#data("GET", path, options);
  }

  post(path, options) {
    return this.#data("POST", path, options);
  }

  put(path, options) {
    return this.#data("PUT", path, options);
  }

  delete(path, options) {
    return this.#data("DELETE", path, options);
  }

  /**
   * The whole answer of a REST call: `{ status, data, meta, headers }`, `data` unwrapped from a v3
   * envelope; a 207 (or a 422 that names the items that failed) gives a `PartialResult` as `data`.
   * Throws an `ApiError` for any other error status.
   */
  async request(method, path, options = {}) {
    const call = readCall(options, method);
    if (this.baseUrl === undefined)
      throw new TypeError(`createClient: ${method} needs \`baseUrl\` or \`storeHash\``);
    const where = restPath(path);
    if (this.#accessToken === undefined) {
      throw new TypeError(`createClient: ${method} ${where} needs the \`accessToken\` option`);
    }
    const json = call.json !== undefined;
    const headers = callHeaders(this.#headers, call.headers, [
      ["x-auth-token", this.#accessToken],
      json && ["content-type", "application/json"],
      call.idempotencyKey !== undefined && ["idempotency-key", call.idempotencyKey],
    ]);
    const body = json ? JSON.stringify(call.json) : call.body;
    const target = `${this.baseUrl}${where}${queryString(call.query)}`;
    const cached = method === "GET" ? this.#cache?.get(target) : undefined;
    if (cached !== undefined) headers.set("if-modified-since", cached.lastModified);
    const response = await this.#send(target, { method, headers, body, signal: call.signal });
    if (cached !== undefined && response.status === 304) {
      this.#cache.touch(target, cached);
      return withoutText(await answer(response, method, where, cached.text));
    }
    const result = await answer(response, method, where);
    if (this.#cache !== undefined && method === "GET") this.#cache.keep(target, response, result.text);
    return withoutText(result);
  }

  /**
   * Every item of a v3 listing, page after page (offset or cursor pagination, one request a page,
   * following `links.next`), as an async iterator. Stops after the last page, or when `signal` aborts.
   */
  async *paginate(path, options = {}) {
    const call = readCall(options, "paginate");
    if (call.json !== undefined || call.body !== undefined)
      throw new TypeError("paginate: a listing takes no body");
    let query = { ...call.query };
    let current = "";
    for (;;) {
      const { data, meta } = await this.request("GET", path, { ...options, query });
      if (!Array.isArray(data)) {
        throw new TypeError(`paginate: GET ${restPath(path)} did not answer a list (use get() for one item)`);
      }
      for (const item of data) yield item;
      const links = meta?.pagination?.links ?? meta?.cursor_pagination?.links;
      const next = core.nextPage(textLink(links?.next), textLink(links?.current) || current, data.length);
      if (next === undefined) return;
      current = `?${next}`;
      query = { ...query, ...Object.fromEntries(new URLSearchParams(next)) };
    }
  }

  /**
   * Polls a job (`/v3/themes/jobs/{id}`) until it completes, with growing waits between polls; resolves
   * with its data. `onProgress({ status, percent })` is called after each poll. A `FAILED` job throws an
   * `ApiError` with its errors; past `timeout` (10 minutes by default) it throws a `TimeoutError`.
   */
  async waitForJob(path, { onProgress, signal, timeout = 600_000, ...options } = {}) {
    if (onProgress !== undefined && typeof onProgress !== "function") {
      throw new TypeError(
        `waitForJob: option \`onProgress\` must be a function, got ${describe(onProgress)}`,
      );
    }
    if (!(typeof timeout === "number" && timeout >= 0)) {
      throw new TypeError(
        `waitForJob: option \`timeout\` must be a number of milliseconds, got ${describe(timeout)}`,
      );
    }
    const started = Date.now();
    for (let poll = 0; ; poll += 1) {
      const { data } = await this.request("GET", path, { ...options, signal });
      const body = JSON.stringify(data) ?? "";
      const job = core.job(cutBody(body));
      onProgress?.({ status: job.status, percent: job.percent, poll: poll + 1 });
      if (job.state === 1) return data;
      if (job.state === 2) {
        throw new ApiError(`job at ${restPath(path)} FAILED`, {
          status: 200,
          info: core.interpret(200),
          problem: { shape: "json", title: "job failed", fieldErrors: [], messages: job.messages },
          body: body.slice(0, MAX_KEPT_BODY),
          attempts: poll + 1,
        });
      }
      const wait = core.pollDelayMs(poll, Date.now() - started, timeout, Math.random());
      if (wait === undefined) {
        throw new TimeoutError(
          `job at ${restPath(path)} was still ${job.status || "not done"} after ${Date.now() - started} ms`,
          {
            attempts: poll + 1,
            reason: "deadline",
          },
        );
      }
      await sleep(wait, signal);
    }
  }

  async #data(method, path, options) {
    return (await this.request(method, path, options)).data;
  }

  /**
   * Runs a GraphQL Storefront query or mutation; resolves with its `data`. An answer with `errors`
   * throws a `GraphQLError` (its `kind` says a complexity or customer-token error apart).
   */
  async graphql(query, variables, options = {}) {
    if (typeof query !== "string")
      throw new TypeError(`graphql: the query must be a string, got ${describe(query)}`);
    if (variables !== undefined && (typeof variables !== "object" || variables === null)) {
      throw new TypeError(`graphql: variables must be an object, got ${describe(variables)}`);
    }
    const call = readCall(options, "graphql", ["customerAccessToken"]);
    if (this.storefrontUrl === undefined)
      throw new TypeError("createClient: graphql needs `storefrontUrl` or `storeHash`");
    if (this.#storefrontToken === undefined)
      throw new TypeError("createClient: graphql needs the `storefrontToken` option");
    const headers = callHeaders(this.#headers, call.headers, [
      ["content-type", "application/json"],
      ["authorization", `Bearer ${this.#storefrontToken}`],
      call.customerAccessToken !== undefined && ["x-bc-customer-access-token", call.customerAccessToken],
    ]);
    const response = await this.#send(this.storefrontUrl, {
      method: "POST",
      headers,
      body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
      signal: call.signal,
    });
    const text = await response.text();
    const complexity = Number(response.headers.get("x-bc-graphql-complexity") ?? Number.NaN);
    const meta = Number.isFinite(complexity) ? { complexity } : {};
    const parsed = parseJson(text);
    const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
    const read = core.graphqlErrors(response.status, cutBody(text), isObject);
    if (read.failure !== undefined) throw graphqlError(response, read, isObject ? parsed : null, text);
    const data = parsed.data ?? null;
    if (typeof data === "object" && data !== null) metas.set(data, meta);
    keepRetryInfo(response, data);
    return data;
  }
}

/**
 * GET answers kept for revalidation: by URL, the body and its `Last-Modified`, at most `limit` of them,
 * the least recently used dropped first. BigCommerce documents `If-Modified-Since` (answered with a 304
 * when nothing changed), not ETags.
 */
class Revalidation {
  constructor(limit) {
    this.limit = limit;
    this.entries = new Map();
  }

  get(url) {
    return this.entries.get(url);
  }

  /** Marks `entry` as just used. */
  touch(url, entry) {
    this.entries.delete(url);
    this.entries.set(url, entry);
  }

  /** Keeps an answer's body when the core says (a 200 that says when it was last modified, not too long). */
  keep(url, response, text) {
    const lastModified = response.headers.get("last-modified") ?? "";
    this.entries.delete(url);
    if (typeof text !== "string" || !core.keepsForRevalidation(response.status, lastModified, text.length))
      return;
    this.entries.set(url, { lastModified, text });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value);
  }
}

/**
 * The retry history of `response`, when it needed retries, kept for `data` too (an object or array the
 * client returns), so that `retryInfo(data)` gives it as `retryInfo(response)` would.
 */
function keepRetryInfo(response, data) {
  const info = retryInfos.get(response);
  if (info !== undefined && typeof data === "object" && data !== null) retryInfos.set(data, info);
}

/**
 * What a REST answer means: `{ status, data, meta, headers, text }`, or a thrown `ApiError`. The core
 * says which (src/rest.rs); the data is parsed here. `cachedText` is the body of the kept answer a 304
 * confirmed: it is read as that answer was (a 200).
 */
async function answer(response, method, where, cachedText) {
  const status = cachedText === undefined ? response.status : 200;
  const kind = core.restKind(status);
  if (kind === 0) return { status, data: null, meta: undefined, headers: response.headers };
  const text = cachedText ?? (await response.text());
  if (kind === 1) {
    const parsed = parseJson(text);
    const v3 = where.startsWith("/v3/") && isEnvelope(parsed);
    const data = v3 ? parsed.data : parsed === NOT_JSON ? text : parsed;
    const meta = v3 ? parsed.meta : undefined;
    if (meta !== undefined && typeof data === "object" && data !== null) metas.set(data, meta);
    keepRetryInfo(response, data);
    return { status, data, meta, headers: response.headers, text };
  }
  const read = core.restAnswer(status, response.headers.get("content-type") ?? "", cutBody(text));
  if (read.partial) {
    const parsed = parseJson(text);
    const envelope = isEnvelope(parsed);
    const result = new PartialResult({
      status,
      data: envelope && Array.isArray(parsed.data) ? parsed.data : [],
      failures: read.failures,
      counts: read.counts,
      meta: envelope ? parsed.meta : undefined,
    });
    keepRetryInfo(response, result);
    return { status, data: result, meta: result.meta, headers: response.headers };
  }
  const error = apiError(response, text, `${method} ${where}`, read.problem);
  // A batch refused whole (PUT /catalog/variants answers 422 `{ batch_errors }`): the items that failed.
  if (read.failures !== undefined) error.failures = read.failures;
  throw error;
}

/**
 * The `ApiError` for `response` (an error status) whose body is `text`: the core reads the body into a
 * problem, unless it has been read. `label` names the call in the message, such as
 * `GET /v3/catalog/products`.
 */
export function apiError(response, text, label, read) {
  const { status } = response;
  const problem = read ?? core.problem(status, response.headers.get("content-type") ?? "", cutBody(text));
  const info = core.interpret(status);
  const title = problem.title ? `: ${problem.title}` : "";
  const details = retryInfos.get(response);
  return new ApiError(`${label} failed with ${status} ${info.text}${title}`, {
    ...details,
    attempts: details?.attempts ?? 1,
    status,
    info,
    problem,
    body: text.length > MAX_KEPT_BODY ? text.slice(0, MAX_KEPT_BODY) : text,
  });
}

function graphqlError(response, read, parsed, text) {
  const details = retryInfos.get(response);
  const first = read.errors[0]?.message;
  const status = response.status;
  const what = first ?? (response.ok ? "an answer that is not GraphQL JSON" : `${status}`);
  const kind = read.failure;
  return new GraphQLError(`GraphQL ${kind === "graphql" ? "error" : kind}: ${what}`, {
    ...details,
    attempts: details?.attempts ?? 1,
    status,
    kind,
    errors: read.errors,
    complexity: read.complexity,
    data: parsed?.data ?? null,
    body: text.length > MAX_KEPT_BODY ? text.slice(0, MAX_KEPT_BODY) : text,
  });
}

/** An answer as `request()` gives it: the body's text stays inside. */
function withoutText({ status, data, meta, headers }) {
  return { status, data, meta, headers };
}

/** A link from a listing's meta, when it is a string. */
const textLink = (link) => (typeof link === "string" ? link : "");

const NOT_JSON = Symbol("not JSON");

function parseJson(text) {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

const isEnvelope = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "data" in value;

/** The body as the core reads it: cut to the core's limit (a cut body reads as truncated). */
function cutBody(text) {
  const max = core.maxBodyBytes();
  return text.length > max ? text.slice(0, max) : text;
}

/** `/v3/…` or `/v2/…` as given; any other path is a v3 one. */
function restPath(path) {
  if (typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) {
    throw new TypeError(
      `createClient: a path must start with "/", such as "/v3/catalog/products"; got ${describe(path)}`,
    );
  }
  if (/[?#]/.test(path)) throw new TypeError("createClient: pass the query as `{ query }`, not in the path");
  return path.startsWith("/v2/") || path.startsWith("/v3/") ? path : `/v3${path}`;
}

/** `?a=1&b=x,y` from `{ a: 1, b: ["x", "y"] }`; `undefined` values are left out. */
function queryString(query) {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.append(key, Array.isArray(value) ? value.map(String).join(",") : String(value));
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** A call's options, checked: `{ query, json, body, headers, signal, idempotencyKey, …extra }`. */
function readCall(options, what, extra = []) {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${what}: options must be an object, got ${describe(options)}`);
  }
  const known = ["query", "json", "body", "headers", "signal", "idempotencyKey", ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `${what}: option \`${key.slice(0, 40)}\` is not known; the options are ${known.join(", ")}`,
      );
    }
  }
  const { query, json, body, signal } = options;
  if (query !== undefined && (typeof query !== "object" || query === null || Array.isArray(query))) {
    throw new TypeError(`${what}: option \`query\` must be an object, got ${describe(query)}`);
  }
  if (json !== undefined && body !== undefined)
    throw new TypeError(`${what}: give \`json\` or \`body\`, not both`);
  return {
    query,
    json,
    body,
    signal,
    headers: headerList(options.headers, "headers", what),
    idempotencyKey: text(options.idempotencyKey, "idempotencyKey", "a string", what),
    customerAccessToken: text(
      options.customerAccessToken,
      "customerAccessToken",
      "a customer access token",
      what,
    ),
  };
}

/**
 * A call's headers: the client's, then `accept: application/json`, then the call's own, then `fixed`
 * (credentials and what the body needs; `false` entries skipped), which nothing overrides.
 */
function callHeaders(defaults, own, fixed) {
  const headers = new Headers(defaults);
  headers.set("accept", "application/json");
  for (const [name, value] of own) headers.set(name, value);
  for (const pair of fixed) if (pair) headers.set(pair[0], pair[1]);
  return headers;
}

/** `[name, value]` pairs from a plain object of strings (or a `Headers`), checked. */
function headerList(value, option, what) {
  if (value === undefined) return [];
  if (isHeadersLike(value)) return [...new Headers(value)];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${what}: option \`${option}\` must be an object of header values, got ${describe(value)}`,
    );
  }
  const pairs = [];
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw new TypeError(`${what}: header \`${name.slice(0, 40)}\` must be a string, got ${describe(item)}`);
    }
    pairs.push([name, item]);
  }
  return pairs;
}

function text(value, option, expected, what = "createClient") {
  if (value !== undefined && typeof value !== "string") {
    throw new TypeError(
      `${what}: option \`${option}\` must be ${expected}, got ${typeof value === "string" ? "a string" : describe(value)}`,
    );
  }
  return value;
}

function url(value, option) {
  if (value === undefined) return undefined;
  if (!isBaseUrl(value)) {
    throw new TypeError(
      `createClient: option \`${option}\` must be an http(s) URL without a query, got ${describe(value)}`,
    );
  }
  return value.replace(/\/+$/, "");
}
