"""What every official-SDK oracle harness shares (standard library only).

The harnesses (python/capture.py for Tencent, alibaba/capture.py, huawei/capture.py) each describe their
SDKs and cases; this module does the rest, the same way for all of them:

- bootstrap: a venv of their own (gitignored) holding exactly the pinned packages of their requirements.txt
  (``pip install --no-deps --only-binary :all:``), then the harness runs again inside it with a clean
  environment (no proxy variables, no netrc, no user site packages, PYTHONHASHSEED=0);
- a network guard: ``socket.getaddrinfo`` resolves only 127.0.0.1 and ``socket.socket.connect`` reaches only
  the capture server, self-tested before the first case;
- the capture server on 127.0.0.1: raw request bytes in, the harness's canned answer out;
- writing the captures (``<subdir>/<case>.http|.json`` and ``keys.txt``) and comparing a fresh run with the
  committed ones for ``--check``.

Exit status of a harness: 0 done (or, with --check, the registry unreachable: committed captures kept),
1 captures differ (--check), 2 any other failure, 3 the packages could not be installed (registry
unreachable, without --check).
"""

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

ORACLE_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ORACLE_DIR))
CAPTURES_SDK = os.path.join(REPO, "vectors", "captures", "sdk")

EXIT_DIFFERS = 1
EXIT_FAILURE = 2
EXIT_UNREACHABLE = 3

SCHEMA = "cloudsig-sdk-capture/1"

# pip's words for a registry it cannot reach (connection refused, DNS failure, timeout, proxy or TLS failure).
NETWORK_ERRORS = (
    "NewConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "Max retries exceeded", "ProxyError",
    "Connection refused", "Name or service not known", "Temporary failure in name resolution",
    "Network is unreachable", "No route to host", "Connection reset", "Failed to establish a new connection",
    "SSLError", "ConnectionError", "timed out",
)


def registry_unreachable(pip_output):
    return any(word in pip_output for word in NETWORK_ERRORS)


def dump_json(obj):
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")


def capture_files(cases, run):
    """{"<case>.http": the raw request, "<case>.json": its record} for each (case, description,
    spec) of `cases`, the request and record being what `run(case, description, spec)` returns."""
    files = {}
    for case, description, spec in cases:
        raw, meta = run(case, description, spec)
        files[case + ".http"] = raw
        files[case + ".json"] = dump_json(meta)
    return files


def header_value(raw, wanted):
    """The first value of header `wanted` (lower-case bytes) in a raw request, as text, or None."""
    for line in raw.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip().decode("utf-8")
    return None


# ---------------------------------------------------------------------------
# Bootstrap: venv + pinned install, then re-exec inside the venv
# ---------------------------------------------------------------------------

def read_pins(requirements):
    pins = {}
    with open(requirements) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, version = line.partition("==")
                pins[name.strip().lower()] = version.strip()
    return pins


def venv_python(venv):
    if os.name == "nt":
        return os.path.join(venv, "Scripts", "python.exe")
    return os.path.join(venv, "bin", "python")


def venv_matches_pins(py, pins):
    """True when the venv exists and holds exactly the pinned versions (then no registry is needed)."""
    if not os.path.exists(py):
        return False
    probe = (
        "import json, sys\n"
        "from importlib.metadata import version, PackageNotFoundError\n"
        "out = {}\n"
        "for n in json.loads(sys.argv[1]):\n"
        "    try: out[n] = version(n)\n"
        "    except PackageNotFoundError: out[n] = None\n"
        "print(json.dumps(out))\n"
    )
    try:
        res = subprocess.run([py, "-c", probe, json.dumps(sorted(pins))], capture_output=True, text=True,
                             timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    if res.returncode != 0:
        return False
    try:
        have = json.loads(res.stdout)
    except ValueError:
        return False
    return all(have.get(n) == v for n, v in pins.items())


def clean_env(environ, drop=(), home=None):
    """The environment for the SDK: no proxy settings, no netrc, no user site packages, fixed hash seed;
    also none of the variables named in `drop` (a name ending in "_" drops every variable it starts:
    a cloud's credential variables), and HOME set to `home` when given (no credential or config files of
    the user's)."""
    def dropped(name):
        upper = name.upper()
        return any(upper.startswith(d) if d.endswith("_") else upper == d for d in drop)

    env = {k: v for k, v in environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "curl_ca_bundle",
                                "requests_ca_bundle", "pythonpath", "pythonhome", "pythonstartup")
           and not dropped(k)}
    env["NETRC"] = os.devnull
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    if home is not None:
        env["HOME"] = home
    return env


