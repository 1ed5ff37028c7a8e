#!/usr/bin/env bash
# The official Node SDKs as clients of `cloudsig serve` (emulator mode) at ENDPOINT (host:port on 127.0.0.1).
#
#   vectors/oracle/serve-node/run.sh 127.0.0.1:PORT
#
# Installs the pinned packages of package.json / package-lock.json (npm ci, skipped when node_modules already
# matches the lock), then runs clients.js against ENDPOINT. Called by vectors/oracle/serve_clients.py, which
# starts the server with the keys clients.js uses.
# Exit status: 0 passed, or npm's registry unreachable / node missing (said so, skipped); 2 a failure.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
endpoint="${1:?usage: run.sh HOST:PORT}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "serve-node/run.sh: $tool not found: the Node SDKs were NOT checked (skipped)"
    exit 0
  fi
done
cd "$here"

# node_modules is current when every package of package-lock.json is installed at the locked version.
if ! node -e '
    const fs = require("fs");
    for (const [k, v] of Object.entries(require("./package-lock.json").packages)) {
      if (k === "") continue;
      try { if (JSON.parse(fs.readFileSync(k + "/package.json", "utf8")).version !== v.version) process.exit(1); }
      catch (e) { process.exit(1); }
    }' 2>/dev/null; then
  echo "serve-node/run.sh: installing the pinned Node SDKs (npm ci)"
  log="$(mktemp)"
  if ! npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
      --fetch-retries=1 --fetch-timeout=30000 >"$log" 2>&1; then
    cat "$log" >&2
    rm -rf node_modules  # npm ci leaves a partial tree behind
    if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up|request to .* failed' "$log"; then
      rm -f "$log"
      echo "serve-node/run.sh: npm cannot reach its registry: the Node SDKs were NOT checked (skipped)"
      exit 0
    fi
    rm -f "$log"
    echo "serve-node/run.sh: npm ci failed" >&2
    exit 2
  fi
  rm -f "$log"
fi

if ! node clients.js "$endpoint"; then
  echo "serve-node/run.sh: FAILED" >&2
  exit 2
fi
