// The wasm core as the rest of the package sees it: one instance at a time, and a way back from a trap.
//
// A trap (a bug, or memory running out) or an exception unwinding through a Rust frame leaves the
// instance's stack pointers where they were, and every later call into it may fail or misbehave. The
// package copies and checks what it passes in, so that nothing from outside can cause either; should one
// happen all the same, the trapped instance is retired and a fresh one made from the same compiled
// module, and the call that met the trap rejects with an error that says so. Clients rebuild their
// validated options on the new instance, and a call in the middle of its retries replays its history
// there: the core is deterministic, so the replay reaches the same state.

import { createBindings as baseBindings } from "../dist/commerce_fetch.js";

/**
 * One of the package's two parts of the core, each with bindings of its own: `base`, what createFetch
 * needs (its options, decisions, histories, redirects); and `extras` (interpret()'s texts, createClient's
 * body readers, protect). Every entry loads the base at import, from one of two files:
 * - commerce_fetch_bg.wasm, the whole core: one instance serves both parts (`shared`). Node, Deno, Bun,
 *   Workers, edge routes, and a browser page that uses createClient or interpret load it.
 * - commerce_fetch_lite_bg.wasm, the base alone, for a browser page that only uses createFetch; the
 *   extras then come from commerce_fetch_extras_bg.wasm on first need (`protect`, a failed GraphQL POST).
 * Nothing made by one part is passed to the other. Each counts its instances made after a trap (its
 * `generation`): objects of an older generation are rebuilt before use. The extras' bindings
 * (wasm-bindgen's JavaScript for them) are given by the entry: imported with it where the extras come
 * with the base or load synchronously, and in a browser fetched with the .wasm on first need.
 */
class Part {
  constructor(create, file) {
    this.create = create;
    this.file = file;
    this.bindings = create?.();
    /** Imports the bindings, when the entry gave them as a module to import on first need. */
    this.importBindings = undefined;
    /** The JavaScript that comes with the bindings: the extras' `guard` (protect's module). */
    this.guard = undefined;
    this.ready = false;
    this.generation = 0;
    /** The load started by `init()`, until it ends (or fails). */
    this.loading = undefined;
    /** Why the last `init()` failed, until one succeeds. */
    this.loadError = undefined;
    /**
     * Where to load it from on first need, until a load starts: a source, or a function that gives one
     * (bytes decoded only when needed).
     */
    this.source = undefined;
    /** Whether the load on first need may be synchronous (Node, Deno, Bun, Workers: not a browser). */
    this.sync = false;
    /** Whether its instance is the other part's too (the whole file). */
    this.shared = false;
    /** The extras: whether they wait for the base's load, which may hold them. */
    this.withBase = false;
  }

  /**
   * Takes the bindings' factory, unless it has one, and the JavaScript that comes with them (the
   * extras: `guard`, protect's module guard.js).
   */
  useBindings(create, guard) {
    if (this.create !== undefined) return;
    this.create = create;
    this.bindings = create();
    this.guard = guard;
  }

  /** Resolves once the part has its bindings (imported now, if the entry said so). */
  async withBindings() {
    if (this.bindings !== undefined) return;
    if (this.importBindings === undefined) throw new Error(`commerce-fetch: no bindings for ${this.file}`);
    const imported = await this.importBindings();
    // In a browser the module holds protect's too (pkg/src/extras-bindings.js).
    this.useBindings(imported.createBindings, imported);
  }

  /** Loads the wasm unless it is loaded; returns the instance's exports (bench/memory.mjs reads its memory). */
  initSync(moduleOrBytes) {
    if (this.bindings === undefined) throw new Error(`commerce-fetch: no bindings for ${this.file}`);
    const exports = this.bindings.initSync({ module: moduleOrBytes });
    this.ready = true;
    return exports;
  }

  /** Makes an instance from `moduleOrSource` and gives it to the bindings (asynchronously). */
  async instantiate(moduleOrSource) {
    await this.withBindings();
    await this.bindings.init(moduleOrSource === undefined ? undefined : { module_or_path: moduleOrSource });
  }

