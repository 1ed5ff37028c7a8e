#!/usr/bin/env node
// Capture what the official Tencent Cloud Node SDK (tencentcloud-sdk-nodejs-common) sends on the wire.
//
// Usage: node capture.js OUTDIR
//
// The SDK is told the real endpoint (cvm.tencentcloudapi.com over http://) so that it signs the real host,
// but every TCP connection is dialled to a capture server on 127.0.0.1 by a custom http.Agent. The capture
// server records the exact request bytes (request line, headers as sent, body per Content-Length) and answers
// HTTP 200 with an empty successful Response. Nothing ever leaves the loopback interface: net.Socket#connect and
// dns.lookup are guarded before the SDK is loaded, and every connection is asserted to be 127.0.0.1.
//
// Determinism: the clock is fixed (TC3 uses `new Date().getTime()`, v1 `Date.now()`), Math.random is fixed
// (v1 Nonce), X-TC-TraceId is passed in (so the SDK never calls uuid.v4), and form-data's boundary generator
// is replaced by a fixed boundary. Repeated runs give byte-identical output.
"use strict";

const fs = require("fs");
const path = require("path");
const net = require("net");
const http = require("http");
const dns = require("dns");

const LOOPBACK = "127.0.0.1";

// ---------------------------------------------------------------------------------------------------------
// Network guard: installed before the SDK (and node-fetch) is loaded. Only loopback connections are allowed.
for (const v of ["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]) {
  delete process.env[v];
}
function loopbackOnly(host) {
  return host === LOOPBACK || host === "localhost" || host === "::1" || host === "::ffff:127.0.0.1";
}
// Every TCP client connection in Node goes through net.Socket.prototype.connect (net.connect, the default
// http.Agent, ...): refuse anything that is not loopback before any DNS lookup or SYN happens.
const realSocketConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0];
  if (Array.isArray(opts)) opts = opts[0]; // net.connect passes its normalized [options, cb]
  let host;
  if (opts !== null && typeof opts === "object") {
    if (opts.path !== undefined && opts.path !== null) host = LOOPBACK; // unix socket: stays on the machine
    else host = opts.host === undefined || opts.host === null ? "localhost" : String(opts.host);
  } else if (typeof opts === "string" && !/^\d+$/.test(opts)) {
    host = LOOPBACK; // unix socket path
  } else {
    host = typeof args[1] === "string" ? args[1] : "localhost";
  }
  if (!loopbackOnly(host)) {
    throw new Error(`network guard: refusing to connect to ${host}`);
  }
  return realSocketConnect.apply(this, args);
};
const realLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!loopbackOnly(hostname)) {
    throw new Error(`network guard: refusing to resolve ${hostname}`);
  }
  return realLookup.call(dns, hostname, ...rest);
};

// ---------------------------------------------------------------------------------------------------------
// Fixed inputs.
const TIMESTAMP = 1551113065; // 2019-02-25T16:44:25Z
const NONCE = 11886; // v1 Nonce = Math.round(Math.random() * 65535)
const RANDOM_VALUE = NONCE / 65535;
const BOUNDARY = "--------------------------cloudsig000000000000000001"; // form-data style, fixed
const HOST = "cvm.tencentcloudapi.com";
const SERVICE = "cvm";
const VERSION = "2017-03-12";
const REGION = "ap-guangzhou";
const CREDS = {
  permanent: { secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE" },
  temporary: {
    secretId: "AKIDtemporaryEXAMPLE0000000000000000",
    secretKey: "TempKeyEXAMPLE00000000000000000000",
    token: "tokenEXAMPLE123",
  },
};

// ---------------------------------------------------------------------------------------------------------
// Fake clock and randomness (process-wide; the capture server needs neither).
const RealDate = Date;
class FakeDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(TIMESTAMP * 1000);
    else super(...args);
  }
  static now() {
    return TIMESTAMP * 1000;
  }
}
global.Date = FakeDate;
Math.random = () => RANDOM_VALUE;

