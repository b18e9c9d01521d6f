// Cloudflare Workers: importing a .wasm file gives a compiled WebAssembly.Module (compiling from bytes
// at run time is blocked there), which is instantiated synchronously.

import { _extrasBindings, _extrasFrom, _inWorkers, initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import extrasModule from "../dist/commerce_fetch_extras_bg.wasm";

initSync(wasmModule);
// The extras (interpret, createClient, protect) are instantiated on first need.
_extrasBindings(createBindings);
_extrasFrom(extrasModule, true);
_inWorkers();

export * from "../dist/api.js";
