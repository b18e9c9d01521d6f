// A Cloudflare Worker: GET /products answers a store's first products from the REST Management API as
// JSON, with the retries BigCommerce asks for and how many attempts they took. Its settings come as
// bindings: vars in wrangler.jsonc, secrets (see README.md).
import { createClient, isApiError } from "commerce-fetch";

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/products") {
      return new Response("Not found: ask for /products\n", { status: 404 });
    }
    if (!env.BIGCOMMERCE_STORE_HASH || !env.BIGCOMMERCE_ACCESS_TOKEN) {
      const error = "Set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN (see README.md).";
      return Response.json({ error }, { status: 500 });
    }
    const retries = [];
    // A client per request: bindings come with the request, and onRetry hears this request's retries.
    const store = createClient({
      storeHash: env.BIGCOMMERCE_STORE_HASH,
      baseUrl: `${env.BIGCOMMERCE_API_URL}/stores/${env.BIGCOMMERCE_STORE_HASH}`,
      accessToken: env.BIGCOMMERCE_ACCESS_TOKEN, // sent as X-Auth-Token; no error or event shows it
      // Told before each wait: after a 429, the wait is the one the store asked for.
      onRetry: (event) => retries.push(`${event.status ?? event.reason}, waited ${event.delayMs} ms`),
    });
    try {
      const products = await store.get("/v3/catalog/products", { query: { limit: 5 } });
      return Response.json({
        products: products.map(({ id, name, price, sku }) => ({ id, name, price, sku })),
        attempts: retries.length + 1,
        retries,
      });
    } catch (error) {
      // An error status after the retries allowed: what it means and what to do (interpret()). Any
      // other error (NetworkError, TimeoutError: no answer came) is the runtime's 500.
      if (!isApiError(error)) throw error;
      const { status, info, attempts } = error;
      return Response.json(
        { error: `${status} ${info.text}: ${info.remedies[0]}`, attempts },
        { status: 502 },
      );
    }
  },
};
