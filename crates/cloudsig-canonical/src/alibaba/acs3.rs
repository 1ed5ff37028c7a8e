//! Alibaba Cloud ACS3-HMAC-SHA256 / ACS3-HMAC-SM3 (signature V3): canonical request,
//! string to sign and Authorization header, each a value that renders itself with
//! `Display`.
//!
//! ```text
//! CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//!                    CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
//! StringToSign     = Algorithm \n Hex(Hash(CanonicalRequest))
//! Authorization    = Algorithm Credential=AK,SignedHeaders=a;b,Signature=hex
//! ```
//!
//! The canonical URI is the path as sent (the official SDKs sign the path they send,
//! `*` raw or `%2A` alike); the canonical query is the query's parameters decoded, re-encoded with RFC 3986
//! (`%20`, `%2A`, `~` kept) and sorted; each signed header is `name:value` with the value
//! trimmed (not lower-cased), several values of one name sorted and joined by `,`.
//!
//! ```
//! use cloudsig_canonical::Request;
//! use cloudsig_canonical::alibaba::acs3;
//! use cloudsig_core::{SecretKey, alibaba::Algorithm};
//!
//! // vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances` (Alibaba Cloud's signature V3 document).
//! let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
//! let req = Request::new("POST", "/")
//!     .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
//!     .header("host", "ecs.cn-shanghai.aliyuncs.com")
//!     .header("x-acs-action", "RunInstances")
//!     .header("x-acs-version", "2014-05-26")
//!     .header("x-acs-date", "2023-10-26T10:22:32Z")
//!     .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
//!     .header("x-acs-content-sha256", empty);
//! let signed_headers = acs3::signed_headers_of(&req)?;
//! let secret = SecretKey::new(b"YourAccessKeySecret")?;
//! let signed = acs3::sign(&req, &signed_headers, Algorithm::HmacSha256, &Default::default(), &secret)?;
//! assert_eq!(signed.hashed_canonical_request().as_str(),
//!            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
//! assert_eq!(signed.authorization("YourAccessKeyId").to_string(),
//!     "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;\
//!      x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,\
//!      Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use cloudsig_core::alibaba::{Algorithm, SigningKey, hash_hex};
use cloudsig_core::hash::{Hash, Hasher};
use cloudsig_core::{HexDigest, SecretKey};

use super::query::{PlusIs, decode_pairs, form_plus, join_sorted, rfc3986};
use crate::error::{Error, Stage};
pub use crate::headers::SignedHeaders;
use crate::hex::{Digest, Hex};
use crate::request::{Payload, Request, trim_blanks};
use crate::sigv4::{Lines, Values};

/// The header that carries the hex hash of the body.
pub const CONTENT_SHA256: &str = "x-acs-content-sha256";

/// How the canonical query string is written.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QueryForm {
    /// RFC 3986 (`%20` for space, `%2A`, `~` kept), sorted, `name=` for an empty
    /// value: the documentation and the Java, Go and TypeScript SDKs. The default.
    #[default]
    Rfc3986,
    /// As [`QueryForm::Rfc3986`] but an empty value is written as the name alone, as the
    /// Python `alibabacloud_openapi_util` does.
    EmptyAsNameOnly,
    /// A space written as `+` (form encoding): a client mistake, for diagnosis.
    PlusForSpace,
    /// RFC 3986 but left in the order sent: a client mistake, for diagnosis.
    Unsorted,
    /// Values RFC 3986-encoded but names left decoded (`a b=1`), sorted: what
    /// alibabacloud-openapi-util's `get_canonical_query_string` (tea, Python) signs, a
    /// client mistake, for diagnosis (issue 16, A4).
    NamesNotEncoded,
}

/// How signed header values enter the canonical request.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderValues {
    /// Trimmed, case kept: the documented rule. The default.
    #[default]
    Trimmed,
    /// Trimmed and lower-cased (TC3's rule): a client mistake, for diagnosis.
    Lowercased,
}

/// How the canonical URI is written.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UriForm {
    /// The path exactly as sent: what the official SDKs sign (tea-openapi sends and signs
    /// `*` raw in a path parameter; a client that sends the encoded path signs it encoded).
    /// The default.
    #[default]
    AsSent,
    /// Each segment decoded and RFC 3986-encoded again ([`canonical_uri`]): a client that
    /// encoded the path for signing but sent it raw, for diagnosis.
    Rfc3986,
}

/// Settings of the ACS3 canonical builder.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Settings {
    /// The canonical URI form.
    pub uri: UriForm,
    /// The canonical query form.
    pub query: QueryForm,
    /// How header values are written.
    pub header_values: HeaderValues,
    /// How `+` in the received query is read.
    pub plus: PlusIs,
}

impl Settings {
    /// These settings with another query form.
    pub fn with_query(mut self, query: QueryForm) -> Self {
        self.query = query;
        self
    }

    /// These settings with another canonical URI form.
    pub fn with_uri(mut self, uri: UriForm) -> Self {
        self.uri = uri;
        self
    }

    /// These settings with another header value rule.
    pub fn with_header_values(mut self, header_values: HeaderValues) -> Self {
        self.header_values = header_values;
        self
    }
}

/// The canonical query string of a raw query: decoded, re-encoded and sorted per `form`.
///
/// ```
/// use cloudsig_canonical::alibaba::acs3::{QueryForm, canonical_query};
/// assert_eq!(canonical_query("b=x+y*~&a=&c=%E4%B8%AD", QueryForm::Rfc3986, Default::default()),
///            "a=&b=x%20y%2A~&c=%E4%B8%AD");
/// assert_eq!(canonical_query("b=x%20y", QueryForm::PlusForSpace, Default::default()), "b=x+y");
/// ```
pub fn canonical_query(raw: &str, form: QueryForm, plus: PlusIs) -> String {
    let pairs = decode_pairs(raw, plus);
    canonical_query_of(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())), form)
}

/// The canonical query string of decoded parameters.
pub fn canonical_query_of<'p>(
    params: impl IntoIterator<Item = (&'p str, &'p str)>,
    form: QueryForm,
) -> String {
    let enc = |s: &str| match form {
        QueryForm::PlusForSpace => form_plus(s),
        _ => rfc3986(s),
    };
    let pairs: Vec<(String, String)> = params
        .into_iter()
        .map(|(n, v)| match form {
            QueryForm::NamesNotEncoded => (n.to_string(), enc(v)),
            _ => (enc(n), enc(v)),
        })
        .collect();
    join_sorted(
        pairs,
        form != QueryForm::Unsorted,
        form != QueryForm::EmptyAsNameOnly,
    )
}

