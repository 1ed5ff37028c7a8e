//! Tencent Cloud TC3-HMAC-SHA256: canonical request, credential scope, string to sign and
//! Authorization header, each a value that renders itself with `Display`.
//!
//! ```text
//! CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//!                    CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
//! StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n
//!                    Lowercase(Hex(SHA256(CanonicalRequest)))
//! ```
//!
//! ```
//! use cloudsig_canonical::{Request, tc3};
//! use cloudsig_core::{SecretKey, UtcDate};
//!
//! let body = br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
//! let req = Request::new("POST", "/")
//!     .header("Content-Type", "application/json; charset=utf-8")
//!     .header("Host", "cvm.tencentcloudapi.com")
//!     .body(body);
//! let secret = SecretKey::new(b"********************************")?;
//! let scope = tc3::CredentialScope::new(UtcDate::from_unix(1551113065)?, "cvm")?;
//! let signed_headers = tc3::SignedHeaders::default(); // content-type;host
//! let signed = tc3::sign(&req, &signed_headers, &Default::default(), 1551113065, scope, &secret)?;
//! assert_eq!(signed.hashed_canonical_request().as_str(),
//!            "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a");
//! assert_eq!(signed.signature().as_str(),
//!            "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2");
//! assert!(signed.authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE").to_string()
//!     .starts_with("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::borrow::Cow;
use core::fmt;

use cloudsig_core::tc3::{ALGORITHM, CanonicalBlocks, SigningKey, TERMINATOR};
use cloudsig_core::{HexDigest, SecretKey, Sha256Hasher, UtcDate, sha256_hex};

use crate::error::{Error, Stage};
use crate::hex::Digest;
pub use crate::hex::Hex;
use crate::request::{Payload, Request};
use crate::sigv4::{Lines, Values};

/// The literal that replaces the body hash's input when the payload is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The one rule for a TC3 GET's body, in the words both `sign` and `verify` use: a GET
/// carries its parameters in the query and sends no body. The API documentation ("Signature
/// v3") says "For GET requests, RequestPayload is always an empty string" and that GET
/// supports only `Content-Type: application/x-www-form-urlencoded`; the official SDKs put
/// a GET's parameters in the query and send no body. So a signer refuses a GET body, and a
/// verifier reports one (`InvalidParameter`, rule `get-body`) even when its hash was signed.
pub const GET_HAS_NO_BODY: &str = "a TC3-HMAC-SHA256 GET carries its parameters in the query and sends no body (the documentation: for GET requests the payload is always the empty string); use POST for a JSON body";

/// How the values of signed headers enter the canonical request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderValueCase {
    /// Lower-cased, as Tencent's documentation specifies ("both the key and value of the
    /// header should be converted to lowercase"). The default.
    #[default]
    Lowercase,
    /// As sent (trimmed), as the official SDKs do; they only sign values that are
    /// already lower case, so both settings agree on their traffic.
    AsSent,
}

/// Settings of the TC3 canonical builder.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Settings {
    /// How signed header values are cased.
    pub header_value_case: HeaderValueCase,
}

impl Settings {
    /// Settings with the given header value case.
    pub fn with_header_value_case(mut self, case: HeaderValueCase) -> Self {
        self.header_value_case = case;
        self
    }
}

pub use crate::headers::SignedHeaders;

/// The TC3 canonical request of a [`Request`]; `Display` renders its exact text, and
/// [`CanonicalRequest::hashed`] hashes that text without materialising it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    signed_headers: &'a SignedHeaders,
    values: Values<'a, INLINE_VALUES>,
    /// The payload's SHA-256: its hex is written when asked for (session 27).
    hashed_payload: [u8; 32],
}

/// How many signed header values a TC3 canonical request holds without allocating: the
/// SDKs sign two, the current documentation three.
const INLINE_VALUES: usize = 4;

impl<'a> CanonicalRequest<'a> {
    /// Builds the canonical request of `req` for the given signed headers.
    ///
    /// The canonical URI is the request path, the canonical query the raw query
    /// verbatim (what the service hashes for GET; empty for the usual POST), and each
    /// signed header contributes `name:value` with the value trimmed and cased per
    /// `settings`. Fails, naming the header, when a signed header is missing or sent
    /// more than once, and on any input [`Request::validate`] refuses.
    pub fn new(
        req: &Request<'a>,
        signed_headers: &'a SignedHeaders,
        settings: &Settings,
    ) -> Result<Self, Error> {
        // Only what enters the canonical request is checked here: the method, path and
        // query, and each signed header (its name is a token by construction of
        // SignedHeaders; its value must not carry CR or LF into the text).
        req.validate_target()?;
        let mut values = Values::with_capacity(signed_headers.len());
        // A scan per name for the usual few; one sort of the headers for many, so that a
        // request with thousands of signed names costs n log n, not n².
        let lookup = crate::lookup::Lookup::new(req.headers(), signed_headers.len());
        for name in signed_headers.names() {
            // One lookup finds the value and any second one.
            let mut found = None;
            let mut twice = false;
            for v in lookup.values(name) {
                twice |= found.is_some();
                found = Some(v);
            }
            let Some(value) = found else {
                return Err(Error::new(
                    crate::ErrorKind::MissingSignedHeader,
                    Stage::CanonicalRequest,
                    alloc::format!("header `{name}`"),
                    "is listed in SignedHeaders but the request does not have it",
                ));
            };
            if twice {
                return Err(Error::new(
                    crate::ErrorKind::DuplicateHeader,
                    Stage::CanonicalRequest,
                    alloc::format!("header `{name}`"),
                    "is signed but sent more than once",
                ));
            }
            crate::request::validate_header_value(name, value)?;
            let value = crate::request::trim_blanks(value);
            values.push(match settings.header_value_case {
                HeaderValueCase::Lowercase if crate::scan::any_upper(value) => {
                    Cow::Owned(value.to_ascii_lowercase())
                }
                _ => Cow::Borrowed(value),
            });
        }
        Ok(Self {
            method: req.method(),
            path: req.path(),
            query: req.raw_query(),
            signed_headers,
            values,
            hashed_payload: payload_digest(req.payload())?,
        })
    }

    /// The signed headers.
    pub fn signed_headers(&self) -> &SignedHeaders {
        self.signed_headers
    }

    /// The hashed payload line (lower-case hex SHA-256), written when asked for: the
    /// request keeps the digest's 32 bytes (session 27).
    pub fn hashed_payload(&self) -> Hex {
        Hex::of(&self.hashed_payload)
    }

    /// `name:value` pairs of the canonical headers, in order.
    pub fn canonical_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.signed_headers.names().zip(self.values.iter())
    }

    /// Lower-case hex SHA-256 of the canonical request text, streamed.
    ///
    /// The pieces are fed directly rather than through `Display`, which costs more than
    /// the hashing on this hot path; both write the family's one text
    /// (`crate::sigv4::Lines`), and `hashed_is_the_hash_of_the_display_text` holds the
    /// two equal.
    pub fn hashed(&self) -> HexDigest {
        HexDigest::from_bytes(&self.digest())
    }

    /// SHA-256 of the canonical request text, streamed, as its 32 bytes.
    fn digest(&self) -> [u8; 32] {
        let payload = HexDigest::from_bytes(&self.hashed_payload);
        let mut h = Sha256Hasher::new();
        // Writing into a hasher cannot fail.
        let _ = self.lines(&payload).write_to(&mut h);
        h.finalize()
    }

    /// The lines of the family's canonical request text, with the payload's hex.
    fn lines<'s>(
        &'s self,
        payload: &'s HexDigest,
    ) -> Lines<'s, impl Iterator<Item = (&'s str, &'s str)>> {
        Lines {
            method: self.method,
            uri: self.path,
            uri_end: "",
            query: self.query,
            headers: self.canonical_headers(),
            signed_headers: self.signed_headers,
            payload: crate::sigv4::Payload::Hex(payload),
        }
    }
}

