// Aborting rejects with the signal's reason at once: during a request and during a wait.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createFetch } from "../../pkg/dist/node.js";
import { startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(() => server.close());

test("an abort during a request rejects with the signal's reason", async () => {
  server.route("/hang", { hang: true });
  const controller = new AbortController();
  const reason = new Error("shopper left");
  const pending = createFetch({ timeout: false })(server.url("/hang"), { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 50);
  await assert.rejects(pending, (error) => error === reason);
  assert.equal(server.received("/hang").length, 1);
});

test("an abort during the wait between attempts rejects at once and sends nothing more", async () => {
  server.route("/busy", { status: 503, headers: { "retry-after": "1" } });
  const controller = new AbortController();
  const started = performance.now();
  const pending = createFetch({ retry: { maxRetryAfterMs: 5000 } })(server.url("/busy"), {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(pending, { name: "AbortError" });
  const took = performance.now() - started;
  assert.ok(took < 400, `rejected after ${took} ms, not after the 1 s wait`);
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(server.received("/busy").length, 1);
});

test("an already aborted signal rejects without a request", async () => {
  server.route("/never", { status: 200 });
  const reason = new Error("already");
  await assert.rejects(
    createFetch()(server.url("/never"), { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
  assert.equal(server.received("/never").length, 0);
});

test("the signal of a Request input is honoured", async () => {
  server.route("/req-signal", { hang: true });
  const controller = new AbortController();
  const pending = createFetch({ timeout: false })(
    new Request(server.url("/req-signal"), { signal: controller.signal }),
  );
  setTimeout(() => controller.abort(new Error("via Request")), 50);
  await assert.rejects(pending, /via Request/);
});

test("aborting after the response arrived still cancels reading its body", async () => {
  server.route("/slow-body", { status: 200, body: "x".repeat(10) });
  const controller = new AbortController();
  const res = await createFetch()(server.url("/slow-body"), { signal: controller.signal });
  const reason = new Error("late abort");
  controller.abort(reason);
  // Raw fetch rejects here with the reason in Deno and browsers, and with an AbortError in Node 20.
  await assert.rejects(res.text(), (error) => error === reason || error.name === "AbortError");
});

/** A `fetch` that ignores its signal and never settles, and counts its calls. */
function neverSettles() {
  const calls = [];
  const fetch = (input, init) => {
    calls.push({ input, init });
    return new Promise(() => {});
  };
  return { fetch, calls };
}

test("a fetch that ignores its signal still ends at totalTimeout with a TimeoutError", async () => {
  const { fetch, calls } = neverSettles();
  const started = performance.now();
  const error = await createFetch({
    fetch,
    timeout: 80,
    totalTimeout: 250,
    retry: { backoff: { baseMs: 1, maxMs: 2 } },
  })(server.url("/ignored")).catch((e) => e);
  const took = performance.now() - started;
  assert.equal(error?.name, "TimeoutError", String(error));
  assert.ok(took >= 240 && took < 400, `settled after ${took} ms`);
  assert.ok(calls.length >= 2, "each attempt timed out and was retried");
});

test("a fetch that ignores its signal still rejects at once when the caller aborts", async () => {
  const { fetch } = neverSettles();
  const controller = new AbortController();
  const reason = new Error("shopper left");
  const pending = createFetch({ fetch, timeout: false, totalTimeout: false })(server.url("/ignored"), {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(reason), 30);
  const started = performance.now();
  await assert.rejects(pending, (error) => error === reason);
  assert.ok(performance.now() - started < 200);
});

test("with no time limit and no signal, a call waits for fetch as fetch would", async () => {
  let settle;
  const fetch = () => new Promise((resolve) => (settle = resolve));
  const pending = createFetch({ fetch, timeout: false, totalTimeout: false })(server.url("/slow"));
  await new Promise((r) => setTimeout(r, 50));
  settle(new Response("late"));
  assert.equal(await (await pending).text(), "late");
});

test("an abort from inside onRetry is noticed before the wait, not after it", async () => {
  server.route("/abort-in-hook", { status: 503, headers: { "retry-after": "2" } });
  const controller = new AbortController();
  const reason = new Error("stop now");
  const started = performance.now();
  const pending = createFetch({ retry: { maxRetryAfterMs: 5000 }, onRetry: () => controller.abort(reason) })(
    server.url("/abort-in-hook"),
    { signal: controller.signal },
  );
  await assert.rejects(pending, (error) => error === reason);
  const took = performance.now() - started;
  assert.ok(took < 300, `rejected after ${took} ms, not after the 2 s wait`);
  assert.equal(server.received("/abort-in-hook").length, 1);
});

test("a signal from another implementation (as jsdom's) is followed, also with the package's timeout", async () => {
  // Not Node's AbortSignal, so `instanceof AbortSignal` fails, as for a test environment's or another
  // realm's signal; Node's fetch itself accepts it.
  class ForeignSignal extends EventTarget {
    aborted = false;
    reason = undefined;
  }
  const signal = new ForeignSignal();
  assert.ok(!(signal instanceof AbortSignal));
  server.route("/foreign", { hang: true });
  const pending = createFetch({ timeout: 5000 })(server.url("/foreign"), { signal });
  setTimeout(() => {
    signal.aborted = true;
    signal.reason = "foreign reason";
    signal.dispatchEvent(new Event("abort"));
  }, 50);
  const started = performance.now();
  await assert.rejects(pending, (error) => error === "foreign reason");
  assert.ok(performance.now() - started < 1000, "not after the 5 s timeout");
  assert.equal(server.received("/foreign").length, 1);
});

test("a polyfill's signal (an event target with aborted and reason) is followed", async () => {
  const listeners = new Set();
  const signal = {
    aborted: false,
    reason: undefined,
    addEventListener: (type, listener) => type === "abort" && listeners.add(listener),
    removeEventListener: (_type, listener) => listeners.delete(listener),
  };
  const abort = (reason) => {
    signal.aborted = true;
    signal.reason = reason;
    for (const listener of listeners) (listener.handleEvent ?? listener).call(listener, { type: "abort" });
  };
  server.route("/polyfill", { hang: true });
  const pending = createFetch({ timeout: 5000 })(server.url("/polyfill"), { signal });
  setTimeout(() => abort(new Error("polyfill abort")), 50);
  await assert.rejects(pending, { message: "polyfill abort" });
});

test("something that is not a signal in init.signal is a TypeError, as fetch says", async () => {
  await assert.rejects(createFetch()(server.url("/x"), { signal: { aborted: "no" } }), TypeError);
});
