//! `cloudsig sign tc3` and `cloudsig sign v1`: Tencent Cloud.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cloudsig_canonical::tc3::{self, HeaderValueCase};
use cloudsig_canonical::tencent::{self, SignedRequest, Stages, Tc3Call, V1Call};
use cloudsig_canonical::v1::{BoolText, NameRule, Params};
use cloudsig_core::v1::Algorithm;
use cloudsig_verify::keys::KeyRing;

use crate::output::{OutputArgs, clock, print_signed, read_arg};

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// A key file of `SecretId SecretKey [Token]` lines (default: the environment
    /// variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Which SecretId of the key file to sign with, when it holds several.
    // `--secret-id`: the old spelling, a hidden alias for one release.
    #[arg(long = "key-id", alias = "secret-id", value_name = "ID")]
    key_id: Option<String>,
    /// A profile of the Tencent Cloud SDK's credentials file
    /// (~/.tencentcloud/credentials, else /etc/tencentcloud/credentials).
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct Tc3Args {
    /// The service, as in the credential scope (default: the first label of --host).
    #[arg(long)]
    service: Option<String>,
    /// The host (default: SERVICE.tencentcloudapi.com, SERVICE as in --service).
    #[arg(long)]
    host: Option<String>,
    /// The API action (X-TC-Action), such as DescribeInstances.
    #[arg(long)]
    action: String,
    /// The API version (X-TC-Version), such as 2017-03-12.
    #[arg(long = "api-version", alias = "version", value_name = "VERSION")]
    version: String,
    /// The region (X-TC-Region).
    #[arg(long)]
    region: Option<String>,
    /// The language of messages (X-TC-Language), such as en-US.
    #[arg(long)]
    language: Option<String>,
    /// GET or POST.
    #[arg(long, default_value = "POST")]
    method: String,
    /// The raw query string, used verbatim (for GET).
    #[arg(long)]
    query: Option<String>,
    /// The Content-Type, signed exactly as given (default application/json for POST,
    /// application/x-www-form-urlencoded for GET).
    #[arg(long)]
    content_type: Option<String>,
    /// The body: text, @FILE, or @- for standard input.
    #[arg(long, short = 'd')]
    data: Option<String>,
    /// Do not sign the body (X-TC-Content-SHA256: UNSIGNED-PAYLOAD).
    #[arg(long)]
    unsigned_payload: bool,
    /// Send the request unsigned with Authorization: SKIP.
    #[arg(long)]
    skip_sign: bool,
    /// Sign this header too (content-type and host always are), e.g. x-tc-action.
    #[arg(long, value_name = "NAME")]
    sign_header: Vec<String>,
    /// Add a header, NAME:VALUE (signed only if also named by --sign-header).
    #[arg(long, short = 'H', value_name = "NAME:VALUE")]
    header: Vec<String>,
    /// How signed header values are cased.
    #[arg(long, value_enum, default_value_t = ValueCase::Lowercase)]
    header_value_case: ValueCase,
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ValueCase {
    /// Lower-cased, as the documentation says.
    Lowercase,
    /// As sent, as the SDKs do.
    AsSent,
}

#[derive(Debug, Args)]
pub struct V1Args {
    /// The host, such as cvm.tencentcloudapi.com.
    #[arg(long)]
    host: String,
    /// The API action, such as DescribeInstances.
    #[arg(long)]
    action: String,
    /// The API version (the Version parameter), such as 2017-03-12: required for the API
    /// 3.0 hosts (*.tencentcloudapi.com), optional for legacy v1 hosts such as
    /// cvm.api.qcloud.com, which take none.
    #[arg(long = "api-version", alias = "version", value_name = "VERSION")]
    version: Option<String>,
    /// The region.
    #[arg(long)]
    region: Option<String>,
    /// GET (parameters in the query) or POST (a form body).
    #[arg(long, default_value = "GET")]
    method: String,
    /// The path, as sent and signed (legacy v1 APIs use paths such as /v2/index.php).
    #[arg(long, default_value = "/")]
    path: String,
    /// An API parameter, NAME=VALUE (repeatable), such as InstanceIds.0=ins-09dx96dg. A
    /// Timestamp or Nonce given here replaces the signer's default (the signing time, a
    /// random nonce), so each is sent and signed once; Action, Version and Region must
    /// agree with --action, --api-version and --region (and stand for the last two when they
    /// are not given); SecretId and Token come from the key and are refused here.
    #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// API parameters as a JSON object (text, @FILE or @-), flattened as the SDKs do.
    #[arg(long, value_name = "JSON")]
    params_json: Option<String>,
    /// The signature method.
    #[arg(long, value_enum, default_value_t = Method::HmacSha1)]
    signature_method: Method,
    /// Replace `_` by `.` in names in the string to sign (the Python and Java SDKs).
    #[arg(long)]
    underscore_to_dot: bool,
    /// Render JSON booleans as True/False (the Python SDK) instead of true/false.
    #[arg(long)]
    python_bools: bool,
    /// The nonce (default: random).
    #[arg(long)]
    nonce: Option<u64>,
    #[command(flatten)]
    keys: KeyArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Method {
    #[value(name = "HmacSHA1")]
    HmacSha1,
    #[value(name = "HmacSHA256")]
    HmacSha256,
}

fn keyring(args: &KeyArgs) -> Result<KeyRing, String> {
    if let Some(name) = &args.profile {
        return crate::profile::keyring(crate::profile::Cloud::Tencent, name);
    }
    match &args.key_file {
        Some(path) => KeyRing::read_file(path, &mut crate::warn).map_err(String::from),
        None => KeyRing::from_env().map_err(String::from),
    }
}

pub(super) fn run_tc3(a: Tc3Args) -> Result<(), String> {
    let ring = keyring(&a.keys)?;
    let service = match (&a.service, &a.host) {
        (Some(s), _) => s.clone(),
        (None, Some(h)) => tc3::service_of_host(h)
            .ok_or("--host has no first label to take the service from")?
            .to_string(),
        (None, None) => return Err("give --service or --host".into()),
    };
    let mut call = Tc3Call::new(service, a.action, a.version)
        .method(a.method.to_ascii_uppercase())
        .unsigned_payload(a.unsigned_payload)
        .skip_sign(a.skip_sign)
        .settings(
            tc3::Settings::default().with_header_value_case(match a.header_value_case {
                ValueCase::Lowercase => HeaderValueCase::Lowercase,
                ValueCase::AsSent => HeaderValueCase::AsSent,
            }),
        );
    if let Some(h) = a.host {
        call = call.host(h);
    }
    if let Some(r) = a.region {
        call = call.region(r);
    }
    if let Some(l) = a.language {
        call = call.language(l);
    }
    if let Some(q) = a.query {
        call = call.raw_query(q);
    }
    if let Some(ct) = a.content_type {
        call = call.content_type(ct);
    }
    if let Some(d) = a.data {
        call = call.body(read_arg(&d)?);
    }
    for n in a.sign_header {
        call = call.sign_header(n);
    }
    for h in a.header {
        let (n, v) = h
            .split_once(':')
            .ok_or_else(|| format!("--header {h:?}: expected NAME:VALUE"))?;
        call = call.extra_header(n.trim(), v.trim());
    }
    let creds = ring.pick(a.keys.key_id.as_deref()).map_err(String::from)?;
    let signed =
        tencent::sign_tc3(creds, &call, clock(&a.output).as_ref()).map_err(|e| e.to_string())?;
    print(&signed, &a.output)
}

pub(super) fn run_v1(a: V1Args) -> Result<(), String> {
    let ring = keyring(&a.keys)?;
    let mut params = match &a.params_json {
        Some(j) => {
            let text = read_arg(j)?;
            let value: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| format!("--params-json: not JSON: {e}"))?;
            let bools = if a.python_bools {
                BoolText::Capitalized
            } else {
                BoolText::Lowercase
            };
            Params::from_json(&value, bools).map_err(|e| e.to_string())?
        }
        None => Params::new(),
    };
    for p in &a.params {
        let (n, v) = p
            .split_once('=')
            .ok_or_else(|| format!("--param {p:?}: expected NAME=VALUE"))?;
        params.push(n, v);
    }
    let mut call = V1Call::without_version(a.host, a.action)
        .method(a.method.to_ascii_uppercase())
        .path(a.path)
        .params(params)
        .algorithm(match a.signature_method {
            Method::HmacSha1 => Algorithm::HmacSha1,
            Method::HmacSha256 => Algorithm::HmacSha256,
        })
        .name_rule(if a.underscore_to_dot {
            NameRule::UnderscoreToDot
        } else {
            NameRule::AsIs
        });
    if let Some(v) = a.version {
        call = call.version(v);
    }
    if let Some(r) = a.region {
        call = call.region(r);
    }
    if let Some(n) = a.nonce {
        call = call.nonce(n);
    }
    let creds = ring.pick(a.keys.key_id.as_deref()).map_err(String::from)?;
    let signed =
        tencent::sign_v1(creds, &call, clock(&a.output).as_ref()).map_err(|e| e.to_string())?;
    print(&signed, &a.output)
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
        Stages::Tc3 {
            canonical_request,
            hashed_canonical_request,
            credential_scope,
            string_to_sign,
            signature,
        } => format!(
            "--- canonical request\n{canonical_request}\n--- hashed canonical request\n{hashed_canonical_request}\n\
             --- credential scope\n{credential_scope}\n--- string to sign\n{string_to_sign}\n--- signature\n{signature}\n"
        ),
        Stages::V1 {
            string_to_sign,
            signature,
        } => {
            format!("--- string to sign\n{string_to_sign}\n--- signature\n{signature}\n")
        }
        _ => "--- not signed (Authorization: SKIP)\n".into(),
    }
}

fn to_json(signed: &SignedRequest) -> String {
    let stages = match signed.stages() {
        Stages::Tc3 {
            canonical_request,
            hashed_canonical_request,
            credential_scope,
            string_to_sign,
            signature,
        } => serde_json::json!({
            "scheme": "TC3-HMAC-SHA256",
            "canonical_request": canonical_request,
            "hashed_canonical_request": hashed_canonical_request,
            "credential_scope": credential_scope,
            "string_to_sign": string_to_sign,
            "signature": signature,
        }),
        Stages::V1 {
            string_to_sign,
            signature,
        } => serde_json::json!({
            "scheme": "v1",
            "string_to_sign": string_to_sign,
            "signature": signature,
        }),
        _ => serde_json::json!({ "scheme": "SKIP" }),
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
