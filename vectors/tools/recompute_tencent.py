#!/usr/bin/env python3
"""Independent oracle for the Tencent Cloud signing vectors.

Recomputes every stage of the Tencent Cloud TC3-HMAC-SHA256 (API 3.0) and
v1 HmacSHA1/HmacSHA256 signatures from first principles, using only the Python
standard library (hashlib, hmac, base64, json, urllib.parse; sys and os only
for the command line and file paths), asserts every value printed in the
source documents, and writes:

    vectors/tencent/tc3.json
    vectors/tencent/v1.json

Usage (from the repository root or anywhere):

    python3 vectors/tools/recompute_tencent.py           # regenerate the files
    python3 vectors/tools/recompute_tencent.py --check   # exit 1 if they differ

Sources:
    shared/seeds/tencent-es-api-and-signature.txt ("Signature v3", "Signature")
    shared/VECTORS.md (Tencent TC3 items 1-3, Tencent v1 section)

This file deliberately shares no code with the Rust implementation.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.parse

SCHEMA = "cloudsig-vectors/1"
ELLIPSIS = "\u2026"  # "…" used by VECTORS.md for abbreviated values

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
MASKED_SECRET_ID = "AKID" + "*" * 32  # how the seed prints the SecretId
STAR_KEY = "*" * 32  # the seed's masked SecretKey, taken literally
EXAMPLE_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
HOST = "cvm.tencentcloudapi.com"

SEED = "shared/seeds/tencent-es-api-and-signature.txt"
ORACLE = "vectors/tools/recompute_tencent.py"

# Seed payload (ASCII "unnamed").
PAYLOAD_SEED = '{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}'
# Earlier/current edition payload: LITERAL backslash-u escapes (6 ASCII chars each),
# not the Chinese characters they denote.
PAYLOAD_ESCAPED = r'{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}'
assert PAYLOAD_ESCAPED.isascii() and "\\u672a\\u547d\\u540d" in PAYLOAD_ESCAPED
assert len(PAYLOAD_ESCAPED) == len(PAYLOAD_SEED) - len("unnamed") + 18

TC3_EXPECTED_FIELDS = [
    "hashed_payload",
    "canonical_request",
    "hashed_canonical_request",
    "credential_scope",
    "string_to_sign",
    "secret_date",
    "secret_service",
    "secret_signing",
    "signature",
    "authorization",
]
V1_EXPECTED_FIELDS = ["string_to_sign", "signature", "signature_urlencoded"]


# --------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hmac_sha256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    """YYYY-MM-DD of a Unix timestamp in UTC (civil-from-days, no datetime)."""
    days = timestamp // 86400
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    return "%04d-%02d-%02d" % (y, m, d)


assert utc_date(0) == "1970-01-01"
assert utc_date(951782400) == "2000-02-29"
assert utc_date(1551113065) == "2019-02-25"  # 2019-02-26 00:44:25 in UTC+8
assert utc_date(1539084154) == "2018-10-09"


# --------------------------------------------------------------------------
# TC3-HMAC-SHA256
# --------------------------------------------------------------------------

def tc3_compute(inp: dict) -> dict:
    req = inp["request"]
    signed = inp["signed_headers"]
    assert signed == sorted(set(signed)), "signed_headers must be sorted and unique"
    assert all(h == h.lower() for h in signed), "signed_headers must be lowercase"
    assert {"content-type", "host"} <= set(signed)
    value_case = inp["header_value_case"]
    assert value_case in ("lowercase", "as-is")

    # Sanity: the headers sent agree with the other inputs.
    sent = {}
    for name, value in req["headers"]:
        assert name.lower() not in sent, "duplicate header " + name
        sent[name.lower()] = value
    assert sent["x-tc-timestamp"] == str(inp["timestamp"])

    canonical_headers = ""
    for name in signed:
        value = sent[name].strip()
        if value_case == "lowercase":
            value = value.lower()
        canonical_headers += name + ":" + value + "\n"
    signed_headers = ";".join(signed)

    if req["unsigned_payload"]:
        assert sent.get("x-tc-content-sha256") == "UNSIGNED-PAYLOAD"
        hashed_payload = sha256_hex(b"UNSIGNED-PAYLOAD")
    else:
        assert "x-tc-content-sha256" not in sent
        hashed_payload = sha256_hex(req["body"].encode("utf-8"))

    canonical_request = "\n".join([
        req["method"],
        req["path"],
        req["query"],
        canonical_headers,
        signed_headers,
        hashed_payload,
    ])
    hashed_canonical_request = sha256_hex(canonical_request.encode("utf-8"))

    date = utc_date(inp["timestamp"])
    service = inp["service"]
    credential_scope = date + "/" + service + "/tc3_request"
    string_to_sign = "\n".join([
        "TC3-HMAC-SHA256",
        str(inp["timestamp"]),
        credential_scope,
        hashed_canonical_request,
    ])

    secret_date = hmac_sha256(("TC3" + inp["secret_key"]).encode("utf-8"), date)
    secret_service = hmac_sha256(secret_date, service)
    secret_signing = hmac_sha256(secret_service, "tc3_request")
    signature = hmac.new(secret_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = (
        "TC3-HMAC-SHA256 Credential=" + inp["secret_id"] + "/" + credential_scope
        + ", SignedHeaders=" + signed_headers + ", Signature=" + signature
    )
    out = {
        "hashed_payload": hashed_payload,
        "canonical_request": canonical_request,
        "hashed_canonical_request": hashed_canonical_request,
        "credential_scope": credential_scope,
        "string_to_sign": string_to_sign,
        "secret_date": secret_date.hex(),
        "secret_service": secret_service.hex(),
        "secret_signing": secret_signing.hex(),
        "signature": signature,
        "authorization": authorization,
    }
    assert list(out) == TC3_EXPECTED_FIELDS
    return out


def tc3_request(method, query, content_type, timestamp, body, extra_headers=()):
    headers = [
        ["Content-Type", content_type],
        ["Host", HOST],
        ["X-TC-Action", "DescribeInstances"],
        ["X-TC-Timestamp", str(timestamp)],
        ["X-TC-Version", "2017-03-12"],
        ["X-TC-Region", "ap-guangzhou"],
    ]
    headers.extend([list(h) for h in extra_headers])
    return {
        "method": method,
        "path": "/",
        "query": query,
        "headers": headers,
        "body": body,
        "unsigned_payload": any(
            n.lower() == "x-tc-content-sha256" and v == "UNSIGNED-PAYLOAD" for n, v in extra_headers
        ),
    }


def tc3_input(secret_key, timestamp, request, signed_headers):
    return {
        "secret_id": SECRET_ID,
        "secret_key": secret_key,
        "timestamp": timestamp,
        "service": "cvm",
        "request": request,
        "signed_headers": signed_headers,
        "header_value_case": "lowercase",
    }


JSON_CT = "application/json; charset=utf-8"

# Canonical request and string to sign exactly as printed in the seed.
SEED_CANONICAL_REQUEST = (
    "POST\n/\n\n"
    "content-type:application/json; charset=utf-8\n"
    "host:cvm.tencentcloudapi.com\n\n"
    "content-type;host\n"
    "99d58dfbc6745f6747f36bfca17dee5e6881dc0428a0a36f96199342bc5b4907"
)
SEED_STRING_TO_SIGN = (
    "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
    "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a"
)

# Each entry: id, description, source, notes, input, documented values
# (field -> value; "…" marks an abbreviation checked by prefix and suffix).
TC3_VECTORS = [
    {
        "id": "tc3-seed-cvm-describe-instances",
        "description": "The seed's Signature v3 example (POST DescribeInstances, payload \"unnamed\") signed with SecretKey = 32 literal '*'.",
        "source": SEED + ", 'Signature v3'; shared/VECTORS.md, Tencent TC3 item 1",
        "notes": (
            "hashed_payload, canonical_request, hashed_canonical_request, credential_scope and string_to_sign are printed in the seed. "
            "The seed's signature ca282b0a56549857d53b2beb08b0c35871c892d42d09ae30b38d456e09ce291f was made with a key the seed masks "
            "and cannot be reproduced; the signature here is VECTORS.md item 1's value for SecretKey = 32 literal '*'. "
            "secret_date and secret_signing equal the values VECTORS.md prints for item 3 (same key, date and service); "
            "the oracle asserts this. Date is the UTC date (2019-02-25), not UTC+8 (2019-02-26)."
        ),
        "input": tc3_input(STAR_KEY, 1551113065,
                           tc3_request("POST", "", JSON_CT, 1551113065, PAYLOAD_SEED),
                           ["content-type", "host"]),
        "documented": {
            "hashed_payload": "99d58dfbc6745f6747f36bfca17dee5e6881dc0428a0a36f96199342bc5b4907",
            "canonical_request": SEED_CANONICAL_REQUEST,
            "hashed_canonical_request": "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a",
            "credential_scope": "2019-02-25/cvm/tc3_request",
            "string_to_sign": SEED_STRING_TO_SIGN,
            "signature": "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2",
        },
    },
    {
        "id": "tc3-earlier-edition-escaped-payload",
        "description": "Earlier edition of the seed example: payload with literal \\u escapes, SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE.",
        "source": "shared/VECTORS.md, Tencent TC3 item 2 (earlier edition of the seed's 'Signature v3' example; the seed's C# demo uses the same payload)",
        "notes": (
            "The body contains the LITERAL ASCII escape sequences \\u672a\\u547d\\u540d (6 characters each), not Chinese characters. "
            "VECTORS.md prints hashed_payload (35e9c5b0…f064) and hashed_canonical_request (5ffe6a04…7031) abbreviated; "
            "the oracle asserts the full computed values start and end with the printed parts."
        ),
        "input": tc3_input(EXAMPLE_KEY, 1551113065,
                           tc3_request("POST", "", JSON_CT, 1551113065, PAYLOAD_ESCAPED),
                           ["content-type", "host"]),
        "documented": {
            "hashed_payload": "35e9c5b0" + ELLIPSIS + "f064",
            "hashed_canonical_request": "5ffe6a04" + ELLIPSIS + "7031",
            "signature": "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168",
        },
    },
    {
        "id": "tc3-current-edition-signed-action",
        "description": "Current edition: escaped payload, x-tc-action signed with its value lowercased, SecretKey = 32 literal '*'.",
        "source": "shared/VECTORS.md, Tencent TC3 item 3",
        "notes": (
            "Signed headers content-type;host;x-tc-action; the header is sent as 'X-TC-Action: DescribeInstances' but its "
            "canonical value is lowercased to 'describeinstances'. The body is the same literal-escape payload as "
            "tc3-earlier-edition-escaped-payload, so hashed_payload also matches 35e9c5b0…f064 (asserted by the oracle)."
        ),
        "input": tc3_input(STAR_KEY, 1551113065,
                           tc3_request("POST", "", JSON_CT, 1551113065, PAYLOAD_ESCAPED),
                           ["content-type", "host", "x-tc-action"]),
        "documented": {
            "hashed_canonical_request": "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
            "secret_date": "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0",
            "secret_signing": "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af",
            "signature": "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f",
        },
    },
    {
        "id": "tc3-seed-unsigned-payload",
        "description": "The seed example sent with X-TC-Content-SHA256: UNSIGNED-PAYLOAD, so the payload line is sha256(\"UNSIGNED-PAYLOAD\").",
        "source": "computed by " + ORACLE + " (variant of shared/VECTORS.md Tencent TC3 item 1)",
        "notes": (
            "Not documented anywhere: computed only by this oracle. Same inputs as tc3-seed-cvm-describe-instances "
            "except the extra X-TC-Content-SHA256 header (not signed) and hashed_payload = hex(sha256(b\"UNSIGNED-PAYLOAD\")); "
            "the body is still sent but does not enter the signature."
        ),
        "input": tc3_input(STAR_KEY, 1551113065,
                           tc3_request("POST", "", JSON_CT, 1551113065, PAYLOAD_SEED,
                                       [("X-TC-Content-SHA256", "UNSIGNED-PAYLOAD")]),
                           ["content-type", "host"]),
        "documented": {},
    },
    {
        "id": "tc3-get-query-string",
        "description": "GET DescribeInstances with query Limit=10&Offset=0 and an empty payload.",
        "source": "computed by " + ORACLE + " (query 'Limit=10&Offset=0' is the seed's CanonicalQueryString example)",
        "notes": (
            "Not documented anywhere: computed only by this oracle. The canonical query string is the query verbatim; "
            "the payload is the empty string (hashed_payload = sha256 of zero bytes); timestamp 1539084154 is 2018-10-09 UTC."
        ),
        "input": tc3_input(STAR_KEY, 1539084154,
                           tc3_request("GET", "Limit=10&Offset=0", "application/x-www-form-urlencoded",
                                       1539084154, ""),
                           ["content-type", "host"]),
        "documented": {},
    },
]


# --------------------------------------------------------------------------
# v1 HmacSHA1 / HmacSHA256
# --------------------------------------------------------------------------

def flatten(value, prefix, out):
    """Flatten nested JSON: objects -> prefix.Key, arrays -> prefix.N (0-based)."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, k if prefix == "" else prefix + "." + k, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            flatten(v, prefix + "." + str(i), out)
    elif isinstance(value, bool):
        raise ValueError("booleans are not used by these vectors")
    elif isinstance(value, int):
        out.append([prefix, str(value)])
    elif isinstance(value, str):
        out.append([prefix, value])
    else:
        raise ValueError("unsupported value %r" % (value,))
    return out


