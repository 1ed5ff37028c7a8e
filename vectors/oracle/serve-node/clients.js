#!/usr/bin/env node
// The official Node SDKs as clients of `cloudsig serve` (emulator mode) on 127.0.0.1, their endpoint setting
// pointed at the server over http:
//   tencentcloud-sdk-nodejs-common (CommonClient), @alicloud/openapi-client (Client.callApi, RPC style),
//   @huaweicloud/huaweicloud-sdk-core (ClientBuilder ... sendRequest).
// With the right key each call succeeds and the SDK parses the answer; with a wrong key, an unknown key id, a
// clock an hour behind and a replayed nonce the SDK raises its own error carrying the cloud's code:
//   Tencent  TencentCloudSDKHttpException .code: AuthFailure.SignatureFailure / AuthFailure.SecretIdNotFound /
//            AuthFailure.SignatureExpire / InvalidParameterValue (a v1 HmacSHA256 call sent twice, one Nonce)
//   Alibaba  the Tea error's .code and .data.statusCode: SignatureDoesNotMatch 400 / InvalidAccessKeyId.NotFound
//            404 / InvalidTimeStamp.Expired 400 / SignatureNonceUsed 400 (two calls with one SignatureNonce)
// An action with a documented success example (Tencent es GetRequestTargetNodeTypes, Alibaba ROA
// UpgradeEngineVersion, Huawei DMS Kafka CreateInstance) is answered with that example and parsed.
//   Huawei   ClientRequestException .errorCode APIGW.0301, .httpStatusCode 401 (the message tells the cases
//            apart: signature / unknown AK / expired date), .requestId from X-Request-Id; SDK-HMAC has no
//            nonce, so there is no replay case.
//
// Usage: CLOUDSIG_SERVE_KEY_FILE=FILE node clients.js HOST:PORT
// FILE is the server's key file (written by serve_clients.py): its lines are the Tencent, Alibaba and Huawei
// keys, in that order. Exit 0 when every case behaves as above, 2 otherwise.
"use strict";

const fs = require("fs");
const http = require("http");
const net = require("net");
const dns = require("dns");
const path = require("path");

const LOOPBACK = "127.0.0.1";
const HERE = __dirname;

// Network guard: only loopback, before any SDK is loaded.
for (const v of ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]) {
  delete process.env[v];
}
const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0];
  if (Array.isArray(opts)) opts = opts[0];
  const host = opts && typeof opts === "object" ? String(opts.host) : typeof args[1] === "string" ? args[1] : "";
  if (host !== LOOPBACK) throw new Error(`network guard: refusing to connect to ${host}`);
  return realConnect.apply(this, args);
};
const realLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (hostname !== LOOPBACK) throw new Error(`network guard: refusing to resolve ${hostname}`);
  return realLookup.call(dns, hostname, ...rest);
};

// The SDKs' clock, shifted on demand (TC3 reads `new Date()`, v1 and moment `Date.now()`).
const RealDate = Date;
let shiftMs = 0;
class ShiftedDate extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(RealDate.now() + shiftMs);
    else super(...a);
  }
  static now() {
    return RealDate.now() + shiftMs;
  }
}
global.Date = ShiftedDate;
async function hourBehind(call) {
  shiftMs = -3600 * 1000;
  try {
    return await call();
  } finally {
    shiftMs = 0;
  }
}

const endpoint = process.argv[2];
const keyFile = process.env.CLOUDSIG_SERVE_KEY_FILE;
if (!endpoint || !keyFile) {
  console.error("usage: CLOUDSIG_SERVE_KEY_FILE=FILE node clients.js HOST:PORT");
  process.exit(2);
}
const [[TC_ID, TC_KEY], [ALI_ID, ALI_KEY], [HW_AK, HW_SK]] = fs.readFileSync(keyFile, "utf8").trim().split("\n")
  .map((l) => l.trim().split(/\s+/));