// ---------------------------------------------------------------------------------------------------------
// Load the SDK from this directory's node_modules, and its own form-data.
const HERE = __dirname;
const sdkPkgPath = require.resolve("tencentcloud-sdk-nodejs-common/package.json", { paths: [HERE] });
const sdkDir = path.dirname(sdkPkgPath);
const SDK_VERSION = JSON.parse(fs.readFileSync(sdkPkgPath, "utf8")).version;
// The SDK must never need a random trace id: before the SDK is loaded, give it a uuid module whose v4 fails
// loudly (the SDK calls uuid.v4 only when no X-TC-TraceId header is supplied).
{
  const uuidPath = require.resolve("uuid", { paths: [sdkDir] });
  const realUuid = require(uuidPath);
  require.cache[uuidPath].exports = Object.assign({}, realUuid, {
    v4: () => {
      throw new Error("uuid.v4 called: a trace id was not fixed");
    },
  });
}
const { CommonClient } = require(require.resolve("tencentcloud-sdk-nodejs-common", { paths: [HERE] }));
const FormData = require(require.resolve("form-data", { paths: [sdkDir] }));
FormData.prototype._generateBoundary = function fixedBoundary() {
  this._boundary = BOUNDARY;
};

// ---------------------------------------------------------------------------------------------------------
// Capture server: raw TCP, one request per connection.
function startServer() {
  const queue = []; // captured requests, in arrival order
  const waiters = [];
  const server = net.createServer((sock) => {
    const remote = sock.remoteAddress;
    let buf = Buffer.alloc(0);
    let done = false;
    sock.on("data", (chunk) => {
      if (done) return;
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1");
      const lines = head.split("\r\n");
      let length = 0;
      let chunked = false;
      for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === "content-length") length = parseInt(value, 10);
        if (name === "transfer-encoding" && /chunked/i.test(value)) chunked = true;
      }
      if (chunked) {
        done = true;
        finish(new Error("request used Transfer-Encoding: chunked; expected Content-Length"));
        return;
      }
      const total = end + 4 + length;
      if (buf.length < total) return;
      done = true;
      finish(null, buf.subarray(0, total), buf.length > total ? buf.subarray(total) : null);
    });
    sock.on("error", () => {});
    function finish(err, raw, extra) {
      const body = JSON.stringify({ Response: { RequestId: "00000000-0000-0000-0000-000000000000" } });
      sock.end(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
          Buffer.byteLength(body) +
          "\r\nConnection: close\r\n\r\n" +
          body,
      );
      const item = { err, raw, extra, remote, local: sock.localAddress };
      if (waiters.length) waiters.shift()(item);
      else queue.push(item);
    }
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, LOOPBACK, () => {
      resolve({
        server,
        port: server.address().port,
        next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))),
        pending: () => queue.length,
      });
    });
  });
}

// An http.Agent that dials the capture server whatever host the URL names.
function loopbackAgent(port, log) {
  const agent = new http.Agent({ keepAlive: false });
  agent.createConnection = (options, cb) => {
    log.push({ requested: `${options.host}:${options.port}`, dialled: `${LOOPBACK}:${port}` });
    const sock = net.connect({ host: LOOPBACK, port });
    if (cb) sock.once("connect", () => cb(null, sock));
    return sock;
  };
  return agent;
}

// ---------------------------------------------------------------------------------------------------------
// Parameters. Each case uses one of these sets (API parameters as given to the SDK).
const PARAMS_FULL = {
  InstanceIds: ["ins-r8hr2upy", "ins-5d8a23rs"],
  Filters: [
    { Name: "zone", Values: ["ap-guangzhou-3", "ap-guangzhou-4"] },
    { Name: "instance-name", Values: ["未命名", "web server+1"] },
  ],
  Offset: 0,
  Limit: 20,
  DryRun: true,
  Client_Token: "a b+c~d*e'f/g=h&i",
  Description: "Ünïcode 未命名 ~*'()!",
  Placement: { Zone: "ap-guangzhou-3", ProjectId: 0 },
};
const PARAMS_SIMPLE = {
  InstanceIds: ["ins-09dx96dg"],
  Limit: 1,
  Dry_Run: false,
};
const MULTIPART_PARAMS = {
  InstanceName: "未命名",
  Client_Token: "a b+c~d*e'f/g=h&i",
  Data: Buffer.from("binary\u0000data\r\n--not-a-boundary\r\n", "latin1"),
  Remark: "x",
};
// Empty and null values: "" is sent and signed; null is dropped from objects (TC3 JSON keeps it inside arrays);
// [] and {} stay in a TC3 JSON body but vanish when flattened (TC3 GET, v1).
const PARAMS_EMPTY = {
  InstanceName: "",
  InstanceIds: [],
  Placement: {},
  Description: null,
  Filters: [{ Name: "zone", Values: ["ap-guangzhou-3", null, "ap-guangzhou-4"] }],
  Limit: 1,
};
const OCTET_BODY = Buffer.from("octet-stream body \u00ff\u0000\u0001", "latin1");

