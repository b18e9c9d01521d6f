#!/usr/bin/env bash
# Runs tests/web_api.rs, the Rust shell (cargo feature `web`), in Node against the local emulator: starts
# the emulator on a free port, compiles its URL into the suite (option_env! COMMERCE_FETCH_EMULATOR_URL),
# runs the suite with wasm-bindgen-test-runner, and stops the emulator. Fails when a test fails or when
# no passing run is found in the output. Needs scripts/install-wasm-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# The runner's default mode is Node; drop inherited settings that would send it elsewhere.
unset WASM_BINDGEN_USE_BROWSER WASM_BINDGEN_USE_NODE_EXPERIMENTAL WASM_BINDGEN_USE_DENO \
    WASM_BINDGEN_USE_DEDICATED_WORKER WASM_BINDGEN_USE_SHARED_WORKER WASM_BINDGEN_USE_SERVICE_WORKER
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner

log=$(mktemp)
emulator_out=$(mktemp)
emulator_pid=
stop() {
    if [[ -n $emulator_pid ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -f "$log" "$emulator_out"
}
trap stop EXIT

node tests/emulator/emulator.mjs --port 0 >"$emulator_out" &
emulator_pid=$!
for _ in $(seq 100); do
    [[ -s $emulator_out ]] && break
    sleep 0.1
done
url=$(node -e 'const line = require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0];
  process.stdout.write(JSON.parse(line).url)' "$emulator_out")
echo "web-api-test: emulator at $url"
export COMMERCE_FETCH_EMULATOR_URL=$url

# pipefail: a failing test (or build) fails this line and so the script.
cargo test --target wasm32-unknown-unknown --features web --test web_api 2>&1 | tee "$log"

if ! grep -Eq '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$log"; then
    echo "web-api-test: no passing test run found in the output" >&2
    exit 1
fi
echo "web-api-test: ok"
