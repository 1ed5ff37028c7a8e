//! Each SDK's whole default chain: the static providers, then the instance metadata
//! service, as one [`ProvideCredentials`].

use tokio::sync::OnceCell;

use super::{
    ALIBABA_METADATA, AlibabaOidcSettings, Fetch, HUAWEI_METADATA, Refreshing, TENCENT_METADATA,
    TENCENT_STS, TkeOidcSettings, alibaba_ecs_ram_role, alibaba_oidc_role, alibaba_profile,
    huawei_metadata, system_clock, tencent_cvm_role, tencent_tke_oidc,
};
use crate::{BoxFuture, Credentials, Environment, Error, ErrorKind, ProvideCredentials};
use crate::{alibaba, huawei, tencent};

#[derive(Debug, Clone, Copy)]
enum Cloud {
    Tencent,
    Alibaba,
    Huawei,
}

/// What the chain settled on, the first time it was asked.
enum Chosen {
    Fixed(Credentials),
    Fetched(Box<dyn ProvideCredentials>),
}

/// A cloud's default chain, as its SDK runs it: the providers that need no network
/// ([`tencent::static_chain`], [`alibaba::static_chain`], [`huawei::static_chain`]) and,
/// when none of them has anything, the instance metadata service's role credentials,
/// cached and refreshed by [`Refreshing`]. The first call decides which provider
/// serves (as the SDKs keep the provider that answered); an error that ends the
/// SDK's chain ends this one too.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudsig_credentials::Error> {
/// use cloudsig_credentials::{Environment, ProvideCredentials, fetch::DefaultChain};
/// let chain = DefaultChain::tencent(Environment::process());
/// let creds = chain.provide().await?;
/// println!("signing as {} (from {})", creds.id(), creds.source());
/// # Ok(()) }
/// ```
pub struct DefaultChain {
    cloud: Cloud,
    env: Environment,
    metadata: String,
    sts: Option<String>,
    profile: Option<String>,
    chosen: OnceCell<Chosen>,
}

