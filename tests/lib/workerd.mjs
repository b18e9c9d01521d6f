// Cloudflare Workers bundles and workerd configs, as wrangler would make them, for the smoke and fault
// suites and the benchmarks.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

/**
 * Bundles `entry` into `outDir/worker.js` with wrangler's export conditions, every .wasm import (also
 * `?module`) kept as a module of its own, named by its content (wrangler's CompiledWasm rule: workerd
 * hands it over as a compiled WebAssembly.Module), and writes `outDir/config.capnp`. `alias` maps bare
 * specifiers to files; `esbuildOptions` are passed on (nodePaths, minify, external); `compatibilityFlags` go
 * into the config (`nodejs_compat` for the node: modules, which the bundle then leaves as imports), with
 * `compatibilityDate`; `bindings` (name to string) become the worker's text bindings, as wrangler's vars
 * and secrets do. Returns the bundle's input files, the wasm module names and the config's module list
 * (`modules`).
 * With `writeConfig: false` the config is left to the caller (one of several workers).
 */
export async function buildWorker({
  entry,
  outDir,
  alias = {},
  esbuildOptions = {},
  compatibilityFlags = [],
  compatibilityDate = "2026-01-01",
  bindings = {},
  writeConfig = true,
}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const esbuild = await import("esbuild");
  const wasmModules = new Set();
  const { metafile } = await esbuild.build({
    entryPoints: [entry],
    outfile: join(outDir, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    logLevel: "error",
    metafile: true,
    external: compatibilityFlags.includes("nodejs_compat") ? ["node:*"] : [],
    ...esbuildOptions,
    plugins: [
      {
        name: "worker-modules",
        setup(build) {
          for (const [specifier, path] of Object.entries(alias)) {
            build.onResolve(
              { filter: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) },
              () => ({
                path,
              }),
            );
          }
          build.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
            const file = join(args.resolveDir, args.path.replace(/\?module$/, ""));
            const hash = createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
            const name = `${hash}-${basename(file)}`;
            copyFileSync(file, join(outDir, name));
            wasmModules.add(name);
            return { path: `./${name}`, external: true };
          });
        },
      },
    ],
  });
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`];
  for (const name of wasmModules) modules.push(`(name = "${name}", wasm = embed "${name}")`);
  const built = { inputs: Object.keys(metafile.inputs), wasmModules: [...wasmModules], modules };
  if (!writeConfig) return built;
  const textBindings = Object.entries(bindings)
    .map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`)
    .join(", ");
  writeFileSync(
    join(outDir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # Test servers are on loopback, which workerd's default "internet" service refuses.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  compatibilityDate = ${JSON.stringify(compatibilityDate)},
  compatibilityFlags = [${compatibilityFlags.map((f) => JSON.stringify(f)).join(", ")}],
  bindings = [${textBindings}],
  globalOutbound = "net",
);
`,
  );
  return built;
}

/** The arguments of `workerd serve` for a config written by buildWorker, on `port`. */
export const serveArgs = (port) => ["serve", "config.capnp", "--socket-addr", `http=127.0.0.1:${port}`];
