// Smoke suite for the PACKED package: `npm pack` pkg/, install the tarball into a scratch project per
// runtime as a user would, and run the same check in each (tests/smoke/templates/common/check.js)
// against one loopback server that counts what it receives.
//
//   node tests/smoke/run.mjs [node20 node24 jest deno bun esbuild typescript workerd vite cors
//                             next-turbopack next-webpack example-node example-deno example-bun
//                             example-vite example-next example-worker]   (default: all)
//
// The example-* stacks are the examples in www/examples/, run against the BigCommerce emulator as
// their READMEs say (tests/smoke/examples.mjs).
// Scratch projects live in .cache/smoke/<runtime> (gitignored): a second run reinstalls only the
// tarball, and skips `next build` when neither the tarball nor the Next template (or example) changed.
// SMOKE_VERBOSE=1 streams every command's output. SMOKE_EXPECT_ATTEMPTS=N makes each check expect N
// attempts instead of 2 (N=3 must fail everywhere: proof that failures are detected).
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { listen } from "../lib/listen.mjs";
import { ensureNode24, npmEnv, npmInstall as npmInstallIn } from "../lib/node24.mjs";
import { freePort, Scope, stop, stopEverythingOnExit, tail, waitForPort } from "../lib/processes.mjs";
import { requireBuild, selectRuntimes } from "../lib/runner.mjs";
import { buildWorker, serveArgs } from "../lib/workerd.mjs";
import { checkCors } from "./cors.mjs";
import { exampleStacks } from "./examples.mjs";
import { startServer } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const templates = join(here, "templates");
const cacheRoot = join(repo, ".cache/smoke");
const bin = (name) => join(repo, "node_modules/.bin", name);
const verbose = process.env.SMOKE_VERBOSE === "1";
const expectedAttempts = Number(process.env.SMOKE_EXPECT_ATTEMPTS ?? 2);
const SERVER_REQUESTS = 2; // one 503, one 200: what the server must have seen, whatever a runtime says
const CHROMIUM = process.env.SMOKE_CHROMIUM ?? "/usr/bin/chromium";

// Processes: see tests/lib/processes.mjs. One scope for the whole run; browsers close before children stop.
const scope = new Scope({ verbose, cwd: repo });
const browsers = new Set();
scope.defer(() => Promise.all([...browsers].map((browser) => browser.close().catch(() => {}))));
stopEverythingOnExit("smoke");
const start = (cmd, args, options) => scope.start(cmd, args, options);
const run = (cmd, args, options) => scope.run(cmd, args, options);
const cleanup = () => scope.dispose();

