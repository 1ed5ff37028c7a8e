//! Alibaba Cloud RAM role credentials: STS `AssumeRole` (API 2015-04-01), an RPC call
//! signed (HMAC-SHA1) with the profile's own AccessKey, as credentials-python's
//! `RamRoleArnCredentialsProvider` sends it: a GET whose query holds `DurationSeconds`,
//! `RoleArn`, `RoleSessionName`, `Policy` and `ExternalId` (when given) and the common
//! parameters, signed by cloudsig-canonical's RPC signer.

use super::{
    ALIBABA_METADATA, AlibabaOidcSettings, ClockAdapter, Fetch, HttpClient, Refreshing,
    alibaba_ecs_ram_role, alibaba_oidc_role, json, text,
};
use crate::alibaba::{ProfileEntry, RamRoleArn};
use crate::{BoxFuture, Credentials, Error, ProvideCredentials};

use super::Clock;

/// Alibaba Cloud RAM role credentials from STS `AssumeRole` at the role's endpoint (or
/// another one given to [`alibaba_ram_role_arn`]), signed with what the role's source
/// gives (the profile's AccessKey; for `ChainableRamRoleArn` the source profile's
/// credentials, its token sent as `SecurityToken`). Fetched again 15 minutes before
/// expiry, the SDK's stale time.
pub struct AlibabaRamRoleArn {
    role: RamRoleArn,
    endpoint: String,
    source: Box<dyn ProvideCredentials>,
    session_name: String,
    clock: Clock,
    http: HttpClient,
}

impl std::fmt::Debug for AlibabaRamRoleArn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlibabaRamRoleArn")
            .field("role_arn", &self.role.role_arn)
            .field("endpoint", &self.endpoint)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.role.duration_seconds)
            .finish_non_exhaustive()
    }
}

/// [`AlibabaRamRoleArn`] for `role`, its STS calls sent to `sts` when given (a local
/// endpoint; for a chained role, its source's calls too), timestamped by `clock`. The
/// session name is the role's, else the SDK's default `credentials-python-<clock's time>`.
/// A source that is an ECS RAM role asks [`ALIBABA_METADATA`]
/// ([`alibaba_ram_role_arn_with_metadata`] for another service).
pub fn alibaba_ram_role_arn(
    role: RamRoleArn,
    sts: Option<&str>,
    clock: Clock,
) -> AlibabaRamRoleArn {
    alibaba_ram_role_arn_with_metadata(role, sts, ALIBABA_METADATA, clock)
}

/// [`alibaba_ram_role_arn`] whose source, when it is an ECS RAM role (a
/// `ChainableRamRoleArn` over an `EcsRamRole` profile), asks the metadata service at
/// `metadata` (`http://127.0.0.1:PORT` in tests).
pub fn alibaba_ram_role_arn_with_metadata(
    role: RamRoleArn,
    sts: Option<&str>,
    metadata: &str,
    clock: Clock,
) -> AlibabaRamRoleArn {
    let source = alibaba_profile(role.source.as_ref(), sts, metadata, clock.clone());
    let session_name = role
        .session_name
        .clone()
        .unwrap_or_else(|| format!("credentials-python-{}", clock()));
    AlibabaRamRoleArn {
        endpoint: sts.map_or_else(|| role.endpoint.clone(), str::to_string),
        role,
        source,
        session_name,
        clock,
        http: HttpClient::default(),
    }
}

