//! Tencent Cloud TC3-HMAC-SHA256: key derivation and the final signature.
//!
//! ```text
//! SecretDate    = HMAC_SHA256("TC3" + SecretKey, Date)
//! SecretService = HMAC_SHA256(SecretDate, Service)
//! SecretSigning = HMAC_SHA256(SecretService, "tc3_request")
//! Signature     = HexEncode(HMAC_SHA256(SecretSigning, StringToSign))
//! ```

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::date::UtcDate;
use crate::error::{Error, ErrorKind};
use crate::hash::HexDigest;
use crate::secret::SecretKey;
use crate::sha256::{BLOCK_LEN, HmacKey, words_bytes};

/// The algorithm name that starts the string to sign and the Authorization header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The last element of the credential scope.
pub const TERMINATOR: &str = "tc3_request";
/// The longest service name accepted.
pub const MAX_SERVICE_LEN: usize = 64;

/// The three intermediate keys of TC3 key derivation, for inspection and diagnosis.
///
/// Wiped on drop; `Debug` is redacted. The vectors assert each of them.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DerivedKeys {
    /// `HMAC_SHA256("TC3" + SecretKey, Date)`.
    pub secret_date: [u8; 32],
    /// `HMAC_SHA256(SecretDate, Service)`.
    pub secret_service: [u8; 32],
    /// `HMAC_SHA256(SecretService, "tc3_request")`: the key that signs.
    pub secret_signing: [u8; 32],
}

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKeys(<redacted>)")
    }
}

/// A derived TC3 signing key for one date and service, kept as a keyed HMAC state.
///
/// Deriving costs three HMACs; a service that signs many requests can derive once per
/// (date, service) and reuse the value, which also skips the HMAC key setup of every
/// signature. It holds only the two keyed SHA-256 states of `SecretSigning` (64 bytes).
/// `Debug` is redacted and the state is wiped on drop.
///
/// ```
/// use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};
/// let secret = SecretKey::new(b"********************************")?;
/// let key = SigningKey::derive(&secret, &UtcDate::from_unix(1551113065)?, "cvm")?;
/// let sig = key.sign_parts(
///     1551113065,
///     &UtcDate::from_unix(1551113065)?,
///     "cvm",
///     "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a",
/// );
/// assert_eq!(sig.as_str(), "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: HmacKey,
}

impl SigningKey {
    /// Derives the signing key for `date` (the UTC date of the request timestamp) and
    /// `service` (the first label of the host, such as `cvm`).
    pub fn derive(secret: &SecretKey, date: &UtcDate, service: &str) -> Result<Self, Error> {
        let (key, mut stages) = Self::derive_words(secret, date, service)?;
        stages.zeroize();
        Ok(key)
    }

    /// Like [`SigningKey::derive`], also returning the intermediate keys.
    pub fn derive_with_stages(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
    ) -> Result<(Self, DerivedKeys), Error> {
        let (key, mut stages) = Self::derive_words(secret, date, service)?;
        let [date_words, service_words, signing_words] = &stages;
        let keys = DerivedKeys {
            secret_date: words_bytes(date_words),
            secret_service: words_bytes(service_words),
            secret_signing: words_bytes(signing_words),
        };
        stages.zeroize();
        Ok((key, keys))
    }

    /// The chain of three HMACs. Each derived key stays in the words of the state that
    /// computed it and goes straight into the next key block, one scratch block wiped at
    /// the end; the caller wipes the words.
    fn derive_words(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
    ) -> Result<(Self, [[u32; 8]; 3]), Error> {
        validate_service(service)?;
        let mut block = [0u8; BLOCK_LEN];
        // "TC3" + SecretKey is one HMAC key.
        let secret_date =
            HmacKey::new_in(&mut block, b"TC3", secret.expose_secret()).mac_words(&date.to_iso());
        let secret_service =
            HmacKey::from_words_in(&mut block, &secret_date).mac_words(service.as_bytes());
        let secret_signing =
            HmacKey::from_words_in(&mut block, &secret_service).mac_words(TERMINATOR.as_bytes());
        let key = Self {
            key: HmacKey::from_words_in(&mut block, &secret_signing),
        };
        block.zeroize();
        Ok((key, [secret_date, secret_service, secret_signing]))
    }

    /// A signing key from an already derived `SecretSigning`.
    pub fn from_secret_signing(secret_signing: &[u8; 32]) -> Self {
        Self {
            key: HmacKey::new(secret_signing),
        }
    }

    /// Signs a complete string to sign.
    pub fn sign(&self, string_to_sign: &[u8]) -> HexDigest {
        let mut mac = self.key.start();
        mac.update(string_to_sign);
        HexDigest::from_bytes(&self.key.finish(&mut mac))
    }

