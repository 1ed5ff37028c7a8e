//! `cloudsig sign acs3 | roa | rpc`: Alibaba Cloud.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cloudsig_canonical::alibaba::{
    self, Acs3Call, Body, Credentials, RoaCall, RpcCall, SignedRequest, Stages,
};
use cloudsig_core::alibaba::Algorithm;
use cloudsig_verify::keys::{ENV_ALIBABA_ACCESS_KEY_ID, ENV_ALIBABA_ACCESS_KEY_SECRET, KeyRing};

use crate::output::{OutputArgs, clock, print_signed, read_arg};

#[derive(Debug, Args)]
pub struct AlibabaKeyArgs {
    /// A key file of `AccessKeyId AccessKeySecret [SecurityToken]` lines (default: the
    /// environment variables ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET
    /// and ALIBABA_CLOUD_SECURITY_TOKEN).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Which AccessKeyId of the key file to sign with, when it holds several.
    // `--access-key-id`: the old spelling, a hidden alias for one release.
    #[arg(long = "key-id", alias = "access-key-id", value_name = "ID")]
    key_id: Option<String>,
    /// A profile of the Alibaba Cloud CLI's ~/.aliyun/config.json or the SDK's
    /// ~/.alibabacloud/credentials.ini (the CLI's file first, as the SDK reads them). A
    /// role profile (RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC, ram_role_arn) is
    /// fetched as the SDK fetches it (STS, the ECS metadata service;
    /// CLOUDSIG_STS_ENDPOINT and CLOUDSIG_METADATA_ENDPOINT send those requests elsewhere).
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// The endpoint, such as elasticsearch.cn-hangzhou.aliyuncs.com.
    #[arg(long)]
    host: String,
    /// The API version (x-acs-version / Version), such as 2017-06-13.
    #[arg(long = "api-version", alias = "version", value_name = "VERSION")]
    version: String,
    /// The method (default POST for acs3 and roa, GET for rpc).
    #[arg(long)]
    method: Option<String>,
    /// A query parameter, NAME=VALUE (decoded; repeatable; encoded with RFC 3986 when sent).
    #[arg(long = "query", short = 'q', value_name = "NAME=VALUE")]
    query: Vec<String>,
    /// A JSON body: text, @FILE or @- (sent as application/json; charset=utf-8).
    #[arg(long, value_name = "JSON", conflicts_with = "form")]
    json: Option<String>,
    /// A form body parameter, NAME=VALUE (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    form: Vec<String>,
    /// The signature nonce (default: 32 random hex digits).
    #[arg(long)]
    nonce: Option<String>,
    /// Add a header, NAME:VALUE (x-acs-* headers are signed).
    #[arg(long, short = 'H', value_name = "NAME:VALUE")]
    header: Vec<String>,
    #[command(flatten)]
    keys: AlibabaKeyArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct Acs3Args {
    /// The API action (x-acs-action), such as createInstance.
    #[arg(long)]
    action: String,
    /// The path as sent (percent-encoded), default `/`.
    #[arg(long, default_value = "/")]
    path: String,
    /// The algorithm.
    #[arg(long, value_enum, default_value_t = Acs3Algorithm::HmacSha256)]
    algorithm: Acs3Algorithm,
    /// Sign this header too (host, content-type and x-acs-* always are), e.g. accept;
    /// send it with -H.
    #[arg(long, value_name = "NAME")]
    sign_header: Vec<String>,
    #[command(flatten)]
    call: CallArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Acs3Algorithm {
    /// ACS3-HMAC-SHA256.
    #[value(name = "ACS3-HMAC-SHA256", alias = "sha256")]
    HmacSha256,
    /// ACS3-HMAC-SM3.
    #[value(name = "ACS3-HMAC-SM3", alias = "sm3")]
    HmacSm3,
}

#[derive(Debug, Args)]
pub struct RoaArgs {
    /// The path as sent (percent-encoded), such as /openapi/instances.
    #[arg(long)]
    path: String,
    /// The API action (sent as x-acs-action), if any.
    #[arg(long)]
    action: Option<String>,
    #[command(flatten)]
    call: CallArgs,
}

#[derive(Debug, Args)]
pub struct RpcArgs {
    /// The API action (Action).
    #[arg(long)]
    action: String,
    /// An API parameter, NAME=VALUE (repeatable), such as RegionId=cn-hangzhou. One
    /// named Format, SignatureNonce, SignatureVersion or Timestamp replaces that default
    /// (Format=JSON, a random nonce, 1.0, the signing time): each is sent and signed once.
    /// AccessKeyId, Action, Version, SignatureMethod, SecurityToken and Signature are set
    /// by the signer and refused here.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    call: CallArgs,
}

fn pair(text: &str, flag: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .ok_or_else(|| format!("{flag} {text:?}: expected NAME=VALUE"))
}

fn credentials(keys: &AlibabaKeyArgs) -> Result<Credentials, String> {
    let ring = match (&keys.profile, &keys.key_file) {
        (Some(name), _) => crate::profile::keyring(crate::profile::Cloud::Alibaba, name)?,
        (None, Some(path)) => KeyRing::read_file(path, &mut crate::warn)?,
        (None, None) => KeyRing::from_env_alibaba()?,
    };
    if ring.is_empty() {
        return Err(format!(
            "no credentials: set {ENV_ALIBABA_ACCESS_KEY_ID} and {ENV_ALIBABA_ACCESS_KEY_SECRET}, or pass --key-file"
        ));
    }
    ring.pick(keys.key_id.as_deref())
        .cloned()
        .map_err(String::from)
}

/// The parts every call takes from the common flags.
struct Parts {
    query: Vec<(String, String)>,
    body: Body,
    headers: Vec<(String, String)>,
}

fn parts(a: &CallArgs) -> Result<Parts, String> {
    let query = a
        .query
        .iter()
        .map(|q| pair(q, "--query"))
        .collect::<Result<Vec<_>, _>>()?;
    let body = match (&a.json, a.form.is_empty()) {
        (Some(j), _) => {
            let bytes = read_arg(j)?;
            Body::Json(String::from_utf8(bytes).map_err(|_| "--json: not UTF-8".to_string())?)
        }
        (None, false) => Body::Form(
            a.form
                .iter()
                .map(|f| pair(f, "--form"))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        (None, true) => Body::Empty,
    };
    let headers = a
        .header
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("--header {h:?}: expected NAME:VALUE"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Parts {
        query,
        body,
        headers,
    })
}

macro_rules! apply_parts {
    ($call:expr, $a:expr) => {{
        let p = parts($a)?;
        let mut call = $call.body(p.body);
        if let Some(m) = &$a.method {
            call = call.method(m.to_ascii_uppercase());
        }
        if let Some(n) = &$a.nonce {
            call = call.nonce(n.clone());
        }
        for (n, v) in p.query {
            call = call.query_param(n, v);
        }
        for (n, v) in p.headers {
            call = call.extra_header(n, v);
        }
        call
    }};
}

pub(super) fn run_acs3(a: Acs3Args) -> Result<(), String> {
    let creds = credentials(&a.call.keys)?;
    let call = Acs3Call::new(&a.call.host, a.action, &a.call.version)
        .path(a.path)
        .algorithm(match a.algorithm {
            Acs3Algorithm::HmacSha256 => Algorithm::HmacSha256,
            Acs3Algorithm::HmacSm3 => Algorithm::HmacSm3,
        });
    let mut call = apply_parts!(call, &a.call);
    for name in a.sign_header {
        call = call.sign_header(name);
    }
    let signed = alibaba::sign_acs3(&creds, &call, clock(&a.call.output).as_ref())
        .map_err(|e| e.to_string())?;
    print(&signed, &a.call.output)
}

pub(super) fn run_roa(a: RoaArgs) -> Result<(), String> {
    let creds = credentials(&a.call.keys)?;
    let mut call = RoaCall::new(&a.call.host, &a.call.version, a.path);
    if let Some(action) = a.action {
        call = call.action(action);
    }
    let call = apply_parts!(call, &a.call);
    let signed = alibaba::sign_roa(&creds, &call, clock(&a.call.output).as_ref())
        .map_err(|e| e.to_string())?;
    print(&signed, &a.call.output)
}

pub(super) fn run_rpc(a: RpcArgs) -> Result<(), String> {
    let creds = credentials(&a.call.keys)?;
    let mut call = RpcCall::new(&a.call.host, a.action, &a.call.version);
    for p in &a.params {
        let (n, v) = pair(p, "--param")?;
        call = call.param(n, v);
    }
    let call = apply_parts!(call, &a.call);
    let signed = alibaba::sign_rpc(&creds, &call, clock(&a.call.output).as_ref())
        .map_err(|e| e.to_string())?;
    print(&signed, &a.call.output)
}

fn print(signed: &SignedRequest, out: &OutputArgs) -> Result<(), String> {
    print_signed(
        signed,
        out,
        || stages_text(signed.stages()),
        || to_json(signed),
    )
}

fn stages_text(stages: &Stages) -> String {
    match stages {
        Stages::Acs3 {
            canonical_request,
            hashed_canonical_request,
            string_to_sign,
            signature,
        } => format!(
            "--- canonical request\n{canonical_request}\n--- hashed canonical request\n{hashed_canonical_request}\n\
             --- string to sign\n{string_to_sign}\n--- signature\n{signature}\n"
        ),
        Stages::Roa {
            string_to_sign,
            signature,
        } => format!("--- string to sign\n{string_to_sign}\n--- signature\n{signature}\n"),
        Stages::Rpc {
            canonical_query,
            string_to_sign,
            signature,
        } => format!(
            "--- canonicalized query\n{canonical_query}\n--- string to sign\n{string_to_sign}\n--- signature\n{signature}\n"
        ),
        _ => String::new(),
    }
}

fn to_json(signed: &SignedRequest) -> String {
    let stages = match signed.stages() {
        Stages::Acs3 {
            canonical_request,
            hashed_canonical_request,
            string_to_sign,
            signature,
        } => serde_json::json!({
            "scheme": string_to_sign.lines().next().unwrap_or_default(),
            "canonical_request": canonical_request,
            "hashed_canonical_request": hashed_canonical_request,
            "string_to_sign": string_to_sign,
            "signature": signature,
        }),
        Stages::Roa {
            string_to_sign,
            signature,
        } => serde_json::json!({
            "scheme": "ROA-HMAC-SHA1",
            "string_to_sign": string_to_sign,
            "signature": signature,
        }),
        Stages::Rpc {
            canonical_query,
            string_to_sign,
            signature,
        } => serde_json::json!({
            "scheme": "RPC-HMAC-SHA1",
            "canonical_query": canonical_query,
            "string_to_sign": string_to_sign,
            "signature": signature,
        }),
        _ => serde_json::json!({}),
    };
    serde_json::json!({
        "method": signed.method(),
        "url": signed.url(),
        "headers": signed.headers(),
        "body": String::from_utf8_lossy(signed.body()),
        "stages": stages,
    })
    .to_string()
}
