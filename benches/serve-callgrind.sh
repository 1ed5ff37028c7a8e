#!/usr/bin/env bash
# Instructions per request of `cloudsig serve` (emulator mode, in-memory replay store)
# against its floor, the minimal hyper "hello" server (benches/src/bin/hello-server.rs),
# under callgrind: a load-independent companion of benches/serve-load.sh for a machine
# too busy for wall-clock ratios.
#
#   bash benches/serve-callgrind.sh [REQUESTS] [CONNECTIONS]     (defaults 4000 and 4)
#
# Each server runs twice under callgrind, once answering REQUESTS/5 requests and once
# REQUESTS (sent back to back by benches/src/bin/open-loop.rs over CONNECTIONS keep-alive
# connections), and is stopped with SIGTERM; the difference of the two totals divided by
# the difference of the counts is the cost of one request, start-up and connection set-up
# excluded. Requests: the same valid TC3 request (no nonce) for both servers, and for
# serve also v1 requests with a fresh nonce each (so the replay store records every one).
# KEEP=DIR keeps the callgrind profiles there (for callgrind_annotate).
# Valgrind does not emulate SHA-NI: the SHA-256 in these counts is the portable code.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
n=${1:-4000}
conns=${2:-4}
small=$((n / 5))
command -v valgrind >/dev/null || { echo "serve-callgrind.sh: valgrind is not installed" >&2; exit 2; }
# BIN=DIR: measure the binaries already in DIR (say, a copy of an earlier build) instead.
if [ -z "${BIN:-}" ]; then
    export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
    cargo build -q --release -p cloudsig-cli -p cloudsig-benches --bin cloudsig --bin hello-server --bin open-loop
    BIN=target/release
fi
T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then cp "$T"/*.cg "$KEEP"/ 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT
export TENCENTCLOUD_SECRET_ID=AKIDloadTest TENCENTCLOUD_SECRET_KEY=loadTestSecretKey

count() {  # name count scheme command...
    local name=$1 k=$2 scheme=$3
    shift 3
    valgrind --tool=callgrind --callgrind-out-file="$T/$name.$k.cg" "$@" >"$T/$name.$k.out" 2>"$T/$name.$k.log" &
    PID=$!
    for _ in $(seq 300); do grep -q "http://" "$T/$name.$k.out" 2>/dev/null && break; sleep 0.1; done
    local url
    url=$(grep -o 'http://[0-9.:]*' "$T/$name.$k.out")
    local got
    got=$("$BIN/open-loop" "${url#http://}" "$k" 1 "$conns" "$scheme")
    case "$got" in
        *" ok $k errors 0 "*) ;;
        *) echo "serve-callgrind.sh: $name: $got" >&2; exit 1 ;;
    esac
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
    sed -n 's/^summary: //p; s/^totals: //p' "$T/$name.$k.cg" | head -1
}

per_request() {  # name scheme command...
    local name=$1 scheme=$2
    shift 2
    local a b
    a=$(count "$name" "$small" "$scheme" "$@")
    b=$(count "$name" "$n" "$scheme" "$@")
    echo $(((b - a) / (n - small)))
}

hello=$(per_request hello tc3 "$BIN/hello-server" 127.0.0.1:0)
serve=$(per_request serve tc3 "$BIN/cloudsig" serve --listen 127.0.0.1:0)
v1=$(per_request serve-v1 v1 "$BIN/cloudsig" serve --listen 127.0.0.1:0)
printf '%-22s %12s\n' target instructions/request hello "$hello" "serve tc3" "$serve" "serve v1 (memory)" "$v1"
python3 -c "import sys; h,s,v=map(int,sys.argv[1:]); print(f'serve/hello: tc3 {s/h:.2f}x, v1 {v/h:.2f}x')" "$hello" "$serve" "$v1"