/// A path with each `/`-separated segment percent-decoded and encoded again with RFC 3986,
/// so `*` becomes `%2A` whether it was raw or encoded (the documentation's encoding of a
/// path built from raw values; used by [`UriForm::Rfc3986`]). Borrowed when the path is
/// already in that form.
///
/// ```
/// use cloudsig_canonical::alibaba::acs3::canonical_uri;
/// assert_eq!(canonical_uri("/openapi/instances/es-cn-1****/actions"), "/openapi/instances/es-cn-1%2A%2A%2A%2A/actions");
/// assert_eq!(canonical_uri("/a%2a%20b/c~d"), "/a%2A%20b/c~d");
/// assert_eq!(canonical_uri("/"), "/");
/// ```
pub fn canonical_uri(path: &str) -> Cow<'_, str> {
    let canonical = |seg: &str| {
        seg.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
    };
    if path.split('/').all(canonical) {
        return Cow::Borrowed(path);
    }
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| rfc3986(&super::query::decode(seg, PlusIs::Plus)))
        .collect();
    Cow::Owned(segments.join("/"))
}

/// The headers a signer signs: `host`, `content-type` if present, and every `x-acs-*`
/// header, as the official SDKs choose them (sorted, lower case).
pub fn signed_headers_of(req: &Request<'_>) -> Result<SignedHeaders, Error> {
    SignedHeaders::new(req.headers().iter().map(|(n, _)| *n).filter(|n| {
        n.eq_ignore_ascii_case("host")
            || n.eq_ignore_ascii_case("content-type")
            || n.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("x-acs-"))
    }))
}

/// The ACS3 canonical request of a [`Request`]; `Display` renders its exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest<'a> {
    method: &'a str,
    path: Cow<'a, str>,
    query: Cow<'a, str>,
    signed_headers: &'a SignedHeaders,
    values: Values<'a>,
    /// The payload's hash: its hex is written when asked for (session 27).
    hashed_payload: [u8; 32],
    algorithm: Algorithm,
}

impl<'a> CanonicalRequest<'a> {
    /// Builds the canonical request. The payload line is the hash of the body with the
    /// algorithm's hash (or a hash given as [`Payload::Sha256Hex`]); ACS3 has no unsigned
    /// payload. Fails, naming the header, when a signed header is missing.
    pub fn new(
        req: &Request<'a>,
        signed_headers: &'a SignedHeaders,
        algorithm: Algorithm,
        settings: &Settings,
    ) -> Result<Self, Error> {
        req.validate_target()?;
        let values = match few_values(req, signed_headers, settings) {
            Some(values) => values,
            None => all_values(req, signed_headers, settings)?,
        };
        let hashed_payload = payload_hash(algorithm, req.payload())?;
        Ok(Self {
            method: req.method(),
            path: match settings.uri {
                UriForm::Rfc3986 => canonical_uri(req.path()),
                _ => Cow::Borrowed(req.path()),
            },
            query: {
                let raw = req.raw_query();
                if settings.query == QueryForm::Rfc3986
                    && crate::sigv4::sorted_unreserved_pairs(raw)
                {
                    Cow::Borrowed(raw)
                } else {
                    Cow::Owned(canonical_query(raw, settings.query, settings.plus))
                }
            },
            signed_headers,
            values,
            hashed_payload,
            algorithm,
        })
    }

    /// The canonical query string.
    pub fn canonical_query(&self) -> &str {
        &self.query
    }

    /// The signed headers.
    pub fn signed_headers(&self) -> &SignedHeaders {
        self.signed_headers
    }

    /// `(name, value)` of the canonical headers, in order.
    pub fn canonical_headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.signed_headers.names().zip(self.values.iter())
    }

    /// The payload line: the hex hash of the body, written when asked for: the request
    /// keeps the hash's 32 bytes (session 27).
    pub fn hashed_payload(&self) -> Hex {
        Hex::of(&self.hashed_payload)
    }

    /// The hex hash of this canonical request's text (SHA-256 or SM3), streamed.
    pub fn hashed(&self) -> HexDigest {
        let payload = HexDigest::from_bytes(&self.hashed_payload);
        match self.algorithm.hash() {
            Hash::Sha256 => crate::one_pass::sha256(|| self.lines(&payload)),
            hash => self.lines(&payload).hashed_with(Hasher::new(hash)),
        }
    }

    /// The lines of the family's canonical request text, with the payload's hex.
    fn lines<'s>(
        &'s self,
        payload: &'s HexDigest,
    ) -> Lines<'s, impl Iterator<Item = (&'s str, &'s str)>> {
        Lines {
            method: self.method,
            uri: &self.path,
            uri_end: "",
            query: &self.query,
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

/// The signed header values of the usual request, found in one pass over its headers
/// (issue 17 item 1, session 24; session 27: [`SignedHeaders::find_few`]): at most
/// [`crate::headers::FEW`] names, each sent once, with a value free of CR, LF and NUL, trimmed as [`HeaderValues::Trimmed`]
/// says. `None` for anything else (a name missing or repeated, a value refused, many
/// names, lower-cased values), which [`all_values`] then builds, or refuses, as before;
/// the property tests hold the two equal (`tests/acs3_sdk_hmac_fast_path.rs`).
#[inline]
pub(crate) fn few_values<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
) -> Option<Values<'a>> {
    if settings.header_values != HeaderValues::Trimmed {
        return None;
    }
    let found = signed_headers.find_few(req.headers())?;
    if found.repeated {
        return None;
    }
    let mut items = found.values;
    for slot in items.iter_mut().take(signed_headers.len()) {
        if crate::scan::any_line_break_or_nul(slot) {
            return None;
        }
        *slot = trim_blanks(slot);
    }
    Some(Values::Inline {
        len: signed_headers.len(),
        items,
    })
}

/// The signed header values of any request: several values of a name sorted and
/// joined, lower-cased per the settings, the first missing name or refused value
/// named in the error.
pub(crate) fn all_values<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
) -> Result<Values<'a>, Error> {
    values_except(req, signed_headers, settings, |_| false)
}