def v1_compute(inp: dict) -> dict:
    assert inp["name_rule"] == "as-is"
    params = inp["params"]
    if "params_json" in inp:
        assert params == flatten(inp["params_json"], "", [])
    names = [k for k, _ in params]
    assert len(names) == len(set(names)), "duplicate parameter name"
    assert "Signature" not in names
    method_param = dict(params).get("SignatureMethod")
    if inp["signature_method"] == "HmacSHA256":
        digest = hashlib.sha256
        assert method_param == "HmacSHA256"
    elif inp["signature_method"] == "HmacSHA1":
        digest = hashlib.sha1
        assert method_param in (None, "HmacSHA1")
    else:
        raise ValueError(inp["signature_method"])

    ordered = sorted(params, key=lambda kv: kv[0].encode("utf-8"))
    request_string = "&".join(k + "=" + v for k, v in ordered)
    string_to_sign = inp["method"] + inp["host"] + inp["path"] + "?" + request_string
    mac = hmac.new(inp["secret_key"].encode("utf-8"), string_to_sign.encode("utf-8"), digest).digest()
    signature = base64.b64encode(mac).decode("ascii")
    # RFC 3986: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" is %XX (uppercase hex).
    signature_urlencoded = urllib.parse.quote(signature, safe="")
    out = {
        "string_to_sign": string_to_sign,
        "signature": signature,
        "signature_urlencoded": signature_urlencoded,
    }
    assert list(out) == V1_EXPECTED_FIELDS
    return out


