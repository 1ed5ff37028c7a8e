#!/usr/bin/env bash
# Capture the requests the official Tencent Cloud Node SDK sends (see vectors/oracle/README.md).
#
#   vectors/oracle/node/run.sh [--check] [OUTDIR]
#
# Installs the pinned tencentcloud-sdk-nodejs-common (package-lock.json) into vectors/oracle/node/node_modules
# with `npm ci`, then runs `node capture.js OUTDIR` (default: vectors/captures/sdk/node). All traffic goes to a
# capture server on 127.0.0.1; the SDK never reaches a real host.
#
# --check: capture into a temporary directory and compare with the committed captures (OUTDIR or the default);
#          exit 1 if any file differs, is missing or is extra. If npm cannot reach the registry (and no matching
#          install is present), print a message and exit 0.
# Exit status: 0 ok, 1 captures differ (--check), 2 usage or setup failure (npm), 3 capture failure.
set -euo pipefail

# The install, capture and comparison are shared with the other Node harness: vectors/oracle/node-harness.sh.
ORACLE_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORACLE_SCRIPT="$ORACLE_HERE/run.sh"
ORACLE_PACKAGE="tencentcloud-sdk-nodejs-common"
ORACLE_LABEL="Node SDK"
ORACLE_DEFAULT_OUTDIR="vectors/captures/sdk/node"
# shellcheck source=../node-harness.sh
. "$ORACLE_HERE/../node-harness.sh"
