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
