// The browser entry does not block the page on the wasm: no top-level await anywhere in its module
// graph (or in the /inline entry's), and a page that calls createFetch() before the wasm has arrived
// gets a fetch at once whose first call waits for the wasm and is retried as usual. A GET goes at once,
// before the wasm arrives; with headers, it follows no redirect until the core has said whether a
// header carries credentials. Runs the built package (pkg/src/browser.js, pkg/dist/) with the .wasm
// held back, in headless Chromium and, through WebDriver, Firefox and WebKit: unbundled, and bundled by
// esbuild as a user ships it, where which wasm file a page loads depends on what it imports (the whole
// file with createClient or interpret, else the lite file, and the extras on first need).
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { listen } from "../lib/listen.mjs";
import { Scope } from "../lib/processes.mjs";
import { openSession } from "../lib/webdriver.mjs";

const pkg = fileURLToPath(new URL("../../pkg/", import.meta.url));
/** Where the bundled pages' scripts are written: page `name`'s at `name`/main.js, served at /`name`/main.js. */
const bundleDir = fileURLToPath(new URL("../../.cache/tests/browser-start/bundle/", import.meta.url));
const CHROMIUM = process.env.SMOKE_CHROMIUM ?? "/usr/bin/chromium";
/** How long the server holds the .wasm back: far longer than the page needs for everything else. */
const WASM_DELAY_MS = 800;

/** Records the page's uncaught errors, for the WebDriver engines, which do not report them. */
const ERRORS = `<script>
  window.pageErrors = [];
  addEventListener("error", (event) => pageErrors.push(String(event.message)));
  addEventListener("unhandledrejection", (event) => pageErrors.push(String(event.reason)));
</script>`;

const PAGE = `<!doctype html>
<meta charset="utf-8">
${ERRORS}
<script type="module">
  import { createFetch, interpret, ready, retryInfo } from "/src/browser.js";
  const out = { importedAt: performance.now() };
  try {
    interpret(429);
    out.interpretEarly = "returned";
  } catch (error) {
    out.interpretEarly = String(error.message);
  }
  const retrying = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const badLimit = createFetch({ retry: { limit: 101 } });
  out.createdAt = performance.now();
  ready().then(() => (out.readyAt = performance.now()));
  const withHeader = retrying("/with-header", { headers: { "x-store": "a" } });
  // Both go at once with a manual redirect. Once the core is there, the one whose header carries no
  // credentials is sent again and follows the redirect; the other is refused, as it would have been.
  const redirectPlain = retrying("/redirect-plain", { headers: { "x-store": "a" } }).then(
    async (res) => \`\${res.status} \${await res.text()}\`,
    (error) => \`\${error.name}: \${error.message}\`,
  );
  const redirectCredential = retrying("/redirect-credential", {
    headers: { "x-auth-token": "not-a-real-token" },
  }).then(
    (res) => \`resolved \${res.status}\`,
    (error) => error.name,
  );
  const badEarly = badLimit("/bad-early").then(
    () => "resolved",
    (error) => \`\${error.name}: \${error.message}\`,
  );
  // Its time limit holds from when it went: past it by the time the wasm arrives, it has timed out.
  const hanging = createFetch({ timeout: 200, retry: { limit: 0 } })("/hang").then(
    () => "resolved",
    (error) => \`\${error.name} after \${Math.round(performance.now() - out.createdAt)} ms\`,
  );
  // An abort while the wasm is loading ends the call at once, and its early GET.
  const controller = new AbortController();
  const abortedEarly = retrying("/hang", { signal: controller.signal }).then(
    () => "resolved",
    (error) => \`\${error.name} after \${Math.round(performance.now() - out.createdAt)} ms\`,
  );
  setTimeout(() => controller.abort(), 50);
  const res = await retrying("/flaky");
  out.status = res.status;
  out.body = await res.text();
  out.attempts = retryInfo(res)?.attempts;
  out.respondedAt = performance.now();
  out.withHeader = (await withHeader).status;
  out.redirectPlain = await redirectPlain;
  out.redirectCredential = await redirectCredential;
  out.badEarly = await badEarly;
  out.hanging = await hanging;
  out.abortedEarly = await abortedEarly;
  await ready();
  out.interpret = interpret(429).text;
  try {
    await badLimit("/flaky");
    out.badLimit = "resolved";
  } catch (error) {
    out.badLimit = \`\${error.name}: \${error.message}\`;
  }
  window.result = out;
</script>`;

