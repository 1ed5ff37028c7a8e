//! Incremental SHA-256 that can be fed by `write!`, and lowercase hex digests on the stack.

use core::fmt;

use crate::sha256::Sha256;

/// A SHA-256 digest written as 64 lowercase hex characters, held on the stack.
///
/// ```
/// let d = cloudsig_core::sha256_hex(b"");
/// assert_eq!(d.as_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HexDigest([u8; 64]);

impl HexDigest {
    /// Lowercase hex of a 32-byte digest.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        let mut out = [b'0'; 64];
        // base16ct only fails when the output is too short; 64 = 2 x 32.
        let _ = base16ct::lower::encode(bytes, &mut out);
        Self(out)
    }

    /// The 64 hex characters.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 64 hex characters as bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Display for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HexDigest({})", self.as_str())
    }
}

impl AsRef<str> for HexDigest {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// An incremental SHA-256 that accepts bytes and `write!` text.
///
/// Lets a canonical request, or a payload read in chunks, be hashed as it is produced,
/// without first being collected into one buffer. It hashes public data and is not
/// wiped on drop.
///
/// ```
/// use core::fmt::Write;
/// let mut h = cloudsig_core::Sha256Hasher::new();
/// write!(h, "{}{}", "ab", 'c').unwrap();
/// assert_eq!(h.finalize_hex(), cloudsig_core::sha256_hex(b"abc"));
/// ```
#[derive(Clone, Default)]
pub struct Sha256Hasher(Sha256);

impl Sha256Hasher {
    /// An empty hasher.
    pub fn new() -> Self {
        Self(Sha256::new())
    }

    /// Feeds bytes.
    #[inline]
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest as 32 bytes.
    pub fn finalize(mut self) -> [u8; 32] {
        self.0.finalize()
    }

    /// The digest as 64 lowercase hex characters.
    pub fn finalize_hex(self) -> HexDigest {
        HexDigest::from_bytes(&self.finalize())
    }
}

impl fmt::Write for Sha256Hasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Sha256Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sha256Hasher")
    }
}

/// SHA-256 of `data` as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> HexDigest {
    HexDigest::from_bytes(&crate::sha256::digest(data))
}
