// What the retry loop needs to know about the caller's request, read once per call, and how to send it
// again: the method, the body, the caller's abort signal, and whether it was marked safe to repeat.

import { isReadOnlyGraphql } from "../dist/commerce_fetch.js";

// The header that marks a POST or PATCH as safe to repeat (IETF draft "The Idempotency-Key HTTP
// Header Field"): the server deduplicates requests that carry the same key.
const IDEMPOTENCY_KEY = "idempotency-key";

/** The caller's `(input, init)` and what was learnt from them. */
export class CallerRequest {
  constructor(input, init) {
    this.input = input;
    this.init = init;
    const request = input instanceof Request ? input : undefined;
    this.request = request;
    const method = init?.method;
    /** The method as given; the core compares without regard to case. */
    this.method = typeof method === "string" ? method : (request?.method ?? "GET");
    const body = init?.body;
    /** False when the body is a stream, which can be read only once. */
    this.replayable = !(typeof ReadableStream === "function" && body instanceof ReadableStream);
    // A Request's body is used up by sending it, so such a Request is cloned for every attempt.
    // Firefox has no `Request.body`: any method that may carry a body counts as having one.
    this.cloneInput =
      body === undefined &&
      request !== undefined &&
      (request.body != null || !/^(get|head)$/i.test(this.method));
    const signal = init?.signal;
    /** The caller's signal: `init.signal`, else the Request's own. */
    this.signal = signal === undefined ? request?.signal : signal instanceof AbortSignal ? signal : undefined;
  }

  /** The `(input, init)` pair for one attempt, with `signal` in place of the caller's when it differs. */
  inputForAttempt() {
    return this.cloneInput ? this.request.clone() : this.input;
  }

  initForAttempt(signal) {
    if (signal === this.signal) return this.init;
    const init = this.init;
    return typeof init === "object" && init !== null ? { ...init, signal } : { signal };
  }

  /**
   * Whether the caller marked the request safe to repeat: `init.idempotent === true`, an
   * `Idempotency-Key` header, or a GraphQL request that only reads. Asked only when a retry is being
   * decided, so the success path never parses a body. Throws only what the caller's own objects
   * throw (a getter or a Proxy).
   */
  markedIdempotent() {
    return this.init?.idempotent === true || this.hasIdempotencyKey() || this.isGraphqlRead();
  }

  hasIdempotencyKey() {
    const headers = this.init?.headers;
    if (headers === undefined) return this.request?.headers.has(IDEMPOTENCY_KEY) ?? false;
    if (headers instanceof Headers) return headers.has(IDEMPOTENCY_KEY);
    if (typeof headers !== "object" || headers === null) return false;
    if (Array.isArray(headers)) return headers.some((pair) => isIdempotencyKey(pair?.[0]));
    return Object.keys(headers).some(isIdempotencyKey);
  }

  /**
   * A POST to a `/graphql` endpoint whose JSON body holds only queries: BigCommerce's storefront API
   * takes reads as POSTs, and a read is safe to send again. A body that is not a string (a stream, a
   * Request's own body) cannot be read here and counts as not a read.
   */
  isGraphqlRead() {
    const url = this.request?.url ?? (typeof this.input === "string" ? this.input : this.input?.href);
    if (typeof url !== "string") return false;
    const path = url.split(/[?#]/, 1)[0].replace(/\/+$/, "");
    const body = this.init?.body;
    if (!path.endsWith("/graphql") || typeof body !== "string") return false;
    try {
      const query = JSON.parse(body)?.query;
      return typeof query === "string" && isReadOnlyGraphql(query);
    } catch {
      return false;
    }
  }
}

function isIdempotencyKey(name) {
  return typeof name === "string" && name.toLowerCase() === IDEMPOTENCY_KEY;
}
