// The cross-check of the two shells over the one core: each scenario of scenarios.json is sent through the
// JavaScript package (pkg/dist/node.js) and through the Rust shell (`commerce_fetch::web`, by way of the
// crate in this folder), each run against the emulator freshly reset and scripted, and the two reports
// are compared: the result, the attempts, how each ended, the wait decided after it, and why they stopped.
// Each run is also held to the scenario's `expect`, and to the number of requests the emulator saw.
//
//   bash scripts/crosscheck.sh      builds the crate's bindings into tests/crosscheck/dist/, then runs this
//
// Prints one row per scenario, then each difference; exits with 1 on any difference or when no scenario
// ran, with 2 when something it loads is not built.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/emulator.mjs";
import { requireBuild } from "../lib/runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const TOOL = "crosscheck";

requireBuild(TOOL);
if (!existsSync(join(here, "dist/crosscheck_bg.wasm"))) {
  console.error(`${TOOL}: tests/crosscheck/dist/ is missing: run \`bash scripts/crosscheck.sh\``);
  process.exit(2);
}
const { createFetch, retryInfo } = await import("../../pkg/dist/node.js");
const rust = await import("./dist/crosscheck.js");
rust.initSync({ module: readFileSync(join(here, "dist/crosscheck_bg.wasm")) });

const { scenarios } = JSON.parse(readFileSync(join(here, "scenarios.json"), "utf8"));

