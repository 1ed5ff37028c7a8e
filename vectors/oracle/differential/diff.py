#!/usr/bin/env python3
"""Differential conformance: random requests signed by the official SDKs, verified by cloudsig.

    python3 vectors/oracle/differential/diff.py [--mode ci|long] [--count N] [--seed S] [--family F ...]
                                               [--cloudsig PATH] [--report FILE] [--keep DIR]

For each family (one official SDK), N random requests are drawn from seed S (gen.py), signed and sent by the
SDK to a capture server on 127.0.0.1 (py_worker.py / node_worker.js: the oracle's network guards, nothing leaves
the machine), and every capture is verified by `cloudsig verify --format json` at the capture's time with the
oracle's fictitious keys. A request the SDK signed is expected `valid` (`unsigned` for skip-sign). Each
disagreement is attributed (causes.py): to a named cause by the diagnosis's mistake id when cloudsig gives one,
else by the cause's classifier (the request's shape); anything else is "new", and is minimised (shrink the spec
while it still disagrees without a named cause) and printed with its reproducer.

Modes: `ci` = fixed seed 1 and 200 requests per family (exit 1 on any "new" disagreement); `long` = 10,000 per
family. A family whose SDK cannot be installed (registry unreachable) is skipped with a message, as the oracle
does. Exit status: 0 no new disagreement, 1 some new disagreement, 2 usage or harness failure.
"""

import argparse
import base64
import collections
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE))
sys.path.insert(0, HERE)
import causes  # noqa: E402
import gen  # noqa: E402

SDK = os.path.join(REPO, "vectors", "captures", "sdk")
NOW = 1551113065  # the oracle's fixed clock

# family -> (worker command, key files, which SDK it is)
FAMILIES = collections.OrderedDict([
    ("tencent-python", ([sys.executable, os.path.join(HERE, "py_worker.py"), "tencent-python"],
                        [os.path.join(SDK, "keys.txt")], "tencentcloud-sdk-python-common 3.1.195")),
    ("tencent-node", (["node", os.path.join(HERE, "node_worker.js"), "tencent-node"],
                      [os.path.join(SDK, "keys.txt")], "tencentcloud-sdk-nodejs-common 4.1.220")),
    ("alibaba-tea", ([sys.executable, os.path.join(HERE, "py_worker.py"), "alibaba-tea"],
                     [os.path.join(SDK, "alibaba", "keys.txt")], "alibabacloud-tea-openapi 0.4.6")),
    ("alibaba-tea-node", (["node", os.path.join(HERE, "node_worker.js"), "alibaba-tea-node"],
                          [os.path.join(SDK, "alibaba", "keys.txt")], "@alicloud/openapi-client")),
    ("alibaba-core", ([sys.executable, os.path.join(HERE, "py_worker.py"), "alibaba-core"],
                      [os.path.join(SDK, "alibaba", "keys.txt")], "aliyun-python-sdk-core 2.16.1")),
    ("huawei-python", ([sys.executable, os.path.join(HERE, "py_worker.py"), "huawei-python"],
                       [os.path.join(SDK, "huawei", "keys.txt")], "huaweicloudsdkcore 3.1.219")),
    ("huawei-node", (["node", os.path.join(HERE, "node_worker.js"), "huawei-node"],
                     [os.path.join(SDK, "huawei", "keys.txt")], "@huaweicloud/huaweicloud-sdk-core 3.1.211")),
])

EXIT_UNREACHABLE = 3  # harness.py's and node_worker.js's "registry unreachable"


class WorkerGone(RuntimeError):
    pass


