//! `--profile NAME`: credentials from the official SDKs' profile files, read by
//! `cloudsig-credentials` (Tencent `~/.tencentcloud/credentials` or
//! `/etc/tencentcloud/credentials`; Alibaba `~/.aliyun/config.json` then
//! `~/.alibabacloud/credentials.ini`; Huawei `~/.huaweicloud/credentials`, where NAME is the
//! section, `basic` or `global`).

use cloudsig_credentials::{Environment, alibaba, huawei, tencent};
use cloudsig_verify::keys::KeyRing;

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

/// A key ring holding the one credential the profile gives.
pub fn keyring(cloud: Cloud, name: &str) -> Result<KeyRing, String> {
    let env = Environment::process();
    let creds = match cloud {
        Cloud::Tencent => tencent::static_chain(&env, Some(name)),
        Cloud::Alibaba => alibaba::static_chain(&env, Some(name)),
        Cloud::Huawei => huawei::static_chain(&env, Some(name)),
    }
    .map_err(|e| format!("--profile {name}: {e}"))?;
    let signer = creds
        .to_tencent()
        .map_err(|e| format!("--profile {name}: {e}"))?;
    let mut ring = KeyRing::default();
    ring.insert(signer);
    Ok(ring)
}
