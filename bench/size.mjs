// Package size as a user's bundler ships it: a one-line entry importing each library, bundled by
// esbuild (--bundle --splitting --minify --format=esm --platform=browser), then gzip -9 and brotli q11 with
// node:zlib. commerce-fetch's bundle loads its .wasm with a separate request, so the .wasm files it
// fetches (as published, each compressed on its own) are added to its total: commerce_fetch_lite_bg.wasm
// for createFetch (and commerce_fetch_extras_bg.wasm with the chunk that loads it, for a page that meets
// their first need), commerce_fetch_bg.wasm (everything) for createClient.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { repo } from "./lib.mjs";

const outDir = join(repo, ".cache/bench/size");

const entries = {
  "commerce-fetch": 'export { createFetch } from "commerce-fetch";\n',
  "commerce-fetch, then the extras": 'export { createFetch } from "commerce-fetch";\n',
  "commerce-fetch createClient": 'export { createClient } from "commerce-fetch";\n',
  ky: 'export { default } from "ky";\n',
  ofetch: 'export { ofetch } from "ofetch";\n',
};
/**
 * The .wasm files each commerce-fetch entry's page fetches; the extras file comes with the chunks the
 * page imports on first need (its bindings).
 */
const WASM_FETCHED = {
  "commerce-fetch": ["commerce_fetch_lite_bg.wasm"],
  "commerce-fetch, then the extras": ["commerce_fetch_lite_bg.wasm", "commerce_fetch_extras_bg.wasm"],
  "commerce-fetch createClient": ["commerce_fetch_bg.wasm"],
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
    const outdir = join(outDir, name);
    rmSync(outdir, { recursive: true, force: true });
    // With code splitting, as Vite (Rollup) ships every build: a dynamic import becomes a chunk
    // fetched when it runs.
    const { metafile } = await esbuild.build({
      entryPoints: [entry],
      outdir,
      bundle: true,
      splitting: true,
      minify: true,
      format: "esm",
      platform: "browser",
      logLevel: "error",
      metafile: true,
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
    const files = WASM_FETCHED[name];
    // What the page loads: the entry's chunk and those it imports statically; and when it needs the
    // extras file, the chunks it imports on first need too (their bindings).
    const loaded = loadedChunks(metafile, files?.includes("commerce_fetch_extras_bg.wasm") === true);
    const js = sum(loaded.map((file) => sizes(readFileSync(join(repo, file)))));
    const row = { js, chunks: loaded.length };
    if (files !== undefined) {
      row.wasm = sum(files.map((file) => sizes(readFileSync(join(repo, "pkg/dist", file)))));
      row.total = sum([js, row.wasm]);
    } else {
      row.total = js;
    }
    result[name] = row;
  }
  return result;
}

function sum(list) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const one of list) for (const key of Object.keys(total)) total[key] += one[key];
  return total;
}

/**
 * The output files (paths relative to the repository, as esbuild's metafile names them) a page loads
 * from the entry: those imported statically, and the dynamic ones too when `dynamic`.
 */
function loadedChunks(metafile, dynamic) {
  const entry = Object.keys(metafile.outputs).find(
    (file) => metafile.outputs[file].entryPoint !== undefined && file.endsWith(".js"),
  );
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { path, kind } of metafile.outputs[file].imports) {
      if (kind === "import-statement" || (dynamic && kind === "dynamic-import")) visit(path);
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * The wasm's exports by cargo feature (Cargo.toml), all in one file: the lite file, then features
 * added up to the whole file; then the extras file as the package ships it.
 */
const EXTRAS = ["js-interpret", "js-client", "js-protect"];
const WASM_FEATURES = [
  ["createFetch alone (commerce_fetch_lite_bg.wasm, as shipped)", ["js-fetch"]],
  ["+ interpret()", ["js-fetch", "js-interpret"]],
  ["+ createClient's readers", ["js-fetch", "js-interpret", "js-client"]],
  ["+ protect (commerce_fetch_bg.wasm, as shipped)", ["js-fetch", ...EXTRAS]],
  ["commerce_fetch_extras_bg.wasm, as shipped (interpret, readers, protect)", EXTRAS],
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
