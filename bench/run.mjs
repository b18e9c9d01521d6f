// `make bench`: measures commerce-fetch beside raw fetch (with and without a cancelling timeout), ky and
// ofetch, in Node 20 (the machine's node) and Node 24 where the runtime matters, prints the machine's
// description and one table, and writes the same to BENCHMARKS.md. Nothing here is a pass/fail test: the
// targets lines say which targets the numbers of this run meet.
//
//   node bench/run.mjs            the full run (a few minutes)
//   node bench/run.mjs --quick    fewer rounds and requests, to check that everything works (not for quoting)
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { ensureNode24 } from "../tests/lib/node24.mjs";
import { requireBuild } from "../tests/lib/runner.mjs";
import { nodeColdStart } from "./cold.mjs";
import { median, repo, runJson, startServer } from "./lib.mjs";
import { packageSizes, wasmFeatureSizes } from "./size.mjs";
import { workerdColdStart } from "./workerd.mjs";

const quick = process.argv.includes("--quick");
const plan = quick
  ? {
      rounds: 3,
      levels: ["1:300", "64:1000", "512:1000"],
      failures: 100,
      memory: 10_000,
      memoryRetrying: 2_000,
      cold: 5,
      workerd: 3,
      browser: 3,
      extraLevel: "64:500",
    }
  : {
      rounds: 7,
      levels: ["1:1500", "64:4000", "512:4000"],
      failures: 300,
      memory: 100_000,
      memoryRetrying: 10_000,
      cold: 21,
      workerd: 15,
      browser: 21,
      extraLevel: "64:2000",
    };
const MEMORY_CONCURRENCY = 16;

requireBuild("bench");

const runStarted = performance.now();
const loadAtStart = os.loadavg();
const step = (what) =>
  console.error(`bench: ${what} (${((performance.now() - runStarted) / 1000).toFixed(0)} s)`);

// The two Node versions that throughput, the stub-fetch overhead and the cold start run in: the machine's
// node (which runs everything else too) and the pinned Node 24, installed on first use.
step("Node 24");
const nodeVersion = (binary) => {
  const child = spawnSync(binary, ["--version"], { encoding: "utf8" });
  if (child.status !== 0) throw new Error(`${binary} --version failed: ${child.stderr}`);
  return child.stdout.trim();
};
const runtimes = [process.execPath, await ensureNode24()].map((binary) => {
  const version = nodeVersion(binary);
  return { binary, version, label: `Node ${version.slice(1).split(".")[0]}` };
});
const [defaultRuntime, node24Runtime] = runtimes;

// ---------------------------------------------------------------------------------------------------
// Measurements. The server runs in its own process; each measurement that loads a library runs in a
// fresh process of its own, so that none inherits another's heap, JIT state or sockets.

const server = await startServer();
let failure;
let memory;
let extraRuns;
try {
  // The same server for both versions, one after the other (client and server share the cores).
  const throughputArgs = [server.origin, String(plan.rounds), ...plan.levels];
  for (const runtime of runtimes) {
    step(`success-path throughput, ${runtime.label}`);
    runtime.throughput = await runJson("throughput.mjs", throughputArgs, { node: runtime.binary });
  }
  // Beside the success path, in the machine's Node only: a server with 20 ms of latency, a caller signal
  // on every request, and aborts (one request in four aborted 5 ms in, against the 20 ms server).
  const extraLevel = plan.extraLevel;
  const extras = {
    "20 ms server latency": ["--path", "/slow?ms=20"],
    "a caller signal on every request": ["--signal"],
    "1 in 4 aborted after 5 ms, 20 ms latency": [
      "--path",
      "/slow?ms=20",
      "--abort-every",
      "4",
      "--abort-after",
      "5",
    ],
  };
  extraRuns = {};
  for (const [name, args] of Object.entries(extras)) {
    step(`throughput: ${name}`);
    extraRuns[name] = (
      await runJson("throughput.mjs", [server.origin, String(plan.rounds), ...args, extraLevel], {
        node: defaultRuntime.binary,
      })
    )[extraLevel.split(":")[0]];
  }
  step("failure path");
  failure = await runJson("failure.mjs", [server.origin, String(plan.failures)]);
  step("memory");
  memory = {};
  const memoryRuns = {
    fetch: plan.memory,
    "commerce-fetch": plan.memory,
    "commerce-fetch, retrying": plan.memoryRetrying,
  };
  for (const [client, requests] of Object.entries(memoryRuns)) {
    memory[client] = await runJson(
      "memory.mjs",
      [server.origin, client, String(requests), String(MEMORY_CONCURRENCY)],
      { nodeArgs: ["--expose-gc"] },
    );
  }
} finally {
  await server.stop();
}
for (const runtime of runtimes) {
  step(`stub-fetch overhead, ${runtime.label}`);
  runtime.overhead = await runJson("overhead.mjs", [], { node: runtime.binary });
}
step("interpret() rate");
const interpretRate = await runJson("interpret.mjs");
for (const runtime of runtimes) {
  step(`cold start in ${runtime.label}`);
  runtime.cold = await nodeColdStart(plan.cold, runtime.binary);
}
step("cold start in workerd");
const workerd = await workerdColdStart(plan.workerd);
step("package size");
const sizes = await packageSizes();
step("wasm size by feature (five release builds)");
const featureSizes = wasmFeatureSizes();
step("browser start in Chromium");
const browserStart = await runJson("browser-start.mjs", [String(plan.browser)]);
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

