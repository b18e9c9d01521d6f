// The entry `commerce-fetch/inline`, for browsers through a bundler that ships no assets (esbuild, bun
// build). The build bundles it, with the whole wasm inlined as base64 text (a third larger than the .wasm
// file), into pkg/dist/inline.js. The wasm compiles asynchronously, since browsers refuse to compile more
// than 4 KB synchronously on the main thread, and without blocking the importing modules (no top-level
// await): calls of createFetch and createClient wait for it, as in the browser entry.

import { createBindings } from "../dist/commerce_fetch_extras.js";
import { wasmBytes } from "../dist/wasm-inline.js";
import { _extrasBindings, _hideRedirects, init } from "./api.js";
import * as guard from "./guard.js";

// As in the browser entry: a browser hides where a redirect leads.
_hideRedirects();
// Both sets of bindings first: one instance serves them both.
_extrasBindings(createBindings, guard);
init(wasmBytes()).catch(() => {});

export * from "./api.js";
