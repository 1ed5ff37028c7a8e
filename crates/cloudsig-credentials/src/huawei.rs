//! Huawei Cloud, in the order of huaweicloud-sdk-python-v3's
//! `CredentialProviderChain.get_basic_credential_provider_chain`
//! (`huaweicloudsdkcore/auth/provider.py`):
//!
//! 0. (**OIDC STS**, first in the SDK's chain since 3.1.x, when
//!    `HUAWEICLOUD_OIDC_PROVIDER_URN`, `HUAWEICLOUD_OIDC_AGENCY_URN` and an id token
//!    (`HUAWEICLOUD_OIDC_ID_TOKEN`, or a non-empty `HUAWEICLOUD_OIDC_TOKEN_FILE`) are
//!    there: not implemented by cloudsig, reported as [`crate::ErrorKind::Unsupported`]
//!    rather than skipped. With any of them missing, the SDK goes on.)
//! 1. **Environment**: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (both non-empty),
//!    with `HUAWEICLOUD_SDK_SECURITY_TOKEN`; `HUAWEICLOUD_SDK_PROJECT_ID` is the project.
//!    (`HUAWEICLOUD_SDK_IDP_ID` with `HUAWEICLOUD_SDK_ID_TOKEN_FILE` takes precedence in
//!    the SDK for federated tokens, which cloudsig does not implement: `Unsupported`.)
//! 2. **Credentials file**: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//!    `$HOME/.huaweicloud/credentials`; an INI file (configparser's rules, `[DEFAULT]`
//!    inherited) whose `[basic]` section (or `[global]` for global services, or the
//!    section given) has `ak`, `sk` and `security_token` (`idp_id` with `id_token_file`:
//!    federated, `Unsupported`). A missing file or section, or a missing `ak`/`sk`, goes
//!    on to the next provider; a file configparser refuses ends the chain with an error
//!    (the SDK's chain does not catch configparser's exceptions).
//! 3. **ECS metadata** (feature `fetch`, [`crate::fetch::huawei_metadata`]):
//!    `http://169.254.169.254/openstack/latest/securitykey`.
//!
//! Each provider's "not here" is recorded and the next tried, as the SDK's chain does.

use std::path::PathBuf;

use crate::ini::Ini;
use crate::{Credentials, Environment, Error, first_of};

/// The AK variable.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// The SK variable.
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// The security-token variable.
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// The credentials-file variable.
pub const ENV_CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

/// The SDK's first provider, OIDC STS: chosen when `HUAWEICLOUD_OIDC_PROVIDER_URN`,
/// `HUAWEICLOUD_OIDC_AGENCY_URN` and an id token (`HUAWEICLOUD_OIDC_ID_TOKEN`, or a
/// non-empty `HUAWEICLOUD_OIDC_TOKEN_FILE`) are there; cloudsig does not implement it,
/// so such an environment is an error rather than a silent fall-through.
pub fn oidc_configured(env: &Environment) -> bool {
    let token = env.non_empty("HUAWEICLOUD_OIDC_ID_TOKEN").is_some()
        || env
            .non_empty("HUAWEICLOUD_OIDC_TOKEN_FILE")
            .and_then(|f| std::fs::read_to_string(f).ok())
            .is_some_and(|t| !zeroize::Zeroizing::new(t).trim().is_empty());
    env.non_empty("HUAWEICLOUD_OIDC_PROVIDER_URN").is_some()
        && env.non_empty("HUAWEICLOUD_OIDC_AGENCY_URN").is_some()
        && token
}

/// Provider 1: the environment.
pub fn from_env(env: &Environment) -> Result<Credentials, Error> {
    if env.non_empty("HUAWEICLOUD_SDK_IDP_ID").is_some()
        && env.non_empty("HUAWEICLOUD_SDK_ID_TOKEN_FILE").is_some()
    {
        return Err(Error::unsupported(
            "environment",
            "HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE select federated tokens, which cloudsig does not implement",
        ));
    }
    match (env.non_empty(ENV_AK), env.non_empty(ENV_SK)) {
        (Some(ak), Some(sk)) => Ok(Credentials::new(ak, sk, "environment")
            .with_token(env.get(ENV_SECURITY_TOKEN).map(str::to_string))),
        _ => Err(Error::not_found(
            "environment",
            format!("{ENV_AK} and {ENV_SK} are not both set"),
        )),
    }
}

/// The credentials file: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
/// `~/.huaweicloud/credentials`.
pub fn credentials_file(env: &Environment) -> Option<PathBuf> {
    match env.non_empty(ENV_CREDENTIALS_FILE) {
        Some(p) => Some(PathBuf::from(p)),
        None => env
            .home_dir()
            .map(|h| h.join(".huaweicloud").join("credentials")),
    }
}

/// Provider 2: the credentials file's `[basic]` section (or `section`).
pub fn from_profile(env: &Environment, section: Option<&str>) -> Result<Credentials, Error> {
    let Some(path) = credentials_file(env) else {
        return Err(Error::not_found("credentials file", "no home directory"));
    };
    let source = format!("credentials file {}", path.display());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => zeroize::Zeroizing::new(t),
        Err(_) => return Err(Error::not_found(&source, "does not exist")),
    };
    // configparser's exceptions are not among those the SDK's chain catches: a file it
    // refuses ends the chain.
    let ini = Ini::parse(&text).map_err(|e| Error::invalid(&source, e))?;
    let name = section.unwrap_or("basic");
    let s = ini
        .items(name)
        .ok_or_else(|| Error::not_found(&source, format!("has no [{name}]")))?;
    let get = |k: &str| s.get(k).filter(|v| !v.is_empty());
    if get("idp_id").is_some() && get("id_token_file").is_some() {
        return Err(Error::unsupported_profile(
            &format!("{source} [{name}]"),
            "federated (idp_id, id_token_file)",
            name,
        ));
    }
    match (get("ak"), get("sk")) {
        (Some(ak), Some(sk)) => Ok(Credentials::new(ak, sk, format!("{source} [{name}]"))
            .with_token(get("security_token").map(str::to_string))),
        _ => Err(Error::not_found(
            &source,
            format!("[{name}] lacks ak or sk"),
        )),
    }
}

/// Providers 1 and 2 (no network). With `section` given, only the file is read.
pub fn static_chain(env: &Environment, section: Option<&str>) -> Result<Credentials, Error> {
    if section.is_some() {
        return from_profile(env, section);
    }
    if oidc_configured(env) {
        return Err(Error::unsupported(
            "oidc",
            "HUAWEICLOUD_OIDC_PROVIDER_URN, _AGENCY_URN and an id token are set: OIDC STS credentials come first in the SDK's chain, and cloudsig does not implement them",
        ));
    }
    first_of(
        "huawei default chain",
        &mut [&mut || from_env(env), &mut || from_profile(env, None)],
    )
}
