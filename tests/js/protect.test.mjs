// protect: pacing by the rate-limit headers, the retry budget, the circuit breaker and concurrency
// limits, against the emulator (a time-scaled quota: 20 requests a 1.5 s window).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { _SharedPacer, createFetch, isCircuitOpenError, retryInfo } from "../../pkg/dist/node.js";
import { ACCESS_TOKEN, STORE_HASH, startEmulator } from "../emulator/emulator.mjs";

let store;
const auth = { headers: { "x-auth-token": ACCESS_TOKEN } };

before(async () => {
  store = await startEmulator({ timeScale: 0.05, quota: 20 });
});
after(() => store.close());

async function control(path, body) {
  const res = await fetch(`${store.url}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
  assert.equal(res.status, 200, await res.text());
}

async function requestsSeen(path) {
  const { requests } = await (await fetch(`${store.url}/__control/requests`)).json();
  return requests.filter((r) => r.path === `/stores/${STORE_HASH}${path}`);
}

/** A fresh emulator state with the suite's quota (a reset alone would bring back the default 150). */
const reset = () => control("reset", { quota: 20 });

/** Waits for the emulator's window to end, so each test starts with the whole quota. */
const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 1_600));

test("pacing: a burst of 60 on a quota of 20 meets no 429; without it, the same burst does", async () => {
  await reset();
  await nextWindow();
  /** 60 calls at once through `options`; what the server answered, counted as the client saw it. */
  const burst = async (options, path) => {
    const statuses = [];
    const counting = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const api = createFetch({ ...options, fetch: counting });
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => api(`${store.apiBase}${path}`, auth)),
    );
    return {
      ms: Date.now() - started,
      failed: results.filter((r) => r.status === "rejected" || r.value.status !== 200).length,
      limited: statuses.filter((status) => status === 429).length,
      seen: (await requestsSeen(path)).length,
    };
  };
  const paced = await burst({ protect: true }, "/v3/catalog/brands");
  assert.deepEqual([paced.failed, paced.limited, paced.seen], [0, 0, 60], JSON.stringify(paced));
  // 60 on 20 a window: the third window's 20 go when it opens, after two resets (3 s). When answers
  // come out of order the pacer may leave a request of a window unused (it keeps the fewest any answer
  // allows), and the last then waits for a fourth window (4.5 s): slower, never a 429.
  assert.ok(paced.ms >= 2_900 && paced.ms < 4_900, `paced burst took ${paced.ms} ms`);

  await nextWindow();
  const unpaced = await burst({}, "/v3/catalog/categories");
  assert.ok(unpaced.limited >= 40, `without pacing: ${JSON.stringify(unpaced)}`);
});

test("budget: in an outage, retries stop when the store's budget is spent", async () => {
  await nextWindow();
  await control("faults", {
    method: "GET",
    path: `/stores/${STORE_HASH}/v3/catalog/variants`,
    steps: [{ status: 503 }],
    repeat: true,
  });
  const api = createFetch({
    protect: { pacing: false, breaker: false },
    retry: { limit: 2, backoff: { baseMs: 1, maxMs: 2 } },
  });
  const before = (await requestsSeen("/v3/catalog/variants")).length;
  const calls = 100;
  const responses = [];
  for (let i = 0; i < calls; i += 1) responses.push(await api(`${store.apiBase}/v3/catalog/variants`, auth));
  const seen = (await requestsSeen("/v3/catalog/variants")).length - before;
  // A full bucket of 500 pays for 50 retries at 10 each (the first 25 calls' two each); nothing
  // refills it while every call fails, so each of the other 75 is refused its one retry.
  assert.equal(seen, calls + 50);
  assert.equal(retryInfo(responses.at(-1)).reason, "retry_budget");
  const [stats] = Object.values(api.stats());
  assert.deepEqual([stats.budget.tokens, stats.retries, stats.retriesRefused], [0, 50, 75]);
  await reset();
});

test("breaker: after 5 server errors in a row calls fail at once, without a request", async () => {
  await nextWindow();
  await control("faults", {
    method: "GET",
    path: `/stores/${STORE_HASH}/v3/catalog/summary`,
    steps: [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }],
  });
  const events = [];
  const api = createFetch({
    protect: { breaker: "consecutive", pacing: false, budget: false },
    retry: false,
    onEvent: (event) => events.push(event),
  });
  const url = `${store.apiBase}/v3/catalog/summary`;
  for (let i = 0; i < 5; i += 1) assert.equal((await api(url, auth)).status, 500);
  const before = (await requestsSeen("/v3/catalog/summary")).length;
  const error = await api(url, auth).catch((e) => e);
  assert.ok(isCircuitOpenError(error), String(error));
  assert.ok(error.retryAt > Date.now() && error.retryAt <= Date.now() + 5_000);
  assert.match(
    error.message,
    /^the circuit breaker of http:\/\/127\.0\.0\.1:\d+ is open after server errors; try again in \d+ ms$/,
  );
  assert.equal((await requestsSeen("/v3/catalog/summary")).length, before, "no request was sent");
  assert.equal(events.at(-1).type, "circuit_open");
  const [stats] = Object.values(api.stats());
  assert.equal(stats.breaker.state, "open");
  assert.equal(stats.circuitRejections, 1);
});

test("concurrency: the overall cap and a route's documented limit hold requests until a slot frees", async () => {
  let inFlight = 0;
  let most = 0;
  const slow = async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight -= 1;
    return new Response("{}", { status: 200 });
  };
  const capped = createFetch({ fetch: slow, protect: { concurrency: 3, pacing: false } });
  await Promise.all(Array.from({ length: 12 }, () => capped("https://cap.example/v3/x")));
  assert.equal(most, 3);
  most = 0;
  // GET /v3/catalog/trees/{id}/categories: BigCommerce allows one at a time.
  const routed = createFetch({ fetch: slow, protect: { pacing: false } });
  const events = [];
  await Promise.all(
    Array.from({ length: 4 }, () =>
      routed("https://api.bigcommerce.com/stores/abc/v3/catalog/trees/1/categories"),
    ),
  );
  assert.equal(most, 1);
  const [stats] = Object.values(routed.stats());
  assert.ok(stats.waits >= 3 && stats.waitedMs > 0, JSON.stringify(stats));
  assert.equal(events.length, 0);
  assert.throws(() => createFetch({ protect: { concurrency: 0 } }), /option `protect.concurrency`/);
  assert.throws(() => createFetch({ protect: { pace: true } }), /option `protect.pace` is not known/);
});

test("an abort or the total timeout ends a wait for a slot, and the queue goes on", async () => {
  const hang = () => new Promise(() => {});
  const api = createFetch({ fetch: hang, protect: { concurrency: 1, pacing: false }, timeout: false });
  const first = api("https://hang.example/a", { signal: AbortSignal.timeout(300) }).catch((e) => e);
  const controller = new AbortController();
  const second = api("https://hang.example/b", { signal: controller.signal }).catch((e) => e);
  controller.abort(new Error("left the page"));
  assert.equal((await second).message, "left the page");
  const timed = createFetch({
    fetch: hang,
    protect: { concurrency: 1, pacing: false },
    timeout: false,
    totalTimeout: 100,
  });
  const blocker = timed("https://hang2.example/a").catch((e) => e);
  const late = await timed("https://hang2.example/b").catch((e) => e);
  assert.equal(late.name, "TimeoutError");
  assert.match(
    late.message,
    /^GET waited \d+ ms for its turn at https:\/\/hang2\.example \(pacing or a concurrency slot\) and ran out of totalTimeout$/,
  );
  await first;
  await blocker;
});

test("the trace says how long an attempt waited for its turn, and for what", async () => {
  let calls = 0;
  const busyOnce = async () => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 30));
    return new Response("", { status: calls <= 2 ? 503 : 200 });
  };
  const api = createFetch({
    fetch: busyOnce,
    protect: { concurrency: 1, pacing: false },
    retry: { backoff: { baseMs: 1, maxMs: 1 } },
  });
  const [first, second] = await Promise.all([api("https://one.example/a"), api("https://one.example/b")]);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  const waitedEntries = [...retryInfo(first).trace, ...retryInfo(second).trace].filter((e) => e.waitedMs);
  assert.ok(waitedEntries.length >= 1, JSON.stringify([retryInfo(first), retryInfo(second)]));
  for (const entry of waitedEntries) {
    assert.equal(entry.waitedFor, "concurrency");
    assert.ok(entry.waitedMs >= 20, `waited ${entry.waitedMs} ms`);
  }
});

/**
 * A stand-in for a Durable Object namespace bound to commerce-fetch/cloudflare's StoreQuota: one
 * `_SharedPacer` per name, called as RPC is (asynchronously, values copied). `take` may be replaced;
 * `answers` counts the numbers told back.
 */
function storeQuotas({ take } = {}) {
  const pacers = new Map();
  const namespace = {
    answers: new Map(),
    idFromName: (name) => ({ name }),
    get({ name }) {
      if (!pacers.has(name)) pacers.set(name, new _SharedPacer());
      const pacer = pacers.get(name);
      const rpc = async (call) =>
        structuredClone(await new Promise((resolve) => setTimeout(() => resolve(call()))));
      return {
        take: (waiting) => (take ? take(waiting, pacer) : rpc(() => pacer.take(waiting, Date.now()))),
        answered: (number, hints) =>
          rpc(() => {
            namespace.answers.set(number, (namespace.answers.get(number) ?? 0) + 1);
            pacer.answered(number, hints, Date.now());
          }),
      };
    },
  };
  return namespace;
}

test("shared pacing: a burst paced by the store's object meets no 429, and each grant is answered once", async () => {
  await reset();
  await nextWindow();
  let limited = 0;
  const counting = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 429) limited += 1;
    return res;
  };
  const quotas = storeQuotas();
  const events = [];
  const api = createFetch({
    fetch: counting,
    protect: { pacing: quotas },
    totalTimeout: 20_000,
    onEvent: (event) => events.push(event),
  });
  const path = "/v3/catalog/brands";
  const results = await Promise.allSettled(
    Array.from({ length: 60 }, () => api(`${store.apiBase}${path}`, auth)),
  );
  assert.deepEqual(
    [results.filter((r) => r.status === "rejected" || r.value.status !== 200).length, limited],
    [0, 0],
  );
  await new Promise((resolve) => setTimeout(resolve, 20)); // the last answers' messages
  assert.deepEqual(
    [...quotas.answers.keys()].sort((a, b) => a - b),
    Array.from({ length: 60 }, (_, i) => i + 1),
  );
  assert.ok([...quotas.answers.values()].every((times) => times === 1));
  const [stats] = Object.values(api.stats());
  assert.equal(stats.sharedPacingErrors, 0);
  assert.equal(stats.pacing, undefined, "the pacing is the object's");
  assert.ok(stats.waits >= 40 && events.some((e) => e.type === "waited" && e.reason === "pacing"));
});

test("shared pacing: an object that cannot be asked lets calls go, and stats count it", async () => {
  const unreachable = {
    idFromName: (name) => name,
    get: () => {
      throw new Error("no such object");
    },
  };
  const ok = async () => new Response("{}", { status: 200 });
  const one = createFetch({ fetch: ok, protect: { pacing: unreachable } });
  const other = createFetch({ fetch: ok, protect: { pacing: unreachable } });
  await Promise.all([one("https://shared.example/a"), other("https://shared.example/b")]);
  await one("https://shared.example/c");
  const [stats] = Object.values(one.stats());
  assert.deepEqual(other.stats(), one.stats(), "clients with the same namespace share the store's guard");
  assert.equal(stats.attempts, 3);
  assert.ok(stats.sharedPacingErrors >= 2, JSON.stringify(stats));
  assert.throws(
    () => createFetch({ protect: { pacing: { get() {} } } }),
    /option `protect.pacing` must be true, false or a Durable Object namespace/,
  );
});

test("shared pacing: an abort or the total timeout ends a wait for the object's grant and frees the slot", async () => {
  const quotas = storeQuotas({ take: async () => ({ waitMs: 60_000, reason: "window_reset" }) });
  const never = async () => assert.fail("nothing may be sent");
  const api = createFetch({ fetch: never, protect: { pacing: quotas, concurrency: 1 } });
  const aborted = await api("https://wait.example/a", { signal: AbortSignal.timeout(100) }).catch((e) => e);
  assert.equal(aborted.name, "TimeoutError");
  const timed = api.extend({ totalTimeout: 150 });
  const late = await timed("https://wait.example/b").catch((e) => e);
  assert.equal(late.reason, "deadline");
  assert.match(late.message, /waited .* for its turn/);
  const [stats] = Object.values(api.stats());
  assert.deepEqual([stats.inFlight, stats.queued], [0, 0]);
});

test("shared pacing: when the ask that was due hangs, the next request asks", async () => {
  let asks = 0;
  const quotas = storeQuotas({
    take: (waiting, pacer) => {
      asks += 1;
      // The first ask never answers (its request was cancelled, say); later ones are granted.
      return asks === 1 ? new Promise(() => {}) : Promise.resolve(pacer.take(waiting, Date.now()));
    },
  });
  const ok = async () => new Response("{}", { status: 200 });
  const api = createFetch({ fetch: ok, protect: { pacing: quotas }, totalTimeout: 10_000 });
  const started = Date.now();
  const statuses = await Promise.all([api("https://hung.example/a"), api("https://hung.example/b")]);
  assert.deepEqual(
    statuses.map((r) => r.status),
    [200, 200],
  );
  // The second asks once the first is 2 s overdue, for both.
  assert.ok(Date.now() - started >= 1_900 && asks === 2, `${Date.now() - started} ms, ${asks} asks`);
});

test("a request that cannot be sent gives its turn back: the slot is not lost", async () => {
  const api = createFetch({
    fetch: async () => new Response("ok"),
    protect: { concurrency: 1, pacing: false },
  });
  const used = new Request("https://slot.example/a", { method: "POST", body: "x" });
  await used.text();
  await assert.rejects(api(used), TypeError);
  const res = await Promise.race([
    api("https://slot.example/b"),
    new Promise((resolve) => setTimeout(() => resolve("stuck"), 500)),
  ]);
  assert.notEqual(res, "stuck", "the one slot was lost");
  const [stats] = Object.values(api.stats());
  assert.equal(stats.inFlight, 0);
});

test("in Cloudflare Workers a store's requests in flight are capped at 6 unless told otherwise", async () => {
  const inWorkers = globalThis.navigator?.userAgent === "Cloudflare-Workers";
  const most = async (protect) => {
    let inFlight = 0;
    let peak = 0;
    const slow = async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight -= 1;
      return new Response("ok");
    };
    const api = createFetch({ fetch: slow, protect });
    await Promise.all(Array.from({ length: 10 }, (_, i) => api(`https://cap-${i % 1}.example/${i}`)));
    return peak;
  };
  assert.equal(await most({ pacing: false }), inWorkers ? 6 : 10);
  assert.equal(await most({ pacing: false, concurrency: false }), 10);
});
