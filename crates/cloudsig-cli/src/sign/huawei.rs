//! `cloudsig sign huawei`: SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cloudsig_canonical::huawei::{self, Call, Credentials, SignedRequest};
use cloudsig_core::huawei::Algorithm;
use cloudsig_verify::keys::KeyRing;

use crate::output::{OutputArgs, clock, print_signed, read_arg};

#[derive(Debug, Args)]
pub struct HuaweiArgs {
    /// The signing algorithm.
    #[arg(long, value_enum, default_value_t = HuaweiAlgorithm::SdkHmacSha256)]
    algorithm: HuaweiAlgorithm,
    /// The host, such as ecs.cn-north-4.myhuaweicloud.com.
    #[arg(long)]
    host: String,
    /// The method.
    #[arg(long, default_value = "POST")]
    method: String,
    /// The path as sent (percent-encoded where needed), such as /v2.1/{project_id}/servers.
    #[arg(long)]
    path: String,
    /// A query parameter NAME=VALUE (unencoded; sent and signed in canonical order).
    // `--query-param`: the old spelling, a hidden alias for one release.
    #[arg(
        long = "query",
        alias = "query-param",
        short = 'q',
        value_name = "NAME=VALUE"
    )]
    query: Vec<String>,
    /// The Content-Type (default application/json when there is a body).
    #[arg(long)]
    content_type: Option<String>,
    /// The project id, sent and signed as X-Project-Id.
    #[arg(long)]
    project_id: Option<String>,
    /// Add a header, NAME:VALUE (signed, unless also named by --unsigned-header).
    #[arg(long, short = 'H', value_name = "NAME:VALUE")]
    header: Vec<String>,
    /// Send this header without signing it (repeatable; any case): it is left out of
    /// SignedHeaders, as the Java and Python SDKs leave Content-Type out. Host and
    /// X-Sdk-Date are always signed; a name the request does not send is refused.
    #[arg(long, value_name = "NAME")]
    unsigned_header: Vec<String>,
    /// The body: text, @FILE, or @- for standard input.
    #[arg(long, short = 'd')]
    data: Option<String>,
    /// Do not sign the body (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD; X-Sdk-Content-Sm3 with SM3).
    #[arg(long)]
    unsigned_payload: bool,
    /// The region of the V11 scope (required with v11-hmac-sha256).
    #[arg(long)]
    region: Option<String>,
    /// The service of the V11 scope (required with v11-hmac-sha256).
    #[arg(long)]
    service: Option<String>,
    /// A key file of `AK SK [SecurityToken]` lines (default: HUAWEICLOUD_SDK_AK,
    /// HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_SECURITY_TOKEN).
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Which AK of the key file to sign with, when it holds several.
    // `--ak`: the old spelling, a hidden alias for one release.
    #[arg(long = "key-id", alias = "ak", value_name = "AK")]
    key_id: Option<String>,
    /// A section of the Huawei Cloud SDK's credentials file (~/.huaweicloud/credentials,
    /// or HUAWEICLOUD_SDK_CREDENTIALS_FILE): `basic` or `global`.
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    profile: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum HuaweiAlgorithm {
    /// SDK-HMAC-SHA256.
    SdkHmacSha256,
    /// SDK-HMAC-SM3.
    SdkHmacSm3,
    /// V11-HMAC-SHA256 (HKDF-derived key; needs --region and --service).
    V11HmacSha256,
}

pub(super) fn run(a: HuaweiArgs) -> Result<(), String> {
    let ring = match (&a.profile, &a.key_file) {
        (Some(name), _) => crate::profile::keyring(crate::profile::Cloud::Huawei, name)?,
        (None, Some(path)) => KeyRing::read_file(path, &mut crate::warn)?,
        (None, None) => KeyRing::from_env_huawei()?,
    };
    let picked = match (&a.key_id, ring.len()) {
        (_, 0) => {
            return Err(
                "no credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or pass --key-file"
                    .into(),
            );
        }
        (id, _) => ring.pick(id.as_deref()).map_err(String::from)?,
    };
    let sk = std::str::from_utf8(picked.secret_key().expose_secret())
        .map_err(|_| "the SK is not text".to_string())?;
    let mut creds = Credentials::new(picked.secret_id(), sk).map_err(|e| e.to_string())?;
    if let Some(t) = picked.token() {
        creds = creds.with_security_token(t).map_err(|e| e.to_string())?;
    }

    let algorithm = match a.algorithm {
        HuaweiAlgorithm::SdkHmacSha256 => Algorithm::SdkHmacSha256,
        HuaweiAlgorithm::SdkHmacSm3 => Algorithm::SdkHmacSm3,
        HuaweiAlgorithm::V11HmacSha256 => Algorithm::V11HmacSha256,
    };
    if algorithm.uses_scope() && (a.region.is_none() || a.service.is_none()) {
        return Err("--algorithm v11-hmac-sha256 needs --region and --service".into());
    }
    let mut call = Call::new(a.method.to_ascii_uppercase(), a.host, a.path)
        .algorithm(algorithm)
        .unsigned_payload(a.unsigned_payload);
    let body = match &a.data {
        Some(d) => read_arg(d)?,
        None => Vec::new(),
    };
    match (a.content_type, body.is_empty()) {
        (Some(ct), _) => call = call.content_type(ct),
        (None, false) => call = call.content_type("application/json"),
        (None, true) => {}
    }
    call = call.body(body);
    if let Some(p) = a.project_id {
        call = call.project_id(p);
    }
    for q in &a.query {
        let (n, v) = q.split_once('=').unwrap_or((q.as_str(), ""));
        call = call.query_param(n, v);
    }
    for h in &a.header {
        let (n, v) = h
            .split_once(':')
            .ok_or_else(|| format!("--header {h:?}: expected NAME:VALUE"))?;
        call = call.header(n.trim(), v.trim());
    }
    for name in a.unsigned_header {
        call = call.unsigned_header(name);
    }
    if let Some(r) = a.region {
        call = call.region(r);
    }
    if let Some(s) = a.service {
        call = call.service(s);
    }
    let signed = huawei::sign_request(&creds, &call, clock(&a.output).as_ref())
        .map_err(|e| e.to_string())?;
    print(&signed, &a.output)
}

fn print(signed: &SignedRequest, out: &OutputArgs) -> Result<(), String> {
    let st = signed.stages();
    print_signed(
        signed,
        out,
        || {
            let mut text = format!(
                "--- canonical request\n{}\n--- hashed canonical request\n{}\n",
                st.canonical_request, st.hashed_canonical_request
            );
            if let Some(scope) = &st.credential_scope {
                text.push_str(&format!("--- credential scope\n{scope}\n"));
            }
            text.push_str(&format!(
                "--- string to sign\n{}\n--- signature\n{}\n",
                st.string_to_sign, st.signature
            ));
            text
        },
        || {
            serde_json::json!({
                "method": signed.method(),
                "url": signed.url(),
                "headers": signed.headers(),
                "body": String::from_utf8_lossy(signed.body()),
                "stages": {
                    "scheme": st.algorithm.name(),
                    "canonical_request": st.canonical_request,
                    "hashed_canonical_request": st.hashed_canonical_request,
                    "credential_scope": st.credential_scope,
                    "string_to_sign": st.string_to_sign,
                    "signature": st.signature,
                },
            })
            .to_string()
        },
    )
}
