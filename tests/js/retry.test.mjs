// createFetch against a real loopback server: attempts counted by the server, waits measured there.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  createFetch,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  retryInfo,
  TimeoutError,
} from "../../pkg/dist/node.js";
import { gaps, startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

/** Short backoff so that tests run in milliseconds; the waits under test come from the server. */
const quick = { backoff: { baseMs: 1, maxMs: 4 } };
const TOLERANCE_MS = 40;

test("a 429 waits X-Rate-Limit-Time-Reset-Ms, then succeeds", async () => {
  server.route(
    "/reset",
    { status: 429, headers: { "x-rate-limit-time-reset-ms": "150" } },
    { status: 200, body: "ok" },
  );
  const events = [];
  const res = await createFetch({ retry: quick, onRetry: (e) => events.push(e) })(server.url("/reset"));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "ok");
  assert.equal(server.received("/reset").length, 2);
  const [gap] = gaps(server.received("/reset"));
  assert.ok(gap >= 150 && gap < 150 + TOLERANCE_MS * 3, `waited ${gap} ms`);
  assert.deepEqual(events, [
    { attempt: 1, delayMs: 150, reason: "rate_limited", status: 429, source: "x-rate-limit-time-reset-ms" },
  ]);
});

test("a 429 with reset-ms and X-Retry-After waits the longer", async () => {
  server.route(
    "/both",
    { status: 429, headers: { "x-rate-limit-time-reset-ms": "20", "x-retry-after": "1" } },
    { status: 200 },
  );
  const events = [];
  await createFetch({ retry: quick, onRetry: (e) => events.push(e) })(server.url("/both"));
  assert.equal(events[0].delayMs, 1000);
  assert.equal(events[0].source, "x-retry-after");
  assert.ok(gaps(server.received("/both"))[0] >= 1000);
});

test("500, 500, 200 ends with the 200 after three attempts and records the history", async () => {
  server.route("/flaky", { status: 500 }, { status: 500 }, { status: 200, body: "fine" });
  const res = await createFetch({ retry: quick })(server.url("/flaky"));
  assert.equal(res.status, 200);
  assert.equal(server.received("/flaky").length, 3);
  const info = retryInfo(res);
  assert.equal(info.attempts, 3);
  assert.deepEqual(
    info.trace.map((t) => [t.attempt, t.status, t.decision, t.reason, t.source]),
    [
      [1, 500, "retry", "server_error", "backoff"],
      [2, 500, "retry", "server_error", "backoff"],
      [3, 200, "stop", "final", undefined],
    ],
  );
});

test("a response that needed no retry has no history", async () => {
  server.route("/plain", { status: 200 });
  const res = await createFetch()(server.url("/plain"));
  assert.equal(retryInfo(res), undefined);
});

test("a POST is not retried after a 500 and the write reaches the server once", async () => {
  server.route("/orders", { status: 500 }, { status: 201 });
  const res = await createFetch({ retry: quick })(server.url("/orders"), { method: "POST", body: "{}" });
  assert.equal(res.status, 500);
  assert.equal(server.received("/orders").length, 1);
  assert.equal(retryInfo(res).reason, "unsafe_method");
});

test("a POST is retried after a 429, which BigCommerce sends before doing anything", async () => {
  server.route("/carts", { status: 429, headers: { "x-rate-limit-time-reset-ms": "5" } }, { status: 201 });
  const res = await createFetch({ retry: quick })(server.url("/carts"), { method: "POST", body: '{"a":1}' });
  assert.equal(res.status, 201);
  const received = server.received("/carts");
  assert.equal(received.length, 2);
  assert.equal(received[1].body, '{"a":1}');
});

test("a POST with an Idempotency-Key header or idempotent: true is retried after a 503", async () => {
  for (const init of [
    { headers: { "Idempotency-Key": "k-1" } },
    { headers: [["idempotency-key", "k-2"]] },
    { headers: new Headers({ "IDEMPOTENCY-KEY": "k-3" }) },
    { idempotent: true },
  ]) {
    server.route("/marked", { status: 503 }, { status: 201 });
    const before = server.received("/marked").length;
    const res = await createFetch({ retry: quick })(server.url("/marked"), {
      method: "POST",
      body: "x",
      ...init,
    });
    assert.equal(res.status, 201, JSON.stringify(init));
    assert.equal(server.received("/marked").length - before, 2);
  }
});

