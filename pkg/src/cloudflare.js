// Cloudflare Workers: the Durable Object that keeps a store's pacing for every isolate that calls the
// store (`protect: { pacing: env.STORE_QUOTA }` in createFetch or createClient). Each isolate sees only
// its own answers, so a pacer in each believes it has the whole quota; one object per store (the
// namespace's `idFromName(store)`) counts the requests of them all.
//
// The pacing is kept in memory only: it is worth seconds (a window lasts 30 s), and an object that was
// evicted, or restarted, learns the window again from the next answer. So nothing is stored, and the
// object's clock (`Date.now()`) is the one every decision uses.

import { DurableObject } from "cloudflare:workers";
import { _SharedPacer } from "./workerd.js";

/** One store's pacing, asked by every isolate before it sends and told of every answer. */
export class StoreQuota extends DurableObject {
  #pacer = new _SharedPacer();

  /**
   * Grants the first of `waiting` requests: `{ first, count }` (send `count` now, numbered from
   * `first`), or `{ waitMs, reason }` (ask again then).
   */
  take(waiting) {
    return this.#pacer.take(waiting, Date.now());
  }

  /** Request `number` was answered with `hints` (the rate-limit header values), or failed (`undefined`). */
  answered(number, hints) {
    this.#pacer.answered(number, hints, Date.now());
  }

  /** `{ left, quota, resetInMs }` as the object sees the store's window, or `undefined` before any answer. */
  state() {
    return this.#pacer.state(Date.now());
  }
}
