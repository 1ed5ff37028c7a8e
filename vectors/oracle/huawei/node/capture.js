#!/usr/bin/env node
// Capture what the official Huawei Cloud Node SDK core (@huaweicloud/huaweicloud-sdk-core) signs and sends.
//
// Usage: node capture.js OUTDIR
//
// The SDK is given the real endpoint over http:// (so it signs the real host) and, through its own proxy option
// (ClientBuilder.withProxyAgent, an https-proxy-agent), a proxy at the capture server on 127.0.0.1. That agent
// tunnels every request with CONNECT, even for http:// URLs: the capture server answers the CONNECT and records
// the request that follows inside the tunnel (origin-form request line, headers as sent, body per
// Content-Length). net.Socket#connect and dns.lookup refuse anything but loopback before the SDK is loaded, and
// each case must arrive at the capture server as exactly one tunnel for the real host.
//
// Determinism: the clock is fixed (the signer reads moment(), i.e. Date.now / new Date()). No random ids are
// drawn on these paths. The User-Agent is set (customUserAgent), so the SDK does not build its default one.
"use strict";

const fs = require("fs");
const path = require("path");
const net = require("net");
const dns = require("dns");

const LOOPBACK = "127.0.0.1";
for (const v of ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
  "NO_PROXY"]) {
  delete process.env[v];
}
for (const v of Object.keys(process.env)) if (v.startsWith("HUAWEICLOUD_")) delete process.env[v];
let allowedPort = null;
const connects = [];
const realSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0];
  if (Array.isArray(opts)) opts = opts[0];
  let host, port;
  if (opts !== null && typeof opts === "object") {
    host = opts.host === undefined || opts.host === null ? "localhost" : String(opts.host);
    port = Number(opts.port);
  } else {
    port = Number(opts);
    host = typeof args[1] === "string" ? args[1] : "localhost";
  }
  if (host !== LOOPBACK || port !== allowedPort) {
    throw new Error(`network guard: refusing to connect to ${host}:${port} (only the capture server)`);
  }
  connects.push(`${host}:${port}`);
  return realSocketConnect.apply(this, args);
};
const realLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (hostname !== LOOPBACK) throw new Error(`network guard: refusing to resolve ${hostname}`);
  return realLookup.call(dns, hostname, ...rest);
};

const TIMESTAMP = 1551113065; // 2019-02-25T16:44:25Z
const X_SDK_DATE = "20190225T164425Z";
const RealDate = Date;
let clockReads = 0;
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      clockReads++;
      super(TIMESTAMP * 1000);
    } else super(...args);
  }
  static now() {
    clockReads++;
    return TIMESTAMP * 1000;
  }
}
global.Date = FakeDate;

const HERE = __dirname;
const corePkg = require.resolve("@huaweicloud/huaweicloud-sdk-core/package.json", { paths: [HERE] });
const coreDir = path.dirname(corePkg);
const SDK_NAME = "@huaweicloud/huaweicloud-sdk-core";
const SDK_VERSION = JSON.parse(fs.readFileSync(corePkg, "utf8")).version;
const { BasicCredentials, GlobalCredentials, Region } = require(coreDir);
const { ClientBuilder } = require(path.join(coreDir, "ClientBuilder"));

const AK = "HUAWEIEXAMPLEAK00001", SK = "HuaweiExampleSecretKeyEXAMPLE000000000000";
const TEMP_AK = "HUAWEIEXAMPLETEMPAK2", TEMP_SK = "HuaweiExampleTempSecretKeyEXAMPLE00000000";
const TEMP_TOKEN = "HuaweiExampleSecurityToken+/=EXAMPLE0000";
const PROJECT_ID = "9c53a566cb3443ab910cf0daebca90c4";
const DOMAIN_ID = "0123456789abcdef0123456789abcdef";
const REGION = "cn-north-4";
const ECS_HOST = "ecs.cn-north-4.myhuaweicloud.com";
const DMS_HOST = "dms.cn-north-4.myhuaweicloud.com";
const IAM_HOST = "iam.myhuaweicloud.com";
const USER_AGENT = "cloudsig-oracle";
const REQUEST_ID = "00000000000000000000000000000000";
const CANNED = Buffer.from(JSON.stringify({ request_id: REQUEST_ID }));

