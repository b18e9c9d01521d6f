// Whatever JavaScript hands the wasm, it answers with an ordinary error or a result, never a trap
// ("RuntimeError: unreachable"), and it keeps working afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createFetch, interpret } from "../../pkg/dist/node.js";

const throwingProxy = new Proxy(
  {},
  {
    get() {
      throw new Error("trap: get");
    },
    ownKeys() {
      throw new Error("trap: ownKeys");
    },
  },
);
const throwingGetter = Object.defineProperty({}, "retry", {
  enumerable: true,
  get() {
    throw new Error("getter");
  },
});

const hostileValues = [
  Symbol("s"),
  10n,
  throwingProxy,
  throwingGetter,
  Object.create(null),
  () => {},
  new Date(),
  "x".repeat(100_000),
  Number.MAX_VALUE,
  -0,
  { retry: { limit: 2 ** 64 } },
  { retry: { statusCodes: new Array(10_000).fill(503) } },
  { retry: { methods: [Symbol("GET")] } },
  { timeout: -0 },
  { timeout: Number.MIN_VALUE },
  { retry: { backoff: { baseMs: 2 ** 31, maxMs: 2 ** 31 - 1 } } },
];

test("hostile options give a result or an ordinary error, never a trap", () => {
  for (const value of hostileValues) {
    try {
      createFetch(value);
    } catch (error) {
      assert.ok(!(error instanceof WebAssembly.RuntimeError), `trap on ${String(typeof value)}`);
    }
  }
  assert.equal(typeof createFetch({ retry: 1 }), "function");
});

test("hostile statuses give a result or a TypeError, never a trap", () => {
  for (const value of [...hostileValues, 2 ** 70, -(2 ** 70), Number.MIN_SAFE_INTEGER]) {
    try {
      interpret(value);
    } catch (error) {
      assert.ok(error instanceof TypeError, `${String(typeof value)}: ${error}`);
    }
  }
  assert.equal(interpret(2 ** 70).category, "unknown");
  assert.equal(interpret(404).text, "Not Found");
});

test("hostile request arguments reject with an ordinary error, never a trap", async () => {
  const fake = async () => new Response("ok");
  const commerceFetch = createFetch({ fetch: fake, retry: 0 });
  for (const init of [
    throwingProxy,
    throwingGetter,
    { method: 5 },
    { headers: throwingProxy, method: "POST" },
    7,
  ]) {
    try {
      await commerceFetch("https://example.invalid/", init);
    } catch (error) {
      assert.ok(!(error instanceof WebAssembly.RuntimeError), String(error));
    }
  }
  const res = await commerceFetch("https://example.invalid/");
  assert.equal(await res.text(), "ok");
});

test("a fetch that resolves with something other than a Response rejects with a TypeError", async () => {
  const commerceFetch = createFetch({ fetch: async () => ({ not: "a response" }) });
  await assert.rejects(commerceFetch("https://example.invalid/"), TypeError);
});

test("a look-alike response whose body throws is still retried and the call succeeds", async () => {
  const answers = [
    {
      status: 503,
      headers: new Headers(),
      get body() {
        throw new Error("body getter");
      },
    },
    new Response("ok"),
  ];
  const commerceFetch = createFetch({
    fetch: async () => answers.shift(),
    retry: { backoff: { baseMs: 0, maxMs: 0 } },
  });
  const res = await commerceFetch("https://example.invalid/");
  assert.equal(await res.text(), "ok");
  assert.equal(answers.length, 0, "both answers were used");
});
