//! Fetched credentials (feature `fetch`): instance-metadata role credentials and STS
//! assume-role, over plain HTTP with hyper on tokio (no blocking call anywhere), cached
//! by [`Refreshing`] and fetched again before they expire. [`DefaultChain`] is each
//! SDK's whole default chain: the static providers, then the metadata service.
//!
//! The metadata services are plain HTTP on link-local addresses, which the bundled
//! [`HttpClient`] speaks. STS is HTTPS: with the feature `tls` the client speaks it too
//! (rustls with the ring provider and Mozilla's roots from webpki-roots; no OpenSSL);
//! without it, give [`tencent_assume_role`] the endpoint of a TLS-terminating transport.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::{BoxFuture, Credentials, Error, ProvideCredentials};

mod chain;
mod oidc;
mod ram_role;
pub use chain::DefaultChain;
pub use oidc::{
    AlibabaOidcRole, AlibabaOidcSettings, TENCENT_STS, TencentTkeOidc, TkeOidcSettings,
    alibaba_oidc_role, tencent_tke_oidc,
};
pub use ram_role::{
    AlibabaRamRoleArn, alibaba_profile, alibaba_ram_role_arn, alibaba_ram_role_arn_with_metadata,
};

/// Tencent Cloud's metadata service.
pub const TENCENT_METADATA: &str = "http://metadata.tencentyun.com";
/// Alibaba Cloud's ECS metadata service.
pub const ALIBABA_METADATA: &str = "http://100.100.100.200";
/// Huawei Cloud's ECS metadata service.
pub const HUAWEI_METADATA: &str = "http://169.254.169.254";

#[cfg(feature = "tls")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "tls"))]
type Connector = HttpConnector;

/// A small HTTP/1.1 client (hyper) with a time limit per request; `https://` too with
/// the feature `tls`.
#[derive(Clone)]
pub struct HttpClient {
    /// The client, or why it could not be built (a TLS configuration rustls refused),
    /// reported by every request.
    client: Result<Client<Connector, Full<Bytes>>, Error>,
    timeout: Duration,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new(Duration::from_secs(5))
    }
}

impl HttpClient {
    /// A client whose requests each end after `timeout` (with the feature `tls`, trusting
    /// Mozilla's root certificates).
    pub fn new(timeout: Duration) -> Self {
        #[cfg(feature = "tls")]
        let connector = tls_connector(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
        #[cfg(not(feature = "tls"))]
        let connector: Result<Connector, Error> = Ok(http_connector());
        Self {
            client: connector.map(|c| Client::builder(TokioExecutor::new()).build(c)),
            timeout,
        }
    }

    /// A client trusting only `roots` (a private CA, a test's certificate), feature `tls`.
    #[cfg(feature = "tls")]
    pub fn with_roots(roots: rustls::RootCertStore, timeout: Duration) -> Self {
        Self {
            client: tls_connector(roots).map(|c| Client::builder(TokioExecutor::new()).build(c)),
            timeout,
        }
    }

    /// Sends `req`; the status and the body (at most 1 MiB) or an error naming `source`.
    pub async fn send(
        &self,
        source: &str,
        req: http::Request<Vec<u8>>,
    ) -> Result<(http::StatusCode, Vec<u8>), Error> {
        let req = req.map(|b| Full::new(Bytes::from(b)));
        let uri = req.uri().to_string();
        let client = self.client.as_ref().map_err(Clone::clone)?;
        let fut = async {
            let resp = client
                .request(req)
                .await
                .map_err(|e| Error::fetch(source, format!("{uri}: {e}")))?;
            let status = resp.status();
            let body = http_body_util::Limited::new(resp.into_body(), 1 << 20)
                .collect()
                .await
                .map_err(|e| Error::fetch(source, format!("{uri}: reading the answer: {e}")))?
                .to_bytes()
                .to_vec();
            Ok((status, body))
        };
        tokio::time::timeout(self.timeout, fut).await.map_err(|_| {
            Error::fetch(
                source,
                format!("{uri}: no answer within {:?}", self.timeout),
            )
        })?
    }

    async fn get_ok(
        &self,
        source: &str,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> Result<Vec<u8>, Error> {
        let mut b = http::Request::get(uri);
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        let req = b
            .body(Vec::new())
            .map_err(|e| Error::fetch(source, format!("{uri}: {e}")))?;
        let (status, body) = self.send(source, req).await?;
        if !status.is_success() {
            return Err(Error::fetch(source, format!("{uri}: HTTP {status}")));
        }
        Ok(body)
    }
}

fn http_connector() -> HttpConnector {
    let mut c = HttpConnector::new();
    // https:// URLs go through the TLS layer (feature `tls`), which needs them let through.
    c.enforce_http(false);
    c
}

/// rustls with the ring provider, the safe default protocol versions and `roots`, over
/// [`http_connector`]: `https://` with TLS, `http://` in the clear.
#[cfg(feature = "tls")]
// ring's provider is deprecated in rustls 0.23.3x for lacking post-quantum key exchange;
// aws-lc-rs, which has it, needs a C/CMake build of AWS-LC. ring is kept for a light
// build; classical ECDHE is what the clouds' STS endpoints negotiate today.
#[allow(deprecated)]
fn tls_connector(roots: rustls::RootCertStore) -> Result<Connector, Error> {
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::fetch("tls", e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http_connector()))
}

/// How a fetcher gets credentials (one network round trip or a few); [`Refreshing`]
/// decides when.
pub trait Fetch: Send + Sync {
    /// Fetches fresh credentials (with their expiry).
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>>;
    /// Seconds before expiry at which cached credentials are fetched again.
    fn refresh_before(&self, creds: &Credentials) -> i64;
}

/// The clock [`Refreshing`] compares expiry times with (seconds since the Unix epoch).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    })
}

