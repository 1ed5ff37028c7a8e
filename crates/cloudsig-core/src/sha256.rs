//! SHA-256 and HMAC-SHA256 driven directly on the `sha2` crate's block function.
//!
//! A signature is a chain of about twenty short hashes (see `benches/README.md`), so the
//! time outside the compression function matters as much as the compression itself. The
//! `Digest`/`Mac` wrappers of `sha2` and `hmac` buffer, clone and wipe generic state at
//! every step; this module keeps only what signing needs:
//!
//! - [`Sha256`]: a streaming hash (state, one block of buffer, a block count) whose
//!   padding is written into its own buffer, with whole blocks of the input compressed
//!   in place.
//! - [`HmacKey`]: the two keyed states of HMAC (after the ipad and opad blocks), which is
//!   all a cached key needs to hold (64 bytes), and whose outer hash is exactly one
//!   block built on the stack.
//!
//! Key material is wiped with `zeroize`: the keyed states on drop, the key blocks and the
//! intermediate states when a computation ends. The tests hold every function equal to
//! `sha2::Sha256` and `hmac::Hmac<Sha256>` over many lengths.

use core::slice;

use sha2::block_api::compress256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The bytes of a block.
pub(crate) const BLOCK_LEN: usize = 64;

/// The SHA-256 initial hash value (FIPS 180-4, 5.3.3).
pub(crate) const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;

/// Whole blocks the streaming hash buffers before it compresses them, in one call.
///
/// A canonical request (about three blocks) or a short body is then compressed by one
/// call of `sha2`'s block function instead of one call per block: each call pays the
/// backend's run-time dispatch and set-up (issue 17 measured 8 single-block calls at
/// 1.06–1.12x one call of 8 blocks).
pub(crate) const BUF_BLOCKS: usize = 4;

/// The bytes the streaming hash buffers.
const BUF_LEN: usize = BUF_BLOCKS * BLOCK_LEN;

/// A streaming SHA-256.
///
/// Not wiped on drop: it hashes public data (bodies, canonical requests). Where it
/// continues from a keyed state, the caller wipes it with [`Sha256::wipe`].
#[derive(Clone)]
pub(crate) struct Sha256 {
    state: [u32; 8],
    buf: [[u8; BLOCK_LEN]; BUF_BLOCKS],
    /// Bytes held in `buf`, always less than [`BUF_LEN`].
    pos: usize,
    /// Whole blocks compressed so far.
    blocks: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    /// An empty hash.
    pub(crate) const fn new() -> Self {
        Self::resume(IV, 0)
    }

    /// Continues from `state`, reached after `blocks` whole blocks.
    pub(crate) const fn resume(state: [u32; 8], blocks: u64) -> Self {
        Self {
            state,
            buf: [[0; BLOCK_LEN]; BUF_BLOCKS],
            pos: 0,
            blocks,
        }
    }