/** GETs a URL that answers the check's JSON result. */
async function getResult(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${res.status} with no JSON result: ${text.slice(0, 300)}`);
  }
}

/** The JSON result a script printed on a `SMOKE_RESULT ` line. */
function parseResult(output) {
  const line = output.split("\n").findLast((l) => l.startsWith("SMOKE_RESULT "));
  if (!line) throw new Error(`no SMOKE_RESULT line in the output\n${tail(output)}`);
  return JSON.parse(line.slice("SMOKE_RESULT ".length));
}

// ---------------------------------------------------------------------------------------------------
// Scratch projects.

/** `npm install` in `dir` (which must have its own package.json), in this run's scope. */
const npmInstall = (dir, args) => npmInstallIn(scope, dir, args);

let packedWasmHash; // set once the package is packed
const WASM_FILES = [
  "dist/commerce_fetch_bg.wasm",
  "dist/commerce_fetch_lite_bg.wasm",
  "dist/commerce_fetch_extras_bg.wasm",
];
/** One hash of the wasm files of the package in `dir`. */
const wasmHash = (dir) => sha256(Buffer.concat(WASM_FILES.map((f) => readFileSync(join(dir, f)))));
const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** What a user's copy of a project leaves out: installs, build output and local settings. */
const LEFT_OUT = /(^|\/)(node_modules|\.next|dist|out|\.wrangler|\.env[^/]*|\.dev\.vars)(\/|$)/;

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => !LEFT_OUT.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/**
 * .cache/smoke/<name> with the templates copied over it (its package.json, with exact versions, replaces
 * the one the last `npm install` wrote), then `npm install <tarball>` as a user would. Returns the
 * directory and a hash of everything that went into it.
 */
const scratch = (name, templateNames, tarball) =>
  install(
    name,
    ["common", ...templateNames].map((t) => join(templates, t)),
    tarball,
  );

/**
 * .cache/smoke/<name> with each of `sources` (folders) copied over it, leaving out what LEFT_OUT names,
 * `devDependencies` added to its package.json (tools a user has installed already, such as Bun), then
 * `npm install <tarball> ...npmArgs`. Fails when the install kept another wasm than the tarball's.
 * Returns the directory and a hash of the tarball and the files copied (by path under their source's
 * parent folder).
 */
async function install(name, sources, tarball, { devDependencies, npmArgs = [] } = {}) {
  const dir = join(cacheRoot, name);
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha256").update(readFileSync(tarball));
  for (const source of sources) {
    cpSync(source, dir, { recursive: true, filter: (f) => !LEFT_OUT.test(relative(source, f)) });
    for (const f of filesUnder(source)) hash.update(relative(dirname(source), f)).update(readFileSync(f));
  }
  if (devDependencies) {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    manifest.devDependencies = { ...manifest.devDependencies, ...devDependencies };
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  await npmInstall(dir, [tarball, ...npmArgs]);
  const installed = join(dir, "node_modules/commerce-fetch/dist/commerce_fetch_bg.wasm");
  if (wasmHash(join(dir, "node_modules/commerce-fetch")) !== packedWasmHash) {
    throw new Error(`${installed} is not the wasm in the tarball: npm kept a stale copy`);
  }
  return { dir, hash: hash.digest("hex") };
}

// ---------------------------------------------------------------------------------------------------
// Browser pages: one headless Chromium for every page check, launched when the first one needs it.

let chromiumPromise;
function chromium() {
  chromiumPromise ??= import("playwright-core").then(async ({ chromium }) => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
      ],
    });
    browsers.add(browser);
    return browser;
  });
  return chromiumPromise;
}

/** Opens `url` in Chromium and returns the page's `window.smokeResult`, naming any page error. */
async function pageResult(url) {
  const page = await (await chromium()).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && errors.push(`console: ${m.text()}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url);
    try {
      await page.waitForFunction(() => window.smokeResult !== undefined, null, { timeout: 30_000 });
    } catch {
      throw new Error(`the page set no result within 30 s; ${errors.join("; ") || "no error reported"}`);
    }
    return await page.evaluate(() => window.smokeResult);
  } finally {
    await page.close();
  }
}

