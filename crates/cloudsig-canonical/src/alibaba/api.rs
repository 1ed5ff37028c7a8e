//! The high-level Alibaba Cloud signing API: credentials, a call, a clock and a nonce;
//! out comes the signed request with every stage.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use cloudsig_core::alibaba::{Algorithm, HMAC_SHA1, SIGNATURE_VERSION_1_0, hash_hex};

use super::{acs3, roa, rpc, time};
use crate::credentials::{Clock, Credentials, NonceSource, SystemNonce};
use crate::encode::query_string;
use crate::error::{Error, Stage};
use crate::request::{Request, validate_header};
use crate::wire::HttpRequest;

/// The JSON content type the SDKs send with a JSON body.
pub const JSON: &str = "application/json; charset=utf-8";
/// The form content type.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// A body: JSON text, form parameters or raw bytes with a content type.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// JSON text, sent as `application/json; charset=utf-8`.
    Json(String),
    /// Form parameters, sent RFC 3986-encoded as `application/x-www-form-urlencoded`.
    Form(Vec<(String, String)>),
    /// Bytes with their content type.
    Raw {
        /// The Content-Type.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

impl Body {
    fn render(&self) -> (Option<String>, Vec<u8>) {
        match self {
            Self::Empty => (None, Vec::new()),
            Self::Json(s) => (Some(JSON.into()), s.clone().into_bytes()),
            Self::Form(p) => (
                Some(FORM.into()),
                query_string(p.iter().map(|(n, v)| (n, v))).into_bytes(),
            ),
            Self::Raw {
                content_type,
                bytes,
            } => (Some(content_type.clone()), bytes.clone()),
        }
    }
}

/// What every Alibaba call shares: endpoint, method, path, query, body, nonce, headers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Common {
    host: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Body,
    nonce: Option<String>,
    extra_headers: Vec<(String, String)>,
}

impl Common {
    fn new(host: String, method: String, path: String) -> Self {
        Self {
            host,
            method,
            path,
            query: Vec::new(),
            body: Body::Empty,
            nonce: None,
            extra_headers: Vec::new(),
        }
    }

    fn query_text(&self) -> String {
        query_string(self.query.iter().map(|(n, v)| (n, v)))
    }

    fn nonce(&self) -> Result<String, Error> {
        match &self.nonce {
            Some(n) => {
                Error::require_printable(crate::ErrorKind::InvalidNonce, Stage::Request, "nonce", n)
                    .map(|()| n.clone())
            }
            None => random_nonce(),
        }
    }
}

macro_rules! common_setters {
    ($t:ty) => {
        impl $t {
            /// The method (default POST for ACS3 and ROA, GET for RPC).
            pub fn method(mut self, method: impl Into<String>) -> Self {
                self.common.method = method.into();
                self
            }

            /// The path as sent (already percent-encoded), default `/`.
            pub fn path(mut self, path: impl Into<String>) -> Self {
                self.common.path = path.into();
                self
            }

            /// Appends a query parameter (decoded; encoded with RFC 3986 when sent).
            pub fn query_param(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.common.query.push((name.into(), value.into()));
                self
            }

            /// The body.
            pub fn body(mut self, body: Body) -> Self {
                self.common.body = body;
                self
            }

            /// A fixed signature nonce (default: 32 random hex digits).
            pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
                self.common.nonce = Some(nonce.into());
                self
            }

            /// Sends an extra header (signed if it is an `x-acs-*` header).
            pub fn extra_header(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.common.extra_headers.push((name.into(), value.into()));
                self
            }
        }
    };
}

/// One call signed with ACS3-HMAC-SHA256 or ACS3-HMAC-SM3 (signature V3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acs3Call {
    common: Common,
    action: String,
    version: String,
    algorithm: Algorithm,
    sign_headers: Vec<String>,
}

