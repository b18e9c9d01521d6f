// The failure path: /flaky answers 503 to half the requests (seeded, so both clients see the same
// sequence when they send the same attempts in order). Sends the requests one after another through
// commerce-fetch and through ky with the same retry settings, and asks the server how many attempts it saw.
// Prints JSON: { settings, plannedWaitMs, results: { [client]: { ms, attempts, ok, failed } } }, where
// plannedWaitMs is the sum of the waits commerce-fetch's retry histories record.
//
//   node bench/failure.mjs <origin> <requests>
import ky, { isHTTPError } from "ky";
import { createFetch, retryInfo } from "../pkg/dist/node.js";

const [origin, requestsArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const url = `${origin}/flaky`;
const BASE_MS = 10;
const MAX_MS = 1000;

// Same policy for both: 2 retries, waits of exactly 10 ms then 20 ms (no jitter), 3000 ms per attempt,
// 6000 ms in all; 503 is retried by both by default. ky retries only when it throws HTTPError (with
// throwHttpErrors: false it does not retry at all), so its final 503 arrives as an HTTPError, counted failed.
const commerceFetch = createFetch({
  retry: { limit: 2, backoff: { baseMs: BASE_MS, maxMs: MAX_MS, jitter: "none" } },
  timeout: 3000,
  totalTimeout: 6000,
});
const kyClient = ky.create({
  retry: { limit: 2, delay: (n) => BASE_MS * 2 ** (n - 1), backoffLimit: MAX_MS },
  timeout: 3000,
  totalTimeout: 6000,
});
const settings =
  `both: 2 retries on 503, waits ${BASE_MS} ms then ${BASE_MS * 2} ms without jitter, ` +
  "3000 ms per attempt, 6000 ms total (ky's final 503 is an HTTPError)";

let plannedWaitMs = 0;

async function run(send, record) {
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    try {
      const response = await send(url);
      await response.text();
      if (record) record(response);
      if (response.status === 200) ok++;
      else failed++;
    } catch (error) {
      if (!isHTTPError(error)) throw error;
      failed++;
    }
  }
  return { ms: performance.now() - started, ok, failed };
}

const get = async (path) => (await fetch(`${origin}${path}`)).json();
const clientsByName = {
  "commerce-fetch": (u) => commerceFetch(u),
  ky: (u) => kyClient(u),
};
// Warm-up: a few requests each, so neither pays for first-call compilation in the measurement.
for (const send of Object.values(clientsByName)) {
  for (let i = 0; i < 20; i++)
    await send(url).then(
      (r) => r.text(),
      () => {},
    );
}
const results = {};
for (const [name, send] of Object.entries(clientsByName)) {
  await get("/reset?seed=42");
  const record =
    name === "commerce-fetch"
      ? (response) => {
          for (const entry of retryInfo(response)?.trace ?? []) plannedWaitMs += entry.delayMs;
        }
      : undefined;
  const result = await run(send, record);
  result.attempts = (await get("/stats")).flaky;
  results[name] = result;
}
console.log(JSON.stringify({ settings, plannedWaitMs, results }));
