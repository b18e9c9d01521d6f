// Deno (2.6 and later): a source-phase import gives the compiled WebAssembly.Module without a file read,
// so a plain `deno run` works with no --allow-read (reading the file through node:fs would need it).

import { initSync } from "../dist/api.js";
import source wasmModule from "../dist/commerce_fetch_bg.wasm";

initSync(wasmModule);

export * from "../dist/api.js";
