// The caller's request, read once per call exactly as fetch reads it, and how to send it again: to
// another attempt, or on to where a redirect leads.
//
// Every member is read once and the copy is what fetch receives, so that what the package decides on
// (the method, whether the body can be sent again, where the request goes) is what is sent, even for
// an object whose string form or getter answers differently the second time.

import * as core from "./core.js";
import { isSignal, untilAborted } from "./signals.js";

// The header that marks a POST or PATCH as safe to repeat (IETF draft "The Idempotency-Key HTTP
// Header Field"): the server deduplicates requests that carry the same key.
const IDEMPOTENCY_KEY = "idempotency-key";

/** The body kinds the core knows: none, one that can be sent again, one that can be read only once. */
export const NO_BODY = 0;
export const REPLAYABLE = 1;
export const ONCE = 2;

/** `RequestInit` members fetch reads, also from a prototype (a class instance, another `Request`). */
const INIT_MEMBERS = [
  "method",
  "headers",
  "body",
  "referrer",
  "referrerPolicy",
  "mode",
  "credentials",
  "cache",
  "redirect",
  "integrity",
  "keepalive",
  "signal",
  "window",
  "duplex",
  "priority",
];

/** What a `Request` carries over to the request sent on after a redirect. */
const REQUEST_MEMBERS = ["credentials", "cache", "integrity", "keepalive", "referrerPolicy"];

/** What a body read that took longer than allowed resolves with. */
const LATE = Symbol("late");

/** A JSON body larger than this is not parsed to look for a GraphQL read: it counts as a write. */
const MAX_GRAPHQL_BODY = 1_000_000;

/** Set once a runtime answers a manual redirect with an opaque response: it hides redirects. */
let redirectsHidden = false;

/** Tells the package that this runtime hides redirects (browsers), before any request learns it. */
export function hideRedirects() {
  redirectsHidden = true;
}

/** The caller's `(input, init)` and what was learnt from them. */
export class CallerRequest {
  /** The URL as given (a string, perhaps relative), or the `Request`'s. */
  get url() {
    return typeof this.input === "string" ? this.input : `${this.request?.url ?? ""}`;
  }

  constructor(input, init, policy) {
    this.policy = policy;
    const request = isRequest(input) ? input : undefined;
    this.request = request;
    /** The input as sent: the `Request`, or a string read once from anything else. */
    this.input = request ?? (typeof input === "string" ? input : `${input}`);
    const copy = snapshot(init);
    this.init = copy;
    const method = copy?.method;
    /** The method as fetch reads it: `init.method` turned into a string once, else the Request's. */
    this.method = method === undefined ? (request?.method ?? "GET") : `${method}`;
    if (method !== undefined) copy.method = this.method;
    const body = copy?.body;
    /** One of NO_BODY, REPLAYABLE, ONCE. A Request's own body is cloned for each attempt. */
    this.body =
      body === undefined || body === null ? (request === undefined ? NO_BODY : REPLAYABLE) : kindOf(body);
    // A Request's body is used up by sending it, so such a Request is cloned for every attempt.
    // Firefox has no `Request.body`: any method that may carry a body counts as having one.
    this.cloneInput =
      body === undefined &&
      request !== undefined &&
      (request.body != null || !/^(get|head)$/i.test(this.method));
    const signal = copy?.signal;
    if (signal !== undefined && signal !== null && !isSignal(signal)) {
      throw new TypeError("commerce-fetch: init.signal must be an AbortSignal");
    }
    /** The caller's signal: `init.signal`, else the Request's own; `null` in init means none. */
    this.signal = signal === undefined ? (request?.signal ?? undefined) : (signal ?? undefined);
    const redirect = copy?.redirect ?? request?.redirect;
    /**
     * Whether the package follows redirects itself (see `nextHop`): when fetch would follow them, and
     * the runtime shows where they lead, or hides it and the request carries credentials (which then
     * must not be sent on blindly).
     */
    this.following =
      (redirect === undefined || redirect === "follow") && (!redirectsHidden || this.mayCarryCredentials());
  }

