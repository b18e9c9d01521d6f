// Success-path throughput: raw fetch, raw fetch with a cancelling timeout, ky and commerce-fetch (see
// clients() in lib.mjs) against the same loopback route, in one process, in interleaved rounds (the order
// rotates each round). One unmeasured warm-up round per client and concurrency first.
// Prints JSON: { [concurrency]: { [client]: [req/s per round] } }.
//
//   node bench/throughput.mjs <origin> <rounds> <concurrency>:<requests per round> ...
import { clients, drive } from "./lib.mjs";

const [origin, roundsArg, ...levels] = process.argv.slice(2);
const rounds = Number(roundsArg);
const url = `${origin}/ok`;
const all = Object.entries(await clients());
const results = {};
for (const level of levels) {
  const [concurrency, total] = level.split(":").map(Number);
  const perClient = Object.fromEntries(all.map(([name]) => [name, []]));
  for (const [, send] of all) await drive(send, url, total, concurrency);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const [name, send] = all[(round + i) % all.length];
      const seconds = await drive(send, url, total, concurrency);
      perClient[name].push(total / seconds);
    }
  }
  results[concurrency] = perClient;
}
console.log(JSON.stringify(results));