    /// Feeds bytes.
    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        let mut data = data;
        let free = BUF_LEN - self.pos;
        if data.len() < free {
            let end = self.pos + data.len();
            debug_assert!(end < BUF_LEN, "buffered bytes exceed the buffer");
            if let Some(dst) = self.buf.as_flattened_mut().get_mut(self.pos..end) {
                copy_short(dst, data);
            }
            self.pos = end;
            return;
        }
        if self.pos != 0 {
            let (head, rest) = data.split_at(free);
            debug_assert!(self.pos < BUF_LEN, "buffered bytes exceed the buffer");
            if let Some(dst) = self.buf.as_flattened_mut().get_mut(self.pos..) {
                dst.copy_from_slice(head);
            }
            compress256(&mut self.state, &self.buf);
            self.blocks = self.blocks.wrapping_add(BUF_BLOCKS as u64);
            self.pos = 0;
            data = rest;
        }
        // Whole blocks straight from the input, in one call.
        let (blocks, tail) = data.as_chunks::<BLOCK_LEN>();
        if !blocks.is_empty() {
            compress256(&mut self.state, blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        debug_assert!(tail.len() < BLOCK_LEN, "as_chunks left a whole block");
        if let Some(dst) = self.buf.as_flattened_mut().get_mut(..tail.len()) {
            dst.copy_from_slice(tail);
        }
        self.pos = tail.len();
    }

    /// Feeds one byte: the separators of a canonical request, cheaper than a slice.
    #[inline]
    pub(crate) fn update_byte(&mut self, byte: u8) {
        debug_assert!(self.pos < BUF_LEN, "buffered bytes exceed the buffer");
        if let Some(slot) = self.buf.as_flattened_mut().get_mut(self.pos) {
            *slot = byte;
        }
        self.pos += 1;
        if self.pos == BUF_LEN {
            compress256(&mut self.state, &self.buf);
            self.blocks = self.blocks.wrapping_add(BUF_BLOCKS as u64);
            self.pos = 0;
        }
    }

    /// Pads, compresses the buffered blocks (in one call when the padding fits the
    /// buffer) and returns the digest. The hash must not be fed again afterwards (its
    /// state then holds the digest).
    #[inline]
    pub(crate) fn finalize(&mut self) -> [u8; 32] {
        let bits = self
            .blocks
            .wrapping_mul(BLOCK_LEN as u64)
            .wrapping_add(self.pos as u64)
            .wrapping_mul(8);
        debug_assert!(self.pos < BUF_LEN, "buffered bytes exceed the buffer");
        // The message, 0x80, zeros up to 8 bytes before a block's end, the bit length.
        let used = (self.pos + 9).div_ceil(BLOCK_LEN);
        // Only the blocks that will be compressed are padded.
        let padded = self.buf.get_mut(..used.min(BUF_BLOCKS)).unwrap_or_default();
        let (_, free) = padded
            .as_flattened_mut()
            .split_at_mut(self.pos.min(used.min(BUF_BLOCKS) * BLOCK_LEN));
        if let Some((first, rest)) = free.split_first_mut() {
            *first = 0x80;
            rest.fill(0);
        }
        if used > BUF_BLOCKS {
            // The length spills past the buffer: one more block of zeros and length.
            compress256(&mut self.state, &self.buf);
            let mut last = [0u8; BLOCK_LEN];
            if let Some(len) = last.last_chunk_mut::<8>() {
                *len = bits.to_be_bytes();
            }
            compress256(&mut self.state, slice::from_ref(&last));
        } else {
            if let Some(len) = self
                .buf
                .get_mut(used - 1)
                .and_then(|b| b.last_chunk_mut::<8>())
            {
                *len = bits.to_be_bytes();
            }
            compress256(&mut self.state, self.buf.get(..used).unwrap_or_default());
        }
        state_bytes(&self.state)
    }

    /// Wipes the state and the buffered bytes.
    ///
    /// The whole buffer, always: wiping only the part that held message bytes measured
    /// more instructions (callgrind, v1 HmacSHA256 24,587 -> 24,784), the slice's
    /// zeroize being slower than the array's.
    pub(crate) fn wipe(&mut self) {
        self.state.zeroize();
        self.buf.zeroize();
        self.pos = 0;
    }

    /// Wipes the state only, for a hash continued from a keyed state over public data.
    fn wipe_state(&mut self) {
        self.state.zeroize();
    }
}

/// `dst.copy_from_slice(src)` for the short pieces a canonical request and a string to
/// sign are made of, inline: at most two overlapping word moves (or a short loop)
/// instead of a call to `memcpy` per piece. `dst` and `src` have the same length.
#[inline(always)]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    fn ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
            *d = *s;
        }
    }
    match src.len() {
        0..4 => {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = *s;
            }
        }
        4..8 => ends::<4>(dst, src),
        8..=16 => ends::<8>(dst, src),
        17..=32 => ends::<16>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// The digest bytes of a state.
#[inline]
fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let (words, _) = out.as_chunks_mut::<4>();
    for (dst, w) in words.iter_mut().zip(state) {
        *dst = w.to_be_bytes();
    }
    out
}

/// SHA-256 of `data`, in one pass: see [`compress_message`].
///
/// Written by hand rather than through [`Sha256`] (issue 17): a one-shot hash (a payload,
/// an `UNSIGNED-PAYLOAD` literal) needs neither the streaming hash's per-piece
/// bookkeeping nor its 256-byte buffer kept across calls.
pub(crate) fn digest(data: &[u8]) -> [u8; 32] {
    let mut state = IV;
    compress_message(&mut state, data, 0);
    state_bytes(&state)
}

/// SHA-256 of a message given already padded as `blocks` (the message, `0x80`, zeros
/// and its bit length, as [`pad_into`] writes them): one call of the block function.
pub(crate) fn digest_blocks(blocks: &[[u8; BLOCK_LEN]]) -> [u8; 32] {
    let mut state = IV;
    compress256(&mut state, blocks);
    state_bytes(&state)
}