impl fmt::Display for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let payload = HexDigest::from_bytes(&self.hashed_payload);
        self.lines(&payload).write_to(f)
    }
}

/// The payload's SHA-256, as [`hash_payload`] gives its hex.
fn payload_digest(payload: Payload<'_>) -> Result<[u8; 32], Error> {
    match payload {
        Payload::Bytes(b) => Ok(sha256(b)),
        Payload::Unsigned => Ok(sha256(UNSIGNED_PAYLOAD.as_bytes())),
        Payload::Sha256Hex(hex) => HexDigest::parse_lower(hex)
            .and_then(|h| Digest::of_hex(&h))
            .map(|d| d.bytes)
            .ok_or_else(bad_hash),
    }
}

/// SHA-256 of `data`.
fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256Hasher::new();
    h.update(data);
    h.finalize()
}

/// The hashed payload line for `payload`.
pub fn hash_payload(payload: Payload<'_>) -> Result<HexDigest, Error> {
    match payload {
        Payload::Bytes(b) => Ok(sha256_hex(b)),
        Payload::Unsigned => Ok(sha256_hex(UNSIGNED_PAYLOAD.as_bytes())),
        Payload::Sha256Hex(hex) => HexDigest::parse_lower(hex).ok_or_else(bad_hash),
    }
}

fn bad_hash() -> Error {
    Error::new(
        crate::ErrorKind::InvalidPayload,
        Stage::CanonicalRequest,
        "payload hash",
        "must be 64 lower-case hex characters",
    )
}

/// The credential scope `Date/service/tc3_request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CredentialScope<'a> {
    date: UtcDate,
    service: &'a str,
}

impl<'a> CredentialScope<'a> {
    /// A scope for `date` (UTC date of the timestamp) and `service`.
    pub fn new(date: UtcDate, service: &'a str) -> Result<Self, Error> {
        cloudsig_core::tc3::validate_service(service)
            .map_err(|e| Error::core(Stage::StringToSign, e))?;
        Ok(Self { date, service })
    }

    /// The scope of a request made at `timestamp` to `service`.
    ///
    /// The date of the last day asked for is kept (one word, process-wide), so that the
    /// requests of one day, which are nearly all of them, find their date with a load
    /// and a compare instead of the civil-date arithmetic (issue 17 item 1, session 26).
    pub fn for_timestamp(timestamp: i64, service: &'a str) -> Result<Self, Error> {
        let date = date_of(timestamp).map_err(|e| Error::core(Stage::StringToSign, e))?;
        Self::new(date, service)
    }

    /// The scope of a request made at `timestamp` and signed with the cached `key`:
    /// the key's own date and service ([`SigningKey::scope_at`]), taken from the key
    /// rather than computed from the timestamp and checked again per call. Fails when
    /// `timestamp` is not on the key's date, or the key knows no date (one made by
    /// [`SigningKey::from_secret_signing`]).
    ///
    /// ```
    /// use cloudsig_canonical::tc3::CredentialScope;
    /// use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};
    /// let key = SigningKey::derive(&SecretKey::new(b"k")?, &UtcDate::from_unix(1551113065)?, "cvm")?;
    /// assert_eq!(
    ///     CredentialScope::for_key(1551113065, &key)?,
    ///     CredentialScope::for_timestamp(1551113065, "cvm")?,
    /// );
    /// assert!(CredentialScope::for_key(1551113065 + 86_400, &key).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn for_key(timestamp: i64, key: &'a SigningKey) -> Result<Self, Error> {
        match key.scope_at(timestamp) {
            Some((date, service)) => Ok(Self { date, service }),
            None => Err(Error::new(
                crate::ErrorKind::InvalidScope,
                Stage::StringToSign,
                "timestamp",
                "is not on the date the signing key was derived for",
            )),
        }
    }

    /// The date.
    pub fn date(&self) -> UtcDate {
        self.date
    }

    /// The service.
    pub fn service(&self) -> &'a str {
        self.service
    }
}

/// The last date [`date_of`] computed: its day number plus 2^31 in the high 32 bits and
/// `year << 16 | month << 8 | day` in the low ones; 0 for none (no valid day packs to
/// 0). One word, so that a reader never sees half of another thread's store.
#[cfg(target_has_atomic = "64")]
static LAST_DATE: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// The UTC date of `timestamp`, as [`UtcDate::from_unix`] gives it, through
/// [`LAST_DATE`]. A timestamp on the cached day is in range: the range's ends are
/// midnights, so a day is either wholly in it or wholly out.
#[inline]
fn date_of(timestamp: i64) -> Result<UtcDate, cloudsig_core::Error> {
    #[cfg(target_has_atomic = "64")]
    {
        use core::sync::atomic::Ordering::Relaxed;
        let day = timestamp.div_euclid(86_400);
        let key = u64::try_from(day.saturating_add(1 << 31))
            .ok()
            .filter(|k| *k <= u64::from(u32::MAX));
        let cached = LAST_DATE.load(Relaxed);
        if let Some(key) = key {
            if cached != 0 && cached >> 32 == key {
                let [_, _, _, _, y1, y0, m, d] = cached.to_be_bytes();
                if let Some(date) = UtcDate::from_ymd(u16::from_be_bytes([y1, y0]), m, d) {
                    return Ok(date);
                }
            }
            let date = UtcDate::from_unix(timestamp)?;
            let [y1, y0] = date.year().to_be_bytes();
            let low = u32::from_be_bytes([y1, y0, date.month(), date.day()]);
            LAST_DATE.store(key << 32 | u64::from(low), Relaxed);
            return Ok(date);
        }
    }
    UtcDate::from_unix(timestamp)
}

impl fmt::Display for CredentialScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{TERMINATOR}", self.date, self.service)
    }
}

/// The string to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringToSign<'a> {
    timestamp: i64,
    scope: CredentialScope<'a>,
    /// The hashed canonical request's bytes: its hex is written by `Display` (session
    /// 27).
    hashed_canonical_request: Digest,
}

impl<'a> StringToSign<'a> {
    /// The string to sign for a request made at `timestamp` within `scope`.
    pub fn new(
        timestamp: i64,
        scope: CredentialScope<'a>,
        hashed_canonical_request: HexDigest,
    ) -> Self {
        Self {
            timestamp,
            scope,
            hashed_canonical_request: Digest::of_hex_digest(&hashed_canonical_request),
        }
    }

    /// The string to sign with the canonical request's SHA-256 `digest`.
    #[inline]
    fn of_digest(timestamp: i64, scope: CredentialScope<'a>, digest: [u8; 32]) -> Self {
        Self {
            timestamp,
            scope,
            hashed_canonical_request: Digest::of(digest),
        }
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        cloudsig_core::tc3::write_string_to_sign(
            f,
            self.timestamp,
            &self.scope.date,
            self.scope.service,
            self.hashed_canonical_request.write_hex(&mut [0; 64]),
        )
    }
}

