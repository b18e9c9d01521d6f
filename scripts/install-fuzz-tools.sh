#!/usr/bin/env bash
# Installs what `make fuzz` needs, only when missing: a nightly toolchain (cargo-fuzz instruments the
# targets with flags only nightly rustc accepts) and cargo-fuzz at the version pinned here.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2

# Captured first: `| grep -q` can end the pipe early and, under pipefail, fail the check.
toolchains=$(rustup toolchain list)
if ! grep -q '^nightly-' <<<"$toolchains"; then
    rustup toolchain install nightly --profile minimal
fi

have=$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ $have != "$CARGO_FUZZ_VERSION" ]]; then
    # --locked builds with the lockfile cargo-fuzz was released with (about a minute on 2 cores).
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
echo "$(rustup run nightly rustc --version)"
echo "$(cargo fuzz --version)"
