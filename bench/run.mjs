// `make bench`: measures commerce-fetch beside raw fetch, ky and ofetch, prints the machine's description
// and one table, and writes the same to BENCHMARKS.md. Nothing here is a pass/fail test: the targets
// line says which targets the numbers of this run meet.
//
//   node bench/run.mjs            the full run (a few minutes)
//   node bench/run.mjs --quick    fewer rounds and requests, to check that everything works (not for quoting)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { nodeColdStart } from "./cold.mjs";
import { median, repo, runJson, startServer } from "./lib.mjs";
import { packageSizes } from "./size.mjs";
import { workerdColdStart } from "./workerd.mjs";

const quick = process.argv.includes("--quick");
const plan = quick
  ? {
      rounds: 3,
      levels: ["1:300", "64:1000", "512:1000"],
      failures: 100,
      memory: 10_000,
      cold: 5,
      workerd: 3,
    }
  : {
      rounds: 7,
      levels: ["1:1500", "64:4000", "512:4000"],
      failures: 300,
      memory: 100_000,
      cold: 21,
      workerd: 15,
    };
const MEMORY_CONCURRENCY = 16;

for (const file of ["pkg/dist/commerce_fetch.js", "pkg/dist/commerce_fetch_bg.wasm"]) {
  if (!existsSync(join(repo, file))) throw new Error(`${file} is missing: run \`make build\` first`);
}

const runStarted = performance.now();
const loadAtStart = os.loadavg();
const step = (what) =>
  console.error(`bench: ${what} (${((performance.now() - runStarted) / 1000).toFixed(0)} s)`);

// ---------------------------------------------------------------------------------------------------
// Measurements. The server runs in its own process; each measurement that loads a library runs in a
// fresh process of its own, so that none inherits another's heap, JIT state or sockets.

const server = await startServer();
let throughput;
let failure;
let memory;
try {
  step("success-path throughput");
  throughput = await runJson("throughput.mjs", [server.origin, String(plan.rounds), ...plan.levels]);
  step("failure path");
  failure = await runJson("failure.mjs", [server.origin, String(plan.failures)]);
  step("memory");
  memory = {};
  for (const client of ["fetch", "commerce-fetch"]) {
    memory[client] = await runJson(
      "memory.mjs",
      [server.origin, client, String(plan.memory), String(MEMORY_CONCURRENCY)],
      ["--expose-gc"],
    );
  }
} finally {
  await server.stop();
}
step("stub-fetch overhead");
const overhead = await runJson("overhead.mjs");
step("interpret() rate");
const interpretRate = await runJson("interpret.mjs");
step("cold start in Node");
const cold = nodeColdStart(plan.cold);
step("cold start in workerd");
const workerd = await workerdColdStart(plan.workerd);
step("package size");
const sizes = await packageSizes();
const loadAtEnd = os.loadavg();
const runSeconds = (performance.now() - runStarted) / 1000;

// ---------------------------------------------------------------------------------------------------
// The table.

const int = (n) => Math.round(n).toLocaleString("en-US");
const ms = (n) => `${n.toFixed(1)} ms`;
const us = (n) => `${n.toFixed(1)} µs`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const signedMb = (bytes) => `${bytes >= 0 ? "+" : "−"}${mb(Math.abs(bytes))}`;
const ratio = (n) => `${n.toFixed(2)}×`;

const rows = [];
const row = (section, measure, cells, note = "") => rows.push([section, measure, ...cells, note]);
const NA = "–";
const targets = [];

