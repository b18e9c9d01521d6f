// Protecting a store (the `protect` option): its concurrency slots, pacing by its rate-limit headers,
// a retry budget and a circuit breaker. Every decision is the core's (src/wasm/guard.rs); this keeps
// the promises of the requests waiting for their turn and the one timer that wakes them.
//
// One guard per store and settings, shared by every client in this copy of the package: a store's
// quota is shared by every client of it, so they must meet the same state. Many copies (Cloudflare
// Worker isolates) share the store's pacing through a Durable Object (`protect.pacing` a namespace,
// commerce-fetch/cloudflare's StoreQuota): here a request then waits for its turn at the guard first
// (concurrency, breaker), then for the object's grant (`SharedPacing`).

// This module imports nothing: client.js links it to what it uses of the rest of the package (`link`).
// A browser page then loads it with the extras' bindings, on first need of `protect`, and a bundler
// that splits the dynamic import gives it a chunk of its own; were it to import the package's modules,
// the bundler would move those into a third chunk, which the page's own code would wait for.
let core;
let CircuitOpenError;
let TimeoutError;
let abortReason;

/**
 * Gives the module what it uses of the rest of the package: `core` (core.js's `CoreGuard`,
 * `circuitOpenMessage`, `hintValues`, `outOfTimeMessage`, `routeOf` and `storeKey`), the two error
 * classes and signals.js's `abortReason`.
 */
export function link(parts) {
  ({ core, CircuitOpenError, TimeoutError, abortReason } = parts);
}

/** Guards by settings and store key. */
const guards = new Map();

/** Breaker modes as the core numbers them. */
const BREAKERS = { sampling: 1, consecutive: 2 };
/** Pacing modes as the core numbers them: none, by this guard, by a shared object. */
const PACING = { off: 0, here: 1, shared: 2 };
/**
 * How long after the object was due to be asked again another request asks it: the one due may have
 * been cancelled (a Worker cancels a request whose client went away). Longer than a round trip to a
 * Durable Object across the world, short beside a window.
 */
const ASK_GRACE_MS = 2_000;
/** The longest `setTimeout` runtimes keep (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The guard of the store `url` is for, under `settings` (from options.js `readProtect`). */
export function guardFor(settings, url) {
  let key = core.storeKey(url);
  if (key === undefined) {
    try {
      key = core.storeKey(new URL(url, globalThis.location?.href).href);
    } catch {}
  }
  key ??= "unknown";
  const id = `${settings.id}|${key}`;
  let guard = guards.get(id);
  if (guard === undefined) {
    guard = new StoreGuard(key, settings);
    guards.set(id, guard);
  }
  return guard;
}

/** What every guard a client used says: `{ [store]: stats }`. */
export function statsOf(settings) {
  const out = {};
  for (const guard of guards.values()) {
    if (guard.settings === settings) out[guard.key] = guard.stats();
  }
  return out;
}

export class StoreGuard {
  constructor(key, settings) {
    this.key = key;
    this.settings = settings;
    const shared = settings.sharedPacing;
    this.shared = shared === undefined ? undefined : new SharedPacing(shared, key, this);
    const pacing = shared !== undefined ? PACING.shared : settings.pacing ? PACING.here : PACING.off;
    this.core = new core.CoreGuard([
      pacing,
      settings.budget,
      BREAKERS[settings.breaker] ?? 0,
      settings.concurrency,
      settings.routeLimits,
    ]);
    /** Waiting requests by ticket, in the order they came. */
    this.waiters = new Map();
    this.timer = undefined;
  }

