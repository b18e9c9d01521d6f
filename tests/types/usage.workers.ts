// For Cloudflare Workers (@cloudflare/workers-types): a service binding's fetch underneath, a `cf` object in
// the init, the Worker's own fetch handler, and each store's pacing shared by a Durable Object.
import { createClient, createFetch } from "commerce-fetch";
import { StoreQuota, type StoreQuotaGrant } from "commerce-fetch/cloudflare";

export { StoreQuota };

interface Env {
  STOREFRONT: Fetcher;
  STORE_QUOTA: DurableObjectNamespace<StoreQuota>;
}

export default {
  async fetch(request, env): Promise<Response> {
    const viaBinding = createFetch({ fetch: (input, init) => env.STOREFRONT.fetch(input, init) });
    const commerceFetch = createFetch({ protect: { pacing: env.STORE_QUOTA, concurrency: 6 } });
    const product = await commerceFetch("https://api.bigcommerce.com/stores/abc/v3/catalog/products/1", {
      cf: { cacheTtl: 60 },
    });
    const client = createClient({ storeHash: "abc", accessToken: "t", protect: { pacing: env.STORE_QUOTA } });
    const errors: number | undefined = client.stats()["api.bigcommerce.com/stores/abc"]?.sharedPacingErrors;
    // The object's RPC methods, as the client calls them.
    const grant: StoreQuotaGrant = await env.STORE_QUOTA.get(env.STORE_QUOTA.idFromName("abc")).take(3);
    if ("waitMs" in grant && errors === 0) return new Response(null, { status: 503 });
    return product.ok ? product : viaBinding(request);
  },
} satisfies ExportedHandler<Env>;
