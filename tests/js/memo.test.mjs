// Next.js shares a GET or HEAD that carries no signal across one server render (its request
// memoization); a signal opts out. A call's first attempt goes without its signal to such a fetch, so
// that the render's repeated reads are sent once, and keeps its time limit; retries carry their signal.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { createFetch, isTimeoutError } from "../../pkg/dist/node.js";

/** A fetch that says it shares reads, as Next.js's patched fetch does, and records what it is given. */
function sharingFetch(statuses) {
  const calls = [];
  const fetch = async (_input, init) => {
    calls.push({ method: init?.method ?? "GET", signal: init?.signal });
    const status = statuses[Math.min(calls.length, statuses.length) - 1];
    if (status === "hang") return new Promise(() => {});
    return new Response(status === 200 ? "ok" : "busy", { status });
  };
  fetch.__nextPatched = true;
  return { fetch, calls };
}

const fast = { retry: { backoff: { baseMs: 1, maxMs: 2 } } };
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test("a GET's first attempt goes without a signal to a sharing fetch; its retry carries one", async () => {
  const { fetch, calls } = sharingFetch([503, 200]);
  const res = await createFetch({ ...fast, fetch })("https://store.example/p");
  assert.equal(res.status, 200);
  assert.equal(calls.length, 2);
  assert.equal(calls[0].signal, undefined, "the first attempt can be shared");
  assert.ok(calls[1].signal, "a retry must not get the shared 503 back");
});

test("the global fetch is asked at call time, as Next.js patches it after modules load", async () => {
  const { fetch, calls } = sharingFetch([200]);
  const commerceFetch = createFetch();
  globalThis.fetch = fetch;
  await commerceFetch("https://store.example/p", { method: "HEAD" });
  assert.equal(calls[0].signal, undefined);
});

test("writes, calls with the caller's signal and fetches that share nothing keep the signal", async () => {
  const { fetch, calls } = sharingFetch([200]);
  const commerceFetch = createFetch({ fetch });
  await commerceFetch("https://store.example/p", { method: "POST", body: "{}" });
  await commerceFetch("https://store.example/p", { signal: new AbortController().signal });
  const plain = { ...sharingFetch([200]) };
  delete plain.fetch.__nextPatched;
  await createFetch({ fetch: plain.fetch })("https://store.example/p");
  assert.ok(calls[0].signal, "POST");
  assert.ok(calls[1].signal, "caller's signal");
  assert.ok(plain.calls[0].signal, "a fetch that does not share");
});

test("a shared first attempt still ends at its time limit, and the retry goes out with a signal", async () => {
  const { fetch, calls } = sharingFetch(["hang", 200]);
  const started = performance.now();
  const res = await createFetch({ ...fast, fetch, timeout: 100 })("https://store.example/p");
  const took = performance.now() - started;
  assert.equal(res.status, 200);
  assert.ok(took >= 95 && took < 1000, `took ${took} ms`);
  assert.equal(calls[0].signal, undefined);
  assert.ok(calls[1].signal);
});

test("with no retry left, a shared attempt that hangs rejects with a TimeoutError", async () => {
  const { fetch } = sharingFetch(["hang"]);
  await assert.rejects(createFetch({ fetch, retry: false, timeout: 80 })("https://store.example/p"), (e) =>
    isTimeoutError(e),
  );
});

test("a fetch whose properties throw is taken as one that shares nothing", async () => {
  const calls = [];
  const hostile = new Proxy(
    async (_input, init) => {
      calls.push(init?.signal);
      return new Response("ok");
    },
    {
      get() {
        throw new Error("no properties here");
      },
    },
  );
  await createFetch({ fetch: hostile })("https://store.example/p");
  assert.ok(calls[0], "the attempt kept its signal");
});
