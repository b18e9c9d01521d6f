// Success-path throughput: raw fetch, raw fetch with a cancelling timeout, ky and commerce-fetch (see
// clients() in lib.mjs) against the same loopback route, in one process, in interleaved rounds (the order
// rotates each round). One unmeasured warm-up round per client and concurrency first.
// Prints JSON: { [concurrency]: { [client]: [req/s per round] } }.
//
//   node bench/throughput.mjs <origin> <rounds> [--path /slow?ms=20] [--signal] [--abort-every N
//                             --abort-after MS] <concurrency>:<requests per round> ...
import { parseArgs } from "node:util";
import { clients, drive } from "./lib.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: "string", default: "/ok" },
    signal: { type: "boolean", default: false },
    "abort-every": { type: "string", default: "0" },
    "abort-after": { type: "string", default: "0" },
  },
});
const [origin, roundsArg, ...levels] = positionals;
const rounds = Number(roundsArg);
const url = `${origin}${values.path}`;
const options = {
  signal: values.signal,
  abortEvery: Number(values["abort-every"]),
  abortAfterMs: Number(values["abort-after"]),
};
const all = Object.entries(await clients());
const results = {};
for (const level of levels) {
  const [concurrency, total] = level.split(":").map(Number);
  const perClient = Object.fromEntries(all.map(([name]) => [name, []]));
  for (const [, send] of all) await drive(send, url, total, concurrency, options);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const [name, send] = all[(round + i) % all.length];
      const seconds = await drive(send, url, total, concurrency, options);
      perClient[name].push(total / seconds);
    }
  }
  results[concurrency] = perClient;
}
console.log(JSON.stringify(results));
