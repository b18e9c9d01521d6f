// The public API, shared by every entry point. The entry points differ only in how they load the wasm.

import { clientFetch, retryInfos } from "./client.js";
import * as core from "./core.js";
import { describe, readOptions } from "./options.js";
import { hideRedirects } from "./request.js";

export {
  ApiError,
  GraphQLError,
  isApiError,
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

import { apiError } from "./rest.js";

/** Loads the wasm synchronously from a `WebAssembly.Module` or its bytes. Safe to call more than once. */
export function initSync(moduleOrBytes) {
  core.initSync(moduleOrBytes);
}

/** Loads the wasm from a `WebAssembly.Module`, bytes, a URL or a `Response`. Safe to call more than once. */
export async function init(moduleOrSource) {
  await core.init(moduleOrSource);
}

/** What an HTTP status means, from a BigCommerce API. */
export function interpret(status) {
  core.assertReady("interpret");
  if (!Number.isInteger(status)) {
    throw new TypeError(`interpret: status must be an integer, got ${describe(status)}`);
  }
  return core.interpret(status);
}

/** A `fetch` that retries as BigCommerce asks. Throws a `TypeError` naming any bad option. */
export function createFetch(options) {
  core.assertReady("createFetch");
  const { policy, fetch, onRetry, shouldRetry, throwHttpErrors } = readOptions(options);
  const send = clientFetch(policy, fetch, onRetry, shouldRetry);
  if (throwHttpErrors !== true) return send;
  // For callers who want an ApiError rather than a Response with an error status (ky's default).
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

/** The retry history of a response returned after retries, or `undefined` if it needed none. */
export function retryInfo(response) {
  return retryInfos.get(response);
}

/**
 * Internal, for the browser entry (not in the types): this runtime hides where redirects lead (a
 * manual redirect is an opaque response), so only requests that carry credentials are kept from
 * following them.
 */
export { hideRedirects as _hideRedirects };