/// [`all_values`] with an empty value, not looked up, for each name `per_call` picks
/// (the [`RequestTemplate`]'s per-call headers).
fn values_except<'a>(
    req: &Request<'a>,
    signed_headers: &SignedHeaders,
    settings: &Settings,
    per_call: impl Fn(&str) -> bool,
) -> Result<Values<'a>, Error> {
    let mut values = Values::with_capacity(signed_headers.len());
    // One sort of the headers when many names are signed: n log n, not n².
    let lookup = crate::lookup::Lookup::new(req.headers(), signed_headers.len());
    for name in signed_headers.names() {
        if per_call(name) {
            values.push(Cow::Borrowed(""));
            continue;
        }
        // The usual one value is borrowed; several are sorted and joined.
        let mut first: Option<&'a str> = None;
        let mut more: Vec<&'a str> = Vec::new();
        for v in lookup.values(name) {
            crate::request::validate_header_value(name, v)?;
            let v = trim_blanks(v);
            match first {
                None => first = Some(v),
                Some(f) => {
                    if more.is_empty() {
                        more.push(f);
                    }
                    more.push(v);
                }
            }
        }
        let Some(first) = first else {
            return Err(Error::new(
                crate::ErrorKind::MissingSignedHeader,
                Stage::CanonicalRequest,
                alloc::format!("header `{name}`"),
                "is listed in SignedHeaders but the request does not have it",
            ));
        };
        let mut value = if more.is_empty() {
            Cow::Borrowed(first)
        } else {
            more.sort_unstable();
            Cow::Owned(more.join(","))
        };
        if settings.header_values == HeaderValues::Lowercased
            && value.bytes().any(|b| b.is_ascii_uppercase())
        {
            value = Cow::Owned(value.to_ascii_lowercase());
        }
        values.push(value);
    }
    Ok(values)
}

/// The payload line's 32 bytes: the hash of the body with the algorithm's hash, or a
/// hash given as [`Payload::Sha256Hex`]; ACS3 has no unsigned payload.
fn payload_hash(algorithm: Algorithm, payload: Payload<'_>) -> Result<[u8; 32], Error> {
    match payload {
        Payload::Bytes(b) => Ok(hash_bytes(algorithm, b)),
        Payload::Sha256Hex(hex) => parse_hex(hex),
        Payload::Unsigned => Err(Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::CanonicalRequest,
            "payload",
            "ACS3 signs the body hash; there is no unsigned payload",
        )),
    }
}

/// The hash of `body` with the algorithm's hash, as its 32 bytes (SHA-256 and SM3 are
/// both 32 bytes; the hex of what [`hash_hex`] gives).
fn hash_bytes(algorithm: Algorithm, body: &[u8]) -> [u8; 32] {
    let mut h = Hasher::new(algorithm.hash());
    h.update(body);
    let out = h.finalize();
    out.as_bytes()
        .first_chunk::<32>()
        .copied()
        .unwrap_or_else(|| Digest::of_hex_digest(&hash_hex(algorithm, body)).bytes)
}

/// The 32 bytes of a payload hash given as 64 lower-case hex characters.
fn parse_hex(hex: &str) -> Result<[u8; 32], Error> {
    let bad = || {
        Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::CanonicalRequest,
            "payload hash",
            "must be 64 lower-case hex characters",
        )
    };
    HexDigest::parse_lower(hex)
        .and_then(|h| Digest::of_hex(&h))
        .map(|d| d.bytes)
        .ok_or_else(bad)
}

/// The ACS3 string to sign: `Algorithm \n HashedCanonicalRequest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringToSign {
    algorithm: Algorithm,
    /// The hashed canonical request's bytes: its hex is written by `Display` (session
    /// 27).
    hashed_canonical_request: Digest,
}

impl StringToSign {
    /// The string to sign of a hashed canonical request.
    pub fn new(algorithm: Algorithm, hashed_canonical_request: HexDigest) -> Self {
        Self {
            algorithm,
            // A `HexDigest` is always the lower-case hex of at most 32 bytes.
            hashed_canonical_request: Digest::of_hex_digest(&hashed_canonical_request),
        }
    }

    /// The string to sign of the canonical request's 32-byte hash `digest`.
    #[inline]
    fn of_digest(algorithm: Algorithm, digest: [u8; 32]) -> Self {
        Self {
            algorithm,
            hashed_canonical_request: Digest::of(digest),
        }
    }
}

impl fmt::Display for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        cloudsig_core::alibaba::write_acs3_string_to_sign(
            f,
            self.algorithm,
            self.hashed_canonical_request.write_hex(&mut [0; 64]),
        )
    }
}

/// The ACS3 Authorization header value; `Display` renders it without spaces after the
/// commas, as the SDKs send it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    algorithm: Algorithm,
    access_key_id: &'a str,
    signed_headers: &'a SignedHeaders,
    signature: HexDigest,
}

impl<'a> Authorization<'a> {
    /// An Authorization of its parts.
    pub fn new(
        algorithm: Algorithm,
        access_key_id: &'a str,
        signed_headers: &'a SignedHeaders,
        signature: HexDigest,
    ) -> Self {
        Self {
            algorithm,
            access_key_id,
            signed_headers,
            signature,
        }
    }
}

impl fmt::Display for Authorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} Credential={},SignedHeaders={},Signature={}",
            self.algorithm, self.access_key_id, self.signed_headers, self.signature
        )
    }
}

/// Every stage of one ACS3 signature.
///
/// Each digest is kept as its 32 bytes and written as hex when an accessor or
/// `Display` asks for it ([`Hex`]): the hashed canonical request once, in the string
/// to sign (issue 17 item 1, session 27, as TC3's `Signed`: handing back three stages'
/// hex by value was a measurable part of the signature's cost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    canonical_request: CanonicalRequest<'a>,
    string_to_sign: StringToSign,
    signature: [u8; 32],
}

impl<'a> Signed<'a> {
    /// The canonical request.
    pub fn canonical_request(&self) -> &CanonicalRequest<'a> {
        &self.canonical_request
    }

    /// Its hash, hex (written when asked for).
    pub fn hashed_canonical_request(&self) -> Hex {
        // Held once, in the string to sign (session 26), as its bytes (session 27).
        Hex::of(&self.string_to_sign.hashed_canonical_request.bytes)
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &StringToSign {
        &self.string_to_sign
    }

    /// The signature, hex (written when asked for).
    pub fn signature(&self) -> Hex {
        Hex::of(&self.signature)
    }

    /// The Authorization header value for `access_key_id`.
    pub fn authorization<'s>(&'s self, access_key_id: &'s str) -> Authorization<'s> {
        Authorization::new(
            self.string_to_sign.algorithm,
            access_key_id,
            self.canonical_request.signed_headers,
            HexDigest::from_bytes(&self.signature),
        )
    }
}

/// Builds every stage and signs, with a key made for this one signature (a signer of
/// many requests keeps a [`SigningKey`] per secret and calls [`sign_with_key`]).
pub fn sign<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    algorithm: Algorithm,
    settings: &Settings,
    secret: &SecretKey,
) -> Result<Signed<'a>, Error> {
    sign_with_key(
        req,
        signed_headers,
        settings,
        &SigningKey::new(secret, algorithm),
    )
}

