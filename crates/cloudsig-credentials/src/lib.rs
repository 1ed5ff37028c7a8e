//! # cloudsig-credentials
//!
//! Where the official SDKs of Tencent Cloud, Alibaba Cloud and Huawei Cloud find their
//! credentials, in the same order and with the same precedence as each SDK's default
//! provider, so that a program signing with cloudsig picks the credentials the official
//! SDK would pick on the same machine.
//!
//! | cloud | order (first that yields credentials wins) | read from |
//! |---|---|---|
//! | Tencent ([`tencent`]) | environment → profile file → CVM role (metadata) → TKE OIDC role (both feature `fetch`) | tencentcloud-sdk-python `tencentcloud/common/credential.py`, `DefaultCredentialProvider` |
//! | Alibaba ([`alibaba`]) | environment → OIDC role (RRSA, feature `fetch`) → CLI profile `~/.aliyun/config.json` → credentials file (`ram_role_arn` through STS `AssumeRole`, `ecs_ram_role` from the metadata service, `oidc_role_arn` through `AssumeRoleWithOIDC`, feature `fetch`) → ECS RAM role (metadata, feature `fetch`) | aliyun credentials-python `alibabacloud_credentials/provider/default.py`, `DefaultCredentialsProvider` |
//! | Huawei ([`huawei`]) | (OIDC STS: unsupported) → environment → credentials file → ECS metadata security key (feature `fetch`) | huaweicloud-sdk-python-v3 `huaweicloudsdkcore/auth/provider.py`, `CredentialProviderChain` |
//!
//! A profile whose mode the SDK fetches credentials for and cloudsig does not (Alibaba's
//! CLI modes other than `AK`/`StsToken`/`RamRoleArn`/`ChainableRamRoleArn`/`EcsRamRole`/`OIDC`
//! and credentials-file types other than
//! `access_key`/`ram_role_arn`/`ecs_ram_role`/`oidc_role_arn`, Huawei's federated
//! `idp_id` + `id_token_file`) gives an error of kind [`ErrorKind::Unsupported`] whose
//! [`Error::unsupported_mode`] is an [`Unsupported`] `{ mode, profile }`; the chains go on
//! past it as the SDKs go on past a failed fetch. Alibaba's role profiles are fetched by
//! `fetch::DefaultChain` (RAM roles with STS `AssumeRole`, ECS RAM roles from the metadata
//! service, OIDC roles with STS `AssumeRoleWithOIDC`); the static chains, which never use
//! the network, report them the same way.
//!
//! `fetch::DefaultChain` (feature `fetch`) runs a cloud's whole chain, the fetching
//! providers included; HTTPS with the feature `tls`. Each cloud module documents the
//! variables, files and profile selection rules it follows. The SDKs' source was read, not copied. The profile files are INI files read
//! with Python's configparser rules (strict duplicates, continuation lines, `[DEFAULT]`),
//! because the SDKs read them so and the choice of credentials depends on it.
//!
//! **Tested against the SDKs themselves:** `vectors/credentials/cases.json` holds 67
//! cases (variables only, profile files, profile selection variables, precedence between
//! sources, missing, empty and malformed files, token variables); the official SDKs'
//! default providers (tencentcloud-sdk-python-common, alibabacloud-credentials,
//! huaweicloudsdkcore, pinned) were run on each by `vectors/oracle/credentials.py`, and
//! the test `tests/sdk_oracle.rs` asserts that the static chains pick the same id, token
//! and secret, or likewise nothing, an error, or a provider cloudsig does not implement
//! ([`ErrorKind::Unsupported`]). With the feature `fetch`, 21 more cases add a mock
//! metadata service on 127.0.0.1 (role listing, IMDSv2-style session tokens, an error
//! answer, precedence of files over metadata) and a mock STS for Alibaba's RAM roles
//! (`AssumeRole` signature checked, STS errors, a refused signature, chained roles):
//! `fetch::DefaultChain` must pick what the SDK picked and ask the mocks for the same
//! things (`tests/sdk_oracle_fetch.rs`).
//!
//! Everything is read through an [`Environment`] (the process's by default; a test or a
//! tool passes its own variables and home directory), so the same inputs select the
//! same credentials wherever they come from. Secrets are wiped from memory when dropped
//! and `Debug` never shows them.
//!
//! ```
//! use cloudsig_credentials::{Environment, tencent};
//! let env = Environment::empty()
//!     .var("TENCENTCLOUD_SECRET_ID", "AKIDexample")
//!     .var("TENCENTCLOUD_SECRET_KEY", "secret");
//! let creds = tencent::static_chain(&env, None)?;
//! assert_eq!(creds.id(), "AKIDexample");
//! assert_eq!(creds.source(), "environment");
//! assert_eq!(format!("{creds:?}"),
//!     r#"Credentials { id: "AKIDexample", secret: <redacted>, token: None, expires_at: None, source: "environment" }"#);
//! # Ok::<(), cloudsig_credentials::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The cloud modules' docs link the fetching providers, which exist only with `fetch`:
// without it (`cargo doc -p cloudsig-credentials`) those links cannot resolve.
#![cfg_attr(not(feature = "fetch"), allow(rustdoc::broken_intra_doc_links))]

