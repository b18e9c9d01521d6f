// Package size as a user's bundler ships it: a one-line entry importing each library, bundled by
// esbuild (--bundle --minify --format=esm --platform=browser), then gzip -9 and brotli q11 with
// node:zlib. commerce-fetch's bundle loads its .wasm with a separate request, so the .wasm file (as
// published, compressed on its own) is added to its total.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { repo } from "./lib.mjs";

const outDir = join(repo, ".cache/bench/size");

const entries = {
  "commerce-fetch": 'export { createFetch } from "commerce-fetch";\n',
  ky: 'export { default } from "ky";\n',
  ofetch: 'export { ofetch } from "ofetch";\n',
};

const sizes = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

export async function packageSizes() {
  const esbuild = await import("esbuild");
  mkdirSync(outDir, { recursive: true });
  const result = {};
  for (const [name, source] of Object.entries(entries)) {
    const entry = join(outDir, `${name}.entry.js`);
    writeFileSync(entry, source);
    const outfile = join(outDir, `${name}.bundle.js`);
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      logLevel: "error",
      nodePaths: [join(repo, "node_modules")],
      plugins: [
        {
          name: "commerce-fetch",
          setup(build) {
            // What the package's "browser" export condition selects: src/browser.js and its imports.
            build.onResolve({ filter: /^commerce-fetch$/ }, () => ({
              path: join(repo, "pkg/src/browser.js"),
            }));
          },
        },
      ],
    });
    const js = sizes(readFileSync(outfile));
    const row = { js };
    if (name === "commerce-fetch") {
      const wasm = sizes(readFileSync(join(repo, "pkg/dist/commerce_fetch_bg.wasm")));
      row.wasm = wasm;
      row.total = { raw: js.raw + wasm.raw, gzip: js.gzip + wasm.gzip, brotli: js.brotli + wasm.brotli };
    } else {
      row.total = js;
    }
    result[name] = row;
  }
  return result;
}

/** The wasm's exports by cargo feature (Cargo.toml): the package ships them all in one file. */
const WASM_FEATURES = [
  ["createFetch alone", []],
  ["+ interpret()", ["js-interpret"]],
  ["+ createClient's readers", ["js-interpret", "js-client"]],
  ["+ protect (all: the package)", ["js-interpret", "js-client", "js-protect"]],
];

/**
 * What each part of the wasm costs: the release wasm built with each set of the features above (in a
 * target directory of its own, so the package's build is untouched), through wasm-bindgen and
 * wasm-opt as scripts/build.sh does; `{ name, features, raw, gzip, brotli }` per row.
 */
export function wasmFeatureSizes() {
  const target = join(repo, "target/bench-sizes");
  const opt = join(repo, "node_modules/.bin/wasm-opt");
  const rows = [];
  for (const [name, features] of WASM_FEATURES) {
    const run = (cmd, args, env = {}) => {
      const done = spawnSync(cmd, args, { cwd: repo, env: { ...process.env, ...env }, encoding: "utf8" });
      if (done.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${done.stderr}`);
    };
    const featureArgs = features.length > 0 ? ["--features", features.join(",")] : [];
    run(
      "cargo",
      [
        "rustc",
        "--quiet",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "--lib",
        "--crate-type",
        "cdylib",
      ].concat(["--no-default-features"], featureArgs),
      { CARGO_TARGET_DIR: target },
    );
    const out = join(outDir, "wasm", String(rows.length));
    mkdirSync(out, { recursive: true });
    run("wasm-bindgen", [
      "--target",
      "web",
      "--no-typescript",
      "--out-dir",
      out,
      join(target, "wasm32-unknown-unknown/release/commerce_fetch.wasm"),
    ]);
    const wasm = join(out, "commerce_fetch_bg.wasm");
    run(opt, [
      "-Oz",
      "--strip-debug",
      "--strip-producers",
      ...[
        "bulk-memory",
        "mutable-globals",
        "nontrapping-float-to-int",
        "reference-types",
        "sign-ext",
        "multivalue",
      ].map((feature) => `--enable-${feature}`),
      wasm,
      "-o",
      wasm,
    ]);
    rows.push({ name, features, ...sizes(readFileSync(wasm)) });
  }
  return rows;
}
