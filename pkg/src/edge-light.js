// Next.js and Vercel edge routes: `?module` gives a compiled WebAssembly.Module, possibly from another
// realm (the package accepts such a module). The whole wasm, every feature.

import { _extrasBindings, initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm?module";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import * as guard from "../dist/guard.js";

// Both sets of bindings first: one instance serves them both.
_extrasBindings(createBindings, guard);
initSync(wasmModule);

export * from "../dist/api.js";
