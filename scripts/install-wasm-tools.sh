#!/usr/bin/env bash
# Installs what wasm builds and wasm tests need, only when missing: the wasm32 target and the
# wasm-bindgen CLI (with wasm-bindgen-test-runner) at the exact version Cargo.lock pins.
set -euo pipefail
cd "$(dirname "$0")/.."

# Captured first: `| grep -q` can end the pipe early and, under pipefail, fail the check.
targets=$(rustup target list --installed)
if ! grep -qx wasm32-unknown-unknown <<<"$targets"; then
    rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly, or the runner rejects the test binaries.
[[ -f Cargo.lock ]] || cargo generate-lockfile
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
[[ -n $want ]] || { echo "wasm-bindgen not found in Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ $have != "$want" ]]; then
    # No --locked: the CLI's own lockfile names a webpki-roots release crates.io no longer serves.
    # About 2 minutes on 2 cores.
    cargo install wasm-bindgen-cli --version "$want"
fi
echo "wasm32-unknown-unknown: installed"
echo "$(wasm-bindgen --version) ($(command -v wasm-bindgen-test-runner))"
