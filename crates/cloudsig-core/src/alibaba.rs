//! Alibaba Cloud signatures: ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (signature V3, hex), and
//! the V2 HMAC-SHA1 signatures of ROA (`Authorization: acs AK:sig`) and RPC (the
//! `Signature` parameter, keyed with `secret + "&"`), base64.
//!
//! ```text
//! ACS3: StringToSign = Algorithm \n Hex(Hash(CanonicalRequest))
//!       Signature    = Hex(HMAC(AccessKeySecret, StringToSign))   (Hash/HMAC: SHA-256 or SM3)
//! ROA:  Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))
//! RPC:  Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
//! ```
//!
//! Nothing here allocates; the canonical text is built by `cloudsig-canonical`.
//!
//! ```
//! use cloudsig_core::{SecretKey, alibaba};
//! // vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances` (Alibaba Cloud's signature V3 document).
//! let secret = SecretKey::new(b"YourAccessKeySecret")?;
//! let sts = "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259";
//! let sig = alibaba::sign_acs3(&secret, alibaba::Algorithm::HmacSha256, sts.as_bytes());
//! assert_eq!(sig.as_str(), "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
//! # Ok::<(), cloudsig_core::Error>(())
//! ```

use core::fmt;

use crate::hash::{Hash, HexDigest, Mac};
use crate::secret::SecretKey;
use crate::v1::Signature;

/// The Authorization scheme of ROA V2 signatures: `acs AccessKeyId:Signature`.
pub const ROA_SCHEME: &str = "acs";
/// The `SignatureMethod` value of RPC and ROA V2 signatures.
pub const HMAC_SHA1: &str = "HMAC-SHA1";
/// The `SignatureVersion` value of RPC and ROA V2 signatures.
pub const SIGNATURE_VERSION_1_0: &str = "1.0";

/// The hash and HMAC of an ACS3 signature, named by the Authorization prefix.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// `ACS3-HMAC-SHA256`, what the SDKs use by default.
    #[default]
    HmacSha256,
    /// `ACS3-HMAC-SM3` (GB/T 32905 SM3 for both the hashes and the HMAC).
    HmacSm3,
}

impl Algorithm {
    /// The name that starts the string to sign and the Authorization header.
    ///
    /// ```
    /// use cloudsig_core::alibaba::Algorithm;
    /// assert_eq!(Algorithm::HmacSm3.name(), "ACS3-HMAC-SM3");
    /// assert_eq!(Algorithm::from_name("ACS3-HMAC-SHA256"), Some(Algorithm::HmacSha256));
    /// assert_eq!(Algorithm::from_name("acs3-hmac-sha256"), None);
    /// ```
    pub const fn name(&self) -> &'static str {
        match self {
            Self::HmacSha256 => "ACS3-HMAC-SHA256",
            Self::HmacSm3 => "ACS3-HMAC-SM3",
        }
    }

    /// The hash of the canonical request, the payload and the HMAC.
    pub const fn hash(&self) -> Hash {
        match self {
            Self::HmacSha256 => Hash::Sha256,
            Self::HmacSm3 => Hash::Sm3,
        }
    }

    /// The algorithm named exactly `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ACS3-HMAC-SHA256" => Some(Self::HmacSha256),
            "ACS3-HMAC-SM3" => Some(Self::HmacSm3),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
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

/// The hash of `data` with `algorithm`'s hash, as lowercase hex; the same through the
/// incremental [`Hasher`], which `write!` can feed.
///
/// ```
/// use core::fmt::Write;
/// use cloudsig_core::alibaba::{Algorithm, Hasher};
/// let mut h = Hasher::new(Algorithm::HmacSm3);
/// write!(h, "a{}", "bc").unwrap();
/// // GB/T 32905-2016, example 1.
/// assert_eq!(h.finalize_hex().as_str(),
///            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
/// ```
///
/// ```
/// use cloudsig_core::alibaba::{Algorithm, hash_hex};
/// assert_eq!(hash_hex(Algorithm::HmacSha256, b"").as_str(),
///            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// ```
pub fn hash_hex(algorithm: Algorithm, data: &[u8]) -> HexDigest {
    // SHA-256 in one pass (ACS3 and SDK-HMAC payloads), through `hash::hash_hex`.
    crate::hash::hash_hex(algorithm.hash(), data)
}

