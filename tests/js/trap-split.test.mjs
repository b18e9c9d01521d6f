// As trap.test.mjs, with the two files a browser page that only uses createFetch loads instead of the
// whole wasm: commerce_fetch_lite_bg.wasm (createFetch) and commerce_fetch_extras_bg.wasm (the rest),
// each an instance of its own. A trap in one replaces that one alone.
import assert from "node:assert/strict";
import { test } from "node:test";
import binaryen from "binaryen";
import { createFetch, initSync, interpret, retryInfo } from "../../pkg/src/manual.js";
import { checkInterpretTrap, scripted, TRAP_STATUS, wasmThatTraps } from "../lib/trap-wasm.mjs";

initSync(
  wasmThatTraps("commerce_fetch_lite_bg.wasm", [["policy_decidesAfter", 1, binaryen.i32]]),
  wasmThatTraps("commerce_fetch_extras_bg.wasm", [["interpret", 0, binaryen.f64]]),
);

const quick = { backoff: { baseMs: 20, maxMs: 20, jitter: "none" } };

test("a trap in the lite file's instance fails its own call; a call in its retries replays on the fresh one", async () => {
  const client = createFetch({ fetch: scripted(503, 200), retry: quick });
  const inFlight = client("https://example.invalid/a");
  await new Promise((r) => setTimeout(r, 5));
  const error = await createFetch({ fetch: scripted(TRAP_STATUS), retry: quick })(
    "https://example.invalid/b",
  ).catch((e) => e);
  assert.match(String(error?.message), /has been replaced/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);
  assert.equal(retryInfo(await inFlight).attempts, 2);
  // The extras' instance was not touched.
  assert.equal(interpret(429).text, "Too Many Requests");
});

test("a trap in the extras' instance replaces it alone", async () => {
  await checkInterpretTrap({ createFetch, interpret, retryInfo });
});
