#!/usr/bin/env python3
"""The official Alibaba Cloud Python SDKs as an oracle: raw captures of the requests they send.

Bootstrap (any python3 >= 3.8 with pip; 3.11 is the reference):
    creates vectors/oracle/.venv-alibaba (gitignored) and installs the pinned packages of requirements.txt
    beside this file (--no-deps: the list is the whole environment), then runs itself again inside that venv.

Capture (inside the venv):
    starts a capture server on 127.0.0.1 (ephemeral port) and gives each SDK client the real endpoint
    (ecs.aliyuncs.com, elasticsearch.cn-hangzhou.aliyuncs.com) with protocol "http" and the SDK's own http
    proxy option pointing at the capture server, so the SDK signs the real Host and the request line is
    absolute-form (`POST http://ecs.aliyuncs.com/?... HTTP/1.1`). The server records the raw bytes of each
    request and answers {"RequestId": "00000000-..."}.

    Nothing can leave the machine: socket.getaddrinfo and socket.socket.connect are wrapped so that any name
    but 127.0.0.1 and any address but the capture server's raises at once, every connection is checked after
    each case, proxy and ALIBABA_CLOUD_* variables are removed from the environment, and a request that did
    not reach the capture server (or a response that is not the canned one) fails the run.

    Determinism: the SDK's sources of time, randomness and platform are replaced in the SDK modules that read
    them (not the signing code): in alibabacloud_tea_openapi.utils `datetime.utcnow()` (x-acs-date,
    Timestamp, Date), `time.time()`, `random.getrandbits()` and `threading.get_ident()` (the md5 nonce) and
    `platform` (the signed User-Agent); in aliyunsdkcore the time and uuid sources of its signature
    composers and request helpers.

Output (per case, in vectors/captures/sdk/alibaba/<sdk>/ or --out DIR/<sdk>/):
    <case>.http   the request bytes exactly as received (request line, headers as sent, CRLF, body)
    <case>.json   what the SDK was asked to do (schema cloudsig-sdk-capture/1, "cloud": "alibaba")
and keys.txt (vectors/captures/sdk/alibaba/keys.txt): the fictitious credentials, `Id Secret [Token]`.

Usage:
    python3 vectors/oracle/alibaba/capture.py            # regenerate vectors/captures/sdk/alibaba/
    python3 vectors/oracle/alibaba/capture.py --check    # regenerate into a temp dir, exit 1 if anything differs
    python3 vectors/oracle/alibaba/capture.py --out DIR  # write DIR/<sdk>/*.http|json and DIR/keys.txt

Exit status: 0 done (or, with --check, the registry unreachable: committed captures kept), 1 captures differ
(--check), 2 any other failure, 3 the packages could not be installed (registry unreachable, without --check).
"""

import datetime as _dt
import hashlib
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402  (vectors/oracle/harness.py: bootstrap, network guard, capture server)
from harness import header_value  # noqa: E402

sys.path.pop(0)
SCHEMA = harness.SCHEMA
TIMESTAMP = 1551113065  # 2019-02-25T16:44:25Z (already 2019-02-26 in UTC+8)
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
CANNED_BODY = json.dumps({"RequestId": REQUEST_ID}).encode("ascii")

# The platform the signed User-Agent names (alibabacloud_tea_openapi) is fixed, so the captures do not depend on
# the machine: "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/<Tea> TeaDSL/2"; aliyunsdkcore's (unsigned)
# User-Agent also names the kernel release.
FIXED_PLATFORM = {"system": "Linux", "release": "6.1.0", "machine": "x86_64", "python_version": "3.11.7"}

AK_ID = "LTAI5tEXAMPLEEXAMPLE0000"
AK_SECRET = "EXAMPLEsecretEXAMPLEsecret0000"
STS_ID = "STS.NTEXAMPLEEXAMPLE0000000"
STS_SECRET = "EXAMPLEstsSecretEXAMPLEsts0000"
STS_TOKEN = "CAISEXAMPLEsecurityTokenEXAMPLE/+=0000"