const NA = "–";
const FLOOR = "fetch + timeout"; // the client in lib.mjs that is the floor for cancelling wrappers
const rows = [];
/** One table row; `cells` names the columns that have a value, the others get NA. */
const row = (section, measure, { fetch = NA, floor = NA, ky = NA, ofetch = NA, cf = NA }, note = "") =>
  rows.push([section, measure, fetch, floor, ky, ofetch, cf, note]);
const targets = [];

const levels = plan.levels.map((level) => Number(level.split(":")[0]));
const requestsAt = (level) => plan.levels.find((l) => l.startsWith(`${level}:`)).split(":")[1];
for (const runtime of runtimes) {
  // Median req/s per concurrency and client.
  runtime.tp = {};
  for (const level of levels) {
    runtime.tp[level] = Object.fromEntries(
      Object.entries(runtime.throughput[level]).map(([client, rates]) => [client, median(rates)]),
    );
  }
}

/**
 * A client's req/s over another's, round by round (the rounds are interleaved, so each round's two
 * numbers saw the same machine): `{ median, min, max }`.
 */
const perRound = (rates, client, over) => {
  const ratios = rates[client].map((rate, round) => rate / rates[over][round]);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
};
const ratioRange = ({ median: m, min, max }) => `${ratio(m)} [${min.toFixed(2)}, ${max.toFixed(2)}]`;
const CLIENTS = { floor: FLOOR, ky: "ky", ofetch: "ofetch", cf: "commerce-fetch" };
const throughputRow = (section, measure, rates, note) => {
  const cells = { fetch: int(median(rates.fetch)) };
  for (const [column, client] of Object.entries(CLIENTS)) {
    cells[column] = `${int(median(rates[client]))} (${ratioRange(perRound(rates, client, "fetch"))})`;
  }
  row(section, measure, cells, note);
};

for (const { label, throughput } of runtimes) {
  for (const level of levels) {
    throughputRow(
      `Throughput, ${label}`,
      `concurrency ${level}: req/s (× fetch per round: median [range])`,
      throughput[level],
      `median of ${plan.rounds} rounds of ${requestsAt(level)} requests`,
    );
  }
}
for (const [name, rates] of Object.entries(extraRuns)) {
  throughputRow(
    `Throughput, ${defaultRuntime.label}`,
    `${name}, concurrency ${plan.extraLevel.split(":")[0]}: req/s (× fetch)`,
    rates,
    `median of ${plan.rounds} rounds of ${plan.extraLevel.split(":")[1]} requests`,
  );
}
for (const { label, overhead } of runtimes) {
  // The µs added per request on loopback were derived from two noisy medians and went negative from
  // run to run; the stub fetch measures a client's own cost without the network.
  const stubAdded = (variant) => us(overhead.addedUs[variant]);
  row(
    `Added time per request, ${label}`,
    "stub fetch, no network: µs per call",
    { floor: stubAdded(FLOOR), ky: stubAdded("ky"), cf: stubAdded("commerce-fetch") },
    `beyond the stub's own ${us(overhead.stubUs)}, which ignores the signal (the floor: controller and ` +
      "timer only); commerce-fetch with timeout and totalTimeout false: " +
      stubAdded("commerce-fetch, timeout: false, totalTimeout: false"),
  );
}