const PROJECT_ID = "0123456789abcdef0123456789abcdef";
// The documented success examples the emulator answers with (the seed documents in specs/seeds/).
const DOC_TC_REQUEST_ID = "8fd57721-808b-4f21-8f6b-51bca79ff1xx"; // GetRequestTargetNodeTypes' example RequestId
const DOC_ALI_REQUEST_ID = "F99407AB-2FA9-489E-A259-40CF6DC****"; // UpgradeEngineVersion's sample RequestId
const DOC_HW_INSTANCE_ID = "8959ab1c-7n1a-yyb1-a05t-93dfc361b32d"; // DMS Kafka CreateInstance's instance_id

const need = (name) => require(require.resolve(name, { paths: [HERE] }));

// Each SDK's error fields: code, HTTP status, message.
function errorFields(e) {
  return {
    code: e.errorCode || e.code,
    status: e.httpStatusCode || (e.data && e.data.statusCode),
    message: String(e.errorMsg || e.message || e),
  };
}

async function expectError(name, call, code, status, message) {
  let result;
  try {
    result = await call();
  } catch (e) {
    const got = errorFields(e);
    if (got.code !== code || (status !== undefined && got.status !== status) ||
        (message !== undefined && !got.message.includes(message))) {
      throw new Error(`${name}: expected ${status || ""} ${code}${message ? ` (${message})` : ""}, got ` +
        `${got.status} ${got.code} (${e.constructor.name}: ${got.message})`);
    }
    console.log(`ok node ${name}: ${e.constructor.name} with ${code}${status ? ` (${status})` : ""}`);
    return e;
  }
  throw new Error(`${name}: no error, expected ${code}; got ${JSON.stringify(result)}`);
}

// tencentcloud-sdk-nodejs-common 4.1.220 signs the endpoint's host without its port (TC3 `host:127.0.0.1` while
// it sends `Host: 127.0.0.1:PORT`; `cloudsig verify --explain` names it: cause host-port), so with a server on
// another port than 80 its endpoint setting cannot name the server. It keeps the cloud's endpoint and is given
// an http.Agent (its httpProfile.agent setting) that dials the server instead.
function serverAgent() {
  const [host, port] = endpoint.split(":");
  const agent = new http.Agent({ keepAlive: false });
  agent.createConnection = (options, cb) => {
    const sock = net.connect({ host, port: Number(port) });
    if (cb) sock.once("connect", () => cb(null, sock));
    return sock;
  };
  return agent;
}

async function tencent() {
  const { CommonClient } = need("tencentcloud-sdk-nodejs-common");
  const client = (secretId, secretKey, signMethod = "TC3-HMAC-SHA256") =>
    new CommonClient("cvm.tencentcloudapi.com", "2017-03-12", {
      credential: { secretId, secretKey },
      region: "ap-guangzhou",
      profile: { signMethod, httpProfile: { protocol: "http://", reqTimeout: 10, agent: serverAgent() } },
    });
  const ok = await client(TC_ID, TC_KEY).request("DescribeInstances", { Limit: 1 });
  if (!ok || !ok.RequestId || ok.Error) throw new Error(`tencent success: ${JSON.stringify(ok)}`);
  console.log(`ok node tencent success: parsed, RequestId ${ok.RequestId}`);
  // An action with a documented output example: that body, with a fresh RequestId.
  const es = new CommonClient("es.tencentcloudapi.com", "2018-04-16", {
    credential: { secretId: TC_ID, secretKey: TC_KEY },
    region: "ap-guangzhou",
    profile: { httpProfile: { protocol: "http://", reqTimeout: 10, agent: serverAgent() } },
  });
  const doc = await es.request("GetRequestTargetNodeTypes", { InstanceId: "es-xxxxxxxx" });
  if (JSON.stringify(doc.TargetNodeTypes) !== '["hot","warm"]' || !doc.RequestId || doc.RequestId === DOC_TC_REQUEST_ID) {
    throw new Error(`tencent documented example: ${JSON.stringify(doc)}`);
  }
  console.log(`ok node tencent documented example parsed: TargetNodeTypes ${doc.TargetNodeTypes}`);
  await expectError("tencent wrong key", () => client(TC_ID, "wrongKey").request("DescribeInstances", {}),
    "AuthFailure.SignatureFailure");
  await expectError("tencent unknown id", () => client("AKIDnobodyAtAll", TC_KEY).request("DescribeInstances", {}),
    "AuthFailure.SecretIdNotFound");
  await expectError("tencent expired clock",
    () => hourBehind(() => client(TC_ID, TC_KEY).request("DescribeInstances", {})), "AuthFailure.SignatureExpire");
  // v1: Nonce = Math.round(Math.random() * 65535); the same twice.
  const realRandom = Math.random;
  Math.random = () => 4242 / 65535;
  try {
    const first = await client(TC_ID, TC_KEY, "HmacSHA256").request("DescribeInstances", { Limit: 1 });
    if (!first || !first.RequestId || first.Error) throw new Error(`tencent v1: ${JSON.stringify(first)}`);
    console.log("ok node tencent v1 HmacSHA256 success: parsed");
    await expectError("tencent replayed nonce",
      () => client(TC_ID, TC_KEY, "HmacSHA256").request("DescribeInstances", { Limit: 1 }), "InvalidParameterValue");
  } finally {
    Math.random = realRandom;
  }
}

