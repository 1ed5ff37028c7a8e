//! Tencent Cloud v1 signatures: HmacSHA1 / HmacSHA256 over a string to sign, base64.

use core::fmt;

use crate::hash::{Hash, Mac};
use crate::secret::SecretKey;

/// The HMAC of a v1 signature, chosen by the `SignatureMethod` parameter.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// `HmacSHA1`, the default when `SignatureMethod` is absent.
    #[default]
    HmacSha1,
    /// `HmacSHA256`.
    HmacSha256,
}

impl Algorithm {
    /// The algorithm the service applies for a `SignatureMethod` value: `HmacSHA256`
    /// selects HMAC-SHA256; an absent or any other value means HMAC-SHA1.
    ///
    /// ```
    /// use cloudsig_core::v1::Algorithm;
    /// assert_eq!(Algorithm::from_signature_method(Some("HmacSHA256")), Algorithm::HmacSha256);
    /// assert_eq!(Algorithm::from_signature_method(Some("hmacsha256")), Algorithm::HmacSha1);
    /// assert_eq!(Algorithm::from_signature_method(None), Algorithm::HmacSha1);
    /// ```
    pub fn from_signature_method(value: Option<&str>) -> Self {
        match value {
            Some("HmacSHA256") => Self::HmacSha256,
            _ => Self::HmacSha1,
        }
    }

    /// The hash of the HMAC.
    pub const fn hash(&self) -> Hash {
        match self {
            Self::HmacSha1 => Hash::Sha1,
            Self::HmacSha256 => Hash::Sha256,
        }
    }

    /// The `SignatureMethod` value that names this algorithm.
    pub const fn signature_method(&self) -> &'static str {
        match self {
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.signature_method())
    }
}

/// A v1 signature in base64 (28 characters for SHA-1, 44 for SHA-256), on the stack.
pub use crate::hash::Base64Signature as Signature;

/// An incremental v1 signer: feed the string to sign in pieces (or with `write!`), then
/// finish. Nothing is allocated.
///
/// ```
/// use cloudsig_core::{SecretKey, v1};
/// let key = SecretKey::new(b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
/// let mut s = v1::Signer::new(&key, v1::Algorithm::HmacSha1);
/// s.update(b"GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg");
/// s.update(b"&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou");
/// s.update(b"&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12");
/// assert_eq!(s.finish().as_str(), "EliP9YW3pW28FpsEdkXt/+WcGeI=");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Signer(Mac);

impl Signer {
    /// A signer keyed with `secret` for `algorithm`.
    pub fn new(secret: &SecretKey, algorithm: Algorithm) -> Self {
        Self(Mac::new(algorithm.hash(), &[secret.expose_secret()]))
    }

    /// Feeds part of the string to sign.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The base64 signature.
    pub fn finish(self) -> Signature {
        self.0.finalize().to_base64()
    }
}

impl fmt::Write for Signer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v1::Signer(<redacted>)")
    }
}

/// Signs a complete v1 string to sign.
pub fn sign(secret: &SecretKey, algorithm: Algorithm, string_to_sign: &[u8]) -> Signature {
    if algorithm == Algorithm::HmacSha256 {
        // One pass over the public string to sign, without the streaming MAC's buffer
        // (issue 17).
        let key = crate::sha256::HmacKey::new(secret.expose_secret());
        // The MAC is the signature, which is sent: nothing to wipe but the key.
        return crate::hash::Output::new(&key.mac_public(string_to_sign)).to_base64();
    }
    let mut s = Signer::new(secret, algorithm);
    s.update(string_to_sign);
    s.finish()
}

/// Signs into a caller's buffer and returns the base64 text written.
pub fn sign_into<'b>(
    secret: &SecretKey,
    algorithm: Algorithm,
    string_to_sign: &[u8],
    out: &'b mut [u8; 44],
) -> &'b str {
    let sig = sign(secret, algorithm, string_to_sign);
    *out = sig.buf;
    let (head, _) = out.split_at(sig.len.min(44));
    core::str::from_utf8(head).unwrap_or_default()
}