/// The SHA-256 chaining state after the leading whole 64-byte blocks of a message, and
/// how many blocks that is: a hash resumable from there, for messages that share those
/// blocks (issue 17 item 1, session 29).
///
/// A request template's canonical request starts with the same bytes at every call
/// (method, path, query, the fixed headers); every whole block of them is compressed
/// once, when the template is made, and each call compresses only the blocks from the
/// first per-call byte on. This is the state a [`crate::Sha256BlockText`] or a
/// [`crate::tc3::CanonicalBlocks`] keeps after
/// [`crate::Sha256BlockText::compress_leading_blocks`]; it holds public data only (it is
/// not wiped) and is 40 bytes, copied freely.
///
/// ```
/// use cloudsig_core::{HexDigest, Sha256Midstate, sha256_hex};
/// let message = [b'a'; 150];
/// // The two whole blocks of the first 140 bytes, once.
/// let mid = Sha256Midstate::of_leading_blocks(&message[..140]);
/// assert_eq!(mid.blocks(), 2);
/// // Then any message that starts with those 128 bytes, from there.
/// let digest = mid.finalize(&message[128..]);
/// assert_eq!(HexDigest::from_bytes(&digest), sha256_hex(&message));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sha256Midstate {
    state: [u32; 8],
    blocks: u64,
}

impl Default for Sha256Midstate {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256Midstate {
    /// The state before any block: SHA-256's initial hash value, 0 blocks.
    pub const fn new() -> Self {
        Self {
            state: IV,
            blocks: 0,
        }
    }

    /// The state after the whole 64-byte blocks of `message` (its first
    /// `message.len() / 64 * 64` bytes; the tail is not read), in one call of the block
    /// function.
    pub fn of_leading_blocks(message: &[u8]) -> Self {
        let mut mid = Self::new();
        let (blocks, _) = message.as_chunks::<BLOCK_LEN>();
        mid.compress(blocks);
        mid
    }

