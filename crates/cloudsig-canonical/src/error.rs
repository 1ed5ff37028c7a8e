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

/// What kind of input was wrong, for a caller that maps errors to its own codes (a
/// verifier's cloud error codes, an HTTP status) without reading the words.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A header named in `SignedHeaders` is not in the request.
    MissingSignedHeader,
    /// A signed header is sent more than once where the scheme forbids it.
    DuplicateHeader,
    /// A header name is not an HTTP token, or a signed-header list is malformed.
    InvalidHeaderName,
    /// A header value contains CR, LF or NUL.
    InvalidHeaderValue,
    /// The method is not one the scheme signs.
    InvalidMethod,
    /// The path is not a path the scheme can sign.
    InvalidPath,
    /// The query or the parameters are malformed.
    InvalidQuery,
    /// The host is empty or not a host name.
    InvalidHost,
    /// The body, or its claimed hash, does not fit the scheme.
    InvalidPayload,
    /// The access key id, the secret or the token is unusable.
    InvalidCredentials,
    /// The region, service or other credential-scope part is unusable.
    InvalidScope,
    /// The nonce is unusable, or none could be drawn.
    InvalidNonce,
    /// A time or another number is outside the range the scheme can express.
    OutOfRange,
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
///
/// [`Error::kind`] says what kind of input was wrong; [`core::error::Error::source`] is
/// the core crate's error when that is where it was found.
///
/// ```
/// use cloudsig_canonical::{ErrorKind, Request, tc3};
/// let req = Request::new("POST", "/").header("Host", "cvm.tencentcloudapi.com");
/// let err = tc3::CanonicalRequest::new(&req, &tc3::SignedHeaders::default(), &Default::default())
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::MissingSignedHeader);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    stage: Stage,
    field: String,
    reason: String,
    source: Option<cloudsig_core::Error>,
}

impl Error {
    pub(crate) fn new(
        kind: ErrorKind,
        stage: Stage,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            stage,
            field: field.into(),
            reason: reason.into(),
            source: None,
        }
    }

    /// An error found by the core crate: the kind follows its kind (out of range) or the
    /// stage (credentials), and the core error is the source.
    pub(crate) fn core(stage: Stage, e: cloudsig_core::Error) -> Self {
        let kind = match (e.kind(), stage) {
            (cloudsig_core::ErrorKind::OutOfRange, _) => ErrorKind::OutOfRange,
            (_, Stage::Credentials) => ErrorKind::InvalidCredentials,
            (_, Stage::Signature) => ErrorKind::InvalidCredentials,
            (_, Stage::StringToSign) => ErrorKind::InvalidScope,
            _ => ErrorKind::OutOfRange,
        };
        Self {
            source: Some(e),
            ..Self::new(kind, stage, e.field(), strip_field(&e))
        }
    }

    /// What kind of input was wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// `Ok` when `value` is non-empty printable ASCII (no space, no control character), as a
    /// token, nonce or host sent in a header must be; else an error naming `field`.
    pub(crate) fn require_printable(
        kind: ErrorKind,
        stage: Stage,
        field: &str,
        value: &str,
    ) -> Result<(), Self> {
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(())
        } else {
            Err(Self::new(
                kind,
                stage,
                field,
                "must be non-empty printable ASCII",
            ))
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

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn core::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use core::error::Error as _;

    use super::*;
    use crate::Credentials;

    #[test]
    fn kind_and_source_name_what_was_wrong() {
        // A secret longer than the core accepts: found by the core, which is the source.
        let long = "k".repeat(cloudsig_core::MAX_SECRET_KEY_LEN + 1);
        let err = Credentials::new("AKIDexample", &long).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidCredentials);
        let source = err
            .source()
            .and_then(|s| s.downcast_ref::<cloudsig_core::Error>());
        assert_eq!(
            source.map(cloudsig_core::Error::kind),
            Some(cloudsig_core::ErrorKind::TooLong)
        );
        // Found by this crate: no source.
        let err = Credentials::new("AKID/example", "secret").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidCredentials);
        assert!(err.source().is_none());
        let err = crate::Request::new("get", "/").validate().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidMethod);
    }
}
