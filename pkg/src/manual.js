// For hosts that load the wasm themselves: nothing is loaded at import; call init() or initSync() first.
import { _extrasBindings } from "../dist/api.js";
import { createBindings } from "../dist/commerce_fetch_extras.js";

_extrasBindings(createBindings);

export * from "../dist/api.js";
