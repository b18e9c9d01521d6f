// createClient against the emulator: data unwrapped, 204s, each documented error body read into an
// ApiError, 207 and 422 batches as PartialResults, GraphQL errors, option checks, and no token anywhere.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inspect } from "node:util";
import {
  createClient,
  isApiError,
  isGraphQLError,
  isPartialResult,
  metaOf,
  PartialResult,
} from "../../pkg/dist/node.js";
import { ACCESS_TOKEN, STORE_HASH, STOREFRONT_TOKEN, startEmulator } from "../emulator/emulator.mjs";

let store;
let client;
/** Every error and result the tests produce, searched for the tokens at the end. */
const seen = [];

const fast = { retry: { backoff: { baseMs: 1, maxMs: 5 } } };

before(async () => {
  store = await startEmulator();
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
  assert.equal(error.info.text, "Unprocessable Entity");
  assert.equal(error.problem.shape, "v3");
  assert.equal(error.problem.title, "Missing Required Fields");
  assert.ok(error.fieldErrors.length >= 1);
  for (const { field, message } of error.fieldErrors) {
    assert.equal(typeof field, "string");
    assert.equal(typeof message, "string");
  }
  assert.match(error.body, /Missing Required Fields/);
  assert.match(error.message, /^POST \/v3\/catalog\/products failed with 422 Unprocessable Entity: /);
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

test("GraphQL: data comes back; errors throw a GraphQLError with their messages", async () => {
  const data = await client.graphql("query { site { products(first: 2) { edges { node { entityId } } } } }");
  assert.ok(data.site.products.edges.length <= 2);
  const error = await failure(
    client.graphql("query { site { products(first: 200) { edges { node { entityId } } } } }"),
  );
  assert.ok(isGraphQLError(error));
  assert.ok(error.errors.length >= 1);
  assert.equal(typeof error.errors[0].message, "string");
  const stranger = createClient({
    storeHash: STORE_HASH,
    storefrontToken: "nope",
    storefrontUrl: `${store.url}/graphql`,
  });
  const denied = await failure(stranger.graphql("query { site { settings { storeName } } }"));
  assert.equal(denied.status, 401);
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