test("501 and 507 are never retried", async () => {
  for (const status of [501, 507, 404, 422]) {
    server.route(`/never-${status}`, { status });
    const res = await createFetch({ retry: quick })(server.url(`/never-${status}`));
    assert.equal(res.status, status);
    assert.equal(server.received(`/never-${status}`).length, 1);
  }
});

test("a hint beyond maxRetryAfterMs stops at once and reports the hint", async () => {
  server.route("/long", { status: 429, headers: { "x-rate-limit-time-reset-ms": "15000" } });
  const res = await createFetch({ retry: { ...quick, maxRetryAfterMs: 1000 } })(server.url("/long"));
  assert.equal(res.status, 429);
  assert.equal(server.received("/long").length, 1);
  const info = retryInfo(res);
  assert.equal(info.reason, "hint_exceeds_max");
  assert.equal(info.hintMs, 15000);
  assert.equal(info.source, "x-rate-limit-time-reset-ms");
});

test("a hint that would end past totalTimeout stops at once", async () => {
  server.route("/deadline", { status: 503, headers: { "retry-after": "2" } });
  const started = performance.now();
  const res = await createFetch({ retry: { ...quick, maxRetryAfterMs: 5000 }, totalTimeout: 1000 })(
    server.url("/deadline"),
  );
  assert.ok(performance.now() - started < 500, "did not wait for the hint");
  assert.equal(retryInfo(res).reason, "hint_past_deadline");
  assert.equal(retryInfo(res).hintMs, 2000);
});

test("retry: 0 turns retries off", async () => {
  server.route("/off", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: 0 })(server.url("/off"));
  assert.equal(res.status, 503);
  assert.equal(server.received("/off").length, 1);
});

test("a refused connection rejects with a NetworkError carrying attempts, trace and cause", async () => {
  const closed = await startServer();
  const url = closed.url("/gone");
  await closed.close();
  const error = await createFetch({ retry: { ...quick, limit: 2 } })(url).catch((e) => e);
  assert.ok(error instanceof NetworkError && error instanceof Error);
  assert.ok(isNetworkError(error) && !isTimeoutError(error));
  assert.equal(error.name, "NetworkError");
  assert.equal(error.attempts, 3);
  assert.equal(error.reason, "retry_limit");
  assert.deepEqual(
    error.trace.map((t) => [t.error, t.decision]),
    [
      ["network_error", "retry"],
      ["network_error", "retry"],
      ["network_error", "stop"],
    ],
  );
  assert.equal(error.cause.name, "TypeError");
});

test("a connection closed before the response is retried", async () => {
  server.route("/reset-conn", { destroy: true }, { status: 200, body: "second" });
  const res = await createFetch({ retry: quick })(server.url("/reset-conn"));
  assert.equal(await res.text(), "second");
  assert.equal(server.received("/reset-conn").length, 2);
});

test("a hanging attempt times out and is retried; the last timeout rejects with a TimeoutError", async () => {
  server.route("/slow", { hang: true }, { status: 200, body: "late" });
  const res = await createFetch({ retry: quick, timeout: 100 })(server.url("/slow"));
  assert.equal(await res.text(), "late");
  assert.equal(retryInfo(res).trace[0].error, "timeout");

  server.route("/hang", { hang: true });
  const started = performance.now();
  const error = await createFetch({ retry: { ...quick, limit: 1 }, timeout: 100 })(server.url("/hang")).catch(
    (e) => e,
  );
  const took = performance.now() - started;
  assert.ok(error instanceof TimeoutError, String(error));
  assert.equal(error.attempts, 2);
  assert.ok(took >= 200 && took < 200 + TOLERANCE_MS * 5, `took ${took} ms`);
});