KEYS_TXT = (
    "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
    "# Fictitious credentials used by the Alibaba Cloud SDK captures in this directory (vectors/oracle/alibaba/):\n"
    "# examples, not real keys. Format: AccessKeyId AccessKeySecret [SecurityToken]\n"
    "%s %s\n%s %s %s\n" % (AK_ID, AK_SECRET, STS_ID, STS_SECRET, STS_TOKEN)
)

ECS_HOST = "ecs.aliyuncs.com"
ES_HOST = "elasticsearch.cn-hangzhou.aliyuncs.com"


# ---------------------------------------------------------------------------
# Deterministic stand-ins
# ---------------------------------------------------------------------------

def case_bits(case, what, bits):
    digest = hashlib.sha256(("cloudsig-oracle/alibaba/%s/%s" % (case, what)).encode()).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - bits)


def case_uuid(case, n):
    import uuid
    digest = hashlib.sha256(("cloudsig-oracle/alibaba/%s/uuid/%d" % (case, n)).encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


FIXED_UTC = _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=TIMESTAMP)  # naive UTC, as utcnow() returns


class Determinism(object):
    """Fixed time, randomness, thread id and platform for the SDK modules, with per-case values."""

    def __init__(self):
        self.case = None
        self.reads = 0
        self.uuids = []

    def start(self, case):
        self.case = case
        self.reads = 0
        self.uuids = []

    def install_tea(self, utils_module):
        det = self

        class FixedDatetime(object):
            @staticmethod
            def utcnow():
                det.reads += 1
                return FIXED_UTC

        class FixedTime(object):
            @staticmethod
            def time():
                det.reads += 1
                return float(TIMESTAMP)

        class FixedRandom(object):
            @staticmethod
            def getrandbits(k):
                if k != 64:
                    raise AssertionError("unexpected random.getrandbits(%r) in the SDK" % (k,))
                return case_bits(det.case, "getrandbits", 64)

        class FixedThreading(object):
            @staticmethod
            def get_ident():
                return 140000000000000  # a plausible CPython thread id, the same on every machine

        class FixedPlatform(object):
            @staticmethod
            def system():
                return FIXED_PLATFORM["system"]

            @staticmethod
            def machine():
                return FIXED_PLATFORM["machine"]

            @staticmethod
            def python_version():
                return FIXED_PLATFORM["python_version"]

        # Only names the SDK module uses are provided, so any other use fails loudly.
        utils_module.datetime = FixedDatetime
        utils_module.time = FixedTime
        utils_module.random = FixedRandom
        utils_module.threading = FixedThreading
        utils_module.platform = FixedPlatform
        utils_module._seqId = 0

    def install_core(self, helper_module, client_module):
        """aliyunsdkcore: parameter_helper's time/random/threading (Timestamp, Date, SignatureNonce) and the
        platform named in the (unsigned) User-Agent."""
        import time as real_time
        det = self

        class FixedTime(object):
            @staticmethod
            def time():
                det.reads += 1
                return float(TIMESTAMP)

            @staticmethod
            def gmtime(secs=None):
                if secs is not None:
                    raise AssertionError("unexpected time.gmtime(%r) in the SDK" % (secs,))
                det.reads += 1
                return real_time.gmtime(TIMESTAMP)

            strftime = staticmethod(real_time.strftime)

        class FixedRandom(object):
            @staticmethod
            def getrandbits(k):
                if k != 64:
                    raise AssertionError("unexpected random.getrandbits(%r) in the SDK" % (k,))
                return case_bits(det.case, "getrandbits", 64)

        class FixedThread(object):
            ident = 140000000000000

        class FixedThreading(object):
            @staticmethod
            def current_thread():
                return FixedThread

        class FixedPlatform(object):
            @staticmethod
            def system():
                return FIXED_PLATFORM["system"]

            @staticmethod
            def release():
                return FIXED_PLATFORM["release"]

            @staticmethod
            def machine():
                return FIXED_PLATFORM["machine"]

            @staticmethod
            def python_version():
                return FIXED_PLATFORM["python_version"]

        helper_module.time = FixedTime
        helper_module.random = FixedRandom
        helper_module.threading = FixedThreading
        helper_module._process_start_time = TIMESTAMP * 1000  # set at import time from the real clock
        helper_module._seqId = 0
        client_module.platform = FixedPlatform


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