/// A computed TC3 signature with every stage that led to it.
///
/// Each digest is kept as its 32 bytes and written as hex when an accessor or
/// `Display` asks for it ([`Hex`]): the hashed canonical request once, in the string
/// to sign (issue 17 item 1, session 27: handing back the four stages' hex cost about
/// 0.1x of the cached signature's SHA-256 floor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    canonical_request: CanonicalRequest<'a>,
    string_to_sign: StringToSign<'a>,
    signature: [u8; 32],
}

impl<'a> Signed<'a> {
    /// The canonical request (renders its text with `Display`).
    pub fn canonical_request(&self) -> &CanonicalRequest<'a> {
        &self.canonical_request
    }

    /// SHA-256 of the canonical request, lower-case hex (written when asked for).
    pub fn hashed_canonical_request(&self) -> Hex {
        Hex::of(&self.string_to_sign.hashed_canonical_request.bytes)
    }

    /// The credential scope.
    pub fn credential_scope(&self) -> CredentialScope<'a> {
        self.string_to_sign.scope
    }

    /// The string to sign (renders its text with `Display`).
    pub fn string_to_sign(&self) -> &StringToSign<'a> {
        &self.string_to_sign
    }

    /// The signature, 64 lower-case hex characters (written when asked for).
    pub fn signature(&self) -> Hex {
        Hex::of(&self.signature)
    }

    /// The Authorization header value for `secret_id`.
    pub fn authorization<'s>(&'s self, secret_id: &'s str) -> Authorization<'s> {
        Authorization {
            secret_id,
            scope: self.string_to_sign.scope,
            signed_headers: self.canonical_request.signed_headers,
            signature: HexDigest::from_bytes(&self.signature),
        }
    }
}

/// Signs `req` with a key derived from `secret` for the scope's date and service.
pub fn sign<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    timestamp: i64,
    scope: CredentialScope<'a>,
    secret: &SecretKey,
) -> Result<Signed<'a>, Error> {
    if let Some(signed) =
        sign_one_pass_per_call(req, signed_headers, settings, timestamp, scope, secret)
    {
        return Ok(signed);
    }
    let key = SigningKey::derive(secret, &scope.date, scope.service)
        .map_err(|e| Error::core(Stage::Signature, e))?;
    sign_with_key(req, signed_headers, settings, timestamp, scope, &key)
}

/// The hot path of [`sign`] for the requests [`sign_one_pass`] takes: the canonical
/// text written as there, then the key derived while the payload's and the canonical
/// request's blocks are compressed between the derivation's dependent calls
/// ([`SigningKey::derive_and_sign_blocks`]). `None` for anything else (a payload given
/// as its hash included), which the derived key and [`sign_with_key`] then sign or
/// refuse; the test `one_pass_signs_what_the_staged_path_signs` holds the two equal.
#[inline]
fn sign_one_pass_per_call<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    timestamp: i64,
    scope: CredentialScope<'a>,
    secret: &SecretKey,
) -> Option<Signed<'a>> {
    let payload = match req.payload() {
        Payload::Bytes(b) => b,
        Payload::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
        Payload::Sha256Hex(_) => return None,
    };
    let mut text = CanonicalBlocks::new();
    // The text written once the derivation's first calls are issued, so that its work
    // overlaps theirs (issue 17 item 1, session 26).
    let mut values = None;
    let hashes = SigningKey::derive_and_sign_writing(
        secret,
        &scope.date,
        scope.service,
        timestamp,
        &mut text,
        |text| {
            values = Some(write_one_pass(req, signed_headers, settings, text)?);
            Some(())
        },
        payload,
    )?;
    Some(one_pass_signed(
        req,
        signed_headers,
        values?,
        timestamp,
        scope,
        hashes,
    ))
}

/// Signs `req` with a cached signing key, which must have been derived for the scope's
/// date and service.
pub fn sign_with_key<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    timestamp: i64,
    scope: CredentialScope<'a>,
    key: &SigningKey,
) -> Result<Signed<'a>, Error> {
    if let Some(signed) = sign_one_pass(req, signed_headers, settings, timestamp, scope, key) {
        return Ok(signed);
    }
    sign_staged(req, signed_headers, settings, timestamp, scope, key)
}

/// The hot path of [`sign_with_key`] for the common request: at most
/// [`INLINE_VALUES`] signed headers whose values need no rewriting, and a canonical
/// request of at most [`cloudsig_core::tc3::CANONICAL_BLOCKS_MAX`] bytes. Each part is
/// checked as it is written straight into SHA-256's block buffer, and the buffer is
/// hashed in one call of the block function; no canonical text is kept. `None` for any other request and for
/// any request the staged path refuses, which then signs it or says why: this path never
/// signs what the staged path would not, and signs the same bytes (the test
/// `one_pass_signs_what_the_staged_path_signs` holds the two equal).
///
/// Measured with `benches/src/bin/ratios.rs` (see `benches/README.md`, session 24).
#[inline]
fn sign_one_pass<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    timestamp: i64,
    scope: CredentialScope<'a>,
    key: &SigningKey,
) -> Option<Signed<'a>> {
    let mut text = CanonicalBlocks::new();
    let values = write_one_pass(req, signed_headers, settings, &mut text)?;
    // The payload's hash written straight into the block buffer as hex (its padding
    // first), then the canonical request's hash straight into the string to sign's.
    let hashed_payload = match req.payload() {
        Payload::Bytes(b) => text.put_sha256_hex(b)?,
        Payload::Unsigned => text.put_sha256_hex(UNSIGNED_PAYLOAD.as_bytes())?,
        Payload::Sha256Hex(hex) => {
            let parsed = HexDigest::parse_lower(hex)?;
            text.put(parsed.as_bytes())?;
            Digest::of_hex(&parsed)?.bytes
        }
    };
    let (hashed_canonical_request, signature) =
        key.sign_blocks(timestamp, &scope.date, scope.service, &mut text);
    Some(one_pass_signed(
        req,
        signed_headers,
        values,
        timestamp,
        scope,
        (hashed_payload, hashed_canonical_request, signature),
    ))
}

/// The [`Signed`] of both one-pass paths, from the request's parts and the three hashes
/// they computed: (payload, canonical request, signature).
#[inline]
fn one_pass_signed<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    values: Values<'a, INLINE_VALUES>,
    timestamp: i64,
    scope: CredentialScope<'a>,
    (hashed_payload, hashed_canonical_request, signature): ([u8; 32], [u8; 32], [u8; 32]),
) -> Signed<'a> {
    Signed {
        canonical_request: CanonicalRequest {
            method: req.method(),
            path: req.path(),
            query: req.raw_query(),
            signed_headers,
            values,
            hashed_payload,
        },
        string_to_sign: StringToSign::of_digest(timestamp, scope, hashed_canonical_request),
        signature,
    }
}

