//! Alibaba Cloud, in the order of credentials-python's `DefaultCredentialsProvider`
//! (`alibabacloud_credentials/provider/default.py`):
//!
//! 1. **Environment**: `ALIBABA_CLOUD_ACCESS_KEY_ID` and `ALIBABA_CLOUD_ACCESS_KEY_SECRET`
//!    (both non-empty), with `ALIBABA_CLOUD_SECURITY_TOKEN` for STS credentials.
//! 2. **OIDC role (RRSA)** (feature `fetch`, [`crate::fetch::alibaba_oidc_role`]), when
//!    `ALIBABA_CLOUD_OIDC_TOKEN_FILE`, `ALIBABA_CLOUD_ROLE_ARN` and
//!    `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` are all non-empty: STS `AssumeRoleWithOIDC`. It
//!    needs the network, so [`static_chain`] reports [`crate::ErrorKind::Unsupported`]
//!    rather than skipping it; `crate::fetch::DefaultChain::alibaba` fetches it (and,
//!    as the SDK, goes on to the next provider when that fails).
//! 3. **CLI profile**: `$HOME/.aliyun/config.json` (skipped when
//!    `ALIBABA_CLOUD_CLI_PROFILE_DISABLED` is `true`, in any case), the profile named by
//!    `ALIBABA_CLOUD_PROFILE`, else the file's `current`; modes `AK` and `StsToken` are
//!    read; `RamRoleArn` and `ChainableRamRoleArn` name a RAM role to assume (below);
//!    `EcsRamRole` names the instance's RAM role ([`EcsRamRoleProfile`]: `ram_role_name`,
//!    else `ALIBABA_CLOUD_ECS_METADATA`, else the one the metadata service lists) and
//!    `OIDC` an OIDC role ([`OidcProfile`]: `ram_role_arn`, `oidc_provider_arn`,
//!    `oidc_token_file`, `role_session_name`, `policy`, `expired_seconds`, `sts_region`,
//!    `enable_vpc`, each empty one from the SDK's variable), which
//!    `crate::fetch::DefaultChain::alibaba` fetches (directly, or as the source of a
//!    `ChainableRamRoleArn`) and the static chain reports as
//!    [`crate::ErrorKind::Unsupported`]. Every other mode (`CredentialsURI`, `CloudSSO`,
//!    `OAuth`, `External`, …) is reported as [`crate::ErrorKind::Unsupported`] with
//!    [`crate::Unsupported`] `{ mode, profile }` ([`crate::Error::unsupported_mode`]),
//!    and the chain goes on to the next provider, as the SDK does when the fetch fails.
//!    A `StsToken` profile with an empty `sts_token` is refused.
//!
//!    **RAM roles** (`RamRoleArn`, `ChainableRamRoleArn`, and the credentials file's
//!    `type = ram_role_arn`): [`cli_profile_entry`] and [`profile_entry`] give them as a
//!    [`RamRoleArn`], read as credentials-python builds its `RamRoleArnCredentialsProvider`
//!    (`provider/cli_profile.py`, `provider/profile.py`, `provider/ram_role_arn.py`):
//!
//!    | setting | CLI profile field | credentials-file key | when absent |
//!    |---|---|---|---|
//!    | signing key | `access_key_id`, `access_key_secret` (`ChainableRamRoleArn`: what `source_profile` gives, its token sent as `SecurityToken`) | `access_key_id`, `access_key_secret` | `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET`, else refused |
//!    | role | `ram_role_arn` | `role_arn` | `ALIBABA_CLOUD_ROLE_ARN`, else refused |
//!    | session name | `ram_session_name` | `role_session_name` | `ALIBABA_CLOUD_ROLE_SESSION_NAME`, else `credentials-python-<Unix time>` (the SDK's) |
//!    | policy | `policy` | `policy` | not sent |
//!    | external id | `external_id` | — | not sent |
//!    | duration | `expired_seconds` (below 900 refused, as the SDK; `0` too) | — | 3600 s |
//!    | STS region | `sts_region` | — | `ALIBABA_CLOUD_STS_REGION`, else `sts.aliyuncs.com` |
//!    | VPC endpoint | `enable_vpc` | — | `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true` (`sts-vpc.<region>`; no region: `sts.aliyuncs.com`) |
//!
//!    With the feature `fetch`, `crate::fetch::DefaultChain::alibaba` assumes the role
//!    with STS `AssumeRole` (`crate::fetch::alibaba_ram_role_arn`: a GET signed with
//!    HMAC-SHA1 by cloudsig-canonical's RPC signer, over HTTPS with the feature `tls`),
//!    caches the result and assumes it again 15 minutes before it expires (the SDK's
//!    stale time); when STS fails (unreachable, an error code, a refused signature) or
//!    the profile is refused, the chain goes on to the next provider, as the SDK's does.
//!    [`static_chain`], which never uses the network, reports such a profile as
//!    [`crate::ErrorKind::Unsupported`] (`{ mode, profile }`) and goes on, which is
//!    what the SDK does where STS cannot be reached (the oracle cases
//!    `alibaba-cli-ram-role-arn` and `alibaba-ini-ram-role-arn`; with a mock STS,
//!    `alibaba-*-ram-role-arn-*` in `vectors/credentials/fetch-cases.json`). A
//!    `ChainableRamRoleArn` whose source profile is `EcsRamRole` or `OIDC` fetches that
//!    source first and signs `AssumeRole` with what it gives, as the SDK does (the
//!    oracle case `alibaba-cli-chainable-over-ecs-ram-role`; `tests/ram_role.rs` for the
//!    OIDC source); a source of a mode cloudsig does not fetch is refused.
//! 4. **Credentials file**: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
//!    `$HOME/.alibabacloud/credentials.ini`; the section named by `ALIBABA_CLOUD_PROFILE`
//!    (default `default`; set but empty names the section `""`), `type = access_key` with
//!    `access_key_id` and `access_key_secret`, read with configparser's rules (`[DEFAULT]`
//!    inherited, a section given twice makes the file unreadable) and each value cut at
//!    its first `#`, as the SDK does; `type = ram_role_arn` is a RAM role (above);
//!    `type = ecs_ram_role` the instance's RAM role ([`EcsRamRoleProfile`]: `role_name`
//!    when the key is there, else `ALIBABA_CLOUD_ECS_METADATA`, else the one the
//!    metadata service lists) and `type = oidc_role_arn` an OIDC role ([`OidcProfile`]:
//!    `role_arn`, `oidc_provider_arn`, `oidc_token_file_path`, `role_session_name`,
//!    `policy`, each empty one from the SDK's variable; 3600 s; STS from
//!    `ALIBABA_CLOUD_STS_REGION` / `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED`), as
//!    credentials-python's `provider/profile.py` builds them: with the feature `fetch`,
//!    `crate::fetch::DefaultChain::alibaba` fetches them as the CLI's `EcsRamRole` and
//!    `OIDC` (and goes on when that fails); [`static_chain`] reports them as
//!    [`crate::ErrorKind::Unsupported`] (`{ mode, profile }`, needs the network). Other
//!    types (`rsa_key_pair`, …) are [`crate::ErrorKind::Unsupported`] with
//!    [`crate::Unsupported`] `{ mode, profile }`.
//!
//! As the SDK's static providers do, an empty `access_key_id`, `access_key_secret` or
//! `sts_token` in a profile is taken from `ALIBABA_CLOUD_ACCESS_KEY_ID`,
//! `ALIBABA_CLOUD_ACCESS_KEY_SECRET` or `ALIBABA_CLOUD_SECURITY_TOKEN`, field by field.
//! 5. **ECS RAM role** (feature `fetch`, [`crate::fetch::alibaba_ecs_ram_role`]), unless
//!    `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is `true`: the role named by
//!    `ALIBABA_CLOUD_ECS_METADATA` or listed by `http://100.100.100.200/latest/meta-data/ram/security-credentials/`.
//!
//! The SDK catches every provider's failure and goes on to the next; so does
//! [`static_chain`], except that an explicit profile (`--profile`) is read alone.

