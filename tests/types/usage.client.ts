// createClient as a storefront or app uses it, in every setup (added to each tsconfig.*.json's files).
import {
  type BatchFailure,
  createClient,
  createFetch,
  type FieldError,
  isApiError,
  isCircuitOpenError,
  isGraphQLError,
  isPartialResult,
  metaOf,
  type ProtectEvent,
  type StoreStats,
} from "commerce-fetch";

interface Product {
  id: number;
  name: string;
}

export async function storefront(storeHash: string, accessToken: string, storefrontToken: string) {
  const client = createClient({ storeHash, accessToken, storefrontToken, timeout: 10_000 });
  const products: Product[] = await client.get<Product[]>("/v3/catalog/products", {
    query: { limit: 10, "id:in": [1, 2, 3], is_visible: true },
  });
  const meta: unknown = metaOf(products);
  const answer = await client.request<Product>("POST", "/v3/catalog/products", { json: { name: "Tee" } });
  const status: number = answer.status;
  const result = await client.put("/v3/catalog/products", { json: [{ id: 1, price: 10 }] });
  if (isPartialResult(result)) {
    const failures: BatchFailure[] = result.failures;
    const total: number | undefined = result.counts?.total;
    void [failures, total];
  }
  try {
    await client.graphql<{ site: unknown }>("query { site { settings { storeName } } }", undefined, {
      customerAccessToken: "customer-token",
    });
  } catch (error) {
    if (isGraphQLError(error) && error.kind === "complexity") {
      const cost: number | undefined = error.complexity?.cost;
      void cost;
    }
    if (isApiError(error)) {
      const fields: FieldError[] = error.fieldErrors;
      const shape: "v3" | "v2" | "envelope" | "text" | "html" | "json" | "empty" = error.problem.shape;
      void [fields, shape];
    }
  }
  // @ts-expect-error the query is an object, not a string
  await client.get("/v3/catalog/products", { query: "limit=1" });
  // @ts-expect-error unknown client option types are checked as createFetch's
  createClient({ storeHash, timeout: "3s" });
  return { products, meta, status };
}

export async function protectedStore(storeHash: string, accessToken: string) {
  const events: ProtectEvent[] = [];
  const client = createClient({
    storeHash,
    accessToken,
    protect: { concurrency: 6, breaker: "consecutive" },
    onEvent: (event) => events.push(event),
  });
  const api = createFetch({ protect: true });
  try {
    await client.get("/v3/catalog/products");
  } catch (error) {
    if (isCircuitOpenError(error)) {
      const at: number = error.retryAt;
      void at;
    }
  }
  const stats: StoreStats | undefined = client.stats()[`api.bigcommerce.com/stores/${storeHash}`];
  const left: number | undefined = api.stats().x?.pacing?.left;
  // @ts-expect-error the breaker is a mode name or false
  createFetch({ protect: { breaker: "always" } });
  // @ts-expect-error shared pacing takes a Durable Object namespace, not its name
  createFetch({ protect: { pacing: "STORE_QUOTA" } });
  return { events, stats, left };
}
