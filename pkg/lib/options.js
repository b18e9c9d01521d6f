// Reading createFetch's options: their shape and types are checked here, their ranges and names (a preset,
// a method, a jitter, a header name) by the wasm core. Unknown keys are rejected too: a misspelt
// `retries: 3` that silently did nothing would be worse than an error.
//
// Every value is read once and copied: lists into fresh arrays of primitives, long strings cut. What
// crosses into the wasm is then only what was checked, so an element getter that answers differently
// the second time, or a Proxy that claims a length of 3e8, cannot throw or trap inside the wasm.

import { CorePolicy, cut, isReady, whenReady } from "./core.js";

const OPTION_KEYS = [
  "fetch",
  "preset",
  "retry",
  "timeout",
  "totalTimeout",
  "onRetry",
  "shouldRetry",
  "credentialHeaders",
  "bufferBody",
  "throwHttpErrors",
  "headers",
  "baseUrl",
  "protect",
  "onEvent",
];
const PROTECT_KEYS = ["pacing", "budget", "breaker", "concurrency", "routeLimits"];
const RETRY_KEYS = [
  "limit",
  "methods",
  "statusCodes",
  "backoff",
  "maxRetryAfterMs",
  "networkErrors",
  "timeouts",
];
const BACKOFF_KEYS = ["baseMs", "maxMs", "jitter"];

/** The longest list an option takes: 500 status codes exist, and 8 methods. */
const MAX_LIST = 1000;

const MILLISECONDS = "a number of milliseconds";
const TIME_LIMIT = "a number of milliseconds, or false for none";

/** Who is reading options (`createFetch` or `createClient`), for messages; set only while one reads. */
let reader = "createFetch";

/**
 * Validates `options` (an object, `undefined` or `null`) into `{ policy, fetch, onRetry }`. Throws a
 * `TypeError` naming the first bad option, with what it takes and what it was given; `who` (the
 * function the caller called) begins the message.
 */
export function readOptions(options, who = "createFetch") {
  reader = who;
  try {
    return readFetchOptions(options);
  } finally {
    reader = "createFetch";
  }
}

function readFetchOptions(options) {
  const top = section(options, "options", OPTION_KEYS, "");
  const retry = top.retry;
  let limit;
  let fields = {};
  if (typeof retry === "number") limit = retry;
  else if (retry === false) limit = 0;
  else if (retry !== undefined && !isPlainObject(retry)) {
    throw invalid("retry", "a number of retries, false, or an object", retry);
  } else {
    fields = section(retry, "retry", RETRY_KEYS, "retry.");
    limit = optional(fields.limit, "retry.limit", "a whole number from 0 to 100", isNumber);
  }
  const backoff = section(fields.backoff, "retry.backoff", BACKOFF_KEYS, "retry.backoff.");
  const args = [
    name(top.preset, "preset", '"storefront" or "background"'),
    limit,
    names(fields.methods, "retry.methods", "a list of HTTP method names"),
    list(fields.statusCodes, "retry.statusCodes", "a list of status codes from 100 to 599", isNumber),
    optional(backoff.baseMs, "retry.backoff.baseMs", MILLISECONDS, isNumber),
    optional(backoff.maxMs, "retry.backoff.maxMs", MILLISECONDS, isNumber),
    name(backoff.jitter, "retry.backoff.jitter", '"full", "equal" or "none"'),
    optional(fields.maxRetryAfterMs, "retry.maxRetryAfterMs", MILLISECONDS, isNumber),
    timeLimit(top.timeout, "timeout"),
    timeLimit(top.totalTimeout, "totalTimeout"),
    names(top.credentialHeaders, "credentialHeaders", "a list of header names"),
    optional(top.bufferBody, "bufferBody", "a number of bytes", isNumber),
    optional(fields.networkErrors, "retry.networkErrors", "true or false", isBoolean),
    optional(fields.timeouts, "retry.timeouts", "true or false", isBoolean),
  ];
  // The core checks the values (ranges, names) as it builds the policy. Before the wasm has arrived (a
  // browser entry loads it without blocking the page), that waits for the first call, which rejects
  // with the same TypeError.
  const who = reader;
  const make = () => {
    const outer = reader;
    reader = who;
    try {
      return checkedByCore(() => new CorePolicy(args));
    } finally {
      reader = outer;
    }
  };
  return {
    policy: isReady() ? make() : new PendingPolicy(make, who),
    fetch: optional(top.fetch, "fetch", "a function", isFunction),
    onRetry: optional(top.onRetry, "onRetry", "a function", isFunction),
    shouldRetry: optional(top.shouldRetry, "shouldRetry", "a function", isFunction),
    throwHttpErrors: optional(top.throwHttpErrors, "throwHttpErrors", "true or false", isBoolean),
    headers: optional(top.headers, "headers", "an object of header values (strings)", isHeaderObject),
    protect: readProtect(top.protect),
    onEvent: optional(top.onEvent, "onEvent", "a function", isFunction),
    baseUrl: optional(top.baseUrl, "baseUrl", "an http(s) URL without a query", isBaseUrl)?.replace(
      /\/+$/,
      "",
    ),
  };
}

