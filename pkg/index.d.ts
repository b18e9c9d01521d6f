/**
 * commerce-fetch: a drop-in `fetch` for commerce storefronts that knows what every BigCommerce status
 * means and retries the way BigCommerce asks clients to.
 *
 * @example
 * ```ts
 * import { createFetch, interpret } from "commerce-fetch";
 *
 * const fetch = createFetch({ preset: "storefront", onRetry: (e) => console.log(e) });
 * const res = await fetch(`https://api.bigcommerce.com/stores/${hash}/v3/catalog/products`, {
 *   headers: { "X-Auth-Token": token },
 * });
 * if (!res.ok) console.log(interpret(res.status).remedies);
 * ```
 * @packageDocumentation
 */

/** The class of a status code. */
export type StatusCategory =
  | "informational"
  | "success"
  | "redirection"
  | "client_error"
  | "server_error"
  | "unknown";

/** What a status code means when a BigCommerce API sends it. */
export interface StatusInfo {
  /** The status code as given. */
  status: number;
  /** The reason phrase, such as `"Too Many Requests"`; for unlisted codes, the name of the class. */
  text: string;
  /** The class of the code; `"unknown"` outside 100–599. */
  category: StatusCategory;
  /** What the code means, in a sentence or two. */
  meaning: string;
  /** Whether the same request can succeed later: true for 408, 429, 500, 502, 503 and 504. */
  retryable: boolean;
  /** What usually leads to this code. */
  causes: string[];
  /** What to do about it. */
  remedies: string[];
}

/**
 * Describes an HTTP status. Every code BigCommerce documents has its own entry (plus 408, 502 and 504);
 * any other integer is described from its class.
 *
 * In a browser the package loads its wasm without blocking the page, and the part that holds these
 * texts on first need, so `await ready()` before the first call.
 *
 * @throws TypeError when `status` is not an integer.
 * @throws Error when called in a browser before the wasm has arrived (see {@link ready}).
 * @example
 * ```ts
 * interpret(429).remedies[0]; // "Wait for X-Rate-Limit-Time-Reset-Ms, …"
 * ```
 */
export function interpret(status: number): StatusInfo;

/** Where a wait came from. */
export type DelaySource = "x-rate-limit-time-reset-ms" | "x-retry-after" | "retry-after" | "backoff";

/** Why another attempt is made. */
export type RetryReason =
  | "rate_limited"
  | "request_timeout"
  | "server_error"
  | "retryable_status"
  | "network_error"
  | "timeout";

/** Why no further attempt is made. */
export type StopReason =
  | "final"
  | "body_not_replayable"
  | "retry_limit"
  | "unsafe_method"
  | "hint_exceeds_max"
  | "hint_past_deadline"
  | "deadline"
  | "vetoed"
  | "retry_budget"
  | "circuit_open";

/**
 * `"hidden"`: the response came from another origin and none of its rate-limit headers could be read, so
 * the wait came from backoff, not from the server. A browser shows a cross-origin response's headers to
 * JavaScript only when the server lists them in `Access-Control-Expose-Headers`; the API, or the proxy in
 * front of it, must send
 * `Access-Control-Expose-Headers: Retry-After, X-Retry-After, X-Rate-Limit-Time-Reset-Ms,
 * X-Rate-Limit-Time-Window-Ms, X-Rate-Limit-Requests-Quota, X-Rate-Limit-Requests-Left`.
 * (A server that sends none of them looks the same.)
 */
export type HintVisibility = "hidden";

/** Passed to `onRetry` before each wait. */
export interface RetryEvent {
  /** The attempt that just failed: 1 for the first. */
  attempt: number;
  /** How long the wait before the next attempt is, in milliseconds. */
  delayMs: number;
  /** Why the request is retried. */
  reason: RetryReason;
  /** The status of the failed attempt, when a response came. */
  status?: number;
  /** Which header set the wait, or `"backoff"`. */
  source: DelaySource;
  /** `"hidden"` when the response hid its rate-limit headers across origins (see {@link HintVisibility}). */
  hints?: HintVisibility;
}

/** One attempt in a retry history. Never contains headers, URLs or bodies. */
export interface TraceEntry {
  /** 1 for the first attempt. */
  attempt: number;
  /** The response status, when a response came. */
  status?: number;
  /** What went wrong when no response came. */
  error?: "network_error" | "timeout";
  /** Milliseconds from the start of the call to this decision. */
  elapsedMs: number;
  /** Whether another attempt followed. */
  decision: "retry" | "stop";
  /** The wait before the next attempt (0 on a stop). */
  delayMs: number;
  /** With `protect`: how long this attempt waited for its turn at the store, and for what. */
  waitedMs?: number;
  waitedFor?: "pacing" | "concurrency" | "queue";
  /** Why: a {@link RetryReason} on a retry, a {@link StopReason} on a stop. */
  reason: RetryReason | StopReason;
  /** Where the wait came from; on a stop, the header whose hint caused it. */
  source?: DelaySource;
  /** On a stop caused by a server hint: the wait the server asked for. */
  hintMs?: number;
  /** `"hidden"` when the response hid its rate-limit headers across origins (see {@link HintVisibility}). */
  hints?: HintVisibility;
}