  async init(moduleOrSource) {
    if (this.ready) return;
    this.loading ??= this.instantiate(moduleOrSource).then(
      () => {
        this.ready = true;
        this.loadError = undefined;
      },
      (error) => {
        // A later init() may try again (the network came back).
        this.loading = undefined;
        this.loadError = error;
        throw error;
      },
    );
    await this.loading;
  }

  /**
   * Starts loading from `source` if nothing loaded or is loading this part: synchronously, where that
   * is allowed, so that it is ready on return (a failure is kept for the caller to report).
   */
  start() {
    if (this.ready || this.loading !== undefined || this.source === undefined) return;
    // A synchronous load that failed would fail again; a browser's may try again (the network came back).
    if (this.sync && this.loadError !== undefined) return;
    const source = typeof this.source === "function" ? this.source() : this.source;
    if (!this.sync) {
      this.init(source).catch(() => {});
      return;
    }
    try {
      this.initSync(source);
    } catch (error) {
      this.loadError = error;
    }
  }

  /** Loads it now where that may be synchronous; else throws unless it is loaded (a usage error). */
  need(caller) {
    if (this.ready) return;
    this.start();
    if (this.ready) return;
    if (this.loadError !== undefined && this.loading === undefined) throw loadFailed(this.loadError);
    if (this.loading !== undefined) throw stillLoading(caller);
    throw this.notLoaded(caller);
  }

  /** Whether it is loaded or being loaded (or can be, on first need). */
  coming() {
    return (
      this.ready || this.loading !== undefined || (this.source !== undefined && this.loadError === undefined)
    );
  }

  whenReady(caller) {
    this.start();
    if (this.ready) return Promise.resolve();
    if (this.loading !== undefined) return this.loading.catch((error) => Promise.reject(loadFailed(error)));
    return Promise.reject(this.loadError === undefined ? this.notLoaded(caller) : loadFailed(this.loadError));
  }

  notLoaded(caller) {
    if (this === extras && base.coming()) {
      return new Error(
        `commerce-fetch: ${caller}() needs more of the core than commerce_fetch_lite_bg.wasm, which ` +
          "holds createFetch alone: load commerce_fetch_bg.wasm (everything) instead, or pass " +
          `${this.file} to init() or initSync() as the second argument`,
      );
    }
    return new Error(
      `commerce-fetch: ${caller}() was called before the WebAssembly module was loaded; ` +
        "await init() (or call initSync()) first, or import the package's default entry, which loads it itself",
    );
  }

  /**
   * What to throw for `error`, raised by a call into this part's instance of generation `owner`. A trap
   * retires that instance (when it is still the current one) and becomes an `Error` that says so.
   */
  rescue(error, owner) {
    if (!(error instanceof WebAssembly.RuntimeError)) return error;
    if (owner === this.generation) this.replace();
    return new Error(
      "commerce-fetch: the WebAssembly core failed during this call and has been replaced by a fresh " +
        "instance; later calls are not affected",
      { cause: error },
    );
  }

  replace() {
    if (this.shared) {
      replaceWhole();
      return;
    }
    const module = this.bindings.module();
    // Objects of the old bindings may still be collected; their finalizers free into the old instance,
    // which is told to do nothing from now on.
    this.bindings.retire();
    this.bindings = this.create();
    this.generation += 1;
    if (this === base) hintNames = undefined;
    this.bindings.initSync({ module });
  }

  /** `bindings[name](...args)` on the current instance, with a trap rescued. */
  call(name, ...args) {
    if (!this.ready) this.need(name);
    const owner = this.generation;
    try {
      return this.bindings[name](...args);
    } catch (error) {
      throw this.rescue(error, owner);
    }
  }
}

/**
 * The base part, loaded from either file: its bindings make the instance with the extras' imports too
 * (when the entry gave their bindings), and when it holds the extras (the whole file) it serves them as
 * well.
 */
class BasePart extends Part {
  initSync(moduleOrBytes) {
    const exports = super.initSync(moduleOrBytes);
    shareWithExtras();
    return exports;
  }