  /**
   * Waits for an attempt's turn: `{ ticket, waitedMs, reason, number? }` when it may be sent (at once
   * when nothing holds it, else a promise; `number`: its number at the shared pacing). Rejects with the
   * caller's abort reason, a `TimeoutError` when `leftMs` (what is left of the total timeout) passes
   * first, or a `CircuitOpenError`.
   */
  enter(method, url, signal, leftMs, onEvent) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.shared === undefined) return this.queue(method, url, signal, leftMs, onEvent);
    return this.enterShared(method, url, signal, leftMs, onEvent);
  }

  /** The turn here (concurrency, breaker), then the shared pacing's grant; one event for both waits. */
  async enterShared(method, url, signal, leftMs, onEvent) {
    const started = Date.now();
    const turn = await this.queue(method, url, signal, leftMs, undefined);
    const asked = Date.now();
    const left = leftMs === undefined ? undefined : Math.max(0, leftMs - (asked - started));
    let grant;
    try {
      grant = await this.shared.turn(signal, left, () => this.outOfTime(method, leftMs));
    } catch (error) {
      this.failed(turn, true);
      throw error;
    }
    turn.number = grant.number;
    const pacedMs = grant.paced ? Date.now() - asked : 0;
    this.core.ask("pacedElsewhere", turn.waitedMs, pacedMs);
    if (pacedMs > 0) {
      turn.waitedMs += pacedMs;
      turn.reason = "pacing";
    }
    if (turn.waitedMs > 0) {
      onEvent?.({ type: "waited", store: this.key, waitedMs: turn.waitedMs, reason: turn.reason });
    }
    return turn;
  }

  /** Queues an attempt for its turn here (concurrency, pacing here, breaker); see `enter`. */
  queue(method, url, signal, leftMs, onEvent) {
    const route = core.routeOf(method, url);
    const ticket = this.core.ask("enqueue", route, Date.now());
    // Nobody waiting: the core may let this one go at once, without a promise to settle later.
    if (this.waiters.size === 0) {
      const next = this.core.ask("next", Date.now());
      if (next === ticket) return { ticket, waitedMs: 0, reason: "" };
      if (next === -3 && this.core.ask("lastTicket") === ticket) {
        return Promise.reject(this.circuitOpen(onEvent));
      }
    }
    return new Promise((resolve, reject) => {
      const waiter = { route, resolve, reject, signal, onEvent, timer: undefined, abort: undefined };
      waiter.ticket = ticket;
      this.waiters.set(waiter.ticket, waiter);
      if (signal !== undefined) {
        waiter.abort = () => this.leave(waiter, abortReason(signal));
        signal.addEventListener("abort", waiter.abort, { once: true });
      }
      if (leftMs !== undefined) {
        waiter.timer = setTimeout(() => this.leave(waiter, this.outOfTime(method, leftMs)), leftMs);
      }
      this.pump();
    });
  }

  /** The error of a request that waited `leftMs` for its turn and ran out of its total timeout. */
  outOfTime(method, leftMs) {
    return new TimeoutError(core.outOfTimeMessage(method, leftMs, this.key), {
      attempts: 0,
      reason: "deadline",
    });
  }

  /** The attempt of `turn` got `response` with `status`. */
  answered(turn, status, headers) {
    const hints = core.hintValues(headers);
    this.core.ask("answered", turn.ticket, status, hints, Date.now());
    if (turn.number !== undefined) this.shared.answered(turn.number, hints);
    this.pump();
  }

  /** The attempt of `turn` got no response (`aborted`: the caller ended it). */
  failed(turn, aborted) {
    this.core.ask("failed", turn.ticket, aborted, Date.now());
    if (turn.number !== undefined) this.shared.answered(turn.number, undefined);
    this.pump();
  }

  /** The cost the retry budget took for a retry, or -1 when it cannot pay. */
  spendRetry(throttled) {
    return this.core.ask("spendRetry", throttled);
  }

  /** A call ended in success; `cost` is what its last retry took (-1: none). */
  succeeded(cost) {
    this.core.ask("succeeded", cost);
  }

  stats() {
    return this.core.ask("stats", Date.now());
  }

  /** The shared pacing could not be asked or told: counted in `stats()`. */
  sharedPacingFailed() {
    this.core.ask("sharedPacingFailed");
  }

  /** A waiting request gives up with `error`. */
  leave(waiter, error) {
    if (!this.waiters.delete(waiter.ticket)) return;
    this.core.ask("cancel", waiter.ticket);
    settle(waiter);
    waiter.reject(error);
    this.pump();
  }

  /** Starts every waiting request the core lets start, and sets the timer for the next look. */
  pump() {
    if (this.core.fresh()) this.requeue();
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      const next = this.core.ask("next", Date.now());
      if (next > 0) {
        const waiter = this.waiters.get(next);
        if (waiter === undefined) {
          this.core.ask("failed", next, true, Date.now());
          continue;
        }
        this.waiters.delete(next);
        settle(waiter);
        const waitedMs = this.core.ask("waitedMs");
        const reason = this.core.ask("waitReason");
        if (waitedMs > 0) waiter.onEvent?.({ type: "waited", store: this.key, waitedMs, reason });
        waiter.resolve({ ticket: next, waitedMs, reason });
      } else if (next === -3) {
        const waiter = this.waiters.get(this.core.ask("lastTicket"));
        if (waiter === undefined) continue;
        this.waiters.delete(waiter.ticket);
        settle(waiter);
        waiter.reject(this.circuitOpen(waiter.onEvent));
      } else {
        // -2: pacing asks to wait; an answer wakes the queue sooner. 0 or -1: nothing to do until an
        // attempt ends.
        if (next === -2) this.timer = setTimeout(() => this.pump(), this.core.ask("waitMs"));
        return;
      }
    }
  }

  /** The error for a call the open breaker refused (after `next` gave -3), told to `onEvent` too. */
  circuitOpen(onEvent) {
    const retryAt = this.core.ask("retryAt");
    onEvent?.({ type: "circuit_open", store: this.key, retryAt });
    return new CircuitOpenError(core.circuitOpenMessage(this.key, retryAt - Date.now()), {
      attempts: 0,
      reason: "circuit_open",
      retryAt,
      store: this.key,
    });
  }

  /** After a trap the core's guard is new and empty: the waiting requests are queued again. */
  requeue() {
    const waiting = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiter of waiting) {
      waiter.ticket = this.core.ask("enqueue", waiter.route, Date.now());
      this.waiters.set(waiter.ticket, waiter);
    }
  }
}

