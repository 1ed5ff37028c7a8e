#!/usr/bin/env python3
"""Independent generator of Huawei Cloud capture vectors (JSON-lines records).

Writes, under vectors/captures/huawei/:

    keys.txt          fictitious credentials (AK SK [SecurityToken])
    manifest.json     what a correct verifier must conclude for each capture
    valid/*.jsonl     correctly signed requests (SDK-HMAC-SHA256, SDK-HMAC-SM3, V11-HMAC-SHA256)
    mistakes/*.jsonl  requests signed by a client that made exactly one known mistake
    rules/*.jsonl     requests that break one of API Gateway's rules

Every signature is computed here with the Python standard library, using the hash,
HMAC, SM3 and HKDF primitives of recompute_huawei.py (the vector oracle in the same
folder); nothing is shared with the Rust code. The mistaken client is simulated by
changing the step it gets wrong, then sending the request as a correct client would.
JSON lines are used (cloudsig's own record format) because they keep header values
byte for byte, which the untrimmed-header mistake needs.

Usage: make_huawei_captures.py [--check]
"""
import hashlib
import hmac
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recompute_huawei as rh  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "captures" / "huawei"
AK, SK = "HPUAEXAMPLEAK0000001", "cloudsigExampleHuaweiSecretKey0000000001"
TMP_AK, TMP_SK, TOKEN = "HPUATEMPORARYAK00002", "cloudsigExampleTemporarySecretKey0000002", "cloudsigExampleSecurityToken"
NOW = "20251115T080910Z"  # the verification time (--now 1763194150)
NOW_UNIX = 1763194150
PROJECT = rh.PROJECT
HOST = "ecs.cn-north-4.myhuaweicloud.com"


def form_encode(s):
    return quote(s, safe="-_.*").replace("%20", "+")


def sign(req, *, alg="SDK-HMAC-SHA256", ak=AK, sk=SK, mistake=None, region=None, service=None):
    """Signs req = {method, path, query: [(k, v)] as sent, headers: [(n, v)], body} as a
    client making `mistake` would, and returns the Authorization value."""
    h = rh.HASHES[alg]
    path, query, headers, body = req["path"], req["query"], req["headers"], req["body"]
    if mistake == "host-port":
        headers = [(n, v + ":443" if n.lower() == "host" else v) for n, v in headers]
    if mistake == "body-reserialised":
        body = json.dumps(json.loads(body), separators=(",", ":"))
    # canonical URI
    segs = unquote(path).split("/")
    if mistake == "path-not-encoded":
        uri = "/".join(segs)
    elif mistake == "path-double-encoded":
        uri = "/".join(quote(s, safe="~") for s in path.split("/"))
    elif mistake == "path-double-encoded-node":
        # Node's legacy url.parse escapes only space, quotes, <>\\^`{|} and controls; the
        # Node SDK core then encodes every segment again.
        escaped = "".join("%%%02X" % ord(c) if c in ' "\'<>\\^`{|}' or ord(c) < 0x20 else c
                          for c in unquote(path))
        uri = "/".join(quote(s, safe="~") for s in escaped.split("/"))
    else:
        uri = "/".join(quote(s, safe="~") for s in segs)
    if mistake != "missing-trailing-slash" and not uri.endswith("/"):
        uri += "/"
    # canonical query
    if mistake == "query-unsorted":
        cq = "&".join(f"{k}={v}" for k, v in query)
    else:
        pairs = sorted((unquote(k), unquote(v)) for k, v in query)
        enc = form_encode if mistake == "query-encoded-differently" else (lambda s: quote(s, safe="~"))
        cq = "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs)
    values = {}
    for n, v in headers:
        values[n.lower()] = v if mistake == "header-not-trimmed" else v.strip()
    signed = sorted(req.get("signed") or values)
    payload = values.get("x-sdk-content-sha256") or h(body.encode()).hexdigest()
    canonical = "\n".join([req["method"], uri, cq, "".join(f"{n}:{values[n]}\n" for n in signed),
                           ";".join(signed), payload])
    hashed = h(canonical.encode()).hexdigest()
    date = values["x-sdk-date"]
    key = (sk + "\n") if mistake == "key-whitespace" else sk
    if alg == "V11-HMAC-SHA256":
        info = f"{date[:8]}/{region}/{service}"
        sts = f"{alg}\n{date}\n{info}\n{hashed}"
        dkey = rh.hkdf_sha256(ak.encode(), key.encode(), info.encode()).hex()
        sig = hmac.new(dkey.encode(), sts.encode(), hashlib.sha256).hexdigest()
        cred = f"Credential={ak}/{info}"
    else:
        sts = f"{alg}\n{date}\n{hashed}"
        sig = hmac.new(key.encode(), sts.encode(), h).hexdigest()
        cred = f"Access={ak}"
    if mistake == "upper-case-hex":
        sig = sig.upper()
    sep = "," if mistake == "compact" else ", "
    return f"{alg} {cred}{sep}SignedHeaders={';'.join(signed)}{sep}Signature={sig}"


