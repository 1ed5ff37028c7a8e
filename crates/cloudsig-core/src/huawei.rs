//! Huawei Cloud AK/SK signing: SDK-HMAC-SHA256, SDK-HMAC-SM3 and V11-HMAC-SHA256.
//!
//! ```text
//! SDK-HMAC-SHA256  StringToSign = "SDK-HMAC-SHA256\n" + X-Sdk-Date + "\n" + Hex(SHA256(CanonicalRequest))
//!                  Signature    = Hex(HMAC_SHA256(SK, StringToSign))
//! SDK-HMAC-SM3     the same with SM3 for both hashes and the HMAC
//! V11-HMAC-SHA256  Scope        = YYYYMMDD + "/" + region + "/" + service
//!                  StringToSign = "V11-HMAC-SHA256\n" + X-Sdk-Date + "\n" + Scope + "\n" + Hex(SHA256(CanonicalRequest))
//!                  DerivedKey   = Hex(HKDF_SHA256(salt = AK, ikm = SK, info = Scope, 32 bytes))
//!                  Signature    = Hex(HMAC_SHA256(DerivedKey as its 64 ASCII characters, StringToSign))
//! ```
//!
//! The V11 derivation is the official SDKs' (huaweicloudsdkcore `signer/hkdf.py`, the Go and
//! Java `DerivedSigner`): RFC 5869 HKDF with the AK as salt, and the derived key used as its
//! lowercase hex text, not as raw bytes. Nothing here allocates.
//!
//! ```
//! use cloudsig_core::{SecretKey, huawei::{Algorithm, SdkDate, SigningKey, hash_hex}};
//! // vectors/huawei/sdk_hmac.json, `sdk-hmac-sha256-vpcs-documented` (Huawei Cloud's AK/SK signing document).
//! let sk = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")?;
//! let key = SigningKey::new(Algorithm::SdkHmacSha256, "QTWAOYTTINDUT2QVKYUC", &sk, None)?;
//! let date = SdkDate::parse("20191115T033655Z")?;
//! let canonical = "GET\n/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n\
//!     limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n\
//!     content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n\n\
//!     content-type;host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
//! let hashed = hash_hex(Algorithm::SdkHmacSha256, canonical.as_bytes());
//! assert_eq!(hashed.as_str(), "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
//! let signature = key.sign_parts(&date, None, &hashed);
//! assert_eq!(signature.as_str(), "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
//! # Ok::<(), cloudsig_core::Error>(())
//! ```

use core::fmt;

use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::date::UtcDateTime;
use crate::error::{Error, ErrorKind};
use crate::hash::{Hash, HexDigest, Mac};
use crate::secret::SecretKey;

/// The header that carries the request time, `YYYYMMDDTHHMMSSZ`.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// The header whose value replaces the payload hash (`UNSIGNED-PAYLOAD`), for the
/// SHA-256 algorithms.
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";
/// The same header for SDK-HMAC-SM3 (what huaweicloudsdkcore 3.1.219 sends).
pub const CONTENT_SM3_HEADER: &str = "X-Sdk-Content-Sm3";
/// The payload-hash value that leaves the body unsigned.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The longest region or service name accepted in a V11 scope.
pub const MAX_SCOPE_PART_LEN: usize = 64;

/// A Huawei Cloud AK/SK signing algorithm.
///
/// ```
/// use cloudsig_core::huawei::Algorithm;
/// assert_eq!(Algorithm::from_name("SDK-HMAC-SM3"), Some(Algorithm::SdkHmacSm3));
/// assert_eq!(Algorithm::V11HmacSha256.to_string(), "V11-HMAC-SHA256");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `SDK-HMAC-SHA256`: HMAC-SHA256 keyed with the SK.
    SdkHmacSha256,
    /// `SDK-HMAC-SM3`: SM3 hashes and HMAC-SM3 keyed with the SK.
    SdkHmacSm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with an HKDF key derived per date, region, service.
    V11HmacSha256,
}