# Every special character the brief asks for, plus more, in one value: space * ~ / + = & % ' " and unicode.
SPECIAL = "a b*c~d/e+f=g&h%i'j\"k"
UNICODE = "\u672a\u547d\u540d caf\u00e9 \U0001F600"  # 未命名 café 😀 (3-, 2- and 4-byte UTF-8)

ES_CREATE_BODY = {
    "description": "es_java_sdk_cretest",
    "esAdminPassword": "<your_password>",
    "esVersion": "5.5.3_with_X-Pack",
    "networkConfig": {
        "type": "vpc",
        "vpcId": "vpc-bp16k1dvzxtmagcva****",
        "vsArea": "cn-hangzhou-i",
        "vswitchId": "vsw-bp1k4ec6s7sjdbudw****",
    },
    "nodeAmount": 2,
    "nodeSpec": {"disk": 20, "spec": "elasticsearch.n4.small"},
    "masterConfiguration": {"spec": "elasticsearch.n4.small", "amount": 1, "disk": 0},
    "paymentType": "postpaid",
}
ES_CLIENT_TOKEN = "5A2CFF0E-5718-45B5-9D4D-70B3FF****"
ES_INSTANCE = "es-cn-n6w1o1x0w001c****"
ES_UPGRADE_BODY = {"version": "ali1.2.0", "type": "aliVersion"}

ECS_QUERY = {
    "RegionId": "cn-hangzhou",
    "InstanceName": SPECIAL,
    "Description": UNICODE,
    "Tag.1.Key": "env",
    "Tag.1.Value": "",  # an empty value
    "PageSize": "10",
}
ECS_FORM = {
    "InstanceName": SPECIAL,
    "Tag": [{"Key": "env/\u73af\u5883", "Value": "prod blue"}],  # flattened by the SDK: Tag.1.Key
    "DryRun": True,
    "PageSize": 10,
    "Marker": "",
}


