//! Errors: what went wrong (a kind) and which provider (the source), never a secret.

use std::fmt;

/// What kind of failure.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The provider has nothing here (a variable unset, a file or profile absent): a
    /// chain goes on to the next provider.
    NotFound,
    /// The provider found credentials but they cannot be used (a half-set pair, a
    /// malformed file, an unsupported profile type): a chain stops, as the SDKs do for a
    /// broken profile.
    Invalid,
    /// Fetching from a metadata service or STS failed.
    Fetch,
    /// The SDK's chain would use a provider here that cloudsig does not implement
    /// (Huawei federated or OIDC tokens, …): a chain stops rather than silently picking
    /// other credentials than the SDK would.
    Unsupported,
}

/// A profile whose mode (or `type`) the official SDK would fetch credentials for and
/// cloudsig does not: which mode, in which profile. [`Error::unsupported_mode`] gives it
/// for errors of kind [`ErrorKind::Unsupported`] that come from a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The mode as the file spells it (`RamRoleArn`, `ecs_ram_role`, …).
    pub mode: String,
    /// The profile (or section) that names it.
    pub profile: String,
}

/// A provider's failure, naming the provider and the field, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    source_name: String,
    message: String,
    mode: Option<Unsupported>,
}

impl Error {
    pub(crate) fn not_found(source: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, source, message)
    }

    pub(crate) fn invalid(source: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, source, message)
    }

    pub(crate) fn unsupported(source: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unsupported, source, message)
    }

    /// A profile's mode the SDK supports and cloudsig does not (kind `Unsupported`).
    pub(crate) fn unsupported_profile(source: &str, mode: &str, profile: &str) -> Self {
        let mut e = Self::unsupported(
            source,
            format!(
                "mode `{mode}` of profile `{profile}` is not supported by cloudsig (see the provider order table)"
            ),
        );
        e.mode = Some(Unsupported {
            mode: mode.into(),
            profile: profile.into(),
        });
        e
    }

    /// A profile's mode that needs the network (STS, the instance metadata service), met
    /// by a chain that does not fetch (kind `Unsupported`, with the mode and the profile).
    pub(crate) fn needs_network_profile(source: &str, mode: &str, profile: &str) -> Self {
        let mut e = Self::unsupported_profile(source, mode, profile);
        e.message = format!(
            "mode `{mode}` of profile `{profile}` fetches its credentials (STS or the instance metadata service), which needs the network: fetch::DefaultChain (feature `fetch`) does it"
        );
        e
    }

    #[cfg(feature = "fetch")]
    pub(crate) fn fetch(source: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Fetch, source, message)
    }

    fn new(kind: ErrorKind, source: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            source_name: source.into(),
            message: message.into(),
            mode: None,
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// For a profile whose mode cloudsig does not support: the mode and the profile.
    pub fn unsupported_mode(&self) -> Option<&Unsupported> {
        self.mode.as_ref()
    }

    /// The provider (or chain) that failed.
    pub fn source_name(&self) -> &str {
        &self.source_name
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.message)
    }
}

impl std::error::Error for Error {}