use std::path::PathBuf;

use serde_json::Value;

use crate::ini::Ini;
use crate::{Credentials, Environment, Error};

/// The AccessKeyId variable.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The AccessKeySecret variable.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The STS token variable.
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The profile-name variable.
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// The credentials-file variable.
pub const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// Provider 1: the environment.
pub fn from_env(env: &Environment) -> Result<Credentials, Error> {
    match (
        env.non_empty(ENV_ACCESS_KEY_ID),
        env.non_empty(ENV_ACCESS_KEY_SECRET),
    ) {
        (Some(id), Some(secret)) => Ok(Credentials::new(id, secret, "environment")
            .with_token(env.get(ENV_SECURITY_TOKEN).map(str::to_string))),
        _ => Err(Error::not_found(
            "environment",
            format!("{ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET} are not both set"),
        )),
    }
}

/// The SDK's OIDC provider is in the chain: `ALIBABA_CLOUD_OIDC_TOKEN_FILE`,
/// `ALIBABA_CLOUD_ROLE_ARN` and `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` are all non-empty.
pub fn oidc_configured(env: &Environment) -> bool {
    env.non_empty("ALIBABA_CLOUD_OIDC_TOKEN_FILE").is_some()
        && env.non_empty("ALIBABA_CLOUD_ROLE_ARN").is_some()
        && env.non_empty("ALIBABA_CLOUD_OIDC_PROVIDER_ARN").is_some()
}

