// A page that lists a store's first products from the GraphQL Storefront API, with the retries
// BigCommerce asks for, and says how many attempts it took. Vite bundles the package and ships its
// .wasm as an asset; nothing to configure.
//
// Only the storefront token belongs in a page: BigCommerce makes it for browsers (it is in every
// storefront page). A REST API access token (X-Auth-Token) must stay on a server.
import { createClient, isApiError, isGraphQLError } from "commerce-fetch";

// Set in .env.local (see README.md); Vite puts VITE_* variables into the bundle when it builds.
const storefrontUrl = import.meta.env.VITE_BIGCOMMERCE_STOREFRONT_URL;
const storefrontToken = import.meta.env.VITE_BIGCOMMERCE_STOREFRONT_TOKEN;

const status = document.getElementById("status");
const list = document.getElementById("products");

/** Shows `text` in the status line; `state` ("done" or "failed") is there for CSS and tests. */
function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

async function loadProducts() {
  const retries = [];
  const store = createClient({
    storefrontUrl,
    storefrontToken,
    // Told before each wait: what failed and how long the wait is (after a 429, the wait the store
    // asked for in X-Rate-Limit-Time-Reset-Ms, which it must expose to pages: see README.md).
    onRetry: (event) => retries.push(`${event.status ?? event.reason}, waited ${event.delayMs} ms`),
  });
  // A query is a read, so it is retried like a GET (a mutation only after a 429).
  const { site } = await store.graphql(`query FirstProducts {
    site { products(first: 5) { edges { node { entityId name prices { price { value currencyCode } } } } } }
  }`);
  const products = site.products.edges.map((edge) => edge.node);
  for (const product of products) {
    const item = document.createElement("li");
    const { value, currencyCode } = product.prices.price;
    item.textContent = `${product.name}: ${value.toFixed(2)} ${currencyCode}`; // text, never HTML
    list.append(item);
  }
  const attempts = retries.length + 1;
  const retried = retries.length ? ` (retried after ${retries.join("; ")})` : "";
  show("done", `${products.length} products in ${attempts} attempt${attempts === 1 ? "" : "s"}${retried}`);
}

if (!storefrontUrl || !storefrontToken) {
  show(
    "failed",
    "Set VITE_BIGCOMMERCE_STOREFRONT_URL and VITE_BIGCOMMERCE_STOREFRONT_TOKEN (see README.md).",
  );
} else {
  loadProducts().catch((error) => {
    // After the retries allowed: an error status (ApiError, with what it means), errors in a GraphQL
    // answer (GraphQLError), or no answer at all (NetworkError, TimeoutError).
    const detail = isApiError(error)
      ? `${error.status} ${error.info.text}: ${error.info.remedies[0]}`
      : isGraphQLError(error)
        ? error.errors.map((e) => e.message).join("; ")
        : error.message;
    show("failed", `Could not load the products after ${error.attempts ?? 1} attempt(s): ${detail}`);
  });
}
