#!/usr/bin/env python3
"""The official SDKs' typed clients for the seed products as an oracle: raw captures of the API calls they send.

Issue 13, "Tested against": the requests made by the official SDKs' typed clients for the seed actions must be
valid at the API level. The other harnesses drive each SDK's generic client (CommonClient, call_api,
do_http_request); this one drives the service packages' typed request models and clients:

- tencent/: tencentcloud-sdk-python-es, `es_client.EsClient` with `models.<Action>Request`, one case per seed
  action whose Input Example does not contradict its own table (the example, given to the model's
  `from_json_string`, is what the typed client serializes);
- alibaba/: alibabacloud-elasticsearch20170613, `Client.create_instance_with_options(CreateInstanceRequest)` and
  `Client.upgrade_engine_version_with_options(InstanceId, UpgradeEngineVersionRequest)` (the seed examples,
  through the models' `from_map`);
- huawei/: huaweicloudsdkkafka `KafkaClient.create_instance_by_engine(CreateInstanceByEngineRequest)` and
  huaweicloudsdkecs `EcsClient.nova_create_servers(NovaCreateServersRequest)` (POST /v2.1/{project_id}/servers),
  the seed examples built into the typed models (each value converted to the type the model declares).

Same contract and machinery as the other harnesses (vectors/oracle/harness.py: bootstrap into
vectors/oracle/.venv-api with requirements.txt beside this file, network guard, capture server on 127.0.0.1,
writing and comparing); the determinism stand-ins and fictitious credentials are the ones of python/capture.py,
alibaba/capture.py and huawei/capture.py, loaded from those files.

Output: vectors/captures/sdk/api/<cloud>/<case>.http|.json and vectors/captures/sdk/api/keys.txt (all three clouds'
keys). `crates/cloudsig-cli/tests/sdk_api_captures.rs` verifies every capture (signature and API checks).
Usage and exit status as the other harnesses: [--check] [--out DIR]; 0 / 1 differs / 2 failure / 3 unreachable.
"""

import importlib.util
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(ORACLE))
sys.path.insert(0, ORACLE)
import harness  # noqa: E402  (vectors/oracle/harness.py: bootstrap, network guard, capture server)

sys.path.pop(0)


