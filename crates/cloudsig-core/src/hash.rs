//! The one hash and HMAC abstraction of the core: SHA-1, SHA-256 and SM3 behind
//! [`Hash`](enum@Hash), [`Hasher`] and [`Mac`], and the two ways a signature is printed
//! ([`HexDigest`], [`Base64Signature`]).
//!
//! Every scheme module (`tc3`, `v1`, `alibaba`, `huawei`) hashes and MACs through these
//! types. SHA-256 always goes through the crate's own measured fast path (`sha256.rs`);
//! SHA-1 and SM3 go through the RustCrypto `sha1`, `sm3` and `hmac` crates, whose
//! `Digest`/`KeyInit` traits are the seam.
//!
//! An HMAC key of any length is accepted (RFC 2104: a key longer than the hash's block is
//! hashed first, a shorter one is padded with zeros), so keying cannot fail and there is no
//! error branch: the key block is built here and handed to `KeyInit::new`, which takes a
//! block-sized key by type.

use core::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac as _};
use sha1::Sha1;
use sm3::{Digest, Sm3};
use zeroize::Zeroize;

use crate::sha256::{BLOCK_LEN, HmacKey, Sha256};

/// A hash function a signature scheme uses.
///
/// ```
/// use cloudsig_core::hash::{Hash, Hasher};
/// let mut h = Hasher::new(Hash::Sm3);
/// h.update(b"abc");
/// // GB/T 32905-2016, example 1.
/// assert_eq!(h.finalize_hex().as_str(),
///            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
/// assert_eq!(Hash::Sha1.output_len(), 20);
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hash {
    /// SHA-1 (FIPS 180-4), for Tencent v1 and Alibaba ROA/RPC HMACs.
    Sha1,
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// SM3 (GB/T 32905-2016).
    Sm3,
}

impl Hash {
    /// The length of the digest in bytes: 20 for SHA-1, 32 for SHA-256 and SM3.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 | Self::Sm3 => 32,
        }
    }
}

/// The longest digest of a [`Hash`](enum@Hash).
const MAX_OUTPUT: usize = 32;

/// A digest or MAC of up to 32 bytes (20 for SHA-1), on the stack.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Output {
    bytes: [u8; MAX_OUTPUT],
    len: usize,
}

impl Output {
    pub(crate) fn new(src: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_OUTPUT];
        let len = src.len().min(MAX_OUTPUT);
        debug_assert!(src.len() <= MAX_OUTPUT, "digest longer than 32 bytes");
        for (d, s) in bytes.iter_mut().zip(src) {
            *d = *s;
        }
        Self { bytes, len }
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        let (head, _) = self.bytes.split_at(self.len.min(MAX_OUTPUT));
        head
    }

    /// The digest as lowercase hex.
    pub fn to_hex(&self) -> HexDigest {
        HexDigest::from_slice(self.as_bytes())
    }

    /// The digest in standard base64 (with padding).
    pub fn to_base64(&self) -> Base64Signature {
        Base64Signature::from_mac(self.as_bytes())
    }

    /// Wipes the bytes (for a MAC that is a secret, such as a derived key).
    pub fn wipe(&mut self) {
        self.bytes.zeroize();
    }
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Output(<digest>)")
    }
}

/// A digest written as lowercase hex, held on the stack: 64 characters for SHA-256 and
/// SM3, 40 for SHA-1.
///
/// ```
/// let d = cloudsig_core::sha256_hex(b"");
/// assert_eq!(d.as_str(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HexDigest {
    buf: [u8; 64],
    len: usize,
}

