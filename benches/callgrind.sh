#!/usr/bin/env bash
# Instruction counts of one TC3 signature of the seed request (key derived per call, and
# with a cached signing key), of the SHA-256 compression floors, of the v1 signatures, and of
# ACS3-HMAC-SHA256 and SDK-HMAC-SHA256 on their documented examples (keyed per call) with
# their floors, under callgrind: exact and repeatable where wall-clock benchmarks are noisy.
#
#   bash benches/callgrind.sh
#
# Needs valgrind. Each mode runs `sign-once MODE`, which does the work once unmeasured and
# then once inside a `measured_*` function; callgrind collects only inside that function
# (--toggle-collect), so process start-up and one-time set-up are not counted.
#
# Valgrind does not emulate the SHA extensions (SHA-NI): under it the `sha2` crate's
# run-time detection finds none and uses its portable code, so these counts are of that
# code, floor included. The ratios to the floors are therefore not the wall-clock ratios
# of a SHA-NI machine; they show the overhead around the compression in instructions.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }
cargo build --release -q -p cloudsig-benches --bin sign-once
bin=target/release/sign-once
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
declare -A ir
for mode in floor-per-call floor-cached per-call cached v1-sha1 v1-sha256 floor-acs3 acs3 floor-sdk-hmac sdk-hmac; do
  valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
    --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
    || { cat "$dir/$mode.log" >&2; exit 1; }
  ir[$mode]=$(sed -n 's/^summary: //p' "$dir/$mode.out")
done
printf '%-16s %12s\n' mode instructions
for mode in floor-per-call floor-cached per-call cached v1-sha1 v1-sha256 floor-acs3 acs3 floor-sdk-hmac sdk-hmac; do
  printf '%-16s %12s\n' "$mode" "${ir[$mode]}"
done
python3 - "${ir[per-call]}" "${ir[floor-per-call]}" "${ir[cached]}" "${ir[floor-cached]}" \
  "${ir[acs3]}" "${ir[floor-acs3]}" "${ir[sdk-hmac]}" "${ir[floor-sdk-hmac]}" <<'PY'
import sys
per_call, floor_per_call, cached, floor_cached, acs3, floor_acs3, sdk, floor_sdk = map(int, sys.argv[1:])
print(f"per call / its floor: {per_call / floor_per_call:.2f}x; cached / its floor: {cached / floor_cached:.2f}x (portable SHA-256 under valgrind)")
print(f"outside the compression: per call {per_call - floor_per_call} instructions, cached {cached - floor_cached}")
print(f"ACS3 / its floor: {acs3 / floor_acs3:.2f}x ({acs3 - floor_acs3} outside); SDK-HMAC / its floor: {sdk / floor_sdk:.2f}x ({sdk - floor_sdk} outside)")
PY

# Session 24: the lean benchmark-only prototypes of ACS3 and SDK-HMAC (benches/src/lean.rs),
# beside the signers above and their floors; session 25: those of TC3 (benches/src/lean_tc3.rs).
for mode in lean-acs3 lean-sdk-hmac lean-cached lean-per-call lean-interleaved; do
  valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
    --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
    || { cat "$dir/$mode.log" >&2; exit 1; }
  ir[$mode]=$(sed -n 's/^summary: //p' "$dir/$mode.out")
done
python3 - "${ir[lean-acs3]}" "${ir[floor-acs3]}" "${ir[lean-sdk-hmac]}" "${ir[floor-sdk-hmac]}" <<'PY'
import sys
acs3, floor_acs3, sdk, floor_sdk = map(int, sys.argv[1:])
print(f"lean prototypes: ACS3 {acs3} ({acs3 - floor_acs3} outside, {acs3 / floor_acs3:.2f}x); SDK-HMAC {sdk} ({sdk - floor_sdk} outside, {sdk / floor_sdk:.2f}x)")
PY
for mode in lean-cached lean-per-call lean-interleaved; do
  printf '%-16s %12s\n' "$mode" "${ir[$mode]}"
done

# Session 26: tc3::RequestTemplate (the canonical text prepared once), cached key and per call.
for mode in template-cached template-per-call; do
  valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
    --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
    || { cat "$dir/$mode.log" >&2; exit 1; }
  printf '%-16s %12s\n' "$mode" "$(sed -n 's/^summary: //p' "$dir/$mode.out")"
done