/// [`sign`] with a key made once per secret (its algorithm is the signature's): the
/// keyed HMAC states are not recomputed per request, and the string to sign is a
/// template with only the hash written in.
///
/// ```
/// use cloudsig_canonical::{Request, alibaba::acs3};
/// use cloudsig_core::{SecretKey, alibaba::{Algorithm, SigningKey}};
/// // vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances`.
/// let empty = cloudsig_core::sha256_hex(b"");
/// let req = Request::new("POST", "/")
///     .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
///     .header("host", "ecs.cn-shanghai.aliyuncs.com")
///     .header("x-acs-action", "RunInstances")
///     .header("x-acs-version", "2014-05-26")
///     .header("x-acs-date", "2023-10-26T10:22:32Z")
///     .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
///     .header("x-acs-content-sha256", empty.as_str());
/// let signed_headers = acs3::signed_headers_of(&req)?;
/// let key = SigningKey::new(&SecretKey::new(b"YourAccessKeySecret")?, Algorithm::HmacSha256);
/// let signed = acs3::sign_with_key(&req, &signed_headers, &Default::default(), &key)?;
/// assert_eq!(signed.signature().as_str(),
///            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign_with_key<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    key: &SigningKey,
) -> Result<Signed<'a>, Error> {
    if let Some(signed) = sign_one_pass(req, signed_headers, settings, key) {
        return Ok(signed);
    }
    sign_staged(req, signed_headers, settings, key)
}

/// [`sign_with_key`] through the stages: the canonical request built, then hashed, then
/// signed.
pub(crate) fn sign_staged<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    key: &SigningKey,
) -> Result<Signed<'a>, Error> {
    let canonical_request = CanonicalRequest::new(req, signed_headers, key.algorithm(), settings)?;
    Ok(signed_staged(canonical_request, key))
}

/// A built canonical request hashed and signed, with every stage: the staged path's last
/// steps, shared by [`sign_staged`] and [`RequestTemplate::sign_with_key`]'s fallback.
fn signed_staged<'a>(canonical_request: CanonicalRequest<'a>, key: &SigningKey) -> Signed<'a> {
    let algorithm = key.algorithm();
    let hashed = canonical_request.hashed();
    let signature = key.sign_hashed(&hashed);
    Signed {
        canonical_request,
        string_to_sign: StringToSign::new(algorithm, hashed),
        signature: Digest::of_hex_digest(&signature).bytes,
    }
}

/// The hot path of [`sign_with_key`] (issue 17 item 1, session 26): the usual
/// ACS3-HMAC-SHA256 request (the default settings, a query already canonical, the
/// signed headers found by [`few_values`], a payload given as bytes or as its hash)
/// written once into SHA-256's block buffer, the payload's hex straight into it and the
/// canonical request's straight into the string to sign's template. Each check is made
/// once: the query is checked by [`crate::sigv4::sorted_unreserved_pairs`] alone, which
/// accepts nothing `validate_target`'s query check refuses. `None` for anything else,
/// and for anything the staged path refuses, which then signs it or says why; the
/// `Signed` is the staged path's, stage for stage (`fast_path_tests`).
#[inline]
pub(crate) fn sign_one_pass<'a>(
    req: &Request<'a>,
    signed_headers: &'a SignedHeaders,
    settings: &Settings,
    key: &SigningKey,
) -> Option<Signed<'a>> {
    let algorithm = key.algorithm();
    if algorithm != Algorithm::HmacSha256
        || settings.uri != UriForm::AsSent
        || settings.query != QueryForm::Rfc3986
    {
        return None;
    }
    let query = req.raw_query();
    if !crate::sigv4::sorted_unreserved_pairs(query) || !crate::hot_path::method_and_path_ok(req) {
        return None;
    }
    let values = few_values(req, signed_headers, settings)?;
    let mut text = cloudsig_core::Sha256BlockText::new();
    Lines {
        method: req.method(),
        uri: req.path(),
        uri_end: "",
        query,
        headers: signed_headers.names().zip(values.iter()),
        signed_headers,
        payload: crate::sigv4::Payload::Text(""),
    }
    .write_to(&mut text)
    .ok()?;
    let hashed_payload = match req.payload() {
        Payload::Bytes(b) => text.push_sha256(b)?,
        Payload::Sha256Hex(hex) => {
            let parsed = HexDigest::parse_lower(hex)?;
            text.push(parsed.as_bytes())
                .then(|| Digest::of_hex(&parsed))??
                .bytes
        }
        Payload::Unsigned => return None,
    };
    let (hashed, signature) = key.sign_block_text(&mut text)?;
    Some(Signed {
        canonical_request: CanonicalRequest {
            method: req.method(),
            path: Cow::Borrowed(req.path()),
            query: Cow::Borrowed(query),
            signed_headers,
            values,
            hashed_payload,
            algorithm,
        },
        string_to_sign: StringToSign::of_digest(algorithm, hashed),
        signature,
    })
}

/// The signed headers whose values a [`RequestTemplate`] takes per call ([`PerCall`]),
/// sorted: the payload's hash, the time and the nonce, which the SDKs set anew for every
/// request.
pub const PER_CALL_HEADERS: [&str; 3] = [CONTENT_SHA256, "x-acs-date", "x-acs-signature-nonce"];

/// The index in [`PER_CALL_HEADERS`] of a (lower-case) signed header name.
#[inline]
fn per_call_index(name: &str) -> Option<usize> {
    PER_CALL_HEADERS.iter().position(|n| *n == name)
}

/// The values of the headers that change with every request signed with a
/// [`RequestTemplate`] ([`PER_CALL_HEADERS`]), as they are sent: each is used where the
/// template's signed headers name it, and is checked (no CR, LF or NUL) and trimmed as
/// any signed header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PerCall<'s> {
    /// `x-acs-content-sha256`: the hex SHA-256 of the body, as sent.
    pub content_sha256: &'s str,
    /// `x-acs-date`: the time of the request, `2023-10-26T10:22:32Z`.
    pub date: &'s str,
    /// `x-acs-signature-nonce`: a value unique to the request.
    pub nonce: &'s str,
}

impl<'s> PerCall<'s> {
    /// The per-call values of one request.
    pub fn new(date: &'s str, nonce: &'s str, content_sha256: &'s str) -> Self {
        Self {
            content_sha256,
            date,
            nonce,
        }
    }

    /// The values in the order of [`PER_CALL_HEADERS`].
    #[inline]
    fn values(&self) -> [&'s str; 3] {
        [self.content_sha256, self.date, self.nonce]
    }
}

