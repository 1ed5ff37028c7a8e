//! The canonical request, string to sign and Authorization of Huawei Cloud's AK/SK
//! schemes (SDK-HMAC-SHA256, SDK-HMAC-SM3, V11-HMAC-SHA256), each a `Display` value.
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n
//!                    CanonicalHeaders \n SignedHeaders \n PayloadHash
//! ```
//!
//! As the official SDKs build it (huaweicloudsdkcore `signer/signer.py`, the Go and Java
//! `Signer`): the URI is the path percent-decoded, split on `/`, each segment encoded
//! with RFC 3986 (unreserved characters kept), joined, and ended with `/` when it does not
//! end with one; the query's pairs are decoded, sorted by name then value, and each
//! encoded the same way (`name=` for a pair without a value); every signed header is
//! `lower-case-name:trimmed-value`; the payload hash is the value of
//! `X-Sdk-Content-Sha256` when the request has one (`UNSIGNED-PAYLOAD`), otherwise the
//! hex hash of the body (SM3 for SDK-HMAC-SM3).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write};

use cloudsig_core::hash::{Hash, Hasher};
use cloudsig_core::huawei::{
    Algorithm, Scope, SdkDate, SigningKey, UNSIGNED_PAYLOAD, hash_hex, write_string_to_sign,
};
use cloudsig_core::{HexDigest, SecretKey};
use percent_encoding::utf8_percent_encode;

use crate::encode::RFC3986;
use crate::error::{Error, Stage};
pub use crate::headers::SignedHeaders;
use crate::hex::{Digest, Hex};
use crate::request::{Payload, Request};
use crate::sigv4::{Lines, PayloadLine, Values};

/// How the canonical URI is formed. The default is the SDKs'; the others are client
/// mistakes, which the verifier's diagnosis applies one at a time.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UriForm {
    /// Decoded, each segment encoded, always ending with `/`.
    #[default]
    Sdk,
    /// As [`UriForm::Sdk`] but without the trailing `/` (the most common mistake).
    NoTrailingSlash,
    /// Decoded but the segments not encoded again (`/a b/` for `/a%20b`), ending with `/`.
    NotEncoded,
    /// Each segment encoded without decoding it first (`%2F` becomes `%252F`), ending with `/`.
    DoubleEncoded,
}

/// How the canonical query is formed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryForm {
    /// Decoded, sorted by name then value, RFC 3986 encoded. The SDKs' form.
    #[default]
    Sorted,
    /// The query as sent, in its order (a client that did not sort).
    AsSent,
    /// Sorted, but encoded as an HTML form (`+` for space, `*` and `~` as the form
    /// encoders write them).
    FormEncoded,
}

/// How signed header values enter the canonical request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderValues {
    /// Surrounding whitespace removed. The SDKs' form.
    #[default]
    Trimmed,
    /// As sent, untrimmed (a client that forgot to trim).
    Untrimmed,
}

/// Settings of the Huawei canonical builder: the SDKs' behaviour by default.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Settings {
    /// The canonical URI.
    pub uri: UriForm,
    /// The canonical query.
    pub query: QueryForm,
    /// Signed header values.
    pub header_values: HeaderValues,
}

impl Settings {
    /// These settings with the URI formed as `uri`.
    pub fn with_uri(mut self, uri: UriForm) -> Self {
        self.uri = uri;
        self
    }

    /// These settings with the query formed as `query`.
    pub fn with_query(mut self, query: QueryForm) -> Self {
        self.query = query;
        self
    }

    /// These settings with header values as `values`.
    pub fn with_header_values(mut self, values: HeaderValues) -> Self {
        self.header_values = values;
        self
    }
}

/// The canonical URI of `path` (without its query).
///
/// ```
/// use cloudsig_canonical::huawei::{UriForm, canonical_uri};
/// assert_eq!(canonical_uri("/v1/abc/vpcs", UriForm::Sdk), "/v1/abc/vpcs/");
/// assert_eq!(canonical_uri("/a%20b/c d/", UriForm::Sdk), "/a%20b/c%20d/");
/// assert_eq!(canonical_uri("/v1/abc/vpcs", UriForm::NoTrailingSlash), "/v1/abc/vpcs");
/// assert_eq!(canonical_uri("/a%2Fb", UriForm::DoubleEncoded), "/a%252Fb/");
/// ```
pub fn canonical_uri(path: &str, form: UriForm) -> String {
    let decoded: Cow<'_, str> = match form {
        UriForm::Sdk | UriForm::NoTrailingSlash | UriForm::NotEncoded => {
            crate::encode::decode_lossy(path, crate::encode::PlusIs::Plus)
        }
        UriForm::DoubleEncoded => Cow::Borrowed(path),
    };
    let mut out = String::with_capacity(decoded.len() + 8);
    for (i, seg) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if form == UriForm::NotEncoded {
            out.push_str(seg);
        } else {
            let _ = write!(out, "{}", utf8_percent_encode(seg, RFC3986));
        }
    }
    if form != UriForm::NoTrailingSlash && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical query of a raw query string (as sent, percent-encoded).
///
/// ```
/// use cloudsig_canonical::huawei::{QueryForm, canonical_query};
/// assert_eq!(canonical_query("b=2&a=x%20y&a=1&c", QueryForm::Sorted), "a=1&a=x%20y&b=2&c=");
/// assert_eq!(canonical_query("b=2&a=1", QueryForm::AsSent), "b=2&a=1");
/// assert_eq!(canonical_query("q=x%20y%2A", QueryForm::FormEncoded), "q=x+y*");
/// ```
pub fn canonical_query(raw: &str, form: QueryForm) -> String {
    if form == QueryForm::AsSent {
        return String::from(raw);
    }
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = raw
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                crate::encode::decode_lossy(k, crate::encode::PlusIs::Plus),
                crate::encode::decode_lossy(v, crate::encode::PlusIs::Plus),
            )
        })
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(raw.len() + 8);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        match form {
            QueryForm::FormEncoded => {
                form_encode(&mut out, k);
                out.push('=');
                form_encode(&mut out, v);
            }
            _ => {
                let _ = write!(
                    out,
                    "{}={}",
                    utf8_percent_encode(k, RFC3986),
                    utf8_percent_encode(v, RFC3986)
                );
            }
        }
    }
    out
}

/// `application/x-www-form-urlencoded` as Java's `URLEncoder` and many form encoders
/// write it: space as `+`, `*` kept, `~` encoded.
fn form_encode(out: &mut String, s: &str) {
    const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'*')
        .remove(b' ');
    for piece in utf8_percent_encode(s, FORM) {
        out.push_str(&piece.replace(' ', "+"));
    }
}

