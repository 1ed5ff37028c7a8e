#!/usr/bin/env node
// Differential harness, Node side: one official Node SDK signing random requests, offline.
//
//   node node_worker.js FAMILY      FAMILY: tencent-node | huawei-node | alibaba-tea-node
//
// Reads JSON lines {"id", "spec"} (drawn by gen.py) on standard input and writes one JSON line per spec:
// {"id", "raw": <base64 of the bytes received>} or {"id", "sdk_error"} (the SDK refused the request).
//
// tencent-node and huawei-node load the oracle's own capture.js (vectors/oracle/node/, vectors/oracle/huawei/node/)
// as a module: its network guard (net.Socket#connect and dns.lookup refuse everything but loopback / the capture
// server, installed before the SDK is loaded), its fixed clock, its capture server and its runCase. alibaba-tea-node
// loads @alicloud/openapi-client from alibaba-node/node_modules behind the same kind of guard, installed here
// before the SDK: tea-typescript 1.8 has no proxy option, so every http.Agent dials the capture server on
// 127.0.0.1 whatever host the URL names (the request keeps the real Host header, origin-form request line).
// Exit 3 when the family's SDK is not installed (its registry was unreachable): the caller skips the family.
"use strict";

const fs = require("fs");
const path = require("path");
const readline = require("readline");

const HERE = __dirname;
const ORACLE = path.dirname(HERE);
const family = process.argv[2];
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
// Whatever an SDK logs goes to standard error, never into the results.
console.log = (...a) => process.stderr.write(a.join(" ") + "\n");

function notInstalled(dir, what) {
  process.stderr.write(`node_worker.js: ${what} is not installed in ${dir}/node_modules ` +
    "(the oracle's npm ci did not run or the registry was unreachable)\n");
  process.exit(3);
}

function hexToBuffer(v) {
  return v && typeof v === "object" && Object.keys(v).length === 1 && "$hex" in v ? Buffer.from(v.$hex, "hex") : v;
}

// ------------------------------------------------------------------------------------------------------------
async function tencent() {
  const dir = path.join(ORACLE, "node");
  if (!fs.existsSync(path.join(dir, "node_modules", "tencentcloud-sdk-nodejs-common"))) {
    notInstalled(dir, "tencentcloud-sdk-nodejs-common");
  }
  const cap = require(path.join(dir, "capture.js"));
  const net = require("net");
  for (const probe of [() => net.connect(80, "127.0.0.2"), () => require("dns").lookup("cvm.tencentcloudapi.com", () => {})]) {
    let refused = false;
    try { probe(); } catch (e) { refused = true; }
    if (!refused) throw new Error("network guard inactive");
  }
  const srv = await cap.startServer();
  let n = 0;
  return {
    run: async (id, s) => {
      const c = {
        case: id, creds: s.cred === "temp" ? "temporary" : "permanent",
        scheme: s.skip_sign ? "SKIP" : s.sign, method: s.method, region: s.region, language: s.language,
        multipart: !!s.multipart, skipSign: !!s.skip_sign, params: s.params,
        octetStream: s.api === "call_octet_stream" ? hexToBuffer(s.body) : undefined,
      };
      if (c.octetStream) c.method = "POST";
      const { raw } = await cap.runCase(srv, c, n++);
      return raw;
    },
    close: () => srv.server.close(),
  };
}

// ------------------------------------------------------------------------------------------------------------
async function huawei() {
  const dir = path.join(ORACLE, "huawei", "node");
  if (!fs.existsSync(path.join(dir, "node_modules", "@huaweicloud", "huaweicloud-sdk-core"))) {
    notInstalled(dir, "@huaweicloud/huaweicloud-sdk-core");
  }
  const cap = require(path.join(dir, "capture.js"));
  const srv = await cap.startGuarded();
  return {
    run: async (id, s) => {
      const headers = Object.assign({}, s.headers || {});
      let contentType;
      for (const k of Object.keys(headers)) {
        if (k.toLowerCase() === "content-type") { contentType = headers[k]; delete headers[k]; }
      }
      let body = s.body === null ? undefined : s.body;
      if (body && typeof body === "object" && "$hex" in body) body = body.$hex; // text: the hex digits
      if (body !== undefined && contentType === undefined) contentType = "application/json";
      let query;
      if (s.query) {
        query = {};
        for (const [k, v] of s.query) {
          if (k in query) query[k] = [].concat(query[k], [v]);
          else query[k] = v;
        }
      }
      const spec = { cred: s.cred, host: s.host, algorithm: s.algorithm, method: s.method, path: s.path,
        contentType, pathParams: s.path_params || {}, query: query || {}, headers, body };
      srv.errors.length = 0;
      const { raw } = await cap.runCase(id, "differential", spec, srv);
      srv.captured.length = 0;
      return raw;
    },
    close: () => srv.server.close(),
  };
}