def record(req, auth):
    q = "&".join(f"{k}={v}" for k, v in req["query"])
    url = "https://" + dict((n.lower(), v) for n, v in req["headers"])["host"].strip() + req["path"] + ("?" + q if q else "")
    return {"method": req["method"], "url": url,
            "headers": [[n, v] for n, v in req["headers"]] + [["Authorization", auth]],
            "body": req["body"]}


def base(date=NOW, extra=(), body=None, path=f"/v2.1/{PROJECT}/servers", query=(), method="POST"):
    headers = [("Host", HOST), ("Content-Type", "application/json"), ("X-Project-Id", PROJECT),
               ("X-Sdk-Date", date)] + list(extra)
    return {"method": method, "path": path, "query": list(query), "headers": headers,
            "body": rh.ECS_BODY if body is None else body}


def cases():
    out = []

    def add(group, name, req, auth, verdict, code=None, rule=None, mistake=None, note=""):
        out.append((group, name, record(req, auth),
                    {"file": f"{group}/{name}.jsonl", "verdict": verdict, "code": code,
                     "rule": rule, "mistake": mistake, "note": note}))

    for alg in ("SDK-HMAC-SHA256", "SDK-HMAC-SM3", "V11-HMAC-SHA256"):
        tag = alg.lower()
        kw = {"region": "cn-north-4", "service": "ecs"} if alg.startswith("V11") else {}
        r = base()
        add("valid", f"ecs-create-server-{tag}", r, sign(r, alg=alg, **kw), "valid")
        r = base(path=f"/v2/kafka/{PROJECT}/instances", body=rh.KAFKA_BODY)
        r["headers"][0] = ("Host", "dms.cn-north-4.myhuaweicloud.com")
        kw2 = {"region": "cn-north-4", "service": "dms"} if alg.startswith("V11") else {}
        add("valid", f"dms-kafka-create-instance-{tag}", r, sign(r, alg=alg, **kw2), "valid")
    r = base(method="GET", body="", path=f"/v1/{PROJECT}/vpcs",
             query=[("limit", "2"), ("marker", "13551d6b-755d-4757-b956-536f674975c0")])
    add("valid", "get-with-query", r, sign(r), "valid")
    r = base(extra=[("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")])
    add("valid", "unsigned-payload", r, sign(r), "valid")
    r = base()
    add("valid", "compact-authorization", r, sign(r, mistake="compact"), "valid",
        note="`,` without a space between the parts: accepted, noted")

    m = "mistakes"
    enc_path = f"/v1/{PROJECT}/servers/a%20b~c"
    for name, req in [
        ("missing-trailing-slash", base()),
        ("path-not-encoded", base(path=enc_path, method="GET", body="")),
        ("path-double-encoded", base(path=enc_path, method="GET", body="")),
        ("path-double-encoded-node", base(path=f"/v1/{PROJECT}/cloudservers/srv%2001%C3%A9:*~+",
                                          method="GET", body="")),
        ("query-unsorted", base(method="GET", body="", path=f"/v1/{PROJECT}/vpcs",
                                query=[("marker", "x"), ("limit", "2")])),
        ("query-encoded-differently", base(method="GET", body="", path=f"/v1/{PROJECT}/servers",
                                           query=[("name", "web%20server")])),
        ("header-not-trimmed", base(extra=[("X-Client-Tag", " blue ")])),
        ("host-port", base()),
        ("body-reserialised", base(body=json.dumps(json.loads(rh.ECS_BODY)))),
        ("key-whitespace", base()),
        ("upper-case-hex", base()),
    ]:
        mid = "path-double-encoded" if name == "path-double-encoded-node" else name
        add(m, name, req, sign(req, mistake=name), "invalid", "APIGW.0301", "signature", mid)

    # the date in UTC+8, signed consistently: the signature matches, the window does not
    local = "20251115T160910Z"
    r = base(date=local)
    add("rules", "x-sdk-date-local-time", r, sign(r), "invalid", "APIGW.0301", "x-sdk-date-local-time")
    r = base(date="20251115T074910Z")  # 20 minutes early
    add("rules", "x-sdk-date-expired", r, sign(r), "invalid", "APIGW.0301", "x-sdk-date-window")
    r = base()
    r["headers"] = [h for h in r["headers"] if h[0] != "X-Sdk-Date"]
    r2 = dict(r, signed=["content-type", "host", "x-project-id"])
    r2["headers"] = r["headers"] + [("X-Sdk-Date", NOW)]
    auth = sign(r2)
    add("rules", "x-sdk-date-missing", r, auth, "invalid", "APIGW.0301", "x-sdk-date")
    r = base()
    add("rules", "unknown-ak", r, sign(r, ak="HPUAUNKNOWNAK0000009"), "invalid", "APIGW.0301", "access-key")
    r = base()
    r_signed = dict(r, headers=r["headers"] + [("X-Extra", "1")])
    add("rules", "signed-header-not-sent", r, sign(r_signed), "invalid", "APIGW.0301", "signed-headers")
    r = base()
    add("rules", "host-not-signed", r, sign(dict(r, signed=["content-type", "x-project-id", "x-sdk-date"])),
        "invalid", "APIGW.0301", "signed-headers")
    r = base()
    add("rules", "security-token-missing", r, sign(r, ak=TMP_AK, sk=TMP_SK), "invalid", "APIGW.0301", "security-token")
    r = base(extra=[("X-Security-Token", TOKEN)])
    add("valid", "security-token", r, sign(r, ak=TMP_AK, sk=TMP_SK), "valid")
    return out


