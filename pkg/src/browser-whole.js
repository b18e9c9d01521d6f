// Part of the browser entry (./browser.js): createClient and interpret, with the whole wasm. A page that
// uses either loads commerce_fetch_bg.wasm (every feature, with both sets of bindings) at import, instead
// of the lite file and then the rest. This module is not in the package's `sideEffects`, so a bundler
// drops it, and what it starts here, from a page that uses neither. Each export is a function of this
// module, not a re-export, so that a bundler cannot reach api.js's past it.
import {
  _extrasBindings,
  createClient as clientOf,
  init,
  interpret as interpretStatus,
} from "../dist/api.js";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import * as guard from "../dist/guard.js";

_extrasBindings(createBindings, guard);
init(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url)).catch(() => {});

/** See the types (index.d.ts). */
export function createClient(options) {
  return clientOf(options);
}

/** See the types (index.d.ts). */
export function interpret(status) {
  return interpretStatus(status);
}