V1_PARAMS = [
    ["Action", "DescribeInstances"],
    ["SecretId", SECRET_ID],
    ["Timestamp", "1465185768"],
    ["Nonce", "11886"],
    ["Region", "ap-guangzhou"],
    ["InstanceIds.0", "ins-09dx96dg"],
    ["Offset", "0"],
    ["Limit", "20"],
    ["Version", "2017-03-12"],
]  # order of the seed's parameter table

V1_NESTED_JSON = {
    "Action": "DescribeInstances",
    "Version": "2017-03-12",
    "Region": "ap-guangzhou",
    "SecretId": SECRET_ID,
    "Timestamp": 1465185768,
    "Nonce": 11886,
    "Limit": 20,
    "InstanceIds": ["ins-%d" % i for i in range(1, 14)],
    "Filters": [{"Name": "zone", "Values": ["ap-guangzhou-1", "ap-guangzhou-2"]}],
}

SEED_V1_STRING_TO_SIGN_MASKED = (
    "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20"
    "&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=" + MASKED_SECRET_ID
    + "&Timestamp=1465185768&Version=2017-03-12"
)


def v1_input(method, signature_method, params, params_json=None):
    inp = {
        "secret_key": EXAMPLE_KEY,
        "method": method,
        "host": HOST,
        "path": "/",
        "signature_method": signature_method,
        "name_rule": "as-is",
        "params": [list(p) for p in params],
    }
    if params_json is not None:
        inp["params_json"] = params_json
    return inp


