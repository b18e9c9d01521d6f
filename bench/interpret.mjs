// interpret() calls per second from JavaScript: a tight loop over a mix of statuses, after a warm-up;
// the median of several batches. Prints JSON: { callsPerSecond, batches, batchSize, statuses }.
import { interpret } from "../pkg/dist/node.js";

const statuses = [200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504, 418, 299];
const batchSize = 100_000;
const batches = 9;

let sink = 0;
const batch = () => {
  const started = performance.now();
  for (let i = 0; i < batchSize; i++) sink += interpret(statuses[i & 15]).remedies.length;
  return batchSize / ((performance.now() - started) / 1000);
};
batch(); // warm-up
const rates = [];
for (let i = 0; i < batches; i++) rates.push(batch());
rates.sort((a, b) => a - b);
if (sink === 0) throw new Error("interpret() returned no remedies");
console.log(
  JSON.stringify({ callsPerSecond: rates[batches >> 1], batches, batchSize, statuses: statuses.length }),
);
