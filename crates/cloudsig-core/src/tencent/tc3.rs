//! Tencent Cloud TC3-HMAC-SHA256: key derivation and the final signature.
//!
//! ```text
//! SecretDate    = HMAC_SHA256("TC3" + SecretKey, Date)
//! SecretService = HMAC_SHA256(SecretDate, Service)
//! SecretSigning = HMAC_SHA256(SecretService, "tc3_request")
//! Signature     = HexEncode(HMAC_SHA256(SecretSigning, StringToSign))
//! ```

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::date::UtcDate;
use crate::error::{Error, ErrorKind};
use crate::hash::{HexDigest, write_hex};
use crate::secret::SecretKey;
use crate::sha256::{BLOCK_LEN, HmacKey, IV, Sha256Midstate, pad_into, words_bytes};
use sha2::block_api::compress256;

/// The algorithm name that starts the string to sign and the Authorization header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The last element of the credential scope.
pub const TERMINATOR: &str = "tc3_request";
/// The longest service name accepted.
pub const MAX_SERVICE_LEN: usize = 64;

/// The three intermediate keys of TC3 key derivation, for inspection and diagnosis.
///
/// Wiped on drop; `Debug` is redacted. The vectors assert each of them.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DerivedKeys {
    /// `HMAC_SHA256("TC3" + SecretKey, Date)`.
    pub secret_date: [u8; 32],
    /// `HMAC_SHA256(SecretDate, Service)`.
    pub secret_service: [u8; 32],
    /// `HMAC_SHA256(SecretService, "tc3_request")`: the key that signs.
    pub secret_signing: [u8; 32],
}

impl fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DerivedKeys(<redacted>)")
    }
}

/// A derived TC3 signing key for one date and service, kept as a keyed HMAC state.
///
/// Deriving costs three HMACs; a service that signs many requests can derive once per
/// (date, service) and reuse the value, which also skips the HMAC key setup of every
/// signature. It holds only the two keyed SHA-256 states of `SecretSigning` (64 bytes).
/// `Debug` is redacted and the state is wiped on drop.
///
/// ```
/// use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};
/// let secret = SecretKey::new(b"********************************")?;
/// let key = SigningKey::derive(&secret, &UtcDate::from_unix(1551113065)?, "cvm")?;
/// let sig = key.sign_parts(
///     1551113065,
///     &UtcDate::from_unix(1551113065)?,
///     "cvm",
///     "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a",
/// );
/// assert_eq!(sig.as_str(), "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: HmacKey,
    /// The string to sign of the key's date and service, filled in and padded but for
    /// the timestamp and the hash; `None` for a key made by
    /// [`SigningKey::from_secret_signing`], which knows neither.
    template: Option<Template>,
}

/// Seconds in a UTC day (Unix time has no leap seconds).
const SECONDS_PER_DAY: i64 = 86_400;

/// Where the timestamp's ten digits start in the string to sign (after `TC3-HMAC-SHA256\n`).
const DIGITS_AT: usize = ALGORITHM.len() + 1;
/// The digits of the timestamps the template serves: 1,000,000,000 (2001-09-09) to
/// 9,999,999,999 (2286-11-20); a timestamp of any other length takes the streamed path.
const TEMPLATE_DIGITS: usize = 10;
/// Blocks of the longest templated string to sign: 16 + 10 + 1 + 10 + 1 + 64 (service)
/// + 13 + 64 = 179 bytes, 188 with the padding.
const TEMPLATE_BLOCKS: usize = 3;

/// A cached key's string to sign, written once when the key is derived: the algorithm,
/// room for a ten-digit timestamp, the key's date and service, room for the hashed
/// canonical request, and SHA-256's padding (the inner hash continues after the ipad
/// block). Signing fills in 74 bytes and compresses the blocks in one call.
#[derive(Clone)]
struct Template {
    sts: Sts,
    date: UtcDate,
    /// The date as days since 1970-01-01, for [`SigningKey::scope_at`].
    day: i64,
    /// The service, as the key was derived for it (at most [`MAX_SERVICE_LEN`] bytes).
    service: [u8; MAX_SERVICE_LEN],
    service_len: usize,
}

/// The string to sign of one date and service, padded, with room for the timestamp's
/// ten digits and the hashed canonical request: what [`Template`] keeps, and what the
/// per-call path ([`SigningKey::derive_and_sign_blocks`]) writes once on the stack,
/// digits included, without the rest of a `Template`.
#[derive(Clone)]
struct Sts {
    blocks: [[u8; BLOCK_LEN]; TEMPLATE_BLOCKS],
    /// Blocks the padded string to sign fills.
    used: usize,
    /// Where the 64 hex characters of the hashed canonical request go.
    hash_at: usize,
}

impl Sts {
    /// The string to sign of the date `iso` (`YYYY-MM-DD`) and `service` (which
    /// `validate_service` accepted), with the digits zero.
    #[inline]
    fn new(iso: &[u8; 10], service: &str) -> Option<Self> {
        let mut blocks = [[0u8; BLOCK_LEN]; TEMPLATE_BLOCKS];
        let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = *iso;
        let flat = blocks.as_flattened_mut();
        let mut at = 0;
        for piece in [
            ALGORITHM.as_bytes(),
            b"\n0000000000\n",
            &[y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1, b'/'],
            service.as_bytes(),
            b"/",
            TERMINATOR.as_bytes(),
            b"\n",
        ] {
            flat.get_mut(at..at + piece.len())?.copy_from_slice(piece);
            at += piece.len();
        }
        let hash_at = at;
        let used = pad_into(&mut blocks, hash_at + 64, 1)?;
        Some(Self {
            blocks,
            used,
            hash_at,
        })
    }

    /// Writes the digits of `timestamp`, if it has ten.
    #[inline]
    fn put_digits(&mut self, timestamp: i64) -> Option<()> {
        let n = u64::try_from(timestamp).ok()?;
        if !(1_000_000_000..10_000_000_000).contains(&n) {
            return None;
        }
        let flat = self.blocks.as_flattened_mut();
        let digits = flat.get_mut(DIGITS_AT..DIGITS_AT + TEMPLATE_DIGITS)?;
        let (high, low) = digits.split_at_mut(TEMPLATE_DIGITS / 2);
        // Two independent chains of five divisions instead of one of ten: half the
        // latency.
        let (mut h, mut l) = (n / 100_000, n % 100_000);
        for (dh, dl) in high.iter_mut().rev().zip(low.iter_mut().rev()) {
            // Both remainders are below 10, so the casts cannot truncate.
            *dh = b'0' + (h % 10) as u8;
            *dl = b'0' + (l % 10) as u8;
            h /= 10;
            l /= 10;
        }
        Some(())
    }

