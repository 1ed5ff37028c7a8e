#!/usr/bin/env bash
# Verification throughput and peak memory on a JSON-lines capture of N TC3 requests,
# compared in the same run with the time to sign the same requests (one thread, the
# fastest of three passes each way; every pass is printed).
#
#   bash benches/verify-throughput.sh [N]        (default N = 1000000)
#
# Prints requests per second for signing (one thread) and verifying (all cores), their
# ratio, and the verifier's peak resident memory. Needs /usr/bin/time (Debian: time).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release -q -p cloudsig-cli -p cloudsig-benches
sign=$(target/release/make-jsonl "$n" "$dir/capture.jsonl" "$dir/keys.txt")
echo "$sign" | head -1
# Every timed pass of signing, in seconds (the ratio below uses the fastest of each).
echo "$sign" | sed -n 's/^sign_\(per_call\|cached\)_passes=/signing passes, \1 (s): /p'
per_call=$(echo "$sign" | sed -n 's/^sign_per_call_seconds=//p')
cached=$(echo "$sign" | sed -n 's/^sign_cached_seconds=//p')
size=$(stat -c %s "$dir/capture.jsonl")
# Write the new capture back to disk before timing, so that the kernel's write-back of
# its dirty pages cannot overlap the timed runs.
sync "$dir/capture.jsonl"
# Three runs over the same (page-cached) file; the median is reported.
for run in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$dir/time.$run" \
    target/release/cloudsig verify --input jsonl --only-invalid --key-file "$dir/keys.txt" \
    --now 1700001800 --window 3600 "$dir/capture.jsonl" > "$dir/out" 2> "$dir/err" || { cat "$dir/err"; head "$dir/out"; exit 1; }
done
tail -1 "$dir/err"
read -r secs kib < <(sort -n "$dir"/time.* | sed -n 2p)
python3 - "$n" "$secs" "$kib" "$per_call" "$cached" "$size" "$(nproc)" <<'PY'
import sys
n, secs, kib, per_call, cached, size, cores = sys.argv[1:]
n, secs, kib, per_call, cached, size = int(n), float(secs), int(kib), float(per_call), float(cached), int(size)
print(f"capture: {n} TC3 requests, {size / 2**20:.0f} MiB of JSON lines; {cores} cores")
print(f"verify: {n / secs:,.0f} requests/s (median of 3 runs; wall {secs:.2f} s, includes reading and parsing); peak RSS {kib / 1024:.1f} MiB")
print(f"sign, one thread (fastest of 3 passes): key derived per call {n / per_call:,.0f}/s, cached key {n / cached:,.0f}/s")
print(f"ratio verify(all cores)/sign(one thread, per-call key): {per_call / secs:.2f}; vs cached-key signing: {cached / secs:.2f}")
PY