def load(name, rel):
    """Another harness's module (its cases are not run: only its constants and stand-ins are used)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ORACLE, rel))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


TC = load("oracle_tencent", "python/capture.py")
ALI = load("oracle_alibaba", "alibaba/capture.py")
HW = load("oracle_huawei", "huawei/capture.py")

SCHEMA = harness.SCHEMA
TIMESTAMP = 1551113065
REQUEST_ID = "00000000-0000-0000-0000-000000000000"
# One answer every SDK accepts: Tencent reads Response.RequestId, Alibaba the body's RequestId, Huawei request_id.
CANNED_BODY = json.dumps({"Response": {"RequestId": REQUEST_ID}, "RequestId": REQUEST_ID,
                          "request_id": REQUEST_ID}).encode("ascii")

TC_HOST = "es.tencentcloudapi.com"
TC_REGION = "ap-guangzhou"
ALI_HOST = "elasticsearch.cn-hangzhou.aliyuncs.com"

KEYS_TXT = (
    "# cloudsig: example keys, not secret (so their file mode is not warned about)\n"
    "# Fictitious credentials of the typed-client captures in this directory (vectors/oracle/api/), one line per\n"
    "# key pair of the three clouds: not real keys. Format: Id Secret\n"
    "%s %s\n%s %s\n%s %s\n" % (TC.SECRET_ID, TC.SECRET_KEY, ALI.AK_ID, ALI.AK_SECRET, HW.AK, HW.SK)
)


def spec_actions(rel):
    with open(os.path.join(REPO, "specs", rel), encoding="utf-8") as f:
        return json.load(f)["actions"]


def kebab(name):
    out = ""
    for ch in name:
        if ch.isupper() and out:
            out += "-"
        out += ch.lower()
    return out


def version_of(name):
    from importlib.metadata import version
    return version(name)


def meta_of(cloud, sdk, case, description, scheme, host, action, typed_call, given):
    return {
        "schema": SCHEMA, "cloud": cloud, "sdk": {"name": sdk, "version": version_of(sdk)}, "case": case,
        "description": description, "scheme": scheme, "timestamp": TIMESTAMP, "host": host, "action": action,
        "typed_call": typed_call, "given": given,
        "transport": "real endpoint over http, the SDK's proxy setting pointing at the capture server on "
                     "127.0.0.1 (absolute-form request line, real Host)",
    }


# ---------------------------------------------------------------------------
# Tencent: tencentcloud-sdk-python-es
# ---------------------------------------------------------------------------

def unflatten(query):
    """A query-form example (`Name.0=a&Name.1=b`) as the JSON the typed model takes (`{"Name": ["a", "b"]}`)."""
    out = {}
    for k, v in query.items():
        name, dot, index = k.partition(".")
        if dot and index.isdigit():
            out.setdefault(name, []).append(v)
        else:
            out[k] = v
    return out


def tencent_cases():
    cases = []
    for a in spec_actions("tencent/es-2018-04-16.json"):
        for i, ex in enumerate(a.get("examples") or []):
            if ex.get("contradiction"):
                continue  # the definitions' notes say why that example is expected to fail
            suffix = "" if len(a["examples"]) == 1 else "-%d" % (i + 1)
            cases.append(("es-" + kebab(a["name"]) + suffix,
                          "tencentcloud-sdk-python-es: EsClient.%s(models.%sRequest) from the seed's Input Example%s"
                          % (a["name"], a["name"], suffix.replace("-", " ")), {"action": a["name"], "body": ex["body"] if "body" in ex else unflatten(ex["query"])}))
    return cases


def run_tencent(case, description, s, det, server):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.es.v20180416 import es_client, models

    det.start(case)
    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=TC_HOST, reqMethod="POST",
                                                    reqTimeout=10, proxy=server.proxy))
    client = es_client.EsClient(credential.Credential(TC.SECRET_ID, TC.SECRET_KEY), TC_REGION, profile)
    req = getattr(models, s["action"] + "Request")()
    req.from_json_string(json.dumps(s["body"]))
    server.expect()
    resp = getattr(client, s["action"])(req)
    raw = server.take_one(case, ("POST http://%s/" % TC_HOST).encode())
    if resp.RequestId != REQUEST_ID or det.times == 0:
        raise RuntimeError("%s: no canned answer or the clock was not read" % case)
    meta = meta_of("tencent", "tencentcloud-sdk-python-es", case, description, "TC3-HMAC-SHA256", TC_HOST,
                   s["action"], "EsClient.%s(models.%sRequest().from_json_string(given))" % (s["action"], s["action"]),
                   s["body"])
    meta["region"] = TC_REGION
    return raw, meta


# ---------------------------------------------------------------------------
# Alibaba: alibabacloud-elasticsearch20170613
# ---------------------------------------------------------------------------

def alibaba_cases():
    """The seed's two operations; createInstance's document has no example body, so alibaba/capture.py's (built
    from the document's parameter table, with its clientToken) is used for both."""
    return [
        ("es-create-instance", "alibabacloud-elasticsearch20170613: Client.create_instance_with_options("
         "CreateInstanceRequest) with alibaba/capture.py's seed createInstance body and clientToken",
         {"action": "createInstance", "given": dict(ALI.ES_CREATE_BODY, clientToken=ALI.ES_CLIENT_TOKEN)}),
        ("es-upgrade-engine-version", "alibabacloud-elasticsearch20170613: Client.upgrade_engine_version_with_options("
         "InstanceId, UpgradeEngineVersionRequest) with the seed's example (and dryRun)",
         {"action": "UpgradeEngineVersion", "given": dict(ALI.ES_UPGRADE_BODY, dryRun=True)}),
    ]


