// `make bench`, second part: what `protect` does for the store, side by side in one run, against the
// emulator in a process of its own with BigCommerce's quota (150 requests a window) and its window
// scaled by TIME_SCALE (30 s → 3 s), so that a run takes minutes, not hours.
//
//   node bench/protect.mjs            both scenarios, printed and written into BENCHMARKS.md
//   node bench/protect.mjs --quick    one concurrency level and a shorter outage (not for quoting)
//
// Burst: 500 calls issued at once, at most 50 (then 200) in flight at a time, through each client.
// Columns: 429s the clients received, requests the server saw, calls that failed, the time to finish,
// and the ideal the quota allows (the last 50 may go when the fourth window opens: 3 windows).
// Outage: the store answers 503 to everything for 30 s (scaled); 50 loops call it until it ends.
// Amplification is requests seen ÷ calls made.
//
// Each row has ROW_LIMIT_MS: calls still running then are aborted and counted as failed, and the time
// reads "> limit" (the background preset's minute-long waits after repeated 429s would take hours).
import { spawn } from "node:child_process";
import { setMaxListeners } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ky from "ky";
import { createFetch } from "../pkg/dist/node.js";
import { ACCESS_TOKEN, STORE_HASH } from "../tests/emulator/credentials.mjs";
import { repo } from "./lib.mjs";

const quick = process.argv.includes("--quick");
const TIME_SCALE = 0.1;
const WINDOW_MS = 30_000 * TIME_SCALE;
const QUOTA = 150;
const CALLS = 500;
const LEVELS = quick ? [50] : [50, 200];
const OUTAGE_MS = (quick ? 10_000 : 30_000) * TIME_SCALE;
const OUTAGE_LOOPS = 50;
const ROW_LIMIT_MS = 60_000;
const auth = { "x-auth-token": ACCESS_TOKEN };

/** Starts the emulator in its own process; resolves with its URL and a stop function. */
function startEmulator() {
  const child = spawn(
    process.execPath,
    [join(repo, "tests/emulator/emulator.mjs"), "--port", "0", "--time-scale", String(TIME_SCALE)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (data) => {
      out += data;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        const { url } = JSON.parse(line);
        resolve({ url, stop: () => child.kill("SIGTERM") });
      }
    });
  });
}

