//! `cloudsig sign tc3` and `cloudsig sign v1`.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use cloudsig_canonical::HttpRequest;
use cloudsig_canonical::tc3::{self, HeaderValueCase};
use cloudsig_canonical::tencent::{
    self, Clock, FixedClock, SignedRequest, Stages, SystemClock, Tc3Call, V1Call,
};
use cloudsig_canonical::v1::{BoolText, NameRule, Params};
use cloudsig_core::v1::Algorithm;

use cloudsig_verify::keys::KeyRing;

#[derive(Debug, Subcommand)]
pub enum SignCommand {
    /// TC3-HMAC-SHA256 (API 3.0): prints the request with its Authorization header.
    Tc3(Tc3Args),
    /// v1 HmacSHA1 / HmacSHA256: prints the request with its Signature parameter.
    V1(V1Args),
    /// Alibaba Cloud ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (signature V3).
    Acs3(crate::sign_alibaba::Acs3Args),
    /// Alibaba Cloud ROA HMAC-SHA1 (V2, `Authorization: acs AK:signature`).
    Roa(crate::sign_alibaba::RoaArgs),
    /// Alibaba Cloud RPC HMAC-SHA1 (V2, the Signature parameter).
    Rpc(crate::sign_alibaba::RpcArgs),
    /// Huawei Cloud SDK-HMAC-SHA256 / SDK-HMAC-SM3 / V11-HMAC-SHA256.
    Huawei(crate::sign_huawei::HuaweiArgs),
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// A key file of `SecretId SecretKey [Token]` lines (default: the environment
    /// variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Which SecretId of the key file to sign with, when it holds several.
    #[arg(long, value_name = "ID")]
    secret_id: Option<String>,
    /// A profile of the Tencent Cloud SDK's credentials file
    /// (~/.tencentcloud/credentials, else /etc/tencentcloud/credentials).
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// How to print the signed request.
    #[arg(long, value_enum, default_value_t = Format::Curl)]
    pub(crate) format: Format,
    /// Also print each intermediate stage (canonical request, string to sign) on stderr.
    #[arg(long)]
    pub(crate) show_stages: bool,
    /// The Unix timestamp to sign at (default: now).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub(crate) timestamp: Option<i64>,
    /// Send the printed request to this URL's scheme, host and port (such as
    /// http://127.0.0.1:8080); the Host header and the signature keep the cloud's host.
    /// With --format http, the request target is written in absolute form at the URL.
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint: Option<crate::endpoint::Endpoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A curl command line.
    Curl,
    /// The raw HTTP/1.1 request, as `cloudsig verify` reads it.
    Http,
    /// JSON: method, url, headers, body and stages.
    Json,
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

pub fn run(cmd: SignCommand) -> Result<(), String> {
    match cmd {
        SignCommand::Tc3(a) => run_tc3(a),
        SignCommand::V1(a) => run_v1(a),
        SignCommand::Acs3(a) => crate::sign_alibaba::run_acs3(a),
        SignCommand::Roa(a) => crate::sign_alibaba::run_roa(a),
        SignCommand::Rpc(a) => crate::sign_alibaba::run_rpc(a),
        SignCommand::Huawei(a) => crate::sign_huawei::run(a),
    }
}

fn keyring(args: &KeyArgs) -> Result<KeyRing, String> {
    if let Some(name) = &args.profile {
        return crate::profile::keyring(crate::profile::Cloud::Tencent, name);
    }
    match &args.key_file {
        Some(path) => KeyRing::read_file(path, &mut crate::warn),
        None => KeyRing::from_env(),
    }
}

pub(crate) fn clock(args: &OutputArgs) -> Box<dyn Clock> {
    match args.timestamp {
        Some(ts) => Box::new(FixedClock(ts)),
        None => Box::new(SystemClock),
    }
}

/// Reads `text`, `@FILE` or `@-` (standard input).
pub(crate) fn read_arg(value: &str) -> Result<Vec<u8>, String> {
    match value.strip_prefix('@') {
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("standard input: {e}"))?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("{path}: {e}")),
        None => Ok(value.as_bytes().to_vec()),
    }
}

fn run_tc3(a: Tc3Args) -> Result<(), String> {
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
    let creds = ring.pick(a.keys.secret_id.as_deref())?;
    let signed =
        tencent::sign_tc3(creds, &call, clock(&a.output).as_ref()).map_err(|e| e.to_string())?;
    print(&signed, &a.output)
}

fn run_v1(a: V1Args) -> Result<(), String> {
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
    let creds = ring.pick(a.keys.secret_id.as_deref())?;
    let signed =
        tencent::sign_v1(creds, &call, clock(&a.output).as_ref()).map_err(|e| e.to_string())?;
    print(&signed, &a.output)
}

fn print(signed: &SignedRequest, out: &OutputArgs) -> Result<(), String> {
    if out.show_stages {
        eprint!("{}", stages_text(signed.stages()));
    }
    write_request(signed, out.format, out.endpoint.as_ref(), || {
        to_json(signed)
    })
}

/// Writes a signed request of any cloud to standard output in `format`; `json` renders the
/// JSON form, which differs per cloud by its stages. A body holding a NUL byte is refused for
/// `curl`, since no shell argument can carry it.
pub(crate) fn write_request(
    http: &HttpRequest,
    format: Format,
    endpoint: Option<&crate::endpoint::Endpoint>,
    json: impl FnOnce() -> String,
) -> Result<(), String> {
    let at_endpoint = |text: String| match endpoint {
        Some(e) => e.rewrite(&text, &http.url()),
        None => text,
    };
    if matches!(format, Format::Curl) && !http.curl_can_carry_body() {
        return Err(
            "the body holds a NUL byte, which a shell argument cannot carry: use --format http"
                .into(),
        );
    }
    let mut stdout = std::io::stdout().lock();
    let written = match format {
        Format::Curl => writeln!(stdout, "{}", at_endpoint(http.to_curl())),
        Format::Http => stdout.write_all(&match endpoint {
            Some(e) => e.absolute_form(&http.to_http(), &http.url()),
            None => http.to_http(),
        }),
        Format::Json => writeln!(stdout, "{}", at_endpoint(json())),
    };
    written
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("standard output: {e}"))
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