V1_VECTORS = [
    {
        "id": "v1-hmacsha1-describe-instances",
        "description": "The seed's v1 DescribeInstances GET example signed with HmacSHA1 and SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE.",
        "source": SEED + ", 'Signature' (v1) and the demo URL in 'Signature v3'; shared/VECTORS.md, Tencent v1 section",
        "notes": (
            "The seed prints string_to_sign with the SecretId masked as AKID + 32 '*'; the oracle asserts the computed "
            "string equals it after the same masking. signature is from VECTORS.md; signature_urlencoded is in the seed's "
            "demo URL. The seed's 9FzTQAN1UZ489+BqCg1fNBQaCqw= was made with a masked key and cannot be reproduced."
        ),
        "input": v1_input("GET", "HmacSHA1", V1_PARAMS),
        "documented": {
            "string_to_sign": ("masked", SEED_V1_STRING_TO_SIGN_MASKED),
            "signature": "EliP9YW3pW28FpsEdkXt/+WcGeI=",
            "signature_urlencoded": "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D",
        },
    },
    {
        "id": "v1-hmacsha256-describe-instances",
        "description": "The documented v1 parameters plus SignatureMethod=HmacSHA256, signed with HMAC-SHA256.",
        "source": "computed by " + ORACLE + " (variant of the shared/VECTORS.md Tencent v1 vector)",
        "notes": "Not documented anywhere: computed only by this oracle. SignatureMethod=HmacSHA256 is itself a signed parameter.",
        "input": v1_input("GET", "HmacSHA256", V1_PARAMS + [["SignatureMethod", "HmacSHA256"]]),
        "documented": {},
    },
    {
        "id": "v1-hmacsha1-post",
        "description": "POST variant of the documented v1 HmacSHA1 vector (string to sign starts with POSTcvm.tencentcloudapi.com/?).",
        "source": "computed by " + ORACLE + " (variant of the shared/VECTORS.md Tencent v1 vector)",
        "notes": "Not documented anywhere: computed only by this oracle. Only the method differs from v1-hmacsha1-describe-instances.",
        "input": v1_input("POST", "HmacSHA1", V1_PARAMS),
        "documented": {},
    },
    {
        "id": "v1-hmacsha1-nested-params",
        "description": "Nested JSON parameters flattened to dotted names, showing InstanceIds.12 sorting before InstanceIds.2.",
        "source": "computed by " + ORACLE + " (sorting rule from " + SEED + ", 'Signature' section 2.1)",
        "notes": (
            "Not documented anywhere: computed only by this oracle. params_json is flattened into params as objects -> prefix.Key, "
            "arrays -> prefix.N (0-based), integers as decimal text, in document order; sorting is by the bytes of the name."
        ),
        "input": v1_input("GET", "HmacSHA1", flatten(V1_NESTED_JSON, "", []), V1_NESTED_JSON),
        "documented": {},
    },
]