impl Algorithm {
    /// Every algorithm, in a fixed order.
    pub const ALL: [Algorithm; 3] = [
        Algorithm::SdkHmacSha256,
        Algorithm::SdkHmacSm3,
        Algorithm::V11HmacSha256,
    ];

    /// The name that starts the string to sign and the Authorization header.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::SdkHmacSha256 => "SDK-HMAC-SHA256",
            Algorithm::SdkHmacSm3 => "SDK-HMAC-SM3",
            Algorithm::V11HmacSha256 => "V11-HMAC-SHA256",
        }
    }

    /// The algorithm with this exact name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether the algorithm needs a credential scope (V11).
    pub const fn uses_scope(self) -> bool {
        matches!(self, Algorithm::V11HmacSha256)
    }

    /// The hash of the canonical request, the payload and the HMAC.
    pub const fn hash(self) -> Hash {
        if self.uses_sm3() {
            Hash::Sm3
        } else {
            Hash::Sha256
        }
    }

    /// Whether the hashes are SM3 (otherwise SHA-256).
    pub const fn uses_sm3(self) -> bool {
        matches!(self, Algorithm::SdkHmacSm3)
    }

    /// The header whose value, when present, is the payload line of the canonical
    /// request (`UNSIGNED-PAYLOAD`): `X-Sdk-Content-Sm3` for SM3, else
    /// `X-Sdk-Content-Sha256`.
    ///
    /// ```
    /// use cloudsig_core::huawei::Algorithm;
    /// assert_eq!(Algorithm::SdkHmacSm3.content_header(), "X-Sdk-Content-Sm3");
    /// assert_eq!(Algorithm::V11HmacSha256.content_header(), "X-Sdk-Content-Sha256");
    /// ```
    pub const fn content_header(self) -> &'static str {
        if self.uses_sm3() {
            CONTENT_SM3_HEADER
        } else {
            CONTENT_SHA256_HEADER
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A validated `X-Sdk-Date` value, `YYYYMMDDTHHMMSSZ` (always UTC).
///
/// ```
/// use cloudsig_core::huawei::SdkDate;
/// let d = SdkDate::from_unix(1573788615)?;
/// assert_eq!(d.as_str(), "20191115T033015Z");
/// assert_eq!(SdkDate::parse("20191115T033015Z")?.to_unix(), 1573788615);
/// assert!(SdkDate::parse("2019-11-15T03:30:15Z").is_err());
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SdkDate {
    text: [u8; 16],
    unix: i64,
}

impl SdkDate {
    /// The X-Sdk-Date of a Unix timestamp.
    pub fn from_unix(timestamp: i64) -> Result<Self, Error> {
        let t = UtcDateTime::from_unix(timestamp)?;
        Ok(Self {
            text: t.to_basic_iso(),
            unix: timestamp,
        })
    }

    /// Parses `YYYYMMDDTHHMMSSZ`, checking that it names a real date and time.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let t = UtcDateTime::parse_basic(text)
            .map_err(|_| Error::new(ErrorKind::Malformed, "X-Sdk-Date"))?;
        Ok(Self {
            text: t.to_basic_iso(),
            unix: t.to_unix(),
        })
    }

    /// The 16 characters.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The `YYYYMMDD` day that starts the V11 scope.
    pub fn day(&self) -> &str {
        let (day, _) = self.text.split_at(8);
        core::str::from_utf8(day).unwrap_or_default()
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn to_unix(&self) -> i64 {
        self.unix
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The V11 credential scope `YYYYMMDD/region/service`; `Display` prints it.
///
/// ```
/// use cloudsig_core::huawei::{Scope, SdkDate};
/// let s = Scope::new(&SdkDate::parse("20191115T033655Z")?, "cn-north-4", "vpc")?;
/// assert_eq!(s.to_string(), "20191115/cn-north-4/vpc");
/// assert!(Scope::new(&SdkDate::parse("20191115T033655Z")?, "a/b", "vpc").is_err());
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope<'a> {
    day: [u8; 8],
    region: &'a str,
    service: &'a str,
}

impl<'a> Scope<'a> {
    /// The scope of `date` in `region` for `service`. Region and service must be 1 to
    /// [`MAX_SCOPE_PART_LEN`] visible ASCII characters without `/`.
    pub fn new(date: &SdkDate, region: &'a str, service: &'a str) -> Result<Self, Error> {
        check_scope_part(region, "region")?;
        check_scope_part(service, "service")?;
        let [y0, y1, y2, y3, m0, m1, d0, d1, ..] = date.text;
        let day = [y0, y1, y2, y3, m0, m1, d0, d1];
        Ok(Self {
            day,
            region,
            service,
        })
    }

    /// `YYYYMMDD`.
    pub fn day(&self) -> &str {
        core::str::from_utf8(&self.day).unwrap_or_default()
    }

    /// The region.
    pub const fn region(&self) -> &'a str {
        self.region
    }

    /// The service.
    pub const fn service(&self) -> &'a str {
        self.service
    }
}

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.day(), self.region, self.service)
    }
}

