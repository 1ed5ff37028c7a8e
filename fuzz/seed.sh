#!/usr/bin/env bash
# Regenerates the committed seed corpora fuzz/seeds/<target>/ from vectors/captures/:
#
#   http_capture    every vectors/captures/**/*.http, as is
#   curl_command    a curl command made from each request, and hand-written ones
#   har             a HAR file of each request, and one per capture folder
#   jsonl_record    a JSON-lines record of each request, and one file per capture folder
#   authorization   every distinct Authorization value, and a few malformed ones
#   v1_params       every v1 query string and form body, and the SDK captures' params JSON
#   verify_any      all of the above that is a capture (http, curl, har, jsonl), a few
#                   inputs that the target expands past the input length cap, and JSON
#                   lines after a metadata line and a broken record
#   alibaba_params  every ACS3 / ROA Authorization value and query string, and a few dates
#   api_check       every Input Example of the API definitions in specs/, as a call line + body
#
# Deterministic: running it twice gives the same files. Needs python3 only.
# Usage: bash fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."

rm -rf fuzz/seeds
mkdir -p fuzz/seeds

python3 - <<'PY'
import base64, hashlib, json, os, pathlib, re

root = pathlib.Path("vectors/captures")
out = pathlib.Path("fuzz/seeds")
targets = ["http_capture", "curl_command", "har", "jsonl_record", "authorization",
           "v1_params", "verify_any", "alibaba_params", "api_check"]
for t in targets:
    (out / t).mkdir(parents=True, exist_ok=True)


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    (out / target / name).write_bytes(data)


def parse_http(data):
    """The requests of a raw HTTP capture: (method, target, [(name, value)], body)."""
    requests, pos = [], 0
    while True:
        while data[pos:pos + 2] == b"\r\n" or data[pos:pos + 1] == b"\n":
            pos += 2 if data[pos:pos + 1] == b"\r" else 1
        if pos >= len(data):
            return requests
        m = re.compile(rb"\r?\n\r?\n").search(data, pos)
        end = m.end() if m else len(data)
        lines = re.split(rb"\r?\n", data[pos:m.start() if m else len(data)])
        method, target, _ = lines[0].decode().split(" ", 2)
        headers = []
        for line in lines[1:]:
            name, value = line.decode().split(":", 1)
            headers.append((name, value.strip(" \t")))
        length = next((int(v) for n, v in headers if n.lower() == "content-length"), 0)
        body = data[end:end + length]
        requests.append((method, target, headers, body))
        pos = end + length


def url_of(target, headers):
    if target.startswith(("http://", "https://")):
        return target
    host = next((v for n, v in headers if n.lower() == "host"), "cvm.tencentcloudapi.com")
    return f"https://{host}{target}"


def sq(s):
    """Single-quoted for a shell (bash)."""
    return "'" + s.replace("'", "'\\''") + "'"


def ansi_c(b):
    """bash's $'…' quoting, for bytes that are not all printable UTF-8."""
    out = []
    for c in b:
        if c in (0x27, 0x5C):
            out.append("\\" + chr(c))
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append(f"\\x{c:02x}")
    return "$'" + "".join(out) + "'"


def curl(method, target, headers, body):
    parts = ["curl", "-X", method, sq(url_of(target, headers))]
    for n, v in headers:
        if n.lower() != "content-length":
            parts += ["-H", sq(f"{n}: {v}")]
    if body:
        try:
            text = body.decode()
            quoted = sq(text) if "\r" not in text else ansi_c(body)
        except UnicodeDecodeError:
            quoted = ansi_c(body)
        parts += ["--data-binary", quoted]
    lines = [" ".join(parts[:4])] + [" ".join(parts[i:i + 2]) for i in range(4, len(parts), 2)]
    return " \\\n  ".join(lines) + "\n"


def body_fields(body, record):
    try:
        record["body"] = body.decode()
    except UnicodeDecodeError:
        record["body_base64"] = base64.b64encode(body).decode()


def jsonl(method, target, headers, body, as_object=False):
    record = {"method": method, "url": target}
    if as_object:
        record["headers"] = {n: v for n, v in headers if n.lower() != "content-length"}
    else:
        record["headers"] = [[n, v] for n, v in headers if n.lower() != "content-length"]
    if body:
        body_fields(body, record)
    return json.dumps(record, ensure_ascii=False) + "\n"


