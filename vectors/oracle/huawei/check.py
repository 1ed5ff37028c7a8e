#!/usr/bin/env python3
"""Independent recomputation of every Huawei SDK capture's signature from its raw bytes.

Uses only the standard library (hashlib, hmac); SM3 is written here from GB/T 32905-2016 (checked against the
standard's two examples and, when the local OpenSSL has it, hashlib's sm3); HKDF per RFC 5869. Nothing from the
SDK is imported. For each vectors/captures/sdk/huawei/<sdk>/<case>.http it parses the request as received and
computes the signature by the documented algorithm:

    canonical request = METHOD \\n canonical URI \\n canonical query \\n canonical headers \\n signed headers \\n
                        hex(hash(body)) (or the value of X-Sdk-Content-Sha256 / X-Sdk-Content-Sm3 when present)
    canonical URI     = each '/'-separated segment of the path percent-decoded and re-encoded (RFC 3986
                        unreserved kept), ending in '/'
    canonical query   = every key=value percent-decoded and re-encoded, sorted by key then value
    canonical headers = "name:trimmed value\\n" for each signed header (lower-cased names)
    string to sign    = ALG \\n X-Sdk-Date \\n [date/region/service \\n (V11)] hex(hash(canonical request))
    signature         = hex HMAC(SK, string to sign); V11: HMAC key = hex(HKDF-SHA256(IKM=SK, salt=AK,
                        info=date/region/service, L=32)) as ASCII text

When the documented algorithm does not reproduce the SDK's signature, it tries the variants the SDK is known to
differ by (named in the report) and says which one matched: a FINDING. Exit 0 when every signature is
reproduced by the documented algorithm or a named variant (or is a listed, documented SDK bug: KNOWN_UNREPRODUCIBLE),
1 otherwise.

    python3 vectors/oracle/huawei/check.py [DIR ...]     (default: vectors/captures/sdk/huawei/*/)
"""

import glob
import hashlib
import hmac
import os
import sys
from urllib.parse import unquote_to_bytes

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CAPTURES = os.path.join(REPO, "vectors", "captures", "sdk", "huawei")


# --- SM3, GB/T 32905-2016 --------------------------------------------------------------------------------------

_SM3_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_M32 = 0xFFFFFFFF


def _rotl(x, n):
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _M32


def _sm3_compress(v, block):
    w = [int.from_bytes(block[4 * i:4 * i + 4], "big") for i in range(16)]
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
        p1 = x ^ _rotl(x, 15) ^ _rotl(x, 23)
        w.append(p1 ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    w1 = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        t = 0x79CC4519 if j < 16 else 0x7A879D8A
        ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _M32, 7)
        ss2 = ss1 ^ _rotl(a, 12)
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + w1[j]) & _M32
        tt2 = (gg + h + ss1 + w[j]) & _M32
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f = g, _rotl(f, 19), e
        e = tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
    return tuple(x ^ y for x, y in zip((a, b, c, d, e, f, g, h), v))


def sm3(data):
    n = len(data)
    msg = data + b"\x80" + b"\x00" * ((55 - n) % 64) + (8 * n).to_bytes(8, "big")
    v = _SM3_IV
    for i in range(0, len(msg), 64):
        v = _sm3_compress(v, msg[i:i + 64])
    return b"".join(x.to_bytes(4, "big") for x in v)


def _self_test_sm3():
    # GB/T 32905-2016 appendix A, examples 1 and 2.
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    try:
        h = hashlib.new("sm3")
    except ValueError:
        return "pure Python only (hashlib has no sm3)"
    for data in (b"", b"abc", bytes(range(200))):
        assert hashlib.new("sm3", data).digest() == sm3(data)
    return "pure Python, agrees with hashlib's sm3"


def hmac_generic(hash_fn, key, msg, block=64):
    """RFC 2104 HMAC over any hash function (used for SM3)."""
    if len(key) > block:
        key = hash_fn(key)
    key = key.ljust(block, b"\x00")
    inner = hash_fn(bytes(k ^ 0x36 for k in key) + msg)
    return hash_fn(bytes(k ^ 0x5C for k in key) + inner)