// ------------------------------------------------------------------------------------------------------------
// Alibaba: @alicloud/openapi-client (tea), Client.callApi(Params, OpenApiRequest, RuntimeOptions).
const TIMESTAMP = 1551113065;
const ALI = {
  ak: { id: "LTAI5tEXAMPLEEXAMPLE0000", secret: "EXAMPLEsecretEXAMPLEsecret0000" },
  sts: { id: "STS.NTEXAMPLEEXAMPLE0000000", secret: "EXAMPLEstsSecretEXAMPLEsts0000",
    token: "CAISEXAMPLEsecurityTokenEXAMPLE/+=0000" },
};

async function alibaba() {
  const dir = path.join(HERE, "alibaba-node");
  if (!fs.existsSync(path.join(dir, "node_modules", "@alicloud", "openapi-client"))) {
    notInstalled(dir, "@alicloud/openapi-client");
  }
  for (const v of Object.keys(process.env)) {
    if (/proxy$/i.test(v) || v.startsWith("ALIBABA_CLOUD_") || v.startsWith("ALICLOUD_")) delete process.env[v];
  }
  const net = require("net");
  const dns = require("dns");
  const http = require("http");
  // Network guard, before the SDK is loaded: loopback only, and only the capture server's port.
  let allowedPort = null;
  const connects = [];
  const realConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    let opts = args[0];
    if (Array.isArray(opts)) opts = opts[0];
    let host, port;
    if (opts !== null && typeof opts === "object") { host = opts.host; port = Number(opts.port); }
    else { port = Number(opts); host = typeof args[1] === "string" ? args[1] : "localhost"; }
    if (host !== "127.0.0.1" || port !== allowedPort) {
      throw new Error(`network guard: refusing to connect to ${host}:${port}`);
    }
    connects.push(`${host}:${port}`);
    return realConnect.apply(this, args);
  };
  const realLookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, ...rest) {
    if (hostname !== "127.0.0.1") throw new Error(`network guard: refusing to resolve ${hostname}`);
    return realLookup.call(dns, hostname, ...rest);
  };
  // Every agent dials the capture server (the SDK has no proxy option); the requested host is recorded.
  const dialled = [];
  http.Agent.prototype.createConnection = function loopback(options, cb) {
    dialled.push(`${options.host}:${options.port}`);
    const sock = net.connect({ host: "127.0.0.1", port: allowedPort });
    if (cb) sock.once("connect", () => cb(null, sock));
    return sock;
  };
  // Fixed clock; randomness (the nonces) from a per-request generator.
  const RealDate = Date;
  class FakeDate extends RealDate {
    constructor(...a) { if (a.length === 0) super(TIMESTAMP * 1000); else super(...a); }
    static now() { return TIMESTAMP * 1000; }
  }
  global.Date = FakeDate;
  let state = 1;
  Math.random = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 4294967296; };

  for (const probe of [() => net.connect(80, "127.0.0.2"), () => dns.lookup("ecs.aliyuncs.com", () => {})]) {
    let refused = false;
    try { probe(); } catch (e) { refused = true; }
    if (!refused) throw new Error("network guard inactive");
  }
  const OpenApi = require(path.join(dir, "node_modules", "@alicloud", "openapi-client"));
  const Client = OpenApi.default;
  const Util = require(path.join(dir, "node_modules", "@alicloud", "tea-util"));

  const captured = [];
  const canned = Buffer.from(JSON.stringify({ RequestId: "00000000-0000-0000-0000-000000000000" }));
  const server = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      let length = 0;
      let chunked = false;
      for (const line of buf.subarray(0, end).toString("latin1").split("\r\n").slice(1)) {
        const i = line.indexOf(":");
        const name = line.slice(0, i).trim().toLowerCase();
        if (name === "content-length") length = parseInt(line.slice(i + 1), 10);
        if (name === "transfer-encoding" && /chunked/i.test(line.slice(i + 1))) chunked = true;
      }
      if (chunked) { // httpx streams the body: read chunk by chunk up to the last (empty) chunk and its CRLF
        let at = end + 4;
        for (;;) {
          const eol = buf.indexOf("\r\n", at);
          if (eol < 0) return;
          const size = parseInt(buf.subarray(at, eol).toString("latin1").split(";")[0], 16);
          if (Number.isNaN(size)) { captured.push(new Error("bad chunk size")); sock.destroy(); return; }
          if (size === 0) {
            if (buf.length < eol + 4) return;
            length = eol + 4 - (end + 4);
            break;
          }
          at = eol + 2 + size + 2;
          if (buf.length < at) return;
        }
      }
      if (buf.length < end + 4 + length) return;
      captured.push(Buffer.from(buf.subarray(0, end + 4 + length)));
      sock.end("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + canned.length +
        "\r\nConnection: close\r\n\r\n" + canned.toString("latin1"));
    });
    sock.on("error", () => {});
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  allowedPort = server.address().port;

  return {
    run: async (id, s) => {
      let seed = 0;
      for (const ch of id) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
      state = seed || 1;
      const cred = ALI[s.cred];
      const config = new OpenApi.Config({ accessKeyId: cred.id, accessKeySecret: cred.secret,
        securityToken: cred.token, endpoint: s.host, protocol: "http" });
      if (s.algorithm) config.signatureAlgorithm = s.algorithm;
      const client = new Client(config);
      const params = new OpenApi.Params({ action: s.action, version: s.version, protocol: "HTTP",
        pathname: s.pathname, method: s.method, authType: "AK", style: s.style, reqBodyType: s.req_body_type,
        bodyType: s.body_type });
      const req = {};
      if (s.query) req.query = Object.assign({}, s.query);
      if (s.body) req.body = JSON.parse(JSON.stringify(s.body));
      if (s.headers) req.headers = Object.assign({}, s.headers);
      const runtime = new Util.RuntimeOptions({ autoretry: false, maxAttempts: 0, keepAlive: false });
      captured.length = 0;
      connects.length = 0;
      dialled.length = 0;
      const result = await client.callApi(params, new OpenApi.OpenApiRequest(req), runtime);
      if (captured.length !== 1 || !Buffer.isBuffer(captured[0])) {
        throw new Error(`${id}: ${captured.length} requests at the capture server (${captured[0]})`);
      }
      if (dialled.length !== 1 || dialled[0] !== `${s.host}:80` || connects.length !== 1) {
        throw new Error(`${id}: unexpected connections ${JSON.stringify({ dialled, connects })}`);
      }
      if (!result || !result.body || result.body.RequestId !== "00000000-0000-0000-0000-000000000000") {
        throw new Error(`${id}: not the canned response: ${JSON.stringify(result)}`);
      }
      return captured[0];
    },
    close: () => server.close(),
  };
}

// ------------------------------------------------------------------------------------------------------------
async function main() {
  const make = { "tencent-node": tencent, "huawei-node": huawei, "alibaba-tea-node": alibaba }[family];
  if (!make) {
    process.stderr.write("usage: node node_worker.js tencent-node|huawei-node|alibaba-tea-node\n");
    process.exit(2);
  }
  const worker = await make();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const item = JSON.parse(line);
    try {
      const raw = await worker.run(item.id, item.spec);
      out({ id: item.id, raw: raw.toString("base64") });
    } catch (e) {
      if (/network guard/.test(String(e && e.message))) throw e;
      out({ id: item.id, sdk_error: String(e && e.message ? e.message : e).slice(0, 300) });
    }
  }
  worker.close();
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("node_worker.js: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(2);
});