/// Where a per-call value goes in a [`RequestTemplate`]'s text and values.
#[derive(Debug, Clone, Copy, Default)]
struct Gap {
    /// The index in [`PER_CALL_HEADERS`].
    which: usize,
    /// The index among the signed header values.
    value_at: usize,
    /// Where the fixed text that follows the value ends in the template's `tail`.
    tail_end: usize,
}

/// The canonical request of one ACS3 request shape (method, path, query, and the signed
/// headers other than [`PER_CALL_HEADERS`] with their values), validated and written
/// once, for signing many requests that differ only in their date, nonce and payload: a
/// client that sends the same kind of request again and again builds it once and signs
/// each request with [`RequestTemplate::sign_with_key`] or [`RequestTemplate::sign`],
/// which then copy the prepared text and write only the per-call values into it
/// (issue 17 item 1, session 28, as [`crate::tc3::RequestTemplate`]).
///
/// Every check of [`CanonicalRequest::new`] on the fixed part is made, once, by
/// [`RequestTemplate::new`]; per call only the per-call values and the payload are
/// checked. Each signature is the one [`sign_with_key`] or [`sign`] gives for the
/// template's request with the per-call headers set to the [`PerCall`] values and the
/// payload given, with every stage in its [`Signed`] (the test
/// `the_template_signs_what_sign_with_key_signs` holds them equal).
///
/// What is precomputed, once, in [`RequestTemplate::new`]: the checks of the fixed
/// part, its canonical text with the places of the per-call values, and (on the
/// one-pass path: HMAC-SHA256, values trimmed, a text that fits 768 bytes) SHA-256 of
/// the whole 64-byte blocks before the first per-call byte (session 29): a call copies
/// the text, writes the per-call values, the rest and the payload's hex, and
/// compresses only the blocks from the one the first per-call value starts in
/// ([`cloudsig_core::Sha256BlockText::compress_leading_blocks`];
/// [`RequestTemplate::hashed_leading_blocks`] says how many). The documented example's
/// 169 bytes before `x-acs-content-sha256`'s value are two of its canonical request's
/// eight blocks. The [`Signed`] carries every stage as before.
///
/// ```
/// use cloudsig_canonical::{Payload, Request, alibaba::acs3};
/// use cloudsig_core::{SecretKey, alibaba::{Algorithm, SigningKey}};
///
/// // vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances`: the fixed part of the
/// // request (the per-call headers are not needed here, and not read if present).
/// let shape = Request::new("POST", "/")
///     .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
///     .header("host", "ecs.cn-shanghai.aliyuncs.com")
///     .header("x-acs-action", "RunInstances")
///     .header("x-acs-version", "2014-05-26");
/// let signed_headers = acs3::SignedHeaders::parse(
///     "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
/// )?;
/// let template = acs3::RequestTemplate::new(&shape, &signed_headers, &Default::default())?;
/// let key = SigningKey::new(&SecretKey::new(b"YourAccessKeySecret")?, Algorithm::HmacSha256);
/// // Per request: the body's hash (sent as x-acs-content-sha256), the date and the nonce.
/// let body = b"";
/// let content_sha256 = cloudsig_core::sha256_hex(body);
/// let call = acs3::PerCall::new(
///     "2023-10-26T10:22:32Z",
///     "3156853299f313e23d1673dc12e1703d",
///     content_sha256.as_str(),
/// );
/// let signed = template.sign_with_key(call, Payload::Bytes(body), &key)?;
/// assert_eq!(signed.signature().as_str(),
///            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
/// // The request as sent, signed in one go, signs the same, stage for stage.
/// let sent = shape.clone()
///     .header("x-acs-date", "2023-10-26T10:22:32Z")
///     .header("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d")
///     .header("x-acs-content-sha256", content_sha256.as_str())
///     .body(body);
/// assert_eq!(signed, acs3::sign_with_key(&sent, &signed_headers, &Default::default(), &key)?);
/// // The payload given as its hash signs the same.
/// let by_hash = Payload::Sha256Hex(content_sha256.as_str());
/// assert_eq!(template.sign_with_key(call, by_hash, &key)?, signed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestTemplate<'a> {
    method: &'a str,
    path: Cow<'a, str>,
    query: Cow<'a, str>,
    signed_headers: &'a SignedHeaders,
    /// The signed header values, empty where a per-call value goes.
    values: Values<'a>,
    header_values: HeaderValues,
    /// The per-call values' places, in the order of the signed headers.
    gaps: [Gap; 3],
    /// How many of `gaps` are used.
    gap_count: usize,
    /// The canonical text up to the first per-call value (or up to the payload hash when
    /// no per-call header is signed), when the template takes the one-pass path: values
    /// inline, trimmed as sent; its whole blocks compressed; `None` otherwise, or when
    /// the text does not fit.
    head: Option<cloudsig_core::Sha256BlockText>,
    /// The rest of the fixed text, the per-call values going between its pieces.
    tail: Vec<u8>,
}

impl<'a> RequestTemplate<'a> {
    /// The template of `req`'s method, path, query and signed headers other than
    /// [`PER_CALL_HEADERS`] (its payload and any per-call header it has are not used):
    /// fails where [`CanonicalRequest::new`] fails on them, naming what is wrong.
    pub fn new(
        req: &Request<'a>,
        signed_headers: &'a SignedHeaders,
        settings: &Settings,
    ) -> Result<Self, Error> {
        req.validate_target()?;
        let values = values_except(req, signed_headers, settings, |n| {
            per_call_index(n).is_some()
        })?;
        let path = match settings.uri {
            UriForm::Rfc3986 => canonical_uri(req.path()),
            _ => Cow::Borrowed(req.path()),
        };
        let raw = req.raw_query();
        let query =
            if settings.query == QueryForm::Rfc3986 && crate::sigv4::sorted_unreserved_pairs(raw) {
                Cow::Borrowed(raw)
            } else {
                Cow::Owned(canonical_query(raw, settings.query, settings.plus))
            };
        // The fixed text, with the places of the per-call values.
        let mut fixed: Vec<u8> = Vec::new();
        for part in [req.method(), &path, &query] {
            fixed.extend_from_slice(part.as_bytes());
            fixed.push(b'\n');
        }
        let mut places: Vec<(usize, usize, usize)> = Vec::new();
        for (at, (name, value)) in signed_headers.names().zip(values.iter()).enumerate() {
            fixed.extend_from_slice(name.as_bytes());
            fixed.push(b':');
            match per_call_index(name) {
                Some(which) => places.push((which, at, fixed.len())),
                None => fixed.extend_from_slice(value.as_bytes()),
            }
            fixed.push(b'\n');
        }
        fixed.push(b'\n');
        fixed.extend_from_slice(signed_headers.joined().as_bytes());
        fixed.push(b'\n');
        let first = places.first().map_or(fixed.len(), |p| p.2);
        let mut gaps = [Gap::default(); 3];
        for (i, (gap, &(which, value_at, _))) in gaps.iter_mut().zip(&places).enumerate() {
            let next = places.get(i + 1).map_or(fixed.len(), |p| p.2);
            *gap = Gap {
                which,
                value_at,
                tail_end: next - first,
            };
        }
        let (head_text, tail) = fixed.split_at(first.min(fixed.len()));
        let mut head = cloudsig_core::Sha256BlockText::new();
        let one_pass = settings.header_values == HeaderValues::Trimmed
            && matches!(values, Values::Inline { .. })
            && head.push(head_text);
        Ok(Self {
            method: req.method(),
            path,
            query,
            signed_headers,
            values,
            header_values: settings.header_values,
            gaps,
            gap_count: places.len(),
            head: one_pass.then(|| {
                // Every call hashes these blocks first: once, here.
                head.compress_leading_blocks();
                head
            }),
            tail: tail.to_vec(),
        })
    }

