//! The high-level Huawei Cloud API: credentials, a call, a clock → a signed request.
//!
//! ```
//! use cloudsig_canonical::huawei::{Call, Credentials, sign_request};
//! use cloudsig_canonical::FixedClock;
//! use cloudsig_core::huawei::Algorithm;
//! let creds = Credentials::new("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc")?;
//! let call = Call::new("GET", "service.region.example.com", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs")
//!     .query_param("limit", "2")
//!     .query_param("marker", "13551d6b-755d-4757-b956-536f674975c0")
//!     .content_type("application/json");
//! // 2019-11-15T03:36:55Z, the X-Sdk-Date of vectors/huawei/sdk_hmac.json's documented example.
//! let signed = sign_request(&creds, &call, &FixedClock(1573789015))?;
//! assert_eq!(signed.header("Authorization"), Some(
//!     "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
//!      Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"));
//! # let _ = Algorithm::SdkHmacSha256;
//! # Ok::<(), cloudsig_canonical::Error>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use cloudsig_core::SecretKey;
use cloudsig_core::huawei::{Algorithm, DATE_HEADER, Scope, SdkDate, UNSIGNED_PAYLOAD};
use percent_encoding::utf8_percent_encode;

use crate::credentials::Clock;
use crate::encode::RFC3986;
use crate::error::{Error, Stage};
use crate::request::Request;
use crate::wire::HttpRequest;

use super::sdk_hmac::{self, Settings, SignedHeaders};

/// An AK/SK pair, with the security token of temporary credentials.
///
/// `Debug` never shows the SK or the token.
///
/// ```
/// use cloudsig_canonical::huawei::Credentials;
/// let c = Credentials::new("AK", "SK")?.with_security_token("tok")?;
/// assert_eq!(format!("{c:?}"), r#"Credentials { ak: "AK", sk: <redacted>, security_token: Some(<redacted>) }"#);
/// assert_eq!(Credentials::new("AK", " SK").unwrap_err().to_string(),
///     "credentials: secret key: has leading or trailing whitespace");
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    ak: String,
    sk: SecretKey,
    security_token: Option<String>,
}

impl Credentials {
    /// Checks and keeps an AK and SK: both printable ASCII, the AK without `/`, `,`, `;`
    /// or `=` (it goes into the Authorization header), the SK without surrounding
    /// whitespace (a key read with its newline signs wrongly).
    pub fn new(ak: impl Into<String>, sk: &str) -> Result<Self, Error> {
        let ak = ak.into();
        crate::credentials::validate_secret_id(&ak).map_err(|e| {
            Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "access key",
                e.reason(),
            )
        })?;
        if sk.is_empty() {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "is empty",
            ));
        }
        if sk.trim() != sk {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "has leading or trailing whitespace",
            ));
        }
        if !sk.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::new(
                crate::ErrorKind::InvalidCredentials,
                Stage::Credentials,
                "secret key",
                "must be printable ASCII",
            ));
        }
        let sk = SecretKey::new(sk.as_bytes()).map_err(|e| Error::core(Stage::Credentials, e))?;
        Ok(Self {
            ak,
            sk,
            security_token: None,
        })
    }

    /// Adds the security token of temporary credentials (sent and signed as
    /// `X-Security-Token`).
    pub fn with_security_token(mut self, token: impl Into<String>) -> Result<Self, Error> {
        let token = token.into();
        Error::require_printable(
            crate::ErrorKind::InvalidCredentials,
            Stage::Credentials,
            "security token",
            &token,
        )?;
        self.security_token = Some(token);
        Ok(self)
    }

    /// The AK.
    pub fn ak(&self) -> &str {
        &self.ak
    }

    /// The SK.
    pub fn sk(&self) -> &SecretKey {
        &self.sk
    }

    /// The security token, if any.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Credentials {{ ak: {:?}, sk: <redacted>, security_token: {} }}",
            self.ak,
            if self.security_token.is_some() {
                "Some(<redacted>)"
            } else {
                "None"
            }
        )
    }
}