    /// Compresses `blocks`, the message's next whole blocks, in one call of the block
    /// function.
    #[inline]
    pub fn compress(&mut self, blocks: &[[u8; BLOCK_LEN]]) {
        if !blocks.is_empty() {
            compress256(&mut self.state, blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
    }

    /// How many whole blocks the state has compressed.
    pub const fn blocks(&self) -> u64 {
        self.blocks
    }

    /// SHA-256 of the message whose first [`Sha256Midstate::blocks`] blocks this state
    /// compressed, followed by `rest`: `rest` and the padding (of the whole message's
    /// length) compressed from the state, in one call of the block function for a
    /// `rest` of up to 247 bytes.
    pub fn finalize(&self, rest: &[u8]) -> [u8; 32] {
        let mut state = self.state;
        compress_message(&mut state, rest, self.blocks);
        state_bytes(&state)
    }

    /// SHA-256 of the message whose first blocks this state compressed, followed by the
    /// blocks `padded` (the rest of the message, `0x80`, zeros and the whole message's
    /// bit length, as [`pad_into`] writes them for the whole message): one call of the
    /// block function.
    #[inline]
    pub(crate) fn finalize_padded(&self, padded: &[[u8; BLOCK_LEN]]) -> [u8; 32] {
        let mut state = self.state;
        compress256(&mut state, padded);
        state_bytes(&state)
    }

    /// The chaining state (the digest's words once the message and its padding are in).
    #[inline]
    pub(crate) const fn state(&self) -> [u32; 8] {
        self.state
    }
}

/// The longest message [`compress_message`] pads in its stack buffer and compresses in
/// one call of the block function: four blocks less the `0x80` byte and the length.
const ONE_CALL_MAX: usize = BUF_LEN - 9;

/// Compresses the whole of `message`, with its padding, into `state`, which has already
/// compressed `offset` whole blocks (1 after an HMAC's ipad block).
///
/// A message of up to [`ONE_CALL_MAX`] bytes (a payload of a few hundred bytes, a string
/// to sign) is copied into a four-block stack buffer with its padding and compressed in
/// one call of `sha2`'s block function; a longer one has its whole blocks compressed
/// straight from `message` and its tail padded in a two-block buffer (two calls).
///
/// One call instead of two (issue 17, session 23): each call of the block function pays
/// its run-time dispatch and state set-up (`ratios`: 8 blocks as 4 dependent calls take
/// 1.21x one call of 8, about 19 ns a call with SHA-NI), which the copy of at most 247
/// bytes costs less than. Measured on the seed's TC3 signature (its 75-byte payload), see
/// `benches/README.md`.
#[inline]
fn compress_message(state: &mut [u32; 8], message: &[u8], offset: u64) {
    let bits = offset
        .wrapping_mul(BLOCK_LEN as u64)
        .wrapping_add(message.len() as u64)
        .wrapping_mul(8);
    if message.len() <= ONE_CALL_MAX {
        match (message.len() + 9).div_ceil(BLOCK_LEN) {
            1 => padded_call::<1>(state, message, bits),
            2 => padded_call::<2>(state, message, bits),
            3 => padded_call::<3>(state, message, bits),
            _ => padded_call::<4>(state, message, bits),
        }
        return;
    }
    let (blocks, tail) = message.as_chunks::<BLOCK_LEN>();
    if !blocks.is_empty() {
        compress256(state, blocks);
    }
    let mut last = [[0u8; BLOCK_LEN]; 2];
    let used = (tail.len() + 9).div_ceil(BLOCK_LEN);
    let (head, rest) = last.as_flattened_mut().split_at_mut(tail.len());
    head.copy_from_slice(tail);
    if let Some(first) = rest.first_mut() {
        *first = 0x80;
    }
    let padded = last.get_mut(..used).unwrap_or_default();
    if let Some(len) = padded.last_mut().and_then(|b| b.last_chunk_mut::<8>()) {
        *len = bits.to_be_bytes();
    }
    compress256(state, padded);
}

/// `message` (at most `N * 64 - 9` bytes), padded in an `N`-block stack buffer, in one
/// call of the block function.
///
/// The buffer is written in 16-byte stores, one per 16 bytes the block function loads,
/// so that every load is served from one store: a `memcpy` of the message writes
/// overlapping stores that the loads straddle, and the processor then waits for them
/// to reach the cache (measured: a 75-byte payload hashed with `copy_from_slice` into
/// the buffer took 108 ns against 96 ns in two calls).
#[inline(always)]
fn padded_call<const N: usize>(state: &mut [u32; 8], message: &[u8], bits: u64) {
    let mut buf = [[0u8; BLOCK_LEN]; N];
    {
        let (chunks, _) = buf.as_flattened_mut().as_chunks_mut::<16>();
        let (whole, tail) = message.as_chunks::<16>();
        for (d, s) in chunks.iter_mut().zip(whole) {
            *d = *s;
        }
        // The tail (0 to 15 bytes), 0x80 and zeros as one 16-byte value, read from the
        // last 16 bytes of the message where there are 16.
        let k = tail.len();
        let mut v = match message.last_chunk::<16>() {
            Some(last) if k > 0 => u128::from_be_bytes(*last) << (8 * (16 - k)),
            Some(_) => 0,
            None => {
                let mut small = [0u8; 16];
                if let Some(dst) = small.get_mut(..k) {
                    dst.copy_from_slice(tail);
                }
                u128::from_be_bytes(small)
            }
        };
        v |= 0x80 << (8 * (15 - k));
        let last = chunks.len() - 1;
        if whole.len() == last {
            v |= u128::from(bits);
        } else if let Some(len) = chunks.get_mut(last) {
            *len = u128::from(bits).to_be_bytes();
        }
        if let Some(c) = chunks.get_mut(whole.len()) {
            *c = v.to_be_bytes();
        }
    }
    compress256(state, &buf);
}

/// A block of key material, wiped by one volatile write of the whole block (`zeroize`'s
/// [`zeroize::DefaultIsZeroes`]: a few wide stores), where `[u8; 64]::zeroize` writes it
/// byte by byte, 64 volatile byte stores (issue 17 item 1, session 28: the key made per
/// call of ACS3 and SDK-HMAC).
#[derive(Clone, Copy)]
struct KeyBlock([u8; BLOCK_LEN]);

impl Default for KeyBlock {
    fn default() -> Self {
        Self([0; BLOCK_LEN])
    }
}

impl zeroize::DefaultIsZeroes for KeyBlock {}

/// The keyed states of HMAC-SHA256: the compression of `key ^ ipad` and of `key ^ opad`.
///
/// This is everything a cached key needs; it is wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Keys HMAC with `key`.
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = KeyBlock::default();
        let k = Self::new_in(&mut block.0, b"", key);
        block.zeroize();
        k
    }

    /// Keys HMAC with `prefix` followed by `key` (one key, not two), using `block` as
    /// scratch space. The caller wipes `block` when it is done with it, so that a chain
    /// of keys reuses one buffer and wipes it once.
    pub(crate) fn new_in(block: &mut [u8; BLOCK_LEN], prefix: &[u8], key: &[u8]) -> Self {
        Self::new_in_stepping(block, prefix, key, &mut || {})
    }

