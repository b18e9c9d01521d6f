// The demo storefront (`make demo`): starts the local BigCommerce emulator, serves this folder's page and
// the built package from another port, prints the page's URL and stays up until Ctrl-C. The page and the
// emulator are two origins, as a storefront and BigCommerce (or the proxy in front of it) are: the page
// reads the rate-limit headers because the emulator lists them in Access-Control-Expose-Headers.
//
//   node www/demo/serve.mjs [--port N]     (default 8787, or any free port when it is taken; 0: any)
//
// tests/demo/demo.test.mjs starts it with startDemo().
import { readFile } from "node:fs/promises";
import http from "node:http";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEmulator } from "../../tests/emulator/emulator.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../..");
const DEFAULT_PORT = 8787;
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
};

/**
 * The file a path names, or undefined: the page's own files, the built package as the browser entry
 * loads it (pkg/src/ and pkg/dist/, no bundler), and the emulator's credentials module, which the page
 * imports so that its tokens are written in one place. Nothing else of the repository is served.
 */
function fileFor(path) {
  if (path === "/") return join(here, "index.html");
  if (/^\/[\w-]+\.(js|css)$/.test(path)) return join(here, path);
  if (/^\/pkg\/(src|dist)\/[\w.-]+\.(js|wasm)$/.test(path)) return join(repo, path);
  if (path === "/emulator/credentials.mjs") return join(repo, "tests/emulator/credentials.mjs");
  return undefined;
}

/**
 * Starts the emulator and the page's server on loopback: `{ url, emulatorUrl, close() }`. `port` is the
 * page's (0: any free one); the emulator takes any free port and the page asks `config.json` for it.
 */
export async function startDemo({ port = 0 } = {}) {
  // Windows of 3 s instead of BigCommerce's 30 s (quota 150 still), so that the gauge moves and the
  // "Tight quota" action's pacing ends within a shopper's 6 s.
  const emulator = await startEmulator({ seed: 1, timeScale: 0.1 });
  const config = JSON.stringify({ emulator: emulator.url });
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, "http://demo").pathname;
    if (path === "/config.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(config);
      return;
    }
    const file = fileFor(path);
    const body = file && (await readFile(file).catch(() => undefined));
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)], "cache-control": "no-store" }).end(body);
  });
  try {
    await listen(server, port);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    emulatorUrl: emulator.url,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator.close();
    },
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** The demo, on `port` when it is free, else on any free port. */
async function startOnPreferredPort(port) {
  try {
    return await startDemo({ port });
  } catch (error) {
    if (error.code !== "EADDRINUSE" || port === 0) throw error;
    console.log(`demo: port ${port} is taken; using a free one`);
    return startDemo({ port: 0 });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf("--port");
  const demo = await startOnPreferredPort(i > 0 ? Number(process.argv[i + 1]) : DEFAULT_PORT);
  console.log(`\nThe demo storefront: ${demo.url}`);
  console.log(
    `    products through commerce-fetch from the emulator at ${demo.emulatorUrl}, faults to inject,`,
  );
  console.log("    a timeline of every attempt and wait. Ctrl-C stops it.");
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => demo.close().then(() => process.exit(0)));
  }
}