// The same seed bodies as the Python harness (vectors/oracle/huawei/capture.py).
const KAFKA_BODY = {
  name: "kafka-test", description: "", engine: "kafka", engine_version: "2.7", storage_space: 300,
  vpc_id: "1e93f86e-9b4a-44c5-a964-1f7c2b3e4d5a", subnet_id: "0c5b6a1d-8fbf-4438-ba71-2a3b4c5d6e7f",
  security_group_id: "3a4b5c6d-e073-4aad-991f-4b5c6d7e8f90", available_zones: ["9f1c0f4c706d4c1fb0eb72f0e1d2c3b4"],
  product_id: "c6.2u4g.cluster", ssl_enable: true, kafka_security_protocol: "SASL_SSL",
  sasl_enabled_mechanisms: ["SCRAM-SHA-512"], storage_spec_code: "dms.physical.storage.ultra.v2", broker_num: 3,
  arch_type: "X86", enterprise_project_id: "0", access_user: "user01", password: "Example@Pass123",
  enable_publicip: true, tags: [{ key: "aaa", value: "111" }], retention_policy: "time_base",
  disk_encrypted_enable: true, disk_encrypted_key: "5e6f7a8b-b953-4875-a743-9c0d1e2f3a4b", vpc_client_plain: true,
  enable_auto_topic: true,
};
const ECS_BODY = { server: {
  flavorRef: "2", name: "wjvm48", metadata: { name: "name_xx1", id: "id_xxxx1" },
  block_device_mapping_v2: [{ source_type: "image", destination_type: "volume",
    uuid: "b023fe17-11db-4efb-b800-78882a0e394b", delete_on_termination: "False", boot_index: "0",
    volume_type: "SAS", volume_size: "40" }],
  security_groups: [{ name: "name_xx5_sg" }],
  networks: [{ uuid: "fd40e6f8-942d-4b4e-a7ae-465287b02a2c", port: "e730a11c-1a19-49cc-8797-cee2ad67af6f",
    fixed_ip: "" }],
  key_name: "test", user_data: "ICAgICAgDQoiQSBjbG91ZCBkb2VzIG5vdCBrbm93IHdoeSBpdCBtb3Zlcy4uLiINCg==",
  availability_zone: "az1-dc1" } };
// Node SDKs take the query as an object: repeated keys as an array (sorted by the signer).
const QUERY = { name: "vm one*two~three", limit: 10, flavor: "s3.small.1", tags: ["k=v+w/x%y", "a&b", "~x", "\u00e9"],
  name_cn: "\u4e91\u670d\u52a1\u5668 caf\u00e9", marker: "", Zone: "az1", "not-tags": "\u{1F600}", detail: true };