def run_alibaba(case, description, s, det, server):
    from alibabacloud_elasticsearch20170613 import client as es_client, models
    from alibabacloud_tea_openapi import utils_models as open_api_models
    from darabonba.runtime import RuntimeOptions

    det.start(case)
    config = open_api_models.Config(access_key_id=ALI.AK_ID, access_key_secret=ALI.AK_SECRET, endpoint=ALI_HOST,
                                    protocol="http", http_proxy=server.proxy, read_timeout=10000,
                                    connect_timeout=10000)
    client = es_client.Client(config)
    runtime = RuntimeOptions(autoretry=False, max_attempts=0)
    given = s["given"]
    server.expect()
    if s["action"] == "UpgradeEngineVersion":
        instance_id = ALI.ES_INSTANCE
        req = models.UpgradeEngineVersionRequest().from_map(given)
        resp = client.upgrade_engine_version_with_options(instance_id, req, {}, runtime)
        call = "Client.upgrade_engine_version_with_options(%r, UpgradeEngineVersionRequest().from_map(given))" \
            % instance_id
    else:
        req = models.CreateInstanceRequest().from_map(given)
        resp = client.create_instance_with_options(req, {}, runtime)
        call = "Client.create_instance_with_options(CreateInstanceRequest().from_map(given))"
    raw = server.take_one(case, ("POST http://%s/" % ALI_HOST).encode())
    # The typed response keeps only the status here (its body model wants a Result the canned answer lacks).
    if resp.to_map().get("statusCode") != 200 or det.reads == 0:
        raise RuntimeError("%s: no canned answer or the clock was not read: %r" % (case, resp.to_map()))
    auth = harness.header_value(raw, b"authorization") or ""
    scheme = auth.split(" ", 1)[0] if auth else "?"
    return raw, meta_of("alibaba", "alibabacloud-elasticsearch20170613", case, description, scheme, ALI_HOST,
                        s["action"], call, given)


# ---------------------------------------------------------------------------
# Huawei: huaweicloudsdkkafka, huaweicloudsdkecs
# ---------------------------------------------------------------------------

PRIMITIVES = {"str": str, "int": int, "bool": lambda v: v if isinstance(v, bool) else str(v).lower() == "true",
              "float": float, "object": lambda v: v}


def typed(type_name, value, models):
    """`value` (JSON) as the model type `type_name` declares ('list[X]', 'dict(str, X)', 'int', 'Model')."""
    if value is None:
        return None
    if type_name.startswith("list["):
        return [typed(type_name[5:-1], v, models) for v in value]
    if type_name.startswith("dict("):
        inner = type_name[5:-1].split(",", 1)[1].strip()
        return {k: typed(inner, v, models) for k, v in value.items()}
    if type_name in PRIMITIVES:
        return PRIMITIVES[type_name](value)
    cls = getattr(models, type_name)
    by_json = {j: attr for attr, j in cls.attribute_map.items()}
    unknown = sorted(set(value) - set(by_json))
    if unknown:
        raise RuntimeError("%s has no attribute for %s" % (type_name, unknown))
    return cls(**{by_json[k]: typed(cls.openapi_types[by_json[k]], v, models) for k, v in value.items()})


def huawei_cases():
    ecs = [ex for ex in spec_actions("huawei/ecs-v2.1.json")[0]["examples"]]
    cases = [("kafka-create-instance", "huaweicloudsdkkafka: KafkaClient.create_instance_by_engine("
              "CreateInstanceByEngineRequest) from the seed's example (huawei/capture.py's fictitious ids)",
              {"product": "kafka", "body": HW.KAFKA_BODY})]
    for i, ex in enumerate(ecs):
        cases.append(("ecs-nova-create-servers-%d" % (i + 1), "huaweicloudsdkecs: EcsClient.nova_create_servers("
                      "NovaCreateServersRequest) from the seed's example %d" % (i + 1),
                      {"product": "ecs", "body": ex["body"]}))
    return cases


