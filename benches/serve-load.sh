#!/usr/bin/env bash
# Load benchmark of `cloudsig serve` (emulator mode, in-memory replay store) against its
# floor on this machine, a minimal hyper "hello" server (benches/src/bin/hello-server.rs)
# measured by the same tool in the same run: wrk, keep-alive connections, the same valid
# TC3 request (POST, signed Host = the server's address) sent over and over (TC3 has no
# nonce: every copy is valid within its five minutes).
#
#   bash benches/serve-load.sh [SECONDS] [CONNECTIONS]     (defaults 5 and 32)
#
# Then, open loop (benches/src/bin/open-loop.rs, a fixed request rate whatever the server
# does, latency counted from each request's due time) at 80 % of the maximum wrk measured for
# serve: p50/p99 of hello-server, serve with TC3 (no nonce), serve with v1 requests (a fresh
# nonce each: the in-memory replay store records every one) and a second serve instance
# with --replay-store redis:// (Debian's redis-server on an ephemeral port, installed if
# missing), all in the same run.
#
# Everything listens on 127.0.0.1 (ephemeral ports) and is stopped on exit. Installs
# Debian's wrk if missing. A benchmark, not a test: the numbers go to benches/README.md.
# Both programs are built with the release profile without LTO (a quicker build on this
# 2-core machine; the same for both, so the ratio holds).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
conns=${2:-32}
command -v wrk >/dev/null || timeout 300 apt-get install -y -q wrk >/dev/null
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
command -v redis-server >/dev/null || timeout 300 apt-get install -y -q redis-server >/dev/null
cargo build -q --release -p cloudsig-cli -p cloudsig-benches --bin cloudsig --bin hello-server --bin open-loop
BIN=target/release

T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT

export TENCENTCLOUD_SECRET_ID=AKIDloadTest TENCENTCLOUD_SECRET_KEY=loadTestSecretKey
"$BIN/cloudsig" serve --listen 127.0.0.1:0 >"$T/serve.out" 2>/dev/null &
PIDS+=($!)
"$BIN/hello-server" 127.0.0.1:0 >"$T/hello.out" &
PIDS+=($!)
for f in serve hello; do
    for _ in $(seq 100); do grep -q "http://" "$T/$f.out" && break; sleep 0.1; done
done
SERVE=$(grep -o 'http://[0-9.:]*' "$T/serve.out")
HELLO=$(grep -o 'http://[0-9.:]*' "$T/hello.out")

# A wrk script sending the signed request (headers and body from `cloudsig sign --format json`).
lua_for() {
    "$BIN/cloudsig" sign tc3 --service cvm --host "${1#http://}" --action DescribeInstances \
        --api-version 2017-03-12 -d '{"Limit": 1}' --format json |
        python3 -c '
import json, sys
r = json.load(sys.stdin)
q = lambda s: "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
print("wrk.method = " + q(r["method"]))
print("wrk.body = " + q(r["body"]))
for n, v in r["headers"]:
    print("wrk.headers[" + q(n) + "] = " + q(v))
'
}
lua_for "$SERVE" >"$T/serve.lua"
# The floor gets the same request (signed for its own address; it does not check).
lua_for "$HELLO" >"$T/hello.lua"

run() {  # name url lua
    echo "== $1"
    wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$3" "$2/" | tee "$T/$1.txt" |
        grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
}
run hello "$HELLO" "$T/hello.lua"
run serve "$SERVE" "$T/serve.lua"
run hello-again "$HELLO" "$T/hello.lua"
# The emulator answered every request with a success (not an error envelope).
curl -fsS "$SERVE/metrics" | grep 'cloudsig_requests_total' | grep -v '^#' || true
python3 - "$T" <<'PY'
import re, sys
rps = {n: float(re.search(r"Requests/sec:\s*([\d.]+)", open("%s/%s.txt" % (sys.argv[1], n)).read()).group(1))
       for n in ("hello", "serve", "hello-again")}
floor = (rps["hello"] + rps["hello-again"]) / 2
print("serve / hello floor: %.0f / %.0f requests/s = %.2f" % (rps["serve"], floor, rps["serve"] / floor))
PY

# Open loop at 80 % of serve's measured maximum, the same rate for every target.
RATE=$(python3 -c "import re,sys; print(int(0.8*float(re.search(r'Requests/sec:\s*([\d.]+)', open(sys.argv[1]).read()).group(1))))" "$T/serve.txt")
RPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no >"$T/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN/cloudsig" serve --listen 127.0.0.1:0 --replay-store "redis://127.0.0.1:$RPORT" >"$T/serve-redis.out" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do grep -q "http://" "$T/serve-redis.out" && break; sleep 0.1; done
SERVE_REDIS=$(grep -o 'http://[0-9.:]*' "$T/serve-redis.out")
echo "== open loop at $RATE requests/s (80 % of serve's wrk maximum), $secs s, $conns connections"
for target in "hello $HELLO tc3" "serve $SERVE tc3" "serve-v1-memory $SERVE v1" "serve-v1-redis $SERVE_REDIS v1"; do
    set -- $target
    printf '%-16s ' "$1"
    "$BIN/open-loop" "${2#http://}" "$RATE" "$secs" "$conns" "$3"
done
