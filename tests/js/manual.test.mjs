// The entries that load nothing (`commerce-fetch/manual`, import and require) and the CommonJS entry.
// Each test file runs in a process of its own, so nothing has loaded the wasm before these tests.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import * as manual from "../../pkg/src/manual.js";

const require = createRequire(import.meta.url);
const wasm = readFileSync(new URL("../../pkg/dist/commerce_fetch_bg.wasm", import.meta.url));
const lite = readFileSync(new URL("../../pkg/dist/commerce_fetch_lite_bg.wasm", import.meta.url));
const extras = readFileSync(new URL("../../pkg/dist/commerce_fetch_extras_bg.wasm", import.meta.url));

test("before the wasm is loaded, calls say what to do, and init() without the wasm is a TypeError", async () => {
  assert.throws(() => manual.interpret(429), /await init\(\) \(or call initSync\(\)\) first/);
  await assert.rejects(manual.init(), (error) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /^init: pass the wasm/);
    return true;
  });
  await manual.init(lite);
  // createFetch needs only the lite file; interpret, createClient and protect say what else to load.
  assert.equal(typeof manual.createFetch(), "function");
  assert.throws(
    () => manual.interpret(429),
    /^Error: commerce-fetch: interpret\(\) needs more of the core than commerce_fetch_lite_bg\.wasm, which holds createFetch alone: load commerce_fetch_bg\.wasm \(everything\) instead, or pass commerce_fetch_extras_bg\.wasm to init\(\) or initSync\(\) as the second argument$/,
  );
  assert.throws(
    () => manual.createClient({ storeHash: "abc" }),
    /pass commerce_fetch_extras_bg\.wasm to init\(\)/,
  );
  assert.throws(() => manual.createFetch({ protect: true }), /commerce_fetch_extras_bg\.wasm/);
  await assert.rejects(manual.ready(), /commerce_fetch_extras_bg\.wasm/);
  await manual.init(lite, extras);
  assert.equal(manual.interpret(429).text, "Too Many Requests");
  await manual.ready();
});

test("require() gives the same API from the CommonJS builds", () => {
  const loaded = require("../../pkg/dist/node.cjs");
  const esm = Object.keys(manual).sort();
  assert.deepEqual(Object.keys(loaded).sort(), esm);
  assert.equal(loaded.interpret(503).text, "Service Unavailable");
  assert.equal(typeof loaded.createFetch(), "function");
  const bare = require("../../pkg/dist/api.cjs");
  assert.throws(() => bare.interpret(429), /first/);
  // The whole file alone holds everything.
  bare.initSync(wasm);
  assert.equal(bare.interpret(404).text, "Not Found");
  assert.equal(typeof bare.createClient({ storeHash: "abc", accessToken: "t" }).get, "function");
});
