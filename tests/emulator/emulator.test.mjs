// The emulator itself answers with the shapes the reference documents, so the fault suite tests the
// library against something faithful.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEmulator } from "./emulator.mjs";

let emulator;
let auth;
before(async () => {
  emulator = await startEmulator({ seed: 7, timeScale: 0.01 });
  auth = { "x-auth-token": emulator.accessToken };
});
after(() => emulator.close());

const control = (path, body) =>
  fetch(`${emulator.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body ?? {}) }).then((r) =>
    r.json(),
  );
const api = (path, init = {}) =>
  fetch(`${emulator.apiBase}${path}`, { ...init, headers: { ...auth, ...init.headers } });
const json = (init) => ({ ...init, headers: { "content-type": "application/json", ...init.headers } });
const send = (method, path, body) => api(path, json({ method, body: JSON.stringify(body) }));

test("starts in well under a second on a port of its own choosing", async () => {
  const started = performance.now();
  const other = await startEmulator({ port: 0 });
  const took = performance.now() - started;
  assert.ok(took < 500, `${took} ms`);
  assert.ok(other.port > 0 && other.port !== emulator.port);
  await other.close();
});

test("the same seed gives the same catalog", async () => {
  const names = async (seed) => {
    const e = await startEmulator({ seed });
    const res = await fetch(`${e.apiBase}/v3/catalog/products?limit=5`, {
      headers: { "x-auth-token": e.accessToken },
    });
    const body = await res.json();
    await e.close();
    return body.data.map((p) => `${p.name} ${p.price}`);
  };
  assert.deepEqual(await names(3), await names(3));
  assert.notDeepEqual(await names(3), await names(4));
});

test("every REST response carries the rate-limit headers", async () => {
  await control("reset");
  const res = await api("/v3/catalog/brands");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("x-rate-limit-requests-quota"), "150");
  assert.equal(res.headers.get("x-rate-limit-requests-left"), "149");
  assert.equal(res.headers.get("x-rate-limit-time-window-ms"), "300");
  const reset = Number(res.headers.get("x-rate-limit-time-reset-ms"));
  assert.ok(reset > 0 && reset <= 300, String(reset));
});

test("over quota answers 429 with the documented body and X-Retry-After in seconds", async () => {
  await control("reset");
  await control("config", { quota: 1 });
  await (await api("/v3/catalog/brands")).text();
  const res = await api("/v3/catalog/brands");
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("x-retry-after"), "1");
  assert.equal(res.headers.get("x-rate-limit-requests-left"), "0");
  assert.deepEqual(await res.json(), {
    status: 429,
    title: "Too many requests",
    type: "/api-docs/getting-started/api-status-codes",
    errors: {},
  });
});

test("a concurrency limit answers 429 without rate-limit headers", async () => {
  await control("reset");
  const put = () =>
    api("/v3/pricelists/1/records", {
      method: "PUT",
      body: "[]",
      headers: { "content-type": "application/json" },
    });
  const [first, second] = await Promise.all([put(), put()]);
  assert.deepEqual([first.status, second.status].sort(), [200, 429]);
  const limited = first.status === 429 ? first : second;
  assert.equal(limited.headers.get("x-rate-limit-time-reset-ms"), null);
});

test("missing credentials get a plain-text Unauthorized", async () => {
  const res = await fetch(`${emulator.apiBase}/v3/catalog/products`);
  assert.equal(res.status, 401);
  assert.equal(await res.text(), "Unauthorized");
});

test("v3 and v2 errors have their own shapes", async () => {
  await control("reset");
  const v3 = await api("/v3/catalog/products/99999");
  assert.equal(v3.status, 404);
  assert.deepEqual(Object.keys(await v3.json()), ["status", "title", "type", "errors"]);
  const v2 = await api("/v2/products/99999");
  assert.deepEqual(await v2.json(), [{ status: 404, message: "The requested resource was not found." }]);
  const missing = await api("/v3/catalog/products", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Tote" }),
  });
  assert.equal(missing.status, 422);
  assert.deepEqual(Object.keys((await missing.json()).errors), ["price", "type", "weight"]);
});

test("a batch with some bad items answers 207 with the saved data and the errors", async () => {
  await control("reset");
  const res = await api("/v3/catalog/products", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([
      { id: 100, price: 12 },
      { id: 101, price: -1 },
      { id: 5, price: 1 },
    ]),
  });
  assert.equal(res.status, 207);
  const body = await res.json();
  assert.deepEqual(
    body.data.map((p) => p.id),
    [100],
  );
  assert.deepEqual(Object.keys(body.errors.errors).sort(), ["101", "5"]);
  assert.deepEqual(body.meta, { total: 3, success: 1, failed: 2 });
});

test("batch metafields carry a partial failure on 422", async () => {
  const res = await api("/v3/catalog/products/metafields", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ key: "a" }, {}]),
  });
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.data.length, 1);
  assert.deepEqual(body.meta, { total: 2, success: 1, failed: 1 });
});

test("204 for an empty list, 304 for an unchanged resource", async () => {
  assert.equal((await api("/v2/orders/5/shipments")).status, 204);
  const first = await api("/v3/catalog/products/100");
  const modified = first.headers.get("last-modified");
  await first.text();
  assert.equal(
    (await api("/v3/catalog/products/100", { headers: { "if-modified-since": modified } })).status,
    304,
  );
});

test("maintenance answers 503 with Retry-After as an HTTP-date", async () => {
  await control("reset");
  await control("config", { maintenanceForMs: 5000 });
  const res = await api("/v3/catalog/products");
  assert.equal(res.status, 503);
  const until = Date.parse(res.headers.get("retry-after"));
  assert.ok(until > Date.now() && until <= Date.now() + 6000);
  await control("config", { maintenanceForMs: null });
});

test("a degraded price list answers 503 with its own envelope", async () => {
  await control("reset");
  await control("config", { priceListDegraded: true });
  const res = await api("/v3/pricelists/1/records", { method: "PUT", body: "[]" });
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error.retry_after_seconds, 30);
});

test("storefront GraphQL: reads, a mutation, errors with HTTP 200, and 401 for a bad token", async () => {
  const gql = (query, token = emulator.storefrontToken) =>
    fetch(`${emulator.url}/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
  const list = await (
    await gql("query { site { products(first: 3) { edges { node { entityId } } } } }")
  ).json();
  assert.equal(list.data.site.products.edges.length, 3);
  const complex = await gql("query { site { products(first: 500) { edges { node { entityId } } } } }");
  assert.equal(complex.status, 200);
  assert.match((await complex.json()).errors[0].message, /too complex/);
  const mutation = await (
    await gql("mutation { cart { addCartLineItems(input: {}) { cart { entityId } } } }")
  ).json();
  assert.ok(mutation.data.cart.addCartLineItems.cart.entityId);
  assert.equal(
    (await gql("query { site { products { edges { node { entityId } } } } }", "wrong")).status,
    401,
  );
});

