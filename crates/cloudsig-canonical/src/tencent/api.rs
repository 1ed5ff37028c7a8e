//! The high-level Tencent Cloud signing API: credentials, a call, a clock; out come the
//! headers (TC3) or the signed parameters (v1) to send. Credentials and clocks are the
//! crate's shared ones ([`crate::credentials`]).
//!
//! ```
//! use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};
//!
//! let creds = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "********************************")?;
//! let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
//!     .region("ap-guangzhou")
//!     .content_type("application/json; charset=utf-8")
//!     .body(r#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#);
//! let signed = sign_tc3(&creds, &call, &FixedClock(1551113065))?;
//! assert_eq!(signed.header("X-TC-Timestamp"), Some("1551113065"));
//! assert!(signed.header("Authorization").unwrap().ends_with(
//!     "Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"));
//! # Ok::<(), cloudsig_canonical::Error>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use cloudsig_core::v1::Algorithm;

use super::{tc3, v1};
use crate::credentials::{Clock, Credentials, NonceSource};
use crate::error::{Error, Stage};
use crate::request::{Payload, Request, validate_header};
use crate::wire::HttpRequest;

/// The domain that `<service>.` is prefixed to when no host is given.
pub const DEFAULT_DOMAIN: &str = "tencentcloudapi.com";

/// One API 3.0 call to sign with TC3-HMAC-SHA256 (or to send unsigned with
/// `Authorization: SKIP`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tc3Call {
    service: String,
    host: Option<String>,
    action: String,
    version: String,
    region: Option<String>,
    language: Option<String>,
    method: String,
    path: String,
    query: String,
    content_type: Option<String>,
    body: Vec<u8>,
    unsigned_payload: bool,
    skip_sign: bool,
    signed_headers: Vec<String>,
    extra_headers: Vec<(String, String)>,
    settings: tc3::Settings,
}

impl Tc3Call {
    /// A POST of an empty JSON body to `<service>.tencentcloudapi.com`, signing
    /// `content-type;host` as the SDKs do.
    pub fn new(
        service: impl Into<String>,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            service: service.into(),
            host: None,
            action: action.into(),
            version: version.into(),
            region: None,
            language: None,
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            content_type: None,
            body: Vec::new(),
            unsigned_payload: false,
            skip_sign: false,
            signed_headers: Vec::new(),
            extra_headers: Vec::new(),
            settings: tc3::Settings::default(),
        }
    }

    /// The host (default `<service>.tencentcloudapi.com`).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The region (`X-TC-Region`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The language of messages (`X-TC-Language`, such as `en-US`).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// `GET` or `POST` (default `POST`).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// The raw query, used verbatim in the URL and the canonical request (for GET).
    pub fn raw_query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// A query built from parameters, percent-encoded with RFC 3986, in the order given.
    pub fn query_params(mut self, params: &v1::Params) -> Self {
        self.query = params.encode();
        self
    }

    /// The Content-Type (default `application/json` for POST,
    /// `application/x-www-form-urlencoded` for GET). Signed exactly as given.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Leaves the body unsigned (`X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    pub fn unsigned_payload(mut self, yes: bool) -> Self {
        self.unsigned_payload = yes;
        self
    }

    /// Sends the request unsigned with `Authorization: SKIP`.
    pub fn skip_sign(mut self, yes: bool) -> Self {
        self.skip_sign = yes;
        self
    }

    /// Signs this header too, besides `content-type` and `host` (for example
    /// `x-tc-action`, as the current documentation does).
    pub fn sign_header(mut self, name: impl Into<String>) -> Self {
        self.signed_headers.push(name.into());
        self
    }

    /// Sends an extra header (signed only if also named with [`Tc3Call::sign_header`]).
    pub fn extra_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Settings of the canonical builder.
    pub fn settings(mut self, settings: tc3::Settings) -> Self {
        self.settings = settings;
        self
    }
}

/// A v1 (HmacSHA1 / HmacSHA256) call: the API parameters plus the common ones the
/// signer adds (Action, Version, Region, Timestamp, Nonce, SecretId, Token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Call {
    host: String,
    method: String,
    path: String,
    action: String,
    version: Option<String>,
    region: Option<String>,
    params: v1::Params,
    algorithm: Algorithm,
    name_rule: v1::NameRule,
    nonce: Option<u64>,
}