/** What `shouldRetry` is asked about: the attempt's trace entry (the rules' decision) and the method. */
export interface RetryContext extends TraceEntry {
  method: string;
}

/** The retry history of a call. */
export interface RetryDetails {
  /** Attempts made, the first included. */
  attempts: number;
  /** Why the retries stopped. */
  reason: StopReason;
  /** One entry per attempt. */
  trace: TraceEntry[];
  /** When a server hint stopped the retries: the wait it asked for. */
  hintMs?: number;
  /** When a server hint stopped the retries: the header it came from. */
  source?: DelaySource;
}

/** Backoff between attempts when the server gives no wait hint: `baseMs × 2^(n−1)`, capped. */
export interface BackoffOptions {
  /**
   * The ceiling of the first wait, in milliseconds.
   * @default 200 (storefront), 120000 (background)
   */
  baseMs?: number;
  /**
   * No backoff wait is longer than this, in milliseconds.
   * @default 2000 (storefront), 600000 (background)
   */
  maxMs?: number;
  /**
   * `"full"`: anywhere from 0 to the ceiling. `"equal"`: from half the ceiling to all of it, so waits
   * never shrink. `"none"`: exactly the ceiling. A 429 without hints always waits at least half.
   * @default "full" (storefront), "equal" (background)
   */
  jitter?: "full" | "equal" | "none";
}

/** When and how often to retry. */
export interface RetryOptions {
  /**
   * Retries after the first attempt; `0` turns retries off.
   * @default 2 (storefront); 4, and 9 for 429 (background)
   */
  limit?: number;
  /**
   * Methods that are retried after a response or a network error. Any method is retried after a 429;
   * a POST or PATCH is also retried when it carries an `Idempotency-Key` header or `idempotent: true`,
   * and a POST to a `/graphql` URL whose JSON body holds only queries (BigCommerce's storefront API
   * takes reads as POSTs; mutations are never retried this way).
   * @default ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY"]
   */
  methods?: string[];
  /**
   * Statuses that are retried. 501, 505, 507 and other 4xx never help.
   * @default [408, 429, 500, 502, 503, 504]
   */
  statusCodes?: number[];
  /** Backoff when the server gives no wait hint. */
  backoff?: BackoffOptions;
  /**
   * The longest wait a server may ask for (`X-Rate-Limit-Time-Reset-Ms` on 429, `X-Retry-After`,
   * `Retry-After`). A longer hint stops at once: the call resolves with that response, and
   * {@link retryInfo} reports `reason: "hint_exceeds_max"` with the hint.
   * @default 2000 (storefront), 300000 (background)
   */
  maxRetryAfterMs?: number;
  /**
   * Whether a failed connection (no response) is retried.
   * @default true
   */
  networkErrors?: boolean;
  /**
   * Whether an attempt that ran out of `timeout` is retried.
   * @default true
   */
  timeouts?: boolean;
}

// The runtime's fetch types are read off its own `fetch` instead of named (@types/node declares no
// `RequestInfo`), so that this file type-checks without the DOM lib (with @types/node,
// @cloudflare/workers-types or WebWorker) and is exactly the runtime's types in each.

/** The first argument of the runtime's `fetch`: a URL string, a `URL` or a `Request`. */
type FetchInput = Parameters<typeof fetch>[0];

/** The second argument of the runtime's `fetch`: its `RequestInit`. */
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

