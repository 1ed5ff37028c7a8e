#!/usr/bin/env python3
"""The official Python SDKs as clients of `cloudsig serve` (emulator mode), offline, on 127.0.0.1.

Starts `cloudsig serve --listen 127.0.0.1:0` with a key file of three fictitious keys, then, in each oracle
venv (the pinned packages of python/, alibaba/ and huawei/requirements.txt, created as those harnesses do),
points the SDK's endpoint setting at the server over http and checks:
  - with the right key the call succeeds and the SDK parses the answer (a request id);
  - with a wrong key, an unknown key id, a clock an hour behind and a replayed nonce, the SDK raises its own
    exception carrying the cloud's error code:
      tencentcloud-sdk-python-common  TencentCloudSDKException.code   AuthFailure.SignatureFailure /
                                      AuthFailure.SecretIdNotFound / AuthFailure.SignatureExpire /
                                      InvalidParameterValue (a v1 HmacSHA256 call sent twice with one Nonce)
      alibabacloud-tea-openapi        exception .code (status 400/404) SignatureDoesNotMatch /
                                      InvalidAccessKeyId.NotFound / InvalidTimeStamp.Expired /
                                      SignatureNonceUsed (an RPC call sent twice with one SignatureNonce)
      huaweicloudsdkcore              ClientRequestException 401 APIGW.0301 (wrong key, unknown AK, X-Sdk-Date an
                                      hour old), request_id from X-Request-Id; SDK-HMAC carries no nonce, so there
                                      is no replay case for Huawei
Then the official Node SDKs the same way (vectors/oracle/serve-node/run.sh: tencentcloud-sdk-nodejs-common,
@alicloud/openapi-client, @huaweicloud/huaweicloud-sdk-core).

Usage: python3 vectors/oracle/serve_clients.py [--bin target/debug/cloudsig]
Exit 0 when every SDK behaves as above or a registry cannot be reached (said so, skipped); 2 on a failure.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

TC_ID, TC_KEY = "AKIDserveSdkClient", "serveSdkClientTencentKey"
ALI_ID, ALI_KEY = "LTAIserveSdkClient", "serveSdkClientAlibabaKey"
HW_AK, HW_SK = "HWAKSERVESDKCLIENT", "serveSdkClientHuaweiKey"
PROJECT_ID = "0123456789abcdef0123456789abcdef"
# The documented success examples the emulator answers with (from the seed documents in specs/seeds/, as in the
# definitions under specs/): what each SDK must hand back, parsed.
DOC_TC_REQUEST_ID = "8fd57721-808b-4f21-8f6b-51bca79ff1xx"  # GetRequestTargetNodeTypes' example RequestId
DOC_ALI_REQUEST_ID = "F99407AB-2FA9-489E-A259-40CF6DC****"  # UpgradeEngineVersion's sample RequestId
DOC_HW_INSTANCE_ID = "8959ab1c-7n1a-yyb1-a05t-93dfc361b32d"  # DMS Kafka CreateInstance's example instance_id

CLOUDS = {
    "tencent": (".venv", "python/requirements.txt", ("TENCENTCLOUD_",)),
    "alibaba": (".venv-alibaba", "alibaba/requirements.txt", ("ALIBABA_CLOUD_", "ALICLOUD_")),
    "huawei": (".venv-huawei", "huawei/requirements.txt", ("HUAWEICLOUD_",)),
}


def expect_error(name, call, code, status=None, message=None):
    """`call` raises the SDK's exception with `code` (and `status`; and `message` in its message, where the code
    alone does not tell the cases apart, as Huawei's APIGW.0301)."""
    try:
        call()
    except Exception as e:  # each SDK's own exception type; its code is what is checked
        got = getattr(e, "code", None) or getattr(e, "error_code", None)
        got_status = getattr(e, "status_code", None) or getattr(e, "statusCode", None)
        got_message = str(getattr(e, "error_msg", None) or getattr(e, "message", None) or e)
        if got != code or (status is not None and got_status != status) or \
                (message is not None and message not in got_message):
            raise RuntimeError("%s: expected %s %s, got %s %r (%s: %s)"
                               % (name, status, code, got_status, got, type(e).__name__, e))
        print("ok %s: %s raised with %s%s" % (name, type(e).__name__, code,
                                              "" if status is None else " (%d)" % status))
        return e
    raise RuntimeError("%s: no exception, expected %s" % (name, code))