// ---------------------------------------------------------------------------------------------------------
// Cases.
const CASES = [
  // TC3-HMAC-SHA256
  {
    case: "tc3-post-json",
    description: "TC3 POST application/json with nested arrays and objects, non-ASCII text, reserved characters, a boolean and a name with '_'.",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: PARAMS_FULL,
  },
  {
    case: "tc3-post-json-token",
    description: "TC3 POST application/json with temporary credentials (token in X-TC-Token, not signed).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "temporary", params: PARAMS_FULL,
  },
  {
    case: "tc3-post-json-simple",
    description: "TC3 POST application/json with a small body (one-element array, false boolean, '_' name).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: PARAMS_SIMPLE,
  },
  {
    case: "tc3-post-json-empty",
    description: "TC3 POST application/json with no parameters (body {}).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: {},
  },
  {
    case: "tc3-post-json-language",
    description: "TC3 POST application/json with profile.language en-US (X-TC-Language header, not signed).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: PARAMS_SIMPLE, language: "en-US",
  },
  {
    case: "tc3-post-json-no-region",
    description: "TC3 POST application/json with no region configured (no X-TC-Region header).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: PARAMS_SIMPLE, region: null,
  },
  {
    case: "tc3-get-query",
    description: "TC3 GET: parameters flattened (Filters.0.Values.1) into a querystring.stringify query (%20 for space; * ( ) ! ~ unencoded; ' becomes %27 when the WHATWG URL parser re-serializes it), signed as on the request line; empty payload.",
    scheme: "TC3-HMAC-SHA256", method: "GET", creds: "permanent", params: PARAMS_FULL,
  },
  {
    case: "tc3-get-query-token",
    description: "TC3 GET with temporary credentials (token in X-TC-Token).",
    scheme: "TC3-HMAC-SHA256", method: "GET", creds: "temporary", params: PARAMS_FULL,
  },
  {
    case: "tc3-post-multipart",
    description: "TC3 POST multipart/form-data (request option multipart: true) with string and Buffer parts; fixed boundary.",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: MULTIPART_PARAMS, multipart: true,
  },
  {
    case: "tc3-post-multipart-token",
    description: "TC3 POST multipart/form-data with temporary credentials.",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "temporary", params: MULTIPART_PARAMS, multipart: true,
  },
  {
    case: "tc3-post-octet-stream",
    description: "TC3 POST via requestOctetStream: Buffer body, Content-Type 'application/octet-stream; charset=utf-8' signed as sent.",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", octetStream: OCTET_BODY,
  },
  {
    case: "tc3-post-json-empty-values",
    description: "TC3 POST JSON with an empty string, [] and {} (kept), a null member (removed) and a null array element (kept as null).",
    scheme: "TC3-HMAC-SHA256", method: "POST", creds: "permanent", params: PARAMS_EMPTY,
  },
  {
    case: "tc3-get-empty-values",
    description: "TC3 GET with an empty string (sent as InstanceName=), [] and {} (no parameter), and nulls (dropped; a null array element leaves an index gap: Values.0, Values.2).",
    scheme: "TC3-HMAC-SHA256", method: "GET", creds: "permanent", params: PARAMS_EMPTY,
  },
  // Skip-sign
  {
    case: "skip-sign-post",
    description: "Request option skipSign: TC3-style POST JSON sent with Authorization: SKIP.",
    scheme: "SKIP", method: "POST", creds: "permanent", params: PARAMS_SIMPLE, skipSign: true,
  },
  {
    case: "skip-sign-get",
    description: "Request option skipSign on a GET request: Authorization: SKIP.",
    scheme: "SKIP", method: "GET", creds: "permanent", params: PARAMS_SIMPLE, skipSign: true,
  },
  {
    case: "skip-sign-token",
    description: "skipSign with temporary credentials: Node still sends X-TC-Token (Python drops it).",
    scheme: "SKIP", method: "POST", creds: "temporary", params: PARAMS_SIMPLE, skipSign: true,
  },
];
// v1: HmacSHA1 and HmacSHA256, GET and POST, with and without a token.
for (const scheme of ["HmacSHA1", "HmacSHA256"]) {
  for (const method of ["GET", "POST"]) {
    for (const creds of ["permanent", "temporary"]) {
      const tag = scheme === "HmacSHA1" ? "sha1" : "sha256";
      CASES.push({
        case: `v1-${tag}-${method.toLowerCase()}${creds === "temporary" ? "-token" : ""}`,
        description:
          `v1 ${scheme} ${method}` +
          (method === "GET" ? " (parameters in the query, no Content-Type)" : " (application/x-www-form-urlencoded body)") +
          (creds === "temporary" ? " with temporary credentials (Token parameter)" : "") +
          "; SignatureMethod is always sent; names keep '_' in the string to sign.",
        scheme, method, creds, params: PARAMS_FULL,
      });
    }
  }
}
CASES.push({
  case: "v1-sha1-get-empty-values",
  description: "v1 HmacSHA1 GET with an empty string (InstanceName= sent and signed), [] and {} (nothing) and nulls (dropped; index gap Values.0, Values.2).",
  scheme: "HmacSHA1", method: "GET", creds: "permanent", params: PARAMS_EMPTY,
});
CASES.push({
  case: "v1-sha256-post-language",
  description: "v1 HmacSHA256 POST with profile.language en-US (Language parameter, signed).",
  scheme: "HmacSHA256", method: "POST", creds: "permanent", params: PARAMS_SIMPLE, language: "en-US",
});

