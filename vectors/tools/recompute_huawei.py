#!/usr/bin/env python3
"""Independent oracle for vectors/huawei/sdk_hmac.json (hashlib/hmac only).

Written from the scheme's description (issue 6, shared/VECTORS.md) and the official SDKs'
documented behaviour, not from cloudsig's code:

  canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-HEADERS \n PAYLOAD-HASH
    URI: the path, percent-decoded, split on '/', every segment encoded (RFC 3986
         unreserved kept), joined with '/', with a '/' appended when it does not end in one
    QUERY: (key, value) pairs sorted by key then value, both encoded the same way
    HEADERS: every signed header as lower-case-name:trimmed-value, one per line, then a
             blank line (the SDKs sign every header the request carries)
    PAYLOAD-HASH: X-Sdk-Content-Sha256's value when present (UNSIGNED-PAYLOAD), else the
             hex hash of the body
  SDK-HMAC-SHA256: string to sign = ALG \n X-Sdk-Date \n hex SHA-256(canonical)
                   signature = hex HMAC-SHA256(SK, string to sign)
  SDK-HMAC-SM3:    the same with SM3 for both hashes and the HMAC
  V11-HMAC-SHA256: info = YYYYMMDD/region/service;
                   string to sign = ALG \n X-Sdk-Date \n info \n hex SHA-256(canonical)
                   key = hex(HKDF-SHA256(salt=AK, ikm=SK, info, 32 bytes)) used as ASCII text
                   Authorization: ALG Credential=AK/info, SignedHeaders=..., Signature=...

Usage: recompute_huawei.py [--check | --write]
"""
import hashlib
import hmac
import json
import sys
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "huawei" / "sdk_hmac.json"

# ---------------------------------------------------------------- SM3 (GB/T 32905-2016)
# OpenSSL usually provides sm3; when it does not, this implementation (written from the
# standard) is used. Both are checked against the standard's two examples at start.
def _rotl(x, n):
    n %= 32
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def _sm3_pure(data: bytes) -> bytes:
    iv = [0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600,
          0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E]
    bitlen = len(data) * 8
    msg = data + b"\x80" + b"\x00" * ((56 - (len(data) + 1) % 64) % 64) + bitlen.to_bytes(8, "big")
    v = iv
    for off in range(0, len(msg), 64):
        w = [int.from_bytes(msg[off + 4 * i: off + 4 * i + 4], "big") for i in range(16)]
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
            p1 = x ^ _rotl(x, 15) ^ _rotl(x, 23)
            w.append(p1 ^ _rotl(w[j - 13], 7) ^ w[j - 6])
        w1 = [w[j] ^ w[j + 4] for j in range(64)]
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            t = 0x79CC4519 if j < 16 else 0x7A879D8A
            ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & 0xFFFFFFFF, 7)
            ss2 = ss1 ^ _rotl(a, 12)
            if j < 16:
                ff = a ^ b ^ c
                gg = e ^ f ^ g
            else:
                ff = (a & b) | (a & c) | (b & c)
                gg = (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + w1[j]) & 0xFFFFFFFF
            tt2 = (gg + h + ss1 + w[j]) & 0xFFFFFFFF
            d, c, b, a = c, _rotl(b, 9), a, tt1
            h, g, f = g, _rotl(f, 19), e
            e = tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
        v = [x ^ y for x, y in zip(v, [a, b, c, d, e, f, g, h])]
    return b"".join(x.to_bytes(4, "big") for x in v)


class _Sm3:
    """A hashlib-like object so that hmac can use SM3 without OpenSSL."""
    digest_size = 32
    block_size = 64
    name = "sm3"

    def __init__(self, data=b""):
        self._buf = bytes(data)

    def update(self, data):
        self._buf += bytes(data)

    def copy(self):
        return _Sm3(self._buf)

    def digest(self):
        return _sm3_pure(self._buf)

    def hexdigest(self):
        return self.digest().hex()