    /// The hash's 64 characters.
    #[inline]
    fn hash_slot(&mut self) -> Option<&mut [u8; 64]> {
        self.blocks
            .as_flattened_mut()
            .get_mut(self.hash_at..)?
            .first_chunk_mut::<64>()
    }
}

impl Template {
    /// The template for `date` and `service`, which `validate_service` accepted.
    fn new(date: &UtcDate, service: &str) -> Option<Self> {
        let mut names = [0u8; MAX_SERVICE_LEN];
        names
            .get_mut(..service.len())?
            .copy_from_slice(service.as_bytes());
        Some(Self {
            sts: Sts::new(&date.to_iso(), service)?,
            date: *date,
            day: date.days(),
            service: names,
            service_len: service.len(),
        })
    }

    /// Whether the template is that of `date` and `service`.
    #[inline]
    fn serves(&self, date: &UtcDate, service: &str) -> bool {
        self.date == *date && self.service.get(..self.service_len) == Some(service.as_bytes())
    }

    /// The padded string to sign of `timestamp` and `hashed`, if the timestamp has ten
    /// digits and the hash 64 characters.
    #[inline]
    fn fill(&self, timestamp: i64, hashed: &[u8]) -> Option<Sts> {
        let hashed: &[u8; 64] = hashed.try_into().ok()?;
        let mut sts = self.start(timestamp)?;
        *sts.hash_slot()? = *hashed;
        Some(sts)
    }

    /// A copy of the template with the digits of `timestamp` written in, if it has ten.
    #[inline]
    fn start(&self, timestamp: i64) -> Option<Sts> {
        let mut sts = self.sts.clone();
        sts.put_digits(timestamp)?;
        Some(sts)
    }
}

impl SigningKey {
    /// Derives the signing key for `date` (the UTC date of the request timestamp) and
    /// `service` (the first label of the host, such as `cvm`).
    pub fn derive(secret: &SecretKey, date: &UtcDate, service: &str) -> Result<Self, Error> {
        let (key, mut stages) = Self::derive_words(secret, date, service)?;
        stages.zeroize();
        Ok(key)
    }

    /// Like [`SigningKey::derive`], also returning the intermediate keys.
    pub fn derive_with_stages(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
    ) -> Result<(Self, DerivedKeys), Error> {
        let (key, mut stages) = Self::derive_words(secret, date, service)?;
        let [date_words, service_words, signing_words] = &stages;
        let keys = DerivedKeys {
            secret_date: words_bytes(date_words),
            secret_service: words_bytes(service_words),
            secret_signing: words_bytes(signing_words),
        };
        stages.zeroize();
        Ok((key, keys))
    }

    /// The chain of three HMACs. Each derived key stays in the words of the state that
    /// computed it and goes straight into the next key block, one scratch block wiped at
    /// the end; the caller wipes the words.
    fn derive_words(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
    ) -> Result<(Self, [[u32; 8]; 3]), Error> {
        validate_service(service)?;
        let mut block = [0u8; BLOCK_LEN];
        // "TC3" + SecretKey is one HMAC key.
        let secret_date =
            HmacKey::new_in(&mut block, b"TC3", secret.expose_secret()).mac_words(&date.to_iso());
        let secret_service =
            HmacKey::from_words_in(&mut block, &secret_date).mac_words(service.as_bytes());
        let secret_signing =
            HmacKey::from_words_in(&mut block, &secret_service).mac_words(TERMINATOR.as_bytes());
        let key = Self {
            key: HmacKey::from_words_in(&mut block, &secret_signing),
            template: Template::new(date, service),
        };
        block.zeroize();
        Ok((key, [secret_date, secret_service, secret_signing]))
    }