impl Acs3Call {
    /// A POST to `/` on `host` with no body, signed with ACS3-HMAC-SHA256.
    pub fn new(
        host: impl Into<String>,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            common: Common::new(host.into(), "POST".into(), "/".into()),
            action: action.into(),
            version: version.into(),
            algorithm: Algorithm::HmacSha256,
            sign_headers: Vec::new(),
        }
    }

    /// Signs this header too, besides host, content-type and every `x-acs-*` header (the
    /// Python tea-openapi SDK also signs `accept` and `user-agent`); send it with
    /// `extra_header`.
    pub fn sign_header(mut self, name: impl Into<String>) -> Self {
        self.sign_headers.push(name.into());
        self
    }

    /// ACS3-HMAC-SM3 instead of ACS3-HMAC-SHA256.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }
}
common_setters!(Acs3Call);

/// One ROA call signed with the V2 HMAC-SHA1 signature (`Authorization: acs AK:sig`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoaCall {
    common: Common,
    action: Option<String>,
    version: String,
    accept: String,
}

impl RoaCall {
    /// A POST to `path` on `host` for API `version`, accepting JSON.
    pub fn new(
        host: impl Into<String>,
        version: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            common: Common::new(host.into(), "POST".into(), path.into()),
            action: None,
            version: version.into(),
            accept: "application/json".into(),
        }
    }

    /// The action name (sent as `x-acs-action`, signed like every `x-acs-*` header).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// The Accept header (default `application/json`).
    pub fn accept(mut self, accept: impl Into<String>) -> Self {
        self.accept = accept.into();
        self
    }
}
common_setters!(RoaCall);

/// One RPC call: parameters signed with HMAC-SHA1 into the `Signature` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcCall {
    common: Common,
    action: String,
    version: String,
    params: Vec<(String, String)>,
}

impl RpcCall {
    /// A GET to `/` on `host`.
    pub fn new(
        host: impl Into<String>,
        action: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            common: Common::new(host.into(), "GET".into(), "/".into()),
            action: action.into(),
            version: version.into(),
            params: Vec::new(),
        }
    }

    /// Appends an API parameter (sent in the query for GET, the form body for POST).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }
}
common_setters!(RpcCall);

/// Every intermediate value of an Alibaba signature, as text.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stages {
    /// ACS3.
    Acs3 {
        /// The canonical request.
        canonical_request: String,
        /// Its hash, hex.
        hashed_canonical_request: String,
        /// The string to sign.
        string_to_sign: String,
        /// The signature, hex.
        signature: String,
    },
    /// ROA V2.
    Roa {
        /// The string to sign.
        string_to_sign: String,
        /// The signature, base64.
        signature: String,
    },
    /// RPC.
    Rpc {
        /// The canonicalized query.
        canonical_query: String,
        /// The string to sign.
        string_to_sign: String,
        /// The signature, base64.
        signature: String,
    },
}

/// A signed Alibaba request, ready to send, with its stages; the request itself is the
/// [`HttpRequest`] it dereferences to.
pub type SignedRequest = crate::wire::Signed<Stages>;

fn check_headers(headers: &[(String, String)]) -> Result<(), Error> {
    for (n, v) in headers {
        validate_header(n, v)?;
    }
    Ok(())
}

fn check_host(host: &str) -> Result<(), Error> {
    if host.is_empty()
        || host
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b"/?#@".contains(&b))
    {
        return Err(Error::new(
            crate::ErrorKind::InvalidHost,
            Stage::Request,
            "host",
            "is empty or not a host name",
        ));
    }
    Ok(())
}

fn request_of<'a>(
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
) -> Request<'a> {
    let mut req = Request::new(method, path).query(query).body(body);
    for (n, v) in headers {
        req.push_header(n, v);
    }
    req
}

