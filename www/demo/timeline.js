// The timeline: one group per action of the page, one row per call, and each attempt and each wait of
// the call as a bar on the group's time axis, with the same steps as a list of text beside it (the bars
// are hidden from screen readers; the list is not).
//
// All of it comes from the client's own options, given to `client.extend()` for one call:
// - `fetch`: commerce-fetch calls it once per attempt, so wrapping the global fetch times each attempt;
// - `onRetry`: each wait before a retry, and its source (`x-rate-limit-time-reset-ms`, `retry-after`,
//   `x-retry-after` or `backoff`);
// - `onEvent`: each wait for the request's turn at the store (`protect`: pacing, or a queue behind other
//   requests) and each call the open circuit breaker refused.

const now = () => performance.now();

/** How many actions the timeline keeps. */
const KEEP = 8;
/** How often the bars of running calls grow. */
const TICK_MS = 100;

/** The CSS class of a wait's source. */
const SOURCE_CLASS = {
  "x-rate-limit-time-reset-ms": "reset",
  "retry-after": "retry-after",
  "x-retry-after": "retry-after",
  backoff: "backoff",
  pacing: "pacing",
  queue: "queue",
  concurrency: "queue",
};

export class Timeline {
  #list;
  #groups = [];
  #dirty = new Set();
  #timer;

  /** `list`: the `<ol>` the groups go in, newest first. */
  constructor(list) {
    this.#list = list;
  }

  /** Starts a group for an action titled `title`: pass it to `track()` and `finish()`. */
  begin(title) {
    const group = { title, start: now(), end: undefined, calls: [], element: document.createElement("li") };
    group.element.className = "group";
    this.#groups.unshift(group);
    this.#list.prepend(group.element);
    for (const old of this.#groups.splice(KEEP)) old.element.remove();
    this.#changed(group);
    return group;
  }

  /** Ends `group` (its action is over) and draws it at once. */
  finish(group) {
    group.end = now();
    render(group);
    this.#dirty.delete(group);
  }

  /**
   * Records one call of `group` labelled `label`: `{ options, settle(outcome, ok) }`. `options` go to
   * `client.extend()`; `settle` says how the call ended, as text (undefined: the last attempt's status).
   */
  track(group, label) {
    const call = { label, steps: [], end: undefined, outcome: undefined, ok: true };
    group.calls.push(call);
    const changed = () => this.#changed(group);
    const options = {
      fetch: async (input, init) => {
        const attempts = call.steps.filter((step) => step.kind === "attempt").length;
        const attempt = { kind: "attempt", number: attempts + 1, start: now(), end: undefined };
        call.steps.push(attempt);
        changed();
        try {
          const response = await fetch(input, init);
          attempt.status = response.status;
          return response;
        } catch (error) {
          // The client aborts an attempt only at its time limit here (the page passes no signal).
          attempt.error = error?.name === "AbortError" ? "timed out" : "no response";
          throw error;
        } finally {
          attempt.end = now();
          changed();
        }
      },
      onRetry: (event) => {
        const start = now();
        const hidden = event.hints === "hidden";
        call.steps.push({ kind: "wait", start, end: start + event.delayMs, source: event.source, hidden });
        changed();
      },
      onEvent: (event) => {
        const end = now();
        if (event.type === "waited") {
          const source = event.reason || "queue";
          call.steps.push({ kind: "wait", start: end - event.waitedMs, end, source, turn: true });
        } else if (event.type === "circuit_open") {
          call.steps.push({ kind: "refused", start: end, end, retryAt: event.retryAt });
        }
        changed();
      },
    };
    const settle = (outcome, ok) => {
      call.end = now();
      call.outcome = outcome;
      call.ok = ok;
      changed();
    };
    return { options, settle };
  }

  /** Redraws `group` soon, and the groups still running every tick until none is. */
  #changed(group) {
    this.#dirty.add(group);
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS);
  }

  #tick() {
    const running = this.#groups.filter((group) => group.end === undefined);
    for (const group of new Set([...this.#dirty, ...running])) render(group);
    this.#dirty.clear();
    if (running.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/** Draws a group: its title and length, then a row per call. */
function render(group) {
  const until = group.end ?? now();
  const ends = group.calls.flatMap((call) => [call.end ?? until, ...call.steps.map((s) => s.end ?? until)]);
  const span = Math.max(100, ...ends.map((end) => Math.min(end, until) - group.start));
  const title = el("h3", {}, group.title, " ", el("span", { class: "length" }, seconds(span)));
  if (group.end === undefined) title.append(el("span", { class: "running" }, " running…"));
  const rows = el("ul", { class: "calls" });
  for (const call of group.calls) rows.append(row(call, group.start, span, until));
  group.element.replaceChildren(title, rows);
}

/** One call: its label and outcome, its bars, and its steps as text. */
function row(call, start, span, until) {
  const attempts = call.steps.filter((step) => step.kind === "attempt");
  const answer = call.outcome ?? attempts.at(-1)?.status;
  const outcome =
    call.end === undefined
      ? "running…"
      : call.ok && attempts.length > 1
        ? `${answer} after ${attempts.length} attempts`
        : `${answer}`;
  const label = el(
    "p",
    { class: "call-label" },
    el("code", {}, call.label),
    " ",
    el(
      "span",
      { class: call.end === undefined ? "outcome" : call.ok ? "outcome ok" : "outcome failed" },
      outcome,
    ),
  );
  const track = el("div", { class: "track", "aria-hidden": "true" });
  const steps = el("ol", { class: "steps" });
  for (const step of call.steps) {
    const text = describe(step, until);
    const from = step.start - start;
    const length = Math.max(0, Math.min(step.end ?? until, until) - step.start);
    const bar = el("span", { class: `bar ${barClass(step)}`, title: text });
    bar.style.left = `${(from / span) * 100}%`;
    bar.style.width = `max(3px, ${(length / span) * 100}%)`;
    track.append(bar);
    steps.append(el("li", { class: barClass(step) }, text));
  }
  return el("li", { class: "call" }, label, track, steps);
}

function barClass(step) {
  if (step.kind === "attempt") {
    const ok = step.status !== undefined && step.status < 400;
    return `attempt ${step.end === undefined ? "open" : ok ? "ok" : "failed"}`;
  }
  if (step.kind === "refused") return "attempt failed";
  return `wait ${SOURCE_CLASS[step.source] ?? "backoff"}`;
}

/** A step in words, as the list beside the bars shows it. */
function describe(step, until) {
  const ms = (a, b) => `${Math.round(b - a).toLocaleString("en")} ms`;
  if (step.kind === "attempt") {
    if (step.end === undefined) return `attempt ${step.number}: waiting for the answer`;
    const result = step.status ?? step.error;
    return `attempt ${step.number}: ${result} after ${ms(step.start, step.end)}`;
  }
  if (step.kind === "refused") {
    const time = new Date(step.retryAt).toLocaleTimeString("en-GB");
    return `refused at once: the circuit breaker is open until ${time}`;
  }
  const length = ms(step.start, step.end);
  if (step.turn) return `waited ${length} for its turn (${step.source})`;
  // "hidden": none of the rate-limit headers could be read, whether CORS hid them or none were sent.
  const source = step.hidden ? "backoff; no rate-limit header readable" : step.source;
  return `${step.end > until ? "waiting" : "waited"} ${length} (${source})`;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** An element with attributes and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