/// The canonical request of the one-pass paths up to its payload hash, each part
/// checked as it is written into `text`; the signed header values. `None` for more
/// than [`INLINE_VALUES`] signed headers, a value that needs rewriting, a text that
/// does not fit, and anything the staged path refuses.
#[inline]
fn write_one_pass<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    text: &mut CanonicalBlocks,
) -> Option<Values<'a, INLINE_VALUES>> {
    if signed_headers.len() > INLINE_VALUES {
        return None;
    }
    req.validate_target().ok()?;
    text.put(req.method().as_bytes())?;
    text.put_byte(b'\n')?;
    text.put(req.path().as_bytes())?;
    text.put_byte(b'\n')?;
    text.put(req.raw_query().as_bytes())?;
    text.put_byte(b'\n')?;
    // The values kept inline as they are found (at most `INLINE_VALUES`, checked above):
    // no `Values::push` and its spill-to-heap branch per value (session 28).
    let mut items = [""; INLINE_VALUES];
    let headers = req.headers();
    for (name, slot) in signed_headers.names().zip(&mut items) {
        let mut found = None;
        for (n, v) in headers {
            if crate::scan::eq_lower(n, name) {
                if found.is_some() {
                    return None;
                }
                found = Some(*v);
            }
        }
        // Trimming first is sound: a CR, LF or NUL is not a blank, so it stays in the
        // trimmed value, where the check sees it.
        let value = crate::request::trim_blanks(found?);
        let (line_break_or_nul, upper) = classify_value(value.as_bytes());
        if line_break_or_nul || (upper && settings.header_value_case == HeaderValueCase::Lowercase)
        {
            return None;
        }
        text.put(name.as_bytes())?;
        text.put_byte(b':')?;
        text.put(value.as_bytes())?;
        text.put_byte(b'\n')?;
        *slot = value;
    }
    text.put_byte(b'\n')?;
    text.put(signed_headers.joined().as_bytes())?;
    text.put_byte(b'\n')?;
    Some(Values::Inline {
        len: signed_headers.len(),
        items,
    })
}

/// Whether a header value holds a byte that would forge a line (CR, LF, NUL), and
/// whether it holds an upper-case ASCII letter: both tests eight bytes a step
/// (`crate::scan`'s word formulas), in one pass, instead of a table look-up per byte
/// (issue 17 item 1, session 26). A value shorter than eight bytes is padded with `a`,
/// which is in neither class; a longer one ends with its last eight bytes as one more,
/// overlapping, word.
///
/// CR, LF and NUL are all below 14, so the pass tests "any byte below 14" (three
/// operations a word) and only a value with such a byte (a tab, say) is tested again
/// for the three exactly (session 28, as `scan::any_line_break_or_nul` since session
/// 27; the pass was eleven operations a word for the three).
#[inline]
fn classify_value(v: &[u8]) -> (bool, bool) {
    use crate::scan::{any, between, eq, less};
    let (words, tail) = v.as_chunks::<8>();
    let (mut low, mut upper) = (0, 0);
    let mut test = |x: u64| {
        low |= less(x, 14);
        upper |= between(x, b'A' - 1, b'Z' + 1);
    };
    for w in words {
        test(u64::from_le_bytes(*w));
    }
    if !tail.is_empty() {
        test(match v.last_chunk::<8>() {
            Some(last) => u64::from_le_bytes(*last),
            None => tail
                .iter()
                .rev()
                .fold(u64::from_le_bytes([b'a'; 8]), |w, b| {
                    (w << 8) | u64::from(*b)
                }),
        });
    }
    let line_break_or_nul = low != 0 && any(v, b'a', |x| eq(x, b'\r') | eq(x, b'\n') | eq(x, 0));
    (line_break_or_nul, upper != 0)
}

/// The canonical request of one request shape (method, path, query, the signed
/// headers and their values), validated and written once, for signing many requests
/// that differ only in their payload and time: a service that sends the same kind of
/// request again and again (the same `Content-Type` and `Host`, say) builds it once
/// and signs each request with [`RequestTemplate::sign_with_key`] or
/// [`RequestTemplate::sign`], which then copy the prepared text instead of finding,
/// checking and writing it again (issue 17 item 1, session 26).
///
/// Every check of [`CanonicalRequest::new`] is made, once, by [`RequestTemplate::new`];
/// each signature is the one [`sign_with_key`] or [`sign`] gives for the template's
/// request with the payload given, with every stage in its [`Signed`] (the test
/// `one_pass_signs_what_the_staged_path_signs` holds them equal).
///
/// What is precomputed, once, in [`RequestTemplate::new`]: the checks, the canonical
/// text up to the payload hash (when the hash fits after it in a [`CanonicalBlocks`],
/// 183 bytes; a longer text is streamed per call, as [`sign_with_key`] streams it),
/// and SHA-256 of that text's whole 64-byte blocks (session 29): a call writes the
/// payload's hex after the text and compresses only the blocks from the one the hex
/// starts in, continuing from the state after the leading ones
/// ([`CanonicalBlocks::compress_leading_blocks`];
/// [`RequestTemplate::hashed_leading_blocks`] says how many). The seed's 101-byte text
/// is one of its canonical request's three blocks; a text of 128 to 183 bytes is two.
/// The [`Signed`] carries every stage as before: the canonical request (its text
/// rendered on demand), its hash and the signature.
///
/// ```
/// use cloudsig_canonical::{Payload, Request, tc3};
/// use cloudsig_core::{SecretKey, UtcDate, tc3::SigningKey};
///
/// let req = Request::new("POST", "/")
///     .header("Content-Type", "application/json; charset=utf-8")
///     .header("Host", "cvm.tencentcloudapi.com");
/// let signed_headers = tc3::SignedHeaders::default();
/// let template = tc3::RequestTemplate::new(&req, &signed_headers, &Default::default())?;
/// let secret = SecretKey::new(b"********************************")?;
/// let key = SigningKey::derive(&secret, &UtcDate::from_unix(1551113065)?, "cvm")?;
/// let body = br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
/// let scope = tc3::CredentialScope::for_key(1551113065, &key)?;
/// let signed = template.sign_with_key(Payload::Bytes(body), 1551113065, scope, &key)?;
/// assert_eq!(signed.signature().as_str(),
///            "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2");
/// assert_eq!(
///     signed,
///     tc3::sign_with_key(&req.clone().body(body), &signed_headers, &Default::default(),
///                        1551113065, scope, &key)?,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestTemplate<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    signed_headers: &'a SignedHeaders,
    values: Values<'a, INLINE_VALUES>,
    /// The canonical text up to its payload hash, when the hash fits after it in a
    /// [`CanonicalBlocks`] (the hot path), its whole blocks compressed; `None` for a
    /// longer one, which is streamed.
    text: Option<CanonicalBlocks>,
}

impl<'a> RequestTemplate<'a> {
    /// The template of `req`'s method, path, query and signed headers (its payload is
    /// not used): fails where [`CanonicalRequest::new`] fails, naming what is wrong.
    pub fn new(
        req: &Request<'a>,
        signed_headers: &'a SignedHeaders,
        settings: &Settings,
    ) -> Result<Self, Error> {
        let req = req.clone().with_payload(Payload::Unsigned);
        let CanonicalRequest {
            method,
            path,
            query,
            values,
            ..
        } = CanonicalRequest::new(&req, signed_headers, settings)?;
        let mut text = CanonicalBlocks::new();
        let written = (|| {
            for part in [method, path, query] {
                text.put(part.as_bytes())?;
                text.put_byte(b'\n')?;
            }
            for (name, value) in signed_headers.names().zip(values.iter()) {
                text.put(name.as_bytes())?;
                text.put_byte(b':')?;
                text.put(value.as_bytes())?;
                text.put_byte(b'\n')?;
            }
            text.put_byte(b'\n')?;
            text.put(signed_headers.joined().as_bytes())?;
            text.put_byte(b'\n')?;
            // Room for the payload's hash.
            (text.as_bytes().len() + 64 <= cloudsig_core::tc3::CANONICAL_BLOCKS_MAX).then_some(())
        })();
        if written.is_some() {
            // Every call hashes these blocks first: once, here.
            text.compress_leading_blocks();
        }
        Ok(Self {
            method,
            path,
            query,
            signed_headers,
            values,
            text: written.map(|()| text),
        })
    }

