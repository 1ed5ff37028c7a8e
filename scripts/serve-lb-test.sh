#!/usr/bin/env bash
# Two `cloudsig serve` instances behind a real nginx (round-robin), sharing a real
# redis-server as their replay store, all on 127.0.0.1 in a temporary directory:
#   1. a nonce-bearing request accepted by one instance and replayed (nginx sends the
#      copy to the other instance) is rejected;
#   2. Redis killed mid-run: nonce-bearing requests fail closed with 503, none is
#      accepted unchecked (requests without a nonce are still served);
#   3. Redis restarted: service is restored;
#   4. every request sent is accounted for (accepted, rejected with a code, refused).
# Installs Debian's redis-server and nginx if missing (bounded); skips with a message
# when that is impossible. Everything started is stopped on exit, also on failure.
# Usage: bash scripts/serve-lb-test.sh   (from the repository; builds cloudsig if needed)
set -euo pipefail
cd "$(dirname "$0")/.."

need_install=()
command -v redis-server >/dev/null || need_install+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_install+=(nginx-light)
command -v curl >/dev/null || need_install+=(curl)
if [ ${#need_install[@]} -gt 0 ]; then
    echo "serve-lb-test: installing ${need_install[*]}"
    if ! { timeout 300 apt-get install -y -q "${need_install[@]}" >/dev/null 2>&1 ||
           { timeout 180 apt-get update -q >/dev/null 2>&1 &&
             timeout 300 apt-get install -y -q "${need_install[@]}" >/dev/null 2>&1; }; }; then
        echo "serve-lb-test: SKIPPED: cannot install ${need_install[*]} (no package registry?)"
        exit 0
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cargo build -q -p cloudsig-cli
BIN=$PWD/target/debug/cloudsig

T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null || true
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -n "${REDIS_PID:-}" ] && wait "$REDIS_PID" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

# Free high ports on 127.0.0.1 (bound and released by the kernel's choice).
read -r P_REDIS P_A P_B P_LB < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()')

start_redis() {
    redis-server --bind 127.0.0.1 --port "$P_REDIS" --save "" --appendonly no \
        --dir "$T" --logfile "$T/redis.log" &
    REDIS_PID=$!
    for _ in $(seq 50); do
        redis-cli -p "$P_REDIS" ping 2>/dev/null | grep -q PONG && return 0
        sleep 0.1
    done
    echo "serve-lb-test: redis-server did not start"; cat "$T/redis.log"; exit 1
}
start_redis

export TENCENTCLOUD_SECRET_ID=AKIDlbTest TENCENTCLOUD_SECRET_KEY=lbTestSecretKey
for p in "$P_A" "$P_B"; do
    env RUST_LOG=info "$BIN" serve --listen "127.0.0.1:$p" --replay-store "redis://127.0.0.1:$P_REDIS" \
        >"$T/serve-$p.out" 2>"$T/serve-$p.log" &
    PIDS+=($!)
done

cat >"$T/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 256; }
http {
    access_log $T/access.log;
    log_format lb '\$status \$upstream_addr';
    client_body_temp_path $T/body; proxy_temp_path $T/proxy;
    fastcgi_temp_path $T/fcgi; uwsgi_temp_path $T/uwsgi; scgi_temp_path $T/scgi;
    upstream serve { server 127.0.0.1:$P_A; server 127.0.0.1:$P_B; }
    server {
        listen 127.0.0.1:$P_LB;
        access_log $T/lb.log lb;
        location / {
            proxy_pass http://serve;
            proxy_set_header Host \$http_host;
            proxy_http_version 1.1;
            proxy_next_upstream off;
        }
    }
}
CONF
"$NGINX" -c "$T/nginx.conf" -p "$T" &
PIDS+=($!)

for p in "$P_A" "$P_B" "$P_LB"; do
    ok=
    for _ in $(seq 100); do
        if curl -fsS --max-time 2 "http://127.0.0.1:$p/healthz" >/dev/null 2>&1; then ok=1; break; fi
        sleep 0.1
    done
    [ -n "$ok" ] || { echo "serve-lb-test: nothing answers on port $p"; tail -5 "$T"/*.log; exit 1; }
done

SENT=0 ACCEPTED=0 REJECTED=0 REFUSED=0
# Sends a signed request (curl command from `cloudsig sign`) to the load balancer;
# sets STATUS and CODE (the cloud's error code, empty on success) and counts it.
send() {
    local cmd=$1
    cmd=${cmd/https:\/\//http:\/\/}
    SENT=$((SENT + 1))
    STATUS=$(eval "$cmd -sS -o '$T/answer' -w '%{http_code}' --max-time 10") || STATUS=000
    CODE=$(python3 -c 'import json,sys
try:
    r = json.load(open(sys.argv[1]))["Response"]
    print(r.get("Error", {}).get("Code", ""))
except Exception:
    print("?")' "$T/answer")
    if [ "$STATUS" = 200 ] && [ -z "$CODE" ]; then ACCEPTED=$((ACCEPTED + 1))
    elif [ "$STATUS" = 503 ]; then REFUSED=$((REFUSED + 1))
    elif [ "$STATUS" = 200 ] && [ "$CODE" != "?" ]; then REJECTED=$((REJECTED + 1))
    else echo "serve-lb-test: unexpected answer $STATUS: $(cat "$T/answer")"; exit 1
    fi
}
v1() { "$BIN" sign v1 --host "127.0.0.1:$P_LB" --action DescribeInstances --api-version 2017-03-12 --nonce "$1"; }
tc3() { "$BIN" sign tc3 --service cvm --host "127.0.0.1:$P_LB" --action DescribeInstances --api-version 2017-03-12 -d '{}'; }
fail() { echo "serve-lb-test: FAILED: $*"; tail -3 "$T/lb.log"; exit 1; }

echo "== 1. a nonce replayed to the other instance is rejected"
for n in $(seq 1001 1010); do
    req=$(v1 "$n")
    send "$req"; [ "$STATUS/$CODE" = "200/" ] || fail "first use of nonce $n: $STATUS $CODE"
    send "$req"; [ "$STATUS/$CODE" = "200/InvalidParameterValue" ] || fail "replay of nonce $n: $STATUS $CODE"
done
# Round robin: each replay went to the other instance than its original.
python3 - "$T/lb.log" <<'PY' || fail "nginx did not alternate the instances"
import sys
addrs = [l.split()[1] for l in open(sys.argv[1]) if l.strip() and "/healthz" not in l]
addrs = addrs[-20:]
assert len(addrs) == 20 and all(addrs[i] != addrs[i + 1] for i in range(0, 20, 2)), addrs
PY

echo "== 2. Redis killed: nonce-bearing requests fail closed with 503"
kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=
for n in $(seq 2001 2010); do
    send "$(v1 "$n")"
    [ "$STATUS/$CODE" = "503/InternalError" ] || fail "nonce $n with Redis down: $STATUS $CODE"
done
send "$(tc3)"; [ "$STATUS/$CODE" = "200/" ] || fail "TC3 (no nonce) with Redis down: $STATUS $CODE"

echo "== 3. Redis restarted: service restored"
start_redis
restored=
for n in $(seq 3001 3050); do
    send "$(v1 "$n")"
    if [ "$STATUS/$CODE" = "200/" ]; then restored=$n; break; fi
    [ "$STATUS" = 503 ] || fail "nonce $n while reconnecting: $STATUS $CODE"
    sleep 0.2
done
[ -n "$restored" ] || fail "service not restored after Redis came back"
for n in $(seq 4001 4010); do
    req=$(v1 "$n")
    send "$req"; [ "$STATUS/$CODE" = "200/" ] || fail "nonce $n after restore: $STATUS $CODE"
    send "$req"; [ "$STATUS/$CODE" = "200/InvalidParameterValue" ] || fail "replay of $n after restore: $STATUS $CODE"
done

echo "== 4. every request is accounted for"
echo "sent $SENT: accepted $ACCEPTED, rejected $REJECTED, refused $REFUSED"
[ $((ACCEPTED + REJECTED + REFUSED)) -eq "$SENT" ] || fail "requests lost"
served=$(grep -c " 127.0.0.1:" "$T/lb.log" || true)
[ "$served" -ge "$SENT" ] || fail "nginx logged $served requests for $SENT sent"
errors=$(cat "$T"/serve-*.log | grep -c "replay store unavailable" || true)
[ "$errors" -ge 10 ] || fail "the instances logged $errors store failures"
echo "serve-lb-test: passed"
