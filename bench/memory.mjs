// Memory across many requests, in one process run with --expose-gc: a warm-up, then gc() and a
// reading of the JS heap and (for commerce-fetch) the wasm linear memory, then the requests, then gc()
// and another reading. Prints JSON: { requests, before: {...}, after: {...} }.
//
//   node --expose-gc bench/memory.mjs <origin> fetch|commerce-fetch <requests> <concurrency>
import { initSync as glueInitSync } from "../pkg/dist/commerce_fetch.js";
import { createFetch } from "../pkg/src/node.js";
import { drive } from "./lib.mjs";

const [origin, client, requestsArg, concurrencyArg] = process.argv.slice(2);
const requests = Number(requestsArg);
const concurrency = Number(concurrencyArg);
const url = `${origin}/ok`;

// The wasm-bindgen glue keeps one instance per module; its initSync() returns that instance's exports
// (memory included) without doing anything when the module is already loaded, as pkg/src/node.js did.
const wasmMemory = glueInitSync(undefined).memory;
const commerceFetch = createFetch();
const send = client === "commerce-fetch" ? (u) => commerceFetch(u) : (u) => fetch(u);

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
const before = await settle();
const started = performance.now();
await drive(send, url, requests, concurrency);
const seconds = (performance.now() - started) / 1000;
const after = await settle();
console.log(JSON.stringify({ client, requests, concurrency, seconds, before, after }));
