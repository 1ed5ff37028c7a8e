//! The reqwest-middleware middleware.

use cloudsig_credentials::fetch::DefaultChain;
use cloudsig_credentials::{Environment, ProvideCredentials};
use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};

use crate::{Error, Scheme, Signer};

/// Signs every request that goes through a `reqwest_middleware::ClientWithMiddleware`.
///
/// One line gives a client that signs with the official SDK's default credentials chain
/// (environment, profile file, instance role; see `cloudsig_credentials::fetch::DefaultChain`):
///
/// ```no_run
/// use cloudsig_credentials::Environment;
/// use cloudsig_middleware::{ApiCall, SigningMiddleware};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = SigningMiddleware::tc3_from_env(Environment::process()).client();
/// let resp = client.post("https://cvm.tencentcloudapi.com/")
///     .tencent_action("DescribeRegions", "2017-03-12")
///     .header("Content-Type", "application/json")
///     .body("{}").send().await?;
/// # Ok(()) }
/// ```
///
/// Any scheme and provider, with your own `reqwest::Client`:
///
/// ```no_run
/// use cloudsig_middleware::{Scheme, Signer, SigningMiddleware};
/// use cloudsig_credentials::{Environment, tencent};
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let creds = tencent::static_chain(&Environment::process(), None)?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(SigningMiddleware::new(Signer::new(Scheme::tc3(), creds)))
///     .build();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SigningMiddleware {
    signer: Signer,
    endpoint: Option<reqwest::Url>,
}

