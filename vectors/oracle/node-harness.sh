# What the Node SDK oracle harnesses share (sourced, not run): vectors/oracle/node/run.sh (Tencent) and
# vectors/oracle/huawei/node/run.sh (Huawei) set these and source this file with their arguments:
#
#   ORACLE_SCRIPT          the run.sh itself (its lines 2-13 are its --help)
#   ORACLE_HERE            its folder: package.json, package-lock.json, capture.js
#   ORACLE_PACKAGE         the SDK package pinned in package.json
#   ORACLE_LABEL           what the messages call it ("Node SDK", "Huawei Node SDK")
#   ORACLE_DEFAULT_OUTDIR  where the captures go, from the repository root
#
# It installs the pinned package (npm ci) unless node_modules already matches package-lock.json, then runs
# `node capture.js OUTDIR`, or with --check into a temporary folder compared with OUTDIR.
# Exit status: 0 ok, 1 captures differ (--check), 2 usage or setup failure (npm), 3 capture failure.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECK=0
OUTDIR=""
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,13p' "$ORACLE_SCRIPT" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown option $arg" >&2; exit 2 ;;
    *)
      if [ -n "$OUTDIR" ]; then echo "run.sh: only one OUTDIR may be given" >&2; exit 2; fi
      OUTDIR="$arg" ;;
  esac
done
if [ -z "$OUTDIR" ]; then
  OUTDIR="$REPO/$ORACLE_DEFAULT_OUTDIR"
else
  case "$OUTDIR" in /*) ;; *) OUTDIR="$PWD/$OUTDIR" ;; esac
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run.sh: $tool not found; install Node.js (v20) and npm" >&2
    exit 2
  fi
done

cd "$ORACLE_HERE"
PINNED="$(ORACLE_PACKAGE="$ORACLE_PACKAGE" node -p 'require("./package.json").dependencies[process.env.ORACLE_PACKAGE]')"

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
  echo "run.sh: $ORACLE_PACKAGE $PINNED already installed (node_modules matches package-lock.json)"
else
  echo "run.sh: installing $ORACLE_PACKAGE $PINNED (npm ci)"
  NPM_LOG="$(mktemp)"
  if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
      --fetch-retries=1 --fetch-timeout=30000 >"$NPM_LOG" 2>&1; then
    if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$NPM_LOG"; then
      cat "$NPM_LOG" >&2
      rm -f "$NPM_LOG"
      rm -rf node_modules  # npm ci leaves a partial tree behind
      echo "run.sh: npm cannot reach the registry ($(npm config get registry 2>/dev/null)); the $ORACLE_LABEL oracle was not run." >&2
      if [ "$CHECK" = 1 ]; then
        echo "run.sh: --check skipped (no network): the committed $ORACLE_LABEL captures were NOT checked." >&2
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
  echo "run.sh: --check ok: $count $ORACLE_LABEL captures identical to $OUTDIR"
else
  echo "run.sh: --check FAILED: the $ORACLE_LABEL captures differ from $OUTDIR (regenerate with ${ORACLE_SCRIPT#"$REPO"/})" >&2
fi
exit "$status"
