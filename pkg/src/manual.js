// For hosts that load the wasm themselves: nothing happens at import; call init() or initSync() first.
export * from "../dist/api.js";
