#!/usr/bin/env python3
"""Independent generator of raw HTTP/1.1 capture vectors for Tencent Cloud signing.

Writes, under vectors/captures/tencent/:

    keys.txt                  fictitious credentials (SecretId SecretKey [Token])
    manifest.json             what a correct verifier must conclude for each capture
    valid/*.http              correctly signed requests (and one unsigned SKIP request)
    mistakes/*.http           requests signed by a client that made exactly one known mistake
    rules/*.http              requests that break a protocol rule (conformance)

Every signature is computed here, from first principles, with the Python 3
standard library only (hashlib, hmac, base64, json, urllib.parse, datetime;
sys and os for the command line and paths). Primitives and constants come from
recompute_tencent.py (the vector oracle in the same folder); nothing is shared
with the Rust code. After building the captures the script parses every .http
file back, re-verifies it with the documented algorithms, and asserts that the
correctly signed requests verify and the mistaken ones do not; correctly signed
TC3/v1 requests are also cross-checked against recompute_tencent.tc3_compute /
v1_compute.

Usage (from the repository root or anywhere):

    python3 vectors/tools/make_captures.py           # regenerate the files
    python3 vectors/tools/make_captures.py --check   # exit 1 if the committed files differ

The captures directory's README.md is written by hand and left alone.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recompute_tencent as rt  # noqa: E402  (same folder)

SCHEMA = "cloudsig-captures/1"
TOOL = "vectors/tools/make_captures.py"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(os.path.dirname(HERE), "captures", "tencent")
HAND_WRITTEN = {"README.md"}

# ---------------------------------------------------------------------------
# Credentials and conventions
# ---------------------------------------------------------------------------

SECRET_ID = rt.SECRET_ID  # AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE
SECRET_KEY = rt.EXAMPLE_KEY  # Gu5t9xGARNpq86cd98joQYCN3EXAMPLE
TEMP_ID = "AKIDtemporaryEXAMPLE0000000000000000"
TEMP_KEY = "TempKeyEXAMPLE00000000000000000000"
TEMP_TOKEN = "tokenEXAMPLE123"
UNKNOWN_ID = "AKIDunknownEXAMPLE"

KEYS_TXT = (
    "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
    "# Fictitious credentials for the captures in this directory: they are documentation examples,\n"
    "# not real keys, and grant access to nothing. Format: SecretId SecretKey [Token]\n"
    "%s %s\n"
    "%s %s %s\n" % (SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN)
)

HOST = rt.HOST  # cvm.tencentcloudapi.com
SERVICE = "cvm"
TS = 1551113065  # 2019-02-25 16:44:25 UTC = 2019-02-26 00:44:25 UTC+8
UTC_DATE = rt.utc_date(TS)
LOCAL_DATE = datetime.datetime.fromtimestamp(TS, datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d")
assert (UTC_DATE, LOCAL_DATE) == ("2019-02-25", "2019-02-26")
assert datetime.datetime.fromtimestamp(TS, datetime.timezone.utc).strftime("%Y-%m-%d") == UTC_DATE

JSON_CT = "application/json; charset=utf-8"
FORM_CT = "application/x-www-form-urlencoded"
BODY_OBJ = {"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}
BODY = rt.PAYLOAD_SEED  # {"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}
BODY_COMPACT = json.dumps(BODY_OBJ, separators=(",", ":"))
assert json.dumps(BODY_OBJ) == BODY
assert BODY_COMPACT == '{"Limit":1,"Filters":[{"Values":["unnamed"],"Name":"instance-name"}]}'
UNSIGNED = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
assert rt.sha256_hex(b"") == EMPTY_SHA256

V1_TS = 1465185768
V1_BASE = [
    ("Action", "DescribeInstances"),
    ("InstanceIds.0", "ins-09dx96dg"),
    ("Limit", "20"),
    ("Nonce", "11886"),
    ("Offset", "0"),
    ("Region", "ap-guangzhou"),
    ("SecretId", SECRET_ID),
    ("Timestamp", str(V1_TS)),
    ("Version", "2017-03-12"),
]
V1_DOC_SIGNATURE = "EliP9YW3pW28FpsEdkXt/+WcGeI="
V1_DOC_SIGNATURE_ENC = "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"


def v1_params(drop=(), add=(), replace=()):
    """# cloudsig: example keys, not secret (so their file mode is not warned about)
