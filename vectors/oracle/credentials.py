#!/usr/bin/env python3
"""The official SDKs' default credential providers as the oracle for cloudsig-credentials.

For every case of vectors/credentials/cases.json (variables, files, a fresh HOME), runs the default provider chain
of the cloud's official Python SDK, in the pinned oracle venv the capture harnesses use, and records what it picked
in vectors/credentials/sdk-results.json:

  tencent  tencentcloud-sdk-python-common  tencentcloud.common.credential.DefaultCredentialProvider().get_credentials()
  alibaba  alibabacloud-credentials        alibabacloud_credentials.provider.default.DefaultCredentialsProvider()
  huawei   huaweicloudsdkcore              huaweicloudsdkcore.auth.provider.CredentialProviderChain.get_basic()

crates/cloudsig-credentials/tests/sdk_oracle.rs runs cloudsig's chains on the same cases and asserts they pick the
same credentials. An outcome is one of
  {"outcome": "credentials", "id": ..., "token": ... or null, "secret_sha256": ...}   (the secret never written)
  {"outcome": "none"}            the chain found nothing (its "no credentials" error)
  {"outcome": "error"}           the chain stopped with an error (a file configparser refuses, a blank SecretId)
  {"outcome": "needs-network"}   the chain chose a provider that fetches (Huawei federated or OIDC tokens): its
                                 credentials are not known without a service; cloudsig reports "unsupported"
An empty token counts as none (the SDKs send no token header for it).

Each case runs in its own process (a fork made before any SDK module is imported: alibabacloud-credentials reads
the variables when imported) with only the case's variables, HOME set to the case's directory, and a network guard: nothing but 127.0.0.1 resolves and no
connection is allowed, as on a machine without a metadata service (connection refused). The one stand-in: the
Tencent SDK's hard-coded /etc/tencentcloud/credentials is redirected to the case's ROOT/etc/tencentcloud/credentials.

Usage: python3 vectors/oracle/credentials.py [--check]
Exit 0 done / results match (or, with --check, a registry unreachable: said so, that cloud skipped); 1 the
committed results differ (--check); 2 a failure; 3 a registry unreachable without --check.
"""
import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

CASES = os.path.join(harness.REPO, "vectors", "credentials", "cases.json")
FETCH_CASES = os.path.join(harness.REPO, "vectors", "credentials", "fetch-cases.json")
# The metadata-token headers recorded with each request the mock metadata service receives.
TOKEN_HEADERS = ("x-aliyun-ecs-metadata-token", "x-aliyun-ecs-metadata-token-ttl-seconds", "x-metadata-token",
                 "x-metadata-token-ttl-seconds")
RESULTS = os.path.join(harness.REPO, "vectors", "credentials", "sdk-results.json")

CLOUDS = {
    "tencent": (".venv", "python/requirements.txt", "tencentcloud-sdk-python-common"),
    "alibaba": (".venv-alibaba", "alibaba/requirements.txt", "alibabacloud-credentials"),
    "huawei": (".venv-huawei", "huawei/requirements.txt", "huaweicloudsdkcore"),
}


def load_cases():
    cases = []
    for path in (CASES, FETCH_CASES):
        with open(path) as f:
            cases += json.load(f)["cases"]
    return cases


def case_named(name):
    return next(c for c in load_cases() if c["name"] == name)


def make_root(case):
    """A fresh directory holding the case's files; returns (root, environment)."""
    root = tempfile.mkdtemp(prefix="cloudsig-cred-oracle-")
    os.makedirs(os.path.join(root, "home"))
    os.makedirs(os.path.join(root, "etc"))
    for rel, text in case["files"].items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.path.join(root, "home"),
           "PYTHONNOUSERSITE": "1", "PYTHONHASHSEED": "0", "NETRC": os.devnull, "LANG": "C.UTF-8"}
    for k, v in case["env"].items():
        env[k] = v.replace("{root}", root)
    return root, env


# ---------------------------------------------------------------------------
# Inside the case's own interpreter
# ---------------------------------------------------------------------------