/// What a profile gives: credentials as they are, or a RAM role to assume first.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ProfileEntry {
    /// `AK` / `StsToken` (`type = access_key`): the credentials themselves.
    Static(Credentials),
    /// `RamRoleArn` / `ChainableRamRoleArn` (`type = ram_role_arn`): STS `AssumeRole`,
    /// which needs the network (`crate::fetch::alibaba_ram_role_arn`).
    RamRoleArn(RamRoleArn),
    /// `EcsRamRole` (`type = ecs_ram_role`): the instance's RAM role from the ECS metadata
    /// service, which needs the network (`crate::fetch::alibaba_ecs_ram_role`).
    EcsRamRole(EcsRamRoleProfile),
    /// `OIDC` (`type = oidc_role_arn`): STS `AssumeRoleWithOIDC` with a token file, which
    /// needs the network (`crate::fetch::alibaba_oidc_role`).
    Oidc(OidcProfile),
}

impl ProfileEntry {
    /// The error a chain without the network reports for an entry it cannot serve
    /// (typed [`crate::ErrorKind::Unsupported`] with [`crate::Unsupported`]
    /// `{ mode, profile }`); `None` for [`ProfileEntry::Static`].
    pub fn needs_network(&self) -> Option<Error> {
        let (source, mode, profile) = match self {
            Self::Static(_) => return None,
            Self::RamRoleArn(r) => (&r.source_name, r.mode.as_str(), &r.profile),
            Self::EcsRamRole(e) => (&e.source_name, e.mode.as_str(), &e.profile),
            Self::Oidc(o) => (&o.source_name, o.mode.as_str(), &o.profile),
        };
        Some(Error::needs_network_profile(source, mode, profile))
    }
}

/// An `EcsRamRole` CLI profile or a credentials-file `type = ecs_ram_role` section, as
/// credentials-python builds its `EcsRamRoleCredentialsProvider` from it
/// (`provider/cli_profile.py`, `provider/profile.py`, `provider/ecs_ram_role.py`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EcsRamRoleProfile {
    /// The role: `ram_role_name` (credentials file: `role_name`) when the profile has
    /// the field (empty: the one the metadata service lists), else
    /// `ALIBABA_CLOUD_ECS_METADATA`, else the one listed.
    pub role_name: Option<String>,
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED` is `true`: no request without the session token.
    pub imds_v1_disabled: bool,
    /// The mode as the profile spells it (`EcsRamRole`, `ecs_ram_role`).
    pub mode: String,
    /// The profile it comes from.
    pub profile: String,
    /// The provider, for errors: the file and the profile.
    pub source_name: String,
}

/// An `OIDC` CLI profile or a credentials-file `type = oidc_role_arn` section, as
/// credentials-python builds its `OIDCRoleArnCredentialsProvider` from it
/// (`provider/cli_profile.py`, `provider/profile.py`, `provider/oidc.py`); each empty
/// field is taken from the SDK's variable.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OidcProfile {
    /// `ram_role_arn` (credentials file: `role_arn`), else `ALIBABA_CLOUD_ROLE_ARN`.
    pub role_arn: String,
    /// `oidc_provider_arn`, else `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.
    pub provider_arn: String,
    /// `oidc_token_file` (credentials file: `oidc_token_file_path`), else
    /// `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
    pub token_file: String,
    /// `role_session_name`, else `ALIBABA_CLOUD_ROLE_SESSION_NAME`; `None`: the SDK's
    /// `credentials-python-<Unix time>`.
    pub session_name: Option<String>,
    /// `policy`, sent when non-empty.
    pub policy: Option<String>,
    /// `expired_seconds` (absent, and always in the credentials file: 3600; below 900
    /// refused, as the SDK refuses it).
    pub duration_seconds: i64,
    /// STS, chosen as for [`RamRoleArn::endpoint`] (`sts_region`, `enable_vpc`; the
    /// credentials file has neither: the variables).
    pub endpoint: String,
    /// The mode as the profile spells it (`OIDC`, `oidc_role_arn`).
    pub mode: String,
    /// The profile it comes from.
    pub profile: String,
    /// The provider, for errors: the file and the profile.
    pub source_name: String,
}

