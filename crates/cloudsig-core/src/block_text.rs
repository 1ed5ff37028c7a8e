//! A short text written once into a stack buffer of whole SHA-256 blocks and hashed
//! there in one call of the block function (issue 17 item 1, session 24).

use sha2::block_api::compress256;

use crate::hash::HexDigest;
use crate::sha256::{BLOCK_LEN, copy_short, pad_into, words_bytes};

/// Blocks of a [`Sha256BlockText`]: 768 bytes, room for the canonical requests of the
/// SDKs' usual calls (the documented ACS3 example is 497 bytes, SDK-HMAC's 283) and
/// their padding.
pub(crate) const TEXT_BLOCKS: usize = 12;

/// A text of at most 759 bytes (a canonical request: 12 blocks less the padding) written into
/// a stack buffer of whole blocks, then padded in place and hashed with SHA-256 in one
/// call of the block function.
///
/// The streaming [`crate::Sha256Hasher`] compresses every four blocks it buffers and
/// pads the rest, so a canonical request of four to eight blocks takes two calls of the
/// block function; each call costs its set-up (`ratios`: 8 blocks as 4 dependent calls
/// take 1.21x one call). A text that does not fit is refused ([`Sha256BlockText::push`]
/// returns `false` and [`Sha256BlockText::finalize`] `None`), and the caller hashes it
/// with the streaming hasher instead. Public data only: the buffer is not wiped.
///
/// ```
/// use cloudsig_core::{Sha256BlockText, sha256_hex, HexDigest};
/// let mut t = Sha256BlockText::new();
/// assert!(t.push(b"POST\n/\n") && t.push_byte(b'\n'));
/// assert_eq!(t.as_bytes(), b"POST\n/\n\n");
/// let d = t.finalize().unwrap();
/// assert_eq!(HexDigest::from_bytes(&d), sha256_hex(b"POST\n/\n\n"));
/// let mut long = Sha256BlockText::new();
/// assert!(!long.push(&[b'a'; 800]));
/// assert_eq!(long.finalize(), None);
/// ```
#[derive(Clone)]
pub struct Sha256BlockText {
    blocks: [[u8; BLOCK_LEN]; TEXT_BLOCKS],
    /// Bytes written, at most the buffer's length.
    len: usize,
    /// Whether something did not fit.
    refused: bool,
}

impl Default for Sha256BlockText {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256BlockText {
    /// An empty text.
    pub const fn new() -> Self {
        Self {
            blocks: [[0; BLOCK_LEN]; TEXT_BLOCKS],
            len: 0,
            refused: false,
        }
    }

    /// Appends `bytes`; `false` (and the text refused from then on) when they do not fit.
    #[inline]
    pub fn push(&mut self, bytes: &[u8]) -> bool {
        let end = self.len.saturating_add(bytes.len());
        match self.blocks.as_flattened_mut().get_mut(self.len..end) {
            Some(dst) => {
                copy_short(dst, bytes);
                self.len = end;
                true
            }
            None => {
                self.refused = true;
                false
            }
        }
    }

    /// Appends one byte; `false` (and the text refused) when it does not fit.
    #[inline]
    pub fn push_byte(&mut self, byte: u8) -> bool {
        match self.blocks.as_flattened_mut().get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
                true
            }
            None => {
                self.refused = true;
                false
            }
        }
    }

    /// The text written so far (empty once refused).
    pub fn as_bytes(&self) -> &[u8] {
        self.blocks
            .as_flattened()
            .get(..self.len)
            .unwrap_or_default()
    }

    /// The SHA-256 of the text, padded in the buffer and compressed in one call; `None`
    /// when the text was refused or leaves no room for its padding.
    pub fn finalize(&mut self) -> Option<[u8; 32]> {
        if self.refused {
            return None;
        }
        let used = pad_into(&mut self.blocks, self.len, 0)?;
        let mut state = crate::sha256::IV;
        compress256(&mut state, self.blocks.get(..used)?);
        Some(words_bytes(&state))
    }
}

