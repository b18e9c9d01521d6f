// A trapped wasm instance is replaced, so one bad call cannot poison every later request; and nothing a
// caller passes can make the wasm trap or throw inside a Rust frame in the first place.
//
// To make the core trap on purpose, the test loads a copy of the package's whole wasm (what Node and
// Workers load: one instance serves every part of the core) in which `Policy.decidesAfter` and
// `interpret` trap for status 999 (rewritten with binaryen), through the manual entry.
// trap-split.test.mjs does the same with the two files a browser page may load instead.
import assert from "node:assert/strict";
import { test } from "node:test";
import binaryen from "binaryen";
import { createFetch, initSync, interpret, retryInfo } from "../../pkg/src/manual.js";
import { checkInterpretTrap, scripted, TRAP_STATUS, wasmThatTraps } from "../lib/trap-wasm.mjs";

// policy_decidesAfter(ptr, status, asksCaller), of the base part, and interpret(status), of the extras.
initSync(
  wasmThatTraps("commerce_fetch_bg.wasm", [
    ["policy_decidesAfter", 1, binaryen.i32],
    ["interpret", 0, binaryen.f64],
  ]),
);

const quick = { backoff: { baseMs: 20, maxMs: 20, jitter: "none" } };

test("a trap fails only its own call; the instance is replaced and every other call goes on", async () => {
  const client = createFetch({ fetch: scripted(503, 200), retry: quick });
  // A call in the middle of its retries when the trap happens: its history lives in the old instance.
  const inFlight = client("https://example.invalid/a");
  await new Promise((r) => setTimeout(r, 5));
  const trapping = createFetch({ fetch: scripted(TRAP_STATUS), retry: quick });
  const error = await trapping("https://example.invalid/b").catch((e) => e);
  assert.match(String(error?.message), /WebAssembly core failed during this call and has been replaced/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);

  const res = await inFlight;
  assert.equal(res.status, 200, "the call in flight finished on the fresh instance");
  assert.deepEqual(
    retryInfo(res).trace.map((t) => [t.status, t.decision]),
    [
      [503, "retry"],
      [200, "stop"],
    ],
  );
  // The client made before the trap, a new client, and interpret() all work.
  const again = createFetch({ fetch: scripted(502, 204), retry: quick });
  assert.equal((await again("https://example.invalid/c")).status, 204);
  assert.equal((await createFetch({ fetch: scripted(200) })("https://example.invalid/d")).status, 200);
  assert.equal(interpret(429).text, "Too Many Requests");
});

test("a trap in interpret replaces the instance both parts share; a call in its retries goes on", async () => {
  await checkInterpretTrap({ createFetch, interpret, retryInfo });
});

test("many traps in a row never leave the package broken", async () => {
  const trapping = createFetch({ fetch: scripted(TRAP_STATUS) });
  for (let i = 0; i < 40; i += 1) {
    const error = await trapping("https://example.invalid/t").catch((e) => e);
    assert.ok(error?.cause instanceof WebAssembly.RuntimeError, `trap ${i}: ${error}`);
  }
  const client = createFetch({ fetch: scripted(500, 500, 200), retry: quick });
  const res = await client("https://example.invalid/after");
  assert.equal(res.status, 200);
  assert.equal(retryInfo(res).attempts, 3);
});

test("a list option whose items answer differently on a second read cannot reach the wasm unchecked", () => {
  for (let i = 0; i < 2500; i += 1) {
    let reads = 0;
    const methods = ["PUT"];
    Object.defineProperty(methods, 0, {
      get() {
        reads += 1;
        return reads === 1 ? "GET" : Symbol("not a string");
      },
    });
    assert.equal(typeof createFetch({ retry: { methods } }), "function");
    assert.equal(reads, 1, "each item is read once");
  }
  assert.equal(interpret(404).text, "Not Found");
});

test("a Proxy list that claims 300 million items is refused without reading them", () => {
  let reads = 0;
  const huge = new Proxy([], {
    get(_target, key) {
      if (key === "length") return 3e8;
      reads += 1;
      return 503;
    },
  });
  const started = performance.now();
  assert.throws(
    () => createFetch({ retry: { statusCodes: huge } }),
    /retry\.statusCodes` must be .* at most 1000 items/,
  );
  assert.ok(performance.now() - started < 100);
  assert.equal(reads, 0);
});

test("response headers with huge or hostile values cannot make the core trap", async () => {
  const huge = "9".repeat(64 * 1024 * 1024);
  const answers = [
    { status: 429, headers: { get: () => huge } },
    {
      status: 503,
      headers: {
        get() {
          throw new Error("hostile headers");
        },
      },
    },
    new Response("ok"),
  ];
  const client = createFetch({
    fetch: async () => answers.shift(),
    retry: { backoff: { baseMs: 0, maxMs: 0 } },
  });
  const res = await client("https://example.invalid/h");
  assert.equal(await res.text(), "ok");
  assert.deepEqual(
    retryInfo(res).trace.map((t) => t.source),
    ["backoff", "backoff", undefined],
  );
});
