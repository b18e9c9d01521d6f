// What the page and both route handlers call: a store's first products from the REST Management API,
// with the retries BigCommerce asks for, and how many attempts that took. Server code only: it holds
// the API access token (no NEXT_PUBLIC_ prefix, so Next.js never puts it in a page).
import { createClient, isApiError } from "commerce-fetch";

/** `{ products: [{ id, name, price, sku }], attempts, retries: ["429, waited 100 ms", …] }`. */
export async function listProducts() {
  const env = process.env;
  const storeHash = env.BIGCOMMERCE_STORE_HASH;
  if (!storeHash || !env.BIGCOMMERCE_ACCESS_TOKEN) {
    throw new Error("Set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN (see README.md).");
  }
  const apiUrl = env.BIGCOMMERCE_API_URL ?? "https://api.bigcommerce.com";
  const retries = [];
  // A client per call, so that onRetry hears this call's retries only. A client is cheap to make: it
  // reads its options once and holds no connection.
  const store = createClient({
    storeHash,
    baseUrl: `${apiUrl}/stores/${storeHash}`,
    accessToken: env.BIGCOMMERCE_ACCESS_TOKEN, // sent as X-Auth-Token; no error or event shows it
    // Told before each wait: after a 429, the wait is the one the store asked for.
    onRetry: (event) => retries.push(`${event.status ?? event.reason}, waited ${event.delayMs} ms`),
  });
  const products = await store.get("/v3/catalog/products", { query: { limit: 5 } });
  return {
    products: products.map(({ id, name, price, sku }) => ({ id, name, price, sku })),
    attempts: retries.length + 1,
    retries,
  };
}

/** A line for a failed call: an error status says what it means and what to do (interpret()). */
export function describeError(error) {
  if (isApiError(error)) {
    return `${error.status} ${error.info.text} after ${error.attempts} attempt(s): ${error.info.remedies[0]}`;
  }
  return `${error.name}: ${error.message}`; // NetworkError, TimeoutError (no answer came), or a bug
}