/// Cached credentials from a fetcher, fetched again once fewer than the fetcher's
/// `refresh_before` seconds remain; concurrent callers wait for one fetch.
pub struct Refreshing<F> {
    fetcher: F,
    clock: Clock,
    cached: tokio::sync::Mutex<Option<Credentials>>,
}

impl<F> std::fmt::Debug for Refreshing<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refreshing").finish_non_exhaustive()
    }
}

impl<F: Fetch> Refreshing<F> {
    /// Caches `fetcher`'s credentials against the system clock.
    pub fn new(fetcher: F) -> Self {
        Self::with_clock(fetcher, system_clock())
    }

    /// Caches against `clock` (tests).
    pub fn with_clock(fetcher: F, clock: Clock) -> Self {
        Self {
            fetcher,
            clock,
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The cached credentials, fetched first when absent or about to expire.
    pub async fn get(&self) -> Result<Credentials, Error> {
        let mut cached = self.cached.lock().await;
        let now = (self.clock)();
        if let Some(c) = cached.as_ref() {
            let fresh = match c.expires_at() {
                None => true,
                Some(exp) => exp - now > self.fetcher.refresh_before(c),
            };
            if fresh {
                return Ok(c.clone());
            }
        }
        let c = self.fetcher.fetch().await?;
        *cached = Some(c.clone());
        Ok(c)
    }
}

impl<F: Fetch> ProvideCredentials for Refreshing<F> {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(self.get())
    }
}

/// The temporary credentials in a Tencent Cloud STS answer (`AssumeRole` and
/// `AssumeRoleWithWebIdentity` answer alike): `Response.Credentials.{TmpSecretId,
/// TmpSecretKey, Token}` and `Response.ExpiredTime`, or the error code STS gave.
fn tencent_sts_answer(
    source: &str,
    status: http::StatusCode,
    body: &[u8],
    role_arn: &str,
) -> Result<Credentials, Error> {
    if !status.is_success() {
        return Err(Error::fetch(source, format!("HTTP {status}")));
    }
    let v = json(source, body)?;
    if let Some(code) = v.pointer("/Response/Error/Code").and_then(Value::as_str) {
        return Err(Error::fetch(source, format!("STS answered {code}")));
    }
    let expired = v
        .pointer("/Response/ExpiredTime")
        .and_then(Value::as_i64)
        .ok_or_else(|| Error::fetch(source, "the answer lacks Response.ExpiredTime"))?;
    Ok(Credentials::new(
        text(source, &v, &["Response", "Credentials", "TmpSecretId"])?,
        text(source, &v, &["Response", "Credentials", "TmpSecretKey"])?,
        format!("{source} {role_arn}"),
    )
    .with_token(Some(text(
        source,
        &v,
        &["Response", "Credentials", "Token"],
    )?))
    .with_expiry(Some(expired)))
}

fn json(source: &str, body: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(body).map_err(|_| Error::fetch(source, "the answer is not JSON"))
}

fn text(source: &str, v: &Value, path: &[&str]) -> Result<String, Error> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k).ok_or_else(|| {
            Error::fetch(source, format!("the answer lacks `{}`", path.join(".")))
        })?;
    }
    cur.as_str()
        .map(str::to_string)
        .ok_or_else(|| Error::fetch(source, format!("`{}` is not text", path.join("."))))
}

