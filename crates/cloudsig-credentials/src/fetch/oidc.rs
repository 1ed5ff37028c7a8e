//! Role credentials for an OIDC identity (a Kubernetes service-account token): Tencent
//! TKE's `AssumeRoleWithWebIdentity` and Alibaba RRSA's `AssumeRoleWithOIDC`. Neither
//! request is signed (the OIDC token is the proof), as in the SDKs; the token file is
//! read again at every fetch, since the kubelet rotates it.

use super::{Clock, Fetch, HttpClient, json, text};
use crate::{BoxFuture, Credentials, Environment, Error};

/// Tencent Cloud STS.
pub const TENCENT_STS: &str = "https://sts.tencentcloudapi.com";

/// Settings of a Tencent TKE OIDC role, from `TKE_REGION`, `TKE_PROVIDER_ID`,
/// `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`, as tencentcloud-sdk-python's
/// `DefaultTkeOIDCRoleArnProvider` reads them.
#[derive(Debug, Clone)]
pub struct TkeOidcSettings {
    /// `TKE_REGION`: the `X-TC-Region` of the STS call.
    pub region: String,
    /// `TKE_PROVIDER_ID`: the identity provider's name.
    pub provider_id: String,
    /// `TKE_WEB_IDENTITY_TOKEN_FILE`: where the OIDC token is.
    pub token_file: String,
    /// `TKE_ROLE_ARN`: the role to assume.
    pub role_arn: String,
}

impl TkeOidcSettings {
    /// From the environment; `NotFound` naming the first variable that is unset or empty.
    pub fn from_env(env: &Environment) -> Result<Self, Error> {
        let get = |k: &str| {
            env.non_empty(k)
                .map(str::to_string)
                .ok_or_else(|| Error::not_found("tencent tke oidc", format!("{k} is not set")))
        };
        Ok(Self {
            region: get("TKE_REGION")?,
            provider_id: get("TKE_PROVIDER_ID")?,
            token_file: get("TKE_WEB_IDENTITY_TOKEN_FILE")?,
            role_arn: get("TKE_ROLE_ARN")?,
        })
    }
}

/// Tencent Cloud TKE OIDC role credentials: STS `AssumeRoleWithWebIdentity` (API
/// 2018-08-13) at `endpoint` ([`TENCENT_STS`]), unsigned (`Authorization: SKIP`, as
/// the SDK's `SkipSign`), `Host: sts.tencentcloudapi.com`. Fetched again once 90% of
/// the lifetime has passed, as the SDK's `OIDCRoleArnCredential` does.
#[derive(Clone)]
pub struct TencentTkeOidc {
    endpoint: String,
    settings: TkeOidcSettings,
    session_name: String,
    duration_seconds: i64,
    clock: Clock,
    http: HttpClient,
}

impl std::fmt::Debug for TencentTkeOidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentTkeOidc")
            .field("endpoint", &self.endpoint)
            .field("settings", &self.settings)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .finish_non_exhaustive()
    }
}

/// [`TencentTkeOidc`] at `endpoint` with `settings`, for 7200 s (the SDK's default), as
/// session `tencentcloud-rust-cloudsig-<clock's time>`, timestamped by `clock`.
pub fn tencent_tke_oidc(
    endpoint: impl Into<String>,
    settings: TkeOidcSettings,
    clock: Clock,
) -> TencentTkeOidc {
    let session_name = format!("tencentcloud-rust-cloudsig-{}", clock());
    TencentTkeOidc {
        endpoint: endpoint.into(),
        settings,
        session_name,
        duration_seconds: 7200,
        clock,
        http: HttpClient::default(),
    }
}

fn read_token(source: &str, path: &str) -> Result<zeroize::Zeroizing<String>, Error> {
    std::fs::read_to_string(path)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| Error::fetch(source, format!("the OIDC token file {path}: {e}")))
}

