// The examples in www/examples/ as rows of the smoke matrix (example-*): each folder copied into
// .cache/smoke/example-<name> as a user copies it, the packed tarball installed over its package.json,
// then built and run as its README says, configured by its environment variables to use the
// BigCommerce emulator (tests/emulator), which answers the example's first request with a 429 that asks
// for a 100 ms wait. A row passes when what the example printed, rendered or answered lists the
// emulator's first five products, says it took SMOKE_EXPECT_ATTEMPTS attempts (2 unless said), shows
// the 429 and its wait, and shows no credential; the run then checks that the emulator saw 2 requests.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeCatalog } from "../emulator/catalog.mjs";
import { STORE_HASH } from "../emulator/credentials.mjs";
import { startEmulator } from "../emulator/emulator.mjs";
import { freePort, stop, waitForPort } from "../lib/processes.mjs";
import { buildWorker, serveArgs } from "../lib/workerd.mjs";

/** The emulator's catalog with its default seed: the first five products, which every example lists. */
const FIRST = makeCatalog(1).products.slice(0, 5);
const FIRST_NAMES = FIRST.map((product) => product.name);
/** BigCommerce's 429, asking for a wait until its window resets 100 ms from now. */
const RATE_LIMITED = {
  status: 429,
  headers: { "x-rate-limit-time-reset-ms": "100", "x-rate-limit-requests-left": "0" },
};
/** The routes the examples call first: the REST products listing, storefront GraphQL (the page). */
const PRODUCTS = `/stores/${STORE_HASH}/v3/catalog/products`;
const GRAPHQL = "/graphql";
/** What an example must show of that retry. */
const RETRY_SHOWN = /429\D[^\n]*\b100 ms/;

/**
 * The example stacks and the rows each reports. `h` holds the run's helpers: `repo`, `run`, `start`,
 * `scope`, `install` (run.mjs), `chromium()`, `expectedAttempts` and `installedVersion(dir, name)`.
 */
