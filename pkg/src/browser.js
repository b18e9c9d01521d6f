// Browsers and bundlers (Vite, webpack): the wasm is fetched and compiled (streaming) as soon as this
// module is evaluated, without blocking the modules that import it: no top-level await. Calls of
// createFetch and createClient wait for it; `await ready()` before calling interpret() at start-up.
// Bundlers see the `new URL(…, import.meta.url)` pattern and ship the .wasm as an asset.
import { _extrasFrom, _hideRedirects, init } from "../dist/api.js";

// A browser answers a manual redirect with an opaque response: requests without credentials follow
// redirects as fetch does, and those with credentials are not redirected (RedirectError).
_hideRedirects();
// A failure is reported by every call that needs the wasm (and by ready()), not here.
init(new URL("../dist/commerce_fetch_bg.wasm", import.meta.url)).catch(() => {});
// The second module (interpret, createClient, protect) and its bindings are fetched on first need: a
// page that only uses createFetch never downloads them. Bundlers split the dynamic import into a chunk.
_extrasFrom(
  new URL("../dist/commerce_fetch_extras_bg.wasm", import.meta.url),
  false,
  () => import("../dist/commerce_fetch_extras.js"),
);

export * from "../dist/api.js";
