//! **Prototype, benchmark only: not part of cloudsig's API and not used by it.**
//!
//! A lean cached-key TC3-HMAC-SHA256 signer in safe Rust, written to measure where the
//! limit of signing the seed request lies on a machine (issue 17 item 1): four chains of
//! the `sha2` crate's block function `compress256` (payload, canonical request, string to
//! sign, outer HMAC) over stack block buffers; the HMAC keyed states precomputed; the key
//! also caching its day and the fixed part of the string to sign (algorithm, date,
//! service, terminator, padding); the signed-header names and their `a;b` line fixed once
//! per shape; the canonical request validated and written in one pass straight into the
//! block buffer (each header value byte checked and lower-cased through one table); table
//! hex. It handles the common shape only (a canonical request of at most 4 padded blocks,
//! a ten-digit timestamp, a service of at most 64 bytes) and answers `None` to anything
//! else, where cloudsig's general path would either sign or explain.
//!
//! `ratios` times it against the same floors as cloudsig's signers, after checking its
//! signature of the seed request against the documented one.

use cloudsig_canonical::{Payload, Request};
use sha2::block_api::compress256;

use crate::SHA256_IV;

const BLOCK: usize = 64;
/// Blocks of the canonical request buffer (255 bytes of text with the padding).
const CANONICAL_BLOCKS: usize = 4;
/// Blocks of the string to sign after the ipad block: 16 + 10 + 1 + 10 + 1 + 64 + 13 + 64
/// = 179 bytes, 188 padded.
const STS_BLOCKS: usize = 3;
/// Where the timestamp's ten digits start in the string to sign.
const DIGITS_AT: usize = 16;

/// Two lower-case hex characters of each byte (evaluated at compile time: an index out
/// of bounds could only fail the build).
#[allow(clippy::indexing_slicing)]
static HEX: [[u8; 2]; 256] = {
    let digits = *b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    t
};

/// A header value byte as it enters the canonical request (lower-cased), or 0 for the
/// bytes a value may not carry (NUL, CR, LF). Evaluated at compile time.
#[allow(clippy::indexing_slicing)]
static VALUE_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b == 0 || b == b'\r' || b == b'\n' {
            0
        } else {
            b.to_ascii_lowercase()
        };
        i += 1;
    }
    t
};

/// Whether a byte may appear in a path (`q` false) or query (`q` true): not a control
/// character, not a space, not `#`, and in a path not `?`.
const fn target_ok(b: u8, q: bool) -> bool {
    b > b' ' && b != 0x7f && b != b'#' && (q || b != b'?')
}

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Writes the padding of a `len`-byte message that follows `offset` blocks already
/// compressed; returns the blocks to compress.
fn pad(blocks: &mut [[u8; BLOCK]], len: usize, offset: usize) -> Option<usize> {
    let used = (len + 9).div_ceil(BLOCK);
    let flat = blocks.get_mut(..used)?.as_flattened_mut();
    *flat.get_mut(len)? = 0x80;
    flat.get_mut(len + 1..used * BLOCK - 8)?.fill(0);
    let bits = ((offset * BLOCK + len) as u64) * 8;
    *flat.last_chunk_mut::<8>()? = bits.to_be_bytes();
    Some(used)
}

/// The two keyed states of HMAC-SHA256 for a key of at most 64 bytes.
fn keyed(key: &[u8]) -> Option<([u32; 8], [u32; 8])> {
    let mut ipad = [[0x36u8; BLOCK]];
    let mut opad = [[0x5cu8; BLOCK]];
    for ((i, o), k) in ipad[0].iter_mut().zip(opad[0].iter_mut()).zip(key) {
        *i ^= k;
        *o ^= k;
    }
    if key.len() > BLOCK {
        return None;
    }
    let (mut inner, mut outer) = (SHA256_IV, SHA256_IV);
    compress256(&mut inner, &ipad);
    compress256(&mut outer, &opad);
    Some((inner, outer))
}

