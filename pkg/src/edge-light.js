// Next.js and Vercel edge routes: `?module` gives a compiled WebAssembly.Module, possibly from another
// realm (the build patches the loader so that such a module is accepted).

import { _extrasBindings, _extrasFrom, initSync } from "../dist/api.js";
import wasmModule from "../dist/commerce_fetch_bg.wasm?module";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import extrasModule from "../dist/commerce_fetch_extras_bg.wasm?module";

initSync(wasmModule);
// The extras (interpret, createClient, protect) are instantiated on first need.
_extrasBindings(createBindings);
_extrasFrom(extrasModule, true);

export * from "../dist/api.js";