/** Options of {@link createFetch}. Unknown names throw, so a typo cannot go unnoticed. */
export interface CreateFetchOptions {
  /**
   * The `fetch` to wrap.
   * @default globalThis.fetch, looked up at each call
   */
  fetch?: (input: FetchInput, init?: FetchInit) => Promise<Response>;
  /**
   * Defaults for the rest: `"storefront"` (a shopper is waiting: 2 retries, waits under 2 s, 6 s in all)
   * or `"background"` (jobs: BigCommerce's advice of 3–5 retries a minute or more apart, ~10 attempts on 429).
   * @default "storefront"
   */
  preset?: "storefront" | "background";
  /**
   * A retry limit, `false` for none, or detailed options. A stream body is never retried (see
   * `bufferBody`).
   * @default the preset's
   */
  retry?: number | false | RetryOptions;
  /**
   * Milliseconds allowed for each attempt to receive its response headers; `false` for no limit.
   * @default 3000 (storefront), 60000 (background)
   */
  timeout?: number | false;
  /**
   * Milliseconds allowed for the whole call, waits included; `false` for no limit.
   * @default 6000 (storefront), 3600000 (background)
   */
  totalTimeout?: number | false;
  /**
   * Asked, with that attempt's trace entry and the method, after each attempt the rules would retry;
   * after one they stopped only because the method is not safe to repeat (an unmarked POST or PATCH);
   * and after a failure they do not retry (an error status outside `retry.statusCodes`, or a failed
   * connection or timeout switched off; `reason: "final"`). Never after a success, nor after a stop
   * for a limit, a deadline, a hint too long or a body that cannot be sent again. Return `false` to
   * stop (the reason becomes `"vetoed"`), `true` to retry (limits, deadlines and hints still apply; the
   * wait is backoff), anything else to keep the rules' decision. May be async.
   *
   * @example
   * // Repeat a POST after a 503, and retry a cart's 409 conflict, which the rules leave alone.
   * createFetch({
   *   shouldRetry: ({ status, method }) => (status === 409 || (status === 503 && method === "POST") ? true : undefined),
   * });
   */
  shouldRetry?: (context: RetryContext) => boolean | undefined | Promise<boolean | undefined>;
  /** Called before each wait. A throw rejects the call with that error. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Headers that carry credentials, besides the built-in `X-Auth-Token`, `X-Auth-Client`,
   * `Authorization`, `Cookie` and `Proxy-Authorization`: none of them is ever sent on to another
   * origin by a redirect.
   * @default []
   * @example ["X-Store-Secret"]
   */
  credentialHeaders?: string[];
  /**
   * A stream or (async) iterable body can be read only once, so it is sent once and never retried
   * (`reason: "body_not_replayable"`). With `bufferBody` set, such a body of up to this many bytes is
   * read into memory before the first attempt, so that it can be retried and follow a 307/308
   * redirect; a longer one is still sent once, as it comes. At most 64 MiB.
   * @default 0
   */
  bufferBody?: number;
  /** Headers sent with every call; a call's own headers win. */
  headers?: Record<string, string>;
  /** Prefixed to a call's URL when it is a relative string, such as `"/v3/catalog/products"`. */
  baseUrl?: string;
  /**
   * Throw an {@link ApiError} (with the problem read from the body) for a final response with an error
   * status, instead of resolving with it as fetch does.
   * @default false
   */
  throwHttpErrors?: boolean;
  /**
   * Protect each store this client calls: `true` for every part, an object to choose. A store is
   * `api.bigcommerce.com/stores/{hash}` for the REST API, else the URL's origin; its state is shared
   * by every client with the same `protect` settings in this process or isolate, since the store's
   * quota is shared by every client of it. Time spent waiting for a turn counts against
   * `totalTimeout`, not `timeout`.
   * @default false
   *
   * @example
   * const api = createFetch({ protect: true, onEvent: (e) => console.log(e) });
   * // later: api.stats()["api.bigcommerce.com/stores/abc123"].pacing
   */
  protect?: boolean | ProtectOptions;
  /** Called when a request waited for its turn, or the breaker refused one (with `protect`). */
  onEvent?: (event: ProtectEvent) => void;
}

/** The parts of {@link CreateFetchOptions.protect}; each left out is on (`concurrency`: no cap). */
export interface ProtectOptions {
  /**
   * Pace by `X-Rate-Limit-Requests-Left`, `-Requests-Quota`, `-Time-Reset-Ms` and `-Time-Window-Ms`:
   * requests go at once while the ones left in the window cover every waiting request; otherwise the
   * ones left are spread over the rest of the window and the others wait for its reset. Before the
   * first answer, 10 may go. An API that sends none of these headers is not paced.
   *
   * `true` paces in this process or isolate. On Cloudflare Workers, where many isolates call one
   * store and each sees only its own answers, pass the namespace of the `StoreQuota` Durable Object
   * from `commerce-fetch/cloudflare` instead: each store's pacing is then kept by one object
   * (`idFromName(store)`) for every isolate, asked before each request and told of each answer. An
   * object that cannot be reached lets requests go unpaced (`stats()`: `sharedPacingErrors`).
   * @default true
   *
   * @example
   * // wrangler.jsonc: "durable_objects": { "bindings": [{ "name": "STORE_QUOTA", "class_name": "StoreQuota" }] }
   * export { StoreQuota } from "commerce-fetch/cloudflare";
   * const api = createFetch({ protect: { pacing: env.STORE_QUOTA } });
   */
  pacing?: boolean | StoreQuotaNamespace;
  /**
   * A retry budget per store, as the AWS SDK's standard retry mode: 500 tokens; a retry after a 429
   * costs 5, any other 10; a call that succeeds at once gives 1 back, one that succeeds after retries
   * gives back its last retry's cost. A retry it cannot pay for does not happen (`"retry_budget"`), so
   * a sustained outage meets about 10% more requests than calls, not three times as many.
   * @default true
   */
  budget?: boolean;
  /**
   * A circuit breaker per store for runs of 500, 502, 503 and 504 (and failed connections):
   * `"sampling"` opens at 10% failures over 30 s once 100 calls were seen, for 5 s (Polly v8's
   * defaults); `"consecutive"` opens after 5 in a row (cockatiel's ConsecutiveBreaker). A 503 whose
   * `Retry-After` is at least the break (maintenance) opens it at once until then. While open, calls
   * fail at once with {@link CircuitOpenError}; when the break ends, one call probes.
   * @default "sampling"
   */
  breaker?: "sampling" | "consecutive" | false;
  /**
   * The most requests in flight to one store; requests over it wait, in order, for a slot. In Cloudflare
   * Workers (the package's `workerd` entry) it is 6 unless set: a Worker may have 6 connections open at
   * once, and more only queue inside the runtime, where their time limits run.
   * @default false (no cap); 6 in Cloudflare Workers
   */
  concurrency?: number | false;
  /**
   * BigCommerce's documented per-route concurrency limits (`GET /v3/catalog/trees/{id}/categories`: 1,
   * `PUT /v3/customers`: 3, `POST /v3/pricelists/records`: 10, `/v3/catalog/categories`: 40, …): a
   * request over its route's limit waits for a slot rather than meet a 429.
   * @default true
   */
  routeLimits?: boolean;
}

