"""The named causes of a disagreement between an official SDK and cloudsig, and how each is recognised.

A disagreement (the SDK signed a request, cloudsig did not find it valid) is attributed in this order:

1. by the mistake id of cloudsig's diagnosis (`diagnosis.mistake.id` in `cloudsig verify --format json`), when
   cloudsig names the cause itself (`mistake_ids`);
2. else by the cause's classifier: a test on the request's shape (the spec given to the SDK and the bytes it
   sent) that holds only when that cause can be at work (a raw name that sorts differently from its encoding,
   a header byte that is not UTF-8, ...). Classifiers are tried in the table's order; the first that holds wins;
3. else the disagreement is "new".

`side` says who is wrong: "cloudsig" (cloudsig too strict or wrong: the fix makes the cause disappear), "sdk"
(the SDK signs something other than what it sends: cloudsig is right to reject, and should name it).
Standard library only.
"""

import re
from urllib.parse import quote, unquote_to_bytes


def head_lines(raw):
    return raw.partition(b"\r\n\r\n")[0].split(b"\r\n")


def request_target(raw):
    parts = head_lines(raw)[0].split(b" ")
    return parts[1] if len(parts) > 1 else b""


def headers(raw):
    out = []
    for line in head_lines(raw)[1:]:
        n, _, v = line.partition(b":")
        out.append((n.strip(), v.strip()))
    return out


def body(raw):
    """The body as sent, de-chunked when Transfer-Encoding is chunked (tea-typescript streams its bodies)."""
    data = raw.partition(b"\r\n\r\n")[2]
    if not any(n.lower() == b"transfer-encoding" and b"chunked" in v.lower() for n, v in headers(raw)):
        return data
    out, at = b"", 0
    while True:
        eol = data.find(b"\r\n", at)
        if eol < 0:
            return out
        try:
            size = int(data[at:eol].split(b";")[0], 16)
        except ValueError:
            return out
        if size == 0:
            return out
        out += data[eol + 2:eol + 2 + size]
        at = eol + 2 + size + 2


def header_bytes_not_utf8(raw):
    for _, v in headers(raw):
        try:
            v.decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


def wire_path(raw):
    t = request_target(raw)
    if t.startswith(b"http://"):
        t = b"/" + t[7:].partition(b"/")[2]
    return t.partition(b"?")[0]


def wire_query_pairs(raw):
    q = request_target(raw).partition(b"?")[2]
    pairs = []
    for part in q.split(b"&") if q else []:
        n, _, v = part.partition(b"=")
        pairs.append((unquote_to_bytes(n.replace(b"+", b" ")), unquote_to_bytes(v.replace(b"+", b" "))))
    return pairs


def form_pairs(raw):
    ct = b""
    for n, v in headers(raw):
        if n.lower() == b"content-type":
            ct = v.lower()
    if not ct.startswith(b"application/x-www-form-urlencoded"):
        return []
    pairs = []
    b = body(raw)
    for part in b.split(b"&") if b else []:
        n, _, v = part.partition(b"=")
        pairs.append((unquote_to_bytes(n.replace(b"+", b" ")), unquote_to_bytes(v.replace(b"+", b" "))))
    return pairs


def rfc3986(b):
    return quote(b, safe="-_.~").encode()


def scheme(report):
    return (report or {}).get("scheme") or ""


# ---------------------------------------------------------------------------------------------------------------
# Classifiers: (family, spec, raw, report) -> bool
# ---------------------------------------------------------------------------------------------------------------

def a1_non_utf8_header(family, spec, raw, report):
    """A header value holds a byte that is not UTF-8 (requests sends a str header as ISO-8859-1)."""
    return header_bytes_not_utf8(raw)


def a2_rpc_raw_name_sort(family, spec, raw, report):
    """RPC: sorting the parameter names raw and sorting them encoded give different orders."""
    if scheme(report) != "RPC-HMAC-SHA1":
        return False
    names = sorted({n for n, _ in wire_query_pairs(raw) + form_pairs(raw)})
    return names != sorted(names, key=rfc3986)