/// Tencent Cloud CVM role credentials from the metadata service at `base`
/// ([`TENCENT_METADATA`]): the role (given, or the one the service lists), then its
/// temporary credentials; refreshed when 300 s or less remain, as the Python SDK does.
#[derive(Debug, Clone)]
pub struct TencentCvmRole {
    base: String,
    role: Option<String>,
    http: HttpClient,
}

/// [`TencentCvmRole`] at `base` for `role` (or the instance's).
pub fn tencent_cvm_role(base: impl Into<String>, role: Option<String>) -> TencentCvmRole {
    TencentCvmRole {
        base: base.into(),
        role,
        http: HttpClient::default(),
    }
}

impl Fetch for TencentCvmRole {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "tencent cvm role";
            let dir = format!("{}/latest/meta-data/cam/security-credentials/", self.base);
            let role = match &self.role {
                Some(r) => r.clone(),
                None => String::from_utf8_lossy(&self.http.get_ok(source, &dir, &[]).await?)
                    .trim()
                    .to_string(),
            };
            let body = self
                .http
                .get_ok(source, &format!("{dir}{role}"), &[])
                .await?;
            let v = json(source, &body)?;
            if v.get("Code").and_then(Value::as_str) != Some("Success") {
                return Err(Error::fetch(source, "the answer's Code is not Success"));
            }
            let expires = v.get("ExpiredTime").and_then(Value::as_i64);
            Ok(Credentials::new(
                text(source, &v, &["TmpSecretId"])?,
                text(source, &v, &["TmpSecretKey"])?,
                format!("{source} {role}"),
            )
            .with_token(Some(text(source, &v, &["Token"])?))
            .with_expiry(expires))
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        300
    }
}

/// Alibaba Cloud ECS RAM role credentials from the metadata service at `base`
/// ([`ALIBABA_METADATA`]): the role (given, or the one the service lists), then
/// `AccessKeyId`/`AccessKeySecret`/`SecurityToken`/`Expiration`. Refreshed 15 minutes
/// before expiry (cloudsig's margin). The IMDSv2 session token is asked for first and
/// sent when given.
#[derive(Debug, Clone)]
pub struct AlibabaEcsRamRole {
    base: String,
    role: Option<String>,
    imds_v1_disabled: bool,
    http: HttpClient,
}