impl std::fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultChain")
            .field("cloud", &self.cloud)
            .field("env", &self.env)
            .field("metadata", &self.metadata)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl DefaultChain {
    fn new(cloud: Cloud, env: Environment, metadata: &str) -> Self {
        Self {
            cloud,
            env,
            metadata: metadata.to_string(),
            sts: None,
            profile: None,
            chosen: OnceCell::new(),
        }
    }

    /// Tencent Cloud: environment, profile file, CVM role ([`TENCENT_METADATA`]), TKE
    /// OIDC role (`TKE_*` variables, [`TENCENT_STS`]).
    pub fn tencent(env: Environment) -> Self {
        Self::new(Cloud::Tencent, env, TENCENT_METADATA)
    }

    /// Alibaba Cloud: environment, OIDC role (RRSA, when `ALIBABA_CLOUD_OIDC_*` and
    /// `ALIBABA_CLOUD_ROLE_ARN` are set; its failure is recorded and the chain goes on,
    /// as the SDK's does), CLI profile, credentials file (a `RamRoleArn`,
    /// `ChainableRamRoleArn` or `ram_role_arn` profile assumed with STS `AssumeRole`,
    /// [`super::alibaba_ram_role_arn`]; when STS fails, the chain goes on), ECS RAM role
    /// ([`ALIBABA_METADATA`]; skipped when `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is
    /// `true`; the role named by `ALIBABA_CLOUD_ECS_METADATA`, else the one listed;
    /// `ALIBABA_CLOUD_IMDSV1_DISABLED=true` requires the session token).
    pub fn alibaba(env: Environment) -> Self {
        Self::new(Cloud::Alibaba, env, ALIBABA_METADATA)
    }

    /// Huawei Cloud: environment, credentials file, ECS metadata ([`HUAWEI_METADATA`]).
    pub fn huawei(env: Environment) -> Self {
        Self::new(Cloud::Huawei, env, HUAWEI_METADATA)
    }

    /// Asks another metadata service (`http://127.0.0.1:PORT` in tests).
    pub fn with_metadata(mut self, base: impl Into<String>) -> Self {
        self.metadata = base.into();
        self
    }

    /// Sends the STS calls (OIDC roles, Alibaba RAM roles) to `base` instead of the
    /// cloud's STS endpoint.
    pub fn with_sts(mut self, base: impl Into<String>) -> Self {
        self.sts = Some(base.into());
        self
    }

    /// Reads the profile `name` alone, as `cloudsig --profile NAME` does: Tencent's
    /// profile file section and Huawei's (as [`tencent::static_chain`] and
    /// [`huawei::static_chain`] with that name); Alibaba's CLI profile of that name, else
    /// the credentials file's section, whose roles (`RamRoleArn`, `ChainableRamRoleArn`,
    /// `EcsRamRole`, `OIDC`, `ram_role_arn`) are fetched as in the whole chain. No
    /// variable and no other provider is consulted.
    pub fn with_profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Alibaba's CLI profile, then its credentials file (`profile`: that profile, else
    /// their own selection), each role fetched; `reasons` gets why each gave nothing.
    async fn alibaba_files(
        &self,
        profile: Option<&str>,
        reasons: &mut Vec<String>,
    ) -> Option<Chosen> {
        for entry in [alibaba::cli_profile_entry, alibaba::profile_entry] {
            match entry(&self.env, profile) {
                Ok(alibaba::ProfileEntry::Static(c)) => return Some(Chosen::Fixed(c)),
                Ok(fetched) => {
                    let p = alibaba_profile(
                        &fetched,
                        self.sts.as_deref(),
                        &self.metadata,
                        system_clock(),
                    );
                    match p.provide().await {
                        Ok(_) => return Some(Chosen::Fetched(p)),
                        Err(e) => reasons.push(e.to_string()),
                    }
                }
                Err(e) => reasons.push(e.to_string()),
            }
        }
        None
    }

    /// The OIDC role fetcher, when its variables are set (Tencent TKE, Alibaba RRSA).
    fn oidc_fetcher(&self) -> Option<Box<dyn ProvideCredentials>> {
        match self.cloud {
            Cloud::Tencent => {
                let settings = TkeOidcSettings::from_env(&self.env).ok()?;
                let endpoint = self.sts.clone().unwrap_or_else(|| TENCENT_STS.to_string());
                Some(Box::new(Refreshing::new(tencent_tke_oidc(
                    endpoint,
                    settings,
                    system_clock(),
                ))))
            }
            Cloud::Alibaba => {
                if !alibaba::oidc_configured(&self.env) {
                    return None;
                }
                let mut settings = AlibabaOidcSettings::from_env(&self.env).ok()?;
                if let Some(sts) = &self.sts {
                    settings.endpoint = sts.clone();
                }
                Some(Box::new(Refreshing::new(alibaba_oidc_role(
                    settings,
                    system_clock(),
                ))))
            }
            Cloud::Huawei => None,
        }
    }

    fn metadata_fetcher(&self) -> Result<Box<dyn ProvideCredentials>, Error> {
        fn boxed<F: Fetch + 'static>(f: F) -> Box<dyn ProvideCredentials> {
            Box::new(Refreshing::new(f))
        }
        let base = self.metadata.clone();
        let env = &self.env;
        let is_true = |v: &str| env.get(v).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(match self.cloud {
            Cloud::Tencent => boxed(tencent_cvm_role(base, None)),
            Cloud::Alibaba => {
                if is_true("ALIBABA_CLOUD_ECS_METADATA_DISABLED") {
                    return Err(Error::not_found(
                        "alibaba ecs ram role",
                        "ALIBABA_CLOUD_ECS_METADATA_DISABLED is true",
                    ));
                }
                let role = env
                    .non_empty("ALIBABA_CLOUD_ECS_METADATA")
                    .map(str::to_string);
                boxed(
                    alibaba_ecs_ram_role(base, role)
                        .imds_v1_disabled(is_true("ALIBABA_CLOUD_IMDSV1_DISABLED")),
                )
            }
            Cloud::Huawei => boxed(huawei_metadata(base)),
        })
    }

    async fn choose(&self) -> Result<Chosen, Error> {
        if let Some(profile) = &self.profile {
            return match self.cloud {
                Cloud::Tencent => {
                    tencent::static_chain(&self.env, Some(profile)).map(Chosen::Fixed)
                }
                Cloud::Huawei => huawei::static_chain(&self.env, Some(profile)).map(Chosen::Fixed),
                Cloud::Alibaba => {
                    let mut reasons = Vec::new();
                    match self.alibaba_files(Some(profile), &mut reasons).await {
                        Some(chosen) => Ok(chosen),
                        None => Err(alibaba::nothing_found(&reasons)),
                    }
                }
            };
        }
        let fixed = match self.cloud {
            Cloud::Tencent => tencent::static_chain(&self.env, None),
            Cloud::Alibaba => match alibaba::from_env(&self.env) {
                Ok(c) => Ok(c),
                Err(env_err) => {
                    let mut reasons = vec![env_err.to_string()];
                    // The SDK's second provider; its failure is recorded, the chain goes on.
                    if let Some(oidc) = self.oidc_fetcher() {
                        match oidc.provide().await {
                            Ok(_) => return Ok(Chosen::Fetched(oidc)),
                            Err(e) => reasons.push(e.to_string()),
                        }
                    }
                    // The CLI profile, then the credentials file; a role they name is
                    // fetched here, and when that fails the chain goes on, as the SDK's.
                    match self.alibaba_files(None, &mut reasons).await {
                        Some(chosen) => return Ok(chosen),
                        None => Err(alibaba::nothing_found(&reasons)),
                    }
                }
            },
            Cloud::Huawei => huawei::static_chain(&self.env, None),
        };
        let not_here = match fixed {
            Ok(c) => return Ok(Chosen::Fixed(c)),
            Err(e) if e.kind() == ErrorKind::NotFound => e,
            Err(e) => return Err(e),
        };
        // The SDKs' chains end with "no credentials" when the metadata service fails
        // too (they catch its errors): so does this one, saying why each failed.
        let nothing =
            |e: Error| Error::not_found(e.source_name(), format!("{e}; before that, {not_here}"));
        let fetcher = self.metadata_fetcher().map_err(nothing)?;
        // Fetched once now, so that an unreachable service is reported here.
        let metadata_err = match fetcher.provide().await {
            Ok(_) => return Ok(Chosen::Fetched(fetcher)),
            Err(e) => nothing(e),
        };
        // Tencent's last provider: the TKE OIDC role.
        if let Cloud::Tencent = self.cloud
            && let Some(oidc) = self.oidc_fetcher()
        {
            oidc.provide().await.map_err(|e| {
                Error::not_found(e.source_name(), format!("{e}; before that, {metadata_err}"))
            })?;
            return Ok(Chosen::Fetched(oidc));
        }
        Err(metadata_err)
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, Error>> {
        Box::pin(async move {
            match self.chosen.get_or_try_init(|| self.choose()).await? {
                Chosen::Fixed(c) => Ok(c.clone()),
                Chosen::Fetched(p) => p.provide().await,
            }
        })
    }
}
