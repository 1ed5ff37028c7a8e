#!/usr/bin/env bash
# Issue 13's speed check: `cloudsig verify` with the API checks (the default) against `--no-api-check`, side by
# side in one run, on a JSON-lines capture of N signed requests made of seed Tencent ES 2018-04-16 actions (every
# one valid and API-checked: `make-jsonl N CAPTURE KEYS es`).
#
#   bash benches/verify-api-throughput.sh [N] [RUNS]      (default N = 1000000, RUNS = 3)
#
# The two modes alternate (RUNS times each, over the same page-cached file); the median wall time of each is
# reported with the ratio with/without API checks (the issue's target: at most 1.3). Needs /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release -q -p cloudsig-cli -p cloudsig-benches
target/release/make-jsonl "$n" "$dir/capture.jsonl" "$dir/keys.txt" es | sed -n 1p  # sed reads it all: head closed the pipe on make-jsonl's second line
chmod 600 "$dir/keys.txt"
sync "$dir/capture.jsonl"
verify() {  # $1: label, then extra options
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$dir/time.$label.$run" \
    target/release/cloudsig verify --input jsonl --only-invalid --key-file "$dir/keys.txt" \
    --now 1700001800 --window 3600 "$@" "$dir/capture.jsonl" > "$dir/out" 2> "$dir/err" || { cat "$dir/err"; head "$dir/out"; exit 1; }
  tail -1 "$dir/err" > "$dir/summary.$label"
}
for run in $(seq 1 "$runs"); do
  verify api
  verify noapi --no-api-check
done
median() { sort -n "$dir"/time."$1".* | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
echo "with API checks:    $(cat "$dir/summary.api")"
echo "--no-api-check:     $(cat "$dir/summary.noapi")"
read -r api_s api_kib < <(median api)
read -r noapi_s noapi_kib < <(median noapi)
python3 - "$n" "$runs" "$api_s" "$api_kib" "$noapi_s" "$noapi_kib" "$(nproc)" <<'PY'
import sys
n, runs, api_s, api_kib, noapi_s, noapi_kib, cores = sys.argv[1:]
n, api_s, noapi_s = int(n), float(api_s), float(noapi_s)
print(f"capture: {n} seed ES requests (5 actions in turn), JSON lines; {cores} cores; median of {runs} alternating runs each")
print(f"verify with API checks: {n / api_s:,.0f} requests/s (wall {api_s:.2f} s, peak RSS {int(api_kib) / 1024:.1f} MiB)")
print(f"verify --no-api-check:  {n / noapi_s:,.0f} requests/s (wall {noapi_s:.2f} s, peak RSS {int(noapi_kib) / 1024:.1f} MiB)")
print(f"ratio with/without API checks: {api_s / noapi_s:.2f} (target <= 1.3)")
PY