def hkdf_sha256(ikm, salt, info, length):
    """RFC 5869."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm += t
        i += 1
    return okm[:length]


def _self_test_hkdf():
    # RFC 5869 test case 1.
    okm = hkdf_sha256(bytes([0x0B] * 22), bytes(range(13)), bytes(range(0xF0, 0xFA)), 42)
    assert okm.hex() == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865")


# --- parsing ---------------------------------------------------------------------------------------------------

def parse_http(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    method, target, _version = lines[0].split(b" ")
    if target.startswith(b"http://") or target.startswith(b"https://"):
        target = b"/" + target.split(b"/", 3)[3] if target.count(b"/") >= 3 else b"/"
    path, _, query = target.partition(b"?")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("ascii"), value.strip(b" \t")))
    return method.decode("ascii"), path, query, headers, body


def header(headers, name):
    vals = [v for n, v in headers if n.lower() == name.lower()]
    return vals[0] if vals else None


UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~"


def enc(b):
    return "".join(chr(c) if c in UNRESERVED else "%%%02X" % c for c in b)


def canonical_uri(path, variant):
    if variant == "unquote-whole-path":  # decode the whole path first: an encoded '/' splits a segment
        segs = unquote_to_bytes(path).split(b"/")
    else:
        segs = [unquote_to_bytes(s) for s in path.split(b"/")]
    uri = "/".join(enc(s) for s in segs)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query, variant):
    if not query:
        return ""
    pairs = []
    for item in query.split(b"&"):
        k, _, v = item.partition(b"=")
        pairs.append((unquote_to_bytes(k), unquote_to_bytes(v)))
    if variant == "sort-decoded":  # sort the decoded pairs (as text, by code point), then encode
        pairs.sort(key=lambda kv: (kv[0].decode("utf-8"), kv[1].decode("utf-8")))
        return "&".join("%s=%s" % (enc(k), enc(v)) for k, v in pairs)
    # documented: encode, then sort by encoded key, then encoded value
    return "&".join("%s=%s" % kv for kv in sorted((enc(k), enc(v)) for k, v in pairs))


def _icu_key(name):
    """Approximates ICU root collation (Node's localeCompare) on header names: '_' < '-' < digits < letters."""
    return [0 if c == "_" else 1 if c == "-" else 2 + ord(c) for c in name]


def recompute(raw, keys, uri_variant="documented", query_variant="documented", header_variant="documented"):
    method, path, query, headers, body = parse_http(raw)
    auth = header(headers, "Authorization").decode("ascii")
    alg, _, rest = auth.partition(" ")
    fields = dict(p.strip().split("=", 1) for p in rest.split(","))
    signed = fields["SignedHeaders"].split(";")
    if alg == "V11-HMAC-SHA256":
        ak, _, scope = fields["Credential"].partition("/")
    else:
        ak, scope = fields["Access"], None
    sk = keys[ak]
    hash_fn = (lambda d: sm3(d)) if alg == "SDK-HMAC-SM3" else (lambda d: hashlib.sha256(d).digest())
    content_header = "X-Sdk-Content-Sm3" if alg == "SDK-HMAC-SM3" else "X-Sdk-Content-Sha256"
    declared = header(headers, content_header)
    payload = declared.decode("ascii") if declared is not None and body else hash_fn(body).hex()
    order = sorted(signed, key=_icu_key) if header_variant == "locale-order" else signed
    canon_headers = "".join("%s:%s\n" % (h, header(headers, h).decode("utf-8").strip()) for h in order)
    canonical = "\n".join([method, canonical_uri(path, uri_variant), canonical_query(query, query_variant),
                           canon_headers, ";".join(signed), payload])
    date = header(headers, "X-Sdk-Date").decode("ascii")
    parts = [alg, date] + ([scope] if scope else []) + [hash_fn(canonical.encode("utf-8")).hex()]
    sts = "\n".join(parts).encode("utf-8")
    if alg == "SDK-HMAC-SM3":
        sig = hmac_generic(sm3, sk.encode(), sts).hex()
    elif alg == "V11-HMAC-SHA256":
        if scope.split("/")[0] != date[:8]:
            return None, fields["Signature"], "scope date %s is not X-Sdk-Date's" % scope
        key = hkdf_sha256(sk.encode(), ak.encode(), scope.encode(), 32).hex().encode("ascii")
        sig = hmac.new(key, sts, hashlib.sha256).hexdigest()
    elif alg == "SDK-HMAC-SHA256":
        sig = hmac.new(sk.encode(), sts, hashlib.sha256).hexdigest()
    else:
        return None, fields.get("Signature"), "unknown algorithm %s" % alg
    return sig, fields["Signature"], None


VARIANTS = [(u, q, h) for h in ("documented", "locale-order") for q in ("documented", "sort-decoded")
            for u in ("documented", "unquote-whole-path")]

# Captures whose signature no reading of the request as sent reproduces: SDK bugs, documented in
# vectors/oracle/README.md. check.py fails if one of these starts to verify (then remove it here) or if any other
# capture does not.
KNOWN_UNREPRODUCIBLE = {
    "node/sha256-path-encoding.http": "Node core signs url.parse(url).pathname re-encoded without decoding: "
                                      "space and ' are double-encoded (%2520, %2527) while the wire has %20 and '",
}


def load_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                keys[line[0]] = line[1]
    return keys


def main(argv):
    print("SM3: %s" % _self_test_sm3())
    _self_test_hkdf()
    keys = load_keys(os.path.join(CAPTURES, "keys.txt"))
    dirs = argv or sorted(d for d in glob.glob(os.path.join(CAPTURES, "*")) if os.path.isdir(d))
    total = documented = 0
    failures, findings, known = [], [], []
    for d in dirs:
        for path in sorted(glob.glob(os.path.join(d, "*.http"))):
            name = os.path.relpath(path, CAPTURES)
            with open(path, "rb") as f:
                raw = f.read()
            total += 1
            matched = None
            err = None
            for uv, qv, hv in VARIANTS:
                sig, sent, err = recompute(raw, keys, uv, qv, hv)
                if err:
                    failures.append("%s: %s" % (name, err))
                    break
                if sig == sent:
                    matched = (uv, qv, hv)
                    break
            if matched and name in KNOWN_UNREPRODUCIBLE:
                failures.append("%s: listed as unreproducible but reproduced: update KNOWN_UNREPRODUCIBLE" % name)
            elif matched == ("documented", "documented", "documented"):
                documented += 1
            elif matched:
                findings.append("%s: reproduced only with canonical URI %s, canonical query %s, header order %s"
                                % ((name,) + matched))
            elif err:
                pass
            elif name in KNOWN_UNREPRODUCIBLE:
                known.append("%s: %s" % (name, KNOWN_UNREPRODUCIBLE[name]))
            else:
                failures.append("%s: no variant reproduces the signature" % name)
    for line in findings:
        print("FINDING " + line)
    for line in known:
        print("FINDING (SDK bug, not reproducible) " + line)
    for line in failures:
        print("MISMATCH " + line)
    print("%d captures: %d reproduced by the documented algorithm, %d only by a named variant, %d known "
          "unreproducible, %d unexpected failures" % (total, documented, len(findings), len(known), len(failures)))
    return 1 if failures or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