  /**
   * Whether a header of the request carries credentials; `undefined` when that takes the policy,
   * which a request made before the core's check of the options does not have yet (see `adopt`).
   */
  mayCarryCredentials() {
    if (this.policy !== undefined) return this.carriesCredentials();
    return this.headerNames().length === 0 ? false : undefined;
  }

  /**
   * Made before the core's check of the options (`policy` was undefined): takes the policy, and
   * decides what could not be decided without it.
   */
  adopt(policy) {
    this.policy = policy;
    if (this.following === undefined) this.following = this.carriesCredentials();
  }

  /**
   * Whether its first attempt may go before the core has checked the options (a browser still
   * loading the wasm): a GET or HEAD of a URL with no body. Nothing of it depends on the options,
   * except its time limit, which holds from when it went, and, when it has headers, whether one of
   * them carries credentials (`following` is then undefined): such an attempt goes with a manual
   * redirect, which follows nothing, and once the core has said, an answer that is a redirect is
   * dropped and the attempt sent again as fetch would (see client.js `run`). Should an option be bad,
   * its answer is dropped and the call rejects all the same.
   */
  mayGoFirst() {
    return (
      this.following !== true &&
      this.request === undefined &&
      this.body === NO_BODY &&
      (this.method === "GET" || this.method === "HEAD") &&
      this.signal?.aborted !== true
    );
  }

  /** The input for one attempt: a fresh clone of a `Request` whose body would be used up. */
  inputForAttempt() {
    return this.cloneInput ? this.request.clone() : this.input;
  }

  /**
   * The init for one attempt: the caller's, with `signal` in place of theirs when given, and a manual
   * redirect when the package follows redirects itself, or may have to (undefined: not known yet).
   */
  initForAttempt(signal) {
    const init = this.init;
    if (this.following === false) return signal === undefined ? init : { ...init, signal };
    // Most calls have no init: a literal is cheaper than copying one.
    if (init === undefined)
      return signal === undefined ? { redirect: "manual" } : { redirect: "manual", signal };
    return signal === undefined ? { ...init, redirect: "manual" } : { ...init, redirect: "manual", signal };
  }

  /**
   * Whether the caller marked the request safe to repeat: `init.idempotent === true`, an
   * `Idempotency-Key` header, or a GraphQL request that only reads. Asked only when a retry is being
   * decided, so the success path never parses a body. Throws only what the caller's own objects
   * throw (a getter or a Proxy).
   */
  markedIdempotent() {
    return (
      this.init?.idempotent === true ||
      this.headerNames().some((name) => name.toLowerCase() === IDEMPOTENCY_KEY) ||
      this.isGraphqlRead()
    );
  }

  /**
   * A POST to a `/graphql` endpoint whose JSON body holds only queries: BigCommerce's storefront API
   * takes reads as POSTs, and a read is safe to send again. A body that is not a string (a stream, a
   * Request's own body) cannot be read here and counts as not a read.
   */
  isGraphqlRead() {
    // The reader is in the extras module (see `mayBeGraphqlRead`); without it (a browser that could
    // not load it, or a host that gave init() only the first file) the request counts as not a read.
    return this.mayBeGraphqlRead() && core.isReady(true) && core.isGraphqlRead(this.url, this.init.body);
  }

  /**
   * Whether it may be a GraphQL read: a string body to a GraphQL endpoint. Whether it is, the extras
   * module says (`isGraphqlRead`), which a browser loads first when this is asked.
   */
  mayBeGraphqlRead() {
    const url = this.request?.url ?? this.input;
    const body = this.init?.body;
    // The core reads at most MAX_GRAPHQL_BODY bytes, and a string has at least as many bytes as
    // UTF-16 units: a longer one is not copied into the wasm to be refused there.
    if (typeof url !== "string" || typeof body !== "string" || body.length > MAX_GRAPHQL_BODY) return false;
    return core.isGraphqlEndpoint(url);
  }