/// A RAM role to assume with STS `AssumeRole`, as credentials-python builds its
/// `RamRoleArnCredentialsProvider` from a profile (`provider/cli_profile.py`,
/// `provider/profile.py`, `provider/ram_role_arn.py`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RamRoleArn {
    /// What signs the `AssumeRole` call: the profile's own AccessKey, or for a
    /// `ChainableRamRoleArn` what its `source_profile` gives (perhaps another role).
    pub source: Box<ProfileEntry>,
    /// The role (`ram_role_arn`, `role_arn`; else `ALIBABA_CLOUD_ROLE_ARN`).
    pub role_arn: String,
    /// `ram_session_name`, `role_session_name`, else `ALIBABA_CLOUD_ROLE_SESSION_NAME`;
    /// `None`: the SDK's default, `credentials-python-<Unix time>`.
    pub session_name: Option<String>,
    /// The session policy (`policy`), sent when non-empty.
    pub policy: Option<String>,
    /// `external_id` (CLI profiles only), sent when non-empty.
    pub external_id: Option<String>,
    /// `expired_seconds` (CLI profiles; absent: 3600, the SDK's default; below 900: refused
    /// as the SDK refuses it).
    pub duration_seconds: i64,
    /// STS: `https://sts.aliyuncs.com`, or with a region (`sts_region`, else
    /// `ALIBABA_CLOUD_STS_REGION`) `https://sts.<region>.aliyuncs.com`, `sts-vpc` for `sts`
    /// when `enable_vpc` (else `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`) is set, as the SDK
    /// picks it (without a region the VPC choice does not apply).
    pub endpoint: String,
    /// The mode as the profile spells it (`RamRoleArn`, `ChainableRamRoleArn`, `ram_role_arn`).
    pub mode: String,
    /// The profile (or section) it comes from.
    pub profile: String,
    /// The provider, for errors and [`Credentials::source`]: the file and the profile.
    pub source_name: String,
}

impl RamRoleArn {
    /// `role_arn` assumed with `long_term` credentials, with the SDK's defaults (its
    /// session name, no policy, no external id, 3600 s, `https://sts.aliyuncs.com`).
    pub fn new(long_term: Credentials, role_arn: impl Into<String>) -> Self {
        Self {
            source: Box::new(ProfileEntry::Static(long_term)),
            role_arn: role_arn.into(),
            session_name: None,
            policy: None,
            external_id: None,
            duration_seconds: DEFAULT_DURATION_SECONDS,
            endpoint: STS_ENDPOINT.to_string(),
            mode: "RamRoleArn".to_string(),
            profile: String::new(),
            source_name: "ram role arn".to_string(),
        }
    }

    /// The error a chain without the network reports for this profile: typed
    /// [`crate::ErrorKind::Unsupported`] with [`crate::Unsupported`] `{ mode, profile }`.
    pub fn needs_network(&self) -> Error {
        Error::needs_network_profile(&self.source_name, &self.mode, &self.profile)
    }
}

/// STS `AssumeRole`'s default lifetime in the SDK (seconds).
pub const DEFAULT_DURATION_SECONDS: i64 = 3600;
/// The SDK's STS endpoint when no region is given.
pub const STS_ENDPOINT: &str = "https://sts.aliyuncs.com";

/// How deep `ChainableRamRoleArn` profiles may name each other (the SDK recurses until
/// Python's recursion limit, whose error its chain catches: a cycle gives nothing).
const MAX_CHAIN: usize = 16;