def har_entry(method, target, headers, body, http2=False):
    hs = [{"name": n, "value": v} for n, v in headers if n.lower() != "content-length"]
    if http2:
        host = next((v for n, v in headers if n.lower() == "host"), "cvm.tencentcloudapi.com")
        hs = [{"name": ":authority", "value": host}] + [
            {"name": h["name"].lower(), "value": h["value"]} for h in hs
            if h["name"].lower() != "host"]
    request = {"method": method, "url": url_of(target, headers),
               "httpVersion": "HTTP/2" if http2 else "HTTP/1.1",
               "cookies": [], "headers": hs, "queryString": [], "headersSize": -1,
               "bodySize": len(body)}
    if body:
        mime = next((v for n, v in headers if n.lower() == "content-type"), "")
        try:
            request["postData"] = {"mimeType": mime, "text": body.decode()}
        except UnicodeDecodeError:
            request["postData"] = {"mimeType": mime, "encoding": "base64",
                                   "text": base64.b64encode(body).decode()}
    return {"startedDateTime": "2019-02-25T00:04:25.000Z", "time": 1, "request": request,
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "cookies": [], "headers": [], "content": {"size": 0, "mimeType": ""},
                         "redirectURL": "", "headersSize": -1, "bodySize": 0},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}


def har(entries, pretty=True):
    doc = {"log": {"version": "1.2", "creator": {"name": "cloudsig seed.sh", "version": "1"},
                   "pages": [], "entries": entries}}
    return json.dumps(doc, indent=1 if pretty else None, ensure_ascii=False) + "\n"


files = sorted(p for p in root.rglob("*.http"))
authorizations, v1_texts, by_folder = set(), set(), {}
for path in files:
    rel = path.relative_to(root)
    stem = "-".join(rel.with_suffix("").parts)
    data = path.read_bytes()
    write("http_capture", f"{stem}.http", data)
    write("verify_any", f"{stem}.http", data)
    requests = parse_http(data)
    by_folder.setdefault("-".join(rel.parts[:-1]), []).extend(requests)
    c = "".join(curl(*r) for r in requests)
    write("curl_command", f"{stem}.curl", c)
    write("verify_any", f"{stem}.curl", c)
    j = "".join(jsonl(*r, as_object=(i % 2 == 1)) for i, r in enumerate(requests))
    write("jsonl_record", f"{stem}.jsonl", j)
    write("verify_any", f"{stem}.jsonl", j)
    h = har([har_entry(*r, http2=(len(stem) % 2 == 0)) for r in requests],
            pretty=(rel.parts[1] == "valid"))
    write("har", f"{stem}.har", h)
    write("verify_any", f"{stem}.har", h)
    for method, target, headers, body in requests:
        for n, v in headers:
            if n.lower() == "authorization":
                authorizations.add(v)
        query = target.split("?", 1)[1] if "?" in target else ""
        if "Signature=" in query:
            v1_texts.add(query)
        ctype = next((v for n, v in headers if n.lower() == "content-type"), "")
        if ctype.startswith("application/x-www-form-urlencoded") and body:
            v1_texts.add(body.decode("utf-8", "replace"))

# Several requests in one file (the first few of each folder, to keep seeds small).
for folder, requests in sorted(by_folder.items()):
    write("har", f"several-{folder}.har", har([har_entry(*r) for r in requests[:4]], pretty=False))
    write("jsonl_record", f"several-{folder}.jsonl", "".join(jsonl(*r) for r in requests[:6]))

# The SDK captures' parameters, for Params::from_json.
for path in sorted(root.rglob("*.json")):
    if path.name == "manifest.json":
        continue
    record = json.loads(path.read_text())
    if isinstance(record.get("params"), dict):
        stem = "-".join(path.relative_to(root).with_suffix("").parts)
        write("v1_params", f"{stem}.json", json.dumps(record["params"], ensure_ascii=False))

# A HAR whose v1 form body is given as params, and its entries in another key order.
form = [r for r in by_folder.get("tencent-valid", []) if r[0] == "POST" and
        any(v.startswith("application/x-www-form-urlencoded") for n, v in r[2])]
if form:
    entry = har_entry(*form[0])
    pairs = [p.split("=", 1) for p in form[0][3].decode().split("&")]
    from urllib.parse import unquote_plus
    entry["request"]["postData"] = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [{"name": unquote_plus(n), "value": unquote_plus(v)} for n, v in pairs]}
    write("har", "hand-form-params.har", json.dumps(
        {"log": {"entries": [entry], "version": "1.2", "creator": {"name": "x", "version": "1"}}},
        indent=1))

for i, value in enumerate(sorted(authorizations)):
    write("authorization", f"captured-{i:02}", value)
for name, value in {
    "compact": "TC3-HMAC-SHA256 Credential=AKIDx/2019-02-25/cvm/tc3_request,SignedHeaders=content-type;host,Signature=ab",
    "reordered": "TC3-HMAC-SHA256 Signature=ab, SignedHeaders=host, Credential=A/2019-01-01/cvm/tc3_request",
    "irregular": "  TC3-HMAC-SHA256\tCredential=A/2019-01-01/cvm/tc3_request ,  SignedHeaders=content-type;host,Signature=00  ",
    "twice": "TC3-HMAC-SHA256 Credential=A/d/s/t, Signature=x, Signature=y, SignedHeaders=h",
    "short-scope": "TC3-HMAC-SHA256 Credential=A/d/s, SignedHeaders=h, Signature=x",
    "skip": "SKIP",
}.items():
    write("authorization", f"hand-{name}", value)

