#!/usr/bin/env python3
"""Differential harness, Python side: one official Python SDK signing random requests, offline.

    python3 py_worker.py FAMILY      FAMILY: tencent-python | alibaba-tea | alibaba-core | huawei-python

Reads JSON lines `{"id": ..., "spec": {...}}` on standard input (the specs `gen.py` draws), has the SDK send
each one to the capture server on 127.0.0.1, and writes one JSON line per spec to standard output:
`{"id", "raw": <base64 of the bytes received>}` or `{"id", "sdk_error": "<what the SDK raised>"}` (the SDK
refused the request: not a disagreement). Everything else the SDK prints goes to standard error.

It reuses the oracle's own harnesses, unchanged: their venvs and pins (vectors/oracle/{python,alibaba,huawei}/
requirements.txt, installed by harness.py's bootstrap), their network guard and capture server (harness.py:
only 127.0.0.1, only the capture server, self-tested before the first spec), their determinism stand-ins (fixed
clock, per-spec nonces and uuids) and their `run_case` functions, which take a spec dict and return the raw
request. Nothing leaves the machine.
"""

import base64
import json
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
sys.path.insert(0, ORACLE)
import harness  # noqa: E402


def load(family):
    """The capture module a family reuses (imported by path: the three are all called capture.py)."""
    import importlib.util
    sub = {"tencent-python": "python", "alibaba-tea": "alibaba", "alibaba-core": "alibaba",
           "huawei-python": "huawei"}[family]
    path = os.path.join(ORACLE, sub, "capture.py")
    spec = importlib.util.spec_from_file_location("capture_" + sub, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def decode(value):
    """JSON specs carry bytes as {"$hex": "..."}; everything else as is."""
    if isinstance(value, dict):
        if set(value) == {"$hex"}:
            return bytes.fromhex(value["$hex"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def runner(family, cap, server):
    """A function spec -> raw bytes for the family, with the capture module's determinism installed."""
    if family == "tencent-python":
        import tencentcloud.common.abstract_client as abstract_client
        from importlib.metadata import version
        cap.SDK_VERSION = version(cap.SDK_NAME)
        det = cap.Determinism()
        det.install(abstract_client)

        def run(case, s):
            if s.get("api") == "call_octet_stream":
                s["body"] = decode(s["body"])
            return cap.run_case(case, "differential", s, det, server)[0]
        return run
    if family in ("alibaba-tea", "alibaba-core"):
        import alibabacloud_tea_openapi.utils as tea_utils
        import aliyunsdkcore.client as core_client
        import aliyunsdkcore.utils.parameter_helper as core_helper
        det = cap.Determinism()
        det.install_tea(tea_utils)
        det.install_core(core_helper, core_client)
        fn = cap.run_tea_case if family == "alibaba-tea" else cap.run_core_case

        def run(case, s):
            return fn(case, "differential", s, det, server)[0]
        return run
    if family == "huawei-python":
        from importlib.metadata import version
        import huaweicloudsdkcore.signer.signer as signer_module
        cap.SDK_VERSION = version(cap.SDK_NAME)
        signer_module.datetime = cap.FixedDatetime
        os.environ["HTTP_PROXY"] = server.proxy  # as huawei/capture.py: requests' environment proxy (http only)

        def run(case, s):
            s["body"] = decode(s.get("body"))
            if s.get("query") is not None:
                s["query"] = [tuple(p) for p in s["query"]]
            return cap.run_case(case, "differential", s, server)[0]
        return run
    raise SystemExit("py_worker.py: unknown family %r" % family)


class ChunkedCaptureServer(harness.CaptureServer):
    """harness.py's capture server, also reading `Transfer-Encoding: chunked` bodies (requests streams a
    file-like body of unknown length, e.g. huaweicloudsdkcore's empty octet-stream body); the bytes are recorded
    as received, chunk framing included (cloudsig reads it)."""

    def _handle(self, conn, peer):
        if peer[0] != "127.0.0.1":
            raise RuntimeError("connection from a non-loopback peer %r" % (peer,))
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                if data:
                    raise RuntimeError("connection closed inside the header block")
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        chunked = any(line.partition(b":")[0].strip().lower() == b"transfer-encoding"
                      and b"chunked" in line.partition(b":")[2].lower() for line in head.split(b"\r\n")[1:])
        if not chunked:
            # The oracle's own reading (Content-Length) for everything else: put the bytes back and delegate.
            return super()._handle(_Replay(conn, data), peer)
        while not (rest.endswith(b"0\r\n\r\n") and complete_chunks(rest)):
            chunk = conn.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed inside the chunked body")
            rest += chunk
        with self.lock:
            self.captured.append((peer, head + b"\r\n\r\n" + rest))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (len(self.canned_body), self.canned_body))


def complete_chunks(body):
    """True when `body` is a whole chunked body (every chunk complete, ending with the last chunk)."""
    at = 0
    while True:
        eol = body.find(b"\r\n", at)
        if eol < 0:
            return False
        size = int(body[at:eol].split(b";")[0], 16)
        if size == 0:
            return body[eol + 2:] == b"\r\n"
        at = eol + 2 + size + 2
        if at > len(body):
            return False


class _Replay(object):
    """A socket whose first recv() returns bytes already read."""

    def __init__(self, conn, data):
        self.conn, self.data = conn, data

    def settimeout(self, t):
        self.conn.settimeout(t)

    def recv(self, n):
        if self.data:
            d, self.data = self.data, b""
            return d
        return self.conn.recv(n)

    def sendall(self, b):
        return self.conn.sendall(b)


def serve(family, cap):
    out = os.fdopen(os.dup(1), "w", encoding="ascii")
    os.dup2(2, 1)  # whatever the SDKs print goes to standard error, not into the results
    sys.stdout = sys.stderr
    guard = harness.install_network_guard(cap.HARNESS.real_host)
    server = ChunkedCaptureServer(cap.HARNESS.canned_body, guard)
    try:
        run = runner(family, cap, server)
        for line in sys.stdin:
            if not line.strip():
                continue
            item = json.loads(line)
            server.expect()
            with server.lock:
                server.captured, server.errors = [], []
            try:
                raw = run(item["id"], item["spec"])
                result = {"id": item["id"], "raw": base64.b64encode(raw).decode("ascii")}
            except harness.NetworkGuardError:
                raise
            except Exception as e:  # the SDK refused (or failed on) this request: recorded, not fatal
                if guard["violations"]:
                    raise
                last = traceback.extract_tb(e.__traceback__)[-1]
                result = {"id": item["id"], "sdk_error": "%s: %s (%s:%d)" % (
                    type(e).__name__, str(e)[:300], os.path.basename(last.filename), last.lineno)}
            out.write(json.dumps(result) + "\n")
            out.flush()
    finally:
        server.close()
    if guard["violations"]:
        raise RuntimeError("network guard violations: %s" % guard["violations"])
    return 0


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: py_worker.py FAMILY\n")
        return 2
    family = sys.argv[1]
    cap = load(family)
    if os.environ.get("CLOUDSIG_ORACLE_IN_VENV") != "1":
        h = cap.HARNESS
        worker = harness.Harness(name="differential/py_worker.py", script=__file__, venv=h.venv,
                                 requirements=h.requirements, captures_root=h.captures_root,
                                 canned_body=h.canned_body, real_host=h.real_host, drop_env=h.drop_env,
                                 home=h.home)
        return worker.bootstrap(sys.argv[1:])
    return serve(family, cap)


if __name__ == "__main__":
    sys.exit(main())