test("scripted faults replace answers in order, then the route answers normally", async () => {
  await control("reset");
  const path = `/stores/${emulator.storeHash}/v3/catalog/categories`;
  const added = await control("faults", {
    path,
    steps: [
      { status: 503, headers: { "retry-after": "NaN" } },
      { status: 502, html: true },
      { close: "before" },
    ],
  });
  assert.deepEqual(added, { ok: true });
  const first = await api("/v3/catalog/categories");
  assert.deepEqual([first.status, first.headers.get("retry-after")], [503, "NaN"]);
  const second = await api("/v3/catalog/categories");
  assert.match(await second.text(), /<html>/);
  await assert.rejects(api("/v3/catalog/categories"), TypeError);
  assert.equal((await api("/v3/catalog/categories")).status, 200);
  const log = await (await fetch(`${emulator.url}/__control/requests?path=${path}`)).json();
  assert.equal(log.requests.length, 4);
  assert.ok(log.requests.every((r) => r.method === "GET" && r.bodyHash.length === 64));
});

test("a connection cut mid-body fails the body read", async () => {
  await control("reset");
  await control("faults", {
    path: `/stores/${emulator.storeHash}/v3/catalog/brands`,
    steps: [{ status: 200, json: { data: "x".repeat(2000) }, close: "mid-body" }],
  });
  const res = await api("/v3/catalog/brands");
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
});

