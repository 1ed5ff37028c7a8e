//! # cloudsig-middleware
//!
//! Sign outgoing requests for Tencent Cloud, Alibaba Cloud or Huawei Cloud on the way
//! out: a [`reqwest-middleware`](https://docs.rs/reqwest-middleware) middleware
//! ([`SigningMiddleware`], feature `reqwest`) and a [`tower`](https://docs.rs/tower)
//! layer ([`SigningLayer`], feature `tower`). Both hold a [`Signer`]: a scheme and a
//! credentials provider (fixed credentials, or a `cloudsig_credentials::fetch::Refreshing`
//! provider that fetches role credentials and refreshes them before they expire).
//!
//! The request says what the call is, as the SDKs send it (see
//! `cloudsig_canonical::http`): `X-TC-Action`/`X-TC-Version` headers for TC3,
//! `x-acs-action`/`x-acs-version` for ACS3 and ROA, `Action`/`Version` query parameters
//! for Tencent v1 and Alibaba RPC; a `Host` header, when set, is the host signed (the URL
//! may point at a local endpoint).
//!
//! ```
//! use cloudsig_middleware::{Scheme, Signer};
//! use cloudsig_credentials::Credentials;
//!
//! let signer = Signer::new(Scheme::tc3(), Credentials::new("AKIDexample", "secret", "example"));
//! let mut req = http::Request::post("https://cvm.tencentcloudapi.com/")
//!     .header("X-TC-Action", "DescribeRegions")
//!     .header("X-TC-Version", "2017-03-12")
//!     .body(b"{}".to_vec())?;
//! # tokio_test_block_on(async {
//! signer.sign(&mut req).await?;
//! assert!(req.headers()["authorization"].to_str()?.starts_with("TC3-HMAC-SHA256 Credential=AKIDexample/"));
//! # Ok::<(), Box<dyn std::error::Error>>(()) })?;
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f) }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;

use cloudsig_canonical::http::{alibaba, huawei, tencent};
use cloudsig_credentials::ProvideCredentials;

mod call;
#[cfg(feature = "reqwest")]
mod reqwest_mw;
#[cfg(feature = "tower")]
mod tower_layer;

pub use call::ApiCall;
#[cfg(feature = "reqwest")]
pub use reqwest_mw::SigningMiddleware;
#[cfg(feature = "tower")]
pub use tower_layer::{SigningLayer, SigningService};

/// Which signature, with the options the request does not say itself.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// Tencent Cloud TC3-HMAC-SHA256.
    Tc3(tencent::Tc3Options),
    /// Tencent Cloud v1 HmacSHA1 / HmacSHA256.
    V1(tencent::V1Options),
    /// Alibaba Cloud ACS3-HMAC-SHA256 / SM3.
    Acs3(alibaba::Options),
    /// Alibaba Cloud ROA (V2).
    Roa(alibaba::Options),
    /// Alibaba Cloud RPC.
    Rpc(alibaba::Options),
    /// Huawei Cloud SDK-HMAC-SHA256 / SM3 / V11-HMAC-SHA256.
    Huawei(huawei::Options),
}

impl Scheme {
    /// TC3 with default options.
    pub fn tc3() -> Self {
        Self::Tc3(Default::default())
    }

    /// ACS3-HMAC-SHA256 with default options.
    pub fn acs3() -> Self {
        Self::Acs3(Default::default())
    }

    /// Huawei SDK-HMAC-SHA256 with default options.
    pub fn huawei() -> Self {
        Self::Huawei(Default::default())
    }
}

