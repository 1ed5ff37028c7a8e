//! The error of the canonical builders: the stage that failed, the field, and why.

use alloc::string::String;
use core::fmt;

/// The stage of signing at which an error was found.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Checking the credentials.
    Credentials,
    /// Checking the request model (method, path, query, headers).
    Request,
    /// Building the canonical request.
    CanonicalRequest,
    /// Building the string to sign or the credential scope.
    StringToSign,
    /// Deriving the signing key or signing.
    Signature,
    /// Flattening or encoding v1 parameters.
    Parameters,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Self::Credentials => "credentials",
            Self::Request => "request",
            Self::CanonicalRequest => "canonical request",
            Self::StringToSign => "string to sign",
            Self::Signature => "signature",
            Self::Parameters => "parameters",
        }
    }
}

/// An error that names the failing stage and field and says why, never showing a secret.
///
/// ```
/// use cloudsig_canonical::{Request, tc3};
/// let req = Request::new("POST", "/").header("Host", "cvm.tencentcloudapi.com");
/// let err = tc3::CanonicalRequest::new(&req, &tc3::SignedHeaders::default(), &Default::default())
///     .unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "canonical request: header `content-type`: is listed in SignedHeaders but the request does not have it"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    stage: Stage,
    field: String,
    reason: String,
}

impl Error {
    pub(crate) fn new(stage: Stage, field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            stage,
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn core(stage: Stage, e: cloudsig_core::Error) -> Self {
        Self::new(stage, e.field(), strip_field(&e))
    }

    /// `Ok` when `value` is non-empty printable ASCII (no space, no control character), as a
    /// token, nonce or host sent in a header must be; else an error naming `field`.
    pub(crate) fn require_printable(stage: Stage, field: &str, value: &str) -> Result<(), Self> {
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(())
        } else {
            Err(Self::new(stage, field, "must be non-empty printable ASCII"))
        }
    }

    /// The stage that failed.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The field that was wrong (for example ``header `host` `` or `secret id`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why it was wrong, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

fn strip_field(e: &cloudsig_core::Error) -> String {
    use alloc::string::ToString;
    let full = e.to_string();
    let prefix = alloc::format!("invalid {}: ", e.field());
    full.strip_prefix(prefix.as_str())
        .map(ToString::to_string)
        .unwrap_or(full)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.stage.name(), self.field, self.reason)
    }
}

impl core::error::Error for Error {}