# Session 28: ACS3 with a key made once (`acs3::sign_with_key`) and the request shape prepared
# once (`acs3::RequestTemplate`, cached key and keyed per call), beside their floors (12 and
# 14 blocks).
for mode in floor-acs3-cached acs3-cached acs3-template-cached acs3-template; do
  valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
    --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
    || { cat "$dir/$mode.log" >&2; exit 1; }
  ir[$mode]=$(sed -n 's/^summary: //p' "$dir/$mode.out")
done
python3 - "${ir[acs3-cached]}" "${ir[acs3-template-cached]}" "${ir[floor-acs3-cached]}" \
  "${ir[acs3-template]}" "${ir[floor-acs3]}" <<'PY'
import sys
cached, t_cached, floor_cached, t_per_call, floor = map(int, sys.argv[1:])
print(f"ACS3 cached key {cached} ({cached - floor_cached} outside, {cached / floor_cached:.2f}x); template cached {t_cached} ({t_cached - floor_cached} outside, {t_cached / floor_cached:.2f}x); template per call {t_per_call} ({t_per_call - floor} outside, {t_per_call / floor:.2f}x)")
PY

# Session 28: the same for SDK-HMAC-SHA256 (`huawei::RequestTemplate`; floors 9 and 11 blocks).
for mode in floor-sdk-hmac-cached sdk-hmac-cached sdk-hmac-template-cached sdk-hmac-template; do
  valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
    --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
    || { cat "$dir/$mode.log" >&2; exit 1; }
  ir[$mode]=$(sed -n 's/^summary: //p' "$dir/$mode.out")
done
python3 - "${ir[sdk-hmac-cached]}" "${ir[sdk-hmac-template-cached]}" "${ir[floor-sdk-hmac-cached]}" \
  "${ir[sdk-hmac-template]}" "${ir[floor-sdk-hmac]}" <<'PY'
import sys
cached, t_cached, floor_cached, t_per_call, floor = map(int, sys.argv[1:])
print(f"SDK-HMAC cached key {cached} ({cached - floor_cached} outside, {cached / floor_cached:.2f}x); template cached {t_cached} ({t_cached - floor_cached} outside, {t_cached / floor_cached:.2f}x); template per call {t_per_call} ({t_per_call - floor} outside, {t_per_call / floor:.2f}x)")
PY

# Session 29: the templates compress the whole blocks of their fixed leading text once, when
# they are made. Each template beside the floor of the whole message's blocks (as above) and
# the floor of the blocks it now compresses per call (TC3 7 and 21, ACS3 10 and 12, SDK-HMAC
# 7 and 9), so that the gain is not read as a change of floor.
for mode in floor-cached floor-per-call floor-acs3-cached floor-acs3 floor-sdk-hmac-cached floor-sdk-hmac \
  floor-template-cached floor-template-per-call floor-acs3-template-cached floor-acs3-template \
  floor-sdk-hmac-template-cached floor-sdk-hmac-template \
  template-cached template-per-call acs3-template-cached acs3-template sdk-hmac-template-cached sdk-hmac-template; do
  if [ -z "${ir[$mode]:-}" ]; then
    valgrind --tool=callgrind --callgrind-out-file="$dir/$mode.out" \
      --toggle-collect='*measured_*' "$bin" "$mode" > "$dir/$mode.stdout" 2> "$dir/$mode.log" \
      || { cat "$dir/$mode.log" >&2; exit 1; }
    ir[$mode]=$(sed -n 's/^summary: //p' "$dir/$mode.out")
  fi
done
for row in "TC3 template cached:template-cached:floor-cached:floor-template-cached" \
  "TC3 template per call:template-per-call:floor-per-call:floor-template-per-call" \
  "ACS3 template cached:acs3-template-cached:floor-acs3-cached:floor-acs3-template-cached" \
  "ACS3 template per call:acs3-template:floor-acs3:floor-acs3-template" \
  "SDK-HMAC template cached:sdk-hmac-template-cached:floor-sdk-hmac-cached:floor-sdk-hmac-template-cached" \
  "SDK-HMAC template per call:sdk-hmac-template:floor-sdk-hmac:floor-sdk-hmac-template"; do
  IFS=: read -r name m whole now <<<"$row"
  python3 - "$name" "${ir[$m]}" "${ir[$whole]}" "${ir[$now]}" <<'PY'
import sys
name, t, whole, now = sys.argv[1], *map(int, sys.argv[2:])
print(f"{name}: {t} instructions; whole message's floor {whole} ({t / whole:.2f}x); floor of the blocks per call {now} ({t / now:.2f}x, {t - now} outside)")
PY
done
