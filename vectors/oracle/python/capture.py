#!/usr/bin/env python3
"""The official Tencent Cloud Python SDK as an oracle: raw captures of the requests it sends.

Bootstrap (any python3 >= 3.8 with pip; 3.11 is the reference):
    creates vectors/oracle/.venv (gitignored) and installs the pinned packages of requirements.txt beside this
    file (tencentcloud-sdk-python-common and the exact requests/urllib3 stack), then runs itself again inside
    that venv.

Capture (inside the venv):
    starts a capture server on 127.0.0.1 (ephemeral port) and makes the SDK's CommonClient call it as its HTTP
    proxy, with protocol "http" and the real endpoint cvm.tencentcloudapi.com, so the SDK signs the real Host
    and the request line is absolute-form (`POST http://cvm.tencentcloudapi.com/ HTTP/1.1`). The server records
    the raw bytes of each request and answers {"Response": {"RequestId": "00000000-..."}}.

    Nothing can leave the machine: socket.getaddrinfo and socket.socket.connect are wrapped so that any name
    but 127.0.0.1 and any address but the capture server's raises at once, every connection is checked after
    each case, proxy variables are removed from the environment, and a request that did not reach the capture
    server (or a response that is not the canned one) fails the run.

    Determinism: inside tencentcloud.common.abstract_client only, `time`, `random` and `uuid` are replaced by
    fixed stand-ins (time.time() -> 1551113065, random.randint(1, sys.maxsize) -> the case's nonce,
    uuid.uuid4() -> UUIDs derived from the case name: first the X-TC-TraceId, then the multipart boundary).

Output (per case, in vectors/captures/sdk/python/ or --out DIR):
    <case>.http   the request bytes exactly as received (request line, headers as sent, CRLF, body)
    <case>.json   what the SDK was asked to do (schema cloudsig-sdk-capture/1)
and ../keys.txt (vectors/captures/sdk/keys.txt): the two fictitious credentials, for `cloudsig verify`.

Usage:
    python3 vectors/oracle/python/capture.py            # regenerate vectors/captures/sdk/python/
    python3 vectors/oracle/python/capture.py --check    # regenerate into a temp dir, exit 1 if anything differs
    python3 vectors/oracle/python/capture.py --out DIR  # write DIR/python/*.http|json and DIR/keys.txt

Exit status: 0 done (or, with --check, the registry unreachable: committed captures kept), 1 captures differ
(--check), 2 any other failure, 3 the packages could not be installed (registry unreachable, without --check).
"""

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_DIR = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE_DIR))
VENV = os.path.join(ORACLE_DIR, ".venv")
REQUIREMENTS = os.path.join(HERE, "requirements.txt")
CAPTURES_ROOT = os.path.join(REPO, "vectors", "captures", "sdk")
SUBDIR = "python"

EXIT_DIFFERS = 1
EXIT_FAILURE = 2
EXIT_UNREACHABLE = 3

SCHEMA = "cloudsig-sdk-capture/1"
SDK_NAME = "tencentcloud-sdk-python-common"
SERVICE = "cvm"
HOST = "cvm.tencentcloudapi.com"
REGION = "ap-guangzhou"
VERSION = "2017-03-12"
TIMESTAMP = 1551113065
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
CANNED_BODY = json.dumps({"Response": {"RequestId": REQUEST_ID}}).encode("ascii")

SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TEMP_ID = "AKIDtemporaryEXAMPLE0000000000000000"
TEMP_KEY = "TempKeyEXAMPLE00000000000000000000"
TEMP_TOKEN = "tokenEXAMPLE123"

KEYS_TXT = (
    "# Fictitious credentials used by the SDK captures in this directory (vectors/oracle/): documentation\n"
    "# examples, not real keys. Format: SecretId SecretKey [Token]\n"
    "%s %s\n%s %s %s\n" % (SECRET_ID, SECRET_KEY, TEMP_ID, TEMP_KEY, TEMP_TOKEN)
)


def log(msg):
    sys.stderr.write("capture.py: %s\n" % msg)
    sys.stderr.flush()


# ---------------------------------------------------------------------------
# Bootstrap: venv + pinned install, then re-exec inside the venv
# ---------------------------------------------------------------------------

def read_pins():
    pins = {}
    with open(REQUIREMENTS) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, version = line.partition("==")
                pins[name.strip().lower()] = version.strip()
    return pins


