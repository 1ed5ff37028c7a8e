//! `--profile NAME`: credentials from the official SDKs' profile files, read by
//! `cloudsig-credentials` (Tencent `~/.tencentcloud/credentials` or
//! `/etc/tencentcloud/credentials`; Alibaba `~/.aliyun/config.json` then
//! `~/.alibabacloud/credentials.ini`; Huawei `~/.huaweicloud/credentials`, where NAME is the
//! section, `basic` or `global`).
//!
//! An Alibaba profile that fetches its credentials (`RamRoleArn`, `ChainableRamRoleArn`,
//! `EcsRamRole`, `OIDC`, `type = ram_role_arn`) is fetched as the SDK does, with
//! `cloudsig_credentials::fetch::DefaultChain::with_profile`: STS over HTTPS, the ECS
//! metadata service. `CLOUDSIG_STS_ENDPOINT` and `CLOUDSIG_METADATA_ENDPOINT` send those
//! requests elsewhere (a proxy, a local mock such as the tests').

use cloudsig_credentials::fetch::DefaultChain;
use cloudsig_credentials::{Environment, ProvideCredentials};
use cloudsig_verify::keys::KeyRing;

/// Where the STS calls of a role profile go instead of the cloud's STS endpoint.
pub const ENV_STS_ENDPOINT: &str = "CLOUDSIG_STS_ENDPOINT";
/// Where the metadata requests of an `EcsRamRole` profile go instead of the cloud's
/// metadata service.
pub const ENV_METADATA_ENDPOINT: &str = "CLOUDSIG_METADATA_ENDPOINT";

/// Which cloud's files to read.
#[derive(Debug, Clone, Copy)]
pub enum Cloud {
    /// Tencent Cloud.
    Tencent,
    /// Alibaba Cloud.
    Alibaba,
    /// Huawei Cloud.
    Huawei,
}

/// A key ring holding the one credential the profile gives (fetched, for a profile that
/// assumes a role).
pub fn keyring(cloud: Cloud, name: &str) -> Result<KeyRing, String> {
    let env = Environment::process();
    let mut chain = match cloud {
        Cloud::Tencent => DefaultChain::tencent(env.clone()),
        Cloud::Alibaba => DefaultChain::alibaba(env.clone()),
        Cloud::Huawei => DefaultChain::huawei(env.clone()),
    }
    .with_profile(name);
    if let Some(sts) = env.non_empty(ENV_STS_ENDPOINT) {
        chain = chain.with_sts(sts);
    }
    if let Some(metadata) = env.non_empty(ENV_METADATA_ENDPOINT) {
        chain = chain.with_metadata(metadata);
    }
    // One request or a few (STS, the metadata service), on a runtime of their own: the
    // signing commands are otherwise synchronous.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("--profile {name}: {e}"))?;
    let creds = runtime
        .block_on(chain.provide())
        .map_err(|e| format!("--profile {name}: {e}"))?;
    let signer = creds
        .to_tencent()
        .map_err(|e| format!("--profile {name}: {e}"))?;
    let mut ring = KeyRing::default();
    ring.insert(signer);
    Ok(ring)
}