/**
 * A Durable Object namespace bound to the `StoreQuota` class of `commerce-fetch/cloudflare`, as a
 * Worker's `env` holds it (Cloudflare's `DurableObjectNamespace<StoreQuota>`). Only `idFromName` and
 * `get` are used.
 */
export interface StoreQuotaNamespace {
  /** The id of the object named `name`: here, a store (`api.bigcommerce.com/stores/{hash}`, or an origin). */
  idFromName(name: string): unknown;
  /** A stub of the object with `id`, whose `take` and `answered` the client calls. */
  get(id: unknown): unknown;
}

/** What {@link CreateFetchOptions.onEvent} is told. */
export type ProtectEvent =
  | {
      type: "waited";
      /** The store (`api.bigcommerce.com/stores/{hash}`, or an origin). */
      store: string;
      waitedMs: number;
      /** What held the request last: pacing, or a concurrency slot. */
      reason: "pacing" | "concurrency" | "";
    }
  | { type: "circuit_open"; store: string; retryAt: number };

/** What `stats()` says of one store. */
export interface StoreStats {
  /** Attempts started, and retries the budget paid for or refused. */
  attempts: number;
  retries: number;
  retriesRefused: number;
  /** 429s with the rate-limit headers, and without (platform load, or a concurrency limit). */
  rateLimited: number;
  rateLimitedWithoutHeaders: number;
  /** Requests that waited for their turn, and how long in all. */
  waits: number;
  waitedMs: number;
  /** Requests waiting now, and in flight. */
  queued: number;
  inFlight: number;
  /** Calls the open breaker refused. */
  circuitRejections: number;
  /**
   * With pacing shared by a Durable Object ({@link ProtectOptions.pacing}): times the object could not
   * be asked or told (the requests then went unpaced).
   */
  sharedPacingErrors?: number;
  /** The window as pacing in this isolate sees it (once an answer told it; not with shared pacing). */
  pacing?: { left: number; quota: number; resetInMs: number };
  budget?: { tokens: number; capacity: number };
  breaker?: { state: "closed" | "open" | "half_open"; until?: number; failures: number; calls: number };
}

/**
 * The runtime's `RequestInit` with one addition: `idempotent: true` marks a POST or PATCH as safe to
 * repeat. A GraphQL query POSTed to a `/graphql` URL with a JSON string body needs no mark.
 */
export interface CommerceRequestInit extends FetchInit {
  /** The request is safe to repeat (the server deduplicates it), so it may be retried like a GET. */
  idempotent?: boolean;
}

/** A function with `fetch`'s signature. */
export type CommerceFetch = (input: FetchInput, init?: CommerceRequestInit) => Promise<Response>;

/**
 * A drop-in `fetch` that retries as BigCommerce asks. It resolves with the final `Response`, whatever
 * its status (as `fetch` does); rejects with {@link NetworkError} or {@link TimeoutError} when no
 * response came, and with the signal's reason when the caller aborts, also during a wait or while the
 * `fetch` underneath ignores its signal. An invalid request rejects with fetch's own `TypeError`, and
 * an error thrown by the `fetch` option is passed on unchanged.
 *
 * Redirects: where the runtime shows them (Node, Deno, Bun, Cloudflare Workers), the package follows
 * them itself, as fetch would, except that credential headers (see `credentialHeaders`) are dropped
 * when the origin changes and a redirect from https to http is refused ({@link RedirectError}). A
 * browser hides where a redirect leads, so there a request that carries a credential header is not
 * redirected at all ({@link RedirectError} with `reason: "redirect_hidden"`), and others follow as
 * fetch does. `redirect: "manual"` or `"error"` in the init is left to fetch.
 *
 * In a browser it may be called before the package's wasm has arrived (the page is not blocked on it):
 * it returns at once, its calls wait for the wasm, and an option only the wasm can check (a range, a
 * method or header name, a preset) is reported by each call rejecting with that `TypeError` instead of
 * by `createFetch` throwing it. Everywhere else, and in a browser once {@link ready} has resolved, it
 * throws at once. Meanwhile a call that is a GET or HEAD of a URL with no body (and no `protect` in the
 * options) sends its first attempt at once, so that it overlaps the wasm's download; the core decides
 * on its answer when the wasm is there, its `timeout` counts from when it went, and with a bad option
 * its answer is dropped and the call rejects with the `TypeError` all the same. When it has headers, the
 * attempt follows no redirect until the core has said whether one of them carries credentials; a
 * redirect is then followed by sending it again, or refused (`RedirectError`). Other calls are sent
 * once the wasm is there.
 *
 * @throws TypeError naming the option, when an option is invalid.
 */