SM3_EXAMPLES = [  # GB/T 32905-2016, appendix A
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


def _pick_sm3():
    try:
        hashlib.new("sm3", b"")
        return lambda d=b"": hashlib.new("sm3", d)
    except ValueError:
        return _Sm3


sm3 = _pick_sm3()
for _msg, _want in SM3_EXAMPLES:
    assert _sm3_pure(_msg).hex() == _want, "pure SM3 fails the GB/T 32905 example"
    assert sm3(_msg).hexdigest() == _want, "SM3 fails the GB/T 32905 example"

HASHES = {
    "SDK-HMAC-SHA256": hashlib.sha256,
    "V11-HMAC-SHA256": hashlib.sha256,
    "SDK-HMAC-SM3": sm3,
}


def hkdf_sha256(salt: bytes, ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869."""
    prk = hmac.new(salt or b"\x00" * 32, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


# RFC 5869 test case 1
assert hkdf_sha256(bytes.fromhex("000102030405060708090a0b0c"), b"\x0b" * 22,
                   bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"), 42).hex() == (
    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")


def enc(s: str) -> str:
    return quote(s, safe="~")


def canonical_uri(path: str) -> str:
    out = "/".join(enc(seg) for seg in unquote(path).split("/"))
    return out if out.endswith("/") else out + "/"


def canonical_query(pairs) -> str:
    return "&".join(enc(k) + "=" + enc(v) for k, v in sorted((k, v) for k, v in pairs))


def stages(vec):
    inp = vec["input"]
    alg = inp["algorithm"]
    h = HASHES[alg]
    headers = {}
    for name, value in inp["headers"]:
        headers[name.lower()] = value.strip()
    signed = sorted(headers)
    body = inp.get("body", "").encode("utf-8")
    payload_hash = headers.get("x-sdk-content-sha256") or h(body).hexdigest()
    canonical = "\n".join([
        inp["method"].upper(),
        canonical_uri(inp["path"]),
        canonical_query(inp.get("query", [])),
        "".join(f"{n}:{headers[n]}\n" for n in signed),
        ";".join(signed),
        payload_hash,
    ])
    hashed = h(canonical.encode("utf-8")).hexdigest()
    date = headers["x-sdk-date"]
    out = {"canonical_request": canonical, "hashed_canonical_request": hashed}
    if alg == "V11-HMAC-SHA256":
        info = f"{date[:8]}/{inp['region']}/{inp['service']}"
        sts = f"{alg}\n{date}\n{info}\n{hashed}"
        key = hkdf_sha256(inp["ak"].encode(), inp["sk"].encode(), info.encode()).hex()
        sig = hmac.new(key.encode(), sts.encode(), hashlib.sha256).hexdigest()
        auth = f"{alg} Credential={inp['ak']}/{info}, SignedHeaders={';'.join(signed)}, Signature={sig}"
        out.update(credential_scope=info, derived_key=key)
    else:
        sts = f"{alg}\n{date}\n{hashed}"
        sig = hmac.new(inp["sk"].encode(), sts.encode(), h).hexdigest()
        auth = f"{alg} Access={inp['ak']}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    out.update(payload_hash=payload_hash, signed_headers=";".join(signed),
               string_to_sign=sts, signature=sig, authorization=auth)
    return out


# Values printed in shared/VECTORS.md ("Huawei Cloud SDK-HMAC-SHA256"): the oracle asserts them.
DOCUMENTED = {
    "hashed_canonical_request": "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
    "signature": "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
    "authorization": "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
}

AK, SK = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
DOC_INPUT = {
    "ak": AK, "sk": SK, "method": "GET",
    "host": "service.region.example.com",
    "path": "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
    "query": [["limit", "2"], ["marker", "13551d6b-755d-4757-b956-536f674975c0"]],
    "headers": [["Content-Type", "application/json"], ["Host", "service.region.example.com"],
                ["X-Sdk-Date", "20191115T033655Z"]],
    "body": "",
}
SEED_KEYS = {"ak": "HPUAEXAMPLEAK0000001", "sk": "cloudsigExampleHuaweiSecretKey0000000001"}
KAFKA_BODY = json.dumps({
    "name": "kafka-test", "description": "", "engine": "kafka", "engine_version": "2.7",
    "broker_num": 3, "storage_space": 300, "product_id": "c6.2u4g.cluster",
    "vpc_id": "3ad9a9a2-9b4a-44c5-a964-000000000001",
    "subnet_id": "2e3a5b3c-8fbf-4438-ba71-000000000002",
    "security_group_id": "7d58d6ff-e073-4aad-991f-000000000003",
    "available_zones": ["9f1c5806706d4c1fb0eb72f0a9b18e77"],
    "storage_spec_code": "dms.physical.storage.ultra.v2", "ssl_enable": False,
}, separators=(",", ":"))
ECS_BODY = json.dumps({"server": {
    "flavorRef": "s3.xlarge.2", "name": "wjvm48", "imageRef": "6b344c54-d606-4e1a-a99e-a7d0250c3d14",
    "availability_zone": "az1-dc1", "networks": [{"uuid": "fd40e6f8-942d-4b4e-a7ae-465287b02a2c"}],
    "security_groups": [{"name": "default"}], "key_name": "test"}}, separators=(",", ":"))
PROJECT = "9c53a566cb3443ab910cf0daebca90c4"


def vector(vid, description, source, documented, inp, notes=""):
    return {"id": vid, "description": description,
            "provenance": {"source": source, "documented": documented, "notes": notes,
                           "computed_by": "vectors/tools/recompute_huawei.py"},
            "input": inp}


def build():
    doc = vector(
        "sdk-hmac-sha256-vpcs-documented",
        "VECTORS.md's GET /v1/{project}/vpcs?limit=2&marker=... signed with SDK-HMAC-SHA256.",
        "shared/VECTORS.md, 'Huawei Cloud SDK-HMAC-SHA256'",
        ["hashed_canonical_request", "signature", "authorization"],
        dict(DOC_INPUT, algorithm="SDK-HMAC-SHA256"),
        "The canonical request, payload hash and string to sign are computed; the oracle asserts "
        "that their hashes and the signature equal the documented values.")
    docs = [doc]
    host_ecs = "ecs.cn-north-4.myhuaweicloud.com"
    host_dms = "dms.cn-north-4.myhuaweicloud.com"
    comp = "vectors/tools/recompute_huawei.py"
    docs.append(vector(
        "sdk-hmac-sm3-vpcs", "The documented request signed with SDK-HMAC-SM3 (computed).",
        comp, [], dict(DOC_INPUT, algorithm="SDK-HMAC-SM3")))
    docs.append(vector(
        "v11-hmac-sha256-vpcs", "The documented request signed with V11-HMAC-SHA256, region cn-north-4, service vpc (computed).",
        comp, [], dict(DOC_INPUT, algorithm="V11-HMAC-SHA256", region="cn-north-4", service="vpc")))
    docs.append(vector(
        "sdk-hmac-sha256-unsigned-payload", "POST with X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD, a query needing encoding and an untrimmed header (computed).",
        comp, [], {"ak": AK, "sk": SK, "method": "POST", "host": host_ecs,
                   "path": "/v1/a%20b/c~d/servers", "algorithm": "SDK-HMAC-SHA256",
                   "query": [["name", "x y*"], ["a", "2"], ["a", "1"], ["empty", ""]],
                   "headers": [["Content-Type", "application/json"], ["Host", host_ecs],
                               ["X-Sdk-Date", "20240102T030405Z"], ["X-Project-Id", "  " + PROJECT + " "],
                               ["X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD"]],
                   "body": "{\"k\":\"v\"}"}))
    for alg in ("SDK-HMAC-SHA256", "SDK-HMAC-SM3", "V11-HMAC-SHA256"):
        tag = alg.lower()
        extra = {"region": "cn-north-4", "service": "dms"} if alg.startswith("V11") else {}
        docs.append(vector(
            f"seed-dms-kafka-create-instance-{tag}",
            "The seed's POST /v2/{engine}/{project_id}/instances (DMS Kafka), example keys (computed).",
            "shared/seeds/huawei-dms-kafka-create-instance.txt; " + comp, [],
            dict(SEED_KEYS, algorithm=alg, method="POST", host=host_dms,
                 path=f"/v2/kafka/{PROJECT}/instances", query=[],
                 headers=[["Content-Type", "application/json"], ["Host", host_dms],
                          ["X-Sdk-Date", "20251115T080910Z"], ["X-Project-Id", PROJECT]],
                 body=KAFKA_BODY, **extra)))
        extra = {"region": "cn-north-4", "service": "ecs"} if alg.startswith("V11") else {}
        docs.append(vector(
            f"seed-ecs-create-server-{tag}",
            "The seed's POST /v2.1/{project_id}/servers (ECS), example keys (computed).",
            "shared/seeds/huawei-ecs-create-server.txt; " + comp, [],
            dict(SEED_KEYS, algorithm=alg, method="POST", host=host_ecs,
                 path=f"/v2.1/{PROJECT}/servers", query=[],
                 headers=[["Content-Type", "application/json"], ["Host", host_ecs],
                          ["X-Sdk-Date", "20251115T080910Z"], ["X-Project-Id", PROJECT]],
                 body=ECS_BODY, **extra)))
    for v in docs:
        v["expected"] = stages(v)
        documented = v["provenance"]["documented"]
        v["provenance"]["computed"] = [k for k in v["expected"] if k not in documented]
    got = docs[0]["expected"]
    for k, want in DOCUMENTED.items():
        assert got[k] == want, f"documented {k} not reproduced: {got[k]} != {want}"
    return {"schema": "cloudsig-vectors/1", "scheme": "huawei-sdk-hmac", "vectors": docs}


def main():
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from the oracle's output (run with --write)", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(ROOT.parent)}: reproduced")
        return 0
    if "--write" in sys.argv[1:]:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