/// The SDK's STS endpoint choice (`RamRoleArnCredentialsProvider.__init__`).
fn sts_endpoint(env: &Environment, region: Option<&str>, vpc: Option<bool>) -> String {
    let vpc = vpc.unwrap_or_else(|| {
        env.get("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    });
    let prefix = if vpc { "sts-vpc" } else { "sts" };
    match region
        .filter(|r| !r.is_empty())
        .or_else(|| env.non_empty("ALIBABA_CLOUD_STS_REGION"))
    {
        Some(region) => format!("https://{prefix}.{region}.aliyuncs.com"),
        None => STS_ENDPOINT.to_string(),
    }
}

/// The role settings the SDK takes from the environment when the profile has none, and
/// its checks (`ValueError` in the SDK, which its chain catches).
#[allow(clippy::too_many_arguments)]
fn ram_role(
    env: &Environment,
    source: ProfileEntry,
    role_arn: &str,
    session_name: &str,
    policy: &str,
    external_id: &str,
    duration_seconds: i64,
    endpoint: String,
    mode: &str,
    profile: &str,
    source_name: &str,
) -> Result<ProfileEntry, Error> {
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    if duration_seconds < 900 {
        return Err(Error::invalid(
            source_name,
            "the session duration is below 900 seconds",
        ));
    }
    let role_arn = or_env(env, role_arn, "ALIBABA_CLOUD_ROLE_ARN");
    if role_arn.is_empty() {
        return Err(Error::invalid(source_name, "ram_role_arn is empty"));
    }
    Ok(ProfileEntry::RamRoleArn(RamRoleArn {
        source: Box::new(source),
        role_arn: role_arn.to_string(),
        session_name: some(or_env(env, session_name, "ALIBABA_CLOUD_ROLE_SESSION_NAME")),
        policy: some(policy),
        external_id: some(external_id),
        duration_seconds,
        endpoint,
        mode: mode.to_string(),
        profile: profile.to_string(),
        source_name: source_name.to_string(),
    }))
}

/// Provider 3: the Alibaba Cloud CLI's `~/.aliyun/config.json`. A `RamRoleArn` or
/// `ChainableRamRoleArn` profile is [`crate::ErrorKind::Unsupported`] here (it needs
/// STS: [`cli_profile_entry`] describes it, `crate::fetch::DefaultChain` assumes it).
pub fn from_cli_profile(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
    static_only(cli_profile_entry(env, profile)?)
}

/// The credentials of a [`ProfileEntry::Static`]; for the others, the error a chain
/// without the network reports.
fn static_only(entry: ProfileEntry) -> Result<Credentials, Error> {
    match entry {
        ProfileEntry::Static(c) => Ok(c),
        other => Err(other
            .needs_network()
            .unwrap_or_else(|| Error::unsupported("alibaba profile", "needs the network"))),
    }
}

/// The CLI profile's credentials, or the role it assumes: the profile named by
/// `profile`, else `ALIBABA_CLOUD_PROFILE`, else the file's `current`.
pub fn cli_profile_entry(env: &Environment, profile: Option<&str>) -> Result<ProfileEntry, Error> {
    let source = "cli profile ~/.aliyun/config.json";
    if env
        .get("ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Err(Error::not_found(source, "disabled"));
    }
    let Some(path) = env
        .home_dir()
        .map(|h| h.join(".aliyun").join("config.json"))
    else {
        return Err(Error::not_found(source, "no home directory"));
    };
    if !path.is_file() {
        return Err(Error::not_found(source, "does not exist"));
    }
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(&path)
            .map_err(|e| Error::not_found(source, format!("cannot be read: {e}")))?,
    );
    let config: Value =
        serde_json::from_str(&text).map_err(|_| Error::not_found(source, "is not valid JSON"))?;
    let name = profile
        .or_else(|| env.non_empty(ENV_PROFILE))
        .map(str::to_string)
        .or_else(|| {
            config
                .get("current")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::not_found(source, "no profile selected"))?;
    cli_entry(env, &config, &name, source, 0)
}

/// Python's truth value of a JSON value, `None` for null or absent (the SDK passes
/// `profile.get('enable_vpc')` and tests it with `if`).
fn truthy(v: Option<&Value>) -> Option<bool> {
    Some(match v? {
        Value::Null => return None,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    })
}

/// The SDK's `_get_credentials_provider(config, name)`.
fn cli_entry(
    env: &Environment,
    config: &Value,
    name: &str,
    source: &str,
    depth: usize,
) -> Result<ProfileEntry, Error> {
    let entry = config
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        })
        .ok_or_else(|| Error::not_found(source, format!("has no profile `{name}`")))?;
    let field = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or_default();
    let full = format!("{source} [{name}]");
    let mode = field("mode");
    let creds = match mode {
        "AK" => static_ak(
            env,
            &full,
            field("access_key_id"),
            field("access_key_secret"),
        )?,
        "StsToken" => {
            let token = or_env(env, field("sts_token"), ENV_SECURITY_TOKEN);
            if token.is_empty() {
                return Err(Error::invalid(&full, "sts_token is empty"));
            }
            static_ak(
                env,
                &full,
                field("access_key_id"),
                field("access_key_secret"),
            )?
            .with_token(Some(token.to_string()))
        }
        "RamRoleArn" | "ChainableRamRoleArn" => {
            let src = if mode == "RamRoleArn" {
                ProfileEntry::Static(static_ak(
                    env,
                    &full,
                    field("access_key_id"),
                    field("access_key_secret"),
                )?)
            } else {
                let next = field("source_profile");
                if next.is_empty() {
                    return Err(Error::invalid(&full, "source_profile is empty"));
                }
                if depth >= MAX_CHAIN {
                    return Err(Error::invalid(
                        &full,
                        "source_profile chains too deep (a cycle?)",
                    ));
                }
                cli_entry(env, config, next, source, depth + 1)?
            };
            let duration = expired_seconds(entry, &full)?;
            for k in ["ram_role_arn", "ram_session_name", "policy", "external_id"] {
                if entry.get(k).is_some_and(|v| !v.is_string() && !v.is_null()) {
                    return Err(Error::invalid(&full, format!("{k} is not text")));
                }
            }
            let endpoint = sts_endpoint(
                env,
                Some(field("sts_region")),
                truthy(entry.get("enable_vpc")),
            );
            return ram_role(
                env,
                src,
                field("ram_role_arn"),
                field("ram_session_name"),
                field("policy"),
                field("external_id"),
                duration,
                endpoint,
                mode,
                name,
                &full,
            );
        }
        "EcsRamRole" => {
            // The SDK's `EcsRamRoleCredentialsProvider(role_name=profile.get('ram_role_name'))`.
            let role_name = match entry.get("ram_role_name") {
                None | Some(Value::Null) => None,
                Some(Value::String(r)) => Some(r.as_str()),
                Some(_) => return Err(Error::invalid(&full, "ram_role_name is not text")),
            };
            return ecs_ram_role(env, role_name, mode, name, full);
        }
        "OIDC" => {
            let duration = expired_seconds(entry, &full)?;
            let endpoint = sts_endpoint(
                env,
                Some(field("sts_region")),
                truthy(entry.get("enable_vpc")),
            );
            return oidc_role(
                env,
                [
                    ("ram_role_arn", field("ram_role_arn")),
                    ("oidc_provider_arn", field("oidc_provider_arn")),
                    ("oidc_token_file", field("oidc_token_file")),
                ],
                field("role_session_name"),
                field("policy"),
                duration,
                endpoint,
                mode,
                name,
                full,
            );
        }
        "" => return Err(Error::invalid(&full, "has no mode")),
        // RamRoleArnWithRoleName, External, CredentialsURI, CloudSSO, OAuth: the SDK
        // fetches these; cloudsig does not.
        other => return Err(Error::unsupported_profile(&full, other, name)),
    };
    Ok(ProfileEntry::Static(creds))
}

/// The SDK's `EcsRamRoleCredentialsProvider(role_name=...)`: refused when the metadata
/// service is disabled; the role given (`None`: the profile has no such field; empty:
/// the one the metadata service lists), else `ALIBABA_CLOUD_ECS_METADATA`'s.
fn ecs_ram_role(
    env: &Environment,
    role_name: Option<&str>,
    mode: &str,
    profile: &str,
    full: String,
) -> Result<ProfileEntry, Error> {
    if env
        .get("ALIBABA_CLOUD_ECS_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return Err(Error::invalid(
            &full,
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED is true",
        ));
    }
    let role_name = match role_name {
        None => env
            .non_empty("ALIBABA_CLOUD_ECS_METADATA")
            .map(str::to_string),
        Some(r) => Some(r.to_string()).filter(|r| !r.is_empty()),
    };
    Ok(ProfileEntry::EcsRamRole(EcsRamRoleProfile {
        role_name,
        imds_v1_disabled: env
            .get("ALIBABA_CLOUD_IMDSV1_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        mode: mode.to_string(),
        profile: profile.to_string(),
        source_name: full,
    }))
}