def guard_network(allowed_port=None):
    """Nothing resolves but 127.0.0.1 (a DNS failure), no connection succeeds (refused) but to the mock metadata
    service on 127.0.0.1:allowed_port."""
    import socket
    real_gai = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def gai(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h != "127.0.0.1":
            raise socket.gaierror(socket.EAI_NONAME, "network guard: %s is not resolved" % h)
        return real_gai(host, *args, **kwargs)

    def allowed(address):
        return allowed_port is not None and tuple(address[:2]) == ("127.0.0.1", allowed_port)

    def connect(self, address):
        if not allowed(address):
            raise ConnectionRefusedError(111, "network guard: connection to %r refused" % (address,))
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(address):
            raise ConnectionRefusedError(111, "network guard: connection to %r refused" % (address,))
        return real_connect_ex(self, address)

    socket.getaddrinfo = gai
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex


# Parameters of an STS AssumeRole call that change with every call (left out of the record).
STS_VOLATILE = ("Signature", "SignatureNonce", "Timestamp")


def rpc_signature(params, secret):
    """Alibaba Cloud's RPC signature (HMAC-SHA1, V1.0), computed here from the documented rule, not by the SDK:
    parameters but Signature sorted by name, each name and value RFC 3986-encoded, joined with & and =; the string
    to sign GET&%2F&<that, encoded again>; the key the secret and &; base64."""
    import base64
    import hmac
    from urllib.parse import quote

    def enc(text):
        return quote(text, safe="~")
    canonical = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(params.items()) if k != "Signature")
    string_to_sign = "GET&%2F&" + enc(canonical)
    digest = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sts_record(params, valid):
    """What the results keep of an AssumeRole call: the parameters but the volatile ones (the SDK's default session
    name without its time), and whether the signature verified."""
    kept = []
    for k, v in sorted(params.items()):
        if k in STS_VOLATILE:
            continue
        if k == "RoleSessionName" and v.startswith("credentials-python-") and v[len("credentials-python-"):].isdigit():
            v = "credentials-python-<time>"
        kept.append("%s=%s" % (k, v))
    kept.append("signature valid" if valid else "signature invalid")
    return kept


def sts_answer(sts, params):
    """The mock STS: 400 SignatureDoesNotMatch unless the AccessKeyId is one of the case's keys and the signature is
    that key's (`keys`: id -> "secret [token]"); else the case's answer for the RoleArn (404 without one)."""
    keys = (sts or {}).get("keys", {})
    key = keys.get(params.get("AccessKeyId", ""))
    valid = key is not None and params.get("Signature") == rpc_signature(params, key.split(" ")[0])
    if not valid:
        return valid, 400, '{"Code": "SignatureDoesNotMatch", "RequestId": "r"}'
    answer = (sts or {}).get("answers", {}).get(params.get("RoleArn", ""))
    if answer is None:
        return valid, 404, ""
    return valid, answer["status"], answer["body"]


def start_metadata(routes, sts=None):
    """A mock metadata service on 127.0.0.1: the case's answers by (method, path), 404 otherwise; a request to `/?`
    goes to the mock STS (sts_answer). Returns (port, the list of requests it receives as [method, path, [token
    headers]], for STS [method, "/?AssumeRole", sts_record])."""
    import http.server
    import threading
    from urllib.parse import parse_qsl, urlsplit
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if self.path.startswith("/?"):
                params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
                valid, status, body = sts_answer(sts, params)
                seen.append([self.command, "/?" + params.get("Action", ""), sts_record(params, valid)])
            else:
                headers = sorted("%s: %s" % (k.lower(), v) for k, v in self.headers.items()
                                 if k.lower() in TOKEN_HEADERS)
                seen.append([self.command, self.path, headers])
                route = next((r for r in routes if r["method"] == self.command and r["path"] == self.path), None)
                status, body = (route["status"], route["body"]) if route else (404, "")
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1], seen


def credentials(cid, secret, token):
    return {"outcome": "credentials", "id": cid, "token": token or None,
            "secret_sha256": hashlib.sha256(secret.encode("utf-8")).hexdigest()}


def run_tencent(root):
    import configparser
    etc = "/etc/tencentcloud/credentials"
    moved = os.path.join(root, "etc", "tencentcloud", "credentials")
    real_exists, real_read = os.path.exists, configparser.ConfigParser.read
    os.path.exists = lambda p: real_exists(moved if p == etc else p)
    configparser.ConfigParser.read = lambda self, f, *a, **k: real_read(self, moved if f == etc else f, *a, **k)
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    try:
        cred = credential.DefaultCredentialProvider().get_credentials()
    except EnvironmentError as e:
        # The chain's last provider (TKE OIDC) raises this when its variables are absent: nothing found.
        if "TKE_" in str(e):
            return {"outcome": "none"}
        return {"outcome": "error", "why": type(e).__name__}
    except (configparser.Error, TencentCloudSDKException, AttributeError) as e:
        # AttributeError: ProfileCredential, given a file without [default] (or one configparser cannot open),
        # reads attributes it never set; the exception ends the chain.
        return {"outcome": "error", "why": type(e).__name__}
    sid, key, token = cred.get_credential_info()
    return credentials(sid, key, token)