const f = failure.results;
const plannedWaitMs = failure.plannedWaitMs;
row(
  "Failure path (50% 503)",
  `${plan.failures} sequential requests: time`,
  { ky: ms(f.ky.ms), cf: ms(f["commerce-fetch"].ms) },
  `of which planned waits ${ms(plannedWaitMs)}`,
);
row(
  "Failure path (50% 503)",
  "attempts the server saw; ok / still 503",
  {
    ky: `${f.ky.attempts}; ${f.ky.ok} / ${f.ky.failed}`,
    cf: `${f["commerce-fetch"].attempts}; ${f["commerce-fetch"].ok} / ${f["commerce-fetch"].failed}`,
  },
  failure.settings,
);

const cf = sizes["commerce-fetch"];
const cfClient = sizes["commerce-fetch createClient"];
const cfExtras = sizes["commerce-fetch, then the extras"];
for (const kind of ["gzip", "brotli"]) {
  row(
    "Package size",
    `${kind}: bundled JS (+ .wasm)`,
    {
      ky: kb(sizes.ky.total[kind]),
      ofetch: kb(sizes.ofetch.total[kind]),
      cf: `${kb(cf.total[kind])} (${kb(cf.js[kind])} JS + ${kb(cf.wasm[kind])} wasm)`,
    },
    `${kind === "gzip" ? "esbuild --bundle --minify, browser; KB = 1024 bytes" : "brotli quality 11"}; ` +
      `createClient instead: ${kb(cfClient.total[kind])} (${kb(cfClient.js[kind])} JS + ` +
      `${kb(cfClient.wasm[kind])} wasm, the whole file); createFetch once it has met a first need of the ` +
      `extras: ${kb(cfExtras.total[kind])} (${kb(cfExtras.js[kind])} JS + ${kb(cfExtras.wasm[kind])} wasm, two files)`,
  );
}

{
  let before;
  for (const { name, features, gzip, brotli } of featureSizes) {
    const added = before === undefined || !name.startsWith("+") ? "" : `, +${kb(gzip - before)} gzip`;
    row(
      "wasm by feature",
      name,
      { cf: `${kb(gzip)} gzip, ${kb(brotli)} brotli${added}` },
      `cargo features: ${features.length > 0 ? features.join(", ") : "none"}; wasm-opt -Oz as make build`,
    );
    before = gzip;
  }
}

for (const { label, cold } of runtimes) {
  const c = cold["commerce-fetch"];
  const total = (kind) => `${ms(cold[kind].totalMs)} (import ${ms(cold[kind].importMs)})`;
  const over = (kind) => {
    const added = cold[kind].totalOverFetch;
    return `${ms(median(added))} [${Math.min(...added).toFixed(1)}, ${Math.max(...added).toFixed(1)}]`;
  };
  row(
    `Cold start, ${label}`,
    "import + first response, in-process",
    {
      fetch: `${ms(cold.none.totalMs)} (first response)`,
      ky: total("ky"),
      ofetch: total("ofetch"),
      cf: total("commerce-fetch"),
    },
    `over raw fetch per sample, median [range]: ky ${over("ky")}, ofetch ${over("ofetch")}, ` +
      `commerce-fetch ${over("commerce-fetch")}; median of ${plan.cold} fresh processes`,
  );
  row(
    `Cold start, ${label}`,
    "first interpret(429), after the import",
    { cf: ms(c.interpretMs) },
    "in the same processes",
  );
  row(
    `Cold start, ${label}`,
    "whole process, spawn to exit",
    {
      fetch: ms(cold.none.wallMs),
      ky: ms(cold.ky.wallMs),
      ofetch: ms(cold.ofetch.wallMs),
      cf: ms(c.wallMs),
    },
    "each script imports, sends one request and exits",
  );
}
row(
  "Cold start, workerd",
  "spawn to first response",
  { fetch: `${ms(workerd.withoutMs)} (worker without the package)`, cf: ms(workerd.withMs) },
  `the package adds ${ms(workerd.addedMs)} (difference of medians of ${workerd.samples}); ${workerd.version}`,
);

// Browser start: medians of the page's own times, and beside them the per-round differences (median and
// range) that the targets are judged on.
const spread = ({ median: m, min, max }) =>
  `${m >= 0 ? "+" : "−"}${Math.abs(m).toFixed(1)} [${min.toFixed(0)}, ${max.toFixed(0)}]`;