fn check_scope_part(part: &str, field: &'static str) -> Result<(), Error> {
    if part.is_empty() {
        return Err(Error::new(ErrorKind::Empty, field));
    }
    if part.len() > MAX_SCOPE_PART_LEN {
        return Err(Error::new(ErrorKind::TooLong, field));
    }
    if !part.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
        return Err(Error::new(ErrorKind::InvalidCharacter, field));
    }
    Ok(())
}

/// The crate's one incremental hasher ([`crate::hash::Hasher`]), re-exported here: its
/// `new` takes this cloud's [`Algorithm`] (through `From<Algorithm> for Hash`).
pub use crate::hash::Hasher;

/// An algorithm names its hash (SHA-256 or SM3), so [`Hasher::new`] takes one.
impl From<Algorithm> for Hash {
    /// The algorithm's hash, so that [`Hasher::new`] takes an [`Algorithm`] too.
    fn from(algorithm: Algorithm) -> Self {
        algorithm.hash()
    }
}

/// The hex hash of `data` with `algorithm`'s hash (SM3 for SDK-HMAC-SM3, else SHA-256).
///
/// ```
/// use core::fmt::Write;
/// use cloudsig_core::huawei::{Algorithm, Hasher, hash_hex};
/// let mut h = Hasher::new(Algorithm::SdkHmacSm3);
/// write!(h, "{}", "abc").unwrap();
/// // GB/T 32905-2016, example 1.
/// assert_eq!(h.finalize_hex().as_str(), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
/// assert_eq!(hash_hex(Algorithm::SdkHmacSha256, b"").as_str(),
///            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
pub fn hash_hex(algorithm: Algorithm, data: &[u8]) -> HexDigest {
    // SHA-256 in one pass (ACS3 and SDK-HMAC payloads), through `hash::hash_hex`.
    crate::hash::hash_hex(algorithm.hash(), data)
}

/// Writes the string to sign: `ALG\nX-Sdk-Date\n[scope\n]hash`.
///
/// The scope is written only for V11 (and required there).
pub fn write_string_to_sign<W: fmt::Write>(
    out: &mut W,
    algorithm: Algorithm,
    date: &SdkDate,
    scope: Option<&Scope<'_>>,
    hashed_canonical_request: &str,
) -> fmt::Result {
    write!(out, "{}\n{}\n", algorithm.name(), date)?;
    match scope {
        Some(scope) if algorithm.uses_scope() => writeln!(out, "{scope}")?,
        _ => {}
    }
    out.write_str(hashed_canonical_request)
}

/// The V11 derived key as its 64 lowercase hex characters, the form the HMAC is keyed with.
///
/// Wiped on drop; `Debug` is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DerivedKey([u8; 64]);

