// Aborting rejects with the signal's reason at once: during a request and during a wait.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createFetch } from "../../pkg/src/node.js";
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
