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

/// A provider's failure, naming the provider and the field, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    source_name: String,
    message: String,
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

    #[cfg(feature = "fetch")]
    pub(crate) fn fetch(source: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Fetch, source, message)
    }

    fn new(kind: ErrorKind, source: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            source_name: source.into(),
            message: message.into(),
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
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