/** A policy to be built by the core once the wasm has arrived. */
export class PendingPolicy {
  constructor(make, who) {
    this.make = make;
    this.who = who;
  }

  /** The policy, once the wasm is loaded: rejects with the option's TypeError, or a load failure. */
  built() {
    this.promise ??= whenReady(this.who).then(this.make);
    return this.promise;
  }
}

/** The defaults of `protect: true`: every part on, no overall cap on requests in flight. */
const PROTECT_DEFAULTS = {
  pacing: true,
  budget: true,
  breaker: "sampling",
  concurrency: 0,
  routeLimits: true,
};

/**
 * The cap on requests in flight to a store when `protect.concurrency` is left out: none, or in Cloudflare
 * Workers a Worker's simultaneous connections (the workerd entry sets it).
 */
let defaultCap = PROTECT_DEFAULTS.concurrency;
/** A cap given as a function is asked when first needed (the Workers entry's asks the core). */
const capOf = (cap) => (typeof cap === "function" ? cap() : cap);

/** Sets the cap `protect` has when `concurrency` is left out (0: none). */
export function capInFlight(cap) {
  defaultCap = cap;
}

/** Settings already read, by their text: clients with the same settings share their stores' guards. */
const protections = new Map();

/**
 * Ids of the Durable Object namespaces given as `protect.pacing`: settings are told apart by their text,
 * and a namespace has none, so clients with the same namespace share their guards.
 */
const namespaceIds = new WeakMap();
let namespaces = 0;

function namespaceId(namespace) {
  let id = namespaceIds.get(namespace);
  if (id === undefined) {
    namespaces += 1;
    id = namespaces;
    namespaceIds.set(namespace, id);
  }
  return id;
}

const PACING =
  "true, false or a Durable Object namespace bound to commerce-fetch/cloudflare's StoreQuota (an object with idFromName and get functions)";

/**
 * `protect`: `false` or left out (nothing), `true` (every part), or `{ pacing, budget, breaker,
 * concurrency, routeLimits }` over the defaults of `true`; `pacing` may be a Durable Object namespace
 * (`sharedPacing`). The same settings give the same object.
 */
function readProtect(value) {
  if (value === undefined || value === false) return undefined;
  if (value !== true && !isPlainObject(value)) throw invalid("protect", "true, false or an object", value);
  const fields = value === true ? {} : section(value, "protect", PROTECT_KEYS, "protect.");
  const shared = isNamespace(fields.pacing) ? fields.pacing : undefined;
  const settings = {
    pacing:
      shared !== undefined
        ? `shared ${namespaceId(shared)}`
        : (optional(fields.pacing, "protect.pacing", PACING, isBoolean) ?? PROTECT_DEFAULTS.pacing),
    budget: optional(fields.budget, "protect.budget", "true or false", isBoolean) ?? PROTECT_DEFAULTS.budget,
    breaker:
      optional(fields.breaker, "protect.breaker", '"sampling", "consecutive" or false', isBreaker) ??
      PROTECT_DEFAULTS.breaker,
    concurrency:
      fields.concurrency === undefined
        ? capOf(defaultCap)
        : optional(
            fields.concurrency,
            "protect.concurrency",
            "a whole number from 1 to 10000, or false",
            isCap,
          ) || 0,
    routeLimits:
      optional(fields.routeLimits, "protect.routeLimits", "true or false", isBoolean) ??
      PROTECT_DEFAULTS.routeLimits,
  };
  const id = JSON.stringify(settings);
  if (!protections.has(id)) protections.set(id, { ...settings, id, sharedPacing: shared });
  return protections.get(id);
}

/** A Durable Object namespace (Cloudflare's `DurableObjectNamespace`): what `protect.pacing` shares by. */
const isNamespace = (value) =>
  typeof value === "object" &&
  value !== null &&
  typeof value.idFromName === "function" &&
  typeof value.get === "function";
