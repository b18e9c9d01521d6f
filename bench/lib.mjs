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
  return async (url) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    try {
      return await fetchFunction(url, { signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The clients of the success path, built the same way everywhere. */
export async function clients() {
  const { createFetch } = await import("../pkg/dist/node.js");
  const { default: ky } = await import("ky");
  // ky 2.x with its retry on (its default: limit 2) and the same time limits as commerce-fetch's
  // storefront preset (3000 ms per attempt, 6000 ms in all).
  const kyClient = ky.create({ retry: { limit: 2 }, timeout: 3000, totalTimeout: 6000 });
  const commerceFetch = createFetch(); // preset "storefront": 2 retries, 3000 ms per attempt, 6000 ms total
  // The same 3000 ms as commerce-fetch's per-attempt timeout, which it also enforces with a signal.
  const fetchWithTimeout = withTimeout((url, init) => fetch(url, init), 3000);
  return {
    fetch: (url) => fetch(url),
    "fetch + timeout": fetchWithTimeout,
    ky: (url) => kyClient(url),
    "commerce-fetch": (url) => commerceFetch(url),
  };
}

/** Sends `total` GETs to `url` with `concurrency` in flight, reading every body; returns seconds taken. */
export async function drive(send, url, total, concurrency) {
  let issued = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      const response = await send(url);
      await response.text();
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return (performance.now() - started) / 1000;
}
