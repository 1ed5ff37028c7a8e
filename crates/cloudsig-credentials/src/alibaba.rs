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
//!    read; every other mode (`RamRoleArn`, `EcsRamRole`, `ChainableRamRoleArn`,
//!    `CredentialsURI`, `OIDC`, …) is reported as [`crate::ErrorKind::Unsupported`] with
//!    [`crate::Unsupported`] `{ mode, profile }` ([`crate::Error::unsupported_mode`]),
//!    and the chain goes on to the next provider, as the SDK does when the fetch fails.
//!    A `StsToken` profile with an empty `sts_token` is refused.
//!
//!    Why `RamRoleArn` (and the file's `ram_role_arn`) is not fetched: the SDK assumes
//!    the role with STS `AssumeRole`, an RPC call signed with the profile's own
//!    AccessKey (HMAC-SHA1), with its session name, policy and external id, cached
//!    until 15 minutes before expiry. It is not implemented yet, so where STS answers,
//!    the SDK signs as the role and cloudsig does not: `static_chain` and
//!    `crate::fetch::DefaultChain::alibaba` go on to the next provider (the credentials
//!    file, then the ECS RAM role), as the SDK does only when STS cannot be reached (the
//!    oracle cases `alibaba-cli-ram-role-arn` and `alibaba-ini-ram-role-arn`). To sign as
//!    the role, assume it yourself (`aliyun sts AssumeRole`) and give the result as a
//!    `StsToken` profile or `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` /
//!    `ALIBABA_CLOUD_SECURITY_TOKEN`; [`crate::Error::unsupported_mode`] on
//!    [`from_cli_profile`]'s or [`from_profile`]'s error says which profile needs it.
//! 4. **Credentials file**: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
//!    `$HOME/.alibabacloud/credentials.ini`; the section named by `ALIBABA_CLOUD_PROFILE`
//!    (default `default`; set but empty names the section `""`), `type = access_key` with
//!    `access_key_id` and `access_key_secret`, read with configparser's rules (`[DEFAULT]`
//!    inherited, a section given twice makes the file unreadable) and each value cut at
//!    its first `#`, as the SDK does. Other types (`ecs_ram_role`, `ram_role_arn`,
//!    `oidc_role_arn`, `credentials_uri`) are [`crate::ErrorKind::Unsupported`] with
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

/// Provider 3: the Alibaba Cloud CLI's `~/.aliyun/config.json`.
pub fn from_cli_profile(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
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
    let entry = config
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
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
        "" => return Err(Error::invalid(&full, "has no mode")),
        // RamRoleArn, EcsRamRole, RamRoleArnWithRoleName, ChainableRamRoleArn, External,
        // CredentialsURI, OIDC, CloudSSO, OAuth: the SDK fetches these.
        other => return Err(Error::unsupported_profile(&full, other, &name)),
    };
    Ok(creds)
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
/// `profile`, or `default`).
pub fn from_profile(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
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
        "access_key" => static_ak(env, &full, get("access_key_id"), get("access_key_secret")),
        "" => Err(Error::invalid(&full, "has no type")),
        // ecs_ram_role, ram_role_arn, oidc_role_arn, credentials_uri, …: the SDK fetches these.
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
    Err(Error::not_found(
        "alibaba default chain",
        format!(
            "no provider in the chain gave credentials: {}",
            reasons.join("; ")
        ),
    ))
}