impl V1Call {
    /// A GET to `/` on `host` signed with HmacSHA1.
    pub fn new(
        host: impl Into<String>,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self::without_version(host, action).version(version)
    }

    /// A GET to `/` on `host` without a `Version` parameter, as the legacy v1 APIs
    /// (such as `cvm.api.qcloud.com`) are called; signing refuses it for an API 3.0 host
    /// (see [`v1_requires_version`]) unless a `Version` parameter is given.
    ///
    /// ```
    /// use cloudsig_canonical::tencent::{sign_v1, Credentials, FixedClock, V1Call};
    /// let creds = Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")?;
    /// let call = V1Call::without_version("cvm.api.qcloud.com", "DescribeInstances")
    ///     .path("/v2/index.php")
    ///     .nonce(1);
    /// let signed = sign_v1(&creds, &call, &FixedClock(1465185768))?;
    /// assert_eq!(signed.path(), "/v2/index.php");
    /// assert!(!signed.query().contains("Version="));
    /// let api3 = V1Call::without_version("cvm.tencentcloudapi.com", "DescribeInstances").nonce(1);
    /// assert_eq!(sign_v1(&creds, &api3, &FixedClock(1465185768)).unwrap_err().field(), "Version");
    /// # Ok::<(), cloudsig_canonical::Error>(())
    /// ```
    pub fn without_version(host: impl Into<String>, action: impl Into<String>) -> Self {
        Self {
            host: host.into(),
            method: "GET".into(),
            path: "/".into(),
            action: action.into(),
            version: None,
            region: None,
            params: v1::Params::new(),
            algorithm: Algorithm::HmacSha1,
            name_rule: v1::NameRule::AsIs,
            nonce: None,
        }
    }

    /// `GET` or `POST` (a form body).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// The path (default `/`), as sent and signed: legacy v1 APIs use paths such as
    /// `/v2/index.php`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The `Version` parameter.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The region parameter.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The API's own parameters (already flattened; see [`v1::Params::from_json`]).
    pub fn params(mut self, params: v1::Params) -> Self {
        self.params = params;
        self
    }

    /// HmacSHA256 instead of HmacSHA1 (adds `SignatureMethod=HmacSHA256`).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The `_`-to-`.` name rule of the Python and Java SDKs.
    pub fn name_rule(mut self, rule: v1::NameRule) -> Self {
        self.name_rule = rule;
        self
    }

    /// A fixed nonce (default: random).
    pub fn nonce(mut self, nonce: u64) -> Self {
        self.nonce = Some(nonce);
        self
    }
}

/// Every intermediate value of a signature, as text.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stages {
    /// TC3-HMAC-SHA256.
    Tc3 {
        /// The canonical request.
        canonical_request: String,
        /// Its SHA-256, hex.
        hashed_canonical_request: String,
        /// `Date/service/tc3_request`.
        credential_scope: String,
        /// The string to sign.
        string_to_sign: String,
        /// The signature, hex.
        signature: String,
    },
    /// v1.
    V1 {
        /// The string to sign.
        string_to_sign: String,
        /// The signature, base64.
        signature: String,
    },
    /// `Authorization: SKIP`: nothing was signed.
    Skipped,
}

/// A signed request, ready to send, with its stages; the request itself (method, host,
/// path, query, headers, body and its renderings) is the [`HttpRequest`] it dereferences to.
pub type SignedRequest = crate::wire::Signed<Stages>;