for (const [network, p] of Object.entries(browserStart.networks)) {
  const cfCell = (name, key) => `${ms(p[name][key].median)}`;
  row(
    `Browser start, ${network}`,
    "to the first createFetch() returning",
    {
      fetch: `${cfCell("fetch", "created")} (no library)`,
      ky: cfCell("ky", "created"),
      cf: cfCell("commerce-fetch", "created"),
    },
    `preload ${cfCell("commerce-fetch + preload", "created")}; blocking (before) ${cfCell("commerce-fetch, blocking", "created")}; ` +
      `over the page without a library: ky ${spread(p.ky.createdOverFetch)}, commerce-fetch ${spread(p["commerce-fetch"].createdOverFetch)} ms`,
  );
  row(
    `Browser start, ${network}`,
    "to the first response",
    { fetch: cfCell("fetch", "done"), ky: cfCell("ky", "done"), cf: cfCell("commerce-fetch", "done") },
    `preload ${cfCell("commerce-fetch + preload", "done")}; with a header ${cfCell("commerce-fetch, a header", "done")}; ` +
      `blocking (before) ${cfCell("commerce-fetch, blocking", "done")}; ` +
      `after ky's: commerce-fetch ${spread(p["commerce-fetch"].doneOverKy)}, with preload ${spread(p["commerce-fetch + preload"].doneOverKy)}, ` +
      `with a header ${spread(p["commerce-fetch, a header"].doneOverKy)} ms; ` +
      `median of ${browserStart.rounds} page views each, ${browserStart.chromium}`,
  );
}

row(
  "interpret()",
  "calls per second",
  { cf: int(interpretRate.callsPerSecond) },
  `median of ${interpretRate.batches} batches of ${int(interpretRate.batchSize)}, ${interpretRate.statuses} statuses in turn`,
);

const m = memory;
const retrying = m["commerce-fetch, retrying"];
const heapGrowth = (run) => run.after.heapUsed - run.before.heapUsed;
const wasmGrowth = (run) => run.after.wasm - run.before.wasm;
const beforeAfter = (run, key) => `${mb(run.before[key])} → ${mb(run.after[key])}`;
const heapCell = (run) => `${beforeAfter(run, "heapUsed")} (${signedMb(heapGrowth(run))})`;
row(
  "Memory",
  `JS heap after gc(), before → after ${int(plan.memory)} requests`,
  { fetch: heapCell(m.fetch), cf: heapCell(m["commerce-fetch"]) },
  `${MEMORY_CONCURRENCY} in flight, after 2,000 warm-up requests`,
);
row(
  "Memory",
  "wasm linear memory, before → after",
  { cf: beforeAfter(m["commerce-fetch"], "wasm") },
  "memory.buffer.byteLength",
);
row(
  "Memory",
  "RSS, before → after",
  { fetch: beforeAfter(m.fetch, "rss"), cf: beforeAfter(m["commerce-fetch"], "rss") },
  "for context: includes undici's sockets and buffers",
);
row(
  "Memory, retrying (50% 503)",
  `JS heap after gc(), before → after ${int(retrying.requests)} calls`,
  { cf: heapCell(retrying) },
  `GET /flaky, waits of 0 ms: ${int(retrying.attempts)} attempts; ${MEMORY_CONCURRENCY} in flight, ` +
    "after 2,000 warm-up calls",
);
row(
  "Memory, retrying (50% 503)",
  "wasm linear memory, before → after",
  { cf: `${beforeAfter(retrying, "wasm")} (${signedMb(wasmGrowth(retrying))})` },
  "each retried call keeps a retry history in wasm memory until it returns",
);

const header = [
  "Section",
  "Measure",
  "fetch",
  "fetch + 3 s timeout",
  "ky 2",
  "ofetch",
  "commerce-fetch",
  "Notes",
];
const escapeCell = (cell) => String(cell).replaceAll("|", "\\|");
const table = [
  `| ${header.join(" | ")} |`,
  `|${header.map(() => "---").join("|")}|`,
  ...rows.map((cells) => `| ${cells.map(escapeCell).join(" | ")} |`),
].join("\n");

// ---------------------------------------------------------------------------------------------------
// Targets.

const status = (met) => (met ? "met" : "NOT met");
// A target is met only where every round clears it, and missed only where no round does.
const judgeRange = (range, bound) =>
  range.min >= bound ? "met" : range.max < bound ? "NOT met" : "within noise";