/// The Huawei canonical request of a [`Request`]; `Display` renders its exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    method: &'a str,
    uri: Cow<'a, str>,
    /// Whether the URI is `uri` followed by `/` (a borrowed path without its slash).
    uri_slash: bool,
    query: Cow<'a, str>,
    signed_headers: &'a SignedHeaders,
    values: Values<'a>,
    payload_hash: PayloadLine<'a>,
}

impl<'a> CanonicalRequest<'a> {
    /// Builds the canonical request of `req` for `algorithm`, signing the headers in
    /// `signed_headers` (in their order). Every signed header must be present.
    pub fn new(
        req: &Request<'a>,
        algorithm: Algorithm,
        signed_headers: &'a SignedHeaders,
        settings: &Settings,
    ) -> Result<Self, Error> {
        req.validate()?;
        let values = match few_values(req, signed_headers, settings) {
            Some(values) => values,
            None => all_values(req, signed_headers, settings)?,
        };
        let payload_hash = match req.header_value(algorithm.content_header()) {
            Some(v) => PayloadLine::Text(v),
            None => payload_line(algorithm, req.payload())?,
        };
        // The SDKs' paths and queries are usually already canonical: borrowed then.
        let path = req.path();
        let (uri, uri_slash) = if crate::sigv4::unreserved_path(path) {
            let slash = settings.uri != UriForm::NoTrailingSlash && !path.ends_with('/');
            (Cow::Borrowed(path), slash)
        } else {
            (Cow::Owned(canonical_uri(path, settings.uri)), false)
        };
        let raw = req.raw_query();
        let query = match settings.query {
            QueryForm::AsSent => Cow::Borrowed(raw),
            QueryForm::Sorted if crate::sigv4::sorted_unreserved_pairs(raw) => Cow::Borrowed(raw),
            form => Cow::Owned(canonical_query(raw, form)),
        };
        Ok(Self {
            method: req.method(),
            uri,
            uri_slash,
            query,
            signed_headers,
            values,
            payload_hash,
        })
    }

    /// The canonical URI line (built when asked for: the hot path borrows the path and
    /// writes the trailing `/` after it).
    pub fn uri(&self) -> Cow<'_, str> {
        if self.uri_slash {
            Cow::Owned(alloc::format!("{}/", self.uri))
        } else {
            Cow::Borrowed(&self.uri)
        }
    }

    /// The canonical query line.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The signed headers.
    pub fn signed_headers(&self) -> &SignedHeaders {
        self.signed_headers
    }

    /// The payload line: a hex hash or `UNSIGNED-PAYLOAD`. A hash this crate computed
    /// is kept as its bytes and its hex written when asked for (issue 17 item 1,
    /// session 28; it returned `&str` before), so this is owned then and borrowed from
    /// the request otherwise.
    pub fn payload_hash(&self) -> Cow<'_, str> {
        self.payload_hash.text()
    }

    /// `(name, value)` of each canonical header line.
    pub fn canonical_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.signed_headers.names().zip(self.values.iter())
    }

    /// The hex hash of the text (SHA-256, or SM3 for SDK-HMAC-SM3), streamed.
    pub fn hashed(&self, algorithm: Algorithm) -> HexDigest {
        let hex = self.payload_hash.hex();
        match algorithm.hash() {
            Hash::Sha256 => crate::one_pass::sha256(|| self.lines(&hex)),
            hash => self.lines(&hex).hashed_with(Hasher::new(hash)),
        }
    }

    /// The lines of the family's canonical request text; `hex` is
    /// `self.payload_hash.hex()`, the payload line's hex when this crate computed it.
    fn lines<'s>(
        &'s self,
        hex: &'s Option<HexDigest>,
    ) -> Lines<'s, impl Iterator<Item = (&'s str, &'s str)>> {
        Lines {
            method: self.method,
            uri: &self.uri,
            uri_end: if self.uri_slash { "/" } else { "" },
            query: &self.query,
            headers: self.canonical_headers(),
            signed_headers: self.signed_headers,
            payload: self.payload_hash.line(hex.as_ref()),
        }
    }
}

impl fmt::Display for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.lines(&self.payload_hash.hex()).write_to(f)
    }
}

/// The signed header values of the usual request, found in one pass over its headers
/// (issue 17 item 1, session 24; session 27: [`SignedHeaders::find_few`]): at most
/// [`crate::headers::FEW`] names, each present (the last value of a repeated one, as the SDKs keep it). `None` for
/// anything else (a name missing, many names), which [`all_values`] then builds, or
/// refuses, as before; the property tests hold the two equal
/// (`tests/acs3_sdk_hmac_fast_path.rs`). The values were checked by `validate`.
#[inline]
pub(crate) fn few_values<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
) -> Option<Values<'a>> {
    let mut items = signed_headers.find_few(req.headers())?.values;
    if settings.header_values == HeaderValues::Trimmed {
        for slot in items.iter_mut().take(signed_headers.len()) {
            *slot = trim(slot);
        }
    }
    Some(Values::Inline {
        len: signed_headers.len(),
        items,
    })
}

/// `value.trim()`, without its Unicode scan when the value starts and ends with a
/// visible ASCII character (what the SDKs send): 153 of the documented example's
/// instructions (callgrind) for three values.
#[inline]
fn trim(value: &str) -> &str {
    match (value.as_bytes().first(), value.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

/// The signed header values of any request, the first missing name named in the error.
pub(crate) fn all_values<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
) -> Result<Values<'a>, Error> {
    values_except(req, signed_headers, settings, false)
}

/// [`all_values`], with an empty value, not looked up, for `x-sdk-date` when
/// `skip_date` (the [`RequestTemplate`]'s per-call header).
fn values_except<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
    skip_date: bool,
) -> Result<Values<'a>, Error> {
    let mut values = Values::with_capacity(signed_headers.len());
    // One sort of the headers when many names are signed: n log n, not n².
    let lookup = crate::lookup::Lookup::new(req.headers(), signed_headers.len());
    for name in signed_headers.names() {
        if skip_date && name == DATE_HEADER {
            values.push(Cow::Borrowed(""));
            continue;
        }
        // The SDKs keep the last value of a header given twice.
        let value = lookup.values(name).last().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::MissingSignedHeader,
                Stage::CanonicalRequest,
                alloc::format!("header `{name}`"),
                "is listed in SignedHeaders but the request does not have it",
            )
        })?;
        values.push(Cow::Borrowed(match settings.header_values {
            HeaderValues::Trimmed => value.trim(),
            HeaderValues::Untrimmed => value,
        }));
    }
    Ok(values)
}