  async instantiate(moduleOrSource) {
    await super.instantiate(moduleOrSource);
    shareWithExtras();
  }

  /**
   * Loads asynchronously. With `withExtras` (no extras file was given), the extras wait for this load
   * when their bindings are here and nothing loads them yet: the file may be the whole one, which holds
   * them.
   */
  async init(moduleOrSource, withExtras = false) {
    if (this.ready) return;
    const starting = this.loading === undefined;
    const loading = super.init(moduleOrSource);
    if (
      starting &&
      withExtras &&
      extras.bindings !== undefined &&
      !extras.ready &&
      extras.loading === undefined
    ) {
      // Settles when this load does; if the file was the lite one, the extras are still to load.
      const settled = () => {
        extras.withBase = false;
        if (!extras.ready) extras.loading = undefined;
      };
      extras.withBase = true;
      extras.loading = loading.then(settled, (error) => {
        settled();
        throw error;
      });
      extras.loading.catch(() => {});
    }
    await loading;
  }
}

const base = new BasePart(() => baseBindings(withExtrasImports), "commerce_fetch_bg.wasm");
const extras = new Part(undefined, "commerce_fetch_extras_bg.wasm");
let hintNames;

/**
 * What an instance of either file imports: the base bindings' own functions (`own`), with the extras'
 * when the entry gave their bindings (scripts/check-whole.mjs checks that a function both have is the
 * same in each).
 */
function withExtrasImports(own) {
  if (extras.bindings === undefined) return own;
  const [name] = Object.keys(own);
  const theirs = Object.values(extras.bindings.imports())[0];
  return { [name]: { ...theirs, ...own[name] } };
}

/**
 * Gives the base's instance to the extras' bindings too, when it holds the extras (the whole file) and
 * they are not loaded from their own file; the base's ran the start function already.
 */
function shareWithExtras() {
  const instance = base.bindings.instance();
  const whole = typeof instance.exports.interpret === "function";
  const ownLoad = extras.loading !== undefined && !extras.withBase;
  if (!whole || extras.bindings === undefined || extras.ready || ownLoad) return;
  extras.bindings.attach(instance, base.bindings.module(), false);
  extras.ready = true;
  extras.loadError = undefined;
  base.shared = true;
  extras.shared = true;
}

/** After a trap in the whole file's instance: a fresh one for both parts. */
function replaceWhole() {
  const module = base.bindings.module();
  for (const part of [base, extras]) {
    part.bindings.retire();
    part.bindings = part.create();
    part.generation += 1;
  }
  hintNames = undefined;
  base.bindings.initSync({ module });
  extras.bindings.attach(base.bindings.instance(), module, false);
}

/** The longest string passed into the wasm for a name (a method, a preset, a header name). */
const MAX_NAME = 100;
/**
 * The longest message passed in, to be classified or cleaned: the core's `MAX_SCANNED_BYTES`, in
 * characters. Firefox ends an invalid-header message with the words that say so, after the value.
 */
const MAX_MESSAGE = 16 * 1024;
/**
 * The longest header value passed in as a wait hint: a number or an HTTP-date is under 40 characters,
 * so a longer value is malformed and is not copied into the wasm.
 */
const MAX_HINT = 256;
/** The longest text of hint values passed in: a value of at most `MAX_HINT` for each header, and line feeds. */
const MAX_HINT_VALUES = 16 * (MAX_HINT + 1);
/** The most requests one `take` asks about (the core grants at most 1,000 at a time anyway). */
const MAX_WAITING = 1_000_000;

/** `text`, cut to `max` characters so that a huge string is never copied into the wasm. */
export function cut(text, max = MAX_NAME) {
  return text.length > max ? text.slice(0, max) : text;
}

/**
 * Loads the base module, and the extras when given, unless loaded; returns the base instance's exports
 * (bench/memory.mjs reads its memory).
 */
export function initSync(moduleOrBytes, extrasModuleOrBytes) {
  const exports = base.initSync(moduleOrBytes);
  if (extrasModuleOrBytes !== undefined) extras.initSync(extrasModuleOrBytes);
  return exports;
}