export function createFetch(options?: CreateFetchOptions): ExtendableFetch;

/** What {@link createFetch} returns: a drop-in `fetch`, with `extend`. */
export interface ExtendableFetch extends CommerceFetch {
  /**
   * Another fetch with these options over this one's (`headers` merged, the new ones winning).
   *
   * @example
   * const api = createFetch({ baseUrl: `https://api.bigcommerce.com/stores/${hash}`, headers: { "X-Auth-Token": token } });
   * const slow = api.extend({ preset: "background" });
   * await slow("/v3/catalog/products");
   */
  extend(options: CreateFetchOptions): ExtendableFetch;
  /** With `protect`: what protects each store this fetch has called, by store; `{}` without it. */
  stats(): Record<string, StoreStats>;
}

/**
 * The retry history of a response returned after retries, or `undefined` when it needed none. A
 * `createClient` call's result (the data of `get`, `post`, `graphql`…, a {@link PartialResult}, or
 * `request()`'s `data`) has its response's history too, when it is an object or an array.
 *
 * @example
 * const products = await client.get("/v3/catalog/products");
 * retryInfo(products)?.attempts; // 2 after one retry; undefined when the first answer was the result
 */
export function retryInfo(response: Response | object): RetryDetails | undefined;

/** Fields shared by commerce-fetch errors. */
export interface CommerceFetchErrorFields {
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Why the retries stopped. */
  readonly reason: StopReason | undefined;
  /** One entry per attempt. */
  readonly trace: TraceEntry[];
  /** When a server hint stopped the retries: the wait it asked for. */
  readonly hintMs?: number;
  /** When a server hint stopped the retries: the header it came from. */
  readonly source?: DelaySource;
}

/**
 * No response arrived: the connection failed on every attempt allowed. `cause` is a copy of fetch's
 * error (name, message, `code`, and its own cause) with URL queries, userinfo and header values removed.
 */
export class NetworkError extends Error implements CommerceFetchErrorFields {
  readonly name: "NetworkError";
  readonly attempts: number;
  readonly reason: StopReason | undefined;
  readonly trace: TraceEntry[];
  readonly hintMs?: number;
  readonly source?: DelaySource;
}

/** No response arrived within `timeout` or `totalTimeout`. */
export class TimeoutError extends Error implements CommerceFetchErrorFields {
  readonly name: "TimeoutError";
  readonly attempts: number;
  readonly reason: StopReason | undefined;
  readonly trace: TraceEntry[];
  readonly hintMs?: number;
  readonly source?: DelaySource;
}

/** The shape an error body had: REST v3's problem JSON, v2's array, the price-list 503 envelope, or none. */
export type ProblemShape = "v3" | "v2" | "envelope" | "text" | "html" | "json" | "empty";

/** A field the server named in an error, with what it said about it. */
export interface FieldError {
  field: string;
  message: string;
}

/** What an error body says, as the core read it. Strings are cut short and cleaned of URL queries. */
export interface Problem {
  shape: ProblemShape;
  /** v3 `title`, v2's first `message`, the envelope's `message`, a text body's first line, an HTML `<title>`. */
  title?: string;
  detail?: string;
  /** v3 `type` (a URL, possibly relative). */
  type?: string;
  instance?: string;
  /** v3's integer `code` (409, 422) or the envelope's `code`, such as `"SERVICE_DEGRADED"`. */
  code?: number | string;
  /** v3 `errors` as pairs, in the body's order. */
  fieldErrors: FieldError[];
  /** Every v2 `message`. */
  messages: string[];
  /** The envelope's `retry_after_seconds`, in milliseconds. */
  retryAfterMs?: number;
}

/**
 * A REST call answered with an error status (thrown by {@link Client}'s methods): the status, its
 * meaning, the problem the core read from the body, and the body itself.
 *
 * @example
 * try {
 *   await client.post("/v3/catalog/products", { json: { name: "Tee" } });
 * } catch (error) {
 *   if (isApiError(error) && error.status === 422) {
 *     for (const { field, message } of error.fieldErrors) form.showError(field, message);
 *   } else throw error;
 * }
 */