/// The payload line for `payload` when the request has no `X-Sdk-Content-Sha256`.
pub fn payload_hash(algorithm: Algorithm, payload: Payload<'_>) -> Result<String, Error> {
    payload_line(algorithm, payload).map(|line| line.text().into_owned())
}

/// [`payload_hash`] without allocating: a computed hash, or the request's own text.
fn payload_line<'a>(algorithm: Algorithm, payload: Payload<'a>) -> Result<PayloadLine<'a>, Error> {
    match payload {
        Payload::Bytes(b) => Ok(PayloadLine::Hashed(Digest::of_hex_digest(&hash_hex(
            algorithm, b,
        )))),
        Payload::Unsigned => Ok(PayloadLine::Text(UNSIGNED_PAYLOAD)),
        Payload::Sha256Hex(hex) => {
            if algorithm.uses_sm3() {
                return Err(Error::new(
                    crate::ErrorKind::InvalidPayload,
                    Stage::CanonicalRequest,
                    "payload hash",
                    "SDK-HMAC-SM3 hashes the body with SM3, not SHA-256",
                ));
            }
            if HexDigest::parse_lower(hex).is_none() {
                return Err(Error::new(
                    crate::ErrorKind::InvalidPayload,
                    Stage::CanonicalRequest,
                    "payload hash",
                    "must be 64 lower-case hex characters",
                ));
            }
            Ok(PayloadLine::Text(hex))
        }
    }
}

/// The string to sign; `Display` renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringToSign<'a> {
    algorithm: Algorithm,
    date: SdkDate,
    scope: Option<Scope<'a>>,
    /// The hashed canonical request's bytes: its hex is written by `Display` (session
    /// 27).
    hashed_canonical_request: Digest,
}

impl<'a> StringToSign<'a> {
    /// The string to sign of a hashed canonical request. `scope` is used by V11 only,
    /// and kept by V11 only: a scope given with another algorithm is dropped, so that the
    /// [`Signed`] of every signing path is the same value (session 28: the one-pass path
    /// dropped it, the staged path kept it).
    pub fn new(
        algorithm: Algorithm,
        date: SdkDate,
        scope: Option<Scope<'a>>,
        hashed_canonical_request: HexDigest,
    ) -> Self {
        Self {
            algorithm,
            date,
            scope: scope.filter(|_| algorithm.uses_scope()),
            // A `HexDigest` is always the lower-case hex of at most 32 bytes.
            hashed_canonical_request: Digest::of_hex_digest(&hashed_canonical_request),
        }
    }

    /// The string to sign of the canonical request's SHA-256 `digest`.
    #[inline]
    fn of_digest(
        algorithm: Algorithm,
        date: SdkDate,
        scope: Option<Scope<'a>>,
        digest: [u8; 32],
    ) -> Self {
        Self {
            algorithm,
            date,
            scope: scope.filter(|_| algorithm.uses_scope()),
            hashed_canonical_request: Digest::of(digest),
        }
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_string_to_sign(
            f,
            self.algorithm,
            &self.date,
            self.scope.as_ref(),
            self.hashed_canonical_request.write_hex(&mut [0; 64]),
        )
    }
}

/// The `Authorization` header value; `Display` renders it.
///
/// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (and `SDK-HMAC-SM3`), or
/// `V11-HMAC-SHA256 Credential=AK/scope, SignedHeaders=a;b, Signature=hex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The AK.
    pub access_key: &'a str,
    /// The V11 scope.
    pub scope: Option<Scope<'a>>,
    /// The signed headers.
    pub signed_headers: &'a SignedHeaders,
    /// The hex signature (by value since session 28, a `&str` borrowed from the
    /// [`Signed`] before: `Signed` keeps the signature's bytes and writes its hex when
    /// asked, issue 17 item 1). It dereferences to a [`HexDigest`]; `.as_str()` gives
    /// the text.
    pub signature: Hex,
}

impl fmt::Display for Authorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.scope, self.algorithm.uses_scope()) {
            (Some(scope), true) => write!(
                f,
                "{} Credential={}/{}, ",
                self.algorithm, self.access_key, scope
            )?,
            _ => write!(f, "{} Access={}, ", self.algorithm, self.access_key)?,
        }
        write!(
            f,
            "SignedHeaders={}, Signature={}",
            self.signed_headers, self.signature
        )
    }
}

/// Every stage of one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    canonical_request: CanonicalRequest<'a>,
    string_to_sign: StringToSign<'a>,
    /// The signature's bytes: its hex is written when asked for (session 28).
    signature: Digest,
}

impl<'a> Signed<'a> {
    /// The canonical request.
    pub fn canonical_request(&self) -> &CanonicalRequest<'a> {
        &self.canonical_request
    }

    /// Its hex hash (written when asked for).
    pub fn hashed_canonical_request(&self) -> Hex {
        // Held once, in the string to sign (session 26), as its bytes (session 27).
        Hex::of(&self.string_to_sign.hashed_canonical_request.bytes)
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &StringToSign<'a> {
        &self.string_to_sign
    }

    /// The hex signature, written when asked for (session 28; a `&HexDigest` before:
    /// the [`Hex`] dereferences to one, so `*signed.signature()` and
    /// `signed.signature().as_str()` read as they did).
    pub fn signature(&self) -> Hex {
        Hex::of_digest(&self.signature)
    }

    /// The Authorization header value for `access_key`.
    pub fn authorization<'s>(&'s self, access_key: &'s str) -> Authorization<'s> {
        Authorization {
            algorithm: self.string_to_sign.algorithm,
            access_key,
            scope: self.string_to_sign.scope,
            signed_headers: self.canonical_request.signed_headers,
            signature: self.signature(),
        }
    }
}

/// Signs `req` at `date`: builds the canonical request, hashes it, and signs the string
/// to sign with the SK (or, for V11, the key derived for `scope`, which is then required).
///
/// ```
/// use cloudsig_canonical::{Request, huawei};
/// use cloudsig_core::{SecretKey, huawei::{Algorithm, SdkDate}};
/// // vectors/huawei/sdk_hmac.json, `sdk-hmac-sha256-vpcs-documented` (Huawei Cloud's AK/SK signing document).
/// let req = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
///     .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
///     .header("Content-Type", "application/json")
///     .header("Host", "service.region.example.com")
///     .header("X-Sdk-Date", "20191115T033655Z");
/// let signed_headers = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
/// let sk = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")?;
/// let signed = huawei::sign(&req, Algorithm::SdkHmacSha256, &signed_headers, &Default::default(),
///     SdkDate::parse("20191115T033655Z")?, None, "QTWAOYTTINDUT2QVKYUC", &sk)?;
/// assert_eq!(signed.hashed_canonical_request().as_str(),
///     "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
/// assert_eq!(signed.authorization("QTWAOYTTINDUT2QVKYUC").to_string(),
///     "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
///      Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn sign<'a>(
    req: &Request<'a>,
    algorithm: Algorithm,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    date: SdkDate,
    scope: Option<Scope<'a>>,
    access_key: &str,
    secret: &SecretKey,
) -> Result<Signed<'a>, Error> {
    let key = SigningKey::new(algorithm, access_key, secret, scope.as_ref())
        .map_err(|e| Error::core(Stage::Signature, e))?;
    sign_with_key(req, &key, signed_headers, settings, date, scope)
}

