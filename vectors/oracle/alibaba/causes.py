#!/usr/bin/env python3
"""Differential causes (issue 16): the Alibaba Cloud Python SDKs' own captures of each named cause.

One small case per cause of disagreement between the official SDKs and cloudsig found by the random
differential run (table "Differential causes" in vectors/oracle/README.md): the request the SDK itself
signs and sends, captured offline exactly as alibaba/capture.py does (same venv, pins, network guard,
determinism; this script only adds its own cases and imports the rest from capture.py).

Output: vectors/captures/sdk/causes/alibaba/{tea-openapi,core}/<case>.http|.json and keys.txt beside them.
The case name starts with the cause's id (a1 ... a9). Rust tests (crates/cloudsig-verify/tests/
differential_causes.rs) assert what cloudsig says about each one: valid, or the named diagnosis.

Usage and exit status as alibaba/capture.py: [--check] [--out DIR]; 0 / 1 differs / 2 failure / 3 unreachable.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import capture as cap  # noqa: E402  (alibaba/capture.py: determinism, runners, keys)

sys.path.pop(0)
harness = cap.harness

ECS = dict(host=cap.ECS_HOST, action="DescribeInstances", version="2014-05-26", style="RPC", pathname="/",
           req_body_type="formData", body_type="json")
ES_GET = dict(host=cap.ES_HOST, action="ListInstance", version="2017-06-13", style="ROA", method="GET",
              pathname="/openapi/instances", query={"page": "1"}, req_body_type="json", body_type="json")


def tea_cases():
    cases = []

    def add(case, description, **s):
        s.setdefault("algorithm", None)
        s.setdefault("cred", "ak")
        s.setdefault("query", None)
        s.setdefault("body", None)
        s.setdefault("headers", None)
        cases.append((case, description, s))

    add("a1-acs3-header-latin1", "A1: a caller header with a non-ASCII value (x-custom: caf\u00e9). The SDK "
        "signs its UTF-8; requests/http.client send a str header value as ISO-8859-1 (one byte 0xE9).",
        method="GET", query={"RegionId": "cn-hangzhou"}, headers={"x-custom": "caf\u00e9"}, **ECS)
    add("a1-roa-header-latin1", "A1: ROA v2 with x-acs-meta: caf\u00e9 (signed as UTF-8, sent as ISO-8859-1).",
        algorithm="v2", headers={"x-acs-meta": "caf\u00e9"}, **ES_GET)
    add("a2-rpc-raw-name-order", "A2: RPC v2 GET with names a/ and a. : sorted by raw name (a. < a/) before "
        "encoding, as the RPC documentation says; encoded, a%2F sorts before a. .", algorithm="v2",
        method="GET", query={"a/": "1", "a.": "2"}, **ECS)
    add("a3-rpc-form-put", "A3: RPC v2 PUT with a form body: the SDK sends and signs the body's parameters "
        "whatever the method; RPC is documented as GET/POST only.", algorithm="v2", method="PUT",
        query={"RegionId": "cn-hangzhou"}, body={"InstanceName": "web 1"}, **ECS)
    add("a4-acs3-query-name-space", "A4: ACS3 GET with a query name holding a space (a b): sent as a+b=1, "
        "signed with the name not percent-encoded (a b=1).", method="GET", query={"a b": "1"}, **ECS)
    add("a5-roa-acs-header-case", "A5: ROA v2 with caller headers x-acs-Meta and X-Acs-Other: only names "
        "starting with lower-case x-acs- are signed, and not lower-cased.", algorithm="v2",
        headers={"x-acs-Meta": "one", "X-Acs-Other": "two"}, **ES_GET)
    add("a6-roa-acs-value-not-trimmed", "A6: ROA v2 with x-acs-note: 'value ' (trailing space): signed as given; "
        "HTTP drops the trailing space.", algorithm="v2", headers={"x-acs-note": "value "}, **ES_GET)
    add("a8-acs3-path-dot-segment", "A8: ACS3 ROA GET with a path parameter '.' "
        "(/openapi/instances/./status): signed as given, removed by urllib3 as a dot segment before sending.",
        host=cap.ES_HOST, action="DescribeInstance", version="2017-06-13", style="ROA", method="GET",
        pathname="/openapi/instances/./status", req_body_type="json", body_type="json")
    add("a9-rpc-query-body-conflict", "A9: RPC v2 POST with RegionId in the query (cn-hangzhou) and in the "
        "form body (cn-beijing): the SDK merges the two maps (the body wins) and signs one pair.",
        algorithm="v2", method="POST", query={"RegionId": "cn-hangzhou"},
        body={"RegionId": "cn-beijing", "PageSize": "10"}, **ECS)
    return cases


def core_cases():
    cases = []

    def add(case, description, **s):
        s.setdefault("cred", "ak")
        s.setdefault("query", None)
        s.setdefault("body_params", None)
        s.setdefault("content", None)
        s.setdefault("headers", None)
        s.setdefault("uri_pattern", None)
        s.setdefault("path_params", None)
        cases.append((case, description, s))

    ecs = dict(host=cap.ECS_HOST, action="DescribeInstances", version="2014-05-26")
    es = dict(host=cap.ES_HOST, action="DescribeInstance", version="2017-06-13", method="GET")
    add("a2-core-rpc-raw-name-order", "A2: aliyunsdkcore RPC GET with names a/ and a. (sorted raw, then "
        "encoded).", method="GET", query={"a/": "1", "a.": "2"}, **ecs)
    add("a6-core-roa-acs-value-not-trimmed", "A6: aliyunsdkcore ROA GET with x-acs-note: 'value ' (trailing "
        "space signed; HTTP drops it).", uri_pattern="/openapi/instances", headers={"x-acs-note": "value "},
        **es)
    add("a8-core-roa-path-dot-segment", "A8: aliyunsdkcore ROA with path parameter '.': its vendored "
        "urllib3 1.22 does not remove dot segments, so what is signed is sent (verifies).",
        uri_pattern="/openapi/instances/[InstanceId]/status", path_params={"InstanceId": "."}, **es)
    add("a7-core-roa-path-param-space", "A7: aliyunsdkcore ROA with path parameter 'a b': substituted and "
        "signed raw (/openapi/instances/a b), percent-encoded by requests on the wire (a%20b).",
        uri_pattern="/openapi/instances/[InstanceId]", path_params={"InstanceId": "a b"}, **es)
    add("a9-core-rpc-regionid-in-body", "A9: aliyunsdkcore RPC POST with RegionId in the form body "
        "(cn-beijing) while the client adds its own RegionId (cn-hangzhou) to the query: merged, the body "
        "wins, one pair signed.", method="POST", body_params={"RegionId": "cn-beijing", "PageSize": "10"},
        **ecs)
    return cases


SDKS = [
    ("tea-openapi", tea_cases, cap.run_tea_case),
    ("core", core_cases, cap.run_core_case),
]


def run_cases(server):
    import alibabacloud_tea_openapi.utils as tea_utils
    det = cap.Determinism()
    det.install_tea(tea_utils)
    import aliyunsdkcore.client as core_client
    import aliyunsdkcore.utils.parameter_helper as core_helper
    det.install_core(core_helper, core_client)
    return {subdir: harness.capture_files(cases(), lambda *case: runner(*case, det, server))
            for subdir, cases, runner in SDKS}


HARNESS = harness.Harness(
    name="alibaba/causes.py",
    script=__file__,
    venv=cap.HARNESS.venv,
    requirements=cap.HARNESS.requirements,
    captures_root=os.path.join(harness.CAPTURES_SDK, "causes", "alibaba"),
    canned_body=cap.CANNED_BODY,
    real_host=cap.ECS_HOST,
    drop_env=cap.HARNESS.drop_env,
    home=cap.HARNESS.home,
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, cap.KEYS_TXT))
