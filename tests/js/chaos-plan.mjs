// What the chaos run does, as pure functions of a seed: each call's plan from (seed, call id), the
// server's answer from (seed, call id, attempt). The timing of a run varies; what it asks for does not,
// so a seed replays the same plans and answers, for all calls or for a few.
import { seededRandom } from "../emulator/catalog.mjs";

/** The seed used when CHAOS_SEED is not set. */
const DEFAULT_SEED = 20260601;

/** The run's seed: CHAOS_SEED, a whole number, or the default. */
export function seedFromEnv() {
  const value = process.env.CHAOS_SEED ?? String(DEFAULT_SEED);
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
    throw new Error(`CHAOS_SEED must be a whole number below 2^32, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Calls in a run. */
export const CALLS = 1000;
/** An aborted call must have settled when a timer of this, started at the abort, fires. */
export const ABORT_PROMPT_MS = 50;

// Weights, not percentages. `post` is an unmarked POST; `post-key` carries an Idempotency-Key.
const METHODS = { get: 35, put: 20, post: 25, "post-key": 20 };
// When the caller aborts: `timer` at a random moment of the call, `attempt` during (or at the start of)
// an attempt, `on-retry` from inside onRetry when the wait is long, `wait` during a wait.
const ABORTS = { none: 50, before: 5, timer: 15, attempt: 10, "on-retry": 10, wait: 10 };
// The abort reason: an Error of the caller's, a value that is not an Error, or AbortController's own.
const REASONS = { error: 40, value: 20, default: 40 };
const ANSWERS = {
  ok: 24,
  late: 8,
  503: 10,
  "503-slow": 3,
  "429-reset": 8,
  "429-retry-after": 6,
  "429-bare": 5,
  reset: 9,
  hang: 8,
  slow: 9,
  cut: 10,
};

export const METHOD_KINDS = Object.keys(METHODS);
export const ANSWER_KINDS = Object.keys(ANSWERS);
/** The answers that are a 429, after which even an unmarked POST may be sent again. */
export const isRateLimit = (answer) => answer?.startsWith("429") ?? false;

/** A weighted choice: `weights` maps each choice to its weight. */
function weighted(random, weights) {
  const entries = Object.entries(weights);
  let r = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [choice, w] of entries) {
    r -= w;
    if (r < 0) return choice;
  }
  return entries[entries.length - 1][0];
}

const oneOf = (random, list) => list[Math.floor(random() * list.length)];

/** A generator for one (seed, call, attempt); mulberry32 decorrelates nearby seeds by itself. */
const randomFor = (seed, id, attempt) =>
  seededRandom((seed + Math.imul(id + 1, 0x9e3779b1) + Math.imul(attempt, 0x85ebca6b)) >>> 0);

/** What call `id` does: its method, its options, and whether, when and why its caller aborts. */
export function planFor(seed, id) {
  const random = randomFor(seed, id, 0);
  return {
    method: weighted(random, METHODS),
    // A `fetch` option that ignores its signal, as some polyfills and wrappers do.
    deafFetch: random() < 0.04,
    timeout: 800 + Math.floor(random() * 1200),
    totalTimeout: 2500 + Math.floor(random() * 2500),
    limit: oneOf(random, [1, 2, 3, 4]),
    backoff: {
      baseMs: oneOf(random, [5, 10, 20]),
      maxMs: oneOf(random, [40, 100, 200]),
      jitter: oneOf(random, ["full", "equal", "none"]),
    },
    maxRetryAfterMs: oneOf(random, [300, 1000, 1500]),
    bodyLength: Math.floor(random() * 3000),
    abort: weighted(random, ABORTS),
    // The attempt (`attempt`) or the retry (`wait`) the abort comes in.
    abortAt: 1 + Math.floor(random() * 2),
    // Where in its span the abort comes; below 0.1 an `attempt` abort comes from inside the caller's
    // fetch, before the request is handed on.
    abortFraction: random(),
    reason: weighted(random, REASONS),
  };
}

/** What the server answers to attempt `attempt` of call `id`. */
export function answerFor(seed, id, attempt) {
  const random = randomFor(seed, id, attempt);
  const kind = weighted(random, ANSWERS);
  // The time the store takes to answer: long enough that the calls overlap.
  const answer = { kind, delayMs: Math.floor(random() * 400) };
  // Around the attempt's time limit, so that some arrive just before it and some just after.
  if (kind === "late") answer.delayMs = Math.floor(planFor(seed, id).timeout * (0.7 + random() * 0.6));
  if (kind === "429-reset") {
    answer.headers = { "x-rate-limit-time-reset-ms": String(Math.floor(random() * 800)) };
  }
  if (kind === "429-retry-after") {
    // Seconds (some beyond maxRetryAfterMs), an HTTP-date about a second ahead, and a malformed value.
    const value = oneOf(random, ["0", "1", "2", "60", "date", "soon"]);
    answer.headers = { "retry-after": value };
  }
  if (kind === "503" && random() < 0.3) answer.headers = { "retry-after": "0" };
  if (kind === "slow" || kind === "503-slow") {
    answer.chunks = 3 + Math.floor(random() * 6);
    answer.everyMs = 20 + Math.floor(random() * 60);
  }
  return answer;
}

/** The string body a PUT or POST of call `id` sends. */
export const bodyFor = (id, plan) => JSON.stringify({ call: id, note: "x".repeat(plan.bodyLength) });