/// What serves an Alibaba profile `entry` (`alibaba::cli_profile_entry`,
/// `alibaba::profile_entry`): its credentials as they are, or a fetcher cached and
/// refreshed by [`Refreshing`] (timestamped by `clock`) that assumes the RAM role
/// ([`alibaba_ram_role_arn_with_metadata`]), asks the ECS metadata service at `metadata`
/// ([`alibaba_ecs_ram_role`]) or assumes the OIDC role ([`alibaba_oidc_role`]); the STS
/// calls go to `sts` when given.
pub fn alibaba_profile(
    entry: &ProfileEntry,
    sts: Option<&str>,
    metadata: &str,
    clock: Clock,
) -> Box<dyn ProvideCredentials> {
    match entry {
        ProfileEntry::Static(c) => Box::new(c.clone()),
        ProfileEntry::RamRoleArn(role) => Box::new(Refreshing::with_clock(
            alibaba_ram_role_arn_with_metadata(role.clone(), sts, metadata, clock.clone()),
            clock,
        )),
        ProfileEntry::EcsRamRole(e) => Box::new(Refreshing::with_clock(
            alibaba_ecs_ram_role(metadata, e.role_name.clone())
                .imds_v1_disabled(e.imds_v1_disabled),
            clock,
        )),
        ProfileEntry::Oidc(o) => {
            let settings = AlibabaOidcSettings {
                role_arn: o.role_arn.clone(),
                provider_arn: o.provider_arn.clone(),
                token_file: o.token_file.clone(),
                // The SDK's default session name.
                session_name: Some(
                    o.session_name
                        .clone()
                        .unwrap_or_else(|| format!("credentials-python-{}", clock())),
                ),
                endpoint: sts.map_or_else(|| o.endpoint.clone(), str::to_string),
            };
            Box::new(Refreshing::with_clock(
                alibaba_oidc_role(settings, clock.clone())
                    .duration_seconds(o.duration_seconds)
                    .policy(o.policy.clone()),
                clock,
            ))
        }
    }
}

impl AlibabaRamRoleArn {
    /// Another HTTP client (a time limit of your own, private roots with `tls`).
    pub fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }
}

impl Fetch for AlibabaRamRoleArn {
    fn fetch(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            let source = "alibaba ram role arn";
            let long = self.source.provide().await.map_err(|e| {
                Error::fetch(source, format!("the credentials that sign AssumeRole: {e}"))
            })?;
            let creds = long.to_alibaba()?;
            let uri: http::Uri = self
                .endpoint
                .parse()
                .map_err(|_| Error::fetch(source, "the STS endpoint is not a URI"))?;
            let host = uri
                .authority()
                .map(|a| a.as_str().to_string())
                .ok_or_else(|| Error::fetch(source, "the STS endpoint has no host"))?;
            let r = &self.role;
            let mut call =
                cloudsig_canonical::alibaba::RpcCall::new(host, "AssumeRole", "2015-04-01")
                    .param("DurationSeconds", r.duration_seconds.to_string())
                    .param("RoleArn", r.role_arn.as_str())
                    .param("RoleSessionName", self.session_name.as_str());
            if let Some(p) = &r.policy {
                call = call.param("Policy", p.as_str());
            }
            if let Some(x) = &r.external_id {
                call = call.param("ExternalId", x.as_str());
            }
            let signed =
                cloudsig_canonical::alibaba::sign_rpc(&creds, &call, &ClockAdapter(&self.clock))
                    .map_err(|e| Error::fetch(source, format!("signing: {e}")))?;
            // The query holds the AccessKeyId, the signature and perhaps a token.
            let target = zeroize::Zeroizing::new(format!(
                "{}/?{}",
                self.endpoint.trim_end_matches('/'),
                signed.query()
            ));
            let req = http::Request::get(target.as_str())
                .body(Vec::new())
                .map_err(|_| Error::fetch(source, "the STS endpoint is not a URI"))?;
            let (status, body) = self
                .http
                .send(source, req)
                .await
                .map_err(|_| Error::fetch(source, format!("{}: no answer", self.endpoint)))?;
            // As the SDK: anything but 200 fails, naming STS's error code when it gave one.
            if status != http::StatusCode::OK {
                let code = serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("Code").and_then(|c| c.as_str()).map(str::to_string));
                return Err(Error::fetch(
                    source,
                    match code {
                        Some(c) => format!("HTTP {status}, STS answered {c}"),
                        None => format!("HTTP {status}"),
                    },
                ));
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
                format!("{source} {} ({})", r.role_arn, r.source_name),
            )
            .with_token(Some(text(source, &v, &["Credentials", "SecurityToken"])?))
            .with_expiry(Some(expires)))
        })
    }

    fn refresh_before(&self, _: &Credentials) -> i64 {
        // The SDK's stale time: 15 minutes before expiry.
        15 * 60
    }
}