    /// [`HmacKey::new_in`], calling `step` after each call of the block function (see
    /// [`HmacKey::mac_words_stepping`]).
    #[inline]
    pub(crate) fn new_in_stepping<F: FnMut()>(
        block: &mut [u8; BLOCK_LEN],
        prefix: &[u8],
        key: &[u8],
        step: &mut F,
    ) -> Self {
        *block = [IPAD; BLOCK_LEN];
        let len = prefix.len() + key.len();
        if len <= BLOCK_LEN {
            let (p, rest) = block.split_at_mut(prefix.len());
            xor_into(p, prefix);
            debug_assert!(
                key.len() <= rest.len(),
                "key longer than the rest of the block"
            );
            if let Some(k) = rest.get_mut(..key.len()) {
                xor_into(k, key);
            }
        } else {
            // Keys longer than a block are hashed first (RFC 2104).
            let mut h = Sha256::new();
            h.update(prefix);
            h.update(key);
            let d = h.finalize();
            h.wipe();
            let (k, _) = block.split_at_mut(32);
            xor_into(k, &d);
        }
        Self::from_ipad_block(block, step)
    }

    /// Keys HMAC with the concatenation of `parts` (one key).
    pub(crate) fn from_parts(parts: &[&[u8]]) -> Self {
        let mut block = [IPAD; BLOCK_LEN];
        let len: usize = parts.iter().map(|p| p.len()).sum();
        if len <= BLOCK_LEN {
            let mut rest: &mut [u8] = &mut block;
            for part in parts {
                let taken = core::mem::take(&mut rest);
                let (dst, tail) = taken.split_at_mut(part.len().min(taken.len()));
                xor_into(dst, part);
                rest = tail;
            }
        } else {
            // Keys longer than a block are hashed first (RFC 2104).
            let mut h = Sha256::new();
            for part in parts {
                h.update(part);
            }
            let mut d = h.finalize();
            h.wipe();
            xor_into(&mut block, &d);
            d.zeroize();
        }
        let k = Self::from_ipad_block(&mut block, &mut || {});
        block.zeroize();
        k
    }

    /// Keys HMAC with a 32-byte key given as the words of a SHA-256 state (the MAC that
    /// derived it), without first writing it out as bytes elsewhere.
    pub(crate) fn from_words_in(block: &mut [u8; BLOCK_LEN], key: &[u32; 8]) -> Self {
        Self::from_words_in_stepping(block, key, &mut || {})
    }

    /// [`HmacKey::from_words_in`], calling `step` after each call of the block function.
    #[inline]
    pub(crate) fn from_words_in_stepping<F: FnMut()>(
        block: &mut [u8; BLOCK_LEN],
        key: &[u32; 8],
        step: &mut F,
    ) -> Self {
        *block = [IPAD; BLOCK_LEN];
        let (words, _) = block.as_chunks_mut::<4>();
        for (dst, w) in words.iter_mut().zip(key) {
            *dst = (w ^ u32::from_ne_bytes([IPAD; 4])).to_be_bytes();
        }
        Self::from_ipad_block(block, step)
    }

    /// Both keyed states from the key XOR ipad (which is left XOR opad), calling `step`
    /// after each of the two calls of the block function.
    #[inline]
    fn from_ipad_block<F: FnMut()>(block: &mut [u8; BLOCK_LEN], step: &mut F) -> Self {
        let mut inner = IV;
        compress256(&mut inner, slice::from_ref(block));
        step();
        for b in block.iter_mut() {
            *b ^= IPAD ^ OPAD;
        }
        let mut outer = IV;
        compress256(&mut outer, slice::from_ref(block));
        step();
        Self { inner, outer }
    }

    /// The inner hash, ready to be fed the message.
    #[inline]
    pub(crate) fn start(&self) -> Sha256 {
        Sha256::resume(self.inner, 1)
    }

    /// Finishes a MAC begun with [`HmacKey::start`] and fed the message; the MAC as the
    /// words of the outer state. The caller wipes them if they are secret.
    #[inline]
    pub(crate) fn finish_words(&self, inner: &mut Sha256) -> [u32; 8] {
        let inner_digest = inner.finalize();
        inner.wipe_state();
        self.outer_words(&inner_digest)
    }

