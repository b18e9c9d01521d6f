// createClient against the emulator: data unwrapped, 204s, each documented error body read into an
// ApiError, 207 and 422 batches as PartialResults, GraphQL errors, option checks, and no token anywhere.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inspect } from "node:util";
import {
  createClient,
  interpret,
  isApiError,
  isGraphQLError,
  isPartialResult,
  metaOf,
  PartialResult,
  retryInfo,
} from "../../pkg/dist/node.js";
import {
  ACCESS_TOKEN,
  CUSTOMER_ACCESS_TOKEN,
  STORE_HASH,
  STOREFRONT_TOKEN,
  startEmulator,
} from "../emulator/emulator.mjs";

let store;
let client;
/** Every error and result the tests produce, searched for the tokens at the end. */
const seen = [];

const fast = { retry: { backoff: { baseMs: 1, maxMs: 5 } } };

before(async () => {
  // Each answer closes its connection, so a scripted cut is not hidden by a runtime that silently sends
  // a request again on a reused connection (workerd does).
  store = await startEmulator({ keepAlive: false });
  client = createClient({
    ...fast,
    storeHash: STORE_HASH,
    accessToken: ACCESS_TOKEN,
    storefrontToken: STOREFRONT_TOKEN,
    baseUrl: store.apiBase,
    storefrontUrl: `${store.url}/graphql`,
  });
});
after(() => store.close());

/** The rejection of `promise`, kept for the token search. */
async function failure(promise) {
  const error = await promise.then(
    () => assert.fail("expected a rejection"),
    (e) => e,
  );
  seen.push(error);
  return error;
}