test("totalTimeout bounds the whole call, waits included", async () => {
  server.route("/always-busy", { status: 503 });
  const started = performance.now();
  const res = await createFetch({
    retry: { limit: 50, backoff: { baseMs: 100, maxMs: 100, jitter: "none" } },
    totalTimeout: 500,
  })(server.url("/always-busy"));
  const took = performance.now() - started;
  assert.equal(res.status, 503);
  assert.ok(took < 500 + TOLERANCE_MS * 2, `took ${took} ms`);
  assert.equal(retryInfo(res).reason, "deadline");
});

test("messages and traces never carry credentials", async () => {
  const secret = "s3cr3t-token-value";
  const closed = await startServer();
  const url = `${closed.url("/login/token/")}${secret}?access_token=${secret}`;
  await closed.close();
  const error = await createFetch({ retry: quick })(url, {
    headers: { "X-Auth-Token": secret, Authorization: `Bearer ${secret}`, Cookie: `s=${secret}` },
  }).catch((e) => e);
  assert.ok(isNetworkError(error));
  const visible = JSON.stringify({ message: error.message, trace: error.trace, stack: error.stack });
  assert.ok(!visible.includes(secret), visible);
});

test("onRetry throwing rejects the call with that error", async () => {
  server.route("/hook", { status: 503 }, { status: 200 });
  const boom = new Error("from onRetry");
  const error = await createFetch({
    retry: quick,
    onRetry: () => {
      throw boom;
    },
  })(server.url("/hook")).catch((e) => e);
  assert.equal(error, boom);
});

test("a custom fetch is used for every attempt", async () => {
  let calls = 0;
  const fake = async () => {
    calls += 1;
    return new Response(null, { status: calls < 2 ? 502 : 204 });
  };
  const res = await createFetch({ fetch: fake, retry: quick })("https://example.invalid/x");
  assert.equal(res.status, 204);
  assert.equal(calls, 2);
});

test("a GraphQL query POSTed to /graphql is retried without a mark; a mutation is not", async () => {
  const post = (path, query) =>
    createFetch({ retry: quick })(server.url(path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { id: 1 } }),
    });
  server.route("/graphql", { status: 503 }, { status: 200, body: '{"data":{}}' });
  assert.equal(
    (await post("/graphql", "query Product($id: Int!) { site { product(entityId: $id) { name } } }")).status,
    200,
  );
  assert.equal(server.received("/graphql").length, 2);

  server.route("/store/graphql", { status: 503 }, { status: 200 });
  const mutation = await post(
    "/store/graphql",
    "mutation { cart { deleteCart(input: {}) { deletedCartEntityId } } }",
  );
  assert.equal(mutation.status, 503);
  assert.equal(server.received("/store/graphql").length, 1);
  assert.equal(retryInfo(mutation).reason, "unsafe_method");

  server.route("/search", { status: 503 }, { status: 200 });
  assert.equal(
    (await post("/search", "query { a }")).status,
    503,
    "only /graphql endpoints are read as GraphQL",
  );
});

test("a method given as a String object is read as fetch reads it: a POST is sent once", async () => {
  server.route("/string-method", { status: 503 }, { status: 200 });
  const res = await createFetch({ retry: quick })(server.url("/string-method"), {
    method: new String("POST"),
    body: '{"price":10}',
  });
  assert.equal(res.status, 503);
  assert.deepEqual(
    server.received("/string-method").map((r) => r.method),
    ["POST"],
  );
  assert.equal(retryInfo(res).reason, "unsafe_method");
});

test("a method object that answers differently each time is read once, and that is what is sent", async () => {
  server.route("/shifty", { status: 500 }, { status: 200 });
  let reads = 0;
  const method = {
    toString() {
      reads += 1;
      return reads === 1 ? "POST" : "GET";
    },
  };
  const res = await createFetch({ retry: quick })(server.url("/shifty"), { method, body: "x" });
  assert.equal(res.status, 500);
  assert.equal(reads, 1);
  assert.deepEqual(
    server.received("/shifty").map((r) => r.method),
    ["POST"],
  );
});

