// The retry loop behind createFetch: fetch → (on a retryable outcome) decide → wait or return.
//
// JavaScript sends the attempts, runs the timers and follows abort signals; the wasm core decides, after
// each attempt that may be retried, whether and when to try again, and keeps the history. A call whose
// first response has a status that is not retried (every success) asks the wasm one question, with
// a number, and returns: no closure, future or history is made for it.

import { Attempts, isNetworkFailure } from "../dist/commerce_fetch.js";
import { NetworkError, TimeoutError } from "./errors.js";
import { CallerRequest } from "./request.js";

/** Retry histories of returned responses, for `retryInfo()`. */
export const retryInfos = new WeakMap();

/** A `fetch` with `policy`'s retries, sending through the caller's `fetch` or the global one. */
export function clientFetch(policy, fetchOption, onRetry) {
  const send = fetchOption ?? ((input, init) => fetch(input, init));
  // The first attempt's time limit is the same for every call; later ones depend on the time spent.
  const firstBudget = policy.attemptBudgetMs(0);
  return function commerceFetch(input, init) {
    return run(policy, send, onRetry, firstBudget, input, init);
  };
}

async function run(policy, send, onRetry, firstBudget, input, init) {
  const request = new CallerRequest(input, init);
  const caller = request.signal;
  const started = Date.now();
  let attempts; // made when the first attempt ends in something that may be retried
  try {
    for (;;) {
      if (caller?.aborted) throw caller.reason;
      const budget = attempts === undefined ? firstBudget : policy.attemptBudgetMs(Date.now() - started);
      const attempt = new Attempt(request, budget);
      let outcome;
      try {
        outcome = await send(attempt.input, attempt.init);
      } catch (error) {
        outcome = attempt.failure(error);
      } finally {
        attempt.end();
      }
      let wait;
      if (outcome instanceof Failure) {
        attempts ??= history(policy, request, started);
        wait = attempts.afterFailure(outcome.timedOut, Date.now(), Math.random());
        if (wait === undefined) throw failure(attempts, outcome);
      } else {
        const status = statusOf(outcome);
        if (attempts === undefined && !policy.retriesStatus(status)) return outcome;
        attempts ??= history(policy, request, started);
        wait = attempts.afterResponse(status, outcome.headers, Date.now(), Math.random());
        if (wait === undefined) {
          retryInfos.set(outcome, attempts.details());
          return outcome;
        }
        discardBody(outcome);
      }
      if (onRetry !== undefined) onRetry(attempts.retryEvent());
      await sleep(wait, caller);
    }
  } finally {
    attempts?.free();
  }
}

/** How an attempt that got no response ended: timed out, or a failed connection. */
class Failure {
  constructor(timedOut, error) {
    this.timedOut = timedOut;
    this.error = error;
  }
}

/**
 * One attempt's arguments for `fetch`, aborted after `budget` ms (when set) or when the caller aborts,
 * until `end()`.
 */
class Attempt {
  constructor(request, budget) {
    const caller = request.signal;
    this.caller = caller;
    this.controller = undefined;
    this.timer = undefined;
    this.unlink = undefined;
    let signal = caller;
    let linked = false;
    if (budget !== undefined) {
      this.controller = new AbortController();
      signal = this.controller.signal;
      // `AbortSignal.any` keeps the caller's abort linked for as long as the body is read; where it is
      // missing, a listener forwards the caller's abort until the attempt ends.
      if (caller !== undefined) {
        if (typeof AbortSignal.any === "function") signal = AbortSignal.any([caller, signal]);
        else linked = true;
      }
    }
    // Both may throw (a used-up Request, a hostile init): nothing is started yet.
    this.input = request.inputForAttempt();
    this.init = request.initForAttempt(signal);
    if (linked) this.unlink = follow(caller, this.controller);
    if (budget !== undefined) this.timer = setTimeout(abortAttempt, budget, this.controller);
  }

  /**
   * What `fetch`'s rejection with `error` means: a `Failure` worth deciding on, or else it is thrown:
   * the caller's abort reason, or `fetch`'s own error when the request is invalid or the caller's
   * `fetch` threw something else.
   */
  failure(error) {
    if (this.caller?.aborted) throw this.caller.reason;
    if (this.controller?.signal.aborted) return new Failure(true, error);
    if (isNetworkFailure(textOf(error, "name"), textOf(error, "message"))) return new Failure(false, error);
    throw error;
  }

  end() {
    clearTimeout(this.timer);
    this.unlink?.();
  }
}

// One handler for every attempt timer: `setTimeout` passes it the attempt's controller.
function abortAttempt(controller) {
  controller.abort();
}

function follow(caller, controller) {
  const forward = () => controller.abort(caller.reason);
  caller.addEventListener("abort", forward);
  return () => caller.removeEventListener("abort", forward);
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal === undefined) {
      setTimeout(resolve, ms);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function history(policy, request, started) {
  // The mark matters only for a method the policy does not already retry.
  const idempotent = !policy.retriesMethod(request.method) && request.markedIdempotent();
  return new Attempts(policy, request.method, idempotent, request.replayable, started);
}

function failure(attempts, outcome) {
  const details = attempts.details();
  details.cause = outcome.error;
  const message = attempts.message();
  return outcome.timedOut ? new TimeoutError(message, details) : new NetworkError(message, details);
}

/**
 * The status of a `Response`, possibly from another realm or a polyfill: an integer from 0 to 999,
 * with a `headers` object. Anything else is a `TypeError`: the caller's `fetch` is broken.
 */
function statusOf(response) {
  let status;
  let headers;
  try {
    status = response.status;
    headers = response.headers;
  } catch {}
  if (
    Number.isInteger(status) &&
    status >= 0 &&
    status < 1000 &&
    typeof headers === "object" &&
    headers !== null
  ) {
    return status;
  }
  throw new TypeError("commerce-fetch: fetch resolved with something that is not a Response");
}

/**
 * Cancels the body of a response that will not be returned, so that its connection is freed. A look-alike
 * response whose body throws is left alone, as `statusOf` tolerates one whose status does.
 */
function discardBody(response) {
  try {
    const body = response.body;
    if (body != null && typeof body.cancel === "function" && !body.locked) body.cancel().catch(ignore);
  } catch {}
}

function ignore() {}

/** `error[key]` when it is a string, else "": the caller's `fetch` may throw anything. */
function textOf(error, key) {
  try {
    const value = error?.[key];
    return typeof value === "string" ? value : "";
  } catch {
    return "";
  }
}
