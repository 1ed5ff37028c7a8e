//! A short text written once into a stack buffer of whole SHA-256 blocks and hashed
//! there in one call of the block function (issue 17 item 1, session 24).

use crate::hash::HexDigest;
use crate::sha256::{BLOCK_LEN, Sha256Midstate, copy_short, pad_into};

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
/// A text whose leading bytes are the same for many hashes (a request template's) has
/// them written once and [`Sha256BlockText::compress_leading_blocks`] called: their
/// whole blocks are compressed then, and each clone of the text, appended to and
/// finalized, compresses only the blocks after them (session 29).
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
    /// The state after the leading blocks compressed by
    /// [`Sha256BlockText::compress_leading_blocks`] (none until it is called).
    mid: Sha256Midstate,
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
            mid: Sha256Midstate::new(),
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

    /// The SHA-256 of the text, padded in the buffer and compressed in one call (from
    /// the state after its leading blocks, if [`Sha256BlockText::compress_leading_blocks`]
    /// compressed them); `None` when the text was refused or leaves no room for its
    /// padding.
    #[inline]
    pub fn finalize(&mut self) -> Option<[u8; 32]> {
        if self.refused {
            return None;
        }
        let used = pad_into(&mut self.blocks, self.len, 0)?;
        // The leading blocks are at most the text's whole blocks when they were
        // compressed, and the text only grows: `used` is past them.
        let from = usize::try_from(self.mid.blocks()).ok()?;
        Some(self.mid.finalize_padded(self.blocks.get(from..used)?))
    }

    /// Compresses the whole 64-byte blocks of the text written so far that are not yet
    /// compressed, once: [`Sha256BlockText::finalize`], on this text and on its clones
    /// however much is appended to them, then continues from the state after them
    /// instead of compressing them again. The text is unchanged ([`as_bytes`] still
    /// gives all of it). Returns how many leading blocks are compressed in all (0 for a
    /// refused text, which is left as it is).
    ///
    /// This is what a request template does once with the fixed start of its canonical
    /// request (issue 17 item 1, session 29): a 171-byte fixed start, say, is two blocks
    /// that no signature compresses again.
    ///
    /// [`as_bytes`]: Sha256BlockText::as_bytes
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, Sha256BlockText, sha256_hex};
    /// let mut fixed = Sha256BlockText::new();
    /// assert!(fixed.push(&[b'x'; 150]));
    /// assert_eq!(fixed.compress_leading_blocks(), 2);
    /// let mut text = fixed.clone();
    /// assert!(text.push(b"per call"));
    /// let message = [&[b'x'; 150][..], b"per call"].concat();
    /// assert_eq!(text.as_bytes(), message);
    /// assert_eq!(HexDigest::from_bytes(&text.finalize().unwrap()), sha256_hex(&message));
    /// ```
    pub fn compress_leading_blocks(&mut self) -> usize {
        let from = usize::try_from(self.mid.blocks()).unwrap_or(TEXT_BLOCKS);
        if !self.refused {
            let whole = self.len / BLOCK_LEN;
            if let Some(blocks) = self.blocks.get(from..whole) {
                self.mid.compress(blocks);
            }
        }
        usize::try_from(self.mid.blocks()).unwrap_or(TEXT_BLOCKS)
    }

    /// How many leading blocks [`Sha256BlockText::compress_leading_blocks`] has
    /// compressed (0 if it was not called): the blocks a finalize does not compress.
    pub fn leading_blocks(&self) -> usize {
        usize::try_from(self.mid.blocks()).unwrap_or(TEXT_BLOCKS)
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
            "Sha256BlockText({} bytes, refused: {}, leading blocks: {})",
            self.len,
            self.refused,
            self.mid.blocks()
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

    #[test]
    fn texts_with_leading_blocks_compressed_hash_as_sha2() {
        // A fixed start of every length up to the buffer's (a template's), its whole
        // blocks compressed once, in one or two steps; clones of it completed with
        // rests of every length that fits, the payload's hex among them: `sha2`'s
        // one-shot digest of the whole text, and the whole text still readable.
        let data: [u8; 1200] = core::array::from_fn(|i| (i * 31 + 7) as u8);
        let room = TEXT_BLOCKS * BLOCK_LEN - 9;
        for fixed in 0..=room {
            let mut head = Sha256BlockText::new();
            assert!(head.push(&data[..fixed / 3]));
            if fixed % 2 == 0 {
                head.compress_leading_blocks();
            }
            assert!(head.push(&data[fixed / 3..fixed]));
            assert_eq!(head.compress_leading_blocks(), fixed / BLOCK_LEN, "{fixed}");
            assert_eq!(head.leading_blocks(), fixed / BLOCK_LEN);
            for rest in [0, 1, 8, 55, 56, 63, 64, 65, 100, 130, 400] {
                let n = fixed + rest;
                let mut t = head.clone();
                let fits = t.push(&data[fixed..n]);
                let expected: [u8; 32] = sha2::Sha256::digest(&data[..n]).into();
                match t.finalize() {
                    Some(d) => {
                        assert!(fits && n <= room, "{fixed} {rest}");
                        assert_eq!(d, expected, "{fixed} {rest}");
                        assert_eq!(t.as_bytes(), &data[..n]);
                    }
                    None => assert!(n > room, "{fixed} {rest}"),
                }
            }
            // The payload's hex after the fixed start, as a template writes it.
            let mut t = head.clone();
            if let Some(payload) = t.push_sha256(b"{}") {
                let mut buf = [0u8; 900];
                buf[..fixed].copy_from_slice(&data[..fixed]);
                buf[fixed..fixed + 64].copy_from_slice(HexDigest::from_bytes(&payload).as_bytes());
                let whole = &buf[..fixed + 64];
                let expected: [u8; 32] = sha2::Sha256::digest(whole).into();
                assert_eq!(t.as_bytes(), whole);
                assert_eq!(t.finalize(), (whole.len() <= room).then_some(expected));
            }
        }
        // A refused text compresses nothing and still refuses.
        let mut refused = Sha256BlockText::new();
        assert!(!refused.push(&data));
        assert_eq!(refused.compress_leading_blocks(), 0);
        assert_eq!(refused.finalize(), None);
    }
}
