// Shared pacing across Cloudflare Worker isolates, in workerd: four client services (four isolates) and
// one hosting commerce-fetch/cloudflare's StoreQuota Durable Object, against the emulator started here
// in Node with a time-scaled window (1.5 s) and a small quota. All four fire a burst at once, twice:
// each pacing alone (protect: true), then through the object (protect: { pacing: env.STORE_QUOTA }).
//
//   node tests/workerd/shared-quota.mjs
//
// Prints a table; exits 1 when the shared run met a 429 or a call failed, or when the run without the
// object met no 429 (then the test proves nothing).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/emulator.mjs";
import { freePort, Scope, stopEverythingOnExit, waitForPort } from "../lib/processes.mjs";
import { requireBuild } from "../lib/runner.mjs";
import { buildWorker } from "../lib/workerd.mjs";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const ISOLATES = 4;
/** 4 × 30 calls on 40 a 1.5 s window: three windows' worth. */
const CALLS = 30;
const EMULATOR = { timeScale: 0.05, quota: 40 };
const RUN_LIMIT_MS = 60_000;

stopEverythingOnExit("shared quota");
requireBuild("shared quota");

const exportsOfPackage = JSON.parse(readFileSync(join(repo, "pkg/package.json"), "utf8")).exports;

/** The workerd config: the object's service, the client services bound to it, a socket for each client. */
function config(modules) {
  const clients = Array.from({ length: ISOLATES }, (_, i) => `client${i + 1}`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "quota", worker = .quota),
${clients.map((name) => `    (name = "${name}", worker = .client),`).join("\n")}
    # The emulator is on loopback, which workerd's default "internet" service refuses.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
${clients.map((name) => `    (name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}"),`).join("\n")}
  ],
);
const quota :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = "2026-01-01",
  durableObjectNamespaces = [(className = "StoreQuota", uniqueKey = "commerce-fetch-shared-quota-test")],
  durableObjectStorage = (inMemory = void),
  globalOutbound = "net",
);
const client :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = "2026-01-01",
  bindings = [
    (name = "STORE_QUOTA", durableObjectNamespace = (serviceName = "quota", className = "StoreQuota")),
  ],
  globalOutbound = "net",
);
`;
}

/** Fires the burst in every isolate at once; their answers. */
async function burst(ports, emulator, shared) {
  const query = new URLSearchParams({ url: emulator.url, n: String(CALLS), shared: shared ? "1" : "0" });
  return Promise.all(
    ports.map(async (port) => {
      const res = await fetch(`http://127.0.0.1:${port}/?${query}`, {
        signal: AbortSignal.timeout(RUN_LIMIT_MS),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`the worker on ${port} answered ${res.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text);
    }),
  );
}

/** A fresh emulator state and a whole window, so each run starts alike. */
async function freshWindow(emulator) {
  await fetch(`${emulator.url}/__control/reset`, { method: "POST", body: JSON.stringify(EMULATOR) });
  await new Promise((resolve) => setTimeout(resolve, 1_600));
}

const sum = (runs, key) => runs.reduce((total, run) => total + run[key], 0);

async function main() {
  const scope = new Scope({ verbose: process.env.WORKERD_VERBOSE === "1" });
  const emulator = await startEmulator(EMULATOR);
  scope.defer(() => emulator.close());
  try {
    const out = join(repo, ".cache/workerd-shared-quota");
    const { modules } = await buildWorker({
      entry: join(repo, "tests/workerd/shared-quota-worker.mjs"),
      outDir: out,
      writeConfig: false,
      alias: {
        "commerce-fetch": join(repo, "pkg", exportsOfPackage["."].workerd),
        "commerce-fetch/cloudflare": join(repo, "pkg", exportsOfPackage["./cloudflare"].workerd),
      },
      esbuildOptions: { external: ["cloudflare:workers"] },
    });
    writeFileSync(join(out, "config.capnp"), config(modules));
    const ports = await Promise.all(Array.from({ length: ISOLATES }, () => freePort()));
    const args = [
      "serve",
      "config.capnp",
      ...ports.flatMap((port, i) => ["--socket-addr", `client${i + 1}=127.0.0.1:${port}`]),
    ];
    const workerd = scope.start(join(repo, "node_modules/.bin/workerd"), args, { cwd: out });
    for (const port of ports) await waitForPort(port, workerd, "workerd");

    const rows = [];
    for (const shared of [false, true]) {
      await freshWindow(emulator);
      const runs = await burst(ports, emulator, shared);
      if (new Set(runs.map((run) => run.isolate)).size !== ISOLATES) {
        throw new Error(`the ${ISOLATES} services did not run in ${ISOLATES} isolates`);
      }
      const { requests } = await (await fetch(`${emulator.url}/__control/requests`)).json();
      rows.push({ shared, runs, seen: requests.length });
    }

    console.log(
      `# ${ISOLATES} isolates × ${CALLS} calls at once, quota ${EMULATOR.quota} a ${30 * EMULATOR.timeScale} s window`,
    );
    console.log("| pacing | calls | ok | failed | requests the store saw | 429s met | slowest isolate |");
    console.log("|---|---|---|---|---|---|---|");
    for (const { shared, runs, seen } of rows) {
      const name = shared ? "shared (StoreQuota object)" : "each isolate alone";
      const slowest = Math.max(...runs.map((run) => run.ms));
      console.log(
        `| ${name} | ${ISOLATES * CALLS} | ${sum(runs, "ok")} | ${sum(runs, "failed")} | ${seen} | ${sum(runs, "limited429")} | ${(slowest / 1000).toFixed(1)} s |`,
      );
    }
    const [alone, shared] = rows.map((row) => row.runs);
    const problems = [];
    if (sum(alone, "limited429") === 0)
      problems.push("without the object no 429 was met: the test proves nothing");
    if (sum(shared, "limited429") > 0) problems.push("with the object, 429s were met");
    if (sum(shared, "failed") > 0)
      problems.push(`with the object, calls failed: ${JSON.stringify(shared.map((run) => run.errors))}`);
    if (sum(shared, "ok") !== ISOLATES * CALLS) problems.push("with the object, not every call succeeded");
    const errors = shared.map((run) => Object.values(run.stats)[0]?.sharedPacingErrors ?? "none");
    if (errors.some((count) => count !== 0))
      problems.push(`the object could not always be reached: ${errors}`);
    for (const problem of problems) console.log(`not ok - ${problem}`);
    if (problems.length === 0)
      console.log(`ok - the shared object kept ${ISOLATES} isolates within the quota`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } catch (error) {
    console.error(error);
    console.error(scope.outputs());
    process.exitCode = 1;
  } finally {
    await scope.dispose();
  }
}

await main();
