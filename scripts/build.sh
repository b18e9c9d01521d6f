#!/usr/bin/env bash
# Release build of the npm package: cargo → wasm-bindgen (pinned CLI) → loader patch → wasm-opt -Oz →
# pkg/dist/, then the JavaScript of pkg/lib/ and the bindings bundled into pkg/dist/api.js, which every entry
# point in pkg/src/ imports (one module to load instead of seven: Node's ESM loader costs about half a
# millisecond per module at start-up). Prints what a user downloads, raw, gzip and brotli.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg/dist
cargo build --quiet --release --target wasm32-unknown-unknown
rm -rf "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name commerce_fetch \
  target/wasm32-unknown-unknown/release/commerce_fetch.wasm
node scripts/patch-loader.mjs "$out/commerce_fetch.js"
# The features are those rustc enables by default for wasm32-unknown-unknown; wasm-opt must know them
# because wasm-bindgen drops the section that lists them.
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-reference-types --enable-sign-ext --enable-multivalue \
  "$out/commerce_fetch_bg.wasm" -o "$out/commerce_fetch_bg.wasm"
# Not minified: stack traces from node_modules stay readable.
node_modules/.bin/esbuild pkg/lib/api.js --bundle --format=esm --platform=neutral --legal-comments=none \
  --log-level=warning --outfile="$out/api.js"
node scripts/size.mjs
