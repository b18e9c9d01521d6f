// The public API, shared by every entry point. The entry points differ only in how they load the wasm.

import glueInit, { initSync as glueInitSync, interpret as wasmInterpret } from "../dist/commerce_fetch.js";
import { clientFetch, retryInfos } from "./client.js";
import { describe, readOptions } from "./options.js";

export {
  ApiError,
  isApiError,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  TimeoutError,
} from "./errors.js";

let ready = false;

function assertReady(caller) {
  if (!ready) {
    throw new Error(
      `commerce-fetch: ${caller}() was called before the WebAssembly module was loaded; ` +
        "await init() (or call initSync()) first, or import the package's default entry, which loads it itself",
    );
  }
}

/** Loads the wasm synchronously from a `WebAssembly.Module` or its bytes. Safe to call more than once. */
export function initSync(moduleOrBytes) {
  glueInitSync({ module: moduleOrBytes });
  ready = true;
}

/** Loads the wasm from a `WebAssembly.Module`, bytes, a URL or a `Response`. Safe to call more than once. */
export async function init(moduleOrSource) {
  await glueInit(moduleOrSource === undefined ? undefined : { module_or_path: moduleOrSource });
  ready = true;
}

/** What an HTTP status means, from a BigCommerce API. */
export function interpret(status) {
  assertReady("interpret");
  if (!Number.isInteger(status)) {
    throw new TypeError(`interpret: status must be an integer, got ${describe(status)}`);
  }
  return wasmInterpret(status);
}

/** A `fetch` that retries as BigCommerce asks. Throws a `TypeError` naming any bad option. */
export function createFetch(options) {
  assertReady("createFetch");
  const { policy, fetch, onRetry } = readOptions(options);
  return clientFetch(policy, fetch, onRetry);
}

/** The retry history of a response returned after retries, or `undefined` if it needed none. */
export function retryInfo(response) {
  return retryInfos.get(response);
}
