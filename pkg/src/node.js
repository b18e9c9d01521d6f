// Node and Deno: read the wasm next to this file and compile it synchronously at import.
import { readFileSync } from "node:fs";
import { initSync } from "../dist/api.js";

initSync(readFileSync(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url)));

export * from "../dist/api.js";