for (const { label, throughput } of runtimes) {
  const parts = levels.map((level) => {
    const toFetch = perRound(throughput[level], "commerce-fetch", "fetch");
    const toKy = perRound(throughput[level], "commerce-fetch", "ky");
    return {
      level,
      verdicts: [judgeRange(toFetch, 0.97), judgeRange(toKy, 1)],
      text: `c=${level}: ${ratioRange(toFetch)} fetch, ${ratioRange(toKy)} ky`,
    };
  });
  const verdicts = parts.flatMap((part) => part.verdicts);
  const verdict = verdicts.includes("NOT met")
    ? "NOT met"
    : verdicts.every((v) => v === "met")
      ? "met"
      : "within noise";
  targets.push(
    `throughput ≥ 0.97× fetch and ≥ ky at every concurrency, per round, ${label}: ${verdict} ` +
      `(${parts.map((part) => part.text).join("; ")})`,
  );
}
const cfGzip = cf.total.gzip;
targets.push(
  `createFetch ≤ 25 KB gzip as esbuild ships it: ${status(cfGzip <= 25 * 1024)} ` +
    `(${kb(cfGzip)}: ${kb(cf.js.gzip)} JS + ${kb(cf.wasm.gzip)} commerce_fetch_lite_bg.wasm)`,
);
{
  const slow = browserStart.networks["100 ms RTT, 9 Mbit/s"];
  // Met only where the whole per-round range clears it; not met where the whole range misses it.
  const judge = (over, reference) =>
    over.max <= reference.min ? "met" : over.min > reference.max ? "not met" : "within noise";
  const added = slow["commerce-fetch"].createdOverFetch;
  targets.push(
    `browser start at 100 ms RTT, 9 Mbit/s: adds no more than ky to the first createFetch(): ` +
      `${judge(added, slow.ky.createdOverFetch)} (commerce-fetch ${spread(added)} ms, ky ${spread(slow.ky.createdOverFetch)} ms over no library)`,
  );
  const late = slow["commerce-fetch"].doneOverKy;
  const latePreload = slow["commerce-fetch + preload"].doneOverKy;
  const lateHeader = slow["commerce-fetch, a header"].doneOverKy;
  const zero = { min: 0, max: 0 };
  targets.push(
    `browser start at 100 ms RTT, 9 Mbit/s: first response no later than ky's: ` +
      `${judge(late, zero)} (${spread(late)} ms after ky's; with the wasm preloaded ${judge(latePreload, zero)}, ${spread(latePreload)} ms; ` +
      `a GET with a header ${judge(lateHeader, zero)}, ${spread(lateHeader)} ms)`,
  );
}
targets.push(
  "cold start ≤ 5 ms in Node (import + first interpret(429)): " +
    runtimes
      .map(({ label, cold }) => {
        const c = cold["commerce-fetch"];
        return `${label} ${status(c.importMs + c.interpretMs <= 5)} (${ms(c.importMs + c.interpretMs)})`;
      })
      .join(", "),
);
const successRun = m["commerce-fetch"];
const growth = heapGrowth(successRun) + wasmGrowth(successRun);
targets.push(
  `memory growth < 1 MB across ${int(plan.memory)} requests (success path): ${status(growth < 1024 * 1024)} ` +
    `(JS heap ${signedMb(heapGrowth(successRun))}, wasm ${signedMb(wasmGrowth(successRun))}); ` +
    `beside it, ${int(retrying.requests)} retrying calls (${int(retrying.attempts)} attempts): ` +
    `JS heap ${signedMb(heapGrowth(retrying))}, wasm ${signedMb(wasmGrowth(retrying))}`,
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
  `Node ${defaultRuntime.version} (the machine's \`node\`, used for every part) and ${node24Runtime.version} ` +
    "(npm's `node` package in .tools/node24, for throughput, stub-fetch overhead and cold start)",
  `ky ${kyVersion}, ofetch ${ofetchVersion}`,
  `Load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(loadAtEnd)}`,
  `Run took ${Math.round(runSeconds)} s${quick ? " (--quick: too few samples to quote)" : ""}; ${new Date().toISOString()}`,
];

const output = [...machine, "", table, "", "Targets:", ...targets.map((t) => `- ${t}`)].join("\n");
console.log(output);

