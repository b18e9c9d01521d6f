// Node 24 for the harnesses that run something in it (the smoke suite, `make test-js-node24`, the
// benchmarks): npm's `node` package at the version pinned in tests/smoke/templates/node24/package.json,
// installed into .tools/node24 (gitignored). The machine's own `node` stays what it is.
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Scope } from "./processes.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pinnedManifest = join(repo, "tests/smoke/templates/node24/package.json");
const toolDir = join(repo, ".tools/node24");
const binary = join(toolDir, "node_modules/node/bin/node");

/** npm without its audit, funding and update chatter. */
export const npmEnv = {
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
  npm_config_loglevel: "error",
};

/** `npm install` in `dir`, which must have its own package.json: npm would otherwise walk up to the repo's. */
export async function npmInstall(scope, dir, args) {
  if (!existsSync(join(dir, "package.json")))
    throw new Error(`${dir} has no package.json; refusing to run npm there`);
  await scope.run("npm", ["install", "--prefix", dir, ...args], { cwd: dir, env: npmEnv });
}

/**
 * Installs the pinned Node 24 unless it is there already (one `node --version` when it is), and returns
 * the path of its binary. Runs its commands in `scope` (a tests/lib/processes.mjs Scope), or in a scope
 * of its own, disposed of before it returns.
 */
export async function ensureNode24(scope) {
  const own = scope ?? new Scope({ cwd: repo });
  try {
    const pinned = `v${JSON.parse(readFileSync(pinnedManifest, "utf8")).dependencies.node}`;
    const version = async () => (existsSync(binary) ? (await own.run(binary, ["--version"])).trim() : "");
    if ((await version()) !== pinned) {
      mkdirSync(toolDir, { recursive: true });
      cpSync(pinnedManifest, join(toolDir, "package.json"));
      await npmInstall(own, toolDir, []);
      const installed = await version();
      if (installed !== pinned)
        throw new Error(`${binary} is ${installed || "missing"} after npm install, not ${pinned}`);
    }
    return binary;
  } finally {
    if (!scope) await own.dispose();
  }
}