/// An incremental ACS3 signer: HMAC (SHA-256 or SM3) keyed with the AccessKey secret,
/// fed the string to sign; the result is lowercase hex. Nothing is allocated.
#[derive(Clone)]
pub struct Acs3Signer(Mac);

impl Acs3Signer {
    /// A signer keyed with `secret`.
    pub fn new(secret: &SecretKey, algorithm: Algorithm) -> Self {
        Self(Mac::new(algorithm.hash(), &[secret.expose_secret()]))
    }

    /// Feeds part of the string to sign.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The signature as 64 lowercase hex characters.
    pub fn finish(self) -> HexDigest {
        self.0.finalize().to_hex()
    }
}

impl fmt::Write for Acs3Signer {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Acs3Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("alibaba::Acs3Signer(<redacted>)")
    }
}

/// Writes the ACS3 string to sign, `Algorithm \n HashedCanonicalRequest`.
pub fn write_acs3_string_to_sign<W: fmt::Write>(
    out: &mut W,
    algorithm: Algorithm,
    hashed_canonical_request: &str,
) -> fmt::Result {
    out.write_str(algorithm.name())?;
    out.write_char('\n')?;
    out.write_str(hashed_canonical_request)
}

/// Signs a complete ACS3 string to sign: lowercase hex HMAC.
pub fn sign_acs3(secret: &SecretKey, algorithm: Algorithm, string_to_sign: &[u8]) -> HexDigest {
    let mut s = Acs3Signer::new(secret, algorithm);
    s.update(string_to_sign);
    s.finish()
}

/// Signs the ACS3 string to sign of a hashed canonical request
/// (`Algorithm \n HashedCanonicalRequest`): the bytes [`write_acs3_string_to_sign`]
/// writes, signed as [`sign_acs3`] signs them.
///
/// The key is made for this one signature: a signer of many requests keeps a
/// [`SigningKey`] per secret instead and calls [`SigningKey::sign_hashed`].
///
/// ```
/// use cloudsig_core::{SecretKey, alibaba::{self, Algorithm}, sha256_hex};
/// let secret = SecretKey::new(b"YourAccessKeySecret")?;
/// let hashed = sha256_hex(b"canonical request");
/// for alg in [Algorithm::HmacSha256, Algorithm::HmacSm3] {
///     let text = format!("{}\n{}", alg.name(), hashed);
///     assert_eq!(
///         alibaba::sign_acs3_hashed(&secret, alg, &hashed),
///         alibaba::sign_acs3(&secret, alg, text.as_bytes()),
///     );
/// }
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
pub fn sign_acs3_hashed(
    secret: &SecretKey,
    algorithm: Algorithm,
    hashed_canonical_request: &HexDigest,
) -> HexDigest {
    SigningKey::new(secret, algorithm).sign_hashed(hashed_canonical_request)
}

/// An ACS3 signing key: HMAC (SHA-256 or SM3) keyed once with the AccessKey secret, to
/// sign any number of requests with it.
///
/// ACS3 derives nothing from the secret, but HMAC's keyed states (the compression of
/// the key's ipad and opad blocks, two of the 14 blocks of the documented example's
/// signature) depend on the secret alone: a signer that keeps this key per secret saves
/// them on every request, as TC3's and Huawei's `SigningKey` do. For ACS3-HMAC-SHA256
/// the key holds those two states only (64 bytes), and signs the string to sign as a
/// template written once, padding included, with only the 64 hex characters of the
/// hashed canonical request filled in (one call of the block function, then the outer
/// block).
///
/// `Debug` is redacted; the keyed state is wiped on drop.
///
/// ```
/// use cloudsig_core::{SecretKey, alibaba::{self, Algorithm, SigningKey}, sha256_hex};
/// // vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances`.
/// let key = SigningKey::new(&SecretKey::new(b"YourAccessKeySecret")?, Algorithm::HmacSha256);
/// let hashed = cloudsig_core::HexDigest::parse_lower(
///     "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259").unwrap();
/// assert_eq!(key.sign_hashed(&hashed).as_str(),
///            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
/// assert_eq!(format!("{key:?}"), "alibaba::SigningKey(ACS3-HMAC-SHA256, <redacted>)");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    keyed: Keyed,
}