/**
 * A page whose script is /`name`/main.js, bundled by esbuild from `SCRIPTS[name]` alone (as the build
 * of a site with that one page would be). The package's `new URL("../dist/…", import.meta.url)` is
 * copied as it is, so the bundle finds the .wasm files at /dist/.
 */
const bundledPage = (name) => `<!doctype html>
<meta charset="utf-8">
${ERRORS}
<script type="module" src="/${name}/main.js"></script>`;

const SCRIPTS = {
  /**
   * A page that uses createFetch alone loads the lite file: its GET never makes it download the
   * extras; a GraphQL POST that meets a 503 loads them to decide (its reader is there) and is repeated.
   */
  fetchOnly: `
  import { createFetch, retryInfo } from "commerce-fetch";
  const api = createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const out = {};
  out.get = (await api("/plain")).status;
  await fetch("/mark?at=get-done");
  const res = await api("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "query { site { products { edges { node { entityId } } } } }" }),
  });
  out.graphql = res.status;
  out.attempts = retryInfo(res)?.attempts;
  // protect's JavaScript comes with the extras too.
  const guarded = createFetch({ protect: true, retry: { backoff: { baseMs: 1, maxMs: 5 } } });
  const flaky = await guarded("/flaky");
  const [store] = Object.values(guarded.stats());
  out.protected = { status: flaky.status, attempts: store?.attempts, retries: store?.retries };
  window.result = out;
`,
  /** A page that makes a client at its top level loads the whole file, and nothing else. */
  client: `
  import { createClient, createFetch, retryInfo } from "commerce-fetch";
  const client = createClient({ storeHash: "abc123", accessToken: "not-a-real-token" });
  const res = await createFetch({ retry: { backoff: { baseMs: 1, maxMs: 5 } } })("/flaky");
  window.result = { client: typeof client.get, status: res.status, attempts: retryInfo(res)?.attempts };
`,
};

let server;
let flakyCalls = 0;
let graphqlCalls = 0;
let wasmSentAt;
/** When each path was first asked for, and how many times. */
const firstAsked = {};
const asked = {};
/** Each request for a .wasm file: its path and when. */
const wasmAsked = [];

before(async () => {
  const types = { ".js": "text/javascript", ".wasm": "application/wasm" };
  server = await listen((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    firstAsked[path] ??= Date.now();
    asked[path] = (asked[path] ?? 0) + 1;
    if (path === "/redirect-plain" || path === "/redirect-credential")
      return res.writeHead(302, { location: path.replace("redirect", "target") }).end();
    if (path.startsWith("/target-")) return res.writeHead(200).end("target");
    if (path === "/mark")
      firstAsked[`/mark ${new URL(req.url, "http://x").searchParams.get("at")}`] = Date.now();
    if (path === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    const page = /^\/(\w+)\.html$/.exec(path)?.[1];
    if (SCRIPTS[page] !== undefined)
      return res.writeHead(200, { "content-type": "text/html" }).end(bundledPage(page));
    if (path === "/plain" || path === "/mark") return res.writeHead(200).end("ok");
    if (path === "/graphql") {
      graphqlCalls += 1;
      return res.writeHead(graphqlCalls === 1 ? 503 : 200, { "content-type": "application/json" }).end("{}");
    }
    if (path === "/with-header" || path === "/bad-early") return res.writeHead(200).end("ok");
    if (path === "/hang") return; // never answers; the page's timeout ends it
    if (path === "/flaky") {
      flakyCalls += 1;
      return flakyCalls % 2 === 1 ? res.writeHead(503).end("busy") : res.writeHead(200).end("ok");
    }
    if (path.endsWith(".wasm")) wasmAsked.push([path, Date.now()]);
    const bundled = /^\/(\w+)\/(.*\.js)$/.exec(path);
    const root = SCRIPTS[bundled?.[1]] !== undefined ? join(bundleDir, bundled[1]) : pkg;
    const file = join(root, normalize(root === pkg ? path : bundled[2]));
    if (!file.startsWith(root)) return res.writeHead(404).end();
    let body;
    try {
      body = readFileSync(file);
    } catch {
      return res.writeHead(404).end();
    }
    const send = () => {
      if (extname(file) === ".wasm") wasmSentAt ??= Date.now();
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    };
    if (extname(file) === ".wasm") setTimeout(send, WASM_DELAY_MS);
    else send();
  });
});

after(() => server?.close());

// The bundled pages, as a user's build makes them: esbuild with code splitting, the package's
// `sideEffects` read from pkg/package.json.
before(async () => {
  rmSync(bundleDir, { recursive: true, force: true });
  mkdirSync(bundleDir, { recursive: true });
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const entry = join(bundleDir, `${name}.src.js`);
    writeFileSync(entry, script);
    await build({
      entryPoints: { main: entry },
      outdir: join(bundleDir, name),
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      alias: { "commerce-fetch": join(pkg, "src/browser.js") },
      logLevel: "error",
    });
  }
});