# ---------------------------------------------------------------------------
# Network guard: only 127.0.0.1, only the capture server
# ---------------------------------------------------------------------------

class NetworkGuardError(RuntimeError):
    pass


def install_network_guard(real_host):
    """Wrap the socket module so that only the capture server can be reached; prove it refuses `real_host`
    and another loopback address. Returns the guard's state: `violations`, `connects` (cleared by each case)
    and `allowed_port` (set once the capture server listens)."""
    import socket

    state = {"violations": [], "connects": [], "allowed_port": None}
    real_gai = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h != "127.0.0.1":
            state["violations"].append("getaddrinfo(%r)" % (h,))
            raise NetworkGuardError("network guard: refused to resolve %r (only 127.0.0.1 is allowed)" % (h,))
        return real_gai(host, *args, **kwargs)

    def check(address):
        ok = (isinstance(address, tuple) and len(address) >= 2 and address[0] == "127.0.0.1"
              and state["allowed_port"] is not None and address[1] == state["allowed_port"])
        if not ok:
            state["violations"].append("connect(%r)" % (address,))
            raise NetworkGuardError("network guard: refused to connect to %r (only the capture server "
                                    "127.0.0.1:%s is allowed)" % (address, state["allowed_port"]))
        state["connects"].append(address[:2])

    def guarded_connect(self, address):
        check(address)
        return real_connect(self, address)

    def guarded_connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = guarded_getaddrinfo
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex

    # Self-test: the guard must refuse the real host and any other address before anything else runs.
    try:
        socket.getaddrinfo(real_host, 80)
    except NetworkGuardError:
        pass
    else:
        raise RuntimeError("network guard inactive: %s was resolved" % real_host)
    try:
        with socket.socket() as probe:
            probe.connect(("127.0.0.2", 9))
    except NetworkGuardError:
        pass
    else:
        raise RuntimeError("network guard inactive: connect to 127.0.0.2 allowed")
    state["violations"] = []
    return state


# ---------------------------------------------------------------------------
# Capture server: raw bytes in, canned JSON out
# ---------------------------------------------------------------------------

class CaptureServer(object):
    def __init__(self, canned_body, guard_state):
        import socket
        import threading
        self.canned_body = canned_body
        self.guard_state = guard_state
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.proxy = "http://127.0.0.1:%d" % self.port
        guard_state["allowed_port"] = self.port
        self.captured = []  # (peer, raw bytes)
        self.errors = []
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, name="capture-server", daemon=True)
        self.thread.start()

    def _serve(self):
        import socket
        while not self.stopping:
            try:
                conn, peer = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            try:
                self._handle(conn, peer)
            except Exception as e:  # recorded, reported by the harness
                with self.lock:
                    self.errors.append("%s: %r" % (peer, e))
            finally:
                conn.close()

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
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            lname = name.strip().lower()
            if lname == b"content-length":
                length = int(value.strip())
            elif lname == b"transfer-encoding":
                raise RuntimeError("Transfer-Encoding %r is not supported by the capture server" % value)
        length = length or 0
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed inside the body")
            rest += chunk
        if len(rest) > length:
            raise RuntimeError("extra bytes after the body (pipelined request?)")
        with self.lock:
            self.captured.append((peer, head + b"\r\n\r\n" + rest))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n%s" % (len(self.canned_body), self.canned_body))

    def expect(self):
        """Before a case: forget the connections of the previous one."""
        self.guard_state["connects"] = []

    def take_one(self, case, expected_line):
        """After a case: the one request it sent, which must be the only one, have reached only this server
        and start with `expected_line` (bytes, e.g. b"POST http://host/")."""
        with self.lock:
            captured, self.captured = self.captured, []
            errors, self.errors = self.errors, []
        if errors:
            raise RuntimeError("%s: capture server errors: %s" % (case, errors))
        if len(captured) != 1:
            raise RuntimeError("%s: expected exactly one request at the capture server, got %d"
                               % (case, len(captured)))
        connects = self.guard_state["connects"]
        if not connects or any(a != ("127.0.0.1", self.port) for a in connects):
            raise RuntimeError("%s: connections other than to the capture server: %r" % (case, connects))
        raw = captured[0][1]
        if not raw.startswith(expected_line):
            raise RuntimeError("%s: unexpected request line %r" % (case, raw.split(b"\r\n", 1)[0]))
        return raw

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