/// The SDK's `OIDCRoleArnCredentialsProvider`: the role, the provider and the token
/// file (`[(key, value)]`, as the profile names them), each empty one from its
/// variable, then its checks (`ValueError` in the SDK, which its chain catches).
#[allow(clippy::too_many_arguments)]
fn oidc_role(
    env: &Environment,
    [role_arn, provider_arn, token_file]: [(&str, &str); 3],
    session_name: &str,
    policy: &str,
    duration_seconds: i64,
    endpoint: String,
    mode: &str,
    profile: &str,
    full: String,
) -> Result<ProfileEntry, Error> {
    if duration_seconds < 900 {
        return Err(Error::invalid(
            &full,
            "the session duration is below 900 seconds",
        ));
    }
    let required = |(k, v): (&str, &str), var: &str| {
        let v = or_env(env, v, var);
        if v.is_empty() {
            Err(Error::invalid(
                &full,
                format!("{k} is empty and {var} unset"),
            ))
        } else {
            Ok(v.to_string())
        }
    };
    let some = |v: &str| Some(v.to_string()).filter(|v| !v.is_empty());
    Ok(ProfileEntry::Oidc(OidcProfile {
        role_arn: required(role_arn, "ALIBABA_CLOUD_ROLE_ARN")?,
        provider_arn: required(provider_arn, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN")?,
        token_file: required(token_file, "ALIBABA_CLOUD_OIDC_TOKEN_FILE")?,
        session_name: some(or_env(env, session_name, "ALIBABA_CLOUD_ROLE_SESSION_NAME")),
        policy: some(policy),
        duration_seconds,
        endpoint,
        mode: mode.to_string(),
        profile: profile.to_string(),
        source_name: full,
    }))
}

/// A CLI profile's `expired_seconds` (absent or null: the SDK's 3600).
fn expired_seconds(entry: &Value, full: &str) -> Result<i64, Error> {
    match entry.get("expired_seconds") {
        None | Some(Value::Null) => Ok(DEFAULT_DURATION_SECONDS),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| Error::invalid(full, "expired_seconds is not an integer")),
    }
}