export class ApiError extends Error implements CommerceFetchErrorFields {
  readonly name: "ApiError";
  readonly status: number;
  /** `interpret(status)`. */
  readonly info: StatusInfo;
  readonly problem: Problem;
  readonly fieldErrors: FieldError[];
  /** The body as it came, cut at 64 KiB. */
  readonly body: string;
  /** For a batch refused with a 422 that names its items (`batch_errors`, `field_errors`): which failed. */
  readonly failures?: BatchFailure[];
  readonly attempts: number;
  readonly reason: StopReason | undefined;
  readonly trace: TraceEntry[];
  readonly hintMs?: number;
  readonly source?: DelaySource;
}

/** One error of a GraphQL answer. */
export interface GraphQLErrorEntry {
  message: string;
  /** Where in the result it happened: field names and list indexes. */
  path: (string | number)[];
  /** `extensions.code`, such as `"INVALID_CUSTOMER_ACCESS_TOKEN"`. */
  code?: string;
}

/**
 * What kind of GraphQL failure: the query's complexity is over the limit (never retried: the same query
 * fails the same way), the customer token is invalid or missing, the storefront token was refused (401),
 * or any other error.
 */
export type GraphQLErrorKind =
  | "complexity"
  | "invalid_customer_token"
  | "missing_customer_token"
  | "unauthorized"
  | "graphql";

/**
 * A GraphQL Storefront answer with `errors` (BigCommerce answers most with HTTP 200), thrown by
 * {@link Client.graphql}; `data` keeps what the answer had besides the errors.
 *
 * @example
 * try {
 *   await client.graphql(query);
 * } catch (error) {
 *   if (isGraphQLError(error) && error.kind === "complexity") {
 *     console.log(`ask for less: cost ${error.complexity?.cost} of ${error.complexity?.limit}`);
 *   } else throw error;
 * }
 */
export class GraphQLError extends Error implements CommerceFetchErrorFields {
  readonly name: "GraphQLError";
  readonly status: number;
  readonly kind: GraphQLErrorKind;
  readonly errors: GraphQLErrorEntry[];
  /** For `kind: "complexity"`: the query's score and the limit, from the message. */
  readonly complexity?: { cost: number; limit: number };
  readonly data: unknown;
  readonly body: string;
  readonly attempts: number;
  readonly reason: StopReason | undefined;
  readonly trace: TraceEntry[];
  readonly hintMs?: number;
  readonly source?: DelaySource;
}

/** An item (or field) of a batch that failed. */
export interface BatchFailure {
  /** The item's id or index, or the field, as the server named it. */
  key: string;
  message: string;
  status?: number;
  title?: string;
}

/**
 * A batch that partly succeeded (a 207, or a 422 that names the items that failed), returned rather than
 * thrown so that nothing that succeeded is lost.
 *
 * @example
 * const result = await client.put("/v3/catalog/products", { json: updates });
 * if (isPartialResult(result)) {
 *   saved(result.data);
 *   for (const failure of result.failures) retryLater(failure.key, failure.message);
 * }
 */
export class PartialResult<T = unknown> {
  readonly status: number;
  /** The items that succeeded. */
  readonly data: T[];
  readonly failures: BatchFailure[];
  /** `meta { total, success, failed }`, when the answer gave it. */
  readonly counts?: { total: number; success: number; failed: number };
  readonly meta: unknown;
}

/** Options of one REST call. */
export interface CallOptions {
  /** Query parameters; an array is joined with commas (`{ "id:in": [1, 2] }`). */
  query?: Record<string, string | number | boolean | (string | number)[] | undefined>;
  /** A body sent as JSON, with `Content-Type: application/json`. */
  json?: unknown;
  /** A body sent as it is. */
  body?: FetchInit["body"];
  headers?: Record<string, string>;
  signal?: FetchInit["signal"];
  /** Sent as `Idempotency-Key`: marks a POST or PATCH as safe to repeat, so it is retried like a GET. */
  idempotencyKey?: string;
}

/** The whole answer of a REST call. */
export interface RestAnswer<T = unknown> {
  status: number;
  /** A v3 answer's `data`, a v2 answer as it is, `null` for a 204, or a {@link PartialResult}. */
  data: T | PartialResult | null;
  meta: unknown;
  headers: Headers;
}

