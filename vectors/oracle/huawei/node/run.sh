#!/usr/bin/env bash
# Capture the requests the official Huawei Cloud Node SDK core sends (see vectors/oracle/README.md).
#
#   vectors/oracle/node/run.sh [--check] [OUTDIR]
#
# Installs the pinned @huaweicloud/huaweicloud-sdk-core (package-lock.json) into vectors/oracle/huawei/node/node_modules
# with `npm ci`, then runs `node capture.js OUTDIR` (default: vectors/captures/sdk/huawei/node). All traffic goes to a
# capture server on 127.0.0.1; the SDK never reaches a real host.
#
# --check: capture into a temporary directory and compare with the committed captures (OUTDIR or the default);
#          exit 1 if any file differs, is missing or is extra. If npm cannot reach the registry (and no matching
#          install is present), print a message and exit 0.
# Exit status: 0 ok, 1 captures differ (--check), 2 usage or setup failure (npm), 3 capture failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
CHECK=0
OUTDIR=""
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
    *)
      if [ -n "$OUTDIR" ]; then echo "run.sh: only one OUTDIR may be given" >&2; exit 2; fi
      OUTDIR="$arg" ;;
  esac
done
if [ -z "$OUTDIR" ]; then
  OUTDIR="$REPO/vectors/captures/sdk/huawei/node"
else
  case "$OUTDIR" in /*) ;; *) OUTDIR="$PWD/$OUTDIR" ;; esac
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: $tool not found; install Node.js (v20) and npm" >&2
    exit 2
  fi
done

cd "$HERE"
PINNED="$(node -p 'require("./package.json").dependencies["@huaweicloud/huaweicloud-sdk-core"]')"

# node_modules is current when every package of package-lock.json is installed at the locked version.
installed_matches_lock() {
  [ -d node_modules ] || return 1
  node -e '
    const fs = require("fs");
    const lock = require("./package-lock.json").packages;
    for (const [k, v] of Object.entries(lock)) {
      if (k === "") continue;
      let pkg;
      try { pkg = JSON.parse(fs.readFileSync(k + "/package.json", "utf8")); } catch (e) { process.exit(1); }
      if (pkg.version !== v.version) process.exit(1);
    }
  ' 2>/dev/null
}

if installed_matches_lock; then
  echo "run.sh: @huaweicloud/huaweicloud-sdk-core $PINNED already installed (node_modules matches package-lock.json)"
else
  echo "run.sh: installing @huaweicloud/huaweicloud-sdk-core $PINNED (npm ci)"
  NPM_LOG="$(mktemp)"
  if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
      --fetch-retries=1 --fetch-timeout=30000 >"$NPM_LOG" 2>&1; then
    if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$NPM_LOG"; then
      cat "$NPM_LOG" >&2
      rm -f "$NPM_LOG"
      rm -rf node_modules  # npm ci leaves a partial tree behind
      echo "run.sh: npm cannot reach the registry ($(npm config get registry 2>/dev/null)); the Huawei Node SDK oracle was not run." >&2
      if [ "$CHECK" = 1 ]; then
        echo "run.sh: --check skipped (no network): the committed Huawei Node captures were NOT checked." >&2
        exit 0
      fi
      exit 2
    fi
    cat "$NPM_LOG" >&2
    rm -f "$NPM_LOG"
    rm -rf node_modules
    echo "run.sh: npm ci failed" >&2
    exit 2
  fi
  rm -f "$NPM_LOG"
fi

capture() {
  if ! node capture.js "$1"; then
    echo "run.sh: capture.js failed" >&2
    exit 3
  fi
}

if [ "$CHECK" = 0 ]; then
  capture "$OUTDIR"
  exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
capture "$TMP/out"
if [ ! -d "$OUTDIR" ]; then
  echo "run.sh: --check: no committed captures at $OUTDIR" >&2
  exit 1
fi
# Compare only capture files (*.http, *.json); other files in OUTDIR are ignored.
status=0
for f in "$TMP/out"/*; do
  name="$(basename "$f")"
  if [ ! -f "$OUTDIR/$name" ]; then
    echo "MISSING  $name (produced by the SDK, not committed)"; status=1
  elif ! cmp -s "$f" "$OUTDIR/$name"; then
    echo "DIFFERS  $name"; status=1
    diff -u --label "committed/$name" --label "sdk/$name" <(LC_ALL=C cat -v "$OUTDIR/$name") <(LC_ALL=C cat -v "$f") | head -40 || true
  fi
done
for f in "$OUTDIR"/*.http "$OUTDIR"/*.json; do
  [ -e "$f" ] || continue
  name="$(basename "$f")"
  if [ ! -e "$TMP/out/$name" ]; then echo "EXTRA    $name (committed, not produced by the SDK)"; status=1; fi
done
count="$(find "$TMP/out" -name '*.http' | wc -l)"
if [ "$status" = 0 ]; then
  echo "run.sh: --check ok: $count Huawei Node SDK captures identical to $OUTDIR"
else
  echo "run.sh: --check FAILED: the Huawei Node SDK captures differ from $OUTDIR (regenerate with vectors/oracle/huawei/node/run.sh)" >&2
fi
exit "$status"