# ---------------------------------------------------------------------------
# A harness: its settings, bootstrap, writing, comparing, main()
# ---------------------------------------------------------------------------

class Harness(object):
    """One oracle harness.

    name          how it signs its log lines ("huawei/capture.py")
    script        the harness file, run again inside the venv
    venv          its venv folder (gitignored)
    requirements  its pinned requirements.txt
    captures_root where its captures go: <root>/<subdir>/<case>.http|.json and <root>/keys.txt
    canned_body   what the capture server answers every request
    real_host     a host the SDK talks to, which the guard's self-test must refuse
    drop_env, home: see clean_env
    """

    def __init__(self, name, script, venv, requirements, captures_root, canned_body, real_host,
                 drop_env=(), home=None):
        self.name = name
        self.script = os.path.abspath(script)
        self.venv = venv
        self.requirements = requirements
        self.captures_root = captures_root
        self.canned_body = canned_body
        self.real_host = real_host
        self.drop_env = drop_env
        self.home = home

    def log(self, msg):
        sys.stderr.write("%s: %s\n" % (self.name, msg))
        sys.stderr.flush()

    def bootstrap(self, argv):
        pins = read_pins(self.requirements)
        py = venv_python(self.venv)
        if venv_matches_pins(py, pins):
            self.log("venv %s already holds the pinned packages" % os.path.relpath(self.venv, REPO))
        else:
            if os.path.exists(self.venv):
                shutil.rmtree(self.venv)
            self.log("creating venv %s" % os.path.relpath(self.venv, REPO))
            res = subprocess.run([sys.executable, "-m", "venv", self.venv])
            pip_cmd = [py, "-m", "pip"]
            if res.returncode != 0 or not os.path.exists(py):
                # Debian-style python3 without ensurepip: a venv without pip, filled by the host's pip.
                self.log("python -m venv failed; retrying --without-pip and installing with the host's pip")
                if os.path.exists(self.venv):
                    shutil.rmtree(self.venv)
                res = subprocess.run([sys.executable, "-m", "venv", "--without-pip", self.venv])
                if res.returncode != 0:
                    self.log("cannot create a venv with %s" % sys.executable)
                    return EXIT_FAILURE
                pip_cmd = [sys.executable, "-m", "pip", "--python", py]
            self.log("installing %d pinned packages: %s" % (
                len(pins), ", ".join("%s==%s" % kv for kv in sorted(pins.items()))))
            res = subprocess.run(pip_cmd + [
                "install", "--disable-pip-version-check", "--no-input", "--no-deps",
                "--only-binary", ":all:", "--timeout", "20", "--retries", "1", "-r", self.requirements,
            ], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if res.returncode != 0 or not venv_matches_pins(py, pins):
                sys.stderr.write(res.stdout)
                shutil.rmtree(self.venv, ignore_errors=True)
                if res.returncode != 0 and registry_unreachable(res.stdout):
                    self.log("pip cannot reach the package registry")
                    return EXIT_UNREACHABLE
                self.log("pip install of the pinned packages failed (not a network error: see pip's output above)")
                return EXIT_FAILURE
        env = clean_env(os.environ, self.drop_env, self.home)
        env["CLOUDSIG_ORACLE_IN_VENV"] = "1"
        return subprocess.run([py, self.script] + argv, env=env).returncode

    def write(self, out_root, outputs, keys_txt):
        """Write {subdir: {file name: bytes}} under out_root (removing captures no longer produced) and
        keys.txt beside them."""
        for subdir, files in sorted(outputs.items()):
            out_dir = os.path.join(out_root, subdir)
            os.makedirs(out_dir, exist_ok=True)
            for name in os.listdir(out_dir):
                if (name.endswith(".http") or name.endswith(".json")) and name not in files:
                    os.remove(os.path.join(out_dir, name))
            for name, data in sorted(files.items()):
                with open(os.path.join(out_dir, name), "wb") as f:
                    f.write(data)
            self.log("wrote %d captures to %s" % (len(files) // 2, os.path.relpath(out_dir, REPO)))
        with open(os.path.join(out_root, "keys.txt"), "wb") as f:
            f.write(keys_txt.encode("ascii"))

    @staticmethod
    def compare(committed_root, fresh_root, subdirs):
        """Differences between the committed captures (and keys.txt) and a fresh run."""
        diffs = []
        for subdir in sorted(subdirs):
            a_dir, b_dir = os.path.join(committed_root, subdir), os.path.join(fresh_root, subdir)
            a = set(os.listdir(a_dir)) if os.path.isdir(a_dir) else set()
            b = set(os.listdir(b_dir))
            diffs += ["stale (no longer produced): %s/%s" % (subdir, n) for n in sorted(a - b)]
            diffs += ["missing (not committed): %s/%s" % (subdir, n) for n in sorted(b - a)]
            diffs += ["differs: %s/%s" % (subdir, n) for n in sorted(a & b)
                      if not filecmp.cmp(os.path.join(a_dir, n), os.path.join(b_dir, n), shallow=False)]
        ka, kb = os.path.join(committed_root, "keys.txt"), os.path.join(fresh_root, "keys.txt")
        if not os.path.exists(ka) or not filecmp.cmp(ka, kb, shallow=False):
            diffs.append("differs: keys.txt")
        return diffs

    def capture(self, out_root, run_cases, keys_txt):
        """Inside the venv: guard the network, start the capture server, run the harness's cases
        (`run_cases(server)` returns {subdir: {file name: bytes}}), and write what they sent."""
        guard_state = install_network_guard(self.real_host)
        server = CaptureServer(self.canned_body, guard_state)
        try:
            outputs = run_cases(server)
        finally:
            server.close()
        if guard_state["violations"]:
            raise RuntimeError("network guard violations: %s" % guard_state["violations"])
        self.write(out_root, outputs, keys_txt)
        return outputs

    def main(self, description, run_cases, keys_txt):
        """The command line of every harness: [--check] [--out DIR]."""
        ap = argparse.ArgumentParser(description=description)
        ap.add_argument("--check", action="store_true",
                        help="regenerate into a temp dir and exit 1 if the committed captures differ")
        ap.add_argument("--out", help="output root (default %s)" % os.path.relpath(self.captures_root, REPO))
        args = ap.parse_args()

        if os.environ.get("CLOUDSIG_ORACLE_IN_VENV") != "1":
            rc = self.bootstrap(sys.argv[1:])
            if rc == EXIT_UNREACHABLE and args.check:
                self.log("registries unreachable; using committed captures (%s not checked)"
                         % os.path.relpath(args.out or self.captures_root, REPO))
                return 0
            if rc == EXIT_UNREACHABLE:
                self.log("registries unreachable; cannot regenerate the captures")
            return rc

        try:
            if args.check:
                tmp = tempfile.mkdtemp(prefix="cloudsig-oracle-")
                try:
                    outputs = self.capture(tmp, run_cases, keys_txt)
                    diffs = self.compare(args.out or self.captures_root, tmp, outputs)
                    if diffs:
                        for d in diffs:
                            self.log(d)
                        self.log("the SDKs' requests differ from the committed captures: rerun "
                                 "vectors/oracle/run.sh and review the diff")
                        return EXIT_DIFFERS
                    self.log("committed captures match the SDKs")
                    return 0
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
            self.capture(args.out or self.captures_root, run_cases, keys_txt)
            return 0
        except Exception:
            import traceback
            traceback.print_exc()
            self.log("FAILED")
            return EXIT_FAILURE