async function alibaba() {
  const openapiDir = path.dirname(require.resolve("@alicloud/openapi-client/package.json", { paths: [HERE] }));
  const OpenApi = require(openapiDir);
  const Util = require(require.resolve("@alicloud/tea-util", { paths: [openapiDir] }));
  const call = (accessKeyId, accessKeySecret) => {
    const config = new OpenApi.Config({ accessKeyId, accessKeySecret, endpoint, protocol: "http",
      readTimeout: 10000, connectTimeout: 10000 });
    const params = new OpenApi.Params({ action: "DescribeRegions", version: "2014-05-26", protocol: "HTTP",
      pathname: "/", method: "POST", authType: "AK", style: "RPC", reqBodyType: "json", bodyType: "json" });
    const runtime = new Util.RuntimeOptions({ autoretry: false, maxAttempts: 0 });
    return new OpenApi.default(config).callApi(params, new OpenApi.OpenApiRequest({}), runtime);
  };
  const ok = await call(ALI_ID, ALI_KEY);
  if (ok.statusCode !== 200 || !ok.body || !ok.body.RequestId) throw new Error(`alibaba success: ${JSON.stringify(ok)}`);
  console.log(`ok node alibaba success: parsed, RequestId ${ok.body.RequestId}`);
  // ROA UpgradeEngineVersion: its documented sample response, with a fresh RequestId.
  const roa = new OpenApi.default(new OpenApi.Config({ accessKeyId: ALI_ID, accessKeySecret: ALI_KEY, endpoint,
    protocol: "http", readTimeout: 10000, connectTimeout: 10000 }));
  const doc = await roa.callApi(new OpenApi.Params({ action: "UpgradeEngineVersion", version: "2017-06-13",
    protocol: "HTTP", pathname: "/openapi/instances/es-cn-n6w1o1x0w001c/actions/upgrade-version", method: "POST",
    authType: "AK", style: "ROA", reqBodyType: "json", bodyType: "json" }),
  new OpenApi.OpenApiRequest({ body: { version: "ali1.2.0", type: "aliVersion" } }),
  new Util.RuntimeOptions({ autoretry: false, maxAttempts: 0 }));
  const result = doc.body && doc.body.Result;
  if (!Array.isArray(result) || result[0].validateType !== "checkClusterHealth" || !doc.body.RequestId ||
      doc.body.RequestId === DOC_ALI_REQUEST_ID) {
    throw new Error(`alibaba documented example: ${JSON.stringify(doc.body)}`);
  }
  console.log(`ok node alibaba documented example parsed: Result[0].validateType ${result[0].validateType}`);
  await expectError("alibaba wrong key", () => call(ALI_ID, "wrongKey"), "SignatureDoesNotMatch", 400);
  await expectError("alibaba unknown id", () => call("LTAInobodyAtAll", ALI_KEY), "InvalidAccessKeyId.NotFound", 404);
  await expectError("alibaba expired clock", () => hourBehind(() => call(ALI_ID, ALI_KEY)),
    "InvalidTimeStamp.Expired", 400);
  const realNonce = Util.default.getNonce;
  Util.default.getNonce = () => `cloudsig-serve-node-one-nonce-${process.pid}`;
  try {
    const first = await call(ALI_ID, ALI_KEY);
    if (first.statusCode !== 200) throw new Error("alibaba: the first use of the nonce was not accepted");
    console.log("ok node alibaba first use of a fixed SignatureNonce: accepted");
    await expectError("alibaba replayed nonce", () => call(ALI_ID, ALI_KEY), "SignatureNonceUsed", 400);
  } finally {
    Util.default.getNonce = realNonce;
  }
}

