//! Tencent Cloud: TC3-HMAC-SHA256 and v1 on an [`http::Request`] in place.
//!
//! TC3 reads the call from the request as the SDKs send it: `X-TC-Action`,
//! `X-TC-Version`, `X-TC-Region` and `X-TC-Language` headers, `Content-Type`, the query
//! (GET) and the body; the service is the host's first label unless given. v1 reads its
//! parameters (with `Action` and `Version`) from the query, and for a POST from a form
//! body.

use alloc::string::String;
use alloc::vec::Vec;

use ::http::request::Parts;
use cloudsig_core::v1::Algorithm;

use super::{
    apply_headers, apply_params, decode_params, form_params, header_text, host_of, method_of,
    path_of, query_of, with_parts,
};
use crate::error::{Error, Stage};
use crate::tencent::{Clock, Credentials, SignedRequest, Stages, Tc3Call, V1Call};
use crate::v1::Params;

/// What a TC3 request does not say itself.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tc3Options {
    /// The service of the credential scope (default: the host's first label).
    pub service: Option<String>,
    /// Headers signed besides `content-type` and `host` (for example `x-tc-action`).
    pub sign_headers: Vec<String>,
    /// Leaves the body unsigned (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    pub unsigned_payload: bool,
}

impl Tc3Options {
    /// The service of the credential scope.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Signs this header too (it must be on the request).
    pub fn sign_header(mut self, name: impl Into<String>) -> Self {
        self.sign_headers.push(name.into());
        self
    }

    /// Leaves the body unsigned.
    pub fn unsigned_payload(mut self, yes: bool) -> Self {
        self.unsigned_payload = yes;
        self
    }
}

/// What a v1 request does not say itself.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V1Options {
    /// HmacSHA1 (default) or HmacSHA256.
    pub algorithm: Algorithm,
    /// The nonce (default: a random one).
    pub nonce: Option<u64>,
}

impl V1Options {
    /// The algorithm.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// A fixed nonce (tests, reproductions).
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.nonce = Some(nonce);
        self
    }
}

fn required<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, Error> {
    header_text(parts, name)?.ok_or_else(|| {
        Error::new(
            crate::ErrorKind::InvalidHeaderValue,
            Stage::Request,
            alloc::format!("header `{name}`"),
            "is missing: a TC3 request names its action and version in headers",
        )
    })
}

/// Signs the request's parts and body with TC3-HMAC-SHA256 in place: `Authorization`,
/// `Host`, `X-TC-Timestamp` (and `X-TC-Token` for temporary credentials) are set.
pub fn sign_tc3_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Tc3Options,
) -> Result<Stages, Error> {
    let host = host_of(parts)?;
    if path_of(parts) != "/" {
        return Err(Error::new(
            crate::ErrorKind::InvalidPath,
            Stage::Request,
            "path",
            "TC3 API 3.0 calls are sent to `/`",
        ));
    }
    let service = match &options.service {
        Some(s) => s.clone(),
        None => host.split('.').next().unwrap_or_default().into(),
    };
    let mut call = Tc3Call::new(
        service,
        required(parts, "x-tc-action")?,
        required(parts, "x-tc-version")?,
    )
    .host(host)
    .method(method_of(parts))
    .raw_query(query_of(parts))
    .body(body)
    .unsigned_payload(options.unsigned_payload);
    if let Some(r) = header_text(parts, "x-tc-region")? {
        call = call.region(r);
    }
    if let Some(l) = header_text(parts, "x-tc-language")? {
        call = call.language(l);
    }
    if let Some(ct) = header_text(parts, "content-type")? {
        call = call.content_type(ct);
    }
    for name in &options.sign_headers {
        let lower = name.to_ascii_lowercase();
        if matches!(lower.as_str(), "content-type" | "host") {
            continue;
        }
        call = call.sign_header(lower.clone());
        if !lower.starts_with("x-tc-") {
            let value = header_text(parts, &lower)?.ok_or_else(|| {
                Error::new(
                    crate::ErrorKind::InvalidHeaderValue,
                    Stage::Request,
                    alloc::format!("header `{name}`"),
                    "is to be signed but the request does not have it",
                )
            })?;
            call = call.extra_header(lower.clone(), value);
        }
    }
    let signed: SignedRequest = crate::tencent::sign_tc3(creds, &call, clock)?;
    apply_headers(parts, &signed)?;
    Ok(signed.stages().clone())
}

/// [`sign_tc3_parts`] on a whole request whose body is bytes.
pub fn sign_tc3<B: AsRef<[u8]>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Tc3Options,
) -> Result<Stages, Error> {
    with_parts(req, |parts, body| {
        sign_tc3_parts(parts, body.as_ref(), creds, clock, options)
    })
}

/// Signs a v1 request's parts in place: the parameters of the query (and of a form body)
/// plus the common ones (`Timestamp`, `Nonce`, `SecretId`, `Token`, `Signature`…) are
/// written to the query for GET; for POST the query is emptied and the signed form body
/// is returned (send it instead of the old body). `Action`, `Version` and `Region` are
/// read from the parameters.
pub fn sign_v1_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &V1Options,
) -> Result<(Stages, Vec<u8>), Error> {
    let mut pairs = decode_params(query_of(parts), "query")?;
    pairs.extend(form_params(parts, body)?);
    let mut take = |name: &str| {
        let i = pairs.iter().position(|(n, _)| n == name)?;
        Some(pairs.remove(i).1)
    };
    let missing = |name: &str| {
        Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Parameters,
            alloc::format!("parameter `{name}`"),
            "is missing",
        )
    };
    let action = take("Action").ok_or_else(|| missing("Action"))?;
    let version = take("Version").ok_or_else(|| missing("Version"))?;
    let region = take("Region");
    let mut params = Params::new();
    for (n, v) in pairs {
        params.push(n, v);
    }
    let mut call = V1Call::new(host_of(parts)?, action, version)
        .method(method_of(parts))
        .params(params)
        .algorithm(options.algorithm);
    if let Some(r) = region {
        call = call.region(r);
    }
    if let Some(n) = options.nonce {
        call = call.nonce(n);
    }
    if path_of(parts) != "/" {
        return Err(Error::new(
            crate::ErrorKind::InvalidPath,
            Stage::Request,
            "path",
            "v1 calls are sent to `/`",
        ));
    }
    let signed = crate::tencent::sign_v1(creds, &call, clock)?;
    let body = apply_params(parts, &signed)?;
    Ok((signed.stages().clone(), body))
}

/// [`sign_v1_parts`] on a whole request; for POST its body is replaced by the signed form.
pub fn sign_v1<B: AsRef<[u8]> + From<Vec<u8>>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &V1Options,
) -> Result<Stages, Error> {
    let (stages, body) = with_parts(req, |parts, body| {
        sign_v1_parts(parts, body.as_ref(), creds, clock, options)
    })?;
    if !body.is_empty() || req.method() == ::http::Method::POST {
        *req.body_mut() = B::from(body);
    }
    Ok(stages)
}