def tea_cases():
    """(case, description, settings) for alibabacloud-tea-openapi's generic call_api."""
    cases = []

    def add(case, description, **s):
        s.setdefault("algorithm", None)
        s.setdefault("cred", "ak")
        s.setdefault("query", None)
        s.setdefault("body", None)
        s.setdefault("headers", None)
        cases.append((case, description, s))

    es_create = dict(host=ES_HOST, action="createInstance", version="2017-06-13", style="ROA", method="POST",
                     pathname="/openapi/instances", query={"clientToken": ES_CLIENT_TOKEN}, body=ES_CREATE_BODY,
                     req_body_type="json", body_type="json")
    # The generated client puts the path parameter through Utils.get_encode_param (RFC 3986, '~' safe): '*'
    # becomes %2A in the pathname given to the SDK.
    es_upgrade = dict(host=ES_HOST, action="UpgradeEngineVersion", version="2017-06-13", style="ROA",
                      method="POST", pathname="/openapi/instances/%s/actions/upgrade-version" % (
                          "es-cn-n6w1o1x0w001c%2A%2A%2A%2A"),
                      query={"dryRun": "true"}, body=ES_UPGRADE_BODY, req_body_type="json", body_type="json")
    ecs_get = dict(host=ECS_HOST, action="DescribeInstances", version="2014-05-26", style="RPC", method="GET",
                   pathname="/", query=ECS_QUERY, req_body_type="formData", body_type="json")
    ecs_post = dict(host=ECS_HOST, action="DescribeInstances", version="2014-05-26", style="RPC",
                    method="POST", pathname="/", query={"RegionId": "cn-hangzhou"}, body=ECS_FORM,
                    req_body_type="formData", body_type="json")

    # --- ACS3-HMAC-SHA256 (the default) --------------------------------------------------------------------
    add("acs3-es-create-instance", "ACS3-HMAC-SHA256, ROA POST /openapi/instances (seed "
        "alibaba-es-createInstance): query clientToken, JSON body (compact, raw UTF-8), every header the SDK "
        "sets is signed.", **es_create)
    add("acs3-es-upgrade-version", "ACS3-HMAC-SHA256, ROA POST /openapi/instances/{InstanceId}/actions/"
        "upgrade-version?dryRun=true (seed alibaba-es-upgrade-version): '*' in the path as %2A, JSON body.",
        **es_upgrade)
    add("acs3-es-create-instance-sts", "ACS3-HMAC-SHA256 with STS credentials: x-acs-accesskey-id and "
        "x-acs-security-token headers, both signed.", cred="sts", **es_create)
    add("acs3-ecs-get", "ACS3-HMAC-SHA256, RPC GET DescribeInstances: query values with space * ~ / + = & % "
        "' \", unicode and an empty value; the wire query is urlencode()d (space '+') while the canonical "
        "query is RFC 3986 (space %20).", **ecs_get)
    add("acs3-ecs-get-sts", "ACS3-HMAC-SHA256, RPC GET with STS credentials.", cred="sts", **ecs_get)
    add("acs3-ecs-post-form", "ACS3-HMAC-SHA256, RPC POST with a form body (nested Tag list flattened to "
        "Tag.1.Key, boolean True, integer, empty value) and a query.", **ecs_post)
    add("acs3-roa-get-headers", "ACS3-HMAC-SHA256, ROA GET with no body and caller headers: an x-acs-* header "
        "(inner double space and a trailing space: trimmed, not collapsed) and a non-x-acs header with capitals (both signed: the SDK signs every header it sends).",
        host=ES_HOST, action="ListInstance", version="2017-06-13", style="ROA", method="GET",
        pathname="/openapi/instances", query={"page": "1", "size": "10", "description": SPECIAL,
                                             "tags": UNICODE},
        headers={"x-acs-caller-note": "inner  spaces, trailing ", "X-Custom-Header": "Mixed Case"},
        req_body_type="json", body_type="json")
    add("acs3-roa-post-json-unicode", "ACS3-HMAC-SHA256, ROA PUT with a JSON body holding unicode (raw UTF-8, "
        "ensure_ascii=False), special characters, a boolean, null and an empty list; compact separators.",
        host=ES_HOST, action="UpdateDescription", version="2017-06-13", style="ROA", method="PUT",
        pathname="/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/description",
        query={"clientToken": ES_CLIENT_TOKEN},
        body={"description": UNICODE, "name": SPECIAL, "enabled": True, "ratio": 0.5, "tags": [], "none": None},
        req_body_type="json", body_type="json")
    add("acs3-es-upgrade-version-generated-query", "ACS3-HMAC-SHA256, the upgrade-version seed call with its "
        "query built the way the generated alibabacloud_elasticsearch20170613 client builds it: "
        "Utils.query({'dryRun': True, 'clientToken': ...}) -> str(True) = 'True' (capitalised).",
        generated_query={"dryRun": True, "clientToken": ES_CLIENT_TOKEN},
        **dict(es_upgrade, query=None))
    add("acs3-ecs-get-empty", "ACS3-HMAC-SHA256, RPC GET with no parameters: empty canonical query, no '?'.",
        **dict(ecs_get, query=None))
    # --- ACS3-HMAC-SM3 -------------------------------------------------------------------------------------
    add("acs3-sm3-es-create-instance", "Config(signature_algorithm='ACS3-HMAC-SM3'): the same ROA POST, "
        "hashes and HMAC in SM3.", algorithm="ACS3-HMAC-SM3", **es_create)
    add("acs3-sm3-ecs-post-form", "ACS3-HMAC-SM3, RPC POST with a form body: x-acs-content-sha256 holds the "
        "SM3 hash (the header keeps its sha256 name).", algorithm="ACS3-HMAC-SM3", **ecs_post)
    add("acs3-sm3-ecs-get-sts", "ACS3-HMAC-SM3, RPC GET with STS credentials.", algorithm="ACS3-HMAC-SM3",
        cred="sts", **ecs_get)
    # --- signature_algorithm='v2': RPC HMAC-SHA1 and ROA HMAC-SHA1 ------------------------------------------
    add("rpc-ecs-get", "Config(signature_algorithm='v2'), RPC style: do_rpcrequest, HMAC-SHA1 Signature "
        "parameter over GET&%2F&percent(sorted query).", algorithm="v2", **ecs_get)
    add("rpc-ecs-get-sts", "RPC HMAC-SHA1 GET with STS credentials: SecurityToken parameter (signed).",
        algorithm="v2", cred="sts", **ecs_get)
    add("rpc-ecs-post-form", "RPC HMAC-SHA1 POST: form body parameters are signed together with the query "
        "(POST&%2F&...).", algorithm="v2", **ecs_post)
    dup = dict(ecs_post, body=dict(ECS_FORM, RegionId="cn-hangzhou"))
    add("rpc-ecs-post-duplicate-name", "RPC HMAC-SHA1 POST with RegionId both in the query and in the form body "
        "(same value): the SDK merges query and body into one map before signing, so the name is signed once "
        "although it is sent twice.", algorithm="v2", **dup)
    add("roa-es-create-instance", "Config(signature_algorithm='v2'), ROA style with JSON body: "
        "do_roarequest, Authorization: acs AK:base64(HMAC-SHA1), Content-MD5, Date, x-acs-signature-*.",
        algorithm="v2", **es_create)
    add("roa-es-upgrade-version", "ROA HMAC-SHA1, seed upgrade-version call (path with %2A, query "
        "dryRun=true).", algorithm="v2", **es_upgrade)
    add("roa-es-create-instance-sts", "ROA HMAC-SHA1 with STS credentials: x-acs-security-token header.",
        algorithm="v2", cred="sts", **es_create)
    add("roa-get-headers", "ROA HMAC-SHA1 GET with query (special characters, unicode) and caller headers "
        "(x-acs-* signed, others not).", algorithm="v2",
        host=ES_HOST, action="ListInstance", version="2017-06-13", style="ROA", method="GET",
        pathname="/openapi/instances", query={"page": "1", "size": "10", "description": SPECIAL,
                                             "tags": UNICODE, "empty": ""},
        headers={"x-acs-caller-note": "note", "X-Custom-Header": "Mixed Case"},
        req_body_type="json", body_type="json")
    return cases