async function huawei() {
  const coreDir = path.dirname(require.resolve("@huaweicloud/huaweicloud-sdk-core/package.json", { paths: [HERE] }));
  const { BasicCredentials } = require(coreDir);
  const { ClientBuilder } = require(path.join(coreDir, "ClientBuilder"));
  // The core logs every error response at length through log4js (request config included): keep it quiet, the
  // checks below print what matters.
  require(require.resolve("log4js", { paths: [coreDir] })).getLogger().level = "off";
  const call = (ak, sk) => {
    const cred = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(PROJECT_ID);
    const client = new ClientBuilder((hc) => hc).withCredential(cred).withEndpoint(`http://${endpoint}`).build();
    return client.sendRequest({ method: "GET", url: "/v1/{project_id}/cloudservers/detail", pathParams: {},
      queryParams: { limit: 1 }, headers: {} });
  };
  const ok = await call(HW_AK, HW_SK);
  if (!ok || ok.httpStatusCode !== 200) throw new Error(`huawei success: ${JSON.stringify(ok)}`);
  console.log(`ok node huawei success: parsed (status ${ok.httpStatusCode})`);
  // DMS Kafka CreateInstance: its documented example response. The body holds the required fields of its
  // definition (specs/huawei/kafka-v2.json) with the document's example values: `cloudsig serve` checks them.
  const create = (data) => {
    const cred = new BasicCredentials().withAk(HW_AK).withSk(HW_SK).withProjectId(PROJECT_ID);
    return new ClientBuilder((hc) => hc).withCredential(cred).withEndpoint(`http://${endpoint}`).build()
      .sendRequest({ method: "POST", url: "/v2/{engine}/{project_id}/instances", pathParams: { engine: "kafka" },
        queryParams: {}, headers: { "Content-Type": "application/json" }, contentType: "application/json", data });
  };
  const doc = await create({ name: "kafka-test", engine: "kafka", engine_version: "3.x", broker_num: 3,
    storage_space: 300, vpc_id: "********-9b4a-44c5-a964-************",
    security_group_id: "********-e073-4aad-991f-************", subnet_id: "********-8fbf-4438-ba71-************",
    available_zones: ["********706d4c1fb0eb72f0********"], product_id: "c6.2u4g.cluster",
    storage_spec_code: "dms.physical.storage.ultra.v2" });
  if (!doc || doc.instance_id !== DOC_HW_INSTANCE_ID) throw new Error(`huawei documented example: ${JSON.stringify(doc)}`);
  console.log(`ok node huawei documented example parsed: instance_id ${doc.instance_id}`);
  // Signed right, but the required parameters missing: DMS's own parameter error (400).
  await expectError("huawei missing parameters", () => create({ name: "kafka-demo", engine: "kafka" }),
    "DMS.00400062", 400, "Invalid request parameter.");
  const e = await expectError("huawei wrong key", () => call(HW_AK, "wrongSecretKey"), "APIGW.0301", 401,
    "verify aksk signature fail");
  if (!e.requestId) throw new Error("huawei wrong key: no requestId");
  await expectError("huawei unknown id", () => call("HWAKNOBODYATALL", HW_SK), "APIGW.0301", 401, "not exist");
  await expectError("huawei expired clock", () => hourBehind(() => call(HW_AK, HW_SK)), "APIGW.0301", 401,
    "signature expired");
}

(async () => {
  let failed = 0;
  for (const [name, run] of [["tencent", tencent], ["alibaba", alibaba], ["huawei", huawei]]) {
    try {
      await run();
    } catch (e) {
      failed += 1;
      console.log(`FAILED node ${name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  process.exit(failed ? 2 : 0);
})();
