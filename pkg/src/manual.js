// For hosts that load the wasm themselves: nothing is loaded at import; call init() or initSync() first.
import { _extrasBindings } from "../dist/api.js";
import { createBindings } from "../dist/commerce_fetch_extras.js";
import * as guard from "../dist/guard.js";

_extrasBindings(createBindings, guard);

export * from "../dist/api.js";