/** Options of {@link createClient}: these, and any of {@link CreateFetchOptions} but `throwHttpErrors`. */
export interface CreateClientOptions extends Omit<CreateFetchOptions, "throwHttpErrors"> {
  /** The store hash, from the API path `stores/{hash}`. */
  storeHash?: string;
  /** The API account's access token, sent as `X-Auth-Token` (never shown in errors or logs). */
  accessToken?: string;
  /** A storefront API token for {@link Client.graphql}, sent as a bearer token. */
  storefrontToken?: string;
  /** @default `https://api.bigcommerce.com/stores/${storeHash}` */
  baseUrl?: string;
  /** @default `https://store-${storeHash}.mybigcommerce.com/graphql` */
  storefrontUrl?: string;
  /** Headers sent with every call. */
  headers?: Record<string, string>;
  /**
   * `"revalidate"`: keep GET answers that carry `Last-Modified`, ask again with `If-Modified-Since`, and
   * give the kept data when the server answers 304 (BigCommerce documents this, not ETags).
   */
  cache?: "revalidate";
  /**
   * How many answers a revalidating client keeps, the least recently used dropped first (bodies over
   * 1 MiB are not kept).
   * @default 100
   */
  cacheEntries?: number;
}

/** A job's progress after a poll. */
export interface JobProgress {
  /** `QUEUED`, `WORKING`, `COMPLETED` or `FAILED`. */
  status: string;
  /** `percent_complete`, when the job says. */
  percent?: number;
  /** 1 for the first poll. */
  poll: number;
}

/** A client for one store's REST Management API and GraphQL Storefront API. */
export interface Client {
  readonly baseUrl: string | undefined;
  readonly storefrontUrl: string | undefined;
  /**
   * A new client with these options over this one's (`headers` merged, the new ones winning); this
   * one is unchanged.
   *
   * @example
   * const admin = client.extend({ preset: "background", headers: { "X-Correlation-Id": jobId } });
   */
  extend(options: CreateClientOptions): Client;
  /** With `protect`: what protects each store this client has called, by store; `{}` without it. */
  stats(): Record<string, StoreStats>;
  /** GET a path (`/v3/…`, `/v2/…`, or a v3 path without its version); resolves with its data. */
  get<T = unknown>(path: string, options?: CallOptions): Promise<T>;
  post<T = unknown>(path: string, options?: CallOptions): Promise<T>;
  put<T = unknown>(path: string, options?: CallOptions): Promise<T>;
  delete<T = unknown>(path: string, options?: CallOptions): Promise<T>;
  /** The whole answer: status, data, meta and headers. */
  request<T = unknown>(method: string, path: string, options?: CallOptions): Promise<RestAnswer<T>>;
  /**
   * Every item of a v3 listing, page after page (offset or cursor pagination, one request a page), as an
   * async iterator; stops after the last page, or when `signal` aborts.
   *
   * @example
   * for await (const product of client.paginate<Product>("/v3/catalog/products", { query: { limit: 250 } })) {
   *   index(product);
   * }
   */
  paginate<T = unknown>(
    path: string,
    options?: Omit<CallOptions, "json" | "body">,
  ): AsyncGenerator<T, void, undefined>;
  /**
   * Polls a job (`/v3/themes/jobs/{id}`) until it is `COMPLETED`, waiting longer between polls (0.5 s
   * doubling to 8 s, with jitter); resolves with the job. A `FAILED` job throws an {@link ApiError}
   * whose `problem.messages` are the job's errors; past `timeout` it throws a {@link TimeoutError}.
   *
   * @example
   * const job = await client.waitForJob(`/v3/themes/jobs/${jobId}`, {
   *   onProgress: ({ status, percent }) => bar.update(percent ?? 0, status),
   * });
   */
  waitForJob<T = unknown>(
    path: string,
    options?: {
      onProgress?: (progress: JobProgress) => void;
      signal?: FetchInit["signal"];
      /** @default 600000 (10 minutes) */
      timeout?: number;
      headers?: Record<string, string>;
    },
  ): Promise<T>;
  /**
   * A GraphQL Storefront query or mutation; resolves with `data`. Queries are retried like GETs,
   * mutations only after a 429.
   */
  graphql<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    options?: {
      customerAccessToken?: string;
      headers?: Record<string, string>;
      signal?: FetchInit["signal"];
    },
  ): Promise<T>;
}

/**
 * A client for one store: REST calls that return parsed data and throw {@link ApiError}s, batches that
 * return {@link PartialResult}s, and GraphQL Storefront calls, all with createFetch's retries.
 *
 * @example
 * const client = createClient({ storeHash, accessToken, storefrontToken });
 * const products = await client.get<{ id: number; name: string }[]>("/v3/catalog/products", {
 *   query: { limit: 10, is_visible: true },
 * });
 *
 * In a browser it may be called before the wasm has arrived, as {@link createFetch} may: its calls wait
 * for it, and an option only the wasm checks is reported by each call rejecting with its `TypeError`.
 */
export function createClient(options: CreateClientOptions): Client;

/** The `meta` that came with a v3 answer's data (pagination, counts), or GraphQL's `{ complexity }`. */
export function metaOf(result: unknown): unknown;

/** True for a commerce-fetch `GraphQLError`, from any copy of the package. */
export function isGraphQLError(error: unknown): error is GraphQLError;

/**
 * The store's circuit breaker is open (see {@link ProtectOptions.breaker}): the call failed at once,
 * without a request.
 */