impl Fetch for TencentTkeOidc {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "tencent tke oidc";
            // The SDK sends the file's text as it is.
            let token = read_token(source, &self.settings.token_file)?;
            let body = zeroize::Zeroizing::new(
                serde_json::json!({
                    "ProviderId": self.settings.provider_id,
                    "WebIdentityToken": token.as_str(),
                    "RoleArn": self.settings.role_arn,
                    "RoleSessionName": self.session_name,
                    "DurationSeconds": self.duration_seconds,
                })
                .to_string(),
            );
            let req = http::Request::post(format!("{}/", self.endpoint.trim_end_matches('/')))
                .header("Host", "sts.tencentcloudapi.com")
                .header("Content-Type", "application/json")
                .header("X-TC-Action", "AssumeRoleWithWebIdentity")
                .header("X-TC-Version", "2018-08-13")
                .header("X-TC-Region", &self.settings.region)
                .header("X-TC-Timestamp", (self.clock)().to_string())
                .header("Authorization", "SKIP")
                .body(body.as_bytes().to_vec())
                .map_err(|e| Error::fetch(source, e.to_string()))?;
            let (status, body) = self.http.send(source, req).await?;
            super::tencent_sts_answer(source, status, &body, &self.settings.role_arn)
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        // The SDK refreshes once less than 10% of the lifetime remains.
        self.duration_seconds / 10
    }
}

/// Settings of an Alibaba Cloud OIDC role (RRSA), from `ALIBABA_CLOUD_ROLE_ARN`,
/// `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE`,
/// `ALIBABA_CLOUD_ROLE_SESSION_NAME`, `ALIBABA_CLOUD_STS_REGION` and
/// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`, as alibabacloud-credentials'
/// `OIDCRoleArnCredentialsProvider` reads them.
#[derive(Debug, Clone)]
pub struct AlibabaOidcSettings {
    /// The role to assume.
    pub role_arn: String,
    /// The OIDC identity provider.
    pub provider_arn: String,
    /// Where the OIDC token is.
    pub token_file: String,
    /// The session name (the SDK's default: `credentials-python-<time>`; cloudsig's:
    /// `cloudsig-<time>`).
    pub session_name: Option<String>,
    /// STS's endpoint: `https://sts.aliyuncs.com`, `https://sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com`,
    /// `sts-vpc` for either when `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` is `true`.
    pub endpoint: String,
}

impl AlibabaOidcSettings {
    /// From the environment; `NotFound` naming the first of the three required variables
    /// that is unset or empty.
    pub fn from_env(env: &Environment) -> Result<Self, Error> {
        let get = |k: &str| {
            env.non_empty(k)
                .map(str::to_string)
                .ok_or_else(|| Error::not_found("alibaba oidc role", format!("{k} is not set")))
        };
        let prefix = if env
            .get("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            "sts-vpc"
        } else {
            "sts"
        };
        let host = match env.non_empty("ALIBABA_CLOUD_STS_REGION") {
            Some(region) => format!("{prefix}.{region}.aliyuncs.com"),
            None if prefix == "sts" => "sts.aliyuncs.com".to_string(),
            None => "sts-vpc.aliyuncs.com".to_string(),
        };
        Ok(Self {
            role_arn: get("ALIBABA_CLOUD_ROLE_ARN")?,
            provider_arn: get("ALIBABA_CLOUD_OIDC_PROVIDER_ARN")?,
            token_file: get("ALIBABA_CLOUD_OIDC_TOKEN_FILE")?,
            session_name: env
                .non_empty("ALIBABA_CLOUD_ROLE_SESSION_NAME")
                .map(str::to_string),
            endpoint: format!("https://{host}"),
        })
    }
}

/// Alibaba Cloud OIDC role credentials (RRSA): STS `AssumeRoleWithOIDC` (API
/// 2015-04-01), a GET whose query carries the parameters and the token, unsigned, as the
/// SDK sends it; 3600 s (the SDK's default), fetched again 15 minutes before expiry (the
/// SDK's stale time).
#[derive(Clone)]
pub struct AlibabaOidcRole {
    settings: AlibabaOidcSettings,
    session_name: String,
    duration_seconds: i64,
    policy: Option<String>,
    clock: Clock,
    http: HttpClient,
}

impl AlibabaOidcRole {
    /// Asks for credentials that last `seconds` (`DurationSeconds`; the SDK's default,
    /// and this one's, is 3600).
    pub fn duration_seconds(mut self, seconds: i64) -> Self {
        self.duration_seconds = seconds;
        self
    }

