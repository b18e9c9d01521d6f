// Cloudflare Workers: importing a .wasm file gives a compiled WebAssembly.Module (compiling from bytes
// at run time is blocked there), which is instantiated synchronously.

import { _inWorkers, initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm";
import extrasModule from "../dist/commerce_fetch_extras_bg.wasm";

initSync(wasmModule, extrasModule);
_inWorkers();

export * from "../dist/api.js";