/** Loads the base module, and the extras when given (both at once), unless loaded. */
export async function init(moduleOrSource, extrasSource) {
  await Promise.all([
    base.init(moduleOrSource, extrasSource === undefined),
    extrasSource === undefined ? undefined : extras.init(extrasSource),
  ]);
}

/**
 * The extras' bindings (`createBindings` of commerce_fetch_extras.js) and protect's module (guard.js),
 * for the entries that import them with the package.
 */
export function extrasBindings(create, guard) {
  extras.useBindings(create, guard);
}

/** protect's module (guard.js), once it came with the extras' bindings; `undefined` before. */
export function guardModule() {
  return extras.guard;
}

/**
 * Where the extras are loaded from on first need, without loading them yet: a source, or a function
 * that gives one; `sync` where the runtime may compile or instantiate it synchronously (not a browser,
 * and the bindings must have been given); `importBindings`, in a browser, imports their bindings.
 */
export function extrasFrom(source, sync = false, importBindings = undefined) {
  if (extras.source !== undefined) return;
  extras.source = source;
  extras.sync = sync;
  extras.importBindings = importBindings;
}

/**
 * Resolves once the base module is loaded, and the extras too when `all`; rejects when one could not
 * be, or when nothing is loading it (`caller` names who asked).
 */
export function whenReady(caller, all = false) {
  const loaded = base.whenReady(caller);
  return all ? Promise.all([loaded, extras.whenReady(caller)]).then(() => undefined) : loaded;
}

/** Whether the base module is loaded, and the extras too when `all`. */
export function isReady(all = false) {
  return base.ready && (!all || extras.ready);
}

function loadFailed(error) {
  return new Error("commerce-fetch: the WebAssembly module could not be loaded", { cause: error });
}

/**
 * Throws unless the wasm is loaded (the extras too when `all`, whose load this starts in a browser),
 * or, when the caller can wait for it (`canWait`), being loaded. In browsers `interpret()` cannot
 * wait: `await ready()` before calling it at start-up.
 */
export function assertReady(caller, canWait = false, all = false) {
  const parts = all ? [base, extras] : [base];
  for (const part of parts) part.start();
  for (const part of parts) {
    if (part.ready || (canWait && part.loading !== undefined)) continue;
    if (part.loadError !== undefined && part.loading === undefined) throw loadFailed(part.loadError);
    if (part.loading !== undefined) throw stillLoading(caller);
    throw part.notLoaded(caller);
  }
}

function stillLoading(caller) {
  return new Error(
    `commerce-fetch: ${caller}() was called while the WebAssembly module is still loading; ` +
      "await ready() first (createFetch and createClient need not: their calls wait for it)",
  );
}

export function interpret(status) {
  return extras.call("interpret", status);
}

/** 0 when fetch's rejection means no response came (network), 1 an invalid request, 2 anything else. */
export function fetchFailure(name, message, code, causeName, causeCode, causeMessage) {
  const cutMessage = (text) => cut(text, MAX_MESSAGE);
  return base.call(
    "fetchFailure",
    cut(name),
    cutMessage(message),
    cut(code),
    cut(causeName),
    cut(causeCode),
    cutMessage(causeMessage),
  );
}

/** Whether a request to `url` with the text `body` is a GraphQL read, safe to send again. */
export function isGraphqlRead(url, body) {
  return extras.call("isGraphqlRead", url, body);
}

/** Whether `url` is a GraphQL endpoint, whose requests `isGraphqlRead` may find to be reads. */
export function isGraphqlEndpoint(url) {
  return base.call("isGraphqlEndpoint", cut(url, MAX_MESSAGE));
}

/**
 * `text` cut short, with URL queries, userinfo and header values removed. The core reads up to 16 KiB
 * of it (`MAX_SCANNED_BYTES`) to tell a message about a header, and keeps 1,000 bytes.
 */
export function redact(text) {
  return base.call("redact", cut(text, MAX_MESSAGE));
}