impl DerivedKey {
    /// Derives `HKDF_SHA256(salt = AK, ikm = SK, info = scope)` (RFC 5869, 32 bytes) and
    /// hex-encodes it.
    ///
    /// ```
    /// use cloudsig_core::{SecretKey, huawei::{DerivedKey, Scope, SdkDate}};
    /// let scope = Scope::new(&SdkDate::parse("20191115T033655Z")?, "cn-north-4", "vpc")?;
    /// let key = DerivedKey::derive("AK", &SecretKey::new(b"SK")?, &scope)?;
    /// assert_eq!(key.expose_hex().len(), 64);
    /// assert_eq!(format!("{key:?}"), "DerivedKey(<redacted>)");
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn derive(access_key: &str, secret: &SecretKey, scope: &Scope<'_>) -> Result<Self, Error> {
        if access_key.is_empty() {
            return Err(Error::new(ErrorKind::Empty, "access key"));
        }
        let hk = hkdf::Hkdf::<Sha256>::new(Some(access_key.as_bytes()), secret.expose_secret());
        let mut okm = [0u8; 32];
        hk.expand_multi_info(
            &[
                scope.day().as_bytes(),
                b"/",
                scope.region.as_bytes(),
                b"/",
                scope.service.as_bytes(),
            ],
            &mut okm,
        )
        .map_err(|_| Error::new(ErrorKind::OutOfRange, "derived key"))?;
        let mut hex = [b'0'; 64];
        // 32 bytes encode to exactly 64 characters.
        let written = base16ct::lower::encode(&okm, &mut hex).map_or(0, <[u8]>::len);
        debug_assert_eq!(written, 64);
        okm.zeroize();
        Ok(Self(hex))
    }

    /// The 64 hex characters: a secret, for inspection and diagnosis only.
    pub fn expose_hex(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKey(<redacted>)")
    }
}

/// The keyed HMAC that signs, for one algorithm (and, for V11, one scope).
///
/// Keyed once; every signature then clones the keyed state. `Debug` is redacted and the
/// state is wiped on drop (the `hmac` crate's `zeroize` feature, and `HmacKey`'s).
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    keyed: Keyed,
}

/// The keyed state of a [`SigningKey`].
///
/// SDK-HMAC-SHA256 holds only HMAC-SHA256's two keyed states (64 bytes) and signs in
/// one pass (`HmacKey::mac_public`): a streaming [`Mac`] would also zero, move and wipe
/// the inner hash's 256-byte buffer at every keying, which callgrind counted at about 500
/// instructions of the 7,300 outside the compression of a signature keyed per call
/// (issue 17; `benches/callgrind.sh`, mode `sdk-hmac`).
// The `Mac` variant (V11, SDK-HMAC-SM3) is the size the key had before; the core has no
// allocator to box it.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Keyed {
    Sha256(crate::sha256::HmacKey),
    Mac(Mac),
}

impl Keyed {
    /// A streaming MAC with this key.
    fn mac(&self) -> Mac {
        match self {
            Self::Sha256(key) => Mac::from_sha256_key(key),
            Self::Mac(mac) => mac.clone(),
        }
    }
}

impl SigningKey {
    /// The signing key of `algorithm`: the SK itself for SDK-HMAC-*, the
    /// [`DerivedKey`] of `scope` for V11 (which then requires `scope` and `access_key`).
    // Inline (session 26): the key is as large as its SM3 variant, and returned from a
    // call it was copied out of the `Result` (a `memcpy` of the whole enum per call).
    #[inline]
    pub fn new(
        algorithm: Algorithm,
        access_key: &str,
        secret: &SecretKey,
        scope: Option<&Scope<'_>>,
    ) -> Result<Self, Error> {
        let keyed = match algorithm {
            Algorithm::SdkHmacSha256 => {
                Keyed::Sha256(crate::sha256::HmacKey::new(secret.expose_secret()))
            }
            Algorithm::SdkHmacSm3 => {
                Keyed::Mac(Mac::new(algorithm.hash(), &[secret.expose_secret()]))
            }
            Algorithm::V11HmacSha256 => {
                let scope = scope.ok_or(Error::new(ErrorKind::Empty, "credential scope"))?;
                let derived = DerivedKey::derive(access_key, secret, scope)?;
                Keyed::Mac(Mac::new(Hash::Sha256, &[&derived.0]))
            }
        };
        Ok(Self { algorithm, keyed })
    }

