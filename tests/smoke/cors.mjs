// A cross-origin page in Chromium against an API that does not expose its rate-limit headers: the browser
// hides them from the page, and the package must say so in the trace and the onRetry event instead of
// silently waiting by backoff.
//
//   node tests/smoke/cors.mjs      (after `make build`) prints the result; exits 1 when the check fails
//
// Two loopback servers on two ports, so two origins. The page's serves an HTML page and the built
// package (pkg/src/browser.js and pkg/dist/, as they are: ES modules and the wasm by URL, no bundler).
// The API's answers each path 503 once, with `Retry-After` and BigCommerce's `X-Rate-Limit-*` headers and
// `Access-Control-Allow-Origin: *`, then 200. On /hidden it sends no `Access-Control-Expose-Headers`, so
// the page cannot read a single hint; on /exposed it lists them all, and the trace must name
// `Retry-After` and not say the hints were hidden (without that control, a package that always said
// "hidden" would pass).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { listen } from "../lib/listen.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CHROMIUM = process.env.SMOKE_CHROMIUM ?? "/usr/bin/chromium";
const BUILT = ["pkg/dist/api.js", "pkg/dist/commerce_fetch_bg.wasm", "pkg/src/browser.js"];
/** What the API must see on each path: the 503 and the retry that gets the 200. */
const API_REQUESTS = 2;
/** The wait the API asks for on its 503, in seconds: far from the storefront backoff's first 0–200 ms. */
const RETRY_AFTER_S = 1;

const HINTS = {
  "retry-after": String(RETRY_AFTER_S),
  "x-rate-limit-time-reset-ms": "300",
  "x-rate-limit-time-window-ms": "30000",
  "x-rate-limit-requests-quota": "150",
  "x-rate-limit-requests-left": "0",
};
const EXPOSE = { "access-control-expose-headers": Object.keys(HINTS).join(", ") };

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>commerce-fetch cors</title></head>
  <body>
    <script type="module">
      import { createFetch, retryInfo } from "/pkg/src/browser.js";

      async function call(url) {
        const events = [];
        try {
          const res = await createFetch({ onRetry: (e) => events.push(e) })(url);
          const info = retryInfo(res);
          return { status: res.status, body: await res.text(), attempts: info?.attempts ?? 1, events, trace: info?.trace ?? [] };
        } catch (error) {
          return { error: String(error?.stack ?? error), attempts: error?.attempts, events, trace: error?.trace ?? [] };
        }
      }
      const api = new URLSearchParams(location.search).get("api");
      window.corsResult = { hidden: await call(api + "/hidden"), exposed: await call(api + "/exposed") };
    </script>
  </body>
