// The chaos run behind chaos.test.mjs: 1,000 concurrent createFetch calls against a loopback server
// (chaos-server.mjs) that answers with successes, 503s, 429s with and without hints, reset connections,
// hangs, slow bodies and cut bodies, while callers abort at random moments. It records what each call
// did and what the server saw, writes that as JSON to the file named by its argument, closes what it
// opened, prints "chaos: done", and must then exit by itself: it never calls process.exit.
//
//   CHAOS_SEED=7 CHAOS_IDS=3,17 node tests/js/chaos-run.mjs /tmp/chaos.json   # calls 3 and 17 of seed 7
import { writeFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { createFetch, interpret, isNetworkError, isTimeoutError } from "../../pkg/dist/node.js";
import { ABORT_PROMPT_MS, bodyFor, CALLS, planFor, seedFromEnv } from "./chaos-plan.mjs";

/** How long after the longest totalTimeout the run stops waiting and counts a call as pending. */
const CUTOFF_SLACK_MS = 1000;
/** A wait long enough for an `on-retry` caller to give up. */
const LONG_WAIT_MS = 100;
/** A gap between two ticks of a 10 ms interval longer than this is reported as a stall of the thread. */
const STALL_MS = 50;

const seed = seedFromEnv();
const only = process.env.CHAOS_IDS?.split(",").map(Number);
if (only?.some((id) => !Number.isInteger(id) || id < 0 || id >= CALLS)) {
  throw new Error(`CHAOS_IDS must be call ids from 0 to ${CALLS - 1}, separated by commas`);
}
const reportPath = process.argv[2];
if (reportPath === undefined) throw new Error("usage: node tests/js/chaos-run.mjs REPORT.json");

// Events in this thread are ordered exactly by `seq` (one thread, one counter) and timed by `at`.
let seq = 0;
const event = () => ({ seq: ++seq, at: performance.now() });

/**
 * An error as the report keeps it: its kind for the checks (`reason` when it is the call's own abort
 * reason, the package's `timeout` or `network`, else `other`), and what a person reading a failure needs.
 */
function describeError(error, call) {
  const signal = call?.controller.signal;
  const kind =
    signal?.aborted && error === signal.reason
      ? "reason"
      : isTimeoutError(error)
        ? "timeout"
        : isNetworkError(error)
          ? "network"
          : "other";
  const text = (value) => (typeof value === "string" ? value : undefined);
  const described = { kind, name: text(error?.name), message: text(error?.message)?.slice(0, 200) };
  const code = text(error?.cause?.code);
  if (code !== undefined) described.code = code;
  if (error instanceof WebAssembly.RuntimeError) described.runtimeError = true;
  if (kind === "timeout" || kind === "network") described.stop = error.reason;
  if (kind === "other") described.stack = text(error?.stack)?.split("\n").slice(0, 6).join("\n");
  return described;
}

function reasonFor(call) {
  const { reason } = call.plan;
  if (reason === "error") return new Error(`chaos: caller ${call.id} gave up`);
  if (reason === "value") return { chaos: call.id };
  return undefined; // AbortController's own AbortError
}

/** Aborts `call`, once, recording when and in which phase of the call it came. */
function abortCall(call, phase) {
  if (call.abort !== undefined) return;
  const last = call.attempts[call.attempts.length - 1];
  call.abort = {
    ...event(),
    phase:
      phase ??
      (call.outcome !== undefined
        ? "after settling"
        : last === undefined
          ? "before sending"
          : last.end === undefined
            ? "during a request"
            : "during a wait"),
  };
  // The package ends an aborted call without waiting for I/O or a timer of its own, so no timer started
  // now can find it pending, however busy the thread is.
  call.timers.add(
    setTimeout(() => {
      if (call.outcome === undefined) call.abort.stillPending = event();
    }, ABORT_PROMPT_MS),
  );
  call.controller.abort(reasonFor(call));
}

function abortLater(call, ms) {
  call.timers.add(setTimeout(() => abortCall(call), ms));
}

/** The call's `fetch` option: numbers and records each attempt and hands it to the global fetch. */
function attemptRecorder(call) {
  return (input, init) => {
    const attempt = { n: call.attempts.length + 1, start: event() };
    call.attempts.push(attempt);
    const { plan } = call;
    if (plan.abort === "attempt" && attempt.n === plan.abortAt) {
      if (plan.abortFraction < 0.1) abortCall(call, "inside fetch");
      else abortLater(call, plan.abortFraction * plan.timeout);
    }
    const headers = { ...init?.headers, "x-chaos-attempt": String(attempt.n) };
    const sent = fetch(input, { ...init, headers, ...(plan.deafFetch ? { signal: undefined } : {}) });
    // Registered before the package awaits `sent`, so an attempt's end is recorded before the package
    // acts on it.
    sent.then(
      (response) => {
        attempt.end = event();
        attempt.status = response.status;
        attempt.response = response;
      },
      (error) => {
        attempt.end = event();
        attempt.error = describeError(error);
        attempt.thrown = error;
      },
    );
    return sent;
  };
}

function retryRecorder(call) {
  return (retry) => {
    call.retries.push({ ...event(), delayMs: retry.delayMs, reason: retry.reason, status: retry.status });
    const { plan } = call;
    // A caller that gives up when told the wait will be long.
    if (plan.abort === "on-retry" && retry.delayMs >= LONG_WAIT_MS) abortCall(call, "in onRetry");
    if (plan.abort === "wait" && call.retries.length === plan.abortAt) {
      abortLater(call, plan.abortFraction * retry.delayMs);
    }
  };
}

/** Starts call `id`; `call.done` settles when the call has settled and its body has been read. */
function startCall(id, url) {
  const plan = planFor(seed, id);
  const call = { id, plan, attempts: [], retries: [], controller: new AbortController(), timers: new Set() };
  const commerceFetch = createFetch({
    fetch: attemptRecorder(call),
    onRetry: retryRecorder(call),
    timeout: plan.timeout,
    totalTimeout: plan.totalTimeout,
    retry: { limit: plan.limit, backoff: plan.backoff, maxRetryAfterMs: plan.maxRetryAfterMs },
  });
  const headers = { "x-chaos-id": String(id) };
  if (plan.method === "post-key") headers["Idempotency-Key"] = `chaos-${seed}-${id}`;
  const method = plan.method === "get" ? "GET" : plan.method === "put" ? "PUT" : "POST";
  const init = { method, headers, signal: call.controller.signal };
  if (method !== "GET") init.body = bodyFor(id, plan);
  if (plan.abort === "before") abortCall(call);
  if (plan.abort === "timer") abortLater(call, plan.abortFraction * plan.totalTimeout);
  call.start = event();
  let pending;
  try {
    pending = commerceFetch(url, init);
  } catch (error) {
    call.threwSynchronously = true;
    pending = Promise.reject(error);
  }
  call.done = pending.then(
    (response) => {
      const attempt = call.attempts.find((a) => a.response === response)?.n;
      call.outcome = { ...event(), kind: "response", status: response.status, attempt };
      return readBody(call, response);
    },
    (error) => {
      // The attempt whose failure the error reports, when it carries one as its cause.
      const attempt = call.attempts.find((a) => a.thrown !== undefined && a.thrown === error?.cause)?.n;
      call.outcome = { ...event(), ...describeError(error, call), attempt };
    },
  );
  return call;
}

async function readBody(call, response) {
  try {
    const text = await response.text();
    call.body = { ...event(), length: text.length };
  } catch (error) {
    call.body = { ...event(), error: describeError(error, call) };
  }
}

/** Waits for `promise` at most `ms`. */
function within(promise, ms) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** A fresh client's plain GET after the chaos: the wasm must still work. */
async function plainCall(url) {
  try {
    const response = await createFetch({ timeout: 2000 })(url);
    return { status: response.status, body: await response.text(), interpret429: interpret(429).status };
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** A call as the report keeps it: plain data, without its Response, error and timer objects. */
function recordOf(call) {
  const { id, plan, start, abort, outcome, body, retries, threwSynchronously } = call;
  const attempts = call.attempts.map(({ n, start, end, status, error }) => ({
    n,
    start,
    end,
    status,
    error,
  }));
  return { id, plan, start, abort, outcome, body, attempts, retries, threwSynchronously };
}

function startServer() {
  const worker = new Worker(new URL("./chaos-server.mjs", import.meta.url), { workerData: { seed } });
  const port = new Promise((resolve, reject) => {
    worker.once("message", (message) => resolve(message.port));
    worker.once("error", reject);
  });
  return { worker, port };
}

/** Closes the server and returns its arrivals, their times moved to this thread's clock. */
async function closeServer(worker) {
  const { arrivals } = await new Promise((resolve) => {
    worker.once("message", resolve);
    worker.postMessage("close");
  });
  await worker.terminate();
  for (const arrival of arrivals) arrival.at -= performance.timeOrigin;
  return arrivals;
}

async function main() {
  const unhandled = [];
  const onUnhandled = (error) => unhandled.push({ type: "unhandledRejection", ...describeError(error) });
  const onUncaught = (error) => unhandled.push({ type: "uncaughtException", ...describeError(error) });
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);

  const server = startServer();
  const base = `http://127.0.0.1:${await server.port}`;
  // One request first, so that the calls are not slowed by loading fetch itself.
  await (await fetch(`${base}/plain`)).text();
  // When the thread was too busy to run timers on time, to tell the package's delays from the test's.
  const stalls = [];
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - lastTick > STALL_MS) stalls.push({ at: lastTick, ms: now - lastTick });
    lastTick = now;
  }, 10);
  const ids = only ?? Array.from({ length: CALLS }, (_, id) => id);
  const began = performance.now();
  // All at once, in one turn of the event loop: the calls are all in flight together.
  const calls = ids.map((id) => startCall(id, `${base}/chaos`));
  const longest = Math.max(...calls.map((c) => c.plan.totalTimeout));
  await within(Promise.all(calls.map((c) => c.done)), longest + CUTOFF_SLACK_MS);
  const chaosMs = performance.now() - began;
  clearInterval(ticker);
  const pendingAtCutoff = calls.filter((c) => c.outcome === undefined).map((c) => c.id);

  const plain = await plainCall(`${base}/plain`);

  // Closing every connection ends the requests that nothing else would: calls still pending get a
  // moment to settle, so that the report says what they ended with.
  for (const call of calls) for (const timer of call.timers) clearTimeout(timer);
  const arrivals = await closeServer(server.worker);
  await within(Promise.all(calls.map((c) => c.done)), 500);
  // Rejections that nobody handles surface before the report is written.
  await new Promise((resolve) => setTimeout(resolve, 50));

  const report = {
    seed,
    node: process.version,
    only,
    chaosMs,
    pendingAtCutoff,
    stalls,
    plain,
    unhandled,
    activeResources: process.getActiveResourcesInfo(),
    calls: calls.map(recordOf),
    arrivals,
  };
  writeFileSync(reportPath, JSON.stringify(report));
  // From here on a rejection that nobody handles ends the process with an error, as it normally would.
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUncaught);
  console.log("chaos: done");
}

await main();
