// Prints the size of what a user downloads in a browser: the wasm and the JavaScript of the browser entry.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const files = [
  "dist/commerce_fetch_bg.wasm",
  "dist/commerce_fetch_extras_bg.wasm",
  "dist/api.js",
  "src/browser.js",
];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const total = { raw: 0, gzip: 0, brotli: 0 };
const rows = files.map((name) => {
  const bytes = readFileSync(new URL(`../pkg/${name}`, import.meta.url));
  const sizes = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const key of Object.keys(total)) total[key] += sizes[key];
  return [name, sizes];
});
rows.push(["total", total]);
console.log("pkg/ download size                    raw        gzip      brotli");
for (const [name, s] of rows) {
  console.log(
    `${name.padEnd(36)} ${kb(s.raw).padStart(9)} ${kb(s.gzip).padStart(11)} ${kb(s.brotli).padStart(11)}`,
  );
}
