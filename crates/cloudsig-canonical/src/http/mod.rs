//! Signing an [`http::Request`] (or its [`http::request::Parts`] and body bytes) in place,
//! for every scheme, the way aws-sigv4 and reqsign users sign theirs (feature `http`, on
//! by default).
//!
//! Each cloud is a module of the same shape ([`tencent`], [`alibaba`], [`huawei`]): a
//! function per scheme that reads what the request already says (method, URI, the
//! headers a call of that scheme carries, the body), hands it to the crate's high-level
//! signing API ([`crate::tencent::sign_tc3`], [`crate::alibaba::sign_acs3`], …), and
//! writes the result back: the headers the signer adds replace any of the same name, and
//! for the schemes that sign parameters (Tencent v1, Alibaba RPC) the signed parameters
//! replace the query (GET) or the form body (POST).
//!
//! The `Host` header, when the request has one, is the host that is signed; otherwise the
//! URI's authority is. So a request can be sent to a local endpoint
//! (`http://127.0.0.1:8080/`) and still be signed for the cloud's host.
//!
//! ```
//! use cloudsig_canonical::http::tencent::{Tc3Options, sign_tc3};
//! use cloudsig_canonical::tencent::{Credentials, FixedClock};
//!
//! let creds = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "********************************")?;
//! let mut req = http::Request::post("https://cvm.tencentcloudapi.com/")
//!     .header("Content-Type", "application/json; charset=utf-8")
//!     .header("X-TC-Action", "DescribeInstances")
//!     .header("X-TC-Version", "2017-03-12")
//!     .header("X-TC-Region", "ap-guangzhou")
//!     .body(r#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#.to_string())
//!     .map_err(|e| e.to_string())?;
//! sign_tc3(&mut req, &creds, &FixedClock(1551113065), &Tc3Options::default())?;
//! let auth = req.headers()["authorization"].to_str().map_err(|e| e.to_string())?;
//! // Tencent Cloud's "Signature v3" documentation example.
//! assert!(auth.ends_with("Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod alibaba;
pub mod huawei;
pub mod tencent;

use alloc::borrow::ToOwned;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ::http::header::{HeaderName, HeaderValue};
use ::http::request::Parts;
use ::http::uri::{PathAndQuery, Uri};

use crate::encode::{InvalidUtf8, PlusIs};
use crate::error::{Error, Stage};
use crate::wire::HttpRequest;

/// The value of the first header `name`, as text; an error naming the header when it is
/// not visible ASCII or UTF-8.
pub(crate) fn header_text<'a>(parts: &'a Parts, name: &str) -> Result<Option<&'a str>, Error> {
    match parts.headers.get(name) {
        None => Ok(None),
        Some(v) => core::str::from_utf8(v.as_bytes()).map(Some).map_err(|_| {
            Error::new(
                crate::ErrorKind::InvalidHeaderValue,
                Stage::Request,
                alloc::format!("header `{name}`"),
                "is not UTF-8 text",
            )
        }),
    }
}

/// The host to sign: the `Host` header, else the URI's authority (`host[:port]`, without
/// userinfo).
pub(crate) fn host_of(parts: &Parts) -> Result<String, Error> {
    if let Some(h) = header_text(parts, "host")? {
        return Ok(h.to_owned());
    }
    let authority = parts.uri.authority().ok_or_else(|| {
        Error::new(
            crate::ErrorKind::InvalidHost,
            Stage::Request,
            "host",
            "the request has neither a Host header nor an absolute URI",
        )
    })?;
    let text = authority.as_str();
    Ok(text.rsplit_once('@').map_or(text, |(_, h)| h).to_owned())
}

/// The method, as text.
pub(crate) fn method_of(parts: &Parts) -> String {
    parts.method.as_str().to_owned()
}

/// The path as sent (`/` when the URI has none).
pub(crate) fn path_of(parts: &Parts) -> &str {
    let p = parts.uri.path();
    if p.is_empty() { "/" } else { p }
}

/// The raw query, without `?`.
pub(crate) fn query_of(parts: &Parts) -> &str {
    parts.uri.query().unwrap_or_default()
}

/// The query's (or a form body's) parameters, percent-decoded. A `+` is kept as a plus
/// sign (RFC 3986; the clouds' SDKs write a space as `%20`), so a re-encoded query means
/// what the original meant.
pub(crate) fn decode_params(text: &str, what: &str) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            crate::encode::decode(s, PlusIs::Plus, InvalidUtf8::Reject)
                .map(|c| c.into_owned())
                .map_err(|_| {
                    Error::new(
                        crate::ErrorKind::InvalidQuery,
                        Stage::Parameters,
                        alloc::format!("{what} parameter `{name}`"),
                        "is not UTF-8 once percent-decoded",
                    )
                })
        };
        out.push((decode(name)?, decode(value)?));
    }
    Ok(out)
}