def scheme_of(s):
    if s["algorithm"] in (None, "ACS3-HMAC-SHA256"):
        return "ACS3-HMAC-SHA256"
    if s["algorithm"] == "ACS3-HMAC-SM3":
        return "ACS3-HMAC-SM3"
    return "RPC-HMAC-SHA1" if s["style"] == "RPC" else "ROA-HMAC-SHA1"


def run_tea_case(case, description, s, det, server):
    from alibabacloud_tea_openapi.client import Client
    from alibabacloud_tea_openapi import utils_models as m
    from darabonba.runtime import RuntimeOptions

    det.start(case)
    if s["cred"] == "ak":
        cred_info = {"access_key_id": AK_ID, "access_key_secret": AK_SECRET, "security_token": None}
    else:
        cred_info = {"access_key_id": STS_ID, "access_key_secret": STS_SECRET, "security_token": STS_TOKEN}
    config = m.Config(access_key_id=cred_info["access_key_id"], access_key_secret=cred_info["access_key_secret"],
                      security_token=cred_info["security_token"], endpoint=s["host"], protocol="http",
                      http_proxy=server.proxy, read_timeout=10000,
                      connect_timeout=10000)
    if s["algorithm"] is not None:
        config.signature_algorithm = s["algorithm"]
    client = Client(config)
    params = m.Params(action=s["action"], version=s["version"], protocol="HTTP", pathname=s["pathname"],
                      method=s["method"], auth_type="AK", style=s["style"], req_body_type=s["req_body_type"],
                      body_type=s["body_type"])
    req_kwargs = {}
    if s["query"] is not None:
        req_kwargs["query"] = dict(s["query"])
    if s.get("generated_query") is not None:
        from alibabacloud_tea_openapi.utils import Utils
        req_kwargs["query"] = Utils.query(s["generated_query"])
    if s["body"] is not None:
        req_kwargs["body"] = json.loads(json.dumps(s["body"]))
    if s["headers"] is not None:
        req_kwargs["headers"] = dict(s["headers"])
    request = m.OpenApiRequest(**req_kwargs)
    runtime = RuntimeOptions(autoretry=False, max_attempts=0)
    server.expect()
    result = client.call_api(params, request, runtime)
    raw = server.take_one(case, ("%s http://%s/" % (s["method"], s["host"])).encode())
    body = result.get("body") if isinstance(result, dict) else None
    if not isinstance(body, dict) or body.get("RequestId") != REQUEST_ID:
        raise RuntimeError("%s: the SDK did not return the capture server's canned response: %r" % (case, result))
    if det.reads == 0:
        raise RuntimeError("%s: the SDK did not read the patched clock" % case)
    scheme = scheme_of(s)
    if scheme.startswith("ACS3"):
        date, nonce = header_value(raw, b"x-acs-date"), header_value(raw, b"x-acs-signature-nonce")
    elif scheme == "ROA-HMAC-SHA1":
        date, nonce = header_value(raw, b"date"), header_value(raw, b"x-acs-signature-nonce")
    else:
        from urllib.parse import parse_qs, urlsplit
        target = raw.split(b" ", 2)[1].decode("ascii")
        q = parse_qs(urlsplit(target).query, keep_blank_values=True)
        date, nonce = q["Timestamp"][0], q["SignatureNonce"][0]
    meta = {
        "schema": SCHEMA,
        "cloud": "alibaba",
        "sdk": {"name": "alibabacloud-tea-openapi", "version": version_of("alibabacloud-tea-openapi"),
                "stack": {n: version_of(n) for n in ("alibabacloud-tea", "darabonba-core", "requests",
                                                      "urllib3")}},
        "case": case,
        "description": description,
        "scheme": scheme,
        "credentials": cred_info,
        "timestamp": TIMESTAMP,
        "date": date,
        "nonce": nonce,
        "host": s["host"],
        "action": s["action"],
        "version": s["version"],
        "style": s["style"],
        "method": s["method"],
        "pathname": s["pathname"],
        "query": s["query"] if s.get("generated_query") is None else req_kwargs["query"],
        "headers": s["headers"],
        "body": s["body"],
        "options": {
            "api": "Client.call_api(Params, OpenApiRequest, RuntimeOptions)",
            "query_built_by": (None if s.get("generated_query") is None else
                               "Utils.query(%r)" % (s["generated_query"],)),
            "signature_algorithm": s["algorithm"],
            "req_body_type": s["req_body_type"],
            "body_type": s["body_type"],
            "auth_type": "AK",
            "transport": "Config(endpoint=host, protocol='http', http_proxy='http://127.0.0.1:<capture port>'): "
                         "absolute-form request line, real Host",
            "fixed_platform": FIXED_PLATFORM,
        },
    }
    return raw, meta