/// Signs an ACS3 call at the clock's time.
///
/// ```
/// use cloudsig_canonical::alibaba::{Acs3Call, Body, Credentials, FixedClock, sign_acs3};
/// let creds = Credentials::new("YourAccessKeyId", "YourAccessKeySecret")?;
/// let call = Acs3Call::new("ecs.cn-shanghai.aliyuncs.com", "RunInstances", "2014-05-26")
///     .query_param("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd")
///     .query_param("RegionId", "cn-shanghai")
///     .nonce("3156853299f313e23d1673dc12e1703d");
/// let signed = sign_acs3(&creds, &call, &FixedClock(1698315752))?;
/// assert_eq!(signed.header("x-acs-date"), Some("2023-10-26T10:22:32Z"));
/// assert!(signed.header("Authorization").unwrap()
///     .ends_with(",Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"));
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
pub fn sign_acs3(
    creds: &Credentials,
    call: &Acs3Call,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let c = &call.common;
    check_host(&c.host)?;
    let (content_type, body) = c.body.render();
    let mut headers: Vec<(String, String)> = alloc::vec![
        ("host".into(), c.host.clone()),
        ("x-acs-action".into(), call.action.clone()),
        ("x-acs-version".into(), call.version.clone()),
        ("x-acs-date".into(), time::iso8601(clock.now_unix())?),
        ("x-acs-signature-nonce".into(), c.nonce()?),
        (
            acs3::CONTENT_SHA256.into(),
            hash_hex(call.algorithm, &body).to_string()
        ),
    ];
    if let Some(ct) = content_type {
        headers.push(("content-type".into(), ct));
    }
    if let Some(t) = creds.token() {
        headers.push(("x-acs-security-token".into(), t.into()));
    }
    headers.extend(c.extra_headers.iter().cloned());
    check_headers(&headers)?;
    let query = c.query_text();
    let req = request_of(&c.method, &c.path, &query, &headers, &body);
    let signed_headers = acs3::SignedHeaders::new(
        acs3::signed_headers_of(&req)?
            .names()
            .chain(call.sign_headers.iter().map(String::as_str)),
    )?;
    let signed = acs3::sign(
        &req,
        &signed_headers,
        call.algorithm,
        &Default::default(),
        creds.secret_key(),
    )?;
    let authorization = signed.authorization(creds.secret_id()).to_string();
    let stages = Stages::Acs3 {
        canonical_request: signed.canonical_request().to_string(),
        hashed_canonical_request: signed.hashed_canonical_request().to_string(),
        string_to_sign: signed.string_to_sign().to_string(),
        signature: signed.signature().to_string(),
    };
    drop(req);
    headers.insert(0, ("Authorization".into(), authorization));
    Ok(SignedRequest::new(
        HttpRequest::new(
            c.method.clone(),
            c.host.clone(),
            c.path.clone(),
            query,
            headers,
            body,
        ),
        stages,
    ))
}

/// Signs a ROA call (V2, HMAC-SHA1) at the clock's time.
///
/// ```
/// use cloudsig_canonical::alibaba::{Body, Credentials, FixedClock, RoaCall, Stages, sign_roa};
/// let creds = Credentials::new("testid", "testsecret")?;
/// let call = RoaCall::new("elasticsearch.cn-hangzhou.aliyuncs.com", "2017-06-13", "/openapi/instances")
///     .query_param("clientToken", "5A2CFF0E-5718-45B5-9D4D-70B3FF0001")
///     .body(Body::Json(r#"{"esVersion":"6.7_with_X-Pack"}"#.into()))
///     .nonce("fixed");
/// let signed = sign_roa(&creds, &call, &FixedClock(1698315752))?;
/// assert_eq!(signed.header("Date"), Some("Thu, 26 Oct 2023 10:22:32 GMT"));
/// assert!(signed.header("Authorization").unwrap().starts_with("acs testid:"));
/// let Stages::Roa { string_to_sign, .. } = signed.stages() else { unreachable!() };
/// assert!(string_to_sign.ends_with("\n/openapi/instances?clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF0001"));
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
pub fn sign_roa(
    creds: &Credentials,
    call: &RoaCall,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let c = &call.common;
    check_host(&c.host)?;
    let (content_type, body) = c.body.render();
    let mut headers: Vec<(String, String)> = alloc::vec![
        ("Accept".into(), call.accept.clone()),
        ("Date".into(), time::rfc1123(clock.now_unix())?),
        ("Host".into(), c.host.clone()),
        ("x-acs-signature-method".into(), HMAC_SHA1.into()),
        ("x-acs-signature-nonce".into(), c.nonce()?),
        (
            "x-acs-signature-version".into(),
            SIGNATURE_VERSION_1_0.into()
        ),
        ("x-acs-version".into(), call.version.clone()),
    ];
    if let Some(a) = &call.action {
        headers.push(("x-acs-action".into(), a.clone()));
    }
    if let Some(ct) = content_type {
        headers.push(("Content-Type".into(), ct));
    }
    if let Some(t) = creds.token() {
        headers.push(("x-acs-security-token".into(), t.into()));
    }
    headers.extend(c.extra_headers.iter().cloned());
    check_headers(&headers)?;
    let query = c.query_text();
    let req = request_of(&c.method, &c.path, &query, &headers, &body);
    let sts = roa::StringToSign::new(&req, &Default::default())?;
    let signature = roa::sign(&sts, creds.secret_key());
    let stages = Stages::Roa {
        string_to_sign: sts.to_string(),
        signature: signature.to_string(),
    };
    drop(sts);
    drop(req);
    headers.insert(
        0,
        (
            "Authorization".into(),
            roa::authorization(creds.secret_id(), &signature),
        ),
    );
    Ok(SignedRequest::new(
        HttpRequest::new(
            c.method.clone(),
            c.host.clone(),
            c.path.clone(),
            query,
            headers,
            body,
        ),
        stages,
    ))
}