class Worker(object):
    """One SDK worker process: JSON lines in (specs), JSON lines out (captures)."""

    def __init__(self, family, cmd):
        self.family = family
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                     cwd=REPO)

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def run(self, items):
        """{id: result} for [(id, spec)], writing from a thread so that neither pipe can fill up."""
        def feed():
            try:
                for i, spec in items:
                    self.proc.stdin.write((json.dumps({"id": i, "spec": spec}) + "\n").encode())
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        out = {}
        while len(out) < len(items):
            line = self.proc.stdout.readline()
            if not line:
                raise WorkerGone(self.family)
            r = json.loads(line)
            out[r["id"]] = r
        t.join()
        return out

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        return rc


def verify(cloudsig, key_files, paths, threads):
    """{path: report} from `cloudsig verify --format json` (chunks of 1000 files)."""
    reports = {}
    for start in range(0, len(paths), 1000):
        chunk = paths[start:start + 1000]
        # The random requests are about signing, not valid API calls: API-level checks are off.
        cmd = [cloudsig, "verify", "--format", "json", "--no-api-check", "--now", str(NOW), "--threads", str(threads)]
        for k in key_files:
            cmd += ["--key-file", k]
        res = subprocess.run(cmd + chunk, capture_output=True, cwd=REPO)
        if res.returncode not in (0, 1):
            raise RuntimeError("cloudsig verify exited %d: %s" % (res.returncode, res.stderr.decode()[:2000]))
        for line in res.stdout.decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                reports[r.get("file")] = r
    # cloudsig remembers the nonces of one run: two SDK requests that drew the same nonce (the Node oracles fix
    # the SDK's randomness) are a replay within the batch, not a signing disagreement. Verify those alone.
    for p, r in list(reports.items()):
        if len(chunk) > 1 and any(f.get("rule") == "nonce-replay" for f in r.get("findings") or []):
            reports.update(verify(cloudsig, key_files, [p], threads))
    return reports


SIGNATURE = re.compile(rb"(Signature=|[?&]Signature=|\nauthorization: acs [^:\r\n]+:|\nAuthorization: acs [^:\r\n]+:)"
                       rb"(%[0-9A-F]{2})*([0-9A-Za-z+/])")


def corrupt_signature(raw):
    """The request with one character of its signature changed (hex stays hex, base64 stays base64)."""
    m = None
    for m in SIGNATURE.finditer(raw):
        pass
    if m is None:
        if b"Authorization: SKIP" in raw or b"Signature" not in raw:
            return raw  # unsigned (skip-sign): left as is
        raise RuntimeError("self-test: no signature found to corrupt in %r" % raw[:300])
    at = m.start(3)
    c = raw[at:at + 1]
    return raw[:at] + (b"1" if c == b"0" else b"0") + raw[at + 1:]


def expected_verdict(spec):
    return "unsigned" if spec.get("skip_sign") else "valid"


