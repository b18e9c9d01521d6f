// Chaos: 1,000 concurrent calls against a loopback server that fails in every way it can, with callers
// aborting at random moments (tests/js/chaos-run.mjs, in a child process), held to what the README
// promises. The run is printed with its seed; CHAOS_SEED=n replays a seed, and CHAOS_IDS=3,17 only
// those calls of it (the plans and the server's answers come from the seed; the timing does not).
// CHAOS_REPORT=file.json keeps the run's full record.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Scope, tail } from "../lib/processes.mjs";
import {
  ABORT_PROMPT_MS,
  ANSWER_KINDS,
  CALLS,
  isRateLimit,
  METHOD_KINDS,
  seedFromEnv,
} from "./chaos-plan.mjs";

const seed = seedFromEnv();
const only = process.env.CHAOS_IDS;
/**
 * A call settles within its totalTimeout plus this, plus the time the thread was stalled after its
 * deadline: 1,000 calls keep it busy, so the package's deadline timer may itself fire late.
 */
const SETTLE_SLACK_MS = 250;
/** The run's process ends within this of printing "chaos: done". */
const EXIT_WITHIN_MS = 3000;
/** The whole run, to stop a run that hangs. */
const RUN_LIMIT_MS = 60_000;
/** Violations shown in a failure message; the rest are counted. */
const SHOWN = 12;

const scope = new Scope();
const dir = mkdtempSync(join(tmpdir(), "chaos-"));
const reportPath = process.env.CHAOS_REPORT ?? join(dir, "report.json");
let report;
let run;

before(async () => {
  run = await runChaos();
  report = JSON.parse(readFileSync(reportPath, "utf8"));
  console.log(summary(report, run));
});