test("a failed POST's error names POST, whatever form its method came in", async () => {
  const closed = await startServer();
  const url = closed.url("/gone");
  await closed.close();
  const error = await createFetch({ retry: quick })(url, { method: new String("post"), body: "x" }).catch(
    (e) => e,
  );
  assert.ok(isNetworkError(error), String(error));
  assert.match(error.message, /^post failed/i);
  assert.equal(error.attempts, 1);
});

test("a TypeError from the caller's own fetch wrapper is passed on unchanged and not retried", async () => {
  let calls = 0;
  const bug = new TypeError("Cannot read properties of undefined (reading 'headers')");
  const wrapper = async () => {
    calls += 1;
    throw bug;
  };
  const error = await createFetch({ fetch: wrapper, retry: quick })("https://example.invalid/x").catch(
    (e) => e,
  );
  assert.equal(error, bug);
  assert.equal(calls, 1);
});

test("a 50 MB error message is handled in milliseconds, and the cause keeps only a short, clean copy", async () => {
  const huge = `fetch failed ${"x".repeat(50 * 1024 * 1024)}`;
  let calls = 0;
  const failing = async () => {
    calls += 1;
    throw new TypeError("Failed to fetch", { cause: new Error(`${huge}?access_token=SECRET`) });
  };
  const started = performance.now();
  const error = await createFetch({ fetch: failing, retry: { limit: 1, backoff: { baseMs: 0, maxMs: 0 } } })(
    "https://example.invalid/x",
  ).catch((e) => e);
  const took = performance.now() - started;
  assert.ok(isNetworkError(error), String(error));
  assert.equal(calls, 2);
  assert.ok(took < 500, `took ${took} ms`);
  assert.ok(error.cause.cause.message.length <= 1000);
  assert.ok(!error.cause.cause.message.includes("SECRET"));
});

test("a 10 MB option string makes a short error message, at once", () => {
  const started = performance.now();
  assert.throws(
    () => createFetch({ preset: "x".repeat(10 * 1024 * 1024) }),
    (error) => error instanceof TypeError && error.message.length < 200,
  );
  assert.throws(
    () => createFetch({ retry: { methods: ["GET", "Y".repeat(10 * 1024 * 1024)] } }),
    (error) =>
      error instanceof TypeError && error.message.length < 300 && /retry\.methods/.test(error.message),
  );
  assert.ok(performance.now() - started < 500);
});

test("Retry-After in the RFC 850 form reads its two-digit year against today's date", async () => {
  // Forty-nine years ahead: a two-digit year that a fixed 1970 cutoff would read as the past century.
  const future = new Date();
  future.setUTCFullYear(future.getUTCFullYear() + 49);
  const [weekday, day, month, , time] = future.toUTCString().replace(",", "").split(" ");
  const names = {
    Sun: "Sunday",
    Mon: "Monday",
    Tue: "Tuesday",
    Wed: "Wednesday",
    Thu: "Thursday",
    Fri: "Friday",
    Sat: "Saturday",
  };
  const rfc850 = `${names[weekday]}, ${day}-${month}-${String(future.getUTCFullYear() % 100).padStart(2, "0")} ${time} GMT`;
  server.route("/rfc850", { status: 503, headers: { "retry-after": rfc850 } }, { status: 200 });
  const res = await createFetch({ retry: quick })(server.url("/rfc850"));
  assert.equal(res.status, 503, `${rfc850} is 49 years away, beyond maxRetryAfterMs`);
  const info = retryInfo(res);
  assert.equal(info.reason, "hint_exceeds_max");
  assert.equal(info.source, "retry-after");
  assert.equal(server.received("/rfc850").length, 1);
});