def tencent(endpoint):
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    import tencentcloud.common.abstract_client as abstract_client

    def client(sid, key, sign_method="TC3-HMAC-SHA256"):
        profile = ClientProfile(signMethod=sign_method,
                                httpProfile=HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=10))
        return CommonClient("cvm", "2017-03-12", credential.Credential(sid, key), "ap-guangzhou", profile=profile)

    resp = client(TC_ID, TC_KEY).call_json("DescribeInstances", {"Limit": 1})
    if "Error" in resp["Response"] or not resp["Response"].get("RequestId"):
        raise RuntimeError("tencent ok: %r" % resp)
    print("ok tencent success: parsed, RequestId %s" % resp["Response"]["RequestId"])
    # An action with a documented output example (specs/tencent/es-2018-04-16.json): that body, fresh RequestId.
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=endpoint, reqTimeout=10))
    es = CommonClient("es", "2018-04-16", credential.Credential(TC_ID, TC_KEY), "ap-guangzhou", profile=profile)
    doc = es.call_json("GetRequestTargetNodeTypes", {"InstanceId": "es-xxxxxxxx"})["Response"]
    if doc.get("TargetNodeTypes") != ["hot", "warm"] or doc.get("RequestId") in (None, "", DOC_TC_REQUEST_ID):
        raise RuntimeError("tencent documented example: %r" % doc)
    print("ok tencent documented example parsed: TargetNodeTypes %s, RequestId %s" % (doc["TargetNodeTypes"],
                                                                                   doc["RequestId"]))
    expect_error("tencent wrong key", lambda: client(TC_ID, "wrongKey").call_json("DescribeInstances", {}),
                 "AuthFailure.SignatureFailure")
    expect_error("tencent unknown id", lambda: client("AKIDnobodyAtAll", TC_KEY).call_json("DescribeInstances", {}),
                 "AuthFailure.SecretIdNotFound")
    real_time = abstract_client.time

    class HourAgo(object):  # the SDK's clock, an hour behind (its module's `time` only)
        def __getattr__(self, name):
            return getattr(real_time, name)

        def time(self):
            return real_time.time() - 3600

    abstract_client.time = HourAgo()
    try:
        expect_error("tencent expired clock", lambda: client(TC_ID, TC_KEY).call_json("DescribeInstances", {}),
                     "AuthFailure.SignatureExpire")
    finally:
        abstract_client.time = real_time

    real_random = abstract_client.random

    class OneNonce(object):  # the SDK's v1 Nonce (random.randint in its module), the same twice
        def __getattr__(self, name):
            return getattr(real_random, name)

        def randint(self, a, b):
            return 7315412998121372001

    abstract_client.random = OneNonce()
    try:
        first = client(TC_ID, TC_KEY, "HmacSHA256").call_json("DescribeInstances", {"Limit": 1})
        if "Error" in first["Response"]:
            raise RuntimeError("tencent v1 first use of the nonce: %r" % first)
        print("ok tencent v1 HmacSHA256 success: parsed, RequestId %s" % first["Response"]["RequestId"])
        expect_error("tencent replayed nonce",
                     lambda: client(TC_ID, TC_KEY, "HmacSHA256").call_json("DescribeInstances", {"Limit": 1}),
                     "InvalidParameterValue")
    finally:
        abstract_client.random = real_random