/// Why a request was not signed (no secret is ever in it).
#[derive(Debug)]
pub enum Error {
    /// The provider gave no credentials.
    Credentials(cloudsig_credentials::Error),
    /// The request cannot be signed as it is (a missing action header, a streaming
    /// body, …).
    Sign(cloudsig_canonical::Error),
    /// The request's body is a stream, which cannot be hashed before it is sent.
    StreamingBody,
    /// The endpoint given to send requests to is not an `http`/`https` URL with a host.
    Endpoint(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credentials(e) => write!(f, "credentials: {e}"),
            Self::Sign(e) => write!(f, "signing: {e}"),
            Self::StreamingBody => f.write_str(
                "signing: the request body is a stream; give it as bytes so that it can be hashed",
            ),
            Self::Endpoint(e) => write!(f, "endpoint: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Credentials(e) => Some(e),
            Self::Sign(e) => Some(e),
            Self::StreamingBody | Self::Endpoint(_) => None,
        }
    }
}

/// A scheme and a credentials provider: signs one request at a time, asking the
/// provider for credentials each time (a caching provider answers from its cache).
#[derive(Clone)]
pub struct Signer {
    scheme: Scheme,
    provider: Arc<dyn ProvideCredentials>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs with `scheme` and the credentials `provider` gives.
    pub fn new(scheme: Scheme, provider: impl ProvideCredentials + 'static) -> Self {
        Self::with_provider(scheme, Arc::new(provider))
    }

    /// Signs with `scheme` and a shared provider.
    pub fn with_provider(scheme: Scheme, provider: Arc<dyn ProvideCredentials>) -> Self {
        Self { scheme, provider }
    }

    /// Signs the parts and body in place at the system clock's time; for Tencent v1 and
    /// Alibaba RPC POSTs the signed form body is returned (send it instead).
    pub async fn sign_parts(
        &self,
        parts: &mut http::request::Parts,
        body: &[u8],
    ) -> Result<Option<Vec<u8>>, Error> {
        let creds = self.provider.provide().await.map_err(Error::Credentials)?;
        let clock = cloudsig_canonical::tencent::SystemClock;
        let new_body = match &self.scheme {
            Scheme::Tc3(o) => {
                let c = creds.to_tencent().map_err(Error::Credentials)?;
                tencent::sign_tc3_parts(parts, body, &c, &clock, o).map(|_| None)
            }
            Scheme::V1(o) => {
                let c = creds.to_tencent().map_err(Error::Credentials)?;
                tencent::sign_v1_parts(parts, body, &c, &clock, o).map(|(_, b)| Some(b))
            }
            Scheme::Acs3(o) => {
                let c = creds.to_alibaba().map_err(Error::Credentials)?;
                alibaba::sign_acs3_parts(parts, body, &c, &clock, o).map(|_| None)
            }
            Scheme::Roa(o) => {
                let c = creds.to_alibaba().map_err(Error::Credentials)?;
                alibaba::sign_roa_parts(parts, body, &c, &clock, o).map(|_| None)
            }
            Scheme::Rpc(o) => {
                let c = creds.to_alibaba().map_err(Error::Credentials)?;
                alibaba::sign_rpc_parts(parts, body, &c, &clock, o).map(|(_, b)| Some(b))
            }
            Scheme::Huawei(o) => {
                let c = creds.to_huawei().map_err(Error::Credentials)?;
                huawei::sign_parts(parts, body, &c, &clock, o).map(|_| None)
            }
        }
        .map_err(Error::Sign)?;
        Ok(new_body.filter(|b| !b.is_empty() || parts.method == http::Method::POST))
    }

    /// Signs a whole request in place (its body replaced for v1 and RPC POSTs).
    pub async fn sign<B: AsRef<[u8]> + From<Vec<u8>>>(
        &self,
        req: &mut http::Request<B>,
    ) -> Result<(), Error> {
        let (mut parts, body) =
            std::mem::replace(req, http::Request::new(B::from(Vec::new()))).into_parts();
        let result = self.sign_parts(&mut parts, body.as_ref()).await;
        let body = match &result {
            Ok(Some(new)) => B::from(new.clone()),
            _ => body,
        };
        *req = http::Request::from_parts(parts, body);
        result.map(|_| ())
    }
}