/// The keyed state of a [`SigningKey`].
// The `Mac` variant (SM3) is the size the key has always had; the core has no
// allocator to box it.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Keyed {
    Sha256(crate::sha256::HmacKey),
    Mac(Mac),
}

/// The ACS3-HMAC-SHA256 string to sign, `ACS3-HMAC-SHA256 \n` and room for the 64 hex
/// characters of the hashed canonical request, with SHA-256's padding for an inner hash
/// that continues after HMAC's ipad block: (64 + 81) × 8 = 1,160 bits. Built when the
/// crate is compiled, so that signing fills in the hash and nothing else.
// Indexed only while the constant is evaluated: an index out of range would fail the
// build, never a run.
#[allow(clippy::indexing_slicing)]
const ACS3_SHA256_TEMPLATE: [[u8; 64]; 2] = {
    let mut t = [[0u8; 64]; 2];
    let name = Algorithm::HmacSha256.name().as_bytes();
    let mut i = 0;
    while i < name.len() {
        t[i / 64][i % 64] = name[i];
        i += 1;
    }
    t[0][ACS3_HASH_AT - 1] = b'\n';
    let end = ACS3_HASH_AT + 64;
    t[end / 64][end % 64] = 0x80;
    let bits = ((64 + end) as u64 * 8).to_be_bytes();
    let mut j = 0;
    while j < 8 {
        t[1][56 + j] = bits[j];
        j += 1;
    }
    t
};

/// Where the hashed canonical request starts in the ACS3-HMAC-SHA256 string to sign.
const ACS3_HASH_AT: usize = Algorithm::HmacSha256.name().len() + 1;

impl SigningKey {
    /// The key of `secret` for `algorithm`.
    pub fn new(secret: &SecretKey, algorithm: Algorithm) -> Self {
        let keyed = match algorithm {
            Algorithm::HmacSha256 => {
                Keyed::Sha256(crate::sha256::HmacKey::new(secret.expose_secret()))
            }
            Algorithm::HmacSm3 => Keyed::Mac(Mac::new(algorithm.hash(), &[secret.expose_secret()])),
        };
        Self { algorithm, keyed }
    }

    /// The algorithm this key signs for.
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Signs a complete string to sign: lowercase hex HMAC.
    pub fn sign(&self, string_to_sign: &[u8]) -> HexDigest {
        match &self.keyed {
            Keyed::Sha256(key) => HexDigest::from_bytes(&key.mac_public(string_to_sign)),
            Keyed::Mac(mac) => {
                let mut mac = mac.clone();
                mac.update(string_to_sign);
                mac.finalize().to_hex()
            }
        }
    }

    /// Signs the string to sign of a hashed canonical request, `Algorithm \n
    /// HashedCanonicalRequest` (the bytes [`write_acs3_string_to_sign`] writes).
    pub fn sign_hashed(&self, hashed_canonical_request: &HexDigest) -> HexDigest {
        match &self.keyed {
            Keyed::Sha256(key) => {
                let mut blocks = ACS3_SHA256_TEMPLATE;
                if let Some(hash) = blocks
                    .as_flattened_mut()
                    .get_mut(ACS3_HASH_AT..)
                    .and_then(|rest| rest.first_chunk_mut::<64>())
                    && let Some(hex) = hashed_canonical_request.as_bytes().first_chunk::<64>()
                {
                    *hash = *hex;
                    return HexDigest::from_bytes(&key.mac_padded(&blocks));
                }
                // Not 64 characters (a `HexDigest` always is): streamed.
                self.sign_streamed(hashed_canonical_request)
            }
            Keyed::Mac(_) => self.sign_streamed(hashed_canonical_request),
        }
    }

