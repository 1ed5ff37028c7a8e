#!/usr/bin/env bash
# Fuzzes cloudsig's parsers and verifier with cargo-fuzz (libFuzzer).
#
#   bash fuzz/run.sh [SECONDS] [TARGET...]
#
# Installs cargo-fuzz from crates.io when it is missing, builds every target with the
# machine's stable toolchain (cargo-fuzz's nightly flags are allowed by RUSTC_BOOTSTRAP=1;
# no nightly toolchain is needed or downloaded), with AddressSanitizer when its runtime
# works here and without a sanitizer otherwise, then runs each TARGET (default: all) for
# SECONDS (default 30) from fuzz/corpus/TARGET, which starts as a copy of the committed
# seeds in fuzz/seeds/TARGET. A crash, a panic, a timeout (an input taking more than
# FUZZ_TIMEOUT seconds, default 10) or running out of memory fails the target: its input
# is left in fuzz/artifacts/TARGET/ and the script exits 1 after running the rest.
#
# Environment:
#   FUZZ_JOBS=N          run N targets at a time (default 1; at most the cores)
#   FUZZ_RUNS=N          also stop a target after N executions (default: time only)
#   FUZZ_FAST=1          throughput build for long runs: no sanitizer and no
#                        trace-compares instrumentation (about 3-5x the executions/s),
#                        built in fuzz/target/fast; replay its corpus with a normal run after
#   FUZZ_SANITIZER=address|none forces the sanitizer
#   FUZZ_TIMEOUT, FUZZ_MAX_LEN (longest input, default 16384 bytes), FUZZ_RSS_MB (default
#   2048) tune libFuzzer.
# Logs go to fuzz/target/logs/TARGET.log.
set -euo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET=${1:-30}
shift || true
ALL_TARGETS=(authorization huawei_authorization http_capture curl_command har jsonl_record v1_params verify_any)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi
for t in "${TARGETS[@]}"; do
    if [[ ! " ${ALL_TARGETS[*]} " == *" $t "* ]]; then
        echo "unknown target: $t (known: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# cargo-fuzz passes -Z flags (sanitizer, coverage); the stable compiler accepts them with:
export RUSTC_BOOTSTRAP=1
started=$(date +%s)

echo "== toolchain"
cargo --version
rustc --version

echo "== cargo-fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

echo "== build"
build_flags=()
if [ -n "${FUZZ_FAST:-}" ]; then
    sanitizer=none
    build_flags=(--no-trace-compares --target-dir target/fast)
    cargo fuzz build --sanitizer none "${build_flags[@]}"
else
    # AddressSanitizer first (its runtime ships with the toolchain's rust-std); a smoke run
    # of one target on the empty input proves the runtime works on this machine.
    sanitizer=${FUZZ_SANITIZER:-}
    if [ -z "$sanitizer" ]; then
        smoke=$(mktemp -d)
        if cargo fuzz build --sanitizer address && \
            cargo fuzz run --sanitizer address authorization "$smoke" -- -runs=0 >/dev/null 2>&1; then
            sanitizer=address
        else
            echo "AddressSanitizer does not work here: building without a sanitizer"
            sanitizer=none
        fi
        rm -rf "$smoke"
    fi
    if [ "$sanitizer" != address ] || [ -n "${FUZZ_SANITIZER:-}" ]; then
        cargo fuzz build --sanitizer "$sanitizer"
    fi
fi
echo "sanitizer: $sanitizer${FUZZ_FAST:+ (fast build: no trace-compares)}"
built=$(date +%s)

mkdir -p target/logs
runs_flag=()
if [ -n "${FUZZ_RUNS:-}" ]; then runs_flag=(-runs="$FUZZ_RUNS"); fi

# Fuzzes one target; its verdict goes to target/logs/TARGET.status.
fuzz_one() {
    local t=$1 log="target/logs/$1.log"
    mkdir -p "corpus/$t" "artifacts/$t"
    cp -n "seeds/$t/"* "corpus/$t/" 2>/dev/null || true
    if cargo fuzz run --sanitizer "$sanitizer" "${build_flags[@]}" "$t" "corpus/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" \
        "${runs_flag[@]}" \
        -timeout="${FUZZ_TIMEOUT:-10}" \
        -max_len="${FUZZ_MAX_LEN:-16384}" \
        -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -print_final_stats=1 >"$log" 2>&1; then
        echo ok >"target/logs/$t.status"
    else
        echo FAILED >"target/logs/$t.status"
    fi
}

jobs_max=${FUZZ_JOBS:-1}
for t in "${TARGETS[@]}"; do
    rm -f "target/logs/$t.status"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
    fuzz_one "$t" &
done
wait

failed=()
printf '\n%-14s %12s %10s %8s %s\n' target executions exec/s seconds result
for t in "${TARGETS[@]}"; do
    log="target/logs/$t.log"
    result=$(cat "target/logs/$t.status" 2>/dev/null || echo FAILED)
    if [ "$result" != ok ]; then
        failed+=("$t")
        result="FAILED (see fuzz/$log and fuzz/artifacts/$t/)"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    printf '%-14s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${speed:-?}" "${took:-?}" "$result"
done

finished=$(date +%s)
echo
echo "build $((built - started)) s, fuzzing $((finished - built)) s, total $((finished - started)) s"
if [ ${#failed[@]} -gt 0 ]; then
    for t in "${failed[@]}"; do
        echo "== $t failed; the end of its log:"
        tail -40 "target/logs/$t.log"
        ls -l "artifacts/$t/"
    done
    exit 1
fi
echo "no crash in ${#TARGETS[@]} targets"
