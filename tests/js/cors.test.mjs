// Cross-origin responses in a browser show only the headers the server lists in
// Access-Control-Expose-Headers. When none of the rate-limit headers can be read on a response that is
// retried, the package says so in the onRetry event, the trace and an error's message. The responses
// here are what a browser hands back: `type: "cors"`, and the hidden headers simply absent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createFetch, isNetworkError, retryInfo } from "../../pkg/dist/node.js";

const URL = "https://api.example.com/v3/catalog/products";
/** A fixed 1 ms backoff, so that a wait from backoff is known and the tests take no time. */
const backoff = { backoff: { baseMs: 1, maxMs: 1, jitter: "none" } };

/** A `Response` whose `type` is `type`, as a browser's fetch of another origin gives `"cors"`. */
function response(status, headers = {}, type = "cors") {
  const res = new Response(status === 200 ? "ok" : "unavailable", { status, headers });
  return Object.defineProperty(res, "type", { value: type });
}

/** A client whose `fetch` answers with `answers` in turn (a function is called, and may throw). */
function client(answers, options = {}) {
  const events = [];
  const fetch = createFetch({
    retry: backoff,
    onRetry: (e) => events.push(e),
    fetch: async () => {
      const next = answers.shift();
      return typeof next === "function" ? next() : next;
    },
    ...options,
  });
  return { fetch, events };
}

test("a cross-origin 503 with no readable hint header says the hints were hidden", async () => {
  const { fetch, events } = client([response(503, { "content-type": "text/plain" }), response(200)]);
  const res = await fetch(URL);
  assert.equal(res.status, 200);
  assert.deepEqual(events, [
    { attempt: 1, delayMs: 1, reason: "server_error", status: 503, source: "backoff", hints: "hidden" },
  ]);
  const [first, last] = retryInfo(res).trace;
  assert.equal(first.hints, "hidden");
  assert.equal(first.source, "backoff");
  assert.ok(!("hints" in last), "the final 200 says nothing about hints");
});

test("a cross-origin 429 with no readable hint header waits by backoff and says why", async () => {
  const { fetch, events } = client([response(429), response(200)]);
  await fetch(URL);
  assert.deepEqual(
    events.map((e) => [e.reason, e.source, e.hints]),
    [["rate_limited", "backoff", "hidden"]],
  );
});

test("a cross-origin response whose Retry-After is exposed is not hidden", async () => {
  const { fetch, events } = client([response(503, { "retry-after": "0" }), response(200)]);
  const res = await fetch(URL);
  assert.deepEqual(events, [
    { attempt: 1, delayMs: 0, reason: "server_error", status: 503, source: "retry-after" },
  ]);
  assert.ok(!("hints" in retryInfo(res).trace[0]));
});

test("one exposed rate-limit header, even one that is no wait hint on a 503, means none were hidden", async () => {
  const { fetch, events } = client([response(503, { "x-rate-limit-requests-left": "0" }), response(200)]);
  await fetch(URL);
  assert.equal(events[0].source, "backoff");
  assert.ok(!("hints" in events[0]), JSON.stringify(events[0]));
});

test("a same-origin response without hint headers is not said to hide them", async () => {
  for (const type of ["basic", "default"]) {
    const { fetch, events } = client([response(503, {}, type), response(200, {}, type)]);
    const res = await fetch(URL);
    assert.ok(!("hints" in events[0]), `${type}: ${JSON.stringify(events[0])}`);
    assert.ok(!("hints" in retryInfo(res).trace[0]), type);
  }
});

test("a look-alike response whose type throws counts as same-origin", async () => {
  const lookAlike = {
    status: 503,
    headers: new Headers(),
    body: null,
    get type() {
      throw new Error("type getter");
    },
  };
  const { fetch, events } = client([lookAlike, response(200)]);
  const res = await fetch(URL);
  assert.equal(res.status, 200);
  assert.ok(!("hints" in events[0]));
});

test("a call that ends without a response says in its message that the hints were hidden", async () => {
  const lost = () => {
    throw new TypeError("Failed to fetch");
  };
  const { fetch } = client([response(503), lost], { retry: { ...backoff, limit: 1 } });
  const error = await fetch(URL).catch((e) => e);
  assert.ok(isNetworkError(error), String(error));
  assert.match(error.message, /stopped because the retry limit \(1\) is used up/);
  assert.match(error.message, /rate-limit headers hidden by CORS/);
  assert.match(error.message, /waited by backoff/);
  assert.match(error.message, /Access-Control-Expose-Headers/);
  assert.deepEqual(
    error.trace.map((t) => [t.status ?? t.error, t.hints]),
    [
      [503, "hidden"],
      ["network_error", undefined],
    ],
  );
});

test("a message says nothing of hints when none were hidden", async () => {
  const lost = () => {
    throw new TypeError("Failed to fetch");
  };
  const { fetch } = client([response(503, {}, "basic"), lost], { retry: { ...backoff, limit: 1 } });
  const error = await fetch(URL).catch((e) => e);
  assert.ok(isNetworkError(error), String(error));
  assert.doesNotMatch(error.message, /CORS/);
});
