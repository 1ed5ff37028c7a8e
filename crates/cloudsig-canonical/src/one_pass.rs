//! The canonical request of ACS3 and SDK-HMAC hashed in one call of the block function
//! (issue 17 item 1, session 24): written by [`Lines::write_to`] into a
//! [`Sha256BlockText`], the same text its `Display` renders, padded in place; the
//! streaming hasher takes what does not fit.

use core::fmt;

use cloudsig_core::{HexDigest, Sha256BlockText};

use crate::sigv4::{Lines, Sink};

impl Sink for Sha256BlockText {
    #[inline]
    fn put(&mut self, s: &str) -> fmt::Result {
        if self.push(s.as_bytes()) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }

    #[inline]
    fn put_hex(&mut self, d: &HexDigest) -> fmt::Result {
        if self.push(d.as_bytes()) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }

    #[inline]
    fn put_byte(&mut self, b: u8) -> fmt::Result {
        if self.push_byte(b) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

/// The lower-case hex SHA-256 of the canonical request `lines()` writes: in one call of
/// the block function when the text fits a [`Sha256BlockText`], streamed otherwise.
#[inline]
pub(crate) fn sha256<'r, H, F>(lines: F) -> HexDigest
where
    H: Iterator<Item = (&'r str, &'r str)>,
    F: Fn() -> Lines<'r, H>,
{
    let mut text = Sha256BlockText::new();
    if lines().write_to(&mut text).is_ok()
        && let Some(digest) = text.finalize()
    {
        return HexDigest::from_bytes(&digest);
    }
    lines().sha256()
}
