//! The verifier's input from an [`http::Request`] (feature `http`, on by default): a
//! server built on `http` (hyper, axum, tower) verifies the request it received without
//! building a [`Captured`] by hand.
//!
//! ```
//! use cloudsig_verify::http::captured_from_request;
//! let req = http::Request::post("https://cvm.tencentcloudapi.com/?a=1")
//!     .header("Content-Type", "application/json")
//!     .body(b"{}".to_vec())?;
//! let cap = captured_from_request(&req)?;
//! assert_eq!(cap.target, "https://cvm.tencentcloudapi.com/?a=1");
//! assert_eq!(cap.host(), Some("cvm.tencentcloudapi.com"));
//! assert_eq!(cap.header("content-type"), Some("application/json"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use ::http::request::Parts;

use crate::capture::{Captured, Location};

/// A header of the request is not text, so it cannot be verified (every scheme signs
/// header values as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderNotText {
    /// The header's name.
    pub name: String,
}

impl fmt::Display for HeaderNotText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request header `{}`: the value is not UTF-8 text",
            self.name
        )
    }
}

impl std::error::Error for HeaderNotText {}

/// The verifier's input from a request's parts and its body bytes. The target is
/// absolute-form (`scheme://authority/path?query`) when the URI has an authority (as a
/// client's request has; the verifier then takes the host from it when there is no
/// `Host` header), else origin-form (`/path?query`, as a server receives HTTP/1.1). Header
/// names are the `http` crate's lower-case ones, in the order of the map (all values of
/// one name together, in the order sent).
pub fn captured_from_parts(parts: &Parts, body: &[u8]) -> Result<Captured, HeaderNotText> {
    captured(&parts.method, &parts.uri, &parts.headers, body)
}

/// [`captured_from_parts`] of a whole request whose body is bytes.
pub fn captured_from_request<B: AsRef<[u8]>>(
    req: &::http::Request<B>,
) -> Result<Captured, HeaderNotText> {
    captured(req.method(), req.uri(), req.headers(), req.body().as_ref())
}

fn captured(
    method: &::http::Method,
    uri: &::http::Uri,
    map: &::http::HeaderMap,
    body: &[u8],
) -> Result<Captured, HeaderNotText> {
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let target = match (uri.scheme_str(), uri.authority()) {
        (Some(scheme), Some(authority)) => format!("{scheme}://{authority}{path_and_query}"),
        (None, Some(authority)) => format!("http://{authority}{path_and_query}"),
        _ => path_and_query.to_string(),
    };
    let mut headers = Vec::with_capacity(map.len());
    for (name, value) in map {
        let text = std::str::from_utf8(value.as_bytes()).map_err(|_| HeaderNotText {
            name: name.as_str().to_string(),
        })?;
        headers.push((name.as_str().to_string(), text.to_string()));
    }
    Ok(Captured {
        location: Location {
            index: 0,
            offset: 0,
            line: None,
        },
        method: method.as_str().to_string(),
        target,
        headers,
        body: body.to_vec(),
    })
}
