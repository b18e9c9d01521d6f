// The retry loop behind createFetch: fetch → (on a retryable outcome) decide → wait or return.
//
// JavaScript sends the attempts, runs the timers and follows abort signals; the wasm core decides, after
// each attempt that may be retried, whether and when to try again, and keeps the history. A call whose
// first response has a status that is not retried (every success) asks the wasm one question, with
// a number, and returns: no history is made for it.
//
// An attempt settles at its time limit or the caller's abort whatever the `fetch` underneath does (one
// that ignores its signal included), and follows redirects itself where the runtime shows them, so that
// credentials never reach another origin (see `CallerRequest.nextHop`).

import * as core from "./core.js";
import {
  CircuitOpenError,
  NetworkError,
  RedirectError,
  read,
  safeCause,
  TimeoutError,
  textOf,
} from "./errors.js";
import { PendingPolicy } from "./options.js";
import { CallerRequest, ONCE } from "./request.js";
import { abortReason, follow, sleep, unfollow, untilAborted } from "./signals.js";

/** Retry histories of returned responses, for `retryInfo()`. */
export const retryInfos = new WeakMap();

/** protect's module (guard.js) as linked by `guardFor`. */
let linkedGuard;

/**
 * The guard of the store `url` is for, under protect's `settings`. Its module comes with the extras'
 * bindings, which a call with `protect` waits for, and is linked here on first use.
 */
function guardFor(settings, url) {
  const guard = core.guardModule();
  if (guard !== linkedGuard) {
    guard.link({
      // Named one by one: a bundler keeps only the parts of core.js a module names.
      core: {
        CoreGuard: core.CoreGuard,
        circuitOpenMessage: core.circuitOpenMessage,
        hintValues: core.hintValues,
        outOfTimeMessage: core.outOfTimeMessage,
        routeOf: core.routeOf,
        storeKey: core.storeKey,
      },
      CircuitOpenError,
      TimeoutError,
      abortReason,
    });
    linkedGuard = guard;
  }
  return guard.guardFor(settings, url);
}

/** What every guard a client with protect's `settings` used says: `{ [store]: stats }`. */
export function statsOf(settings) {
  return core.guardModule()?.statsOf(settings) ?? {};
}

/**
 * Whether `fetch` shares reads: Next.js's server fetch answers every GET or HEAD without a signal for
 * one URL once per render (its request memoization). The core decides what to send it.
 */
function sharesReads(fetch) {
  try {
    return typeof fetch === "function" && fetch.__nextPatched === true;
  } catch {
    return false; // a getter that throws: a fetch we know nothing about
  }
}

/**
 * A `fetch` with `policy`'s retries, sending through the caller's `fetch` or the global one; `protect`
 * (settings from options.js) guards each store it calls (guard.js). `who` made it; `extrasNeeded`: its
 * calls use the extras module (protect, or what reads answers), and wait for it.
 */
export function clientFetch(
  { policy, fetch: fetchOption, onRetry, shouldRetry, protect, onEvent },
  who,
  extrasNeeded,
) {
  const shares = sharesReads(fetchOption);
  const client = {
    policy,
    protect,
    onEvent,
    send: fetchOption ?? ((input, init) => fetch(input, init)),
    // The global fetch is looked up per call: Next.js replaces it after modules load.
    sharesReads: fetchOption === undefined ? () => sharesReads(globalThis.fetch) : () => shares,
    onRetry,
    shouldRetry,
    // The first attempt's time limit is the same for every call; later ones depend on the time spent.
    firstBudget: undefined,
  };
  const pending = policy instanceof PendingPolicy;
  if (!pending && !(extrasNeeded && !core.isReady(true))) {
    client.firstBudget = policy.attemptBudgetMs(0);
    return function commerceFetch(input, init) {
      return run(client, input, init);
    };
  }
  // Made before the wasm arrived (or before the extras a browser loads on first need): each call waits
  // for it, and for the core's check of the options.
  let built = Promise.all([
    pending ? policy.built() : policy,
    extrasNeeded ? core.whenReady(who, true) : undefined,
  ]).then(([made]) => {
    client.policy = made;
    client.firstBudget = made.attemptBudgetMs(0);
    built = undefined;
  });
  // The rejection of a bad option belongs to the calls; none may have come yet.
  built.catch(() => {});
  return function commerceFetch(input, init) {
    if (built === undefined) return run(client, input, init);
    const early = goFirst(client, input, init);
    // The caller's abort ends the wait at once.
    const signal = early?.request.signal;
    const waiting = signal === undefined ? built : untilAborted(built, signal, () => {});
    return waiting.then(
      () => run(client, input, init, early),
      (error) => {
        early?.cancel();
        throw error;
      },
    );
  };
}

