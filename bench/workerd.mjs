// Cold start in workerd. workerd's clock stands still while JavaScript runs (it advances only at I/O),
// so the isolate cannot time its own import. Measured from outside instead: the time from spawning
// `workerd serve` to the first successful response, for a worker that imports commerce-fetch and
// answers interpret(429), and for the same worker without the package. The difference of the medians
// is what the package adds: compiling the wasm module, evaluating the JS, and the first interpret().
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { freePort } from "../tests/lib/processes.mjs";
import { buildWorker, serveArgs } from "../tests/lib/workerd.mjs";
import { median, repo } from "./lib.mjs";

const workerd = join(repo, "node_modules/.bin/workerd");
const outRoot = join(repo, ".cache/bench/workerd");

const sources = {
  without: `export default {
  fetch() {
    return Response.json({ status: 429 });
  },
};
`,
  with: `import { interpret } from "commerce-fetch";
export default {
  fetch() {
    return Response.json(interpret(429));
  },
};
`,
};

/** The worker `name`, bundled as wrangler would (tests/lib/workerd.mjs), in its own folder. */
async function buildBenchWorker(name) {
  const dir = join(outRoot, name);
  mkdirSync(outRoot, { recursive: true });
  const entry = join(outRoot, `${name}-entry.js`);
  writeFileSync(entry, sources[name]);
  await buildWorker({
    entry,
    outDir: dir,
    alias: { "commerce-fetch": join(repo, "pkg/src/workerd.js") },
    esbuildOptions: { minify: true },
  });
  return dir;
}

function get(port) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on("error", () => resolve(null));
    req.end();
  });
}

/** Milliseconds from spawning workerd to the first 200 from the worker (polled about every 1 ms). */
async function sample(dir) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(workerd, serveArgs(port), {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  let exited = false;
  const exit = new Promise((resolve) => child.on("exit", resolve));
  exit.then(() => {
    exited = true;
  });
  try {
    for (;;) {
      if (exited) throw new Error(`workerd exited before answering:\n${stderr}`);
      if (performance.now() - started > 30_000) throw new Error(`workerd did not answer in 30 s:\n${stderr}`);
      const body = await get(port);
      if (body !== null) {
        const ms = performance.now() - started;
        if (!body.includes('"status":429')) throw new Error(`unexpected answer from the worker: ${body}`);
        return ms;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    child.kill("SIGTERM");
    await exit;
  }
}

export async function workerdColdStart(samples) {
  const dirs = { without: await buildBenchWorker("without"), with: await buildBenchWorker("with") };
  const times = { without: [], with: [] };
  for (let i = 0; i < samples + 1; i++) {
    for (const name of ["without", "with"]) {
      const ms = await sample(dirs[name]);
      if (i > 0) times[name].push(ms); // the first round warms the file cache
    }
  }
  const version = await new Promise((resolve) => {
    const child = spawn(workerd, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (data) => {
      out += data;
    });
    child.on("exit", () => resolve(out.trim()));
  });
  return {
    version,
    withoutMs: median(times.without),
    withMs: median(times.with),
    addedMs: median(times.with) - median(times.without),
    samples,
  };
}