function cases() {
  const base = { algorithm: "SHA256", cred: "basic", host: ECS_HOST, query: {}, headers: {}, body: undefined,
    pathParams: {}, contentType: "application/json;charset=UTF-8" };
  const out = [];
  const add = (name, description, spec) => out.push([name, description, Object.assign({}, base, spec)]);
  for (const [alg, prefix] of [["SHA256", "sha256"], ["V11", "v11"]]) {
    add(`${prefix}-dms-kafka-create-instance`,
      `Seed: DMS Kafka POST /v2/{engine}/{project_id}/instances with the seed's JSON body (${alg})`,
      { algorithm: alg, host: DMS_HOST, method: "POST", path: "/v2/{engine}/{project_id}/instances",
        pathParams: { engine: "kafka" }, body: KAFKA_BODY });
    add(`${prefix}-ecs-create-server`, `Seed: ECS POST /v2.1/{project_id}/servers, example-1 body (${alg})`,
      { algorithm: alg, method: "POST", path: "/v2.1/{project_id}/servers", body: ECS_BODY });
    add(`${prefix}-get-query`, `GET with a query the signer sorts and encodes (${alg})`,
      { algorithm: alg, method: "GET", path: "/v1/{project_id}/cloudservers/detail", query: QUERY });
    add(`${prefix}-token`, `Temporary credentials: X-Security-Token (${alg})`,
      { algorithm: alg, cred: "temp", method: "GET", path: "/v1/{project_id}/cloudservers/detail",
        query: { limit: 1 } });
  }
  add("sha256-path-encoding", "Path parameters needing encoding (the Node SDK inserts them unencoded)",
    { method: "DELETE", path: "/v1/{project_id}/tags/{key}", pathParams: { key: "a b:c~d*e'f,g@h\u540d" } });
  add("sha256-path-unencoded", "Path parameter with ':', '@', ',', '*', '~' and CJK (no space, no quote): reproducible",
    { method: "DELETE", path: "/v1/{project_id}/tags/{key}", pathParams: { key: "k:v@w,x*y~z\u540d" } });
  add("sha256-global-domain", "GlobalCredentials: X-Domain-Id",
    { cred: "global", host: IAM_HOST, method: "GET", path: "/v3/projects", query: { name: REGION } });
  add("sha256-headers", "Caller headers: X-Custom (value with inner spaces), X_Under_Score; JSON with CJK/emoji",
    { method: "PUT", path: "/v1/{project_id}/cloudservers/{server_id}",
      pathParams: { server_id: "567c1557-0eca-422c-bfce-149d6b8f1bb8" },
      headers: { "X-Custom": "inner  spaces", "X_Under_Score": "value" },
      body: { server: { name: "\u540d\u5b57 \"q\" \\ /", description: "\u{1F600}" } } });
  add("sha256-get-empty", "GET without query or body", { method: "GET", path: "/v1/{project_id}/cloudservers/flavors" });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Capture server: answers CONNECT (the SDK's proxy agent tunnels even http://), then records the request.
function startServer() {
  const captured = [];
  const errors = [];
  const server = net.createServer((sock) => {
    if (sock.remoteAddress !== LOOPBACK && sock.remoteAddress !== "::ffff:127.0.0.1") {
      errors.push(`peer ${sock.remoteAddress}`);
      sock.destroy();
      return;
    }
    let buf = Buffer.alloc(0);
    let tunnel = null;
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1");
        const lines = head.split("\r\n");
        if (tunnel === null) {
          const m = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(lines[0]);
          if (!m) {
            errors.push(`expected CONNECT, got ${JSON.stringify(lines[0])}`);
            sock.destroy();
            return;
          }
          tunnel = m[1];
          buf = buf.subarray(end + 4);
          sock.write("HTTP/1.1 200 Connection established\r\n\r\n");
          continue;
        }
        let length = 0;
        for (const line of lines.slice(1)) {
          const i = line.indexOf(":");
          const name = line.slice(0, i).trim().toLowerCase();
          if (name === "content-length") length = parseInt(line.slice(i + 1).trim(), 10);
          if (name === "transfer-encoding") errors.push("Transfer-Encoding not supported");
        }
        if (buf.length < end + 4 + length) return;
        captured.push({ tunnel, raw: Buffer.from(buf.subarray(0, end + 4 + length)) });
        buf = buf.subarray(end + 4 + length);
        sock.end("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + CANNED.length +
          "\r\nConnection: close\r\n\r\n" + CANNED.toString("latin1"));
        return;
      }
    });
    sock.on("error", (e) => errors.push(String(e)));
  });
  return new Promise((resolve) => server.listen(0, LOOPBACK, () => resolve({ server, captured, errors })));
}

