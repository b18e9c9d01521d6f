// `commerce-fetch/manual`: the same API, with no loading at import. Call `init()` or `initSync()` first.
export * from "./index.js";