test("a page that uses createFetch alone gets two scripts: its own, and the extras' with protect's code", () => {
  const files = readdirSync(join(bundleDir, "fetchOnly")).sort();
  assert.equal(files.length, 2, files.join(", "));
  const [chunk] = files.filter((file) => file !== "main.js");
  const main = readFileSync(join(bundleDir, "fetchOnly/main.js"), "utf8");
  const extras = readFileSync(join(bundleDir, "fetchOnly", chunk), "utf8");
  // A method of guard.js's StoreGuard, and a function of the extras' bindings.
  for (const [name, text] of [
    ["sharedPacingFailed", "guard.js"],
    ["__wbg_guard_free", "the extras' bindings"],
  ]) {
    assert.ok(!main.includes(name), `${text} is in the page's own script`);
    assert.ok(extras.includes(name), `${text} is not in ${chunk}`);
  }
  // The extras' chunk imports nothing: a chunk the two shared would be one more serial request.
  assert.doesNotMatch(extras, /\bimport\s*[{*"]|\bfrom\s*"/);
});

for (const entry of ["src/browser.js", "dist/inline.js"]) {
  test(`${entry} has no top-level await in its module graph`, async () => {
    // esbuild refuses to write CommonJS from a module graph with a top-level await in it.
    const result = await build({
      entryPoints: [join(pkg, entry)],
      bundle: true,
      format: "cjs",
      platform: "browser",
      write: false,
      logLevel: "silent",
    }).catch((error) => error);
    const errors = (result.errors ?? []).map((e) => e.text);
    assert.deepEqual(errors, [], `${entry}: ${errors.join("; ")}`);
  });
}

/** Forgets what the server saw, before a page is opened. */
function resetServer() {
  flakyCalls = 0;
  graphqlCalls = 0;
  wasmSentAt = undefined;
  for (const key of Object.keys(firstAsked)) delete firstAsked[key];
  for (const key of Object.keys(asked)) delete asked[key];
  wasmAsked.length = 0;
}

/**
 * Opens `path` on the test server in `engine` (Chromium through playwright-core, Firefox and WebKit
 * through WebDriver) and resolves with the page's `window.result` once it is set, and when it opened.
 */
async function openPage(t, engine, path) {
  resetServer();
  const deadline = Date.now() + 20_000;
  if (engine === "chromium") {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const openedAt = Date.now();
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: deadline - Date.now() });
    const { out, errors } = await page.evaluate(() => ({ out: window.result, errors: window.pageErrors }));
    assert.deepEqual(errors, [], "the page threw");
    return { out, openedAt };
  }
  const scope = new Scope({ cwd: fileURLToPath(new URL("../..", import.meta.url)) });
  t.after(() => scope.dispose());
  const session = await openSession(scope, engine);
  const openedAt = Date.now();
  await session.goto(`${server.url}${path}`);
  for (;;) {
    const state = await session.execute("return { out: window.result ?? null, errors: window.pageErrors };");
    assert.deepEqual(state.errors, [], "the page threw");
    if (state.out !== null) return { out: state.out, openedAt };
    assert.ok(Date.now() < deadline, "the page set no result within 20 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

for (const engine of ["chromium", "firefox", "webkit"]) {
  test(`${engine}: a page calls createFetch() before the wasm arrives and gets a retried answer`, async (t) => {
    const { out, openedAt } = await openPage(t, engine, "/");
    // Unbundled, the page has every module of the package: it loads the whole file, once.
    assert.deepEqual(
      wasmAsked.map(([path]) => path),
      ["/dist/commerce_fetch_bg.wasm"],
    );
    assert.ok(wasmSentAt - openedAt >= WASM_DELAY_MS - 50, "the server held the wasm back");
    // The module ran and createFetch() returned long before the wasm was even sent.
    assert.ok(out.readyAt - out.createdAt >= WASM_DELAY_MS / 2, JSON.stringify(out));
    assert.match(out.interpretEarly, /still loading; await ready\(\) first/);
    assert.equal(out.status, 200);
    assert.equal(out.body, "ok");
    assert.equal(out.attempts, 2, "the 503 was retried");
    assert.equal(out.interpret, "Too Many Requests");
    assert.match(out.badLimit, /^TypeError: createFetch: option `retry\.limit` must be/);
    // The GET went at once, overlapping the wasm's download; so did the one whose client has a bad
    // option, whose call still rejects with the option's TypeError, and those with headers.
    assert.ok(firstAsked["/flaky"] < wasmSentAt, "the first GET went before the wasm was sent");
    assert.ok(firstAsked["/bad-early"] < wasmSentAt);
    assert.match(out.badEarly, /^TypeError: createFetch: option `retry\.limit` must be/);
    assert.ok(firstAsked["/with-header"] < wasmSentAt, "the GET with a header went before the wasm");
    assert.equal(out.withHeader, 200);
    // Redirects: neither early attempt followed one. Then the GET whose header is no credential was
    // sent again, after the wasm, and followed it; the one with X-Auth-Token was refused.
    assert.ok(firstAsked["/redirect-plain"] < wasmSentAt && firstAsked["/redirect-credential"] < wasmSentAt);
    assert.equal(out.redirectPlain, "200 target");
    assert.equal(asked["/redirect-plain"], 2);
    assert.ok(firstAsked["/target-plain"] >= wasmSentAt);
    assert.equal(out.redirectCredential, "RedirectError");
    assert.equal(asked["/redirect-credential"], 1);
    assert.equal(asked["/target-credential"], undefined, "the credential was not sent on");
    assert.ok(firstAsked["/hang"] < wasmSentAt);
    assert.match(out.hanging, /^TimeoutError after \d+ ms$/);
    const after = Number(out.hanging.match(/\d+/)[0]);
    assert.ok(after >= WASM_DELAY_MS / 2 && after < WASM_DELAY_MS + 1500, out.hanging);
    assert.match(out.abortedEarly, /^AbortError after \d+ ms$/);
    assert.ok(Number(out.abortedEarly.match(/\d+/)[0]) < WASM_DELAY_MS / 2, out.abortedEarly);
  });

  test(`${engine}: createFetch alone never downloads the extras; a GraphQL POST that fails loads them and is repeated`, async (t) => {
    const { out } = await openPage(t, engine, "/fetchOnly.html");
    assert.deepEqual(out, {
      get: 200,
      graphql: 200,
      attempts: 2,
      protected: { status: 200, attempts: 2, retries: 1 },
    });
    assert.deepEqual(
      wasmAsked.map(([path]) => path),
      ["/dist/commerce_fetch_lite_bg.wasm", "/dist/commerce_fetch_extras_bg.wasm"],
    );
    const extras = wasmAsked.filter(([path]) => path.endsWith("/commerce_fetch_extras_bg.wasm"));
    assert.equal(extras.length, 1, JSON.stringify(wasmAsked));
    assert.ok(
      extras[0][1] >= firstAsked["/mark get-done"],
      "the extras were not asked for before the GraphQL POST",
    );
    assert.ok(extras[0][1] >= firstAsked["/graphql"]);
  });

  test(`${engine}: a bundled page that makes a client loads the whole wasm alone`, async (t) => {
    const { out } = await openPage(t, engine, "/client.html");
    assert.deepEqual(out, { client: "function", status: 200, attempts: 2 });
    assert.deepEqual(
      wasmAsked.map(([path]) => path),
      ["/dist/commerce_fetch_bg.wasm"],
    );
  });
}