    /// How many leading 64-byte blocks of the canonical request [`RequestTemplate::new`]
    /// compressed, which no signature of the template compresses again: the whole
    /// blocks of the text before the payload hash (1 for the seed's 101 bytes), or 0
    /// when the text is too long for the one-pass path and is streamed per call.
    ///
    /// ```
    /// use cloudsig_canonical::{Request, tc3};
    /// let req = Request::new("POST", "/")
    ///     .header("Content-Type", "application/json; charset=utf-8")
    ///     .header("Host", "cvm.tencentcloudapi.com");
    /// let signed_headers = tc3::SignedHeaders::default();
    /// let template = tc3::RequestTemplate::new(&req, &signed_headers, &Default::default())?;
    /// assert_eq!(template.hashed_leading_blocks(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hashed_leading_blocks(&self) -> usize {
        self.text
            .as_ref()
            .map_or(0, CanonicalBlocks::leading_blocks)
    }

    /// The canonical request of the template with `payload`.
    pub fn canonical_request(&self, payload: Payload<'_>) -> Result<CanonicalRequest<'a>, Error> {
        Ok(self.canonical_request_hashed(payload_digest(payload)?))
    }

    #[inline]
    fn canonical_request_hashed(&self, hashed_payload: [u8; 32]) -> CanonicalRequest<'a> {
        CanonicalRequest {
            method: self.method,
            path: self.path,
            query: self.query,
            signed_headers: self.signed_headers,
            values: self.values.clone(),
            hashed_payload,
        }
    }

    /// The [`Signed`] of the template with the three hashes: (payload, canonical
    /// request, signature).
    #[inline]
    fn signed(
        &self,
        timestamp: i64,
        scope: CredentialScope<'a>,
        (hashed_payload, hashed_canonical_request, signature): ([u8; 32], [u8; 32], [u8; 32]),
    ) -> Signed<'a> {
        Signed {
            canonical_request: self.canonical_request_hashed(hashed_payload),
            string_to_sign: StringToSign::of_digest(timestamp, scope, hashed_canonical_request),
            signature,
        }
    }

    /// Signs the template's request with `payload` and a cached signing key, which must
    /// have been derived for the scope's date and service: what [`sign_with_key`] gives
    /// for the same request.
    pub fn sign_with_key(
        &self,
        payload: Payload<'_>,
        timestamp: i64,
        scope: CredentialScope<'a>,
        key: &SigningKey,
    ) -> Result<Signed<'a>, Error> {
        if let Some(text) = &self.text {
            let mut text = text.clone();
            let hashed_payload = match payload {
                Payload::Bytes(b) => text.put_sha256_hex(b),
                Payload::Unsigned => text.put_sha256_hex(UNSIGNED_PAYLOAD.as_bytes()),
                Payload::Sha256Hex(hex) => HexDigest::parse_lower(hex).and_then(|parsed| {
                    text.put(parsed.as_bytes())?;
                    Some(Digest::of_hex(&parsed)?.bytes)
                }),
            };
            if let Some(hashed_payload) = hashed_payload {
                let (hashed, signature) =
                    key.sign_blocks(timestamp, &scope.date, scope.service, &mut text);
                return Ok(self.signed(timestamp, scope, (hashed_payload, hashed, signature)));
            }
        }
        Ok(signed_staged(
            self.canonical_request(payload)?,
            timestamp,
            scope,
            key,
        ))
    }

    /// Signs the template's request with `payload` and a key derived from `secret` for
    /// the scope's date and service: what [`sign`] gives for the same request.
    pub fn sign(
        &self,
        payload: Payload<'_>,
        timestamp: i64,
        scope: CredentialScope<'a>,
        secret: &SecretKey,
    ) -> Result<Signed<'a>, Error> {
        let body = match payload {
            Payload::Bytes(b) => Some(b),
            Payload::Unsigned => Some(UNSIGNED_PAYLOAD.as_bytes()),
            Payload::Sha256Hex(_) => None,
        };
        if let (Some(text), Some(body)) = (&self.text, body) {
            let mut text = text.clone();
            if let Some(hashes) = SigningKey::derive_and_sign_blocks(
                secret,
                &scope.date,
                scope.service,
                timestamp,
                &mut text,
                body,
            ) {
                return Ok(self.signed(timestamp, scope, hashes));
            }
        }
        let key = SigningKey::derive(secret, &scope.date, scope.service)
            .map_err(|e| Error::core(Stage::Signature, e))?;
        self.sign_with_key(payload, timestamp, scope, &key)
    }
}

/// [`sign_with_key`] through the stages: the canonical request built, then hashed,
/// then signed.
fn sign_staged<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    timestamp: i64,
    scope: CredentialScope<'a>,
    key: &SigningKey,
) -> Result<Signed<'a>, Error> {
    let canonical_request = CanonicalRequest::new(req, signed_headers, settings)?;
    Ok(signed_staged(canonical_request, timestamp, scope, key))
}

/// A built canonical request hashed and signed, with every stage: the staged path's last
/// steps, shared by [`sign_staged`] and [`RequestTemplate::sign_with_key`]'s fallback.
fn signed_staged<'a>(
    canonical_request: CanonicalRequest<'a>,
    timestamp: i64,
    scope: CredentialScope<'a>,
    key: &SigningKey,
) -> Signed<'a> {
    let digest = canonical_request.digest();
    let signature = key.sign_digest(timestamp, &scope.date, scope.service, &digest);
    Signed {
        canonical_request,
        string_to_sign: StringToSign::of_digest(timestamp, scope, digest),
        signature,
    }
}

/// The `Authorization` header value:
/// `TC3-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<a;b>, Signature=<hex>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'a> {
    secret_id: &'a str,
    scope: CredentialScope<'a>,
    signed_headers: &'a SignedHeaders,
    signature: HexDigest,
}

impl fmt::Display for Authorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
            self.secret_id, self.scope, self.signed_headers, self.signature
        )
    }
}