/** A static file server for `dir` on a free loopback port, until the run ends; returns its origin. */
async function serveStatic(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const { url, close } = await listen((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  scope.defer(close);
  return url;
}

/** A check that opens a page at `origin` and reads its result. */
function pageCheck(name, detail, server, origin) {
  const path = `/flaky/${name}`;
  return { name, path, detail, result: () => pageResult(`${origin}/?${query(server, path)}`) };
}

/** The JSON a Next.js page rendered into <pre id="smoke-result">. */
async function renderedResult(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const html = await res.text();
  const match = html.match(/<pre id="smoke-result">([^<]*)<\/pre>/);
  if (!match) throw new Error(`${url} answered ${res.status} with no result: ${oneLine(html.slice(0, 300))}`);
  const entities = { "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&" };
  return JSON.parse(match[1].replace(/&(quot|#x27|#39|lt|gt|amp);/g, (e) => entities[e]));
}

// ---------------------------------------------------------------------------------------------------
// Stacks. Each prepares what it needs, then returns checks: { name, path, result(), expect? }, where path
// is the path it fetches, result() runs the check and returns its JSON result, and expect is how many
// requests the server must have seen on the path (SERVER_REQUESTS unless said).

const runtimes = {
  async node20({ tarball, server }) {
    const { dir } = await scratch("node20", ["node"], tarball);
    const version = (await run("node", ["--version"])).trim();
    if (!version.startsWith("v20.")) throw new Error(`the system node is ${version}, not Node 20`);
    return [
      nodeLike("node20", version, server, () => ["node", ["main.js"], dir]),
      nodeLike("node20-require", `${version}, require()`, server, () => ["node", ["main.cjs"], dir]),
    ];
  },

  async node24({ tarball, server }) {
    const node = await ensureNode24(scope);
    const version = (await run(node, ["--version"])).trim();
    const { dir } = await scratch("node24", ["node"], tarball);
    return [
      nodeLike("node24", version, server, () => [node, ["main.js"], dir]),
      nodeLike("node24-require", `${version}, require()`, server, () => [node, ["main.cjs"], dir]),
    ];
  },

  async jest({ tarball, server }) {
    // Jest's own module system, with no ES module support unless flagged: the check is the test file.
    const { dir } = await scratch("jest", ["jest"], tarball);
    const jest = join(dir, "node_modules/.bin/jest");
    const path = "/flaky/jest";
    return [
      {
        name: "jest",
        path,
        detail: `Jest ${installedVersion(dir, "jest")}, require()`,
        result: async () => {
          const env = { SMOKE_URL: server.url(path), SMOKE_EXPECTED: String(expectedAttempts), CI: "1" };
          try {
            await run(jest, ["--ci", "--colors=false"], { cwd: dir, env, timeoutMs: 120_000 });
          } catch (error) {
            return { ok: false, error: error.message };
          }
          return { ok: true, attempts: expectedAttempts };
        },
      },
    ];
  },

  async deno({ tarball, server }) {
    const deno = bin("deno");
    const version = (await run(deno, ["--version"])).split("\n")[0];
    const { dir } = await scratch("deno", ["node"], tarball);
    // What a Deno user with a package.json and node_modules runs: no --allow-read.
    return [nodeLike("deno", version, server, () => [deno, ["run", "--allow-net", "main.js"], dir])];
  },

  async bun({ tarball, server }) {
    const { dir } = await scratch("bun", ["node", "bundle", "bun"], tarball);
    const bun = join(dir, "node_modules/.bin/bun");
    const version = `bun ${(await run(bun, ["--version"])).trim()}`;
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    await run(bun, ["build", "page.js", "--outdir=dist", "--target=browser"], { cwd: dir });
    const origin = await serveStatic(dir);
    return [
      nodeLike("bun", version, server, () => [bun, ["main.js"], dir]),
      pageCheck("bun-build-chromium", `${version} build, /inline entry`, server, origin),
    ];
  },

  async esbuild({ tarball, server }) {
    const { dir } = await scratch("esbuild", ["bundle", "esbuild"], tarball);
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    const esbuild = join(dir, "node_modules/.bin/esbuild");
    const version = (await run(esbuild, ["--version"])).trim();
    await run(esbuild, ["page.js", "--bundle", "--format=esm", "--outfile=dist/page.js"], { cwd: dir });
    const origin = await serveStatic(dir);
    return [pageCheck("esbuild-chromium", `esbuild ${version}, /inline entry`, server, origin)];
  },

  async typescript({ tarball, server }) {
    const { dir } = await scratch("ts", ["ts"], tarball);
    rmSync(join(dir, "out"), { recursive: true, force: true });
    await run(join(dir, "node_modules/.bin/tsc"), ["-p", "."], { cwd: dir });
    // The shared check, as an ES module next to the compiled main (typed by check.d.mts).
    cpSync(join(dir, "check.js"), join(dir, "out/check.mjs"));
    const version = `TypeScript ${installedVersion(dir, "typescript")}`;
    return [
      nodeLike("ts-nodenext-cjs", `${version}, nodenext to CommonJS, no DOM lib`, server, () => [
        "node",
        ["out/main.js"],
        dir,
      ]),
    ];
  },

  async workerd({ tarball, server }) {
    const { dir } = await scratch("workerd", ["workerd"], tarball);
    const out = join(dir, "out");
    const { wasmModules } = await buildWorker({ entry: join(dir, "worker.js"), outDir: out });
    if (wasmModules.length === 0)
      throw new Error("the worker bundle imports no .wasm: the workerd entry was not used");

    const port = await freePort();
    const workerd = start(bin("workerd"), serveArgs(port), { cwd: out });
    await waitForPort(port, workerd, "workerd");
    const version = (await run(bin("workerd"), ["--version"])).trim();
    const path = "/flaky/workerd";
    return [
      {
        name: "workerd",
        path,
        detail: version,
        result: () => getResult(`http://127.0.0.1:${port}/?${query(server, path)}`),
        after: () => stop(workerd),
      },
    ];
  },

  async vite({ tarball, server }) {
    const { dir } = await scratch("vite", ["vite"], tarball);
    rmSync(join(dir, "dist"), { recursive: true, force: true });
    await run(join(dir, "node_modules/.bin/vite"), ["build"], { cwd: dir });
    const wasm = readdirSync(join(dir, "dist/assets")).filter((f) => f.endsWith(".wasm"));
    // Vite ships every file the package's modules point at: the whole wasm, which this page loads (it
    // uses createClient and interpret), and the lite and extras files of a page that uses createFetch alone.
    if (wasm.length !== 3) throw new Error(`vite build emitted ${wasm.length} .wasm assets, expected 3`);
    const port = await freePort();
    const preview = start(
      join(dir, "node_modules/.bin/vite"),
      ["preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"],
      { cwd: dir },
    );
    await waitForPort(port, preview, "vite preview");
    // A page that uses createFetch alone, built on its own: it loads the lite file (the page checks).
    await run(join(dir, "node_modules/.bin/vite"), ["build", "--config", "vite.lite.config.js"], {
      cwd: dir,
    });
    const litePort = await freePort();
    const litePreview = start(
      join(dir, "node_modules/.bin/vite"),
      [
        "preview",
        "--config",
        "vite.lite.config.js",
        "--host",
        "127.0.0.1",
        "--port",
        String(litePort),
        "--strictPort",
      ],
      { cwd: dir },
    );
    await waitForPort(litePort, litePreview, "vite preview (lite)");
    const browser = await chromium();
    const detail = `vite ${installedVersion(dir, "vite")}, Chromium ${browser.version()}`;
    const check = pageCheck("vite-chromium", detail, server, `http://127.0.0.1:${port}`);
    const lite = pageCheck(
      "vite-lite-chromium",
      `${detail}, createFetch alone`,
      server,
      `http://127.0.0.1:${litePort}`,
    );
    return [
      { ...check, after: () => stop(preview) },
      { ...lite, after: () => stop(litePreview) },
    ];
  },

  // Two origins of its own (tests/smoke/cors.mjs), serving the built package as files.
  async cors() {
    const browser = await chromium();
    return [
      {
        name: "cors-chromium",
        detail: `Chromium ${browser.version()}, cross-origin API without Access-Control-Expose-Headers`,
        result: () => checkCors({ browser }),
        seen: (result) => result.requests,
      },
    ];
  },

  "next-turbopack": (context) => nextApp(context, "turbopack", []),
  "next-webpack": (context) => nextApp(context, "webpack", ["--webpack"]),
};

// The examples in www/examples/, run as their READMEs say (tests/smoke/examples.mjs): example-* rows.
const examples = exampleStacks({
  repo,
  scope,
  run,
  start,
  install,
  chromium,
  expectedAttempts,
  installedVersion,
});
Object.assign(runtimes, examples.stacks);

/**
 * A Next.js app with no next.config, built with `next build ...flags` and served by `next start`, then
 * served by `next dev ...flags`: a Server Component page, Node.js and edge route handlers, a page that
 * asks twice for one URL in a render (memoized: the server must see one request), and a Client
 * Component page that Chromium opens (app/client/page.js).
 *
 * Next.js 16.4 with webpack fails on any edge route handler, in build and dev, one that imports nothing
 * included ("ENOENT … route_client-reference-manifest.js"): with webpack, the edge route is left out.
 */
async function nextApp({ tarball, server }, bundler, flags) {
  const name = `next-${bundler}`;
  const { dir, hash } = await scratch(name, ["next"], tarball);
  const next = join(dir, "node_modules/.bin/next");
  const env = { NEXT_TELEMETRY_DISABLED: "1" };
  const edgeRoute = join(dir, "app/api/edge");
  const parked = join(dir, "edge-route-parked");
  const buildsEdge = bundler !== "webpack";
  const stamp = join(dir, ".smoke-build-hash");
  const built =
    existsSync(join(dir, ".next/BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash;
  if (!built) {
    rmSync(stamp, { force: true });
    if (!buildsEdge) renameSync(edgeRoute, parked);
    try {
      await run(next, ["build", ...flags], { cwd: dir, env });
    } finally {
      if (!buildsEdge) renameSync(parked, edgeRoute);
    }
    writeFileSync(stamp, hash);
  }
  const version = `next ${installedVersion(dir, "next")} ${bundler}`;

  /** The checks against a server at `origin`, named `${name}${suffix}-<kind>`. */
  const checks = (origin, suffix, detail, kinds) => {
    const check = (kind, label, url) => ({
      name: `${name}${suffix}-${kind}`,
      path: `/flaky/${name}${suffix}-${kind}`,
      detail: `${detail}, ${label}`,
      result: () => url(query(server, `/flaky/${name}${suffix}-${kind}`)),
    });
    const memoPath = `/product/${name}${suffix}`;
    const all = {
      page: check("page", "Server Component page", (q) => renderedResult(`${origin}/?${q}`)),
      node: check("node", "Node.js route", (q) => getResult(`${origin}/api/node?${q}`)),
      edge: check("edge", "edge route", (q) => getResult(`${origin}/api/edge?${q}`)),
      client: check("client", `Client Component in Chromium, createFetch alone`, async (q) => {
        const result = await pageResult(`${origin}/client?${q}`);
        // A production build leaves createClient and interpret out: the page loads the lite file alone.
        // A dev server may bundle the whole package; there the page must load one file.
        const lite = ["commerce_fetch_lite_bg.wasm"];
        const loaded = result.wasm ?? [];
        if (result.ok && (suffix === "" ? loaded.join() !== lite.join() : loaded.length !== 1)) {
          const expected = suffix === "" ? lite.join() : "one .wasm file";
          return {
            ok: false,
            error: `the page fetched ${loaded.join(", ") || "no .wasm"}, expected ${expected}`,
          };
        }
        return result;
      }),
      memo: {
        name: `${name}${suffix}-memo`,
        path: memoPath,
        expect: 1,
        detail: `${detail}, one URL read 3 times in a render`,
        result: async () => ({
          ...(await renderedResult(`${origin}/memo?url=${encodeURIComponent(server.url(memoPath))}`)),
          attempts: 1,
        }),
      },
    };
    return kinds.map((kind) => all[kind]);
  };

  /** `next <command>` on a free port; the checks run against it, and the last one stops it. */
  const serve = async (command, suffix, detail, kinds) => {
    const port = await freePort();
    const child = start(next, [...command, "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: dir,
      env,
    });
    await waitForPort(port, child, `next ${command[0]}`);
    const list = checks(`http://127.0.0.1:${port}`, suffix, detail, kinds);
    list[list.length - 1].after = () => stop(child);
    return list;
  };

  const startKinds = buildsEdge
    ? ["page", "node", "edge", "memo", "client"]
    : ["page", "node", "memo", "client"];
  const started = await serve(["start"], "", `${version} build${built ? " (cached)" : ""}`, startKinds);
  const devKinds = buildsEdge ? ["page", "edge", "memo", "client"] : ["page", "memo", "client"];
  // The dev server starts when the built app's checks are done (one Next.js server at a time).
  let dev;
  const devCheck = (check) => ({
    ...check,
    result: async () => {
      dev ??= await serve(["dev", ...flags], "-dev", `${version} dev`, devKinds);
      return dev.find((c) => c.name === check.name).result();
    },
    after: () => dev?.find((c) => c.name === check.name).after?.(),
  });
  const devChecks = checks("", "-dev", `${version} dev`, devKinds).map(devCheck);
  return [...started, ...devChecks];
}

// Rows a stack reports, so that a failure before its checks ran still fails each of them.
const nextChecks = (name, kinds, devKinds) =>
  [...kinds, ...devKinds.map((kind) => `dev-${kind}`)].map((kind) => `${name}-${kind}`);
const checkNames = {
  node20: ["node20", "node20-require"],
  node24: ["node24", "node24-require"],
  jest: ["jest"],
  deno: ["deno"],
  bun: ["bun", "bun-build-chromium"],
  esbuild: ["esbuild-chromium"],
  typescript: ["ts-nodenext-cjs"],
  workerd: ["workerd"],
  vite: ["vite-chromium", "vite-lite-chromium"],
  cors: ["cors-chromium"],
  "next-turbopack": nextChecks(
    "next-turbopack",
    ["page", "node", "edge", "memo", "client"],
    ["page", "edge", "memo", "client"],
  ),
  "next-webpack": nextChecks("next-webpack", ["page", "node", "memo", "client"], ["page", "memo", "client"]),
  ...examples.checkNames,
};

function query(server, path) {
  return new URLSearchParams({ url: server.url(path), expected: String(expectedAttempts) }).toString();
}

function installedVersion(dir, name) {
  return JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")).version;
}

/** A check that runs a script (main.js) with a command and reads its SMOKE_RESULT line. */
function nodeLike(name, detail, server, command) {
  const path = `/flaky/${name}`;
  return {
    name,
    path,
    detail,
    result: async () => {
      const [cmd, args, cwd] = command();
      const output = await run(cmd, [...args, server.url(path), String(expectedAttempts)], {
        cwd,
        timeoutMs: 60_000,
        env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
      return parseResult(output);
    },
  };
}

// ---------------------------------------------------------------------------------------------------

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;
const oneLine = (text) => {
  const line =
    String(text)
      .split("\n")
      .find((l) => l.trim()) ?? "";
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
};

async function main() {
  const names = selectRuntimes("smoke", runtimes);
  requireBuild("smoke");

  const tmp = mkdtempSync(join(tmpdir(), "commerce-fetch-smoke-"));
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const packed = JSON.parse(
    await run("npm", ["pack", "--json", "--pack-destination", tmp], {
      cwd: join(repo, "pkg"),
      env: npmEnv,
    }).then((out) => out.slice(out.indexOf("["))),
  );
  const tarball = join(tmp, packed[0].filename);
  // What each install must contain: the tarball's wasm (pkg/dist may be rebuilt while this runs).
  await run("tar", ["-xzf", tarball, "-C", tmp, ...WASM_FILES.map((f) => `package/${f}`)]);
  packedWasmHash = wasmHash(join(tmp, "package"));
  console.log(`smoke: packed ${packed[0].filename} (${packed[0].entryCount} files, ${packed[0].size} bytes)`);

  const server = await startServer();
  console.log(`smoke: test server on 127.0.0.1:${server.port}`);

  const rows = [];
  try {
    for (const name of names) {
      const began = performance.now();
      console.log(`smoke: ${name}: preparing`);
      let checks;
      try {
        checks = await runtimes[name]({ tarball, server });
      } catch (error) {
        const setup = performance.now() - began;
        for (const check of checkNames[name])
          rows.push({ name: check, ok: false, setup, error: `setup: ${error.message}` });
        continue;
      }
      const setup = performance.now() - began;
      for (const check of checks) {
        const t = performance.now();
        const row = { name: check.name, setup, detail: check.detail };
        try {
          const result = await check.result();
          const seen = check.seen ? check.seen(result) : server.count(check.path);
          const expected = check.expect ?? SERVER_REQUESTS;
          if (!result?.ok) row.error = result?.error ?? `no result: ${JSON.stringify(result)}`;
          else if (seen !== expected) {
            row.error = `the server saw ${seen} requests on ${check.path}, expected ${expected} (the runtime said ${result.attempts} attempts)`;
          } else row.detail = `${check.detail}; ${result.attempts} attempts, server saw ${seen}`;
        } catch (error) {
          row.error = error.message;
        }
        row.ok = !row.error;
        row.check = performance.now() - t;
        rows.push(row);
        console.log(`smoke: ${check.name}: ${row.ok ? "pass" : "FAIL"} (${seconds(row.check)})`);
        if (check.after) await check.after();
      }
    }
  } finally {
    await cleanup();
    await server.close();
  }

  const failed = rows.filter((r) => !r.ok);
  for (const row of failed) console.log(`\n--- ${row.name} failed:\n${row.error}`);
  console.log("");
  const width = Math.max(...rows.map((r) => r.name.length), 7);
  const table = [`${"stack".padEnd(width)}  result  setup    check   detail`];
  for (const r of rows) {
    const check = r.check === undefined ? "-" : seconds(r.check);
    const detail = r.ok ? r.detail : oneLine(r.error);
    table.push(
      `${r.name.padEnd(width)}  ${r.ok ? "pass" : "FAIL"}    ${seconds(r.setup).padEnd(7)}  ${check.padEnd(6)}  ${detail}`,
    );
  }
  table.push(`${rows.length - failed.length} passed, ${failed.length} failed`);
  console.log(table.join("\n"));
  // `make test` prints the table again at its end.
  mkdirSync(cacheRoot, { recursive: true });
  writeFileSync(join(cacheRoot, "matrix.txt"), `${table.join("\n")}\n`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch(async (error) => {
  console.error(`smoke: ${error.stack ?? error}`);
  await cleanup();
  console.log("0 passed, 1 failed");
  process.exit(1);
});