after(async () => {
  await scope.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs chaos-run.mjs with this process's Node, and times its exit from its "chaos: done". */
async function runChaos() {
  const runner = fileURLToPath(new URL("./chaos-run.mjs", import.meta.url));
  const started = performance.now();
  const child = scope.start(process.execPath, [runner, reportPath], {
    env: { CHAOS_SEED: String(seed) }, // CHAOS_IDS passes through
  });
  const done = new Promise((resolve) => {
    child.stdout.on("data", () => {
      if (child.output().includes("chaos: done\n")) resolve(performance.now());
    });
  });
  const doneAt = await within(Promise.race([done, child.exited.then(() => undefined)]), RUN_LIMIT_MS);
  if (doneAt === undefined) {
    throw new Error(
      `chaos-run.mjs (seed ${seed}) ended or overran before it was done\n${tail(child.output())}`,
    );
  }
  const exit = await within(child.exited, EXIT_WITHIN_MS + 2000);
  return {
    doneAfterMs: doneAt - started,
    exit,
    exitAfterDoneMs: exit === undefined ? undefined : performance.now() - doneAt,
    output: child.output(),
  };
}

/** What `promise` gives within `ms`, or else `undefined`. */
async function within(promise, ms) {
  let timer;
  const expired = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with the first violations, each naming its call, and how to replay them. */
function expectNone(violations, what) {
  if (violations.length === 0) return;
  const ids = [...new Set(violations.map((v) => v.id).filter((id) => id !== undefined))];
  const replay = ids.length ? ` CHAOS_IDS=${ids.slice(0, SHOWN).join(",")}` : "";
  assert.fail(
    `${violations.length} ${what} (seed ${seed}, Node ${report.node}; replay: CHAOS_SEED=${seed}${replay} ` +
      `node --test tests/js/chaos.test.mjs):\n${violations
        .slice(0, SHOWN)
        .map((v) => `  ${v.text}`)
        .join("\n")}${violations.length > SHOWN ? `\n  … and ${violations.length - SHOWN} more` : ""}`,
  );
}

/** A call as a violation names it: its id, method, fetch, abort and reason. */
function callName(call) {
  const { plan } = call;
  const parts = [plan.method];
  if (plan.deafFetch) parts.push("fetch ignores its signal");
  if (plan.abort !== "none") parts.push(`abort ${plan.abort} (${call.abort?.phase ?? "not reached"})`);
  return `call ${call.id} [${parts.join(", ")}]`;
}

const ms = (value) => `${Math.round(value)} ms`;

/** The server's answers to a call's attempts, by attempt number. */
function answersOf(call) {
  const answers = new Map();
  for (const arrival of report.arrivals) if (arrival.id === call.id) answers.set(arrival.attempt, arrival);
  return answers;
}

/** How long the thread was stalled between `from` and `to`, by the run's 10 ms ticker. */
function stalledBetween(from, to) {
  let total = 0;
  for (const stall of report.stalls) {
    total += Math.max(0, Math.min(to, stall.at + stall.ms) - Math.max(from, stall.at));
  }
  return total;
}

/** What a call ended with, in words. */
function outcomeText(outcome) {
  if (outcome === undefined) return "nothing";
  if (outcome.kind === "response") return `a ${outcome.status} response`;
  if (outcome.kind === "reason") return "the caller's reason";
  return `${outcome.name} (${outcome.message})`;
}

/** "a 3, b 1": how many of `items` have each `key`. */
function count(items, key) {
  const counts = {};
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}

function summary(report, run) {
  const outcome = (c) =>
    c.outcome === undefined ? "pending" : c.outcome.kind === "response" ? c.outcome.status : c.outcome.kind;
  const attempts = report.calls.flatMap((c) => c.attempts);
  const longestStall = Math.max(0, ...report.stalls.map((s) => s.ms));
  const aborted = new Map(report.calls.filter((c) => c.abort).map((c) => [c.id, c.abort.at]));
  const inFlight = report.arrivals.filter((a) => a.at > aborted.get(a.id)).length;
  return [
    `chaos: seed ${seed} (replay with CHAOS_SEED=${seed}), ${report.calls.length} calls, Node ${report.node}`,
    `  outcomes: ${count(report.calls, outcome)}`,
    `  methods: ${count(report.calls, (c) => c.plan.method)}`,
    `  attempts: ${attempts.length} sent, ${report.arrivals.length} reached the server: ` +
      count(report.arrivals, (a) => a.answer),
    `  aborts: ${count(report.calls, (c) => c.abort?.phase)}; ${inFlight} requests sent before an abort ` +
      "reached the server after it",
    `  time: chaos ${ms(report.chaosMs)}, done after ${ms(run.doneAfterMs)}, exit ${
      run.exit === undefined ? "not seen" : `${ms(run.exitAfterDoneMs)} after done`
    }, longest stall of the thread ${ms(longestStall)}`,
  ].join("\n");
}

test("1. every call settles within its totalTimeout plus slack; none stays pending", () => {
  const violations = [];
  for (const call of report.calls) {
    const { outcome, plan } = call;
    if (outcome === undefined) {
      violations.push({ id: call.id, text: `${callName(call)} never settled, even after the server closed` });
      continue;
    }
    const deadline = call.start.at + plan.totalTimeout;
    const stalled = stalledBetween(deadline, outcome.at);
    const pending = report.pendingAtCutoff.includes(call.id);
    if (pending || outcome.at - deadline > SETTLE_SLACK_MS + stalled) {
      const answers = [...answersOf(call).values()].map((a) => a.answer ?? "no answer");
      violations.push({
        id: call.id,
        text:
          `${callName(call)} settled ${ms(outcome.at - deadline)} after its totalTimeout of ${plan.totalTimeout} ms` +
          `${pending ? ", only when the server closed at the end of the run" : ` (${ms(stalled)} of it stalled)`}, ` +
          `with ${outcomeText(outcome)}; attempts ${call.attempts.length}, server answers ${answers.join("/") || "none"}`,
      });
    }
  }
  expectNone(violations, "calls settled late or never");
});

test("2. nothing is sent after an abort, and an aborted call rejects at once with the caller's reason", () => {
  const violations = [];
  for (const call of report.calls) {
    const { abort, outcome } = call;
    if (abort === undefined) continue;
    const problems = [];
    for (const attempt of call.attempts) {
      if (attempt.start.seq > abort.seq) {
        problems.push(`attempt ${attempt.n} started ${ms(attempt.start.at - abort.at)} after the abort`);
      }
    }
    const settledAfter = outcome === undefined || outcome.seq > abort.seq;
    if (settledAfter && abort.stillPending !== undefined) {
      const waits = call.retries.map((r) => ms(r.delayMs)).join(", ");
      problems.push(
        `still pending ${ABORT_PROMPT_MS} ms after the abort${waits ? ` (waits: ${waits})` : ""}, settled ` +
          (outcome ? `${ms(outcome.at - abort.at)} after it` : "never"),
      );
    }
    // Fair: a call may end with what an attempt brought before the abort, as the package had it then.
    if (settledAfter && outcome !== undefined && outcome.kind !== "reason") {
      const decided = call.attempts.find((a) => a.n === outcome.attempt);
      if (decided?.end === undefined || decided.end.seq > abort.seq) {
        problems.push(
          `settled after the abort with ${outcomeText(outcome)} instead of the caller's reason, from ` +
            (decided
              ? `attempt ${decided.n}, which ended ${ms(decided.end.at - abort.at)} after the abort`
              : "no attempt"),
        );
      }
    }
    if (problems.length) violations.push({ id: call.id, text: `${callName(call)}: ${problems.join("; ")}` });
  }
  // The server got only attempts that a call's fetch started (so none started after its abort).
  const byId = new Map(report.calls.map((c) => [c.id, c]));
  for (const arrival of report.arrivals) {
    if (byId.get(arrival.id)?.attempts.some((a) => a.n === arrival.attempt) !== true) {
      const which = arrival.stray ? "a request without an attempt number" : `attempt ${arrival.attempt}`;
      violations.push({
        id: arrival.id,
        text: `the server got ${which} of call ${arrival.id}, which no fetch of the call started`,
      });
    }
  }
  expectNone(violations, "calls sent after their abort or not rejected at once with the caller's reason");
});

test("3. a write is sent again only as the retry rules allow: an unmarked POST only after a 429", () => {
  const violations = [];
  for (const call of report.calls) {
    const { plan } = call;
    const problems = [];
    if (call.attempts.length > plan.limit + 1) {
      problems.push(`${call.attempts.length} attempts with retry.limit ${plan.limit}`);
    }
    const seen = report.arrivals.filter((a) => a.id === call.id);
    for (const arrival of seen) {
      if (arrival.bodyIntact === false) problems.push(`attempt ${arrival.attempt} arrived with another body`);
    }
    if (plan.method === "post") {
      // Once per 429 the client saw, and once per 429 the server sent.
      for (const attempt of call.attempts.slice(1)) {
        const previous = call.attempts[attempt.n - 2];
        const ended = previous.end !== undefined && previous.end.seq < attempt.start.seq;
        if (!ended || previous.status !== 429) {
          const after = ended
            ? `after ${previous.status ?? previous.error?.name ?? "a failure"}`
            : `before attempt ${previous.n} ended`;
          problems.push(`attempt ${attempt.n} was sent ${after}, not after a 429`);
        }
      }
      const answers = answersOf(call);
      const arrived = new Set();
      for (const { attempt } of seen) {
        if (arrived.has(attempt)) problems.push(`the server got attempt ${attempt} twice`);
        arrived.add(attempt);
        const previous = answers.get(attempt - 1)?.answer;
        if (attempt > 1 && !isRateLimit(previous)) {
          problems.push(
            `the server got attempt ${attempt} after answering the one before with ${previous ?? "nothing (it never came)"}`,
          );
        }
      }
    }
    if (problems.length) violations.push({ id: call.id, text: `${callName(call)}: ${problems.join("; ")}` });
  }
  expectNone(violations, "calls whose writes were repeated against the retry rules");
});

test("4. errors are the package's own or the caller's reason, none unhandled, and the wasm keeps working", () => {
  const violations = [];
  for (const call of report.calls) {
    const { outcome } = call;
    const problems = [];
    if (call.threwSynchronously) problems.push("threw instead of returning a promise");
    if (outcome?.kind === "other")
      problems.push(`rejected with ${outcome.name}: ${outcome.message}\n${outcome.stack}`);
    if (outcome?.kind === "response" && ![200, 429, 503].includes(outcome.status)) {
      problems.push(`resolved with a ${outcome.status}, which the server never sends`);
    }
    if ([outcome, call.body?.error, ...call.attempts.map((a) => a.error)].some((e) => e?.runtimeError)) {
      problems.push("met a WebAssembly.RuntimeError");
    }
    if (problems.length) violations.push({ id: call.id, text: `${callName(call)}: ${problems.join("; ")}` });
  }
  for (const error of report.unhandled) {
    violations.push({ text: `${error.type}: ${error.name}: ${error.message}\n${error.stack ?? ""}` });
  }
  expectNone(violations, "foreign errors, traps or unhandled rejections");
  assert.deepEqual(
    report.plain,
    { status: 200, body: "plain ok", interpret429: 429 },
    "a plain call after the chaos",
  );
});

test("5. the chaos process exits by itself soon after its work is done", () => {
  const resources = `active resources at "done": ${count(report.activeResources, (name) => name) || "none"}`;
  assert.notEqual(
    run.exit,
    undefined,
    `still running ${ms(EXIT_WITHIN_MS + 2000)} after "done"; ${resources}`,
  );
  assert.deepEqual(run.exit, { code: 0, signal: null }, `it ended badly\n${tail(run.output)}`);
  assert.ok(
    run.exitAfterDoneMs <= EXIT_WITHIN_MS,
    `it exited ${ms(run.exitAfterDoneMs)} after "done", not within ${EXIT_WITHIN_MS} ms; ${resources}`,
  );
});

test("the run covers every answer, method and abort, with all calls in flight together", {
  skip: only && "CHAOS_IDS",
}, () => {
  assert.equal(report.calls.length, CALLS);
  const missing = (kinds, seen) => kinds.filter((k) => !seen.has(k));
  assert.deepEqual(
    missing(ANSWER_KINDS, new Set(report.arrivals.map((a) => a.answer))),
    [],
    "answers never given",
  );
  assert.deepEqual(
    missing(METHOD_KINDS, new Set(report.calls.map((c) => c.plan.method))),
    [],
    "methods never used",
  );
  const phases = new Set(report.calls.map((c) => c.abort?.phase));
  const abortPhases = ["before sending", "inside fetch", "during a request", "in onRetry", "during a wait"];
  assert.deepEqual(missing(abortPhases, phases), [], "aborts never made");
  const outcomes = new Set(report.calls.map((c) => c.outcome?.kind));
  assert.deepEqual(
    missing(["response", "reason", "timeout", "network"], outcomes),
    [],
    "outcomes never seen",
  );
  // Every call had started before the first one that sent anything settled.
  const lastStart = Math.max(...report.calls.map((c) => c.start.seq));
  const early = report.calls.filter((c) => c.attempts.length > 0 && c.outcome?.seq < lastStart);
  assert.deepEqual(
    early.map((c) => c.id),
    [],
    "calls that settled before the last one started",
  );
});
