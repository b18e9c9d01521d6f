// CPU cost per call with no network: each client wraps a stub fetch that resolves at once with a new
// Response, and calls are made one after another. The cost of the stub itself is measured the same way
// and subtracted. Diagnostic: it isolates the wrapper's own work from the socket and the server. The stub
// ignores signals, so "fetch + timeout" here is only the AbortController and the timer, not what undici
// does with the signal.
// Prints JSON: { calls, rounds, stubUs, addedUs: { [variant]: µs per call beyond the stub's } }.
import ky from "ky";
import { createFetch } from "../pkg/dist/node.js";
import { withTimeout } from "./lib.mjs";

const stub = () => Promise.resolve(new Response("{}"));
const kyClient = ky.create({ fetch: stub, retry: { limit: 2 }, timeout: 3000, totalTimeout: 6000 });
const variants = {
  stub,
  "fetch + timeout": withTimeout(stub, 3000),
  "commerce-fetch": createFetch({ fetch: stub }),
  "commerce-fetch, timeout: false, totalTimeout: false": createFetch({
    fetch: stub,
    timeout: false,
    totalTimeout: false,
  }),
  ky: (url) => kyClient(url),
};
const url = "http://127.0.0.1:9/ok";
const calls = 20_000;
const rounds = 7;

async function batch(send) {
  const started = performance.now();
  for (let i = 0; i < calls; i++) await send(url);
  return ((performance.now() - started) * 1000) / calls;
}

const entries = Object.entries(variants);
for (const [, send] of entries) await batch(send);
const times = Object.fromEntries(entries.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < entries.length; i++) {
    const [name, send] = entries[(round + i) % entries.length];
    times[name].push(await batch(send));
  }
}
const med = (values) => values.sort((a, b) => a - b)[values.length >> 1];
const base = med(times.stub);
const result = {};
for (const [name] of entries) if (name !== "stub") result[name] = med(times[name]) - base;
console.log(JSON.stringify({ calls, rounds, stubUs: base, addedUs: result }));
