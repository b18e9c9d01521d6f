// Prints the size of each file a browser page may download: the JavaScript of the browser entry, and the
// wasm (the whole file for a page that uses createClient or interpret; else the lite file, and the
// extras with their bindings on first need). What a bundler ships for each use is `make bench`'s
// bench/size.mjs.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const files = [
  "dist/commerce_fetch_bg.wasm",
  "dist/commerce_fetch_lite_bg.wasm",
  "dist/commerce_fetch_extras_bg.wasm",
  "dist/commerce_fetch_extras.js",
  "dist/guard.js",
  "dist/api.js",
  "src/browser.js",
  "src/browser-whole.js",
];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const rows = files.map((name) => {
  const bytes = readFileSync(new URL(`../pkg/${name}`, import.meta.url));
  const sizes = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  return [name, sizes];
});
console.log("pkg/ file sizes                       raw        gzip      brotli");
for (const [name, s] of rows) {
  console.log(
    `${name.padEnd(36)} ${kb(s.raw).padStart(9)} ${kb(s.gzip).padStart(11)} ${kb(s.brotli).padStart(11)}`,
  );
}