const levels = plan.levels.map((level) => Number(level.split(":")[0]));
const tp = {};
for (const level of levels) {
  tp[level] = Object.fromEntries(
    Object.entries(throughput[level]).map(([client, rates]) => [client, median(rates)]),
  );
}
let throughputMet = true;
const worstRatio = { value: Infinity, level: 0 };
for (const level of levels) {
  const t = tp[level];
  const r = (client) => t[client] / t.fetch;
  const requests = plan.levels.find((l) => l.startsWith(`${level}:`)).split(":")[1];
  row(
    "Throughput",
    `concurrency ${level}: req/s (× fetch)`,
    [
      int(t.fetch),
      `${int(t.ky)} (${ratio(r("ky"))})`,
      NA,
      `${int(t["commerce-fetch"])} (${ratio(r("commerce-fetch"))})`,
    ],
    `median of ${plan.rounds} rounds of ${requests} requests`,
  );
  if (r("commerce-fetch") < 0.97 || t["commerce-fetch"] < t.ky) throughputMet = false;
  if (r("commerce-fetch") < worstRatio.value)
    Object.assign(worstRatio, { value: r("commerce-fetch"), level });
}
for (const level of levels) {
  const t = tp[level];
  const added = (client) => (1 / t[client] - 1 / t.fetch) * 1e6;
  row(
    "Added time per request",
    level === 1 ? "concurrency 1: µs per request" : `concurrency ${level}: µs of client time per request`,
    [NA, us(added("ky")), NA, us(added("commerce-fetch"))],
    "(1/req/s − 1/req/s of fetch), from the medians above",
  );
}
row(
  "Added time per request",
  "stub fetch, no network: µs per call",
  [NA, us(overhead.addedUs.ky), NA, us(overhead.addedUs["commerce-fetch"])],
  `beyond the stub's own ${us(overhead.stubUs)}; with timeout and totalTimeout false: ` +
    us(overhead.addedUs["commerce-fetch, timeout: false, totalTimeout: false"]),
);

const f = failure.results;
const plannedWaitMs = failure.plannedWaitMs;
row(
  "Failure path (50% 503)",
  `${plan.failures} sequential requests: time`,
  [NA, ms(f.ky.ms), NA, ms(f["commerce-fetch"].ms)],
  `of which planned waits ${ms(plannedWaitMs)}`,
);
row(
  "Failure path (50% 503)",
  "attempts the server saw; ok / still 503",
  [
    NA,
    `${f.ky.attempts}; ${f.ky.ok} / ${f.ky.failed}`,
    NA,
    `${f["commerce-fetch"].attempts}; ${f["commerce-fetch"].ok} / ${f["commerce-fetch"].failed}`,
  ],
  failure.settings,
);

const cf = sizes["commerce-fetch"];
for (const kind of ["gzip", "brotli"]) {
  row(
    "Package size",
    `${kind}: bundled JS (+ .wasm)`,
    [
      NA,
      kb(sizes.ky.total[kind]),
      kb(sizes.ofetch.total[kind]),
      `${kb(cf.total[kind])} (${kb(cf.js[kind])} JS + ${kb(cf.wasm[kind])} wasm)`,
    ],
    kind === "gzip" ? "esbuild --bundle --minify, browser; KB = 1024 bytes" : "brotli quality 11",
  );
}

row(
  "Cold start, Node",
  "import + first interpret(429), in-process",
  [NA, `${ms(cold.ky.importMs)} (import only)`, NA, ms(cold["commerce-fetch"].totalMs)],
  `commerce-fetch: import ${ms(cold["commerce-fetch"].importMs)}, first call ${ms(
    cold["commerce-fetch"].firstCallMs,
  )}; median of ${plan.cold} fresh processes`,
);
row(
  "Cold start, Node",
  "whole process, spawn to exit",
  [`${ms(cold.none.wallMs)} (empty script)`, ms(cold.ky.wallMs), NA, ms(cold["commerce-fetch"].wallMs)],
  `commerce-fetch adds ${ms(cold["commerce-fetch"].wallMs - cold.none.wallMs)} to an empty script`,
);
row(
  "Cold start, workerd",
  "spawn to first response",
  [`${ms(workerd.withoutMs)} (worker without the package)`, NA, NA, ms(workerd.withMs)],
  `the package adds ${ms(workerd.addedMs)} (difference of medians of ${workerd.samples}); ${workerd.version}`,
);

row(
  "interpret()",
  "calls per second",
  [NA, NA, NA, int(interpretRate.callsPerSecond)],
  `median of ${interpretRate.batches} batches of ${int(interpretRate.batchSize)}, ${interpretRate.statuses} statuses in turn`,
);