alibaba_texts = {a for a in authorizations if a.startswith(("ACS3-", "acs "))}
for path in sorted((root / "alibaba").rglob("*.http")):
    for _, target, _, _ in parse_http(path.read_bytes()):
        if "?" in target:
            alibaba_texts.add(target.split("?", 1)[1])
alibaba_texts |= {"2023-10-26T10:22:32Z", "Thu, 26 Oct 2023 10:22:32 GMT", "0000-01-01T00:00:00Z",
                  "acs  id:sig", "ACS3-HMAC-SM3 Credential=a, SignedHeaders=host, Signature=00"}
for i, text in enumerate(sorted(alibaba_texts)):
    write("alibaba_params", f"seed-{i:02}", text)

for i, text in enumerate(sorted(v1_texts)):
    write("v1_params", f"captured-{i:02}", text)
for name, text in {
    "plus-and-escapes": "A=1&B=a+b%2Bc&C=&D&Name_1=x%E4%B8%AD&&=v&Host=h%3A443&Path=%2Fa%20b",
    "stray-percent": "X=100%&Y=%zz&Z=%4",
    "nested-json": '{"Filters":[{"Name":"zone","Values":["a",1,true,null,{"x":[]}]}],"Limit":1.5e3}',
}.items():
    write("v1_params", f"hand-{name}", text)

# Hand-written curl commands: the documentation's layout, browsers' "Copy as cURL",
# and the options the reader understands.
hand_curl = {
    "documentation": """\
# DescribeInstances, as in the API documentation
curl -X POST https://cvm.tencentcloudapi.com \\
-H "Authorization: TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2" \\
-H "Content-Type: application/json; charset=utf-8" \\
-H "Host: cvm.tencentcloudapi.com" \\
-H "X-TC-Action: DescribeInstances" \\
-H "X-TC-Timestamp: 1551113065" \\
-H "X-TC-Version: 2017-03-12" \\
-H "X-TC-Region: ap-guangzhou" \\
-d '{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}'
""",
    "browser": """curl 'https://cvm.tencentcloudapi.com/' \\\r
  -H 'accept: */*' \\\r
  -H $'x-tc-action: DescribeRegions\\x20' \\\r
  -H 'content-type: application/json' \\\r
  -b 'a=1; b=2' -A 'Mozilla/5.0' -e 'https://console.cloud.tencent.com/' \\\r
  --data-raw '{}' \\\r
  --compressed\r
""",
    "options": """curl -G --url "http://cvm.tencentcloudapi.com/?Action=DescribeRegions" --data-urlencode 'Name=a b&c' -d Limit=1
curl --json '{"a":1}' cvm.tencentcloudapi.com/path
curl -I https://h/ -H 'X: "quoted" \\$not' # a comment
curl -X GET https://h/?a=1 --data-ascii x --data b | tail
curl -X POST "https://h/" -d "unterminated
""",
}
for name, text in hand_curl.items():
    write("curl_command", f"hand-{name}.curl", text)
    write("verify_any", f"hand-{name}.curl", text)

# Inputs that `expand` (fuzz/src/lib.rs) grows past libFuzzer's input length cap: the
# byte in the middle repeated 150 * 2048 times, making a first JSON-lines record (or a
# HAR entry, curl command, HTTP request) of over 300 KiB. And JSON lines whose first
# lines are a metadata object and a broken record.
valid = out / "verify_any" / "tencent-valid-tc3-post-json"
for ext in ("jsonl", "har", "curl", "http"):
    data = valid.with_suffix("." + ext).read_bytes()
    write("verify_any", f"expand-tencent-valid-tc3-post-json.{ext}", data + b"\xffEXPAND" + bytes([150]))
write("verify_any", "hand-jsonl-after-metadata.jsonl",
      b'{"note": "capture 1"}\n{"method": "GET", "url": oops}\n' + valid.with_suffix(".jsonl").read_bytes())

# api_check: the definitions' examples, one call line and the JSON body
for spec_file in sorted(pathlib.Path("specs").glob("*/*.json")):
    if spec_file.parent.name == "tools":
        continue
    spec = json.loads(spec_file.read_text())
    for action in spec["actions"]:
        for n, ex in enumerate(action["examples"]):
            body = json.dumps(ex.get("body") or {}, sort_keys=True)
            if spec["cloud"] == "tencent":
                head = f"tencent {action['name']} ap-guangzhou {spec['version']}"
            elif spec["cloud"] == "alibaba":
                head = f"alibaba {action['method']} {ex.get('path', action['path'])}?dryRun=true"
            else:
                head = f"huawei {spec['product']}.x {action['method']} {ex.get('path', action['path'])}"
            write("api_check", f"{spec['product']}-{action['name']}-{n}", (head + "\n" + body).encode())

total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
for t in targets:
    n = len(list((out / t).iterdir()))
    print(f"{t}: {n} seeds")
print(f"total: {total} bytes")
PY
