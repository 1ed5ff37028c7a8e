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

Each case runs in its own interpreter (alibabacloud-credentials reads the variables when imported) with only the
case's variables, HOME set to the case's directory, and a network guard: nothing but 127.0.0.1 resolves and no
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
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

CASES = os.path.join(harness.REPO, "vectors", "credentials", "cases.json")
RESULTS = os.path.join(harness.REPO, "vectors", "credentials", "sdk-results.json")

CLOUDS = {
    "tencent": (".venv", "python/requirements.txt", "tencentcloud-sdk-python-common"),
    "alibaba": (".venv-alibaba", "alibaba/requirements.txt", "alibabacloud-credentials"),
    "huawei": (".venv-huawei", "huawei/requirements.txt", "huaweicloudsdkcore"),
}


def load_cases():
    with open(CASES) as f:
        return json.load(f)["cases"]


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

def guard_network():
    """Nothing resolves but 127.0.0.1 (a DNS failure), no connection succeeds (refused)."""
    import socket
    real_gai = socket.getaddrinfo

    def gai(host, *args, **kwargs):
        h = host.decode() if isinstance(host, bytes) else host
        if h != "127.0.0.1":
            raise socket.gaierror(socket.EAI_NONAME, "network guard: %s is not resolved" % h)
        return real_gai(host, *args, **kwargs)

    def refuse(self, address):
        raise ConnectionRefusedError(111, "network guard: connection to %r refused" % (address,))

    socket.getaddrinfo = gai
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse


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


def run_case(cloud, root):
    guard_network()
    out = {"tencent": run_tencent, "alibaba": run_alibaba, "huawei": run_huawei}[cloud](root)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


# ---------------------------------------------------------------------------
# Inside the venv: every case of one cloud, each in its own interpreter
# ---------------------------------------------------------------------------

def run_cloud(cloud, out_path):
    from importlib.metadata import version
    results = {}
    for case in load_cases():
        if case["cloud"] != cloud:
            continue
        root, env = make_root(case)
        try:
            res = subprocess.run([sys.executable, os.path.abspath(__file__), "--case", cloud, "--root", root],
                                 env=env, cwd=root, capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        lines = res.stdout.strip().splitlines()
        if res.returncode != 0 or not lines:
            sys.stderr.write(res.stderr[-2000:])
            sys.stderr.write("credentials.py: case %s: the SDK run failed (status %d)\n" % (case["name"],
                                                                                           res.returncode))
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
    args = ap.parse_args()
    if args.case:
        return run_case(args.case, args.root)
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
