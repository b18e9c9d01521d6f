#!/usr/bin/env bash
# Runs a wasm-bindgen suite in one engine, headless: node, chromium, firefox or webkit.
#   web      tests/web.rs, the wasm boundary the npm package uses (the default);
#   web_api  tests/web_api.rs, the Rust shell (feature `web`), against the local emulator: this script
#            starts it on a free port and compiles its URL into the suite (COMMERCE_FETCH_EMULATOR_URL,
#            read with option_env!, since the runner cannot pass environment into a browser).
# Fails when a test fails, and also when the suite did not run, or ran somewhere else than asked.
# Needs scripts/install-wasm-tools.sh, and scripts/install-browsers.sh for the browsers.
set -euo pipefail
engine=${1:-}
suite=${2:-web}
cd "$(dirname "$0")/.."
root=$PWD

# The runner picks its driver from the first of GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER (then
# PATH) that is set, and its mode from WASM_BINDGEN_USE_*: drop inherited ones so only ours count.
unset GECKODRIVER SAFARIDRIVER CHROMEDRIVER MSEDGEDRIVER \
    GECKODRIVER_REMOTE SAFARIDRIVER_REMOTE CHROMEDRIVER_REMOTE MSEDGEDRIVER_REMOTE \
    WASM_BINDGEN_USE_BROWSER WASM_BINDGEN_USE_NODE_EXPERIMENTAL WASM_BINDGEN_USE_DENO \
    WASM_BINDGEN_USE_DEDICATED_WORKER WASM_BINDGEN_USE_SHARED_WORKER \
    WASM_BINDGEN_USE_SERVICE_WORKER NO_HEADLESS WASM_BINDGEN_TEST_ONLY_NODE WASM_BINDGEN_TEST_ONLY_WEB

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# Compiled into the test (option_env!): the runner cannot pass environment into a browser, so the
# engine test compares navigator.userAgent against this.
export COMMERCE_FETCH_WASM_ENGINE=$engine
# Capabilities per engine; an absolute path, so the runner's working directory does not matter.
export WASM_BINDGEN_TEST_WEBDRIVER_JSON=$root/tests/webdriver/$engine/webdriver.json

wrap=()
case $engine in
    node) banner='' ;;  # the runner's default mode when no WASM_BINDGEN_USE_* is set
    chromium)
        export WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver
        banner='Running headless tests in Chrome' ;;
    firefox)
        export WASM_BINDGEN_USE_BROWSER=1 GECKODRIVER=${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver
        banner='Running headless tests in Firefox' ;;
    webkit)
        # wasm-bindgen-test-runner 0.2.130 sends no capabilities to a safaridriver, so
        # WebKitWebDriver starts its built-in default, MiniBrowser --automation (the same binary
        # scripts/install-browsers.sh checks for). MiniBrowser has no headless mode: Xvfb.
        export WASM_BINDGEN_USE_BROWSER=1 SAFARIDRIVER=/usr/bin/WebKitWebDriver
        unset WASM_BINDGEN_TEST_WEBDRIVER_JSON
        wrap=(xvfb-run -a)
        banner='Running headless tests in Safari' ;;
    *) echo "usage: $0 node|chromium|firefox|webkit [web|web_api]" >&2; exit 2 ;;
esac

log=$(mktemp)
emulator_out=$(mktemp)
emulator_pid=
stop() {
    if [[ -n $emulator_pid ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -f "$log" "$emulator_out"
}
trap stop EXIT

case $suite in
    # `std`: the test harness links std, so the crate must not bring its own panic handler (Cargo.toml).
    web) features=std ;;
    web_api)
        features=web
        node tests/emulator/emulator.mjs --port 0 >"$emulator_out" &
        emulator_pid=$!
        for _ in $(seq 100); do
            [[ -s $emulator_out ]] && break
            sleep 0.1
        done
        url=$(node -e 'const line = require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0];
          process.stdout.write(JSON.parse(line).url)' "$emulator_out")
        echo "wasm-test: emulator at $url"
        export COMMERCE_FETCH_EMULATOR_URL=$url ;;
    *) echo "usage: $0 node|chromium|firefox|webkit [web|web_api]" >&2; exit 2 ;;
esac

# pipefail: a failing test (or build) fails this line and so the script.
"${wrap[@]}" cargo test --target wasm32-unknown-unknown --features "$features" --test "$suite" 2>&1 | tee "$log"

# A runner that silently fell back to another mode, or found no tests, must not pass.
if [[ -n $banner ]] && ! grep -q "^$banner" "$log"; then
    echo "wasm-test: $suite did not run in $engine (no '$banner' line)" >&2
    exit 1
fi
if ! grep -Eq '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$log"; then
    echo "wasm-test: no passing run of $suite found in the output for $engine" >&2
    exit 1
fi
echo "wasm-test: $suite in $engine ok"