export function exampleStacks(h) {
  const examples = join(h.repo, "www/examples");
  const bin = (name) => join(h.repo, "node_modules/.bin", name);

  // One emulator for every example row, started by the first; each check resets it.
  let emulatorPromise;
  const emulator = () => {
    emulatorPromise ??= startEmulator({ port: 0 }).then((store) => {
      h.scope.defer(() => store.close());
      return store;
    });
    return emulatorPromise;
  };

  /** The example's environment variables, as its README names them, pointing at the emulator. */
  const storeEnv = (store) => ({
    BIGCOMMERCE_API_URL: store.url,
    BIGCOMMERCE_STORE_HASH: store.storeHash,
    BIGCOMMERCE_ACCESS_TOKEN: store.accessToken,
    BIGCOMMERCE_STOREFRONT_TOKEN: store.storefrontToken,
    BIGCOMMERCE_STOREFRONT_URL: `${store.url}/graphql`,
  });

  /**
   * A row: resets the emulator, scripts the 429 on `path`, runs `show(store)` and judges what the
   * example printed, rendered or answered: `{ names, attempts, text, whole?, problems? }`, the products'
   * names and the attempts it said, the text to judge and to show on failure, everything it sent when
   * that is more (searched for credentials), and what went wrong on the way. The result carries the
   * requests the emulator saw on `path`, which the run compares with 2.
   */
  const row = (name, detail, path, show) => ({
    name,
    path,
    detail,
    seen: (result) => result.requests,
    result: async () => {
      const store = await emulator();
      const control = (route, body) =>
        fetch(`${store.url}/__control/${route}`, { method: "POST", body: JSON.stringify(body) }).then(
          async (res) => {
            if (!res.ok) throw new Error(`the emulator refused ${route}: ${await res.text()}`);
          },
        );
      await control("reset", {});
      await control("faults", { path, steps: [RATE_LIMITED] });
      const shown = await show(store);
      const log = await fetch(`${store.url}/__control/requests?path=${encodeURIComponent(path)}`);
      const requests = (await log.json()).requests.length;
      return { ...judge(shown, store), requests };
    },
  });

  /** `{ ok, attempts }`, or `{ ok: false, error }` naming each thing the example got wrong. */
  const judge = ({ names, attempts, text, whole = text, problems = [] }, store) => {
    const wrong = [...problems];
    if (JSON.stringify(names) !== JSON.stringify(FIRST_NAMES)) {
      wrong.push(`it listed ${names.length} products, not the emulator's first 5: ${JSON.stringify(names)}`);
    }
    if (attempts !== h.expectedAttempts)
      wrong.push(`it said ${attempts} attempts, expected ${h.expectedAttempts}`);
    if (!RETRY_SHOWN.test(text)) wrong.push("it did not show the 429 and its 100 ms wait");
    if (whole.includes(store.accessToken) || whole.includes(store.storefrontToken)) {
      wrong.push("it showed a credential");
    }
    if (wrong.length === 0) return { ok: true, attempts };
    return { ok: false, error: `${wrong.join("; ")}\n--- what it showed:\n${text.slice(0, 2000)}` };
  };

  /** What a script (www/examples/node/main.js and its Deno and Bun twins) printed. */
  const scriptShown = (output) => {
    const names = [...output.matchAll(/^ {2}#\d+ (.+), [\d.]+ \(SKU [^)]+\)$/gm)].map((m) => m[1]);
    const attempts = Number(output.match(/^\d+ products in (\d+) attempts?$/m)?.[1]);
    // The storefront's view of the first product, in one attempt (no fault on /graphql).
    const storefront = `  ${FIRST[0].name}: ${FIRST[0].price.toFixed(2)} USD\nstorefront price in 1 attempt`;
    const problems = output.includes(storefront) ? [] : [`it did not print "${storefront}"`];
    return { names, attempts, text: output, problems };
  };

  /** A row that runs a script with `command` in `dir` and reads what it printed. */
  const scriptRow = (name, detail, dir, command) =>
    row(name, detail, PRODUCTS, async (store) => {
      const [cmd, ...args] = command;
      const output = await h.run(cmd, args, {
        cwd: dir,
        timeoutMs: 60_000,
        env: { ...storeEnv(store), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
      return scriptShown(output);
    });

  /** What a JSON answer `{ products, attempts, retries }` (the Worker, the Next.js routes) shows. */
  const answerShown = async (url) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    let answer = {};
    try {
      answer = JSON.parse(text);
    } catch {
      // judged below: no products, no attempts
    }
    const problems = res.status === 200 ? [] : [`${url} answered ${res.status}`];
    return { names: (answer.products ?? []).map((p) => p.name), attempts: answer.attempts, text, problems };
  };

  const stacks = {
    async "example-node"({ tarball }) {
      const { dir } = await h.install("example-node", [join(examples, "node")], tarball);
      const version = (await h.run("node", ["--version"])).trim();
      return [scriptRow("example-node", `www/examples/node, ${version}`, dir, ["node", "main.js"])];
    },

    async "example-deno"({ tarball }) {
      const { dir } = await h.install("example-deno", [join(examples, "deno")], tarball);
      const deno = bin("deno");
      const version = (await h.run(deno, ["--version"])).split("\n")[0];
      // Its types, as `deno check` sees them through the installed package.
      await h.run(deno, ["check", "main.ts"], {
        cwd: dir,
        env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      });
      const command = [deno, "run", "--allow-net", "--allow-env", "main.ts"];
      return [scriptRow("example-deno", `www/examples/deno, ${version}, deno check`, dir, command)];
    },

    async "example-bun"({ tarball }) {
      // A Bun user has Bun: here it is npm's `bun`, at the version the bun row pins.
      const pinned = JSON.parse(readFileSync(join(h.repo, "tests/smoke/templates/bun/package.json"), "utf8"));
      const { dir } = await h.install("example-bun", [join(examples, "bun")], tarball, {
        devDependencies: { bun: pinned.devDependencies.bun },
      });
      const bun = join(dir, "node_modules/.bin/bun");
      const version = `bun ${(await h.run(bun, ["--version"])).trim()}`;
      return [scriptRow("example-bun", `www/examples/bun, ${version}`, dir, [bun, "main.ts"])];
    },

    async "example-vite"({ tarball }) {
      const { dir } = await h.install("example-vite", [join(examples, "vite")], tarball);
      const vite = join(dir, "node_modules/.bin/vite");
      const store = await emulator();
      // VITE_* variables go into the bundle at build time, so it is built for this run's emulator.
      const env = {
        VITE_BIGCOMMERCE_STOREFRONT_URL: `${store.url}/graphql`,
        VITE_BIGCOMMERCE_STOREFRONT_TOKEN: store.storefrontToken,
      };
      await h.run(vite, ["build"], { cwd: dir, env });
      const port = await freePort();
      const args = ["preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"];
      const preview = h.start(vite, args, { cwd: dir });
      await waitForPort(port, preview, "vite preview");
      const browser = await h.chromium();
      const detail = `www/examples/vite, vite ${h.installedVersion(dir, "vite")}, Chromium ${browser.version()}`;
      const check = row("example-vite-chromium", detail, GRAPHQL, () =>
        pageShown(browser, `http://127.0.0.1:${port}/`),
      );
      return [{ ...check, after: () => stop(preview) }];
    },

    async "example-next"({ tarball }) {
      const { dir, hash } = await h.install("example-next", [join(examples, "next")], tarball);
      const next = join(dir, "node_modules/.bin/next");
      const env = { NEXT_TELEMETRY_DISABLED: "1" };
      // Built again only when the tarball or the example changed (next build with Turbopack).
      const stamp = join(dir, ".smoke-build-hash");
      const built =
        existsSync(join(dir, ".next/BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === hash;
      if (!built) {
        await h.run(next, ["build"], { cwd: dir, env });
        writeFileSync(stamp, hash);
      }
      const store = await emulator();
      const port = await freePort();
      const server = h.start(next, ["start", "--hostname", "127.0.0.1", "--port", String(port)], {
        cwd: dir,
        env: { ...env, ...storeEnv(store) },
      });
      await waitForPort(port, server, "next start");
      const origin = `http://127.0.0.1:${port}`;
      const detail = `www/examples/next, next ${h.installedVersion(dir, "next")} build${built ? " (cached)" : ""}`;
      const checks = [
        row("example-next-page", `${detail}, Server Component page`, PRODUCTS, () =>
          renderedShown(`${origin}/`),
        ),
        row("example-next-node", `${detail}, Node.js route`, PRODUCTS, () =>
          answerShown(`${origin}/api/products`),
        ),
        row("example-next-edge", `${detail}, edge route`, PRODUCTS, () =>
          answerShown(`${origin}/api/products/edge`),
        ),
      ];
      checks.at(-1).after = () => stop(server);
      return checks;
    },

    async "example-worker"({ tarball }) {
      // wrangler (a devDependency, for `wrangler dev` and `deploy`) is left out: the Worker is bundled
      // as wrangler bundles it, from its wrangler.jsonc, and run in this repository's workerd.
      const { dir } = await h.install("example-worker", [join(examples, "cloudflare-worker")], tarball, {
        npmArgs: ["--omit=dev"],
      });
      const config = await readJsonc(join(dir, "wrangler.jsonc"));
      const store = await emulator();
      const out = join(dir, "out");
      const { wasmModules } = await buildWorker({
        entry: join(dir, config.main),
        outDir: out,
        compatibilityDate: config.compatibility_date,
        compatibilityFlags: config.compatibility_flags ?? [],
        // The vars of wrangler.jsonc, then what .dev.vars would hold.
        bindings: { ...config.vars, ...storeEnv(store) },
      });
      if (wasmModules.length === 0)
        throw new Error("the Worker's bundle imports no .wasm: not the workerd entry");
      const port = await freePort();
      const workerd = h.start(bin("workerd"), serveArgs(port), { cwd: out });
      await waitForPort(port, workerd, "workerd");
      const version = (await h.run(bin("workerd"), ["--version"])).trim();
      const check = row("example-worker", `www/examples/cloudflare-worker, ${version}`, PRODUCTS, () =>
        answerShown(`http://127.0.0.1:${port}/products`),
      );
      return [{ ...check, after: () => stop(workerd) }];
    },
  };

  const checkNames = {
    "example-node": ["example-node"],
    "example-deno": ["example-deno"],
    "example-bun": ["example-bun"],
    "example-vite": ["example-vite-chromium"],
    "example-next": ["example-next-page", "example-next-node", "example-next-edge"],
    "example-worker": ["example-worker"],
  };
  return { stacks, checkNames };
}

/** The products and status line a page shows once its status is "done" or "failed" (www/examples/vite). */
async function pageShown(browser, url) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  try {
    await page.goto(url);
    const status = page.locator('#status:is([data-state="done"], [data-state="failed"])');
    await status.waitFor({ timeout: 30_000 }).catch(() => {
      throw new Error(`the page's status never settled; ${errors.join("; ") || "no page error"}`);
    });
    const items = await page.locator("#products li").allTextContents();
    const names = items.map((item) => item.replace(/: .*$/, ""));
    const text = [await status.textContent(), ...items, ...errors].join("\n");
    return { names, attempts: attemptsSaid(text), text, problems: errors };
  } finally {
    await page.close();
  }
}

/** The products and status line a Server Component page rendered (www/examples/next/app/page.js). */
async function renderedShown(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const html = await res.text();
  const decode = (s) =>
    s.replace(
      /&(quot|#x27|#39|lt|gt|amp);/g,
      (e) => ({ "&quot;": '"', "&lt;": "<", "&gt;": ">", "&amp;": "&" })[e] ?? "'",
    );
  const items = [...html.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => decode(m[1]));
  const names = items.map((item) => item.replace(/: .*$/, ""));
  const status = decode(html.match(/<p id="status"[^>]*>([^<]*)<\/p>/)?.[1] ?? "");
  const problems = res.status === 200 ? [] : [`${url} answered ${res.status}`];
  const text = [status, ...items].join("\n") || html.slice(0, 2000);
  // The whole page is searched for credentials.
  return { names, attempts: attemptsSaid(status), text, whole: html, problems };
}

/** N in "… products in N attempts". */
const attemptsSaid = (text) => Number(text.match(/products in (\d+) attempts?/)?.[1]);

/** wrangler.jsonc read as wrangler reads it: JSON with comments and trailing commas. */
async function readJsonc(file) {
  const { default: ts } = await import("typescript");
  const { config, error } = ts.parseConfigFileTextToJson(file, readFileSync(file, "utf8"));
  if (error) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  return config;
}