def run_alibaba(root):
    from alibabacloud_credentials.provider.default import DefaultCredentialsProvider
    from alibabacloud_credentials.exceptions import CredentialException
    try:
        c = DefaultCredentialsProvider().get_credentials()
    except CredentialException as e:
        if "unable to load credentials from any of the providers" in str(e):
            return {"outcome": "none"}
        raise
    return credentials(c.get_access_key_id(), c.get_access_key_secret(), c.get_security_token())


def run_huawei(root):
    import configparser
    import requests
    from huaweicloudsdkcore.auth.provider import CredentialProviderChain
    from huaweicloudsdkcore.exceptions.exceptions import ApiValueError
    try:
        c = CredentialProviderChain.get_basic_credential_provider_chain().get_credentials()
    except ApiValueError as e:
        if "Failed to get credentials from provider chain" in str(e):
            return {"outcome": "none"}
        raise
    except requests.exceptions.ConnectionError:
        # The metadata provider's request is not among the errors the chain catches: on a machine without
        # the metadata service the chain ends here having found nothing.
        return {"outcome": "none"}
    except configparser.Error as e:
        return {"outcome": "error", "why": type(e).__name__}
    if not c.ak and getattr(c, "sts_accessor", None) is not None:
        return {"outcome": "needs-network", "why": type(c.sts_accessor).__name__}
    return credentials(c.ak, c.sk, c.security_token)


def point_at_metadata(cloud, base):
    """The SDK's metadata endpoint (a constant in each SDK) pointed at the mock."""
    if cloud == "tencent":
        from tencentcloud.common import credential
        credential.CVMRoleCredential._role_endpoint = base + "/latest/meta-data/cam/security-credentials/"
    elif cloud == "alibaba":
        from alibabacloud_credentials.provider import ecs_ram_role
        cls = ecs_ram_role.EcsRamRoleCredentialsProvider
        real_init = cls.__init__

        def init(self, *args, **kwargs):
            real_init(self, *args, **kwargs)
            self._EcsRamRoleCredentialsProvider__metadata_service_host = base[len("http://"):]
        cls.__init__ = init
        # STS AssumeRole (RamRoleArn profiles): Tea's compose_url keeps a host that names its scheme, so the SDK's
        # https://<sts endpoint> becomes http://127.0.0.1:PORT; the signature does not cover the host.
        from alibabacloud_credentials.provider import ram_role_arn
        role_cls = ram_role_arn.RamRoleArnCredentialsProvider
        real_role_init = role_cls.__init__

        def role_init(self, *args, **kwargs):
            real_role_init(self, *args, **kwargs)
            self._sts_endpoint = base
        role_cls.__init__ = role_init
    else:
        from huaweicloudsdkcore.auth.internal import MetadataAccessor
        MetadataAccessor._METADATA_ENDPOINT = base


def run_case(cloud, root, name):
    case = case_named(name)
    routes = case.get("metadata")
    seen = None
    if routes is None:
        guard_network()
    else:
        port, seen = start_metadata(routes, case.get("sts"))
        guard_network(port)
        point_at_metadata(cloud, "http://127.0.0.1:%d" % port)
    out = {"tencent": run_tencent, "alibaba": run_alibaba, "huawei": run_huawei}[cloud](root)
    if seen is not None:
        # As a set: the SDKs may ask for a session token more than once.
        out["requests"] = sorted(set(json.dumps(r) for r in seen))
        out["requests"] = [json.loads(r) for r in out["requests"]]
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


# ---------------------------------------------------------------------------
# Inside the venv: every case of one cloud, each in its own interpreter
# ---------------------------------------------------------------------------

# Third-party modules the SDKs import, loaded once before the cases are forked (none of them reads the
# credential variables; the SDKs' own modules, which do, are imported by each case).
PRELOAD = {
    "tencent": ("requests", "urllib3", "configparser", "http.server"),
    "alibaba": ("requests", "aiohttp", "aiofiles", "apscheduler.schedulers.background", "Tea.core", "cryptography",
                "configparser", "http.server"),
    "huawei": ("requests", "urllib3", "simplejson", "yaml", "configparser", "http.server"),
}


def run_forked(cloud, root, name, env):
    """Runs one case in a fork of this interpreter with exactly `env` as its environment and `root` as its working
    directory (a fresh interpreter per case costs a second each; a fork a few milliseconds). Returns (status,
    output)."""
    import signal
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the case: stdout and stderr into one pipe, its last line the outcome
        status = 2
        try:
            os.close(out_r)
            os.dup2(out_w, 1)
            os.dup2(out_w, 2)
            signal.alarm(60)
            os.environ.clear()
            os.environ.update(env)
            os.chdir(root)
            status = run_case(cloud, root, name)
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.close(out_w)
    with os.fdopen(out_r) as o:
        out = o.read()
    _, wait_status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(wait_status), out