export class CircuitOpenError extends Error implements CommerceFetchErrorFields {
  readonly name: "CircuitOpenError";
  readonly attempts: number;
  readonly reason: StopReason | undefined;
  readonly trace: TraceEntry[];
  /** When the breaker may let a request through again (milliseconds since the epoch). */
  readonly retryAt: number;
  /** The store whose breaker is open. */
  readonly store: string;
}

/** True for a commerce-fetch {@link CircuitOpenError}, from any copy of the package. */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError;

/** True for a {@link PartialResult}, from any copy of the package. */
export function isPartialResult(value: unknown): value is PartialResult;

/** Why a redirect was not followed. */
export type RedirectReason =
  | "too_many_redirects"
  | "invalid_location"
  | "unsupported_scheme"
  | "insecure_redirect"
  | "body_not_replayable"
  | "redirect_hidden";

/**
 * A redirect was not followed: it led from https to http, to a URL that is not http(s), or more than 20
 * times; it asked for a stream body to be sent again; or (in a browser) it hid its destination from a
 * request carrying credentials. The message names the method and status, never a URL.
 */
export class RedirectError extends Error {
  readonly name: "RedirectError";
  /** The redirect's status, or 0 when the browser hid it. */
  readonly status: number;
  /** Attempts made, the one redirected included. */
  readonly attempts: number;
  readonly reason: RedirectReason;
  /** The attempts before this one. */
  readonly trace: TraceEntry[];
}

/** True for a commerce-fetch `NetworkError`, from any copy of the package. */
export function isNetworkError(error: unknown): error is NetworkError;
/** True for a commerce-fetch `TimeoutError`, from any copy of the package. */
export function isTimeoutError(error: unknown): error is TimeoutError;
/** True for a commerce-fetch `ApiError`, from any copy of the package. */
export function isApiError(error: unknown): error is ApiError;
/** True for a commerce-fetch `RedirectError`, from any copy of the package. */
export function isRedirectError(error: unknown): error is RedirectError;

/**
 * The runtime's `WebAssembly.Module`; nothing where its types declare no `WebAssembly` (@types/node
 * without the DOM lib), as nothing there can be typed as a module.
 */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : never;

/**
 * The bytes the runtime's `WebAssembly` compiles (the DOM's `BufferSource`); where it declares no
 * `WebAssembly`, any buffer or view of one, a Node `Buffer` included.
 */
type WasmBytes = typeof globalThis extends { WebAssembly: { validate(bytes: infer B): boolean } }
  ? B
  : ArrayBuffer | ArrayBufferView;

/**
 * Loads the wasm from a `WebAssembly.Module`, its bytes, a URL or a `Response`: `commerce_fetch_bg.wasm`,
 * which holds everything. Or, to load less where only `createFetch` is used,
 * `commerce_fetch_lite_bg.wasm`, with `commerce_fetch_extras_bg.wasm` as the second argument for what
 * `interpret`, `createClient`, and `createFetch`'s `protect` and `throwHttpErrors` need as well (both load
 * at once). The default entry points load the wasm themselves; this is for hosts that load it their own
 * way (`commerce-fetch/manual`). Safe to call more than once.
 */
export function init(
  moduleOrSource: WasmModule | WasmBytes | URL | string | Response,
  extrasModuleOrSource?: WasmModule | WasmBytes | URL | string | Response,
): Promise<void>;

/**
 * Loads the wasm synchronously from a `WebAssembly.Module` or its bytes: `commerce_fetch_bg.wasm`, or
 * `commerce_fetch_lite_bg.wasm` and `commerce_fetch_extras_bg.wasm` when given (see `init`). Safe to call
 * more than once.
 */
export function initSync(
  moduleOrBytes: WasmModule | WasmBytes,
  extrasModuleOrBytes?: WasmModule | WasmBytes,
): void;

/**
 * Resolves once the package's wasm is loaded, all of it; rejects with an `Error` (its `cause` says why)
 * when it could not be. Node, Deno, Bun and Cloudflare Workers load it at import, so it resolves at once.
 * In a browser the entry starts fetching and compiling the wasm (streaming) when it is imported and does
 * not block the page: `commerce_fetch_bg.wasm` (everything) on a page that imports `createClient` or
 * `interpret`; on a page that only uses `createFetch`, `commerce_fetch_lite_bg.wasm`, and
 * `commerce_fetch_extras_bg.wasm` on first need (`protect`, `throwHttpErrors`, a failed GraphQL POST, or
 * this call). `createFetch` and `createClient` may be used at once, and `interpret` once this resolves.
 * To start the download with the page itself, preload the file in the HTML:
 * `<link rel="preload" href="…/commerce_fetch_bg.wasm" as="fetch" type="application/wasm" crossorigin>`
 * (with Vite, `import wasmUrl from "commerce-fetch/commerce_fetch_bg.wasm?url"` gives its URL).
 */
export function ready(): Promise<void>;
