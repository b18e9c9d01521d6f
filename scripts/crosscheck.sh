#!/usr/bin/env bash
# The cross-check of the two shells: builds tests/crosscheck (a cdylib over the Rust shell, feature
# `web`), writes its bindings to tests/crosscheck/dist/ (not in git), then runs tests/crosscheck/run.mjs,
# which sends every scenario of tests/crosscheck/scenarios.json through the JavaScript package and the
# Rust shell against the emulator and fails on any difference. Needs the package built (`make build`)
# and scripts/install-wasm-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# A target directory of its own inside target/: the crate builds commerce-fetch as a dependency with
# another profile and features, and cargo writes a dependency's cdylib to the same deps/commerce_fetch.wasm
# that the package's release build uplifts. Sharing target/wasm32-unknown-unknown would let the next
# `make build` ship the cross-check's wasm.
export CARGO_TARGET_DIR=$PWD/target/crosscheck
out=tests/crosscheck/dist

cargo build --quiet --release --target wasm32-unknown-unknown --manifest-path tests/crosscheck/Cargo.toml
wasm=$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/commerce_fetch_crosscheck.wasm
# Only when the wasm changed: wasm-bindgen takes a few seconds on this one.
if [[ ! -f $out/crosscheck_bg.wasm || $wasm -nt $out/crosscheck_bg.wasm ]]; then
    rm -rf "$out"
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name crosscheck "$wasm"
fi
node tests/crosscheck/run.mjs