/**
 * Pacing by the store's Durable Object (commerce-fetch/cloudflare's StoreQuota), which every isolate
 * asks. The requests of this isolate wait in order, and the first asks for all of them at once
 * (`take(waiting)`): the object grants as many as may go now, numbered, or says how long to wait. The
 * first asks from its own request's context (a Worker's timers and I/O belong to the request that made
 * them); when it leaves, the next takes over. A Worker cancels a request whose client went away, with
 * its timers, so a request that was to ask and has not, `ASK_GRACE_MS` after it was due, is taken as
 * gone: the next one asks. When the object cannot be asked, the requests go without waiting, and
 * `stats()` counts it.
 */
class SharedPacing {
  constructor(namespace, key, guard) {
    this.namespace = namespace;
    this.key = key;
    this.guard = guard;
    /** The requests waiting for a grant, in order: `{ granted, number, paced, wake, timer }`. */
    this.waiting = [];
    /** The request whose `take` is out, if any. */
    this.asker = undefined;
    /** When the object should have been asked again, at the latest (`Date.now()` time). */
    this.due = 0;
  }

  /**
   * Waits for the object's grant: resolves with `{ number, paced }` (`number` undefined when the object
   * could not be asked; `paced`: the object said to wait while it waited). Rejects with the caller's abort reason, or
   * `timeout()` after `leftMs`.
   */
  async turn(signal, leftMs, timeout) {
    if (signal?.aborted) throw abortReason(signal);
    const waiter = { granted: false, number: undefined, paced: false, wake: undefined, timer: undefined };
    let stop;
    const gone = new Promise((_, reject) => {
      stop = reject;
    });
    const abort = () => stop(abortReason(signal));
    signal?.addEventListener("abort", abort, { once: true });
    const deadline = leftMs === undefined ? undefined : setTimeout(() => stop(timeout()), leftMs);
    const until = (promise) => Promise.race([promise, gone]);
    this.waiting.push(waiter);
    try {
      while (!waiter.granted) {
        const first = this.waiting[0] === waiter && this.asker === undefined;
        if (first || Date.now() >= this.due) {
          this.asker = waiter;
          this.due = Date.now() + ASK_GRACE_MS;
          let waitMs;
          try {
            // A grant from another ask (this one's may hang) wakes it as well.
            const woken = new Promise((resolve) => (waiter.wake = () => resolve(0)));
            waitMs = await until(Promise.race([this.ask(), woken]));
          } finally {
            if (this.asker === waiter) this.asker = undefined;
          }
          if (!waiter.granted && waitMs > 0) {
            this.due = Date.now() + waitMs + ASK_GRACE_MS;
            await until(this.sleep(waiter, waitMs));
          }
        } else {
          await until(this.sleep(waiter, Math.max(1, this.due - Date.now())));
        }
      }
      return waiter;
    } finally {
      clearTimeout(deadline);
      clearTimeout(waiter.timer);
      signal?.removeEventListener("abort", abort);
      const at = this.waiting.indexOf(waiter);
      if (at >= 0) this.waiting.splice(at, 1);
      // The first waiting asks next (the object's grant may have made it first, or this one left).
      if (at === 0 || waiter.granted) this.waiting[0]?.wake?.();
    }
  }