impl SigningMiddleware {
    /// A middleware signing with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self {
            signer,
            endpoint: None,
        }
    }

    /// Tencent Cloud TC3-HMAC-SHA256 (default options) with the credentials `provider`
    /// gives (fixed `Credentials`, or any `ProvideCredentials`).
    ///
    /// ```
    /// use cloudsig_credentials::Credentials;
    /// let mw = cloudsig_middleware::SigningMiddleware::tc3(Credentials::new("AKID", "key", "mine"));
    /// ```
    pub fn tc3(provider: impl ProvideCredentials + 'static) -> Self {
        Self::new(Signer::new(Scheme::tc3(), provider))
    }

    /// Alibaba Cloud ACS3-HMAC-SHA256 (default options) with the credentials `provider`
    /// gives.
    ///
    /// ```
    /// use cloudsig_credentials::Credentials;
    /// let mw = cloudsig_middleware::SigningMiddleware::acs3(Credentials::new("LTAI", "key", "mine"));
    /// ```
    pub fn acs3(provider: impl ProvideCredentials + 'static) -> Self {
        Self::new(Signer::new(Scheme::acs3(), provider))
    }

    /// Huawei Cloud SDK-HMAC-SHA256 (default options) with the credentials `provider`
    /// gives.
    ///
    /// ```
    /// use cloudsig_credentials::Credentials;
    /// let mw = cloudsig_middleware::SigningMiddleware::huawei(Credentials::new("AK", "SK", "mine"));
    /// ```
    pub fn huawei(provider: impl ProvideCredentials + 'static) -> Self {
        Self::new(Signer::new(Scheme::huawei(), provider))
    }

    /// TC3 with the Tencent Cloud SDK's default chain read from `env`
    /// ([`Environment::process()`] for the process's own): `TENCENTCLOUD_SECRET_ID` /
    /// `TENCENTCLOUD_SECRET_KEY`, the profile file, the CVM role, the TKE OIDC role. The
    /// chain is asked on each request (it caches and refreshes role credentials).
    ///
    /// ```
    /// use cloudsig_credentials::Environment;
    /// let env = Environment::empty().var("TENCENTCLOUD_SECRET_ID", "AKID").var("TENCENTCLOUD_SECRET_KEY", "key");
    /// let client = cloudsig_middleware::SigningMiddleware::tc3_from_env(env).client();
    /// ```
    pub fn tc3_from_env(env: Environment) -> Self {
        Self::tc3(DefaultChain::tencent(env))
    }

    /// ACS3-HMAC-SHA256 with the Alibaba Cloud SDK's default chain read from `env`:
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, the OIDC role,
    /// the CLI profile, the credentials file, the ECS RAM role.
    ///
    /// ```
    /// use cloudsig_credentials::Environment;
    /// let client = cloudsig_middleware::SigningMiddleware::acs3_from_env(Environment::process()).client();
    /// ```
    pub fn acs3_from_env(env: Environment) -> Self {
        Self::acs3(DefaultChain::alibaba(env))
    }

    /// SDK-HMAC-SHA256 with the Huawei Cloud SDK's default chain read from `env`:
    /// `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK`, the credentials file, the ECS metadata.
    ///
    /// ```
    /// use cloudsig_credentials::Environment;
    /// let client = cloudsig_middleware::SigningMiddleware::huawei_from_env(Environment::process()).client();
    /// ```
    pub fn huawei_from_env(env: Environment) -> Self {
        Self::huawei(DefaultChain::huawei(env))
    }

    /// Sends every request to `url`'s scheme, host and port (`http://127.0.0.1:8080`, a
    /// local emulator such as `cloudsig serve`, or a proxy) while signing, and sending as
    /// the `Host` header, the host the request was made for (as `cloudsig sign --endpoint`
    /// does). The request's path and query are kept. A request that already has a `Host`
    /// header keeps it. `url` must be an `http` or `https` URL with a host.
    ///
    /// ```
    /// use cloudsig_credentials::Credentials;
    /// use cloudsig_middleware::SigningMiddleware;
    /// let mw = SigningMiddleware::tc3(Credentials::new("AKID", "key", "mine"));
    /// assert!(mw.clone().endpoint("http://127.0.0.1:8080").is_ok());
    /// assert!(mw.endpoint("127.0.0.1:8080").is_err());
    /// ```
    pub fn endpoint(mut self, url: &str) -> Result<Self, Error> {
        let parsed = reqwest::Url::parse(url).map_err(|e| Error::Endpoint(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::Endpoint(
                "an endpoint is an http:// or https:// URL with a host".to_string(),
            ));
        }
        self.endpoint = Some(parsed);
        Ok(self)
    }

    /// A client (a default `reqwest::Client`) whose requests go through this middleware;
    /// for your own client, `reqwest_middleware::ClientBuilder::new(client).with(mw)`.
    pub fn client(self) -> ClientWithMiddleware {
        ClientBuilder::new(reqwest::Client::new())
            .with(self)
            .build()
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
        if self.endpoint.is_some()
            && !parts.headers.contains_key(http::header::HOST)
            && let Some(authority) = parts.uri.authority()
        {
            // The host and port the request was made for (never a `user:password@`).
            let host_port = authority.as_str().rsplit('@').next().unwrap_or_default();
            let host = http::HeaderValue::from_str(host_port)
                .map_err(reqwest_middleware::Error::middleware)?;
            parts.headers.insert(http::header::HOST, host);
        }
        let new_body = self
            .signer
            .sign_parts(&mut parts, &body)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        *req.headers_mut() = parts.headers;
        let mut url = reqwest::Url::parse(&parts.uri.to_string())
            .map_err(reqwest_middleware::Error::middleware)?;
        if let Some(endpoint) = &self.endpoint {
            url = rebase(&url, endpoint);
        }
        *req.url_mut() = url;
        if let Some(b) = new_body {
            *req.body_mut() = Some(b.into());
        }
        next.run(req, extensions).await
    }
}

/// `url`'s path and query at `endpoint`'s scheme, host and port.
fn rebase(url: &reqwest::Url, endpoint: &reqwest::Url) -> reqwest::Url {
    let mut out = endpoint.clone();
    out.set_path(url.path());
    out.set_query(url.query());
    out.set_fragment(None);
    out
}