/**
 * A call made before the wasm arrived: its request, read once now, and when it may (see
 * `CallerRequest.mayGoFirst`), its first attempt, sent at once so that it overlaps the wasm's download.
 * Its `sent` is settled on by the first `Attempt` once the core is there. `undefined` when the request
 * cannot be read (the call then fails as it would have).
 */
function goFirst(client, input, init) {
  let request;
  try {
    request = new CallerRequest(input, init, undefined);
  } catch {
    return undefined;
  }
  const early = { request, sent: undefined, controller: undefined, at: 0, release() {}, cancel() {} };
  if (client.protect !== undefined || !request.mayGoFirst() || client.sharesReads()) return early;
  const controller = new AbortController();
  const caller = request.signal;
  const onAbort = () => controller.abort(caller.reason);
  caller?.addEventListener("abort", onAbort, { once: true });
  early.controller = controller;
  early.at = Date.now();
  early.sent = new Promise((resolve) =>
    resolve(client.send(request.inputForAttempt(), request.initForAttempt(controller.signal))),
  );
  early.sent.catch(() => {});
  /** Stops following the caller's signal: the attempt that takes the request over follows it. */
  early.release = () => caller?.removeEventListener("abort", onAbort);
  early.cancel = () => {
    early.release();
    controller.abort();
    early.sent.then(discardBody, () => {});
  };
  return early;
}