/// `value`, or when it is empty the variable `var` (the SDK's `StaticAKCredentialsProvider`
/// and `StaticSTSCredentialsProvider` fall back to the environment's value field by field).
fn or_env<'a>(env: &'a Environment, value: &'a str, var: &str) -> &'a str {
    if value.is_empty() {
        env.get(var).unwrap_or_default()
    } else {
        value
    }
}

/// The SDK's `StaticAKCredentialsProvider`: each empty field taken from the environment,
/// and an error when one is still empty.
fn static_ak(
    env: &Environment,
    source: &str,
    id: &str,
    secret: &str,
) -> Result<Credentials, Error> {
    let id = or_env(env, id, ENV_ACCESS_KEY_ID);
    let secret = or_env(env, secret, ENV_ACCESS_KEY_SECRET);
    if id.is_empty() || secret.is_empty() {
        return Err(Error::invalid(
            source,
            "access_key_id or access_key_secret is empty",
        ));
    }
    Ok(Credentials::new(id, secret, source))
}

/// The credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
/// `~/.alibabacloud/credentials.ini`.
pub fn credentials_file(env: &Environment) -> Option<PathBuf> {
    match env.non_empty(ENV_CREDENTIALS_FILE) {
        Some(p) => Some(PathBuf::from(p)),
        None => env
            .home_dir()
            .map(|h| h.join(".alibabacloud").join("credentials.ini")),
    }
}

/// Provider 4: the credentials file, the section `ALIBABA_CLOUD_PROFILE` names (or
/// `profile`, or `default`). A `ram_role_arn`, `ecs_ram_role` or `oidc_role_arn` section
/// is [`crate::ErrorKind::Unsupported`] here (it needs the network: [`profile_entry`]
/// describes it).
pub fn from_profile(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
    static_only(profile_entry(env, profile)?)
}

