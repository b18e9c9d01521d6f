// For Cloudflare Workers (@cloudflare/workers-types): a service binding's fetch underneath, a `cf` object in
// the init, and the Worker's own fetch handler.
import { createFetch } from "commerce-fetch";

interface Env {
  STOREFRONT: Fetcher;
}

export default {
  async fetch(request, env): Promise<Response> {
    const viaBinding = createFetch({ fetch: (input, init) => env.STOREFRONT.fetch(input, init) });
    const commerceFetch = createFetch();
    const product = await commerceFetch("https://api.bigcommerce.com/stores/abc/v3/catalog/products/1", {
      cf: { cacheTtl: 60 },
    });
    return product.ok ? product : viaBinding(request);
  },
} satisfies ExportedHandler<Env>;