    /// The outer hash of an inner digest.
    #[inline]
    fn outer_words(&self, inner_digest: &[u8; 32]) -> [u32; 8] {
        // The outer hash is the opad state followed by the 32-byte inner digest: one
        // block of digest, 0x80, zeros and the length, (64 + 32) * 8 = 768 bits.
        let mut block = [0u8; BLOCK_LEN];
        let (digest, padding) = block.split_at_mut(32);
        digest.copy_from_slice(inner_digest);
        let (_, len) = padding.split_at_mut(BLOCK_LEN - 32 - 8);
        len.copy_from_slice(&768u64.to_be_bytes());
        if let Some(first) = padding.first_mut() {
            *first = 0x80;
        }
        let mut state = self.outer;
        compress256(&mut state, slice::from_ref(&block));
        state
    }

    /// The MAC of a message given already padded, as the blocks that follow the ipad
    /// block (the message, `0x80`, zeros and the bit length of ipad block and message):
    /// one call of the block function for the inner hash, one for the outer.
    ///
    /// This is how a cached TC3 key signs: its string to sign is a template with only
    /// the timestamp and the hash to fill in, its padding written once.
    #[inline]
    pub(crate) fn mac_padded(&self, blocks: &[[u8; BLOCK_LEN]]) -> [u8; 32] {
        let mut inner = self.inner;
        compress256(&mut inner, blocks);
        let mut outer = self.outer_words(&state_bytes(&inner));
        inner.zeroize();
        let out = state_bytes(&outer);
        outer.zeroize();
        out
    }

    /// HMAC-SHA256 of a public `message` (a string to sign) in one pass: the inner hash
    /// through [`compress_message`] (one call of the block function for a message of up
    /// to 247 bytes), then the outer block.
    ///
    /// Written out rather than through [`HmacKey::start`] (issue 17): the streaming
    /// hash, continuing from a keyed state, must wipe its buffer at the end. Here only
    /// the inner state words are secret and wiped; the stack buffer holds message bytes
    /// and padding, which are public by this function's contract.
    pub(crate) fn mac_public(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = self.inner;
        // After the ipad block.
        compress_message(&mut inner, message, 1);
        let mut outer = self.outer_words(&state_bytes(&inner));
        inner.zeroize();
        let out = state_bytes(&outer);
        outer.zeroize();
        out
    }

    /// Finishes a MAC begun with [`HmacKey::start`] and fed the message.
    #[inline]
    pub(crate) fn finish(&self, inner: &mut Sha256) -> [u8; 32] {
        let mut state = self.finish_words(inner);
        let out = state_bytes(&state);
        state.zeroize();
        out
    }

    /// HMAC-SHA256 of `message`, as the words of the outer state.
    ///
    /// A message of at most 55 bytes (a date, a service, `tc3_request`) is one block
    /// after the ipad state: it is built on the stack and compressed directly.
    pub(crate) fn mac_words(&self, message: &[u8]) -> [u32; 8] {
        self.mac_words_stepping(message, &mut || {})
    }

    /// [`HmacKey::mac_words`], calling `step` after each call of the block function.
    ///
    /// A TC3 key derived per call is a chain of 14 dependent single-block calls; `step`
    /// compresses one block of an independent chain (the request's payload and canonical
    /// request) between them, so that the processor overlaps the two (issue 17: 1.24-1.27x
    /// more SHA-NI throughput for two independent chains than for one).
    #[inline]
    pub(crate) fn mac_words_stepping<F: FnMut()>(&self, message: &[u8], step: &mut F) -> [u32; 8] {
        if message.len() > BLOCK_LEN - 9 {
            let mut inner = self.start();
            inner.update(message);
            return self.finish_words(&mut inner);
        }
        let mut block = [0u8; BLOCK_LEN];
        let (msg, rest) = block.split_at_mut(message.len());
        msg.copy_from_slice(message);
        if let Some(first) = rest.first_mut() {
            *first = 0x80;
        }
        let bits = ((BLOCK_LEN + message.len()) as u64) * 8;
        let (_, len) = block.split_at_mut(BLOCK_LEN - 8);
        len.copy_from_slice(&bits.to_be_bytes());
        let mut inner = self.inner;
        compress256(&mut inner, slice::from_ref(&block));
        step();
        let out = self.outer_words(&state_bytes(&inner));
        step();
        inner.zeroize();
        out
    }

    /// HMAC-SHA256 of `message`.
    #[cfg(test)]
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut inner = self.start();
        inner.update(message);
        self.finish(&mut inner)
    }
}

/// `dst[i] ^= src[i]` over the shorter of the two.
#[inline]
fn xor_into(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d ^= s;
    }
}

