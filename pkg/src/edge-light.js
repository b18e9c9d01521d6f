// Next.js and Vercel edge routes: `?module` gives a compiled WebAssembly.Module, possibly from another
// realm (the build patches the loader so that such a module is accepted).

import { initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm?module";
import extrasModule from "../dist/commerce_fetch_extras_bg.wasm?module";

initSync(wasmModule, extrasModule);

export * from "../dist/api.js";
