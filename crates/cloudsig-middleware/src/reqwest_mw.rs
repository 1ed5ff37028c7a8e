//! The reqwest-middleware middleware.

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::{Error, Signer};

/// Signs every request that goes through a `reqwest_middleware::ClientWithMiddleware`.
///
/// ```no_run
/// use cloudsig_middleware::{Scheme, Signer, SigningMiddleware};
/// use cloudsig_credentials::{Environment, tencent};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let creds = tencent::static_chain(&Environment::process(), None)?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(SigningMiddleware::new(Signer::new(Scheme::tc3(), creds)))
///     .build();
/// let resp = client.post("https://cvm.tencentcloudapi.com/")
///     .header("X-TC-Action", "DescribeRegions").header("X-TC-Version", "2017-03-12")
///     .body("{}").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SigningMiddleware {
    signer: Signer,
}

impl SigningMiddleware {
    /// A middleware signing with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self { signer }
    }
}

#[async_trait::async_trait]
impl Middleware for SigningMiddleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let body = match req.body() {
            None => Vec::new(),
            Some(b) => b
                .as_bytes()
                .ok_or_else(|| reqwest_middleware::Error::middleware(Error::StreamingBody))?
                .to_vec(),
        };
        let uri: http::Uri = req
            .url()
            .as_str()
            .parse()
            .map_err(reqwest_middleware::Error::middleware)?;
        let (mut parts, ()) = http::Request::builder()
            .method(req.method().clone())
            .uri(uri)
            .body(())
            .map_err(reqwest_middleware::Error::middleware)?
            .into_parts();
        parts.headers = req.headers().clone();
        let new_body = self
            .signer
            .sign_parts(&mut parts, &body)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        *req.headers_mut() = parts.headers;
        let url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(reqwest_middleware::Error::middleware)?;
        *req.url_mut() = url;
        if let Some(b) = new_body {
            *req.body_mut() = Some(b.into());
        }
        next.run(req, extensions).await
    }
}
