#!/usr/bin/env python3
"""The official Huawei Cloud Python SDK core as an oracle: raw captures of the requests it signs and sends.

Same contract and machinery as the other harnesses (vectors/oracle/harness.py: bootstrap, network guard,
capture server, writing and comparing):

Bootstrap: creates vectors/oracle/.venv-huawei (gitignored) and installs requirements.txt beside this file
(huaweicloudsdkcore and every package it imports, exact versions, --no-deps), then runs itself again inside it.

Capture: the core's generic client path (ClientBuilder -> a two-line Client subclass -> do_http_request) with
BasicCredentials / GlobalCredentials, an `http://<real host>` endpoint and HttpConfig's proxy pointing at the
capture server on 127.0.0.1: the SDK signs the real Host, the request line is absolute-form. socket.getaddrinfo
and socket.connect refuse anything but the capture server; every case must reach it exactly once and get its
canned answer back.

Determinism: in huaweicloudsdkcore.signer.signer only, the name `datetime` is replaced by a subclass whose
utcnow() returns 2019-02-25T16:44:25Z (1551113065); the signing code itself is untouched. HttpConfig.user_agent
is set, so the SDK never builds its platform-dependent User-Agent nor reads ~/.huaweicloud/application_id.

Output: vectors/captures/sdk/huawei/python/<case>.http|.json and vectors/captures/sdk/huawei/keys.txt.
Usage and exit status as the Tencent harness: [--check] [--out DIR]; 0 / 1 differs / 2 failure / 3 unreachable.
"""

import datetime as _dt
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import harness  # noqa: E402  (vectors/oracle/harness.py: bootstrap, network guard, capture server)

sys.path.pop(0)
REQUEST_ID = "00000000000000000000000000000000"
CANNED_BODY = json.dumps({"request_id": REQUEST_ID}).encode("ascii")

SUBDIR = "python"
SCHEMA = harness.SCHEMA
SDK_NAME = "huaweicloudsdkcore"
SDK_VERSION = None
TIMESTAMP = 1551113065
X_SDK_DATE = "20190225T164425Z"
USER_AGENT = "cloudsig-oracle"

AK, SK = "HUAWEIEXAMPLEAK00001", "HuaweiExampleSecretKeyEXAMPLE000000000000"
TEMP_AK, TEMP_SK = "HUAWEIEXAMPLETEMPAK2", "HuaweiExampleTempSecretKeyEXAMPLE00000000"
TEMP_TOKEN = "HuaweiExampleSecurityToken+/=EXAMPLE0000"
PROJECT_ID = "9c53a566cb3443ab910cf0daebca90c4"  # the ECS seed's example project id
DOMAIN_ID = "0123456789abcdef0123456789abcdef"
REGION = "cn-north-4"
ECS_HOST = "ecs.cn-north-4.myhuaweicloud.com"
DMS_HOST = "dms.cn-north-4.myhuaweicloud.com"
IAM_HOST = "iam.myhuaweicloud.com"

KEYS_TXT = (
    "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
    "# Fictitious credentials used by the Huawei SDK captures in this directory (vectors/oracle/huawei/):\n"
    "# not real keys. Format: AK SK [SecurityToken]\n"
    "%s %s\n%s %s %s\n" % (AK, SK, TEMP_AK, TEMP_SK, TEMP_TOKEN)
)

# Seed: DMS Kafka "Creating an Instance" example request (masked ids replaced by fictitious ones).
KAFKA_BODY = {
    "name": "kafka-test", "description": "", "engine": "kafka", "engine_version": "2.7",
    "storage_space": 300, "vpc_id": "1e93f86e-9b4a-44c5-a964-1f7c2b3e4d5a",
    "subnet_id": "0c5b6a1d-8fbf-4438-ba71-2a3b4c5d6e7f", "security_group_id": "3a4b5c6d-e073-4aad-991f-4b5c6d7e8f90",
    "available_zones": ["9f1c0f4c706d4c1fb0eb72f0e1d2c3b4"], "product_id": "c6.2u4g.cluster",
    "ssl_enable": True, "kafka_security_protocol": "SASL_SSL", "sasl_enabled_mechanisms": ["SCRAM-SHA-512"],
    "storage_spec_code": "dms.physical.storage.ultra.v2", "broker_num": 3, "arch_type": "X86",
    "enterprise_project_id": "0", "access_user": "user01", "password": "Example@Pass123",
    "enable_publicip": True, "tags": [{"key": "aaa", "value": "111"}], "retention_policy": "time_base",
    "disk_encrypted_enable": True, "disk_encrypted_key": "5e6f7a8b-b953-4875-a743-9c0d1e2f3a4b",
    "vpc_client_plain": True, "enable_auto_topic": True,
}
# Seed: ECS "Creating an ECS" example 1.
ECS_BODY = {"server": {
    "flavorRef": "2", "name": "wjvm48", "metadata": {"name": "name_xx1", "id": "id_xxxx1"},
    "block_device_mapping_v2": [{
        "source_type": "image", "destination_type": "volume", "uuid": "b023fe17-11db-4efb-b800-78882a0e394b",
        "delete_on_termination": "False", "boot_index": "0", "volume_type": "SAS", "volume_size": "40"}],
    "security_groups": [{"name": "name_xx5_sg"}],
    "networks": [{"uuid": "fd40e6f8-942d-4b4e-a7ae-465287b02a2c", "port": "e730a11c-1a19-49cc-8797-cee2ad67af6f",
                  "fixed_ip": ""}],
    "key_name": "test", "user_data": "ICAgICAgDQoiQSBjbG91ZCBkb2VzIG5vdCBrbm93IHdoeSBpdCBtb3Zlcy4uLiINCg==",
    "availability_zone": "az1-dc1"}}

