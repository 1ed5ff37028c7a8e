#!/usr/bin/env bash
# Official-SDK oracle: regenerate (or check) the SDK captures in vectors/captures/sdk/.
#
#   vectors/oracle/run.sh           regenerate vectors/captures/sdk/python/ (and node/ when the Node harness exists),
#                                   vectors/captures/sdk/alibaba/ (alibaba/capture.py, then alibaba/check.py)
#                                   and vectors/captures/sdk/huawei/ (huawei/capture.py, huawei/node/run.sh, huawei/check.py);
#                                   vectors/captures/sdk/causes/ (alibaba/causes.py, huawei/causes.py: issue 16's causes)
#                                   vectors/captures/sdk/api/ (api/capture.py: the typed clients of the seed products)
#   vectors/oracle/run.sh --check   regenerate into a temp dir; exit 1 if a committed capture differs
#
# Needs only python3 (3.11 is the reference) with pip, and the package registries (PyPI; npm for Node). With
# --check, a harness whose registry cannot be reached prints "registries unreachable; using committed captures"
# and counts as passed; every other failure exits non-zero. All test traffic goes to 127.0.0.1 only.
#
# Contract for each harness: it takes [--check], and exits 0 (done / captures match / registry unreachable under
# --check), 1 (captures differ, --check only), anything else for a failure.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=()
case "${1:-}" in
  "") ;;
  --check) check=(--check) ;;
  -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# Prefer the reference interpreter when it is installed.
py=""
for cand in python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1; then py="$cand"; break; fi
done
if [ -z "$py" ]; then
  echo "run.sh: python3 not found" >&2
  exit 2
fi

status=0
combine() {  # keep the worst status: failures (not 0/1) beat differences (1) beat success (0)
  local rc=$1
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    status=$rc
  elif [ "$rc" -eq 1 ] && [ "$status" -eq 0 ]; then
    status=1
  fi
}

echo "== Python SDK oracle ($("$py" --version 2>&1))"
"$py" "$here/python/capture.py" "${check[@]}"
rc=$?
if [ "$rc" -eq 3 ]; then
  echo "run.sh: registries unreachable; cannot regenerate the Python SDK captures" >&2
fi
combine "$rc"

if [ -f "$here/node/run.sh" ]; then
  echo "== Node SDK oracle"
  bash "$here/node/run.sh" "${check[@]}"
  combine $?
else
  echo "== Node SDK oracle: vectors/oracle/node/run.sh not present, skipped"
fi

echo "== Alibaba Cloud SDK oracle (alibabacloud-tea-openapi, aliyun-python-sdk-core)"
"$py" "$here/alibaba/capture.py" "${check[@]}"
rc=$?
if [ "$rc" -eq 3 ]; then
  echo "run.sh: registries unreachable; cannot regenerate the Alibaba SDK captures" >&2
fi
combine "$rc"
# Independent recomputation of every committed Alibaba capture (stdlib only, no registry needed). A mismatch that
# is not a documented finding is a failure, not a difference.
"$py" "$here/alibaba/check.py" >/dev/null
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "run.sh: vectors/oracle/alibaba/check.py failed (status $rc): run it for details" >&2
  combine 2
else
  echo "alibaba/check.py: every Alibaba capture recomputed (known findings listed by check.py)"
fi

echo "== Alibaba Cloud SDKs: the differential causes' captures (alibaba/causes.py)"
"$py" "$here/alibaba/causes.py" "${check[@]}"
combine $?

echo "== Huawei Python SDK oracle"
"$py" "$here/huawei/capture.py" "${check[@]}"
rc=$?
if [ "$rc" -eq 3 ]; then
  echo "run.sh: registries unreachable; cannot regenerate the Huawei Python SDK captures" >&2
fi
combine "$rc"

if [ -f "$here/huawei/node/run.sh" ]; then
  echo "== Huawei Node SDK oracle"
  bash "$here/huawei/node/run.sh" "${check[@]}"
  combine $?
fi

echo "== Huawei Python SDK core: the differential causes' captures (huawei/causes.py)"
"$py" "$here/huawei/causes.py" "${check[@]}"
combine $?

echo "== Huawei captures: independent recomputation (huawei/check.py)"
if ! "$py" "$here/huawei/check.py"; then
  echo "run.sh: a Huawei capture's signature could not be recomputed" >&2
  combine 2
fi

echo "== Typed clients of the seed products (api/capture.py: tencentcloud-sdk-python-es, alibabacloud-elasticsearch20170613, huaweicloudsdkkafka, huaweicloudsdkecs)"
"$py" "$here/api/capture.py" "${check[@]}"
rc=$?
if [ "$rc" -eq 3 ]; then
  echo "run.sh: registries unreachable; cannot regenerate the typed-client captures" >&2
fi
combine "$rc"

if [ "$status" -eq 1 ]; then
  echo "run.sh: committed SDK captures differ from what the SDKs send now (see above)" >&2
elif [ "$status" -ne 0 ]; then
  echo "run.sh: FAILED (status $status)" >&2
fi
exit "$status"