    /// The date and service the key was derived for, when `timestamp` falls on that
    /// date: the credential scope of a request signed with this key, found without
    /// computing the date of the timestamp or checking the service again (both were
    /// fixed, and the service checked, when the key was derived). `None` for a
    /// timestamp on another date, and for a key made by
    /// [`SigningKey::from_secret_signing`], which knows neither.
    ///
    /// ```
    /// use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};
    /// let date = UtcDate::from_unix(1551113065)?; // 2019-02-25
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &date, "cvm")?;
    /// assert_eq!(key.scope_at(1551113065), Some((date, "cvm")));
    /// assert_eq!(key.scope_at(1551052800 - 1), None); // 2019-02-24T23:59:59Z
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    #[inline]
    pub fn scope_at(&self, timestamp: i64) -> Option<(UtcDate, &str)> {
        let t = self.template.as_ref()?;
        if timestamp.div_euclid(SECONDS_PER_DAY) != t.day {
            return None;
        }
        let service = core::str::from_utf8(t.service.get(..t.service_len)?).ok()?;
        Some((t.date, service))
    }

    /// A signing key from an already derived `SecretSigning`.
    pub fn from_secret_signing(secret_signing: &[u8; 32]) -> Self {
        Self {
            key: HmacKey::new(secret_signing),
            template: None,
        }
    }

    /// Signs a complete string to sign.
    pub fn sign(&self, string_to_sign: &[u8]) -> HexDigest {
        let mut mac = self.key.start();
        mac.update(string_to_sign);
        HexDigest::from_bytes(&self.key.finish(&mut mac))
    }

    /// Signs into a caller's buffer and returns the 64 hex characters written.
    pub fn sign_into<'b>(&self, string_to_sign: &[u8], out: &'b mut [u8; 64]) -> &'b str {
        let sig = self.sign(string_to_sign);
        for (d, s) in out.iter_mut().zip(sig.as_bytes()) {
            *d = *s;
        }
        core::str::from_utf8(out).unwrap_or_default()
    }

    /// Signs the string to sign given as its parts, streaming them into the HMAC:
    /// `TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashed_canonical_request}`.
    ///
    /// The parts are used as given; the caller is responsible for `date` and `service`
    /// being the ones this key was derived for.
    pub fn sign_parts(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &str,
    ) -> HexDigest {
        HexDigest::from_bytes(&self.sign_parts_bytes(
            timestamp,
            date,
            service,
            hashed_canonical_request.as_bytes(),
        ))
    }

    /// [`SigningKey::sign_parts`] with the hashed canonical request as the [`HexDigest`]
    /// that computed it, which spares checking its text again.
    ///
    /// ```
    /// use cloudsig_core::{SecretKey, UtcDate, sha256_hex, tc3::SigningKey};
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &date, "cvm")?;
    /// let hashed = sha256_hex(b"canonical request");
    /// assert_eq!(
    ///     key.sign_hashed(1551113065, &date, "cvm", &hashed),
    ///     key.sign_parts(1551113065, &date, "cvm", hashed.as_str()),
    /// );
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn sign_hashed(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &HexDigest,
    ) -> HexDigest {
        HexDigest::from_bytes(&self.sign_parts_bytes(
            timestamp,
            date,
            service,
            hashed_canonical_request.as_bytes(),
        ))
    }

    /// [`SigningKey::sign_hashed`] with the hashed canonical request given as its 32
    /// bytes, and the signature returned as the HMAC's 32 bytes: the staged path's step
    /// for a caller that keeps digests raw and writes their hex only when asked
    /// (session 27).
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, SecretKey, UtcDate, sha256_hex, tc3::SigningKey};
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &date, "cvm")?;
    /// let digest = [7u8; 32];
    /// assert_eq!(
    ///     HexDigest::from_bytes(&key.sign_digest(1551113065, &date, "cvm", &digest)),
    ///     key.sign_hashed(1551113065, &date, "cvm", &HexDigest::from_bytes(&digest)),
    /// );
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn sign_digest(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &[u8; 32],
    ) -> [u8; 32] {
        let mut hex = [0u8; 64];
        write_hex(&mut hex, hashed_canonical_request);
        self.sign_parts_bytes(timestamp, date, service, &hex)
    }

    /// Hashes the canonical request written in `text` and signs it: the canonical
    /// request's SHA-256 and the signature's HMAC-SHA256, as their 32 bytes; their hex
    /// is what `text.sha256_hex()` and [`SigningKey::sign_hashed`] of it give.
    ///
    /// With the key's own date and service and a ten-digit timestamp (the cached
    /// template's case), the digest's hex is written straight into the string to sign's
    /// block buffer, with no other copy on the way: the signing hot path of issue 17.
    /// Neither digest is written as hex for the caller, who writes it when it is asked
    /// for (session 27: handing back both stages' hex cost about 0.1x of the 8-block
    /// floor). Any other case takes [`CanonicalBlocks::sha256_hex`] and
    /// [`SigningKey::sign_hashed`].
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, SecretKey, UtcDate, sha256_hex, tc3::{CanonicalBlocks, SigningKey}};
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &date, "cvm")?;
    /// let mut text = CanonicalBlocks::new();
    /// text.put(b"canonical request").unwrap();
    /// let hashed = sha256_hex(b"canonical request");
    /// let (digest, mac) = key.sign_blocks(1551113065, &date, "cvm", &mut text);
    /// assert_eq!(
    ///     (HexDigest::from_bytes(&digest), HexDigest::from_bytes(&mac)),
    ///     (hashed, key.sign_hashed(1551113065, &date, "cvm", &hashed)),
    /// );
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    #[inline]
    pub fn sign_blocks(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        text: &mut CanonicalBlocks,
    ) -> ([u8; 32], [u8; 32]) {
        let sts = self
            .template
            .as_ref()
            .filter(|t| t.serves(date, service))
            .and_then(|t| t.start(timestamp));
        let digest = text.sha256();
        if let Some(mac) = sts.and_then(|sts| self.sign_template(sts, &digest)) {
            return (digest, mac);
        }
        (digest, self.sign_digest(timestamp, date, service, &digest))
    }

    /// The signature's HMAC-SHA256 of `digest` (the canonical request's SHA-256)
    /// through the string to sign `sts`, filled in but for the hash.
    #[inline]
    fn sign_template(&self, mut sts: Sts, digest: &[u8; 32]) -> Option<[u8; 32]> {
        let slot = sts.hash_slot()?;
        write_hex(slot, digest);
        Some(self.key.mac_padded(sts.blocks.get(..sts.used)?))
    }

    /// Derives the key for `date` and `service` and signs the canonical request in
    /// `text`, whose last part this writes: the hex SHA-256 of `payload`. Returns the
    /// payload's SHA-256, the canonical request's SHA-256 and the signature's
    /// HMAC-SHA256 (32 bytes each, their hex written only where it is hashed), as
    /// [`CanonicalBlocks::put_sha256_hex`], [`SigningKey::derive`] and
    /// [`SigningKey::sign_blocks`] give them one after the other.
    ///
    /// The derivation is a chain of 14 dependent single-block calls of the block
    /// function; the payload's and the canonical request's blocks, which need no key,
    /// are compressed one per call between them instead of after them, so that the
    /// processor overlaps the two chains (issue 17: the per-call signature 1.47-1.49x
    /// → see `benches/README.md`). `None`, with `text` as it was, where the hex does not
    /// fit in `text`, the service is refused, the timestamp has not ten digits or is
    /// not on `date`'s day: the caller then takes the other path, which signs or says
    /// why.
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, SecretKey, UtcDate, sha256_hex, tc3::{CanonicalBlocks, SigningKey}};
    /// let secret = SecretKey::new(b"k")?;
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let mut text = CanonicalBlocks::new();
    /// text.put(b"POST\n").unwrap();
    /// let (payload, hashed, signature) =
    ///     SigningKey::derive_and_sign_blocks(&secret, &date, "cvm", 1551113065, &mut text, b"{}")
    ///         .unwrap();
    /// assert_eq!(HexDigest::from_bytes(&payload), sha256_hex(b"{}"));
    /// let mut expected = CanonicalBlocks::new();
    /// expected.put(b"POST\n").unwrap();
    /// assert_eq!(payload, expected.put_sha256_hex(b"{}").unwrap());
    /// let key = SigningKey::derive(&secret, &date, "cvm")?;
    /// assert_eq!((hashed, signature), key.sign_blocks(1551113065, &date, "cvm", &mut expected));
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn derive_and_sign_blocks(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
        timestamp: i64,
        text: &mut CanonicalBlocks,
        payload: &[u8],
    ) -> Option<([u8; 32], [u8; 32], [u8; 32])> {
        Self::derive_and_sign_writing(
            secret,
            date,
            service,
            timestamp,
            text,
            |_| Some(()),
            payload,
        )
    }

    /// [`SigningKey::derive_and_sign_blocks`] with the canonical request written by
    /// `write` (into `text`, up to its payload hash) once the derivation's first two
    /// calls of the block function are issued: the text work, which needs no key, runs
    /// while those calls are in flight instead of before them (issue 17 item 1, session
    /// 26). `None` where `write` answers `None` (then `text` holds what it wrote) and
    /// wherever [`SigningKey::derive_and_sign_blocks`] answers `None`.
    ///
    /// ```
    /// use cloudsig_core::{SecretKey, UtcDate, tc3::{CanonicalBlocks, SigningKey}};
    /// let secret = SecretKey::new(b"k")?;
    /// let date = UtcDate::from_unix(1551113065)?;
    /// let mut written = CanonicalBlocks::new();
    /// let signed = SigningKey::derive_and_sign_writing(
    ///     &secret, &date, "cvm", 1551113065, &mut written, |t| t.put(b"POST\n"), b"{}",
    /// );
    /// // What the key derived alone signs for the same text and payload.
    /// let key = SigningKey::derive(&secret, &date, "cvm")?;
    /// let mut text = CanonicalBlocks::new();
    /// text.put(b"POST\n").unwrap();
    /// let payload = text.put_sha256_hex(b"{}").unwrap();
    /// let (hashed, signature) = key.sign_blocks(1551113065, &date, "cvm", &mut text);
    /// assert_eq!(signed, Some((payload, hashed, signature)));
    /// assert_eq!(written.as_bytes(), text.as_bytes());
    /// let refused = SigningKey::derive_and_sign_writing(
    ///     &secret, &date, "cvm", 1551113065, &mut CanonicalBlocks::new(), |_| None, b"{}",
    /// );
    /// assert_eq!(refused, None);
    /// # Ok::<(), cloudsig_core::Error>(())
    /// ```
    pub fn derive_and_sign_writing<W: FnOnce(&mut CanonicalBlocks) -> Option<()>>(
        secret: &SecretKey,
        date: &UtcDate,
        service: &str,
        timestamp: i64,
        text: &mut CanonicalBlocks,
        write: W,
        payload: &[u8],
    ) -> Option<([u8; 32], [u8; 32], [u8; 32])> {
        validate_service(service).ok()?;
        if timestamp.div_euclid(SECONDS_PER_DAY) != date.days() {
            return None;
        }
        // The string to sign, digits written, once on the stack: not a whole
        // `Template` (the key is not kept) and not a copy of one (issue 17 item 1,
        // session 26); the date's text once for it and the derivation.
        let iso = date.to_iso();
        let mut sts = Sts::new(&iso, service)?;
        sts.put_digits(timestamp)?;
        let mut block = [0u8; BLOCK_LEN];
        // The first key's two states (ipad, opad: independent calls), then the text
        // while they are computed.
        let first =
            HmacKey::new_in_stepping(&mut block, b"TC3", secret.expose_secret(), &mut || {});
        let ready = write(text).and_then(|()| {
            let hex_at = text.len;
            let end = hex_at.checked_add(64)?;
            if end > CANONICAL_BLOCKS_MAX {
                return None;
            }
            let used = pad_into(&mut text.blocks, end, 0)?;
            let (whole, tail) = payload.as_chunks::<BLOCK_LEN>();
            let mut last = [[0u8; BLOCK_LEN]; 2];
            last.as_flattened_mut()
                .get_mut(..tail.len())?
                .copy_from_slice(tail);
            let last_used = pad_into(&mut last, tail.len(), whole.len() as u64)?;
            Some((hex_at, end, used, whole, last, last_used))
        });
        let Some((hex_at, end, used, whole, last, last_used)) = ready else {
            block.zeroize();
            return None;
        };
        // The text's leading blocks compressed already (a template's), if any.
        let from = text.leading_blocks();
        let mid = text.mid.state();
        let mut side = Side {
            state: IV,
            whole,
            last,
            last_used,
            canonical: &mut text.blocks,
            canonical_from: from,
            canonical_mid: mid,
            canonical_used: used,
            hex_at,
            step: 0,
            payload_digest: [0; 32],
        };
        let mut step = || {
            side.step();
        };
        // The chain of `derive_words`, with `step` after each call of the block function.
        let mut secret_date = first.mac_words_stepping(&iso, &mut step);
        drop(first);
        let mut secret_service =
            HmacKey::from_words_in_stepping(&mut block, &secret_date, &mut step)
                .mac_words_stepping(service.as_bytes(), &mut step);
        let mut secret_signing =
            HmacKey::from_words_in_stepping(&mut block, &secret_service, &mut step)
                .mac_words_stepping(TERMINATOR.as_bytes(), &mut step);
        let key = Self {
            key: HmacKey::from_words_in_stepping(&mut block, &secret_signing, &mut step),
            template: None,
        };
        block.zeroize();
        secret_date.zeroize();
        secret_service.zeroize();
        secret_signing.zeroize();
        let digest = side.finish();
        let payload_digest = side.payload_digest;
        text.len = end;
        text.padded = Some((end, used));
        let signature = key.sign_template(sts, &digest)?;
        Some((payload_digest, digest, signature))
    }

    fn sign_parts_bytes(
        &self,
        timestamp: i64,
        date: &UtcDate,
        service: &str,
        hashed_canonical_request: &[u8],
    ) -> [u8; 32] {
        // The key's own date and service with a ten-digit timestamp (every request
        // from 2001 to 2286): the cached template, 74 bytes filled in, one call of the
        // block function for the inner hash and one for the outer.
        if let Some(blocks) = self
            .template
            .as_ref()
            .filter(|t| t.serves(date, service))
            .and_then(|t| t.fill(timestamp, hashed_canonical_request))
            .and_then(|sts| Some(self.key.mac_padded(sts.blocks.get(..sts.used)?)))
        {
            return blocks;
        }
        // Any other: fed piece by piece rather than through `write!`: the formatting
        // machinery would cost more than the HMAC of these few bytes. The constant
        // pieces are joined. The bytes are those `write_string_to_sign` writes (a test
        // holds them equal).
        const HEAD: &[u8] = b"TC3-HMAC-SHA256\n";
        const TAIL: &[u8] = b"/tc3_request\n";
        const _: () =
            assert!(HEAD.len() == ALGORITHM.len() + 1 && TAIL.len() == TERMINATOR.len() + 2);
        let mut mac = self.key.start();
        let mut digits = [0u8; 20];
        mac.update(HEAD);
        mac.update(decimal(timestamp, &mut digits));
        let iso = date.to_iso();
        let [y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1] = iso;
        let date_part = [b'\n', y0, y1, y2, y3, dash1, m0, m1, dash2, d0, d1, b'/'];
        mac.update(&date_part);
        mac.update(service.as_bytes());
        mac.update(TAIL);
        mac.update(hashed_canonical_request);
        self.key.finish(&mut mac)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// Blocks of a [`CanonicalBlocks`].
const CANONICAL_BLOCKS: usize = 4;

/// The longest text a [`CanonicalBlocks`] holds: four blocks less SHA-256's `0x80` byte
/// and 8-byte length (247 bytes; the seed's canonical request has 165).
pub const CANONICAL_BLOCKS_MAX: usize = CANONICAL_BLOCKS * BLOCK_LEN - 9;

/// A canonical request written straight into SHA-256 blocks on the stack and hashed
/// in one call of the block function: the signing hot path's alternative to feeding a
/// streaming hash piece by piece (issue 17).
///
/// Text past [`CANONICAL_BLOCKS_MAX`] bytes is refused (`None`), and the caller takes
/// its streaming path. It holds public text only and is not wiped.
///
/// Text that starts many canonical requests (a request template's) is written once and
/// its whole blocks compressed by [`CanonicalBlocks::compress_leading_blocks`]; each
/// clone, completed and hashed, then compresses only the blocks after them (session 29).
///
/// ```
/// use cloudsig_core::{sha256_hex, tc3::CanonicalBlocks};
/// let mut blocks = CanonicalBlocks::new();
/// blocks.put(b"POST\n/").and_then(|()| blocks.put_byte(b'\n')).unwrap();
/// assert_eq!(blocks.as_bytes(), b"POST\n/\n");
/// assert_eq!(blocks.sha256_hex(), sha256_hex(b"POST\n/\n"));
/// ```
#[derive(Clone)]
pub struct CanonicalBlocks {
    blocks: [[u8; BLOCK_LEN]; CANONICAL_BLOCKS],
    len: usize,
    /// The length whose padding the blocks hold, if any (written ahead by
    /// [`CanonicalBlocks::put_sha256_hex`]).
    padded: Option<(usize, usize)>,
    /// The state after the leading blocks compressed by
    /// [`CanonicalBlocks::compress_leading_blocks`] (none until it is called).
    mid: Sha256Midstate,
}

impl Default for CanonicalBlocks {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CanonicalBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanonicalBlocks")
            .field("len", &self.len)
            .field("leading_blocks", &self.mid.blocks())
            .finish_non_exhaustive()
    }
}