  /** Whether any header of the request carries credentials (the core's list and the caller's). */
  carriesCredentials() {
    return this.headerNames().some((name) => this.policy.isCredentialHeader(name));
  }

  /** The request's header names: from `init.headers`, else the Request's. */
  headerNames() {
    return headerEntries(this.headers()).map(([name]) => name);
  }

  headers() {
    const headers = this.init?.headers;
    return headers === undefined ? this.request?.headers : headers;
  }

  /**
   * The `(input, init)` that follow a redirect answered by `response` (`status`, `location`), after
   * `followed` earlier ones, from the request sent as `(input, init)`. Returns `{ refused }` instead
   * when the core refuses it.
   */
  nextHop(response, status, location, followed, input, init) {
    const method = init.method ?? this.method;
    const from = urlOf(response, input);
    let to;
    try {
      to = new URL(location, from);
    } catch {}
    const step = core.redirectStep(
      status,
      method,
      followed,
      from?.protocol ?? "",
      to?.protocol,
      to !== undefined && from !== undefined && to.origin === from.origin && to.origin !== "null",
      this.body,
    );
    if (step.reason !== undefined) return { refused: step };
    const hop = { ...this.init, ...(this.request === undefined ? {} : requestInit(this.request)) };
    hop.redirect = "manual";
    hop.signal = init.signal;
    if (step.toGet) {
      hop.method = "GET";
      delete hop.body;
      delete hop.duplex;
    } else {
      hop.method = method;
      if (this.init?.body === undefined && this.request?.body != null) {
        // A Request's own body: a clone's copy of it, which fetch reads as a stream.
        hop.body = this.request.clone().body;
        hop.duplex = "half";
      }
    }
    const headers = new Headers();
    for (const [name, value] of headerEntries(init.headers ?? this.headers())) {
      if (!this.policy.dropsHeader(name, step.toGet, step.crossOrigin)) headers.append(name, value);
    }
    hop.headers = headers;
    return { input: to.href, init: hop };
  }

  /** What the call fails with when the runtime hid a redirect from a request carrying credentials. */
  hiddenRedirect() {
    redirectsHidden = true;
    return core.hiddenRedirect(this.method);
  }