class Judge(object):
    """Signs, verifies and attributes one family's specs."""

    def __init__(self, family, worker, cloudsig, keys, tmp, threads, keep=None):
        self.family, self.worker, self.cloudsig, self.keys, self.tmp = family, worker, cloudsig, keys, tmp
        self.threads, self.keep = threads, keep
        self.corrupt = False  # --self-test: change one character of every signature after signing

    def sign_and_verify(self, items):
        """[(id, spec)] -> {id: ("sdk-refused", error) | ("agree", None) | ("disagree", (report, raw))}."""
        results = self.worker.run(items)
        paths, out = {}, {}
        for i, spec in items:
            r = results[i]
            if "sdk_error" in r:
                out[i] = ("sdk-refused", r["sdk_error"])
                continue
            p = os.path.join(self.tmp, i + ".http")
            raw = base64.b64decode(r["raw"])
            if self.corrupt:
                raw = corrupt_signature(raw)
            with open(p, "wb") as f:
                f.write(raw)
            paths[i] = p
        reports = verify(self.cloudsig, self.keys, list(paths.values()), self.threads) if paths else {}
        specs = dict(items)
        for i, p in paths.items():
            rep = reports.get(p)
            if rep is None:
                raise RuntimeError("no report for %s" % p)
            with open(p, "rb") as f:
                raw = f.read()
            if self.keep:
                shutil.copy(p, self.keep)
            os.remove(p)
            out[i] = ("agree", None) if rep.get("verdict") == expected_verdict(specs[i]) else (
                "disagree", (rep, raw))
        return out

    def matching(self, spec, raw, rep):
        return [c for c in causes.CAUSES.values() if c["classify"](self.family, spec, raw, rep)]

    def judge(self, items):
        """[(id, spec)] -> {id: (outcome, detail, how)}: outcome "agree", "sdk-refused", a cause id or "new";
        how "named" (cloudsig's mistake id) or "confirmed" (the classifier's shape, confirmed: the SDK's request
        for the same spec with the triggers of the matching causes removed agrees; up to three rounds, each
        removing the triggers of what the previous round's request still shows)."""
        first = self.sign_and_verify(items)
        verdicts, pending, several = {}, {}, {}
        specs = dict(items)
        for i, (kind, detail) in first.items():
            if kind != "disagree":
                verdicts[i] = (kind, detail, None)
                continue
            rep, raw = detail
            cause, how = causes.attribute_how(self.family, specs[i], raw, rep)
            verdicts[i] = (cause, rep, "named" if how == "mistake-id" else None)
            if how == "classifier":
                n = copy.deepcopy(specs[i])
                found = self.matching(specs[i], raw, rep)
                for c in found:
                    c["neutralise"](n)
                pending[i] = n
                if len(found) > 1:
                    several[i] = [cid for cid, c in causes.CAUSES.items() if c in found]
        for rnd in range(3):
            if not pending:
                break
            again = self.sign_and_verify([("%s-n%d" % (i, rnd), n) for i, n in pending.items()])
            still = {}
            for i, n in pending.items():
                kind, detail = again["%s-n%d" % (i, rnd)]
                if kind != "disagree":
                    # agree: confirmed; the SDK refusing the neutralised spec leaves the attribution unconfirmed
                    verdicts[i] = (verdicts[i][0], verdicts[i][1], "confirmed" if kind == "agree" else "unconfirmed")
                    continue
                rep, raw = detail
                cause, how = causes.attribute_how(self.family, n, raw, rep)
                if how == "mistake-id":
                    verdicts[i] = (verdicts[i][0], verdicts[i][1], "confirmed")
                elif how == "classifier" and rnd < 2:
                    for c in self.matching(n, raw, rep):
                        c["neutralise"](n)
                    still[i] = n
                else:
                    verdicts[i] = ("new", dict(verdicts[i][1], harness_note=(
                        "attributed to %s by its shape, but the request signed with the triggers of every "
                        "matching cause removed is still %s (%s): %s" % (
                            verdicts[i][0], rep.get("verdict"), rep.get("code"), json.dumps(n, ensure_ascii=True)))),
                        None)
            pending = still
        self.narrow(verdicts, specs, several)
        return verdicts

    def narrow(self, verdicts, specs, several):
        """A disagreement whose shape matches several causes, confirmed with all their triggers removed, goes to
        the causes it needs: a cause is needed when the SDK's request with every other matching cause's trigger
        removed, and its own kept, still disagrees (leave one out). Otherwise the order of CAUSES would credit,
        say, A1 (a shape it merely has) with a request that only A7's trigger breaks. One needed cause:
        "confirmed"; several (the request breaks for two reasons at once): the first, marked "combined"."""
        tries = []
        for i, cids in several.items():
            if verdicts[i][2] != "confirmed":
                continue
            for keep in cids:
                n = copy.deepcopy(specs[i])
                for cid in cids:
                    if cid != keep:
                        causes.CAUSES[cid]["neutralise"](n)
                tries.append(("%s-keep-%s" % (i, keep), (i, keep), n))
        if not tries:
            return
        again = self.sign_and_verify([(tag, n) for tag, _, n in tries])
        needed = collections.defaultdict(list)
        for tag, (i, keep), _ in tries:
            if again[tag][0] == "disagree":
                needed[i].append(keep)
        for i, cids in several.items():
            if verdicts[i][2] != "confirmed":
                continue
            got = needed.get(i) or cids
            verdicts[i] = (got[0], verdicts[i][1], "confirmed" if len(got) == 1 else "combined")

    def still_new(self, spec, tag):
        return self.judge([(tag, spec)])[tag][0] == "new"

    def minimise(self, spec, budget):
        """Shrink `spec` while it still disagrees without a named cause (at most `budget` attempts)."""
        tries = 0
        changed = True
        while changed and tries < budget:
            changed = False
            for cand in gen.shrink(self.family, spec):
                tries += 1
                if tries > budget:
                    break
                if self.still_new(cand, "%s-shrink-%d" % (self.family, tries)):
                    spec, changed = cand, True
                    break
        return spec, tries