/**
 * What an error body says (src/problem.rs): `{ shape, title?, detail?, type?, instance?, code?,
 * fieldErrors, messages, retryAfterMs? }`. `body` is already cut to `maxBodyBytes()`.
 */
export function problem(status, contentType, body) {
  return extras.call("problem", status, cut(contentType), body);
}

/** What a REST answer with `status` is by its status: 0 nothing to read, 1 data, 2 read by restAnswer. */
export function restKind(status) {
  return extras.call("restKind", status);
}

/**
 * What a REST answer that is not plain data says (src/rest.rs): `{ partial, failures?, counts?,
 * problem? }`. `body` is already cut to `maxBodyBytes()`.
 */
export function restAnswer(status, contentType, body) {
  return extras.call("restAnswer", status, cut(contentType), body);
}

/** Whether a revalidating client keeps this answer to ask about it with `If-Modified-Since`. */
export function keepsForRevalidation(status, lastModified, length) {
  return extras.call("keepsForRevalidation", status, cut(lastModified), length);
}

/**
 * A GraphQL answer's errors and whether they fail the call: `{ kind?, failure?, errors: [{ message, path,
 * code? }], complexity?, … }`. `isObject`: the whole body parsed as a JSON object.
 */
export function graphqlErrors(status, body, isObject) {
  return extras.call("graphqlErrors", status, body, isObject);
}

/** The query of a listing's next page (without `?`), or `undefined` when it is over. */
export function nextPage(next, current, items) {
  return extras.call("nextPage", cut(next, MAX_MESSAGE), cut(current, MAX_MESSAGE), items);
}

/** What a poll of a job says (its JSON text): `{ state: 0 not yet, 1 completed, 2 failed, status, percent?, messages }`. */
export function job(body) {
  return extras.call("job", body);
}

/** The wait before the next poll of a job, or `undefined` when it would come after the deadline. */
export function pollDelayMs(poll, elapsedMs, deadlineMs, random) {
  return extras.call("pollDelayMs", poll, elapsedMs, deadlineMs, random);
}

let maxBody;
/** The longest body the core reads; a longer one is cut to this and reads as truncated. */
export function maxBodyBytes() {
  maxBody ??= extras.call("maxBodyBytes");
  return maxBody;
}

/** Whether a call's first attempt goes out without its own signal, for a sharing host to share. */
export function sharesFirstAttempt(method, callerSignal) {
  return base.call("sharesFirstAttempt", cut(method), callerSignal);
}

export function isFollowedRedirect(status) {
  return base.call("isFollowedRedirect", status);
}

/** `{ toGet, crossOrigin }` to follow a redirect, or `{ reason, message }` to refuse it. */
export function redirectStep(status, method, followed, fromProtocol, toProtocol, sameOrigin, body) {
  const to = toProtocol === undefined ? undefined : cut(toProtocol);
  return base.call("redirectStep", status, cut(method), followed, cut(fromProtocol), to, sameOrigin, body);
}

export function hiddenRedirect(method) {
  return base.call("hiddenRedirect", cut(method));
}

/**
 * The values of the headers the core reads wait hints from, in its order, joined by line feeds: a
 * value that is not a string, holds a line feed or is over `MAX_HINT` characters counts as absent
 * (empty). `headers` is a response's; a look-alike whose `get` throws counts as having none.
 */
export function hintValues(headers) {
  hintNames ??= base.call("hintHeaders");
  let joined = "";
  for (let i = 0; i < hintNames.length; i += 1) {
    let value;
    try {
      value = headers.get(hintNames[i]);
    } catch {}
    const usable = typeof value === "string" && value.length <= MAX_HINT && !value.includes("\n");
    joined += i === 0 ? "" : "\n";
    if (usable) joined += value;
  }
  return joined;
}

/**
 * Something of the core's (a `Policy`, an `Attempts`), made on the current instance and made again on
 * a fresh one after a trap. A subclass says how in `build()`.
 */
class OnInstance {
  /** `part`: the module it is made on. */
  constructor(part) {
    this.part = part;
  }

