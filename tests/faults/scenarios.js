// Fault scenarios against the BigCommerce emulator, written once and run in every runtime (Node, Deno,
// workerd, Chromium, Firefox, WebKit). Portable on purpose: only fetch, timers, AbortController and
// Date, no Node APIs. Each scenario scripts the emulator, runs commerce-fetch, then checks what the
// SERVER saw (attempts, gaps between them, bodies), the outcome, the error fields and the trace.
//
// Waits are measured between request arrivals at the emulator. A wait may not be shorter than what
// it answers (less 5 ms for timer rounding) nor longer than that plus WAIT_TOLERANCE_MS.

export const WAIT_TOLERANCE_MS = 250;

/** A scenario that has not finished by then has failed (a hang must not stall the whole suite). */
const SCENARIO_LIMIT_MS = 15_000;

class ScenarioFailure extends Error {}

function check(condition, message) {
  if (!condition) throw new ScenarioFailure(message);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

/** A wait that answers `expectedMs`: not shorter (less 5 ms of timer rounding), not much longer. */
function waited(actualMs, expectedMs, what) {
  check(
    actualMs >= expectedMs - 5 && actualMs <= expectedMs + WAIT_TOLERANCE_MS,
    `${what}: waited ${actualMs.toFixed(1)} ms, expected ${expectedMs} ms (tolerance +${WAIT_TOLERANCE_MS} ms)`,
  );
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new ScenarioFailure("expected the call to reject, but it resolved");
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything a scenario needs: the library, the emulator's addresses and its control API. */
export function makeContext(lib, emulator) {
  const api = `${emulator.url}/stores/${emulator.storeHash}`;
  const control = async (path, body) => {
    const res = await fetch(`${emulator.url}/__control/${path}`, {
      method: "POST",
      body: JSON.stringify(body ?? {}),
    });
    const json = await res.json();
    check(res.ok, `control ${path}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    lib,
    auth: { "x-auth-token": emulator.accessToken },
    url: (route) => `${api}${route}`,
    path: (route) => `/stores/${emulator.storeHash}${route}`,
    control,
    /** Scripts the answers of `route` (a path under the store), one step per request. */
    fault: (route, steps, extra = {}) =>
      control("faults", { path: `/stores/${emulator.storeHash}${route}`, steps, ...extra }),
    /** The requests the emulator received on `route`, in order. */
    async requests(route) {
      const path = `/stores/${emulator.storeHash}${route}`;
      const res = await fetch(`${emulator.url}/__control/requests?path=${encodeURIComponent(path)}`);
      return (await res.json()).requests;
    },
    /** POSTs `query` to the storefront GraphQL endpoint through commerce-fetch, as a storefront would. */
    graphql: (query) =>
      lib.createFetch({ retry: quick })(`${emulator.url}/graphql`, {
        method: "POST",
        headers: { authorization: `Bearer ${emulator.storefrontToken}`, "content-type": "application/json" },
        body: JSON.stringify({ query }),
      }),
    /** A createClient for the emulator's store, with short backoff; `options` go over these. */
    client: (options = {}) =>
      lib.createClient({
        storeHash: emulator.storeHash,
        accessToken: emulator.accessToken,
        storefrontToken: emulator.storefrontToken,
        baseUrl: api,
        storefrontUrl: `${emulator.url}/graphql`,
        retry: quick,
        ...options,
      }),
    tokens: { access: emulator.accessToken, storefront: emulator.storefrontToken },
    async graphqlRequests() {
      const res = await fetch(`${emulator.url}/__control/requests?path=/graphql`);
      return (await res.json()).requests;
    },
  };
}

const gapsOf = (requests) => requests.slice(1).map((r, i) => r.at - requests[i].at);

/** Short backoff so that backoff waits cost milliseconds; the waits under test come from the server. */
const quick = { backoff: { baseMs: 20, maxMs: 80 } };

/** Non-idempotent writes the server accepted (anything but a 429, which BigCommerce sends before doing any work). */
function acceptedWrites(requests, statuses) {
  return requests.filter((_, i) => statuses[i] !== 429).length;
}

/** A 429 with a window reset of `resetMs` and `X-Retry-After: 1`: the wait is the longer of the two. */
function longerOfResetAndRetryAfter(resetMs, waitMs, source) {
  return {
    name: `429 with reset-ms and X-Retry-After waits the longer (${source === "x-retry-after" ? "X-Retry-After" : "reset-ms"})`,
    async run(ctx) {
      await ctx.fault("/v3/catalog/brands", [
        { status: 429, headers: { "x-rate-limit-time-reset-ms": String(resetMs), "x-retry-after": "1" } },
      ]);
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/brands"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      const requests = await ctx.requests("/v3/catalog/brands");
      equal(requests.length, 2, "attempts");
      waited(gapsOf(requests)[0], waitMs, "wait");
      equal(ctx.lib.retryInfo(res).trace[0].source, source, "source");
    },
  };
}

export const scenarios = [
  {
    name: "429 with reset-ms waits the reset",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [
        { status: 429, headers: { "x-rate-limit-time-reset-ms": "200" } },
      ]);
      const events = [];
      const res = await ctx.lib.createFetch({ retry: quick, onRetry: (e) => events.push(e) })(
        ctx.url("/v3/catalog/products"),
        { headers: ctx.auth },
      );
      equal(res.status, 200, "status");
      const requests = await ctx.requests("/v3/catalog/products");
      equal(requests.length, 2, "attempts");
      waited(gapsOf(requests)[0], 200, "wait");
      equal(
        events.map((e) => [e.attempt, e.delayMs, e.reason, e.status, e.source]),
        [[1, 200, "rate_limited", 429, "x-rate-limit-time-reset-ms"]],
        "onRetry",
      );
    },
  },
  longerOfResetAndRetryAfter(150, 1000, "x-retry-after"),
  longerOfResetAndRetryAfter(1300, 1300, "x-rate-limit-time-reset-ms"),
  {
    name: "429 without headers backs off, at least half the backoff ceiling",
    async run(ctx) {
      await ctx.fault("/v3/catalog/categories", [{ status: 429 }, { status: 429 }]);
      const options = { retry: { backoff: { baseMs: 100, maxMs: 1000, jitter: "full" } } };
      const res = await ctx.lib.createFetch(options)(ctx.url("/v3/catalog/categories"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      const requests = await ctx.requests("/v3/catalog/categories");
      equal(requests.length, 3, "attempts");
      const [first, second] = gapsOf(requests);
      check(first >= 45 && first <= 100 + WAIT_TOLERANCE_MS, `first wait ${first} ms, expected 50–100 ms`);
      check(
        second >= 95 && second <= 200 + WAIT_TOLERANCE_MS,
        `second wait ${second} ms, expected 100–200 ms`,
      );
      equal(
        ctx.lib.retryInfo(res).trace.map((t) => t.source ?? null),
        ["backoff", "backoff", null],
        "sources",
      );
    },
  },
  {
    name: "429 on a POST is retried and the write is accepted once",
    async run(ctx) {
      await ctx.fault(
        "/v3/catalog/products",
        [{ status: 429, headers: { "x-rate-limit-time-reset-ms": "100" } }],
        { method: "POST" },
      );
      const body = JSON.stringify({ name: "Tote", price: 10, type: "physical", weight: 1 });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        method: "POST",
        headers: { ...ctx.auth, "content-type": "application/json" },
        body,
      });
      equal(res.status, 201, "status");
      const requests = await ctx.requests("/v3/catalog/products");
      equal(requests.length, 2, "attempts");
      equal(acceptedWrites(requests, [429, 201]), 1, "writes accepted");
      equal(requests[0].bodyHash, requests[1].bodyHash, "same body");
    },
  },
  {
    name: "500, 500, 200 on a GET ends with the 200",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products/100", [{ status: 500 }, { status: 500 }]);
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products/100"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      equal((await res.json()).data.id, 100, "body");
      equal((await ctx.requests("/v3/catalog/products/100")).length, 3, "attempts");
      equal(
        ctx.lib.retryInfo(res).trace.map((t) => [t.status, t.decision, t.reason]),
        [
          [500, "retry", "server_error"],
          [500, "retry", "server_error"],
          [200, "stop", "final"],
        ],
        "trace",
      );
    },
  },
  {
    name: "500 on a POST is not retried",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 500 }], { method: "POST" });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        method: "POST",
        headers: { ...ctx.auth, "content-type": "application/json" },
        body: "{}",
      });
      equal(res.status, 500, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
      equal(ctx.lib.retryInfo(res).reason, "unsafe_method", "reason");
    },
  },
  {
    name: "501 is never retried",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 501 }], { method: "GET" });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 501, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "507 is never retried",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 507 }], { method: "GET" });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 507, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
      equal(ctx.lib.retryInfo(res), undefined, "no retry history");
    },
  },
  {
    name: "503 maintenance with Retry-After as an HTTP-date",
    async run(ctx) {
      const { until } = await ctx.control("config", { maintenanceForMs: 1200 });
      const res = await ctx.lib.createFetch({ retry: { ...quick, maxRetryAfterMs: 3000 } })(
        ctx.url("/v3/catalog/brands"),
        { headers: ctx.auth },
      );
      equal(res.status, 200, "status");
      const requests = await ctx.requests("/v3/catalog/brands");
      equal(requests.length, 2, "attempts");
      const trace = ctx.lib.retryInfo(res).trace;
      equal(trace[0].source, "retry-after", "source");
      check(Date.now() >= until, "retried only after the maintenance window");
      waited(gapsOf(requests)[0], trace[0].delayMs, "wait");
    },
  },
  {
    name: "a hint beyond maxRetryAfterMs stops at once with the hint",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [
        { status: 429, headers: { "x-rate-limit-time-reset-ms": "15000" } },
      ]);
      const started = Date.now();
      const res = await ctx.lib.createFetch({ retry: { ...quick, maxRetryAfterMs: 2000 } })(
        ctx.url("/v3/catalog/products"),
        { headers: ctx.auth },
      );
      check(Date.now() - started < 1000, "did not wait");
      equal(res.status, 429, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
      const info = ctx.lib.retryInfo(res);
      equal(
        [info.reason, info.hintMs, info.source],
        ["hint_exceeds_max", 15000, "x-rate-limit-time-reset-ms"],
        "stop",
      );
    },
  },
  {
    name: "a hint past totalTimeout stops at once with the hint",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 503, headers: { "x-retry-after": "3" } }]);
      const started = Date.now();
      const res = await ctx.lib.createFetch({
        retry: { ...quick, maxRetryAfterMs: 10000 },
        totalTimeout: 2000,
      })(ctx.url("/v3/catalog/products"), { headers: ctx.auth });
      check(Date.now() - started < 1000, "did not wait");
      equal(res.status, 503, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
      const info = ctx.lib.retryInfo(res);
      equal([info.reason, info.hintMs, info.source], ["hint_past_deadline", 3000, "x-retry-after"], "stop");
    },
  },
  {
    name: "attempt timeout on a hanging route ends in a TimeoutError",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ hang: true }], { repeat: true });
      const error = await rejection(
        ctx.lib.createFetch({ retry: { ...quick, limit: 1 }, timeout: 300 })(
          ctx.url("/v3/catalog/products"),
          { headers: ctx.auth },
        ),
      );
      check(ctx.lib.isTimeoutError(error), `expected a TimeoutError, got ${error}`);
      equal([error.name, error.attempts, error.reason], ["TimeoutError", 2, "retry_limit"], "error fields");
      equal(
        error.trace.map((t) => t.error),
        ["timeout", "timeout"],
        "trace",
      );
      const requests = await ctx.requests("/v3/catalog/products");
      equal(requests.length, 2, "attempts");
      const gap = gapsOf(requests)[0];
      check(gap >= 295 && gap <= 300 + 80 + WAIT_TOLERANCE_MS, `second attempt ${gap} ms after the first`);
    },
  },
  {
    name: "a hanging attempt is retried and the retry succeeds",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ hang: true }]);
      const res = await ctx.lib.createFetch({ retry: quick, timeout: 250 })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      equal(ctx.lib.retryInfo(res).trace[0].error, "timeout", "first attempt timed out");
    },
  },
  {
    name: "connection closed before the response is retried on a GET",
    async run(ctx) {
      await ctx.fault("/v3/catalog/brands", [{ close: "before" }]);
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/brands"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      equal((await ctx.requests("/v3/catalog/brands")).length, 2, "attempts");
      equal(ctx.lib.retryInfo(res).trace[0].error, "network_error", "first attempt");
    },
  },
  {
    name: "connection closed before the response is not retried on a POST",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ close: "before" }], { method: "POST" });
      const error = await rejection(
        ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
          method: "POST",
          headers: { ...ctx.auth, "content-type": "application/json" },
          body: "{}",
        }),
      );
      check(ctx.lib.isNetworkError(error), `expected a NetworkError, got ${error}`);
      equal([error.attempts, error.reason], [1, "unsafe_method"], "error fields");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "the write reached the server once");
    },
  },
  {
    name: "connection closed mid-body: the response is returned and its body read fails",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [
        { status: 200, json: { data: "x".repeat(4000) }, close: "mid-body" },
      ]);
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      const error = await rejection(res.text());
      check(error instanceof Error, "body read fails");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "repeated connection failures end in a NetworkError with the whole trace",
    async run(ctx) {
      await ctx.fault("/v3/catalog/categories", [{ close: "before" }], { repeat: true });
      const error = await rejection(
        ctx.lib.createFetch({ retry: { ...quick, limit: 2 } })(ctx.url("/v3/catalog/categories"), {
          headers: ctx.auth,
        }),
      );
      check(ctx.lib.isNetworkError(error), `expected a NetworkError, got ${error}`);
      equal([error.name, error.attempts, error.reason], ["NetworkError", 3, "retry_limit"], "error fields");
      equal(
        error.trace.map((t) => [t.error, t.decision]),
        [
          ["network_error", "retry"],
          ["network_error", "retry"],
          ["network_error", "stop"],
        ],
        "trace",
      );
      equal((await ctx.requests("/v3/catalog/categories")).length, 3, "attempts");
    },
  },
  {
    name: "abort during a request rejects with the reason",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ hang: true }]);
      const controller = new AbortController();
      const reason = new Error("shopper navigated away");
      const pending = ctx.lib.createFetch({ retry: quick, timeout: false })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(reason), 100);
      const error = await rejection(pending);
      check(error === reason, `expected the abort reason, got ${error}`);
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "abort during a wait rejects at once and sends nothing more",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 503, headers: { "retry-after": "1" } }]);
      const controller = new AbortController();
      const started = Date.now();
      const pending = ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 150);
      const error = await rejection(pending);
      check(Date.now() - started < 800, "rejected before the 1 s wait ended");
      check(error?.name === "AbortError", `expected an AbortError, got ${error}`);
      await sleep(1100);
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "malformed rate-limit headers fall back to backoff",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [
        {
          status: 429,
          headers: { "x-rate-limit-time-reset-ms": "NaN", "x-retry-after": "-5", "retry-after": "1e309" },
        },
        { status: 429, headers: { "x-rate-limit-time-reset-ms": "9".repeat(40), "x-retry-after": "1, 2" } },
      ]);
      const res = await ctx.lib.createFetch({ retry: { ...quick, maxRetryAfterMs: 2000 } })(
        ctx.url("/v3/catalog/products"),
        { headers: ctx.auth },
      );
      const info = ctx.lib.retryInfo(res);
      equal(info.trace[0].source, "backoff", "garbage ignored");
      equal(
        [res.status, info.reason, info.source],
        [429, "hint_exceeds_max", "x-rate-limit-time-reset-ms"],
        "40 digits clamped, over the max",
      );
      check(gapsOf(await ctx.requests("/v3/catalog/products"))[0] >= 9, "no hot loop");
    },
  },
  {
    name: "an HTML error page from a proxy is retried",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [
        { status: 502, html: true },
        { status: 504, html: true },
      ]);
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 200, "status");
      equal(
        ctx.lib.retryInfo(res).trace.map((t) => t.status),
        [502, 504, 200],
        "trace",
      );
    },
  },
  {
    name: "a PUT body is replayed byte for byte on retry",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products/101", [{ status: 503 }], { method: "PUT" });
      const body = JSON.stringify({ price: 42.5, name: "Renamed ✓" });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products/101"), {
        method: "PUT",
        headers: { ...ctx.auth, "content-type": "application/json" },
        body,
      });
      equal(res.status, 200, "status");
      equal((await res.json()).data.price, 42.5, "saved");
      const requests = await ctx.requests("/v3/catalog/products/101");
      equal(requests.length, 2, "attempts");
      equal(requests[0].bodyHash, requests[1].bodyHash, "same body");
      check(requests[1].bodyLength > 0, "body not empty");
    },
  },
  {
    name: "a Request object's body is replayed on retry",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products/102", [{ status: 502 }], { method: "PUT" });
      const request = new Request(ctx.url("/v3/catalog/products/102"), {
        method: "PUT",
        headers: { ...ctx.auth, "content-type": "application/json" },
        body: JSON.stringify({ price: 7 }),
      });
      const res = await ctx.lib.createFetch({ retry: quick })(request);
      equal(res.status, 200, "status");
      const requests = await ctx.requests("/v3/catalog/products/102");
      equal(requests.length, 2, "attempts");
      equal(requests[0].bodyHash, requests[1].bodyHash, "same body");
    },
  },
  {
    name: "a POST with an Idempotency-Key is retried after a 503 with the same key",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 503 }], { method: "POST" });
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        method: "POST",
        headers: { ...ctx.auth, "content-type": "application/json", "Idempotency-Key": "order-7731" },
        body: JSON.stringify({ name: "Mug", price: 9, type: "physical", weight: 1 }),
      });
      equal(res.status, 201, "status");
      const requests = await ctx.requests("/v3/catalog/products");
      equal(
        requests.map((r) => r.idempotencyKey),
        ["order-7731", "order-7731"],
        "keys",
      );
    },
  },
  {
    name: "a GraphQL query (a POST) is retried after a 503 without any mark",
    async run(ctx) {
      await ctx.control("faults", { path: "/graphql", steps: [{ status: 503 }] });
      const res = await ctx.graphql("query { site { products(first: 2) { edges { node { entityId } } } } }");
      equal(res.status, 200, "status");
      equal((await res.json()).data.site.products.edges.length, 2, "data");
      equal((await ctx.graphqlRequests()).length, 2, "attempts");
    },
  },
  {
    name: "a GraphQL mutation is not retried after a 500",
    async run(ctx) {
      await ctx.control("faults", { path: "/graphql", steps: [{ status: 500 }] });
      const res = await ctx.graphql(
        "mutation { cart { addCartLineItems(input: {}) { cart { entityId } } } }",
      );
      equal(res.status, 500, "status");
      equal((await ctx.graphqlRequests()).length, 1, "the mutation reached the server once");
    },
  },
  {
    name: "the real rate limiter: over quota waits the longer of reset and X-Retry-After",
    async run(ctx) {
      await ctx.control("config", { quota: 1, windowMs: 400 });
      const commerceFetch = ctx.lib.createFetch({ retry: quick });
      const first = await commerceFetch(ctx.url("/v3/catalog/brands"), { headers: ctx.auth });
      await first.text();
      const second = await commerceFetch(ctx.url("/v3/catalog/brands"), { headers: ctx.auth });
      equal(second.status, 200, "status");
      const trace = ctx.lib.retryInfo(second).trace;
      equal(
        [trace[0].status, trace[0].source, trace[0].delayMs],
        [429, "x-retry-after", 1000],
        "waited X-Retry-After",
      );
      waited(gapsOf(await ctx.requests("/v3/catalog/brands"))[1], 1000, "wait");
    },
  },
  {
    name: "a concurrency-limit 429 without headers is retried with backoff",
    async run(ctx) {
      const commerceFetch = ctx.lib.createFetch({ retry: { ...quick, limit: 4 } });
      const put = () =>
        commerceFetch(ctx.url("/v3/pricelists/1/records"), {
          method: "PUT",
          headers: { ...ctx.auth, "content-type": "application/json" },
          body: "[]",
        });
      const results = await Promise.all([put(), put()]);
      equal(
        results.map((r) => r.status),
        [200, 200],
        "both succeed",
      );
      const limited = results.map((r) => ctx.lib.retryInfo(r)).find(Boolean);
      check(limited, "one of them was limited");
      equal([limited.trace[0].status, limited.trace[0].source], [429, "backoff"], "no hint: backoff");
    },
  },
  {
    name: "a 207 partial batch is final and keeps both data and errors",
    async run(ctx) {
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        method: "PUT",
        headers: { ...ctx.auth, "content-type": "application/json" },
        body: JSON.stringify([
          { id: 103, price: 3 },
          { id: 104, price: -3 },
        ]),
      });
      equal(res.status, 207, "status");
      const body = await res.json();
      equal([body.data.length, Object.keys(body.errors.errors)], [1, ["104"]], "partial result");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "a 422 with field errors is not retried",
    async run(ctx) {
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        method: "POST",
        headers: { ...ctx.auth, "content-type": "application/json", "Idempotency-Key": "k" },
        body: JSON.stringify({ name: "No price" }),
      });
      equal(res.status, 422, "status");
      equal(Object.keys((await res.json()).errors), ["price", "type", "weight"], "field errors");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "a plain-text 401 is not retried",
    async run(ctx) {
      const res = await ctx.lib.createFetch({ retry: quick })(ctx.url("/v3/catalog/products"), {
        headers: { "x-auth-token": "wrong" },
      });
      equal([res.status, await res.text()], [401, "Unauthorized"], "answer");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
    },
  },
  {
    name: "retry: 0 turns retries off",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 503 }]);
      const res = await ctx.lib.createFetch({ retry: 0 })(ctx.url("/v3/catalog/products"), {
        headers: ctx.auth,
      });
      equal(res.status, 503, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "attempts");
      equal(ctx.lib.retryInfo(res).reason, "retry_limit", "reason");
    },
  },
  {
    name: "a 503 that never ends stops at the retry limit with the last response",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 503 }], { repeat: true });
      const res = await ctx.lib.createFetch({ retry: { ...quick, limit: 3 } })(
        ctx.url("/v3/catalog/products"),
        { headers: ctx.auth },
      );
      equal(res.status, 503, "status");
      equal((await ctx.requests("/v3/catalog/products")).length, 4, "attempts");
      equal(ctx.lib.retryInfo(res).reason, "retry_limit", "reason");
    },
  },
  {
    name: "a degraded price list (503 envelope) is retried, then returned",
    async run(ctx) {
      await ctx.control("config", { priceListDegraded: true });
      const res = await ctx.lib.createFetch({ retry: { ...quick, limit: 1 } })(
        ctx.url("/v3/pricelists/1/records"),
        {
          method: "PUT",
          headers: { ...ctx.auth, "content-type": "application/json" },
          body: "[]",
        },
      );
      equal(res.status, 503, "status");
      equal((await res.json()).error.code, "SERVICE_DEGRADED", "envelope");
      equal((await ctx.requests("/v3/pricelists/1/records")).length, 2, "attempts");
    },
  },
  {
    name: "totalTimeout bounds a call whose server keeps failing",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ status: 500 }], { repeat: true });
      const started = Date.now();
      const res = await ctx.lib.createFetch({
        retry: { limit: 50, backoff: { baseMs: 200, maxMs: 200, jitter: "none" } },
        totalTimeout: 900,
      })(ctx.url("/v3/catalog/products"), { headers: ctx.auth });
      const took = Date.now() - started;
      check(took < 900 + WAIT_TOLERANCE_MS, `took ${took} ms`);
      equal([res.status, ctx.lib.retryInfo(res).reason], [500, "deadline"], "stopped at the deadline");
    },
  },
  {
    name: "304 for an unchanged resource and 204 for an empty list are final",
    async run(ctx) {
      const commerceFetch = ctx.lib.createFetch({ retry: quick });
      const first = await commerceFetch(ctx.url("/v3/catalog/products/105"), { headers: ctx.auth });
      const modified = first.headers.get("last-modified");
      await first.text();
      check(modified, "Last-Modified is readable");
      const cached = await commerceFetch(ctx.url("/v3/catalog/products/105"), {
        headers: { ...ctx.auth, "if-modified-since": modified },
      });
      equal(cached.status, 304, "304");
      const empty = await commerceFetch(ctx.url("/v2/orders/7/shipments"), { headers: ctx.auth });
      equal(empty.status, 204, "204");
      equal((await ctx.requests("/v3/catalog/products/105")).length, 2, "no retries");
    },
  },
  {
    name: "a redirect to another origin never carries X-Auth-Token",
    async run(ctx) {
      // 127.0.0.1 and localhost are two origins of the same emulator.
      const home = new URL(ctx.url("/v3/catalog/products"));
      const other = new URL(home);
      other.hostname = home.hostname === "localhost" ? "127.0.0.1" : "localhost";
      other.search = "?moved=1";
      await ctx.fault("/v3/catalog/products", [{ status: 302, headers: { location: other.href } }]);
      const outcome = await ctx.lib
        .createFetch({ retry: quick })(home.href, { headers: ctx.auth })
        .catch((error) => error);
      const requests = await ctx.requests("/v3/catalog/products");
      const elsewhere = requests.filter((r) => r.host === other.host);
      for (const request of elsewhere) {
        equal(request.credentials, [], "credential headers that reached the other origin");
      }
      equal(requests[0].credentials, ["x-auth-token"], "credentials sent to the origin asked");
      if (isBrowser()) {
        // A browser hides where a redirect leads: a request with credentials is not redirected.
        check(ctx.lib.isRedirectError(outcome), `expected a RedirectError, got ${outcome}`);
        equal(outcome.reason, "redirect_hidden", "reason");
        equal(elsewhere.length, 0, "requests to the other origin");
      } else {
        // Followed without the token: the other origin answers 401, which is not retried.
        check(!(outcome instanceof Error), `expected a response, got ${outcome}`);
        equal(outcome.status, 401, "status at the other origin");
        equal(outcome.redirected, true, "redirected");
        equal(elsewhere.length, 1, "requests to the other origin");
      }
    },
  },
  {
    name: "messages and traces carry no credentials",
    async run(ctx) {
      await ctx.fault("/v3/catalog/products", [{ close: "before" }], { repeat: true });
      const secret = "tok_live_9f8e7d6c5b4a";
      const error = await rejection(
        ctx.lib.createFetch({ retry: { ...quick, limit: 1 } })(
          `${ctx.url("/v3/catalog/products")}?access_token=${secret}`,
          {
            headers: { "x-auth-token": secret, authorization: `Bearer ${secret}` },
          },
        ),
      );
      check(ctx.lib.isNetworkError(error), `expected a NetworkError, got ${error}`);
      // The whole error as a logger would print it: message, stack, trace and the cause chain (Deno's
      // own connection error quotes the URL, query and all).
      const visible = everything(error);
      check(!visible.includes(secret), `credential leaked: ${visible}`);
      // An invalid header value: several runtimes quote it in their TypeError.
      const invalid = await rejection(
        ctx.lib.createFetch()(ctx.url("/v3/catalog/products"), {
          headers: { "x-auth-token": `${secret}\nX` },
        }),
      );
      check(invalid instanceof TypeError, `expected fetch's TypeError, got ${invalid}`);
      check(!everything(invalid).includes(secret), `credential leaked: ${everything(invalid)}`);
    },
  },
];

/** Whether the scenarios run in a browser page (whose fetch hides where a redirect leads). */
function isBrowser() {
  return typeof document === "object" && document !== null;
}

/** Every string an error holds, down its cause chain: what a logger could print. */
function everything(error, depth = 0) {
  if (error === null || typeof error !== "object" || depth > 4) return String(error);
  const parts = [String(error), String(error.stack)];
  for (const key of Object.getOwnPropertyNames(error)) {
    const value = error[key];
    parts.push(key === "cause" || typeof value === "object" ? everything(value, depth + 1) : String(value));
  }
  return parts.join("\n");
}

/** No token in what a client call gave back: its message, fields, cause chain and JSON. */
function noTokens(ctx, value, what) {
  const visible = `${everything(value)}\n${JSON.stringify(value) ?? ""}`;
  for (const token of [ctx.tokens.access, ctx.tokens.storefront]) {
    check(!visible.includes(token), `${what}: a token leaked: ${visible.slice(0, 300)}`);
  }
}

// createClient, in every runtime: what the server saw, and what the caller got.
scenarios.push(
  {
    name: "client: a v3 422 throws an ApiError with its field errors, sent once",
    async run(ctx) {
      const error = await rejection(ctx.client().post("/v3/catalog/products", { json: { name: "Tee" } }));
      equal(error.name, "ApiError", "error");
      equal(
        [error.status, error.problem.shape, error.problem.title],
        [422, "v3", "Missing Required Fields"],
        "problem",
      );
      check(error.fieldErrors.length >= 1 && typeof error.fieldErrors[0].field === "string", "fieldErrors");
      equal((await ctx.requests("/v3/catalog/products")).length, 1, "requests");
      noTokens(ctx, error, "ApiError");
    },
  },
  {
    name: "client: a GET answered 503 then 200 gives the data",
    async run(ctx) {
      await ctx.fault("/v3/catalog/brands", [{ status: 503 }]);
      const brands = await ctx.client().get("/v3/catalog/brands");
      check(Array.isArray(brands) && brands.length > 0, `brands: ${JSON.stringify(brands)}`);
      equal((await ctx.requests("/v3/catalog/brands")).length, 2, "requests");
    },
  },
  {
    name: "client: a 207 batch gives a PartialResult, and the write is sent once",
    async run(ctx) {
      const client = ctx.client();
      const [first, second] = await client.get("/v3/catalog/products", { query: { limit: 2 } });
      const result = await client.put("/v3/catalog/products", {
        json: [
          { id: first.id, price: 12 },
          { id: second.id, price: -1 },
        ],
      });
      check(ctx.lib.isPartialResult(result), "a PartialResult");
      equal(
        result.data.map((p) => p.id),
        [first.id],
        "data",
      );
      equal(
        result.failures.map((f) => f.key),
        [String(second.id)],
        "failures",
      );
      const puts = (await ctx.requests("/v3/catalog/products")).filter((r) => r.method === "PUT");
      equal(puts.length, 1, "PUT requests");
    },
  },
  {
    name: "client: a GraphQL query over the complexity limit throws with cost and limit, not retried",
    async run(ctx) {
      const query =
        "query { site { products(first: 50) { edges { node { variants(first: 50) { edges { node { entityId } } } } } } } }";
      const error = await rejection(ctx.client().graphql(query));
      equal(
        [error.name, error.kind, error.complexity?.limit],
        ["GraphQLError", "complexity", 10000],
        "error",
      );
      check(error.complexity.cost > 10000, `cost ${error.complexity.cost}`);
      equal((await ctx.graphqlRequests()).length, 1, "requests");
      noTokens(ctx, error, "GraphQLError");
    },
  },
  {
    name: "client: paginate reads every page of a cursor listing, once each",
    async run(ctx) {
      const ids = [];
      for await (const field of ctx
        .client()
        .paginate("/v3/catalog/products/metafields", { query: { limit: 10 } })) {
        ids.push(field.id);
      }
      equal([ids.length, new Set(ids).size], [32, 32], "items");
      equal((await ctx.requests("/v3/catalog/products/metafields")).length, 4, "requests");
    },
  },
  {
    name: "client: waitForJob follows a theme job to COMPLETED, telling its progress",
    async run(ctx) {
      const client = ctx.client();
      const form = new FormData();
      form.append("file", new Blob(["theme"]), "theme.zip");
      const { job_id: job } = await client.post("/v3/themes", { body: form });
      const progress = [];
      const done = await client.waitForJob(`/v3/themes/jobs/${job}`, {
        onProgress: (p) => progress.push(p.percent),
      });
      equal(done.status, "COMPLETED", "status");
      equal(progress, [0, 30, 70, 100], "progress");
    },
  },
  {
    name: "client: the price-list 503 envelope gives its code and retry-after",
    async run(ctx) {
      await ctx.control("config", { priceListDegraded: true });
      const error = await rejection(
        ctx.client({ retry: false }).put("/v3/pricelists/1/records", { json: [] }),
      );
      equal(
        [error.status, error.problem.shape, error.problem.code],
        [503, "envelope", "SERVICE_DEGRADED"],
        "problem",
      );
      equal(error.problem.retryAfterMs, 30000, "retryAfterMs");
    },
  },
  {
    name: "client: cache revalidate asks with If-Modified-Since and a 304 gives the kept data",
    async run(ctx) {
      const statuses = [];
      const recording = (input, init) =>
        fetch(input, init).then((res) => {
          statuses.push(res.status);
          return res;
        });
      const client = ctx.client({ cache: "revalidate", fetch: recording });
      const [product] = await ctx.client().get("/v3/catalog/products", { query: { limit: 1 } });
      const first = await client.get(`/v3/catalog/products/${product.id}`);
      const again = await client.get(`/v3/catalog/products/${product.id}`);
      equal(again, first, "kept data");
      equal(statuses, [200, 304], "statuses");
    },
  },
  {
    name: "client: shouldRetry can veto a retry and allow an unmarked POST",
    async run(ctx) {
      await ctx.fault("/v3/catalog/brands", [{ status: 503 }]);
      const vetoed = await rejection(ctx.client({ shouldRetry: () => false }).get("/v3/catalog/brands"));
      equal([vetoed.status, vetoed.reason, vetoed.attempts], [503, "vetoed", 1], "vetoed");
      await ctx.fault("/v3/catalog/brands", [{ status: 503 }], { method: "POST" });
      const allowed = await ctx
        .client({ shouldRetry: ({ method }) => method === "POST" })
        .post("/v3/catalog/brands", { json: { name: "Allowed" } });
      equal(allowed.name, "Allowed", "created");
      const posts = (await ctx.requests("/v3/catalog/brands")).filter((r) => r.method === "POST");
      equal(posts.length, 2, "POSTs sent");
    },
  },
  {
    name: "createFetch throwHttpErrors, baseUrl and headers: an ApiError instead of a 422 response",
    async run(ctx) {
      const api = ctx.lib.createFetch({
        baseUrl: ctx.url(""),
        headers: ctx.auth,
        throwHttpErrors: true,
        retry: false,
      });
      const ok = await api("/v3/catalog/brands");
      equal(ok.status, 200, "status");
      const error = await rejection(
        api("/v3/catalog/products", {
          method: "POST",
          body: "{}",
          headers: { "content-type": "application/json" },
        }),
      );
      equal([error.name, error.status, error.problem.shape], ["ApiError", 422, "v3"], "error");
      noTokens(ctx, error, "ApiError");
    },
  },
  // protect: each scenario uses settings of its own (a different `concurrency`), so that it gets a store
  // guard of its own: guards are shared by every client with the same settings.
  {
    name: "protect: pacing keeps a burst of 40 under a quota of 10 without a 429",
    async run(ctx) {
      await ctx.control("config", { quota: 10, windowMs: 500 });
      const statuses = [];
      const api = ctx.lib.createFetch({
        protect: { concurrency: 20 },
        retry: false,
        timeout: false,
        totalTimeout: false,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          statuses.push(res.status);
          return res;
        },
      });
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 40 }, () => api(ctx.url("/v3/catalog/brands"), { headers: ctx.auth })),
      );
      const ms = Date.now() - started;
      equal(results.filter((r) => r.status !== 200).length, 0, "calls not answered 200");
      equal(statuses.filter((s) => s === 429).length, 0, "429s");
      equal((await ctx.requests("/v3/catalog/brands")).length, 40, "requests seen");
      // 40 on 10 a window: the fourth window's 10 go when it opens, 1.5 s in.
      check(ms >= 1_400 && ms < 3_000, `took ${ms} ms`);
      const [stats] = Object.values(api.stats());
      check(stats.waits > 0 && stats.pacing.quota === 10, `stats: ${JSON.stringify(stats)}`);
    },
  },
  {
    name: "protect: the retry budget stops retries in an outage",
    async run(ctx) {
      await ctx.fault("/v3/catalog/variants", [{ status: 503 }], { repeat: true });
      const api = ctx.lib.createFetch({
        protect: { concurrency: 21, pacing: false, breaker: false },
        retry: { limit: 2, backoff: { baseMs: 1, maxMs: 2 } },
      });
      let last;
      for (let i = 0; i < 40; i += 1)
        last = await api(ctx.url("/v3/catalog/variants"), { headers: ctx.auth });
      // 500 tokens pay for 50 retries at 10: the first 25 calls retry twice, the other 15 not at all.
      equal((await ctx.requests("/v3/catalog/variants")).length, 90, "requests seen");
      equal(ctx.lib.retryInfo(last).reason, "retry_budget", "last call's reason");
    },
  },
  {
    name: "protect: the consecutive breaker fails calls at once after 5 server errors",
    async run(ctx) {
      await ctx.fault("/v3/catalog/summary", [{ status: 500 }], { repeat: true });
      const api = ctx.lib.createFetch({
        protect: { concurrency: 22, breaker: "consecutive", pacing: false, budget: false },
        retry: false,
      });
      for (let i = 0; i < 5; i += 1) {
        equal((await api(ctx.url("/v3/catalog/summary"), { headers: ctx.auth })).status, 500, "status");
      }
      const error = await rejection(api(ctx.url("/v3/catalog/summary"), { headers: ctx.auth }));
      equal([error.name, error.reason], ["CircuitOpenError", "circuit_open"], "error");
      check(ctx.lib.isCircuitOpenError(error), "isCircuitOpenError");
      check(error.retryAt > Date.now(), `retryAt ${error.retryAt}`);
      equal((await ctx.requests("/v3/catalog/summary")).length, 5, "requests seen");
    },
  },
  {
    name: "protect: PUT /v3/customers waits for one of its 3 slots instead of meeting a 429",
    async run(ctx) {
      const api = ctx.lib.createFetch({ protect: { concurrency: 23, pacing: false }, retry: false });
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          api(ctx.url("/v3/customers"), {
            method: "PUT",
            headers: { ...ctx.auth, "content-type": "application/json" },
            body: "[]",
          }),
        ),
      );
      equal(
        results.map((r) => r.status),
        Array(8).fill(200),
        "statuses (the emulator answers 429 past 3 at once)",
      );
      const [stats] = Object.values(api.stats());
      check(stats.waits >= 5, `waits: ${stats.waits}`);
    },
  },
);

/** Runs every scenario (or those whose names include `only`), each after a reset of the emulator. */
export async function runScenarios(lib, emulator, { only } = {}) {
  const ctx = makeContext(lib, emulator);
  const results = [];
  for (const scenario of scenarios) {
    if (only && !scenario.name.includes(only)) continue;
    const started = Date.now();
    let timer;
    try {
      await ctx.control("reset");
      const limit = new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new ScenarioFailure(`no result within ${SCENARIO_LIMIT_MS} ms`)),
          SCENARIO_LIMIT_MS,
        );
      });
      await Promise.race([scenario.run(ctx), limit]);
      results.push({ name: scenario.name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({
        name: scenario.name,
        ok: false,
        ms: Date.now() - started,
        error: String(error?.message ?? error),
      });
    } finally {
      clearTimeout(timer);
    }
  }
  return results;
}
