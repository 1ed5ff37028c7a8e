//! Huawei Cloud, in the order of huaweicloud-sdk-python-v3's
//! `CredentialProviderChain.get_basic_credential_provider_chain`
//! (`huaweicloudsdkcore/auth/provider.py`):
//!
//! 1. **Environment**: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (both non-empty),
//!    with `HUAWEICLOUD_SDK_SECURITY_TOKEN`; `HUAWEICLOUD_SDK_PROJECT_ID` is the project.
//!    (`HUAWEICLOUD_SDK_IDP_ID` with `HUAWEICLOUD_SDK_ID_TOKEN_FILE` takes precedence in
//!    the SDK for federated tokens, which cloudsig does not implement: an error says so.)
//! 2. **Credentials file**: `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
//!    `$HOME/.huaweicloud/credentials`; an INI file whose `[basic]` section (or `[global]`
//!    for global services, or the section given) has `ak`, `sk` and `security_token`.
//! 3. **ECS metadata** (feature `fetch`, [`crate::fetch::huawei_metadata`]):
//!    `http://169.254.169.254/openstack/latest/securitykey`.
//!
//! Each provider's failure is recorded and the next tried, as the SDK's chain does.

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

/// Provider 1: the environment.
pub fn from_env(env: &Environment) -> Result<Credentials, Error> {
    if env.non_empty("HUAWEICLOUD_SDK_IDP_ID").is_some()
        && env.non_empty("HUAWEICLOUD_SDK_ID_TOKEN_FILE").is_some()
    {
        return Err(Error::invalid(
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
    let ini = Ini::parse(&text).map_err(|e| Error::not_found(&source, e))?;
    let name = section.unwrap_or("basic");
    let s = ini
        .section(name)
        .ok_or_else(|| Error::not_found(&source, format!("has no [{name}]")))?;
    let get = |k: &str| s.get(k).map(String::as_str).filter(|v| !v.is_empty());
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
    first_of(
        "huawei default chain",
        &mut [&mut || from_env(env), &mut || from_profile(env, None)],
    )
}
