#!/usr/bin/env python3
"""Differential causes (issue 16): the Huawei Cloud Python SDK core's own captures of each named cause.

One small case per cause of disagreement between huaweicloudsdkcore and cloudsig found by the random
differential run (table "Differential causes" in vectors/oracle/README.md), captured offline exactly as
huawei/capture.py does (same venv, pins, network guard, fixed clock; this script only adds its own cases and
imports the rest from capture.py).

Output: vectors/captures/sdk/causes/huawei/python/<case>.http|.json and keys.txt beside them. The case name
starts with the cause's id (h1 ... h3). crates/cloudsig-verify/tests/differential_causes.rs asserts the
diagnosis cloudsig gives each one.

Usage and exit status as huawei/capture.py: [--check] [--out DIR]; 0 / 1 differs / 2 failure / 3 unreachable.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import capture as cap  # noqa: E402  (huawei/capture.py: run_case, fixed clock, keys)

sys.path.pop(0)
harness = cap.harness


def case_list():
    base = dict(algorithm="SHA256", cred="basic", host=cap.ECS_HOST, query=None, headers=None, body=None,
                path_params=None, config=None)
    cases = []

    def add(case, description, **kw):
        s = dict(base)
        s.update(kw)
        cases.append((case, description, s))

    add("h1-integer-list-sorted-numerically", "H1: query limit=[9, 10] given as integers: the SDK sorts the "
        "values as numbers (9 before 10) before turning them into text, and sends them in that order; the "
        "documented rule sorts the text (10 before 9).", method="GET",
        path="/v1/{project_id}/cloudservers/detail", query=[("limit", 9), ("limit", 10)])
    add("h2-unsigned-payload-empty-body", "H2: DELETE with Content-Type text/plain and no body: the SDK sends and "
        "signs X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD (a type that is not JSON) but hashes the empty body "
        "instead of using the literal. (An empty octet-stream body cannot be captured: requests sends it "
        "chunked.)", method="DELETE", path="/v1/{project_id}/objects/{name}",
        path_params={"name": "file.bin"}, headers={"Content-Type": "text/plain"})
    add("h3-path-dot-segment", "H3: a path parameter '.': signed as a segment, removed by urllib3 as a dot "
        "segment before sending (/v1/<project>/objects/. is sent as /v1/<project>/objects/).", method="DELETE",
        path="/v1/{project_id}/objects/{name}", path_params={"name": "."})
    return cases


def run_cases(server):
    from importlib.metadata import version
    import huaweicloudsdkcore.signer.signer as signer_module
    cap.SDK_VERSION = version(cap.SDK_NAME)
    signer_module.datetime = cap.FixedDatetime
    os.environ["HTTP_PROXY"] = server.proxy  # clean_env() removed any other proxy setting
    return {cap.SUBDIR: harness.capture_files(case_list(), lambda *case: cap.run_case(*case, server))}


HARNESS = harness.Harness(
    name="huawei/causes.py",
    script=__file__,
    venv=cap.HARNESS.venv,
    requirements=cap.HARNESS.requirements,
    captures_root=os.path.join(harness.CAPTURES_SDK, "causes", "huawei"),
    canned_body=cap.CANNED_BODY,
    real_host=cap.ECS_HOST,
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, cap.KEYS_TXT))
