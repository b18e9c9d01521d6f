// Runs JS suites written for node:test inside workerd, the Cloudflare Workers runtime, against the
// emulator started here in Node. Each suite is bundled with its imports redirected: node:test to
// node-test.mjs, the emulator to emulator.mjs (which hands over this emulator's URL), and the package's
// Node entry to the entry its "workerd" export condition names, so the suite tests what a Worker loads.
// node:assert and node:util come from workerd itself (nodejs_compat).
//
//   node tests/workerd/run.mjs [suite.test.mjs …]   (default: the suites in SUITES)
//
// Prints one line per test, as node --test's TAP does, and exits 1 when any test or hook failed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/emulator.mjs";
import { freePort, Scope, stopEverythingOnExit, waitForPort } from "../lib/processes.mjs";
import { requireBuild } from "../lib/runner.mjs";
import { buildWorker, serveArgs } from "../lib/workerd.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
/**
 * The suites that run here as well as in Node (those whose server is the emulator), with the options
 * each starts the emulator with: this runner starts it so, and the suite must ask for the same. The
 * client suite's answers close their connections: workerd silently sends a request again when a reused
 * keep-alive connection fails, which would hide a cut.
 */
const SUITES = {
  "tests/js/client.test.mjs": { keepAlive: false },
  "tests/js/protect.test.mjs": { timeScale: 0.05, quota: 20 },
};

stopEverythingOnExit("workerd suites");
requireBuild("workerd suites");

const exportsOfPackage = JSON.parse(readFileSync(join(repo, "pkg/package.json"), "utf8")).exports["."];
const workerdEntry = join(repo, "pkg", exportsOfPackage.workerd);

async function runSuite(scope, file, emulator, options) {
  const name = basename(file, ".mjs");
  const out = join(repo, ".cache/workerd-suites", name);
  const entry = join(out, "..", `${name}.entry.mjs`);
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(
    entry,
    `import ${JSON.stringify(file)};\nexport { default } from ${JSON.stringify(join(here, "worker.mjs"))};\n`,
  );
  const { inputs } = await buildWorker({
    entry,
    outDir: out,
    compatibilityFlags: ["nodejs_compat"],
    alias: {
      "node:test": join(here, "node-test.mjs"),
      "../emulator/emulator.mjs": join(here, "emulator.mjs"),
      "../../pkg/dist/node.js": workerdEntry,
    },
  });
  const stray = inputs.filter((f) => /pkg\/dist\/node\.|tests\/emulator\/emulator\.mjs/.test(f));
  if (stray.length > 0 || !inputs.some((f) => f.endsWith(exportsOfPackage.workerd.slice(1))))
    throw new Error(`${name}: the bundle does not load the package's workerd entry: ${inputs.join(", ")}`);
  const port = await freePort();
  await waitForPort(
    port,
    scope.start(join(repo, "node_modules/.bin/workerd"), serveArgs(port), { cwd: out }),
    "workerd",
  );
  const query = new URLSearchParams({ url: emulator.url, options: JSON.stringify(options) });
  const res = await fetch(`http://127.0.0.1:${port}/?${query}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`${name}: the worker answered ${res.status}: ${text.slice(0, 1000)}`);
  return JSON.parse(text);
}

async function main() {
  const files = process.argv.length > 2 ? process.argv.slice(2) : Object.keys(SUITES);
  const probe = new Scope();
  console.log(`# ${(await probe.run(join(repo, "node_modules/.bin/workerd"), ["--version"])).trim()}`);
  await probe.dispose();
  let passed = 0;
  let failed = 0;
  let n = 0;
  for (const name of files) {
    const file = resolve(repo, name);
    const options = SUITES[relative(repo, file)] ?? {};
    const scope = new Scope({ verbose: process.env.WORKERD_VERBOSE === "1" });
    const emulator = await startEmulator(options);
    try {
      for (const result of await runSuite(scope, file, emulator, options)) {
        const label = result.hook
          ? `${basename(file)} ${result.hook} hook`
          : `${basename(file)}: ${result.name}`;
        if (result.skipped && !result.hook) {
          console.log(`ok ${++n} - ${label} # SKIP`);
        } else if (result.ok) {
          passed++;
          if (!result.hook) console.log(`ok ${++n} - ${label} (${result.ms} ms)`);
        } else {
          failed++;
          console.log(`not ok ${++n} - ${label}\n${result.error.replace(/^/gm, "  # ")}`);
        }
      }
    } finally {
      await scope.dispose();
      await emulator.close();
    }
  }
  console.log(`# pass ${passed}\n# fail ${failed}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
