// Protecting a store (the `protect` option): its concurrency slots, pacing by its rate-limit headers,
// a retry budget and a circuit breaker. Every decision is the core's (src/wasm/guard.rs); this keeps
// the promises of the requests waiting for their turn and the one timer that wakes them.
//
// One guard per store and settings, shared by every client in this copy of the package: a store's
// quota is shared by every client of it, so they must meet the same state.

import * as core from "./core.js";
import { CircuitOpenError, TimeoutError } from "./errors.js";
import { abortReason } from "./signals.js";

/** Guards by settings and store key. */
const guards = new Map();

/** Breaker modes as the core numbers them. */
const BREAKERS = { sampling: 1, consecutive: 2 };

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
    this.core = new core.CoreGuard([
      settings.pacing,
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
   * Waits for an attempt's turn: `{ ticket, waitedMs, reason }` at once when it may be sent now, else a
   * promise of it;
   * rejects with the caller's abort reason, a `TimeoutError` when `leftMs` (what is left of the total
   * timeout) passes first, or a `CircuitOpenError`.
   */
  enter(method, url, signal, leftMs, onEvent) {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
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
        waiter.timer = setTimeout(() => {
          const why = `${method} waited ${Math.round(leftMs)} ms for its turn at ${this.key} (pacing or a concurrency slot) and ran out of totalTimeout`;
          this.leave(waiter, new TimeoutError(why, { attempts: 0, reason: "deadline" }));
        }, leftMs);
      }
      this.pump();
    });
  }

  /** The attempt of `ticket` got `response` with `status`. */
  answered(ticket, status, headers) {
    this.core.ask("answered", ticket, status, core.hintValues(headers), Date.now());
    this.pump();
  }

  /** The attempt of `ticket` got no response (`aborted`: the caller ended it). */
  failed(ticket, aborted) {
    this.core.ask("failed", ticket, aborted, Date.now());
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
    return new CircuitOpenError(
      `the circuit breaker of ${this.key} is open after server errors; try again in ${Math.max(0, retryAt - Date.now())} ms`,
      { attempts: 0, reason: "circuit_open", retryAt, store: this.key },
    );
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

/** A waiter leaves the queue: its timer and abort listener go. */
function settle(waiter) {
  clearTimeout(waiter.timer);
  if (waiter.abort !== undefined) waiter.signal.removeEventListener("abort", waiter.abort);
}
