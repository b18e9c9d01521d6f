// The entry `commerce-fetch/inline`, for browsers through a bundler that ships no assets (esbuild, bun
// build). The build bundles it, with the wasm inlined as base64 text (a third larger than the .wasm file),
// into pkg/dist/inline.js. The wasm compiles asynchronously at import, since browsers refuse to compile
// more than 4 KB synchronously on the main thread: the bundle must be an ES module.

import { wasmBytes } from "../dist/wasm-inline.js";
import { _hideRedirects, init } from "./api.js";

// As in the browser entry: a browser hides where a redirect leads.
_hideRedirects();
await init(wasmBytes());

export * from "./api.js";