impl AlibabaEcsRamRole {
    /// Without a session token, fail instead of asking without one (the SDK's
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED=true`).
    pub fn imds_v1_disabled(mut self, disabled: bool) -> Self {
        self.imds_v1_disabled = disabled;
        self
    }
}

/// [`AlibabaEcsRamRole`] at `base` for `role` (or the instance's).
pub fn alibaba_ecs_ram_role(base: impl Into<String>, role: Option<String>) -> AlibabaEcsRamRole {
    AlibabaEcsRamRole {
        base: base.into(),
        role,
        imds_v1_disabled: false,
        http: HttpClient::default(),
    }
}

impl Fetch for AlibabaEcsRamRole {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "alibaba ecs ram role";
            // IMDSv2: a session token, when the service gives one.
            let token_req = http::Request::put(format!("{}/latest/api/token", self.base))
                .header("X-aliyun-ecs-metadata-token-ttl-seconds", "21600")
                .body(Vec::new())
                .map_err(|e| Error::fetch(source, e.to_string()))?;
            let token = match self.http.send(source, token_req).await {
                Ok((s, b)) if s == http::StatusCode::OK => {
                    Some(String::from_utf8_lossy(&b).trim().to_string())
                }
                Ok((s, _)) if self.imds_v1_disabled => {
                    return Err(Error::fetch(
                        source,
                        format!("the session token: HTTP {s}, and IMDSv1 is disabled"),
                    ));
                }
                Err(e) if self.imds_v1_disabled => return Err(e),
                _ => None,
            };
            let headers: Vec<(&str, &str)> = token
                .as_deref()
                .map(|t| ("X-aliyun-ecs-metadata-token", t))
                .into_iter()
                .collect();
            let dir = format!("{}/latest/meta-data/ram/security-credentials/", self.base);
            let role = match &self.role {
                Some(r) => r.clone(),
                None => String::from_utf8_lossy(&self.http.get_ok(source, &dir, &headers).await?)
                    .trim()
                    .to_string(),
            };
            let body = self
                .http
                .get_ok(source, &format!("{dir}{role}"), &headers)
                .await?;
            let v = json(source, &body)?;
            if v.get("Code").and_then(Value::as_str) != Some("Success") {
                return Err(Error::fetch(source, "the answer's Code is not Success"));
            }
            let expires = crate::time::parse_iso8601(&text(source, &v, &["Expiration"])?)
                .ok_or_else(|| Error::fetch(source, "Expiration is not an ISO 8601 UTC time"))?;
            Ok(Credentials::new(
                text(source, &v, &["AccessKeyId"])?,
                text(source, &v, &["AccessKeySecret"])?,
                format!("{source} {role}"),
            )
            .with_token(Some(text(source, &v, &["SecurityToken"])?))
            .with_expiry(Some(expires)))
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        15 * 60
    }
}

/// Huawei Cloud ECS temporary credentials from the metadata service at `base`
/// ([`HUAWEI_METADATA`]): a session token from `PUT /meta-data/latest/api/token` (sent
/// as `X-Metadata-Token` when given), then `/openstack/latest/securitykey`: `credential.access`,
/// `secret`, `securitytoken`, `expires_at`. Refreshed 10 minutes before expiry (the
/// service hands out new ones 10 minutes ahead, per Huawei's ECS documentation).
#[derive(Debug, Clone)]
pub struct HuaweiMetadata {
    base: String,
    http: HttpClient,
}

/// [`HuaweiMetadata`] at `base`.
pub fn huawei_metadata(base: impl Into<String>) -> HuaweiMetadata {
    HuaweiMetadata {
        base: base.into(),
        http: HttpClient::default(),
    }
}

impl Fetch for HuaweiMetadata {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "huawei ecs metadata";
            // As the SDK's MetadataAccessor: a session token first (200: sent along;
            // 404, 405, 503: the service has none, go on without; anything else fails),
            // then the security key.
            let token_req = http::Request::put(format!("{}/meta-data/latest/api/token", self.base))
                .header("X-Metadata-Token-Ttl-Seconds", "21600")
                .body(Vec::new())
                .map_err(|e| Error::fetch(source, e.to_string()))?;
            let token = match self.http.send(source, token_req).await? {
                (s, b) if s == http::StatusCode::OK => {
                    Some(String::from_utf8_lossy(&b).to_string())
                }
                (s, _) if [404, 405, 503].contains(&s.as_u16()) => None,
                (s, _) => {
                    return Err(Error::fetch(source, format!("the session token: HTTP {s}")));
                }
            };
            let headers: Vec<(&str, &str)> = token
                .as_deref()
                .map(|t| ("X-Metadata-Token", t))
                .into_iter()
                .collect();
            let uri = format!("{}/openstack/latest/securitykey", self.base);
            let v = json(source, &self.http.get_ok(source, &uri, &headers).await?)?;
            let expires =
                crate::time::parse_iso8601(&text(source, &v, &["credential", "expires_at"])?)
                    .ok_or_else(|| {
                        Error::fetch(source, "expires_at is not an ISO 8601 UTC time")
                    })?;
            Ok(Credentials::new(
                text(source, &v, &["credential", "access"])?,
                text(source, &v, &["credential", "secret"])?,
                source,
            )
            .with_token(Some(text(source, &v, &["credential", "securitytoken"])?))
            .with_expiry(Some(expires)))
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        10 * 60
    }
}

/// Tencent Cloud STS `AssumeRole` (API 2018-08-13, region ap-guangzhou as the SDK
/// uses), signed with TC3 by cloudsig with the long-term credentials, sent to
/// `endpoint` (`https://sts.tencentcloudapi.com` through a TLS transport, or a local
/// endpoint) with `Host: sts.tencentcloudapi.com`. The temporary credentials are
/// fetched again once 90% of `duration_seconds` has passed, as the Python SDK's
/// `STSAssumeRoleCredential` does.
pub struct TencentAssumeRole {
    endpoint: String,
    long_term: Credentials,
    role_arn: String,
    session_name: String,
    duration_seconds: i64,
    clock: Clock,
    http: HttpClient,
}

impl std::fmt::Debug for TencentAssumeRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentAssumeRole")
            .field("endpoint", &self.endpoint)
            .field("long_term", &self.long_term)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .finish_non_exhaustive()
    }
}

