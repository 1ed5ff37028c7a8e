//! Alibaba Cloud RPC signature (HMAC-SHA1, V2): the canonicalized query and the string to
//! sign `METHOD&%2F&percentEncode(CanonicalizedQuery)`; the key is `secret + "&"` and the
//! signature travels as the `Signature` parameter. Parameters are sorted by their raw
//! names (then values) and encoded afterwards, as the documentation and the official SDKs
//! do: `a.` comes before `a/`, although `a%2F` sorts first once encoded.
//!
//! ```
//! use cloudsig_canonical::alibaba::rpc;
//! use cloudsig_core::SecretKey;
//! // vectors/alibaba/rpc.json, `rpc-doc-describe-dedicated-hosts` (Alibaba Cloud's RPC signature document).
//! let params = [("AccessKeyId", "testid"), ("Action", "DescribeDedicatedHosts"),
//!     ("Format", "JSON"), ("RegionId", "cn-beijing"), ("SignatureMethod", "HMAC-SHA1"),
//!     ("SignatureNonce", "edb2b34af0af9a6d14deaf7c1a5315eb"), ("SignatureVersion", "1.0"),
//!     ("Timestamp", "2023-03-13T08:34:30Z"), ("Version", "2014-05-26")];
//! let sts = rpc::StringToSign::new("GET", params, &Default::default())?;
//! assert!(sts.to_string().ends_with("%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26"));
//! let sig = rpc::sign(&sts, &SecretKey::new(b"testsecret")?, rpc::Key::SecretAndAmpersand);
//! assert_eq!(sig.as_str(), "9NaGiOspFP5UPcwX8Iwt2YJXXuk=");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use cloudsig_core::SecretKey;
use cloudsig_core::v1::Signature;

use super::query::{form_plus, join_sorted, rfc3986};
use crate::error::{Error, Stage};

/// The parameter that carries the signature (excluded from the string to sign).
pub const SIGNATURE: &str = "Signature";

/// How names and values are encoded in the canonicalized query.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ParamEncoding {
    /// RFC 3986, then the whole query encoded again: the documented rule. The default.
    #[default]
    Rfc3986,
    /// Raw names and values, encoded only once with the whole query (so `:` in the
    /// Timestamp shows as `%3A`, not `%253A`): a client mistake, for diagnosis.
    EncodedOnce,
    /// `+` for space: a client mistake, for diagnosis.
    PlusForSpace,
    /// RFC 3986 in the order sent: a client mistake, for diagnosis.
    Unsorted,
    /// RFC 3986, sorted after encoding (so `a%2F` comes before `a.`): a client mistake, for
    /// diagnosis. The documentation and the SDKs sort the raw names, then encode.
    SortedAfterEncoding,
}

/// Settings of the RPC string to sign.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Settings {
    /// The encoding of the canonicalized query.
    pub encoding: ParamEncoding,
}

impl Settings {
    /// These settings with another encoding.
    pub fn with_encoding(mut self, encoding: ParamEncoding) -> Self {
        self.encoding = encoding;
        self
    }
}

/// The HMAC key of an RPC signature.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Key {
    /// `AccessKeySecret + "&"`: the documented rule. The default.
    #[default]
    SecretAndAmpersand,
    /// The secret alone: a client mistake, for diagnosis.
    SecretOnly,
}

/// The RPC string to sign; `Display` renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign<'a> {
    method: &'a str,
    canonical_query: String,
}

impl<'a> StringToSign<'a> {
    /// Builds the string to sign of decoded parameters (`Signature` excluded).
    pub fn new<'p>(
        method: &'a str,
        params: impl IntoIterator<Item = (&'p str, &'p str)>,
        settings: &Settings,
    ) -> Result<Self, Error> {
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::new(
                crate::ErrorKind::InvalidMethod,
                Stage::StringToSign,
                "method",
                "must be upper-case ASCII letters, such as GET or POST",
            ));
        }
        let enc: fn(&str) -> String = match settings.encoding {
            ParamEncoding::EncodedOnce => ToString::to_string,
            ParamEncoding::PlusForSpace => form_plus,
            _ => rfc3986,
        };
        let mut raw: Vec<(&str, &str)> = params
            .into_iter()
            .filter(|(n, _)| *n != SIGNATURE)
            .collect();
        // The documented order (and tea's `get_rpcsignature`, aliyun-python-sdk-core's
        // `__compose_string_to_sign`): sorted by the raw name (then value), encoded afterwards.
        // Sorting the encoded text differs when a name holds a reserved character (`a/`, `a.`).
        let sort_raw = !matches!(
            settings.encoding,
            ParamEncoding::Unsorted | ParamEncoding::SortedAfterEncoding
        );
        if sort_raw {
            raw.sort_unstable();
        }
        let pairs: Vec<(String, String)> = raw.into_iter().map(|(n, v)| (enc(n), enc(v))).collect();
        Ok(Self {
            method,
            canonical_query: join_sorted(
                pairs,
                settings.encoding == ParamEncoding::SortedAfterEncoding,
                true,
            ),
        })
    }

    /// The canonicalized query string (before the second encoding).
    pub fn canonical_query(&self) -> &str {
        &self.canonical_query
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}&%2F&{}", self.method, rfc3986(&self.canonical_query))
    }
}

/// Signs an RPC string to sign: base64 HMAC-SHA1 with `key`.
pub fn sign(string_to_sign: &StringToSign<'_>, secret: &SecretKey, key: Key) -> Signature {
    let text = string_to_sign.to_string();
    match key {
        Key::SecretOnly => cloudsig_core::alibaba::sign_roa(secret, text.as_bytes()),
        _ => cloudsig_core::alibaba::sign_rpc(secret, text.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(params: &[(&str, &str)], encoding: ParamEncoding) -> String {
        let settings = Settings::default().with_encoding(encoding);
        StringToSign::new("GET", params.iter().copied(), &settings)
            .map(|s| s.canonical_query().to_string())
            .unwrap_or_default()
    }

    /// Issue 16, A2: the documentation sorts the raw names (`.` 0x2E before `/` 0x2F) and
    /// encodes afterwards; sorting the encoded text puts `a%2F` (`%` 0x25) first.
    #[test]
    fn sorts_raw_names_before_encoding() {
        let p = [("a/", "1"), ("a.", "2")];
        assert_eq!(query(&p, ParamEncoding::Rfc3986), "a.=2&a%2F=1");
        assert_eq!(query(&p, ParamEncoding::SortedAfterEncoding), "a%2F=1&a.=2");
        assert_eq!(query(&p, ParamEncoding::Unsorted), "a%2F=1&a.=2");
        // Same raw name: by raw value, `~` (U+007E) before `é` (U+00E9), although `%C3%A9`
        // sorts before `~` once encoded.
        let v = [("k", "é"), ("k", "~")];
        assert_eq!(query(&v, ParamEncoding::Rfc3986), "k=~&k=%C3%A9");
        assert_eq!(
            query(&v, ParamEncoding::SortedAfterEncoding),
            "k=%C3%A9&k=~"
        );
    }
}