/// The outer hash of HMAC: one block from the opad state.
fn outer(outer: &[u32; 8], inner_digest: &[u32; 8]) -> [u32; 8] {
    let mut block = [[0u8; BLOCK]];
    block[0][..32].copy_from_slice(&state_bytes(inner_digest));
    block[0][32] = 0x80;
    block[0][56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
    let mut state = *outer;
    compress256(&mut state, &block);
    state
}

/// HMAC-SHA256 of a message of at most 55 bytes: four single-block calls.
fn hmac_short(key: &[u8], message: &[u8]) -> Option<[u32; 8]> {
    let (mut inner, opad) = keyed(key)?;
    let mut block = [[0u8; BLOCK]];
    block[0].get_mut(..message.len())?.copy_from_slice(message);
    pad(&mut block, message.len(), 1)?;
    compress256(&mut inner, &block);
    Some(outer(&opad, &inner))
}

/// A cached TC3 signing key of the prototype.
pub struct LeanKey {
    inner: [u32; 8],
    outer: [u32; 8],
    /// The key's day, days since 1970-01-01.
    day: i64,
    sts: [[u8; BLOCK]; STS_BLOCKS],
    sts_blocks: usize,
    hash_at: usize,
}

impl LeanKey {
    /// Derives the key of `secret` for the day of `timestamp` and `service`.
    pub fn derive(secret: &[u8], timestamp: i64, service: &str) -> Option<Self> {
        if service.is_empty()
            || service.len() > 64
            || !service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let day = timestamp.div_euclid(86_400);
        let date = iso_date(day)?;
        let mut first = [0u8; 64];
        first[..3].copy_from_slice(b"TC3");
        first.get_mut(3..3 + secret.len())?.copy_from_slice(secret);
        let secret_date = hmac_short(first.get(..3 + secret.len())?, &date)?;
        let secret_service = hmac_short(&state_bytes(&secret_date), service.as_bytes())?;
        let secret_signing = hmac_short(&state_bytes(&secret_service), b"tc3_request")?;
        let (inner, outer) = keyed(&state_bytes(&secret_signing))?;
        let mut sts = [[0u8; BLOCK]; STS_BLOCKS];
        let flat = sts.as_flattened_mut();
        let mut at = 0;
        for piece in [
            b"TC3-HMAC-SHA256\n0000000000\n".as_slice(),
            &date,
            b"/",
            service.as_bytes(),
            b"/tc3_request\n",
        ] {
            flat.get_mut(at..at + piece.len())?.copy_from_slice(piece);
            at += piece.len();
        }
        let sts_blocks = pad(&mut sts, at + 64, 1)?;
        Some(Self {
            inner,
            outer,
            day,
            sts,
            sts_blocks,
            hash_at: at,
        })
    }

    /// Signs `req` at `timestamp` with the signed headers of `shape`; the signature's 64
    /// hex characters, or `None` for a request outside the prototype's common shape or one
    /// that fails validation.
    pub fn sign(&self, req: &Request<'_>, shape: &Shape, timestamp: i64) -> Option<[u8; 64]> {
        self.sign_v::<true>(req, shape, timestamp)
    }

    /// [`LeanKey::sign`] with the hex computed in registers and written 16 bytes a store
    /// instead of through a 512-byte table two bytes a store: the A/B of the hex
    /// (measured slower: 1.63x against 1.56x of the 8-block floor).
    pub fn sign_register_hex(
        &self,
        req: &Request<'_>,
        shape: &Shape,
        timestamp: i64,
    ) -> Option<[u8; 64]> {
        self.sign_v::<false>(req, shape, timestamp)
    }

    fn sign_v<const TABLE: bool>(
        &self,
        req: &Request<'_>,
        shape: &Shape,
        timestamp: i64,
    ) -> Option<[u8; 64]> {
        if timestamp.div_euclid(86_400) != self.day {
            return None;
        }
        let n = u64::try_from(timestamp).ok()?;
        if !(1_000_000_000..10_000_000_000).contains(&n) {
            return None;
        }
        // The string to sign's fixed part and digits first, so that their stores have
        // reached the cache by the time the block function loads them.
        let mut sts = self.sts;
        let flat = sts.as_flattened_mut();
        let digits = flat.get_mut(DIGITS_AT..DIGITS_AT + 10)?;
        let (high, low) = digits.split_at_mut(5);
        let (mut h, mut l) = (n / 100_000, n % 100_000);
        for (dh, dl) in high.iter_mut().rev().zip(low.iter_mut().rev()) {
            *dh = b'0' + (h % 10) as u8;
            *dl = b'0' + (l % 10) as u8;
            h /= 10;
            l /= 10;
        }
        let hashed = canonical_hash::<TABLE>(req, shape)?;
        self.finish::<TABLE>(sts, &hashed)
    }

    /// [`LeanKey::sign`] with the payload hashed before the canonical text is written
    /// (the A/B of where the independent text work goes).
    pub fn sign_payload_first(
        &self,
        req: &Request<'_>,
        shape: &Shape,
        timestamp: i64,
    ) -> Option<[u8; 64]> {
        let sts = self.start(timestamp)?;
        let hashed = canonical_hash_payload_first(req, shape)?;
        self.finish::<true>(sts, &hashed)
    }

    /// The signature with the canonical request's text given already written (up to its
    /// payload hash, as `canonical` holds it from a first [`Prebuilt::new`] of the same
    /// request): a copy of 256 bytes instead of the text assembled and checked. The A/B
    /// that prices the text work itself; not a signer (it signs whatever it is given).
    pub fn sign_prebuilt(
        &self,
        canonical: &Prebuilt,
        body: &[u8],
        timestamp: i64,
    ) -> Option<[u8; 64]> {
        let sts = self.start(timestamp)?;
        let mut blocks = canonical.blocks;
        let end = canonical.at + 64;
        let used = pad(&mut blocks, end, 0)?;
        let hashed_payload = payload_hash(body)?;
        hex_into::<true>(
            blocks.as_flattened_mut().get_mut(canonical.at..end)?,
            &hashed_payload,
        );
        let mut state = SHA256_IV;
        compress256(&mut state, blocks.get(..used)?);
        self.finish::<true>(sts, &state)
    }

    /// The template copied and the timestamp's digits written, if it is on the key's
    /// day and has ten digits.
    fn start(&self, timestamp: i64) -> Option<[[u8; BLOCK]; STS_BLOCKS]> {
        if timestamp.div_euclid(86_400) != self.day {
            return None;
        }
        let n = u64::try_from(timestamp).ok()?;
        if !(1_000_000_000..10_000_000_000).contains(&n) {
            return None;
        }
        let mut sts = self.sts;
        let flat = sts.as_flattened_mut();
        let digits = flat.get_mut(DIGITS_AT..DIGITS_AT + 10)?;
        let (high, low) = digits.split_at_mut(5);
        let (mut h, mut l) = (n / 100_000, n % 100_000);
        for (dh, dl) in high.iter_mut().rev().zip(low.iter_mut().rev()) {
            *dh = b'0' + (h % 10) as u8;
            *dl = b'0' + (l % 10) as u8;
            h /= 10;
            l /= 10;
        }
        Some(sts)
    }

    /// Derives the key for the day of `timestamp` and `service` and signs `req` with it,
    /// the payload's and the canonical request's blocks (which need no key) compressed
    /// one block per call between the derivation's 14 dependent single-block calls
    /// instead of after them: two independent chains side by side in the instruction
    /// stream, which the processor can overlap (issue 17 measured 1.24-1.27x more SHA-NI
    /// throughput for two independent chains than for one).
    pub fn sign_per_call_interleaved(
        secret: &[u8],
        req: &Request<'_>,
        shape: &Shape,
        timestamp: i64,
        service: &str,
    ) -> Option<[u8; 64]> {
        if service.is_empty()
            || service.len() > 64
            || !service
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let (mut w, body) = canonical_text(req, shape)?;
        let hex_at = w.at;
        let canonical_used = pad(&mut w.blocks, hex_at + 64, 0)?;
        let (whole, tail) = body.as_chunks::<BLOCK>();
        let mut last = [[0u8; BLOCK]; 2];
        last.as_flattened_mut()
            .get_mut(..tail.len())?
            .copy_from_slice(tail);
        let last_used = pad(&mut last, tail.len(), whole.len())?;
        let mut side = Side {
            state: SHA256_IV,
            whole,
            last,
            last_used,
            canonical: w.blocks,
            canonical_used,
            hex_at,
            step: 0,
        };
        let day = timestamp.div_euclid(86_400);
        let date = iso_date(day)?;
        let mut first = [0u8; 64];
        first[..3].copy_from_slice(b"TC3");
        first.get_mut(3..3 + secret.len())?.copy_from_slice(secret);
        let secret_date = hmac_short_with(first.get(..3 + secret.len())?, &date, &mut side)?;
        let secret_service =
            hmac_short_with(&state_bytes(&secret_date), service.as_bytes(), &mut side)?;
        let secret_signing =
            hmac_short_with(&state_bytes(&secret_service), b"tc3_request", &mut side)?;
        let (inner, outer) = keyed_with(&state_bytes(&secret_signing), &mut side)?;
        while side.step() {}
        let mut sts = [[0u8; BLOCK]; STS_BLOCKS];
        let flat = sts.as_flattened_mut();
        let mut at = 0;
        for piece in [
            b"TC3-HMAC-SHA256\n0000000000\n".as_slice(),
            &date,
            b"/",
            service.as_bytes(),
            b"/tc3_request\n",
        ] {
            flat.get_mut(at..at + piece.len())?.copy_from_slice(piece);
            at += piece.len();
        }
        let sts_blocks = pad(&mut sts, at + 64, 1)?;
        let key = Self {
            inner,
            outer,
            day,
            sts,
            sts_blocks,
            hash_at: at,
        };
        let sts = key.start(timestamp)?;
        key.finish::<true>(sts, &side.state)
    }

    /// Two signatures computed in lock-step (issue 17 item 2's last experiment): `a`'s and
    /// `b`'s SHA-256 chains (payload, canonical request, string to sign with the cached
    /// inner state, outer hash) with their block-function calls alternating, one block a
    /// call, so that the two independent dependency chains sit side by side in the
    /// instruction stream and the processor can overlap them. Each answer is what
    /// [`LeanKey::sign`] gives for the same key, request and timestamp; a pair in which
    /// either request is outside the common shape is signed one at a time.
    pub fn sign_pair(
        a: (&LeanKey, &Request<'_>, i64),
        b: (&LeanKey, &Request<'_>, i64),
        shape: &Shape,
    ) -> (Option<[u8; 64]>, Option<[u8; 64]>) {
        Self::sign_pair_v::<true>(a, b, shape)
    }

    /// [`LeanKey::sign_pair`] with each chain's blocks in one call (as [`LeanKey::sign`]
    /// makes them), `a`'s chain then `b`'s: the A/B of one block a call against fewer
    /// calls.
    pub fn sign_pair_by_chain(
        a: (&LeanKey, &Request<'_>, i64),
        b: (&LeanKey, &Request<'_>, i64),
        shape: &Shape,
    ) -> (Option<[u8; 64]>, Option<[u8; 64]>) {
        Self::sign_pair_v::<false>(a, b, shape)
    }

    fn sign_pair_v<const PER_BLOCK: bool>(
        a: (&LeanKey, &Request<'_>, i64),
        b: (&LeanKey, &Request<'_>, i64),
        shape: &Shape,
    ) -> (Option<[u8; 64]>, Option<[u8; 64]>) {
        let (Some(mut x), Some(mut y)) = (Lane::new(a, shape), Lane::new(b, shape)) else {
            return (a.0.sign(a.1, shape, a.2), b.0.sign(b.1, shape, b.2));
        };
        if PER_BLOCK {
            let (px, py) = (x.payload_blocks(), y.payload_blocks());
            for i in 0..px.max(py) {
                if i < px {
                    x.payload_block(i);
                }
                if i < py {
                    y.payload_block(i);
                }
            }
        } else {
            x.payload_all();
            y.payload_all();
        }
        x.start_canonical();
        y.start_canonical();
        if PER_BLOCK {
            for i in 0..x.canonical_used.max(y.canonical_used) {
                x.canonical_block(i);
                y.canonical_block(i);
            }
        } else {
            x.canonical_block_range(0, x.canonical_used);
            y.canonical_block_range(0, y.canonical_used);
        }
        x.start_sts();
        y.start_sts();
        if PER_BLOCK {
            for i in 0..x.key.sts_blocks.max(y.key.sts_blocks) {
                x.sts_block(i);
                y.sts_block(i);
            }
        } else {
            x.sts_block_range(0, x.key.sts_blocks);
            y.sts_block_range(0, y.key.sts_blocks);
        }
        let (ox, oy) = (x.start_outer(), y.start_outer());
        compress256(&mut x.state, &ox);
        compress256(&mut y.state, &oy);
        (Some(x.signature()), Some(y.signature()))
    }

    /// The string to sign's stage alone, as `ratios` times cloudsig's `sign_hashed`:
    /// the template copied, the digits and the hex of `hashed` (a canonical request's
    /// digest) written, the inner and outer hashes, the hex of the signature.
    pub fn sign_digest(&self, timestamp: i64, hashed: &[u32; 8]) -> Option<[u8; 64]> {
        let n = u64::try_from(timestamp).ok()?;
        let mut sts = self.sts;
        let flat = sts.as_flattened_mut();
        let digits = flat.get_mut(DIGITS_AT..DIGITS_AT + 10)?;
        let (high, low) = digits.split_at_mut(5);
        let (mut h, mut l) = (n / 100_000, n % 100_000);
        for (dh, dl) in high.iter_mut().rev().zip(low.iter_mut().rev()) {
            *dh = b'0' + (h % 10) as u8;
            *dl = b'0' + (l % 10) as u8;
            h /= 10;
            l /= 10;
        }
        self.finish::<true>(sts, hashed)
    }

    #[inline]
    fn finish<const TABLE: bool>(
        &self,
        mut sts: [[u8; BLOCK]; STS_BLOCKS],
        hashed: &[u32; 8],
    ) -> Option<[u8; 64]> {
        let flat = sts.as_flattened_mut();
        hex_into::<TABLE>(flat.get_mut(self.hash_at..self.hash_at + 64)?, hashed);
        let mut inner = self.inner;
        compress256(&mut inner, sts.get(..self.sts_blocks)?);
        let mac = outer(&self.outer, &inner);
        let mut out = [0u8; 64];
        hex_into::<TABLE>(&mut out, &mac);
        Some(out)
    }
}

/// The signed headers of a request shape, fixed once: their names (lower case) and
/// their `a;b` line.
pub struct Shape {
    names: Vec<&'static str>,
    line: Vec<u8>,
}

impl Shape {
    /// The shape signing `names` (lower case, sorted).
    pub fn new(names: &[&'static str]) -> Self {
        Self {
            names: names.to_vec(),
            line: names.join(";").into_bytes(),
        }
    }
}

/// The lower-case hex of a state's 32 bytes into `out` (64 bytes).
fn hex_into<const TABLE: bool>(out: &mut [u8], state: &[u32; 8]) {
    if TABLE {
        for (o, b) in out.chunks_exact_mut(2).zip(state_bytes(state)) {
            o.copy_from_slice(HEX.get(usize::from(b)).unwrap_or(&[0; 2]));
        }
        return;
    }
    // Two words (8 bytes) at a time, spread to 16 nibbles in registers and stored as one
    // 16-byte value.
    for (o, pair) in out.chunks_exact_mut(16).zip(state.chunks_exact(2)) {
        let x = match pair {
            [a, b] => (u64::from(*a) << 32) | u64::from(*b),
            _ => 0,
        };
        o.copy_from_slice(&hex16(x).to_be_bytes());
    }
}

/// The 16 lower-case hex characters of `x`, most significant first, as one big-endian
/// `u128`.
fn hex16(x: u64) -> u128 {
    const LOW: u128 = 0x0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f;
    let mut y = u128::from(x);
    y = (y | (y << 32)) & 0x0000_0000_ffff_ffff_0000_0000_ffff_ffff;
    y = (y | (y << 16)) & 0x0000_ffff_0000_ffff_0000_ffff_0000_ffff;
    y = (y | (y << 8)) & 0x00ff_00ff_00ff_00ff_00ff_00ff_00ff_00ff;
    y = (y | (y << 4)) & LOW;
    // Each byte is a nibble v: '0' + v, plus 39 where v > 9 (v + 6 carries into bit 4).
    let letters = ((y + 0x0606_0606_0606_0606_0606_0606_0606_0606) >> 4)
        & 0x0101_0101_0101_0101_0101_0101_0101_0101;
    y + 0x3030_3030_3030_3030_3030_3030_3030_3030 + letters * 39
}

/// A request's canonical text up to its payload hash, written once (for
/// [`LeanKey::sign_prebuilt`]).
pub struct Prebuilt {
    blocks: [[u8; BLOCK]; CANONICAL_BLOCKS],
    at: usize,
}

impl Prebuilt {
    /// The text of `req` signed with `shape`.
    pub fn new(req: &Request<'_>, shape: &Shape) -> Option<Self> {
        let (w, _) = canonical_text(req, shape)?;
        Some(Self {
            blocks: w.blocks,
            at: w.at,
        })
    }
}

/// The canonical request buffer and its length.
struct Writer {
    blocks: [[u8; BLOCK]; CANONICAL_BLOCKS],
    at: usize,
}

impl Writer {
    fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.at + bytes.len();
        self.blocks
            .as_flattened_mut()
            .get_mut(self.at..end)?
            .copy_from_slice(bytes);
        self.at = end;
        Some(())
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        *self.blocks.as_flattened_mut().get_mut(self.at)? = b;
        self.at += 1;
        Some(())
    }
}

/// SHA-256 of the body: its whole blocks straight from the input, the tail padded in a
/// stack buffer.
fn payload_hash(body: &[u8]) -> Option<[u32; 8]> {
    let (whole, tail) = body.as_chunks::<BLOCK>();
    let mut state = SHA256_IV;
    compress256(&mut state, whole);
    let mut last = [[0u8; BLOCK]; 2];
    last.as_flattened_mut()
        .get_mut(..tail.len())?
        .copy_from_slice(tail);
    let used = pad(&mut last, tail.len(), whole.len())?;
    compress256(&mut state, last.get(..used)?);
    Some(state)
}

/// SHA-256 of the canonical request, validated and written in one pass into the block
/// buffer.
fn canonical_hash<const TABLE: bool>(req: &Request<'_>, shape: &Shape) -> Option<[u32; 8]> {
    let (mut w, body) = canonical_text(req, shape)?;
    // The padding before the payload hash, for the same reason as the string to sign's
    // fixed part: only the payload's hex is stored just before the blocks are loaded.
    let end = w.at + 64;
    let used = pad(&mut w.blocks, end, 0)?;
    let hashed_payload = payload_hash(body)?;
    hex_into::<TABLE>(
        w.blocks.as_flattened_mut().get_mut(w.at..end)?,
        &hashed_payload,
    );
    let mut state = SHA256_IV;
    compress256(&mut state, w.blocks.get(..used)?);
    Some(state)
}

/// [`canonical_hash`] with the payload hashed first, before any of the canonical text
/// is written: the text work (independent of the payload's hash) can then run while
/// the block function's rounds are still in flight.
fn canonical_hash_payload_first(req: &Request<'_>, shape: &Shape) -> Option<[u32; 8]> {
    let hashed_payload = match req.payload() {
        Payload::Bytes(b) => payload_hash(b)?,
        _ => return None,
    };
    let (mut w, _) = canonical_text(req, shape)?;
    let end = w.at + 64;
    let used = pad(&mut w.blocks, end, 0)?;
    hex_into::<true>(
        w.blocks.as_flattened_mut().get_mut(w.at..end)?,
        &hashed_payload,
    );
    let mut state = SHA256_IV;
    compress256(&mut state, w.blocks.get(..used)?);
    Some(state)
}

/// The canonical request's text up to its payload hash, validated and written in one
/// pass into the block buffer; and the body.
fn canonical_text<'r>(req: &Request<'r>, shape: &Shape) -> Option<(Writer, &'r [u8])> {
    let mut w = Writer {
        blocks: [[0u8; BLOCK]; CANONICAL_BLOCKS],
        at: 0,
    };
    let method = req.method().as_bytes();
    if method.is_empty() || !method.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    w.put(method)?;
    w.byte(b'\n')?;
    let path = req.path().as_bytes();
    if path.first() != Some(&b'/') || !path.iter().all(|&b| target_ok(b, false)) {
        return None;
    }
    w.put(path)?;
    w.byte(b'\n')?;
    let query = req.raw_query().as_bytes();
    if !query.iter().all(|&b| target_ok(b, true)) {
        return None;
    }
    w.put(query)?;
    w.byte(b'\n')?;
    let headers = req.headers();
    for name in &shape.names {
        let mut found = None;
        for (n, v) in headers {
            if n.eq_ignore_ascii_case(name) {
                if found.is_some() {
                    return None;
                }
                found = Some(*v);
            }
        }
        let value = found?.trim_matches([' ', '\t']).as_bytes();
        w.put(name.as_bytes())?;
        w.byte(b':')?;
        let end = w.at + value.len();
        let dst = w.blocks.as_flattened_mut().get_mut(w.at..end)?;
        let mut bad = false;
        for (d, &s) in dst.iter_mut().zip(value) {
            let c = VALUE_BYTE.get(usize::from(s)).copied().unwrap_or(0);
            bad |= c == 0;
            *d = c;
        }
        if bad {
            return None;
        }
        w.at = end;
        w.byte(b'\n')?;
    }
    w.byte(b'\n')?;
    w.put(&shape.line)?;
    w.byte(b'\n')?;
    let body = match req.payload() {
        Payload::Bytes(b) => b,
        _ => return None,
    };
    Some((w, body))
}

/// The cached signature's call structure alone, to find where the limit comes from: the
/// 8 blocks of `blocks` as its four dependent chains (payload 2, canonical request 3,
/// string to sign 2, outer 1), each chain's blocks copied to the stack first. Between
/// the chains, `MODE` 0 passes the previous digest on in a register only (as `ratios`'
/// "4 dependent calls"); 1 writes its hex into the next chain's blocks at byte `at`
/// through the table (two-byte stores); 2 writes it as 16-byte stores (`hex16`).
/// The outer chain takes the 32 digest bytes at its start in modes 1 and 2.
pub fn chains_with_hex<const MODE: u8>(blocks: &[[u8; BLOCK]], at: usize) -> Option<[u32; 8]> {
    let payload: [[u8; BLOCK]; 2] = *blocks.first_chunk()?;
    let mut canonical: [[u8; BLOCK]; 3] = *blocks.get(2..)?.first_chunk()?;
    let mut sts: [[u8; BLOCK]; 2] = *blocks.get(5..)?.first_chunk()?;
    let mut last: [[u8; BLOCK]; 1] = *blocks.get(7..)?.first_chunk()?;
    let mut state = SHA256_IV;
    compress256(&mut state, &payload);
    let mut next = SHA256_IV;
    match MODE {
        0 => next[0] ^= state[0],
        1 => hex_into::<true>(canonical.as_flattened_mut().get_mut(at..at + 64)?, &state),
        _ => hex_into::<false>(canonical.as_flattened_mut().get_mut(at..at + 64)?, &state),
    }
    compress256(&mut next, &canonical);
    state = next;
    let mut next = SHA256_IV;
    match MODE {
        0 => next[0] ^= state[0],
        1 => hex_into::<true>(sts.as_flattened_mut().get_mut(at..at + 64)?, &state),
        _ => hex_into::<false>(sts.as_flattened_mut().get_mut(at..at + 64)?, &state),
    }
    compress256(&mut next, &sts);
    state = next;
    let mut next = SHA256_IV;
    match MODE {
        0 => next[0] ^= state[0],
        _ => last[0].get_mut(..32)?.copy_from_slice(&state_bytes(&state)),
    }
    compress256(&mut next, &last);
    Some(next)
}

/// One signature of [`LeanKey::sign_pair`]: its key, the chain's state, the payload's
/// blocks, and the canonical request's and the string to sign's block buffers.
struct Lane<'k, 'b> {
    key: &'k LeanKey,
    state: [u32; 8],
    whole: &'b [[u8; BLOCK]],
    last: [[u8; BLOCK]; 2],
    last_used: usize,
    canonical: [[u8; BLOCK]; CANONICAL_BLOCKS],
    canonical_used: usize,
    hex_at: usize,
    sts: [[u8; BLOCK]; STS_BLOCKS],
}

impl<'k, 'b> Lane<'k, 'b> {
    /// The texts of one signature written and padded (everything before the first block
    /// call), or `None` where [`LeanKey::sign`] answers `None`.
    fn new((key, req, timestamp): (&'k LeanKey, &Request<'b>, i64), shape: &Shape) -> Option<Self> {
        let sts = key.start(timestamp)?;
        let (mut w, body) = canonical_text(req, shape)?;
        let hex_at = w.at;
        let canonical_used = pad(&mut w.blocks, hex_at + 64, 0)?;
        let (whole, tail) = body.as_chunks::<BLOCK>();
        let mut last = [[0u8; BLOCK]; 2];
        last.as_flattened_mut()
            .get_mut(..tail.len())?
            .copy_from_slice(tail);
        let last_used = pad(&mut last, tail.len(), whole.len())?;
        Some(Self {
            key,
            state: SHA256_IV,
            whole,
            last,
            last_used,
            canonical: w.blocks,
            canonical_used,
            hex_at,
            sts,
        })
    }

    fn payload_blocks(&self) -> usize {
        self.whole.len() + self.last_used
    }

    /// The payload's block `i`.
    #[inline]
    fn payload_block(&mut self, i: usize) {
        let block = match i.checked_sub(self.whole.len()) {
            None => self.whole.get(i..=i),
            Some(j) => self.last.get(j..=j),
        };
        if let Some(block) = block {
            compress256(&mut self.state, block);
        }
    }

    /// The payload's blocks in two calls, as [`payload_hash`].
    #[inline]
    fn payload_all(&mut self) {
        compress256(&mut self.state, self.whole);
        compress256(
            &mut self.state,
            self.last.get(..self.last_used).unwrap_or_default(),
        );
    }

    /// The payload's hex into the canonical request; its chain starts.
    #[inline]
    fn start_canonical(&mut self) {
        let end = self.hex_at + 64;
        if let Some(dst) = self.canonical.as_flattened_mut().get_mut(self.hex_at..end) {
            hex_into::<true>(dst, &self.state);
        }
        self.state = SHA256_IV;
    }

    /// The canonical request's block `i`, if it has one.
    #[inline]
    fn canonical_block(&mut self, i: usize) {
        if i < self.canonical_used {
            self.canonical_block_range(i, i + 1);
        }
    }

    #[inline]
    fn canonical_block_range(&mut self, from: usize, to: usize) {
        if let Some(blocks) = self.canonical.get(from..to) {
            compress256(&mut self.state, blocks);
        }
    }

    /// The canonical request's hex into the string to sign; the inner hash starts from
    /// the key's cached state.
    #[inline]
    fn start_sts(&mut self) {
        let at = self.key.hash_at;
        if let Some(dst) = self.sts.as_flattened_mut().get_mut(at..at + 64) {
            hex_into::<true>(dst, &self.state);
        }
        self.state = self.key.inner;
    }

    /// The string to sign's block `i`, if it has one.
    #[inline]
    fn sts_block(&mut self, i: usize) {
        if i < self.key.sts_blocks {
            self.sts_block_range(i, i + 1);
        }
    }

    #[inline]
    fn sts_block_range(&mut self, from: usize, to: usize) {
        if let Some(blocks) = self.sts.get(from..to) {
            compress256(&mut self.state, blocks);
        }
    }

    /// The outer hash's block (the inner digest, padded); its chain starts from the
    /// key's cached state.
    #[inline]
    fn start_outer(&mut self) -> [[u8; BLOCK]; 1] {
        let mut block = [[0u8; BLOCK]];
        block[0][..32].copy_from_slice(&state_bytes(&self.state));
        block[0][32] = 0x80;
        block[0][56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
        self.state = self.key.outer;
        block
    }

    fn signature(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        hex_into::<true>(&mut out, &self.state);
        out
    }
}

/// The chain that needs no key (payload, then canonical request), one block per step.
struct Side<'b> {
    state: [u32; 8],
    whole: &'b [[u8; BLOCK]],
    last: [[u8; BLOCK]; 2],
    last_used: usize,
    canonical: [[u8; BLOCK]; CANONICAL_BLOCKS],
    canonical_used: usize,
    hex_at: usize,
    step: usize,
}

impl Side<'_> {
    /// Compresses the chain's next block; false when it is done.
    #[inline]
    fn step(&mut self) -> bool {
        let s = self.step;
        let payload = self.whole.len() + self.last_used;
        let block = if s < self.whole.len() {
            self.whole.get(s..=s)
        } else if s < payload {
            self.last.get(s - self.whole.len()..=s - self.whole.len())
        } else if s < payload + self.canonical_used {
            self.canonical.get(s - payload..=s - payload)
        } else {
            return false;
        };
        let Some(block) = block else { return false };
        compress256(&mut self.state, block);
        self.step += 1;
        if self.step == payload {
            let end = self.hex_at + 64;
            if let Some(dst) = self.canonical.as_flattened_mut().get_mut(self.hex_at..end) {
                hex_into::<true>(dst, &self.state);
            }
            self.state = SHA256_IV;
        }
        true
    }
}

/// [`keyed`] with one step of `side` after each call of the block function.
fn keyed_with(key: &[u8], side: &mut Side<'_>) -> Option<([u32; 8], [u32; 8])> {
    if key.len() > BLOCK {
        return None;
    }
    let mut ipad = [[0x36u8; BLOCK]];
    let mut opad = [[0x5cu8; BLOCK]];
    for ((i, o), k) in ipad[0].iter_mut().zip(opad[0].iter_mut()).zip(key) {
        *i ^= k;
        *o ^= k;
    }
    let (mut inner, mut outer) = (SHA256_IV, SHA256_IV);
    compress256(&mut inner, &ipad);
    side.step();
    compress256(&mut outer, &opad);
    side.step();
    Some((inner, outer))
}

/// [`hmac_short`] with one step of `side` after each call of the block function.
fn hmac_short_with(key: &[u8], message: &[u8], side: &mut Side<'_>) -> Option<[u32; 8]> {
    let (mut inner, opad) = keyed_with(key, side)?;
    let mut block = [[0u8; BLOCK]];
    block[0].get_mut(..message.len())?.copy_from_slice(message);
    pad(&mut block, message.len(), 1)?;
    compress256(&mut inner, &block);
    side.step();
    let out = outer(&opad, &inner);
    side.step();
    Some(out)
}

/// `YYYY-MM-DD` of a day since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn iso_date(day: i64) -> Option<[u8; 10]> {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if !(0..=9999).contains(&y) {
        return None;
    }
    let mut out = *b"0000-00-00";
    for (i, v) in [
        (3, y),
        (2, y / 10),
        (1, y / 100),
        (0, y / 1000),
        (6, m),
        (5, m / 10),
        (9, d),
        (8, d / 10),
    ] {
        *out.get_mut(i)? = b'0' + (v % 10) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    #[test]
    fn the_prototype_signs_the_documented_example() {
        let key = LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE).unwrap();
        let shape = Shape::new(&["content-type", "host"]);
        let sig = key
            .sign(&crate::request(), &shape, seed::TIMESTAMP)
            .unwrap();
        assert_eq!(&sig, seed::SIGNATURE.as_bytes());
        assert_eq!(
            &iso_date(seed::TIMESTAMP.div_euclid(86_400)).unwrap(),
            b"2019-02-25"
        );
        let prebuilt = Prebuilt::new(&crate::request(), &shape).unwrap();
        assert_eq!(
            &key.sign_prebuilt(&prebuilt, crate::seed::BODY, seed::TIMESTAMP)
                .unwrap(),
            seed::SIGNATURE.as_bytes()
        );
        assert_eq!(
            &key.sign_payload_first(&crate::request(), &shape, seed::TIMESTAMP)
                .unwrap(),
            seed::SIGNATURE.as_bytes()
        );
        assert_eq!(
            &LeanKey::sign_per_call_interleaved(
                seed::SECRET_KEY,
                &crate::request(),
                &shape,
                seed::TIMESTAMP,
                seed::SERVICE
            )
            .unwrap(),
            seed::SIGNATURE.as_bytes()
        );
        // A request it must refuse.
        let bad = crate::request().header("X-Evil", "a").query("a b");
        assert!(key.sign(&bad, &shape, seed::TIMESTAMP).is_none());
    }

    /// The signature cloudsig's own signer gives (`tc3::sign`, key derived per call),
    /// the reference of the pair tests.
    fn reference(secret: &[u8], req: &Request<'_>, ts: i64, service: &str) -> String {
        use cloudsig_canonical::tc3::{self, CredentialScope, Settings, SignedHeaders};
        let scope = CredentialScope::for_timestamp(ts, service).unwrap();
        let secret = cloudsig_core::SecretKey::new(secret).unwrap();
        tc3::sign(
            req,
            &SignedHeaders::default(),
            &Settings::default(),
            ts,
            scope,
            &secret,
        )
        .unwrap()
        .signature()
        .to_string()
    }

    #[test]
    fn a_pair_signed_in_lock_step_is_each_signed_alone() {
        let shape = Shape::new(&["content-type", "host"]);
        // The documented example twice, in both modes.
        let key = LeanKey::derive(seed::SECRET_KEY, seed::TIMESTAMP, seed::SERVICE).unwrap();
        let req = crate::request();
        for (x, y) in [
            LeanKey::sign_pair(
                (&key, &req, seed::TIMESTAMP),
                (&key, &req, seed::TIMESTAMP),
                &shape,
            ),
            LeanKey::sign_pair_by_chain(
                (&key, &req, seed::TIMESTAMP),
                (&key, &req, seed::TIMESTAMP),
                &shape,
            ),
        ] {
            assert_eq!(&x.unwrap(), seed::SIGNATURE.as_bytes());
            assert_eq!(&y.unwrap(), seed::SIGNATURE.as_bytes());
        }
        // Bodies across the block boundaries of the payload (0 to 3 blocks, a tail of 55
        // and 56 bytes), services giving 2 and 3 blocks of string to sign, hosts and
        // queries giving 3 and 4 canonical blocks, two keys and two days: every pair of
        // them, against cloudsig's signer.
        let body: Vec<u8> = (0..200u8).map(|i| b'a' + i % 26).collect();
        let long_host = format!("cvm-long.{}.tencentcloudapi.com", "x".repeat(40));
        // secret, timestamp, service, host, query, body
        type Case<'c> = (&'c [u8], i64, &'c str, String, &'c str, &'c [u8]);
        let cases: Vec<Case<'_>> = [0usize, 1, 55, 56, 63, 64, 119, 120, 200]
            .iter()
            .enumerate()
            .map(|(i, &len)| {
                let (secret, service, host, query): (&[u8], &str, String, &str) = match i % 3 {
                    0 => (
                        b"secret-one",
                        "cvm",
                        "cvm.tencentcloudapi.com".to_string(),
                        "",
                    ),
                    1 => (
                        b"secret-two",
                        "cvm-long",
                        long_host.clone(),
                        "Limit=10&Offset=0",
                    ),
                    _ => (
                        seed::SECRET_KEY,
                        "cvm",
                        "cvm.tencentcloudapi.com".to_string(),
                        "a=b",
                    ),
                };
                let ts = 1_700_006_400 + if i % 2 == 0 { -5 } else { 5 };
                (secret, ts, service, host, query, &body[..len])
            })
            .collect();
        let requests: Vec<Request<'_>> = cases
            .iter()
            .map(|(_, _, _, host, query, body)| {
                Request::new("POST", "/")
                    .query(query)
                    .header("Content-Type", "application/json")
                    .header("Host", host)
                    .body(body)
            })
            .collect();
        let keys: Vec<LeanKey> = cases
            .iter()
            .map(|(secret, ts, service, ..)| LeanKey::derive(secret, *ts, service).unwrap())
            .collect();
        let expected: Vec<String> = cases
            .iter()
            .zip(&requests)
            .map(|((secret, ts, service, ..), req)| reference(secret, req, *ts, service))
            .collect();
        for i in 0..cases.len() {
            for j in 0..cases.len() {
                let a = (&keys[i], &requests[i], cases[i].1);
                let b = (&keys[j], &requests[j], cases[j].1);
                for (x, y) in [
                    LeanKey::sign_pair(a, b, &shape),
                    LeanKey::sign_pair_by_chain(a, b, &shape),
                ] {
                    assert_eq!(x.unwrap(), expected[i].as_bytes(), "{i} {j}");
                    assert_eq!(y.unwrap(), expected[j].as_bytes(), "{i} {j}");
                }
            }
        }
        // A request the prototype refuses, beside one it signs.
        let bad = crate::request().header("Host", "twice");
        let (x, y) = LeanKey::sign_pair(
            (&key, &bad, seed::TIMESTAMP),
            (&key, &req, seed::TIMESTAMP),
            &shape,
        );
        assert!(x.is_none());
        assert_eq!(&y.unwrap(), seed::SIGNATURE.as_bytes());
        let (x, y) = LeanKey::sign_pair(
            (&key, &req, seed::TIMESTAMP),
            (&key, &req, seed::TIMESTAMP + 86_400),
            &shape,
        );
        assert_eq!(&x.unwrap(), seed::SIGNATURE.as_bytes());
        assert!(y.is_none());
    }

    #[test]
    fn register_hex_is_table_hex() {
        let state = [
            0x0123_4567,
            0x89ab_cdef,
            0xfedc_ba98,
            0x7654_3210,
            0,
            u32::MAX,
            0xa0a0_0a0a,
            9,
        ];
        let mut by_table = [0u8; 64];
        for (o, b) in by_table.chunks_exact_mut(2).zip(state_bytes(&state)) {
            o.copy_from_slice(HEX.get(usize::from(b)).unwrap_or(&[0; 2]));
        }
        let mut by_registers = [0u8; 64];
        hex_into::<false>(&mut by_registers, &state);
        assert_eq!(by_registers, by_table);
        assert_eq!(&by_table[..16], b"0123456789abcdef");
    }
}
