// The demo storefront (www/demo/, `make demo`) in three engines, against the emulator it starts:
// - Chromium (playwright-core with Debian's Chromium): the products load; the "429 storm" button's waits
//   show on the timeline with their source, and the products load again; the "422 field errors" button,
//   pressed from the keyboard, shows the field errors; a screenshot goes to .cache/demo/chromium.png;
// - Firefox and WebKit, which Playwright cannot drive here (tests/lib/webdriver.mjs): the page opens,
//   loads its products and rides out the same storm, with no error recorded (`window.demoErrors`, kept
//   by the page from `error` and `unhandledrejection`: WebDriver cannot read the console).
//
//   node --test --test-reporter=spec tests/demo/      (after `make build`; `make test-demo`)
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startDemo } from "../../www/demo/serve.mjs";
import { Scope } from "../lib/processes.mjs";
import { requireBuild } from "../lib/runner.mjs";
import { openSession } from "../lib/webdriver.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(repo, ".cache/demo");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];
/** How long an action of the page may take (the storm takes about 2 s). */
const ACTION_MS = 20_000;
/** The storm scripts two 429s for each of the grid's 3 REST calls, each then gets its answer. */
const STORM_WAITS = 6;
const REST_CALLS = ["/v3/catalog/products", "/v3/catalog/brands", "/v3/catalog/categories"];
/** What the emulator answers a product with only a name (tests/emulator/emulator.mjs). */
const FIELD_ERRORS = [
  "price: Please provide a price.",
  "type: Please provide a type.",
  "weight: Please provide a weight.",
];

/** What the page shows, read inside it (the same script for Playwright and WebDriver). */
const PAGE_STATE = `return {
  busy: document.body.dataset.busy,
  loads: Number(document.getElementById("products").dataset.loads),
  products: document.querySelectorAll("#products > li").length,
  latest: document.querySelector("#timeline > li")?.innerText ?? "",
  errors: window.demoErrors ?? ["window.demoErrors is missing"],
}`;

let demo;
before(async () => {
  requireBuild("demo");
  mkdirSync(out, { recursive: true });
  demo = await startDemo();
});
after(() => demo?.close());

/** Polls `read()` until `done(state)`; fails with the last state after `ms`. */
async function until(read, done, what, ms = ACTION_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const state = await read();
    if (done(state)) return state;
    if (Date.now() > deadline)
      assert.fail(`${what} within ${ms / 1000} s; the page shows ${JSON.stringify(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The checks of a storm's timeline group (the newest): its waits and their source, every call answered. */
function checkStorm(latest) {
  assert.match(latest, /^429 storm/, "the newest timeline group is the storm's");
  const waits = latest.match(/waited [\d,]+ ms \(x-rate-limit-time-reset-ms\)/g) ?? [];
  assert.equal(
    waits.length,
    STORM_WAITS,
    `waits labelled x-rate-limit-time-reset-ms on the timeline:\n${latest}`,
  );
  for (const path of REST_CALLS) assert.match(latest, new RegExp(`GET ${path} 200 after 3 attempts`), latest);
  return waits;
}

test("Chromium: products load, a 429 storm's waits show their source, a 422 its field errors", async (t) => {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors = [];
  const consoleErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  const state = () => page.evaluate(new Function(PAGE_STATE));
  const idle = (what, loads) =>
    until(state, (s) => s.busy === "false" && (loads === undefined || s.loads >= loads), what);

  await page.goto(demo.url);
  const opened = await idle("the products did not load", 1);
  assert.equal(opened.products, 12, "products on the grid");
  // Later, the faults' own failed requests are logged by Chromium as errors; opening must log none.
  assert.deepEqual(consoleErrors, [], "console errors while the page opened");

  const began = performance.now();
  await page.getByRole("button", { name: "429 storm" }).click();
  const stormed = await idle("the storm did not end with the products loaded again", 2);
  const waits = checkStorm(stormed.latest);
  assert.equal(stormed.products, 12, "products on the grid after the storm");
  const stormMs = Math.round(performance.now() - began);

  // From the keyboard, as a keyboard user would press it.
  await page.getByRole("button", { name: "422 field errors" }).focus();
  await page.keyboard.press("Enter");
  await idle("the 422 action did not end");
  const finding = page.locator("#outcome article").first();
  assert.match(await finding.locator("h3").textContent(), /^POST \/v3\/catalog\/products: 422 /);
  const fieldErrors = finding.locator("h4", { hasText: "Field errors" }).locator("+ ul > li");
  assert.deepEqual(await fieldErrors.allTextContents(), FIELD_ERRORS, "the field errors shown");

  const screenshot = join(out, "chromium.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  assert.deepEqual(pageErrors, [], "uncaught errors in the page");
  assert.deepEqual((await state()).errors, [], "window.demoErrors");
  console.log(
    `demo: Chromium ${browser.version()}: ${opened.products} products; 429 storm in ${stormMs} ms, ` +
      `${waits.length} waits on the timeline such as "${waits[0]}", products loaded again; ` +
      `422 field errors shown; screenshot ${relative(repo, screenshot)}`,
  );
});

for (const name of ["firefox", "webkit"]) {
  test(`${name}: the page opens, loads its products and rides out a 429 storm with no error`, async (t) => {
    const scope = new Scope({ cwd: repo });
    t.after(() => scope.dispose());
    const session = await openSession(scope, name);
    const state = () => session.execute(PAGE_STATE);
    await session.goto(demo.url);
    const opened = await until(state, (s) => s.busy === "false" && s.loads >= 1, "the products did not load");
    assert.equal(opened.products, 12, "products on the grid");
    assert.deepEqual(opened.errors, [], "window.demoErrors after opening");

    await session.execute(`document.getElementById("action-storm").click()`);
    const stormed = await until(state, (s) => s.busy === "false" && s.loads >= 2, "the storm did not end");
    const waits = checkStorm(stormed.latest);
    assert.deepEqual(stormed.errors, [], "window.demoErrors after the storm");
    // WebDriver's screenshot is of the viewport: the timeline's top, where the storm is.
    await session.execute(`document.getElementById("timeline").scrollIntoView()`);
    const screenshot = join(out, `${name}.png`);
    writeFileSync(screenshot, await session.screenshot());
    console.log(
      `demo: ${session.browser}: ${opened.products} products; ${waits.length} waits from ` +
        `x-rate-limit-time-reset-ms; no error recorded; screenshot ${relative(repo, screenshot)}`,
    );
  });
}
