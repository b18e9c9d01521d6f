// The entry `require("commerce-fetch/manual")`, bundled into pkg/dist/api.cjs: the API with the extras
// module's bindings, and no wasm loaded until init() or initSync() is called.

import { createBindings } from "../dist/commerce_fetch_extras.js";
import { _extrasBindings } from "./api.js";
import * as guard from "./guard.js";

_extrasBindings(createBindings, guard);

export * from "./api.js";