def a3_rpc_form_body_on_non_post(family, spec, raw, report):
    """RPC with a form body on a method other than POST: the SDK signs the body's parameters."""
    method = head_lines(raw)[0].split(b" ")[0]
    return scheme(report) == "RPC-HMAC-SHA1" and method != b"POST" and bool(form_pairs(raw))


def a9_name_in_query_and_body(family, spec, raw, report):
    """RPC: one name both in the query and in the form body (the SDKs sign the merged map once)."""
    if scheme(report) != "RPC-HMAC-SHA1":
        return False
    q = {n for n, _ in wire_query_pairs(raw)}
    return any(n in q for n, _ in form_pairs(raw))


def a4_acs3_name_not_encoded(family, spec, raw, report):
    """ACS3 (tea): a query name that percent-encoding changes (tea signs names unencoded)."""
    if not scheme(report).startswith("ACS3"):
        return False
    return any(rfc3986(n) != n for n, _ in wire_query_pairs(raw))


def a5_roa_acs_header_case(family, spec, raw, report):
    """ROA: an x-acs-* header whose name is not all lower-case (tea signs only a lower-case `x-acs-` prefix, as
    given)."""
    if scheme(report) != "ROA-HMAC-SHA1":
        return False
    return any(n.lower().startswith(b"x-acs-") and n != n.lower() for n, _ in headers(raw))


def a6_acs_value_not_trimmed(family, spec, raw, report):
    """ROA: an x-acs-* header value given with surrounding whitespace (signed untrimmed, HTTP drops it)."""
    if scheme(report) != "ROA-HMAC-SHA1":
        return False
    for n, v in (spec.get("headers") or {}).items():
        if n.lower().startswith("x-acs-") and v != v.strip(" \t"):
            return True
    return False


def a7_roa_path_param_raw(family, spec, raw, report):
    """aliyun-python-sdk-core ROA: a path parameter that requests percent-encodes on the wire (signed raw)."""
    if family != "alibaba-core" or scheme(report) != "ROA-HMAC-SHA1":
        return False
    for v in (spec.get("path_params") or {}).values():
        if v.encode("utf-8") not in wire_path(raw):
            return True
    return False


def dot_segment_removed(family, spec, raw, report):
    """A path parameter `.` or `..` (or a path segment that is one): signed, then removed by the HTTP client."""
    if any(v in (".", "..") for v in (spec.get("path_params") or {}).values()):
        return True
    path = spec.get("pathname") or spec.get("path") or ""
    return any(s in (".", "..") for s in path.split("/"))


def h1_integer_sort(family, spec, raw, report):
    """huaweicloudsdkcore: a repeated query name with integers whose numeric and text orders differ."""
    if not family.startswith("huawei"):
        return False
    by_name = {}
    for n, v in spec.get("query") or []:
        if isinstance(v, int) and not isinstance(v, bool):
            by_name.setdefault(n, []).append(v)
    return any(sorted(vs) != sorted(vs, key=str) for vs in by_name.values())


def h2_unsigned_payload_empty_body(family, spec, raw, report):
    """huaweicloudsdkcore: `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` sent, empty body, signed with the empty hash."""
    if family != "huawei-python" or body(raw):
        return False
    return any(n.lower() in (b"x-sdk-content-sha256", b"x-sdk-content-sm3") and v == b"UNSIGNED-PAYLOAD"
               for n, v in headers(raw))


def headers_differ_only_in_case(family, spec, raw, report):
    """Two caller headers whose names differ only in case: the SDK signs one value and its HTTP client sends the
    other (requests' and Node's header maps keep one per name, case-insensitively)."""
    names = [n.lower() for n in (spec.get("headers") or {})]
    return len(names) != len(set(names))


def icu_key(name):
    """The order ICU's root collation (Node's String#localeCompare) gives header names made of [a-z0-9_-]:
    punctuation first, `_` before `-`, then digits, then letters."""
    return [(0, 0) if c == "_" else (0, 1) if c == "-" else (1, c) for c in name]