    /// Sends the session policy `policy` (`Policy`) when it is given and non-empty.
    pub fn policy(mut self, policy: Option<String>) -> Self {
        self.policy = policy.filter(|p| !p.is_empty());
        self
    }
}

impl std::fmt::Debug for AlibabaOidcRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlibabaOidcRole")
            .field("settings", &self.settings)
            .field("session_name", &self.session_name)
            .finish_non_exhaustive()
    }
}

/// [`AlibabaOidcRole`] with `settings` (its `endpoint` may be a local one), timestamped by
/// `clock`.
pub fn alibaba_oidc_role(settings: AlibabaOidcSettings, clock: Clock) -> AlibabaOidcRole {
    let session_name = settings
        .session_name
        .clone()
        .unwrap_or_else(|| format!("cloudsig-{}", clock()));
    AlibabaOidcRole {
        settings,
        session_name,
        duration_seconds: 3600,
        policy: None,
        clock,
        http: HttpClient::default(),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` for Unix seconds (the SDK's `Timestamp`): canonical's Alibaba
/// time format, as the signer writes it.
fn iso8601(source: &str, secs: i64) -> Result<String, Error> {
    cloudsig_canonical::alibaba::time::iso8601(secs)
        .map_err(|e| Error::fetch(source, e.to_string()))
}

impl Fetch for AlibabaOidcRole {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "alibaba oidc role";
            let token = read_token(source, &self.settings.token_file)?;
            let duration = self.duration_seconds.to_string();
            let timestamp = iso8601(source, (self.clock)())?;
            let mut params = vec![
                ("Action", "AssumeRoleWithOIDC"),
                ("Format", "JSON"),
                ("Version", "2015-04-01"),
                ("DurationSeconds", duration.as_str()),
                ("RoleArn", self.settings.role_arn.as_str()),
                ("OIDCProviderArn", self.settings.provider_arn.as_str()),
                ("OIDCToken", token.as_str()),
                ("RoleSessionName", self.session_name.as_str()),
                ("Timestamp", timestamp.as_str()),
            ];
            if let Some(policy) = &self.policy {
                params.push(("Policy", policy.as_str()));
            }
            let query = zeroize::Zeroizing::new(cloudsig_canonical::encode::query_string(params));
            let uri = format!(
                "{}/?{}",
                self.settings.endpoint.trim_end_matches('/'),
                query.as_str()
            );
            let req = http::Request::get(uri)
                .body(Vec::new())
                .map_err(|_| Error::fetch(source, "the STS endpoint is not a URI"))?;
            let (status, body) = self.http.send(source, req).await.map_err(|_| {
                // The URI holds the token: say where, not what.
                Error::fetch(source, format!("{}: no answer", self.settings.endpoint))
            })?;
            if !status.is_success() {
                return Err(Error::fetch(source, format!("HTTP {status}")));
            }
            let v = json(source, &body)?;
            let expires =
                crate::time::parse_iso8601(&text(source, &v, &["Credentials", "Expiration"])?)
                    .ok_or_else(|| {
                        Error::fetch(source, "Expiration is not an ISO 8601 UTC time")
                    })?;
            Ok(Credentials::new(
                text(source, &v, &["Credentials", "AccessKeyId"])?,
                text(source, &v, &["Credentials", "AccessKeySecret"])?,
                format!("{source} {}", self.settings.role_arn),
            )
            .with_token(Some(text(source, &v, &["Credentials", "SecurityToken"])?))
            .with_expiry(Some(expires)))
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        15 * 60
    }
}

#[cfg(test)]
mod tests {
    use super::iso8601;

    #[test]
    fn timestamps() {
        // `date -u -d @1551113065 +%FT%TZ`, `date -u -d @951868800 +%FT%TZ`.
        assert_eq!(iso8601("t", 1_551_113_065).unwrap(), "2019-02-25T16:44:25Z");
        assert_eq!(iso8601("t", 951_868_800).unwrap(), "2000-03-01T00:00:00Z");
        assert_eq!(iso8601("t", 0).unwrap(), "1970-01-01T00:00:00Z");
    }
}