async function control(path, body) {
  const res = await fetch(`${store.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

test("a v3 list comes back as its data, with its meta beside it", async () => {
  const products = await client.get("/v3/catalog/products", { query: { limit: 3 } });
  assert.ok(Array.isArray(products));
  assert.equal(products.length, 3);
  assert.equal(typeof metaOf(products), "object");
  assert.equal(retryInfo(products), undefined, "the first answer was the result");
  assert.equal(retryInfo(3), undefined);
  await control("faults", { path: `/stores/${STORE_HASH}/v3/catalog/brands`, steps: [{ status: 503 }] });
  const brands = await client.get("/v3/catalog/brands");
  assert.deepEqual(
    retryInfo(brands)?.trace.map((entry) => entry.status),
    [503, 200],
    "a retried call's data carries its history",
  );
  const short = await client.get("/catalog/products", { query: { limit: 2 } });
  assert.equal(short.length, 2, "a path without a version is a v3 path");
});

test("a v2 answer is returned as it is, and a 204 is null", async () => {
  const products = await client.get("/v2/products", { query: { limit: 2 } });
  assert.ok(Array.isArray(products));
  assert.equal(await client.get("/v2/orders/1/shipments"), null);
});

test("a POST with json creates, and request() gives status and headers too", async () => {
  const created = await client.request("POST", "/v3/catalog/brands", { json: { name: "Smoke Brand" } });
  assert.equal(created.status, 201);
  assert.equal(created.data.name, "Smoke Brand");
  assert.ok(created.headers.get("content-type").includes("json"));
});

test("a v3 422 throws an ApiError with the status, its meaning, the field errors and the body", async () => {
  const error = await failure(client.post("/v3/catalog/products", { json: { name: "No price" } }));
  assert.ok(isApiError(error));
  assert.equal(error.status, 422);
  assert.equal(error.info.status, 422);
  assert.equal(error.info.text, interpret(422).text);
  assert.equal(error.problem.shape, "v3");
  assert.equal(error.problem.title, "Missing Required Fields");
  assert.ok(error.fieldErrors.length >= 1);
  for (const { field, message } of error.fieldErrors) {
    assert.equal(typeof field, "string");
    assert.equal(typeof message, "string");
  }
  assert.match(error.body, /Missing Required Fields/);
  assert.equal(
    error.message,
    "POST /v3/catalog/products failed with 422 Missing or Invalid Data: Missing Required Fields",
  );
});

test("a v2 error, a plain-text 401 and an HTML page are each read", async () => {
  const v2 = await failure(client.get("/v2/products/999999"));
  assert.equal(v2.status, 404);
  assert.equal(v2.problem.shape, "v2");
  assert.match(v2.problem.title, /not found/);

  const stranger = createClient({
    storeHash: STORE_HASH,
    accessToken: "wrong-token",
    baseUrl: store.apiBase,
  });
  const plain = await failure(stranger.get("/v3/catalog/products"));
  assert.equal(plain.status, 401);
  assert.equal(plain.problem.shape, "text");
  assert.equal(plain.problem.title, "Unauthorized");

  await control("faults", {
    method: "GET",
    path: `/stores/${STORE_HASH}/v3/catalog/brands`,
    steps: [{ status: 502, html: true }],
    repeat: true,
  });
  const html = await failure(client.get("/v3/catalog/brands", {}));
  assert.equal(html.status, 502);
  assert.equal(html.problem.shape, "html");
  assert.ok(!/</.test(html.problem.title ?? ""), "the title has no markup");
  assert.equal(html.attempts, 3, "a 502 is retried");
  await fetch(`${store.url}/__control/reset`, { method: "POST" });
});

test("the price-list 503 envelope gives its code and retry-after", async () => {
  await control("config", { priceListDegraded: true });
  const noRetry = createClient({
    storeHash: STORE_HASH,
    accessToken: ACCESS_TOKEN,
    baseUrl: store.apiBase,
    retry: false,
  });
  const error = await failure(noRetry.put("/v3/pricelists/1/records", { json: [] }));
  await control("config", { priceListDegraded: false });
  assert.equal(error.status, 503);
  assert.equal(error.problem.shape, "envelope");
  assert.equal(error.problem.code, "SERVICE_DEGRADED");
  assert.equal(error.problem.retryAfterMs, 30_000);
});

test("a 207 batch returns a PartialResult: what succeeded and what failed", async () => {
  const [first, second] = await client.get("/v3/catalog/products", { query: { limit: 2 } });
  const result = await client.put("/v3/catalog/products", {
    json: [
      { id: first.id, price: 12 },
      { id: second.id, price: -1 },
    ],
  });
  seen.push(result);
  assert.ok(result instanceof PartialResult && isPartialResult(result));
  assert.equal(result.status, 207);
  assert.deepEqual(
    result.data.map((p) => p.id),
    [first.id],
  );
  assert.equal(result.failures.length, 1);
  assert.equal(result.failures[0].key, String(second.id));
  assert.match(result.failures[0].message, /price/);
});

test("a 422 batch that names the items that failed is a PartialResult too", async () => {
  const result = await client.put("/v3/catalog/products/metafields", {
    json: [{ key: "a", value: "1" }, { value: "no key" }],
  });
  assert.ok(isPartialResult(result));
  assert.equal(result.status, 422);
  assert.equal(result.data.length, 1);
  assert.equal(result.failures[0].key, "1");
  assert.deepEqual(result.counts, { total: 2, success: 1, failed: 1 });
});

const PRODUCTS = "query { site { products(first: 2) { edges { node { entityId name } } } } }";
const TOO_COMPLEX =
  "query { site { products(first: 50) { edges { node { variants(first: 50) { edges { node { entityId } } } } } } } }";

test("GraphQL: data comes back, with the complexity the answer reported beside it", async () => {
  const data = await client.graphql(PRODUCTS);
  assert.equal(data.site.products.edges.length, 2);
  assert.equal(typeof metaOf(data).complexity, "number");
});

test("GraphQL: a query over the complexity limit throws with its cost and limit, and is not retried", async () => {
  const error = await failure(client.graphql(TOO_COMPLEX));
  assert.ok(isGraphQLError(error));
  assert.equal(error.kind, "complexity");
  assert.equal(error.complexity.limit, 10_000);
  assert.ok(error.complexity.cost > 10_000);
  assert.equal(error.attempts, 1);
  assert.match(error.errors[0].message, /too complex/);
});

test("GraphQL: customer-token errors have kinds of their own; a refused storefront token is a 401", async () => {
  const query = "query { customer { firstName } }";
  const missing = await failure(client.graphql(query));
  assert.equal(missing.kind, "missing_customer_token");
  assert.deepEqual(missing.errors[0].path, ["customer"]);
  assert.equal(missing.errors[0].code, "MISSING_CUSTOMER_ACCESS_TOKEN");
  const invalid = await failure(client.graphql(query, undefined, { customerAccessToken: "stale" }));
  assert.equal(invalid.kind, "invalid_customer_token");
  const me = await client.graphql(query, undefined, { customerAccessToken: CUSTOMER_ACCESS_TOKEN });
  assert.equal(me.customer.firstName, "Ada");
  const stranger = createClient({
    storeHash: STORE_HASH,
    storefrontToken: "nope",
    storefrontUrl: `${store.url}/graphql`,
  });
  const denied = await failure(stranger.graphql(PRODUCTS));
  assert.equal(denied.status, 401);
  assert.equal(denied.kind, "unauthorized");
});

test("GraphQL: a query is retried after a 503, a mutation is not", async () => {
  const busy = { method: "POST", path: "/graphql", steps: [{ status: 503 }] };
  await control("faults", busy);
  const read = await client.graphql(PRODUCTS);
  assert.equal(read.site.products.edges.length, 2);
  assert.equal(retryInfo(read)?.attempts, 2, "the data carries its response's retry history");
  await control("faults", busy);
  const mutation =
    "mutation add($input: AddCartLineItemsInput!) { cart { addCartLineItems(input: $input) { cart { entityId } } } }";
  const variables = { input: { data: { lineItems: [{ productEntityId: 1, quantity: 1 }] } } };
  const error = await failure(client.graphql(mutation, variables));
  assert.equal(error.status, 503);
  assert.equal(error.attempts, 1);
});

test("options are checked and named", async () => {
  assert.throws(() => createClient({ storeHash: 5 }), /^TypeError: createClient: option `storeHash`/);
  assert.throws(() => createClient({ storeHash: "a/b" }), /storeHash/);
  assert.throws(
    () => createClient({ storeHash: "abc", retries: 3 }),
    /createClient: option `retries` is not known/,
  );
  assert.throws(
    () => createClient({ storeHash: "abc", retry: { limit: 1000 } }),
    /^TypeError: createClient: /,
  );
  assert.throws(() => createClient({ baseUrl: "ftp://x" }), /baseUrl/);
  await assert.rejects(client.get("v3/catalog/products"), /must start with "\/"/);
  await assert.rejects(client.get("/v3/catalog/products?limit=1"), /as `\{ query \}`/);
  await assert.rejects(client.get("/v3/catalog/products", { limit: 1 }), /option `limit` is not known/);
});

/** How many requests with `method` the emulator saw for `path`. */
async function requestsTo(path, method = "GET") {
  const { requests: log } = await (await fetch(`${store.url}/__control/requests`)).json();
  return log.filter((r) => r.method === method && r.path === `/stores/${STORE_HASH}${path}`).length;
}

test("paginate: every item of an offset listing, one request a page", async () => {
  await fetch(`${store.url}/__control/reset`, { method: "POST" });
  const first = await client.request("GET", "/v3/catalog/products", { query: { limit: 10 } });
  const { total, total_pages: pages } = first.meta.pagination;
  assert.ok(pages >= 2, `the catalog has ${total} products`);
  const before = await requestsTo("/v3/catalog/products");
  const ids = [];
  for await (const product of client.paginate("/v3/catalog/products", { query: { limit: 10 } }))
    ids.push(product.id);
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total, "no page twice");
  assert.equal((await requestsTo("/v3/catalog/products")) - before, pages);
});

test("paginate: every item of a cursor listing, and an abort between pages stops it", async () => {
  const keys = [];
  for await (const field of client.paginate("/v3/catalog/products/metafields", { query: { limit: 10 } })) {
    keys.push(field.id);
  }
  assert.equal(keys.length, 32);
  const controller = new AbortController();
  const seenItems = [];
  await assert.rejects(
    (async () => {
      for await (const field of client.paginate("/v3/catalog/products/metafields", {
        query: { limit: 10 },
        signal: controller.signal,
      })) {
        seenItems.push(field);
        if (seenItems.length === 10) controller.abort();
      }
    })(),
    { name: "AbortError" },
  );
  assert.equal(seenItems.length, 10);
});

async function uploadTheme(name) {
  const form = new FormData();
  form.append("file", new Blob(["theme"]), name);
  const { job_id: job } = await client.post("/v3/themes", { body: form });
  assert.equal(typeof job, "string");
  return `/v3/themes/jobs/${job}`;
}

test("waitForJob: polls with growing waits until the job completes, telling its progress", async () => {
  const progress = [];
  const job = await client.waitForJob(await uploadTheme("theme.zip"), {
    onProgress: (p) => progress.push(p),
  });
  assert.equal(job.status, "COMPLETED");
  assert.deepEqual(
    progress.map((p) => [p.status, p.percent]),
    [
      ["QUEUED", 0],
      ["WORKING", 30],
      ["WORKING", 70],
      ["COMPLETED", 100],
    ],
  );
});

test("waitForJob: a failed job throws with its errors; a job past the deadline is a TimeoutError", async () => {
  const failed = await failure(client.waitForJob(await uploadTheme("fail.zip")));
  assert.ok(isApiError(failed));
  assert.match(failed.message, /FAILED/);
  assert.ok(failed.problem.messages.length >= 1);
  const late = await failure(client.waitForJob(await uploadTheme("slow.zip"), { timeout: 100 }));
  assert.equal(late.name, "TimeoutError");
});

test("createFetch({ throwHttpErrors: true }) throws an ApiError where fetch would resolve", async () => {
  const { createFetch } = await import("../../pkg/dist/node.js");
  const strict = createFetch({ throwHttpErrors: true, retry: false });
  const error = await failure(
    strict(`${store.apiBase}/v3/catalog/products/999999?secret=1`, {
      headers: { "x-auth-token": ACCESS_TOKEN },
    }),
  );
  assert.ok(isApiError(error));
  assert.equal(error.status, 404);
  assert.equal(error.problem.shape, "v3");
  assert.ok(!error.message.includes("secret"), error.message);
  const ok = await strict(`${store.apiBase}/v3/catalog/brands`, {
    headers: { "x-auth-token": ACCESS_TOKEN },
  });
  assert.equal(ok.status, 200);
  assert.throws(
    () => createFetch({ throwHttpErrors: "yes" }),
    /option `throwHttpErrors` must be true or false/,
  );
  assert.throws(() => createClient({ storeHash: "abc", throwHttpErrors: true }), /always throws ApiError/);
});

test("extend() makes a client with more options; headers merge and the first client is unchanged", async () => {
  const tagged = client.extend({ headers: { "x-correlation-id": "job-7" }, retry: false });
  await control("faults", {
    method: "GET",
    path: `/stores/${STORE_HASH}/v3/catalog/brands`,
    steps: [{ status: 503 }],
  });
  const error = await failure(tagged.get("/v3/catalog/brands"));
  assert.equal(error.attempts, 1, "retry: false applies");
  const brands = await client.get("/v3/catalog/brands");
  assert.ok(Array.isArray(brands), "the first client still retries");
  assert.throws(() => client.extend("nope"), /extend: options must be an object/);
});

test("cache: 'revalidate' asks with If-Modified-Since; a 304 gives the kept data, a change the new", async () => {
  const statuses = [];
  const sent = [];
  const recording = (input, init) => {
    sent.push(new Headers(init?.headers).get("if-modified-since"));
    return fetch(input, init).then((res) => {
      statuses.push(res.status);
      return res;
    });
  };
  const options = {
    storeHash: STORE_HASH,
    accessToken: ACCESS_TOKEN,
    baseUrl: store.apiBase,
    fetch: recording,
  };
  const cached = createClient({ ...options, cache: "revalidate" });
  const [product] = await client.get("/v3/catalog/products", { query: { limit: 1 } });
  const path = `/v3/catalog/products/${product.id}`;
  const first = await cached.get(path);
  const again = await cached.get(path);
  assert.deepEqual(again, first);
  assert.notEqual(again, first, "a fresh copy: changing one does not change the other");
  assert.deepEqual(statuses, [200, 304]);
  assert.equal(sent[0], null);
  assert.equal(typeof sent[1], "string");
  await client.put(path, { json: { price: 99 } });
  const changed = await cached.get(path);
  assert.equal(changed.price, 99);
  assert.deepEqual(statuses, [200, 304, 200]);

  const small = createClient({ ...options, cache: "revalidate", cacheEntries: 1 });
  statuses.length = 0;
  const [a, b] = await client.get("/v3/catalog/products", { query: { limit: 2 } });
  await small.get(`/v3/catalog/products/${a.id}`);
  await small.get(`/v3/catalog/products/${b.id}`);
  await small.get(`/v3/catalog/products/${a.id}`);
  assert.deepEqual(statuses, [200, 200, 200], "one entry kept: the first was dropped");
  assert.throws(() => createClient({ ...options, cache: "yes" }), /option `cache` must be "revalidate"/);
  assert.throws(() => createClient({ ...options, cache: "revalidate", cacheEntries: 0 }), /cacheEntries/);
});

test("a variants batch refused in part throws an ApiError that names the failed items", async () => {
  const variants = await client.get("/v3/catalog/variants", { query: { limit: 2 } });
  const error = await failure(
    client.put("/v3/catalog/variants", {
      json: [
        { id: variants[0].id, price: 5 },
        { id: variants[1].id, price: -5 },
      ],
    }),
  );
  assert.equal(error.status, 422);
  assert.equal(error.failures.length, 1);
  assert.equal(error.failures[0].key, String(variants[1].id));
});

test("shouldRetry vetoes or allows a retry; retry.networkErrors and retry.timeouts switch those off", async () => {
  const options = { ...fast, storeHash: STORE_HASH, accessToken: ACCESS_TOKEN, baseUrl: store.apiBase };
  const brands = `/stores/${STORE_HASH}/v3/catalog/brands`;
  const asked = [];
  const vetoing = createClient({
    ...options,
    shouldRetry: (context) => {
      asked.push([context.attempt, context.status, context.method, context.reason]);
      return false;
    },
  });
  await control("faults", { method: "GET", path: brands, steps: [{ status: 503 }] });
  const vetoed = await failure(vetoing.get("/v3/catalog/brands"));
  assert.deepEqual([vetoed.status, vetoed.attempts, vetoed.reason], [503, 1, "vetoed"]);
  assert.deepEqual(asked, [[1, 503, "GET", "server_error"]]);

  const posts = () => requestsTo("/v3/catalog/brands", "POST");
  await control("faults", { method: "POST", path: brands, steps: [{ status: 503 }] });
  const before = await posts();
  const kept = await failure(createClient(options).post("/v3/catalog/brands", { json: { name: "Once" } }));
  assert.deepEqual(
    [kept.status, kept.attempts, (await posts()) - before],
    [503, 1, 1],
    "an unmarked POST is sent once",
  );
  const allowing = createClient({ ...options, shouldRetry: ({ method }) => method === "POST" });
  await control("faults", { method: "POST", path: brands, steps: [{ status: 503 }] });
  const created = await allowing.post("/v3/catalog/brands", { json: { name: "Twice" } });
  assert.equal(created.name, "Twice");
  assert.equal((await posts()) - before, 3, "allowed explicitly, the POST was sent again");

  await control("faults", { method: "GET", path: brands, steps: [{ close: "before" }] });
  const cut = await failure(
    createClient({ ...options, retry: { ...fast.retry, networkErrors: false } }).get("/v3/catalog/brands"),
  );
  assert.deepEqual([cut.name, cut.attempts], ["NetworkError", 1]);
  await control("faults", { method: "GET", path: brands, steps: [{ status: 200, delayMs: 400 }] });
  const slow = await failure(
    createClient({ ...options, timeout: 50, retry: { ...fast.retry, timeouts: false } }).get(
      "/v3/catalog/brands",
    ),
  );
  assert.deepEqual([slow.name, slow.attempts], ["TimeoutError", 1]);
  await fetch(`${store.url}/__control/reset`, { method: "POST" });
});

// Last: it searches what every test before it kept.
test("no token is in any error, result, event or the client itself", async () => {
  const events = [];
  const busy = createClient({
    storeHash: STORE_HASH,
    accessToken: ACCESS_TOKEN,
    storefrontToken: STOREFRONT_TOKEN,
    baseUrl: store.apiBase,
    storefrontUrl: `${store.url}/graphql`,
    retry: { limit: 1, backoff: { baseMs: 1, maxMs: 1 } },
    onRetry: (e) => events.push(e),
  });
  await control("faults", {
    method: "GET",
    path: `/stores/${STORE_HASH}/v3/catalog/categories`,
    steps: [{ status: 503 }, { status: 503 }],
  });
  seen.push(await failure(busy.get("/v3/catalog/categories")));
  seen.push(busy, client, ...events);
  for (const item of seen) {
    const texts = [inspect(item, { depth: 10, showHidden: true }), JSON.stringify(item) ?? "", String(item)];
    for (let cause = item?.cause; cause; cause = cause.cause) texts.push(inspect(cause), String(cause));
    for (const text of texts) {
      assert.ok(!text.includes(ACCESS_TOKEN), `the access token is in ${text.slice(0, 200)}`);
      assert.ok(!text.includes(STOREFRONT_TOKEN), `the storefront token is in ${text.slice(0, 200)}`);
    }
  }
  assert.ok(seen.length >= 10, `searched ${seen.length} values`);
});