    /// The algorithm this key signs for.
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Signs a complete string to sign.
    pub fn sign(&self, string_to_sign: &[u8]) -> HexDigest {
        if let Keyed::Sha256(key) = &self.keyed {
            return HexDigest::from_bytes(&key.mac_public(string_to_sign));
        }
        let mut mac = self.keyed.mac();
        mac.update(string_to_sign);
        mac.finalize().to_hex()
    }

    /// Signs the string to sign given as its parts, streaming them into the HMAC (the
    /// bytes [`write_string_to_sign`] writes).
    pub fn sign_parts(
        &self,
        date: &SdkDate,
        scope: Option<&Scope<'_>>,
        hashed_canonical_request: &HexDigest,
    ) -> HexDigest {
        // SDK-HMAC-SHA256: `Algorithm \n X-Sdk-Date \n hash`, 97 bytes of fixed layout,
        // as a template built when the crate is compiled (the name, the newlines and
        // SHA-256's padding) with only the date's 16 and the hash's 64 characters
        // written in, compressed in one call (issue 17, session 24: the pieces copied
        // one by one cost a `memcpy` call each). The bytes are those
        // `write_string_to_sign` writes (`sign_parts_equals_sign_of_the_written_string`).
        if let Keyed::Sha256(key) = &self.keyed
            && !self.algorithm.uses_scope()
            && let Some(hex) = hashed_canonical_request.as_bytes().first_chunk::<64>()
        {
            let mut blocks = SDK_HMAC_SHA256_TEMPLATE;
            let flat = blocks.as_flattened_mut();
            if let Some(d) = flat
                .get_mut(SDK_DATE_AT..)
                .and_then(|r| r.first_chunk_mut::<16>())
            {
                *d = date.text;
            }
            if let Some(h) = flat
                .get_mut(SDK_HASH_AT..)
                .and_then(|r| r.first_chunk_mut::<64>())
            {
                *h = *hex;
            }
            return HexDigest::from_bytes(&key.mac_padded(&blocks));
        }
        let mut mac = self.keyed.mac();
        // Writing into the MAC cannot fail.
        let _ = write_string_to_sign(
            &mut mac,
            self.algorithm,
            date,
            scope,
            hashed_canonical_request.as_str(),
        );
        mac.finalize().to_hex()
    }
}

impl SigningKey {
    /// Hashes the canonical request written in `text` and signs it at `date`: the hashed
    /// canonical request's bytes (session 27: its hex is written when asked) and the
    /// signature's bytes (session 28, its hex before), as [`SigningKey::sign_parts`] of the text's
    /// hex SHA-256 gives them, the hash's hex written straight into the string to sign's
    /// template (issue 17 item 1, session 26: the SDK-HMAC-SHA256 hot path). `None` for
    /// the other algorithms or a text that was refused; the caller then takes the staged
    /// path.
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, SecretKey, Sha256BlockText, sha256_hex};
    /// use cloudsig_core::huawei::{Algorithm, SdkDate, SigningKey};
    /// let key = SigningKey::new(Algorithm::SdkHmacSha256, "ak", &SecretKey::new(b"k")?, None)?;
    /// let date = SdkDate::parse("20191115T033655Z")?;
    /// let mut text = Sha256BlockText::new();
    /// assert!(text.push(b"canonical request"));
    /// let hashed = sha256_hex(b"canonical request");
    /// let (digest, signature) = key.sign_block_text(&date, &mut text).unwrap();
    /// assert_eq!(HexDigest::from_bytes(&digest), hashed);
    /// assert_eq!(HexDigest::from_bytes(&signature), key.sign_parts(&date, None, &hashed));
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    #[inline]
    pub fn sign_block_text(
        &self,
        date: &SdkDate,
        text: &mut crate::Sha256BlockText,
    ) -> Option<([u8; 32], [u8; 32])> {
        let Keyed::Sha256(key) = &self.keyed else {
            return None;
        };
        if self.algorithm.uses_scope() {
            return None;
        }
        let digest = text.finalize()?;
        let mut blocks = SDK_HMAC_SHA256_TEMPLATE;
        let flat = blocks.as_flattened_mut();
        *flat.get_mut(SDK_DATE_AT..)?.first_chunk_mut::<16>()? = date.text;
        let slot = flat.get_mut(SDK_HASH_AT..)?.first_chunk_mut::<64>()?;
        crate::hash::write_hex(slot, &digest);
        Some((digest, key.mac_padded(&blocks)))
    }
}

