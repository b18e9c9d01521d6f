// The caller's abort signal: recognising one, following it from each attempt, and waiting under it.

/**
 * Whether `value` serves as an abort signal: a real `AbortSignal`, one from another realm, or a
 * polyfill's, all of which fetch accepts. Reads only what a signal must have.
 */
export function isSignal(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof value.aborted === "boolean" &&
    typeof value.addEventListener === "function" &&
    typeof value.removeEventListener === "function"
  );
}

/** What a call aborted by `signal` rejects with: its reason, or an `AbortError` when it has none. */
export function abortReason(signal) {
  const reason = signal.reason;
  return reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
}

// Each attempt sends its own signal, aborted by the attempt's timeout and by the caller's signal. It
// must follow the caller's for as long as the body of a returned response is read, and nothing says
// when that ends, so the caller's signal holds the attempt signals weakly: one that has been collected
// had nothing left to abort, and its entry is swept away once the set has doubled. `AbortSignal.any`
// would do this, but Node 20's keeps every signal it made alive for as long as the caller's (over a
// kilobyte per call with a long-lived signal), and Deno's did until 2.7.
const weak = typeof WeakRef === "function";
/** Caller's signal → the set of (weak references to) the attempt signals that follow it. */
const followers = new WeakMap();
/** Attempt signal → its attempt (anything with `abort(reason)`), alive as long as the signal is. */
const attempts = new WeakMap();
/** The smallest size at which a set of followers is swept. */
const SWEEP_FROM = 64;

/**
 * Calls `attempt.abort(reason)` with the caller's reason when `caller` aborts, for as long as
 * `attempt.signal` lives. Returns a link for `unfollow`, for when the attempt's response is not
 * returned and nothing needs its signal any more.
 */
export function follow(caller, attempt) {
  if (caller.aborted) {
    attempt.abort(abortReason(caller));
    return undefined;
  }
  let set = followers.get(caller);
  if (set === undefined) {
    set = new Set();
    set.sweepAt = SWEEP_FROM;
    followers.set(caller, set);
    caller.addEventListener("abort", () => abortFollowers(caller, set), { once: true });
  }
  if (!weak) {
    // Without weak references, an attempt is followed until it ends.
    set.add(attempt);
    return attempt;
  }
  const signal = attempt.signal;
  attempts.set(signal, attempt);
  const link = new WeakRef(signal);
  set.add(link);
  if (set.size >= set.sweepAt) {
    for (const other of set) if (other.deref() === undefined) set.delete(other);
    set.sweepAt = Math.max(SWEEP_FROM, set.size * 2);
  }
  return link;
}

/** Stops following: `link` is what `follow` returned. */
export function unfollow(caller, link) {
  if (link !== undefined) followers.get(caller)?.delete(link);
}

function abortFollowers(caller, set) {
  const reason = abortReason(caller);
  for (const link of set) {
    const attempt = weak ? attempts.get(link.deref()) : link;
    attempt?.abort(reason);
  }
  set.clear();
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts, or at once if it has. */
export function sleep(ms, signal) {
  let timer;
  const waited = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return untilAborted(waited, signal, () => clearTimeout(timer));
}

/**
 * `promise`, or a rejection with the signal's reason as soon as it aborts (then `onAbort` is called,
 * to release what the promise was waiting on).
 */
export function untilAborted(promise, signal, onAbort) {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      onAbort();
      reject(abortReason(signal));
      return;
    }
    const abort = () => {
      onAbort();
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
