// A Cloudflare Worker that answers the storefront's first products as JSON, fetched by the same Rust
// function the page calls (src/lib.rs). workerd.capnp runs it in workerd; wrangler takes it as it is.

import { initSync, list_products } from "./pkg/storefront_example.js";
import wasm from "./pkg/storefront_example_bg.wasm";

// Workers hand a .wasm import over as a compiled WebAssembly.Module (they refuse to compile bytes at
// run time), so it is instantiated at once, before the first request.
initSync({ module: wasm });

export default {
  /** `GET /products`: `{ result, attempts, retries, stopReason, error }`, 502 when it failed. */
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/products") {
      return new Response("not found; try /products\n", { status: 404 });
    }
    // Bindings, not code: STORE_URL is the storefront's origin, STOREFRONT_TOKEN its GraphQL token.
    if (typeof env.STORE_URL !== "string" || typeof env.STOREFRONT_TOKEN !== "string") {
      return new Response("set the STORE_URL and STOREFRONT_TOKEN bindings\n", { status: 500 });
    }
    const summary = await list_products(env.STORE_URL, env.STOREFRONT_TOKEN);
    return Response.json(summary, { status: summary.error === null ? 200 : 502 });
  },
};
