//! The tower layer.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

use crate::Signer;

/// A layer that signs every request before the inner service sees it.
///
/// ```
/// use cloudsig_middleware::{Scheme, Signer, SigningLayer};
/// use cloudsig_credentials::Credentials;
/// use tower::{Layer, ServiceExt, service_fn};
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let layer = SigningLayer::new(Signer::new(Scheme::tc3(), Credentials::new("AKIDexample", "secret", "example")));
/// let svc = layer.layer(service_fn(|req: http::Request<Vec<u8>>| async move {
///     Ok::<_, std::convert::Infallible>(req.headers().contains_key("authorization"))
/// }));
/// let req = http::Request::post("https://cvm.tencentcloudapi.com/")
///     .header("X-TC-Action", "DescribeRegions").header("X-TC-Version", "2017-03-12")
///     .body(b"{}".to_vec())?;
/// assert!(svc.oneshot(req).await.map_err(|e| e.to_string())?);
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct SigningLayer {
    signer: Signer,
}

impl SigningLayer {
    /// A layer signing with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self { signer }
    }
}

impl<S> Layer<S> for SigningLayer {
    type Service = SigningService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SigningService {
            signer: self.signer.clone(),
            inner,
        }
    }
}

/// The service [`SigningLayer`] makes: signs, then calls the inner service. Its error
/// is the inner service's error or the signing error, boxed.
#[derive(Debug, Clone)]
pub struct SigningService<S> {
    signer: Signer,
    inner: S,
}

/// A boxed error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, B> Service<http::Request<B>> for SigningService<S>
where
    S: Service<http::Request<B>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: AsRef<[u8]> + From<Vec<u8>> + Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut req: http::Request<B>) -> Self::Future {
        // The inner service that was driven to readiness is the one called (tower's
        // clone-and-swap idiom).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let signer = self.signer.clone();
        Box::pin(async move {
            signer.sign(&mut req).await.map_err(BoxError::from)?;
            inner.call(req).await.map_err(Into::into)
        })
    }
}