/// The service named by a host: its first label (`cvm` for `cvm.tencentcloudapi.com`).
///
/// ```
/// assert_eq!(cloudsig_canonical::tc3::service_of_host("cvm.tencentcloudapi.com"), Some("cvm"));
/// assert_eq!(cloudsig_canonical::tc3::service_of_host(""), None);
/// ```
pub fn service_of_host(host: &str) -> Option<&str> {
    // Byte-wise (`.` is ASCII, so the cut is a character boundary): cheaper than a
    // `char` pattern on a short host, and verification asks this of every request.
    let end = host.bytes().position(|b| b == b'.').unwrap_or(host.len());
    host.get(..end).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn seed() -> Request<'static> {
        Request::new("POST", "/")
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Host", "cvm.tencentcloudapi.com")
            .header("X-TC-Action", "DescribeInstances")
    }

    mod one_pass {
        use super::*;
        use alloc::string::String;
        use proptest::prelude::*;

        fn key() -> SigningKey {
            let secret = SecretKey::new(b"********************************").unwrap();
            SigningKey::derive(&secret, &UtcDate::from_unix(1_551_113_065).unwrap(), "cvm").unwrap()
        }

        /// A header value: mostly plain (short ones too, so that a template's text
        /// before the payload hash is under one block, session 29), sometimes upper
        /// case, blanks around, a CR, LF or NUL, or long enough to overflow the
        /// one-pass buffer.
        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                4 => "[a-z0-9/;=. -]{0,40}",
                3 => "[a-z0-9.]{0,6}",
                2 => "[ \t]{0,2}[A-Za-z0-9/;=. \t-]{0,40}[ \t]{0,2}",
                1 => "[a-z]{0,5}[\r\n\x00][a-z]{0,5}",
                1 => "[a-z]{150,260}",
            ]
        }

        fn check(
            method: &str,
            path: &str,
            query: &str,
            headers: &[(String, String)],
            names: &[&str],
            payload: Payload<'_>,
            case: HeaderValueCase,
        ) -> Result<bool, TestCaseError> {
            let borrowed: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let req = Request::new(method, path)
                .query(query)
                .with_headers(&borrowed)
                .with_payload(payload);
            let sh = SignedHeaders::new(names.iter().copied()).unwrap();
            let settings = Settings::default().with_header_value_case(case);
            let ts = 1_551_113_065;
            let scope = CredentialScope::for_timestamp(ts, "cvm").unwrap();
            let key = key();
            let fast = sign_one_pass(&req, &sh, &settings, ts, scope, &key);
            let staged = sign_staged(&req, &sh, &settings, ts, scope, &key);
            // The per-call hot path (key derived with the request's chain interleaved)
            // takes the same requests and signs the same.
            let secret = SecretKey::new(b"********************************").unwrap();
            let per_call = sign_one_pass_per_call(&req, &sh, &settings, ts, scope, &secret);
            prop_assert_eq!(&per_call, &fast);
            // The request's template signs what the staged path signs, cached key and
            // key per call, and is refused where the staged path refuses.
            match (RequestTemplate::new(&req, &sh, &settings), &staged) {
                (Ok(t), Ok(s)) => {
                    prop_assert_eq!(&t.sign_with_key(payload, ts, scope, &key).unwrap(), s);
                    prop_assert_eq!(&t.sign(payload, ts, scope, &secret).unwrap(), s);
                    prop_assert_eq!(
                        &t.canonical_request(payload).unwrap(),
                        s.canonical_request()
                    );
                }
                (Err(_), Err(_)) => {}
                (t, s) => prop_assert!(false, "template {t:?}, staged {s:?}"),
            }
            match (&fast, &staged) {
                (Some(f), Ok(s)) => {
                    prop_assert_eq!(f, s);
                    // And the stages render the text that was hashed.
                    prop_assert_eq!(
                        f.hashed_canonical_request(),
                        &sha256_hex(f.canonical_request().to_string().as_bytes())
                    );
                }
                (Some(f), Err(e)) => {
                    prop_assert!(false, "one pass signed {f:?}, staged refused: {e}");
                }
                (None, _) => {}
            }
            Ok(fast.is_some())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

            /// The one-pass hot path signs exactly what the staged path signs, and
            /// signs nothing the staged path refuses.
            #[test]
            fn one_pass_signs_what_the_staged_path_signs(
                method in prop_oneof![4 => "POST", 2 => "GET", 2 => "PUT", 1 => "post", 1 => ""],
                path in prop_oneof![2 => "/", 4 => "/[a-zA-Z0-9/._~%-]{0,30}", 1 => "[/a?# \x01]{0,4}"],
                query in prop_oneof![3 => "", 3 => "[a-zA-Z0-9=&%._-]{0,60}", 1 => "[a #\x7f]{1,3}"],
                content_type in value(),
                host in value(),
                action in value(),
                extra in value(),
                twice in proptest::bool::weighted(0.25),
                which in 0usize..4,
                body in proptest::collection::vec(any::<u8>(), 0..200),
                unsigned in any::<bool>(),
                as_sent in any::<bool>(),
            ) {
                let mut headers = alloc::vec![
                    ("Content-Type".into(), content_type),
                    ("HOST".into(), host),
                    ("x-tc-action".into(), action),
                    ("X-Extra".into(), extra.clone()),
                ];
                if twice {
                    headers.push(("host".into(), extra));
                }
                let names: &[&str] = match which {
                    0 => &["content-type", "host"],
                    1 => &["content-type", "host", "x-tc-action"],
                    2 => &["content-type", "host", "x-extra", "x-tc-action"],
                    _ => &["a", "content-type", "host", "x-extra", "x-tc-action"],
                };
                let payload = if unsigned { Payload::Unsigned } else { Payload::Bytes(&body) };
                let case = if as_sent { HeaderValueCase::AsSent } else { HeaderValueCase::Lowercase };
                check(&method, &path, &query, &headers, names, payload, case)?;
            }
        }

        /// Session 29: templates whose text before the payload hash is every length
        /// from 48 to 248 bytes: under one block, one and two leading blocks hashed
        /// once, and past the one-pass limit (183 bytes), streamed. Each signs what the
        /// staged path signs for the request as sent (`check`), with payloads whose
        /// hex starts in the block after the leading ones, ends there or in the next.
        #[test]
        fn templates_of_every_leading_block_count_sign_as_the_staged_path() {
            // Templates seen with 0, 1, 2 leading blocks, and streamed.
            let mut seen = [0usize; 4];
            let long = [b'p'; 300];
            for len in 0..=200usize {
                // Letters that differ from one template to the next.
                let value: String = (0..len)
                    .map(|i| char::from(b'a' + ((i + len) % 26) as u8))
                    .collect();
                let headers = [
                    ("Content-Type".into(), value.clone()),
                    ("Host".into(), "h".into()),
                ];
                let names = ["content-type", "host"];
                let req = Request::new("POST", "/")
                    .header("Content-Type", &value)
                    .header("Host", "h");
                let sh = SignedHeaders::default();
                let t = RequestTemplate::new(&req, &sh, &Settings::default()).unwrap();
                let class = if t.text.is_some() {
                    t.hashed_leading_blocks()
                } else {
                    3
                };
                assert_eq!(class, if 48 + len > 183 { 3 } else { (48 + len) / 64 });
                seen[class] += 1;
                // A payload given by its hash: `check`'s one-pass paths take bytes only.
                let hex = sha256_hex(b"{}");
                let by_hash = Payload::Sha256Hex(hex.as_str());
                let ts = 1_551_113_065;
                let scope = CredentialScope::for_timestamp(ts, "cvm").unwrap();
                let staged = sign_staged(
                    &req.clone().with_payload(by_hash),
                    &sh,
                    &Settings::default(),
                    ts,
                    scope,
                    &key(),
                )
                .unwrap();
                assert_eq!(t.sign_with_key(by_hash, ts, scope, &key()).unwrap(), staged);
                let secret = SecretKey::new(b"********************************").unwrap();
                assert_eq!(t.sign(by_hash, ts, scope, &secret).unwrap(), staged);
                for payload in [
                    Payload::Bytes(b""),
                    Payload::Bytes(b"{}"),
                    Payload::Bytes(&long),
                    Payload::Unsigned,
                ] {
                    check(
                        "POST",
                        "/",
                        "",
                        &headers,
                        &names,
                        payload,
                        HeaderValueCase::Lowercase,
                    )
                    .unwrap();
                }
            }
            assert_eq!(seen, [16, 64, 56, 65]);
        }

        /// The documented example takes the one-pass path and signs as documented.
        #[test]
        fn the_documented_example_takes_the_one_pass_path() {
            let body =
                br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
            let headers = [
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("Host".into(), "cvm.tencentcloudapi.com".into()),
            ];
            let names = ["content-type", "host"];
            let fast = check(
                "POST",
                "/",
                "",
                &headers,
                &names,
                Payload::Bytes(body),
                HeaderValueCase::Lowercase,
            );
            assert!(fast.unwrap());
            let req = Request::new("POST", "/")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Host", "cvm.tencentcloudapi.com")
                .body(body);
            let sh = SignedHeaders::default();
            let scope = CredentialScope::for_timestamp(1_551_113_065, "cvm").unwrap();
            let signed = sign_one_pass(
                &req,
                &sh,
                &Settings::default(),
                1_551_113_065,
                scope,
                &key(),
            )
            .unwrap();
            let secret = SecretKey::new(b"********************************").unwrap();
            let per_call = sign_one_pass_per_call(
                &req,
                &sh,
                &Settings::default(),
                1_551_113_065,
                scope,
                &secret,
            )
            .unwrap();
            assert_eq!(per_call, signed);
            assert_eq!(
                signed.signature().as_str(),
                "a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"
            );
            // The template: the same, and a payload given as its hash (parsed, or
            // refused as the staged path refuses it) signs as the request would.
            let t = RequestTemplate::new(&req, &sh, &Settings::default()).unwrap();
            let ts = 1_551_113_065;
            assert_eq!(
                t.sign_with_key(Payload::Bytes(body), ts, scope, &key())
                    .unwrap(),
                signed
            );
            assert_eq!(
                t.sign(Payload::Bytes(body), ts, scope, &secret).unwrap(),
                signed
            );
            let hashed_payload = signed.canonical_request().hashed_payload();
            let hex = hashed_payload.as_str();
            let by_hash = Payload::Sha256Hex(hex);
            assert_eq!(t.sign_with_key(by_hash, ts, scope, &key()).unwrap(), signed);
            assert_eq!(t.sign(by_hash, ts, scope, &secret).unwrap(), signed);
            let upper = hex.to_uppercase();
            let bad = Payload::Sha256Hex(&upper);
            let staged = sign_staged(
                &req.clone().with_payload(bad),
                &sh,
                &Settings::default(),
                ts,
                scope,
                &key(),
            );
            assert_eq!(
                t.sign_with_key(bad, ts, scope, &key())
                    .unwrap_err()
                    .to_string(),
                staged.unwrap_err().to_string()
            );
            assert!(t.sign(bad, ts, scope, &secret).is_err());
            assert_eq!(
                signed.hashed_canonical_request().as_str(),
                "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a"
            );
        }
    }

    /// The word-at-a-time classification of the one-pass paths answers what the byte
    /// definitions answer, for every byte value at every position of values of 1 to 17
    /// bytes (the whole words, the overlapping last word, the padded short tail).
    #[test]
    fn classify_value_is_the_bytewise_definition() {
        for b in 0..=255u8 {
            for len in 1..=17 {
                for at in 0..len {
                    let mut v = [b'x'; 17];
                    v[at] = b;
                    let v = &v[..len];
                    let want = (
                        v.iter().any(|c| matches!(c, b'\r' | b'\n' | 0)),
                        v.iter().any(u8::is_ascii_uppercase),
                    );
                    assert_eq!(classify_value(v), want, "{b} at {at} of {len}");
                }
            }
        }
        assert_eq!(classify_value(b""), (false, false));
    }

    #[test]
    fn missing_and_duplicate_signed_headers_are_named() {
        let sh = SignedHeaders::new(["content-type", "host", "x-tc-region"]).unwrap();
        let err = CanonicalRequest::new(&seed(), &sh, &Settings::default()).unwrap_err();
        assert_eq!(err.field(), "header `x-tc-region`");
        let dup = seed().header("host", "evil.example");
        let err = CanonicalRequest::new(&dup, &SignedHeaders::default(), &Settings::default())
            .unwrap_err();
        assert_eq!(err.field(), "header `host`");
        assert!(err.reason().contains("more than once"));
    }

    #[test]
    fn many_signed_headers_cost_n_log_n_comparisons_not_n_squared() {
        // 3,000 signed names among 3,002 headers: one scan of the headers per name
        // compared 9 million names (the quadratic cost that let a 258 KB request
        // take seconds); sorting the headers once and searching each name compares
        // about 3,000 × 12 × 2. The bound leaves room for the sort's constant.
        let (owned, names, lines) = crate::lookup::many_signed(3000);
        let sh = SignedHeaders::parse(&names).unwrap();
        let headers = crate::lookup::borrowed(&owned);
        let req = Request::new("POST", "/").with_headers(&headers);
        let before = crate::lookup::comparisons();
        let c = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap();
        let used = crate::lookup::comparisons() - before;
        assert!(used < 300_000, "{used} header-name comparisons");
        let text = c.to_string();
        assert!(
            text.starts_with(&format!("POST\n/\n\n{lines}\n")),
            "{text:.300}"
        );
        // A duplicate or a missing name among many is still named.
        let mut dup = headers.clone();
        dup.push(("x-h1500", "again"));
        let req = Request::new("POST", "/").with_headers(&dup);
        let err = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap_err();
        assert_eq!(err.field(), "header `x-h1500`");
        assert!(err.reason().contains("more than once"));
        let before = crate::lookup::comparisons();
        assert_eq!(sh.first_missing(&headers), None);
        let missing: Vec<(&str, &str)> = headers
            .iter()
            .copied()
            .filter(|(n, _)| *n != "X-H2999" && *n != "X-H7")
            .collect();
        assert_eq!(sh.first_missing(&missing), Some("x-h2999"));
        let used = crate::lookup::comparisons() - before;
        assert!(used < 300_000, "{used} header-name comparisons");
        let req = Request::new("POST", "/").with_headers(&missing);
        let err = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap_err();
        assert_eq!(err.field(), "header `x-h2999`");
    }

    #[test]
    fn a_few_signed_headers_are_found_by_scanning() {
        // Two signed names among five headers: two passes, ten comparisons at most.
        let req = seed()
            .header("X-TC-Timestamp", "1")
            .header("X-TC-Version", "2");
        let before = crate::lookup::comparisons();
        CanonicalRequest::new(&req, &SignedHeaders::default(), &Settings::default()).unwrap();
        assert!(crate::lookup::comparisons() - before <= 10);
    }

    #[test]
    fn value_case_setting() {
        let sh = SignedHeaders::new(["content-type", "host", "x-tc-action"]).unwrap();
        let lower = CanonicalRequest::new(&seed(), &sh, &Settings::default()).unwrap();
        assert!(
            lower
                .to_string()
                .contains("\nx-tc-action:describeinstances\n")
        );
        let as_sent = Settings::default().with_header_value_case(HeaderValueCase::AsSent);
        let kept = CanonicalRequest::new(&seed(), &sh, &as_sent).unwrap();
        assert!(
            kept.to_string()
                .contains("\nx-tc-action:DescribeInstances\n")
        );
    }

    #[test]
    fn values_past_the_inline_ones_or_lower_cased_are_kept_in_order() {
        let req = seed()
            .header("X-A", "1")
            .header("X-B", " Two ")
            .header("X-C", "3")
            .header("X-D", "4");
        let expected = |b: &str| {
            format!(
                "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\
                 x-a:1\nx-b:{b}\nx-c:3\nx-d:4\n\ncontent-type;host;x-a;x-b;x-c;x-d\n\
                 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            )
        };
        let six = SignedHeaders::new(["content-type", "host", "x-a", "x-b", "x-c", "x-d"]).unwrap();
        let c = CanonicalRequest::new(&req, &six, &Settings::default()).unwrap();
        assert_eq!(c.to_string(), expected("two"));
        assert_eq!(c.hashed(), sha256_hex(c.to_string().as_bytes()));
        let as_sent = Settings::default().with_header_value_case(HeaderValueCase::AsSent);
        let c = CanonicalRequest::new(&req, &six, &as_sent).unwrap();
        assert_eq!(c.to_string(), expected("Two"));
        // Lower-casing a value moves the values out of line; they read the same.
        let three = SignedHeaders::new(["content-type", "x-b", "host"]).unwrap();
        let lowered = CanonicalRequest::new(&req, &three, &Settings::default()).unwrap();
        let kept = CanonicalRequest::new(&req, &three, &as_sent).unwrap();
        assert_ne!(lowered, kept);
        assert_eq!(
            lowered
                .canonical_headers()
                .map(|(_, v)| v)
                .collect::<Vec<_>>(),
            [
                "application/json; charset=utf-8",
                "cvm.tencentcloudapi.com",
                "two"
            ]
        );
        assert_eq!(lowered, lowered.clone());
        let req = Request::new("POST", "/")
            .header("Content-Type", "a")
            .header("Host", "h");
        let sh = SignedHeaders::default();
        let inline = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap();
        assert_eq!(alloc::format!("{:?}", inline.values), r#"["a", "h"]"#);
    }

    #[test]
    fn values_are_trimmed_but_not_collapsed() {
        let req = Request::new("POST", "/")
            .header("Content-Type", " \tapplication/json;  charset=utf-8 ")
            .header("Host", "h");
        let sh = SignedHeaders::default();
        let c = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap();
        assert!(
            c.to_string()
                .contains("content-type:application/json;  charset=utf-8\n")
        );
    }

    #[test]
    fn hashed_is_the_hash_of_the_display_text() {
        let sh = SignedHeaders::new(["content-type", "host", "x-tc-action"]).unwrap();
        for req in [
            seed(),
            seed().query("Limit=10&Offset=0").body(b"{}"),
            seed().with_payload(Payload::Unsigned),
            Request::new("GET", "/a/b")
                .header("content-type", " X ")
                .header("HOST", "h")
                .header("x-tc-action", "Y"),
        ] {
            for settings in [
                Settings::default(),
                Settings::default().with_header_value_case(HeaderValueCase::AsSent),
            ] {
                let c = CanonicalRequest::new(&req, &sh, &settings).unwrap();
                assert_eq!(c.hashed(), sha256_hex(c.to_string().as_bytes()));
            }
        }
    }

    #[test]
    fn unsigned_headers_are_not_validated_but_signed_ones_are() {
        let req = seed().header("X-Unsigned", "a\r\nb");
        assert!(
            CanonicalRequest::new(&req, &SignedHeaders::default(), &Settings::default()).is_ok()
        );
        let sh = SignedHeaders::new(["content-type", "host", "x-unsigned"]).unwrap();
        let err = CanonicalRequest::new(&req, &sh, &Settings::default()).unwrap_err();
        assert!(err.reason().contains("CR, LF"), "{err}");
    }

    #[test]
    fn signed_headers_parsing() {
        assert!(SignedHeaders::parse("").is_err());
        assert!(SignedHeaders::parse("content-type;;host").is_err());
        assert!(SignedHeaders::parse("Content-Type;host").is_err());
        assert!(SignedHeaders::parse("con tent;host").is_err());
        let unsorted = SignedHeaders::parse("host;content-type").unwrap();
        assert!(!unsorted.is_sorted());
        assert_eq!(unsorted.to_string(), "host;content-type");
    }

    #[test]
    fn payload_hash_forms() {
        let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(hash_payload(Payload::Bytes(b"")).unwrap().as_str(), empty);
        assert_eq!(
            hash_payload(Payload::Sha256Hex(empty)).unwrap().as_str(),
            empty
        );
        assert!(hash_payload(Payload::Sha256Hex(&empty.to_uppercase())).is_err());
        assert!(hash_payload(Payload::Sha256Hex("abc")).is_err());
    }

    /// `for_timestamp`'s cached day gives the date `UtcDate::from_unix` gives, for
    /// every second of a day and the seconds around it, hit or missed, before and after
    /// 1970 (where the day number is negative), at the ends of the range, and for
    /// timestamps out of it.
    #[test]
    fn for_timestamp_through_the_cached_day_is_from_unix() {
        use cloudsig_core::{MAX_TIMESTAMP, MIN_TIMESTAMP};
        let mut stamps = alloc::vec![];
        for midnight in [
            0,
            1_551_052_800,
            -86_400,
            MIN_TIMESTAMP,
            MAX_TIMESTAMP + 1 - 86_400,
        ] {
            for ts in [
                midnight,
                midnight + 1,
                midnight + 86_399,
                midnight - 1,
                midnight + 86_400,
            ] {
                // Each twice: a miss, then a hit; then the day before (a miss).
                stamps.extend([ts, ts, ts - 86_400, ts]);
            }
        }
        stamps.extend([MIN_TIMESTAMP - 1, MAX_TIMESTAMP + 1, i64::MIN, i64::MAX, 0]);
        for ts in stamps {
            let want = UtcDate::from_unix(ts);
            for _ in 0..2 {
                let got = CredentialScope::for_timestamp(ts, "cvm");
                match (&got, &want) {
                    (Ok(scope), Ok(date)) => assert_eq!(scope.date(), *date, "{ts}"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{ts}: {got:?} against {want:?}"),
                }
            }
        }
    }

    /// The string to sign keeps its hashed canonical request as bytes and writes it in
    /// `Display` as it wrote the `HexDigest` it was given: for SHA-256's 64 characters,
    /// SHA-1's 40 and every byte value (session 27).
    #[test]
    fn string_to_sign_writes_the_hex_it_was_given() {
        use alloc::string::String;
        use cloudsig_core::hash::{Hash, hash_hex};
        let scope = CredentialScope::for_timestamp(1_551_113_065, "cvm").unwrap();
        let all: Vec<u8> = (0..=255).collect();
        for digest in [
            hash_hex(Hash::Sha256, b"abc"),
            hash_hex(Hash::Sha1, b"abc"),
            HexDigest::from_bytes(&[0; 32]),
            HexDigest::from_bytes(&[0xff; 32]),
            HexDigest::from_bytes(all[..32].try_into().unwrap()),
            HexDigest::from_bytes(all[224..].try_into().unwrap()),
        ] {
            let sts = StringToSign::new(1_551_113_065, scope, digest);
            let mut want = String::new();
            cloudsig_core::tc3::write_string_to_sign(
                &mut want,
                1_551_113_065,
                &scope.date(),
                "cvm",
                digest.as_str(),
            )
            .unwrap();
            assert_eq!(sts.to_string(), want);
            assert_eq!(
                alloc::format!("{sts:?}"),
                alloc::format!(
                    "StringToSign {{ timestamp: 1551113065, scope: {scope:?}, \
                     hashed_canonical_request: {digest:?} }}"
                )
            );
        }
        for b in 0..=255u8 {
            let d = HexDigest::from_bytes(&[b; 32]);
            assert_eq!(Digest::of_hex(&d).map(|d| d.bytes), Some([b; 32]));
            assert_eq!(Hex::of(&[b; 32]), d);
        }
    }

    #[test]
    fn scope_rejects_bad_service_and_time() {
        assert!(CredentialScope::for_timestamp(0, "cv/m").is_err());
        assert!(CredentialScope::for_timestamp(0, "").is_err());
        assert!(CredentialScope::for_timestamp(i64::MAX, "cvm").is_err());
    }
}
