"""The seed documents' success response examples, for specs/tools/extract.py.

Each action of a definition gets `responses`: the documented examples of a successful answer, in the
document's order, as `{"status": 200, "body": <JSON>}` (an example whose JSON does not parse is left out).
`cloudsig serve` answers a valid request with the first one (its request id replaced). A separate module so
that the extractor itself changes by one call.

    Tencent  'Output Example' after each 'Input Example' (the action named by its X-TC-Action line)
    Alibaba  'Sample success responses' / 'JSON format' (UpgradeEngineVersion; createInstance's sample in
             the seed is its request body, cut, so it has none)
    Huawei   DMS Kafka 'Example Response' / 'Status code: 200'; ECS 'Example response' (each '{' line)

Python standard library only.
"""

import json
import os
import re


def first_json(text):
    """The first JSON object in `text` (balanced braces outside strings), parsed; None if none parses."""
    start = text.find("{")
    if start < 0:
        return None
    depth, in_str, esc = 0, False, False
    for k in range(start, len(text)):
        ch = text[k]
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                try:
                    # strict=False: the documents break long string values over lines
                    return json.loads(text[start : k + 1], strict=False)
                except ValueError:
                    return None
    return None


def read(seeds, name):
    with open(os.path.join(seeds, name), encoding="utf-8") as f:
        return f.read()


def without_page_furniture(text):
    """The text without the PDF's page furniture that interrupts an example: link lines, 'Last updated' lines
    and the page title lines just above them (the extractor's tc_clean drops the same)."""
    lines = text.split("\n")
    drop = set()
    for i, ln in enumerate(lines):
        s = ln.strip()
        if s.startswith(("https://", "http://")):
            drop.add(i)
        if s.startswith("Last updated"):
            drop.add(i)
            for j in (i - 1, i - 2):
                if j >= 0 and lines[j].strip() and lines[j].strip()[0] not in '{}[]"':
                    drop.add(j)
    return "\n".join(ln for i, ln in enumerate(lines) if i not in drop)


def tencent(seeds):
    """{action: [bodies]} from the Tencent seed: each Output Example belongs to the action of the Input Example
    above it (its X-TC-Action line, or the Action= of a GET example)."""
    text = read(seeds, "tencent-es-api-and-signature.txt")
    out = {}
    parts = text.split("Output Example")
    for before, after in zip(parts, parts[1:]):
        actions = re.findall(r"X-TC-Action: (\w+)", before) or re.findall(r"[?&]Action=(\w+)", before)
        body = first_json(without_page_furniture(after.split("Input Example")[0]))
        if actions and isinstance(body, dict) and isinstance(body.get("Response"), dict):
            out.setdefault(actions[-1], []).append(body)
    return out


def alibaba(seeds, name):
    text = read(seeds, name)
    _, _, tail = text.partition("Sample success responses")
    body = first_json(tail.split("Error codes")[0])
    return [body] if isinstance(body, dict) and "RequestId" in body else []


def kafka(seeds):
    text = read(seeds, "huawei-dms-kafka-create-instance.txt")
    _, _, tail = text.partition("Example Response")
    body = first_json(tail.split("Status Code\n")[0])
    return [body] if isinstance(body, dict) else []


def ecs(seeds):
    text = read(seeds, "huawei-ecs-create-server.txt")
    _, _, tail = text.partition("Example response")
    tail = tail.split("Returned Values")[0]
    bodies = [first_json(ln) for ln in tail.split("\n") if ln.startswith("{")]
    return [b for b in bodies if isinstance(b, dict)]


def add(specs, seeds):
    """Adds `responses` to every action of the extractor's specs (keyed by their file names)."""
    found = {
        "tencent/es-2018-04-16.json": tencent(seeds),
        "alibaba/elasticsearch-2017-06-13.json": {
            "createInstance": alibaba(seeds, "alibaba-es-createInstance.txt"),
            "UpgradeEngineVersion": alibaba(seeds, "alibaba-es-upgrade-version.txt"),
        },
        "huawei/kafka-v2.json": {"CreateInstance": kafka(seeds)},
        "huawei/ecs-v2.1.json": {"CreateServer": ecs(seeds)},
    }
    for rel, spec in specs.items():
        for action in spec["actions"]:
            bodies = found.get(rel, {}).get(action["name"], [])
            action["responses"] = [{"status": 200, "body": b} for b in bodies]
    return specs