V1_BASE without `drop`, with `replace` values and `add` pairs, sorted by name bytes."""
    rep = dict(replace)
    out = [(k, rep.get(k, v)) for k, v in V1_BASE if k not in drop] + list(add)
    return sorted(out, key=lambda kv: kv[0].encode("utf-8"))


def enc(s):
    """RFC 3986 percent-encoding: everything but ALPHA DIGIT - . _ ~ as %XX (upper-case hex)."""
    return urllib.parse.quote(s, safe="-._~")


assert enc("a b/+=~*") == "a%20b%2F%2B%3D~%2A"

# ---------------------------------------------------------------------------
# TC3-HMAC-SHA256 as a (possibly mistaken) client computes it
# ---------------------------------------------------------------------------


def tc3_signature(*, key, method, uri, query, headers, signed, payload_hash, timestamp, scope_date,
                  key_date, service, lowercase=True):
    """headers: lower-case name -> value the client used. Returns (signature hex, canonical request, sts)."""
    canonical_headers = ""
    for name in signed:
        value = headers[name].strip()
        if lowercase:
            value = value.lower()
        canonical_headers += name + ":" + value + "\n"
    canonical_request = "\n".join([method, uri, query, canonical_headers, ";".join(signed), payload_hash])
    string_to_sign = "\n".join([
        "TC3-HMAC-SHA256", str(timestamp), scope_date + "/" + service + "/tc3_request",
        rt.sha256_hex(canonical_request.encode("utf-8")),
    ])
    k = rt.hmac_sha256(("TC3" + key).encode("utf-8"), key_date)
    k = rt.hmac_sha256(k, service)
    k = rt.hmac_sha256(k, "tc3_request")
    sig = hmac.new(k, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return sig, canonical_request, string_to_sign


def tc3_headers(ct=JSON_CT, host=HOST, action=True, extra=()):
    """Sent headers after Authorization, in the conventional order, then `extra`."""
    h = [("Content-Type", ct), ("Host", host)]
    if action:
        h.append(("X-TC-Action", "DescribeInstances"))
    h += [("X-TC-Timestamp", str(TS)), ("X-TC-Version", "2017-03-12"), ("X-TC-Region", "ap-guangzhou")]
    return h + list(extra)


def split_target(target):
    """(path, raw query) of an origin-form or absolute-form request target."""
    if "://" in target:
        rest = target.split("://", 1)[1]
        target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = target.partition("?")
    return path, query


def render_http(method, target, headers, body=""):
    data = body.encode("utf-8")
    lines = ["%s %s HTTP/1.1" % (method, target)] + ["%s: %s" % hv for hv in headers]
    if data:
        lines.append("Content-Length: %d" % len(data))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + data


def tc3_request(*, method="POST", target="/", headers=None, body=BODY, secret_id=SECRET_ID, key=SECRET_KEY,
                signed=("content-type", "host"), client=None, auth="documented"):
    """Build one TC3 request. `client` overrides what the signing client used (the mistake); the request
    is written as actually sent. auth: "documented", "compact", or a callable(id, scope, signed, sig)."""
    client = dict(client or {})
    if headers is None:
        headers = tc3_headers()
    sent = {n.lower(): v for n, v in headers}
    path, query = split_target(target)
    view_headers = dict(sent)
    view_headers.update(client.pop("headers", {}))
    if "payload_hash" in client:
        payload_hash = client.pop("payload_hash")
    elif sent.get("x-tc-content-sha256") == UNSIGNED:
        payload_hash = rt.sha256_hex(UNSIGNED.encode())
    else:
        payload_hash = rt.sha256_hex(body.encode("utf-8"))
    timestamp = client.pop("timestamp", int(sent["x-tc-timestamp"]))
    scope_date = client.pop("scope_date", rt.utc_date(timestamp))
    key_date = client.pop("key_date", scope_date)
    service = client.pop("service", SERVICE)
    transform = client.pop("transform", lambda s: s)
    sig, _, _ = tc3_signature(
        key=client.pop("key", key), method=client.pop("method", method), uri=client.pop("uri", path),
        query=client.pop("query", query), headers=view_headers, signed=list(signed), payload_hash=payload_hash,
        timestamp=timestamp, scope_date=scope_date, key_date=key_date, service=service,
        lowercase=client.pop("lowercase", True))
    assert not client, "unknown client override %r" % sorted(client)
    sig = transform(sig)
    scope = "%s/%s/tc3_request" % (scope_date, service)
    signed_str = ";".join(signed)
    if auth == "documented":
        authorization = "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            secret_id, scope, signed_str, sig)
    elif auth == "compact":
        authorization = "TC3-HMAC-SHA256 Credential=%s/%s,SignedHeaders=%s,Signature=%s" % (
            secret_id, scope, signed_str, sig)
    else:
        authorization = auth(secret_id, scope, signed_str, sig)
    return render_http(method, target, [("Authorization", authorization)] + list(headers), body)


# ---------------------------------------------------------------------------
# v1 HmacSHA1 / HmacSHA256 as a (possibly mistaken) client computes it
# ---------------------------------------------------------------------------


def v1_string_to_sign(method, host, params, name_rule="as-is", encode_values=False):
    pairs = []
    for k, v in params:
        if name_rule == "python":
            k = k.replace("_", ".")
        pairs.append((k, enc(v) if encode_values else v))
    pairs.sort(key=lambda kv: kv[0].encode("utf-8"))
    return method + host + "/?" + "&".join(k + "=" + v for k, v in pairs)


def v1_sign(key, string_to_sign, digest):
    mac = hmac.new(key.encode("utf-8"), string_to_sign.encode("utf-8"), digest).digest()
    return base64.b64encode(mac).decode("ascii")


def v1_request(*, method="GET", params, key=SECRET_KEY, placement=None, content_type=None, body=None,
               client=None):
    """params: sent parameters without Signature (order kept; Signature appended last).
    placement: "query" (default for GET) or "body" (form POST, the default for POST)."""
    client = dict(client or {})
    sig_method = dict(params).get("SignatureMethod")
    digest = client.pop("digest", hashlib.sha256 if sig_method == "HmacSHA256" else hashlib.sha1)
    sts = v1_string_to_sign(client.pop("method", method), client.pop("host", HOST),
                            client.pop("params", params), client.pop("name_rule", "as-is"),
                            client.pop("encode_values", False))
    signature = v1_sign(client.pop("key", key), sts, digest)
    encoder = client.pop("encode_signature", enc)
    assert not client, "unknown client override %r" % sorted(client)
    encoded = "&".join(enc(k) + "=" + enc(v) for k, v in params) + "&Signature=" + encoder(signature)
    if placement is None:
        placement = "query" if method == "GET" else "body"
    headers = [("Host", HOST)]
    if placement == "query":
        target = "/?" + encoded
        body = body or ""
    else:
        target = "/"
        assert body is None
        body = encoded
        content_type = content_type or FORM_CT
    if content_type:
        headers.append(("Content-Type", content_type))
    return render_http(method, target, headers, body), signature


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

CASES = []  # each: dict(file, now, description, expect, data, selfcheck)


def expect(verdict, code=None, mistake=None, rule=None):
    return {"verdict": verdict, "code": code, "mistake": mistake, "rule": rule}


VALID = expect("valid")
SIGFAIL = "AuthFailure.SignatureFailure"


def case(file, description, exp, data, now=TS, selfcheck="match"):
    """selfcheck: per request, "match" (the signature verifies against the request as sent), "mismatch",
    or None (not checkable: unsigned, unknown key, malformed). A list when the file holds several requests."""
    CASES.append({"file": file, "now": now, "description": description, "expect": exp, "data": data,
                  "selfcheck": selfcheck})


def mistake(name, description, data, now=TS):
    mid = name[3:] if name.startswith("v1-") else name
    # The rule that fails is the signature comparison (as for rules/wrong-signature); the mistake names why.
    case("mistakes/%s.http" % name, description, expect("invalid", SIGFAIL, mid, "signature"), data, now=now,
         selfcheck="mismatch")


def build_cases():
    # ---------------------------------------------------------------- valid
    case("valid/tc3-post-json.http",
         "TC3 POST DescribeInstances with the documented headers and JSON body, Content-Type "
         "'application/json; charset=utf-8', SignedHeaders content-type;host, scope date 2019-02-25 (UTC), "
         "signed with SecretKey Gu5t9x... (the documented vector with a real-looking key instead of 32 '*').",
         VALID, tc3_request())
    case("valid/tc3-get-query.http",
         "TC3 GET /?Limit=10&Offset=0 with Content-Type application/x-www-form-urlencoded and no body; "
         "canonical query 'Limit=10&Offset=0' as on the request line, payload hash of the empty string.",
         VALID, tc3_request(method="GET", target="/?Limit=10&Offset=0", headers=tc3_headers(ct=FORM_CT), body=""))
    case("valid/tc3-unsigned-payload.http",
         "TC3 POST with header 'X-TC-Content-SHA256: UNSIGNED-PAYLOAD' (not signed); the payload line of the "
         "canonical request is sha256 of the ASCII string 'UNSIGNED-PAYLOAD'; the JSON body is still sent.",
         VALID, tc3_request(headers=tc3_headers(extra=[("X-TC-Content-SHA256", UNSIGNED)])))
    case("valid/tc3-compact-authorization.http",
         "The conventional TC3 POST, correctly signed, with the Authorization header written without spaces "
         "after the commas (Credential=...,SignedHeaders=...,Signature=...), as third-party signers emit it.",
         VALID, tc3_request(auth="compact"))
    case("valid/tc3-signed-action.http",
         "TC3 POST signing content-type;host;x-tc-action (the current documentation's form); the X-TC-Action "
         "value DescribeInstances is lower-cased to 'describeinstances' in the canonical headers.",
         VALID, tc3_request(signed=("content-type", "host", "x-tc-action")))
    py_body = json.dumps(BODY_OBJ)
    case("valid/tc3-python-sdk-style.http",
         "TC3 POST as the Python SDK sends it: Content-Type 'application/json' (no charset) signed as sent, body "
         "from json.dumps with default separators, extra unsigned headers X-TC-Language: zh-CN and "
         "X-TC-RequestClient: SDK_PYTHON_3.1.195; SignedHeaders content-type;host.",
         VALID, tc3_request(headers=tc3_headers(ct="application/json", extra=[
             ("X-TC-Language", "zh-CN"), ("X-TC-RequestClient", "SDK_PYTHON_3.1.195")]), body=py_body))
    case("valid/tc3-token.http",
         "TC3 POST signed with the temporary credential AKIDtemporary.../TempKey... and carrying its token in the "
         "(unsigned) header X-TC-Token: tokenEXAMPLE123.",
         VALID, tc3_request(secret_id=TEMP_ID, key=TEMP_KEY,
                            headers=tc3_headers(extra=[("X-TC-Token", TEMP_TOKEN)])))
    case("valid/tc3-absolute-form.http",
         "The conventional TC3 POST, correctly signed (canonical URI '/'), sent with the absolute-form request "
         "line 'POST http://cvm.tencentcloudapi.com/ HTTP/1.1' (as to a proxy) and a Host header.",
         VALID, tc3_request(target="http://%s/" % HOST))

    data, sig = v1_request(params=v1_params())
    assert sig == V1_DOC_SIGNATURE and enc(sig) == V1_DOC_SIGNATURE_ENC
    assert b"&Signature=" + V1_DOC_SIGNATURE_ENC.encode() + b" HTTP/1.1" in data
    case("valid/v1-get-sha1.http",
         "The documented v1 GET DescribeInstances (seed demo): HmacSHA1 over 'GETcvm.tencentcloudapi.com/?' + sorted "
         "raw k=v, key Gu5t9x...; Signature EliP9YW3pW28FpsEdkXt/+WcGeI= sent as EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D.",
         VALID, data, now=V1_TS)
    data, _ = v1_request(params=v1_params(add=[("SignatureMethod", "HmacSHA256")]))
    case("valid/v1-get-sha256.http",
         "The documented v1 GET parameters plus SignatureMethod=HmacSHA256 (itself signed), signed with "
         "HMAC-SHA256; the 44-character base64 Signature is sent percent-encoded.",
         VALID, data, now=V1_TS)
    data, _ = v1_request(method="POST", params=v1_params())
    case("valid/v1-post-form.http",
         "The documented v1 parameters sent as a POST application/x-www-form-urlencoded body (percent-encoded, "
         "Signature last), HmacSHA1 over 'POSTcvm.tencentcloudapi.com/?' + sorted raw k=v.",
         VALID, data, now=V1_TS)
    params = v1_params(add=[("Instance_Type", "S5")])
    data, _ = v1_request(params=params, content_type=FORM_CT, client={"name_rule": "python"})
    case("valid/v1-python-underscore.http",
         "v1 GET with the extra parameter Instance_Type=S5, signed as the Python SDK does: '_' replaced by '.' in "
         "parameter names in the string to sign only (Instance.Type=S5, sorted by the replaced name, so before "
         "InstanceIds.0), sent as Instance_Type=S5; Python's Content-Type application/x-www-form-urlencoded header.",
         VALID, data, now=V1_TS)
    case("valid/skip.http",
         "The conventional TC3 POST sent unsigned with 'Authorization: SKIP' (SDK skip-sign option).",
         expect("unsigned"),
         render_http("POST", "/", [("Authorization", "SKIP")] + tc3_headers(), BODY), selfcheck=None)

    # ------------------------------------------------------------- mistakes (TC3)
    mistake("uppercase-hex",
            "Correct TC3 signature for the conventional POST, but the client sent the Signature in upper-case hex.",
            tc3_request(client={"transform": str.upper}))
    mistake("header-values-not-lowercased",
            "SignedHeaders content-type;host;x-tc-action; the client put the X-TC-Action value as sent "
            "('x-tc-action:DescribeInstances') in the canonical headers instead of lower-casing it.",
            tc3_request(signed=("content-type", "host", "x-tc-action"), client={"lowercase": False}))
    mistake("charset-added-after-signing",
            "The client signed Content-Type 'application/json'; its HTTP library then sent "
            "'application/json; charset=utf-8'.",
            tc3_request(client={"headers": {"content-type": "application/json"}}))
    mistake("charset-removed-after-signing",
            "The client signed Content-Type 'application/json; charset=utf-8'; the request was sent with "
            "'application/json'.",
            tc3_request(headers=tc3_headers(ct="application/json"),
                        client={"headers": {"content-type": JSON_CT}}))
    mistake("host-port",
            "The client signed host 'cvm.tencentcloudapi.com' but the request's Host header is "
            "'cvm.tencentcloudapi.com:443'.",
            tc3_request(headers=tc3_headers(host=HOST + ":443"), client={"headers": {"host": HOST}}))
    mistake("query-reencoded",
            "TC3 GET: the client signed the canonical query 'Filters.0.Name=instance-name&Filters.0.Values.0=my%20server' "
            "but the query was re-encoded and sent as '...Filters.0.Values.0=my+server' (Content-Type "
            "application/x-www-form-urlencoded, empty payload).",
            tc3_request(method="GET", target="/?Filters.0.Name=instance-name&Filters.0.Values.0=my+server",
                        headers=tc3_headers(ct=FORM_CT), body="",
                        client={"query": "Filters.0.Name=instance-name&Filters.0.Values.0=my%20server"}))
    mistake("json-reserialised",
            "The client hashed the compact body '%s' but sent the conventional spaced body '%s'." % (BODY_COMPACT, BODY),
            tc3_request(client={"payload_hash": rt.sha256_hex(BODY_COMPACT.encode())}))
    case("mistakes/local-date.http",
         "The client took the date in UTC+8 (2019-02-26 for X-TC-Timestamp 1551113065 = 2019-02-26 00:44:25 UTC+8) "
         "and used it both in the Credential scope and in the key derivation: the signature is self-consistent "
         "with Credential .../2019-02-26/cvm/tc3_request, but the credential date is not the UTC date 2019-02-25.",
         expect("invalid", SIGFAIL, None, "credential-date"),
         tc3_request(client={"scope_date": LOCAL_DATE, "key_date": LOCAL_DATE}), selfcheck="match")
    mistake("local-date-key-only",
            "Credential scope and string to sign say 2019-02-25 (UTC), but the client derived the signing key "
            "with the UTC+8 date 2019-02-26.",
            tc3_request(client={"scope_date": UTC_DATE, "key_date": LOCAL_DATE}))
    CASES[-1]["expect"]["mistake"] = "local-date"
    mistake("key-whitespace",
            "The client signed the conventional POST with the SecretKey followed by a newline ('Gu5t9x...EXAMPLE\\n').",
            tc3_request(client={"key": SECRET_KEY + "\n"}))
    mistake("timestamp-mismatch",
            "The client put timestamp 1551113066 in the string to sign but sent X-TC-Timestamp: 1551113065.",
            tc3_request(client={"timestamp": TS + 1}))
    mistake("unsigned-payload-undeclared",
            "The client used the UNSIGNED-PAYLOAD payload hash (sha256 of 'UNSIGNED-PAYLOAD') but sent no "
            "X-TC-Content-SHA256 header; the JSON body is sent.",
            tc3_request(client={"payload_hash": rt.sha256_hex(UNSIGNED.encode())}))
    mistake("empty-payload-hashed",
            "The client hashed the empty string as the payload (e3b0c442...) although the POST carries the JSON body.",
            tc3_request(client={"payload_hash": EMPTY_SHA256}))
    mistake("canonical-uri",
            "The request is 'POST /v2/x HTTP/1.1' but the client signed canonical URI '/'.",
            tc3_request(target="/v2/x", client={"uri": "/"}))

    # ------------------------------------------------------------- mistakes (v1)
    data, _ = v1_request(params=v1_params(), client={"encode_signature": lambda s: enc(enc(s))})
    assert b"&Signature=EliP9YW3pW28FpsEdkXt%252F%252BWcGeI%253D HTTP/1.1" in data
    mistake("v1-signature-double-encoded",
            "The documented v1 GET with its correct HmacSHA1 Signature percent-encoded twice: "
            "EliP9YW3pW28FpsEdkXt%252F%252BWcGeI%253D.", data, now=V1_TS)
    params = v1_params(add=[("Name", "my server/1")])
    data, _ = v1_request(params=params, client={"encode_values": True})
    assert b"&Name=my%20server%2F1&" in data
    mistake("v1-values-urlencoded",
            "v1 GET with the extra parameter Name='my server/1' (sent as my%20server%2F1); the client put the "
            "RFC 3986-encoded values in the string to sign (Name=my%20server%2F1) instead of the raw ones.",
            data, now=V1_TS)
    data, sig = v1_request(params=v1_params(), client={"digest": hashlib.sha256})
    assert len(base64.b64decode(sig)) == 32
    mistake("v1-signature-method",
            "The documented v1 GET without a SignatureMethod parameter (so HmacSHA1 applies), but the client "
            "signed with HMAC-SHA256.", data, now=V1_TS)
    data, _ = v1_request(params=v1_params(), client={"key": SECRET_KEY + "\n"})
    mistake("v1-key-whitespace",
            "The documented v1 GET signed with the SecretKey followed by a newline.", data, now=V1_TS)
    data, _ = v1_request(params=v1_params(), client={"host": HOST + ":443"})
    mistake("v1-host-port",
            "The client signed 'GETcvm.tencentcloudapi.com:443/?...' (host with port); the Host header is "
            "'cvm.tencentcloudapi.com' without a port.", data, now=V1_TS)
    data, _ = v1_request(params=v1_params(), client={"method": "POST"})
    mistake("v1-method",
            "The documented v1 request sent as GET but signed with method POST ('POSTcvm.tencentcloudapi.com/?...').",
            data, now=V1_TS)
    params = v1_params(add=[("Zone", "")])
    data, _ = v1_request(params=params, client={"params": [p for p in params if p[0] != "Zone"]})
    assert b"&Zone=&Signature=" in data
    mistake("v1-empty-values-skipped",
            "v1 GET with the empty parameter 'Zone=' sent, but the client omitted it from the string to sign "
            "(older Go SDK behaviour).", data, now=V1_TS)

    # ------------------------------------------------------------- rules
    def rule(name, description, code, rule_id, data, now=TS, selfcheck="match"):
        case("rules/%s.http" % name, description, expect("invalid", code, None, rule_id), data, now=now,
             selfcheck=selfcheck)

    rule("missing-action",
         "TC3 POST without an X-TC-Action header, otherwise correctly signed (content-type;host).",
         "MissingParameter", "common-parameters", tc3_request(headers=tc3_headers(action=False)))
    data, _ = v1_request(params=v1_params(drop=("Nonce",)))
    rule("v1-missing-nonce",
         "The documented v1 GET without the Nonce parameter, correctly signed with HmacSHA1 over the parameters sent.",
         "MissingParameter", "common-parameters", data, now=V1_TS)
    rule("expired",
         "The conventional TC3 POST, correctly signed with X-TC-Timestamp 1551113065, verified at 1551113665 "
         "(600 s later, beyond the 5-minute window).",
         "AuthFailure.SignatureExpire", "timestamp-window", tc3_request(), now=TS + 600)
    rule("tc3-form-post",
         "TC3 POST with Content-Type application/x-www-form-urlencoded and body 'Limit=1', correctly signed "
         "(form bodies require v1).",
         "InvalidParameter", "content-type-algorithm",
         tc3_request(headers=tc3_headers(ct=FORM_CT), body="Limit=1"))
    rule("tc3-get-body",
         "TC3 GET /?Limit=1 with Content-Type application/x-www-form-urlencoded and the JSON body, the body's "
         "SHA-256 signed as the payload (the signature matches): the documentation has a GET carry its "
         "parameters in the query with an empty payload, and cloudsig sign refuses a GET body.",
         "InvalidParameter", "get-body",
         tc3_request(method="GET", target="/?Limit=1", headers=tc3_headers(ct=FORM_CT), body=BODY))
    data, _ = v1_request(method="POST", params=v1_params(), placement="query", content_type="application/json",
                         body=BODY)
    rule("v1-json-body",
         "v1 parameters (with Signature) in the query string of a POST, correctly signed with HmacSHA1 over "
         "'POSTcvm.tencentcloudapi.com/?...', with a JSON body and Content-Type application/json (JSON requires TC3).",
         "InvalidParameter", "content-type-algorithm", data, now=V1_TS)
    rule("service-mismatch",
         "TC3 POST to cvm.tencentcloudapi.com whose Credential scope names service 'cvm2' "
         "(2019-02-25/cvm2/tc3_request), signed consistently with cvm2 in the scope and the key derivation.",
         SIGFAIL, "credential-service", tc3_request(client={"service": "cvm2"}))
    rule("signed-headers-without-content-type",
         "TC3 POST with SignedHeaders 'host' only (content-type not signed), signed consistently with that list.",
         "AuthFailure.InvalidAuthorization", "signed-headers", tc3_request(signed=("host",)))
    rule("signed-header-missing",
         "TC3 POST with SignedHeaders content-type;host;x-tc-foo; the client signed 'x-tc-foo:bar' but the request "
         "carries no X-TC-Foo header.",
         SIGFAIL, "canonical-request",
         tc3_request(signed=("content-type", "host", "x-tc-foo"), client={"headers": {"x-tc-foo": "bar"}}),
         selfcheck=None)
    rule("unknown-secret-id",
         "TC3 POST with Credential SecretId AKIDunknownEXAMPLE (not in keys.txt), signed with key Gu5t9x....",
         "AuthFailure.SecretIdNotFound", "secret-id", tc3_request(secret_id=UNKNOWN_ID), selfcheck=None)
    rule("malformed-authorization",
         "TC3 POST whose Authorization has Credential and Signature (correct for content-type;host) but no "
         "SignedHeaders field.",
         "AuthFailure.InvalidAuthorization", "authorization",
         tc3_request(auth=lambda i, scope, signed, sig: "TC3-HMAC-SHA256 Credential=%s/%s, Signature=%s" % (
             i, scope, sig)), selfcheck=None)
    nothing = rt.sha256_hex(b"nothing")
    rule("wrong-signature",
         "TC3 POST whose Signature is sha256('nothing') = %s, 64 hex digits no known mistake explains." % nothing,
         SIGFAIL, "signature", tc3_request(client={"transform": lambda s: nothing}), selfcheck="mismatch")
    rule("token-missing",
         "TC3 POST correctly signed with the temporary credential AKIDtemporary... but without the X-TC-Token header.",
         "AuthFailure.TokenFailure", "token", tc3_request(secret_id=TEMP_ID, key=TEMP_KEY))
    rule("put-method",
         "TC3 PUT / with the conventional headers and JSON body, correctly signed with method PUT in the canonical "
         "request.",
         "UnsupportedProtocol", "method", tc3_request(method="PUT"))
    first, _ = v1_request(params=v1_params())
    second, _ = v1_request(params=v1_params(replace=[("Timestamp", "1465185800"), ("Offset", "20")]))
    case("rules/v1-nonce-replay.http",
         "Two pipelined, correctly signed v1 GET requests with the same SecretId and Nonce 11886: the documented "
         "one (Timestamp 1465185768, Offset=0), then one with Timestamp 1465185800 and Offset=20; the second "
         "reuses the nonce.",
         [VALID, expect("invalid", "InvalidParameterValue", None, "nonce-replay")],
         first + second, now=1465185800, selfcheck=["match", "match"])


# ---------------------------------------------------------------------------
# Self-check: parse the captures back and re-verify them
# ---------------------------------------------------------------------------


def parse_http(data):
    """Split a capture into requests: (method, target, [(name, value)], body)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, "unterminated header block"
        lines = head.decode("utf-8").split("\r\n")
        method, target, version = lines[0].split(" ")
        assert version == "HTTP/1.1"
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            assert colon and name == name.strip()
            headers.append((name, value.strip()))
        n = int(dict((k.lower(), v) for k, v in headers).get("content-length", "0"))
        out.append((method, target, headers, rest[:n].decode("utf-8")))
        data = rest[n:]
    return out