/** What a scenario must have; waits are compared exactly, so the jitter must be off. */
function problemWith(scenario) {
  if (typeof scenario.name !== "string") return "a scenario needs a name";
  if (typeof scenario.request?.method !== "string" || typeof scenario.request?.path !== "string") {
    return "request needs method and path";
  }
  if (!Array.isArray(scenario.steps)) return "steps must be an array (empty: answered normally)";
  if (scenario.options?.retry?.backoff?.jitter !== "none")
    return 'options.retry.backoff.jitter must be "none"';
  if (!Number.isInteger(scenario.expect?.attempts) || !Array.isArray(scenario.expect?.delays)) {
    return "expect needs attempts and delays";
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// The two shells. Each resolves with a report in the package's names: `{ status | error, message?,
// attempts, reason, hintMs?, source?, trace }`.

/** Set on a JavaScript report made up for a first answer that was final (see below). */
const FIRST_ANSWER_FINAL = Symbol("first answer final");

async function viaJavaScript(url, init, options) {
  const api = createFetch(options);
  let response;
  try {
    response = await api(url, init);
  } catch (error) {
    // The package's errors carry the history; anything else is no outcome to compare.
    if (!Array.isArray(error?.trace)) throw error;
    const { name, message, attempts, reason, hintMs, source, trace } = error;
    return { error: name, message, attempts, reason, hintMs, source, trace };
  }
  await response.arrayBuffer();
  const info = retryInfo(response);
  if (info !== undefined) return { status: response.status, ...info };
  // retryInfo() is documented to be undefined for a response that needed no decision (a first answer
  // with a status that is not retried): that answer is one attempt, final.
  const only = { attempt: 1, status: response.status, decision: "stop", delayMs: 0, reason: "final" };
  return { status: response.status, attempts: 1, reason: "final", trace: [only], [FIRST_ANSWER_FINAL]: true };
}

async function viaRust(url, init, options) {
  return rust.run(url, init.method, init.body, JSON.stringify(init.headers), JSON.stringify(options));
}

// ---------------------------------------------------------------------------------------------------
// The emulator.

const store = await startEmulator({
  // Each answer closes its connection, so a scripted cut meets a fresh one and is not silently resent
  // on a reused connection.
  keepAlive: false,
});

async function control(route, body) {
  const res = await fetch(`${store.url}/__control/${route}`, { method: "POST", body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`emulator ${route}: ${res.status} ${await res.text()}`);
}

async function requestsAt(path) {
  const res = await fetch(`${store.url}/__control/requests?path=${encodeURIComponent(path)}`);
  return (await res.json()).requests.length;
}

/**
 * One scenario through one shell, against the emulator reset and scripted: its report (or why it gave
 * none), and how many requests the emulator saw at the scenario's path.
 */
async function runOn(send, scenario) {
  const { method, query = "", body, auth } = scenario.request;
  const path = scenario.request.path.replace("{storeHash}", store.storeHash);
  const headers = { ...scenario.request.headers };
  if (auth) headers["x-auth-token"] = store.accessToken;
  await control("reset", {});
  if (scenario.steps.length > 0) await control("faults", { path, steps: scenario.steps });
  const run = { report: undefined, failure: undefined, seen: 0 };
  try {
    run.report = await send(`${store.url}${path}${query}`, { method, headers, body }, scenario.options);
  } catch (error) {
    run.failure = `${error?.name ?? "Error"}: ${error?.message ?? String(error)}`;
  }
  run.seen = await requestsAt(path);
  return run;
}

// ---------------------------------------------------------------------------------------------------
// Comparing.

/** The call's fields both shells must agree on (elapsed times are not among them). */
function comparable(report) {
  return {
    result: report.error ?? report.status,
    message: report.message,
    attempts: report.attempts,
    reason: report.reason,
    hintMs: report.hintMs,
    source: report.source,
  };
}

/** A trace entry's fields both shells must agree on. */
function comparableEntry(entry) {
  return {
    attempt: entry.attempt,
    outcome: entry.error ?? entry.status,
    decision: entry.decision,
    delayMs: entry.delayMs,
    reason: entry.reason,
    source: entry.source,
    hintMs: entry.hintMs,
  };
}

const show = (value) => (value === undefined ? "(none)" : JSON.stringify(value));

function differing(prefix, a, b) {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((key) => a[key] !== b[key])
    .map((key) => `${prefix}${key}: JS ${show(a[key])}, Rust ${show(b[key])}`);
}

/** Where the two reports differ: the call's fields, the number of trace entries, then each entry both have. */
function differences(js, rs) {
  const found = differing("", comparable(js), comparable(rs));
  const [a, b] = [js.trace ?? [], rs.trace ?? []];
  if (a.length !== b.length) found.push(`trace: JS ${a.length} entries, Rust ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    found.push(...differing(`trace[${i}].`, comparableEntry(a[i]), comparableEntry(b[i])));
  }
  return found;
}

const delaysOf = (report) =>
  (report?.trace ?? []).filter((e) => e.decision === "retry").map((e) => e.delayMs);

/** Where one shell's run left the scenario's expectations or the emulator's count. */
function unexpected(shell, run, expect) {
  if (run.failure !== undefined) return [`${shell} gave no report: ${run.failure}`];
  const { report, seen } = run;
  const wrong = [];
  const check = (what, got, want) => {
    if (want !== undefined && JSON.stringify(got) !== JSON.stringify(want)) {
      wrong.push(`${shell} ${what}: ${show(got)}, expected ${show(want)}`);
    }
  };
  check("attempts", report.attempts, expect.attempts);
  check("delays", delaysOf(report), expect.delays);
  check("reason", report.reason, expect.reason);
  check("status", report.status, expect.status);
  check("error", report.error, expect.error);
  if (seen !== report.attempts)
    wrong.push(`${shell}: the emulator saw ${seen} requests for ${report.attempts} attempts`);
  return wrong;
}

// ---------------------------------------------------------------------------------------------------

const started = performance.now();
const rows = [];
const problems = [];
let ran = 0;
try {
  for (const scenario of scenarios) {
    const problem = problemWith(scenario);
    if (problem !== null) {
      problems.push(`${scenario.name ?? "(unnamed)"}: scenarios.json: ${problem}`);
      continue;
    }
    const js = await runOn(viaJavaScript, scenario);
    const rs = await runOn(viaRust, scenario);
    ran += 1;
    const found = [...unexpected("JS", js, scenario.expect), ...unexpected("Rust", rs, scenario.expect)];
    if (js.report !== undefined && rs.report !== undefined) found.push(...differences(js.report, rs.report));
    for (const text of found) problems.push(`${scenario.name}: ${text}`);
    const pair = (f) => `${f(js.report)} / ${f(rs.report)}`;
    const marked = js.report?.[FIRST_ANSWER_FINAL] ? "*" : "";
    rows.push([
      scenario.name,
      pair((r) => (r === undefined ? "-" : `${r.attempts}${r === js.report ? marked : ""}`)),
      pair((r) => (r === undefined ? "-" : delaysOf(r).join(",") || "-")),
      pair((r) => r?.reason ?? "-"),
      `${js.seen} / ${rs.seen}`,
      found.length === 0 ? "ok" : "MISMATCH",
    ]);
  }
} finally {
  await store.close();
}

const header = ["scenario", "attempts JS / Rust", "delays ms JS / Rust", "reason JS / Rust", "seen", "ok"];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of rows) console.log(line(row));
if (rows.some((row) => row[1].includes("*"))) {
  console.log(
    "* retryInfo() is undefined for a first answer that is final (only answers that needed a decision carry" +
      " a history): read as one attempt, final.",
  );
}
const took = ((performance.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.log("\nWhat failed (JS against Rust, and each against the scenario's expect):");
  for (const problem of problems) console.log(`  ${problem}`);
}
const failed = rows.filter((row) => row.at(-1) !== "ok").map((row) => row[0]);
let verdict = "the shells agree";
if (ran === 0) verdict = "no scenario ran";
else if (failed.length > 0) verdict = `${failed.length} failed: ${failed.join("; ")}`;
else if (problems.length > 0) verdict = "scenarios.json has problems (above)";
console.log(`${TOOL}: ${ran} of ${scenarios.length} scenarios in ${took} s; ${verdict}`);
process.exitCode = problems.length > 0 || ran === 0 ? 1 : 0;