def self_check(all_cases):
    """The correct clients' captures verify with the oracle, the others do not."""
    keys = {AK: SK, TMP_AK: TMP_SK}
    for group, name, rec, exp in all_cases:
        if group == "rules":
            continue
        auth = rec["headers"][-1][1]
        alg, rest = auth.split(" ", 1)
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        cred = parts.get("Access") or parts["Credential"]
        ak = cred.split("/")[0]
        url = rec["url"].split("://", 1)[1]
        path_q = url[url.index("/"):]
        path, _, q = path_q.partition("?")
        query = [tuple(p.split("=", 1)) for p in q.split("&") if p]
        req = {"method": rec["method"], "path": path, "query": query,
               "headers": [tuple(h) for h in rec["headers"][:-1]], "body": rec["body"],
               "signed": parts["SignedHeaders"].split(";")}
        kw = {}
        if alg.startswith("V11"):
            _, _, region, service = cred.split("/")
            kw = {"region": region, "service": service}
        want = sign(req, alg=alg, ak=ak, sk=keys[ak], **kw)
        ok = hmac.compare_digest(want.rsplit("Signature=", 1)[1], parts["Signature"])
        assert ok == (exp["verdict"] == "valid"), f"{group}/{name}: oracle says {ok}"


def render():
    all_cases = cases()
    self_check(all_cases)
    files = {"keys.txt": "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
                          f"# Fictitious Huawei Cloud credentials: AK SK [SecurityToken]\n{AK} {SK}\n{TMP_AK} {TMP_SK} {TOKEN}\n"}
    manifest = {"generator": "vectors/tools/make_huawei_captures.py", "now": NOW_UNIX,
                "keys": "keys.txt", "captures": []}
    for group, name, rec, exp in all_cases:
        files[f"{group}/{name}.jsonl"] = json.dumps(rec, ensure_ascii=False) + "\n"
        manifest["captures"].append(exp)
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    return files


def main():
    files = render()
    if "--check" in sys.argv[1:]:
        bad = [f for f, t in files.items() if not (OUT / f).exists() or (OUT / f).read_text(encoding="utf-8") != t]
        present = {str(p.relative_to(OUT)) for p in OUT.rglob("*") if p.is_file() and p.name != "README.md"}
        extra = sorted(present - set(files))
        if bad or extra:
            print(f"captures differ from the generator: {bad} extra: {extra}", file=sys.stderr)
            return 1
        print(f"{len(files)} Huawei capture files reproduced")
        return 0
    for f, t in files.items():
        (OUT / f).parent.mkdir(parents=True, exist_ok=True)
        (OUT / f).write_text(t, encoding="utf-8")
    print(f"wrote {len(files)} files under {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
