// Package size as a user's bundler ships it: a one-line entry importing each library, bundled by
// esbuild (--bundle --minify --format=esm --platform=browser), then gzip -9 and brotli q11 with
// node:zlib. commerce-fetch's bundle loads its .wasm with a separate request, so the .wasm file (as
// published, compressed on its own) is added to its total.
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