/// One API call to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    algorithm: Algorithm,
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    content_type: Option<String>,
    project_id: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    unsigned_payload: bool,
    region: Option<String>,
    service: Option<String>,
    unsigned_headers: Vec<String>,
}

impl Call {
    /// A call of `method` to `https://host/path` (the path as sent, already
    /// percent-encoded where it needs to be), signed with SDK-HMAC-SHA256.
    pub fn new(
        method: impl Into<String>,
        host: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            algorithm: Algorithm::SdkHmacSha256,
            method: method.into(),
            host: host.into(),
            path: path.into(),
            query: Vec::new(),
            content_type: None,
            project_id: None,
            headers: Vec::new(),
            body: Vec::new(),
            unsigned_payload: false,
            region: None,
            service: None,
            unsigned_headers: Vec::new(),
        }
    }

    /// Sends the header `name` (any case) without signing it: it is left out of
    /// `SignedHeaders`, as the Java and Python SDKs leave `Content-Type` out. `Host` and
    /// `X-Sdk-Date` are always signed (API Gateway requires them), and a name that is not
    /// among the headers sent is refused when signing.
    ///
    /// ```
    /// use cloudsig_canonical::huawei::{Call, Credentials, sign_request};
    /// use cloudsig_canonical::FixedClock;
    /// let creds = Credentials::new("HPUAEXAMPLEAK0000001", "cloudsigExampleHuaweiSecretKey0000000001")?;
    /// let call = Call::new("POST", "ecs.cn-north-4.myhuaweicloud.com", "/v1/servers")
    ///     .content_type("application/json")
    ///     .body(&b"{}"[..])
    ///     .unsigned_header("content-type");
    /// let signed = sign_request(&creds, &call, &FixedClock(1763194150))?;
    /// let auth = &signed.headers().iter().find(|(n, _)| n == "Authorization").unwrap().1;
    /// assert!(auth.contains("SignedHeaders=host;x-sdk-date,"), "{auth}");
    /// # Ok::<(), cloudsig_canonical::Error>(())
    /// ```
    pub fn unsigned_header(mut self, name: impl Into<String>) -> Self {
        self.unsigned_headers.push(name.into());
        self
    }

    /// The algorithm (V11 also needs [`Call::region`] and [`Call::service`]).
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Adds a query parameter (unencoded; it is sent and signed in canonical order).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The Content-Type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The project id, sent and signed as `X-Project-Id`.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Adds a header (signed, like every header the SDKs send).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Leaves the body unsigned (`X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`, or
    /// `X-Sdk-Content-Sm3` with SDK-HMAC-SM3, as the Python SDK sends).
    pub fn unsigned_payload(mut self, yes: bool) -> Self {
        self.unsigned_payload = yes;
        self
    }

    /// The region of the V11 scope.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The service of the V11 scope.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }
}

/// Every intermediate value of a signature, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stages {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The canonical request.
    pub canonical_request: String,
    /// Its hash (SHA-256, or SM3), hex.
    pub hashed_canonical_request: String,
    /// The V11 credential scope.
    pub credential_scope: Option<String>,
    /// The string to sign.
    pub string_to_sign: String,
    /// The signature, hex.
    pub signature: String,
}

/// A signed request, ready to send, with its stages; the request itself is the
/// [`HttpRequest`] it dereferences to.
pub type SignedRequest = crate::wire::Signed<Stages>;