async function runCase(name, description, s, srv) {
  let cred, credInfo;
  if (s.cred === "global") {
    cred = new GlobalCredentials().withAk(AK).withSk(SK).withDomainId(DOMAIN_ID);
    credInfo = { ak: AK, sk: SK, security_token: null, domain_id: DOMAIN_ID };
  } else if (s.cred === "temp") {
    cred = new BasicCredentials().withAk(TEMP_AK).withSk(TEMP_SK).withSecurityToken(TEMP_TOKEN)
      .withProjectId(PROJECT_ID);
    credInfo = { ak: TEMP_AK, sk: TEMP_SK, security_token: TEMP_TOKEN, project_id: PROJECT_ID };
  } else {
    cred = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT_ID);
    credInfo = { ak: AK, sk: SK, security_token: null, project_id: PROJECT_ID };
  }
  const service = s.host.split(".")[0];
  const endpoint = `http://${s.host}`;
  let builder = new ClientBuilder((hc) => hc).withCredential(cred)
    .withProxyAgent(`http://${LOOPBACK}:${srv.server.address().port}`)
    .withOptions({ customUserAgent: USER_AGENT });
  if (s.algorithm === "V11") {
    // As in Python: the default predicate picks derived auth only for non-huaweicloud hosts.
    cred.withDerivedPredicate(() => true);
    builder = builder.withRegion(new Region(REGION, endpoint)).withDerivedAuthServiceName(service);
  } else {
    builder = builder.withEndpoint(endpoint);
  }
  const client = builder.build();
  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  const options = { method: s.method, url: s.path, contentType: s.contentType, pathParams: clone(s.pathParams),
    queryParams: clone(s.query), headers: clone(s.headers), data: clone(s.body) };
  connects.length = 0;
  clockReads = 0;
  const before = srv.captured.length;
  const result = await client.sendRequest(options);
  if (srv.errors.length) throw new Error(`${name}: capture server errors: ${srv.errors.join("; ")}`);
  if (srv.captured.length !== before + 1) throw new Error(`${name}: expected one request at the capture server`);
  if (connects.length !== 1) throw new Error(`${name}: expected one connection, got ${connects.join(", ")}`);
  if (!result || result.request_id !== REQUEST_ID) throw new Error(`${name}: not the canned response`);
  if (clockReads === 0) throw new Error(`${name}: the fixed clock was not read`);
  const { tunnel, raw } = srv.captured[before];
  if (tunnel !== `${s.host}:80`) throw new Error(`${name}: tunnel to ${tunnel}`);
  const head = raw.subarray(0, raw.indexOf("\r\n\r\n")).toString("latin1");
  if (!head.includes(`X-Sdk-Date: ${X_SDK_DATE}`)) throw new Error(`${name}: X-Sdk-Date is not the fixed time`);
  const auth = head.split("\r\n").find((l) => l.toLowerCase().startsWith("authorization:"));
  const scheme = auth ? auth.split(":")[1].trim().split(" ")[0] : null;
  const want = s.algorithm === "V11" ? "V11-HMAC-SHA256" : "SDK-HMAC-SHA256";
  if (scheme !== want) throw new Error(`${name}: scheme ${scheme}, expected ${want}`);
  const meta = {
    schema: "cloudsig-sdk-capture/1", cloud: "huawei", sdk: { name: SDK_NAME, version: SDK_VERSION }, case: name,
    description, scheme, credentials: credInfo, timestamp: TIMESTAMP, x_sdk_date: X_SDK_DATE, host: s.host,
    region: s.algorithm === "V11" ? REGION : null, service: s.algorithm === "V11" ? service : null,
    signing_algorithm: s.algorithm, method: s.method, path: s.path, path_params: s.pathParams, query: s.query,
    headers: s.headers, content_type: s.contentType, body: s.body === undefined ? null : s.body,
    user_agent: USER_AGENT,
    transport: `endpoint ${endpoint}, ClientBuilder.withProxyAgent("http://127.0.0.1:<port>"): CONNECT ${s.host}:80, ` +
      "then the request in the tunnel (origin-form request line)",
  };
  return { raw, meta };
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}
function dumpJson(obj) {
  // 2-space indent, sorted keys, ASCII only (\u escapes), trailing newline: the Python harness's format.
  return JSON.stringify(sortKeys(obj), null, 2).replace(/[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) + "\n";
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) throw new Error("usage: node capture.js OUTDIR");
  for (const probe of [() => dns.lookup(ECS_HOST, () => {}), () => net.connect(80, "127.0.0.2")]) {
    let refused = false;
    try { probe(); } catch (e) { refused = true; }
    if (!refused) throw new Error("network guard inactive");
  }
  const srv = await startServer();
  allowedPort = srv.server.address().port;
  const files = {};
  try {
    for (const [name, description, s] of cases()) {
      const { raw, meta } = await runCase(name, description, s, srv);
      files[`${name}.http`] = raw;
      files[`${name}.json`] = Buffer.from(dumpJson(meta), "ascii");
    }
  } finally {
    srv.server.close();
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) {
    if ((f.endsWith(".http") || f.endsWith(".json")) && !(f in files)) fs.unlinkSync(path.join(outDir, f));
  }
  for (const [f, data] of Object.entries(files)) fs.writeFileSync(path.join(outDir, f), data);
  console.log(`captured ${Object.keys(files).length / 2} requests with ${SDK_NAME} ${SDK_VERSION} into ${outDir}`);
}

if (require.main === module) {
  main().then(() => process.exit(0), (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(3);
  });
} else {
  // Loaded by the differential harness (vectors/oracle/differential/node_worker.js): same guard, clock and server.
  const startGuarded = async () => {
    for (const probe of [() => dns.lookup(ECS_HOST, () => {}), () => net.connect(80, "127.0.0.2")]) {
      let refused = false;
      try { probe(); } catch (e) { refused = true; }
      if (!refused) throw new Error("network guard inactive");
    }
    const srv = await startServer();
    allowedPort = srv.server.address().port;
    return srv;
  };
  module.exports = { startGuarded, runCase, SDK_VERSION };
}
