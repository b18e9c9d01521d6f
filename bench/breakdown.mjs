// Diagnostic, not part of `make bench`: where commerce-fetch's success-path cost goes. Runs, interleaved
// against the same loopback route, raw fetch; raw fetch with what commerce-fetch does per attempt for
// its timeout, written in plain JavaScript (an AbortController, a setTimeout cleared when the headers
// arrive, the signal passed in a copied init); commerce-fetch as configured by default; and
// commerce-fetch with both timeouts off. Also AbortSignal.timeout(), a cheaper way to the same signal? Prints req/s medians and the added µs per request.
//
//   node bench/breakdown.mjs [rounds] [concurrency:requests ...]
import { createFetch } from "../pkg/dist/node.js";
import { drive, median, startServer } from "./lib.mjs";

const [roundsArg = "7", ...levelArgs] = process.argv.slice(2);
const rounds = Number(roundsArg);
const levels = levelArgs.length ? levelArgs : ["1:1500", "64:4000"];

const withDefaults = createFetch();
const withoutTimeouts = createFetch({ timeout: false, totalTimeout: false });
const variants = {
  fetch: (url) => fetch(url),
  "fetch + AbortController, setTimeout, signal": async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 3000);
    try {
      return await fetch(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  },
  "fetch + AbortSignal.timeout(3000)": (url, init) =>
    fetch(url, { ...init, signal: AbortSignal.timeout(3000) }),
  "fetch + setTimeout only": async (url) => {
    const timer = setTimeout(() => {}, 3000);
    try {
      return await fetch(url);
    } finally {
      clearTimeout(timer);
    }
  },
  "commerce-fetch (defaults)": (url) => withDefaults(url),
  "commerce-fetch, timeout: false, totalTimeout: false": (url) => withoutTimeouts(url),
};

const server = await startServer();
const url = `${server.origin}/ok`;
const entries = Object.entries(variants);
try {
  for (const level of levels) {
    const [concurrency, total] = level.split(":").map(Number);
    for (const [, send] of entries) await drive(send, url, total, concurrency);
    const rates = Object.fromEntries(entries.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < entries.length; i++) {
        const [name, send] = entries[(round + i) % entries.length];
        rates[name].push(total / (await drive(send, url, total, concurrency)));
      }
    }
    const base = median(rates.fetch);
    console.log(`concurrency ${concurrency}, ${rounds} rounds of ${total}:`);
    for (const [name] of entries) {
      const rate = median(rates[name]);
      const added = (1 / rate - 1 / base) * 1e6;
      console.log(
        `  ${name.padEnd(52)} ${Math.round(rate).toString().padStart(6)} req/s  ${(rate / base).toFixed(2)}×  ${added.toFixed(1).padStart(6)} µs`,
      );
    }
  }
} finally {
  await server.stop();
}