  make() {
    const part = this.part;
    if (!part.ready) part.need(this.constructor.name);
    const owner = part.generation;
    try {
      this.made = this.build(part.bindings);
    } catch (error) {
      throw part.rescue(error, owner);
    }
    this.generation = owner;
  }

  /** The object on the current instance. */
  current() {
    if (this.generation !== this.part.generation) this.make();
    return this.made;
  }

  /** `object[question](...args)` on the current instance, with a trap rescued. */
  ask(question, ...args) {
    const made = this.current();
    try {
      return made[question](...args);
    } catch (error) {
      throw this.part.rescue(error, this.generation);
    }
  }
}

/** The key of the store `url` is for, or `undefined` (src/stores.rs). */
export function storeKey(url) {
  return extras.call("storeKey", cut(url, MAX_MESSAGE));
}

/** The message of a request that waited `waitedMs` for its turn at `store` and ran out of totalTimeout. */
export function outOfTimeMessage(method, waitedMs, store) {
  return extras.call("outOfTimeMessage", cut(method), waitedMs, cut(store, MAX_MESSAGE));
}

/** The message of a call refused by the open breaker of `store`, `inMs` before it may let one through. */
export function circuitOpenMessage(store, inMs) {
  return extras.call("circuitOpenMessage", cut(store, MAX_MESSAGE), inMs);
}

/** The requests a Cloudflare Worker may have open at once (src/concurrency.rs). */
export function workerConnections() {
  return extras.call("workerConnections");
}

/** The built-in concurrency limit a request matches (an index), or -1 (src/concurrency.rs). */
export function routeOf(method, url) {
  return extras.call("routeOf", cut(method), cut(url, MAX_MESSAGE));
}

/**
 * One store's guard (src/wasm/guard.rs). After a trap it is made again, empty, on the fresh instance:
 * `fresh()` says so once, for the shell to queue its waiting requests again.
 */
export class CoreGuard extends OnInstance {
  constructor(args) {
    super(extras);
    this.args = args;
    this.make();
    this.seen = this.made;
  }

  build(bindings) {
    return new bindings.Guard(...this.args);
  }

  /** Whether the guard was made again since this was last asked. */
  fresh() {
    const made = this.current();
    const fresh = made !== this.seen;
    this.seen = made;
    return fresh;
  }
}

/**
 * The pacing of one store shared by many isolates (src/wasm/shared_pacer.rs), kept by its Durable
 * Object (commerce-fetch/cloudflare's StoreQuota), which passes on what other isolates sent it: each
 * value is checked here before it crosses. After a trap it is made again, empty; it learns the window
 * again from the next answer.
 */
export class CoreSharedPacer extends OnInstance {
  constructor() {
    super(extras);
    this.make();
  }

  build(bindings) {
    return new bindings.SharedPacer();
  }

  /** Grants the first of `waiting` requests at `now`: `{ first, count }` or `{ waitMs, reason }`. */
  take(waiting, now) {
    const asked = Number.isSafeInteger(waiting) && waiting > 0 ? Math.min(waiting, MAX_WAITING) : 1;
    return this.ask("take", now, asked);
  }

  /**
   * Request `number` was answered with `hints` (as `hintValues` makes them), or failed (`undefined`,
   * or anything but a string). A number that is not a positive whole number is ignored.
   */
  answered(number, hints, now) {
    if (!Number.isSafeInteger(number) || number <= 0) return;
    this.ask("answered", number, typeof hints === "string" ? cut(hints, MAX_HINT_VALUES) : undefined, now);
  }

  /** `{ left, quota, resetInMs }`, or `undefined` before any answer told it. */
  state(now) {
    return this.ask("state", now);
  }
}

/** A client's validated options, rebuilt on a fresh instance after a trap. */
export class CorePolicy extends OnInstance {
  /** `args`: the options in the order the core's `Policy` takes them, already copied and checked. */
  constructor(args) {
    super(base);
    this.args = args;
    this.make();
    this.bufferBodyBytes = this.made.bufferBodyBytes();
  }

  build(bindings) {
    return new bindings.Policy(...this.args);
  }

