// Runs the fault scenarios (scenarios.js) in six runtimes, each against a fresh emulator, one runtime
// after another, then prints a scenario × runtime table.
//
//   node tests/faults/run.mjs [node deno workerd chromium firefox webkit]   (default: all)
//
// Drivers are in drivers/: node and deno import the package's entry for their runtime; workerd and the
// browsers get bundles (in .cache/faults) that import "commerce-fetch" by name, so that the package's
// export conditions pick the entry, as for a user. Firefox and WebKit load the same page as Chromium,
// through their WebDriver servers.
//
// Environment: FAULTS_ONLY=<text> runs only the scenarios whose name contains it (to rerun a flaky one);
// FAULTS_LIMIT_S (default 180) is each runtime's time limit; FAULTS_VERBOSE=1 streams child output;
// FAULTS_RAW_FETCH=1 swaps the library's createFetch for plain fetch, so most scenarios must fail
// (proof that failures are detected).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/emulator.mjs";
import { disposeAll, freePort, Scope, stopEverythingOnExit, tail, waitForPort } from "../lib/processes.mjs";
import { requireBuild, selectRuntimes } from "../lib/runner.mjs";
import { openSession } from "../lib/webdriver.mjs";
import { buildWorker, serveArgs } from "../lib/workerd.mjs";
import { scenarios, WAIT_TOLERANCE_MS } from "./scenarios.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const drivers = join(here, "drivers");
const cache = join(repo, ".cache/faults");
const bin = (name) => join(repo, "node_modules/.bin", name);
const LIMIT_MS = Number(process.env.FAULTS_LIMIT_S ?? 180) * 1000;
const RAW = process.env.FAULTS_RAW_FETCH === "1";
const ONLY = process.env.FAULTS_ONLY ?? "";
const VERBOSE = process.env.FAULTS_VERBOSE === "1";
const TIME_SCALE = 0.01;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

// Processes: see tests/lib/processes.mjs. Each runtime gets a scope of its own.
let interrupted = false; // then main() stops reporting: the handler exits once all is cleaned up
stopEverythingOnExit("faults", () => {
  interrupted = true;
});

/** The results a driver printed on its FAULT_RESULTS line. */
function parseResults(output) {
  const line = output.split("\n").findLast((l) => l.startsWith("FAULT_RESULTS "));
  if (!line) throw new Error(`no FAULT_RESULTS line in the output\n${tail(output)}`);
  return JSON.parse(line.slice("FAULT_RESULTS ".length));
}

// ---------------------------------------------------------------------------------------------------
// Bundles. "commerce-fetch" resolves through a node_modules symlink to pkg/, so esbuild applies the
// package's "exports" with the conditions given, as it would for an installed copy.

function packageLink() {
  const dir = join(cache, "node_modules");
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, "commerce-fetch"), { force: true });
  symlinkSync(join(repo, "pkg"), join(dir, "commerce-fetch"));
  return dir;
}