def venv_python():
    if os.name == "nt":
        return os.path.join(VENV, "Scripts", "python.exe")
    return os.path.join(VENV, "bin", "python")


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


def bootstrap(argv, check):
    pins = read_pins()
    py = venv_python()
    if venv_matches_pins(py, pins):
        log("venv %s already holds the pinned packages" % os.path.relpath(VENV, REPO))
    else:
        if os.path.exists(VENV):
            shutil.rmtree(VENV)
        log("creating venv %s" % os.path.relpath(VENV, REPO))
        res = subprocess.run([sys.executable, "-m", "venv", VENV])
        pip_cmd = [py, "-m", "pip"]
        if res.returncode != 0 or not os.path.exists(py):
            # Debian-style python3 without ensurepip: a venv without pip, filled by the host's pip.
            log("python -m venv failed; retrying --without-pip and installing with the host's pip")
            if os.path.exists(VENV):
                shutil.rmtree(VENV)
            res = subprocess.run([sys.executable, "-m", "venv", "--without-pip", VENV])
            if res.returncode != 0:
                log("cannot create a venv with %s" % sys.executable)
                return EXIT_FAILURE
            pip_cmd = [sys.executable, "-m", "pip", "--python", py]
        log("installing pinned packages: %s" % ", ".join("%s==%s" % kv for kv in sorted(pins.items())))
        res = subprocess.run(pip_cmd + [
            "install", "--disable-pip-version-check", "--no-input", "--no-deps",
            "--only-binary", ":all:", "--timeout", "20", "--retries", "1", "-r", REQUIREMENTS,
        ], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if res.returncode != 0 or not venv_matches_pins(py, pins):
            sys.stderr.write(res.stdout)
            shutil.rmtree(VENV, ignore_errors=True)
            if res.returncode != 0 and registry_unreachable(res.stdout):
                log("pip cannot reach the package registry")
                return EXIT_UNREACHABLE
            log("pip install of the pinned packages failed (not a network error: see pip's output above)")
            return EXIT_FAILURE
    env = clean_env(os.environ)
    env["CLOUDSIG_ORACLE_IN_VENV"] = "1"
    return subprocess.run([py, os.path.abspath(__file__)] + argv, env=env).returncode


# pip's words for a registry it cannot reach (connection refused, DNS failure, timeout, proxy or TLS failure).
NETWORK_ERRORS = (
    "NewConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "Max retries exceeded", "ProxyError",
    "Connection refused", "Name or service not known", "Temporary failure in name resolution",
    "Network is unreachable", "No route to host", "Connection reset", "Failed to establish a new connection",
    "SSLError", "ConnectionError", "timed out",
)


def registry_unreachable(pip_output):
    return any(word in pip_output for word in NETWORK_ERRORS)


def clean_env(environ):
    """The environment for the SDK: no proxy settings, no netrc, no user site packages."""
    env = {k: v for k, v in environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "curl_ca_bundle",
                                "requests_ca_bundle", "pythonpath", "pythonhome", "pythonstartup")}
    env["NETRC"] = os.devnull
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


# ---------------------------------------------------------------------------
# Network guard: only 127.0.0.1, only the capture server
# ---------------------------------------------------------------------------

class NetworkGuardError(RuntimeError):
    pass


def install_network_guard(state):
    import socket

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


# ---------------------------------------------------------------------------
# Capture server: raw bytes in, canned JSON out
# ---------------------------------------------------------------------------

class CaptureServer(object):
    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
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
                     b"Connection: close\r\n\r\n%s" % (len(CANNED_BODY), CANNED_BODY))

    def take(self):
        with self.lock:
            out, self.captured = self.captured, []
            errors, self.errors = self.errors, []
        return out, errors

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.sock.close()


# ---------------------------------------------------------------------------
# Deterministic stand-ins for time, random and uuid inside the SDK module
# ---------------------------------------------------------------------------

def case_uuid(case, n):
    import uuid
    digest = hashlib.sha256(("cloudsig-oracle/python/%s/%d" % (case, n)).encode()).digest()
    return uuid.UUID(bytes=digest[:16], version=4)


