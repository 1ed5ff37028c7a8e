#!/usr/bin/env python3
"""Checks the published crates' `rust-version` against their dependencies' (Cargo.lock's versions).

For every workspace crate that is published (no `publish = false`), walks its normal and build
dependencies (every feature the workspace enables, every target) in `cargo metadata`'s resolve and
prints the dependencies that declare the highest `rust-version`. Fails when one declares a newer
Rust than the crate itself: the crate's `rust-version` would then not be its real minimum.

The other half of the minimum, the standard library and language features cloudsig's own code
uses, is checked by clippy's `incompatible_msrv` lint (on by default; `cargo clippy -- -D warnings`
in CI), which reads each crate's `rust-version`.

Usage: python3 scripts/msrv-deps.py
"""
import json
import subprocess
import sys


def version_key(v):
    return tuple(int(x) for x in v.split(".")) if v else (0,)


def main():
    meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"],
                                     check=True, capture_output=True, text=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    bad = 0
    for member in meta["workspace_members"]:
        crate = packages[member]
        if crate.get("publish") == []:
            continue
        own = crate.get("rust_version")
        seen, stack = set(), [member]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for dep in nodes[node]["deps"]:
                if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                    stack.append(dep["pkg"])
        seen.discard(member)
        highest = max((version_key(packages[d].get("rust_version")) for d in seen), default=(0,))
        top = sorted(f'{packages[d]["name"]} {packages[d]["version"]}' for d in seen
                     if version_key(packages[d].get("rust_version")) == highest)
        verdict = "ok"
        if own is None or highest > version_key(own):
            verdict = "TOO LOW"
            bad += 1
        print(f'{crate["name"]}: rust-version {own}; its dependencies need at most '
              f'{".".join(map(str, highest))} ({", ".join(top[:3])}{", …" if len(top) > 3 else ""}): {verdict}')
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