test("an invalid request's TypeError loses the URL's query and password and the header value it quotes", async () => {
  const secret = "SECRET-0123";
  const everything = (error) =>
    JSON.stringify([
      error.message,
      error.stack,
      error.cause?.message,
      error.cause?.input,
      error.cause?.stack,
    ]);
  for (const [input, init] of [
    [`/relative?access_token=${secret}`, undefined],
    [`http://127.0.0.1:99999/x?access_token=${secret}`, undefined],
    [`http://user:${secret}@127.0.0.1:9/x`, undefined],
    ["http://127.0.0.1:9/x", { headers: { "X-Auth-Token": `${secret}\nX` } }],
  ]) {
    const error = await createFetch()(input, init).catch((e) => e);
    assert.equal(error?.name, "TypeError", `${input}: ${error}`);
    assert.ok(!everything(error).includes(secret), everything(error));
  }
});

test("a long token quoted unquoted by Firefox's invalid-header message is removed though the message is cut", async () => {
  const token = `eyJ${"a1B2".repeat(400)}`;
  const firefox = async () => {
    throw new TypeError(`Window.fetch: Bearer ${token}\nX is an invalid header value.`);
  };
  const error = await createFetch({ fetch: firefox })("https://example.invalid/x").catch((e) => e);
  assert.equal(error?.name, "TypeError");
  assert.ok(!error.message.includes("a1B2a1B2"), error.message);
  assert.equal(error.message, "Window.fetch: [redacted]");
});

test("an invalid request's error keeps none of the runtime's extra fields, where a URL may hide", async () => {
  const runtime = async () => {
    const error = new TypeError("fetch() URL is invalid");
    error.path = "https://example.invalid/x?access_token=SECRET";
    error.cause = new TypeError("Invalid URL", { cause: "https://example.invalid/x?access_token=SECRET" });
    throw error;
  };
  const error = await createFetch({ fetch: runtime })("https://example.invalid/x").catch((e) => e);
  assert.equal(error?.name, "TypeError");
  assert.equal(error.message, "fetch() URL is invalid");
  assert.equal(error.path, undefined);
  assert.equal(error.cause, undefined);
});

test("retry.networkErrors and retry.timeouts: false leave those failures unretried", async () => {
  const refused = async () => {
    throw new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
  };
  let calls = 0;
  const counting = (...args) => {
    calls += 1;
    return refused(...args);
  };
  const noNetworkRetry = createFetch({ fetch: counting, retry: { networkErrors: false } });
  await assert.rejects(noNetworkRetry("https://store.example/p"), { name: "NetworkError" });
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    createFetch({ fetch: counting, retry: { backoff: { baseMs: 1, maxMs: 1 } } })("https://store.example/p"),
  );
  assert.equal(calls, 3, "retried by default");

  let hung = 0;
  const hanging = () => {
    hung += 1;
    return new Promise(() => {});
  };
  const noTimeoutRetry = createFetch({ fetch: hanging, timeout: 30, retry: { timeouts: false } });
  await assert.rejects(noTimeoutRetry("https://store.example/p"), { name: "TimeoutError" });
  assert.equal(hung, 1);
  assert.throws(
    () => createFetch({ retry: { timeouts: "no" } }),
    /option `retry.timeouts` must be true or false/,
  );
});

test("shouldRetry: false stops a retry the rules allowed; the reason is vetoed", async () => {
  const asked = [];
  const fetch = async () => new Response("busy", { status: 503 });
  const res = await createFetch({
    fetch,
    shouldRetry: (context) => {
      asked.push(context);
      return false;
    },
  })("https://store.example/p");
  assert.equal(res.status, 503);
  assert.equal(retryInfo(res).reason, "vetoed");
  assert.equal(retryInfo(res).attempts, 1);
  assert.deepEqual(
    asked.map((c) => [c.attempt, c.status, c.method, c.decision, c.reason]),
    [[1, 503, "GET", "retry", "server_error"]],
  );
});