test("a malformed fault is refused with a reason", async () => {
  const res = await fetch(`${emulator.url}/__control/faults`, {
    method: "POST",
    body: JSON.stringify({ path: "/x", steps: [{ status: 500, explode: true }] }),
  });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /explode/);
});

test("offset pages carry meta.pagination with links as BigCommerce writes them", async () => {
  await control("reset");
  const middle = await (await api("/v3/catalog/products?limit=10&page=2")).json();
  assert.deepEqual(middle.meta.pagination, {
    total: 24,
    count: 10,
    per_page: 10,
    current_page: 2,
    total_pages: 3,
    links: { previous: "?page=1&limit=10", current: "?page=2&limit=10", next: "?page=3&limit=10" },
  });
  const last = await (await api("/v3/catalog/products?limit=10&page=3")).json();
  assert.equal(last.data.length, 4);
  assert.deepEqual(last.meta.pagination.links, { previous: "?page=2&limit=10", current: "?page=3&limit=10" });
  const whole = await (await api("/v3/catalog/products")).json();
  assert.equal(whole.meta.pagination.per_page, 50);
  assert.deepEqual(whole.meta.pagination.links, { current: "?page=1&limit=50" });
  assert.equal((await api("/v3/catalog/products?limit=250")).status, 200);
  assert.equal((await api("/v3/catalog/products?limit=251")).status, 413);
  assert.equal((await api("/v3/catalog/products?page=two")).status, 400);
});

test("cursor pages of metafields follow links.next to the end, and links.previous back", async () => {
  await control("reset");
  const first = await (await api("/v3/catalog/products/metafields?limit=10")).json();
  assert.equal(first.meta.pagination.total, 32);
  const cursor = first.meta.cursor_pagination;
  assert.equal(cursor.count, 10);
  assert.equal(cursor.per_page, 10);
  assert.equal(Buffer.from(cursor.end_cursor, "base64").toString(), `id:${first.data.at(-1).id}`);
  assert.equal(cursor.links.previous, undefined);
  const ids = first.data.map((m) => m.id);
  let page = first;
  let pages = 1;
  while (page.meta.cursor_pagination.links.next) {
    page = await (
      await api(`/v3/catalog/products/metafields${page.meta.cursor_pagination.links.next}`)
    ).json();
    assert.equal(page.meta.pagination, undefined, "a cursor page has no offset pagination");
    ids.push(...page.data.map((m) => m.id));
    pages += 1;
  }
  assert.equal(pages, 4);
  assert.equal(page.data.length, 2);
  assert.deepEqual(Object.keys(page.meta.cursor_pagination.links), ["previous", "current"]);
  assert.equal(new Set(ids).size, 32);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  const back = await (
    await api(`/v3/catalog/products/metafields${page.meta.cursor_pagination.links.previous}`)
  ).json();
  assert.deepEqual(
    back.data.map((m) => m.id),
    ids.slice(20, 30),
  );
  assert.equal((await api("/v3/catalog/products/metafields?after=bm90IGEgY3Vyc29y")).status, 400);
});

test("a theme upload answers 201 with a job id, and the job moves on at each poll", async () => {
  await control("reset");
  const upload = async (fileName) => {
    const form = new FormData();
    form.append("file", new Blob(["PK\u0003\u0004 theme"]), fileName);
    const res = await api("/v3/themes", { method: "POST", body: form });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ["job_id"]);
    return body.job_id;
  };
  const polls = async (id, n) => {
    const seen = [];
    for (let i = 0; i < n; i++) seen.push((await (await api(`/v3/themes/jobs/${id}`)).json()).data);
    return seen;
  };
  const done = await polls(await upload("cornerstone.zip"), 5);
  assert.deepEqual(
    done.map((job) => [job.status, job.percent_complete]),
    [
      ["QUEUED", 0],
      ["WORKING", 30],
      ["WORKING", 70],
      ["COMPLETED", 100],
      ["COMPLETED", 100],
    ],
  );
  assert.match(done[3].result.theme_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual(done[3].errors, []);
  assert.deepEqual(done[0].result, {});
  const failed = await polls(await upload("fail.zip"), 3);
  assert.deepEqual(
    failed.map((job) => job.status),
    ["QUEUED", "WORKING", "FAILED"],
  );
  assert.deepEqual(Object.keys(failed[2].errors[0]), ["error", "message"]);
  await control("config", { failThemeJobs: true });
  assert.equal((await polls(await upload("cornerstone.zip"), 3))[2].status, "FAILED");
  assert.equal((await api("/v3/themes/jobs/nope")).status, 404);
  assert.equal((await api("/v3/themes", { method: "POST", body: new FormData() })).status, 422);
});

