//! Tencent Cloud v1 (HmacSHA1 / HmacSHA256): parameters, string to sign, encoded form.
//!
//! ```text
//! StringToSign = METHOD + host + path + "?" + join("&", sorted "name=value")
//! ```
//! with raw (not URL-encoded) values, names sorted by byte order, and the `Signature`
//! parameter itself left out.
//!
//! ```
//! use cloudsig_canonical::v1::{Params, sign, NameRule};
//! use cloudsig_core::SecretKey;
//!
//! let mut params = Params::new();
//! for (k, v) in [("Action", "DescribeInstances"), ("InstanceIds.0", "ins-09dx96dg"),
//!     ("Limit", "20"), ("Nonce", "11886"), ("Offset", "0"), ("Region", "ap-guangzhou"),
//!     ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"), ("Timestamp", "1465185768"),
//!     ("Version", "2017-03-12")] {
//!     params.push(k, v);
//! }
//! let key = SecretKey::new(b"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
//! let signed = sign(&params, "GET", "cvm.tencentcloudapi.com", "/", NameRule::AsIs, &key)?;
//! assert_eq!(signed.signature().as_str(), "EliP9YW3pW28FpsEdkXt/+WcGeI=");
//! assert_eq!(signed.signature_urlencoded(), "EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write};

use cloudsig_core::SecretKey;
use cloudsig_core::v1::{Algorithm, Signature, Signer};
use serde_json::Value;

use crate::encode::{query_string, rfc3986};
use crate::error::{Error, Stage};

/// The name of the parameter that carries the signature.
pub const SIGNATURE: &str = "Signature";
/// The name of the parameter that selects the algorithm.
pub const SIGNATURE_METHOD: &str = "SignatureMethod";

/// How parameter names enter the string to sign.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NameRule {
    /// Names as sent (the Node and Go SDKs). The default.
    #[default]
    AsIs,
    /// `_` replaced by `.` in the string to sign only, then sorted (the Python and Java
    /// SDKs, a PHP heritage). The parameters sent keep their `_`.
    UnderscoreToDot,
}

/// How JSON booleans become parameter text when flattening.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BoolText {
    /// `true` / `false`, as the Node and Go SDKs send them. The default.
    #[default]
    Lowercase,
    /// `True` / `False`, as the Python SDK sends them (`str(True)`).
    Capitalized,
}

/// Name/value parameters in the order given; duplicates are kept.
///
/// ```
/// use cloudsig_canonical::v1::{BoolText, Params};
/// let json = serde_json::json!({"Filters": [{"Name": "zone", "Values": ["a", "b"]}],
///                               "DryRun": true, "Skip": null, "Empty": []});
/// let p = Params::from_json(&json, BoolText::Lowercase)?;
/// // The order of object keys follows serde_json's map (sorted, or as written with its
/// // `preserve_order` feature); the string to sign sorts names anyway.
/// let mut flat: Vec<_> = p.iter().collect();
/// flat.sort();
/// assert_eq!(flat, [("DryRun", "true"), ("Filters.0.Name", "zone"),
///                   ("Filters.0.Values.0", "a"), ("Filters.0.Values.1", "b")]);
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a parameter.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// Sets a parameter, replacing every earlier one of the same name.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.push(name, value);
    }

    /// Removes every parameter named `name`.
    pub fn remove(&mut self, name: &str) {
        self.pairs.retain(|(n, _)| n != name);
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The parameters in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// How many parameters there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Flattens a JSON object the way the SDKs do: objects as `prefix.Key`, arrays as
    /// `prefix.N` (0-based), strings raw, numbers as their JSON text, booleans per
    /// `bools`; `null`, empty arrays and empty objects produce nothing.
    pub fn from_json(value: &Value, bools: BoolText) -> Result<Self, Error> {
        let Value::Object(map) = value else {
            return Err(Error::new(
                crate::ErrorKind::InvalidQuery,
                Stage::Parameters,
                "parameters",
                "must be a JSON object",
            ));
        };
        let mut out = Self::new();
        for (k, v) in map {
            flatten(k.clone(), v, bools, &mut out, 0)?;
        }
        Ok(out)
    }

    /// The `SignatureMethod` the service reads from these parameters.
    pub fn algorithm(&self) -> Algorithm {
        Algorithm::from_signature_method(self.get(SIGNATURE_METHOD))
    }

    /// `name=value&…` percent-encoded with RFC 3986, in order: a GET query or the body of
    /// an `application/x-www-form-urlencoded` POST.
    pub fn encode(&self) -> String {
        query_string(self.iter())
    }
}

const MAX_DEPTH: usize = 64;