    /// Signs into a caller's buffer and returns the 64 hex characters written.
    pub fn sign_into<'b>(&self, string_to_sign: &[u8], out: &'b mut [u8; 64]) -> &'b str {
        let sig = self.sign(string_to_sign);
        for (d, s) in out.iter_mut().zip(sig.as_bytes()) {
            *d = *s;
        }
        core::str::from_utf8(out).unwrap_or_default()
    }

    /// Signs the string to sign given as its parts, streaming them into the HMAC:
    /// `TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashed_canonical_request}`.
    ///
    /// The parts are used as given; the caller is responsible for `date` and `service`
    /// being the ones this key was derived for.
    pub fn sign_parts(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &str,
    ) -> HexDigest {
        self.sign_parts_bytes(
            timestamp,
            date,
            service,
            hashed_canonical_request.as_bytes(),
        )
    }

    /// [`SigningKey::sign_parts`] with the hashed canonical request as the [`HexDigest`]
    /// that computed it, which spares checking its text again.
    ///
    /// ```
    /// use cloudsig_core::{SecretKey, UtcDate, sha256_hex, tc3::SigningKey};
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &date, "cvm")?;
    /// let hashed = sha256_hex(b"canonical request");
    /// assert_eq!(
    ///     key.sign_hashed(1551113065, &date, "cvm", &hashed),
    ///     key.sign_parts(1551113065, &date, "cvm", hashed.as_str()),
    /// );
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn sign_hashed(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &HexDigest,
    ) -> HexDigest {
        self.sign_parts_bytes(
            timestamp,
            date,
            service,
            hashed_canonical_request.as_bytes(),
        )
    }

    fn sign_parts_bytes(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &[u8],
    ) -> HexDigest {
        // Fed piece by piece rather than through `write!`: this is the hot path, and the
        // formatting machinery would cost more than the HMAC of these few bytes. The
        // constant pieces are joined. The bytes are those `write_string_to_sign` writes
        // (a test holds them equal).
        const HEAD: &[u8] = b"TC3-HMAC-SHA256\n";
        const TAIL: &[u8] = b"/tc3_request\n";
        const _: () =
            assert!(HEAD.len() == ALGORITHM.len() + 1 && TAIL.len() == TERMINATOR.len() + 2);
        let mut mac = self.key.start();
        let mut digits = [0u8; 20];
        mac.update(HEAD);
        mac.update(decimal(timestamp, &mut digits));
        let iso = date.to_iso();
        let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = iso;
        let date_part = [b'\n', y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1, b'/'];
        mac.update(&date_part);
        mac.update(service.as_bytes());
        mac.update(TAIL);
        mac.update(hashed_canonical_request);
        HexDigest::from_bytes(&self.key.finish(&mut mac))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// Writes the TC3 string to sign into any `fmt::Write`.
///
/// ```
/// use cloudsig_core::{UtcDate, tc3};
/// let mut s = String::new();
/// tc3::write_string_to_sign(&mut s, 1551113065, &UtcDate::from_unix(1551113065)?, "cvm", "ab")
///     .unwrap();
/// assert_eq!(s, "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\nab");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
pub fn write_string_to_sign<W: fmt::Write>(
    w: &mut W,
    timestamp: i64,
    date: &UtcDate,
    service: &str,
    hashed_canonical_request: &str,
) -> fmt::Result {
    write!(
        w,
        "{ALGORITHM}\n{timestamp}\n{date}/{service}/{TERMINATOR}\n{hashed_canonical_request}"
    )
}

/// Checks a service name: non-empty, at most [`MAX_SERVICE_LEN`] bytes, and only ASCII
/// letters, digits, `-` and `_` (it is placed between `/` in the credential scope).
pub fn validate_service(service: &str) -> Result<(), Error> {
    if service.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "service"));
    }
    if service.len() > MAX_SERVICE_LEN {
        return Err(Error::new(ErrorKind::TooLong, "service"));
    }
    if !service
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::new(ErrorKind::InvalidCharacter, "service"));
    }
    Ok(())
}

/// The decimal text of `n`, written into the end of `buf`.
pub(crate) fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        debug_assert!(i < buf.len(), "an i64 has at most 20 characters");
        if let Some(b) = buf.get_mut(i) {
            // m % 10 < 10, so the cast cannot truncate.
            *b = b'0' + (m % 10) as u8;
        }
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'-';
        }
    }
    buf.get(i..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf([u8; 256], usize);

    impl fmt::Write for Buf {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.1 + s.len();
            self.0
                .get_mut(self.1..end)
                .ok_or(fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }

    #[test]
    fn decimal_matches_display() {
        for n in [
            0,
            7,
            -7,
            10,
            1_551_113_065,
            -62_167_219_200,
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = [0u8; 20];
            let mut text = Buf([0; 256], 0);
            fmt::write(&mut text, format_args!("{n}")).unwrap();
            assert_eq!(decimal(n, &mut buf), text.0.get(..text.1).unwrap(), "{n}");
        }
    }

    #[test]
    fn sign_parts_signs_the_written_string_to_sign() {
        let secret = SecretKey::new(b"k").unwrap();
        for ts in [0, 1_551_113_065, -1, MAX_TS] {
            let date = UtcDate::from_unix(ts.clamp(-62_167_219_200, 253_402_300_799)).unwrap();
            let key = SigningKey::derive(&secret, &date, "cvm").unwrap();
            let mut sts = Buf([0; 256], 0);
            write_string_to_sign(&mut sts, ts, &date, "cvm", "ab12").unwrap();
            assert_eq!(
                key.sign_parts(ts, &date, "cvm", "ab12"),
                key.sign(sts.0.get(..sts.1).unwrap())
            );
        }
    }

    const MAX_TS: i64 = i64::MAX;
}