/// Whether a Content-Type declares a text body that Tencent Cloud reads as UTF-8.
fn is_text_content_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Signs a TC3 call at the clock's time.
pub fn sign_tc3(
    creds: &Credentials,
    call: &Tc3Call,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let timestamp = clock.now_unix();
    let method = call.method.as_str();
    if method != "GET" && method != "POST" {
        return Err(Error::new(
            crate::ErrorKind::InvalidMethod,
            Stage::Request,
            "method",
            "TC3 calls are GET or POST",
        ));
    }
    if method == "GET" && !call.body.is_empty() {
        return Err(Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::Request,
            "body",
            tc3::GET_HAS_NO_BODY,
        ));
    }
    let host = call
        .host
        .clone()
        .unwrap_or_else(|| alloc::format!("{}.{DEFAULT_DOMAIN}", call.service));
    let content_type = call.content_type.clone().unwrap_or_else(|| {
        if method == "GET" {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        }
        .into()
    });
    if is_text_content_type(&content_type) && core::str::from_utf8(&call.body).is_err() {
        return Err(Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::Request,
            "body",
            "is not valid UTF-8, which a JSON or form body must be",
        ));
    }
    let ts_text = timestamp.to_string();
    for (name, value) in [
        ("X-TC-Action", &call.action),
        ("X-TC-Version", &call.version),
    ] {
        if value.is_empty() {
            return Err(Error::new(
                crate::ErrorKind::InvalidHeaderValue,
                Stage::Request,
                alloc::format!("header `{name}`"),
                "is empty",
            ));
        }
    }
    let mut headers: Vec<(String, String)> = alloc::vec![
        ("Content-Type".into(), content_type),
        ("Host".into(), host.clone()),
        ("X-TC-Action".into(), call.action.clone()),
        ("X-TC-Timestamp".into(), ts_text),
        ("X-TC-Version".into(), call.version.clone()),
    ];
    if let Some(r) = &call.region {
        headers.push(("X-TC-Region".into(), r.clone()));
    }
    if let Some(t) = creds.token() {
        headers.push(("X-TC-Token".into(), t.into()));
    }
    if let Some(l) = &call.language {
        headers.push(("X-TC-Language".into(), l.clone()));
    }
    if call.unsigned_payload {
        headers.push(("X-TC-Content-SHA256".into(), tc3::UNSIGNED_PAYLOAD.into()));
    }
    headers.extend(call.extra_headers.iter().cloned());
    for (n, v) in &headers {
        validate_header(n, v)?;
    }

    let stages;
    if call.skip_sign {
        headers.insert(0, ("Authorization".into(), "SKIP".into()));
        stages = Stages::Skipped;
    } else {
        let scope = tc3::CredentialScope::for_timestamp(timestamp, &call.service)?;
        let signed_headers = tc3::SignedHeaders::new(
            ["content-type", "host"]
                .into_iter()
                .chain(call.signed_headers.iter().map(String::as_str)),
        )?;
        let mut req = Request::new(method, &call.path).query(&call.query);
        for (n, v) in &headers {
            req.push_header(n, v);
        }
        let req = req.with_payload(if call.unsigned_payload {
            Payload::Unsigned
        } else {
            Payload::Bytes(&call.body)
        });
        let signed = tc3::sign(
            &req,
            &signed_headers,
            &call.settings,
            timestamp,
            scope,
            creds.secret_key(),
        )?;
        let authorization = signed.authorization(creds.secret_id()).to_string();
        stages = Stages::Tc3 {
            canonical_request: signed.canonical_request().to_string(),
            hashed_canonical_request: signed.hashed_canonical_request().to_string(),
            credential_scope: signed.credential_scope().to_string(),
            string_to_sign: signed.string_to_sign().to_string(),
            signature: signed.signature().to_string(),
        };
        headers.insert(0, ("Authorization".into(), authorization));
    }
    Ok(SignedRequest::new(
        HttpRequest::new(
            method.into(),
            host,
            call.path.clone(),
            call.query.clone(),
            headers,
            call.body.clone(),
        ),
        stages,
    ))
}

/// Whether a v1 call to `host` must carry `Version`: the API 3.0 endpoints
/// (`*.tencentcloudapi.com`, which also take v1 signatures) require it, as every API 3.0
/// call does; the legacy v1 APIs (such as `cvm.api.qcloud.com/v2/index.php`) take none.
/// `sign_v1` refuses a call without one for such a host and the verifier reports one as
/// `MissingParameter`; for any other host a missing Version is allowed.
///
/// ```
/// use cloudsig_canonical::tencent::v1_requires_version;
/// assert!(v1_requires_version("cvm.tencentcloudapi.com"));
/// assert!(v1_requires_version("CVM.TencentCloudAPI.com:443"));
/// assert!(!v1_requires_version("cvm.api.qcloud.com"));
/// ```
pub fn v1_requires_version(host: &str) -> bool {
    // The host without a port (an IPv6 literal never is an API 3.0 host).
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let name = name.strip_suffix('.').unwrap_or(name);
    let len = name.len();
    let suffix = DEFAULT_DOMAIN.len();
    name.get(len.saturating_sub(suffix)..)
        .is_some_and(|s| s.eq_ignore_ascii_case(DEFAULT_DOMAIN))
        && (len == suffix
            || name
                .as_bytes()
                .get(len.wrapping_sub(suffix + 1))
                .is_some_and(|b| *b == b'.'))
}