def run_cloud(cloud, out_path):
    import importlib
    from importlib.metadata import version
    for module in PRELOAD[cloud]:
        importlib.import_module(module)
    results = {}
    for case in load_cases():
        if case["cloud"] != cloud or not case["name"].startswith(os.environ.get("CLOUDSIG_ORACLE_ONLY", "")):
            continue
        root, env = make_root(case)
        try:
            rc, out = run_forked(cloud, root, case["name"], env)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        lines = out.strip().splitlines()
        if rc != 0 or not lines or not lines[-1].startswith("{"):
            sys.stderr.write(out[-2000:])
            sys.stderr.write("credentials.py: case %s: the SDK run failed (status %d)\n" % (case["name"], rc))
            return harness.EXIT_FAILURE
        outcome = json.loads(lines[-1])
        outcome.pop("why", None)
        results[case["name"]] = outcome
        sys.stderr.write("credentials.py: %-50s %s%s\n" % (
            case["name"], outcome["outcome"], " " + outcome["id"] if "id" in outcome else ""))
    with open(out_path, "w") as f:
        json.dump({"sdk": "%s %s" % (CLOUDS[cloud][2], version(CLOUDS[cloud][2])), "results": results}, f)
    return 0


# ---------------------------------------------------------------------------
# Outside: bootstrap each venv, gather, write or compare
# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed sdk-results.json")
    ap.add_argument("--inner", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    ap.add_argument("--name", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        return run_case(args.case, args.root, args.name)
    if os.environ.get("CLOUDSIG_ORACLE_IN_VENV") == "1":
        return run_cloud(args.inner, args.out)

    committed = None
    if args.check:
        with open(RESULTS) as f:
            committed = json.load(f)
    tmp = tempfile.mkdtemp(prefix="cloudsig-cred-results-")
    fresh = {"schema": "cloudsig-credential-results/1",
             "about": "Written by vectors/oracle/credentials.py: what each official SDK's default credential "
                      "provider picks for each case of cases.json (secrets as SHA-256 only).",
             "sdk": {}, "results": {}}
    status = 0
    skipped = []
    try:
        for cloud, (venv, requirements, _) in CLOUDS.items():
            out = os.path.join(tmp, cloud + ".json")
            h = harness.Harness(name="credentials.py " + cloud, script=__file__,
                                venv=os.path.join(HERE, venv), requirements=os.path.join(HERE, requirements),
                                captures_root=None, canned_body=None, real_host=None)
            rc = h.bootstrap(["--inner", cloud, "--out", out])
            if rc == harness.EXIT_UNREACHABLE:
                if not args.check:
                    print("credentials.py: %s: registry unreachable, cannot run the SDK" % cloud)
                    return rc
                print("credentials.py: %s: registry unreachable; the committed results are kept (not checked)"
                      % cloud)
                skipped.append(cloud)
                continue
            if rc != 0:
                return harness.EXIT_FAILURE
            with open(out) as f:
                part = json.load(f)
            fresh["sdk"][cloud] = part["sdk"]
            fresh["results"].update(part["results"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if not args.check:
        fresh["results"] = dict(sorted(fresh["results"].items()))
        with open(RESULTS, "w") as f:
            f.write(json.dumps(fresh, indent=1, sort_keys=True) + "\n")
        print("credentials.py: wrote %d results to %s" % (len(fresh["results"]),
                                                          os.path.relpath(RESULTS, harness.REPO)))
        return 0
    cases = {c["name"]: c["cloud"] for c in load_cases()}
    for name, cloud in sorted(cases.items()):
        if cloud in skipped:
            continue
        want, got = committed["results"].get(name), fresh["results"].get(name)
        if want != got:
            print("credentials.py: %s: the SDK now gives %s, committed %s" % (
                name, got and got["outcome"], want and want["outcome"]))
            status = harness.EXIT_DIFFERS
    stale = sorted(set(committed["results"]) - set(cases))
    if stale:
        print("credentials.py: results for cases no longer in cases.json: %s" % ", ".join(stale))
        status = harness.EXIT_DIFFERS
    for cloud, sdk in fresh["sdk"].items():
        if committed["sdk"].get(cloud) != sdk:
            print("credentials.py: %s: SDK %s, committed results from %s" % (cloud, sdk, committed["sdk"].get(cloud)))
            status = harness.EXIT_DIFFERS
    if status == 0:
        print("credentials.py: the SDKs still pick what sdk-results.json says (%d cases%s)" % (
            len(cases), ", skipped: " + ", ".join(skipped) if skipped else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
