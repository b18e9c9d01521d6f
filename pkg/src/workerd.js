// Cloudflare Workers: importing a .wasm file gives a compiled WebAssembly.Module (compiling from bytes
// at run time is blocked there), which is instantiated synchronously: the whole wasm, every feature.

import { _extrasBindings, _inWorkers, initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import * as guard from "../dist/guard.js";

// Both sets of bindings first: one instance serves them both.
_extrasBindings(createBindings, guard);
initSync(wasmModule);
_inWorkers();

export * from "../dist/api.js";