    /// How many leading 64-byte blocks of the canonical request [`RequestTemplate::new`]
    /// compressed, which no signature of the template compresses again: the whole
    /// blocks of the text before the first per-call byte (2 for the documented
    /// example's 169 bytes), or 0 when the template has no one-pass path (values
    /// lowercased or many, a text too long) and builds each canonical request whole.
    /// Only HMAC-SHA256 signatures start from them; SM3 ones are signed in full.
    ///
    /// ```
    /// use cloudsig_canonical::{Request, alibaba::acs3};
    /// let shape = Request::new("POST", "/")
    ///     .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
    ///     .header("host", "ecs.cn-shanghai.aliyuncs.com")
    ///     .header("x-acs-action", "RunInstances")
    ///     .header("x-acs-version", "2014-05-26");
    /// let signed_headers = acs3::SignedHeaders::parse(
    ///     "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
    /// )?;
    /// let template = acs3::RequestTemplate::new(&shape, &signed_headers, &Default::default())?;
    /// assert_eq!(template.hashed_leading_blocks(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hashed_leading_blocks(&self) -> usize {
        self.head
            .as_ref()
            .map_or(0, cloudsig_core::Sha256BlockText::leading_blocks)
    }

    /// The canonical request of the template with the per-call values and `payload`
    /// hashed with `algorithm`'s hash: fails where [`CanonicalRequest::new`] fails on
    /// them.
    pub fn canonical_request<'s>(
        &'s self,
        call: PerCall<'s>,
        payload: Payload<'_>,
        algorithm: Algorithm,
    ) -> Result<CanonicalRequest<'s>, Error> {
        let call_values = call.values();
        let mut values = Values::with_capacity(self.signed_headers.len());
        let mut fixed = self.values.iter();
        for name in self.signed_headers.names() {
            let value = fixed.next().unwrap_or_default();
            let Some(v) = per_call_index(name).and_then(|i| call_values.get(i).copied()) else {
                values.push(Cow::Borrowed(value));
                continue;
            };
            crate::request::validate_header_value(name, v)?;
            let v = trim_blanks(v);
            if self.header_values == HeaderValues::Lowercased
                && v.bytes().any(|b| b.is_ascii_uppercase())
            {
                values.push(Cow::Owned(v.to_ascii_lowercase()));
            } else {
                values.push(Cow::Borrowed(v));
            }
        }
        Ok(CanonicalRequest {
            method: self.method,
            path: Cow::Borrowed(&self.path),
            query: Cow::Borrowed(&self.query),
            signed_headers: self.signed_headers,
            values,
            hashed_payload: payload_hash(algorithm, payload)?,
            algorithm,
        })
    }

    /// Signs the template's request with the per-call values, `payload` and a key made
    /// once per secret: what [`sign_with_key`] gives for the same request.
    pub fn sign_with_key<'s>(
        &'s self,
        call: PerCall<'s>,
        payload: Payload<'_>,
        key: &SigningKey,
    ) -> Result<Signed<'s>, Error> {
        if let Some(signed) = self.sign_one_pass(call, payload, key) {
            return Ok(signed);
        }
        let canonical_request = self.canonical_request(call, payload, key.algorithm())?;
        Ok(signed_staged(canonical_request, key))
    }

    /// Signs the template's request with the per-call values, `payload` and a key made
    /// from `secret` for this one signature: what [`sign`] gives for the same request.
    pub fn sign<'s>(
        &'s self,
        call: PerCall<'s>,
        payload: Payload<'_>,
        algorithm: Algorithm,
        secret: &SecretKey,
    ) -> Result<Signed<'s>, Error> {
        self.sign_with_key(call, payload, &SigningKey::new(secret, algorithm))
    }

    /// The hot path of [`RequestTemplate::sign_with_key`]: the prepared text copied, the
    /// per-call values checked and written into its gaps, the payload's hex after it,
    /// hashed in one call of the block function and signed with the string to sign's
    /// template. `None` for anything it does not take (SM3, a per-call value with CR,
    /// LF or NUL, a payload refused, a text too long), which the staged path then signs
    /// or refuses.
    #[inline]
    fn sign_one_pass<'s>(
        &'s self,
        call: PerCall<'s>,
        payload: Payload<'_>,
        key: &SigningKey,
    ) -> Option<Signed<'s>> {
        let algorithm = key.algorithm();
        if algorithm != Algorithm::HmacSha256 {
            return None;
        }
        let head = self.head.as_ref()?;
        let Values::Inline { len, mut items } = self.values.clone() else {
            return None;
        };
        let call_values = call.values();
        let mut text = head.clone();
        let mut at = 0;
        for gap in self.gaps.get(..self.gap_count)? {
            let value = *call_values.get(gap.which)?;
            if crate::scan::any_line_break_or_nul(value) {
                return None;
            }
            let value = trim_blanks(value);
            *items.get_mut(gap.value_at)? = value;
            text.push(value.as_bytes());
            text.push(self.tail.get(at..gap.tail_end)?);
            at = gap.tail_end;
        }
        let hashed_payload = match payload {
            Payload::Bytes(b) => text.push_sha256(b)?,
            Payload::Sha256Hex(hex) => {
                let parsed = HexDigest::parse_lower(hex)?;
                text.push(parsed.as_bytes())
                    .then(|| Digest::of_hex(&parsed))??
                    .bytes
            }
            Payload::Unsigned => return None,
        };
        // A text that did not fit is refused here.
        let (hashed, signature) = key.sign_block_text(&mut text)?;
        Some(Signed {
            canonical_request: CanonicalRequest {
                method: self.method,
                path: Cow::Borrowed(&self.path),
                query: Cow::Borrowed(&self.query),
                signed_headers: self.signed_headers,
                values: Values::Inline { len, items },
                hashed_payload,
                algorithm,
            },
            string_to_sign: StringToSign::of_digest(algorithm, hashed),
            signature,
        })
    }
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
        let c =
            CanonicalRequest::new(&req, &sh, Algorithm::HmacSha256, &Settings::default()).unwrap();
        let used = crate::lookup::comparisons() - before;
        assert!(used < 300_000, "{used} header-name comparisons");
        let text = c.to_string();
        assert!(
            text.starts_with(&alloc::format!("POST\n/\n\n{lines}\n")),
            "{text:.300}"
        );
        // Two values of one name are still sorted and joined; a missing one is named.
        let mut twice = headers.clone();
        twice.push(("x-h7", "a"));
        let req = Request::new("POST", "/").with_headers(&twice);
        let c =
            CanonicalRequest::new(&req, &sh, Algorithm::HmacSha256, &Settings::default()).unwrap();
        assert!(c.to_string().contains("\nx-h7:a,v7\n"));
        let missing: Vec<(&str, &str)> = headers
            .iter()
            .copied()
            .filter(|(n, _)| *n != "X-H2999")
            .collect();
        let req = Request::new("POST", "/").with_headers(&missing);
        let err = CanonicalRequest::new(&req, &sh, Algorithm::HmacSha256, &Settings::default())
            .unwrap_err();
        assert_eq!(err.field(), "header `x-h2999`");
    }

    /// `acs3::RequestTemplate` (session 28): what it signs is what `sign_with_key` and
    /// `sign` sign for the request as sent (the template's request with the per-call
    /// headers set and the payload given), and it refuses what they refuse.
    mod template {
        use super::*;
        use alloc::string::String;
        use proptest::prelude::*;

        const SECRET: &[u8] = b"YourAccessKeySecret";

        /// A header value: mostly plain, sometimes with blanks around or upper case, a
        /// CR, LF or NUL, or long enough to overflow the one-pass buffer.
        fn value() -> impl Strategy<Value = String> {
            prop_oneof![
                12 => "[a-zA-Z0-9:.-]{0,40}",
                4 => "[ \t]{0,2}[A-Za-z0-9/;=. \t-]{0,40}[ \t]{0,2}",
                1 => "[a-z]{0,5}[\r\n\x00][a-z]{0,5}",
                1 => "[a-z]{300,700}",
            ]
        }

        /// Signs `shape` with `call` and `payload` through the template and the request
        /// as sent through `sign_with_key` and `sign`, and holds them equal; `Ok(true)`
        /// when both signed.
        #[allow(clippy::too_many_arguments)]
        fn check(
            shape: &Request<'_>,
            names: &str,
            settings: &Settings,
            algorithm: Algorithm,
            call: PerCall<'_>,
            payload: Payload<'_>,
        ) -> Result<bool, TestCaseError> {
            let sh = SignedHeaders::parse(names).unwrap();
            let secret = SecretKey::new(SECRET).unwrap();
            let key = SigningKey::new(&secret, algorithm);
            // The request as sent: the shape's headers but the per-call ones, then these.
            let mut headers: Vec<(&str, &str)> = shape
                .headers()
                .iter()
                .copied()
                .filter(|(n, _)| !PER_CALL_HEADERS.iter().any(|p| p.eq_ignore_ascii_case(n)))
                .collect();
            headers.push(("x-acs-date", call.date));
            headers.push(("X-Acs-Signature-Nonce", call.nonce));
            headers.push(("x-acs-content-sha256", call.content_sha256));
            let sent = shape.clone().with_headers(&headers).with_payload(payload);
            let cached = super::sign_with_key(&sent, &sh, settings, &key);
            let per_call = super::sign(&sent, &sh, algorithm, settings, &secret);
            prop_assert_eq!(&cached, &per_call);
            let staged = sign_staged(&sent, &sh, settings, &key);
            prop_assert_eq!(&cached, &staged);
            match (RequestTemplate::new(shape, &sh, settings), &cached) {
                (Ok(t), Ok(s)) => {
                    prop_assert_eq!(&t.sign_with_key(call, payload, &key).unwrap(), s);
                    prop_assert_eq!(&t.sign(call, payload, algorithm, &secret).unwrap(), s);
                    prop_assert_eq!(
                        &t.canonical_request(call, payload, algorithm).unwrap(),
                        s.canonical_request()
                    );
                    Ok(true)
                }
                (Ok(t), Err(e)) => {
                    let got = t.sign_with_key(call, payload, &key);
                    prop_assert!(got.is_err(), "template {got:?}, sign_with_key refused: {e}");
                    let e2 = got.unwrap_err();
                    prop_assert_eq!(e2.to_string(), e.to_string());
                    prop_assert!(t.sign(call, payload, algorithm, &secret).is_err());
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
                method in prop_oneof![16 => "POST", 8 => "GET", 1 => "", 1 => "P T"],
                path in prop_oneof![16 => "/[a-zA-Z0-9/._~*-]{0,20}", 2 => "/[a-zA-Z0-9/._~*%-]{0,20}", 1 => "[/a?# \x01]{0,4}"],
                query in prop_oneof![
                    3 => "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
                    2 => "",
                    6 => "[a-zA-Z0-9=&._~-]{0,60}",
                    1 => "[a-zA-Z0-9=&%._~*+ -]{0,60}",
                    1 => "[a #\x7f]{1,3}",
                ],
                host in value(),
                action in value(),
                extra in value(),
                date in value(),
                nonce in value(),
                twice in any::<bool>(),
                decoy in any::<bool>(),
                which in prop_oneof![8 => 0usize..4, 1 => 4usize..6],
                body in proptest::collection::vec(any::<u8>(), 0..200),
                payload_kind in prop_oneof![8 => Just(0usize), 4 => Just(1usize), 4 => Just(3usize), 1 => Just(2usize), 1 => Just(4usize)],
                lowercased in any::<bool>(),
                rfc3986_uri in any::<bool>(),
                empty_as_name in any::<bool>(),
                sm3 in proptest::bool::weighted(0.1),
            ) {
                let algorithm = if sm3 { Algorithm::HmacSm3 } else { Algorithm::HmacSha256 };
                let hex = hash_hex(algorithm, &body);
                let upper = hex.as_str().to_uppercase();
                // The header's value: the body's hash mostly, or anything.
                let content = match payload_kind {
                    0..=2 => hex.as_str().into(),
                    _ => extra.clone(),
                };
                let payload = match payload_kind {
                    0 | 3 => Payload::Bytes(&body),
                    1 => Payload::Sha256Hex(hex.as_str()),
                    2 => Payload::Sha256Hex(&upper),
                    _ => Payload::Unsigned,
                };
                let mut shape = Request::new(&method, &path)
                    .query(&query)
                    .header("host", &host)
                    .header("x-acs-action", &action)
                    .header("x-acs-version", "2014-05-26")
                    .header("X-Acs-Extra", &extra);
                if twice {
                    shape = shape.header("x-acs-action", &extra);
                }
                if decoy {
                    // Per-call headers in the shape are not read.
                    shape = shape.header("x-acs-date", &extra).header("x-acs-content-sha256", "x");
                }
                let names = match which {
                    0 => "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
                    1 => "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-extra;x-acs-signature-nonce;x-acs-version",
                    2 => "host;x-acs-date",
                    3 => "host;x-acs-action;x-acs-version",
                    4 => "content-type;host;x-acs-date",
                    _ => "a;b;c;d;e;f;g;host;x-acs-date",
                };
                let mut settings = Settings::default();
                if lowercased {
                    settings = settings.with_header_values(HeaderValues::Lowercased);
                }
                if rfc3986_uri {
                    settings = settings.with_uri(UriForm::Rfc3986);
                }
                if empty_as_name {
                    settings = settings.with_query(QueryForm::EmptyAsNameOnly);
                }
                let call = PerCall::new(&date, &nonce, &content);
                check(&shape, names, &settings, algorithm, call, payload)?;
            }
        }

        /// Session 29: templates whose text before the first per-call value is every
        /// length from 61 to 781 bytes: 0 to 11 leading blocks hashed once (0 to 6 on
        /// the one-pass path), the whole text fitting the one-pass buffer or not (then
        /// signed staged), and past the buffer (no one-pass path). Each signs what
        /// `sign_with_key` signs for the request as sent (`check`).
        #[test]
        fn templates_of_every_leading_block_count_sign_what_sign_with_key_signs() {
            let names = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
            let settings = Settings::default();
            let key = SigningKey::new(&SecretKey::new(SECRET).unwrap(), Algorithm::HmacSha256);
            let sh = SignedHeaders::parse(names).unwrap();
            // Leading blocks of the templates that signed in one pass; templates with
            // a head too long for the one-pass text, and with no one-pass path.
            let mut one_pass = alloc::collections::BTreeSet::new();
            let (mut overflowed, mut no_head) = (0, 0);
            let long = [b'x'; 100];
            for len in 0..=720usize {
                let host: String = (0..len)
                    .map(|i| char::from(b'a' + ((i + len) % 26) as u8))
                    .collect();
                let shape = Request::new("POST", "/")
                    .header("host", &host)
                    .header("x-acs-action", "RunInstances")
                    .header("x-acs-version", "2014-05-26");
                let t = RequestTemplate::new(&shape, &sh, &settings).unwrap();
                let head = 61 + len;
                assert_eq!(
                    t.hashed_leading_blocks(),
                    if head <= 768 { head / 64 } else { 0 }
                );
                for body in [&b""[..], &long] {
                    let hex = hash_hex(Algorithm::HmacSha256, body);
                    let call = PerCall::new(
                        "2023-10-26T10:22:32Z",
                        "3156853299f313e23d1673dc12e1703d",
                        hex.as_str(),
                    );
                    for payload in [Payload::Bytes(body), Payload::Sha256Hex(hex.as_str())] {
                        assert!(
                            check(
                                &shape,
                                names,
                                &settings,
                                Algorithm::HmacSha256,
                                call,
                                payload
                            )
                            .unwrap()
                        );
                        if t.head.is_none() {
                            no_head += 1;
                        } else if t.sign_one_pass(call, payload, &key).is_some() {
                            one_pass.insert(t.hashed_leading_blocks());
                        } else {
                            overflowed += 1;
                        }
                    }
                }
            }
            assert_eq!(one_pass, (0..=6).collect());
            assert!(overflowed > 0 && no_head > 0, "{overflowed} {no_head}");
        }

        /// The documented example (vectors/alibaba/acs3.json, `acs3-doc-ecs-run-instances`)
        /// with many dates, nonces, bodies and an extra signed header: the template takes
        /// its one-pass path and signs what `sign_with_key` signs.
        #[test]
        fn the_documented_example_with_other_dates_nonces_and_bodies() {
            let shape = Request::new("POST", "/")
                .query("ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
                .header("host", "ecs.cn-shanghai.aliyuncs.com")
                .header("x-acs-action", "RunInstances")
                .header("x-acs-version", "2014-05-26")
                .header("x-acs-security-token", "token");
            let six = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
            let seven = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version";
            let settings = Settings::default();
            let key = SigningKey::new(&SecretKey::new(SECRET).unwrap(), Algorithm::HmacSha256);
            let mut one_pass = 0;
            for names in [six, seven] {
                let sh = SignedHeaders::parse(names).unwrap();
                let t = RequestTemplate::new(&shape, &sh, &settings).unwrap();
                for date in [
                    "2023-10-26T10:22:32Z",
                    "2026-12-07T06:10:00Z",
                    " 2000-01-01T00:00:00Z\t",
                ] {
                    for nonce in ["3156853299f313e23d1673dc12e1703d", "n", ""] {
                        for body in [&b""[..], b"{}", &[b'x'; 100]] {
                            let hex = hash_hex(Algorithm::HmacSha256, body);
                            let call = PerCall::new(date, nonce, hex.as_str());
                            for payload in [Payload::Bytes(body), Payload::Sha256Hex(hex.as_str())]
                            {
                                assert!(
                                    check(
                                        &shape,
                                        names,
                                        &settings,
                                        Algorithm::HmacSha256,
                                        call,
                                        payload
                                    )
                                    .unwrap()
                                );
                                one_pass +=
                                    usize::from(t.sign_one_pass(call, payload, &key).is_some());
                            }
                        }
                    }
                }
            }
            assert_eq!(one_pass, 2 * 3 * 3 * 3 * 2);
            // The documented signature, through the template.
            let sh = SignedHeaders::parse(six).unwrap();
            let t = RequestTemplate::new(&shape, &sh, &settings).unwrap();
            let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
            let call = PerCall::new(
                "2023-10-26T10:22:32Z",
                "3156853299f313e23d1673dc12e1703d",
                empty,
            );
            let signed = t.sign_with_key(call, Payload::Bytes(b""), &key).unwrap();
            assert_eq!(
                signed.signature().as_str(),
                "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
            );
            assert_eq!(
                signed.hashed_canonical_request().as_str(),
                "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
            );
        }
    }
}