pub mod alibaba;
mod environment;
mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod huawei;
mod ini;
pub mod tencent;
#[cfg_attr(not(feature = "fetch"), allow(dead_code))]
mod time;

use std::fmt;

use zeroize::Zeroizing;

pub use environment::Environment;
pub use error::{Error, ErrorKind, Unsupported};

/// One set of credentials: an id (SecretId, AccessKeyId or AK), its secret, the token of
/// temporary credentials, when they expire, and which provider gave them.
///
/// The secret and the token are wiped when dropped; `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    id: String,
    secret: Zeroizing<String>,
    token: Option<Zeroizing<String>>,
    expires_at: Option<i64>,
    source: String,
}

impl Credentials {
    /// Long-term credentials.
    pub fn new(
        id: impl Into<String>,
        secret: impl Into<String>,
        source: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            secret: Zeroizing::new(secret.into()),
            token: None,
            expires_at: None,
            source: source.into(),
        }
    }

    /// With the token of temporary credentials (an empty one counts as none).
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token.filter(|t| !t.is_empty()).map(Zeroizing::new);
        self
    }

    /// With the time they expire (seconds since the Unix epoch).
    pub fn with_expiry(mut self, expires_at: Option<i64>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// The SecretId / AccessKeyId / AK.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The SecretKey / AccessKeySecret / SK.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The token of temporary credentials.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref().map(String::as_str)
    }

    /// When they expire (seconds since the Unix epoch), for temporary credentials.
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }

    /// The provider that gave them (`environment`, `profile /path [name]`, …).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// As Tencent Cloud (and Alibaba Cloud) signing credentials.
    pub fn to_tencent(&self) -> Result<cloudsig_canonical::tencent::Credentials, Error> {
        let c = cloudsig_canonical::tencent::Credentials::new(self.id.clone(), &self.secret)
            .map_err(|e| Error::invalid(&self.source, e.to_string()))?;
        match self.token() {
            Some(t) => c
                .with_token(t)
                .map_err(|e| Error::invalid(&self.source, e.to_string())),
            None => Ok(c),
        }
    }

    /// As Alibaba Cloud signing credentials (the same type as Tencent's).
    pub fn to_alibaba(&self) -> Result<cloudsig_canonical::alibaba::Credentials, Error> {
        self.to_tencent()
    }

    /// As Huawei Cloud signing credentials.
    pub fn to_huawei(&self) -> Result<cloudsig_canonical::huawei::Credentials, Error> {
        let c = cloudsig_canonical::huawei::Credentials::new(self.id.clone(), &self.secret)
            .map_err(|e| Error::invalid(&self.source, e.to_string()))?;
        match self.token() {
            Some(t) => c
                .with_security_token(t)
                .map_err(|e| Error::invalid(&self.source, e.to_string())),
            None => Ok(c),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted(bool);
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(if self.0 { "Some(<redacted>)" } else { "None" })
            }
        }
        f.debug_struct("Credentials")
            .field("id", &self.id)
            .field("secret", &format_args!("<redacted>"))
            .field("token", &Redacted(self.token.is_some()))
            .field("expires_at", &self.expires_at)
            .field("source", &self.source)
            .finish()
    }
}

/// Runs `providers` in order and returns the first credentials; when none yields any,
/// an error listing why each did not (as the SDKs' chains report).
pub(crate) fn first_of(
    chain: &str,
    providers: &mut [&mut dyn FnMut() -> Result<Credentials, Error>],
) -> Result<Credentials, Error> {
    let mut reasons = Vec::new();
    for p in providers.iter_mut() {
        match p() {
            Ok(c) => return Ok(c),
            Err(e) if e.kind() == ErrorKind::NotFound => reasons.push(e.to_string()),
            Err(e) => return Err(e),
        }
    }
    Err(Error::not_found(
        chain,
        format!(
            "no provider in the chain gave credentials: {}",
            reasons.join("; ")
        ),
    ))
}

/// A boxed future, `Send`, as [`ProvideCredentials`] returns.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Something that gives credentials, perhaps after fetching them: the form a signing
/// middleware holds (`Arc<dyn ProvideCredentials>`). Fixed [`Credentials`] provide
/// themselves; [`fetch::Refreshing`] caches fetched ones and refreshes them before they
/// expire (feature `fetch`).
pub trait ProvideCredentials: Send + Sync {
    /// The credentials to sign with now.
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, Error>>;
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        let c = self.clone();
        Box::pin(async move { Ok(c) })
    }
}
