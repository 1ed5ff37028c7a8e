#!/usr/bin/env python3
"""The official Tencent Cloud Python SDK as an oracle: raw captures of the requests it sends.

Bootstrap (any python3 >= 3.8 with pip; 3.11 is the reference):
    creates vectors/oracle/.venv (gitignored) and installs the pinned packages of requirements.txt beside this
    file (tencentcloud-sdk-python-common and the exact requests/urllib3 stack), then runs itself again inside
    that venv.

Capture (inside the venv):
    starts a capture server on 127.0.0.1 (ephemeral port) and makes the SDK's CommonClient call it as its HTTP
    proxy, with protocol "http" and the real endpoint cvm.tencentcloudapi.com, so the SDK signs the real Host
    and the request line is absolute-form (`POST http://cvm.tencentcloudapi.com/ HTTP/1.1`). The server records
    the raw bytes of each request and answers {"Response": {"RequestId": "00000000-..."}}.

    Nothing can leave the machine: socket.getaddrinfo and socket.socket.connect are wrapped so that any name
    but 127.0.0.1 and any address but the capture server's raises at once, every connection is checked after
    each case, proxy variables are removed from the environment, and a request that did not reach the capture
    server (or a response that is not the canned one) fails the run.

    Determinism: inside tencentcloud.common.abstract_client only, `time`, `random` and `uuid` are replaced by
    fixed stand-ins (time.time() -> 1551113065, random.randint(1, sys.maxsize) -> the case's nonce,
    uuid.uuid4() -> UUIDs derived from the case name: first the X-TC-TraceId, then the multipart boundary).

Output (per case, in vectors/captures/sdk/python/ or --out DIR):
    <case>.http   the request bytes exactly as received (request line, headers as sent, CRLF, body)
    <case>.json   what the SDK was asked to do (schema cloudsig-sdk-capture/1)
and ../keys.txt (vectors/captures/sdk/keys.txt): the two fictitious credentials, for `cloudsig verify`.

Usage:
    python3 vectors/oracle/python/capture.py            # regenerate vectors/captures/sdk/python/
    python3 vectors/oracle/python/capture.py --check    # regenerate into a temp dir, exit 1 if anything differs
    python3 vectors/oracle/python/capture.py --out DIR  # write DIR/python/*.http|json and DIR/keys.txt

Exit status: 0 done (or, with --check, the registry unreachable: committed captures kept), 1 captures differ
(--check), 2 any other failure, 3 the packages could not be installed (registry unreachable, without --check).
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402  (vectors/oracle/harness.py: bootstrap, network guard, capture server)

sys.path.pop(0)
SUBDIR = "python"
SCHEMA = harness.SCHEMA
SDK_NAME = "tencentcloud-sdk-python-common"
SERVICE = "cvm"
HOST = "cvm.tencentcloudapi.com"
REGION = "ap-guangzhou"
VERSION = "2017-03-12"
TIMESTAMP = 1551113065
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
CANNED_BODY = json.dumps({"Response": {"RequestId": REQUEST_ID}}).encode("ascii")

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TEMP_ID = "AKIDtemporaryEXAMPLE0000000000000000"
TEMP_KEY = "TempKeyEXAMPLE00000000000000000000"
TEMP_TOKEN = "tokenEXAMPLE123"

KEYS_TXT = (
    "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
    "# Fictitious credentials used by the SDK captures in this directory (vectors/oracle/): documentation\n"
    "# examples, not real keys. Format: SecretId SecretKey [Token]\n"
    "%s %s\n%s %s %s\n" % (SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN)
)


# ---------------------------------------------------------------------------
# Deterministic stand-ins for time, random and uuid inside the SDK module
# ---------------------------------------------------------------------------

def case_uuid(case, n):
    import uuid
    digest = hashlib.sha256(("cloudsig-oracle/python/%s/%d" % (case, n)).encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def case_nonce(case):
    """A nonce the way the SDK draws it (random.randint(1, sys.maxsize)), fixed per case."""
    digest = hashlib.sha256(("cloudsig-oracle/python/nonce/%s" % case).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 9223372036854775807 + 1


class Determinism(object):
    def __init__(self):
        self.case = None
        self.uuids = []
        self.nonces = []
        self.times = 0

    def start(self, case):
        self.case = case
        self.uuids = []
        self.nonces = []
        self.times = 0

    def install(self, module):
        det = self

        class FixedTime(object):
            @staticmethod
            def time():
                det.times += 1
                return float(TIMESTAMP)

        class FixedRandom(object):
            @staticmethod
            def randint(a, b):
                if (a, b) != (1, sys.maxsize):
                    raise AssertionError("unexpected random.randint(%r, %r) in the SDK" % (a, b))
                n = case_nonce(det.case)
                det.nonces.append(n)
                return n

        class FixedUUID(object):
            @staticmethod
            def uuid4():
                u = case_uuid(det.case, len(det.uuids))
                det.uuids.append(u)
                return u

        # Only names the SDK module uses are provided, so any other use fails loudly.
        module.time = FixedTime
        module.random = FixedRandom
        module.uuid = FixedUUID


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

# Every special character the brief asks for, plus '%' and '"', in one value.
SPECIAL = "a b+c~d*e'f/g=h&i%j\"k"
UNNAMED = "\u672a\u547d\u540d"  # 未命名
ASTRAL = "caf\u00e9 \U0001F600"  # 2-byte and 4-byte UTF-8 (a UTF-16 surrogate pair in JSON escapes)

TC3_POST_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]},
    ],
    "InstanceIds": ["ins-09dx96dg", "ins-0ymqd9ho"],
    "Offset": 0,
    "Limit": 20,
    "DryRun": True,
    "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
}

TC3_GET_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "tag:env", "Values": ["prod/blue"]},
    ],
    "InstanceIds": ["ins-09dx96dg"],
    "Limit": 20,
    "DryRun": False,
    "Placement": {"Zone": "ap-guangzhou-3"},
}

V1_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "zone", "Values": ["ap-guangzhou-3"]},
    ],
    "InstanceIds": ["ins-09dx96dg", "ins-0ymqd9ho"],
    "Limit": 20,
    "DryRun": True,
    "Zone_Id": "ap-guangzhou-3",  # `_` in a name: signed as `Zone.Id`, sent as `Zone_Id`
    "ZoneIds": ["ap-guangzhou-3"],  # `ZoneIds.0` sorts after `Zone_Id` but before `Zone.Id`
    "Description": "",  # empty string: sent and signed
    "Marker": None,  # None: dropped
    "Tags": [],  # empty list: dropped
}

MULTIPART_PARAMS = {
    "Name": UNNAMED + " " + SPECIAL,
    "Filters": [{"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]}],
    "Meta": {"Kind": "text", "Ok": True},
    "File": "hello, multipart\r\n\u672a\u547d\u540d\n",  # sent as bytes (BinaryParams)
}

OCTET_BODY = b"\x00\x01binary body\r\n\xff\xfe" + UNNAMED.encode("utf-8")


def case_list():
    """(case, description, settings). settings: cred (main|temp), sign, method, params, and options."""
    main, temp = "main", "temp"
    cases = []

    def add(case, description, **s):
        s.setdefault("cred", main)
        s.setdefault("sign", "TC3-HMAC-SHA256")
        s.setdefault("method", "POST")
        s.setdefault("language", "zh-CN")
        s.setdefault("region", REGION)
        s.setdefault("endpoint", HOST)
        s.setdefault("action", "DescribeInstances")
        cases.append((case, description, s))

    # --- TC3 ---------------------------------------------------------------------------------------------
    add("tc3-post-json", "TC3 POST application/json (the SDK default): nested arrays and objects, a boolean, "
        "non-ASCII text and special characters in json.dumps output with default separators.",
        params=TC3_POST_PARAMS)
    add("tc3-post-json-token", "TC3 POST JSON with temporary credentials: the token is sent in X-TC-Token "
        "(unsigned header).", cred=temp, params=TC3_POST_PARAMS)
    add("tc3-post-json-en-us", "TC3 POST JSON with language en-US and a custom request_client, which the SDK "
        "appends to X-TC-RequestClient after '; '.", params={"Limit": 1, "Offset": 0}, language="en-US",
        request_client="cloudsig-oracle")
    add("tc3-post-json-empty", "TC3 POST JSON with no parameters: the body is '{}'.", params={})
    add("tc3-post-json-no-region", "TC3 POST JSON with an empty region: the SDK omits X-TC-Region.",
        params={"Limit": 1}, region="")
    add("tc3-post-json-unsigned-payload", "TC3 POST JSON with profile.unsignedPayload: header "
        "X-TC-Content-SHA256: UNSIGNED-PAYLOAD, the hashed payload is sha256('UNSIGNED-PAYLOAD').",
        params=TC3_POST_PARAMS, unsigned_payload=True)
    add("tc3-post-json-keepalive", "TC3 POST JSON with httpProfile.keepAlive: the SDK sets "
        "'Connection: Keep-Alive', replacing requests' 'keep-alive'.", params={"Limit": 1}, keep_alive=True)
    add("tc3-post-json-traceid", "TC3 POST JSON with a caller-supplied X-TC-TraceId header (the SDK then "
        "draws no uuid) and an extra custom header, both unsigned.", params={"Limit": 1},
        headers={"X-TC-TraceId": "cloudsig-trace-0001", "X-Custom": "Value With Caps"})
    add("tc3-post-json-lowercase-action", "TC3 POST JSON called with action 'describeInstances': the SDK "
        "upper-cases the first letter for X-TC-Action.", params={"Limit": 1}, action="describeInstances")
    add("tc3-post-json-endpoint-port", "TC3 POST JSON with endpoint 'cvm.tencentcloudapi.com:8080': the SDK "
        "signs and sends the Host with its port; the credential scope service is still 'cvm'.",
        params={"Limit": 1}, endpoint=HOST + ":8080")
    add("tc3-get-query", "TC3 GET: parameters flattened (Filters.0.Values.1) and urlencode()d in insertion "
        "order (space as '+'), booleans as 'False', Content-Type application/x-www-form-urlencoded on a "
        "bodiless GET; the canonical query is the query as sent, the payload is empty.",
        method="GET", params=TC3_GET_PARAMS)
    add("tc3-get-token", "TC3 GET with temporary credentials (X-TC-Token).", method="GET", cred=temp,
        params=TC3_GET_PARAMS)
    add("tc3-get-unsigned-payload", "TC3 GET with profile.unsignedPayload: X-TC-Content-SHA256: "
        "UNSIGNED-PAYLOAD on a GET, so the payload hash is sha256('UNSIGNED-PAYLOAD') instead of sha256('').",
        method="GET", params=TC3_GET_PARAMS, unsigned_payload=True)
    add("tc3-get-empty", "TC3 GET with no parameters: the URL ends in '?' with an empty query.",
        method="GET", params={})
    add("tc3-multipart", "TC3 POST multipart/form-data (options IsMultipart, BinaryParams=['File']): "
        "boundary uuid4().hex, lists and objects as JSON parts with their own Content-Type, 'File' as raw "
        "bytes with a filename.", params=MULTIPART_PARAMS, multipart=True, binary_params=["File"])
    add("tc3-multipart-from-hmacsha256", "signMethod HmacSHA256 with IsMultipart: the SDK switches to TC3 "
        "(multipart cannot be v1-signed).", sign="HmacSHA256", params=MULTIPART_PARAMS, multipart=True,
        binary_params=["File"])
    add("tc3-multipart-token-unsigned-payload", "TC3 multipart with temporary credentials and "
        "unsignedPayload.", cred=temp, params=MULTIPART_PARAMS, multipart=True, binary_params=["File"],
        unsigned_payload=True)
    add("tc3-octet-stream", "TC3 POST application/octet-stream via call_octet_stream: the body is the bytes "
        "given, caller headers are sent unsigned, no X-TC-TraceId.", api="call_octet_stream",
        action="UploadBlob", params=None, body=OCTET_BODY, headers={"X-TC-Payload-Name": "blob.bin"})
    # --- skip-sign -----------------------------------------------------------------------------------------
    add("skip-post-json", "options SkipSign with permanent credentials: Authorization: SKIP, TC3-style "
        "headers, nothing signed.", params=TC3_POST_PARAMS, skip_sign=True)
    add("skip-post-json-token", "options SkipSign with temporary credentials: the SDK drops X-TC-Token.",
        cred=temp, params=TC3_POST_PARAMS, skip_sign=True)
    add("skip-get-from-hmacsha1", "options SkipSign with signMethod HmacSHA1 and GET: skip-sign wins, the "
        "request is TC3-shaped (X-TC-* headers, urlencoded query) with Authorization: SKIP.",
        sign="HmacSHA1", method="GET", params=TC3_GET_PARAMS, skip_sign=True)
    # --- v1 ----------------------------------------------------------------------------------------------
    for sign in ("HmacSHA1", "HmacSHA256"):
        short = "sha1" if sign == "HmacSHA1" else "sha256"
        for method in ("GET", "POST"):
            for cred in (main, temp):
                case = "v1-%s-%s%s" % (short, method.lower(), "-token" if cred == temp else "")
                where = "query" if method == "GET" else "application/x-www-form-urlencoded body"
                add(case, "v1 %s %s%s: parameters (flattened, booleans 'True', `_` name, empty string kept, "
                    "None and [] dropped, SDK-added Nonce/Timestamp/RequestClient/Language/SignatureMethod) "
                    "urlencode()d in the %s; string to sign with raw values, `_` read as `.`." % (
                        sign, method, " with temporary credentials (Token parameter)" if cred == temp else "",
                        where),
                    sign=sign, method=method, cred=cred, params=V1_PARAMS)
    add("v1-sha1-post-underscore-nested", "v1 HmacSHA1 POST with `_` in nested names and in values: "
        "'Filter_Set.0.Tag_Key' is signed as 'Filter.Set.0.Tag.Key'; values (and RequestClient "
        "'SDK_PYTHON_...') keep their `_`.", sign="HmacSHA1",
        params={"Filter_Set": [{"Tag_Key": "a_b", "Values": ["x_y", False]}], "A_B": "1", "AB": "2"})
    add("v1-sha256-get-endpoint-port", "v1 HmacSHA256 GET with endpoint 'cvm.tencentcloudapi.com:8080': the "
        "string to sign starts 'GETcvm.tencentcloudapi.com:8080/?'.", sign="HmacSHA256", method="GET",
        params={"Limit": 1}, endpoint=HOST + ":8080")
    add("v1-sha256-post-en-us-request-client", "v1 HmacSHA256 POST with language en-US and a custom "
        "request_client: RequestClient 'SDK_PYTHON_3.x; cloudsig-oracle' holds a space and a ';'.",
        sign="HmacSHA256", params={"Limit": 1, "Name": SPECIAL}, language="en-US",
        request_client="cloudsig-oracle")
    return cases


def json_params(params):
    """The parameters as given to the SDK, in JSON (the File part of multipart is given as UTF-8 bytes)."""
    return params


def run_case(case, description, s, det, server):
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    det.start(case)
    if s["cred"] == "main":
        cred_info = {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "token": None}
        cred = credential.Credential(SECRET_ID, SECRET_KEY)
    else:
        cred_info = {"secret_id": TEMP_ID, "secret_key": TEMP_KEY, "token": TEMP_TOKEN}
        cred = credential.Credential(TEMP_ID, TEMP_KEY, TEMP_TOKEN)

    http_profile = HttpProfile(protocol="http", endpoint=s["endpoint"], reqMethod=s["method"], reqTimeout=10,
                               keepAlive=bool(s.get("keep_alive")), proxy=server.proxy)
    profile = ClientProfile(signMethod=s["sign"], httpProfile=http_profile, language=s["language"],
                            request_client=s.get("request_client"))
    if s.get("unsigned_payload"):
        profile.unsignedPayload = True
    client = CommonClient(SERVICE, VERSION, cred, s["region"], profile=profile)
    action = s["action"]

    sdk_options = {}
    if s.get("skip_sign"):
        sdk_options["SkipSign"] = True
    if s.get("multipart"):
        sdk_options["IsMultipart"] = True
        sdk_options["BinaryParams"] = list(s["binary_params"])

    params = s["params"]
    headers = dict(s["headers"]) if s.get("headers") else None
    server.expect()
    api = s.get("api", "call_json")
    if api == "call_octet_stream":
        result = client.call_octet_stream(action, dict(s.get("headers") or {}), s["body"],
                                          options=sdk_options or None)
    else:
        sdk_params = params
        if s.get("multipart"):
            sdk_params = dict(params)
            for k in s["binary_params"]:
                sdk_params[k] = params[k].encode("utf-8")
        result = client.call_json(action, sdk_params, headers=headers, options=sdk_options or None)

    # Only the capture server was reached, and the answer is the canned one.
    raw = server.take_one(case, ("%s http://%s/" % (s["method"], s["endpoint"])).encode())
    if result.get("Response", {}).get("RequestId") != REQUEST_ID:
        raise RuntimeError("%s: the SDK did not return the capture server's canned response: %r" % (case, result))
    if det.times == 0:
        raise RuntimeError("%s: the SDK did not read the patched clock" % case)

    trace_id = None
    for line in raw.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-tc-traceid":
            trace_id = value.strip().decode()
    boundary = None
    if s.get("multipart"):
        if len(det.uuids) < 1:
            raise RuntimeError("%s: multipart without a uuid4() boundary" % case)
        boundary = det.uuids[-1].hex
        if b"boundary=" + boundary.encode() not in raw:
            raise RuntimeError("%s: boundary %s not in the request" % (case, boundary))
    if trace_id is not None and headers is None and trace_id != str(det.uuids[0]):
        raise RuntimeError("%s: X-TC-TraceId %s is not the patched uuid4()" % (case, trace_id))

    if s.get("skip_sign"):
        scheme = "SKIP"
    elif s["sign"] == "TC3-HMAC-SHA256" or s.get("multipart") or api == "call_octet_stream":
        scheme = "TC3-HMAC-SHA256"
    else:
        scheme = s["sign"]
    nonce = det.nonces[0] if det.nonces else None
    if scheme in ("HmacSHA1", "HmacSHA256") and nonce is None:
        raise RuntimeError("%s: v1 request without a nonce" % case)

    options = {
        "api": api,
        "sign_method": s["sign"],
        "language": s["language"],
    }
    for key in ("unsigned_payload", "skip_sign", "multipart", "binary_params", "keep_alive", "request_client"):
        if s.get(key):
            options[key] = s[key]
    if s.get("headers"):
        options["headers"] = s["headers"]
    if s.get("multipart"):
        options["binary_params_encoding"] = "utf-8 (the SDK is given these values as bytes)"
    if api == "call_octet_stream":
        options["octet_stream"] = True
        options["body_hex"] = s["body"].hex()
    meta = {
        "schema": SCHEMA,
        "sdk": {"name": SDK_NAME, "version": SDK_VERSION},
        "case": case,
        "description": description,
        "scheme": scheme,
        "credentials": cred_info,
        "timestamp": TIMESTAMP,
        "nonce": nonce,
        "service": SERVICE,
        "host": s["endpoint"],
        "region": s["region"],
        "action": action,
        "version": VERSION,
        "method": s["method"],
        "params": json_params(params),
        "options": options,
        "trace_id": trace_id,
        "boundary": boundary,
    }
    return raw, meta


def run_cases(server):
    """Inside the venv, behind the network guard: every case through the SDK, {"python": {file: bytes}}."""
    global SDK_VERSION
    import tencentcloud
    import tencentcloud.common.abstract_client as abstract_client
    from importlib.metadata import version
    SDK_VERSION = version(SDK_NAME)
    if tencentcloud.__version__ != SDK_VERSION:
        raise RuntimeError("tencentcloud.__version__ %s != installed %s" % (tencentcloud.__version__, SDK_VERSION))
    det = Determinism()
    det.install(abstract_client)
    files = harness.capture_files(case_list(), lambda *case: run_case(*case, det, server))
    HARNESS.log("%d captures with %s %s" % (len(files) // 2, SDK_NAME, SDK_VERSION))
    return {SUBDIR: files}


SDK_VERSION = None

HARNESS = harness.Harness(
    name="capture.py",
    script=__file__,
    venv=os.path.join(harness.ORACLE_DIR, ".venv"),
    requirements=os.path.join(HERE, "requirements.txt"),
    captures_root=harness.CAPTURES_SDK,
    canned_body=CANNED_BODY,
    real_host=HOST,
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, KEYS_TXT))
