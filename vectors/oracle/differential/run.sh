#!/usr/bin/env bash
# Differential conformance (issue 16): random requests signed by the official SDKs, verified by cloudsig.
#
#   vectors/oracle/differential/run.sh            CI mode: seed 1, 200 requests per family; exit 1 on any "new"
#                                                 disagreement; then the self-test (every signature corrupted:
#                                                 every request must come out "new")
#   vectors/oracle/differential/run.sh --long     10,000 requests per family (seed 1), results in
#                                                 target/differential-long.json
#   vectors/oracle/differential/run.sh -- ARGS    diff.py with ARGS (see diff.py --help)
#
# Needs python3, node/npm, and the SDKs the oracle installs (vectors/oracle/run.sh creates the venvs and the
# Node harnesses' node_modules; this script installs @alicloud/openapi-client into alibaba-node/ with npm ci).
# A family whose SDK cannot be installed because a registry does not answer is skipped with a message.
# Exit status: 0 no new disagreement, 1 some new disagreement (or the self-test failed), 2 setup failure.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
mode=ci
case "${1:-}" in
  "") ;;
  --long) mode=long ;;
  --) shift; mode=args ;;
  -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "usage: $0 [--long | -- DIFF.PY ARGS]" >&2; exit 2 ;;
esac

py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1; then py="$cand"; break; fi
done
if [ -z "$py" ]; then echo "run.sh: python3 not found" >&2; exit 2; fi

# CI runs this after `cargo test --workspace`, which leaves target/debug/cloudsig built: building it again with
# `-p` would re-resolve features and recompile for minutes. Build only when it is missing (or CLOUDSIG_BUILD=1).
if [ ! -x "$repo/target/debug/cloudsig" ] || [ "${CLOUDSIG_BUILD:-0}" = 1 ]; then
  echo "== building cloudsig (cargo build -p cloudsig-cli)"
  (cd "$repo" && cargo build -q -p cloudsig-cli) || { echo "run.sh: cargo build failed" >&2; exit 2; }
fi

# @alicloud/openapi-client for the alibaba-tea-node family: npm ci unless node_modules matches the lock file.
# A registry that does not answer leaves node_modules absent: node_worker.js then exits 3 and diff.py skips it.
if command -v npm >/dev/null 2>&1; then
  (
    cd "$here/alibaba-node" || exit 2
    if ! node -e '
      const fs = require("fs");
      for (const [k, v] of Object.entries(require("./package-lock.json").packages)) {
        if (k === "") continue;
        try { if (JSON.parse(fs.readFileSync(k + "/package.json", "utf8")).version !== v.version) process.exit(1); }
        catch (e) { process.exit(1); }
      }' 2>/dev/null; then
      echo "== installing @alicloud/openapi-client (npm ci)"
      log="$(mktemp)"
      if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error --fetch-retries=1 --fetch-timeout=30000 \
          >"$log" 2>&1; then
        cat "$log" >&2
        rm -rf node_modules
        if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$log"; then
          echo "run.sh: npm cannot reach the registry: the alibaba-tea-node family will be skipped" >&2
        else
          rm -f "$log"; echo "run.sh: npm ci failed" >&2; exit 2
        fi
      fi
      rm -f "$log"
    fi
  ) || exit 2
fi

cd "$repo" || exit 2
case "$mode" in
  ci)
    # Bounded: a hung SDK cannot hold CI (the whole mode takes well under 2 minutes).
    timeout 600 "$py" "$here/diff.py" --mode ci --report "$repo/target/differential-ci.json"
    status=$?
    if [ "$status" -eq 124 ]; then echo "run.sh: the CI mode did not finish in 600 s" >&2; exit 2; fi
    if [ "$status" -ne 0 ]; then exit "$status"; fi
    echo "== self-test: every signature corrupted after signing; each signed request must be reported new"
    timeout 300 "$py" "$here/diff.py" --self-test --count 15 --minimise 0
    status=$?
    if [ "$status" -eq 124 ]; then echo "run.sh: the self-test did not finish in 300 s" >&2; exit 2; fi
    exit "$status"
    ;;
  long)
    exec "$py" "$here/diff.py" --mode long --minimise 10 --time-limit 1800 \
      --report "$repo/target/differential-long.json"
    ;;
  args)
    exec "$py" "$here/diff.py" "$@"
    ;;
esac
