//! Tencent Cloud, in the order of tencentcloud-sdk-python's `DefaultCredentialProvider`
//! (`tencentcloud/common/credential.py`):
//!
//! 1. **Environment**: `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`, both set
//!    and non-empty (otherwise the next provider is tried); a blank value, or one with
//!    blanks around it, is an error that ends the chain (the SDK's `Credential` raises).
//!    The SDK reads no token variable here, so neither does this provider.
//! 2. **Profile file**: `$HOME/.tencentcloud/credentials` if it exists (home from `HOME`,
//!    else `HOMEPATH`), else `/etc/tencentcloud/credentials`; an INI file whose
//!    `[default]` section gives `secret_id` and `secret_key` (values stripped; read with
//!    configparser's rules, `[DEFAULT]` not inherited). A `[default]` without either
//!    value, or with an empty one, yields nothing (the next provider is tried). A file
//!    without `[default]`, one that cannot be opened (a directory), and one configparser
//!    refuses (an option before any section, a section or key given twice) end the chain
//!    with an error, as the SDK's exceptions do. The SDK
//!    selects no other profile (it reads no `TENCENTCLOUD_PROFILE`); cloudsig adds an
//!    explicit profile name (`--profile`) that reads that section instead.
//! 3. **CVM role** (feature `fetch`, [`crate::fetch::tencent_cvm_role`]): the role name
//!    from `http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/`,
//!    then that role's `TmpSecretId`/`TmpSecretKey`/`Token`/`ExpiredTime`, refreshed when
//!    fewer than 300 s remain (the SDK's margin).
//!
//! 4. **TKE OIDC role** (feature `fetch`, [`crate::fetch::tencent_tke_oidc`]): with
//!    `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`,
//!    STS `AssumeRoleWithWebIdentity`, refreshed when 10% of the lifetime remains.
//!
//! `crate::fetch::DefaultChain::tencent` runs all four.

use std::path::PathBuf;

use crate::ini::Ini;
use crate::{Credentials, Environment, Error, first_of};

/// The SecretId variable.
pub const ENV_SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// The SecretKey variable.
pub const ENV_SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";

/// The SDK's `Credential` refuses (raises, which ends its chain) an id or key that is
/// blank or has blanks around it.
fn check_blanks(source: &str, id: &str, key: &str) -> Result<(), Error> {
    for (name, v) in [("secret id", id), ("secret key", key)] {
        if v.trim().is_empty() {
            return Err(Error::invalid(source, format!("the {name} is blank")));
        }
        if v.trim() != v {
            return Err(Error::invalid(
                source,
                format!("the {name} has blanks around it"),
            ));
        }
    }
    Ok(())
}

/// Provider 1: the environment.
pub fn from_env(env: &Environment) -> Result<Credentials, Error> {
    match (env.non_empty(ENV_SECRET_ID), env.non_empty(ENV_SECRET_KEY)) {
        (Some(id), Some(key)) => {
            check_blanks("environment", id, key)?;
            Ok(Credentials::new(id, key, "environment"))
        }
        _ => Err(Error::not_found(
            "environment",
            format!("{ENV_SECRET_ID} and {ENV_SECRET_KEY} are not both set"),
        )),
    }
}

/// The profile file the SDK reads: the user's if it exists, else the system's.
pub fn profile_path(env: &Environment) -> Option<PathBuf> {
    let user = env
        .home_dir()
        .map(|h| h.join(".tencentcloud").join("credentials"));
    if let Some(p) = user.filter(|p| p.exists()) {
        return Some(p);
    }
    let system = env
        .system_config_dir()
        .join("tencentcloud")
        .join("credentials");
    system.exists().then_some(system)
}

/// Provider 2: the profile file, section `[default]` (or `profile`, when given).
pub fn from_profile(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
    let Some(path) = profile_path(env) else {
        return Err(Error::not_found(
            "profile",
            "neither ~/.tencentcloud/credentials nor /etc/tencentcloud/credentials exists",
        ));
    };
    let source = format!("profile {}", path.display());
    // configparser's `read` skips a file it cannot open (a directory, no permission);
    // the SDK then has no [default], which ends its chain with an error (below).
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(&path)
            .map_err(|e| Error::invalid(&source, format!("cannot be read: {e}")))?,
    );
    let ini = Ini::parse(&text).map_err(|e| Error::invalid(&source, e))?;
    let name = profile.unwrap_or("default");
    // The SDK's ProfileCredential, given a file without [default], raises (it reads
    // attributes it never set), which ends its chain: so does a missing section here.
    let Some(section) = ini.section(name) else {
        return Err(Error::invalid(&source, format!("has no profile [{name}]")));
    };
    let get = |k: &str| section.get(k).map(str::trim).filter(|v| !v.is_empty());
    match (get("secret_id"), get("secret_key")) {
        (Some(id), Some(key)) => Ok(Credentials::new(id, key, format!("{source} [{name}]"))),
        _ => Err(Error::not_found(
            &source,
            format!("[{name}] lacks secret_id or secret_key"),
        )),
    }
}

/// Providers 1 and 2, which need no network: the environment, then the profile file.
/// With `profile` given (cloudsig's `--profile`), that profile is read and the
/// environment is not consulted: an explicit choice wins.
pub fn static_chain(env: &Environment, profile: Option<&str>) -> Result<Credentials, Error> {
    if profile.is_some() {
        return from_profile(env, profile);
    }
    first_of(
        "tencent default chain",
        &mut [&mut || from_env(env), &mut || from_profile(env, None)],
    )
}