</html>
`;

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };

/** Starts `handle` on a free loopback port: `{ url, close() }`; a throw answers 500. */
function serve(handle) {
  return listen((req, res) => {
    Promise.resolve(handle(req, res)).catch((error) => {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    });
  });
}

/** The page's origin: the page, and the package's files under pkg/src/ and pkg/dist/ only. */
function servePage() {
  return serve(async (req, res) => {
    const path = new URL(req.url, "http://page").pathname;
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      return;
    }
    const type = TYPES[extname(path)];
    if (!/^\/pkg\/(src|dist)\/[\w.-]+$/.test(path) || type === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const body = await readFile(join(repo, path)).catch(() => undefined);
    if (body === undefined) res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    else res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
  });
}

/** The API's origin: each path answers 503 once, then 200; `received(path)` counts what came. */
async function serveApi() {
  const counts = new Map();
  const api = await serve((req, res) => {
    const path = new URL(req.url, "http://api").pathname;
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    const cors = { "access-control-allow-origin": "*", ...(path === "/exposed" ? EXPOSE : {}) };
    if (path !== "/hidden" && path !== "/exposed") {
      res.writeHead(404, { ...cors, "content-type": "text/plain" }).end("not found");
    } else if (count === 1) {
      res.writeHead(503, { ...cors, ...HINTS, "content-type": "text/plain" }).end("unavailable");
    } else {
      res.writeHead(200, { ...cors, ...HINTS, "content-type": "text/plain" }).end("ok");
    }
  });
  return { ...api, received: (path) => counts.get(path) ?? 0 };
}

/** What is wrong with one call's result, given what its retry must say; an empty list when nothing is. */
function problems(name, call, requests, expected) {
  const found = [];
  const say = (message) => found.push(`${name}: ${message}`);
  if (call.error !== undefined) say(`the call failed: ${call.error.split("\n")[0]}`);
  if (requests !== API_REQUESTS) say(`the API saw ${requests} requests, expected ${API_REQUESTS}`);
  if (call.error === undefined && (call.status !== 200 || call.body !== "ok")) {
    say(`answered ${call.status} ${JSON.stringify(call.body)}, expected 200 "ok"`);
  }
  if (call.attempts !== API_REQUESTS)
    say(`retryInfo says ${call.attempts} attempts, expected ${API_REQUESTS}`);
  const [event] = call.events;
  const [first, last] = call.trace;
  if (call.events.length !== 1) say(`onRetry ran ${call.events.length} times, expected once`);
  for (const [what, step] of [
    ["the onRetry event", event],
    ["the trace of the 503", first],
  ]) {
    if (step?.hints !== expected.hints) {
      say(`${what} has hints ${JSON.stringify(step?.hints)}, expected ${JSON.stringify(expected.hints)}`);
    }
    if (step?.source !== expected.source) {
      say(`${what} has source ${JSON.stringify(step?.source)}, expected ${JSON.stringify(expected.source)}`);
    }
  }
  if (last !== undefined && "hints" in last) say("the trace of the 200 mentions hints");
  return found;
}

/**
 * Runs the check in headless Chromium: `browser` (a Playwright browser, left open) or one launched from
 * `executablePath` (closed at the end). Never throws: `{ ok, attempts, trace, events, requests, exposed,
 * error? }`, where `attempts`, `trace`, `events` and `requests` (what the API saw) are those of the call
 * whose hints were hidden, and `exposed` is the control's.
 */
export async function checkCors({ browser, executablePath = CHROMIUM } = {}) {
  const missing = BUILT.filter((file) => !existsSync(join(repo, file)));
  if (missing.length > 0) {
    return { ok: false, error: `${missing.join(", ")} missing: run \`make build\` first` };
  }
  const closers = [];
  try {
    const page = await servePage();
    closers.push(() => page.close());
    const api = await serveApi();
    closers.push(() => api.close());
    if (browser === undefined) {
      const { chromium } = await import("playwright-core");
      const launched = await chromium.launch({
        executablePath,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
      });
      closers.push(() => launched.close());
      browser = launched;
    }
    const tab = await browser.newPage();
    closers.push(() => tab.close());
    const errors = [];
    tab.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
    await tab.goto(`${page.url}/?api=${encodeURIComponent(api.url)}`);
    try {
      await tab.waitForFunction(() => window.corsResult !== undefined, null, { timeout: 30_000 });
    } catch {
      throw new Error(`the page set no result within 30 s; ${errors.join("; ") || "no error reported"}`);
    }
    const { hidden, exposed } = await tab.evaluate(() => window.corsResult);
    const found = [
      ...problems("hidden", hidden, api.received("/hidden"), { hints: "hidden", source: "backoff" }),
      ...problems("exposed", exposed, api.received("/exposed"), { hints: undefined, source: "retry-after" }),
    ];
    const result = {
      ok: found.length === 0,
      browser: `Chromium ${browser.version()}`,
      attempts: hidden.attempts,
      requests: api.received("/hidden"),
      events: hidden.events,
      trace: hidden.trace,
      exposed: { attempts: exposed.attempts, requests: api.received("/exposed"), trace: exposed.trace },
    };
    if (found.length > 0) result.error = found.join("; ");
    return result;
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error) };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await checkCors();
  console.log(JSON.stringify(result, null, 2));
  console.log(result.ok ? "cors: ok" : `cors: FAILED: ${result.error}`);
  process.exitCode = result.ok ? 0 : 1;
}
