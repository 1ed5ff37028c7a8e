#!/usr/bin/env python3
"""Generator of the Alibaba Cloud request captures in vectors/captures/alibaba/.

Writes raw HTTP/1.1 requests (CRLF, Content-Length on bodies) signed with ACS3-HMAC-SHA256,
ACS3-HMAC-SM3, ROA HMAC-SHA1 and RPC HMAC-SHA1: correct ones, ones from a client that made
exactly one known mistake (the signature computed as that client would, the request written
as actually sent), and protocol-rule violations; plus manifest.json saying what a verifier
must conclude for each, and keys.txt.

Every signature is computed here with the Python standard library (primitives and SM3 from
recompute_alibaba.py), independently of the Rust code.

    python3 vectors/tools/make_alibaba_captures.py          # regenerate (deterministic)
    python3 vectors/tools/make_alibaba_captures.py --check  # exit 1 if a committed file differs
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recompute_alibaba as ra  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "captures", "alibaba")

KEYS = [
    ("YourAccessKeyId", "YourAccessKeySecret", None),
    ("testid", "testsecret", None),
    ("LTAI5tStsExample0000", "StsSecretExample0000000000000x", "STS.rightToken"),
]
SECRET = dict((k, s) for k, s, _ in KEYS)

DOC_TS = 1698315752  # 2023-10-26T10:22:32Z
DOC_DATE = "2023-10-26T10:22:32Z"
DOC_GMT = "Thu, 26 Oct 2023 10:22:32 GMT"
RPC_TS = 1678696470  # 2023-03-13T08:34:30Z


def pct(s):
    return ra.pct(s)


def plus_enc(s):
    return urllib.parse.quote_plus(s, safe="-_.~")


# --------------------------------------------------------------------------- signers


def acs3_sign(secret, alg, method, path, query, headers, body, signed, *, plus=False,
              unsorted=False, lower_values=False, encoded_uri=False):
    hash_fn, hmac_fn = ra.ALGS[alg]
    enc = plus_enc if plus else pct
    pairs = [(enc(k), enc(v)) for k, v in ra.decode_query(query)]
    if not unsorted:
        pairs.sort()
    cq = "&".join(f"{k}={v}" for k, v in pairs)
    lines = ""
    for name in signed.split(";"):
        vals = sorted(ra.header_values(headers, name))
        val = ",".join(vals)
        lines += f"{name}:{val.lower() if lower_values else val}\n"
    payload = hash_fn(body.encode()).hex()
    uri = ra.canonical_uri(path) if encoded_uri else path
    cr = "\n".join([method, uri, cq, lines, signed, payload])
    sts = f"{alg}\n{hash_fn(cr.encode()).hex()}"
    return hmac_fn(secret.encode(), sts.encode()).hex()


def roa_sts(method, path, query, headers, *, encoded=False, empty_equals=False):
    def one(name):
        vals = ra.header_values(headers, name)
        return vals[0] if vals else ""

    acs = sorted((n.lower(), v.strip()) for n, v in headers if n.lower().startswith("x-acs-"))
    if encoded:
        pairs = [tuple((p.split("=", 1) + [""])[:2]) for p in query.split("&") if p]
    else:
        pairs = ra.decode_query(query)
    resource = path
    if pairs:
        resource += "?" + "&".join(f"{k}={v}" if (v or empty_equals) else k for k, v in sorted(pairs))
    return (f"{method}\n{one('accept')}\n{one('content-md5')}\n{one('content-type')}\n{one('date')}\n"
            + "".join(f"{n}:{v}\n" for n, v in acs) + resource)


def roa_sign(secret, sts, *, amp=False):
    key = (secret + "&" if amp else secret).encode()
    return base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha1).digest()).decode()


def rpc_sign(secret, method, params, *, amp=True, once=False, plus=False, unsorted=False):
    enc = (lambda s: s) if once else (plus_enc if plus else pct)
    pairs = [(enc(k), enc(v)) for k, v in params if k != "Signature"]
    if not unsorted:
        pairs.sort()
    cq = "&".join(f"{k}={v}" for k, v in pairs)
    sts = f"{method}&%2F&{pct(cq)}"
    key = (secret + "&" if amp else secret).encode()
    return base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha1).digest()).decode()


# --------------------------------------------------------------------------- requests


def http(method, target, headers, body=""):
    lines = [f"{method} {target} HTTP/1.1"] + [f"{n}: {v}" for n, v in headers]
    data = body.encode()
    if body or method != "GET":
        lines.append(f"Content-Length: {len(data)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def acs3_request(ak="YourAccessKeyId", alg="ACS3-HMAC-SHA256", method="POST", host="ecs.cn-shanghai.aliyuncs.com",
                 path="/", query="ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
                 action="RunInstances", version="2014-05-26", date=DOC_DATE,
                 nonce="3156853299f313e23d1673dc12e1703d", body="", content_type=None, token=None,
                 secret=None, sign_query=None, signed_body=None, sent_content_type=None,
                 drop=(), **mistakes):
    hash_fn = ra.ALGS[alg][0]
    signed_body = body if signed_body is None else signed_body
    headers = [["host", host], ["x-acs-action", action], ["x-acs-version", version],
               ["x-acs-date", date], ["x-acs-signature-nonce", nonce],
               ["x-acs-content-sha256", hash_fn(signed_body.encode()).hex()]]
    if content_type:
        headers.append(["content-type", content_type])
    if token:
        headers.append(["x-acs-security-token", token])
    headers = [h for h in headers if h[0] not in drop]
    signed = ";".join(sorted(n for n, _ in headers))
    sig = acs3_sign(secret if secret is not None else SECRET[ak], alg, method, path,
                    query if sign_query is None else sign_query, headers, signed_body, signed, **mistakes)
    sent = [["Authorization", f"{alg} Credential={ak},SignedHeaders={signed},Signature={sig}"]] + [
        [n, sent_content_type if (n == "content-type" and sent_content_type) else v] for n, v in headers]
    return http(method, path + ("?" + query if query else ""), sent, body)


ES_HOST = ra.ES_HOST


def roa_request(ak="testid", method="POST", path="/openapi/instances",
                query="clientToken=" + pct(ra.CLIENT_TOKEN), action="createInstance",
                date=DOC_GMT, nonce="3156853299f313e23d1673dc12e1703d", body=ra.CREATE_BODY,
                token=None, encoded=False, amp=False, empty_equals=False):
    headers = [["Accept", "application/json"], ["Date", date], ["Host", ES_HOST],
               ["x-acs-signature-method", "HMAC-SHA1"], ["x-acs-signature-nonce", nonce],
               ["x-acs-signature-version", "1.0"], ["x-acs-version", ra.ES_VERSION],
               ["x-acs-action", action]]
    if body:
        headers.append(["Content-Type", ra.JSON_CT])
    if token:
        headers.append(["x-acs-security-token", token])
    sig = roa_sign(SECRET[ak], roa_sts(method, path, query, headers, encoded=encoded,
                                       empty_equals=empty_equals), amp=amp)
    return http(method, path + ("?" + query if query else ""),
                [["Authorization", f"acs {ak}:{sig}"]] + headers, body)


def rpc_params(extra=(), ts="2023-03-13T08:34:30Z", nonce="edb2b34af0af9a6d14deaf7c1a5315eb"):
    return [["AccessKeyId", "testid"], ["Action", "DescribeDedicatedHosts"], ["Format", "JSON"],
            ["RegionId", "cn-beijing"], ["SignatureMethod", "HMAC-SHA1"],
            ["SignatureNonce", nonce], ["SignatureVersion", "1.0"], ["Timestamp", ts],
            ["Version", "2014-05-26"]] + [list(p) for p in extra]


def rpc_request(params, method="GET", double=False, **mistakes):
    sig = rpc_sign("testsecret", method, params, **mistakes)
    enc_sig = pct(pct(sig)) if double else pct(sig)
    q = "&".join(f"{pct(k)}={pct(v)}" for k, v in params) + "&Signature=" + enc_sig
    if method == "GET":
        return http("GET", "/?" + q, [["Host", "ecs.cn-beijing.aliyuncs.com"]])
    return http("POST", "/", [["Host", "ecs.cn-beijing.aliyuncs.com"],
                              ["Content-Type", "application/x-www-form-urlencoded"]], q)


def ok():
    return {"verdict": "valid", "code": None, "mistake": None, "rule": None}


def bad(code, rule, mistake=None):
    return {"verdict": "invalid", "code": code, "mistake": mistake, "rule": rule}


SDM = "SignatureDoesNotMatch"


def cases():
    c = []

    def add(file, now, description, data, expect):
        c.append({"file": file, "now": now, "description": description, "data": data,
                  "expect": expect})

    add("valid/acs3-doc-run-instances.http", DOC_TS,
        "The V3 documentation's example (VECTORS.md), ACS3-HMAC-SHA256.", acs3_request(), ok())
    add("valid/acs3-sm3.http", DOC_TS, "The documentation's example signed with ACS3-HMAC-SM3.",
        acs3_request(alg="ACS3-HMAC-SM3"), ok())
    add("valid/acs3-es-create-instance.http", DOC_TS,
        "The seed's Elasticsearch createInstance call, JSON body, ACS3-HMAC-SHA256.",
        acs3_request(host=ES_HOST, path="/openapi/instances", query="clientToken=" + pct(ra.CLIENT_TOKEN),
                     action="createInstance", version=ra.ES_VERSION, body=ra.CREATE_BODY,
                     content_type=ra.JSON_CT), ok())
    add("valid/acs3-es-upgrade-version-sts.http", DOC_TS,
        "The seed's UpgradeEngineVersion call with STS credentials (x-acs-security-token signed).",
        acs3_request(ak="LTAI5tStsExample0000", host=ES_HOST, path=ra.UPGRADE_PATH,
                     query="dryRun=false&clientToken=" + pct(ra.CLIENT_TOKEN),
                     action="UpgradeEngineVersion", version=ra.ES_VERSION, body=ra.UPGRADE_BODY,
                     content_type=ra.JSON_CT, token="STS.rightToken"), ok())
    add("valid/roa-es-create-instance.http", DOC_TS,
        "The seed's createInstance call signed with ROA V2 HMAC-SHA1.", roa_request(), ok())
    add("valid/roa-es-upgrade-version.http", DOC_TS,
        "The seed's UpgradeEngineVersion call signed with ROA V2 HMAC-SHA1.",
        roa_request(path=ra.UPGRADE_PATH, query="dryRun=false&clientToken=" + pct(ra.CLIENT_TOKEN),
                    action="UpgradeEngineVersion", body=ra.UPGRADE_BODY), ok())
    add("valid/rpc-doc-get.http", RPC_TS, "The RPC documentation's example as a GET (VECTORS.md).",
        rpc_request(rpc_params()), ok())
    add("valid/rpc-post-form.http", RPC_TS, "An RPC POST with a form body holding a space, '*' and non-ASCII.",
        rpc_request(rpc_params([("InstanceName", "web server*1"), ("Description", "中文")]), "POST"), ok())

    # Mistakes: each reproduced by the diagnosis.
    spaced = "Name=a%20b&RegionId=cn-hangzhou"
    add("mistakes/acs3-plus-for-space.http", DOC_TS,
        "The client wrote the space of Name='a b' as '+' in the canonical query (sent as %20).",
        acs3_request(query=spaced, plus=True), bad(SDM, "signature", "plus-for-space"))
    raw_path = "/openapi/instances/" + ra.INSTANCE_ID + "/actions/upgrade-version"
    add("valid/acs3-raw-path.http", DOC_TS,
        "The InstanceId's '****' sent and signed raw in the path, as the Python tea SDK does.",
        acs3_request(host=ES_HOST, path=raw_path, query="dryRun=true", action="UpgradeEngineVersion",
                     version=ra.ES_VERSION, body=ra.UPGRADE_BODY, content_type=ra.JSON_CT), ok())
    add("mistakes/acs3-canonical-uri-encoded.http", DOC_TS,
        "The client signed the path encoded ('****' as %2A%2A%2A%2A) but sent it raw.",
        acs3_request(host=ES_HOST, path=raw_path, query="dryRun=true", action="UpgradeEngineVersion",
                     version=ra.ES_VERSION, body=ra.UPGRADE_BODY, content_type=ra.JSON_CT, encoded_uri=True),
        bad(SDM, "signature", "canonical-uri-encoded"))
    add("mistakes/acs3-query-unsorted.http", DOC_TS,
        "The client left the canonical query in the order sent (RegionId before ImageId).",
        acs3_request(query="RegionId=cn-shanghai&ImageId=win2019", unsorted=True),
        bad(SDM, "signature", "query-unsorted"))
    add("mistakes/acs3-header-values-lowercased.http", DOC_TS,
        "The client lower-cased the signed header values (x-acs-action:runinstances).",
        acs3_request(lower_values=True), bad(SDM, "signature", "header-values-lowercased"))
    add("mistakes/acs3-key-whitespace.http", DOC_TS,
        "The client read the secret with its trailing newline.",
        acs3_request(secret="YourAccessKeySecret\n"), bad(SDM, "signature", "key-whitespace"))
    add("mistakes/acs3-charset-added-after-signing.http", DOC_TS,
        "The client signed Content-Type application/json; the HTTP library sent it with a charset.",
        acs3_request(host=ES_HOST, path="/openapi/instances", query="", action="createInstance",
                     version=ra.ES_VERSION, body=ra.CREATE_BODY, content_type="application/json",
                     sent_content_type="application/json; charset=utf-8"),
        bad(SDM, "signature", "charset-added-after-signing"))
    add("mistakes/acs3-local-time.http", DOC_TS,
        "The client wrote its UTC+8 local time with a Z in x-acs-date (signed consistently).",
        acs3_request(date="2023-10-26T18:22:32Z"),
        dict(bad("InvalidTimeStamp.Expired", "timestamp-window"), message_contains="UTC+8"))
    add("mistakes/roa-query-encoded.http", DOC_TS,
        "The client put the percent-encoded query (clientToken with %2A) into the canonicalized resource.",
        roa_request(encoded=True), bad(SDM, "signature", "roa-query-encoded"))
    add("mistakes/roa-key-with-ampersand.http", DOC_TS,
        "The client keyed the ROA HMAC with secret + '&' (the RPC rule).",
        roa_request(amp=True), bad(SDM, "signature", "roa-key-with-ampersand"))
    add("mistakes/rpc-key-without-ampersand.http", RPC_TS,
        "The client keyed the RPC HMAC with the secret alone.",
        rpc_request(rpc_params(), amp=False), bad(SDM, "signature", "rpc-key-without-ampersand"))
    add("mistakes/rpc-timestamp-encoded-once.http", RPC_TS,
        "The client encoded the canonicalized query once (raw values), so ':' is %3A not %253A.",
        rpc_request(rpc_params(), once=True), bad(SDM, "signature", "timestamp-encoded-once"))
    add("mistakes/rpc-plus-for-space.http", RPC_TS,
        "The client form-encoded the space of InstanceName as '+' before the second encoding.",
        rpc_request(rpc_params([("InstanceName", "web server")]), plus=True),
        bad(SDM, "signature", "plus-for-space"))
    add("mistakes/rpc-signature-double-encoded.http", RPC_TS,
        "The HTTP library URL-encoded the already encoded Signature again.",
        rpc_request(rpc_params(), double=True), bad(SDM, "signature", "signature-double-encoded"))

    # Rules.
    add("valid/roa-empty-value-with-equals.http", DOC_TS,
        "ROA GET with an empty query value signed as 'name=' (aliyun-python-sdk-core's form).",
        roa_request(method="GET", query="description=&page=1", action="ListInstance", body="",
                    empty_equals=True), ok())
    add("rules/acs3-unknown-access-key.http", DOC_TS, "Signed with an AccessKeyId the key file does not hold.",
        acs3_request(ak="LTAIunknown", secret="whatever"),
        bad("InvalidAccessKeyId.NotFound", "access-key-id"))
    add("rules/acs3-expired.http", DOC_TS + 16 * 60, "Verified 16 minutes after x-acs-date (15 allowed).",
        acs3_request(), bad("InvalidTimeStamp.Expired", "timestamp-window"))
    add("rules/acs3-date-format.http", DOC_TS, "x-acs-date written without the Z (2023-10-26 10:22:32).",
        acs3_request(date="2023-10-26 10:22:32"), bad("InvalidTimeStamp.Format", "timestamp"))
    add("rules/acs3-missing-nonce.http", DOC_TS, "No x-acs-signature-nonce header (and not signed).",
        acs3_request(drop=("x-acs-signature-nonce",)), bad("MissingParameter", "common-headers"))
    add("rules/acs3-body-changed.http", DOC_TS,
        "The body was changed after signing: x-acs-content-sha256 is the hash of the signed body.",
        acs3_request(host=ES_HOST, path="/openapi/instances", query="", action="createInstance",
                     version=ra.ES_VERSION, body=ra.CREATE_BODY.replace("postpaid", "prepaid"),
                     signed_body=ra.CREATE_BODY, content_type=ra.JSON_CT),
        bad(SDM, "content-sha256"))
    add("rules/acs3-token-mismatch.http", DOC_TS, "STS credentials sent with another token.",
        acs3_request(ak="LTAI5tStsExample0000", token="STS.wrongToken"),
        bad("InvalidSecurityToken.MismatchWithAccessKey", "token"))
    add("rules/acs3-malformed-authorization.http", DOC_TS, "An Authorization with an unknown ACS3 algorithm.",
        acs3_request().replace(b"ACS3-HMAC-SHA256 Credential", b"ACS3-HMAC-SHA512 Credential"),
        bad("IncompleteSignature", "authorization"))
    add("rules/acs3-nonce-replay.http", DOC_TS, "The same signed request sent twice (same nonce).",
        acs3_request() + acs3_request(), [ok(), bad("SignatureNonceUsed", "nonce-replay")])
    add("rules/rpc-missing-timestamp.http", RPC_TS, "An RPC request without Timestamp.",
        rpc_request([p for p in rpc_params() if p[0] != "Timestamp"]),
        bad("MissingParameter", "common-parameters"))
    return c


def render():
    c = cases()
    files = {case["file"]: case["data"] for case in c}
    manifest = {"schema": "cloudsig-captures/1", "keys": "keys.txt",
                "cases": [{k: v for k, v in case.items() if k != "data"} for case in c]}
    files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    files["keys.txt"] = ("# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
                         "# Fictitious Alibaba Cloud keys: AccessKeyId AccessKeySecret [SecurityToken]\n"
                         + "".join(" ".join(x for x in k if x) + "\n" for k in KEYS)).encode()
    return files


def main(argv):
    args = argv[1:]
    if args not in ([], ["--check"]):
        sys.stderr.write("usage: make_alibaba_captures.py [--check]\n")
        return 2
    files = render()
    if args == ["--check"]:
        bad_files = []
        for name, data in files.items():
            try:
                with open(os.path.join(OUT, name), "rb") as f:
                    if f.read() != data:
                        bad_files.append(name)
            except FileNotFoundError:
                bad_files.append(name)
        if bad_files:
            sys.stderr.write(f"vectors/captures/alibaba: {', '.join(bad_files)} differ; rerun without --check\n")
            return 1
        print(f"vectors/captures/alibaba: {len(files)} files reproduced")
        return 0
    for name, data in files.items():
        path = os.path.join(OUT, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print(f"wrote {len(files)} files under vectors/captures/alibaba")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