async function run(client, input, init, early) {
  const { policy } = client;
  let request;
  if (early === undefined) request = new CallerRequest(input, init, policy);
  else {
    request = early.request;
    // Undefined until the core says whether a header carries credentials: the first attempt went
    // with a manual redirect (see CallerRequest.mayGoFirst).
    const unsure = request.following === undefined;
    request.adopt(policy);
    // Its headers carry no credentials: a redirect its manual first attempt did not follow is sent
    // again as fetch would send it, following the redirect.
    if (unsure && early.sent !== undefined && request.following === false) {
      const { controller } = early;
      early.sent = early.sent.then((response) =>
        textOf(response, "type") === "opaqueredirect"
          ? client.send(request.inputForAttempt(), request.initForAttempt(controller.signal))
          : response,
      );
      early.sent.catch(() => {});
    }
  }
  const caller = request.signal;
  // A first attempt that went before the wasm arrived (see goFirst) counts from when it went.
  let head = early?.sent === undefined ? undefined : early;
  const started = head?.at ?? Date.now();
  let history; // made when the first attempt ends in something that may be retried
  // The first attempt's limit is known in advance, unless time went into reading the body first.
  let firstBudget = client.firstBudget;
  try {
    if (caller?.aborted) {
      head?.cancel();
      throw abortReason(caller);
    }
    if (request.body === ONCE && policy.bufferBodyBytes > 0) {
      await request.buffer(policy.bufferBodyBytes, caller, firstBudget);
      firstBudget = policy.attemptBudgetMs(Date.now() - started);
    }
    // The first attempt may go without its signal, for the host to share it (its time limit still holds).
    let shared =
      head === undefined &&
      client.sharesReads() &&
      core.sharesFirstAttempt(request.method, caller !== undefined);
    const guard = client.protect === undefined ? undefined : guardFor(client.protect, request.url);
    let retryCost = -1;
    for (;;) {
      // The store's turn (concurrency, pacing, breaker): the wait counts against totalTimeout only.
      let turn;
      if (guard !== undefined) {
        const left = policy.totalLeftMs(Date.now() - started);
        turn = await guard.enter(request.method, request.url, caller, left, client.onEvent);
      }
      const waited = turn !== undefined && turn.waitedMs > 0;
      let budget =
        history === undefined && !waited ? firstBudget : policy.attemptBudgetMs(Date.now() - started);
      if (head !== undefined && budget !== undefined) budget = Math.max(0, budget - (Date.now() - head.at));
      let attempt;
      try {
        attempt = new Attempt(request, budget, shared, head);
        head = undefined;
      } catch (error) {
        // Nothing was sent (a used-up Request): the turn is given back.
        if (turn !== undefined) guard.failed(turn, true);
        throw error;
      }
      shared = false;
      let outcome;
      try {
        outcome = await attempt.send(client.send);
      } catch (error) {
        try {
          outcome = attempt.failure(error);
        } catch (thrown) {
          // Aborted, refused or invalid: it tells the store's guard nothing.
          if (turn !== undefined) guard.failed(turn, true);
          throw thrown;
        }
      } finally {
        attempt.end();
      }
      let wait;
      if (outcome instanceof Failure) {
        if (turn !== undefined) guard.failed(turn, false);
        attempt.unlink();
        if (history === undefined) await readyToDecide(policy, request);
        history ??= startHistory(policy, request, started);
        if (turn?.waitedMs > 0) history.waited(turn.waitedMs, turn.reason);
        wait = history.afterFailure(outcome.timedOut, Date.now(), Math.random());
        if (client.shouldRetry !== undefined) wait = await askCaller(client, request, history, wait);
        if (wait !== undefined && guard !== undefined) wait = spend(guard, history, (c) => (retryCost = c));
        if (wait === undefined) throw failure(history, outcome);
      } else {
        const status = statusOf(outcome);
        if (turn !== undefined) guard.answered(turn, status, outcome.headers);
        const decides =
          history !== undefined || policy.decidesAfter(status, client.shouldRetry !== undefined);
        if (!decides) {
          if (guard !== undefined && status < 400) guard.succeeded(retryCost);
          return outcome;
        }
        if (history === undefined) await readyToDecide(policy, request);
        history ??= startHistory(policy, request, started);
        if (turn?.waitedMs > 0) history.waited(turn.waitedMs, turn.reason);
        const hints = core.hintValues(outcome.headers);
        wait = history.afterResponse(status, hints, isCrossOrigin(outcome), Date.now(), Math.random());
        if (client.shouldRetry !== undefined) wait = await askCaller(client, request, history, wait);
        if (wait !== undefined && guard !== undefined) wait = spend(guard, history, (c) => (retryCost = c));
        if (wait === undefined) {
          if (guard !== undefined && status < 400) guard.succeeded(retryCost);
          retryInfos.set(outcome, history.details());
          return outcome;
        }
        discardBody(outcome);
        attempt.unlink();
      }
      if (client.onRetry !== undefined) client.onRetry(history.retryEvent());
      await sleep(wait, caller);
    }
  } catch (error) {
    if (error instanceof Refusal) throw redirectError(error, history);
    throw error;
  } finally {
    history?.free();
  }
}

/**
 * The caller's `shouldRetry` on the core's latest decision, when the core says it is asked (a retry, a
 * stop only because the method is not safe to repeat, a failure not retried); the core applies the
 * answer. Returns the wait, or `undefined` to stop.
 */
async function askCaller(client, request, history, wait) {
  if (!history.asksCaller()) return wait;
  const answer = await client.shouldRetry({ ...history.lastEntry(), method: request.method });
  return history.verdict(answer, Date.now(), Math.random());
}

/**
 * Asks the store's retry budget to pay for the retry the history decided: the wait, or `undefined`
 * when it cannot (the history then stops with `"retry_budget"`). `took` is given the cost taken.
 */
