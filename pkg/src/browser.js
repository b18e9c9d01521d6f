// Browsers and bundlers (Vite, webpack): fetch and compile the wasm asynchronously at import.
// Bundlers see the `new URL(…, import.meta.url)` pattern and ship the .wasm as an asset.
import { _hideRedirects, init } from "../dist/api.js";

// A browser answers a manual redirect with an opaque response: requests without credentials follow
// redirects as fetch does, and those with credentials are not redirected (RedirectError).
_hideRedirects();
await init(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url));

export * from "../dist/api.js";