def case_nonce(case):
    """A nonce the way the SDK draws it (random.randint(1, sys.maxsize)), fixed per case."""
    digest = hashlib.sha256(("cloudsig-oracle/python/nonce/%s" % case).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 9223372036854775807 + 1


class Determinism(object):
    def __init__(self):
        self.case = None
        self.uuids = []
        self.nonces = []
        self.times = 0

    def start(self, case):
        self.case = case
        self.uuids = []
        self.nonces = []
        self.times = 0

    def install(self, module):
        det = self

        class FixedTime(object):
            @staticmethod
            def time():
                det.times += 1
                return float(TIMESTAMP)

        class FixedRandom(object):
            @staticmethod
            def randint(a, b):
                if (a, b) != (1, sys.maxsize):
                    raise AssertionError("unexpected random.randint(%r, %r) in the SDK" % (a, b))
                n = case_nonce(det.case)
                det.nonces.append(n)
                return n

        class FixedUUID(object):
            @staticmethod
            def uuid4():
                u = case_uuid(det.case, len(det.uuids))
                det.uuids.append(u)
                return u

        # Only names the SDK module uses are provided, so any other use fails loudly.
        module.time = FixedTime
        module.random = FixedRandom
        module.uuid = FixedUUID


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

# Every special character the brief asks for, plus '%' and '"', in one value.
SPECIAL = "a b+c~d*e'f/g=h&i%j\"k"
UNNAMED = "\u672a\u547d\u540d"  # 未命名
ASTRAL = "caf\u00e9 \U0001F600"  # 2-byte and 4-byte UTF-8 (a UTF-16 surrogate pair in JSON escapes)

TC3_POST_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]},
    ],
    "InstanceIds": ["ins-09dx96dg", "ins-0ymqd9ho"],
    "Offset": 0,
    "Limit": 20,
    "DryRun": True,
    "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
}

TC3_GET_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "tag:env", "Values": ["prod/blue"]},
    ],
    "InstanceIds": ["ins-09dx96dg"],
    "Limit": 20,
    "DryRun": False,
    "Placement": {"Zone": "ap-guangzhou-3"},
}