// ---------------------------------------------------------------------------------------------------------
// Deterministic JSON: sorted keys, 2-space indent, raw UTF-8, trailing newline.
function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}
function jsonParams(v) {
  // Buffers become {"$bytes_base64": "..."}; everything else is kept as given.
  if (Buffer.isBuffer(v)) return { $bytes_base64: v.toString("base64") };
  if (Array.isArray(v)) return v.map(jsonParams);
  if (v && typeof v === "object") {
    const out = {};
    for (const k of Object.keys(v)) out[k] = jsonParams(v[k]);
    return out;
  }
  return v;
}
function stableJson(v) {
  return JSON.stringify(sortKeys(v), null, 2) + "\n";
}

// ---------------------------------------------------------------------------------------------------------
async function runCase(srv, c, index) {
  const log = [];
  const agent = loopbackAgent(srv.port, log);
  const traceId = `00000000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`;
  const cred = CREDS[c.creds];
  const region = c.region === undefined ? REGION : c.region;
  const profile = {
    signMethod: c.scheme === "SKIP" ? "TC3-HMAC-SHA256" : c.scheme,
    httpProfile: {
      reqMethod: c.method,
      protocol: "http://",
      endpoint: HOST,
      agent,
      headers: { "X-TC-TraceId": traceId },
      reqTimeout: 30,
    },
  };
  if (c.language) profile.language = c.language;
  const client = new CommonClient(HOST, VERSION, { credential: { ...cred }, region, profile });

  const requestOptions = {};
  if (c.multipart) requestOptions.multipart = true;
  if (c.skipSign) requestOptions.skipSign = true;

  // Deep copy of the parameters: the SDK mutates what it is given (v1 adds Action, Nonce, ...).
  const clone = (v) =>
    Buffer.isBuffer(v) ? Buffer.from(v) : Array.isArray(v) ? v.map(clone) : v && typeof v === "object"
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) : v;

  const action = "DescribeInstances";
  const call = c.octetStream
    ? client.requestOctetStream(action, clone(c.octetStream), requestOptions)
    : client.request(action, clone(c.params), requestOptions);
  const [result, cap] = await Promise.all([call, srv.next()]);
  if (cap.err) throw new Error(`${c.case}: ${cap.err.message}`);
  if (cap.extra) throw new Error(`${c.case}: ${cap.extra.length} unexpected bytes after the request`);
  if (cap.remote !== LOOPBACK && cap.remote !== "::ffff:127.0.0.1") {
    throw new Error(`${c.case}: connection from ${cap.remote}, expected ${LOOPBACK}`);
  }
  if (log.length !== 1 || log[0].requested !== `${HOST}:80`) {
    throw new Error(`${c.case}: unexpected connections ${JSON.stringify(log)}`);
  }
  if (!result || result.RequestId !== "00000000-0000-0000-0000-000000000000") {
    throw new Error(`${c.case}: SDK did not return the canned response: ${JSON.stringify(result)}`);
  }
  const raw = cap.raw;
  const text = raw.toString("latin1");
  // Sanity checks that the fixed inputs were used.
  const expectIn = (needle, what) => {
    if (!text.includes(needle)) throw new Error(`${c.case}: ${what} (${needle}) not found in the request`);
  };
  expectIn(`X-TC-TraceId: ${traceId}\r\n`, "trace id");
  if (c.scheme === "HmacSHA1" || c.scheme === "HmacSHA256") {
    expectIn(`Nonce=${NONCE}`, "nonce");
    expectIn(`Timestamp=${TIMESTAMP}`, "timestamp");
  } else {
    expectIn(`X-TC-Timestamp: ${TIMESTAMP}\r\n`, "timestamp");
  }
  if (c.multipart) expectIn(`boundary=${BOUNDARY}`, "boundary");
  if (!text.startsWith(`${c.method} /`)) throw new Error(`${c.case}: unexpected request line`);

  const isV1 = c.scheme === "HmacSHA1" || c.scheme === "HmacSHA256";
  const meta = {
    schema: "cloudsig-sdk-capture/1",
    sdk: { name: "tencentcloud-sdk-nodejs-common", version: SDK_VERSION },
    case: c.case,
    description: c.description,
    scheme: c.scheme,
    credentials: { secret_id: cred.secretId, secret_key: cred.secretKey, token: cred.token || null },
    timestamp: TIMESTAMP,
    nonce: isV1 ? NONCE : null,
    service: SERVICE,
    host: HOST,
    region,
    action,
    version: VERSION,
    method: c.method,
    params: c.octetStream ? jsonParams(c.octetStream) : jsonParams(c.params),
    options: {
      api: c.octetStream ? "requestOctetStream" : "request",
      sign_method: profile.signMethod,
      req_method: c.method,
      protocol: "http://",
      endpoint: HOST,
      language: c.language || null,
      multipart: !!c.multipart,
      skip_sign: !!c.skipSign,
      headers: { "X-TC-TraceId": traceId },
    },
    trace_id: traceId,
    boundary: c.multipart ? BOUNDARY : null,
  };
  return { raw, meta };
}