test("deleting tree categories answers 202 with counts", async () => {
  await control("reset");
  const res = await api("/v3/catalog/trees/categories?category_id:in=20,999", { method: "DELETE" });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { meta: { total: 2, success: 1, failed: 1 } });
  const left = await (await api("/v3/catalog/categories")).json();
  assert.ok(!left.data.some((c) => c.id === 20));
  assert.equal((await api("/v3/catalog/trees/categories", { method: "DELETE" })).status, 422);
});

test("tree category batches answer 207 for a mix, 422 when all fail", async () => {
  await control("reset");
  const update = await send("PUT", "/v3/catalog/trees/categories", [
    { category_id: 21, name: "Clothing" },
    { category_id: 999, name: "Nowhere" },
  ]);
  assert.equal(update.status, 207);
  const updated = await update.json();
  assert.deepEqual(Object.keys(updated), ["errors", "meta"]);
  assert.deepEqual(updated.meta, { total: 2, success: 1, failed: 1 });
  assert.deepEqual(Object.keys(updated.errors.errors), ["999"]);
  const create = await send("POST", "/v3/catalog/trees/categories", [
    { name: "Toys", tree_id: 1 },
    { tree_id: 1 },
  ]);
  assert.equal(create.status, 207);
  const created = await create.json();
  assert.deepEqual(
    created.data.map((c) => c.name),
    ["Toys"],
  );
  assert.deepEqual(created.meta, { total: 2, success: 1, failed: 1 });
  const none = await send("PUT", "/v3/catalog/trees/categories", [{ category_id: 998 }]);
  assert.equal(none.status, 422);
  assert.deepEqual((await none.json()).meta, { total: 1, success: 0, failed: 1 });
  const all = await send("PUT", "/v3/catalog/trees/categories", [{ category_id: 22, name: "Home" }]);
  assert.deepEqual([all.status, await all.json()], [200, { meta: { total: 1, success: 1, failed: 0 } }]);
});

test("category trees upsert with meta counts; a bad tree is a 422, over 50 a 413", async () => {
  await control("reset");
  const ok = await send("PUT", "/v3/catalog/trees", [
    { id: 1, name: "Main" },
    { name: "Wholesale", channels: [2] },
  ]);
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.deepEqual(body.meta, { total: 2, success: 2, failed: 0 });
  assert.deepEqual(
    body.data.map((t) => [t.id, t.name]),
    [
      [1, "Main"],
      [2, "Wholesale"],
    ],
  );
  assert.equal((await send("PUT", "/v3/catalog/trees", [{ name: "No channel" }])).status, 422);
  const many = Array.from({ length: 51 }, (_, i) => ({ name: `T${i}`, channels: [i] }));
  assert.equal((await send("PUT", "/v3/catalog/trees", many)).status, 413);
});

