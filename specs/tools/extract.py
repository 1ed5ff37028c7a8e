#!/usr/bin/env python3
"""Extract API definitions (format cloudsig-api/1, see specs/README.md) from the seed documents.

Reads the seed texts in specs/seeds/ (or --seeds DIR) and the hand-written resolutions in
specs/tools/resolutions.json (constraints the documents give only in prose, contradictions between
an example and its own table), and writes one JSON file per product under specs/<cloud>/.

    python3 specs/tools/extract.py            # regenerate
    python3 specs/tools/extract.py --check    # fail if the committed files differ

Python standard library only; deterministic (sorted keys, no timestamps).
"""

import argparse
import hashlib
import json
import os
import re
import sys

import responses  # specs/tools/responses.py

HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.dirname(HERE)
FORMAT = "cloudsig-api/1"

SCALARS = {"String", "Integer", "Boolean", "Float", "Timestamp", "Object", "Long"}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def source(seeds, name):
    return {"seed": "specs/seeds/" + name, "sha256": sha256(os.path.join(seeds, name))}


# ---------------------------------------------------------------------------------------------
# Types -> JSON Schema
# ---------------------------------------------------------------------------------------------


def scalar_schema(tname, lenient):
    """JSON Schema for one documented scalar type.

    lenient["numeric_strings"]: a digit string is accepted where an Integer/Float is documented.
    lenient["boolean_strings"]: "true"/"false" (any case) accepted where a Boolean is documented.
    """
    if tname in ("Integer", "Long"):
        if lenient.get("numeric_strings"):
            return {"type": ["integer", "string"], "pattern": "^-?[0-9]+$"}
        return {"type": "integer"}
    if tname == "Float":
        if lenient.get("numeric_strings"):
            return {"type": ["number", "string"], "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}
        return {"type": "number"}
    if tname == "Boolean":
        if lenient.get("boolean_strings"):
            return {"type": ["boolean", "string"], "pattern": "^([Tt]rue|[Ff]alse|TRUE|FALSE)$"}
        return {"type": "boolean"}
    if tname in ("String", "Timestamp"):
        return {"type": "string"}
    if tname == "Object":
        return {"type": "object"}
    return None


def type_schema(tname, lenient, structs):
    """Schema for 'String', 'Array of NodeInfo', 'EsAcl', ...; structs referenced by $ref."""
    tname = tname.strip()
    m = re.match(r"^Array of (.+?)( objects)?$", tname)
    if m:
        inner = m.group(1).strip()
        inner = {"strings": "String", "integers": "Integer", "objects": "Object"}.get(inner, inner)
        return {"type": "array", "items": type_schema(inner, lenient, structs)}
    m = re.match(r"^(\w+) object$", tname)
    if m:
        tname = m.group(1)
    s = scalar_schema(tname, lenient)
    if s is not None:
        return s
    structs.add(tname)
    return {"$ref": "#/definitions/" + tname}


def object_schema(rows, lenient, structs):
    props = {}
    required = []
    for row in rows:
        sch = type_schema(row["type"], lenient, structs)
        sch = dict(sch)
        sch["description"] = row["description"]
        sch["x-doc-type"] = row["type"]
        props[row["name"]] = sch
        if row["required"]:
            required.append(row["name"])
    out = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def apply_resolutions(spec, resolutions):
    """Merge each recorded resolution into the schema it names, and keep it beside it."""
    applied = []
    for res in resolutions:
        target = res["at"]  # e.g. "actions/CreateIndex/body/IndexType" or "definitions/NodeInfo/DiskSize"
        parts = target.split("/")
        node = None
        if parts[0] == "actions":
            action = next(a for a in spec["actions"] if a["name"] == parts[1])
            node = action["params"][parts[2]]
            rest = parts[3:]
        else:
            node = spec["definitions"][parts[1]]
            rest = parts[2:]
        for n, key in enumerate(rest):
            if key == "[]":
                node = node["items"]
            elif n == len(rest) - 1 and res.get("add"):
                # a parameter the table omits but the document's own examples use
                node = node["properties"].setdefault(key, {})
            else:
                node = node["properties"][key]
        for k, v in res.get("schema", {}).items():
            node[k] = v
        if res.get("required") is not None:
            # the owning object's required list is handled by the caller's object path
            pass
        node["x-resolution"] = res["why"]
        applied.append(target)
    return applied


# ---------------------------------------------------------------------------------------------
# Tencent: the API 3.0 reference as text
# ---------------------------------------------------------------------------------------------

TC_CODE = re.compile(
    r"^((?:AuthFailure|DryRunOperation|FailedOperation|InternalError|InvalidAction|InvalidParameter"
    r"|InvalidParameterValue|LimitExceeded|MissingParameter|NoSuchVersion|OperationDenied"
    r"|RequestLimitExceeded|ResourceInUse|ResourceInsufficient|ResourceNotFound|ResourceUnavailable"
    r"|ResourcesSoldOut|UnauthorizedOperation|UnknownParameter|UnsupportedOperation|UnsupportedRegion)"
    r"(?:\.[A-Za-z0-9]+)*)(?: .*)?$"
)
TC_ROW = re.compile(r"^([A-Z]\w*)(?:\.N)? (Yes|No) (Array of \w+|Array of|\w+)(?: (.*))?$")
TC_STRUCT_ROW_REQ = re.compile(r"^([A-Z]\w*) (Array of \w+|Array of|\w+) (Yes|No)(?: (.*))?$")
TC_STRUCT_ROW = re.compile(r"^([A-Z]\w*) (Array of \w+|Array of|\w+)(?: (.*))?$")


def tc_clean(lines):
    """Drop page furniture: URLs, 'Last updated' lines and the page title above them."""
    titles = set()
    for i, line in enumerate(lines):
        if line.startswith("Last updated"):
            for j in (i - 1, i - 2):
                if j >= 0 and lines[j].strip():
                    titles.add(lines[j].strip())
    titles.add("Instance APIs")
    out = []
    drop = set()
    for i, line in enumerate(lines):
        if line.startswith("Last updated"):
            drop.add(i)
            for j in (i - 1, i - 2):
                if j >= 0 and lines[j].strip() in titles:
                    drop.add(j)
    for i, line in enumerate(lines):
        s = line.strip()
        if i in drop or s.startswith("https://") or s.startswith("http://"):
            continue
        out.append(s)
    return out


def tc_rows(lines, row_re, order):
    """Parse parameter rows; order says where (name, required, type, desc) sit in the match."""
    rows = []
    cur = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = row_re.match(line)
        if m and m.group(1) not in ("Parameter", "Name"):
            g = m.groups()
            name, req, typ, desc = g[order[0]], g[order[1]], g[order[2]], g[order[3]]
            if typ == "Array of":
                # the element type was wrapped onto the next non-blank line
                k = i + 1
                while k < len(lines) and not lines[k]:
                    k += 1
                if k < len(lines):
                    parts = lines[k].split(" ", 1)
                    typ = "Array of " + parts[0]
                    lines = lines[:k] + [parts[1] if len(parts) > 1 else ""] + lines[k + 1 :]
            cur = {"name": name, "required": req == "Yes", "type": typ, "description": desc or ""}
            rows.append(cur)
        elif cur is not None and line:
            cur["description"] = (cur["description"] + " " + line).strip()
        i += 1
    return rows


def tc_json_examples(block):
    """Input examples: the JSON body after '<Common request parameters>' (POST) of each example."""
    out = []
    parts = block.split("Input Example")
    for part in parts[1:]:
        title = ""
        seg = part.split("Output Example")[0]
        j = seg.find("{")
        if j < 0 or "?Action=" in seg[:j]:
            # a GET example: the parameters are in the query string (API 3.0 'GET' style)
            q = re.sub(r"\s+", "", seg.split("Output")[0])
            pairs = re.findall(r"[?&]([A-Za-z0-9.]+)=([^&]*)", q)
            params = {k: v for k, v in pairs if k not in ("Action", "Version", "Region")}
            out.append({"encoding": "query", "query": params})
            continue
        text = seg[j:]
        depth = 0
        end = None
        in_str = False
        esc = False
        for k, ch in enumerate(text):
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
                continue
            if ch == '"':
                in_str = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    end = k + 1
                    break
        raw = text[:end] if end else text
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        out.append({"title": title, "body": body})
    return out


def tencent(seeds, res):
    name = "tencent-es-api-and-signature.txt"
    with open(os.path.join(seeds, name), encoding="utf-8") as f:
        raw = f.read().split("\n")
    lines = tc_clean(raw)
    text = "\n".join(lines)
    # actions: blocks from '1. API Description' to the next
    starts = [i for i, ln in enumerate(lines) if ln == "1. API Description"]
    lenient = {"numeric_strings": True}
    structs = set()
    # the product's region list ('Region List' in Common Params): one 'Name (City) code' per line
    rl = lines.index("Region List")
    product_regions = []
    for ln in lines[rl + 1 :]:
        if ln.startswith("TencentCloud API authenticates"):
            break
        m = re.match(r"^.+ ([a-z]{2}-[a-z]+(?:-[a-z]+)*)$", ln)
        if m:
            product_regions.append(m.group(1))
    product_regions = sorted(set(product_regions))
    actions = []
    for n, st in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block_lines = lines[st:end]
        # the last action runs into the general documentation: stop at the next chapter
        block = "\n".join(block_lines)
        flat = re.sub(r"\s+", " ", block)
        m = re.search(r"The value used for this API: (\w+)\.", flat)
        if not m:
            continue
        aname = m.group(1)
        regions = product_regions
        m = re.search(r"This API only supports: (.*?)\.(?: |$)", flat)
        if m:
            regions = sorted(set(r.strip() for r in re.sub(r"- ", "-", m.group(1)).split(",")))
        try:
            a = block_lines.index("2. Input Parameters")
        except ValueError:
            continue
        b = next(
            (k for k in range(a, len(block_lines)) if block_lines[k] in ("3. Output Parameters", "4. Example")),
            len(block_lines),
        )
        rows = [r for r in tc_rows(block_lines[a:b], TC_ROW, (0, 1, 2, 3)) if r["name"] not in ("Action", "Version", "Region")]
        body = object_schema(rows, lenient, structs)
        # error codes: the '6. Error Code' table
        codes = []
        if "6. Error Code" in block_lines:
            e = block_lines.index("6. Error Code")
            for ln in block_lines[e:]:
                m2 = TC_CODE.match(ln)
                if m2 and m2.group(1) not in codes:
                    codes.append(m2.group(1))
        param_codes = {}
        for c in codes:
            m3 = re.match(r"^InvalidParameter(?:Value)?\.Invalid(\w+)$", c)
            if m3 and m3.group(1) in body["properties"]:
                param_codes[m3.group(1)] = c
        actions.append(
            {
                "name": aname,
                "method": "POST",
                "path": "/",
                "regions": regions,
                "error_codes": codes,
                "parameter_codes": dict(sorted(param_codes.items())),
                "params": {"body": body},
                "examples": tc_json_examples(block),
            }
        )
    actions.sort(key=lambda a: a["name"])
    # data structures: the 'Data Types' chapter, each 'Name\n\nsummary\n\nUsed by actions: ...'
    definitions = {}
    dt_start = next(i for i, ln in enumerate(lines) if ln.startswith("Used by actions:")) - 6
    dt_lines = lines[dt_start:]
    heads = [i for i, ln in enumerate(dt_lines) if ln.startswith("Used by actions:")]
    names = []
    for h in heads:
        # the structure's name: the nearest lone CamelCase word above its summary paragraph
        k = h - 1
        while k >= 0 and not re.match(r"^[A-Z][a-z]\w*$", dt_lines[k]) and h - k < 15:
            k -= 1
        names.append(k)
    known = {dt_lines[k] for k in names if k >= 0}
    for n, h in enumerate(heads):
        if names[n] < 0 or not re.match(r"^[A-Z][a-z]\w*$", dt_lines[names[n]]):
            continue
        sname = dt_lines[names[n]]
        end = names[n + 1] if n + 1 < len(heads) else len(dt_lines)
        body_lines = dt_lines[h + 1 : end]
        header = next((ln for ln in body_lines if ln.startswith("Name Type")), "")
        if "Required" in header:
            rows = tc_rows(body_lines, TC_STRUCT_ROW_REQ, (0, 2, 1, 3))
            output_only = False
        else:
            rows = tc_rows_noreq(body_lines, known)
            output_only = True
        sch = object_schema(rows, lenient, structs)
        sch["x-used-by"] = dt_lines[h][len("Used by actions:") :].strip().rstrip(".")
        if output_only:
            sch["x-output-only"] = True
        definitions[sname] = sch
    spec = {
        "format": FORMAT,
        "cloud": "tencent",
        "product": "es",
        "version": "2018-04-16",
        "style": "tc3-json",
        "endpoint": "es.tencentcloudapi.com",
        "source": source(seeds, name),
        "lenient": lenient,
        "actions": actions,
        "definitions": dict(sorted(definitions.items())),
        "notes": [],
    }
    missing = sorted(s for s in structs if s not in definitions)
    if missing:
        spec["notes"].append({"topic": "undefined structures", "detail": missing})
    finish(spec, res.get("tencent/es", {}))
    return spec


def tc_type_ok(typ, known):
    """A documented type: a scalar, 'Array of ...', or the name of a documented structure."""
    return typ in SCALARS or typ.startswith("Array of") or typ in known


def tc_rows_noreq(lines, known):
    rows = []
    cur = None
    for ln in lines:
        m = TC_STRUCT_ROW.match(ln)
        if m and m.group(1) != "Name" and tc_type_ok(m.group(2), known):
            typ = m.group(2)
            desc = m.group(3) or ""
            if typ == "Array":
                pass
            if typ == "Array of":
                typ = "Array of ?"
            cur = {"name": m.group(1), "required": False, "type": typ, "description": desc}
            rows.append(cur)
        elif cur is not None and ln:
            if cur["type"] == "Array of ?":
                parts = ln.split(" ", 1)
                cur["type"] = "Array of " + parts[0]
                ln = parts[1] if len(parts) > 1 else ""
            cur["description"] = (cur["description"] + " " + ln).strip()
    return rows


def finish(spec, res):
    """Apply recorded resolutions and notes for one product."""
    apply_resolutions(spec, res.get("resolutions", []))
    for note in res.get("notes", []):
        spec["notes"].append(note)
    for ex in res.get("example_exceptions", []):
        action = next(a for a in spec["actions"] if a["name"] == ex["action"])
        action["examples"][ex["index"]]["contradiction"] = ex["why"]


# ---------------------------------------------------------------------------------------------
# Alibaba: ROA operations (method, path template, parameter positions)
# ---------------------------------------------------------------------------------------------

ALI_TYPES = {"string": "String", "String": "String", "Boolean": "Boolean", "Integer": "Integer", "Long": "Integer"}


def alibaba_op(seeds, name, opname):
    with open(os.path.join(seeds, name), encoding="utf-8") as f:
        lines = [ln.strip() for ln in f.read().split("\n")]
    text = "\n".join(lines)
    m = re.search(r"(GET|POST|PUT|DELETE) (/openapi/\S+)", text)
    method, path = m.group(1), m.group(2).replace("[", "{").replace("]", "}")
    rows = {"path": [], "query": [], "body": []}
    for ln in lines:
        m = re.match(r"^(\w+) (String|string|Boolean|Integer|Long) (?:(Path|Query|Body) )?(Yes|No) (\S+)$", ln)
        if m:
            pos = (m.group(3) or "Query").lower()
            rows[pos].append(
                {"name": m.group(1), "required": m.group(4) == "Yes", "type": ALI_TYPES[m.group(2)], "description": ""}
            )
        elif rows and ln and not ln.startswith(("Parameter", "Attribute")):
            last = [r for v in rows.values() for r in v]
            if last and not last[-1]["description"]:
                last[-1]["description"] = ln
    structs = set()
    params = {k: object_schema(v, {}, structs) for k, v in rows.items()}
    errors = []
    for ln in lines:
        m = re.match(r"^(\d{3}) ([A-Z]\w+) (.*)$", ln)
        if m:
            errors.append({"status": int(m.group(1)), "code": m.group(2), "message": m.group(3)})
    examples = []
    m = re.search(r"Sample requests\s+(POST|GET|PUT|DELETE) (\S+)(.*?)(?:\{(.*?)\})?\s*Sample success", text, re.S)
    if m:
        raw_path = re.sub(r"\s+", "", m.group(2) + m.group(3).split("HTTP/1.1")[0])
        ex = {"method": m.group(1), "path": raw_path}
        if m.group(4) is not None:
            ex["body"] = json.loads("{" + m.group(4) + "}")
        examples.append(ex)
    return {
        "name": opname,
        "method": method,
        "path": path,
        "regions": None,
        "errors": errors,
        "params": params,
        "examples": examples,
    }


def alibaba(seeds, res):
    a1 = alibaba_op(seeds, "alibaba-es-createInstance.txt", "createInstance")
    a2 = alibaba_op(seeds, "alibaba-es-upgrade-version.txt", "UpgradeEngineVersion")
    spec = {
        "format": FORMAT,
        "cloud": "alibaba",
        "product": "elasticsearch",
        "version": "2017-06-13",
        "style": "roa",
        "endpoint": "elasticsearch.{region}.aliyuncs.com",
        "source": [
            source(seeds, "alibaba-es-createInstance.txt"),
            source(seeds, "alibaba-es-upgrade-version.txt"),
        ],
        "lenient": {},
        "actions": sorted([a1, a2], key=lambda a: a["name"]),
        "definitions": {},
        "notes": [],
    }
    finish(spec, res.get("alibaba/elasticsearch", {}))
    return spec


# ---------------------------------------------------------------------------------------------
# Huawei: REST operations with nested bodies
# ---------------------------------------------------------------------------------------------

HW_TYPE = re.compile(r"^(String|Integer|Long|Boolean|Object|Float|Array of .+|\w+ object)$")


def hw_rows(tokens, cols):
    """Rows of a Huawei table given as one cell per token; cols is the header order."""
    ti = cols.index("Type")
    mi = cols.index("Mandatory")

    def row_at(k):
        cells = tokens[k : k + 3]
        return (
            len(cells) == 3
            and re.match(r"^[A-Za-z_][\w:.\-]*$", cells[0]) is not None
            and cells[mi] in ("Yes", "No")
            and HW_TYPE.match(cells[ti]) is not None
        )

    rows = []
    i = 0
    while i < len(tokens):
        if row_at(i):
            desc = "" if row_at(i + 3) or i + 3 >= len(tokens) else tokens[i + 3]
            rows.append({"name": tokens[i], "required": tokens[i + mi] == "Yes", "type": tokens[i + ti], "description": desc})
            i += 3 if not desc else 4
            continue
        if rows:
            rows[-1]["description"] = (rows[-1]["description"] + " " + tokens[i]).strip()
        i += 1
    return rows


def kafka(seeds, res):
    name = "huawei-dms-kafka-create-instance.txt"
    with open(os.path.join(seeds, name), encoding="utf-8") as f:
        tokens = [ln.strip() for ln in f.read().split("\n") if ln.strip()]
    tables = {}
    cur = None
    body_tokens = []
    for tok in tokens:
        m = re.match(r"^Table (\d+) (.*)$", tok)
        if m:
            cur = m.group(2)
            tables[cur] = []
            continue
        if tok in ("Response", "Example Request"):
            cur = None
        if cur is not None:
            tables[cur].append(tok)
    structs = set()
    lenient = {}
    cols = ["Parameter", "Mandatory", "Type", "Description"]

    def rows_of(title):
        toks = tables[title]
        return hw_rows(toks[4:] if toks[:4] == cols else toks, cols)

    path = object_schema(rows_of("URI parameters"), lenient, structs)
    body = object_schema(rows_of("Request body parameters"), lenient, structs)
    definitions = {t: object_schema(rows_of(t), lenient, structs) for t in ("TagEntity", "BssParam")}
    text = "\n".join(tokens)
    m = re.search(r"POST https://\{endpoint\}(\S+)\n(\{.*?\n\})\nExample Response", text, re.S)
    examples = [{"method": "POST", "path": m.group(1), "body": json.loads(m.group(2))}]
    spec = {
        "format": FORMAT,
        "cloud": "huawei",
        "product": "kafka",
        "version": "v2",
        "style": "rest",
        "endpoint": "dms.{region}.myhuaweicloud.com",
        "source": source(seeds, name),
        "lenient": lenient,
        "actions": [
            {
                "name": "CreateInstance",
                "method": "POST",
                "path": "/v2/{engine}/{project_id}/instances",
                "regions": None,
                "errors": [],
                "params": {"path": path, "body": body},
                "examples": examples,
            }
        ],
        "definitions": definitions,
        "notes": [],
    }
    finish(spec, res.get("huawei/kafka", {}))
    return spec


ECS_TABLES = ["request", "Server", "BlockDeviceMappingV2", "SecurityGroup", "Network", "SchedulerHints"]
ECS_REFS = {
    ("request", "server"): "Server",
    ("request", "os:scheduler_hints"): "SchedulerHints",
    ("Server", "block_device_mapping_v2"): "BlockDeviceMappingV2",
    ("Server", "security_groups"): "SecurityGroup",
    ("Server", "networks"): "Network",
}


def ecs(seeds, res):
    name = "huawei-ecs-create-server.txt"
    with open(os.path.join(seeds, name), encoding="utf-8") as f:
        lines = f.read().split("\n")
    # one table cell per line (most end with ' |'; a long description cell may run over
    # several lines, which hw_rows appends to the row's description)
    tokens = []
    for ln in lines:
        if ln.startswith("{") or not ln.strip():
            continue
        tokens.append(ln[:-2].strip() if ln.endswith(" |") else ln.strip())
    header_words = ("Parameter", "Mandatory", "Type", "Description")
    tables = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "Parameter":
            hdr = []
            j = i
            while j < len(tokens) and tokens[j] in header_words and tokens[j] not in hdr:
                hdr.append(tokens[j])
                j += 1
            tables.append({"cols": hdr, "cells": []})
            i = j
            continue
        if tables:
            tables[-1]["cells"].append(tokens[i])
        i += 1
    req_tables = [t for t in tables if len(t["cols"]) == 4 and "Mandatory" in t["cols"]]
    lenient = {"numeric_strings": True, "boolean_strings": True}
    structs = set()
    schemas = {}
    for title, t in zip(ECS_TABLES, req_tables):
        rows = hw_rows(t["cells"], t["cols"])
        for r in rows:
            ref = ECS_REFS.get((title, r["name"]))
            if ref:
                r["type"] = ("Array of " + ref) if r["type"].startswith("Array") else (ref + " object")
        schemas[title] = object_schema(rows, lenient, structs)
    uri = [t for t in tables if t["cols"] == ["Parameter", "Mandatory", "Description"]]
    path_rows = []
    if uri:
        c = uri[0]["cells"]
        path_rows.append({"name": c[0], "required": c[1] == "Yes", "type": "String", "description": c[2]})
    examples = []
    req = lines[lines.index("Example Request") : lines.index("Example response")]
    for ln in req:
        if ln.startswith('{ "server"'):
            cleaned = re.sub(r"//[^\"]*", "", ln)
            try:
                examples.append({"method": "POST", "path": "/v2.1/{project_id}/servers", "body": json.loads(cleaned)})
            except ValueError as e:
                examples.append({"unparsed": str(e)})
    body = schemas.pop("request")
    spec = {
        "format": FORMAT,
        "cloud": "huawei",
        "product": "ecs",
        "version": "v2.1",
        "style": "rest",
        "endpoint": "ecs.{region}.myhuaweicloud.com",
        "source": source(seeds, name),
        "lenient": lenient,
        "actions": [
            {
                "name": "CreateServer",
                "method": "POST",
                "path": "/v2.1/{project_id}/servers",
                "regions": None,
                "errors": [],
                "params": {"path": object_schema(path_rows, lenient, structs), "body": body},
                "examples": examples,
            }
        ],
        "definitions": dict(sorted(schemas.items())),
        "notes": [],
    }
    finish(spec, res.get("huawei/ecs", {}))
    return spec


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def outputs(seeds):
    with open(os.path.join(HERE, "resolutions.json"), encoding="utf-8") as f:
        res = json.load(f)
    specs = {
        "tencent/es-2018-04-16.json": tencent(seeds, res),
        "alibaba/elasticsearch-2017-06-13.json": alibaba(seeds, res),
        "huawei/kafka-v2.json": kafka(seeds, res),
        "huawei/ecs-v2.1.json": ecs(seeds, res),
    }
    return responses.add(specs, seeds)  # the success response examples (responses.py)


def render(spec):
    return json.dumps(spec, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default=os.path.join(SPECS, "seeds"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    bad = 0
    for rel, spec in outputs(args.seeds).items():
        path = os.path.join(SPECS, rel)
        text = render(spec)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            except OSError:
                old = None
            if old != text:
                print("differs: specs/" + rel, file=sys.stderr)
                bad += 1
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print("wrote specs/" + rel)
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