/// Signs `call` at the clock's time: adds `Host`, `Content-Type`, `X-Project-Id`,
/// `X-Security-Token`, `X-Sdk-Date` (and `X-Sdk-Content-Sha256` for an unsigned body),
/// signs every header but those named by [`Call::unsigned_header`], and adds
/// `Authorization`.
pub fn sign_request(
    creds: &Credentials,
    call: &Call,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let date = SdkDate::from_unix(clock.now_unix()).map_err(|e| Error::core(Stage::Request, e))?;
    Error::require_printable(
        crate::ErrorKind::InvalidHost,
        Stage::Request,
        "host",
        &call.host,
    )?;
    let mut pairs: Vec<(&str, &str)> = call
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort_unstable();
    let query = pairs
        .iter()
        .map(|(k, v)| {
            alloc::format!(
                "{}={}",
                utf8_percent_encode(k, RFC3986),
                utf8_percent_encode(v, RFC3986)
            )
        })
        .collect::<Vec<_>>()
        .join("&");

    let mut headers: Vec<(String, String)> = Vec::new();
    headers.push(("Host".into(), call.host.clone()));
    if let Some(ct) = &call.content_type {
        headers.push(("Content-Type".into(), ct.clone()));
    }
    if let Some(p) = &call.project_id {
        headers.push(("X-Project-Id".into(), p.clone()));
    }
    if let Some(t) = creds.security_token() {
        headers.push(("X-Security-Token".into(), t.to_string()));
    }
    for (n, v) in &call.headers {
        headers.push((n.clone(), v.clone()));
    }
    headers.push((DATE_HEADER.into(), date.as_str().into()));
    if call.unsigned_payload {
        headers.push((
            call.algorithm.content_header().into(),
            UNSIGNED_PAYLOAD.into(),
        ));
    }

    let scope = if call.algorithm.uses_scope() {
        let region = call.region.as_deref().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::InvalidScope,
                Stage::StringToSign,
                "region",
                "V11-HMAC-SHA256 needs a region",
            )
        })?;
        let service = call.service.as_deref().ok_or_else(|| {
            Error::new(
                crate::ErrorKind::InvalidScope,
                Stage::StringToSign,
                "service",
                "V11-HMAC-SHA256 needs a service",
            )
        })?;
        Some(Scope::new(&date, region, service).map_err(|e| Error::core(Stage::StringToSign, e))?)
    } else {
        None
    };

    for name in &call.unsigned_headers {
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case(DATE_HEADER) {
            return Err(Error::new(
                crate::ErrorKind::InvalidHeaderName,
                Stage::Request,
                alloc::format!("header `{}`", name.escape_debug()),
                "is always signed (API Gateway requires host and x-sdk-date in SignedHeaders)",
            ));
        }
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(Error::new(
                crate::ErrorKind::InvalidHeaderName,
                Stage::Request,
                alloc::format!("header `{}`", name.escape_debug()),
                "is to be left unsigned but the request does not send it",
            ));
        }
    }
    let signed_headers = SignedHeaders::new(headers.iter().map(|(n, _)| n.as_str()).filter(|n| {
        !call
            .unsigned_headers
            .iter()
            .any(|u| u.eq_ignore_ascii_case(n))
    }))?;
    let mut req = Request::new(&call.method, &call.path)
        .query(&query)
        .body(&call.body);
    for (n, v) in &headers {
        req.push_header(n, v);
    }
    let signed = sdk_hmac::sign(
        &req,
        call.algorithm,
        &signed_headers,
        &Settings::default(),
        date,
        scope,
        creds.ak(),
        creds.sk(),
    )?;
    let authorization = signed.authorization(creds.ak()).to_string();
    let stages = Stages {
        algorithm: call.algorithm,
        canonical_request: signed.canonical_request().to_string(),
        hashed_canonical_request: signed.hashed_canonical_request().to_string(),
        credential_scope: scope.map(|s| s.to_string()),
        string_to_sign: signed.string_to_sign().to_string(),
        signature: signed.signature().to_string(),
    };
    headers.push(("Authorization".into(), authorization));
    Ok(SignedRequest::new(
        HttpRequest::new(
            call.method.clone(),
            call.host.clone(),
            call.path.clone(),
            query,
            headers,
            call.body.clone(),
        ),
        stages,
    ))
}
