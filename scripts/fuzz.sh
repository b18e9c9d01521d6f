#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each, one after the other, and prints a line per target:
# runs, runs per second, corpus size and crash. Exits non-zero if any target crashed, timed out on an
# input or ran out of memory; the input is left in fuzz/artifacts/<target>/ and the log is printed.
#
# The corpus of each target grows in fuzz/corpus/<target>/ (not in git) from run to run; the seeds in
# fuzz/seeds/<target>/, where there are some, are read but never written. When a corpus grows slow to
# load, `cargo +nightly fuzz cmin --sanitizer none <target>` shrinks it to the inputs that add coverage.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(hints http_date http_date_formats graphql decide redact redirect fetch_failure bodies)
fi

# No sanitizer: the core has no unsafe code for AddressSanitizer to watch, and without it each target
# runs about twice as fast. Debug assertions and overflow checks stay on (cargo-fuzz's default).
fuzz=(cargo +nightly fuzz)
options=(--sanitizer none)
# Per input at most 10 s (a hang is a bug) and 1 GB: the targets need well under 100 MB.
libfuzzer=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1)

# The targets are code too: formatted and linted like the core.
cargo fmt --check --manifest-path fuzz/Cargo.toml
cargo +nightly clippy --manifest-path fuzz/Cargo.toml --quiet -- -D warnings
"${fuzz[@]}" build "${options[@]}"

logs=fuzz/target/logs
mkdir -p "$logs"
failed=()
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    artifacts=fuzz/artifacts/$target
    mkdir -p "$corpus" "$artifacts"
    dirs=("$corpus")
    [[ -d fuzz/seeds/$target ]] && dirs+=("fuzz/seeds/$target")
    before=$(find "$artifacts" -type f | sort)
    log=$logs/$target.log
    status=0
    "${fuzz[@]}" run "${options[@]}" "$target" "${dirs[@]}" -- "${libfuzzer[@]}" >"$log" 2>&1 || status=$?

    final_stat() { awk -v key="stat::$1:" '$1 == key { print $2 }' "$log"; }
    found=$(comm -13 <(echo "$before") <(find "$artifacts" -type f | sort) | grep . || true)
    printf '%-18s %11s runs  %8s/s  corpus %6s  crash: %s\n' "$target" "$(final_stat number_of_executed_units)" \
        "$(final_stat average_exec_per_sec)" "$(find "$corpus" -type f | wc -l)" "${found:-none}"
    if ((status != 0)) || [[ -n $found ]]; then
        failed+=("$target")
        echo "--- $target failed (exit $status); the whole log is $log"
        # The panic's message or libFuzzer's (a timeout, out of memory), then cargo-fuzz's summary: the
        # input, its Debug form, how to reproduce it.
        awk '/panicked at/ { on = 1 } /^(stack backtrace:|note: )/ || /^$/ { on = 0 } on' "$log" | head -n 12
        grep -m 3 -E '^==[0-9]+== ERROR: libFuzzer' "$log" || true
        sed -n '/^Failing input:/,/^Minimize/p' "$log" | head -n 40
    fi
done

if ((${#failed[@]} > 0)); then
    echo "fuzzing found a failure in: ${failed[*]}" >&2
    exit 1
fi