impl HexDigest {
    /// Lowercase hex of a 32-byte digest.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self::from_slice(bytes)
    }

    fn from_slice(bytes: &[u8]) -> Self {
        let mut buf = [b'0'; 64];
        // base16ct fails only when the output is too short: a digest is at most 32 bytes
        // (64 characters), which `Output` guarantees. (A 16-entry table measured more
        // instructions under callgrind: base16ct's arithmetic is vectorised.)
        let len = base16ct::lower::encode(bytes, &mut buf).map_or(0, <[u8]>::len);
        debug_assert_eq!(len, bytes.len() * 2, "digest longer than 32 bytes");
        Self { buf, len }
    }

    /// A digest whose 64 lower-case hex characters `hex` are already written (by
    /// [`write_hex`] into a block buffer, on the signing hot path).
    #[inline]
    pub(crate) fn from_hex_unchecked(hex: &[u8; 64]) -> Self {
        debug_assert!(
            hex.iter()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        );
        Self { buf: *hex, len: 64 }
    }

    /// Parses 64 lowercase hex characters, as a hashed canonical request or an
    /// `x-acs-content-sha256` value is written; `None` for anything else (upper case
    /// included).
    ///
    /// ```
    /// use cloudsig_core::HexDigest;
    /// let d = cloudsig_core::sha256_hex(b"abc");
    /// assert_eq!(HexDigest::parse_lower(d.as_str()), Some(d));
    /// assert_eq!(HexDigest::parse_lower(&d.as_str().to_uppercase()), None);
    /// assert_eq!(HexDigest::parse_lower("abc"), None);
    /// ```
    pub fn parse_lower(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        let decoded = base16ct::lower::decode(text, &mut bytes).ok()?;
        (decoded.len() == 32).then(|| Self::from_bytes(&bytes))
    }

    /// The hex characters.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The hex characters as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        let (head, _) = self.buf.split_at(self.len.min(64));
        head
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

/// Writes the 64 lower-case hex characters of a 32-byte digest into `out`: the signing
/// hot path writes the hex of a digest straight into the next hash's block buffer with
/// it (issue 17). base16ct, as [`HexDigest::from_bytes`]: a 512-byte table with two-byte
/// stores, the benchmark prototype's choice, measured slower here (TC3 cached 1.85x
/// against 1.76-1.77x of the 8-block floor, `ratios`, same run).
#[inline]
pub(crate) fn write_hex(out: &mut [u8; 64], digest: &[u8; 32]) {
    let _ = base16ct::lower::encode(digest, out);
}

/// A MAC in standard base64 (28 characters for SHA-1, 44 for SHA-256), on the stack:
/// the signature of Tencent v1 and Alibaba ROA and RPC.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Base64Signature {
    pub(crate) buf: [u8; 44],
    pub(crate) len: usize,
}

impl Base64Signature {
    pub(crate) fn from_mac(mac: &[u8]) -> Self {
        let mut buf = [0u8; 44];
        // A MAC is at most 32 bytes, which encode to 44 characters.
        let len = STANDARD.encode_slice(mac, &mut buf).unwrap_or(0);
        debug_assert!(mac.len() <= 32, "MAC longer than 32 bytes");
        Self { buf, len }
    }

    /// The base64 text.
    pub fn as_str(&self) -> &str {
        let (head, _) = self.buf.split_at(self.len.min(44));
        core::str::from_utf8(head).unwrap_or_default()
    }
}