impl CanonicalBlocks {
    /// Empty blocks.
    pub const fn new() -> Self {
        Self {
            blocks: [[0; BLOCK_LEN]; CANONICAL_BLOCKS],
            len: 0,
            padded: None,
            mid: Sha256Midstate::new(),
        }
    }

    /// Appends `bytes`; `None`, leaving the text as it was, when they would make it
    /// longer than [`CANONICAL_BLOCKS_MAX`].
    #[inline]
    pub fn put(&mut self, bytes: &[u8]) -> Option<()> {
        let end = self.len.checked_add(bytes.len())?;
        if end > CANONICAL_BLOCKS_MAX {
            return None;
        }
        self.blocks
            .as_flattened_mut()
            .get_mut(self.len..end)?
            .copy_from_slice(bytes);
        self.len = end;
        Some(())
    }

    /// Appends `bytes` and classifies them in the same pass: the bitwise OR of
    /// `classes[b]` over every byte `b` (so the caller checks a header value while it is
    /// written, instead of scanning it once per rule and once more to copy it). `None`,
    /// leaving the text as it was, when the bytes do not fit.
    ///
    /// ```
    /// use cloudsig_core::tc3::CanonicalBlocks;
    /// let mut classes = [0u8; 256];
    /// classes[usize::from(b'\n')] = 1;
    /// classes[usize::from(b'A')] = 2;
    /// let mut blocks = CanonicalBlocks::new();
    /// assert_eq!(blocks.put_classified(b"abc", &classes), Some(0));
    /// assert_eq!(blocks.put_classified(b"A\n", &classes), Some(3));
    /// assert_eq!(blocks.as_bytes(), b"abcA\n");
    /// ```
    #[inline]
    pub fn put_classified(&mut self, bytes: &[u8], classes: &[u8; 256]) -> Option<u8> {
        let end = self.len.checked_add(bytes.len())?;
        if end > CANONICAL_BLOCKS_MAX {
            return None;
        }
        let dst = self.blocks.as_flattened_mut().get_mut(self.len..end)?;
        let mut seen = 0;
        for (d, &b) in dst.iter_mut().zip(bytes) {
            seen |= classes.get(usize::from(b)).copied().unwrap_or(0);
            *d = b;
        }
        self.len = end;
        Some(seen)
    }