def version_of(name):
    from importlib.metadata import version
    return version(name)


def core_cases():
    """(case, description, settings) for aliyun-python-sdk-core's CommonRequest."""
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

    ecs = dict(host=ECS_HOST, action="DescribeInstances", version="2014-05-26")
    es_create = dict(host=ES_HOST, action="createInstance", version="2017-06-13", method="POST",
                     uri_pattern="/openapi/instances", query={"clientToken": ES_CLIENT_TOKEN},
                     content=ES_CREATE_BODY, headers={"Content-Type": "application/json"})
    add("core-rpc-ecs-get", "aliyunsdkcore RPC GET: Signature parameter (HMAC-SHA1, key secret + '&'), "
        "SignatureType='' sent and signed, query values with space * ~ / + = & % ' \", unicode, an empty value.",
        method="GET", query=ECS_QUERY, **ecs)
    add("core-rpc-ecs-get-sts", "aliyunsdkcore RPC GET with STS credentials: SecurityToken parameter.",
        method="GET", cred="sts", query=ECS_QUERY, **ecs)
    add("core-rpc-ecs-post-form", "aliyunsdkcore RPC POST: add_body_params -> form body (urlencode), signed "
        "with the query parameters; booleans as given (str()).", method="POST",
        query={"RegionId": "cn-hangzhou"},
        body_params={"InstanceName": SPECIAL, "Tag.1.Key": "env/\u73af\u5883", "Tag.1.Value": "prod blue",
                     "DryRun": "true", "PageSize": "10", "Marker": ""}, **ecs)
    add("core-roa-es-create-instance", "aliyunsdkcore ROA POST /openapi/instances (seed createInstance): "
        "CommonRequest with uri_pattern, set_content(JSON) and Content-Type application/json; Content-MD5 sent "
        "and signed; the SDK adds RegionId to the query and x-acs-region-id.", **es_create)
    add("core-roa-es-create-instance-sts", "aliyunsdkcore ROA POST with STS credentials: x-acs-security-token.",
        cred="sts", **es_create)
    add("core-roa-es-upgrade-version", "aliyunsdkcore ROA POST /openapi/instances/[InstanceId]/actions/"
        "upgrade-version?dryRun=true (seed upgrade-version): path parameter substituted raw ('*' unencoded).",
        host=ES_HOST, action="UpgradeEngineVersion", version="2017-06-13", method="POST",
        uri_pattern="/openapi/instances/[InstanceId]/actions/upgrade-version",
        path_params={"InstanceId": ES_INSTANCE}, query={"dryRun": "true"}, content=ES_UPGRADE_BODY,
        headers={"Content-Type": "application/json"})
    add("core-roa-get-query", "aliyunsdkcore ROA GET with query values holding space * ~ / + = & % ' \", "
        "unicode and an empty value, and caller headers (x-acs-* signed, others not).",
        host=ES_HOST, action="ListInstance", version="2017-06-13", method="GET",
        uri_pattern="/openapi/instances", query={"page": "1", "description": SPECIAL, "tags": UNICODE,
                                                 "empty": ""},
        headers={"x-acs-caller-note": "note", "X-Custom-Header": "Mixed Case"})
    return cases