def run_family(family, args, cloudsig, tmp):
    cmd, keys, sdk = FAMILIES[family]
    worker = Worker(family, cmd)
    judge = Judge(family, worker, cloudsig, keys, tmp, args.threads, args.keep)
    judge.corrupt = args.self_test
    counts, how_counts = collections.Counter(), collections.Counter()
    new, missed = [], []
    started = time.time()
    try:
        for start in range(0, args.count, args.batch):
            items = [("%s-%d-%d" % (family, args.seed, i), gen.draw(family, args.seed, i))
                     for i in range(start, min(args.count, start + args.batch))]
            verdicts = judge.judge(items)
            for i, spec in items:
                outcome, detail, how = verdicts[i]
                counts[outcome] += 1
                if how:
                    how_counts["%s/%s" % (outcome, how)] += 1
                if outcome == "new":
                    new.append((i, spec, detail))
                if args.self_test and outcome not in ("new", "sdk-refused") and not spec.get("skip_sign"):
                    missed.append((i, outcome, how))
                if outcome == "sdk-refused" and args.verbose:
                    print("  %s: SDK refused: %s" % (i, detail))
            if args.time_limit and time.time() - started > args.time_limit:
                print("  %s: time limit reached after %d requests" % (family, start + len(items)))
                break
        minimised = []
        for i, spec, detail in new[:args.minimise]:
            small, tries = judge.minimise(spec, args.shrink_budget)
            keep, judge.keep = judge.keep, None
            first = judge.sign_and_verify([(i + "-min", small)])[i + "-min"]
            judge.keep = keep
            rep, raw = first[1] if first[0] == "disagree" else (detail, b"")
            rep = judge.judge([(i + "-min", small)])[i + "-min"][1] or rep
            minimised.append({"id": i, "spec": spec, "minimised": small, "shrink_tries": tries,
                              "raw": raw.decode("latin-1"), "report": rep})
    except WorkerGone:
        rc = worker.close()
        if rc == EXIT_UNREACHABLE:
            print("== %s: registries unreachable; skipped (%s not installed)" % (family, sdk))
            return {"family": family, "sdk": sdk, "skipped": "registries unreachable"}
        raise RuntimeError("%s worker stopped (status %s):\n%s" % (family, rc, worker.stderr_text()[-4000:]))
    rc = worker.close()
    if rc != 0:
        raise RuntimeError("%s worker exited %s:\n%s" % (family, rc, worker.stderr_text()[-4000:]))
    return {"family": family, "sdk": sdk, "seed": args.seed, "requests": sum(counts.values()),
            "counts": dict(counts), "how": dict(how_counts), "new": len(new), "minimised": minimised,
            "self_test_missed": missed,
            "seconds": round(time.time() - started, 1)}