def alibaba(endpoint):
    from alibabacloud_tea_openapi.client import Client
    from alibabacloud_tea_openapi import utils_models as m
    from darabonba.runtime import RuntimeOptions

    def call(aid, key):
        config = m.Config(access_key_id=aid, access_key_secret=key, endpoint=endpoint, protocol="http",
                          read_timeout=10000, connect_timeout=10000)
        params = m.Params(action="DescribeRegions", version="2014-05-26", protocol="HTTP", pathname="/",
                          method="POST", auth_type="AK", style="RPC", req_body_type="json", body_type="json")
        return Client(config).call_api(params, m.OpenApiRequest(), RuntimeOptions(autoretry=False, max_attempts=0))

    result = call(ALI_ID, ALI_KEY)
    body = result.get("body")
    if result.get("statusCode") != 200 or not isinstance(body, dict) or not body.get("RequestId"):
        raise RuntimeError("alibaba ok: %r" % result)
    print("ok alibaba success: parsed, RequestId %s" % body["RequestId"])
    # ROA UpgradeEngineVersion has a documented sample response: that body, fresh RequestId.
    config = m.Config(access_key_id=ALI_ID, access_key_secret=ALI_KEY, endpoint=endpoint, protocol="http",
                      read_timeout=10000, connect_timeout=10000)
    params = m.Params(action="UpgradeEngineVersion", version="2017-06-13", protocol="HTTP",
                      pathname="/openapi/instances/es-cn-n6w1o1x0w001c/actions/upgrade-version", method="POST",
                      auth_type="AK", style="ROA", req_body_type="json", body_type="json")
    doc = Client(config).call_api(params, m.OpenApiRequest(body={"version": "ali1.2.0", "type": "aliVersion"}),
                                  RuntimeOptions(autoretry=False, max_attempts=0))["body"]
    if not isinstance(doc.get("Result"), list) or doc["Result"][0].get("validateType") != "checkClusterHealth" \
            or doc.get("RequestId") in (None, "", DOC_ALI_REQUEST_ID):
        raise RuntimeError("alibaba documented example: %r" % doc)
    print("ok alibaba documented example parsed: Result[0].validateType %s, RequestId %s"
          % (doc["Result"][0]["validateType"], doc["RequestId"]))
    expect_error("alibaba wrong key", lambda: call(ALI_ID, "wrongKey"), "SignatureDoesNotMatch", 400)
    expect_error("alibaba unknown id", lambda: call("LTAInobodyAtAll", ALI_KEY), "InvalidAccessKeyId.NotFound", 404)
    # The SDK's clock (Utils.get_timestamp, the RPC Timestamp) an hour behind, then its nonce fixed.
    from alibabacloud_tea_openapi.utils import Utils
    import datetime
    real_timestamp, real_nonce = Utils.get_timestamp, Utils.get_nonce
    hour_ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    Utils.get_timestamp = staticmethod(lambda: hour_ago)
    try:
        expect_error("alibaba expired clock", lambda: call(ALI_ID, ALI_KEY), "InvalidTimeStamp.Expired", 400)
    finally:
        Utils.get_timestamp = real_timestamp
    Utils.get_nonce = staticmethod(lambda: "cloudsig-serve-one-nonce-%d" % os.getpid())
    try:
        if call(ALI_ID, ALI_KEY).get("statusCode") != 200:
            raise RuntimeError("alibaba first use of the nonce was not accepted")
        print("ok alibaba first use of a fixed SignatureNonce: accepted")
        expect_error("alibaba replayed nonce", lambda: call(ALI_ID, ALI_KEY), "SignatureNonceUsed", 400)
    finally:
        Utils.get_nonce = real_nonce


# DMS Kafka CreateInstance: the required fields of its definition (specs/huawei/kafka-v2.json) with the values of
# the document's example (engine_version one of the values its table lists); `cloudsig serve` checks them.
KAFKA_CREATE = {"name": "kafka-test", "engine": "kafka", "engine_version": "3.x", "broker_num": 3,
                "storage_space": 300, "vpc_id": "********-9b4a-44c5-a964-************",
                "security_group_id": "********-e073-4aad-991f-************",
                "subnet_id": "********-8fbf-4438-ba71-************",
                "available_zones": ["********706d4c1fb0eb72f0********"], "product_id": "c6.2u4g.cluster",
                "storage_spec_code": "dms.physical.storage.ultra.v2"}


def huawei(endpoint):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.client import Client, ClientBuilder
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.sdk_response import SdkResponse

    class EmptyResponse(SdkResponse):
        openapi_types = {}
        attribute_map = {}

    class CreatedResponse(SdkResponse):  # DMS Kafka CreateInstance's documented response field
        openapi_types = {"instance_id": "str"}
        attribute_map = {"instance_id": "instance_id"}

        def __init__(self, instance_id=None):
            super().__init__()
            self.instance_id = instance_id

    class GenericClient(Client):  # the core's generic path, no service package
        def __init__(self):
            super().__init__()
            self.model_package = type("models", (), {"EmptyResponse": EmptyResponse,
                                                     "CreatedResponse": CreatedResponse})

    def call(ak, sk, headers=None, create=None):
        cfg = HttpConfig.get_default_config()
        cfg.retry_times = 0
        cfg.timeout = (10, 10)
        client = (ClientBuilder(GenericClient).with_http_config(cfg)
                  .with_credentials(BasicCredentials(ak, sk, PROJECT_ID)).with_endpoint("http://" + endpoint).build())
        try:
            if create is not None:  # POST /v2/{engine}/{project_id}/instances with the body `create`
                return client.do_http_request(method="POST", resource_path="/v2/{engine}/{project_id}/instances",
                                              path_params={"engine": "kafka"}, query_params=[],
                                              header_params={"Content-Type": "application/json"},
                                              body=create,
                                              response_type="CreatedResponse", collection_formats={})
            return client.do_http_request(method="GET", resource_path="/v1/{project_id}/cloudservers/detail",
                                          path_params={}, query_params=[("limit", "1")], header_params=dict(headers or {}),
                                          body=None, response_type="EmptyResponse", collection_formats={})
        finally:
            client.get_http_client().close()

    resp = call(HW_AK, HW_SK)
    if resp.status_code != 200:
        raise RuntimeError("huawei ok: %r" % resp)
    print("ok huawei success: parsed (status %d)" % resp.status_code)
    doc = call(HW_AK, HW_SK, create=KAFKA_CREATE)
    if doc.status_code != 200 or doc.instance_id != DOC_HW_INSTANCE_ID:
        raise RuntimeError("huawei documented example: %r" % doc)
    print("ok huawei documented example parsed: instance_id %s" % doc.instance_id)
    # Signed right, but the required parameters missing: DMS's own parameter error (400).
    expect_error("huawei missing parameters", lambda: call(HW_AK, HW_SK, create={"name": "kafka-demo", "engine": "kafka"}),
                 "DMS.00400062", 400, "Invalid request parameter.")
    e = expect_error("huawei wrong key", lambda: call(HW_AK, "wrongSecretKey"), "APIGW.0301", 401,
                     "verify aksk signature fail")
    if not e.request_id:
        raise RuntimeError("huawei wrong key: no request_id (the SDK reads X-Request-Id)")
    expect_error("huawei unknown id", lambda: call("HWAKNOBODYATALL", HW_SK), "APIGW.0301", 401,
                 "not exist")
    # The signer takes an X-Sdk-Date already set instead of reading its clock: an hour old.
    import datetime
    hour_ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    expect_error("huawei expired clock", lambda: call(HW_AK, HW_SK, {"X-Sdk-Date": hour_ago}), "APIGW.0301", 401,
                 "signature expired")