  /**
   * Reads a stream or iterable body of at most `limit` bytes into memory, so that it can be sent
   * again. A longer one, or one still not read after `waitMs` (the first attempt's time limit, when
   * there is one), is sent once, as it comes, with what was read put back in front. Stops when
   * `signal` aborts.
   */
  async buffer(limit, signal, waitMs) {
    const reader = chunkReader(this.init.body);
    const chunks = [];
    let size = 0;
    let timer;
    const late =
      waitMs === undefined
        ? undefined
        : new Promise((resolve) => (timer = setTimeout(resolve, waitMs, LATE)));
    try {
      for (;;) {
        const read = reader.next();
        const next = await untilAborted(late === undefined ? read : Promise.race([read, late]), signal, () =>
          quietly(() => reader.cancel()),
        );
        if (next === LATE) {
          this.init.body = resume(chunks, reader, read);
          break;
        }
        const { done, value } = next;
        if (done) {
          this.init.body = concat(chunks, size);
          this.body = REPLAYABLE;
          break;
        }
        const bytes = toBytes(value);
        if (bytes === undefined || size + bytes.byteLength > limit) {
          chunks.push(bytes ?? value);
          this.init.body = resume(chunks, reader);
          break;
        }
        chunks.push(bytes);
        size += bytes.byteLength;
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.body === ONCE) this.init.duplex ??= "half";
  }
}

/** Whether `input` is a `Request`, also one from another realm or another fetch implementation. */
export function isRequest(input) {
  if (typeof Request === "function" && input instanceof Request) return true;
  return (
    typeof input === "object" &&
    input !== null &&
    typeof input.url === "string" &&
    typeof input.method === "string" &&
    typeof input.clone === "function" &&
    typeof input.headers === "object"
  );
}

/**
 * A plain copy of `init` with each member read once: its own properties (with a runtime's extensions
 * such as Next.js's `next` or Cloudflare's `cf`), and the members fetch reads through the prototype.
 * `undefined` when there is no init; anything else that is not an object is refused, as fetch does.
 */
export function snapshot(init) {
  if (init === undefined || init === null) return undefined;
  if (typeof init !== "object" && typeof init !== "function") {
    throw new TypeError(`commerce-fetch: init must be an object, got a ${typeof init}`);
  }
  const copy = { ...init };
  for (const member of INIT_MEMBERS) {
    if (!Object.hasOwn(copy, member) && member in init) copy[member] = init[member];
  }
  return copy;
}

/** How a body fetch accepts can be sent again. */
function kindOf(body) {
  if (typeof body !== "object" && typeof body !== "function") return REPLAYABLE;
  // Web streams (also from another realm or a polyfill), async iterables and Node streams are read
  // once; bytes, text, `Blob`, `FormData` and `URLSearchParams` can be read again.
  if (typeof ReadableStream === "function" && body instanceof ReadableStream) return ONCE;
  if (typeof body.getReader === "function") return ONCE;
  if (typeof body[Symbol.asyncIterator] === "function") return ONCE;
  if (typeof body.pipe === "function" && typeof body.on === "function") return ONCE;
  return REPLAYABLE;
}

/** `[name, value]` pairs of a `HeadersInit`: a `Headers`, a list of pairs, or a record. */
function headerEntries(headers) {
  const entries = [];
  if (headers === undefined || headers === null || typeof headers !== "object") return entries;
  if (typeof headers.forEach === "function" && !Array.isArray(headers)) {
    headers.forEach((value, name) => {
      entries.push([`${name}`, `${value}`]);
    });
  } else if (typeof headers[Symbol.iterator] === "function") {
    for (const pair of headers) {
      const [name, value] = pair;
      entries.push([`${name}`, `${value}`]);
    }
  } else {
    for (const name of Object.keys(headers)) entries.push([name, `${headers[name]}`]);
  }
  return entries;
}

/** The URL that answered: the response's, else the input's; `undefined` when neither parses. */
function urlOf(response, input) {
  let url;
  try {
    url = response.url;
  } catch {}
  for (const candidate of [url, typeof input === "string" ? input : input?.url]) {
    if (typeof candidate !== "string" || candidate === "") continue;
    try {
      return new URL(candidate);
    } catch {}
  }
  return undefined;
}

/** The members of `request` that the request sent on after a redirect keeps. */
function requestInit(request) {
  const init = {};
  for (const member of REQUEST_MEMBERS) {
    const value = request[member];
    if (value !== undefined) init[member] = value;
  }
  return init;
}

/** `next()` and `return()` over a web stream or an (async) iterable. */
function chunkReader(body) {
  if (typeof body.getReader === "function") {
    const reader = body.getReader();
    return { next: () => reader.read(), cancel: (reason) => reader.cancel(reason) };
  }
  const iterator = body[Symbol.asyncIterator]();
  return { next: () => iterator.next(), cancel: (reason) => iterator.return?.(reason) };
}

/** A chunk as bytes, or `undefined` for a chunk fetch would not send as bytes. */
function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return new TextEncoder().encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}

function concat(chunks, size) {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A stream of `chunks`, then what `pending` (a read already asked for) gives, then the rest of `reader`. */
function resume(chunks, reader, pending) {
  return new ReadableStream({
    async pull(controller) {
      if (chunks.length > 0) {
        controller.enqueue(chunks.shift());
        return;
      }
      const read = pending ?? reader.next();
      pending = undefined;
      const { done, value } = await read;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** Calls `release`, ignoring whatever it throws or rejects with: it only frees resources. */
function quietly(release) {
  try {
    Promise.resolve(release()).catch(() => {});
  } catch {}
}
