// The public API, shared by every entry point. The entry points differ only in how they load the wasm.

import { clientFetch, retryInfos, statsOf } from "./client.js";
import * as core from "./core.js";
import { capInFlight, describe, extendOptions, readOptions } from "./options.js";
import { hideRedirects, isRequest, snapshot } from "./request.js";
import { apiError } from "./rest.js";

export {
  ApiError,
  CircuitOpenError,
  GraphQLError,
  isApiError,
  isCircuitOpenError,
  isGraphQLError,
  isNetworkError,
  isPartialResult,
  isRedirectError,
  isTimeoutError,
  NetworkError,
  PartialResult,
  RedirectError,
  TimeoutError,
} from "./errors.js";
export { createClient, metaOf } from "./rest.js";

/**
 * Loads the wasm synchronously from a `WebAssembly.Module` or its bytes: `commerce_fetch_bg.wasm`
 * (everything), or `commerce_fetch_lite_bg.wasm` (createFetch) and `commerce_fetch_extras_bg.wasm`
 * (interpret, createClient, protect) when given. Safe to call more than once.
 */
export function initSync(moduleOrBytes, extrasModuleOrBytes) {
  core.initSync(moduleOrBytes, extrasModuleOrBytes);
}

/**
 * Loads the wasm from a `WebAssembly.Module`, bytes, a URL or a `Response`: `commerce_fetch_bg.wasm`
 * (everything), or `commerce_fetch_lite_bg.wasm` (createFetch) and `commerce_fetch_extras_bg.wasm`
 * (interpret, createClient, protect) when given, both at once. Safe to call more than once.
 */
export async function init(moduleOrSource, extrasSource) {
  await core.init(moduleOrSource, extrasSource);
}

/**
 * Resolves once the wasm is loaded (at once in Node, Deno, Bun and Workers, whose entries load it at
 * import); rejects if it could not be. In a browser the entry loads it without blocking the page:
 * `createFetch` and `createClient` may be called at once (their calls wait for it), `interpret` after
 * this resolves.
 */
export function ready() {
  return core.whenReady("ready", true);
}

/** What an HTTP status means, from a BigCommerce API. */
export function interpret(status) {
  core.assertReady("interpret", false, true);
  if (!Number.isInteger(status)) {
    throw new TypeError(`interpret: status must be an integer, got ${describe(status)}`);
  }
  return core.interpret(status);
}

/**
 * A `fetch` that retries as BigCommerce asks. Throws a `TypeError` naming any bad option. The function
 * has `extend(options)`, which makes another with these options over the first's.
 */
export function createFetch(options) {
  core.assertReady("createFetch", true);
  const read = readOptions(options);
  // protect and the ApiError of throwHttpErrors use the extras module, which a browser loads now.
  const extrasNeeded = read.protect !== undefined || read.throwHttpErrors === true;
  if (extrasNeeded) core.assertReady("createFetch", true, true);
  let call = clientFetch(read, "createFetch", extrasNeeded);
  if (read.headers !== undefined || read.baseUrl !== undefined)
    call = withDefaults(call, read.headers, read.baseUrl);
  if (read.throwHttpErrors === true) call = throwing(call);
  call.extend = (more) => createFetch(extendOptions(options, more));
  call.stats = () => (read.protect === undefined ? {} : statsOf(read.protect));
  return call;
}

/** `send` with default headers (the call's own win) and a base URL for relative string inputs. */
function withDefaults(send, headers, baseUrl) {
  return function commerceFetch(input, init) {
    let target = input;
    if (baseUrl !== undefined && typeof input === "string" && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(input)) {
      target = `${baseUrl}${input.startsWith("/") ? input : `/${input}`}`;
    }
    if (headers === undefined) return send(target, init);
    // The init read once as fetch reads it (members on its prototype too), with the headers merged.
    const copy = snapshot(init) ?? {};
    const merged = new Headers(headers);
    const own = copy.headers ?? (isRequest(input) ? input.headers : undefined);
    if (own !== undefined && own !== null)
      for (const [name, value] of new Headers(own)) merged.set(name, value);
    copy.headers = merged;
    return send(target, copy);
  };
}

/** `send`, throwing an `ApiError` for a final response with an error status (ky's default). */
function throwing(send) {
  return async function commerceFetch(input, init) {
    const response = await send(input, init);
    if (response.ok) return response;
    let text = "";
    try {
      text = await response.text();
    } catch {
      // a body that cannot be read: the error has the status and its meaning without it
    }
    throw apiError(response, text, `${pathOf(response)}`);
  };
}

/** The path of the URL a response came from (no query: it may carry credentials), or "the request". */
function pathOf(response) {
  try {
    return new URL(response.url).pathname;
  } catch {
    return "the request";
  }
}

/**
 * The retry history of a response returned after retries, or of what a client call returned from it
 * (its data, a `PartialResult`); `undefined` if it needed none.
 */
export function retryInfo(response) {
  return typeof response === "object" && response !== null ? retryInfos.get(response) : undefined;
}

/**
 * Internal, for the Cloudflare entry's Durable Object (commerce-fetch/cloudflare, not in the types): a
 * store's pacing, shared by every isolate that calls the store.
 */
export { CoreSharedPacer as _SharedPacer } from "./core.js";

/**
 * Internal, for the Workers entry (not in the types): `protect` caps each store's requests in flight at
 * a Worker's simultaneous connections unless the caller sets `concurrency`.
 */
export function _inWorkers() {
  // Asked when a protect setting is first read, so that the extras module is not needed before then.
  capInFlight(() => core.workerConnections());
}

/**
 * Internal, for the entries (not in the types): the extras module's bindings, and where to load it from
 * (interpret, createClient, protect) on first need, so that a page that only uses createFetch never
 * downloads it.
 */
export { extrasBindings as _extrasBindings, extrasFrom as _extrasFrom } from "./core.js";

/**
 * Internal, for the browser entry (not in the types): this runtime hides where redirects lead (a
 * manual redirect is an opaque response), so only requests that carry credentials are kept from
 * following them.
 */
export { hideRedirects as _hideRedirects };
