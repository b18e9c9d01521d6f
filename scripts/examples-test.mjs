// The Rust example (www/examples/rust/) built and run as its README says: the crate compiled to wasm32
// and put through wasm-bindgen --target web into www/examples/rust/pkg/, then, against the emulator
// answering a 429 before the products, its page in headless Chromium and its Worker in workerd.
//
//   node scripts/examples-test.mjs      (make test-examples; needs scripts/install-wasm-tools.sh and
//                                        Debian's chromium, scripts/install-browsers.sh)
//
// Prints each check as "ok - …" or "not ok - …: what was seen"; exits 1 when one fails, 2 when a build
// step or a runtime could not start.
import { readFile, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCatalog } from "../tests/emulator/catalog.mjs";
import { STOREFRONT_TOKEN } from "../tests/emulator/credentials.mjs";
import { startEmulator } from "../tests/emulator/emulator.mjs";
import { listen } from "../tests/lib/listen.mjs";
import { freePort, Scope, stopEverythingOnExit, waitForPort } from "../tests/lib/processes.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const example = join(repo, "www/examples/rust");
/**
 * The example's cargo target dir: under target/, but not target/ itself. commerce-fetch is a cdylib, and
 * cargo names a cdylib package's artifacts without a hash, so the npm build (`make build`, no `web`
 * feature) and the example's build of commerce-fetch (with `web`) would both write
 * target/wasm32-unknown-unknown/release/deps/libcommerce_fetch.rlib; the example then fails to link
 * ("duplicate lang item", "could not find `web`") the next time it is compiled.
 */
const TARGET_DIR = join(repo, "target/example-rust");
const CHROMIUM = process.env.EXAMPLES_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];
/** The most a page or Worker step may take; the whole run is a few seconds when built. */
const STEP_MS = 20_000;

/** The emulator's store with its default seed: the five products the example must list. */
const CATALOG = makeCatalog(1).products;
const FIRST_FIVE = CATALOG.slice(0, 5).map((product) => product.name);
/** What the page shows for the first product's Details. */
const FIRST = CATALOG[0];
const FIRST_DETAILS = `${FIRST.name}: SKU ${FIRST.sku}, ${FIRST.price.toFixed(2)} USD`;
/** BigCommerce's 429: wait until the window resets, 50 ms from now. */
const RATE_LIMITED = { status: 429, headers: { "x-rate-limit-time-reset-ms": "50" } };
/** What the page and the Worker must say about that 429. */
const ONE_RETRY = "2 attempts, retried 1 time: 429, waited 50 ms (x-rate-limit-time-reset-ms)";
/** The storefront preset retries a 429 twice: a third one is the answer. */
const RETRIES_ON_429 = 2;

let failed = 0;
/** Prints one check; `seen` explains a failure. */
function check(name, ok, seen) {
  if (!ok) failed += 1;
  console.log(ok ? `ok - ${name}` : `not ok - ${name}: ${seen}`);
}

const equalJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The emulator's control API: fresh state, scripted answers for /graphql, what /graphql received. */
function controlOf(emulator) {
  const post = async (path, body) => {
    const res = await fetch(`${emulator.url}/__control/${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`the emulator refused ${path}: ${res.status} ${await res.text()}`);
  };
  return {
    reset: () => post("reset", {}),
    script: (...steps) => post("faults", { path: "/graphql", steps }),
    /** The names of the GraphQL operations received ("FirstProducts", "Product"), in order. */
    async operations() {
      const res = await fetch(`${emulator.url}/__control/requests?path=/graphql`);
      const { requests } = await res.json();
      return requests.map((request) => request.graphql?.name ?? "?");
    },
  };
}

async function build(scope) {
  const started = performance.now();
  await scope.run(
    "cargo",
    [
      "build",
      "--quiet",
      "--release",
      "--target",
      "wasm32-unknown-unknown",
      "--manifest-path",
      join(example, "Cargo.toml"),
    ],
    { env: { CARGO_TARGET_DIR: TARGET_DIR } },
  );
  await scope.run("wasm-bindgen", [
    "--target",
    "web",
    "--no-typescript",
    "--out-dir",
    join(example, "pkg"),
    join(TARGET_DIR, "wasm32-unknown-unknown/release/storefront_example.wasm"),
  ]);
  const { size } = await stat(join(example, "pkg/storefront_example_bg.wasm"));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`# built www/examples/rust/pkg/ in ${seconds} s (wasm ${(size / 1024).toFixed(0)} KB)`);
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };
const SERVED = ["/index.html", "/app.js", "/pkg/storefront_example.js", "/pkg/storefront_example_bg.wasm"];

/** The page's origin: the example's page, its module and the wasm-bindgen output, nothing else. */
function servePage() {
  return listen(async (req, res) => {
    const path = new URL(req.url, "http://page").pathname.replace(/^\/$/, "/index.html");
    if (!SERVED.includes(path)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    try {
      const body = await readFile(join(example, path));
      res.writeHead(200, { "content-type": TYPES[extname(path)], "cache-control": "no-store" }).end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
}

/** The page in Chromium: lists the products after a 429, then shows a product, then a failure. */
async function checkPage(scope, emulator) {
  const control = controlOf(emulator);
  const page = await servePage();
  scope.defer(() => page.close());
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  scope.defer(() => browser.close());
  const tab = await browser.newPage();
  tab.setDefaultTimeout(STEP_MS);
  const errors = [];
  tab.on("pageerror", (error) => errors.push(error.message));
  // Chromium logs every error status as "Failed to load resource": the scripted 429s are meant.
  tab.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      errors.push(message.text());
    }
  });
  console.log(`# the page in Chromium ${browser.version()}, the store at ${emulator.url}`);

  /** The text of `selector` once its data-state is "done" or "failed", and that state. */
  const settled = async (selector) => {
    const element = tab.locator(`${selector}:is([data-state="done"], [data-state="failed"])`);
    await element.waitFor({ timeout: STEP_MS }).catch(() => {
      throw new Error(`${selector} never settled; page errors: ${errors.join("; ") || "none"}`);
    });
    return { state: await element.getAttribute("data-state"), text: await element.textContent() };
  };

  await control.reset();
  await control.script(RATE_LIMITED);
  await tab.goto(`${page.url}/?store=${encodeURIComponent(emulator.url)}`);
  const status = await settled("#status");
  const shown = await tab.locator("#products li").allTextContents();
  const names = shown.map((line) => line.replace(/, [\d.]+ USD\s*Details$/, ""));
  check(
    "page: lists the five products",
    status.state === "done" && equalJson(names, FIRST_FIVE),
    `the page says "${status.text}", lists ${JSON.stringify(names)}`,
  );
  check(`page: says "${ONE_RETRY}"`, status.text === `5 products (${ONE_RETRY})`, `it says "${status.text}"`);
  const listed = await control.operations();
  check(
    "page: the store saw the 429 and the retry",
    equalJson(listed, ["FirstProducts", "FirstProducts"]),
    `it saw ${JSON.stringify(listed)}`,
  );
  if (status.state !== "done") throw new Error("no product listed, so no Details button to check");

  // post_json after one 429: the answer, typed.
  await control.reset();
  await control.script(RATE_LIMITED);
  await tab.locator("#products li button").first().click();
  const details = await settled("#details");
  check(
    "page: post_json reads the product after a 429",
    details.text === FIRST_DETAILS,
    `it says "${details.text}"`,
  );
  const asked = await control.operations();
  check(
    "page: post_json sent the query again after the 429",
    equalJson(asked, ["Product", "Product"]),
    `the store saw ${JSON.stringify(asked)}`,
  );

  // post_json when every attempt meets a 429: the error, with its attempts from Error::details().
  await control.reset();
  await control.script(...Array(RETRIES_ON_429 + 1).fill(RATE_LIMITED));
  await tab.locator("#products li button").first().click();
  const failure = await settled("#details");
  const attempts = RETRIES_ON_429 + 1;
  const said = `Could not load ${FIRST.name}: ApiError: the server answered 429 (Too Many Requests) after ${attempts} attempt(s)`;
  check(
    "page: a call that meets only 429s shows the error and its retries",
    failure.state === "failed" &&
      failure.text.startsWith(said) &&
      failure.text.includes(`${attempts} attempts, retried ${RETRIES_ON_429} times`),
    `it says "${failure.text}"`,
  );

  const text = await tab.locator("body").textContent();
  check("page: shows no credential", !text.includes(STOREFRONT_TOKEN), `the page shows the storefront token`);
  check("page: no error in the console", errors.length === 0, errors.join("; "));
}

/** The Worker in workerd, run with the example's own config. */
async function checkWorker(scope, emulator) {
  const control = controlOf(emulator);
  const version = (await scope.run(join(repo, "node_modules/.bin/workerd"), ["--version"])).trim();
  const port = await freePort();
  const workerd = scope.start(
    join(repo, "node_modules/.bin/workerd"),
    ["serve", "workerd.capnp", "--socket-addr", `http=127.0.0.1:${port}`],
    { cwd: example, env: { STORE_URL: emulator.url, STOREFRONT_TOKEN } },
  );
  await waitForPort(port, workerd, "workerd");
  console.log(`# the Worker in ${version}`);
  const products = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/products`, { signal: AbortSignal.timeout(STEP_MS) });
    const text = await res.text();
    try {
      return { status: res.status, text, json: JSON.parse(text) };
    } catch {
      return { status: res.status, text, json: {} };
    }
  };

  await control.reset();
  await control.script(RATE_LIMITED);
  const answer = await products();
  const names = (answer.json.result ?? []).map((product) => product.name);
  check(
    "worker: answers the five products",
    answer.status === 200 && equalJson(names, FIRST_FIVE),
    `it answered ${answer.status} ${answer.text.slice(0, 300)}`,
  );
  const retries = answer.json.retries ?? [];
  check(
    "worker: reports 2 attempts and the 50 ms wait the 429 asked for",
    answer.json.attempts === 2 &&
      equalJson(retries, [{ after: "429", waitMs: 50, source: "x-rate-limit-time-reset-ms" }]) &&
      answer.json.stopReason === "final",
    `attempts ${answer.json.attempts}, retries ${JSON.stringify(retries)}, stopReason ${answer.json.stopReason}`,
  );
  const seen = await control.operations();
  check(
    "worker: the store saw the 429 and the retry",
    equalJson(seen, ["FirstProducts", "FirstProducts"]),
    `it saw ${JSON.stringify(seen)}`,
  );

  await control.reset();
  await control.script(...Array(RETRIES_ON_429 + 1).fill(RATE_LIMITED));
  const refused = await products();
  check(
    "worker: only 429s make a 502 that says why",
    refused.status === 502 &&
      refused.json.error?.name === "ApiError" &&
      refused.json.attempts === RETRIES_ON_429 + 1 &&
      refused.json.stopReason === "retry_limit",
    `it answered ${refused.status} ${refused.text.slice(0, 300)}`,
  );
  const logged = workerd.output() + answer.text + refused.text;
  check(
    "worker: no credential in its answers or its log",
    !logged.includes(STOREFRONT_TOKEN),
    "the storefront token appears",
  );
}

async function main() {
  const scope = new Scope({ verbose: process.env.EXAMPLES_VERBOSE === "1", cwd: repo });
  const started = performance.now();
  try {
    try {
      await build(scope);
    } catch (error) {
      console.error(`examples: the build failed\n${error.message}`);
      return 2;
    }
    const emulator = await startEmulator({ port: 0 });
    scope.defer(() => emulator.close());
    for (const [name, run] of [
      ["page", checkPage],
      ["worker", checkWorker],
    ]) {
      try {
        await run(scope, emulator);
      } catch (error) {
        // Playwright's call log follows the first line, with terminal colours.
        check(`${name}: runs`, false, error.message.split("\n")[0]);
      }
    }
  } finally {
    await scope.dispose();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    failed === 0 ? `examples: ok (${seconds} s)` : `examples: ${failed} check(s) FAILED (${seconds} s)`,
  );
  return failed === 0 ? 0 : 1;
}

stopEverythingOnExit("examples");
process.exitCode = await main();