test("shouldRetry: true repeats an unmarked POST, and only that stop can be lifted", async () => {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    return new Response(calls === 1 ? "busy" : "ok", { status: calls === 1 ? 503 : 200 });
  };
  const post = { method: "POST", body: "{}" };
  const fast = { retry: { backoff: { baseMs: 1, maxMs: 1 } } };
  const res = await createFetch({ ...fast, fetch, shouldRetry: async ({ method }) => method === "POST" })(
    "https://store.example/p",
    post,
  );
  assert.equal(res.status, 200);
  assert.equal(calls, 2);
  calls = 0;
  const kept = await createFetch({ ...fast, fetch })("https://store.example/p", post);
  assert.equal([kept.status, calls].join(), "503,1", "without shouldRetry a POST is not repeated");
  calls = 0;
  let asked = 0;
  const limited = await createFetch({
    fetch,
    retry: 0,
    shouldRetry: () => {
      asked += 1;
      return true;
    },
  })("https://store.example/p", post);
  assert.equal(
    [limited.status, calls, asked].join(),
    "503,1,0",
    "the retry limit is not lifted, nor asked about",
  );
});

test("shouldRetry can veto a retry after a failed connection, and its throw rejects the call", async () => {
  const refused = async () => {
    throw new TypeError("fetch failed", {
      cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
    });
  };
  const error = await createFetch({ fetch: refused, shouldRetry: () => false })(
    "https://store.example/p",
  ).catch((e) => e);
  assert.equal(error.name, "NetworkError");
  assert.equal(error.reason, "vetoed");
  assert.equal(error.attempts, 1);
  const boom = new Error("predicate bug");
  await assert.rejects(
    createFetch({
      fetch: async () => new Response("", { status: 503 }),
      shouldRetry: () => {
        throw boom;
      },
    })("https://store.example/p"),
    (e) => e === boom,
  );
  assert.throws(() => createFetch({ shouldRetry: true }), /option `shouldRetry` must be a function/);
});

test("shouldRetry: true retries a failure the configuration does not (a 409, a network error switched off)", async () => {
  let calls = 0;
  const conflictOnce = async () => {
    calls += 1;
    return new Response(calls === 1 ? "conflict" : "ok", { status: calls === 1 ? 409 : 200 });
  };
  const fast = { retry: { backoff: { baseMs: 1, maxMs: 1 } } };
  const asked = [];
  const res = await createFetch({
    ...fast,
    fetch: conflictOnce,
    shouldRetry: (context) => {
      asked.push([context.status, context.decision, context.reason]);
      return context.status === 409;
    },
  })("https://store.example/cart", { method: "PUT", body: "{}" });
  assert.equal([res.status, calls].join(), "200,2");
  assert.deepEqual(asked, [[409, "stop", "final"]]);
  assert.deepEqual(
    retryInfo(res).trace.map((e) => [e.status, e.reason]),
    [
      [409, "retryable_status"],
      [200, "final"],
    ],
  );

  calls = 0;
  const plain = await createFetch({ ...fast, fetch: conflictOnce })("https://store.example/cart");
  assert.equal([plain.status, calls].join(), "409,1", "without shouldRetry a 409 is the result");

  let always = 0;
  const conflicts = async () => {
    always += 1;
    return new Response("conflict", { status: 409 });
  };
  const limited = await createFetch({
    retry: { limit: 2, backoff: { baseMs: 1, maxMs: 1 } },
    fetch: conflicts,
    shouldRetry: () => true,
  })("https://store.example/cart");
  assert.equal(
    [limited.status, always, retryInfo(limited).reason].join(),
    "409,3,retry_limit",
    "the limit holds",
  );

  let successes = 0;
  await createFetch({
    fetch: async () => new Response("ok"),
    shouldRetry: () => {
      successes += 1;
      return true;
    },
  })("https://store.example/p");
  assert.equal(successes, 0, "a success is not asked about");

  let refusals = 0;
  const refusedOnce = async () => {
    refusals += 1;
    if (refusals === 1)
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      });
    return new Response("ok");
  };
  const back = await createFetch({
    ...fast,
    fetch: refusedOnce,
    retry: { networkErrors: false, backoff: { baseMs: 1, maxMs: 1 } },
    shouldRetry: ({ reason }) => reason === "final",
  })("https://store.example/p");
  assert.equal([back.status, refusals].join(), "200,2");
});