const [n20, n24] = [defaultRuntime.label, node24Runtime.label];
const howMeasured = `## How this is measured

\`make bench\` runs \`node bench/run.mjs\`; each part runs in a fresh Node process, and commerce-fetch is
imported from the repository's \`pkg/dist/node.js\` (the package's Node entry, as built by \`make build\`),
except in the memory runs (below).

Throughput, the stub-fetch overhead and the Node cold start run twice, once in each Node version: ${n24}
(${node24Runtime.version}, npm's \`node\` package, installed into \`.tools/node24\` on first use) is the
current LTS; ${n20} (${defaultRuntime.version}) is past its end of life (April 2026) but is the machine's
default \`node\`, which runs every other part.

- **Throughput**: a Node \`http\` server on 127.0.0.1 in a separate process (keep-alive, a 113-byte
  JSON body). One client process per Node version runs \`fetch\` (Node's undici), "fetch + 3 s timeout",
  ky and commerce-fetch against the same server and route with the same request (\`GET /ok\`), reading
  every body (\`await res.text()\`). For each concurrency, one unmeasured warm-up round per client, then
  ${plan.rounds} rounds per client, interleaved (the order rotates each round); the table gives the median
  req/s and its ratio to fetch's median from the same process. commerce-fetch: \`createFetch()\` (preset
  "storefront": 2 retries, 3000 ms per attempt, 6000 ms total). ky: \`ky.create({ retry: { limit: 2 },
  timeout: 3000, totalTimeout: 6000 })\` (retry on, as by default).
- **fetch + 3 s timeout** is the floor for any wrapper that cancels a request on timeout, written in
  plain JavaScript: per call \`const c = new AbortController(); const t = setTimeout(() => c.abort(),
  3000); try { return await fetch(url, { signal: c.signal }); } finally { clearTimeout(t); }\`.
  commerce-fetch enforces its 3000 ms per-attempt timeout the same way (ky too, for its timeout), and
  handing undici a signal has a cost of its own (several µs per request in ${n20}; the floor's rows
  show what it costs in each version), so the floor, not raw fetch, is what a cancelling wrapper can
  reach. The targets compare with raw fetch and give the floor's ratio beside.
- **Throughput ratios**: each round runs every client once, in a rotating order, so each round's ratio
  to raw fetch compares numbers taken under the same load; the table gives the median of those per-round
  ratios and their range, and a target is met only where the whole range clears it (\`within noise\`
  where the range straddles it). Three more runs in the machine's Node, at concurrency
  ${plan.extraLevel.split(":")[0]}: a server that answers after 20 ms, a fresh caller \`AbortSignal\` on every
  request, and one request in four aborted 5 ms after it starts against the 20 ms server (the aborted
  ones count as done).
- **Added time per request**: the stub-fetch rows call each client ${int(defaultRuntime.overhead.calls)} times in
  sequence with a \`fetch\` that resolves at once with a new \`Response\` (ky's and commerce-fetch's
  \`fetch\` option; the floor's fetch), and subtract the time of calling the stub directly: the wrapper's
  own CPU cost, without sockets. The stub ignores the signal, so there the floor is only the
  AbortController and the timer. (The µs derived from loopback req/s are not shown: two noisy medians
  made them negative from one run to the next.)
- **Failure path**: \`GET /flaky\` answers 503 to half the attempts, from a seeded generator, reset
  before each client so both see the same sequence. ${plan.failures} requests one after another through
  each client; the server counts the attempts. ${failure.settings}. "Planned waits" is the sum of the
  backoff waits those attempts call for (from commerce-fetch's \`retryInfo()\`); the rest is the cost of
  the requests and of the clients.
- **Package size**: a one-line entry per library (\`export { createFetch } from "commerce-fetch"\`,
  \`export { default } from "ky"\`, \`export { ofetch } from "ofetch"\`) bundled by esbuild
  (\`--bundle --minify --format=esm --platform=browser\`; commerce-fetch resolved to \`pkg/src/browser.js\`,
  what its "browser" export condition selects), then gzip level 9 and brotli quality 11 (node:zlib).
  esbuild splits the code as Vite does (\`--splitting\`), and the package's \`sideEffects\` let it leave
  out what a page does not import. commerce-fetch's bundle fetches \`commerce_fetch_lite_bg.wasm\`
  separately; its size, compressed on its own, is added. The createClient figure bundles
  \`export { createClient } from "commerce-fetch"\` and adds \`commerce_fetch_bg.wasm\` (everything), which
  such a page loads instead; the "extras" figure adds, to createFetch's, the chunk and
  \`commerce_fetch_extras_bg.wasm\` a page fetches on first need (\`protect\`, a failed GraphQL POST).
  KB = 1024 bytes.
- **Cold start, Node**: in each Node version, ${plan.cold} fresh \`node\` processes per library,
  interleaved (one more first round, not counted, warms the file cache). Each imports its library (raw
  fetch imports nothing) and gets its first response from the bench server, timed with
  \`performance.now()\` in the process: measured the same way for everyone, since most of a first
  request's cost is Node starting fetch, which every library pays. commerce-fetch's process also times
  its first \`interpret(429)\` after the import. Whole process: spawn to exit as the parent sees it.
- **Browser start**: headless Chromium; a page per library bundled by esbuild (minified) and served
  gzip-compressed from its own origin, one fresh browser context per view with the cache off, every page
  once per round in a rotating order, ${plan.browser} rounds, on loopback and with Chromium's network
  emulation at 100 ms round trip and 9 Mbit/s. The page's own \`performance.now()\` (from the start of the
  navigation) when its first \`createFetch()\` (ky: \`ky.create()\`) has returned and when its first
  response's body has been read. commerce-fetch's page sends a GET with no headers, which goes before
  the wasm arrives; "a header" sends it with an \`Accept\` header, which goes before it too (following no
  redirect until the core has said whether the header is a credential). "preload"
  adds a \`<link rel="preload" as="fetch">\` for the .wasm to the HTML; "blocking (before)" loads the
  wasm with \`await init()\` before the first call, as the browser entry did before issue 15.
- **wasm by feature**: the release wasm built with the cargo features that select its exports (createFetch
  alone, then with \`interpret()\`'s texts, createClient's body readers and \`protect\`, all in one file),
  through wasm-bindgen and \`wasm-opt -Oz\` as \`make build\` does. The package ships the first row
  (\`commerce_fetch_lite_bg.wasm\`), the fourth (\`commerce_fetch_bg.wasm\`) and the last
  (\`commerce_fetch_extras_bg.wasm\`, which repeats the code both use, such as the allocator).
- **Cold start, workerd**: workerd's clock stands still while JavaScript runs, so a worker cannot time
  its own import. Two workers bundled as wrangler does (workerd conditions, the .wasm as its own
  module): one imports commerce-fetch and answers \`interpret(429)\`, the other answers the same JSON
  without the package. For each, the time from spawning \`workerd serve\` to the first 200 (polled
  about every millisecond), ${plan.workerd} runs each, interleaved; the difference of the medians is
  what the package adds (compiling the wasm, evaluating the JS, the first call).
- **interpret()**: a loop over ${interpretRate.statuses} statuses in one process, a warm-up batch, then
  the median of ${interpretRate.batches} batches of ${int(interpretRate.batchSize)} calls.
- **Memory**: one process per run with \`--expose-gc\`: 2,000 warm-up requests, then \`gc()\` (twice)
  and \`process.memoryUsage()\` plus the wasm memory's \`buffer.byteLength\`, then the requests with
  ${MEMORY_CONCURRENCY} in flight, then the same reading. To reach the wasm memory, these runs import
  commerce-fetch from the unbundled \`pkg/lib/api.js\`, which shares the wasm-bindgen glue module
  \`pkg/dist/commerce_fetch.js\` with the script (the package's entries use a bundle with its own copy):
  after the library's \`initSync()\`, the glue's \`initSync()\` returns the loaded instance's exports.
  Success path: ${int(plan.memory)} requests to \`GET /ok\`, raw fetch measured the same way for
  comparison; the target is about this run. Retrying: ${int(retrying.requests)} calls to \`GET /flaky\`
  through \`createFetch({ retry: { backoff: { baseMs: 0, maxMs: 0 } } })\`, so that the calls that get a
  503 are retried at once and each makes a retry history in the wasm's memory; the server counts the
  attempts.

\`node bench/breakdown.mjs\` (not part of \`make bench\`) splits commerce-fetch's success-path cost: raw fetch
with the same per-attempt AbortController, timer and signal written in plain JavaScript, and
commerce-fetch with its timeouts off, interleaved with raw fetch and commerce-fetch.

The machine has ${os.availableParallelism()} cores and client and server share them, so absolute numbers
are noisy; ratios come from one process, side by side. No number in this file is typed by hand:
\`bench/run.mjs\` rewrites it.
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
