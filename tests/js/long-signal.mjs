// Child of memory.test.mjs (run with --expose-gc): many calls under one long-lived caller signal, each
// with the package's own attempt timeout, in batches with a turn of the event loop between them as
// network I/O would give. Prints the heap after a full collection after the first tenth of the calls
// and at the end, as JSON.
import { createFetch } from "../../pkg/dist/node.js";

const CALLS = Number(process.argv[2] ?? 200_000);
const BATCH = 100;
const WARM = Math.floor(CALLS / 10);
const controller = new AbortController();
// Like fetch, the stand-in listens to the signal it is given.
const commerceFetch = createFetch({
  fetch: async (_input, init) => {
    init.signal.addEventListener("abort", () => {});
    return new Response("");
  },
  timeout: 60_000,
});

async function settledHeap() {
  for (let i = 0; i < 4; i += 1) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return process.memoryUsage().heapUsed;
}

let warm;
for (let i = 0; i < CALLS; i += BATCH) {
  const batch = [];
  for (let j = 0; j < BATCH; j += 1) {
    batch.push(commerceFetch("https://example.invalid/p", { signal: controller.signal }));
  }
  await Promise.all(batch);
  await new Promise((resolve) => setImmediate(resolve));
  if (i + BATCH === WARM) warm = await settledHeap();
}
const end = await settledHeap();
console.log(JSON.stringify({ calls: CALLS, warm, end, perCall: (end - warm) / (CALLS - WARM) }));