    /// Appends one byte; `None` when the text is full.
    #[inline]
    pub fn put_byte(&mut self, byte: u8) -> Option<()> {
        if self.len >= CANONICAL_BLOCKS_MAX {
            return None;
        }
        *self.blocks.as_flattened_mut().get_mut(self.len)? = byte;
        self.len += 1;
        Some(())
    }

    /// Compresses the whole 64-byte blocks of the text written so far that are not yet
    /// compressed, once: the hash of this text and of its clones, however they are
    /// completed ([`CanonicalBlocks::sha256_hex`], [`SigningKey::sign_blocks`],
    /// [`SigningKey::derive_and_sign_blocks`]), then continues from the state after them
    /// instead of compressing them again. The text is unchanged ([`as_bytes`] still gives
    /// all of it). Returns how many leading blocks are compressed in all.
    ///
    /// This is what cloudsig-canonical's `tc3::RequestTemplate` does with its canonical
    /// request up to the payload hash (issue 17 item 1, session 29): the seed's 101
    /// bytes are one block of its three that no signature compresses again.
    ///
    /// [`as_bytes`]: CanonicalBlocks::as_bytes
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, sha256_hex, tc3::CanonicalBlocks};
    /// let mut fixed = CanonicalBlocks::new();
    /// fixed.put(&[b'x'; 101]).unwrap();
    /// assert_eq!(fixed.compress_leading_blocks(), 1);
    /// let mut text = fixed.clone();
    /// let payload = HexDigest::from_bytes(&text.put_sha256_hex(b"{}").unwrap());
    /// let message = [&[b'x'; 101][..], payload.as_bytes()].concat();
    /// assert_eq!(text.as_bytes(), message);
    /// assert_eq!(text.sha256_hex(), sha256_hex(&message));
    /// ```
    pub fn compress_leading_blocks(&mut self) -> usize {
        let from = self.leading_blocks();
        if let Some(blocks) = self.blocks.get(from..self.len / BLOCK_LEN) {
            self.mid.compress(blocks);
        }
        self.leading_blocks()
    }

    /// How many leading blocks [`CanonicalBlocks::compress_leading_blocks`] has
    /// compressed (0 if it was not called): the blocks a hash of the text does not
    /// compress again.
    pub fn leading_blocks(&self) -> usize {
        usize::try_from(self.mid.blocks()).unwrap_or(CANONICAL_BLOCKS)
    }

    /// The text written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.blocks
            .as_flattened()
            .get(..self.len)
            .unwrap_or_default()
    }

    /// Appends the 64 lower-case hex characters of SHA-256 of `data` (a payload) as the
    /// text's last part, written straight into the blocks, and returns the digest's 32
    /// bytes (the stage a caller keeps; its hex is written again only if it is asked
    /// for, session 27). SHA-256's padding of the text is written before the hash is
    /// computed, so that the block function, loading the blocks next, finds only the hex
    /// just stored. `None`, leaving the text as it was, when the hex does not fit.
    ///
    /// ```
    /// use cloudsig_core::{HexDigest, sha256_hex, tc3::CanonicalBlocks};
    /// let mut blocks = CanonicalBlocks::new();
    /// blocks.put(b"POST\n").unwrap();
    /// let payload = HexDigest::from_bytes(&blocks.put_sha256_hex(b"{}").unwrap());
    /// assert_eq!(payload, sha256_hex(b"{}"));
    /// assert_eq!(blocks.as_bytes(), [b"POST\n", payload.as_bytes()].concat());
    /// assert_eq!(blocks.sha256_hex(), sha256_hex(&blocks.as_bytes().to_vec()));
    /// ```
    #[inline]
    pub fn put_sha256_hex(&mut self, data: &[u8]) -> Option<[u8; 32]> {
        let end = self.len.checked_add(64)?;
        if end > CANONICAL_BLOCKS_MAX {
            return None;
        }
        let used = pad_into(&mut self.blocks, end, 0)?;
        self.padded = Some((end, used));
        let digest = crate::sha256::digest(data);
        let slot = self
            .blocks
            .as_flattened_mut()
            .get_mut(self.len..)?
            .first_chunk_mut::<64>()?;
        write_hex(slot, &digest);
        self.len = end;
        Some(digest)
    }

    /// SHA-256 of the text: padded in place (unless [`CanonicalBlocks::put_sha256_hex`]
    /// padded it already), one call of the block function for the blocks after the
    /// leading ones [`CanonicalBlocks::compress_leading_blocks`] compressed.
    #[inline]
    fn sha256(&mut self) -> [u8; 32] {
        let used = match self.padded {
            Some((len, used)) if len == self.len => used,
            _ => pad_into(&mut self.blocks, self.len, 0).unwrap_or(CANONICAL_BLOCKS),
        };
        // The leading blocks are whole blocks of the text, which only grows: `used`,
        // the blocks of the padded text, is past them.
        self.mid.finalize_padded(
            self.blocks
                .get(self.leading_blocks()..used)
                .unwrap_or_default(),
        )
    }

    /// Lower-case hex SHA-256 of the text: padded in place, one call of the block
    /// function.
    pub fn sha256_hex(&mut self) -> HexDigest {
        HexDigest::from_bytes(&self.sha256())
    }
}