def load_keys(text):
    keys = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            f = line.split()
            keys[f[0]] = f[1]
    return keys


def verify(req, keys):
    """True/False when the signature verifies or not; None when not checkable."""
    method, target, headers, body = req
    h = {n.lower(): v for n, v in headers}
    auth = h.get("authorization")
    path, query = split_target(target)
    if auth is not None:
        if auth == "SKIP":
            return None
        assert auth.startswith("TC3-HMAC-SHA256 ")
        fields = dict(p.strip().split("=", 1) for p in auth[len("TC3-HMAC-SHA256 "):].split(","))
        if "SignedHeaders" not in fields:
            return None
        sid, date, service, term = fields["Credential"].split("/")
        assert term == "tc3_request"
        signed = fields["SignedHeaders"].split(";")
        if sid not in keys or any(s not in h for s in signed):
            return None
        unsigned = h.get("x-tc-content-sha256") == UNSIGNED
        payload_hash = rt.sha256_hex((UNSIGNED if unsigned else body).encode("utf-8"))
        sig, _, _ = tc3_signature(key=keys[sid], method=method, uri=path, query=query, headers=h, signed=signed,
                                  payload_hash=payload_hash, timestamp=int(h["x-tc-timestamp"]), scope_date=date,
                                  key_date=date, service=service)
        ok = sig == fields["Signature"]
        if ok and {"content-type", "host"} <= set(signed) and date == rt.utc_date(int(h["x-tc-timestamp"])):
            # Cross-check with the vector oracle.
            inp = {"secret_id": sid, "secret_key": keys[sid], "timestamp": int(h["x-tc-timestamp"]),
                   "service": service, "signed_headers": signed, "header_value_case": "lowercase",
                   "request": {"method": method, "path": path, "query": query, "headers": headers, "body": body,
                               "unsigned_payload": unsigned}}
            assert rt.tc3_compute(inp)["signature"] == sig
        return ok
    # v1: parameters from the query, or from a form body.
    raw = body if (method == "POST" and h.get("content-type") == FORM_CT) else query
    params = urllib.parse.parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    signature = dict(params)["Signature"]
    params = [(k, v) for k, v in params if k != "Signature"]
    key = keys[dict(params)["SecretId"]]
    sig_method = dict(params).get("SignatureMethod", "HmacSHA1")
    digest = hashlib.sha256 if sig_method == "HmacSHA256" else hashlib.sha1
    as_is = v1_sign(key, v1_string_to_sign(method, h["host"], params), digest)
    python = v1_sign(key, v1_string_to_sign(method, h["host"], params, "python"), digest)
    if as_is == signature:
        # Cross-check with the vector oracle.
        inp = {"secret_key": key, "method": method, "host": h["host"], "path": path, "signature_method": sig_method,
               "name_rule": "as-is", "params": [list(p) for p in params]}
        assert rt.v1_compute(inp)["signature"] == signature
    return signature in (as_is, python)