const m = memory;
const heapGrowth = (client) => m[client].after.heapUsed - m[client].before.heapUsed;
const wasmGrowth = m["commerce-fetch"].after.wasm - m["commerce-fetch"].before.wasm;
row(
  "Memory",
  `JS heap after gc(), before → after ${int(plan.memory)} requests`,
  [
    `${mb(m.fetch.before.heapUsed)} → ${mb(m.fetch.after.heapUsed)} (${signedMb(heapGrowth("fetch"))})`,
    NA,
    NA,
    `${mb(m["commerce-fetch"].before.heapUsed)} → ${mb(m["commerce-fetch"].after.heapUsed)} (${signedMb(
      heapGrowth("commerce-fetch"),
    )})`,
  ],
  `${MEMORY_CONCURRENCY} in flight, after 2,000 warm-up requests`,
);
row(
  "Memory",
  "wasm linear memory, before → after",
  [NA, NA, NA, `${mb(m["commerce-fetch"].before.wasm)} → ${mb(m["commerce-fetch"].after.wasm)}`],
  "memory.buffer.byteLength",
);
row(
  "Memory",
  "RSS, before → after",
  [
    `${mb(m.fetch.before.rss)} → ${mb(m.fetch.after.rss)}`,
    NA,
    NA,
    `${mb(m["commerce-fetch"].before.rss)} → ${mb(m["commerce-fetch"].after.rss)}`,
  ],
  "for context: includes undici's sockets and buffers",
);

const header = ["Section", "Measure", "fetch", "ky 2", "ofetch", "commerce-fetch", "Notes"];
const escapeCell = (cell) => String(cell).replaceAll("|", "\\|");
const table = [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map((cells) => `| ${cells.map(escapeCell).join(" | ")} |`),
].join("\n");

// ---------------------------------------------------------------------------------------------------
// Targets.

const status = (met) => (met ? "met" : "NOT met");
const cfCold = cold["commerce-fetch"].totalMs;
const cfGzip = cf.total.gzip;
const growth = heapGrowth("commerce-fetch") + wasmGrowth;
targets.push(
  `throughput ≥ 0.97× fetch and ≥ ky at every concurrency: ${status(throughputMet)} ` +
    `(lowest ${ratio(worstRatio.value)} fetch, at concurrency ${worstRatio.level}; ` +
    levels.map((l) => `c=${l}: ${ratio(tp[l]["commerce-fetch"] / tp[l].ky)} ky`).join(", ") +
    ")",
  `package ≤ 25 KB gzip: ${status(cfGzip <= 25 * 1024)} (${kb(cfGzip)})`,
  `cold start ≤ 5 ms in Node: ${status(cfCold <= 5)} (${ms(cfCold)})`,
  `memory growth < 1 MB across ${int(plan.memory)} requests: ${status(growth < 1024 * 1024)} ` +
    `(JS heap ${signedMb(heapGrowth("commerce-fetch"))}, wasm ${signedMb(wasmGrowth)})`,
);

// ---------------------------------------------------------------------------------------------------
// The machine.