def inner(cloud, endpoint):
    try:
        {"tencent": tencent, "alibaba": alibaba, "huawei": huawei}[cloud](endpoint)
    except Exception as e:
        print("FAILED %s: %s: %s" % (cloud, type(e).__name__, e))
        return harness.EXIT_FAILURE
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(harness.REPO, "target", "debug", "cloudsig"))
    ap.add_argument("--inner", help=argparse.SUPPRESS)
    ap.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if os.environ.get("CLOUDSIG_ORACLE_IN_VENV") == "1":
        return inner(args.inner, args.endpoint)

    tmp = tempfile.mkdtemp(prefix="cloudsig-serve-sdk-")
    keys = os.path.join(tmp, "keys")
    with open(keys, "w") as f:
        f.write("%s %s\n%s %s\n%s %s\n" % (TC_ID, TC_KEY, ALI_ID, ALI_KEY, HW_AK, HW_SK))
    os.chmod(keys, 0o600)
    env = harness.clean_env(os.environ, ("TENCENTCLOUD_", "ALIBABA_CLOUD_", "ALICLOUD_", "HUAWEICLOUD_"))
    server = subprocess.Popen([args.bin, "serve", "--listen", "127.0.0.1:0", "--key-file", keys],
                              stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "serve.log"), "w"),
                              text=True, env=env)
    status = 0
    try:
        line = server.stdout.readline()  # "cloudsig serve: listening on http://127.0.0.1:PORT (emulator)"
        if "listening on http://" not in line:
            print("serve_clients.py: the server did not start: %r" % line)
            return harness.EXIT_FAILURE
        endpoint = line.split("http://", 1)[1].split()[0]
        for cloud, (venv, requirements, drop) in CLOUDS.items():
            h = harness.Harness(name="serve_clients.py " + cloud, script=__file__,
                                venv=os.path.join(HERE, venv), requirements=os.path.join(HERE, requirements),
                                captures_root=None, canned_body=None, real_host=None, drop_env=drop,
                                home=tmp)
            rc = h.bootstrap(["--inner", cloud, "--endpoint", endpoint])
            if rc == harness.EXIT_UNREACHABLE:
                print("serve_clients.py: %s: registry unreachable, SDK not checked (skipped)" % cloud)
            elif rc != 0:
                status = harness.EXIT_FAILURE
        # The Node SDKs: run.sh installs them (npm ci, skipped with a message if npm cannot reach its registry).
        rc = subprocess.call(["bash", os.path.join(HERE, "serve-node", "run.sh"), endpoint],
                             env=dict(env, CLOUDSIG_SERVE_KEY_FILE=keys))
        if rc != 0:
            print("serve_clients.py: the Node SDKs failed (status %d)" % rc)
            status = harness.EXIT_FAILURE
    finally:
        # SIGTERM lets requests in flight finish; a server that has not stopped after 30 s is
        # killed, so that this script never hangs on it.
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("serve_clients.py: the server did not stop within 30 s of SIGTERM: killed")
            server.kill()
            server.wait()
            status = harness.EXIT_FAILURE
    if status == 0:
        print("serve_clients.py: passed")
    return status


if __name__ == "__main__":
    sys.exit(main())