function spend(guard, history, took) {
  const cost = guard.spendRetry(history.retriesThrottled());
  if (cost >= 0) took(cost);
  return history.afterBudget(cost >= 0);
}

/** How an attempt that got no response ended: timed out, or a failed connection. */
class Failure {
  constructor(timedOut, error) {
    this.timedOut = timedOut;
    this.error = error;
  }
}

/** A redirect the core refused to follow: `{ reason, message }`, and the redirect's status. */
class Refusal {
  constructor(step, status) {
    this.reason = step.reason;
    this.message = step.message;
    this.status = status;
  }
}

/**
 * One attempt: its `fetch` arguments, its own abort signal (aborted after `budget` ms, when set, or
 * when the caller aborts; not handed to `fetch` when the attempt is `shared`), and the redirects it
 * follows.
 */
class Attempt {
  /** `early`: this first attempt already went, before the wasm arrived (see goFirst). */
  constructor(request, budget, shared, early) {
    this.request = request;
    const caller = request.signal;
    this.caller = caller;
    this.controller = undefined;
    this.timer = undefined;
    this.link = undefined;
    /** Rejects the pending `fetch` of this attempt, when it has a signal to settle on. */
    this.reject = undefined;
    /** Set once the attempt is over, or aborted: a response arriving later is discarded. */
    this.over = false;
    /** The `fetch` already sent for this attempt. */
    this.sent = early?.sent;
    let signal;
    if (early !== undefined) {
      this.controller = early.controller;
      early.release();
    } else if (budget !== undefined || caller !== undefined) {
      this.controller = new AbortController();
      signal = this.controller.signal;
    }
    // Both may throw (a used-up Request): nothing is started yet.
    this.input = request.inputForAttempt();
    this.init = request.initForAttempt(shared ? undefined : signal);
    // The timer and the caller's signal abort the attempt through `abort`, which also stops waiting for
    // a `fetch` that ignores its signal: no listener on the attempt's own signal is needed.
    if (caller !== undefined) this.link = follow(caller, this);
    if (budget !== undefined && !this.over) this.timer = setTimeout(expire, budget, this);
  }

  /** Aborts the attempt's signal (with the caller's `reason`, or none at its time limit). */
  abort(reason) {
    this.over = true;
    this.controller.abort(reason);
    this.reject?.(this.controller.signal.reason);
  }

  /** The attempt's signal, which `follow` holds weakly. */
  get signal() {
    return this.controller.signal;
  }

  /**
   * Sends the attempt, following redirects when the request does; resolves with the response to
   * decide on. Throws a `Refusal` for a redirect that must not be followed.
   */
  async send(send) {
    let input = this.input;
    let init = this.init;
    for (let followed = 0; ; followed += 1) {
      const sent = followed === 0 && this.sent !== undefined ? this.sent : send(input, init);
      this.sent = undefined;
      const response = await this.settle(sent);
      if (!this.request.following) return response;
      const status = statusOf(response);
      if (status === 0 && textOf(response, "type") === "opaqueredirect") {
        discardBody(response);
        throw new Refusal(this.request.hiddenRedirect(), 0);
      }
      // A 3xx is asked about; anything else is not a redirect.
      const redirect = status >= 300 && status <= 399 && core.isFollowedRedirect(status);
      const location = redirect ? headerOf(response, "location") : undefined;
      if (location === undefined) return followed === 0 ? response : markRedirected(response);
      const hop = this.request.nextHop(response, status, location, followed, input, init);
      discardBody(response);
      if (hop.refused !== undefined) throw new Refusal(hop.refused, status);
      ({ input, init } = hop);
    }
  }

  /**
   * `sent`, or a rejection as soon as this attempt's signal aborts (its time limit, or the caller),
   * even when the `fetch` underneath never settles. A response that comes after that is discarded.
   */
  settle(sent) {
    const pending = Promise.resolve(sent);
    if (this.controller === undefined) return pending;
    return new Promise((resolve, reject) => {
      this.reject = reject;
      const signal = this.controller.signal;
      if (signal.aborted) reject(signal.reason);
      pending.then((response) => {
        if (this.over) discardBody(response);
        else resolve(response);
      }, reject);
    });
  }

