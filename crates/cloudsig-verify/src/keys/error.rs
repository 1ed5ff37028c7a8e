//! Why keys could not be loaded or chosen: a typed error with a kind and a source.

use std::error::Error;
use std::fmt;

/// Why a key file, the environment or a key choice failed. The message names the file
/// and line or the variable, never a key's value.
///
/// It converts into `String` (so callers that report errors as text keep using `?`),
/// and it is a `std::error::Error + Send + Sync`, so `?` takes it into `anyhow::Error`
/// or `Box<dyn Error>`.
///
/// ```
/// use cloudsig_verify::keys::{KeyErrorKind, KeyRing};
/// let err = KeyRing::parse("AKID1 secret1\nAKID1 secret2\n", "inline").unwrap_err();
/// assert_eq!(err.kind(), KeyErrorKind::Duplicate);
/// assert_eq!(err.to_string(), "inline, line 2: SecretId AKID1 appears twice");
/// ```
#[derive(Debug)]
pub struct KeyError {
    kind: KeyErrorKind,
    message: String,
    source: Option<Box<dyn Error + Send + Sync>>,
}

/// What kind of failure a [`KeyError`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyErrorKind {
    /// The key file could not be opened or read (the source is the I/O error).
    Io,
    /// The key file is larger than [`crate::keys::MAX_KEY_FILE_LEN`].
    TooLarge,
    /// The key file or a variable is not UTF-8.
    NotUtf8,
    /// A line is not `SecretId SecretKey [Token]`.
    Syntax,
    /// An id, key or token is not valid (the source is canonical's error).
    InvalidCredentials,
    /// An id appears twice in one key file.
    Duplicate,
    /// Only one of a pair of environment variables is set.
    HalfSet,
    /// No key is known for the id asked for.
    UnknownId,
    /// There are no credentials at all.
    NoCredentials,
    /// There are several keys and none was chosen.
    Several,
}

impl KeyError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: KeyErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// The same error, caused by `source`.
    pub fn with_source(mut self, source: impl Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> KeyErrorKind {
        self.kind
    }

    /// Whether the message contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.message.contains(text)
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for KeyError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

impl From<KeyError> for String {
    fn from(e: KeyError) -> Self {
        e.message
    }
}