/// [`sign`] with a signing key made once (for V11, for this `scope`).
pub fn sign_with_key<'a>(
    req: &Request<'a>,
    key: &SigningKey,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    date: SdkDate,
    scope: Option<Scope<'a>>,
) -> Result<Signed<'a>, Error> {
    let algorithm = key.algorithm();
    if algorithm.uses_scope() && scope.is_none() {
        return Err(Error::new(
            crate::ErrorKind::InvalidScope,
            Stage::StringToSign,
            "credential scope",
            "V11-HMAC-SHA256 needs a region and a service",
        ));
    }
    if let Some(signed) = sign_one_pass(req, key, signed_headers, settings, date) {
        return Ok(signed);
    }
    sign_staged(req, key, signed_headers, settings, date, scope)
}

/// [`sign_with_key`] through the stages: the canonical request built, then hashed, then
/// signed.
pub(crate) fn sign_staged<'a>(
    req: &Request<'a>,
    key: &SigningKey,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    date: SdkDate,
    scope: Option<Scope<'a>>,
) -> Result<Signed<'a>, Error> {
    let canonical_request = CanonicalRequest::new(req, key.algorithm(), signed_headers, settings)?;
    Ok(signed_staged(canonical_request, key, date, scope))
}

/// A built canonical request hashed and signed, with every stage: the staged path's last
/// steps, shared by [`sign_staged`] and [`RequestTemplate::sign_with_key`]'s fallback.
fn signed_staged<'a>(
    canonical_request: CanonicalRequest<'a>,
    key: &SigningKey,
    date: SdkDate,
    scope: Option<Scope<'a>>,
) -> Signed<'a> {
    let algorithm = key.algorithm();
    let hashed = canonical_request.hashed(algorithm);
    let signature = key.sign_parts(&date, scope.as_ref(), &hashed);
    Signed {
        canonical_request,
        string_to_sign: StringToSign::new(algorithm, date, scope, hashed),
        signature: Digest::of_hex_digest(&signature),
    }
}

/// The signed header a [`RequestTemplate`] takes per call (lower case): the date of the
/// request, written from the [`SdkDate`] it is signed at.
pub const DATE_HEADER: &str = "x-sdk-date";

/// The canonical request of one SDK-HMAC request shape (method, path, query, the signed
/// headers other than `X-Sdk-Date` with their values, and an `X-Sdk-Content-Sha256` /
/// `X-Sdk-Content-Sm3` header if it has one), validated and written once, for signing
/// many requests that differ only in their date and payload: a client that sends the
/// same kind of request again and again builds it once and signs each request with
/// [`RequestTemplate::sign_with_key`] or [`RequestTemplate::sign`], which then copy
/// the prepared text and write only the date and the payload's hash into it (issue 17
/// item 1, session 28, as [`crate::tc3::RequestTemplate`]).
///
/// Every check of [`CanonicalRequest::new`] (that is, of [`Request::validate`]) on
/// the request's headers other than `X-Sdk-Date` is made once by
/// [`RequestTemplate::new`]. Each signature is the one [`sign_with_key`] or [`sign`]
/// gives for the template's request with its `X-Sdk-Date` header set to the date's
/// text and the payload given (the test `the_template_signs_what_sign_with_key_signs`
/// holds them equal).
///
/// What is precomputed, once, in [`RequestTemplate::new`]: those checks, the canonical
/// text with the date's place, and (on the one-pass path: values inline, a text that
/// fits 768 bytes) SHA-256 of the whole 64-byte blocks before the date (session 29): an
/// SDK-HMAC-SHA256 call copies the text, writes the date, the rest and the payload
/// line, and compresses only the blocks from the one the date starts in
/// ([`cloudsig_core::Sha256BlockText::compress_leading_blocks`];
/// [`RequestTemplate::hashed_leading_blocks`] says how many). The documented example's
/// 172 bytes before the date are two of its canonical request's five blocks. The
/// [`Signed`] carries every stage as before.
///
/// ```
/// use cloudsig_canonical::{Payload, Request, huawei};
/// use cloudsig_core::{SecretKey, huawei::{Algorithm, SdkDate, SigningKey}};
///
/// // vectors/huawei/sdk_hmac.json, `sdk-hmac-sha256-vpcs-documented`: the fixed part of
/// // the request (an X-Sdk-Date in it would not be read).
/// let shape = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
///     .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
///     .header("Content-Type", "application/json")
///     .header("Host", "service.region.example.com");
/// let signed_headers = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
/// let template = huawei::RequestTemplate::new(&shape, &signed_headers, &Default::default())?;
/// let sk = SecretKey::new(b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")?;
/// let key = SigningKey::new(Algorithm::SdkHmacSha256, "QTWAOYTTINDUT2QVKYUC", &sk, None)?;
/// // Per request: the date (sent as X-Sdk-Date) and the body.
/// let date = SdkDate::parse("20191115T033655Z")?;
/// let signed = template.sign_with_key(&key, &date, None, Payload::Bytes(b""))?;
/// assert_eq!(signed.signature().as_str(),
///            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
/// // The request as sent, signed in one go, signs the same, stage for stage.
/// let sent = shape.clone().header("X-Sdk-Date", date.as_str());
/// assert_eq!(
///     signed,
///     huawei::sign_with_key(&sent, &key, &signed_headers, &Default::default(), date, None)?,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestTemplate<'a> {
    method: &'a str,
    uri: Cow<'a, str>,
    uri_slash: bool,
    query: Cow<'a, str>,
    signed_headers: &'a SignedHeaders,
    /// The signed header values, empty where the date goes.
    values: Values<'a>,
    /// The request's `X-Sdk-Content-Sha256` and `X-Sdk-Content-Sm3` values, if any:
    /// the payload line of the algorithm that uses it.
    content: [Option<&'a str>; 2],
    /// The date's place among the values and where the fixed text after it ends in
    /// `tail` (the whole `tail`), when `x-sdk-date` is signed.
    date_at: Option<usize>,
    /// The canonical text up to the date (or up to the payload line when the date is
    /// not signed), when the template takes the one-pass path (values inline), its
    /// whole blocks compressed; `None` otherwise, or when the text does not fit.
    head: Option<cloudsig_core::Sha256BlockText>,
    /// The rest of the fixed text, after the date.
    tail: Vec<u8>,
}