/// The chain of a request that needs no key, one block per [`Side::step`]: the
/// payload's SHA-256, its hex written into the canonical request's blocks, then the
/// canonical request's SHA-256.
struct Side<'p, 't> {
    state: [u32; 8],
    /// The payload's whole blocks, compressed straight from it.
    whole: &'p [[u8; BLOCK_LEN]],
    /// The payload's tail, padded.
    last: [[u8; BLOCK_LEN]; 2],
    last_used: usize,
    canonical: &'t mut [[u8; BLOCK_LEN]; CANONICAL_BLOCKS],
    /// The canonical request's leading blocks, compressed before (into `canonical_mid`):
    /// its chain starts at this block.
    canonical_from: usize,
    canonical_mid: [u32; 8],
    canonical_used: usize,
    /// Where the payload's hex goes in `canonical`.
    hex_at: usize,
    /// Blocks compressed so far.
    step: usize,
    /// The payload's SHA-256, once its blocks are compressed.
    payload_digest: [u8; 32],
}

impl Side<'_, '_> {
    /// Compresses the chain's next block; `false` when the chain is done.
    #[inline]
    fn step(&mut self) -> bool {
        let s = self.step;
        let whole = self.whole.len();
        let payload = whole + self.last_used;
        let block = if s < whole {
            self.whole.get(s..=s)
        } else if s < payload {
            self.last.get(s - whole..=s - whole)
        } else if s < payload + self.canonical_used.saturating_sub(self.canonical_from) {
            let at = s - payload + self.canonical_from;
            self.canonical.get(at..=at)
        } else {
            None
        };
        let Some(block) = block else {
            return false;
        };
        compress256(&mut self.state, block);
        self.step += 1;
        if self.step == payload {
            self.payload_digest = words_bytes(&self.state);
            if let Some(slot) = self
                .canonical
                .as_flattened_mut()
                .get_mut(self.hex_at..)
                .and_then(|s| s.first_chunk_mut::<64>())
            {
                write_hex(slot, &self.payload_digest);
            }
            self.state = self.canonical_mid;
        }
        true
    }