def node_header_locale_order(family, spec, raw, report):
    """@huaweicloud/huaweicloud-sdk-core (Node): canonical headers in localeCompare order, SignedHeaders in
    code-unit order; they differ once a signed name holds `_` (which the Node core signs, unlike Python's)."""
    if family != "huawei-node":
        return False
    for n, v in headers(raw):
        if n.lower() == b"authorization":
            m = re.search(rb"SignedHeaders=([^,\s]+)", v)
            if m:
                names = m.group(1).decode("latin-1").split(";")
                return sorted(names) != sorted(names, key=icu_key)
    return False


NODE_PATH_UNSAFE = set(" \"#%'/<>?[\\]^`{|}\t")


def node_path_param_unencoded(family, spec, raw, report):
    """@huaweicloud/huaweicloud-sdk-core (Node) puts path parameters into the URL unencoded: a value holding a
    character that is not sent as such (`%`, `#`, `?`, `/`, space, quotes, brackets, ...) changes the request's
    meaning or is escaped by Node after signing (the oracle's `node/sha256-path-encoding` is one case)."""
    if family != "huawei-node":
        return False
    return any(set(str(v)) & NODE_PATH_UNSAFE for v in (spec.get("path_params") or {}).values())


def node_header_not_trimmed(family, spec, raw, report):
    """The Huawei Node core signs caller header values untrimmed; HTTP drops the surrounding whitespace."""
    if family != "huawei-node":
        return False
    return any(v != v.strip(" \t") for v in (spec.get("headers") or {}).values())


def node_tea_delete_body_dropped(family, spec, raw, report):
    """@alicloud/openapi-client (Node): a DELETE with a body: the SDK signs the body (its parameters for RPC, its
    hash for ACS3), tea-typescript sends none."""
    return (family == "alibaba-tea-node" and spec.get("method") == "DELETE" and bool(spec.get("body"))
            and not body(raw))


# ---------------------------------------------------------------------------------------------------------------
# Neutralisers: the spec with the cause's trigger removed. A disagreement attributed by a classifier is confirmed
# only if the SDK's request for the neutralised spec (every matching cause's trigger removed) agrees; a classifier
# can then never hide a disagreement that has another cause.
# ---------------------------------------------------------------------------------------------------------------

SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
NAME_KEYS = ("query", "body", "params", "body_params", "content")


def _plain(text, keep=""):
    t = "".join(c for c in text if c in SAFE or c in keep)
    return t or "x"


def _rename(spec, fn):
    """Every parameter name of the spec through fn (query, form/JSON body, Tencent params), without collisions."""
    for key in NAME_KEYS:
        c = spec.get(key)
        if isinstance(c, dict) and set(c) != {"$hex"}:
            new = {}
            for k, v in c.items():
                n = fn(k)
                while n in new:
                    n += "x"
                new[n] = v
            spec[key] = new
        elif isinstance(c, list):
            spec[key] = [[fn(k), v] for k, v in c]
    if spec.get("binary_params"):
        spec["binary_params"] = [fn(b) for b in spec["binary_params"]]


def _headers(spec, fn):
    h = spec.get("headers")
    if isinstance(h, dict):
        new = {}
        for k, v in h.items():
            k2, v2 = fn(k, v)
            if k2 is not None:
                new[k2] = v2
        spec["headers"] = new


def n_plain_names(spec):
    _rename(spec, _plain)


def n_ascii_header_values(spec):
    _headers(spec, lambda k, v: (k, "".join(c if ord(c) < 128 else "e" for c in v)))


def n_post(spec):
    spec["method"] = "POST"


def n_body_names_not_in_query(spec):
    q = set(spec.get("query") or {})
    for key in ("body", "body_params"):
        if isinstance(spec.get(key), dict):
            spec[key] = {(k + "Body" if k in q else k): v for k, v in spec[key].items()}


def n_lower_acs_names(spec):
    _headers(spec, lambda k, v: (k.lower() if k.lower().startswith("x-acs-") else k, v))


def n_trim_values(spec):
    _headers(spec, lambda k, v: (k, v.strip(" \t") or "v"))


