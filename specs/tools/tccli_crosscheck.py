#!/usr/bin/env python3
"""Cross-check the seed definition of Tencent Cloud ES 2018-04-16 against the official one.

Tencent's own machine-readable definitions ship in the `tccli` package
(tccli/services/es/v20180416/api.json and examples.json). This script (standard library
only):

1. fetches the pinned tccli wheel with `pip download --no-deps` into specs/.tccli/ (gitignored)
   and extracts those two files to specs/.tccli/es/v20180416/; a registry that cannot be
   reached is reported and the script stops with status 0 (the committed report is kept,
   and the Rust tests that need the files skip, saying so);
2. compares specs/tencent/es-2018-04-16.json (the seed definition) with api.json and writes
   every difference to specs/crosscheck/tencent-es-2018-04-16.json: actions added since the
   documents, actions the official file does not have, and for each action both have, the
   request parameters only one of them has, whose type differs, or whose required flag
   differs. Types are compared as kinds: string, integer, number, boolean, a structure's
   name, or `array of` one of those.

Usage:
    python3 specs/tools/tccli_crosscheck.py           # fetch if needed, rewrite the report
    python3 specs/tools/tccli_crosscheck.py --check   # fetch if needed, exit 1 if the report differs

The Rust test crates/cloudsig-api/tests/tccli.rs recomputes the same list through the
crate's tccli importer and holds it against the committed report.
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile

TCCLI = "tccli==3.1.189.1"
HERE = os.path.dirname(os.path.abspath(__file__))
SPECS = os.path.dirname(HERE)
CACHE = os.path.join(SPECS, ".tccli")
OFFICIAL_DIR = os.path.join(CACHE, "es", "v20180416")
SEED = os.path.join(SPECS, "tencent", "es-2018-04-16.json")
REPORT = os.path.join(SPECS, "crosscheck", "tencent-es-2018-04-16.json")
MEMBERS = ("tccli/services/es/v20180416/api.json", "tccli/services/es/v20180416/examples.json")
NETWORK_WORDS = ("NewConnectionError", "Max retries exceeded", "Temporary failure in name resolution",
                 "Name or service not known", "Network is unreachable", "Connection refused", "timed out",
                 "ProxyError", "SSLError", "No matching distribution")


def fetch():
    """True when api.json and examples.json are in OFFICIAL_DIR (fetched now or before)."""
    if all(os.path.exists(os.path.join(OFFICIAL_DIR, os.path.basename(m))) for m in MEMBERS):
        return True
    os.makedirs(CACHE, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                            "--disable-pip-version-check", "-q", "-d", tmp, TCCLI],
                           capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            out = p.stdout + p.stderr
            if any(w in out for w in NETWORK_WORDS):
                print("tccli_crosscheck: registry unreachable; %s not fetched, committed report kept" % TCCLI)
                return False
            sys.stderr.write(out)
            sys.exit(2)
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if len(wheels) != 1:
            sys.exit("tccli_crosscheck: expected one wheel, got %r" % wheels)
        os.makedirs(OFFICIAL_DIR, exist_ok=True)
        with zipfile.ZipFile(os.path.join(tmp, wheels[0])) as z:
            for m in MEMBERS:
                with open(os.path.join(OFFICIAL_DIR, os.path.basename(m)), "wb") as f:
                    f.write(z.read(m))
    return True


PRIMITIVE = {"string": "string", "date": "string", "datetime": "string", "binary": "string",
             "int": "integer", "int64": "integer", "uint64": "integer", "float": "number", "double": "number",
             "bool": "boolean"}


def official_kind(m):
    if m["type"] == "list":
        return "array of " + PRIMITIVE.get(m.get("member"), m.get("member"))
    if m["type"] == "object":
        return m.get("member")
    return PRIMITIVE.get(m["type"], m["type"])


def seed_kind(schema):
    ref = schema.get("$ref")
    if ref:
        return ref.rsplit("/", 1)[-1]
    t = schema.get("type")
    if isinstance(t, list):
        t = t[0]
    if t == "array":
        return "array of " + seed_kind(schema.get("items", {}))
    return t


def report():
    with open(SEED, encoding="utf-8") as f:
        seed = json.load(f)
    with open(os.path.join(OFFICIAL_DIR, "api.json"), encoding="utf-8") as f:
        api = json.load(f)
    seed_actions = {a["name"]: a for a in seed["actions"]}
    official = api["actions"]
    params = []
    for name in sorted(set(seed_actions) & set(official)):
        body = seed_actions[name]["params"].get("body", {})
        sp = body.get("properties", {})
        sreq = set(body.get("required", []))
        members = {m["name"]: m for m in api["objects"][official[name]["input"]].get("members", [])}
        for p in sorted(set(sp) | set(members)):
            if p not in members:
                params.append({"action": name, "parameter": p, "difference": "only in the seed"})
            elif p not in sp:
                params.append({"action": name, "parameter": p, "difference": "only in the official definition",
                               "official": official_kind(members[p])})
            else:
                a, b = seed_kind(sp[p]), official_kind(members[p])
                if a != b:
                    params.append({"action": name, "parameter": p, "difference": "type", "seed": a, "official": b})
                if (p in sreq) != bool(members[p].get("required")):
                    params.append({"action": name, "parameter": p, "difference": "required",
                                   "seed": p in sreq, "official": bool(members[p].get("required"))})
    return {
        "seed": "specs/tencent/es-2018-04-16.json",
        "official": "%s: tccli/services/es/v20180416/api.json" % TCCLI,
        "actions_added": sorted(set(official) - set(seed_actions)),
        "actions_missing": sorted(set(seed_actions) - set(official)),
        "parameters": params,
    }


def main():
    check = sys.argv[1:] == ["--check"]
    if not fetch():
        return 0
    text = json.dumps(report(), indent=1, ensure_ascii=True) + "\n"
    if check:
        with open(REPORT, encoding="utf-8") as f:
            if f.read() != text:
                print("tccli_crosscheck: %s differs from a fresh run" % REPORT)
                return 1
        print("tccli_crosscheck: report matches %s" % TCCLI)
        return 0
    with open(REPORT, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %s" % REPORT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