impl<'a> RequestTemplate<'a> {
    /// The template of `req`'s method, path, query, signed headers other than
    /// `X-Sdk-Date` and payload header (its payload and any `X-Sdk-Date` it has are not
    /// used): fails where [`CanonicalRequest::new`] fails on them, naming what is wrong.
    pub fn new(
        req: &Request<'a>,
        signed_headers: &'a SignedHeaders,
        settings: &Settings,
    ) -> Result<Self, Error> {
        req.validate_target()?;
        for (name, value) in req.headers() {
            if !name.eq_ignore_ascii_case(DATE_HEADER) {
                crate::request::validate_header(name, value)?;
            }
        }
        let values = values_except(req, signed_headers, settings, true)?;
        let path = req.path();
        let (uri, uri_slash) = if crate::sigv4::unreserved_path(path) {
            let slash = settings.uri != UriForm::NoTrailingSlash && !path.ends_with('/');
            (Cow::Borrowed(path), slash)
        } else {
            (Cow::Owned(canonical_uri(path, settings.uri)), false)
        };
        let raw = req.raw_query();
        let query = match settings.query {
            QueryForm::AsSent => Cow::Borrowed(raw),
            QueryForm::Sorted if crate::sigv4::sorted_unreserved_pairs(raw) => Cow::Borrowed(raw),
            form => Cow::Owned(canonical_query(raw, form)),
        };
        let mut fixed: Vec<u8> = Vec::new();
        fixed.extend_from_slice(req.method().as_bytes());
        fixed.push(b'\n');
        fixed.extend_from_slice(uri.as_bytes());
        if uri_slash {
            fixed.push(b'/');
        }
        fixed.push(b'\n');
        fixed.extend_from_slice(query.as_bytes());
        fixed.push(b'\n');
        let mut date_at = None;
        let mut cut = None;
        for (at, (name, value)) in signed_headers.names().zip(values.iter()).enumerate() {
            fixed.extend_from_slice(name.as_bytes());
            fixed.push(b':');
            if name == DATE_HEADER {
                date_at = Some(at);
                cut = Some(fixed.len());
            } else {
                fixed.extend_from_slice(value.as_bytes());
            }
            fixed.push(b'\n');
        }
        fixed.push(b'\n');
        fixed.extend_from_slice(signed_headers.joined().as_bytes());
        fixed.push(b'\n');
        let (head_text, tail) = fixed.split_at(cut.unwrap_or(fixed.len()).min(fixed.len()));
        let mut head = cloudsig_core::Sha256BlockText::new();
        let one_pass = matches!(values, Values::Inline { .. }) && head.push(head_text);
        Ok(Self {
            method: req.method(),
            uri,
            uri_slash,
            query,
            signed_headers,
            values,
            content: [
                req.header_value(cloudsig_core::huawei::CONTENT_SHA256_HEADER),
                req.header_value(cloudsig_core::huawei::CONTENT_SM3_HEADER),
            ],
            date_at,
            head: one_pass.then(|| {
                // Every call hashes these blocks first: once, here.
                head.compress_leading_blocks();
                head
            }),
            tail: tail.to_vec(),
        })
    }

    /// How many leading 64-byte blocks of the canonical request [`RequestTemplate::new`]
    /// compressed, which no SDK-HMAC-SHA256 signature of the template compresses again:
    /// the whole blocks of the text before the date (2 for the documented example's
    /// 172 bytes), or 0 when the template has no one-pass path (many values, a text too
    /// long) and builds each canonical request whole. SDK-HMAC-SM3 and V11 signatures
    /// are signed in full.
    ///
    /// ```
    /// use cloudsig_canonical::{Request, huawei};
    /// let shape = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
    ///     .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
    ///     .header("Content-Type", "application/json")
    ///     .header("Host", "service.region.example.com");
    /// let signed_headers = huawei::SignedHeaders::new(["content-type", "host", "x-sdk-date"])?;
    /// let template = huawei::RequestTemplate::new(&shape, &signed_headers, &Default::default())?;
    /// assert_eq!(template.hashed_leading_blocks(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hashed_leading_blocks(&self) -> usize {
        self.head
            .as_ref()
            .map_or(0, cloudsig_core::Sha256BlockText::leading_blocks)
    }

    /// The request's payload header value for `algorithm`, if it has one.
    #[inline]
    fn content(&self, algorithm: Algorithm) -> Option<&'a str> {
        let [sha256, sm3] = self.content;
        if algorithm.uses_sm3() { sm3 } else { sha256 }
    }

    /// The canonical request of the template at `date` with `payload` for `algorithm`:
    /// fails where [`CanonicalRequest::new`] fails on the payload.
    pub fn canonical_request<'s>(
        &'s self,
        algorithm: Algorithm,
        date: &'s SdkDate,
        payload: Payload<'s>,
    ) -> Result<CanonicalRequest<'s>, Error> {
        let mut values = Values::with_capacity(self.signed_headers.len());
        for (at, value) in self.values.iter().enumerate() {
            // The date's text has no blanks to trim.
            let value = if Some(at) == self.date_at {
                date.as_str()
            } else {
                value
            };
            values.push(Cow::Borrowed(value));
        }
        let payload_hash = match self.content(algorithm) {
            Some(v) => PayloadLine::Text(v),
            None => payload_line(algorithm, payload)?,
        };
        Ok(CanonicalRequest {
            method: self.method,
            uri: Cow::Borrowed(&self.uri),
            uri_slash: self.uri_slash,
            query: Cow::Borrowed(&self.query),
            signed_headers: self.signed_headers,
            values,
            payload_hash,
        })
    }

    /// Signs the template's request at `date` with `payload` and a signing key made once
    /// (for V11, for `scope`): what [`sign_with_key`] gives for the same request.
    pub fn sign_with_key<'s>(
        &'s self,
        key: &SigningKey,
        date: &'s SdkDate,
        scope: Option<Scope<'s>>,
        payload: Payload<'s>,
    ) -> Result<Signed<'s>, Error> {
        let algorithm = key.algorithm();
        if algorithm.uses_scope() && scope.is_none() {
            return Err(Error::new(
                crate::ErrorKind::InvalidScope,
                Stage::StringToSign,
                "credential scope",
                "V11-HMAC-SHA256 needs a region and a service",
            ));
        }
        if let Some(signed) = self.sign_one_pass(key, date, payload) {
            return Ok(signed);
        }
        let canonical_request = self.canonical_request(algorithm, date, payload)?;
        Ok(signed_staged(canonical_request, key, *date, scope))
    }

    /// Signs the template's request at `date` with `payload` and a key made from
    /// `secret` for this one signature: what [`sign`] gives for the same request.
    #[allow(clippy::too_many_arguments)]
    pub fn sign<'s>(
        &'s self,
        algorithm: Algorithm,
        access_key: &str,
        secret: &SecretKey,
        date: &'s SdkDate,
        scope: Option<Scope<'s>>,
        payload: Payload<'s>,
    ) -> Result<Signed<'s>, Error> {
        let key = SigningKey::new(algorithm, access_key, secret, scope.as_ref())
            .map_err(|e| Error::core(Stage::Signature, e))?;
        self.sign_with_key(&key, date, scope, payload)
    }

    /// The hot path of [`RequestTemplate::sign_with_key`]: SDK-HMAC-SHA256, the prepared
    /// text copied, the date written into its gap, the payload line after it, hashed in
    /// one call of the block function and signed with the string to sign's template (no
    /// scope, as [`sign_one_pass`]). `None` for anything else, which the staged path
    /// then signs or refuses.
    #[inline]
    fn sign_one_pass<'s>(
        &'s self,
        key: &SigningKey,
        date: &'s SdkDate,
        payload: Payload<'s>,
    ) -> Option<Signed<'s>> {
        let algorithm = key.algorithm();
        if algorithm != Algorithm::SdkHmacSha256 {
            return None;
        }
        let head = self.head.as_ref()?;
        let Values::Inline { len, mut items } = self.values.clone() else {
            return None;
        };
        let mut text = head.clone();
        if let Some(at) = self.date_at {
            *items.get_mut(at)? = date.as_str();
            text.push(date.as_str().as_bytes());
            text.push(&self.tail);
        }
        let payload_hash = match self.content(algorithm) {
            Some(v) => text.push(v.as_bytes()).then_some(PayloadLine::Text(v))?,
            None => match payload {
                Payload::Bytes(b) => PayloadLine::Hashed(Digest::of(text.push_sha256(b)?)),
                _ => return None,
            },
        };
        // A text that did not fit is refused here.
        let (hashed, signature) = key.sign_block_text(date, &mut text)?;
        Some(Signed {
            canonical_request: CanonicalRequest {
                method: self.method,
                uri: Cow::Borrowed(&self.uri),
                uri_slash: self.uri_slash,
                query: Cow::Borrowed(&self.query),
                signed_headers: self.signed_headers,
                values: Values::Inline { len, items },
                payload_hash,
            },
            string_to_sign: StringToSign::of_digest(algorithm, *date, None, hashed),
            signature: Digest::of(signature),
        })
    }
}