V1_PARAMS = {
    "Filters": [
        {"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]},
        {"Name": "zone", "Values": ["ap-guangzhou-3"]},
    ],
    "InstanceIds": ["ins-09dx96dg", "ins-0ymqd9ho"],
    "Limit": 20,
    "DryRun": True,
    "Zone_Id": "ap-guangzhou-3",  # `_` in a name: signed as `Zone.Id`, sent as `Zone_Id`
    "ZoneIds": ["ap-guangzhou-3"],  # `ZoneIds.0` sorts after `Zone_Id` but before `Zone.Id`
    "Description": "",  # empty string: sent and signed
    "Marker": None,  # None: dropped
    "Tags": [],  # empty list: dropped
}

MULTIPART_PARAMS = {
    "Name": UNNAMED + " " + SPECIAL,
    "Filters": [{"Name": "instance-name", "Values": [UNNAMED, SPECIAL, ASTRAL]}],
    "Meta": {"Kind": "text", "Ok": True},
    "File": "hello, multipart\r\n\u672a\u547d\u540d\n",  # sent as bytes (BinaryParams)
}

OCTET_BODY = b"\x00\x01binary body\r\n\xff\xfe" + UNNAMED.encode("utf-8")


def case_list():
    """(case, description, settings). settings: cred (main|temp), sign, method, params, and options."""
    main, temp = "main", "temp"
    cases = []

    def add(case, description, **s):
        s.setdefault("cred", main)
        s.setdefault("sign", "TC3-HMAC-SHA256")
        s.setdefault("method", "POST")
        s.setdefault("language", "zh-CN")
        s.setdefault("region", REGION)
        s.setdefault("endpoint", HOST)
        s.setdefault("action", "DescribeInstances")
        cases.append((case, description, s))

    # --- TC3 ---------------------------------------------------------------------------------------------
    add("tc3-post-json", "TC3 POST application/json (the SDK default): nested arrays and objects, a boolean, "
        "non-ASCII text and special characters in json.dumps output with default separators.",
        params=TC3_POST_PARAMS)
    add("tc3-post-json-token", "TC3 POST JSON with temporary credentials: the token is sent in X-TC-Token "
        "(unsigned header).", cred=temp, params=TC3_POST_PARAMS)
    add("tc3-post-json-en-us", "TC3 POST JSON with language en-US and a custom request_client, which the SDK "
        "appends to X-TC-RequestClient after '; '.", params={"Limit": 1, "Offset": 0}, language="en-US",
        request_client="cloudsig-oracle")
    add("tc3-post-json-empty", "TC3 POST JSON with no parameters: the body is '{}'.", params={})
    add("tc3-post-json-no-region", "TC3 POST JSON with an empty region: the SDK omits X-TC-Region.",
        params={"Limit": 1}, region="")
    add("tc3-post-json-unsigned-payload", "TC3 POST JSON with profile.unsignedPayload: header "
        "X-TC-Content-SHA256: UNSIGNED-PAYLOAD, the hashed payload is sha256('UNSIGNED-PAYLOAD').",
        params=TC3_POST_PARAMS, unsigned_payload=True)
    add("tc3-post-json-keepalive", "TC3 POST JSON with httpProfile.keepAlive: the SDK sets "
        "'Connection: Keep-Alive', replacing requests' 'keep-alive'.", params={"Limit": 1}, keep_alive=True)
    add("tc3-post-json-traceid", "TC3 POST JSON with a caller-supplied X-TC-TraceId header (the SDK then "
        "draws no uuid) and an extra custom header, both unsigned.", params={"Limit": 1},
        headers={"X-TC-TraceId": "cloudsig-trace-0001", "X-Custom": "Value With Caps"})
    add("tc3-post-json-lowercase-action", "TC3 POST JSON called with action 'describeInstances': the SDK "
        "upper-cases the first letter for X-TC-Action.", params={"Limit": 1}, action="describeInstances")
    add("tc3-post-json-endpoint-port", "TC3 POST JSON with endpoint 'cvm.tencentcloudapi.com:8080': the SDK "
        "signs and sends the Host with its port; the credential scope service is still 'cvm'.",
        params={"Limit": 1}, endpoint=HOST + ":8080")
    add("tc3-get-query", "TC3 GET: parameters flattened (Filters.0.Values.1) and urlencode()d in insertion "
        "order (space as '+'), booleans as 'False', Content-Type application/x-www-form-urlencoded on a "
        "bodiless GET; the canonical query is the query as sent, the payload is empty.",
        method="GET", params=TC3_GET_PARAMS)
    add("tc3-get-token", "TC3 GET with temporary credentials (X-TC-Token).", method="GET", cred=temp,
        params=TC3_GET_PARAMS)
    add("tc3-get-unsigned-payload", "TC3 GET with profile.unsignedPayload: X-TC-Content-SHA256: "
        "UNSIGNED-PAYLOAD on a GET, so the payload hash is sha256('UNSIGNED-PAYLOAD') instead of sha256('').",
        method="GET", params=TC3_GET_PARAMS, unsigned_payload=True)
    add("tc3-get-empty", "TC3 GET with no parameters: the URL ends in '?' with an empty query.",
        method="GET", params={})
    add("tc3-multipart", "TC3 POST multipart/form-data (options IsMultipart, BinaryParams=['File']): "
        "boundary uuid4().hex, lists and objects as JSON parts with their own Content-Type, 'File' as raw "
        "bytes with a filename.", params=MULTIPART_PARAMS, multipart=True, binary_params=["File"])
    add("tc3-multipart-from-hmacsha256", "signMethod HmacSHA256 with IsMultipart: the SDK switches to TC3 "
        "(multipart cannot be v1-signed).", sign="HmacSHA256", params=MULTIPART_PARAMS, multipart=True,
        binary_params=["File"])
    add("tc3-multipart-token-unsigned-payload", "TC3 multipart with temporary credentials and "
        "unsignedPayload.", cred=temp, params=MULTIPART_PARAMS, multipart=True, binary_params=["File"],
        unsigned_payload=True)
    add("tc3-octet-stream", "TC3 POST application/octet-stream via call_octet_stream: the body is the bytes "
        "given, caller headers are sent unsigned, no X-TC-TraceId.", api="call_octet_stream",
        action="UploadBlob", params=None, body=OCTET_BODY, headers={"X-TC-Payload-Name": "blob.bin"})
    # --- skip-sign -----------------------------------------------------------------------------------------
    add("skip-post-json", "options SkipSign with permanent credentials: Authorization: SKIP, TC3-style "
        "headers, nothing signed.", params=TC3_POST_PARAMS, skip_sign=True)
    add("skip-post-json-token", "options SkipSign with temporary credentials: the SDK drops X-TC-Token.",
        cred=temp, params=TC3_POST_PARAMS, skip_sign=True)
    add("skip-get-from-hmacsha1", "options SkipSign with signMethod HmacSHA1 and GET: skip-sign wins, the "
        "request is TC3-shaped (X-TC-* headers, urlencoded query) with Authorization: SKIP.",
        sign="HmacSHA1", method="GET", params=TC3_GET_PARAMS, skip_sign=True)
    # --- v1 ----------------------------------------------------------------------------------------------
    for sign in ("HmacSHA1", "HmacSHA256"):
        short = "sha1" if sign == "HmacSHA1" else "sha256"
        for method in ("GET", "POST"):
            for cred in (main, temp):
                case = "v1-%s-%s%s" % (short, method.lower(), "-token" if cred == temp else "")
                where = "query" if method == "GET" else "application/x-www-form-urlencoded body"
                add(case, "v1 %s %s%s: parameters (flattened, booleans 'True', `_` name, empty string kept, "
                    "None and [] dropped, SDK-added Nonce/Timestamp/RequestClient/Language/SignatureMethod) "
                    "urlencode()d in the %s; string to sign with raw values, `_` read as `.`." % (
                        sign, method, " with temporary credentials (Token parameter)" if cred == temp else "",
                        where),
                    sign=sign, method=method, cred=cred, params=V1_PARAMS)
    add("v1-sha1-post-underscore-nested", "v1 HmacSHA1 POST with `_` in nested names and in values: "
        "'Filter_Set.0.Tag_Key' is signed as 'Filter.Set.0.Tag.Key'; values (and RequestClient "
        "'SDK_PYTHON_...') keep their `_`.", sign="HmacSHA1",
        params={"Filter_Set": [{"Tag_Key": "a_b", "Values": ["x_y", False]}], "A_B": "1", "AB": "2"})
    add("v1-sha256-get-endpoint-port", "v1 HmacSHA256 GET with endpoint 'cvm.tencentcloudapi.com:8080': the "
        "string to sign starts 'GETcvm.tencentcloudapi.com:8080/?'.", sign="HmacSHA256", method="GET",
        params={"Limit": 1}, endpoint=HOST + ":8080")
    add("v1-sha256-post-en-us-request-client", "v1 HmacSHA256 POST with language en-US and a custom "
        "request_client: RequestClient 'SDK_PYTHON_3.x; cloudsig-oracle' holds a space and a ';'.",
        sign="HmacSHA256", params={"Limit": 1, "Name": SPECIAL}, language="en-US",
        request_client="cloudsig-oracle")
    return cases


def json_params(params):
    """The parameters as given to the SDK, in JSON (the File part of multipart is given as UTF-8 bytes)."""
    return params


def run_case(case, description, s, det, server, guard_state):
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    det.start(case)
    if s["cred"] == "main":
        cred_info = {"secret_id": SECRET_ID, "secret_key": SECRET_KEY, "token": None}
        cred = credential.Credential(SECRET_ID, SECRET_KEY)
    else:
        cred_info = {"secret_id": TEMP_ID, "secret_key": TEMP_KEY, "token": TEMP_TOKEN}
        cred = credential.Credential(TEMP_ID, TEMP_KEY, TEMP_TOKEN)

    proxy = "http://127.0.0.1:%d" % server.port
    http_profile = HttpProfile(protocol="http", endpoint=s["endpoint"], reqMethod=s["method"], reqTimeout=10,
                               keepAlive=bool(s.get("keep_alive")), proxy=proxy)
    profile = ClientProfile(signMethod=s["sign"], httpProfile=http_profile, language=s["language"],
                            request_client=s.get("request_client"))
    if s.get("unsigned_payload"):
        profile.unsignedPayload = True
    client = CommonClient(SERVICE, VERSION, cred, s["region"], profile=profile)
    action = s["action"]

    sdk_options = {}
    if s.get("skip_sign"):
        sdk_options["SkipSign"] = True
    if s.get("multipart"):
        sdk_options["IsMultipart"] = True
        sdk_options["BinaryParams"] = list(s["binary_params"])

    params = s["params"]
    headers = dict(s["headers"]) if s.get("headers") else None
    guard_state["connects"] = []
    api = s.get("api", "call_json")
    if api == "call_octet_stream":
        result = client.call_octet_stream(action, dict(s.get("headers") or {}), s["body"],
                                          options=sdk_options or None)
    else:
        sdk_params = params
        if s.get("multipart"):
            sdk_params = dict(params)
            for k in s["binary_params"]:
                sdk_params[k] = params[k].encode("utf-8")
        result = client.call_json(action, sdk_params, headers=headers, options=sdk_options or None)

    # Only the capture server was reached, and the answer is the canned one.
    captured, errors = server.take()
    if errors:
        raise RuntimeError("%s: capture server errors: %s" % (case, errors))
    if len(captured) != 1:
        raise RuntimeError("%s: expected exactly one request at the capture server, got %d"
                           % (case, len(captured)))
    if not guard_state["connects"] or any(a != ("127.0.0.1", server.port) for a in guard_state["connects"]):
        raise RuntimeError("%s: connections other than to the capture server: %r" % (case, guard_state["connects"]))
    if result.get("Response", {}).get("RequestId") != REQUEST_ID:
        raise RuntimeError("%s: the SDK did not return the capture server's canned response: %r" % (case, result))
    peer, raw = captured[0]
    expected_line = ("%s http://%s/" % (s["method"], s["endpoint"])).encode()
    if not raw.startswith(expected_line):
        raise RuntimeError("%s: unexpected request line %r" % (case, raw.split(b"\r\n", 1)[0]))
    if det.times == 0:
        raise RuntimeError("%s: the SDK did not read the patched clock" % case)

    trace_id = None
    for line in raw.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"x-tc-traceid":
            trace_id = value.strip().decode()
    boundary = None
    if s.get("multipart"):
        if len(det.uuids) < 1:
            raise RuntimeError("%s: multipart without a uuid4() boundary" % case)
        boundary = det.uuids[-1].hex
        if b"boundary=" + boundary.encode() not in raw:
            raise RuntimeError("%s: boundary %s not in the request" % (case, boundary))
    if trace_id is not None and headers is None and trace_id != str(det.uuids[0]):
        raise RuntimeError("%s: X-TC-TraceId %s is not the patched uuid4()" % (case, trace_id))

    if s.get("skip_sign"):
        scheme = "SKIP"
    elif s["sign"] == "TC3-HMAC-SHA256" or s.get("multipart") or api == "call_octet_stream":
        scheme = "TC3-HMAC-SHA256"
    else:
        scheme = s["sign"]
    nonce = det.nonces[0] if det.nonces else None
    if scheme in ("HmacSHA1", "HmacSHA256") and nonce is None:
        raise RuntimeError("%s: v1 request without a nonce" % case)

    options = {
        "api": api,
        "sign_method": s["sign"],
        "language": s["language"],
    }
    for key in ("unsigned_payload", "skip_sign", "multipart", "binary_params", "keep_alive", "request_client"):
        if s.get(key):
            options[key] = s[key]
    if s.get("headers"):
        options["headers"] = s["headers"]
    if s.get("multipart"):
        options["binary_params_encoding"] = "utf-8 (the SDK is given these values as bytes)"
    if api == "call_octet_stream":
        options["octet_stream"] = True
        options["body_hex"] = s["body"].hex()
    meta = {
        "schema": SCHEMA,
        "sdk": {"name": SDK_NAME, "version": SDK_VERSION},
        "case": case,
        "description": description,
        "scheme": scheme,
        "credentials": cred_info,
        "timestamp": TIMESTAMP,
        "nonce": nonce,
        "service": SERVICE,
        "host": s["endpoint"],
        "region": s["region"],
        "action": action,
        "version": VERSION,
        "method": s["method"],
        "params": json_params(params),
        "options": options,
        "trace_id": trace_id,
        "boundary": boundary,
    }
    return raw, meta


def dump_json(obj):
    return (json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")


def capture_all(out_root):
    """Inside the venv: run every case, write out_root/python/* and out_root/keys.txt."""
    global SDK_VERSION
    guard_state = {"violations": [], "connects": [], "allowed_port": None}
    install_network_guard(guard_state)
    # Self-test: the guard must refuse the real host before anything else runs.
    import socket
    try:
        socket.getaddrinfo(HOST, 80)
    except NetworkGuardError:
        pass
    else:
        raise RuntimeError("network guard inactive: %s was resolved" % HOST)
    try:
        with socket.socket() as probe:
            probe.connect(("127.0.0.2", 9))
    except NetworkGuardError:
        pass
    else:
        raise RuntimeError("network guard inactive: connect to 127.0.0.2 allowed")
    guard_state["violations"] = []

    import tencentcloud
    import tencentcloud.common.abstract_client as abstract_client
    from importlib.metadata import version
    SDK_VERSION = version(SDK_NAME)
    if tencentcloud.__version__ != SDK_VERSION:
        raise RuntimeError("tencentcloud.__version__ %s != installed %s" % (tencentcloud.__version__, SDK_VERSION))
    det = Determinism()
    det.install(abstract_client)

    server = CaptureServer()
    guard_state["allowed_port"] = server.port
    files = {}
    try:
        for case, description, s in case_list():
            raw, meta = run_case(case, description, s, det, server, guard_state)
            files[case + ".http"] = raw
            files[case + ".json"] = dump_json(meta)
    finally:
        server.close()
    if guard_state["violations"]:
        raise RuntimeError("network guard violations: %s" % guard_state["violations"])

    out_dir = os.path.join(out_root, SUBDIR)
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if (name.endswith(".http") or name.endswith(".json")) and name not in files:
            os.remove(os.path.join(out_dir, name))
    for name, data in sorted(files.items()):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    with open(os.path.join(out_root, "keys.txt"), "wb") as f:
        f.write(KEYS_TXT.encode("ascii"))
    log("wrote %d captures (%d files) with %s %s to %s" % (
        len(files) // 2, len(files), SDK_NAME, SDK_VERSION, os.path.relpath(out_dir, REPO)))


SDK_VERSION = None


def compare(committed_root, fresh_root):
    """Differences between the committed python captures (+ keys.txt) and a fresh run."""
    diffs = []
    a_dir, b_dir = os.path.join(committed_root, SUBDIR), os.path.join(fresh_root, SUBDIR)
    a = set(os.listdir(a_dir)) if os.path.isdir(a_dir) else set()
    b = set(os.listdir(b_dir))
    for name in sorted(a - b):
        diffs.append("stale (no longer produced): %s/%s" % (SUBDIR, name))
    for name in sorted(b - a):
        diffs.append("missing (not committed): %s/%s" % (SUBDIR, name))
    for name in sorted(a & b):
        if not filecmp.cmp(os.path.join(a_dir, name), os.path.join(b_dir, name), shallow=False):
            diffs.append("differs: %s/%s" % (SUBDIR, name))
    ka, kb = os.path.join(committed_root, "keys.txt"), os.path.join(fresh_root, "keys.txt")
    if not os.path.exists(ka) or not filecmp.cmp(ka, kb, shallow=False):
        diffs.append("differs: keys.txt")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temp dir and exit 1 if the committed captures differ")
    ap.add_argument("--out", help="output root (default vectors/captures/sdk); captures go to OUT/python")
    args = ap.parse_args()

    if os.environ.get("CLOUDSIG_ORACLE_IN_VENV") != "1":
        argv = sys.argv[1:]
        rc = bootstrap(argv, args.check)
        if rc == EXIT_UNREACHABLE and args.check:
            log("registries unreachable; using committed captures (vectors/captures/sdk/python not checked)")
            return 0
        if rc == EXIT_UNREACHABLE:
            log("registries unreachable; cannot regenerate the captures")
        return rc

    try:
        if args.check:
            tmp = tempfile.mkdtemp(prefix="cloudsig-oracle-python-")
            try:
                capture_all(tmp)
                diffs = compare(args.out or CAPTURES_ROOT, tmp)
                if diffs:
                    for d in diffs:
                        log(d)
                    log("the SDK's requests differ from the committed captures: rerun vectors/oracle/run.sh "
                        "and review the diff")
                    return EXIT_DIFFERS
                log("committed captures match the SDK (%s %s)" % (SDK_NAME, SDK_VERSION))
                return 0
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        capture_all(args.out or CAPTURES_ROOT)
        return 0
    except Exception:
        import traceback
        traceback.print_exc()
        log("FAILED")
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