/// The common v1 parameters the caller may give as parameters too (with
/// [`V1Call::params`]): the call's own value and the parameter must not disagree.
fn v1_fixed(params: &v1::Params, name: &str, fixed: Option<&str>) -> Result<(), Error> {
    match (params.get(name), fixed) {
        (Some(given), Some(own)) if given != own => Err(Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Parameters,
            name,
            "is given both as a parameter and by the call, with different values",
        )),
        _ => Ok(()),
    }
}

/// Signs a v1 call at the clock's time; the signed parameters go into the query (GET) or
/// a form body (POST).
///
/// The signer adds `Action`, `Version` and `Region` (from the call), `Timestamp` (the
/// clock's), `Nonce` (random, or the call's), `SecretId` and `Token` (the credentials'),
/// and `SignatureMethod` for HmacSHA256. A `Timestamp` or `Nonce` given among the
/// parameters replaces that default, so that each is sent and signed once; an `Action`,
/// `Version` or `Region` parameter must agree with the call's (and stands for it when the
/// call has none); `SecretId` and `Token` are refused as parameters. `Version` is required
/// for an API 3.0 host ([`v1_requires_version`]).
pub fn sign_v1(
    creds: &Credentials,
    call: &V1Call,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let method = call.method.as_str();
    let mut params = call.params.clone();
    for name in ["SecretId", "Token"] {
        if params.get(name).is_some() {
            return Err(Error::new(
                crate::ErrorKind::InvalidQuery,
                Stage::Parameters,
                name,
                "is set by the signer from the credentials",
            ));
        }
    }
    v1_fixed(&params, "Action", Some(&call.action))?;
    v1_fixed(&params, "Version", call.version.as_deref())?;
    v1_fixed(&params, "Region", call.region.as_deref())?;
    params.set("Action", call.action.clone());
    if let Some(v) = &call.version {
        params.set("Version", v.clone());
    }
    if params.get("Version").is_none() && v1_requires_version(&call.host) {
        return Err(Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Parameters,
            "Version",
            "is required by the API 3.0 endpoints (*.tencentcloudapi.com); only legacy v1 hosts such as cvm.api.qcloud.com take none",
        ));
    }
    if let Some(r) = &call.region {
        params.set("Region", r.clone());
    }
    if params.get("Timestamp").is_none() {
        params.set("Timestamp", clock.now_unix().to_string());
    }
    match (params.get("Nonce").is_some(), call.nonce) {
        (true, Some(_)) => {
            return Err(Error::new(
                crate::ErrorKind::InvalidQuery,
                Stage::Parameters,
                "Nonce",
                "is given both as a parameter and by the call",
            ));
        }
        (true, None) => {}
        (false, Some(n)) => params.set("Nonce", n.to_string()),
        (false, None) => params.set("Nonce", random_nonce()?.to_string()),
    }
    params.set("SecretId", creds.secret_id());
    if let Some(t) = creds.token() {
        params.set("Token", t);
    }
    match call.algorithm {
        Algorithm::HmacSha1 => {}
        other => params.set(v1::SIGNATURE_METHOD, other.signature_method()),
    }
    params.remove(v1::SIGNATURE);
    let signed = v1::sign(
        &params,
        method,
        &call.host,
        &call.path,
        call.name_rule,
        creds.secret_key(),
    )?;
    let stages = Stages::V1 {
        string_to_sign: signed.string_to_sign().to_string(),
        signature: signed.signature().to_string(),
    };
    let signature = signed.signature().to_string();
    params.push(v1::SIGNATURE, signature);
    let encoded = params.encode();
    let mut headers = alloc::vec![("Host".to_string(), call.host.clone())];
    let (query, body) = if method == "POST" {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        (String::new(), encoded.into_bytes())
    } else {
        (encoded, Vec::new())
    };
    Ok(SignedRequest::new(
        HttpRequest::new(
            method.into(),
            call.host.clone(),
            call.path.clone(),
            query,
            headers,
            body,
        ),
        stages,
    ))
}

