#!/usr/bin/env bash
# Release build of the npm package: cargo → wasm-bindgen (pinned CLI) → loader patch → wasm-opt -Oz →
# pkg/dist/. Prints what a user downloads, raw, gzip and brotli.
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
node scripts/size.mjs