# --------------------------------------------------------------------------
# Assertions and output
# --------------------------------------------------------------------------

def assert_documented(vid, field, computed, documented):
    if isinstance(documented, tuple):
        kind, text = documented
        assert kind == "masked"
        got = computed.replace(SECRET_ID, MASKED_SECRET_ID)
        assert got == text, "%s %s: masked %r != documented %r" % (vid, field, got, text)
    elif ELLIPSIS in documented:
        head, tail = documented.split(ELLIPSIS)
        assert len(computed) > len(head) + len(tail)
        assert computed.startswith(head) and computed.endswith(tail), \
            "%s %s: %s does not match %s" % (vid, field, computed, documented)
    else:
        assert computed == documented, "%s %s: %s != documented %s" % (vid, field, computed, documented)


def build_vector(spec, compute, fields):
    expected = compute(spec["input"])
    documented = spec["documented"]
    for field, value in documented.items():
        assert_documented(spec["id"], field, expected[field], value)
    return {
        "id": spec["id"],
        "description": spec["description"],
        "provenance": {
            "source": spec["source"],
            "documented": [f for f in fields if f in documented],
            "computed": [f for f in fields if f not in documented],
            "notes": spec["notes"],
        },
        "input": spec["input"],
        "expected": expected,
    }


def cross_checks(tc3, v1):
    t = {v["id"]: v["expected"] for v in tc3}
    seed, early, cur = (t["tc3-seed-cvm-describe-instances"], t["tc3-earlier-edition-escaped-payload"],
                        t["tc3-current-edition-signed-action"])
    unsigned, get = t["tc3-seed-unsigned-payload"], t["tc3-get-query-string"]
    # Same key/date/service as item 3: the derived keys must equal item 3's documented values.
    for e in (seed, unsigned):
        for f in ("secret_date", "secret_service", "secret_signing"):
            assert e[f] == cur[f]
    # Item 3 uses the same literal-escape payload as item 2.
    assert cur["hashed_payload"] == early["hashed_payload"]
    assert "\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n" in cur["canonical_request"]
    assert unsigned["hashed_payload"] == sha256_hex(b"UNSIGNED-PAYLOAD")
    assert unsigned["canonical_request"] == seed["canonical_request"].replace(
        seed["hashed_payload"], unsigned["hashed_payload"])
    assert get["hashed_payload"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert get["canonical_request"].startswith("GET\n/\nLimit=10&Offset=0\ncontent-type:application/x-www-form-urlencoded\n")
    assert get["credential_scope"] == "2018-10-09/cvm/tc3_request"
    hex_fields = ("hashed_payload", "hashed_canonical_request", "secret_date", "secret_service",
                  "secret_signing", "signature")
    for e in t.values():
        for f in hex_fields:
            assert len(e[f]) == 64 and all(c in "0123456789abcdef" for c in e[f]), f

    w = {v["id"]: v["expected"] for v in v1}
    base = w["v1-hmacsha1-describe-instances"]["string_to_sign"]
    assert w["v1-hmacsha1-post"]["string_to_sign"] == "POST" + base[len("GET"):]
    assert w["v1-hmacsha1-post"]["string_to_sign"].startswith("POSTcvm.tencentcloudapi.com/?")
    s256 = w["v1-hmacsha256-describe-instances"]
    assert "&SecretId=" + SECRET_ID + "&SignatureMethod=HmacSHA256&Timestamp=" in s256["string_to_sign"]
    assert len(base64.b64decode(s256["signature"])) == 32
    nested = w["v1-hmacsha1-nested-params"]["string_to_sign"]
    assert nested.index("&InstanceIds.12=ins-13&") < nested.index("&InstanceIds.2=ins-3&")
    assert nested.index("&InstanceIds.1=ins-2&") < nested.index("&InstanceIds.10=ins-11&")
    assert "&Filters.0.Name=zone&Filters.0.Values.0=ap-guangzhou-1&Filters.0.Values.1=ap-guangzhou-2&" in nested
    for e in w.values():
        assert urllib.parse.unquote(e["signature_urlencoded"]) == e["signature"]


def render():
    tc3 = [build_vector(s, tc3_compute, TC3_EXPECTED_FIELDS) for s in TC3_VECTORS]
    v1 = [build_vector(s, v1_compute, V1_EXPECTED_FIELDS) for s in V1_VECTORS]
    ids = [v["id"] for v in tc3 + v1]
    assert len(ids) == len(set(ids))
    cross_checks(tc3, v1)
    files = {
        "tc3.json": {"schema": SCHEMA, "scheme": "TC3-HMAC-SHA256", "vectors": tc3},
        "v1.json": {"schema": SCHEMA, "scheme": "TC3-v1-HMAC", "vectors": v1},
    }
    return {name: json.dumps(doc, indent=2, ensure_ascii=True) + "\n" for name, doc in files.items()}


def main(argv):
    if not __debug__:
        sys.stderr.write("recompute_tencent.py relies on assert; do not run it with python -O\n")
        return 2
    args = argv[1:]
    if args not in ([], ["--check"]):
        sys.stderr.write("usage: recompute_tencent.py [--check]\n")
        return 2
    out_dir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tencent")
    rendered = render()
    if args == ["--check"]:
        stale = []
        for name, text in rendered.items():
            path = os.path.join(out_dir, name)
            try:
                with open(path, "r", encoding="utf-8", newline="") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                stale.append(path)
        for path in stale:
            sys.stderr.write("out of date: %s (run python3 %s)\n" % (path, ORACLE))
        if stale:
            return 1
        print("ok: all documented values reproduced; vector files are up to date")
        return 0
    os.makedirs(out_dir, exist_ok=True)
    for name, text in rendered.items():
        with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote", os.path.join(out_dir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