def self_check(files):
    keys = load_keys(files["keys.txt"].decode("utf-8"))
    assert keys == {SECRET_ID: SECRET_KEY, TEMP_ID: TEMP_KEY}
    for c in CASES:
        reqs = parse_http(files[c["file"]])
        assert render_all(reqs) == files[c["file"]], c["file"]
        checks = c["selfcheck"] if isinstance(c["selfcheck"], list) else [c["selfcheck"]]
        exps = c["expect"] if isinstance(c["expect"], list) else [c["expect"]]
        assert len(reqs) == len(checks) == len(exps), c["file"]
        for req, want in zip(reqs, checks):
            got = verify(req, keys)
            assert got == {"match": True, "mismatch": False, None: None}[want], (c["file"], got, want)


def render_all(reqs):
    out = b""
    for method, target, headers, body in reqs:
        hs = [hv for hv in headers if hv[0].lower() != "content-length"]
        out += render_http(method, target, hs, body)
    return out


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def render():
    CASES.clear()
    build_cases()
    files = {"keys.txt": KEYS_TXT.encode("utf-8")}
    entries = []
    for c in CASES:
        assert c["file"] not in files, "duplicate file " + c["file"]
        assert c["file"].split("/")[0] in ("valid", "mistakes", "rules")
        data = c["data"]
        assert b"\n" not in data.replace(b"\r\n", b""), "bare LF in " + c["file"]
        files[c["file"]] = data
        entries.append({"file": c["file"], "now": c["now"], "description": c["description"], "expect": c["expect"]})
    manifest = {"schema": SCHEMA, "keys": "keys.txt", "cases": entries}
    files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=True) + "\n").encode("utf-8")
    self_check(files)
    return files


