// Errors thrown by commerce-fetch. Each is a real Error subclass with a stable `name` and plain fields,
// so it survives logging, structured cloning of its fields, and checks across duplicate package copies.
// None carries a URL's query or userinfo, a header value or a body: their causes are cleaned copies.

import { redact } from "./core.js";

/** Fields shared by every commerce-fetch error. */
class CommerceFetchError extends Error {
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    /** Attempts made, the first included. */
    this.attempts = details.attempts ?? 0;
    /** Why the retries stopped, such as `"retry_limit"` or `"hint_exceeds_max"`. */
    this.reason = details.reason;
    /** Per attempt: the status or error, the wait chosen, its reason and source. */
    this.trace = details.trace ?? [];
    if (details.hintMs !== undefined) {
      this.hintMs = details.hintMs;
      this.source = details.source;
    }
  }
}

/** No response arrived: the connection failed on every attempt that was allowed. */
export class NetworkError extends CommerceFetchError {
  get name() {
    return "NetworkError";
  }
}

/** No response arrived within `timeout` (per attempt) or `totalTimeout` (the whole call). */
export class TimeoutError extends CommerceFetchError {
  get name() {
    return "TimeoutError";
  }
}

/**
 * A REST call answered with an error status (thrown by `createClient`): the status, its interpretation,
 * the problem the core read from the body, and the body itself.
 */
export class ApiError extends CommerceFetchError {
  constructor(message, details = {}) {
    super(message, details);
    /** The HTTP status. */
    this.status = details.status;
    /** `interpret(status)`: what it means, its causes and remedies. */
    this.info = details.info;
    /** What the body says, read by the core: its shape, title, code, field errors. */
    this.problem = details.problem;
    /** `{ field, message }` for each field the server named. */
    this.fieldErrors = details.problem?.fieldErrors ?? [];
    /** The body as it came (cut at 64 KiB). */
    this.body = details.body ?? "";
  }

  get name() {
    return "ApiError";
  }
}

/**
 * A GraphQL Storefront answer with `errors` (thrown by `client.graphql`): each error's message, path and
 * code, the `data` that came with them, and `kind`: `"complexity"` (with `complexity: { cost, limit }`;
 * never retried), `"invalid_customer_token"`, `"missing_customer_token"`, `"unauthorized"` or `"graphql"`.
 */
export class GraphQLError extends CommerceFetchError {
  constructor(message, details = {}) {
    super(message, details);
    this.status = details.status;
    this.kind = details.kind;
    this.errors = details.errors ?? [];
    if (details.complexity !== undefined) this.complexity = details.complexity;
    this.data = details.data ?? null;
    this.body = details.body ?? "";
  }

  get name() {
    return "GraphQLError";
  }
}

/**
 * A batch that partly succeeded (a 207, or a 422 naming the items that failed): what succeeded as
 * `data`, what failed as `failures` ({ key, message, status?, title? }), and the counts when given.
 * Returned, not thrown, so nothing that succeeded is lost.
 */
export class PartialResult {
  constructor({ status, data, failures, counts, meta }) {
    this.status = status;
    this.data = data;
    this.failures = failures;
    if (counts !== undefined) this.counts = counts;
    this.meta = meta;
  }
}

/** A redirect was not followed: it would have sent credentials elsewhere, or could not be followed safely. */
export class RedirectError extends CommerceFetchError {
  constructor(message, details = {}) {
    super(message, details);
    /** The redirect's status (301, 302, 303, 307, 308), or 0 when the runtime hid it. */
    this.status = details.status;
  }

  get name() {
    return "RedirectError";
  }
}

/**
 * The store's circuit breaker is open (after a run of server errors, or a maintenance 503): the call
 * failed at once, without a request. `retryAt` (a `Date.now()` time) is when it may let one through.
 */
export class CircuitOpenError extends CommerceFetchError {
  constructor(message, details = {}) {
    super(message, details);
    /** When the breaker may let a request through again, in milliseconds since the epoch. */
    this.retryAt = details.retryAt;
    /** The store whose breaker is open (`api.bigcommerce.com/stores/{hash}`, or an origin). */
    this.store = details.store;
  }

  get name() {
    return "CircuitOpenError";
  }
}

/** The deepest `cause` chain kept: Node nests a socket error in fetch's `TypeError`, one level. */
const MAX_CAUSE_DEPTH = 3;

/**
 * A copy of `error` (what fetch rejected with) that is safe to keep and log: its name, its message with
 * URL queries, userinfo and quoted header values removed (cut to a bounded length), its `code`, `errno`
 * and `syscall` when they are plain values, and its cause, copied the same way.
 */
export function safeCause(error, depth = 0) {
  if (error === undefined || error === null || depth > MAX_CAUSE_DEPTH) return undefined;
  if (typeof error !== "object" && typeof error !== "function") return redact(`${String(error)}`);
  const copy = new Error(redact(textOf(error, "message")));
  const name = textOf(error, "name");
  if (name !== "" && name !== "Error") copy.name = name;
  for (const key of ["code", "errno", "syscall"]) {
    const value = read(error, key);
    if (typeof value === "number") copy[key] = value;
    else if (typeof value === "string") copy[key] = redact(value);
  }
  const cause = read(error, "cause");
  if (cause !== undefined && cause !== error) copy.cause = safeCause(cause, depth + 1);
  return copy;
}

/** `value[key]`, or `undefined` when reading it throws: what comes from outside may throw anything. */
export function read(value, key) {
  try {
    return value?.[key];
  } catch {
    return undefined;
  }
}

/** `value[key]` when it is a string, else "". */
export function textOf(value, key) {
  const text = read(value, key);
  return typeof text === "string" ? text : "";
}

const guard = (name) => (error) =>
  error instanceof Error && error.name === name && Array.isArray(error.trace);

/** True for a commerce-fetch `NetworkError`, from any copy of the package. */
export const isNetworkError = guard("NetworkError");
/** True for a commerce-fetch `TimeoutError`, from any copy of the package. */
export const isTimeoutError = guard("TimeoutError");
/** True for a commerce-fetch `ApiError`, from any copy of the package. */
export const isApiError = guard("ApiError");
/** True for a commerce-fetch `RedirectError`, from any copy of the package. */
export const isRedirectError = guard("RedirectError");
/** True for a commerce-fetch `GraphQLError`, from any copy of the package. */
export const isGraphQLError = guard("GraphQLError");
/** True for a commerce-fetch `CircuitOpenError`, from any copy of the package. */
export const isCircuitOpenError = guard("CircuitOpenError");

/** True for a `PartialResult`, from any copy of the package. */
export function isPartialResult(value) {
  return (
    value instanceof PartialResult ||
    (typeof value === "object" &&
      value !== null &&
      value.constructor?.name === "PartialResult" &&
      Array.isArray(value.failures))
  );
}
