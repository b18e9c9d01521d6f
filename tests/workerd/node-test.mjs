// What the JS suites use of node:test (`test`, `before`, `after`), for running them inside workerd, which
// has no test runner: registering only, in order; worker.mjs runs them when asked.

/** The suite's hooks and tests, in the order the file declared them. */
export const registry = { before: [], after: [], tests: [] };

/** `test(name, fn)` or `test(name, options, fn)`; `{ skip }` is the one option read. */
export function test(name, options, fn) {
  if (typeof options === "function") [fn, options] = [options, {}];
  if (typeof name !== "string" || typeof fn !== "function")
    throw new TypeError("test(name, [options], fn): a name and a function are needed");
  registry.tests.push({ name, fn, skip: Boolean(options?.skip) });
}

export function before(fn) {
  registry.before.push(fn);
}

export function after(fn) {
  registry.after.push(fn);
}

export default test;