test("batch metafields: a delete of some that cannot go is a 422 with errors and counts", async () => {
  await control("reset");
  const res = await send("DELETE", "/v3/catalog/products/metafields", [500, 550, 9999]);
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.deepEqual(body.data, [500]);
  assert.deepEqual(body.meta, { total: 3, success: 1, failed: 2 });
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].title, "Bulk operation has failed");
  assert.deepEqual(body.errors[0].errors, {
    550: "Unauthorized to delete",
    9999: "Metafield does not exist",
  });
  const clean = await send("DELETE", "/v3/catalog/products/metafields", [501]);
  assert.deepEqual([clean.status, (await clean.json()).errors], [200, []]);
  const create = await send("POST", "/v3/catalog/products/metafields", [
    { resource_id: 100, key: "fit", value: "slim", namespace: "product_info", permission_set: "write" },
    { resource_id: 102, key: "care", value: "again", namespace: "product_info", permission_set: "write" },
  ]);
  assert.equal(create.status, 422);
  const created = await create.json();
  assert.deepEqual([created.data.length, Object.keys(created.errors[0].errors)], [1, ["1"]]);
});

test("a variants batch with refused items answers 422 with batch_errors and saves the rest", async () => {
  await control("reset");
  const res = await send("PUT", "/v3/catalog/variants", [
    { id: 1000, price: 5 },
    { id: 1001, price: -1 },
    { id: 4242, price: 1 },
  ]);
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.deepEqual(Object.keys(body), ["batch_errors"]);
  assert.deepEqual(
    body.batch_errors.map((e) => Object.keys(e.errors)[0]),
    ["1001", "4242"],
  );
  const variants = await (await api("/v3/catalog/products/100/variants")).json();
  assert.equal(variants.data[0].price, 5);
  assert.equal(variants.meta.pagination.total, 1);
  assert.equal((await send("PUT", "/v3/catalog/variants", [{ id: 1002, price: 2 }])).status, 200);
  const many = Array.from({ length: 51 }, (_, i) => ({ id: 1000 + i }));
  assert.equal((await send("PUT", "/v3/catalog/variants", many)).status, 413);
});

test("a price record batch with a bad record answers 422 with data and field_errors", async () => {
  await control("reset");
  const res = await send("PUT", "/v3/pricelists/records", [
    { price_list_id: 1, variant_id: 1000, currency: "usd", price: 10 },
    { price_list_id: 1, variant_id: 4242, currency: "usd", price: 3 },
  ]);
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), {
    data: { price_list_id: 1, variant_id: 4242, currency: "usd" },
    field_errors: { variant_id: "The variant does not exist" },
  });
  const ok = await send("PUT", "/v3/pricelists/records", [
    { price_list_id: 1, sku: "SKU-1000-1", currency: "usd" },
  ]);
  assert.deepEqual([ok.status, await ok.json()], [200, { data: {}, meta: {} }]);
  const upsert = () => send("PUT", "/v3/pricelists/records", []);
  const both = await Promise.all([upsert(), upsert()]);
  assert.deepEqual(both.map((r) => r.status).sort(), [200, 429], "one upsert at a time");
});

test("If-Modified-Since: 304 without a body until a PUT makes the product newer", async () => {
  await control("reset");
  const first = await api("/v3/catalog/products/101");
  const modified = first.headers.get("last-modified");
  assert.equal(modified, (await first.json()).data.date_modified);
  const cached = await api("/v3/catalog/products/101", { headers: { "if-modified-since": modified } });
  assert.equal(cached.status, 304);
  assert.equal(cached.headers.get("last-modified"), modified);
  assert.equal(await cached.text(), "");
  await (await send("PUT", "/v3/catalog/products/101", { price: 9 })).text();
  const fresh = await api("/v3/catalog/products/101", { headers: { "if-modified-since": modified } });
  assert.equal(fresh.status, 200);
  assert.ok(Date.parse(fresh.headers.get("last-modified")) > Date.parse(modified));
  assert.equal((await fresh.json()).data.price, 9);
});

test("If-Modified-Since on the product list: 304 until a product is added", async () => {
  await control("reset");
  const list = await api("/v3/catalog/products?limit=5");
  const modified = list.headers.get("last-modified");
  await list.text();
  assert.ok(modified);
  const cached = await api("/v3/catalog/products?limit=5", { headers: { "if-modified-since": modified } });
  assert.equal(cached.status, 304);
  const product = { name: "Tote", price: 1, type: "physical", weight: 1 };
  assert.equal((await send("POST", "/v3/catalog/products", product)).status, 201);
  const after = await api("/v3/catalog/products?limit=5", { headers: { "if-modified-since": modified } });
  assert.equal(after.status, 200);
});

