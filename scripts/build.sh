#!/usr/bin/env bash
# Release build of the npm package: cargo → wasm-bindgen (pinned CLI) → loader patch → wasm-opt -Oz →
# pkg/dist/, then the JavaScript of pkg/lib/ and the bindings bundled into one module per entry (Node's ESM
# loader costs about half a millisecond per module at start-up): pkg/dist/api.js, which the entry points in
# pkg/src/ import, and the entries with the wasm inlined. Prints what a user downloads, raw, gzip and brotli.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg/dist
# Three wasm files from one crate, each a cdylib built alone (one feature set per target directory, so
# the builds never rebuild each other):
# - `commerce_fetch_bg.wasm`, the whole (every feature): what Node, Deno, Bun, Workers, edge routes and a
#   browser page that uses createClient or interpret load at import;
# - `commerce_fetch_lite_bg.wasm` (feature js-fetch: createFetch's options, decisions, histories and
#   redirects), what a browser page that only uses createFetch loads at import;
# - `commerce_fetch_extras_bg.wasm` (interpret()'s texts, createClient's body readers, protect), which
#   such a page loads on first need.
# Two sets of bindings drive them: commerce_fetch.js (made for the lite file) and commerce_fetch_extras.js.
# One instance of the whole file serves both (pkg/lib/core.js); scripts/check-whole.mjs checks that it can.
build_wasm() { # features target-dir
  CARGO_TARGET_DIR=$2 cargo rustc --quiet --release --target wasm32-unknown-unknown --lib \
    --crate-type cdylib --no-default-features --features "$1"
}
build_wasm js-fetch target
build_wasm js-interpret,js-client,js-protect target/extras
build_wasm js-fetch,js-interpret,js-client,js-protect target/whole
# The Rust API (cargo feature `web`, src/web/) must stay out of the npm wasm: none of its dependencies
# may be in this build.
if cargo tree --quiet --target wasm32-unknown-unknown -e normal --prefix none |
    grep -Eq '^(web-sys|wasm-bindgen-futures|gloo-timers|serde-wasm-bindgen) '; then
  echo "build: the Rust API's dependencies are in the npm wasm build" >&2
  exit 1
fi
rm -rf "$out"
bindgen() { # wasm out-dir out-name
  wasm-bindgen --target web --no-typescript --out-dir "$2" --out-name "$3" "$1"
}
optimise() { # in.wasm out.wasm
  # The features are those rustc enables by default for wasm32-unknown-unknown; wasm-opt must know
  # them because wasm-bindgen drops the section that lists them.
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-reference-types --enable-sign-ext --enable-multivalue "$1" -o "$2"
}
release=wasm32-unknown-unknown/release/commerce_fetch.wasm
bindgen "target/$release" "$out" commerce_fetch
bindgen "target/extras/$release" "$out" commerce_fetch_extras
# The whole file's own bindings are not shipped: only compared with the two sets.
rm -rf target/whole/bindgen
bindgen "target/whole/$release" target/whole/bindgen commerce_fetch
node scripts/check-whole.mjs target/whole/bindgen "$out" "$out"
for name in commerce_fetch commerce_fetch_extras; do node scripts/patch-loader.mjs "$out/$name.js"; done
optimise target/whole/bindgen/commerce_fetch_bg.wasm "$out/commerce_fetch_bg.wasm.tmp"
optimise "$out/commerce_fetch_bg.wasm" "$out/commerce_fetch_lite_bg.wasm"
optimise "$out/commerce_fetch_extras_bg.wasm" "$out/commerce_fetch_extras_bg.wasm"
mv "$out/commerce_fetch_bg.wasm.tmp" "$out/commerce_fetch_bg.wasm"
# Not minified: stack traces from node_modules stay readable.
bundle() { # entry outfile format
  node_modules/.bin/esbuild "$1" --bundle --format="$3" --platform=neutral --legal-comments=none \
    --log-level=warning --outfile="$2"
}
bundle pkg/lib/api.js "$out/api.js" esm
# protect's JavaScript (pkg/lib/guard.js, which imports nothing): given with the extras' bindings by every
# entry, and in a browser that uses createFetch alone loaded with them on first need.
bundle pkg/lib/guard.js "$out/guard.js" esm
bundle pkg/lib/manual.js "$out/api.cjs" cjs # require("commerce-fetch/manual")
# The entries with the wasm inlined (see pkg/lib/node.js and pkg/lib/inline.js); the text itself is an
# intermediate file, not shipped.
node scripts/inline-wasm.mjs
bundle pkg/lib/node.js "$out/node.js" esm
bundle pkg/lib/node.js "$out/node.cjs" cjs
bundle pkg/lib/inline.js "$out/inline.js" esm
rm "$out/wasm-inline.js"
# The types for require(): the same declarations, read as CommonJS.
cp pkg/index.d.ts "$out/index.d.cts"
sed 's|"./index.js"|"./index.cjs"|' pkg/manual.d.ts >"$out/manual.d.cts"
# What the tarball shows on the registry and in node_modules.
cp README.md LICENSE pkg/
node scripts/size.mjs
echo "The Rust API (cargo feature \`web\`) is not in this wasm: web-sys, gloo-timers and serde-wasm-bindgen are"
echo "not in its build, so the feature leaves the package's size unchanged."