const distro = (() => {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1];
  } catch {
    return undefined;
  }
})();
const load = (l) => l.map((n) => n.toFixed(2)).join(" ");
const kyVersion = JSON.parse(readFileSync(join(repo, "node_modules/ky/package.json"), "utf8")).version;
const ofetchVersion = JSON.parse(
  readFileSync(join(repo, "node_modules/ofetch/package.json"), "utf8"),
).version;
const machine = [
  `CPU: ${os.cpus()[0]?.model ?? "unknown"}, ${os.availableParallelism()} cores`,
  `RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
  `OS: ${distro ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`,
  `Node ${process.version}; ky ${kyVersion}, ofetch ${ofetchVersion}`,
  `Load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(loadAtEnd)}`,
  `Run took ${Math.round(runSeconds)} s${quick ? " (--quick: too few samples to quote)" : ""}; ${new Date().toISOString()}`,
];

const output = [...machine, "", table, "", "Targets:", ...targets.map((t) => `- ${t}`)].join("\n");
console.log(output);

const howMeasured = `## How this is measured

\`make bench\` runs \`node bench/run.mjs\`; each part runs in a fresh Node process, and commerce-fetch is
imported from the repository's \`pkg/src/node.js\` (the package's Node entry, as built by \`make build\`).

- **Throughput**: a Node \`http\` server on 127.0.0.1 in a separate process (keep-alive, a 113-byte
  JSON body). One client process runs \`fetch\` (Node's undici), ky and commerce-fetch against the same
  route with the same request (\`GET /ok\`), reading every body (\`await res.text()\`). For each
  concurrency, one unmeasured warm-up round per client, then ${plan.rounds} rounds per client,
  interleaved (the order rotates each round); the table gives the median req/s and its ratio to
  fetch's median from the same run. commerce-fetch: \`createFetch()\` (preset "storefront": 2 retries,
  3000 ms per attempt, 6000 ms total). ky: \`ky.create({ retry: { limit: 2 }, timeout: 3000,
  totalTimeout: 6000 })\` (retry on, as by default).
- **Added time per request**: \`(1 / req/s of the client − 1 / req/s of fetch) × 10⁶\`, from the
  medians above. At concurrency 1 that is latency added to each request; at higher concurrency it is the
  client time each request costs. The stub-fetch row calls each client ${int(overhead.calls)} times in sequence
  with a \`fetch\` that resolves at once with a new \`Response\` (ky's and commerce-fetch's \`fetch\`
  option), and subtracts the time of calling the stub directly: the wrapper's own CPU cost, without
  sockets.
- **Failure path**: \`GET /flaky\` answers 503 to half the attempts, from a seeded generator, reset
  before each client so both see the same sequence. ${plan.failures} requests one after another through
  each client; the server counts the attempts. ${failure.settings}. "Planned waits" is the sum of the
  backoff waits those attempts call for (from commerce-fetch's \`retryInfo()\`); the rest is the cost of
  the requests and of the clients.
- **Package size**: a one-line entry per library (\`export { createFetch } from "commerce-fetch"\`,
  \`export { default } from "ky"\`, \`export { ofetch } from "ofetch"\`) bundled by esbuild
  (\`--bundle --minify --format=esm --platform=browser\`; commerce-fetch resolved to \`pkg/src/browser.js\`,
  what its "browser" export condition selects), then gzip level 9 and brotli quality 11 (node:zlib).
  commerce-fetch's bundle fetches \`commerce_fetch_bg.wasm\` separately; its size, compressed on its
  own, is added. KB = 1024 bytes.
- **Cold start, Node**: ${plan.cold} fresh \`node\` processes per library, interleaved (one more
  first round, not counted, warms the file cache). In-process: \`performance.now()\` around
  \`await import()\` and the first \`interpret(429)\`. Whole process: spawn to exit as the parent sees
  it, beside an empty script.
- **Cold start, workerd**: workerd's clock stands still while JavaScript runs, so a worker cannot time
  its own import. Two workers bundled as wrangler does (workerd conditions, the .wasm as its own
  module): one imports commerce-fetch and answers \`interpret(429)\`, the other answers the same JSON
  without the package. For each, the time from spawning \`workerd serve\` to the first 200 (polled
  about every millisecond), ${plan.workerd} runs each, interleaved; the difference of the medians is
  what the package adds (compiling the wasm, evaluating the JS, the first call).
- **interpret()**: a loop over ${interpretRate.statuses} statuses in one process, a warm-up batch, then
  the median of ${interpretRate.batches} batches of ${int(interpretRate.batchSize)} calls.
- **Memory**: one process per client run with \`--expose-gc\`: 2,000 warm-up requests, then \`gc()\`
  (twice) and \`process.memoryUsage()\` plus the wasm memory's \`buffer.byteLength\` (the glue's
  \`initSync()\` returns the loaded instance's exports), then ${int(plan.memory)} requests with
  ${MEMORY_CONCURRENCY} in flight, then the same reading. Raw fetch is measured the same way for
  comparison.

\`node bench/breakdown.mjs\` (not part of \`make bench\`) splits commerce-fetch's success-path cost: raw fetch
with the same per-attempt AbortController, timer and signal written in plain JavaScript, and
commerce-fetch with its timeouts off, interleaved with raw fetch and commerce-fetch.

The machine has 2 cores and client and server share them, so absolute numbers are noisy; ratios come
from one run, side by side. No number in this file is typed by hand: \`bench/run.mjs\` rewrites it.
`;

writeFileSync(
  join(repo, "BENCHMARKS.md"),
  `# Benchmarks

The latest \`make bench\` run.

${machine.map((line) => `- ${line}`).join("\n")}

${table}

**Targets**

${targets.map((t) => `- ${t}`).join("\n")}

${howMeasured}`,
);
console.error(`bench: wrote BENCHMARKS.md (${Math.round(runSeconds)} s)`);