# A query the signer must sort and encode: repeated keys (values sorted too), space, '*', '~', '+', '/', '%',
# unicode, an empty value, a boolean, values whose raw and encoded orders differ (the signer writes str(value).lower() for bools).
QUERY = [
    ("name", "vm one*two~three"), ("limit", 10), ("flavor", "s3.small.1"), ("tags", "k=v+w/x%y"),
    ("name_cn", "\u4e91\u670d\u52a1\u5668 caf\u00e9"), ("marker", ""), ("tags", "a&b"), ("Zone", "az1"),
    ("not-tags", "\U0001F600"), ("detail", True), ("tags", "~x"), ("tags", "\u00e9"),
]
# ("tags", "~x") and ("tags", "\u00e9") sort differently raw ("~" < "\u00e9") and percent-encoded ("%C3%A9" < "~x").

SEGMENT = "a b:c~d*e'f,g@h\u540d"  # a path parameter: quote(safe='') on the wire, re-encoded for signing
SLASHED = "dir/sub file"  # a path parameter holding '/': %2F on the wire, a real '/' in the canonical URI


def case_list():
    """(case, description, spec). spec: algorithm, cred, host, method, path, path_params, query, headers, body."""
    base = dict(algorithm="SHA256", cred="basic", host=ECS_HOST, query=None, headers=None, body=None,
                path_params=None, config=None)
    cases = []

    def add(case, description, **kw):
        s = dict(base)
        s.update(kw)
        cases.append((case, description, s))

    for alg, prefix in (("SHA256", "sha256"), ("SM3", "sm3"), ("V11", "v11")):
        add(prefix + "-dms-kafka-create-instance",
            "Seed: DMS Kafka POST /v2/{engine}/{project_id}/instances with the seed's JSON body (%s)" % alg,
            algorithm=alg, host=DMS_HOST, method="POST", path="/v2/{engine}/{project_id}/instances",
            path_params={"engine": "kafka"}, body=KAFKA_BODY)
        add(prefix + "-ecs-create-server",
            "Seed: ECS POST /v2.1/{project_id}/servers with the seed's example-1 JSON body (%s)" % alg,
            algorithm=alg, method="POST", path="/v2.1/{project_id}/servers", body=ECS_BODY)
        add(prefix + "-get-query",
            "GET with a query the signer sorts by key then value and encodes (%s)" % alg,
            algorithm=alg, method="GET", path="/v1/{project_id}/cloudservers/detail", query=QUERY)
        add(prefix + "-token",
            "Temporary credentials: X-Security-Token sent and signed (%s)" % alg,
            algorithm=alg, cred="temp", method="GET", path="/v1/{project_id}/cloudservers/detail",
            query=[("limit", 1)])
    add("sha256-path-encoding",
        "Path parameters needing encoding, one holding '/' (%2F on the wire, '/' once unquoted for signing)",
        method="DELETE", path="/v1/{project_id}/tags/{key}/{value}",
        path_params={"key": SEGMENT, "value": SLASHED})
    add("sha256-get-empty", "GET with no query and no body: Content-Type application/json still sent and signed",
        method="GET", path="/v1/{project_id}/cloudservers/flavors")
    add("sha256-get-no-content-type",
        "HttpConfig.ignore_content_type_for_get_request: a GET without Content-Type",
        method="GET", path="/v1/{project_id}/cloudservers/flavors", config={"ignore_content_type_for_get_request": True})
    add("sha256-global-domain", "GlobalCredentials(ak, sk, domain_id): X-Domain-Id instead of X-Project-Id",
        cred="global", host=IAM_HOST, method="GET", path="/v3/projects", query=[("name", REGION)])
    add("sha256-headers",
        "Caller headers: X-Custom (signed), one with '_' (not signed), a UTF-8 value, padded value trimmed",
        method="PUT", path="/v1/{project_id}/cloudservers/{server_id}",
        path_params={"server_id": "567c1557-0eca-422c-bfce-149d6b8f1bb8"},
        headers={"X-Custom": "  padded value  ", "X_Under_Score": "unsigned", "X-Name": "caf\u00e9"},
        body={"server": {"name": "\u540d\u5b57 \"q\" \\ /", "description": "\U0001F600"}})
    add("sha256-post-empty-object", "POST with body {}: empty JSON object", method="POST",
        path="/v1/{project_id}/cloudservers/action", body={})
    add("sha256-post-no-body", "POST without a body: empty payload hash, Content-Length 0", method="POST",
        path="/v1/{project_id}/cloudservers/action")
    add("sha256-octet-stream",
        "application/octet-stream: X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD (signed) and the literal as payload hash",
        method="PUT", path="/v1/{project_id}/objects/{name}", path_params={"name": "file.bin"},
        headers={"Content-Type": "application/octet-stream"}, body=b"\x00\x01binary\xff\r\n")
    add("sha256-endpoint-port", "Endpoint with a port: Host signed with the port", host=ECS_HOST + ":8443",
        method="GET", path="/v1/{project_id}/cloudservers/detail", query=[("limit", 2)])
    add("sm3-octet-stream", "SM3 with application/octet-stream: X-Sdk-Content-Sm3: UNSIGNED-PAYLOAD",
        algorithm="SM3", method="PUT", path="/v1/{project_id}/objects/{name}", path_params={"name": "file.bin"},
        headers={"Content-Type": "application/octet-stream"}, body=b"\x00\x01binary\xff\r\n")
    return cases


