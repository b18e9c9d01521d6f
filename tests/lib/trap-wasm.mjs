// A copy of one of the package's wasm files in which chosen exports trap, for the tests of how the
// package replaces a trapped instance (trap.test.mjs, trap-split.test.mjs).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import binaryen from "binaryen";

/** The argument value that makes a rewritten export trap. */
export const TRAP_STATUS = 999;

/**
 * pkg/dist/`file` with each export of `traps` (`[name, index, type]`) trapping when its argument
 * `index` (of `type`, binaryen's i32 or f64) is 999.
 */
export function wasmThatTraps(file, traps) {
  const bytes = readFileSync(new URL(`../../pkg/dist/${file}`, import.meta.url));
  const module = binaryen.readBinary(bytes);
  // The features scripts/build.sh gives wasm-opt (what rustc enables for wasm32-unknown-unknown); binaryen
  // counts the bulk-memory and call_indirect encodings as features of their own.
  const F = binaryen.Features;
  module.setFeatures(
    F.BulkMemory |
      F.BulkMemoryOpt |
      F.CallIndirectOverlong |
      F.MutableGlobals |
      F.NontrappingFPToInt |
      F.ReferenceTypes |
      F.SignExt |
      F.Multivalue,
  );
  for (const [name, index, type] of traps) {
    const inner = binaryen.getExportInfo(module.getExport(name)).value;
    const info = binaryen.getFunctionInfo(module.getFunction(inner));
    const is999 =
      type === binaryen.f64
        ? module.f64.eq(module.local.get(index, type), module.f64.const(TRAP_STATUS))
        : module.i32.eq(module.local.get(index, type), module.i32.const(TRAP_STATUS));
    const trap = module.if(is999, module.unreachable());
    const body = module.block(null, [trap, info.body], info.results);
    module.removeFunction(inner);
    module.addFunction(inner, info.params, info.results, info.vars, body);
  }
  assert.ok(module.validate(), "the rewritten wasm is valid");
  const out = module.emitBinary();
  module.dispose();
  return out;
}

/**
 * A trap in `interpret` (of `api`, the manual entry loaded with a wasm from `wasmThatTraps`) fails that
 * call only, with an error that says the instance was replaced; `interpret` works at once after it, and a
 * call in the middle of its retries when it happened goes on to its second attempt.
 */
export async function checkInterpretTrap(api) {
  const quick = { backoff: { baseMs: 20, maxMs: 20, jitter: "none" } };
  const inFlight = api.createFetch({ fetch: scripted(503, 200), retry: quick })("https://example.invalid/e");
  assert.throws(
    () => api.interpret(TRAP_STATUS),
    (error) => /has been replaced/.test(error.message) && error.cause instanceof WebAssembly.RuntimeError,
  );
  assert.equal(api.interpret(404).text, "Not Found");
  assert.equal(api.retryInfo(await inFlight).attempts, 2);
}

/**
 * A `fetch` that answers each call with the next status of `statuses` (the last one repeats); 999 comes
 * as a look-alike response, since a `Response` cannot carry it.
 */
export function scripted(...statuses) {
  return async () => {
    const status = statuses.length > 1 ? statuses.shift() : statuses[0];
    return status === TRAP_STATUS ? { status, headers: new Headers() } : new Response(null, { status });
  };
}