  /**
   * What `fetch`'s rejection with `error` means: a `Failure` worth deciding on, or else it is thrown:
   * a refused redirect, the caller's abort reason, an invalid request (its message cleaned of
   * credentials), or whatever the caller's own `fetch` threw, unchanged.
   */
  failure(error) {
    if (error instanceof Refusal) throw error;
    if (this.caller?.aborted) throw abortReason(this.caller);
    if (this.controller?.signal.aborted) return new Failure(true, error);
    const cause = read(error, "cause");
    const kind = core.fetchFailure(
      textOf(error, "name"),
      textOf(error, "message"),
      codeOf(error),
      textOf(cause, "name"),
      codeOf(cause),
      textOf(cause, "message"),
    );
    if (kind === 0) return new Failure(false, error);
    if (kind === 1) throw cleaned(error);
    throw error;
  }

  end() {
    this.over = true;
    clearTimeout(this.timer);
    this.reject = undefined;
    // The caller's signal may keep this attempt alive while the response body is read: keep no more.
    this.request = this.input = this.init = undefined;
  }

  /** Stops following the caller's signal: the attempt's response is not returned. */
  unlink() {
    if (this.link !== undefined) unfollow(this.caller, this.link);
  }
}

// One handler for every attempt timer: `setTimeout` passes it the attempt.
function expire(attempt) {
  attempt.abort();
}

/**
 * Loads the extras module first where the core needs it to decide (a browser loads it on first need):
 * when the request may be a GraphQL read of a method the policy does not retry. Should it fail to
 * load, the request counts as not a read.
 */
async function readyToDecide(policy, request) {
  if (core.isReady(true) || policy.retriesMethod(request.method) || !request.mayBeGraphqlRead()) return;
  await core.whenReady("createFetch", true).catch(() => {});
}

function startHistory(policy, request, started) {
  // The mark matters only for a method the policy does not already retry.
  const idempotent = !policy.retriesMethod(request.method) && request.markedIdempotent();
  return new core.CallHistory(policy, request.method, idempotent, request.body !== ONCE, started);
}

function failure(history, outcome) {
  const details = history.details();
  details.cause = safeCause(outcome.error);
  const message = history.message();
  return outcome.timedOut ? new TimeoutError(message, details) : new NetworkError(message, details);
}

function redirectError(refusal, history) {
  const details = history?.details() ?? { trace: [] };
  return new RedirectError(refusal.message, {
    attempts: (history === undefined ? 0 : details.attempts) + 1,
    trace: details.trace,
    reason: refusal.reason,
    status: refusal.status,
  });
}

/**
 * An invalid request's error, as a fresh `TypeError` with the same name and message, the message
 * cleaned of URL queries, userinfo and header values. Fresh, because runtimes hang the URL on such an
 * error in other places too (Node's cause has it as `input`, Bun's error as `path`).
 */
function cleaned(error) {
  const copy = new TypeError(core.redact(textOf(error, "message")));
  const name = textOf(error, "name");
  if (name !== "" && name !== "TypeError") copy.name = name;
  return copy;
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
 * Whether a browser filtered the response's headers: a `cors` response shows only those the server lists
 * in `Access-Control-Expose-Headers` (the core says whether that hid the wait hints).
 */
function isCrossOrigin(response) {
  return textOf(response, "type") === "cors";
}

/** A response header's value as a string, or `undefined`. */
function headerOf(response, name) {
  try {
    const value = response.headers.get(name);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A response reached through redirects says so, as one fetch followed them for would. */
function markRedirected(response) {
  try {
    Object.defineProperty(response, "redirected", { value: true, configurable: true });
  } catch {}
  return response;
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

/** An error's `code` (Node's `ECONNREFUSED`, undici's `UND_ERR_SOCKET`) as a string, else "". */
function codeOf(error) {
  const code = read(error, "code");
  return typeof code === "string" || typeof code === "number" ? `${code}` : "";
}
