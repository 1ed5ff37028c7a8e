//! Huawei Cloud: SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256 on an
//! [`http::Request`] in place.
//!
//! The method, path, query, `Content-Type`, `X-Project-Id` and body come from the
//! request; the signer adds `Host`, `X-Sdk-Date` (and `X-Security-Token`) and signs
//! every header it sends, as the official SDKs do. Headers named in the options are
//! signed too.

use alloc::string::String;
use alloc::vec::Vec;

use ::http::request::Parts;
use cloudsig_core::huawei::Algorithm;

use super::{apply_headers, decode_params, header_text, host_of, method_of, path_of, query_of};
use super::{set_query, with_parts};
use crate::error::{Error, Stage};
use crate::huawei::{Call, Credentials, Stages, sign_request};
use crate::tencent::Clock;

/// What a Huawei request does not say itself.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The algorithm (default SDK-HMAC-SHA256).
    pub algorithm: Algorithm,
    /// The region of the V11 scope.
    pub region: Option<String>,
    /// The service of the V11 scope.
    pub service: Option<String>,
    /// Leaves the body unsigned.
    pub unsigned_payload: bool,
    /// Headers of the request signed too (besides those the signer adds).
    pub sign_headers: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::SdkHmacSha256,
            region: None,
            service: None,
            unsigned_payload: false,
            sign_headers: Vec::new(),
        }
    }
}

impl Options {
    /// The algorithm.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The region and service of the V11 scope.
    pub fn scope(mut self, region: impl Into<String>, service: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self.service = Some(service.into());
        self
    }

    /// Leaves the body unsigned.
    pub fn unsigned_payload(mut self, yes: bool) -> Self {
        self.unsigned_payload = yes;
        self
    }

    /// Signs this header of the request too.
    pub fn sign_header(mut self, name: impl Into<String>) -> Self {
        self.sign_headers.push(name.into());
        self
    }
}

/// Signs the request's parts and body in place; the query is rewritten sorted and RFC 3986
/// encoded, as it is signed.
pub fn sign_parts(
    parts: &mut Parts,
    body: &[u8],
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    let mut call = Call::new(method_of(parts), host_of(parts)?, path_of(parts))
        .algorithm(options.algorithm)
        .body(body)
        .unsigned_payload(options.unsigned_payload);
    for (n, v) in decode_params(query_of(parts), "query")? {
        call = call.query_param(n, v);
    }
    if let Some(ct) = header_text(parts, "content-type")? {
        call = call.content_type(ct);
    }
    if let Some(p) = header_text(parts, "x-project-id")? {
        call = call.project_id(p);
    }
    if let Some(r) = &options.region {
        call = call.region(r.clone());
    }
    if let Some(s) = &options.service {
        call = call.service(s.clone());
    }
    for name in &options.sign_headers {
        let value = header_text(parts, name)?.ok_or_else(|| {
            Error::new(
                crate::ErrorKind::InvalidHeaderValue,
                Stage::Request,
                alloc::format!("header `{name}`"),
                "is to be signed but the request does not have it",
            )
        })?;
        call = call.header(name.to_ascii_lowercase(), value);
    }
    let signed = sign_request(creds, &call, clock)?;
    set_query(parts, signed.query())?;
    apply_headers(parts, &signed)?;
    Ok(signed.stages().clone())
}

/// [`sign_parts`] on a whole request whose body is bytes.
pub fn sign<B: AsRef<[u8]>>(
    req: &mut ::http::Request<B>,
    creds: &Credentials,
    clock: &dyn Clock,
    options: &Options,
) -> Result<Stages, Error> {
    with_parts(req, |parts, body| {
        sign_parts(parts, body.as_ref(), creds, clock, options)
    })
}