/// A random v1 `Nonce` in 1..=4294967295, from the operating system.
fn random_nonce() -> Result<u64, Error> {
    let mut bytes = [0u8; 8];
    crate::credentials::SystemNonce.fill(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes) % 4_294_967_295 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::FixedClock;

    #[test]
    fn invalid_utf8_json_body_is_refused_but_binary_is_signed() {
        let creds = Credentials::new("AKIDexample", "secret").unwrap();
        let bad = Tc3Call::new("cvm", "A", "2017-03-12").body(&b"{\"a\": \"\xff\"}"[..]);
        let err = sign_tc3(&creds, &bad, &FixedClock(0)).unwrap_err();
        assert_eq!(err.field(), "body");
        let binary = bad.content_type("application/octet-stream");
        assert!(sign_tc3(&creds, &binary, &FixedClock(0)).is_ok());
    }

    #[test]
    fn token_and_unsigned_payload_headers() {
        let creds = Credentials::new("AKIDexample", "secret")
            .unwrap()
            .with_token("tok")
            .unwrap();
        let call = Tc3Call::new("cvm", "A", "2017-03-12")
            .unsigned_payload(true)
            .body("{}");
        let signed = sign_tc3(&creds, &call, &FixedClock(0)).unwrap();
        assert_eq!(signed.header("X-TC-Token"), Some("tok"));
        assert_eq!(
            signed.header("X-TC-Content-SHA256"),
            Some("UNSIGNED-PAYLOAD")
        );
        assert!(format!("{creds:?}").contains("Some(<redacted>)"));
        assert!(creds.clone().with_token("a b").is_err());
    }

    #[test]
    fn curl_sends_headers_with_empty_or_blank_values() {
        // Found by the property tests: `-H 'Name: '` makes curl drop the header, so a
        // signed header with an empty value was not sent and verification failed.
        let creds = Credentials::new("AKIDexample", "secret").unwrap();
        let call = Tc3Call::new("cvm", "A", " ")
            .extra_header("X-Empty", "")
            .sign_header("x-empty")
            .extra_header("X-Blank", " \t ");
        let curl = sign_tc3(&creds, &call, &FixedClock(0)).unwrap().to_curl();
        for header in ["'X-TC-Version;'", "'X-Empty;'", "'X-Blank;'"] {
            assert!(curl.contains(&alloc::format!("-H {header}")), "{curl}");
        }
        assert!(curl.contains("-H 'X-TC-Action: A'"), "{curl}");
    }

    #[test]
    fn curl_turns_globbing_off_and_quotes_binary_bodies() {
        let creds = Credentials::new("AKIDexample", "secret").unwrap();
        let call = Tc3Call::new("cvm", "A", "2017-03-12")
            .method("GET")
            .raw_query("Filter[0]={a}");
        let curl = sign_tc3(&creds, &call, &FixedClock(0)).unwrap().to_curl();
        assert!(
            curl.starts_with("curl -g -X GET 'https://cvm.tencentcloudapi.com/?Filter[0]={a}'"),
            "{curl}"
        );
        let call = Tc3Call::new("cvm", "A", "2017-03-12")
            .content_type("application/octet-stream")
            .body(&b"a'b\\c\xff\x01\x7f1"[..]);
        let signed = sign_tc3(&creds, &call, &FixedClock(0)).unwrap();
        assert!(signed.curl_can_carry_body());
        let curl = signed.to_curl();
        assert!(curl.starts_with("curl -X POST "), "{curl}");
        assert!(
            curl.ends_with("--data-raw $'a\\'b\\\\c\\xff\\x01\\x7f1'"),
            "{curl}"
        );
        let call = call.body(&b"a\0b"[..]);
        assert!(
            !sign_tc3(&creds, &call, &FixedClock(0))
                .unwrap()
                .curl_can_carry_body()
        );
    }

    #[test]
    fn v1_post_is_a_form_body_with_the_signature_last() {
        let creds = Credentials::new("AKIDexample", "secret").unwrap();
        let call = V1Call::new("cvm.tencentcloudapi.com", "A", "2017-03-12")
            .method("POST")
            .nonce(1);
        let signed = sign_v1(&creds, &call, &FixedClock(0)).unwrap();
        assert_eq!(
            signed.header("Content-Type"),
            Some("application/x-www-form-urlencoded")
        );
        let body = core::str::from_utf8(signed.body()).unwrap();
        assert!(body.starts_with(
            "Action=A&Version=2017-03-12&Timestamp=0&Nonce=1&SecretId=AKIDexample&Signature="
        ));
        assert!(signed.query().is_empty());
    }
}