const isBreaker = (value) => value === false || value === "sampling" || value === "consecutive";
const isCap = (value) => value === false || (Number.isInteger(value) && value >= 1 && value <= 10_000);

/** `make()`, with the core's `TypeError` for a bad option (a range, a name) begun by the caller's name. */
function checkedByCore(make) {
  try {
    return make();
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${reader}: ${error.message}`);
    throw error;
  }
}

/**
 * A copy of the object at `name` (or `{}` when absent), each key read once, after checking that it
 * has only the `known` keys.
 */
function section(value, name, known, prefix) {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid(name, "an object", value);
  const copy = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue;
    if (!known.includes(key)) {
      throw new TypeError(
        `${reader}: option \`${prefix}${cut(key, 40)}\` is not known; the options here are ${known.join(", ")}`,
      );
    }
    copy[key] = item;
  }
  return copy;
}

function optional(value, name, expected, check) {
  if (value !== undefined && !check(value)) throw invalid(name, expected, value);
  return value;
}

/** A string option that the core matches against names: cut, since no name is long. */
function name(value, option, expected) {
  return value === undefined ? undefined : cut(optional(value, option, expected, isString));
}

/** A fresh array of the list's items, each read once and checked; strings cut. */
function list(value, name, expected, check) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(name, expected, value);
  const length = value.length;
  if (!(length <= MAX_LIST)) {
    throw new TypeError(`${reader}: option \`${name}\` must be ${expected} of at most ${MAX_LIST} items`);
  }
  const copy = [];
  for (let i = 0; i < length; i += 1) {
    const item = value[i];
    if (!check(item)) throw invalid(name, expected, item);
    copy.push(typeof item === "string" ? cut(item) : item);
  }
  return copy;
}

/** A list of names as the core takes it: one string, joined by line feeds, which no name may hold. */
function names(value, name, expected) {
  const copy = list(value, name, expected, isString);
  if (copy === undefined) return undefined;
  for (const item of copy) if (item.includes("\n")) throw invalid(name, expected, item);
  return copy.join("\n");
}

/** A timeout: a number of milliseconds, or `false` (or `Infinity`) for none. */
function timeLimit(value, name) {
  return value === false ? Number.POSITIVE_INFINITY : optional(value, name, TIME_LIMIT, isNumber);
}

function invalid(name, expected, value) {
  return new TypeError(`${reader}: option \`${name}\` must be ${expected}, got ${describe(value)}`);
}

const isNumber = (value) => typeof value === "number";
const isString = (value) => typeof value === "string";
const isFunction = (value) => typeof value === "function";
const isBoolean = (value) => typeof value === "boolean";
const isHeaderObject = (value) =>
  isPlainObject(value) && Object.values(value).every((item) => typeof item === "string");
/** An http(s) URL without a query or fragment: what a base URL may be (createFetch and createClient). */
export const isBaseUrl = (value) =>
  typeof value === "string" && /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(value);
const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `options` with `more` over them, for `extend()` (createFetch's and createClient's): `headers` merged by
 * name in any case, the new ones winning; anything else replaced. What comes out is checked as any
 * options are, so a bad header value is named there.
 */
export function extendOptions(options, more) {
  if (!isPlainObject(more)) throw new TypeError(`extend: options must be an object, got ${describe(more)}`);
  const merged = { ...options, ...more };
  const before = headerEntries(options?.headers);
  const after = headerEntries(more.headers);
  if (before !== undefined && after !== undefined) merged.headers = Object.fromEntries([...before, ...after]);
  return merged;
}

/** `[name, value]` pairs of a headers option (a `Headers` or a plain object), names in lower case. */
function headerEntries(headers) {
  if (isHeadersLike(headers)) return [...new Headers(headers)];
  if (!isPlainObject(headers)) return undefined;
  return Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]);
}

/** A `Headers` (from any realm or polyfill): an object with `entries` that is not a plain object. */
export const isHeadersLike = (value) =>
  typeof value?.entries === "function" && !(typeof value === "object" && value.constructor === Object);

/**
 * A short description of a value for error messages: strings quoted and cut, numbers as written, anything
 * else by its type, so that no object contents (and no credential) reach a message.
 */
export function describe(value) {
  if (typeof value === "string") {
    return value.length > 40 ? `"${value.slice(0, 40)}"…` : `"${value}"`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