/// [`TencentAssumeRole`] for `role_arn`, as session `session_name`, for
/// `duration_seconds` (the SDK's default is 7200), signed at `clock`'s time.
pub fn tencent_assume_role(
    endpoint: impl Into<String>,
    long_term: Credentials,
    role_arn: impl Into<String>,
    session_name: impl Into<String>,
    duration_seconds: i64,
    clock: Clock,
) -> TencentAssumeRole {
    TencentAssumeRole {
        endpoint: endpoint.into(),
        long_term,
        role_arn: role_arn.into(),
        session_name: session_name.into(),
        duration_seconds,
        clock,
        http: HttpClient::default(),
    }
}

struct ClockAdapter<'a>(&'a Clock);

impl cloudsig_canonical::tencent::Clock for ClockAdapter<'_> {
    fn now_unix(&self) -> i64 {
        (self.0)()
    }
}

impl Fetch for TencentAssumeRole {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "tencent sts assume-role";
            let body = serde_json::json!({
                "RoleArn": self.role_arn,
                "RoleSessionName": self.session_name,
                "DurationSeconds": self.duration_seconds,
            })
            .to_string();
            let mut req = http::Request::post(format!("{}/", self.endpoint.trim_end_matches('/')))
                .header("Host", "sts.tencentcloudapi.com")
                .header("Content-Type", "application/json")
                .header("X-TC-Action", "AssumeRole")
                .header("X-TC-Version", "2018-08-13")
                .header("X-TC-Region", "ap-guangzhou")
                .body(body.into_bytes())
                .map_err(|e| Error::fetch(source, e.to_string()))?;
            let creds = self.long_term.to_tencent()?;
            cloudsig_canonical::http::tencent::sign_tc3(
                &mut req,
                &creds,
                &ClockAdapter(&self.clock),
                &Default::default(),
            )
            .map_err(|e| Error::fetch(source, format!("signing: {e}")))?;
            let (status, body) = self.http.send(source, req).await?;
            tencent_sts_answer(source, status, &body, &self.role_arn)
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        // Fetched again after 10% of the lifetime has passed: 90% of it remains.
        self.duration_seconds * 9 / 10
    }
}