def print_family(res):
    if res.get("skipped"):
        return
    c = res["counts"]
    print("== %s (%s): %d requests, seed %d, %.1f s" % (res["family"], res["sdk"], res["requests"], res["seed"],
                                                      res["seconds"]))
    print("   agree %d, SDK refused %d, disagree %d" % (
        c.get("agree", 0), c.get("sdk-refused", 0),
        sum(v for k, v in c.items() if k not in ("agree", "sdk-refused"))))
    for k, v in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
        if k in ("agree", "sdk-refused"):
            continue
        label = "NEW (unexplained)" if k == "new" else "%s [%s] %s" % (k, causes.CAUSES[k]["issue"],
                                                                       causes.CAUSES[k]["side"])
        how = ""
        if k != "new":
            how = "  (named by cloudsig %d, by shape and confirmed %d%s%s)" % (
                res["how"].get(k + "/named", 0), res["how"].get(k + "/confirmed", 0),
                ", unconfirmed %d" % res["how"][k + "/unconfirmed"] if res["how"].get(k + "/unconfirmed") else "",
                ", with another cause at once %d" % res["how"][k + "/combined"]
                if res["how"].get(k + "/combined") else "")
        print("   %6d  %s%s" % (v, label, how))
    for m in res["minimised"]:
        print("   -- new disagreement %s, minimised after %d tries:" % (m["id"], m["shrink_tries"]))
        print("      spec: %s" % json.dumps(m["minimised"], ensure_ascii=True))
        rep = m["report"] or {}
        print("      cloudsig: %s %s %s" % (rep.get("verdict"), rep.get("code"),
                                           json.dumps(rep.get("findings"), ensure_ascii=True)[:400]))
        if rep.get("harness_note"):
            print("      note: %s" % rep["harness_note"][:600])
        print("      request:\n        " + m["raw"].replace("\r\n", "\n        ")[:1500])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=["ci", "long"], default=None)
    ap.add_argument("--count", type=int, default=None, help="requests per family")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--family", action="append", choices=list(FAMILIES))
    ap.add_argument("--cloudsig", default=os.path.join(REPO, "target", "debug", "cloudsig"))
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--minimise", type=int, default=5, help="new disagreements minimised per family")
    ap.add_argument("--shrink-budget", type=int, default=150)
    ap.add_argument("--time-limit", type=float, default=0, help="seconds per family (0: none)")
    ap.add_argument("--report", help="write the results as JSON here")
    ap.add_argument("--keep", help="copy every capture into this folder")
    ap.add_argument("--self-test", action="store_true",
                    help="corrupt every signature after signing: every signed request must come out new "
                         "(exit 1 otherwise); proves that no classifier hides a wrong signature")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.count is None:
        args.count = 10000 if args.mode == "long" else 200
    if not os.access(args.cloudsig, os.X_OK):
        print("diff.py: %s not found: build it first (cargo build -p cloudsig-cli)" % args.cloudsig, file=sys.stderr)
        return 2
    families = args.family or list(FAMILIES)
    tmp = tempfile.mkdtemp(prefix="cloudsig-diff-")
    results = []
    status = 0
    try:
        for family in families:
            res = run_family(family, args, args.cloudsig, tmp)
            results.append(res)
            print_family(res)
            sys.stdout.flush()
            if args.self_test:
                for i, outcome, how in res.get("self_test_missed", []):
                    print("   SELF-TEST FAILED: %s with a corrupted signature came out %s (%s)" % (i, outcome, how))
                    status = 1
            elif res.get("new"):
                status = 1
    except RuntimeError as e:
        print("diff.py: %s" % e, file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.report:
        with open(args.report, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True, ensure_ascii=True)
    total_new = sum(r.get("new", 0) for r in results)
    if args.self_test:
        print("self-test: %s (%d requests, every signature corrupted; %d reported new)" % (
            "FAILED" if status else "ok", sum(r.get("requests", 0) for r in results), total_new))
        return status
    print("differential: %d families, %d requests, %d new disagreements" % (
        sum(1 for r in results if not r.get("skipped")), sum(r.get("requests", 0) for r in results), total_new))
    return status


if __name__ == "__main__":
    sys.exit(main())
