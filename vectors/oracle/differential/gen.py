"""Random requests for the differential harness: one spec per (family, seed, index), standard library only.

A spec is what the family's worker hands its SDK (the `run_case` settings of vectors/oracle/*/capture.py for
the Python SDKs, the same shape for the Node workers). `draw(family, seed, index)` is a pure function of its
arguments (its own `random.Random`), so any request of a run can be drawn again from its id alone, and
`shrink(family, spec)` lists smaller specs (one part removed or simplified) for the minimiser.

The pools hold what the issue asks for: random methods, path parameters, query names and values with reserved
and non-ASCII characters, repeated names, empty values, headers (mixed case, padded, non-ASCII), JSON, form, text,
octet-stream and multipart bodies, temporary (STS) credentials.
"""

import random
from urllib.parse import quote

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UNRESERVED = "-_.~"
RESERVED = " !*'();:@&=+$,/?#[]%\""
NON_ASCII = ["\u00e9", "\u540d", "\U0001F600", "\u00fc", "\u4e91"]


def text(rng, lo=0, hi=8, reserved=0.15, non_ascii=0.08, pool=ALNUM):
    n = rng.randint(lo, hi)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < reserved:
            out.append(rng.choice(RESERVED + UNRESERVED))
        elif r < reserved + non_ascii:
            out.append(rng.choice(NON_ASCII))
        else:
            out.append(rng.choice(pool))
    return "".join(out)


def name(rng, odd=0.2):
    """A parameter name: mostly API-like, sometimes with reserved or non-ASCII characters."""
    if rng.random() < odd:
        return rng.choice(ALNUM) + text(rng, 0, 5, reserved=0.4, non_ascii=0.15)
    return rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") + text(
        rng, 0, 7, reserved=0, non_ascii=0, pool=ALNUM + "._")


def value(rng):
    if rng.random() < 0.12:
        return ""
    return text(rng, 1, 10)


def header_value(rng, non_ascii=0.05):
    v = text(rng, 1, 10, reserved=0.1, non_ascii=0, pool=ALNUM + " -./")
    r = rng.random()
    if r < non_ascii:
        v += rng.choice(["\u00e9", "\u00fc", "\u00e7"])  # ISO-8859-1 characters: requests sends one byte
    elif r < non_ascii + 0.1:  # padding: trailing (sent, then dropped by HTTP); a leading one is rarely accepted
        v = (" " if rng.random() < 0.1 else "") + v + rng.choice([" ", "  ", "\t"])
    return v


def header_name(rng, prefix="X-Custom-"):
    return prefix + rng.choice(["Note", "Meta", "a", "Trace", "Z"]) + rng.choice(["", "2", "-x"])


def seg(rng, dots=0.03):
    """A path parameter value: reserved and non-ASCII characters, sometimes `.` or `..`."""
    if rng.random() < dots:
        return rng.choice([".", ".."])
    return text(rng, 1, 8, reserved=0.2, non_ascii=0.08)


# ---------------------------------------------------------------------------------------------------------------
# Tencent (tencentcloud-sdk-python-common; the Node worker takes the same spec)
# ---------------------------------------------------------------------------------------------------------------

