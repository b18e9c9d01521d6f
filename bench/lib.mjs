// Helpers shared by the benchmark scripts: the server process, child processes that answer JSON, and
// statistics.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repo = join(benchDir, "..");

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Starts bench/server.mjs in its own process; resolves with `{ origin, stop }` once it listens. */
export function startServer() {
  const child = spawn(process.execPath, [join(benchDir, "server.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    child.stdout.on("data", (data) => {
      out += data;
      const match = /listening (\d+)/.exec(out);
      if (match) {
        resolve({
          origin: `http://127.0.0.1:${match[1]}`,
          stop: () =>
            new Promise((done) => {
              child.removeAllListeners("exit");
              child.once("exit", done);
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/**
 * Runs `<node> [nodeArgs] script ...args` (by default with the node running this); resolves with the JSON
 * the script prints last.
 */
export function runJson(script, args = [], { node = process.execPath, nodeArgs = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [...nodeArgs, join(benchDir, script), ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (data) => {
      out += data;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()));
      } catch (error) {
        reject(new Error(`${script} printed no JSON: ${error.message}\n${out}`));
      }
    });
  });
}

/**
 * `fetchFunction` with what any wrapper that cancels a request on timeout must do per call: a fresh
 * AbortController, a timer that aborts it after `ms`, its signal handed to fetch, the timer cleared after.
 * The floor for such wrappers: handing undici a signal costs several µs per request by itself.
 */
export function withTimeout(fetchFunction, ms) {
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    // A caller's signal aborts the request too, as it must in any wrapper that takes one.
    const caller = init?.signal;
    const signal = caller === undefined ? controller.signal : AbortSignal.any([caller, controller.signal]);
    try {
      return await fetchFunction(url, { signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The clients of the success path, built the same way everywhere: each takes `(url, init)`. */
export async function clients() {
  const { createFetch } = await import("../pkg/dist/node.js");
  const { default: ky } = await import("ky");
  const { ofetch } = await import("ofetch");
  // ky 2.x with its retry on (its default: limit 2) and the same time limits as commerce-fetch's
  // storefront preset (3000 ms per attempt, 6000 ms in all).
  const kyClient = ky.create({ retry: { limit: 2 }, timeout: 3000, totalTimeout: 6000 });
  // ofetch with two retries and the same 3000 ms per attempt; `raw` gives the response, its body read
  // as text (ofetch reads every body itself).
  const ofetchClient = ofetch.create({ retry: 2, timeout: 3000, responseType: "text" });
  const commerceFetch = createFetch(); // preset "storefront": 2 retries, 3000 ms per attempt, 6000 ms total
  // The same 3000 ms as commerce-fetch's per-attempt timeout, which it also enforces with a signal.
  const fetchWithTimeout = withTimeout((url, init) => fetch(url, init), 3000);
  return {
    fetch: (url, init) => fetch(url, init),
    "fetch + timeout": fetchWithTimeout,
    ky: (url, init) => kyClient(url, init),
    ofetch: (url, init) => ofetchClient.raw(url, init),
    "commerce-fetch": (url, init) => commerceFetch(url, init),
  };
}

/**
 * Sends `total` GETs to `url` with `concurrency` in flight, reading every body; returns seconds taken.
 * `signal`: each request gets a fresh AbortController's signal (a caller that can cancel); `abortEvery`
 * and `abortAfterMs`: every n-th request is aborted that long after it starts (its rejection expected).
 */
export async function drive(
  send,
  url,
  total,
  concurrency,
  { signal = false, abortEvery = 0, abortAfterMs = 0 } = {},
) {
  let issued = 0;
  let aborted = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      const aborting = abortEvery > 0 && issued % abortEvery === 0;
      if (!signal && !aborting) {
        const response = await send(url);
        if (!response.bodyUsed) await response.text();
        continue;
      }
      const controller = new AbortController();
      const timer = aborting ? setTimeout(() => controller.abort(), abortAfterMs) : undefined;
      try {
        const response = await send(url, { signal: controller.signal });
        if (!response.bodyUsed) await response.text();
      } catch (error) {
        if (!controller.signal.aborted) throw error;
        aborted++;
      } finally {
        clearTimeout(timer);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (abortEvery > 0 && aborted === 0)
    throw new Error("no request was aborted: the abort run measured nothing");
  return seconds;
}