    /// Hashes the canonical request written in `text` and signs it: the hashed canonical
    /// request's and the signature's bytes, as [`SigningKey::sign_hashed`] of the text's
    /// hex SHA-256 gives their hex (session 27: the caller writes hex only when asked),
    /// the hash's hex written straight into the string to sign's
    /// template (issue 17 item 1, session 26: the signing hot path). `None` for an
    /// ACS3-HMAC-SM3 key or a text that was refused; the caller then takes the staged
    /// path.
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, SecretKey, Sha256BlockText, sha256_hex, alibaba::{Algorithm, SigningKey}};
    /// let key = SigningKey::new(&SecretKey::new(b"k")?, Algorithm::HmacSha256);
    /// let mut text = Sha256BlockText::new();
    /// assert!(text.push(b"canonical request"));
    /// let hashed = sha256_hex(b"canonical request");
    /// let (digest, mac) = key.sign_block_text(&mut text).unwrap();
    /// assert_eq!(HexDigest::from_bytes(&digest), hashed);
    /// assert_eq!(HexDigest::from_bytes(&mac), key.sign_hashed(&hashed));
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    #[inline]
    pub fn sign_block_text(
        &self,
        text: &mut crate::Sha256BlockText,
    ) -> Option<([u8; 32], [u8; 32])> {
        let Keyed::Sha256(key) = &self.keyed else {
            return None;
        };
        let digest = text.finalize()?;
        let mut blocks = ACS3_SHA256_TEMPLATE;
        let slot = blocks
            .as_flattened_mut()
            .get_mut(ACS3_HASH_AT..)?
            .first_chunk_mut::<64>()?;
        crate::hash::write_hex(slot, &digest);
        Some((digest, key.mac_padded(&blocks)))
    }

    /// [`SigningKey::sign_hashed`] through a streaming MAC.
    fn sign_streamed(&self, hashed_canonical_request: &HexDigest) -> HexDigest {
        let mut mac = match &self.keyed {
            Keyed::Sha256(key) => Mac::from_sha256_key(key),
            Keyed::Mac(mac) => mac.clone(),
        };
        mac.update(self.algorithm.name().as_bytes());
        mac.update(b"\n");
        mac.update(hashed_canonical_request.as_bytes());
        mac.finalize().to_hex()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "alibaba::SigningKey({}, <redacted>)", self.algorithm)
    }
}

/// Signs a ROA V2 string to sign: base64 HMAC-SHA1 keyed with the secret itself.
///
/// ```
/// use cloudsig_core::{SecretKey, alibaba};
/// let secret = SecretKey::new(b"testsecret")?;
/// let sts = b"POST\napplication/json\n\napplication/json\nThu, 26 Oct 2023 10:22:32 GMT\n/";
/// // Python: base64.b64encode(hmac.new(b"testsecret", sts, hashlib.sha1).digest())
/// assert_eq!(alibaba::sign_roa(&secret, sts).as_str(), "7GSVtK7V9cEClVdx2LUJliJpW4o=");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
pub fn sign_roa(secret: &SecretKey, string_to_sign: &[u8]) -> Signature {
    crate::v1::sign(secret, crate::v1::Algorithm::HmacSha1, string_to_sign)
}

/// An incremental RPC signer: HMAC-SHA1 keyed with `secret + "&"`, base64.
#[derive(Clone)]
pub struct RpcSigner(Mac);

impl RpcSigner {
    /// A signer keyed with `secret` followed by `&`.
    pub fn new(secret: &SecretKey) -> Self {
        Self(Mac::new(Hash::Sha1, &[secret.expose_secret(), b"&"]))
    }

    /// Feeds part of the string to sign.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The base64 signature.
    pub fn finish(self) -> Signature {
        self.0.finalize().to_base64()
    }
}