/// Where the `X-Sdk-Date` starts in the SDK-HMAC-SHA256 string to sign.
const SDK_DATE_AT: usize = Algorithm::SdkHmacSha256.name().len() + 1;
/// Where the hashed canonical request starts in it.
const SDK_HASH_AT: usize = SDK_DATE_AT + 16 + 1;

/// The SDK-HMAC-SHA256 string to sign, `SDK-HMAC-SHA256 \n` 16 characters of date `\n`
/// 64 of hash (97 bytes), with the date and hash left as zeros and SHA-256's padding for
/// an inner hash that continues after HMAC's ipad block: (64 + 97) × 8 = 1,288 bits.
// Indexed only while the constant is evaluated: an index out of range would fail the
// build, never a run.
#[allow(clippy::indexing_slicing)]
const SDK_HMAC_SHA256_TEMPLATE: [[u8; 64]; 2] = {
    let mut t = [[0u8; 64]; 2];
    let name = Algorithm::SdkHmacSha256.name().as_bytes();
    let mut i = 0;
    while i < name.len() {
        t[0][i] = name[i];
        i += 1;
    }
    t[0][SDK_DATE_AT - 1] = b'\n';
    t[0][SDK_HASH_AT - 1] = b'\n';
    let end = SDK_HASH_AT + 64;
    t[end / 64][end % 64] = 0x80;
    let bits = ((64 + end) as u64 * 8).to_be_bytes();
    let mut j = 0;
    while j < 8 {
        t[1][56 + j] = bits[j];
        j += 1;
    }
    t
};

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "huawei::SigningKey({}, <redacted>)", self.algorithm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_date_round_trips_and_rejects() {
        for ts in [0, 1_573_788_615, 951_782_400, 4_102_444_799] {
            let d = SdkDate::from_unix(ts).unwrap();
            assert_eq!(SdkDate::parse(d.as_str()).unwrap().to_unix(), ts);
        }
        for bad in [
            "20191115T033015",
            "20191315T033015Z",
            "20190230T033015Z",
            "20191115T243015Z",
            "20191115 033015Z",
            "2019111xT033015Z",
            "",
        ] {
            assert!(SdkDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn v11_needs_a_scope_and_an_access_key() {
        let sk = SecretKey::new(b"sk").unwrap();
        assert!(SigningKey::new(Algorithm::V11HmacSha256, "ak", &sk, None).is_err());
        let date = SdkDate::from_unix(0).unwrap();
        let scope = Scope::new(&date, "r", "s").unwrap();
        assert!(SigningKey::new(Algorithm::V11HmacSha256, "", &sk, Some(&scope)).is_err());
    }

    #[test]
    fn sign_parts_equals_sign_of_the_written_string() {
        let sk = SecretKey::new(b"secret").unwrap();
        let date = SdkDate::from_unix(1_573_788_615).unwrap();
        let scope = Scope::new(&date, "cn-north-4", "ecs").unwrap();
        let hashed = hash_hex(Algorithm::SdkHmacSha256, b"x");
        for alg in Algorithm::ALL {
            let key = SigningKey::new(alg, "ak", &sk, Some(&scope)).unwrap();
            let mut buf = [0u8; 256];
            let mut w = Buf(&mut buf, 0);
            write_string_to_sign(&mut w, alg, &date, Some(&scope), hashed.as_str()).unwrap();
            let n = w.1;
            assert_eq!(
                key.sign(&buf[..n]),
                key.sign_parts(&date, Some(&scope), &hashed)
            );
        }
    }

    struct Buf<'a>(&'a mut [u8], usize);
    impl fmt::Write for Buf<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.1 + s.len();
            self.0
                .get_mut(self.1..end)
                .ok_or(fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
}
