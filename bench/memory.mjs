// Memory across many requests, in one process run with --expose-gc: a warm-up, then gc() and a
// reading of the JS heap and the wasm linear memory, then the requests, then gc() and another reading.
// Prints JSON: { client, requests, concurrency, seconds, attempts?, before: {...}, after: {...} }.
//
//   node --expose-gc bench/memory.mjs <origin> <client> <requests> <concurrency>
//
// Clients: "fetch" and "commerce-fetch" on GET /ok (the success path), and "commerce-fetch, retrying" on
// GET /flaky (503 half the time) with waits of 0 ms, so that about half the calls make a retry history in
// the wasm's memory; it also reports how many attempts the server saw.
import { readFileSync } from "node:fs";
import { createFetch } from "../pkg/lib/api.js";
import { initSync } from "../pkg/lib/core.js";
import { drive } from "./lib.mjs";

const [origin, client, requestsArg, concurrencyArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const concurrency = Number(concurrencyArg);

// The package's entries are bundles, each with its own copy of the wasm-bindgen glue, whose memory nothing
// outside the bundle can reach. The unbundled sources in pkg/lib are the same code: load the wasm through
// their core module, whose initSync() returns the instance's exports, memory included.
const wasmMemory = initSync(
  readFileSync(new URL("../pkg/dist/commerce_fetch_lite_bg.wasm", import.meta.url)),
).memory;

const sends = {
  fetch: { path: "/ok", send: (u) => fetch(u) },
  "commerce-fetch": { path: "/ok", send: createFetch() },
  "commerce-fetch, retrying": {
    path: "/flaky",
    send: createFetch({ retry: { backoff: { baseMs: 0, maxMs: 0 } } }),
  },
};
if (!(client in sends))
  throw new Error(`unknown client ${client}; choose from ${Object.keys(sends).join(", ")}`);
const { path, send } = sends[client];
const url = `${origin}${path}`;
const serverJson = async (route) => (await fetch(`${origin}${route}`)).json();

async function settle() {
  // Let timers, finalizers and sockets settle, then collect twice (the second pass takes what the first
  // pass's finalizers freed).
  await new Promise((resolve) => setTimeout(resolve, 100));
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
  globalThis.gc();
  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed,
    external: usage.external,
    rss: usage.rss,
    wasm: wasmMemory.buffer.byteLength,
  };
}

await drive(send, url, 2000, concurrency);
if (path === "/flaky") await serverJson("/reset?seed=7"); // count the measured calls' attempts only
const before = await settle();
const started = performance.now();
await drive(send, url, requests, concurrency);
const seconds = (performance.now() - started) / 1000;
const after = await settle();
const attempts = path === "/flaky" ? (await serverJson("/stats")).flaky : undefined;
console.log(JSON.stringify({ client, requests, concurrency, seconds, attempts, before, after }));
