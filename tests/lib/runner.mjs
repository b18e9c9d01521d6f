// What the command-line runners (the smoke and fault suites, the benchmarks) check before they start.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");

// What `make build` writes and the runners load: the bundled package, the bindings it is bundled from
// (the memory benchmark imports them), and the wasm.
const BUILT = [
  "pkg/dist/api.js",
  "pkg/dist/node.js",
  "pkg/dist/inline.js",
  "pkg/dist/commerce_fetch.js",
  "pkg/dist/commerce_fetch_bg.wasm",
];

/**
 * The runtimes named on the command line (all of `runtimes` when none are); exits with 2, naming the
 * choices, when one is unknown. `tool` prefixes the message.
 */
export function selectRuntimes(tool, runtimes, selected = process.argv.slice(2)) {
  for (const name of selected) {
    if (!(name in runtimes)) {
      console.error(`${tool}: unknown runtime ${name}; choose from ${Object.keys(runtimes).join(", ")}`);
      process.exit(2);
    }
  }
  return selected.length ? selected : Object.keys(runtimes);
}

/** Exits with 2 when the package has not been built. */
export function requireBuild(tool) {
  for (const file of BUILT) {
    if (!existsSync(join(repo, file))) {
      console.error(`${tool}: ${file} is missing: run \`make build\` first`);
      process.exit(2);
    }
  }
}