  /**
   * The success path's one question, asked without the spread of `ask`: whether the core decides after a
   * first response with `status` (`asksCaller`: a `shouldRetry` is set).
   */
  decidesAfter(status, asksCaller) {
    const policy = this.generation === base.generation ? this.made : this.current();
    try {
      return policy.decidesAfter(status, asksCaller);
    } catch (error) {
      throw base.rescue(error, this.generation);
    }
  }

  totalLeftMs(elapsedMs) {
    return this.ask("totalLeftMs", elapsedMs);
  }

  attemptBudgetMs(elapsedMs) {
    return this.ask("attemptBudgetMs", elapsedMs);
  }

  retriesMethod(method) {
    return this.ask("retriesMethod", cut(method));
  }

  isCredentialHeader(name) {
    return this.ask("isCredentialHeader", cut(name));
  }

  dropsHeader(name, toGet, crossOrigin) {
    return this.ask("dropsHeader", cut(name), toGet, crossOrigin);
  }
}

/**
 * The retry history of one call (the core's `Attempts`). It keeps what it was told, so that after a
 * trap it can be rebuilt on the fresh instance by telling it again.
 */
export class CallHistory extends OnInstance {
  constructor(policy, method, idempotent, replayable, startedMs) {
    super(base);
    this.policy = policy;
    this.args = [cut(method), idempotent, replayable, startedMs];
    this.steps = [];
    this.make();
  }

  build(bindings) {
    const attempts = new bindings.Attempts(this.policy.current(), ...this.args);
    for (const step of this.steps) apply(attempts, step);
    return attempts;
  }

  /**
   * The wait before the next attempt after a response, or `undefined` when it is the result.
   * `crossOrigin`: a browser's `cors` response, which shows only the headers the server exposes.
   */
  afterResponse(status, hints, crossOrigin, nowMs, random) {
    return this.record([status, hints, crossOrigin, nowMs, random]);
  }

  /** The wait before the next attempt after no response (`timedOut` or a failed connection). */
  afterFailure(timedOut, nowMs, random) {
    return this.record([timedOut, nowMs, random]);
  }

  /** Whether `shouldRetry` is asked about the latest decision (the core says). */
  asksCaller() {
    return this.ask("asksCaller");
  }

  /** `shouldRetry`'s answer applied to the latest decision: the wait, or `undefined` to stop. */
  verdict(answer, nowMs, random) {
    return this.record(["verdict", answer, nowMs, random]);
  }

  /** The attempt whose outcome comes next waited `ms` for its turn (`reason`: pacing or concurrency). */
  waited(ms, reason) {
    this.record(["waited", ms, reason]);
  }

  /** Whether the latest decision is a retry after a 429 (the retry budget charges it less). */
  retriesThrottled() {
    return this.ask("retriesThrottled");
  }

  /** The store's retry budget paid for the latest retry, or not (then it stops): the wait, or `undefined`. */
  afterBudget(spent) {
    return this.record(["budget", spent]);
  }

  /** The latest trace entry (what `shouldRetry` is asked about). */
  lastEntry() {
    return this.ask("lastEntry");
  }

  record(step) {
    const attempts = this.current();
    this.steps.push(step);
    try {
      return apply(attempts, step);
    } catch (error) {
      throw base.rescue(error, this.generation);
    }
  }

  details() {
    return this.ask("details");
  }

  retryEvent() {
    return this.ask("retryEvent");
  }

  message() {
    return this.ask("message");
  }

  /** Frees the history; never throws, so it cannot hide the error a call ends with. */
  free() {
    if (this.generation !== base.generation) return;
    try {
      this.made.free();
    } catch {}
  }
}

function apply(attempts, step) {
  if (step[0] === "verdict") return attempts.verdict(step[1], step[2], step[3]);
  if (step[0] === "budget") return attempts.afterBudget(step[1]);
  if (step[0] === "waited") return attempts.waited(step[1], cut(`${step[2]}`));
  if (step.length === 3) return attempts.afterFailure(step[0], step[1], step[2]);
  return attempts.afterResponse(step[0], step[1], step[2], step[3], step[4]);
}
