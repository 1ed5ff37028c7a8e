//! The verifying gateway's upstream: valid requests are forwarded unchanged (method,
//! target, headers, body) plus a header naming the verified key id, and the upstream's
//! answer is streamed back.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The header the gateway adds to a forwarded request: the verified key id
/// (SecretId, AccessKeyId or AK). Any copy the client sent is removed first.
pub const KEY_ID_HEADER: &str = "x-cloudsig-key-id";

/// Why forwarding failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamError {
    /// The upstream could not be reached or broke the exchange (502).
    Unreachable,
    /// The upstream did not answer within the timeout (504).
    Timeout,
}

/// An HTTP upstream (`http://host:port[/base]`).
#[derive(Debug, Clone)]
pub struct Upstream {
    base: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

/// Hop-by-hop headers (RFC 9110, 7.6.1): for one connection, never forwarded.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

impl Upstream {
    /// An upstream at `url` (plain `http://`); `timeout` bounds the wait for its head.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, String> {
        let base: Uri = url
            .parse()
            .map_err(|e| format!("--upstream {url:?} is not a URL: {e}"))?;
        if base.scheme_str() != Some("http") || base.authority().is_none() {
            return Err(format!(
                "--upstream {url:?}: only http://HOST:PORT upstreams are supported"
            ));
        }
        let client = Client::builder(TokioExecutor::new()).build_http();
        Ok(Self {
            base,
            client,
            timeout,
        })
    }

    /// The target on the upstream: its base path followed by the request's own target.
    fn target(&self, path_and_query: &str) -> Result<Uri, UpstreamError> {
        let base_path = self.base.path().trim_end_matches('/');
        let authority = self
            .base
            .authority()
            .map(|a| a.as_str())
            .unwrap_or_default();
        format!("http://{authority}{base_path}{path_and_query}")
            .parse()
            .map_err(|_| UpstreamError::Unreachable)
    }

    /// Forwards a verified request: `parts` and `body` as received, plus
    /// [`KEY_ID_HEADER`]. The answer's body is streamed back as it arrives.
    pub async fn forward(
        &self,
        parts: &hyper::http::request::Parts,
        body: Bytes,
        key_id: &str,
    ) -> Result<Response<BoxBody<Bytes, hyper::Error>>, UpstreamError> {
        let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut req = Request::builder()
            .method(parts.method.clone())
            .uri(self.target(path_and_query)?)
            .version(hyper::Version::HTTP_11)
            .body(Full::new(body))
            .map_err(|_| UpstreamError::Unreachable)?;
        let headers = req.headers_mut();
        for (name, value) in &parts.headers {
            if HOP_BY_HOP.contains(&name.as_str()) || name.as_str() == KEY_ID_HEADER {
                continue;
            }
            headers.append(name.clone(), value.clone());
        }
        let id = HeaderValue::from_str(key_id).map_err(|_| UpstreamError::Unreachable)?;
        headers.insert(HeaderName::from_static(KEY_ID_HEADER), id);
        match tokio::time::timeout(self.timeout, self.client.request(req)).await {
            Err(_) => Err(UpstreamError::Timeout),
            Ok(Err(_)) => Err(UpstreamError::Unreachable),
            Ok(Ok(resp)) => Ok(resp.map(|b| b.boxed())),
        }
    }
}