    /// Compresses what is left (a long payload's whole blocks in one call) and returns
    /// the canonical request's SHA-256.
    fn finish(&mut self) -> [u8; 32] {
        if let Some(rest) = self.whole.get(self.step..).filter(|r| !r.is_empty()) {
            compress256(&mut self.state, rest);
            self.step = self.whole.len();
        }
        while self.step() {}
        words_bytes(&self.state)
    }
}

/// Writes the TC3 string to sign into any `fmt::Write`.
///
/// ```
/// use cloudsig_core::{UtcDate, tc3};
/// let mut s = String::new();
/// tc3::write_string_to_sign(&mut s, 1551113065, &UtcDate::from_unix(1551113065)?, "cvm", "ab")
///     .unwrap();
/// assert_eq!(s, "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\nab");
/// # Ok::<(), cloudsig_core::Error>(())
/// ```
pub fn write_string_to_sign<W: fmt::Write>(
    w: &mut W,
    timestamp: i64,
    date: &UtcDate,
    service: &str,
    hashed_canonical_request: &str,
) -> fmt::Result {
    write!(
        w,
        "{ALGORITHM}\n{timestamp}\n{date}/{service}/{TERMINATOR}\n{hashed_canonical_request}"
    )
}

/// Checks a service name: non-empty, at most [`MAX_SERVICE_LEN`] bytes, and only ASCII
/// letters, digits, `-` and `_` (it is placed between `/` in the credential scope).
pub fn validate_service(service: &str) -> Result<(), Error> {
    if service.is_empty() {
        return Err(Error::new(ErrorKind::Empty, "service"));
    }
    if service.len() > MAX_SERVICE_LEN {
        return Err(Error::new(ErrorKind::TooLong, "service"));
    }
    if !service
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::new(ErrorKind::InvalidCharacter, "service"));
    }
    Ok(())
}