/// The hot path of [`sign_with_key`] (issue 17 item 1, session 26): the usual
/// SDK-HMAC-SHA256 request (a query already canonical and sorted, a path of unreserved
/// characters, the signed headers found by [`few_values`], a payload given as bytes or
/// by its `X-Sdk-Content-Sha256` header) written once into SHA-256's block buffer, the
/// payload's hex straight into it and the canonical request's straight into the string
/// to sign's template. Each check is made once: the query by
/// [`crate::sigv4::sorted_unreserved_pairs`] alone, the method, path and headers as
/// [`Request::validate`] checks them. `None` for anything else, and for anything the
/// staged path refuses, which then signs it or says why; the `Signed` is the staged
/// path's, stage for stage (`fast_path_tests`).
#[inline]
pub(crate) fn sign_one_pass<'a>(
    req: &Request<'a>,
    key: &SigningKey,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    date: SdkDate,
) -> Option<Signed<'a>> {
    let algorithm = key.algorithm();
    if algorithm != Algorithm::SdkHmacSha256
        || settings.query != QueryForm::Sorted
        || !matches!(settings.uri, UriForm::Sdk | UriForm::NoTrailingSlash)
    {
        return None;
    }
    let query = req.raw_query();
    let path = req.path();
    // A path of unreserved bytes and `/` has no space, control character, `?` or `#`:
    // the method and the leading `/` are all `validate` has left to check in it.
    if !crate::sigv4::sorted_unreserved_pairs(query)
        || !crate::hot_path::unreserved_path(path)
        || !crate::hot_path::method_and_leading_slash_ok(req)
    {
        return None;
    }
    let values = few_values(req, signed_headers, settings)?;
    // When every header is signed (as many headers as names, each name found: one
    // header per name), each name matched a signed name, a token, without regard to
    // ASCII case, so it is a token too: only the values are left to check.
    let every_header_signed = req.headers().len() == signed_headers.len();
    let headers_ok = if every_header_signed {
        req.header_values_ok()
    } else {
        req.headers_ok()
    };
    if !headers_ok {
        return None;
    }
    let uri_slash = settings.uri != UriForm::NoTrailingSlash && !path.ends_with('/');
    let mut text = cloudsig_core::Sha256BlockText::new();
    Lines {
        method: req.method(),
        uri: path,
        uri_end: if uri_slash { "/" } else { "" },
        query,
        headers: signed_headers.names().zip(values.iter()),
        signed_headers,
        payload: crate::sigv4::Payload::Text(""),
    }
    .write_to(&mut text)
    .ok()?;
    let payload_hash = match req.header_value(algorithm.content_header()) {
        Some(v) => text.push(v.as_bytes()).then_some(PayloadLine::Text(v))?,
        None => match req.payload() {
            Payload::Bytes(b) => PayloadLine::Hashed(Digest::of(text.push_sha256(b)?)),
            _ => return None,
        },
    };
    let (hashed, signature) = key.sign_block_text(&date, &mut text)?;
    Some(Signed {
        canonical_request: CanonicalRequest {
            method: req.method(),
            uri: Cow::Borrowed(path),
            uri_slash,
            query: Cow::Borrowed(query),
            signed_headers,
            values,
            payload_hash,
        },
        string_to_sign: StringToSign::of_digest(algorithm, date, None, hashed),
        signature: Digest::of(signature),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_signed_headers_cost_n_log_n_comparisons_not_n_squared() {
        // 3,000 signed names among 3,002 headers: a scan per name compared 9 million
        // names; one sort and a search per name about 3,000 × 12 × 2.
        let (owned, names, lines) = crate::lookup::many_signed(3000);
        let sh = SignedHeaders::parse(&names).unwrap();
        let headers = crate::lookup::borrowed(&owned);
        let req = Request::new("POST", "/").with_headers(&headers);
        let before = crate::lookup::comparisons();
        let c = CanonicalRequest::new(&req, Algorithm::SdkHmacSha256, &sh, &Settings::default())
            .unwrap();
        let used = crate::lookup::comparisons() - before;
        assert!(used < 300_000, "{used} header-name comparisons");
        let text = c.to_string();
        assert!(
            text.starts_with(&alloc::format!("POST\n/\n\n{lines}\n")),
            "{text:.300}"
        );
        // The last of two values is signed, as the SDKs do.
        let mut twice = headers.clone();
        twice.push(("x-h7", "last"));
        let req = Request::new("POST", "/").with_headers(&twice);
        let c = CanonicalRequest::new(&req, Algorithm::SdkHmacSha256, &sh, &Settings::default())
            .unwrap();
        assert!(c.to_string().contains("\nx-h7:last\n"));
    }

    #[test]
    fn uri_forms() {
        assert_eq!(canonical_uri("/", UriForm::Sdk), "/");
        assert_eq!(canonical_uri("/a//b", UriForm::Sdk), "/a//b/");
        assert_eq!(canonical_uri("/x~y*", UriForm::Sdk), "/x~y%2A/");
        assert_eq!(canonical_uri("/a%2Fb", UriForm::Sdk), "/a/b/");
        assert_eq!(canonical_uri("/a%20b", UriForm::NotEncoded), "/a b/");
        assert_eq!(canonical_uri("/a/", UriForm::NoTrailingSlash), "/a/");
    }

    #[test]
    fn query_sorts_by_decoded_name_then_value() {
        assert_eq!(canonical_query("", QueryForm::Sorted), "");
        assert_eq!(
            canonical_query("z=1&a=b&a=a&&m", QueryForm::Sorted),
            "a=a&a=b&m=&z=1"
        );
        assert_eq!(canonical_query("k=%7E+", QueryForm::Sorted), "k=~%2B");
        assert_eq!(
            canonical_query("k=a~b%20c", QueryForm::FormEncoded),
            "k=a%7Eb+c"
        );
    }

    #[test]
    fn missing_signed_header_names_it() {
        let req = Request::new("GET", "/").header("Host", "h");
        let sh = SignedHeaders::new(["host", "x-sdk-date"]).unwrap();
        let err = CanonicalRequest::new(&req, Algorithm::SdkHmacSha256, &sh, &Settings::default())
            .unwrap_err();
        assert_eq!(err.field(), "header `x-sdk-date`");
    }

    /// `huawei::RequestTemplate` (session 28): what it signs is what `sign_with_key` and
    /// `sign` sign for the request as sent (the template's request with `X-Sdk-Date`
    /// set to the date and the payload given), and it refuses what they refuse.
    mod template {
        use super::*;
        use alloc::string::String;
        use proptest::prelude::*;

        const AK: &str = "QTWAOYTTINDUT2QVKYUC";
        const SK: &[u8] = b"MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                12 => "[a-zA-Z0-9:./-]{0,40}",
                4 => "[ \t]{0,2}[A-Za-z0-9/;=. \t-]{0,40}[ \t]{0,2}",
                1 => "[a-z]{0,5}[\r\n\x00][a-z]{0,5}",
                1 => "[a-z]{300,700}",
            ]
        }

        /// Holds the template's signature equal to `sign_with_key`'s and `sign`'s for the
        /// request as sent; `Ok(true)` when they signed.
        fn check(
            shape: &Request<'_>,
            names: &[&str],
            settings: &Settings,
            algorithm: Algorithm,
            date: &SdkDate,
            payload: Payload<'_>,
        ) -> Result<bool, TestCaseError> {
            let sh = SignedHeaders::new(names.iter().copied()).unwrap();
            let secret = SecretKey::new(SK).unwrap();
            // A scope given for every algorithm, as a caller may (only V11 uses it).
            let scope = Some(Scope::new(date, "cn-north-4", "vpc").unwrap());
            let key = SigningKey::new(algorithm, AK, &secret, scope.as_ref()).unwrap();
            let mut headers: Vec<(&str, &str)> = shape
                .headers()
                .iter()
                .copied()
                .filter(|(n, _)| !n.eq_ignore_ascii_case(DATE_HEADER))
                .collect();
            headers.push(("X-Sdk-Date", date.as_str()));
            let sent = shape.clone().with_headers(&headers).with_payload(payload);
            let cached = super::sign_with_key(&sent, &key, &sh, settings, *date, scope);
            let per_call = super::sign(&sent, algorithm, &sh, settings, *date, scope, AK, &secret);
            prop_assert_eq!(&cached, &per_call);
            match (RequestTemplate::new(shape, &sh, settings), &cached) {
                (Ok(t), Ok(s)) => {
                    prop_assert_eq!(&t.sign_with_key(&key, date, scope, payload).unwrap(), s);
                    prop_assert_eq!(
                        &t.sign(algorithm, AK, &secret, date, scope, payload)
                            .unwrap(),
                        s
                    );
                    prop_assert_eq!(
                        &t.canonical_request(algorithm, date, payload).unwrap(),
                        s.canonical_request()
                    );
                    Ok(true)
                }
                (Ok(t), Err(e)) => {
                    let got = t.sign_with_key(&key, date, scope, payload);
                    prop_assert!(got.is_err(), "template {got:?}, sign_with_key refused: {e}");
                    prop_assert_eq!(got.unwrap_err().to_string(), e.to_string());
                    Ok(false)
                }
                (Err(_), Err(_)) => Ok(false),
                (Err(e), Ok(s)) => {
                    prop_assert!(false, "template refused: {e}; sign_with_key signed {s:?}");
                    Ok(false)
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn the_template_signs_what_sign_with_key_signs(
                method in prop_oneof![16 => "GET", 8 => "POST", 1 => "", 1 => "G T"],
                path in prop_oneof![
                    8 => "/v1/[a-z0-9]{0,12}/vpcs",
                    8 => "/[a-zA-Z0-9/._~-]{0,20}",
                    2 => "/[a-zA-Z0-9/._~*%-]{0,20}",
                    1 => "[/a?# \x01]{0,4}",
                ],
                query in prop_oneof![
                    3 => "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
                    2 => "",
                    6 => "[a-zA-Z0-9=&._~-]{0,60}",
                    1 => "[a-zA-Z0-9=&%._~*+ -]{0,60}",
                    1 => "[a #\x7f]{1,3}",
                ],
                content_type in value(),
                host in value(),
                extra in value(),
                twice in any::<bool>(),
                decoy in any::<bool>(),
                content_header in proptest::bool::weighted(0.2),
                which in prop_oneof![8 => 0usize..4, 1 => 4usize..5],
                ts in 0i64..4_000_000_000,
                body in proptest::collection::vec(any::<u8>(), 0..200),
                payload_kind in prop_oneof![8 => Just(0usize), 4 => Just(1usize), 1 => Just(2usize), 2 => Just(3usize)],
                untrimmed in any::<bool>(),
                no_slash in any::<bool>(),
                as_sent in any::<bool>(),
                algorithm in prop_oneof![8 => Just(Algorithm::SdkHmacSha256), 1 => Just(Algorithm::SdkHmacSm3), 1 => Just(Algorithm::V11HmacSha256)],
            ) {
                let date = SdkDate::from_unix(ts).unwrap();
                let hex = cloudsig_core::sha256_hex(&body);
                let upper = hex.as_str().to_uppercase();
                let payload = match payload_kind {
                    0 => Payload::Bytes(&body),
                    1 => Payload::Sha256Hex(hex.as_str()),
                    2 => Payload::Sha256Hex(&upper),
                    _ => Payload::Unsigned,
                };
                let mut shape = Request::new(&method, &path)
                    .query(&query)
                    .header("Content-Type", &content_type)
                    .header("Host", &host)
                    .header("X-Extra", &extra);
                if twice {
                    shape = shape.header("host", &extra);
                }
                if decoy {
                    // An X-Sdk-Date in the shape is not read.
                    shape = shape.header("x-sdk-date", &extra);
                }
                if content_header {
                    shape = shape.header("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
                }
                let names: &[&str] = match which {
                    0 => &["content-type", "host", "x-sdk-date"],
                    1 => &["content-type", "host", "x-extra", "x-sdk-date"],
                    2 => &["host", "x-extra"],
                    3 => &["host", "x-sdk-content-sha256", "x-sdk-date"],
                    _ => &["a", "host", "x-sdk-date"],
                };
                let mut settings = Settings::default();
                if untrimmed {
                    settings = settings.with_header_values(HeaderValues::Untrimmed);
                }
                if no_slash {
                    settings = settings.with_uri(UriForm::NoTrailingSlash);
                }
                if as_sent {
                    settings = settings.with_query(QueryForm::AsSent);
                }
                check(&shape, names, &settings, algorithm, &date, payload)?;
            }
        }

        /// Session 29: templates whose text before the date is every length from 54
        /// to 774 bytes: 0 to 11 leading blocks hashed once (0 to 10 on the one-pass
        /// path), the whole text fitting the one-pass buffer or not (then signed
        /// staged), and past the buffer (no one-pass path). Each signs what `sign_with_key` signs for the request as
        /// sent (`check`).
        #[test]
        fn templates_of_every_leading_block_count_sign_what_sign_with_key_signs() {
            let names = ["content-type", "host", "x-sdk-date"];
            let sh = SignedHeaders::new(names).unwrap();
            let settings = Settings::default();
            let secret = SecretKey::new(SK).unwrap();
            let key = SigningKey::new(Algorithm::SdkHmacSha256, AK, &secret, None).unwrap();
            let date = SdkDate::parse("20191115T033655Z").unwrap();
            // Leading blocks of the templates that signed in one pass; templates with
            // a head too long for the one-pass text, and with no one-pass path.
            let mut one_pass = alloc::collections::BTreeSet::new();
            let (mut overflowed, mut no_head) = (0, 0);
            let long = [b'x'; 100];
            for len in 0..=720usize {
                let host: String = (0..len)
                    .map(|i| char::from(b'a' + ((i + len) % 26) as u8))
                    .collect();
                let shape = Request::new("GET", "/")
                    .header("Content-Type", "application/json")
                    .header("Host", &host);
                let t = RequestTemplate::new(&shape, &sh, &settings).unwrap();
                let head = 54 + len;
                assert_eq!(
                    t.hashed_leading_blocks(),
                    if head <= 768 { head / 64 } else { 0 }
                );
                let hex = cloudsig_core::sha256_hex(b"");
                for payload in [
                    Payload::Bytes(b""),
                    Payload::Bytes(&long),
                    Payload::Sha256Hex(hex.as_str()),
                ] {
                    let algorithm = Algorithm::SdkHmacSha256;
                    assert!(check(&shape, &names, &settings, algorithm, &date, payload).unwrap());
                    if t.head.is_none() {
                        no_head += 1;
                    } else if t.sign_one_pass(&key, &date, payload).is_some() {
                        one_pass.insert(t.hashed_leading_blocks());
                    } else if matches!(payload, Payload::Bytes(_)) {
                        overflowed += 1;
                    }
                }
            }
            assert_eq!(one_pass, (0..=10).collect());
            assert!(overflowed > 0 && no_head > 0, "{overflowed} {no_head}");
        }

        /// The documented example (vectors/huawei/sdk_hmac.json,
        /// `sdk-hmac-sha256-vpcs-documented`) at many dates and bodies: the template
        /// takes its one-pass path and signs what `sign_with_key` signs.
        #[test]
        fn the_documented_example_at_other_dates_and_bodies() {
            let shape = Request::new("GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
                .query("limit=2&marker=13551d6b-755d-4757-b956-536f674975c0")
                .header("Content-Type", "application/json")
                .header("Host", "service.region.example.com");
            let names = ["content-type", "host", "x-sdk-date"];
            let sh = SignedHeaders::new(names).unwrap();
            let settings = Settings::default();
            let key = SigningKey::new(
                Algorithm::SdkHmacSha256,
                AK,
                &SecretKey::new(SK).unwrap(),
                None,
            )
            .unwrap();
            let t = RequestTemplate::new(&shape, &sh, &settings).unwrap();
            let mut one_pass = 0;
            for ts in [1_573_788_615, 0, 1_800_000_000, 4_000_000_000] {
                let date = SdkDate::from_unix(ts).unwrap();
                for body in [&b""[..], b"{}", &[b'x'; 100]] {
                    let payload = Payload::Bytes(body);
                    assert!(
                        check(
                            &shape,
                            &names,
                            &settings,
                            Algorithm::SdkHmacSha256,
                            &date,
                            payload
                        )
                        .unwrap()
                    );
                    one_pass += usize::from(t.sign_one_pass(&key, &date, payload).is_some());
                }
            }
            assert_eq!(one_pass, 4 * 3);
            let date = SdkDate::parse("20191115T033655Z").unwrap();
            let signed = t
                .sign_with_key(&key, &date, None, Payload::Bytes(b""))
                .unwrap();
            assert_eq!(
                signed.signature().as_str(),
                "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
            );
            assert_eq!(
                signed.hashed_canonical_request().as_str(),
                "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
            );
        }
    }
}