class RbBytes(io.BytesIO):
    """In-memory bytes the SDK accepts as an octet-stream body (it wants a file opened in 'rb' mode)."""
    mode = "rb"


class FixedDatetime(_dt.datetime):
    """datetime with a fixed utcnow(): the only clock the signer reads."""
    reads = 0

    @classmethod
    def utcnow(cls):
        FixedDatetime.reads += 1
        return cls(2019, 2, 25, 16, 44, 25)


def run_case(case, description, s, server):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
    from huaweicloudsdkcore.client import Client, ClientBuilder
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.region.region import Region
    from huaweicloudsdkcore.signer.algorithm import SigningAlgorithm

    from huaweicloudsdkcore.sdk_response import SdkResponse

    class OracleResponse(SdkResponse):  # the one response model: {"request_id": ...}
        openapi_types = {"request_id": "str"}
        attribute_map = {"request_id": "request_id"}

        def __init__(self, request_id=None):
            super().__init__()
            self.request_id = request_id

    class OracleClient(Client):  # the generic client path, no service package
        def __init__(self):
            super().__init__()
            self.model_package = type("models", (), {"OracleResponse": OracleResponse})

    cfg = HttpConfig.get_default_config()
    # HttpConfig's proxy is applied to https URLs only ({"https": proxy}); for the http endpoint the proxy comes
    # from requests' environment handling (HTTP_PROXY, set by capture_all). Both point at the capture server.
    cfg.proxy_protocol, cfg.proxy_host, cfg.proxy_port = "http", "127.0.0.1", server.port
    cfg.retry_times = 0
    cfg.timeout = (10, 10)
    cfg.user_agent = USER_AGENT
    cfg.signing_algorithm = SigningAlgorithm.HMAC_SM3 if s["algorithm"] == "SM3" else SigningAlgorithm.HMAC_SHA256
    for k, v in (s["config"] or {}).items():
        setattr(cfg, k, v)

    if s["cred"] == "global":
        cred = GlobalCredentials(AK, SK, DOMAIN_ID)
        cred_info = {"ak": AK, "sk": SK, "security_token": None, "domain_id": DOMAIN_ID}
    elif s["cred"] == "temp":
        cred = BasicCredentials(TEMP_AK, TEMP_SK, PROJECT_ID).with_security_token(TEMP_TOKEN)
        cred_info = {"ak": TEMP_AK, "sk": TEMP_SK, "security_token": TEMP_TOKEN, "project_id": PROJECT_ID}
    else:
        cred = BasicCredentials(AK, SK, PROJECT_ID)
        cred_info = {"ak": AK, "sk": SK, "security_token": None, "project_id": PROJECT_ID}
    service = s["host"].split(".")[0]
    builder = ClientBuilder(OracleClient, "BasicCredentials,GlobalCredentials").with_http_config(cfg)
    endpoint = "http://" + s["host"]
    if s["algorithm"] == "V11":
        # Derived (V11) signing: a service name and a region id, and a predicate choosing derived auth. The
        # default predicate picks it only for hosts that are NOT *.myhuaweicloud.com, so always-true is given.
        cred = cred.with_derived_predicate(lambda request: True)
        builder = builder.with_credentials(cred).with_region(Region(REGION, endpoint))
        builder._with_derived_auth_service_name(service)
    else:
        builder = builder.with_credentials(cred).with_endpoint(endpoint)
    client = builder.build()

    asked_headers = dict(s["headers"]) if s["headers"] else None
    body = s["body"]
    server.expect()
    FixedDatetime.reads = 0
    resp = client.do_http_request(
        method=s["method"], resource_path=s["path"], path_params=dict(s["path_params"] or {}),
        query_params=list(s["query"]) if s["query"] else None, header_params=dict(asked_headers or {}),
        body=json.loads(json.dumps(body)) if isinstance(body, dict) else RbBytes(body) if isinstance(body, bytes) else body,
        response_type="OracleResponse", collection_formats={})
    client.get_http_client().close()

    raw = server.take_one(case, ("%s http://%s/" % (s["method"], s["host"])).encode())
    if resp.request_id != REQUEST_ID or resp.raw_content != CANNED_BODY or resp.status_code != 200:
        raise RuntimeError("%s: the SDK did not return the capture server's answer: %r" % (case, resp.raw_content))
    if FixedDatetime.reads == 0:
        raise RuntimeError("%s: the signer did not read the patched clock" % case)
    head = raw.partition(b"\r\n\r\n")[0]
    if ("X-Sdk-Date: " + X_SDK_DATE).encode() not in head:
        raise RuntimeError("%s: X-Sdk-Date is not the fixed time" % case)
    auth = [l for l in head.split(b"\r\n") if l.lower().startswith(b"authorization:")]
    scheme = auth[0].split(b":", 1)[1].strip().split(b" ", 1)[0].decode() if auth else None
    want = {"SHA256": "SDK-HMAC-SHA256", "SM3": "SDK-HMAC-SM3", "V11": "V11-HMAC-SHA256"}[s["algorithm"]]
    if scheme != want:
        raise RuntimeError("%s: Authorization scheme %r, expected %s" % (case, scheme, want))

    if isinstance(body, bytes):
        body_json = {"bytes_hex": body.hex()}
    else:
        body_json = body
    meta = {
        "schema": SCHEMA,
        "cloud": "huawei",
        "sdk": {"name": SDK_NAME, "version": SDK_VERSION},
        "case": case,
        "description": description,
        "scheme": scheme,
        "credentials": cred_info,
        "timestamp": TIMESTAMP,
        "x_sdk_date": X_SDK_DATE,
        "host": s["host"],
        "region": REGION if s["algorithm"] == "V11" else None,
        "service": service if s["algorithm"] == "V11" else None,
        "signing_algorithm": s["algorithm"],
        "method": s["method"],
        "path": s["path"],
        "path_params": s["path_params"],
        "query": [[k, v] for k, v in s["query"]] if s["query"] else None,
        "headers": asked_headers,
        "body": body_json,
        "http_config": dict(s["config"] or {}, user_agent=USER_AGENT),
        "transport": "endpoint http://%s, proxy HTTP_PROXY=http://127.0.0.1:<port> (absolute-form request line)"
                     % s["host"],
    }
    return raw, meta


def run_cases(server):
    """Inside the venv, behind the network guard: every case through the SDK core, {"python": {file: bytes}}."""
    global SDK_VERSION
    from importlib.metadata import version
    import huaweicloudsdkcore.signer.signer as signer_module
    SDK_VERSION = version(SDK_NAME)
    signer_module.datetime = FixedDatetime  # the signer's only time source (datetime.utcnow)
    os.environ["HTTP_PROXY"] = server.proxy  # clean_env() removed any other proxy setting
    files = harness.capture_files(case_list(), lambda *case: run_case(*case, server))
    HARNESS.log("%d captures with %s %s" % (len(files) // 2, SDK_NAME, SDK_VERSION))
    return {SUBDIR: files}


HARNESS = harness.Harness(
    name="huawei/capture.py",
    script=__file__,
    venv=os.path.join(harness.ORACLE_DIR, ".venv-huawei"),
    requirements=os.path.join(HERE, "requirements.txt"),
    captures_root=os.path.join(harness.CAPTURES_SDK, "huawei"),
    canned_body=CANNED_BODY,
    real_host=ECS_HOST,
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, KEYS_TXT))
