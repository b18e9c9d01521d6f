// Node: read the wasm next to this file and compile it synchronously at import.
import { initSync } from "../dist/api.js";

// `process.getBuiltinModule` (Node 20.16 and later) gives fs without building its ES module facade, which
// costs Node 20 about 2 ms at start-up; `import("node:fs")` is the fallback for older releases.
const fs = process.getBuiltinModule?.("node:fs") ?? (await import("node:fs"));
initSync(fs.readFileSync(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url)));

export * from "../dist/api.js";