async function bundle(entry, outfile, options) {
  const esbuild = await import("esbuild");
  const { metafile } = await esbuild.build({
    entryPoints: [join(drivers, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    nodePaths: [packageLink()],
    logLevel: "error",
    metafile: true,
    ...options,
  });
  return Object.keys(metafile.inputs);
}

/** The browser page: out/index.html, out/src/page.js and out/dist/*.wasm, where browser.js's
 * `new URL("../dist/commerce_fetch_lite_bg.wasm", import.meta.url)` finds it from the bundle (and the
 * other two files the same way). */
let pageBuilt;
function buildPage() {
  pageBuilt ??= (async () => {
    const out = join(cache, "page");
    rmSync(out, { recursive: true, force: true });
    const inputs = await bundle("page.js", join(out, "src/page.js"), { conditions: ["browser"] });
    if (!inputs.some((f) => f.endsWith("pkg/src/browser.js")))
      throw new Error(`the page bundle does not use pkg/src/browser.js: ${inputs.join(", ")}`);
    mkdirSync(join(out, "dist"));
    cpSync(join(drivers, "index.html"), join(out, "index.html"));
    for (const wasm of [
      "commerce_fetch_bg.wasm",
      "commerce_fetch_lite_bg.wasm",
      "commerce_fetch_extras_bg.wasm",
    ])
      cpSync(join(repo, "pkg/dist", wasm), join(out, "dist", wasm));
    return out;
  })();
  return pageBuilt;
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves the page on loopback; its origin differs from the emulator's, so fetches there are CORS. */
async function servePage(scope, params) {
  const root = await buildPage();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = join(root, path === "/" ? "index.html" : path);
    if (!file.startsWith(root) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  scope.defer(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${server.address().port}/?${params}`;
}

/** Reads what the page exposes: the results, an error, or null while it runs. */
const PAGE_STATE =
  "return JSON.stringify({ results: window.__faultResults ?? null, error: window.__faultError ?? null })";

/** Loads the page in Firefox or WebKit, driven over WebDriver (tests/lib/webdriver.mjs), and polls it. */
async function webdriver(scope, browser, params) {
  const url = await servePage(scope, params);
  const session = await openSession(scope, browser);
  await session.goto(url);
  for (;;) {
    const state = JSON.parse(await session.execute(PAGE_STATE));
    if (state.results) return { results: state.results, detail: session.browser };
    if (state.error) throw new Error(state.error);
    await sleep(500);
  }
}

// ---------------------------------------------------------------------------------------------------
// Runtimes: each gets its scope and the drivers' query string, and returns { results, detail }.

const runtimes = {
  async node(scope, params) {
    const output = await scope.run(process.execPath, [join(drivers, "node.mjs"), params]);
    return { results: parseResults(output), detail: `Node ${process.version}` };
  },

  async deno(scope, params) {
    const env = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    const version = (await scope.run(bin("deno"), ["--version"], { env })).split("\n")[0];
    const args = ["run", "--allow-net", "--no-lock", join(drivers, "deno.js"), params];
    return { results: parseResults(await scope.run(bin("deno"), args, { env })), detail: version };
  },

  async workerd(scope, params) {
    const out = join(cache, "workerd");
    const { inputs, wasmModules } = await buildWorker({
      entry: join(drivers, "worker.js"),
      outDir: out,
      esbuildOptions: { nodePaths: [packageLink()] },
    });
    if (!inputs.some((f) => f.endsWith("pkg/src/workerd.js")) || wasmModules.length === 0)
      throw new Error(`the worker bundle does not use pkg/src/workerd.js: ${inputs.join(", ")}`);
    const version = (await scope.run(bin("workerd"), ["--version"])).trim();
    const port = await freePort();
    await waitForPort(port, scope.start(bin("workerd"), serveArgs(port), { cwd: out }), "workerd");
    const res = await fetch(`http://127.0.0.1:${port}/?${params}`, { signal: scope.signal });
    const text = await res.text();
    if (!res.ok) throw new Error(`the worker answered ${res.status}: ${text.slice(0, 500)}`);
    return { results: JSON.parse(text), detail: version };
  },

  async chromium(scope, params) {
    const url = await servePage(scope, params);
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    scope.defer(() => browser.close());
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__faultResults || window.__faultError, null, {
      timeout: 0, // the runtime's limit applies
      polling: 500,
    });
    const { results, error } = await page.evaluate(() => ({
      results: window.__faultResults,
      error: window.__faultError,
    }));
    if (!results) throw new Error(error);
    return { results, detail: `Chromium ${browser.version()}` };
  },

  firefox: (scope, params) => webdriver(scope, "firefox", params),
  webkit: (scope, params) => webdriver(scope, "webkit", params),
};

/** Runs one runtime against a fresh emulator within LIMIT_MS; always cleans up what it started. */
async function runRuntime(name) {
  const scope = new Scope({ verbose: VERBOSE, cwd: repo });
  let timer;
  try {
    const emulator = await startEmulator({ port: 0, seed: 1, timeScale: TIME_SCALE, keepAlive: false });
    scope.defer(() => emulator.close());
    const params = new URLSearchParams({
      url: emulator.url,
      storeHash: emulator.storeHash,
      accessToken: emulator.accessToken,
      storefrontToken: emulator.storefrontToken,
      ...(RAW && { raw: "1" }),
      ...(ONLY && { only: ONLY }),
    }).toString();
    const job = runtimes[name](scope, params);
    job.catch(() => {}); // after a time-out, its rejection is expected and ignored
    const limit = new Promise((_, reject) => {
      timer = setTimeout(() => {
        const outputs = scope.outputs();
        reject(new Error(`no results within ${LIMIT_MS / 1000} s${outputs ? `\n${outputs}` : ""}`));
      }, LIMIT_MS);
    });
    const { results, detail } = await Promise.race([job, limit]);
    if (!Array.isArray(results)) throw new Error(`not a results array: ${JSON.stringify(results)}`);
    return { results, detail };
  } finally {
    clearTimeout(timer);
    await scope.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------

function printTable(names, expected, columns) {
  const NAME = 64;
  const cut = (s) => (s.length > NAME ? `${s.slice(0, NAME - 1)}…` : s.padEnd(NAME));
  const row = (first, cells) =>
    `${cut(first)}  ${cells.map((c, i) => c.padEnd(Math.max(names[i].length, 5))).join("  ")}`.trimEnd();
  console.log(`\n${row("scenario", names)}`);
  for (const scenario of expected)
    console.log(
      row(
        scenario,
        columns.map((c) => ({ true: "pass", false: "FAIL" })[c.cells.get(scenario)?.ok] ?? "-"),
      ),
    );
  const passed = (c) => [...c.cells.values()].filter((r) => r.ok).length;
  console.log(
    row(
      "passed",
      columns.map((c) => `${passed(c)}/${c.cells.size}`),
    ),
  );
}

async function main() {
  const names = selectRuntimes("faults", runtimes);
  requireBuild("faults");

  const expected = scenarios.map((s) => s.name).filter((n) => n.includes(ONLY));
  console.log(
    `faults: ${expected.length} scenarios × ${names.length} runtimes (${names.join(", ")}); ` +
      `emulator timeScale ${TIME_SCALE}; wait tolerance +${WAIT_TOLERANCE_MS} ms (WAIT_TOLERANCE_MS); ` +
      `limit ${LIMIT_MS / 1000} s per runtime${ONLY ? `; only "${ONLY}"` : ""}`,
  );
  if (RAW) console.log("faults: FAULTS_RAW_FETCH=1: plain fetch instead of the library, failures expected");

  const columns = [];
  for (const name of names) {
    const began = performance.now();
    const column = { name, cells: new Map() };
    try {
      const { results, detail } = await runRuntime(name);
      for (const r of results) column.cells.set(r.name, r);
      for (const scenario of expected)
        if (!column.cells.has(scenario)) column.cells.set(scenario, { ok: false, error: "no result" });
      column.detail = detail;
    } catch (error) {
      if (interrupted) return;
      column.error = String(error?.message ?? error);
      for (const scenario of expected)
        column.cells.set(scenario, { ok: false, error: "runtime did not run" });
    }
    const ok = [...column.cells.values()].filter((r) => r.ok).length;
    const how = column.error ? `could not run: ${column.error.split("\n")[0]}` : column.detail;
    console.log(
      `faults: ${name}: ${ok}/${column.cells.size} passed in ${seconds(performance.now() - began)} (${how})`,
    );
    columns.push(column);
    if (interrupted) return;
  }

  printTable(names, [...new Set(columns.flatMap((c) => [...c.cells.keys()]))], columns);
  let passed = 0;
  let failed = 0;
  const details = [];
  for (const column of columns) {
    if (column.error) details.push(`${column.name}: could not run:\n${column.error}`);
    for (const [scenario, r] of column.cells) {
      if (r.ok) passed++;
      else failed++;
      if (!r.ok && !column.error) details.push(`${column.name} | ${scenario}\n    ${r.error}`);
    }
  }
  if (details.length) console.log(`\nfailures:\n${details.join("\n")}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch(async (error) => {
  console.error(`faults: ${error.stack ?? error}`);
  await disposeAll();
  process.exit(1);
});