def run_huawei(case, description, s, server):
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    cfg = HttpConfig.get_default_config()
    cfg.proxy_protocol, cfg.proxy_host, cfg.proxy_port = "http", "127.0.0.1", server.port
    cfg.retry_times = 0
    cfg.timeout = (10, 10)
    cfg.user_agent = HW.USER_AGENT
    cred = BasicCredentials(HW.AK, HW.SK, HW.PROJECT_ID)
    if s["product"] == "kafka":
        from huaweicloudsdkkafka.v2 import KafkaClient
        import huaweicloudsdkkafka.v2.model as models
        host, cls = HW.DMS_HOST, KafkaClient
        req = models.CreateInstanceByEngineRequest(engine="kafka",
                                                   body=typed("CreateInstanceByEngineReq", s["body"], models))
        call = "KafkaClient.create_instance_by_engine(CreateInstanceByEngineRequest(engine='kafka', body=given))"
    else:
        from huaweicloudsdkecs.v2 import EcsClient
        import huaweicloudsdkecs.v2.model as models
        host, cls = HW.ECS_HOST, EcsClient
        req = models.NovaCreateServersRequest(body=typed("NovaCreateServersRequestBody", s["body"], models))
        call = "EcsClient.nova_create_servers(NovaCreateServersRequest(body=given))"
    client = cls.new_builder().with_http_config(cfg).with_credentials(cred).with_endpoint("http://" + host).build()
    server.expect()
    HW.FixedDatetime.reads = 0
    if s["product"] == "kafka":
        resp = client.create_instance_by_engine(req)
    else:
        resp = client.nova_create_servers(req)
    raw = server.take_one(case, ("POST http://%s/" % host).encode())
    if resp.status_code != 200 or HW.FixedDatetime.reads == 0:
        raise RuntimeError("%s: no canned answer or the clock was not read" % case)
    sdk = "huaweicloudsdk" + s["product"]
    return raw, meta_of("huawei", sdk, case, description, "SDK-HMAC-SHA256", host, call.split("(")[0], call,
                        s["body"])


def run_cases(server):
    """Inside the venv, behind the network guard: {cloud: {file: bytes}}."""
    import tencentcloud.common.abstract_client as tc_abstract
    import alibabacloud_tea_openapi.utils as tea_utils
    import huaweicloudsdkcore.signer.signer as hw_signer
    tc_det = TC.Determinism()
    tc_det.install(tc_abstract)
    ali_det = ALI.Determinism()
    ali_det.install_tea(tea_utils)
    hw_signer.datetime = HW.FixedDatetime
    os.environ["HTTP_PROXY"] = server.proxy  # Huawei's http endpoint takes the proxy from the environment
    return {
        "tencent": harness.capture_files(tencent_cases(), lambda *c: run_tencent(*c, tc_det, server)),
        "alibaba": harness.capture_files(alibaba_cases(), lambda *c: run_alibaba(*c, ali_det, server)),
        "huawei": harness.capture_files(huawei_cases(), lambda *c: run_huawei(*c, server)),
    }


HARNESS = harness.Harness(
    name="api/capture.py",
    script=__file__,
    venv=os.path.join(harness.ORACLE_DIR, ".venv-api"),
    requirements=os.path.join(HERE, "requirements.txt"),
    captures_root=os.path.join(harness.CAPTURES_SDK, "api"),
    canned_body=CANNED_BODY,
    real_host=TC_HOST,
    drop_env=("ALIBABA_CLOUD_", "ALICLOUD_", "TENCENTCLOUD_", "HUAWEICLOUD_", "DEBUG"),
    home=tempfile.gettempdir(),
)


if __name__ == "__main__":
    sys.exit(HARNESS.main(__doc__.split("\n")[0], run_cases, KEYS_TXT))