fn flatten(
    prefix: String,
    v: &Value,
    bools: BoolText,
    out: &mut Params,
    depth: usize,
) -> Result<(), Error> {
    if depth > MAX_DEPTH {
        return Err(Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Parameters,
            prefix,
            "is nested more than 64 levels deep",
        ));
    }
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push(
            prefix,
            match (bools, b) {
                (BoolText::Lowercase, true) => "true",
                (BoolText::Lowercase, false) => "false",
                (BoolText::Capitalized, true) => "True",
                (BoolText::Capitalized, false) => "False",
            },
        ),
        Value::Number(n) => out.push(prefix, n.to_string()),
        Value::String(s) => out.push(prefix, s.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(alloc::format!("{prefix}.{i}"), item, bools, out, depth + 1)?;
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                flatten(alloc::format!("{prefix}.{k}"), item, bools, out, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// The v1 string to sign of a parameter set; `Display` renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign<'a> {
    method: &'a str,
    host: &'a str,
    path: &'a str,
    sorted: Vec<(Cow<'a, str>, &'a str)>,
}

impl<'a> StringToSign<'a> {
    /// Sorts `params` (without `Signature`) by name bytes after applying `rule`.
    pub fn new(
        params: &'a Params,
        method: &'a str,
        host: &'a str,
        path: &'a str,
        rule: NameRule,
    ) -> Result<Self, Error> {
        if method != "GET" && method != "POST" {
            return Err(Error::new(
                crate::ErrorKind::InvalidMethod,
                Stage::StringToSign,
                "method",
                "v1 signs only GET and POST",
            ));
        }
        if host.is_empty()
            || host
                .bytes()
                .any(|b| b <= b' ' || b == 0x7f || b == b'/' || b == b'?')
        {
            return Err(Error::new(
                crate::ErrorKind::InvalidHost,
                Stage::StringToSign,
                "host",
                "is empty or not a host name",
            ));
        }
        if !path.starts_with('/') || path.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'?') {
            return Err(Error::new(
                crate::ErrorKind::InvalidPath,
                Stage::StringToSign,
                "path",
                "must start with `/` and hold no spaces or `?`",
            ));
        }
        let mut sorted: Vec<(Cow<'a, str>, &'a str)> = params
            .iter()
            .filter(|(n, _)| *n != SIGNATURE)
            .map(|(n, v)| {
                let name = match rule {
                    NameRule::UnderscoreToDot if n.contains('_') => Cow::Owned(n.replace('_', ".")),
                    _ => Cow::Borrowed(n),
                };
                (name, v)
            })
            .collect();
        sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        Ok(Self {
            method,
            host,
            path,
            sorted,
        })
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}?", self.method, self.host, self.path)?;
        for (i, (n, v)) in self.sorted.iter().enumerate() {
            if i > 0 {
                f.write_char('&')?;
            }
            write!(f, "{n}={v}")?;
        }
        Ok(())
    }
}

/// A computed v1 signature and the string to sign it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed<'a> {
    string_to_sign: StringToSign<'a>,
    algorithm: Algorithm,
    signature: Signature,
}

impl<'a> Signed<'a> {
    /// The string to sign.
    pub fn string_to_sign(&self) -> &StringToSign<'a> {
        &self.string_to_sign
    }

    /// The algorithm used (from `SignatureMethod`).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The base64 signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signature percent-encoded for a query or form body (`+` → `%2B`, `/` → `%2F`,
    /// `=` → `%3D`).
    pub fn signature_urlencoded(&self) -> String {
        rfc3986(self.signature.as_str())
    }
}

/// Signs `params` for a `method` request to `host` and `path`, with the algorithm its
/// `SignatureMethod` parameter selects.
pub fn sign<'a>(
    params: &'a Params,
    method: &'a str,
    host: &'a str,
    path: &'a str,
    rule: NameRule,
    secret: &SecretKey,
) -> Result<Signed<'a>, Error> {
    let string_to_sign = StringToSign::new(params, method, host, path, rule)?;
    let algorithm = params.algorithm();
    let mut signer = Signer::new(secret, algorithm);
    // The signer accepts all text.
    let _ = write!(signer, "{string_to_sign}");
    Ok(Signed {
        string_to_sign,
        algorithm,
        signature: signer.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscore_rule_sorts_after_replacing() {
        let mut p = Params::new();
        p.push("A_b", "1");
        p.push("A.a", "2");
        p.push("Signature", "ignored");
        let as_is = StringToSign::new(&p, "GET", "h", "/", NameRule::AsIs).unwrap();
        assert_eq!(as_is.to_string(), "GETh/?A.a=2&A_b=1");
        let dotted = StringToSign::new(&p, "GET", "h", "/", NameRule::UnderscoreToDot).unwrap();
        assert_eq!(dotted.to_string(), "GETh/?A.a=2&A.b=1");
        // '.' (0x2E) sorts before '_' (0x5F): replacing can reorder.
        let mut q = Params::new();
        q.push("X_b", "1");
        q.push("X.", "2");
        q.push("X_", "3");
        let dotted = StringToSign::new(&q, "GET", "h", "/", NameRule::UnderscoreToDot).unwrap();
        assert_eq!(dotted.to_string(), "GETh/?X.=2&X.=3&X.b=1");
    }

    #[test]
    fn values_are_raw_and_encoding_is_rfc3986() {
        let mut p = Params::new();
        p.push("Name", "a b+c/=&'*~中");
        let s = StringToSign::new(&p, "POST", "h", "/", NameRule::AsIs).unwrap();
        assert_eq!(s.to_string(), "POSTh/?Name=a b+c/=&'*~中");
        assert_eq!(p.encode(), "Name=a%20b%2Bc%2F%3D%26%27%2A~%E4%B8%AD");
    }

    #[test]
    fn refuses_bad_method_host_path_and_json() {
        let p = Params::new();
        assert_eq!(
            StringToSign::new(&p, "PUT", "h", "/", NameRule::AsIs)
                .unwrap_err()
                .field(),
            "method"
        );
        assert_eq!(
            StringToSign::new(&p, "GET", "", "/", NameRule::AsIs)
                .unwrap_err()
                .field(),
            "host"
        );
        assert_eq!(
            StringToSign::new(&p, "GET", "h", "x", NameRule::AsIs)
                .unwrap_err()
                .field(),
            "path"
        );
        assert!(Params::from_json(&serde_json::json!([1]), BoolText::Lowercase).is_err());
        let mut deep = serde_json::json!(1);
        for _ in 0..100 {
            deep = serde_json::json!({ "a": deep });
        }
        assert!(Params::from_json(&deep, BoolText::Lowercase).is_err());
    }

    #[test]
    fn python_bools() {
        let p = Params::from_json(&serde_json::json!({"A": false}), BoolText::Capitalized).unwrap();
        assert_eq!(p.get("A"), Some("False"));
    }
}
