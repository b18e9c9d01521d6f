import assert from "node:assert/strict";
import net from "node:net";
import { test } from "node:test";
import { createFetch, interpret } from "../../pkg/dist/node.js";

test("bad options throw a TypeError naming the option when createFetch is called", () => {
  const cases = [
    [{ retry: -1 }, "retry.limit"],
    [{ retry: { limit: 1.5 } }, "retry.limit"],
    [{ preset: "fast" }, "preset"],
    [{ fetch: "fetch" }, "fetch"],
    [{ timeout: "10s" }, "timeout"],
    [{ timeout: 0 }, "timeout"],
    [{ totalTimeout: -5 }, "totalTimeout"],
    [{ onRetry: 1 }, "onRetry"],
    [{ retry: "3" }, "retry"],
    [{ retry: { methods: ["GET", "FETCH"] } }, "retry.methods"],
    [{ retry: { methods: "GET" } }, "retry.methods"],
    [{ retry: { statusCodes: [429, 99] } }, "retry.statusCodes"],
    [{ retry: { backoff: { baseMs: "1s" } } }, "retry.backoff.baseMs"],
    [{ retry: { backoff: { jitter: "random" } } }, "retry.backoff.jitter"],
    [{ retry: { maxRetryAfterMs: Number.NaN } }, "retry.maxRetryAfterMs"],
    [{ retries: 3 }, "retries"],
    [{ retry: { limits: 3 } }, "retry.limits"],
    [{ retry: { backoff: { base: 1 } } }, "retry.backoff.base"],
    [42, "options"],
    [[], "options"],
  ];
  for (const [options, name] of cases) {
    assert.throws(
      () => createFetch(options),
      (error) => error instanceof TypeError && error.message.includes(`\`${name}\``),
      `${JSON.stringify(options)} should name ${name}`,
    );
  }
  // The module is still usable after all those throws.
  assert.equal(typeof createFetch({ preset: "background" }), "function");
  assert.equal(interpret(429).retryable, true);
});

test("valid options are accepted, including turning timeouts off", () => {
  for (const options of [
    undefined,
    null,
    {},
    { retry: false },
    { retry: 3 },
    { timeout: false, totalTimeout: false },
    { timeout: Number.POSITIVE_INFINITY },
    { retry: { limit: 0, methods: ["get", "POST"], statusCodes: [503], maxRetryAfterMs: 0 } },
    { retry: { backoff: { baseMs: 0, maxMs: 0, jitter: "none" } } },
    { preset: "storefront", onRetry: () => {}, fetch: globalThis.fetch },
  ]) {
    assert.equal(typeof createFetch(options), "function", JSON.stringify(options));
  }
});

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("the returned function has fetch's shape", async () => {
  const f = createFetch({ retry: 0 });
  assert.equal(f.length, 2);
  const pending = f(`http://127.0.0.1:${await closedPort()}/`);
  assert.ok(pending instanceof Promise);
  await assert.rejects(pending, { name: "NetworkError" });
});

test("headers and baseUrl: defaults under the call's own, relative strings resolved; extend() layers options", async () => {
  const seen = [];
  const fetch = async (input, init) => {
    seen.push([String(input), Object.fromEntries(new Headers(init?.headers))]);
    return new Response("ok");
  };
  const api = createFetch({
    fetch,
    baseUrl: "https://api.example/stores/abc/",
    headers: { "x-auth-token": "t", accept: "application/json" },
  });
  await api("/v3/catalog/products", { headers: { accept: "text/plain" } });
  await api("v2/orders");
  await api("https://elsewhere.example/x");
  const tagged = api.extend({ headers: { "x-correlation-id": "7" } });
  await tagged("/v3/brands");
  // A name written in another case replaces the first's value rather than joining it.
  await api
    .extend({ headers: new Headers({ "X-Auth-Token": "u" }) })
    .extend({ headers: { ACCEPT: "text/csv" } })("/v3/x");
  assert.deepEqual(seen, [
    ["https://api.example/stores/abc/v3/catalog/products", { accept: "text/plain", "x-auth-token": "t" }],
    ["https://api.example/stores/abc/v2/orders", { accept: "application/json", "x-auth-token": "t" }],
    ["https://elsewhere.example/x", { accept: "application/json", "x-auth-token": "t" }],
    [
      "https://api.example/stores/abc/v3/brands",
      { accept: "application/json", "x-auth-token": "t", "x-correlation-id": "7" },
    ],
    ["https://api.example/stores/abc/v3/x", { accept: "text/csv", "x-auth-token": "u" }],
  ]);
  assert.equal(typeof createFetch().extend, "function");
  assert.throws(() => createFetch({ baseUrl: "ftp://x" }), /option `baseUrl` must be an http\(s\) URL/);
  assert.throws(
    () => createFetch({ headers: { a: 1 } }),
    /option `headers` must be an object of header values/,
  );
  assert.throws(() => api.extend(null), /extend: options must be an object/);
});

test("default headers keep an init read as fetch reads it: members on its prototype are not lost", async () => {
  const seen = [];
  const fetch = async (_input, init) => {
    seen.push([init?.method, init?.body, new Headers(init?.headers).get("x-auth-token")]);
    return new Response("ok");
  };
  const init = Object.create({ method: "POST", body: "{}" });
  await createFetch({ fetch, headers: { "x-auth-token": "t" }, retry: false })("https://api.example/x", init);
  assert.deepEqual(seen, [["POST", "{}", "t"]]);
});
