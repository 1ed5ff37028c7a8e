//! What every cloud's signer shares: [`Credentials`] (an access key id, its secret and an
//! optional session token), the [`Clock`] the request time is read from, and the
//! [`NonceSource`] random nonces come from. Tests fix both ([`FixedClock`],
//! [`FixedNonce`]); services use [`SystemClock`] and [`SystemNonce`].
//!
//! The clouds name the parts differently (Tencent: SecretId, SecretKey, token; Alibaba:
//! AccessKeyId, AccessKeySecret, STS token; Huawei: AK, SK, security token); the checks
//! are the same.

use alloc::string::String;
use core::fmt;

use cloudsig_core::SecretKey;

use crate::error::{Error, Stage};

/// An access key id (Tencent's SecretId, Alibaba's AccessKeyId), its secret and, for
/// temporary credentials, a token.
///
/// `Debug` shows the SecretId only.
///
/// ```
/// use cloudsig_canonical::Credentials;
/// let c = Credentials::new("AKIDexample", "secret")?;
/// assert_eq!(format!("{c:?}"), r#"Credentials { secret_id: "AKIDexample", secret_key: <redacted>, token: None }"#);
/// let err = Credentials::new("AKIDexample", "secret\n").unwrap_err();
/// assert_eq!(err.to_string(), "credentials: secret key: has leading or trailing whitespace");
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    secret_id: String,
    secret_key: SecretKey,
    token: Option<String>,
}

impl Credentials {
    /// Checks and keeps a SecretId and SecretKey.
    ///
    /// The SecretId must be printable ASCII without `/`, `,`, `;` or `=` (it is placed in
    /// the Authorization header); the SecretKey must be printable ASCII with no
    /// surrounding whitespace (a key read with its newline signs wrongly).
    pub fn new(secret_id: impl Into<String>, secret_key: &str) -> Result<Self, Error> {
        let secret_id = secret_id.into();
        validate_secret_id(&secret_id)?;
        if secret_key.is_empty() {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "is empty",
            ));
        }
        if secret_key.trim() != secret_key {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "has leading or trailing whitespace",
            ));
        }
        if !secret_key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "must be printable ASCII",
            ));
        }
        let secret_key = SecretKey::new(secret_key.as_bytes())
            .map_err(|e| Error::core(Stage::Credentials, e))?;
        Ok(Self {
            secret_id,
            secret_key,
            token: None,
        })
    }

    /// Adds the token of temporary credentials (sent as `X-TC-Token` or `Token`).
    pub fn with_token(mut self, token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        Error::require_printable(
            crate::ErrorKind::InvalidCredentials,
            Stage::Credentials,
            "token",
            &token,
        )?;
        self.token = Some(token);
        Ok(self)
    }

    /// The SecretId.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The SecretKey.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret_key
    }

    /// The token, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials {{ secret_id: {:?}, secret_key: <redacted>, token: {} }}",
            self.secret_id,
            if self.token.is_some() {
                "Some(<redacted>)"
            } else {
                "None"
            }
        )
    }
}

/// Checks an access key id (SecretId, AccessKeyId, AK): non-empty printable ASCII without
/// `/`, `,`, `;` or `=`.
pub fn validate_secret_id(id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::new(
            crate::ErrorKind::InvalidCredentials,
            Stage::Credentials,
            "secret id",
            "is empty",
        ));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::new(
            crate::ErrorKind::InvalidCredentials,
            Stage::Credentials,
            "secret id",
            "must be printable ASCII without spaces",
        ));
    }
    if id.bytes().any(|b| matches!(b, b'/' | b',' | b';' | b'=')) {
        return Err(Error::new(
            crate::ErrorKind::InvalidCredentials,
            Stage::Credentials,
            "secret id",
            "contains `/`, `,`, `;` or `=`",
        ));
    }
    Ok(())
}

/// Where the signer reads the time from; inject a fixed one in tests.
pub trait Clock {
    /// Seconds since 1970-01-01T00:00:00Z.
    fn now_unix(&self) -> i64;
}

/// A clock that always says the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now_unix(&self) -> i64 {
        self.0
    }
}

/// The system clock.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(feature = "std")]
impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        match now {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
        }
    }
}

/// Where a signer takes random nonces from; inject a fixed one in tests, as with the
/// [`Clock`].
///
/// A nonce must not repeat; it need not be secret.
pub trait NonceSource {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error>;
}

/// Nonces from the operating system's random source (`getrandom`).
///
/// ```
/// use cloudsig_canonical::credentials::{NonceSource, SystemNonce};
/// let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
/// SystemNonce.fill(&mut a)?;
/// SystemNonce.fill(&mut b)?;
/// assert_ne!(a, b);
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemNonce;

impl NonceSource for SystemNonce {
    #[cfg(feature = "std")]
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(buf).map_err(|_| {
            Error::new(
                crate::ErrorKind::InvalidNonce,
                Stage::Request,
                "nonce",
                "the operating system's random source failed",
            )
        })
    }

    #[cfg(not(feature = "std"))]
    fn fill(&self, _buf: &mut [u8]) -> Result<(), Error> {
        Err(Error::new(
            crate::ErrorKind::InvalidNonce,
            Stage::Request,
            "nonce",
            "give a nonce: without std there is no randomness",
        ))
    }
}

/// A nonce source that repeats one byte: for tests only.
///
/// ```
/// use cloudsig_canonical::credentials::{FixedNonce, NonceSource};
/// let mut buf = [0u8; 4];
/// FixedNonce(7).fill(&mut buf)?;
/// assert_eq!(buf, [7; 4]);
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedNonce(pub u8);

impl NonceSource for FixedNonce {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        buf.fill(self.0);
        Ok(())
    }
}