/// The credentials file's credentials, or the role its section assumes.
pub fn profile_entry(env: &Environment, profile: Option<&str>) -> Result<ProfileEntry, Error> {
    let Some(path) = credentials_file(env) else {
        return Err(Error::not_found("credentials file", "no home directory"));
    };
    let source = format!("credentials file {}", path.display());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => zeroize::Zeroizing::new(t),
        Err(e) => return Err(Error::not_found(&source, format!("cannot be read: {e}"))),
    };
    let ini = Ini::parse(&text).map_err(|e| Error::not_found(&source, e))?;
    let name = profile
        .or_else(|| env.get(ENV_PROFILE))
        .unwrap_or("default");
    let section = ini
        .items(name)
        .ok_or_else(|| Error::not_found(&source, format!("has no [{name}]")))?;
    // The SDK cuts a value at its first `#`.
    let get = |k: &str| {
        section
            .get(k)
            .map(|v| v.split('#').next().unwrap_or_default().trim())
            .unwrap_or_default()
    };
    let full = format!("{source} [{name}]");
    match get("type") {
        "access_key" => static_ak(env, &full, get("access_key_id"), get("access_key_secret"))
            .map(ProfileEntry::Static),
        // The SDK passes the role, its session name and policy; the duration, the
        // external id and the endpoint are its defaults (region and VPC from the
        // environment).
        "ram_role_arn" => ram_role(
            env,
            ProfileEntry::Static(static_ak(
                env,
                &full,
                get("access_key_id"),
                get("access_key_secret"),
            )?),
            get("role_arn"),
            get("role_session_name"),
            get("policy"),
            "",
            DEFAULT_DURATION_SECONDS,
            sts_endpoint(env, None, None),
            "ram_role_arn",
            name,
            &full,
        ),
        // The SDK's `EcsRamRoleCredentialsProvider(role_name=section.get('role_name'))`.
        "ecs_ram_role" => {
            let role_name = section.get("role_name").map(|_| get("role_name"));
            ecs_ram_role(env, role_name, "ecs_ram_role", name, full)
        }
        // The SDK passes the role, the provider, the token file, the session name and
        // the policy; the duration and the endpoint are its defaults (region and VPC
        // from the environment).
        "oidc_role_arn" => oidc_role(
            env,
            [
                ("role_arn", get("role_arn")),
                ("oidc_provider_arn", get("oidc_provider_arn")),
                ("oidc_token_file_path", get("oidc_token_file_path")),
            ],
            get("role_session_name"),
            get("policy"),
            DEFAULT_DURATION_SECONDS,
            sts_endpoint(env, None, None),
            "oidc_role_arn",
            name,
            full,
        ),
        "" => Err(Error::invalid(&full, "has no type")),
        // rsa_key_pair, credentials_uri, …: the SDK fetches these; cloudsig does not.
        other => Err(Error::unsupported_profile(&full, other, name)),
    }
}

/// Providers 1, 3 and 4 (those that need no network), in the SDK's order, each
/// failure recorded and the next tried. With `profile` given, only the CLI profile and
/// the credentials file are read, for that profile.
pub fn static_chain(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
    let mut reasons = Vec::new();
    if profile.is_none() {
        match from_env(env) {
            Ok(c) => return Ok(c),
            Err(e) => reasons.push(e.to_string()),
        }
        if oidc_configured(env) {
            return Err(Error::unsupported(
                "oidc",
                "ALIBABA_CLOUD_OIDC_TOKEN_FILE, _ROLE_ARN and _OIDC_PROVIDER_ARN are set: OIDC role credentials come next in the SDK's chain, which need the network (fetch::DefaultChain::alibaba fetches them)",
            ));
        }
    }
    files_chain(env, profile, reasons)
}

/// Providers 3 and 4, after `reasons` (why the earlier ones gave nothing).
pub(crate) fn files_chain(
    env: &Environment,
    profile: Option<&str>,
    mut reasons: Vec<String>,
) -> Result<Credentials, Error> {
    for provider in [from_cli_profile, from_profile] {
        match provider(env, profile) {
            Ok(c) => return Ok(c),
            Err(e) => reasons.push(e.to_string()),
        }
    }
    Err(nothing_found(&reasons))
}

/// The chain's end: no provider gave credentials, each for its reason.
pub(crate) fn nothing_found(reasons: &[String]) -> Error {
    Error::not_found(
        "alibaba default chain",
        format!(
            "no provider in the chain gave credentials: {}",
            reasons.join("; ")
        ),
    )
}
