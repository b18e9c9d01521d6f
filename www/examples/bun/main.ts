// A Bun script: a store's first products from the REST Management API, then the first of them as
// shoppers see it through the GraphQL Storefront API, each with the retries BigCommerce asks for.
// Configured by environment variables (see README.md) or a .env file, which Bun reads; `bun main.ts`.
import { createClient, isApiError, isGraphQLError } from "commerce-fetch";

/** The fields of a REST catalog product this script reads. */
interface Product {
  id: number;
  name: string;
  price: number;
  sku: string;
}

/** What the storefront query below answers. */
interface StorefrontProduct {
  site: { product: { name: string; prices: { price: { value: number; currencyCode: string } } } };
}

const env = Bun.env;
const storeHash = env.BIGCOMMERCE_STORE_HASH;
if (!storeHash || !env.BIGCOMMERCE_ACCESS_TOKEN) {
  console.error("Set BIGCOMMERCE_STORE_HASH and BIGCOMMERCE_ACCESS_TOKEN (see README.md).");
  process.exit(1);
}
const apiUrl = env.BIGCOMMERCE_API_URL ?? "https://api.bigcommerce.com";

let retries = 0; // retries of the call under way, counted by onRetry
const store = createClient({
  storeHash,
  baseUrl: `${apiUrl}/stores/${storeHash}`,
  accessToken: env.BIGCOMMERCE_ACCESS_TOKEN, // sent as X-Auth-Token; no error or event shows it
  // The GraphQL Storefront API: its token, and its URL (by default the store's mybigcommerce.com host).
  storefrontToken: env.BIGCOMMERCE_STOREFRONT_TOKEN,
  storefrontUrl: env.BIGCOMMERCE_STOREFRONT_URL,
  // Told before each wait: what failed, and how long the wait is. After a 429 the wait is the one the
  // store asked for (source: x-rate-limit-time-reset-ms); otherwise it is backoff with jitter.
  onRetry(event) {
    retries += 1;
    const what = event.status ?? event.reason;
    console.log(`  attempt ${event.attempt}: ${what}, retrying in ${event.delayMs} ms (${event.source})`);
  },
});
const attempts = () => (retries === 0 ? "1 attempt" : `${retries + 1} attempts`);

try {
  console.log("GET /v3/catalog/products");
  // The data comes back parsed: a v3 answer's `data` array.
  const products = await store.get<Product[]>("/v3/catalog/products", { query: { limit: 5 } });
  for (const product of products) {
    console.log(`  #${product.id} ${product.name}, ${product.price.toFixed(2)} (SKU ${product.sku})`);
  }
  console.log(`${products.length} products in ${attempts()}`);

  if (env.BIGCOMMERCE_STOREFRONT_TOKEN && products.length > 0) {
    retries = 0;
    console.log(`\nGraphQL: product ${products[0].id} on the storefront`);
    // A query is a read, so it is retried like a GET (a mutation only after a 429).
    const { site } = await store.graphql<StorefrontProduct>(
      `query Product($id: Int!) {
        site { product(entityId: $id) { name prices { price { value currencyCode } } } }
      }`,
      { id: products[0].id },
    );
    const { name, prices } = site.product;
    console.log(`  ${name}: ${prices.price.value.toFixed(2)} ${prices.price.currencyCode}`);
    console.log(`storefront price in ${attempts()}`);
  }
} catch (error) {
  // An error status after the retries allowed: what it means and what to do, from interpret().
  if (isApiError(error)) {
    console.error(
      `${error.status} ${error.info.text} after ${error.attempts} attempt(s): ${error.info.remedies[0]}`,
    );
  } else if (isGraphQLError(error)) {
    console.error(`GraphQL ${error.kind}: ${error.errors.map((e) => e.message).join("; ")}`);
  } else {
    throw error; // NetworkError or TimeoutError: no answer came
  }
  process.exitCode = 1;
}