impl fmt::Write for RpcSigner {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for RpcSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("alibaba::RpcSigner(<redacted>)")
    }
}

/// Signs a complete RPC string to sign with `secret + "&"`: base64 HMAC-SHA1.
///
/// ```
/// use cloudsig_core::{SecretKey, alibaba};
/// // vectors/alibaba/rpc.json, `rpc-doc-describe-dedicated-hosts` (Alibaba Cloud's RPC signature document).
/// let sts = "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON\
///            %26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce\
///            %3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp\
///            %3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26";
/// let sig = alibaba::sign_rpc(&SecretKey::new(b"testsecret")?, sts.as_bytes());
/// assert_eq!(sig.as_str(), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
pub fn sign_rpc(secret: &SecretKey, string_to_sign: &[u8]) -> Signature {
    let mut s = RpcSigner::new(secret);
    s.update(string_to_sign);
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::MAX_SECRET_KEY_LEN;

    #[test]
    fn sm3_spec_example_2() {
        // GB/T 32905-2016 example 2: "abcd" repeated 16 times.
        let mut h = Hasher::new(Algorithm::HmacSm3);
        for _ in 0..16 {
            h.update(b"abcd");
        }
        assert_eq!(
            h.finalize_hex().as_str(),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    #[test]
    fn cached_key_signs_the_string_to_sign_as_the_hmac_crate_does() {
        use hmac::{KeyInit, Mac as _};
        extern crate std;
        use std::format;
        // Secrets shorter than, as long as and longer than a block (hashed first), and
        // hashes of several digests: the template's filled-in blocks against HMAC of the
        // written string by the `hmac` crate, and the SM3 key against its streamed MAC.
        for len in [1, 19, 40, 63, 64, 65, 100, MAX_SECRET_KEY_LEN] {
            let raw: std::vec::Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let secret = SecretKey::new(&raw).unwrap();
            let key = SigningKey::new(&secret, Algorithm::HmacSha256);
            assert_eq!(key.algorithm(), Algorithm::HmacSha256);
            for n in 0..4u8 {
                let hashed = crate::sha256_hex(&[n; 3]);
                let text = format!("ACS3-HMAC-SHA256\n{hashed}");
                let mut m = hmac::Hmac::<sha2::Sha256>::new_from_slice(&raw).unwrap();
                m.update(text.as_bytes());
                let expected: [u8; 32] = m.finalize().into_bytes().into();
                let expected = HexDigest::from_bytes(&expected);
                assert_eq!(key.sign_hashed(&hashed), expected, "{len} {n}");
                assert_eq!(key.sign(text.as_bytes()), expected, "{len} {n}");
                assert_eq!(
                    sign_acs3_hashed(&secret, Algorithm::HmacSha256, &hashed),
                    expected
                );
                let sm3 = SigningKey::new(&secret, Algorithm::HmacSm3);
                let text = format!("ACS3-HMAC-SM3\n{hashed}");
                assert_eq!(
                    sm3.sign_hashed(&hashed),
                    sign_acs3(&secret, Algorithm::HmacSm3, text.as_bytes())
                );
            }
        }
        let key = SigningKey::new(&SecretKey::new(b"s").unwrap(), Algorithm::HmacSm3);
        assert_eq!(
            format!("{key:?}"),
            "alibaba::SigningKey(ACS3-HMAC-SM3, <redacted>)"
        );
    }

    #[test]
    fn rpc_key_has_the_ampersand_and_roa_does_not() {
        let secret = SecretKey::new(b"testsecret").unwrap();
        let with_amp = SecretKey::new(b"testsecret&").unwrap();
        assert_eq!(sign_rpc(&secret, b"x"), sign_roa(&with_amp, b"x"));
        assert_ne!(sign_rpc(&secret, b"x"), sign_roa(&secret, b"x"));
        // The longest secret still gets its `&`.
        let long = SecretKey::new(&[b'k'; MAX_SECRET_KEY_LEN]).unwrap();
        assert_eq!(sign_rpc(&long, b"x").as_str().len(), 28);
    }
}
