// `commerce-fetch/cloudflare`: the Durable Object that shares each store's pacing among a Worker's
// isolates. Needs @cloudflare/workers-types (for `cloudflare:workers`), as any Worker project has.
import { DurableObject } from "cloudflare:workers";

/**
 * What {@link StoreQuota.take} grants: `count` requests (at least 1) that may be sent now, numbered
 * from `first`; or how long to wait before asking again, and why.
 */
export type StoreQuotaGrant =
  | { first: number; count: number }
  | {
      waitMs: number;
      /** More wait than are left (spread over the window), none left, or no answer has told yet. */
      reason: "spread" | "window_reset" | "unknown";
    };

/** A store's window as {@link StoreQuota.state} sees it. */
export interface StoreQuotaState {
  /** Requests left in the window, by the estimate. */
  left: number;
  /** Requests the window allows. */
  quota: number;
  /** Milliseconds until the window resets. */
  resetInMs: number;
}

/**
 * A Durable Object that keeps one store's pacing for every isolate of a Worker that calls the store:
 * bind it and pass the binding as `protect: { pacing: env.STORE_QUOTA }` to `createFetch` or
 * `createClient`, which then asks the store's object (`idFromName(store)`) before each request and
 * tells it each answer's rate-limit headers. It keeps everything in memory and stores nothing: the
 * state is worth seconds, and an object that was evicted learns the window again from the next answer.
 *
 * @example
 * // worker.js, with wrangler.jsonc:
 * //   "durable_objects": { "bindings": [{ "name": "STORE_QUOTA", "class_name": "StoreQuota" }] },
 * //   "migrations": [{ "tag": "v1", "new_sqlite_classes": ["StoreQuota"] }]
 * import { createFetch } from "commerce-fetch";
 * export { StoreQuota } from "commerce-fetch/cloudflare";
 *
 * export default {
 *   async fetch(request, env) {
 *     const api = createFetch({ protect: { pacing: env.STORE_QUOTA } });
 *     return api(`https://api.bigcommerce.com/stores/${env.STORE_HASH}/v3/catalog/products`, {
 *       headers: { "X-Auth-Token": env.BC_TOKEN },
 *     });
 *   },
 * };
 */
export class StoreQuota extends DurableObject {
  /** Grants the first of `waiting` requests of an isolate (RPC). */
  take(waiting: number): StoreQuotaGrant;
  /**
   * Request `number` (from a grant) was answered, with `hints`, the values of the rate-limit headers
   * joined by line feeds; or failed without an answer (`undefined`) (RPC).
   */
  answered(number: number, hints: string | undefined): void;
  /** The store's window as the object sees it, or `undefined` before any answer told it (RPC). */
  state(): StoreQuotaState | undefined;
}