  /** Asks the object for every request waiting; hands out what it grants. Returns the wait it asks. */
  async ask() {
    let answer;
    try {
      answer = await this.object().take(this.waiting.length);
    } catch {
      answer = undefined;
    }
    const first = answer?.first;
    const count = answer?.count;
    const waitMs = answer?.waitMs;
    if (Number.isSafeInteger(first) && first > 0 && Number.isSafeInteger(count) && count > 0) {
      this.due = Date.now() + ASK_GRACE_MS;
      for (let number = first; number < first + count; number += 1) {
        const waiter = this.waiting.shift();
        if (waiter === undefined) {
          this.answered(number, undefined); // granted to a request that has left since
          continue;
        }
        waiter.granted = true;
        waiter.number = number;
        waiter.wake?.();
      }
      return 0;
    }
    if (typeof waitMs === "number" && waitMs > 0) {
      for (const waiter of this.waiting) waiter.paced = true;
      return Math.min(waitMs, MAX_TIMER_MS);
    }
    // Not reached, or an answer it cannot read: every request waiting goes as it would unpaced.
    this.guard.sharedPacingFailed();
    for (const waiter of this.waiting.splice(0)) {
      waiter.granted = true;
      waiter.wake?.();
    }
    return 0;
  }

  /** Waits `ms`, or until the waiter is woken (granted, or first). */
  sleep(waiter, ms) {
    return new Promise((resolve) => {
      waiter.timer = setTimeout(resolve, ms);
      waiter.wake = resolve;
    });
  }

  /** Tells the object that request `number` was answered with `hints`, or failed (`undefined`). */
  answered(number, hints) {
    const failed = () => this.guard.sharedPacingFailed();
    try {
      // Not `.then(undefined, failed)`: workerd's RPC promise throws when a callback is not a function.
      Promise.resolve(this.object().answered(number, hints)).catch(failed);
    } catch {
      failed();
    }
  }

  /** The store's object. A stub is made for each call: one that failed fails every later call. */
  object() {
    return this.namespace.get(this.namespace.idFromName(this.key));
  }
}

/** A waiter leaves the queue: its timer and abort listener go. */
function settle(waiter) {
  clearTimeout(waiter.timer);
  if (waiter.abort !== undefined) waiter.signal.removeEventListener("abort", waiter.abort);
}
