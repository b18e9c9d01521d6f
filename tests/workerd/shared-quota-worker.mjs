// The worker of shared-quota.mjs, one bundle for every service: the service "quota" hosts the
// StoreQuota Durable Object, and each client service (an isolate of its own) answers
// GET /?url=<emulator>&n=<calls>&shared=0|1 with a burst of `n` calls to one store through
// createFetch({ protect }), pacing in this isolate alone (shared=0) or through the object (shared=1):
// `{ ok, limited429, failed, ms, isolate, stats }`, 429s counted as the client's fetch saw them.
import { createFetch } from "commerce-fetch";
import { ACCESS_TOKEN, STORE_HASH } from "../emulator/credentials.mjs";

export { StoreQuota } from "commerce-fetch/cloudflare";

/** Tells the isolates apart (random values cannot be made at a Worker's top level). */
let isolate;

export default {
  async fetch(request, env) {
    isolate ??= crypto.randomUUID();
    const params = new URL(request.url).searchParams;
    const calls = Number(params.get("n"));
    const shared = params.get("shared") === "1";
    if (!params.get("url") || !(calls > 0)) return new Response("pass ?url=&n=&shared=", { status: 400 });
    let limited429 = 0;
    const counting = async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 429) limited429 += 1;
      return response;
    };
    const api = createFetch({
      fetch: counting,
      protect: shared ? { pacing: env.STORE_QUOTA } : true,
      // A burst of several windows waits longer than a storefront call's 6 s.
      totalTimeout: 30_000,
    });
    const url = `${params.get("url")}/stores/${STORE_HASH}/v3/catalog/brands`;
    const started = Date.now();
    // Each body is read as it comes: unread ones would hold the Worker's connections.
    const statuses = await Promise.all(
      Array.from({ length: calls }, () =>
        api(url, { headers: { "x-auth-token": ACCESS_TOKEN } }).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
          (error) => String(error),
        ),
      ),
    );
    const ok = statuses.filter((status) => status === 200).length;
    return Response.json({
      ok,
      limited429,
      failed: calls - ok,
      ms: Date.now() - started,
      isolate,
      errors: [...new Set(statuses.filter((status) => status !== 200))].slice(0, 3),
      stats: api.stats(),
    });
  },
};