async function main() {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: node capture.js OUTDIR");
    process.exit(2);
  }
  const names = new Set(CASES.map((c) => c.case));
  if (names.size !== CASES.length) throw new Error("duplicate case names");
  fs.mkdirSync(outDir, { recursive: true });
  const srv = await startServer();
  const written = new Set();
  try {
    // Sequential: one connection at a time, so captures pair with cases unambiguously.
    for (let i = 0; i < CASES.length; i++) {
      const { raw, meta } = await runCase(srv, CASES[i], i);
      fs.writeFileSync(path.join(outDir, `${meta.case}.http`), raw);
      fs.writeFileSync(path.join(outDir, `${meta.case}.json`), stableJson(meta));
      written.add(`${meta.case}.http`).add(`${meta.case}.json`);
    }
  } finally {
    srv.server.close();
  }
  if (srv.pending() !== 0) throw new Error("unexpected extra requests reached the capture server");
  // Remove captures of cases that no longer exist (only files this script wrote: <case>.json with our schema
  // and SDK name, and the <case>.http beside it).
  for (const f of fs.readdirSync(outDir)) {
    if (!f.endsWith(".json") || written.has(f)) continue;
    let meta;
    try {
      meta = JSON.parse(fs.readFileSync(path.join(outDir, f), "utf8"));
    } catch (e) {
      continue;
    }
    if (meta && meta.schema === "cloudsig-sdk-capture/1" && meta.sdk && meta.sdk.name === "tencentcloud-sdk-nodejs-common") {
      fs.unlinkSync(path.join(outDir, f));
      const http = path.join(outDir, f.replace(/\.json$/, ".http"));
      if (fs.existsSync(http)) fs.unlinkSync(http);
    }
  }
  console.log(`captured ${CASES.length} requests with tencentcloud-sdk-nodejs-common ${SDK_VERSION} into ${outDir}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error("capture.js: " + (e && e.stack ? e.stack : e));
    process.exit(1);
  });
} else {
  // Loaded by the differential harness (vectors/oracle/differential/node_worker.js): same guard, clock and server.
  module.exports = { startServer, runCase, loopbackAgent, SDK_VERSION };
}
