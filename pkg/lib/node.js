// The entry for Node, Deno and Bun, and for the server bundles made for them (Next.js with Turbopack or
// webpack, esbuild, bun build). The build bundles it, with the wasm inlined as base64 text, into
// pkg/dist/node.js (import) and pkg/dist/node.cjs (require): one module to load, no file to find at run
// time, and no asset URL for a bundler to rewrite. The whole wasm (every feature) compiles synchronously
// at load, which these runtimes allow, so require() works as well as import.

import { createBindings } from "../dist/commerce_fetch_extras.js";
import { wasmBytes } from "../dist/wasm-inline.js";
import { _extrasBindings, initSync } from "./api.js";
import * as guard from "./guard.js";

// Both sets of bindings first: one instance serves them both.
_extrasBindings(createBindings, guard);
initSync(wasmBytes());

export * from "./api.js";