async function control(emulator, path, body = {}) {
  const res = await fetch(`${emulator.url}/__control/${path}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
}

async function requestsSeen(emulator) {
  const { requests } = await (await fetch(`${emulator.url}/__control/requests`)).json();
  return requests.length;
}

/** A fetch that counts the 429s it receives. */
function counting(counts) {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 429) counts.limited += 1;
    return res;
  };
}

/** The clients, each as `(counts, inFlight) => call(url, signal) → Promise<status>`. */
const CLIENTS = {
  "raw fetch": (counts) => async (url, signal) =>
    (await counting(counts)(url, { headers: auth, signal })).status,
  "ky (retry: 2)": (counts) => {
    // ky retries only what it would throw: an error status is caught here for its status.
    const api = ky.create({ fetch: counting(counts), headers: auth, timeout: false });
    return async (url, signal) => {
      try {
        return (await api.get(url, { signal })).status;
      } catch (error) {
        if (error?.response?.status) return error.response.status;
        throw error;
      }
    };
  },
  "commerce-fetch storefront": (counts) => fetchClient(counts, {}),
  "commerce-fetch storefront + protect": (counts, inFlight) =>
    fetchClient(counts, { protect: { concurrency: inFlight } }),
  "commerce-fetch background": (counts) => fetchClient(counts, { preset: "background" }),
  "commerce-fetch background + protect": (counts, inFlight) =>
    fetchClient(counts, { preset: "background", protect: { concurrency: inFlight } }),
};

function fetchClient(counts, options) {
  const api = createFetch({ ...options, fetch: counting(counts) });
  return async (url, signal) => (await api(url, { headers: auth, signal })).status;
}

/** Runs `calls` calls of `call`, at most `inFlight` at a time; resolves with the statuses (0: failed). */
async function runCalls(call, url, calls, inFlight, signal) {
  const statuses = [];
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      next += 1;
      try {
        statuses.push(await call(url, signal));
      } catch {
        statuses.push(0);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, calls) }, worker));
  return statuses;
}

async function burst(emulator, name, inFlight) {
  await control(emulator, "reset");
  // A new window: wait out the one the reset may have left running.
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
  const counts = { limited: 0 };
  const call = CLIENTS[name](counts, inFlight);
  const url = `${emulator.url}/stores/${STORE_HASH}/v3/catalog/products`;
  const signal = AbortSignal.timeout(ROW_LIMIT_MS);
  setMaxListeners(CALLS, signal);
  const started = performance.now();
  const statuses = await runCalls(call, url, CALLS, inFlight, signal);
  const ms = performance.now() - started;
  return {
    client: name,
    inFlight,
    limited: counts.limited,
    seen: await requestsSeen(emulator),
    failed: statuses.filter((s) => s !== 200).length,
    ms,
    overLimit: ms >= ROW_LIMIT_MS,
  };
}

async function outage(emulator, name) {
  await control(emulator, "reset");
  await control(emulator, "faults", {
    pathPrefix: `/stores/${STORE_HASH}/`,
    steps: [{ status: 503 }],
    repeat: true,
  });
  const counts = { limited: 0 };
  const options = name.includes("budget") ? { protect: { pacing: false, breaker: false } } : {};
  const api = name.startsWith("commerce-fetch")
    ? fetchClient(counts, options)
    : name.startsWith("ky")
      ? CLIENTS["ky (retry: 2)"](counts)
      : CLIENTS["raw fetch"](counts);
  const url = `${emulator.url}/stores/${STORE_HASH}/v3/catalog/brands`;
  const until = performance.now() + OUTAGE_MS;
  let calls = 0;
  const loop = async () => {
    while (performance.now() < until) {
      calls += 1;
      try {
        await api(url, AbortSignal.timeout(ROW_LIMIT_MS));
      } catch {}
    }
  };
  await Promise.all(Array.from({ length: OUTAGE_LOOPS }, loop));
  const seen = await requestsSeen(emulator);
  await control(emulator, "reset");
  return { client: name, calls, seen, amplification: seen / calls };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const emulator = await startEmulator();
  try {
    const ideal = (Math.ceil(CALLS / QUOTA) - 1) * WINDOW_MS;
    const bursts = [];
    for (const inFlight of LEVELS) {
      for (const name of Object.keys(CLIENTS)) {
        const row = await burst(emulator, name, inFlight);
        console.error(`burst: ${name}, ${inFlight} in flight: ${seconds(row.ms)}`);
        bursts.push(row);
      }
    }
    const outages = [];
    for (const name of [
      "raw fetch",
      "ky (retry: 2)",
      "commerce-fetch storefront",
      "commerce-fetch storefront + budget",
    ]) {
      const row = await outage(emulator, name);
      console.error(`outage: ${name}: ${row.amplification.toFixed(2)}×`);
      outages.push(row);
    }
    const lines = [
      `### protect: a burst and an outage (${new Date().toISOString().slice(0, 10)}${quick ? ", --quick" : ""})`,
      "",
      `Emulator in its own process, quota ${QUOTA} a window, window 30 s scaled to ${seconds(WINDOW_MS)}; ${CALLS} calls issued at once. Ideal: the quota lets the last calls go when window ${Math.ceil(CALLS / QUOTA)} opens, ${seconds(ideal)} in.`,
      "",
      "| client | in flight | 429s received | requests seen | failed calls | time | ÷ ideal |",
      "|---|---:|---:|---:|---:|---:|---:|",
      ...bursts.map(
        (r) =>
          `| ${r.client} | ${r.inFlight} | ${r.limited} | ${r.seen} | ${r.failed} | ${r.overLimit ? `> ${seconds(ROW_LIMIT_MS)}` : seconds(r.ms)} | ${r.failed === 0 ? (r.ms / ideal).toFixed(2) : "–"} |`,
      ),
      "",
      `Outage: every answer a 503 for ${seconds(OUTAGE_MS)} (30 s scaled); ${OUTAGE_LOOPS} loops calling until it ends.`,
      "",
      "| client | calls made | requests seen | amplification |",
      "|---|---:|---:|---:|",
      ...outages.map((r) => `| ${r.client} | ${r.calls} | ${r.seen} | ${r.amplification.toFixed(2)}× |`),
      "",
    ];
    const table = lines.join("\n");
    console.log(table);
    if (!quick) writeSection(table);
  } finally {
    emulator.stop();
  }
}

/** Puts `table` into BENCHMARKS.md between its markers (added at the end the first time). */
function writeSection(table) {
  const file = join(repo, "BENCHMARKS.md");
  const start = "<!-- protect: written by bench/protect.mjs -->";
  const end = "<!-- /protect -->";
  const text = readFileSync(file, "utf8");
  const block = `${start}\n${table}\n${end}`;
  const at = text.indexOf(start);
  const after = text.indexOf(end);
  const next =
    at >= 0 && after > at
      ? `${text.slice(0, at)}${block}${text.slice(after + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