/// The RPC parameters only the signer sets: given as a parameter of the call, they are
/// refused (the action and version are the call's, the key id and token the credentials',
/// the method is the one the signer uses, and the signature its result).
const RPC_SIGNER_SETS: [&str; 6] = [
    "AccessKeyId",
    "Action",
    "Version",
    "SignatureMethod",
    "SecurityToken",
    rpc::SIGNATURE,
];

/// Signs an RPC call at the clock's time: the common parameters (AccessKeyId, Action,
/// Format, SignatureMethod, SignatureNonce, SignatureVersion, Timestamp, Version,
/// SecurityToken) are added, and `Signature` goes last into the query (GET) or the form
/// body (POST).
///
/// `Format` (default `JSON`), `SignatureNonce` (default random, or the call's nonce),
/// `SignatureVersion` (default `1.0`) and `Timestamp` (default the clock's) are defaults:
/// a parameter of that name given with [`RpcCall::param`] or `query_param` replaces the
/// default, so that each is sent and signed once. The parameters only the signer sets
/// (AccessKeyId, Action, Version, SignatureMethod, SecurityToken, Signature) are refused
/// as parameters.
///
/// ```
/// use cloudsig_canonical::alibaba::{Credentials, FixedClock, RpcCall, sign_rpc};
/// // vectors/alibaba/rpc.json, `rpc-doc-describe-dedicated-hosts` (Alibaba Cloud's RPC signature document).
/// let creds = Credentials::new("testid", "testsecret")?;
/// let call = RpcCall::new("ecs.cn-beijing.aliyuncs.com", "DescribeDedicatedHosts", "2014-05-26")
///     .param("RegionId", "cn-beijing")
///     .nonce("edb2b34af0af9a6d14deaf7c1a5315eb");
/// let signed = sign_rpc(&creds, &call, &FixedClock(1678696470))?;
/// assert!(signed.query().ends_with("&Signature=9NaGiOspFP5UPcwX8Iwt2YJXXuk%3D"));
/// # Ok::<(), cloudsig_canonical::Error>(())
/// ```
pub fn sign_rpc(
    creds: &Credentials,
    call: &RpcCall,
    clock: &dyn Clock,
) -> Result<SignedRequest, Error> {
    let c = &call.common;
    check_host(&c.host)?;
    let method = c.method.as_str();
    if method != "GET" && method != "POST" {
        return Err(Error::new(
            crate::ErrorKind::InvalidMethod,
            Stage::Request,
            "method",
            "RPC calls are GET or POST",
        ));
    }
    if !matches!(c.body, Body::Empty) {
        return Err(Error::new(
            crate::ErrorKind::InvalidPayload,
            Stage::Request,
            "body",
            "an RPC call sends its parameters, not a body: use param",
        ));
    }
    let explicit = || call.params.iter().chain(c.query.iter());
    if let Some((name, _)) = explicit().find(|(n, _)| RPC_SIGNER_SETS.contains(&n.as_str())) {
        return Err(Error::new(
            crate::ErrorKind::InvalidQuery,
            Stage::Parameters,
            name.clone(),
            "is set by the signer (from the credentials, the action and the version of the call)",
        ));
    }
    let given = |name: &str| explicit().any(|(n, _)| n == name);
    let mut params: Vec<(String, String)> = alloc::vec![
        ("AccessKeyId".into(), creds.secret_id().into()),
        ("Action".into(), call.action.clone()),
    ];
    // A defaulted parameter given explicitly replaces the default (one `Format`, not two).
    if !given("Format") {
        params.push(("Format".into(), "JSON".into()));
    }
    params.push(("SignatureMethod".into(), HMAC_SHA1.into()));
    if !given("SignatureNonce") {
        params.push(("SignatureNonce".into(), c.nonce()?));
    }
    if !given("SignatureVersion") {
        params.push(("SignatureVersion".into(), SIGNATURE_VERSION_1_0.into()));
    }
    if !given("Timestamp") {
        params.push(("Timestamp".into(), time::iso8601(clock.now_unix())?));
    }
    params.push(("Version".into(), call.version.clone()));
    if let Some(t) = creds.token() {
        params.push(("SecurityToken".into(), t.into()));
    }
    params.extend(explicit().cloned());
    let sts = rpc::StringToSign::new(
        method,
        params.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        &Default::default(),
    )?;
    let signature = rpc::sign(&sts, creds.secret_key(), rpc::Key::SecretAndAmpersand);
    let stages = Stages::Rpc {
        canonical_query: sts.canonical_query().into(),
        string_to_sign: sts.to_string(),
        signature: signature.to_string(),
    };
    drop(sts);
    params.push((rpc::SIGNATURE.into(), signature.to_string()));
    let encoded = query_string(params.iter().map(|(n, v)| (n, v)));
    let mut headers: Vec<(String, String)> = alloc::vec![("Host".into(), c.host.clone())];
    let (query, body) = if method == "POST" {
        headers.push(("Content-Type".into(), FORM.into()));
        (String::new(), encoded.into_bytes())
    } else {
        (encoded, Vec::new())
    };
    headers.extend(c.extra_headers.iter().cloned());
    check_headers(&headers)?;
    Ok(SignedRequest::new(
        HttpRequest::new(
            method.into(),
            c.host.clone(),
            c.path.clone(),
            query,
            headers,
            body,
        ),
        stages,
    ))
}