impl fmt::Display for Base64Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Base64Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// An incremental SHA-256 that accepts bytes and `write!` text, on the fast path.
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

    /// Feeds one byte (a separator), cheaper than a one-byte slice.
    #[inline]
    pub fn update_byte(&mut self, byte: u8) {
        self.0.update_byte(byte);
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

/// An incremental hash of any [`Hash`](enum@Hash) that accepts bytes and `write!` text.
///
/// It hashes public data (canonical requests, payloads) and is not wiped on drop.
///
/// ```
/// use core::fmt::Write;
/// use cloudsig_core::hash::{Hash, Hasher};
/// let mut h = Hasher::new(Hash::Sha256);
/// write!(h, "a{}", "bc").unwrap();
/// assert_eq!(h.finalize_hex(), cloudsig_core::sha256_hex(b"abc"));
/// ```
#[derive(Clone)]
pub struct Hasher(HasherState);

#[derive(Clone)]
enum HasherState {
    Sha1(Sha1),
    Sha256(Sha256),
    Sm3(Sm3),
}

impl Hasher {
    /// An empty hasher for `hash`: a [`Hash`](enum@Hash), or a cloud's algorithm
    /// (`alibaba::Algorithm`, `huawei::Algorithm`), which names its hash.
    pub fn new(hash: impl Into<Hash>) -> Self {
        Self(match hash.into() {
            Hash::Sha1 => HasherState::Sha1(Sha1::new()),
            Hash::Sha256 => HasherState::Sha256(Sha256::new()),
            Hash::Sm3 => HasherState::Sm3(Sm3::new()),
        })
    }

    /// Feeds bytes.
    #[inline]
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            HasherState::Sha1(h) => Digest::update(h, data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sm3(h) => Digest::update(h, data),
        }
    }

    /// The digest.
    pub fn finalize(self) -> Output {
        match self.0 {
            HasherState::Sha1(h) => Output::new(&h.finalize()),
            HasherState::Sha256(mut h) => Output::new(&h.finalize()),
            HasherState::Sm3(h) => Output::new(&h.finalize()),
        }
    }

    /// The digest as lowercase hex.
    pub fn finalize_hex(self) -> HexDigest {
        self.finalize().to_hex()
    }
}

impl fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hasher")
    }
}

/// The hash of `data` with `hash`, as lowercase hex.
pub fn hash_hex(hash: Hash, data: &[u8]) -> HexDigest {
    if hash == Hash::Sha256 {
        // One pass, without the streaming hash's 256-byte buffer (see `sha256::digest`).
        return sha256_hex(data);
    }
    let mut h = Hasher::new(hash);
    h.update(data);
    h.finalize_hex()
}

/// An incremental HMAC over any [`Hash`](enum@Hash), keyed with a key of any length; accepts bytes
/// and `write!` text. Nothing is allocated.
///
/// The keyed state is a secret: it is wiped on drop and `Debug` is redacted.
///
/// ```
/// use cloudsig_core::hash::{Hash, Mac};
/// let mut m = Mac::new(Hash::Sha1, &[b"key"]);
/// m.update(b"The quick brown fox jumps over the lazy dog");
/// // RFC 2104 / Wikipedia's HMAC_SHA1 example.
/// assert_eq!(m.finalize().to_hex().as_str(), "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
/// ```
#[derive(Clone)]
pub struct Mac(MacState);

// The SHA-256 variant holds the streaming hash's four-block buffer (about 370 bytes
// against the others' 200 or so). It cannot be boxed (the core has no allocator), and it
// is the variant almost every signature uses, so the size is the one needed.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum MacState {
    Sha1(Hmac<Sha1>),
    Sha256(HmacKey, KeyedSha256),
    Sm3(Hmac<Sm3>),
}

/// The inner hash of an HMAC-SHA256 in progress: it continues from the keyed ipad state,
/// so it is wiped on drop.
#[derive(Clone)]
struct KeyedSha256(Sha256);

impl Drop for KeyedSha256 {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl Mac {
    /// An HMAC of `hash` keyed with the concatenation of `key_parts` (one key: Alibaba's
    /// RPC key is the secret followed by `&`, TC3's first key is `TC3` followed by the
    /// secret).
    pub fn new(hash: Hash, key_parts: &[&[u8]]) -> Self {
        match hash {
            Hash::Sha256 => {
                let key = HmacKey::from_parts(key_parts);
                let inner = KeyedSha256(key.start());
                Self(MacState::Sha256(key, inner))
            }
            Hash::Sha1 => {
                let mut block = key_block(hash, key_parts);
                let mac = Hmac::<Sha1>::new(&block.into());
                block.zeroize();
                Self(MacState::Sha1(mac))
            }
            Hash::Sm3 => {
                let mut block = key_block(hash, key_parts);
                let mac = Hmac::<Sm3>::new(&block.into());
                block.zeroize();
                Self(MacState::Sm3(mac))
            }
        }
    }

