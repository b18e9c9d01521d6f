// Browsers and bundlers (Vite, webpack): the wasm is fetched and compiled (streaming) as soon as this
// module is evaluated, without blocking the modules that import it: no top-level await. Calls of
// createFetch and createClient wait for it; `await ready()` before calling interpret() at start-up.
// Bundlers see the `new URL(…, import.meta.url)` pattern and ship the .wasm as an asset.
//
// Which file: a page that uses createClient or interpret gets them from ./browser-whole.js, which
// starts loading the whole wasm (every feature) before this module's body runs. A bundler leaves that
// module out of a page that uses neither (the package marks it free of side effects), and such a page
// loads commerce_fetch_lite_bg.wasm (createFetch alone) instead, and the rest on first need.
import { _extrasFrom, _hideRedirects, init } from "../dist/api.js";

export * from "../dist/api.js";
export { createClient, interpret } from "./browser-whole.js";

// A browser answers a manual redirect with an opaque response: requests without credentials follow
// redirects as fetch does, and those with credentials are not redirected (RedirectError).
_hideRedirects();
// Does nothing when the whole file is loading. A failure is reported by every call that needs the wasm
// (and by ready()), not here.
init(new URL("../dist/commerce_fetch_lite_bg.wasm", import.meta.url)).catch(() => {});
// The rest (interpret, createClient, protect) and its bindings are fetched on first need, after the
// lite file: `protect`, `throwHttpErrors`, ready(), or a failed GraphQL POST. Bundlers split the dynamic
// import into a chunk.
_extrasFrom(
  new URL("../dist/commerce_fetch_extras_bg.wasm", import.meta.url),
  false,
  () => import("./extras-bindings.js"),
);
