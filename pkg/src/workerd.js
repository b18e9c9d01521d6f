// Cloudflare Workers: importing a .wasm file gives a compiled WebAssembly.Module (compiling from bytes
// at run time is blocked there), which is instantiated synchronously.
import wasmModule from "../dist/commerce_fetch_bg.wasm";
import { initSync } from "./api.js";

initSync(wasmModule);

export * from "./api.js";
