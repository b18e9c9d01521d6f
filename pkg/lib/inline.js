// The entry `commerce-fetch/inline`, for browsers through a bundler that ships no assets (esbuild, bun
// build). The build bundles it, with the wasm inlined as base64 text (a third larger than the .wasm file),
// into pkg/dist/inline.js. The wasm compiles asynchronously, since browsers refuse to compile more than
// 4 KB synchronously on the main thread, and without blocking the importing modules (no top-level
// await): calls of createFetch and createClient wait for it, as in the browser entry.

import { createBindings } from "../dist/commerce_fetch_extras.js";
import { extrasBytes, wasmBytes } from "../dist/wasm-inline.js";
import { _extrasBindings, _extrasFrom, _hideRedirects, init } from "./api.js";

// As in the browser entry: a browser hides where a redirect leads.
_hideRedirects();
init(wasmBytes()).catch(() => {});
// The extras (interpret, createClient, protect) are in this file already: compiled on first need.
_extrasBindings(createBindings);
_extrasFrom(extrasBytes);

export * from "./api.js";