const gql = (query, { token = emulator.storefrontToken, headers = {}, variables, operationName } = {}) =>
  fetch(`${emulator.url}/graphql`, {
    method: "POST",
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify({ query, variables, operationName }),
  });

test("GraphQL: every answer carries its complexity; over the limit is an HTTP 200 with the documented error", async () => {
  await control("reset");
  const small = await gql("query { site { product(entityId: 100) { name } } }");
  assert.equal(small.headers.get("x-bc-graphql-complexity"), "30");
  assert.equal((await small.json()).data.site.product.name.length > 0, true);
  const nested =
    "query { site { products(first: 50) { edges { node { entityId variants(first: 50) { edges { node { sku } } } } } } } }";
  const complex = await gql(nested);
  assert.equal(complex.status, 200);
  const score = Number(complex.headers.get("x-bc-graphql-complexity"));
  assert.ok(score > 10_000, String(score));
  assert.deepEqual(await complex.json(), {
    errors: [
      {
        message: `The query is too complex as it has a complexity score of ${score} out of 10000. Please remove some elements and try again`,
      },
    ],
  });
  await control("config", { graphqlComplexityLimit: 20 });
  assert.match(
    (await (await gql("query { site { product(entityId: 100) { name } } }")).json()).errors[0].message,
    /too complex/,
  );
});

test("GraphQL: customer needs a customer access token, with the documented codes", async () => {
  await control("reset");
  const query = "query { customer { entityId firstName } }";
  const missing = await gql(query);
  assert.equal(missing.status, 200);
  const body = await missing.json();
  assert.deepEqual(body.data, { customer: null });
  assert.deepEqual(body.errors[0].path, ["customer"]);
  assert.equal(body.errors[0].extensions.code, "MISSING_CUSTOMER_ACCESS_TOKEN");
  assert.equal(typeof body.errors[0].message, "string");
  const wrong = await (await gql(query, { headers: { "x-bc-customer-access-token": "stale" } })).json();
  assert.equal(wrong.errors[0].extensions.code, "INVALID_CUSTOMER_ACCESS_TOKEN");
  const right = await gql(query, { headers: { "x-bc-customer-access-token": emulator.customerAccessToken } });
  assert.equal((await right.json()).data.customer.entityId, 1);
});

test("GraphQL: bad or missing credentials are HTTP 401", async () => {
  const wrong = await gql("query { site { product(entityId: 100) { name } } }", { token: "wrong" });
  assert.equal(wrong.status, 401);
  assert.match((await wrong.json()).errors[0].message, /^GraphQL invalid credentials/);
  const none = await gql("query { site { product(entityId: 100) { name } } }", { token: null });
  assert.equal(none.status, 401);
  assert.match((await none.json()).errors[0].message, /credentials were missing/);
});

test("GraphQL: a mutation fills the cart once per request, and the log names each operation", async () => {
  await control("reset");
  const mutation =
    "mutation AddToCart($input: AddCartLineItemsInput!) { cart { addCartLineItems(input: $input) { cart { entityId } } } }";
  const add = (cartEntityId) =>
    gql(mutation, {
      variables: { input: { cartEntityId, data: { lineItems: [{ productEntityId: 100, quantity: 2 }] } } },
    }).then((r) => r.json());
  const first = await add(undefined);
  const cart = first.data.cart.addCartLineItems.cart;
  const second = await add(cart.entityId);
  assert.equal(second.data.cart.addCartLineItems.cart.lineItems.physicalItems.length, 2);
  const named = await gql("query Product { site { product(entityId: 100) { name } } }");
  assert.equal(named.headers.get("x-bc-graphql-operation-name"), "Product");
  const log = await (await fetch(`${emulator.url}/__control/requests?path=/graphql`)).json();
  assert.deepEqual(
    log.requests.map((r) => r.graphql),
    [
      { operation: "mutation", name: "AddToCart" },
      { operation: "mutation", name: "AddToCart" },
      { operation: "query", name: "Product" },
    ],
  );
});