def core_scheme(s):
    return "ROA-HMAC-SHA1" if s["uri_pattern"] else "RPC-HMAC-SHA1"


def run_core_case(case, description, s, det, server):
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    from aliyunsdkcore.auth.credentials import AccessKeyCredential, StsTokenCredential

    det.start(case)
    if s["cred"] == "ak":
        cred_info = {"access_key_id": AK_ID, "access_key_secret": AK_SECRET, "security_token": None}
        cred = AccessKeyCredential(AK_ID, AK_SECRET)
    else:
        cred_info = {"access_key_id": STS_ID, "access_key_secret": STS_SECRET, "security_token": STS_TOKEN}
        cred = StsTokenCredential(STS_ID, STS_SECRET, STS_TOKEN)
    client = AcsClient(region_id="cn-hangzhou", credential=cred, auto_retry=False, max_retry_time=0,
                       timeout=10, connect_timeout=10, proxy={"http": server.proxy})
    req = CommonRequest(domain=s["host"], version=s["version"], action_name=s["action"],
                        uri_pattern=s["uri_pattern"])
    req.set_protocol_type("http")
    req.set_method(s["method"])
    req.set_accept_format("JSON")
    for k, v in (s["query"] or {}).items():
        req.add_query_param(k, v)
    for k, v in (s["body_params"] or {}).items():
        req.add_body_params(k, v)
    for k, v in (s["path_params"] or {}).items():
        req.add_path_param(k, v)
    for k, v in (s["headers"] or {}).items():
        req.add_header(k, v)
    if s["content"] is not None:
        req.set_content(json.dumps(s["content"], separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    server.expect()
    body = client.do_action_with_exception(req)
    raw = server.take_one(case, ("%s http://%s/" % (s["method"], s["host"])).encode())
    if json.loads(body).get("RequestId") != REQUEST_ID:
        raise RuntimeError("%s: the SDK did not return the capture server's canned response: %r" % (case, body))
    if det.reads == 0:
        raise RuntimeError("%s: the SDK did not read the patched clock" % case)
    scheme = core_scheme(s)
    if scheme == "ROA-HMAC-SHA1":
        date, nonce = header_value(raw, b"date"), header_value(raw, b"x-acs-signature-nonce")
    else:
        from urllib.parse import parse_qs, urlsplit
        target = raw.split(b" ", 2)[1].decode("ascii")
        q = parse_qs(urlsplit(target).query, keep_blank_values=True)
        date, nonce = q["Timestamp"][0], q["SignatureNonce"][0]
    meta = {
        "schema": SCHEMA,
        "cloud": "alibaba",
        "sdk": {"name": "aliyun-python-sdk-core", "version": version_of("aliyun-python-sdk-core"),
                "stack": {"requests (vendored)": vendored_requests_version()}},
        "case": case,
        "description": description,
        "scheme": scheme,
        "credentials": cred_info,
        "timestamp": TIMESTAMP,
        "date": date,
        "nonce": nonce,
        "host": s["host"],
        "action": s["action"],
        "version": s["version"],
        "style": "ROA" if s["uri_pattern"] else "RPC",
        "method": s["method"],
        "pathname": s["uri_pattern"] or "/",
        "path_params": s["path_params"],
        "query": s["query"],
        "headers": s["headers"],
        "body": s["content"] if s["content"] is not None else s["body_params"],
        "options": {
            "api": "AcsClient.do_action_with_exception(CommonRequest)",
            "region_id": "cn-hangzhou",
            "accept_format": "JSON",
            "body_encoding": ("set_content(json.dumps(body, separators=(',', ':'), ensure_ascii=False)"
                              ".encode())" if s["content"] is not None else
                              ("add_body_params (form)" if s["body_params"] else None)),
            "transport": "CommonRequest(domain=host), set_protocol_type('http'), AcsClient(proxy={'http': "
                         "'http://127.0.0.1:<capture port>'}): absolute-form request line, real Host",
            "fixed_platform": FIXED_PLATFORM,
        },
    }
    return raw, meta


def vendored_requests_version():
    from aliyunsdkcore.vendored.requests import __version__ as v
    return v.__version__ if hasattr(v, "__version__") else str(v)


SDKS = [
    # (subdirectory, case list, runner)
    ("tea-openapi", tea_cases, run_tea_case),
    ("core", core_cases, run_core_case),
]


def run_cases(server):
    """Inside the venv, behind the network guard: every case through both SDKs, {sdk subdir: {file: bytes}}."""
    import alibabacloud_tea_openapi.utils as tea_utils
    det = Determinism()
    det.install_tea(tea_utils)
    import aliyunsdkcore.client as core_client
    import aliyunsdkcore.utils.parameter_helper as core_helper
    det.install_core(core_helper, core_client)
    return {subdir: harness.capture_files(cases(), lambda *case: runner(*case, det, server))
            for subdir, cases, runner in SDKS}


HARNESS = harness.Harness(
    name="alibaba/capture.py",
    script=__file__,
    venv=os.path.join(harness.ORACLE_DIR, ".venv-alibaba"),
    requirements=os.path.join(HERE, "requirements.txt"),
    captures_root=os.path.join(harness.CAPTURES_SDK, "alibaba"),
    canned_body=CANNED_BODY,
    real_host=ECS_HOST,
    # No Alibaba Cloud credential variables, no ~/.alibabacloud or ~/.aliyun files, no DEBUG switch.
    drop_env=("ALIBABA_CLOUD_", "ALICLOUD_", "DEBUG"),
    home=tempfile.gettempdir(),
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, KEYS_TXT))