def tc_value(rng, depth=0):
    r = rng.random()
    if r < 0.5 or depth > 1:
        return value(rng)
    if r < 0.62:
        return rng.randint(-5, 100000)
    if r < 0.7:
        return rng.random() < 0.5
    if r < 0.85:
        return [tc_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {name(rng, 0): tc_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def draw_tencent(rng, node=False):
    s = {"cred": rng.choice(["main", "main", "temp"]), "language": rng.choice(["zh-CN", "en-US"]),
         "region": rng.choice(["ap-guangzhou", "ap-guangzhou", ""]), "endpoint": "cvm.tencentcloudapi.com",
         "action": rng.choice(["DescribeInstances", "RunInstances", "DescribeZones"])}
    r = rng.random()
    s["sign"] = "TC3-HMAC-SHA256" if r < 0.6 else ("HmacSHA1" if r < 0.8 else "HmacSHA256")
    s["method"] = rng.choice(["GET", "POST"])
    s["params"] = {name(rng, 0.1 if s["sign"] == "TC3-HMAC-SHA256" else 0.05): tc_value(rng)
                   for _ in range(rng.randint(0, 6))}
    if rng.random() < 0.25:
        s["headers"] = {"X-TC-TraceId": "00000000-0000-4000-8000-%012d" % rng.randint(0, 10 ** 9)} if node else {
            header_name(rng): header_value(rng) for _ in range(rng.randint(1, 2))}
    if s["sign"] == "TC3-HMAC-SHA256":
        r = rng.random()
        if r < 0.1 and not node:
            s["unsigned_payload"] = True
        elif r < 0.15:
            s["skip_sign"] = True
        elif r < 0.25 and s["method"] == "POST":
            s["multipart"] = True
            s["params"] = {name(rng, 0): value(rng) for _ in range(rng.randint(1, 4))}
            s["binary_params"] = sorted(rng.sample(sorted(s["params"]), rng.randint(0, len(s["params"]))))
        elif r < 0.3 and s["method"] == "POST":
            s["api"] = "call_octet_stream"
            s["body"] = {"$hex": bytes(rng.randrange(256) for _ in range(rng.randint(0, 24))).hex()}
            s["headers"] = dict(s.get("headers") or {})
    return s


# ---------------------------------------------------------------------------------------------------------------
# Alibaba: tea (alibabacloud-tea-openapi; the Node worker takes the same spec) and aliyun-python-sdk-core
# ---------------------------------------------------------------------------------------------------------------

ECS_HOST = "ecs.aliyuncs.com"
ES_HOST = "elasticsearch.cn-hangzhou.aliyuncs.com"


def ali_query(rng, n_hi=5):
    return {name(rng, 0.25): value(rng) for _ in range(rng.randint(0, n_hi))}


def ali_headers(rng):
    h = {}
    for _ in range(rng.randint(0, 3)):
        r = rng.random()
        if r < 0.5:
            n = rng.choice(["x-acs-", "x-acs-", "X-Acs-", "x-ACS-"]) + rng.choice(["note", "Meta", "trace", "zz"])
        else:
            n = header_name(rng)
        h[n] = header_value(rng)
    return h


def ali_form(rng):
    body = {}
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.15:
            body[name(rng, 0)] = [{"Key": value(rng), "Value": value(rng)} for _ in range(rng.randint(1, 2))]
        else:
            body[name(rng, 0.2)] = value(rng)
    return body


def ali_json(rng):
    return {name(rng, 0.1): tc_value(rng) for _ in range(rng.randint(0, 4))}


def roa_path(rng, encode):
    parts = []
    for i in range(rng.randint(0, 3)):
        if rng.random() < 0.5:
            v = seg(rng)
            parts.append(quote(v, safe="~") if encode and v not in (".", "..") else v)
        else:
            parts.append(rng.choice(["instances", "actions", "v1", "nodes"]))
    return "/openapi/" + "/".join(parts) if parts else "/openapi"


def draw_tea(rng):
    s = {"algorithm": rng.choice([None, None, "ACS3-HMAC-SM3", "v2", "v2"]), "cred": rng.choice(["ak", "ak", "sts"]),
         "body_type": "json", "headers": None, "body": None, "query": None}
    if rng.random() < 0.5:
        s.update(host=ECS_HOST, action="DescribeInstances", version="2014-05-26", style="RPC", pathname="/",
                 req_body_type="formData")
        s["method"] = rng.choice(["GET", "POST", "POST", "PUT", "DELETE"]) if rng.random() < 0.15 else rng.choice(
            ["GET", "POST"])
        s["query"] = ali_query(rng)
        if s["method"] != "GET" and rng.random() < 0.7:
            s["body"] = ali_form(rng)
            if s["query"] and rng.random() < 0.1:
                k = rng.choice(sorted(s["query"]))
                s["body"][k] = rng.choice([s["query"][k], value(rng)])
    else:
        s.update(host=ES_HOST, action=rng.choice(["ListInstance", "UpdateDescription"]), version="2017-06-13",
                 style="ROA", pathname=roa_path(rng, encode=True))
        s["method"] = rng.choice(["GET", "POST", "PUT", "DELETE"])
        s["query"] = ali_query(rng)
        if s["method"] in ("POST", "PUT") and rng.random() < 0.7:
            if rng.random() < 0.75:
                s["req_body_type"], s["body"] = "json", ali_json(rng)
            else:
                s["req_body_type"], s["body"] = "formData", ali_form(rng)
        else:
            s["req_body_type"] = "json"
    if rng.random() < 0.5:
        s["headers"] = ali_headers(rng)
    return s


def draw_core(rng):
    s = {"cred": rng.choice(["ak", "ak", "sts"]), "query": ali_query(rng), "body_params": None, "content": None,
         "headers": None, "uri_pattern": None, "path_params": None}
    if rng.random() < 0.5:
        s.update(host=ECS_HOST, action="DescribeInstances", version="2014-05-26")
        s["method"] = rng.choice(["GET", "POST", "PUT", "DELETE"]) if rng.random() < 0.15 else rng.choice(
            ["GET", "POST"])
        if s["method"] != "GET" and rng.random() < 0.7:
            s["body_params"] = {name(rng, 0.2): value(rng) for _ in range(rng.randint(1, 4))}
            if s["query"] and rng.random() < 0.1:
                k = rng.choice(sorted(s["query"]))
                s["body_params"][k] = rng.choice([s["query"][k], value(rng)])
    else:
        s.update(host=ES_HOST, action="ListInstance", version="2017-06-13")
        s["method"] = rng.choice(["GET", "POST", "PUT", "DELETE"])
        names = ["P%d" % i for i in range(rng.randint(0, 2))]
        s["uri_pattern"] = "/openapi/instances" + "".join("/[%s]" % n for n in names)
        s["path_params"] = {n: seg(rng) for n in names} or None
        if s["method"] in ("POST", "PUT") and rng.random() < 0.7:
            s["content"] = ali_json(rng)
            s["headers"] = {"Content-Type": "application/json"}
    if rng.random() < 0.5:
        s["headers"] = dict(s["headers"] or {}, **ali_headers(rng))
    return s


# ---------------------------------------------------------------------------------------------------------------
# Huawei (huaweicloudsdkcore; the Node worker takes the same spec)
# ---------------------------------------------------------------------------------------------------------------

HW_ECS = "ecs.cn-north-4.myhuaweicloud.com"
HW_IAM = "iam.myhuaweicloud.com"


def hw_query(rng):
    q = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        n = name(rng, 0.2)
        if r < 0.15:  # a repeated name with integers (the SDK sorts them as numbers, H1)
            q += [(n, rng.choice([1, 2, 9, 10, 11, 100, 25])) for _ in range(rng.randint(2, 3))]
        elif r < 0.3:
            q += [(n, value(rng)) for _ in range(rng.randint(2, 3))]
        elif r < 0.4:
            q.append((n, rng.choice([True, False, rng.randint(0, 1000)])))
        else:
            q.append((n, value(rng)))
    return [list(p) for p in q]


def draw_huawei(rng, node=False):
    s = {"algorithm": rng.choice(["SHA256", "SHA256", "V11"] + ([] if node else ["SM3"])),
         "cred": rng.choice(["basic", "basic", "temp", "global"]), "config": None}
    s["host"] = HW_IAM if s["cred"] == "global" else HW_ECS
    s["method"] = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH"])
    params = {}
    parts = ["v1", "{project_id}" if s["cred"] != "global" else "projects"]
    for i in range(rng.randint(0, 2)):
        if rng.random() < 0.6:
            parts.append("{p%d}" % i)
            params["p%d" % i] = seg(rng, dots=0.05)
        else:
            parts.append(rng.choice(["servers", "tags", "action"]))
    s["path"] = "/" + "/".join(parts)
    s["path_params"] = params or None
    s["query"] = hw_query(rng) or None
    s["headers"] = None
    if rng.random() < 0.4:
        s["headers"] = {header_name(rng, rng.choice(["X-Custom-", "X-Custom-", "X_Under_"])): header_value(rng, 0)
                        for _ in range(rng.randint(1, 2))}
    s["body"] = None
    if s["method"] in ("POST", "PUT", "PATCH", "DELETE"):
        r = rng.random()
        if r < 0.5:
            s["body"] = ali_json(rng)
        elif r < 0.75:
            s["headers"] = dict(s["headers"] or {}, **{"Content-Type": rng.choice(
                ["application/octet-stream", "text/plain"])})
            n = rng.choice([0, 0, rng.randint(1, 24)])
            # no body at all with a non-JSON type (H2), an empty one, or a few bytes
            s["body"] = None if n == 0 and rng.random() < 0.5 else {
                "$hex": bytes(rng.randrange(256) for _ in range(n)).hex()}
    return s


# ---------------------------------------------------------------------------------------------------------------

DRAW = {
    "tencent-python": draw_tencent,
    "tencent-node": lambda rng: draw_tencent(rng, node=True),
    "alibaba-tea": draw_tea,
    "alibaba-tea-node": draw_tea,
    "alibaba-core": draw_core,
    "huawei-python": draw_huawei,
    "huawei-node": lambda rng: draw_huawei(rng, node=True),
}


def draw(family, seed, index):
    """The spec of request `index` of run `seed` for `family` (a pure function of the three)."""
    rng = random.Random("%s/%d/%d" % (family, seed, index))
    return DRAW[family](rng)


# ---------------------------------------------------------------------------------------------------------------
# Shrinking: smaller variants of a spec, most aggressive first
# ---------------------------------------------------------------------------------------------------------------

def _smaller_strings(v):
    if not isinstance(v, str) or len(v) <= 1:
        return []
    half = len(v) // 2
    out = [v[:half], v[half:]]
    out += [v[:i] + v[i + 1:] for i in range(len(v))] if len(v) <= 12 else []
    seen, uniq = set(), []
    for x in out:
        if x not in seen and x != v:
            seen.add(x)
            uniq.append(x)
    return uniq


CONTAINERS = ("params", "query", "body", "headers", "body_params", "content", "path_params")


def shrink(family, spec):
    """Specs one step smaller than `spec`: a container dropped or emptied, one entry removed, one string value or
    name made shorter, an option dropped."""
    import copy
    for key in CONTAINERS:
        c = spec.get(key)
        if isinstance(c, (dict, list)) and c and not (isinstance(c, dict) and set(c) == {"$hex"}):
            if key in ("path_params",):
                continue  # the path needs them; shortened below instead
            t = copy.deepcopy(spec)
            t[key] = {} if key in ("params",) else None
            if key == "headers" and any(k.lower() == "content-type" for k in c):
                t[key] = {k: v for k, v in c.items() if k.lower() == "content-type"}
                if t[key] == c:
                    continue
            yield t
    for key in ("unsigned_payload", "skip_sign", "language", "request_client"):
        if spec.get(key) and key != "language":
            t = copy.deepcopy(spec)
            t.pop(key)
            yield t
    if spec.get("cred") in ("temp", "sts", "global"):
        t = copy.deepcopy(spec)
        t["cred"] = {"temp": "basic" if family.startswith("huawei") else "main", "sts": "ak",
                     "global": "basic"}[spec["cred"]]
        if family.startswith("huawei") and spec["cred"] == "global":
            t["host"] = HW_ECS
            t["path"] = t["path"].replace("/projects", "/{project_id}", 1)
        elif family.startswith("huawei") and spec["cred"] == "temp":
            t["cred"] = "basic"
        yield t
    for key in CONTAINERS:
        c = spec.get(key)
        if isinstance(c, dict) and set(c) != {"$hex"} and key != "path_params":
            for k in list(c):
                if key == "headers" and k.lower() == "content-type" and family.startswith(("huawei", "alibaba-core")):
                    continue
                t = copy.deepcopy(spec)
                del t[key][k]
                if key == "params" and t.get("binary_params"):
                    t["binary_params"] = [b for b in t["binary_params"] if b != k]
                yield t
        elif isinstance(c, list):
            for i in range(len(c)):
                t = copy.deepcopy(spec)
                del t[key][i]
                if not t[key]:
                    t[key] = None
                yield t
    for key in CONTAINERS:
        c = spec.get(key)
        if isinstance(c, dict) and set(c) != {"$hex"}:
            for k, v in c.items():
                for w in _smaller_strings(v):
                    t = copy.deepcopy(spec)
                    t[key][k] = w
                    yield t
                if key in ("params", "query", "body", "body_params", "content") and key != "headers":
                    for n in _smaller_strings(k):
                        if n in c or not n:
                            continue
                        t = copy.deepcopy(spec)
                        t[key] = {(n if kk == k else kk): vv for kk, vv in c.items()}
                        yield t
        elif isinstance(c, list):
            for i, pair in enumerate(c):
                for w in _smaller_strings(pair[1]):
                    t = copy.deepcopy(spec)
                    t[key][i] = [pair[0], w]
                    yield t
                for n in _smaller_strings(pair[0]):
                    t = copy.deepcopy(spec)
                    t[key][i] = [n, pair[1]]
                    yield t