def n_plain_path_params(spec):
    if spec.get("path_params"):
        spec["path_params"] = {k: _plain(v) for k, v in spec["path_params"].items()}
    for key in ("pathname", "path"):
        if spec.get(key):
            spec[key] = "/".join("d" if p in (".", "..") else p for p in spec[key].split("/"))


def n_integers_as_one(spec):
    if not isinstance(spec.get("query"), list):
        return
    seen, q = set(), []
    for n, v in spec.get("query") or []:
        if isinstance(v, int) and not isinstance(v, bool):
            if n in seen:
                continue
            seen.add(n)
        q.append([n, v])
    spec["query"] = q or None


def n_body_one_byte(spec):
    spec["body"] = {"$hex": "61"}


def n_one_header_per_name(spec):
    seen = set()

    def keep(k, v):
        if k.lower() in seen:
            return None, None
        seen.add(k.lower())
        return k, v
    _headers(spec, keep)


def n_no_underscore_headers(spec):
    _headers(spec, lambda k, v: (k.replace("_", "-"), v))


def n_no_delete_body(spec):
    spec["method"] = "POST"


# The table. Order matters for classifiers: the most specific first.
CAUSES = {
    # No mistake id, on purpose: the value the SDK signed is not on the wire (its HTTP client keeps one header per
    # name, case-insensitively, and sends the other value), so the verifier has nothing to re-sign that would
    # reproduce the signature; a request with one header per name is all it sees. An SDK quirk, not a client
    # mistake cloudsig can name.
    "caller-headers-differ-only-in-case": {
        "issue": "harness", "side": "sdk", "mistake_ids": [], "classify": headers_differ_only_in_case, "neutralise": n_one_header_per_name,
        "what": "two caller headers whose names differ only in case: the SDK signs one value, its HTTP client "
                "sends the other"},
    "node-header-locale-order": {
        "issue": "oracle", "side": "sdk", "mistake_ids": ["canonical-headers-locale-order"], "families": ["huawei-node"],
        "classify": node_header_locale_order, "neutralise": n_no_underscore_headers,
        "what": "the Huawei Node core orders canonical headers by localeCompare (`_` before `-`) but lists "
                "SignedHeaders in code-unit order"},
    "node-path-param-unencoded": {
        "issue": "oracle", "side": "sdk", "mistake_ids": ["path-double-encoded"], "families": ["huawei-node"],
        "classify": node_path_param_unencoded, "neutralise": n_plain_path_params,
        "what": "the Huawei Node core inserts path parameters unencoded (and signs them re-encoded)"},
    "node-header-value-not-trimmed": {
        "issue": "oracle", "side": "sdk", "mistake_ids": ["header-not-trimmed"], "families": ["huawei-node"],
        "classify": node_header_not_trimmed, "neutralise": n_trim_values,
        "what": "the Huawei Node core signs header values untrimmed; HTTP drops the surrounding whitespace"},
    # No mistake id, on purpose: the body the SDK signed is not sent. RPC: the dropped form parameters are unknown
    # to the verifier, so nothing it can rebuild reproduces the signature. ACS3: the body's hash still arrives in
    # x-acs-content-sha256, and the verifier already reports that header not being the hash of the (empty) body
    # received (rule `content-sha256`, SignatureDoesNotMatch), which names what happened without a mistake id.
    "node-delete-body-dropped": {
        "issue": "harness", "side": "sdk", "mistake_ids": [], "classify": node_tea_delete_body_dropped, "neutralise": n_no_delete_body,
        "what": "@alicloud/openapi-client signs a DELETE's body, tea-typescript does not send it"},
    "non-utf8-header-value": {
        "issue": "A1", "side": "cloudsig", "mistake_ids": [], "classify": a1_non_utf8_header, "neutralise": n_ascii_header_values,
        "what": "a header value byte that is not UTF-8 (requests sends a str header as ISO-8859-1); cloudsig "
                "reports the request unreadable"},
    "rpc-raw-name-sort": {
        "issue": "A2", "side": "cloudsig", "mistake_ids": [], "classify": a2_rpc_raw_name_sort, "neutralise": n_plain_names,
        "what": "RPC parameters sorted by raw name by the SDKs, by encoded name by cloudsig"},
    "rpc-form-body-on-non-post": {
        "issue": "A3", "side": "sdk", "mistake_ids": ["rpc-form-body-on-non-post"],
        "classify": a3_rpc_form_body_on_non_post, "neutralise": n_post,
        "what": "an RPC form body on PUT/GET/DELETE: the SDKs sign its parameters; cloudsig reads it only on POST"},
    "rpc-name-in-query-and-body": {
        "issue": "A9", "side": "cloudsig", "mistake_ids": ["rpc-query-body-merged"], "classify": a9_name_in_query_and_body, "neutralise": n_body_names_not_in_query,
        "what": "a name both in the query and in the RPC form body: the SDKs sign the merged map once"},
    "acs3-query-name-not-encoded": {
        "issue": "A4", "side": "sdk", "mistake_ids": ["acs3-query-name-not-encoded"],
        "classify": a4_acs3_name_not_encoded, "neutralise": n_plain_names,
        "what": "tea ACS3 signs query names without percent-encoding them"},
    "roa-acs-header-case": {
        "issue": "A5", "side": "sdk", "mistake_ids": ["roa-acs-header-case"], "classify": a5_roa_acs_header_case, "neutralise": n_lower_acs_names,
        "what": "tea ROA signs only headers named with a lower-case `x-acs-` prefix, as given"},
    "acs-header-value-not-trimmed": {
        "issue": "A6", "side": "sdk", "mistake_ids": ["acs-header-value-not-trimmed"],
        "classify": a6_acs_value_not_trimmed, "neutralise": n_trim_values,
        "what": "ROA x-acs-* header values signed untrimmed; HTTP drops the surrounding whitespace"},
    "roa-path-param-signed-raw": {
        "issue": "A7", "side": "sdk", "mistake_ids": ["roa-path-param-signed-raw"], "classify": a7_roa_path_param_raw, "neutralise": n_plain_path_params,
        "what": "aliyun-python-sdk-core ROA signs path parameters raw; requests percent-encodes them"},
    "path-dot-segment-removed": {
        "issue": "A8/H3", "side": "sdk", "mistake_ids": ["path-dot-segment-removed"], "classify": dot_segment_removed, "neutralise": n_plain_path_params,
        "what": "a path parameter `.` or `..` is signed, then removed by the HTTP client as a dot segment"},
    "integer-values-sorted-as-numbers": {
        "issue": "H1", "side": "sdk", "mistake_ids": ["query-unsorted"], "families": ["huawei-python", "huawei-node"],
        "classify": h1_integer_sort, "neutralise": n_integers_as_one,
        "what": "huaweicloudsdkcore sorts repeated integer values numerically before turning them into text"},
    "unsigned-payload-empty-body-hash": {
        "issue": "H2", "side": "sdk", "mistake_ids": ["unsigned-payload-empty-body-hash"],
        "classify": h2_unsigned_payload_empty_body, "neutralise": n_body_one_byte,
        "what": "huaweicloudsdkcore sends UNSIGNED-PAYLOAD but signs the empty-body hash when the body is empty"},
}


def mistake_id(report):
    d = (report or {}).get("diagnosis") or {}
    m = d.get("mistake") or {}
    return m.get("id")


def attribute(family, spec, raw, report):
    """The cause id of a disagreement, or "new"."""
    return attribute_how(family, spec, raw, report)[0]


def attribute_how(family, spec, raw, report):
    """(cause id or "new", "mistake-id" | "classifier" | None): the cause, and whether cloudsig named it."""
    mid = mistake_id(report)
    if mid:
        for cid, c in CAUSES.items():
            if mid in c["mistake_ids"] and family in c.get("families", (family,)):
                return cid, "mistake-id"
    for cid, c in CAUSES.items():
        if c["classify"](family, spec, raw, report):
            return cid, "classifier"
    return "new", None
