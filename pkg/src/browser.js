// Browsers and bundlers (Vite, webpack): fetch and compile the wasm asynchronously at import.
// Bundlers see the `new URL(…, import.meta.url)` pattern and ship the .wasm as an asset.
import { init } from "../dist/api.js";

await init(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url));

export * from "../dist/api.js";