/// 32 random lowercase hex digits, from the operating system.
fn random_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    SystemNonce.fill(&mut bytes)?;
    let mut hex = [0u8; 32];
    let text = base16ct::lower::encode_str(&bytes, &mut hex).map_err(|_| {
        Error::new(
            crate::ErrorKind::InvalidNonce,
            Stage::Request,
            "nonce",
            "could not be encoded",
        )
    })?;
    Ok(String::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::FixedClock;

    #[test]
    fn sign_header_adds_a_named_header_to_signed_headers() {
        let creds = Credentials::new("AK", "secret").unwrap();
        let call = Acs3Call::new("ecs.aliyuncs.com", "A", "1")
            .nonce("n")
            .extra_header("accept", "application/json")
            .extra_header("user-agent", "x/1")
            .sign_header("Accept");
        let signed = sign_acs3(&creds, &call, &FixedClock(0)).unwrap();
        let auth = signed.header("Authorization").unwrap();
        assert!(
            auth.contains("SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"),
            "{auth}"
        );
        // A named header that is not sent is an error naming it.
        let missing = Acs3Call::new("ecs.aliyuncs.com", "A", "1")
            .nonce("n")
            .sign_header("x-custom");
        let err = sign_acs3(&creds, &missing, &FixedClock(0)).unwrap_err();
        assert_eq!(err.field(), "header `x-custom`");
    }
}
