//! The one error type of the core crate: what went wrong and with which field.

use core::fmt;

/// What was wrong with an input to a core signing function.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The value was empty.
    Empty,
    /// The value was longer than the core crate accepts.
    TooLong,
    /// The value contained a character that the scheme forbids.
    InvalidCharacter,
    /// The value was outside the range the scheme can express.
    OutOfRange,
    /// The value was not in the expected format.
    Malformed,
}

/// An error from the core crate: names the field and the reason, never the value.
///
/// The message never includes the input itself, so it is safe to log even when
/// the failing field is a secret key.
///
/// ```
/// use cloudsig_core::SecretKey;
/// let err = SecretKey::new(b"").unwrap_err();
/// assert_eq!(err.to_string(), "invalid secret key: empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    field: &'static str,
}

impl Error {
    /// An error of `kind` about `field` (a short human name such as `"secret key"`).
    pub const fn new(kind: ErrorKind, field: &'static str) -> Self {
        Self { kind, field }
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The field that was wrong, as a short human name.
    pub const fn field(&self) -> &'static str {
        self.field
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.kind {
            ErrorKind::Empty => "empty",
            ErrorKind::TooLong => "too long",
            ErrorKind::InvalidCharacter => "contains a character that is not allowed",
            ErrorKind::OutOfRange => "out of range",
            ErrorKind::Malformed => "malformed",
        };
        write!(f, "invalid {}: {}", self.field, why)
    }
}

impl core::error::Error for Error {}