def existing_files():
    found = set()
    for root, _, names in os.walk(OUT_DIR):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), OUT_DIR).replace(os.sep, "/")
            if rel not in HAND_WRITTEN:
                found.add(rel)
    return found


def main(argv):
    if not __debug__:
        sys.stderr.write("make_captures.py relies on assert; do not run it with python -O\n")
        return 2
    args = argv[1:]
    if args not in ([], ["--check"]):
        sys.stderr.write("usage: make_captures.py [--check]\n")
        return 2
    files = render()
    if args == ["--check"]:
        bad = []
        for rel, data in sorted(files.items()):
            try:
                with open(os.path.join(OUT_DIR, rel), "rb") as f:
                    if f.read() != data:
                        bad.append("out of date: " + rel)
            except FileNotFoundError:
                bad.append("missing: " + rel)
        for rel in sorted(existing_files() - set(files)):
            bad.append("not generated (stale): " + rel)
        for line in bad:
            sys.stderr.write("%s (run python3 %s)\n" % (line, TOOL))
        if bad:
            return 1
        print("ok: %d captures re-verified; files under vectors/captures/tencent are up to date" % len(CASES))
        return 0
    for rel in sorted(existing_files() - set(files)):
        os.remove(os.path.join(OUT_DIR, rel))
        print("removed stale", rel)
    for rel, data in sorted(files.items()):
        path = os.path.join(OUT_DIR, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote %d files under %s" % (len(files), OUT_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
