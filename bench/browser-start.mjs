// Browser start: how long a page takes to its first `createFetch()` (or ky's `create`), and to its first
// response, in headless Chromium with an esbuild bundle of each page, side by side in one run: a fresh browser
// context per page view (nothing cached), on loopback and under Chromium's network emulation (100 ms
// round trip, 9 Mbit/s each way). Times are the page's own `performance.now()`, from the start of the
// navigation. Pages:
//   fetch                      no library: the first request goes once the page's module runs
//   ky                         ky.create(), then a request
//   commerce-fetch             createFetch(), then a GET (the wasm loads without blocking the page,
//                              and the GET goes before it arrives)
//   commerce-fetch + preload   the same, with the wasm preloaded by a <link> in the HTML
//   commerce-fetch, a header   the GET with an Accept header (goes before the wasm too, following no
//                              redirect until the core has said whether the header is a credential)
//   commerce-fetch, blocking   as the entry did before: `await init()` at the top of the module graph
// Files are served gzip-compressed, as a CDN serves them.
//
//   node bench/browser-start.mjs [rounds]   prints JSON (bench/run.mjs makes the table)
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { listen } from "../tests/lib/listen.mjs";
import { median, repo } from "./lib.mjs";

const CHROMIUM = process.env.SMOKE_CHROMIUM ?? "/usr/bin/chromium";
const outDir = join(repo, ".cache/bench/browser-start");
const rounds = Number(process.argv[2] ?? 21);
/** Chromium's emulation: `latency` is the round trip it adds; throughputs are bytes per second. */
const SLOW = { offline: false, latency: 100, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 };

const END = `
window.doneAt = performance.now();`;
const COMMERCE_FETCH = `import { createFetch } from "commerce-fetch";
const fetchRetrying = createFetch();
window.createdAt = performance.now();
const response = await fetchRetrying("/api");
await response.text();${END}`;
const pages = {
  fetch: `window.createdAt = performance.now();
const response = await fetch("/api");
await response.text();${END}`,
  ky: `import ky from "ky";
const api = ky.create({});
window.createdAt = performance.now();
await api.get("/api").text();${END}`,
  "commerce-fetch": COMMERCE_FETCH,
  // The same page; its HTML preloads the .wasm (see buildPages).
  "commerce-fetch + preload": COMMERCE_FETCH,
  "commerce-fetch, a header": COMMERCE_FETCH.replace(
    '("/api")',
    '("/api", { headers: { accept: "text/plain" } })',
  ),
  "commerce-fetch, blocking": `import { createFetch, init } from "commerce-fetch/manual";
await init(new URL("/dist/commerce_fetch_lite_bg.wasm", location.href));
const fetchRetrying = createFetch();
window.createdAt = performance.now();
const response = await fetchRetrying("/api");
await response.text();${END}`,
};

/** The package's wasm files, each served at /dist/ as the browser entry's bundle asks for them. */
const WASM_FILES = ["commerce_fetch_bg.wasm", "commerce_fetch_lite_bg.wasm", "commerce_fetch_extras_bg.wasm"];

/** esbuild bundles (minified, as bench/size.mjs builds them) of each page; returns their folders. */
async function buildPages() {
  const esbuild = await import("esbuild");
  const dists = {};
  for (const [index, [name, source]] of Object.entries(pages).entries()) {
    const dist = join(outDir, String(index));
    mkdirSync(join(dist, "dist"), { recursive: true });
    writeFileSync(join(dist, "entry.js"), `${source}\n`);
    await esbuild.build({
      entryPoints: { main: join(dist, "entry.js") },
      outdir: dist,
      // As Vite (Rollup) ships every build: a dynamic import becomes a chunk fetched when it runs.
      splitting: true,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      logLevel: "error",
      nodePaths: [join(repo, "node_modules")],
      // What the package's "browser" export conditions select.
      alias: {
        "commerce-fetch": join(repo, "pkg/src/browser.js"),
        "commerce-fetch/manual": join(repo, "pkg/src/manual.js"),
      },
    });
    // The bundle at /main.js asks for new URL("../dist/commerce_fetch_lite_bg.wasm", import.meta.url):
    // these pages only use createFetch.
    for (const file of WASM_FILES) copyFileSync(join(repo, "pkg/dist", file), join(dist, "dist", file));
    const link = name.endsWith("+ preload")
      ? '<link rel="preload" href="/dist/commerce_fetch_lite_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n'
      : "";
    writeFileSync(
      join(dist, "index.html"),
      `<!doctype html>\n${link}<meta charset="utf-8">\n<script type="module" src="/main.js"></script>\n`,
    );
    dists[name] = dist;
  }
  return dists;
}

/**
 * One origin per page, as a CDN would serve it: HTML, JavaScript and wasm gzip-compressed (level 9),
 * and `/api` answering "ok".
 */
async function serve(dist) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const files = new Map();
  const paths = readdirSync(dist)
    .filter((file) => file.endsWith(".js") || file === "index.html")
    .map((file) => `/${file}`)
    .concat(WASM_FILES.map((file) => `/dist/${file}`));
  for (const path of paths) files.set(path, gzipSync(readFileSync(join(dist, path)), { level: 9 }));
  return listen((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/api") return res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    const body = files.get(path === "/" ? "/index.html" : path);
    if (body === undefined) return res.writeHead(404).end();
    res
      .writeHead(200, {
        "content-type": types[extname(path === "/" ? "/index.html" : path)],
        "content-encoding": "gzip",
      })
      .end(body);
  });
}

async function main() {
  const dists = await buildPages();
  const servers = Object.fromEntries(
    await Promise.all(Object.entries(dists).map(async ([name, dist]) => [name, await serve(dist)])),
  );
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const samples = {};
  const version = browser.version();
  try {
    for (const [network, conditions] of [
      ["loopback", undefined],
      ["100 ms RTT, 9 Mbit/s", SLOW],
    ]) {
      samples[network] = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
      for (let round = 0; round < rounds; round += 1) {
        // Side by side: every page once per round, in a rotating order.
        const names = Object.keys(pages);
        const order = names.map((_, i) => names[(i + round) % names.length]);
        for (const name of order) {
          const context = await browser.newContext();
          const page = await context.newPage();
          const cdp = await context.newCDPSession(page);
          await cdp.send("Network.enable");
          await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
          if (conditions !== undefined) await cdp.send("Network.emulateNetworkConditions", conditions);
          const errors = [];
          page.on("pageerror", (error) => errors.push(error.message));
          await page.goto(servers[name].url);
          await page.waitForFunction(() => window.doneAt !== undefined, null, { timeout: 30_000 });
          if (errors.length > 0) throw new Error(`${name}: ${errors.join("; ")}`);
          samples[network][name].push(await page.evaluate(() => [window.createdAt, window.doneAt]));
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
    for (const server of Object.values(servers)) server.close();
  }
  const summary = (values) => ({
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  });
  const result = { rounds, chromium: version, networks: {} };
  for (const [network, byPage] of Object.entries(samples)) {
    result.networks[network] = Object.fromEntries(
      Object.entries(byPage).map(([name, pairs]) => [
        name,
        {
          created: summary(pairs.map(([created]) => created)),
          done: summary(pairs.map(([, done]) => done)),
          // Per round, beside the page without a library in the same round.
          createdOverFetch: summary(pairs.map(([created], i) => created - byPage.fetch[i][0])),
          doneOverKy: summary(pairs.map(([, done], i) => done - byPage.ky[i][1])),
        },
      ]),
    );
  }
  console.log(JSON.stringify(result));
}

await main();