    /// A streaming HMAC-SHA256 with the keyed states `key`.
    pub(crate) fn from_sha256_key(key: &HmacKey) -> Self {
        Self(MacState::Sha256(key.clone(), KeyedSha256(key.start())))
    }

    /// Feeds part of the message.
    #[inline]
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            MacState::Sha1(m) => m.update(data),
            MacState::Sha256(_, inner) => inner.0.update(data),
            MacState::Sm3(m) => m.update(data),
        }
    }

    /// The MAC.
    pub fn finalize(self) -> Output {
        match self.0 {
            MacState::Sha1(m) => Output::new(&m.finalize().into_bytes()),
            MacState::Sha256(key, mut inner) => Output::new(&key.finish(&mut inner.0)),
            MacState::Sm3(m) => Output::new(&m.finalize().into_bytes()),
        }
    }
}

impl fmt::Write for Mac {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Mac(<redacted>)")
    }
}

/// The block-sized HMAC key of RFC 2104 for SHA-1 or SM3 (both have 64-byte blocks): the
/// key padded with zeros, or its hash padded with zeros when longer than a block.
fn key_block(hash: Hash, key_parts: &[&[u8]]) -> [u8; BLOCK_LEN] {
    let mut block = [0u8; BLOCK_LEN];
    let len: usize = key_parts.iter().map(|p| p.len()).sum();
    if len <= BLOCK_LEN {
        let mut rest: &mut [u8] = &mut block;
        for part in key_parts {
            let taken = core::mem::take(&mut rest);
            let (dst, tail) = taken.split_at_mut(part.len().min(taken.len()));
            for (d, s) in dst.iter_mut().zip(*part) {
                *d = *s;
            }
            rest = tail;
        }
    } else {
        let mut h = Hasher::new(hash);
        for part in key_parts {
            h.update(part);
        }
        let mut digest = h.finalize();
        for (d, s) in block.iter_mut().zip(digest.as_bytes()) {
            *d = *s;
        }
        digest.wipe();
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> HexDigest {
        HexDigest::from_slice(bytes)
    }

    #[test]
    fn hmac_of_every_hash_matches_the_hmac_crate_for_keys_of_every_length() {
        // Keys from empty to well past a block, split in two parts at every length: the
        // RustCrypto `hmac` crate (its own key handling) is the reference.
        let key: [u8; 150] = core::array::from_fn(|i| (i as u8).wrapping_mul(7));
        for len in [0, 1, 20, 32, 63, 64, 65, 100, 128, 129, 150] {
            let k = &key[..len];
            let (a, b) = k.split_at(len / 3);
            let msg = b"message";
            let mut m1 = Hmac::<Sha1>::new_from_slice(k).unwrap();
            m1.update(msg);
            let mut m2 = Hmac::<sha2::Sha256>::new_from_slice(k).unwrap();
            m2.update(msg);
            let mut m3 = Hmac::<Sm3>::new_from_slice(k).unwrap();
            m3.update(msg);
            for (hash, want) in [
                (Hash::Sha1, hex(&m1.finalize().into_bytes())),
                (Hash::Sha256, hex(&m2.finalize().into_bytes())),
                (Hash::Sm3, hex(&m3.finalize().into_bytes())),
            ] {
                let mut ours = Mac::new(hash, &[a, b]);
                ours.update(b"mess");
                ours.update(b"age");
                assert_eq!(ours.finalize().to_hex(), want, "{hash:?} key length {len}");
            }
        }
    }

    #[test]
    fn hashes_match_known_answers() {
        // FIPS 180-4 / GB/T 32905-2016 "abc" examples.
        assert_eq!(
            hash_hex(Hash::Sha1, b"abc").as_str(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hash_hex(Hash::Sha256, b"abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hash_hex(Hash::Sm3, b"abc").as_str(),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
