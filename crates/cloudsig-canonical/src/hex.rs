//! A stage's digest as hex, written when asked for: the TC3, ACS3 and SDK-HMAC
//! `Signed` keep each digest as its 32 bytes (issue 17 item 1, session 27), so that a
//! signature is handed back without three stages of hex it may never need. Shared by
//! the clouds' modules (`tc3::Hex` is this type).

use core::fmt;
use core::ops::Deref;

use cloudsig_core::HexDigest;

/// A stage's hash or signature as its lower-case hex characters, written when an
/// accessor of a TC3, ACS3 or SDK-HMAC `Signed` or `CanonicalRequest` is called. It
/// dereferences to the [`HexDigest`] those accessors returned by reference before, so
/// `*signed.signature()` and `signed.signature().as_str()` read as they did.
///
/// ```
/// use cloudsig_canonical::{Request, alibaba::acs3};
/// use cloudsig_core::{HexDigest, alibaba::Algorithm};
/// let req = Request::new("POST", "/").header("host", "h").header("x-acs-date", "d");
/// let signed_headers = acs3::signed_headers_of(&req)?;
/// let c = acs3::CanonicalRequest::new(&req, &signed_headers, Algorithm::HmacSha256,
///                                      &Default::default())?;
/// let hex: HexDigest = *c.hashed_payload();
/// assert_eq!(hex.as_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// assert_eq!(c.hashed_payload().to_string(), hex.as_str());
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hex(HexDigest);

impl Hex {
    /// The hex of `digest`.
    #[inline]
    pub(crate) fn of(digest: &[u8; 32]) -> Self {
        Self(HexDigest::from_bytes(digest))
    }

    /// The hex of a digest of any length up to 32 bytes (an SDK-HMAC signature or
    /// payload hash, SHA-256 or SM3: 32 in practice).
    #[inline]
    pub(crate) fn of_digest(digest: &Digest) -> Self {
        match digest.bytes.get(..usize::from(digest.len)) {
            Some(b) if b.len() == 32 => Self::of(&digest.bytes),
            _ => Self(
                HexDigest::parse_lower(digest.write_hex(&mut [0; 64]))
                    .unwrap_or_else(|| HexDigest::from_bytes(&digest.bytes)),
            ),
        }
    }

    /// The [`HexDigest`].
    pub fn into_inner(self) -> HexDigest {
        self.0
    }
}

impl Deref for Hex {
    type Target = HexDigest;

    fn deref(&self) -> &HexDigest {
        &self.0
    }
}

impl From<Hex> for HexDigest {
    fn from(hex: Hex) -> Self {
        hex.0
    }
}

impl AsRef<str> for Hex {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl PartialEq<HexDigest> for Hex {
    fn eq(&self, other: &HexDigest) -> bool {
        self.0 == *other
    }
}

impl PartialEq<&HexDigest> for Hex {
    fn eq(&self, other: &&HexDigest) -> bool {
        self.0 == **other
    }
}

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A digest as its bytes (at most 32): what a [`HexDigest`], the even-length
/// lower-case hex of at most 32 bytes, is written from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Digest {
    pub(crate) bytes: [u8; 32],
    len: u8,
}

impl Digest {
    /// A 32-byte digest (SHA-256, SM3).
    #[inline]
    pub(crate) fn of(bytes: [u8; 32]) -> Self {
        Self { bytes, len: 32 }
    }

    /// The bytes `hex` was written from; `None` for text that is not lower-case hex
    /// of at most 32 bytes, which a [`HexDigest`] never holds.
    pub(crate) fn of_hex(hex: &HexDigest) -> Option<Self> {
        Self::parse(hex.as_bytes())
    }

    /// The bytes of lower-case hex `hex` of at most 32 bytes; `None` for anything else.
    pub(crate) fn parse(hex: &[u8]) -> Option<Self> {
        let (pairs, odd) = hex.as_chunks::<2>();
        if !odd.is_empty() || pairs.len() > 32 {
            return None;
        }
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        };
        let mut bytes = [0u8; 32];
        for (b, [hi, lo]) in bytes.iter_mut().zip(pairs) {
            *b = (nibble(*hi)? << 4) | nibble(*lo)?;
        }
        Some(Self {
            bytes,
            len: u8::try_from(pairs.len()).ok()?,
        })
    }

    /// The bytes of a [`HexDigest`] (always lower-case hex of at most 32 bytes).
    pub(crate) fn of_hex_digest(hex: &HexDigest) -> Self {
        Self::of_hex(hex).unwrap_or(Self {
            bytes: [0; 32],
            len: 0,
        })
    }

    /// Writes the lower-case hex into `out`, returning it.
    pub(crate) fn write_hex<'o>(&self, out: &'o mut [u8; 64]) -> &'o str {
        let digit = |n: u8| if n < 10 { b'0' + n } else { b'a' + (n - 10) };
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        for (pair, b) in out.as_chunks_mut::<2>().0.iter_mut().zip(bytes) {
            *pair = [digit(b >> 4), digit(b & 0xf)];
        }
        core::str::from_utf8(out.get(..bytes.len() * 2).unwrap_or_default()).unwrap_or_default()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HexDigest({})", self.write_hex(&mut [0; 64]))
    }
}
