//! Secret keys that are wiped on drop and never printed, and constant-time comparison.

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, ErrorKind};

/// The longest secret key accepted, in bytes.
///
/// Tencent Cloud SecretKeys are 32 characters, Alibaba Cloud AccessKey secrets 30 and
/// Huawei Cloud SKs 40; 128 leaves room for any of them while keeping the key inline
/// (no heap), so that it can be wiped reliably.
pub const MAX_SECRET_KEY_LEN: usize = 128;

/// A secret key held inline, zeroized when dropped, and redacted in `Debug`.
///
/// There is deliberately no `Display`; `Debug` prints `SecretKey(<redacted>)`.
///
/// ```
/// use cloudsig_core::SecretKey;
/// let key = SecretKey::new(b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
/// assert_eq!(format!("{key:?}"), "SecretKey(<redacted>)");
/// assert_eq!(key.expose_secret().len(), 32);
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey {
    bytes: [u8; MAX_SECRET_KEY_LEN],
    len: usize,
}

impl SecretKey {
    /// Copies `key` into a new secret. Fails if it is empty or longer than
    /// [`MAX_SECRET_KEY_LEN`]; any bytes are otherwise accepted (validation of a
    /// particular cloud's key format belongs to the caller).
    pub fn new(key: &[u8]) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::new(ErrorKind::Empty, "secret key"));
        }
        let mut bytes = [0u8; MAX_SECRET_KEY_LEN];
        let dst = bytes
            .get_mut(..key.len())
            .ok_or(Error::new(ErrorKind::TooLong, "secret key"))?;
        dst.copy_from_slice(key);
        Ok(Self {
            bytes,
            len: key.len(),
        })
    }

    /// The key bytes. The name makes every use of the raw key easy to find.
    pub fn expose_secret(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// Compares two byte strings in time that depends only on their lengths.
///
/// Use it to compare a received signature with a computed one, so that the time taken
/// does not tell an attacker how many leading characters were right.
///
/// ```
/// assert!(cloudsig_core::constant_time_eq(b"abc", b"abc"));
/// assert!(!cloudsig_core::constant_time_eq(b"abc", b"abd"));
/// assert!(!cloudsig_core::constant_time_eq(b"abc", b"ab"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    // subtle compares slices a byte at a time with an optimisation barrier on each byte
    // (64 barriers for a hex signature, a few percent of verifying a request); here the
    // differences are folded eight bytes at a time into one word, with no branch on the
    // data, and subtle compares that word to zero once.
    if a.len() != b.len() {
        return false;
    }
    let ((wa, ra), (wb, rb)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    let mut diff = 0u64;
    for (x, y) in wa.iter().zip(wb) {
        diff |= u64::from_le_bytes(*x) ^ u64::from_le_bytes(*y);
    }
    for (x, y) in ra.iter().zip(rb) {
        diff |= u64::from(x ^ y);
    }
    diff.ct_eq(&0).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_is_equality() {
        let base: [u8; 70] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        for len in 0..base.len() {
            let a = &base[..len];
            assert!(constant_time_eq(a, a));
            for i in 0..len {
                for bit in [0x01u8, 0x80] {
                    let mut b = [0u8; 70];
                    b[..len].copy_from_slice(a);
                    b[i] ^= bit;
                    assert!(!constant_time_eq(a, &b[..len]), "{len} {i} {bit}");
                }
            }
            if len > 0 {
                assert!(!constant_time_eq(a, &base[..len - 1]));
            }
        }
    }

    #[test]
    fn rejects_empty_and_too_long() {
        assert_eq!(SecretKey::new(b"").unwrap_err().kind(), ErrorKind::Empty);
        let long = [b'a'; MAX_SECRET_KEY_LEN + 1];
        assert_eq!(
            SecretKey::new(&long).unwrap_err().kind(),
            ErrorKind::TooLong
        );
        let max = [b'a'; MAX_SECRET_KEY_LEN];
        assert_eq!(
            SecretKey::new(&max).map(|k| k.expose_secret().len()),
            Ok(MAX_SECRET_KEY_LEN)
        );
    }

    #[test]
    fn zeroize_wipes_the_bytes() {
        let mut key = SecretKey::new(b"topsecret").unwrap();
        key.zeroize();
        assert!(key.bytes.iter().all(|b| *b == 0));
        assert!(key.expose_secret().is_empty());
    }
}