/// Writes SHA-256's padding of a message of `len` bytes that starts `offset` whole blocks
/// into the hash (1 after an HMAC's ipad block) into `blocks`: `0x80` after the message,
/// zeros, the bit length at the end of the last block used. Returns how many blocks the
/// padded message fills, or `None` when they do not fit in `blocks`.
pub(crate) fn pad_into(blocks: &mut [[u8; BLOCK_LEN]], len: usize, offset: u64) -> Option<usize> {
    let used = (len + 9).div_ceil(BLOCK_LEN);
    let bits = offset
        .wrapping_mul(BLOCK_LEN as u64)
        .wrapping_add(len as u64)
        .wrapping_mul(8);
    let padded = blocks.get_mut(..used)?;
    let (_, free) = padded.as_flattened_mut().split_at_mut(len);
    if let Some((first, rest)) = free.split_first_mut() {
        *first = 0x80;
        rest.fill(0);
    }
    *padded.last_mut()?.last_chunk_mut::<8>()? = bits.to_be_bytes();
    Some(used)
}

/// The bytes a MAC's words stand for.
pub(crate) fn words_bytes(words: &[u32; 8]) -> [u8; 32] {
    state_bytes(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use sha2::Digest;

    fn bytes(n: usize, seed: u8) -> [u8; 700] {
        let mut out = [0u8; 700];
        for (i, b) in out.iter_mut().enumerate().take(n) {
            *b = (i as u8).wrapping_mul(31).wrapping_add(seed);
        }
        out
    }

    #[test]
    fn sha256_matches_sha2_at_every_length_and_split() {
        // Past the four-block buffer too, with pieces that end on and across its end.
        for n in 0..700 {
            let data = bytes(n, 7);
            let data = &data[..n];
            let expected: [u8; 32] = sha2::Sha256::digest(data).into();
            assert_eq!(digest(data), expected, "length {n}");
            for split in [
                1, 3, 55, 56, 63, 64, 65, 128, 200, 247, 248, 255, 256, 257, 300,
            ] {
                let mut h = Sha256::new();
                for piece in data.chunks(split) {
                    h.update(piece);
                }
                h.update(b"");
                assert_eq!(h.finalize(), expected, "length {n} in pieces of {split}");
                // The same with every piece's last byte fed on its own.
                let mut h = Sha256::new();
                for piece in data.chunks(split) {
                    let (last, head) = piece.split_last().unwrap();
                    h.update(head);
                    h.update_byte(*last);
                }
                assert_eq!(
                    h.finalize(),
                    expected,
                    "length {n}, bytes, pieces of {split}"
                );
            }
        }
    }

    #[test]
    fn midstate_resumes_as_sha2_hashes_the_whole_message() {
        // Every length past the one-call buffer, every count of leading blocks, taken
        // from a cut anywhere in the last of them or after it, and built in one call
        // or two: `sha2`'s one-shot digest of the whole message.
        for n in 0..700 {
            let data = bytes(n, 7);
            let data = &data[..n];
            let expected: [u8; 32] = sha2::Sha256::digest(data).into();
            for k in 0..=n / BLOCK_LEN {
                let at = k * BLOCK_LEN;
                for cut in [at, at + 1, at + 63, n] {
                    if cut < at || cut >= at + BLOCK_LEN || cut > n {
                        continue;
                    }
                    let mid = Sha256Midstate::of_leading_blocks(&data[..cut]);
                    assert_eq!(mid.blocks(), k as u64, "{n} {k} {cut}");
                    let rest = &data[at..];
                    assert_eq!(mid.finalize(rest), expected, "length {n}, {k} blocks");
                }
                let (blocks, _) = data.as_chunks::<BLOCK_LEN>();
                let mut two = Sha256Midstate::new();
                two.compress(&blocks[..k / 2]);
                two.compress(&[]);
                two.compress(&blocks[k / 2..k]);
                assert_eq!(two, Sha256Midstate::of_leading_blocks(&data[..at]));
                // And from padded blocks, as a block text finalizes.
                let mut padded = [[0u8; BLOCK_LEN]; 13];
                padded.as_flattened_mut()[..n].copy_from_slice(data);
                let used = pad_into(&mut padded, n, 0).unwrap();
                assert_eq!(two.finalize_padded(&padded[k..used]), expected, "{n} {k}");
            }
        }
    }

    #[test]
    fn midstate_digests_are_pythons() {
        // hashlib.sha256(bytes((i * 31 + 7) % 256 for i in range(n))).hexdigest()
        let hashlib: [(usize, &str); 8] = [
            (
                0,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                63,
                "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076",
            ),
            (
                64,
                "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd",
            ),
            (
                65,
                "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0",
            ),
            (
                128,
                "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356",
            ),
            (
                183,
                "a0687018a48993fa01699bfd35af7ad7722645db72db8cb992ea29879f1f469a",
            ),
            (
                247,
                "308e023c352aa4a6e42a9121ad6b6c9f82da14f18d8cc5b93ff182a1bf6aff71",
            ),
            (
                300,
                "4ebe2a8bd5ece93fb899b68e8a5fe64464b2058a5ddca6c079bc907930aa3003",
            ),
        ];
        for (n, hex) in hashlib {
            let data = bytes(n, 7);
            let data = &data[..n];
            for k in 0..=n / BLOCK_LEN {
                let mid = Sha256Midstate::of_leading_blocks(&data[..k * BLOCK_LEN]);
                let got = crate::HexDigest::from_bytes(&mid.finalize(&data[k * BLOCK_LEN..]));
                assert_eq!(got.as_str(), hex, "length {n}, {k} leading blocks");
            }
        }
    }

    #[test]
    fn wipe_leaves_no_message_byte_in_the_buffer() {
        // Every length up to past two buffers, in pieces of every size that ends on or
        // across the buffer's end, fed as slices and as single bytes; wiped before and
        // after finalizing: the buffer is all zeros and the state too.
        let data = [0xa5u8; 600];
        for n in 0..600 {
            for split in [1, 7, 63, 64, 65, 200, 255, 256, 257, 600] {
                for finalize in [false, true] {
                    let mut h = Sha256::resume(IV, 1);
                    for (i, piece) in data[..n].chunks(split).enumerate() {
                        if i % 2 == 1 && piece.len() == 1 {
                            h.update_byte(piece[0]);
                        } else {
                            h.update(piece);
                        }
                    }
                    if finalize {
                        h.finalize();
                    }
                    h.wipe();
                    assert!(
                        h.buf.as_flattened().iter().all(|b| *b == 0),
                        "length {n}, pieces of {split}, finalized {finalize}"
                    );
                    assert_eq!(h.state, [0; 8]);
                }
            }
        }
    }

    #[test]
    fn hmac_matches_the_hmac_crate() {
        for key_len in [0, 1, 32, 35, 63, 64, 65, 131, 200] {
            let key = bytes(key_len, 3);
            let key = &key[..key_len];
            let k = HmacKey::new(key);
            for n in [
                0, 1, 10, 54, 55, 56, 57, 63, 64, 118, 119, 120, 183, 184, 246, 247, 248, 255, 256,
                299,
            ] {
                let msg = bytes(n, 11);
                let msg = &msg[..n];
                let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
                m.update(msg);
                let expected: [u8; 32] = m.finalize().into_bytes().into();
                assert_eq!(k.mac(msg), expected, "key {key_len}, message {n}");
                assert_eq!(k.mac_public(msg), expected, "one pass, {key_len}, {n}");
                assert_eq!(
                    words_bytes(&k.mac_words(msg)),
                    expected,
                    "words, {key_len}, {n}"
                );
            }
        }
    }

    #[test]
    fn copy_short_copies_every_length() {
        for n in 0..=64 {
            let src = bytes(n, 9);
            let mut dst = [0u8; 64];
            copy_short(&mut dst[..n], &src[..n]);
            assert_eq!(dst[..n], src[..n], "{n}");
            assert!(dst[n..].iter().all(|b| *b == 0), "{n}");
        }
    }

    #[test]
    fn keys_from_words_are_keys_from_their_bytes() {
        let words = HmacKey::new(b"k").mac_words(b"m");
        let mut block = [0u8; BLOCK_LEN];
        assert_eq!(
            HmacKey::from_words_in(&mut block, &words).mac(b"x"),
            HmacKey::new(&words_bytes(&words)).mac(b"x")
        );
        assert_eq!(words_bytes(&words), HmacKey::new(b"k").mac(b"m"));
    }

    #[test]
    fn prefixed_key_is_one_key() {
        for len in [1, 32, 61, 62, 100, 128] {
            let key = bytes(len, 5);
            let key = &key[..len];
            let mut whole = [0u8; 300];
            whole[..3].copy_from_slice(b"TC3");
            whole[3..3 + len].copy_from_slice(key);
            let mut block = [0u8; BLOCK_LEN];
            assert_eq!(
                HmacKey::new_in(&mut block, b"TC3", key).mac(b"2019-02-25"),
                HmacKey::new(&whole[..3 + len]).mac(b"2019-02-25"),
                "{len}"
            );
        }
    }
}
