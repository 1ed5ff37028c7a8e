//! Alibaba Cloud ROA signature V2 (HMAC-SHA1): the string to sign and
//! `Authorization: acs AccessKeyId:Signature`.
//!
//! ```text
//! StringToSign = Method \n Accept \n Content-MD5 \n Content-Type \n Date \n
//!                CanonicalizedHeaders (sorted `x-acs-name:value\n`) + CanonicalizedResource
//! CanonicalizedResource = Path [ "?" sorted raw `name=value` joined by "&" ]
//! Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))
//! ```
//!
//! ```
//! use cloudsig_canonical::Request;
//! use cloudsig_canonical::alibaba::roa;
//! use cloudsig_core::SecretKey;
//! let req = Request::new("POST", "/openapi/instances")
//!     .query("clientToken=5A2CFF0E")
//!     .header("Accept", "application/json")
//!     .header("Date", "Thu, 26 Oct 2023 10:22:32 GMT")
//!     .header("x-acs-version", "2017-06-13");
//! let sts = roa::StringToSign::new(&req, &Default::default())?;
//! assert_eq!(sts.to_string(), "POST\napplication/json\n\n\nThu, 26 Oct 2023 10:22:32 GMT\n\
//!                              x-acs-version:2017-06-13\n/openapi/instances?clientToken=5A2CFF0E");
//! let sig = roa::sign(&sts, &SecretKey::new(b"testsecret")?);
//! assert_eq!(roa::authorization("testid", &sig), format!("acs testid:{sig}"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use cloudsig_core::SecretKey;
use cloudsig_core::v1::Signature;

use super::query::{PlusIs, decode_pairs, join_sorted};
use crate::error::{Error, Stage};
use crate::request::{Request, trim_blanks, validate_header_value};

/// How the query enters the canonicalized resource.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResourceQuery {
    /// Decoded (raw) values, sorted: the documented rule. The default.
    #[default]
    Decoded,
    /// As sent on the wire, percent-encoded, sorted: a client mistake, for diagnosis.
    Encoded,
    /// Decoded but in the order sent: a client mistake, for diagnosis.
    Unsorted,
}

/// Settings of the ROA string to sign.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Settings {
    /// How the query enters the resource.
    pub resource_query: ResourceQuery,
    /// An empty value written as `name=` (aliyun-python-sdk-core, `@alicloud/openapi-client`,
    /// `@alicloud/pop-core`) instead of the name alone (alibabacloud-tea-openapi, the
    /// default).
    pub empty_with_equals: bool,
    /// How `+` in the received query is read.
    pub plus: PlusIs,
}

impl Settings {
    /// These settings with empty values written as `name=`.
    pub fn with_empty_with_equals(mut self, yes: bool) -> Self {
        self.empty_with_equals = yes;
        self
    }

    /// These settings with another resource query rule.
    pub fn with_resource_query(mut self, q: ResourceQuery) -> Self {
        self.resource_query = q;
        self
    }
}

/// The ROA V2 string to sign of a [`Request`]; `Display` renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign<'a> {
    method: &'a str,
    accept: &'a str,
    content_md5: &'a str,
    content_type: &'a str,
    date: &'a str,
    acs_headers: Vec<(String, &'a str)>,
    resource: String,
}

impl<'a> StringToSign<'a> {
    /// Builds the string to sign. Fails on a request [`Request::validate`] refuses or an
    /// `x-acs-*` header sent twice.
    pub fn new(req: &Request<'a>, settings: &Settings) -> Result<Self, Error> {
        req.validate_target()?;
        let one = |name: &str| -> Result<&'a str, Error> {
            match req.header_value(name) {
                Some(v) => {
                    validate_header_value(name, v)?;
                    Ok(trim_blanks(v))
                }
                None => Ok(""),
            }
        };
        let mut acs_headers: Vec<(String, &'a str)> = Vec::new();
        for (n, v) in req.headers() {
            if n.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("x-acs-")) {
                validate_header_value(n, v)?;
                let lower = n.to_ascii_lowercase();
                if acs_headers.iter().any(|(k, _)| *k == lower) {
                    return Err(Error::new(
                        crate::ErrorKind::DuplicateHeader,
                        Stage::StringToSign,
                        alloc::format!("header `{lower}`"),
                        "is signed but sent more than once",
                    ));
                }
                acs_headers.push((lower, trim_blanks(v)));
            }
        }
        acs_headers.sort();
        let raw = req.raw_query();
        let mut resource = req.path().to_string();
        if !raw.is_empty() {
            let pairs = match settings.resource_query {
                ResourceQuery::Encoded => raw
                    .split('&')
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        let (n, v) = p.split_once('=').unwrap_or((p, ""));
                        (n.to_string(), v.to_string())
                    })
                    .collect(),
                _ => decode_pairs(raw, settings.plus),
            };
            if !pairs.is_empty() {
                resource.push('?');
                resource.push_str(&join_sorted(
                    pairs,
                    settings.resource_query != ResourceQuery::Unsorted,
                    settings.empty_with_equals,
                ));
            }
        }
        Ok(Self {
            method: req.method(),
            accept: one("accept")?,
            content_md5: one("content-md5")?,
            content_type: one("content-type")?,
            date: one("date")?,
            acs_headers,
            resource,
        })
    }

    /// The canonicalized resource (path and sorted raw query).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The `Date` header used.
    pub fn date(&self) -> &str {
        self.date
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n{}\n{}\n",
            self.method, self.accept, self.content_md5, self.content_type, self.date
        )?;
        for (n, v) in &self.acs_headers {
            writeln!(f, "{n}:{v}")?;
        }
        f.write_str(&self.resource)
    }
}

/// Signs a ROA string to sign: base64 HMAC-SHA1 keyed with the secret.
pub fn sign(string_to_sign: &StringToSign<'_>, secret: &SecretKey) -> Signature {
    cloudsig_core::alibaba::sign_roa(secret, string_to_sign.to_string().as_bytes())
}

/// The ROA Authorization header value, `acs AccessKeyId:Signature`; `Display` renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// The AccessKeyId.
    pub access_key_id: &'a str,
    /// The base64 signature.
    pub signature: &'a Signature,
}

impl fmt::Display for Authorization<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}:{}",
            cloudsig_core::alibaba::ROA_SCHEME,
            self.access_key_id,
            self.signature
        )
    }
}

/// `acs AccessKeyId:Signature`, as text.
pub fn authorization(access_key_id: &str, signature: &Signature) -> String {
    Authorization {
        access_key_id,
        signature,
    }
    .to_string()
}
