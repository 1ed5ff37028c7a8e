//! Alibaba Cloud: ACS3 (HMAC-SHA256 / SM3), ROA and RPC on an [`http::Request`] in place.
//!
//! ACS3 and ROA read the action and API version from the `x-acs-action` and
//! `x-acs-version` headers (as the SDKs send them), the path, the query, `Content-Type`
//! and the body; every other `x-acs-*` header on the request is signed too. RPC reads its
//! parameters (with `Action` and `Version`) from the query, and for a POST from a form
//! body.

use alloc::string::String;
use alloc::vec::Vec;

use ::http::request::Parts;
use cloudsig_core::alibaba::Algorithm;

use super::{
    apply_headers, apply_params, decode_params, form_params, header_text, host_of, method_of,
    path_of, query_of, with_parts,
};
use crate::alibaba::{Acs3Call, Body, Clock, Credentials, RoaCall, RpcCall, Stages};
use crate::error::{Error, Stage};

/// The headers the ACS3 and ROA signers write themselves.
const SIGNER_HEADERS: [&str; 9] = [
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
    "x-acs-content-sm3",
    "x-acs-security-token",
    "x-acs-signature-method",
    "x-acs-signature-version",
];

/// What an Alibaba request does not say itself.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// ACS3-HMAC-SHA256 (default) or ACS3-HMAC-SM3 (ACS3 only).
    pub algorithm: Algorithm,
    /// The signature nonce (default: a random one).
    pub nonce: Option<String>,
    /// ACS3: headers signed besides host, content-type and every `x-acs-*` header (the
    /// Python SDK also signs `accept` and `user-agent`).
    pub sign_headers: Vec<String>,
}

impl Options {
    /// The ACS3 algorithm.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// A fixed signature nonce (tests, reproductions).
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Signs this header too (ACS3; it must be on the request).
    pub fn sign_header(mut self, name: impl Into<String>) -> Self {
        self.sign_headers.push(name.into());
        self
    }
}

fn required<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, Error> {
    header_text(parts, name)?.ok_or_else(|| {
        Error::new(
            crate::ErrorKind::InvalidHeaderValue,
            Stage::Request,
            alloc::format!("header `{name}`"),
            "is missing: the request names its API version (and ACS3 its action) in headers",
        )
    })
}

fn body_of(parts: &Parts, body: &[u8]) -> Result<Body, Error> {
    if body.is_empty() {
        return Ok(Body::Empty);
    }
    let content_type = header_text(parts, "content-type")?
        .unwrap_or("application/octet-stream")
        .into();
    Ok(Body::Raw {
        content_type,
        bytes: body.to_vec(),
    })
}

/// The request's own `x-acs-*` headers (other than the signer's), and `extra` ones named
/// in the options.
fn extra_headers(parts: &Parts, extra: &[String]) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for name in parts.headers.keys() {
        let n = name.as_str();
        let wanted = (n.starts_with("x-acs-") && !SIGNER_HEADERS.contains(&n))
            || extra.iter().any(|e| e.eq_ignore_ascii_case(n));
        if wanted && let Some(v) = header_text(parts, n)? {
            out.push((n.into(), v.into()));
        }
    }
    Ok(out)
}

/// Signs the request's parts and body with ACS3 in place: `Authorization`, `host`,
/// `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256` (and
/// `x-acs-security-token`) are set; the query is rewritten in its RFC 3986 encoding.
pub fn sign_acs3_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    let mut call = Acs3Call::new(
        host_of(parts)?,
        required(parts, "x-acs-action")?,
        required(parts, "x-acs-version")?,
    )
    .method(method_of(parts))
    .path(path_of(parts))
    .body(body_of(parts, body)?)
    .algorithm(options.algorithm);
    for (n, v) in decode_params(query_of(parts), "query")? {
        call = call.query_param(n, v);
    }
    for (n, v) in extra_headers(parts, &options.sign_headers)? {
        call = call.extra_header(n, v);
    }
    for n in &options.sign_headers {
        call = call.sign_header(n.to_ascii_lowercase());
    }
    if let Some(n) = &options.nonce {
        call = call.nonce(n.clone());
    }
    let signed = crate::alibaba::sign_acs3(creds, &call, clock)?;
    super::set_query(parts, signed.query())?;
    apply_headers(parts, &signed)?;
    Ok(signed.stages().clone())
}

/// [`sign_acs3_parts`] on a whole request whose body is bytes.
pub fn sign_acs3<B: AsRef<[u8]>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    with_parts(req, |parts, body| {
        sign_acs3_parts(parts, body.as_ref(), creds, clock, options)
    })
}

/// Signs the request's parts and body with ROA (V2, HMAC-SHA1) in place: `Authorization:
/// acs AK:signature`, `Accept` (unless the request has one), `Date`, `Host` and the
/// `x-acs-signature-*` headers are set.
pub fn sign_roa_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    let mut call = RoaCall::new(
        host_of(parts)?,
        required(parts, "x-acs-version")?,
        path_of(parts),
    )
    .method(method_of(parts))
    .body(body_of(parts, body)?);
    if let Some(a) = header_text(parts, "x-acs-action")? {
        call = call.action(a);
    }
    if let Some(a) = header_text(parts, "accept")? {
        call = call.accept(a);
    }
    for (n, v) in decode_params(query_of(parts), "query")? {
        call = call.query_param(n, v);
    }
    for (n, v) in extra_headers(parts, &[])? {
        call = call.extra_header(n, v);
    }
    if let Some(n) = &options.nonce {
        call = call.nonce(n.clone());
    }
    let signed = crate::alibaba::sign_roa(creds, &call, clock)?;
    super::set_query(parts, signed.query())?;
    apply_headers(parts, &signed)?;
    Ok(signed.stages().clone())
}

/// [`sign_roa_parts`] on a whole request whose body is bytes.
pub fn sign_roa<B: AsRef<[u8]>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    with_parts(req, |parts, body| {
        sign_roa_parts(parts, body.as_ref(), creds, clock, options)
    })
}

/// Signs an RPC request's parts in place: its parameters (from the query and a form body)
/// plus the common ones (`AccessKeyId`, `SignatureNonce`, `Timestamp`, `SecurityToken`,
/// `Signature`…) go to the query for GET; for POST the query is emptied and the signed
/// form body is returned (send it instead of the old body).
pub fn sign_rpc_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
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
    let mut call = RpcCall::new(host_of(parts)?, action, version)
        .method(method_of(parts))
        .path(path_of(parts));
    for (n, v) in pairs {
        call = call.param(n, v);
    }
    if let Some(n) = &options.nonce {
        call = call.nonce(n.clone());
    }
    let signed = crate::alibaba::sign_rpc(creds, &call, clock)?;
    let body = apply_params(parts, &signed)?;
    Ok((signed.stages().clone(), body))
}

/// [`sign_rpc_parts`] on a whole request; for POST its body is replaced by the signed form.
pub fn sign_rpc<B: AsRef<[u8]> + From<Vec<u8>>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    let (stages, body) = with_parts(req, |parts, body| {
        sign_rpc_parts(parts, body.as_ref(), creds, clock, options)
    })?;
    if !body.is_empty() || req.method() == ::http::Method::POST {
        *req.body_mut() = B::from(body);
    }
    Ok(stages)
}