/// The decimal text of `n`, written into the end of `buf`.
pub(crate) fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        i -= 1;
        debug_assert!(i < buf.len(), "an i64 has at most 20 characters");
        if let Some(b) = buf.get_mut(i) {
            // m % 10 < 10, so the cast cannot truncate.
            *b = b'0' + (m % 10) as u8;
        }
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'-';
        }
    }
    buf.get(i..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf([u8; 256], usize);

    impl fmt::Write for Buf {
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

    #[test]
    fn decimal_matches_display() {
        for n in [
            0,
            7,
            -7,
            10,
            1_551_113_065,
            -62_167_219_200,
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = [0u8; 20];
            let mut text = Buf([0; 256], 0);
            fmt::write(&mut text, format_args!("{n}")).unwrap();
            assert_eq!(decimal(n, &mut buf), text.0.get(..text.1).unwrap(), "{n}");
        }
    }

    /// The cached template (ten-digit timestamps, the key's own date and service) and the
    /// streamed path both sign exactly the written string to sign: checked against the
    /// `hmac` crate keyed with the derived `SecretSigning`, at the edges of the ten
    /// digits, for services that end the template in each of its three blocks, and for a
    /// date or service other than the key's.
    #[test]
    fn the_cached_template_signs_the_written_string_to_sign() {
        use hmac::{KeyInit, Mac};
        let secret = SecretKey::new(b"********************************").unwrap();
        let hashed = "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a";
        let long = [b's'; MAX_SERVICE_LEN];
        let long = core::str::from_utf8(&long).unwrap();
        for service in [
            "c",
            "cvm",
            "a-b_c-0123456789",
            long.get(..40).unwrap(),
            long,
        ] {
            for ts in [
                999_999_999,
                1_000_000_000,
                1_551_113_065,
                9_999_999_999,
                10_000_000_000,
            ] {
                let date = UtcDate::from_unix(ts).unwrap();
                let (key, stages) =
                    SigningKey::derive_with_stages(&secret, &date, service).unwrap();
                let other_day = UtcDate::from_unix(ts + 86_400).unwrap();
                for (d, svc) in [(date, service), (other_day, service), (date, "cvn")] {
                    let mut sts = Buf([0; 256], 0);
                    write_string_to_sign(&mut sts, ts, &d, svc, hashed).unwrap();
                    let mut mac =
                        hmac::Hmac::<sha2::Sha256>::new_from_slice(&stages.secret_signing).unwrap();
                    mac.update(sts.0.get(..sts.1).unwrap());
                    let expected: [u8; 32] = mac.finalize().into_bytes().into();
                    let expected = HexDigest::from_bytes(&expected);
                    assert_eq!(key.sign_parts(ts, &d, svc, hashed), expected, "{ts} {svc}");
                    let parsed = HexDigest::parse_lower(hashed).unwrap();
                    assert_eq!(
                        key.sign_hashed(ts, &d, svc, &parsed),
                        expected,
                        "{ts} {svc}"
                    );
                }
            }
        }
        // The template is used where it should be: the seed's own date and service.
        let date = UtcDate::from_unix(1_551_113_065).unwrap();
        let key = SigningKey::derive(&secret, &date, "cvm").unwrap();
        let t = key.template.as_ref().unwrap();
        assert!(t.serves(&date, "cvm") && !t.serves(&date, "cv") && !t.serves(&date, "cvmx"));
        assert_eq!((t.sts.used, t.sts.hash_at), (2, 54));
        assert!(t.fill(1_551_113_065, hashed.as_bytes()).is_some());
        assert!(t.fill(999_999_999, hashed.as_bytes()).is_none());
        assert!(t.fill(1_551_113_065, b"ab").is_none());
    }

    /// The key's scope is its own date and service for every second of that UTC
    /// day and for no other; a key without a date has none.
    #[test]
    fn scope_at_is_the_keys_date_for_every_second_of_it() {
        let secret = SecretKey::new(b"k").unwrap();
        // 2019-02-25 starts at 1551052800 (17952 days of 86400 s); -1 is 1969-12-31.
        for (midnight, iso) in [(1_551_052_800, *b"2019-02-25"), (-86_400, *b"1969-12-31")] {
            let date = UtcDate::from_unix(midnight).unwrap();
            assert_eq!(date.to_iso(), iso);
            let key = SigningKey::derive(&secret, &date, "cvm").unwrap();
            for ts in [midnight, midnight + 1, midnight + 43_200, midnight + 86_399] {
                assert_eq!(key.scope_at(ts), Some((date, "cvm")), "{ts}");
            }
            for ts in [midnight - 1, midnight + 86_400, i64::MIN, i64::MAX] {
                assert_eq!(key.scope_at(ts), None, "{ts}");
            }
        }
        let bare = SigningKey::from_secret_signing(&[7; 32]);
        assert_eq!(bare.scope_at(1_551_113_065), None);
    }

    #[test]
    fn sign_parts_signs_the_written_string_to_sign() {
        let secret = SecretKey::new(b"k").unwrap();
        for ts in [0, 1_551_113_065, -1, MAX_TS] {
            let date = UtcDate::from_unix(ts.clamp(-62_167_219_200, 253_402_300_799)).unwrap();
            let key = SigningKey::derive(&secret, &date, "cvm").unwrap();
            let mut sts = Buf([0; 256], 0);
            write_string_to_sign(&mut sts, ts, &date, "cvm", "ab12").unwrap();
            assert_eq!(
                key.sign_parts(ts, &date, "cvm", "ab12"),
                key.sign(sts.0.get(..sts.1).unwrap())
            );
        }
    }

    const MAX_TS: i64 = i64::MAX;

    /// The per-call path that interleaves the request's chain into the derivation signs
    /// what the documented algorithm gives, computed here with the `sha2` and `hmac`
    /// crates: payloads from empty to many blocks (their whole blocks stepped one per
    /// call, then the rest at once), texts that end the canonical request in each of its
    /// blocks, and the cases it must decline.
    #[test]
    fn derive_and_sign_blocks_signs_the_documented_algorithm() {
        use hmac::{KeyInit, Mac};
        use sha2::Digest;
        fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
            mac.update(msg);
            mac.finalize().into_bytes().into()
        }
        let secret = SecretKey::new(b"********************************").unwrap();
        let ts = 1_551_113_065;
        let date = UtcDate::from_unix(ts).unwrap();
        let secret_date = hmac(b"TC3********************************", b"2019-02-25");
        let secret_service = hmac(&secret_date, b"cvm");
        let secret_signing = hmac(&secret_service, b"tc3_request");
        let payload = [b'p'; 1000];
        // Letters that differ block to block, so that a leading state of other blocks
        // (one too many or too few, or another text's) hashes another text.
        let prefix: [u8; CANONICAL_BLOCKS_MAX] = core::array::from_fn(|i| b'a' + (i % 23) as u8);
        let key = SigningKey::derive(&secret, &date, "cvm").unwrap();
        for payload_len in [0, 1, 55, 56, 64, 75, 119, 120, 128, 200, 700, 1000] {
            for (prefix_len, leading) in [0, 7, 55, 63, 64, 65, 118, 119, 127, 128, 129, 150]
                .into_iter()
                .chain([CANONICAL_BLOCKS_MAX - 64])
                .flat_map(|n| [(n, false), (n, true)])
            {
                let payload = &payload[..payload_len];
                let prefix = &prefix[..prefix_len];
                let mut text = CanonicalBlocks::new();
                text.put(prefix).unwrap();
                // Session 29: the prefix's whole blocks compressed first (a template's),
                // and the text signed from a clone, as a template signs.
                if leading {
                    assert_eq!(text.compress_leading_blocks(), prefix_len / 64);
                }
                assert_eq!(
                    text.leading_blocks(),
                    if leading { prefix_len / 64 } else { 0 }
                );
                let mut cached = text.clone();
                let (p, h, sig) = SigningKey::derive_and_sign_blocks(
                    &secret, &date, "cvm", ts, &mut text, payload,
                )
                .unwrap();
                let cached_payload = cached.put_sha256_hex(payload).unwrap();
                let (cached_h, cached_sig) = key.sign_blocks(ts, &date, "cvm", &mut cached);
                assert_eq!((cached_payload, cached_h, cached_sig), (p, h, sig));
                let payload_hex = HexDigest::from_bytes(&sha2::Sha256::digest(payload).into());
                let mut canonical = Buf([0; 256], 0);
                fmt::Write::write_str(&mut canonical, core::str::from_utf8(prefix).unwrap())
                    .unwrap();
                fmt::Write::write_str(&mut canonical, payload_hex.as_str()).unwrap();
                let canonical = canonical.0.get(..canonical.1).unwrap();
                let hashed = HexDigest::from_bytes(&sha2::Sha256::digest(canonical).into());
                let mut sts = Buf([0; 256], 0);
                write_string_to_sign(&mut sts, ts, &date, "cvm", hashed.as_str()).unwrap();
                let expected = HexDigest::from_bytes(&hmac(&secret_signing, &sts.0[..sts.1]));
                let what = (payload_len, prefix_len, leading);
                assert_eq!(HexDigest::from_bytes(&p), payload_hex, "{what:?}");
                assert_eq!(HexDigest::from_bytes(&h), hashed, "{what:?}");
                assert_eq!(HexDigest::from_bytes(&sig), expected, "{what:?}");
                assert_eq!(text.as_bytes(), canonical, "{what:?}");
                assert_eq!(text.sha256_hex(), hashed, "{what:?}");
            }
        }
        // Declined: no room for the hex, a refused service, a timestamp not on the
        // date's day or without ten digits.
        let mut full = CanonicalBlocks::new();
        full.put(&prefix[..CANONICAL_BLOCKS_MAX - 63]).unwrap();
        assert!(
            SigningKey::derive_and_sign_blocks(&secret, &date, "cvm", ts, &mut full, b"").is_none()
        );
        assert_eq!(full.as_bytes().len(), CANONICAL_BLOCKS_MAX - 63);
        let mut text = CanonicalBlocks::new();
        assert!(
            SigningKey::derive_and_sign_blocks(&secret, &date, "c/vm", ts, &mut text, b"")
                .is_none()
        );
        assert!(
            SigningKey::derive_and_sign_blocks(&secret, &date, "cvm", ts + 86_400, &mut text, b"")
                .is_none()
        );
        let early = UtcDate::from_unix(999_999_999).unwrap();
        assert!(
            SigningKey::derive_and_sign_blocks(&secret, &early, "cvm", 999_999_999, &mut text, b"")
                .is_none()
        );
        assert!(text.as_bytes().is_empty());
    }
}