/// Writes the signed request's headers into `parts`: each name the signer sent replaces
/// every header of that name the request had; several values of one name are all kept.
pub(crate) fn apply_headers(parts: &mut Parts, signed: &HttpRequest) -> Result<(), Error> {
    let mut seen: Vec<HeaderName> = Vec::new();
    for (name, value) in signed.headers() {
        let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::new(
                crate::ErrorKind::InvalidHeaderName,
                Stage::Request,
                alloc::format!("header `{name}`"),
                "is not a valid header name",
            )
        })?;
        let v = HeaderValue::from_str(value).map_err(|_| {
            Error::new(
                crate::ErrorKind::InvalidHeaderValue,
                Stage::Request,
                alloc::format!("header `{name}`"),
                "is not a valid header value",
            )
        })?;
        if seen.contains(&n) {
            parts.headers.append(n, v);
        } else {
            parts.headers.insert(n.clone(), v);
            seen.push(n);
        }
    }
    Ok(())
}

/// Replaces the URI's query with `query` (none when empty), keeping scheme, authority and
/// path.
pub(crate) fn set_query(parts: &mut Parts, query: &str) -> Result<(), Error> {
    let path = path_of(parts).to_owned();
    let pq = if query.is_empty() {
        path
    } else {
        alloc::format!("{path}?{query}")
    };
    let mut builder = Uri::builder();
    if let Some(s) = parts.uri.scheme() {
        builder = builder.scheme(s.clone());
    }
    if let Some(a) = parts.uri.authority() {
        builder = builder.authority(a.clone());
    }
    let pq = PathAndQuery::try_from(pq.as_str()).map_err(|_| {
        Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Request,
            "query",
            "is not valid in a URI",
        )
    })?;
    parts.uri = builder.path_and_query(pq).build().map_err(|_| {
        Error::new(
            crate::ErrorKind::InvalidPath,
            Stage::Request,
            "uri",
            "cannot be rebuilt with the signed query",
        )
    })?;
    Ok(())
}

/// The body of a form POST (`application/x-www-form-urlencoded`) as parameters, or none.
pub(crate) fn form_params(parts: &Parts, body: &[u8]) -> Result<Vec<(String, String)>, Error> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    let is_form = header_text(parts, "content-type")?.is_some_and(|ct| {
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    if !is_form {
        return Err(Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::Request,
            "body",
            "a parameter-signed request (v1, RPC) carries its parameters in the query or a form body",
        ));
    }
    let text = core::str::from_utf8(body).map_err(|_| {
        Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::Request,
            "body",
            "the form body is not UTF-8",
        )
    })?;
    decode_params(text, "form")
}

/// Writes a parameter-signed request back: for GET the signed query replaces the URI's,
/// for POST the query is emptied and the signed form is returned as the body to send.
pub(crate) fn apply_params(parts: &mut Parts, signed: &HttpRequest) -> Result<Vec<u8>, Error> {
    set_query(parts, signed.query())?;
    apply_headers(parts, signed)?;
    if signed.body().is_empty() {
        parts.headers.remove(::http::header::CONTENT_LENGTH);
    } else {
        let len = signed.body().len().to_string();
        let v = HeaderValue::from_str(&len).map_err(|_| {
            Error::new(
                crate::ErrorKind::InvalidPayload,
                Stage::Request,
                "content-length",
                "cannot be written",
            )
        })?;
        parts.headers.insert(::http::header::CONTENT_LENGTH, v);
    }
    Ok(signed.body().to_vec())
}

/// Runs `sign_parts` on a request's parts and body and puts the parts back.
pub(crate) fn with_parts<B, T>(
    req: &mut ::http::Request<B>,
    sign_parts: impl FnOnce(&mut Parts, &B) -> Result<T, Error>,
) -> Result<T, Error> {
    // `Request` gives its parts only by value: take them out through a cheap placeholder
    // request and put them back, whatever the signer answered.
    let (mut parts, ()) = ::http::Request::new(()).into_parts();
    core::mem::swap(&mut parts.method, req.method_mut());
    core::mem::swap(&mut parts.uri, req.uri_mut());
    core::mem::swap(&mut parts.version, req.version_mut());
    core::mem::swap(&mut parts.headers, req.headers_mut());
    core::mem::swap(&mut parts.extensions, req.extensions_mut());
    let out = sign_parts(&mut parts, req.body());
    core::mem::swap(&mut parts.method, req.method_mut());
    core::mem::swap(&mut parts.uri, req.uri_mut());
    core::mem::swap(&mut parts.version, req.version_mut());
    core::mem::swap(&mut parts.headers, req.headers_mut());
    core::mem::swap(&mut parts.extensions, req.extensions_mut());
    out
}