impl Sha256BlockText {
    /// Appends the lower-case hex SHA-256 of `data` (a payload, hashed in one pass) and
    /// returns it, its hex written straight into the text with no other copy (issue 17
    /// item 1, session 26: the ACS3 and SDK-HMAC hot paths). `None`, with the text
    /// refused, when the 64 characters do not fit.
    ///
    /// ```
    /// use cloudsig_core::{Sha256BlockText, sha256_hex};
    /// let mut t = Sha256BlockText::new();
    /// assert!(t.push(b"x\n"));
    /// assert_eq!(t.push_sha256_hex(b"{}"), Some(sha256_hex(b"{}")));
    /// assert_eq!(&t.as_bytes()[2..], sha256_hex(b"{}").as_bytes());
    /// // One block (up to 55 bytes) or more, the same hash.
    /// for n in [0, 55, 56, 64, 300] {
    ///     let body = vec![b'a'; n];
    ///     assert_eq!(Sha256BlockText::new().push_sha256_hex(&body), Some(sha256_hex(&body)));
    /// }
    /// ```
    #[inline]
    pub fn push_sha256_hex(&mut self, data: &[u8]) -> Option<HexDigest> {
        let digest = self.push_sha256(data)?;
        let start = self.len.checked_sub(64)?;
        let hex = self
            .blocks
            .as_flattened()
            .get(start..self.len)?
            .first_chunk::<64>()?;
        debug_assert_eq!(
            HexDigest::from_bytes(&digest),
            HexDigest::from_hex_unchecked(hex)
        );
        Some(HexDigest::from_hex_unchecked(hex))
    }

    /// [`Sha256BlockText::push_sha256_hex`] returning the digest's 32 bytes (its hex is
    /// written into the text all the same): the caller writes hex only when asked for
    /// it (issue 17 item 1, session 27).
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, Sha256BlockText, sha256_hex};
    /// let mut t = Sha256BlockText::new();
    /// let digest = t.push_sha256(b"{}").unwrap();
    /// assert_eq!(HexDigest::from_bytes(&digest), sha256_hex(b"{}"));
    /// assert_eq!(t.as_bytes(), sha256_hex(b"{}").as_bytes());
    /// ```
    #[inline]
    pub fn push_sha256(&mut self, data: &[u8]) -> Option<[u8; 32]> {
        let end = self.len.checked_add(64)?;
        let Some(slot) = self
            .blocks
            .as_flattened_mut()
            .get_mut(self.len..end)
            .and_then(|s| s.first_chunk_mut::<64>())
        else {
            self.refused = true;
            return None;
        };
        // A payload of at most 55 bytes (an empty body, a short JSON) is one block,
        // padded on the stack: `digest` would zero and pad its four-block buffer
        // (callgrind: 319 instructions for an empty body that way, outside the
        // compression, against about 60).
        let digest = if data.len() <= BLOCK_LEN - 9 {
            let mut block = [[0u8; BLOCK_LEN]; 1];
            let [first] = &mut block;
            copy_short(first.get_mut(..data.len())?, data);
            pad_into(&mut block, data.len(), 0)?;
            crate::sha256::digest_blocks(&block)
        } else {
            crate::sha256::digest(data)
        };
        crate::hash::write_hex(slot, &digest);
        self.len = end;
        Some(digest)
    }
}

impl core::fmt::Debug for Sha256BlockText {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "Sha256BlockText({} bytes, refused: {})",
            self.len, self.refused
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn every_length_that_fits_hashes_as_sha2_and_longer_ones_are_refused() {
        let data: [u8; 800] = core::array::from_fn(|i| (i * 31 + 7) as u8);
        let room = TEXT_BLOCKS * BLOCK_LEN - 9;
        for n in 0..=800 {
            for split in [1, 5, 64, 100] {
                let mut t = Sha256BlockText::new();
                let mut fits = true;
                for piece in data[..n].chunks(split) {
                    fits &= if piece.len() == 1 {
                        t.push_byte(piece[0])
                    } else {
                        t.push(piece)
                    };
                }
                let expected: [u8; 32] = sha2::Sha256::digest(&data[..n]).into();
                match t.finalize() {
                    Some(d) => {
                        assert!(n <= room, "{n}");
                        assert_eq!(d, expected, "{n} {split}");
                    }
                    None => assert!(n > room || !fits, "{n}"),
                }
                assert_eq!(fits, n <= TEXT_BLOCKS * BLOCK_LEN, "{n} {split}");
            }
        }
    }
}
