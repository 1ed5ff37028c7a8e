//! Verifying one captured request: detect the scheme, recompute the signature through
//! the same canonical builders as signing, compare in constant time, apply the protocol
//! rules, and diagnose a mismatch.

use std::sync::Arc;

use cloudsig_canonical::tc3::{self, CredentialScope, HeaderValueCase, SignedHeaders};
use cloudsig_canonical::v1::{self, NameRule, Params};
use cloudsig_canonical::{Payload, Request, Stage};
use cloudsig_core::tc3::SigningKey;
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{UtcDate, constant_time_eq};

use crate::auth::{self, AuthForm};
use crate::capture::{Captured, Item, RequestView};
use crate::conformance::{self, DEFAULT_WINDOW, ReplayGuard};
use crate::keys::{IdMap, KeyRing};
use crate::params::decode_form;
use crate::report::{ExpectedSignature, Report, Scheme, Verdict};
use crate::{codes, diagnose, duplicates};

/// How to verify.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The time to check timestamps against (Unix seconds).
    pub now: i64,
    /// The allowed clock skew in seconds (default 300, as Tencent Cloud; left at 300,
    /// Alibaba and Huawei requests get their clouds' 15 minutes).
    pub window: i64,
    /// How TC3 signed header values are cased (default: lower-cased, as documented).
    pub header_value_case: HeaderValueCase,
    /// Whether to search for the client mistake behind a mismatch (default true).
    pub diagnose: bool,
    /// Whether a TC3 request's credential service must be its Host's first label, as
    /// on the cloud's own endpoints (default true). A server that clients reach
    /// through their endpoint setting (`cloudsig serve`) is signed with its own
    /// address as the Host: there the service is taken from the credential scope and
    /// a host that is not the cloud's is a note, not a failure.
    pub host_names_service: bool,
}

impl Options {
    /// Options checking timestamps against `now`.
    pub fn at(now: i64) -> Self {
        Self {
            now,
            window: DEFAULT_WINDOW,
            header_value_case: HeaderValueCase::Lowercase,
            diagnose: true,
            host_names_service: true,
        }
    }

    /// Whether the Host's first label must be the credential service (see
    /// [`Self::host_names_service`]).
    pub fn host_names_service(mut self, yes: bool) -> Self {
        self.host_names_service = yes;
        self
    }

    /// With another skew window.
    pub fn window(mut self, seconds: i64) -> Self {
        self.window = seconds;
        self
    }

    /// With or without diagnosis.
    pub fn diagnose(mut self, yes: bool) -> Self {
        self.diagnose = yes;
        self
    }

    /// The skew window for a cloud whose own window is `cloud_window` seconds: the
    /// configured window, or the cloud's own when the window was left at the default
    /// (300 s, Tencent Cloud's, which is also the command line's default).
    pub(crate) fn window_for(&self, cloud_window: i64) -> i64 {
        match self.window {
            DEFAULT_WINDOW => cloud_window,
            w => w,
        }
    }
}

/// Per-worker caches: derived TC3 keys by (SecretId, date, service), so a capture of
/// many requests from one client derives each key once, and the last parsed
/// `SignedHeaders`. Bounded: cleared when it grows past 4096 keys. Lookups allocate
/// nothing.
#[derive(Debug, Default, Clone)]
pub struct KeyCache {
    keys: IdMap<Vec<(UtcDate, String, SigningKey)>>,
    len: usize,
    signed_headers: Option<(String, SignedHeaders)>,
}

impl KeyCache {
    fn get(
        &mut self,
        id: &str,
        secret: &cloudsig_core::SecretKey,
        date: UtcDate,
        service: &str,
    ) -> Option<&SigningKey> {
        let known = self
            .keys
            .get(id)
            .and_then(|v| v.iter().position(|(d, s, _)| *d == date && s == service));
        let position = match known {
            Some(p) => p,
            None => {
                if self.len >= 4096 {
                    self.keys.clear();
                    self.len = 0;
                }
                let key = SigningKey::derive(secret, &date, service).ok()?;
                let list = self.keys.entry(id.to_string()).or_default();
                list.push((date, service.to_string(), key));
                self.len += 1;
                list.len() - 1
            }
        };
        self.keys.get(id)?.get(position).map(|(_, _, k)| k)
    }

    /// The parsed `SignedHeaders` value, taken out of the cache (the last one when it
    /// is the same text, so a capture signing the same headers parses them once) with
    /// its text; the caller puts both back in `signed_headers`.
    fn take_signed_headers(
        &mut self,
        value: &str,
    ) -> Result<(String, SignedHeaders), cloudsig_canonical::Error> {
        match self.signed_headers.take() {
            Some((text, parsed)) if text == value => Ok((text, parsed)),
            Some((mut text, parsed)) => match SignedHeaders::parse(value) {
                Ok(new) => {
                    text.clear();
                    text.push_str(value);
                    Ok((text, new))
                }
                Err(e) => {
                    self.signed_headers = Some((text, parsed));
                    Err(e)
                }
            },
            None => Ok((value.to_string(), SignedHeaders::parse(value)?)),
        }
    }
}

/// The timestamp and credential date of a TC3 request, when readable.
#[derive(Debug, Clone, Copy)]
struct Tc3Time {
    timestamp: Option<i64>,
    date: Option<UtcDate>,
}

/// Verifies captured requests against a key ring.
///
/// [`Verifier::check`] is stateless apart from the key cache it is given, so workers can
/// share a verifier; [`Session`] adds the in-order nonce replay check.
///
/// ```
/// use cloudsig_verify::{capture::{Captured, Location}, keys::KeyRing, Options, Session, Verifier, Verdict};
/// let keys = KeyRing::parse("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE ********************************", "inline")?;
/// let body = br#"{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}"#;
/// let cap = Captured {
///     location: Location::default(),
///     method: "POST".into(),
///     target: "/".into(),
///     headers: [
///         ("Authorization", "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=a7b8551448762bd123d6f79e81815e31a92013640a6cef36a08ad4b292a4d2f2"),
///         ("Content-Type", "application/json; charset=utf-8"),
///         ("Host", "cvm.tencentcloudapi.com"),
///         ("X-TC-Action", "DescribeInstances"),
///         ("X-TC-Timestamp", "1551113065"),
///         ("X-TC-Version", "2017-03-12"),
///     ].iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
///     body: body.to_vec(),
/// };
/// let mut session = Session::new(Verifier::new(keys, Options::at(1551113065)));
/// let report = session.verify(&cap);
/// assert_eq!(report.verdict, Verdict::Valid, "{report}");
/// // Ten minutes later the same request has expired.
/// let mut late = Session::new(Verifier::new(session.verifier().keys().clone(), Options::at(1551113665)));
/// assert_eq!(late.verify(&cap).code(), Some("AuthFailure.SignatureExpire"));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: Arc<KeyRing>,
    options: Options,
    api: Option<Arc<cloudsig_api::Catalog>>,
}

impl Verifier {
    /// A verifier for `keys` with `options`.
    pub fn new(keys: KeyRing, options: Options) -> Self {
        Self::shared(Arc::new(keys), options)
    }

    /// A verifier for a key ring shared with others (a server's, replaced whole when
    /// its key file is reloaded).
    pub fn shared(keys: Arc<KeyRing>, options: Options) -> Self {
        Self {
            keys,
            options,
            api: None,
        }
    }

    /// The same keys and options, checking timestamps against `now` (Unix seconds):
    /// a server verifies each request at the time it arrives. Costs a reference count.
    ///
    /// ```
    /// use cloudsig_verify::{keys::KeyRing, Options, Verifier};
    /// let v = Verifier::new(KeyRing::default(), Options::at(0));
    /// assert_eq!(v.at(1_700_000_000).options().now, 1_700_000_000);
    /// ```
    pub fn at(&self, now: i64) -> Self {
        let mut options = self.options;
        options.now = now;
        Self {
            keys: Arc::clone(&self.keys),
            options,
            api: self.api.clone(),
        }
    }

    /// The same verifier, also checking each request's action, version, region and
    /// parameters against `catalog` after the signature (see [`crate::api_check`]).
    pub fn with_api_catalog(mut self, catalog: Arc<cloudsig_api::Catalog>) -> Self {
        self.api = Some(catalog);
        self
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Verifies one request. Never panics, whatever the request holds.
    pub fn check(&self, cap: &Captured, cache: &mut KeyCache) -> Report {
        self.check_view(&cap.view(), cache)
    }

    /// Verifies one request given as a borrowed view.
    pub fn check_view(&self, cap: &RequestView<'_>, cache: &mut KeyCache) -> Report {
        let auth_header = cap.header("authorization");
        let mut report = match auth_header {
            Some(v) if v.trim() == "SKIP" => {
                let mut r = Report::new(cap.location, Scheme::Skip);
                r.verdict = Verdict::Unsigned;
                r.notes.push(
                    "Authorization: SKIP: sent unsigned on purpose; only some APIs accept it"
                        .into(),
                );
                r
            }
            Some(v) if auth::is_tc3(v) => self.check_tc3(cap, v, cache),
            Some(v) if crate::alibaba::auth::is_acs3(v) => crate::alibaba::check_acs3(self, cap, v),
            Some(v) if crate::alibaba::auth::is_roa(v) => crate::alibaba::check_roa(self, cap, v),
            Some(v) if crate::huawei::is_huawei(v) => crate::huawei::check(self, cap, v),
            Some(v) => {
                let mut r = Report::new(cap.location, Scheme::Unknown);
                let hint = if v.trim_start().starts_with("Basic ") {
                    " (it is HTTP Basic authentication: an HTTP library replaced the signature, for example Python requests with a ~/.netrc entry for this host)"
                } else {
                    ""
                };
                r.fail(
                    codes::INVALID_AUTHORIZATION,
                    "authorization",
                    format!("the Authorization header is neither TC3-HMAC-SHA256, ACS3-HMAC-*, `acs AK:signature` nor SKIP{hint}"),
                );
                r
            }
            None => match crate::alibaba::rpc_params_split(cap) {
                Some((params, from_query)) => {
                    crate::alibaba::check_rpc(self, cap, &params, from_query)
                }
                None => self.check_unauthorized(cap),
            },
        };
        let watched = match report.scheme {
            Scheme::Acs3HmacSha256
            | Scheme::Acs3HmacSm3
            | Scheme::RoaHmacSha1
            | Scheme::RpcHmacSha1 => duplicates::ALIBABA,
            Scheme::HuaweiSdkHmacSha256
            | Scheme::HuaweiSdkHmacSm3
            | Scheme::HuaweiV11HmacSha256 => duplicates::HUAWEI,
            _ => duplicates::TENCENT,
        };
        duplicates::headers(&mut report, &cap.headers, watched);
        // Tencent Cloud's rule; other clouds take every method.
        let tencent = matches!(
            report.scheme,
            Scheme::Tc3
                | Scheme::V1HmacSha1
                | Scheme::V1HmacSha256
                | Scheme::Skip
                | Scheme::Unknown
        );
        if tencent && !matches!(cap.method, "GET" | "POST") {
            report.fail(
                codes::UNSUPPORTED_PROTOCOL,
                "method",
                format!(
                    "only GET and POST are supported, not {}",
                    cap.method.escape_debug()
                ),
            );
        }
        crate::api_check::apply(self.api.as_deref(), cap, &mut report);
        report.sort_findings();
        report
    }

    /// A request without an Authorization header and without Alibaba RPC parameters:
    /// Tencent v1, or unsigned.
    fn check_unauthorized(&self, cap: &RequestView<'_>) -> Report {
        match v1_params(cap) {
            Ok(Some(found)) => {
                let mut report = self.check_v1(cap, &found.signed);
                if let Some((other, other_place)) = &found.other {
                    duplicates::parameters(
                        &mut report,
                        codes::INVALID_PARAMETER,
                        (found.place, found.signed.iter()),
                        (other_place, other.iter()),
                    );
                }
                report
            }
            Ok(None) => {
                let mut r = Report::new(cap.location, Scheme::Unknown);
                r.fail(
                    codes::MISSING_PARAMETER,
                    "common-parameters",
                    "no Authorization header and no Signature parameter: the request is not signed",
                );
                r
            }
            Err(e) => {
                let mut r = Report::new(cap.location, Scheme::Unknown);
                r.fail(codes::INVALID_PARAMETER, "parameters", e);
                r
            }
        }
    }

    fn check_tc3(&self, cap: &RequestView<'_>, value: &str, cache: &mut KeyCache) -> Report {
        let mut report = Report::new(cap.location, Scheme::Tc3);
        let a = match auth::parse_tc3(value) {
            Ok(a) => a,
            Err(why) => {
                report.fail(
                    codes::INVALID_AUTHORIZATION,
                    "authorization",
                    format!("malformed Authorization: {why}"),
                );
                return report;
            }
        };
        report.secret_id = Some(a.secret_id.to_string());
        match a.form {
            AuthForm::Documented => {}
            AuthForm::Compact => report.notes.push(
                "Authorization parts are separated by `,` without the documented space".into(),
            ),
            AuthForm::Irregular => report.notes.push(
                "Authorization parts are separated irregularly (the documented form is `, `)"
                    .into(),
            ),
        }
        if cap
            .header("x-tc-content-sha256")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(tc3::UNSIGNED_PAYLOAD))
        {
            report.note_body_not_signed("X-TC-Content-SHA256: UNSIGNED-PAYLOAD");
        }
        for name in ["X-TC-Action", "X-TC-Version", "X-TC-Timestamp"] {
            if cap.header(name).is_none() {
                report.fail(
                    codes::MISSING_PARAMETER,
                    "common-parameters",
                    format!("the {name} header is missing"),
                );
            }
        }
        let timestamp = match cap
            .header("x-tc-timestamp")
            .map(|t| t.trim().parse::<i64>())
        {
            Some(Ok(t)) => Some(t),
            Some(Err(_)) => {
                report.fail(
                    codes::INVALID_PARAMETER_VALUE,
                    "timestamp",
                    "X-TC-Timestamp is not a Unix time in seconds",
                );
                None
            }
            None => None,
        };
        report.timestamp = timestamp;
        if let Some(ts) = timestamp {
            conformance::timestamp_window(&mut report, ts, self.options.now, self.options.window);
        }
        conformance::size_limits(&mut report, cap, Scheme::Tc3);
        conformance::content_type_pairing(&mut report, cap, Scheme::Tc3);
        if cap.method == "GET" && !cap.body.is_empty() {
            report.fail(
                codes::INVALID_PARAMETER,
                "get-body",
                format!(
                    "{}; this one has a body of {} bytes",
                    tc3::GET_HAS_NO_BODY,
                    cap.body.len()
                ),
            );
        }

        if a.terminator != cloudsig_core::tc3::TERMINATOR {
            report.fail(
                codes::INVALID_AUTHORIZATION,
                "credential-scope",
                format!(
                    "the credential scope ends with `{}`, not tc3_request",
                    a.terminator.escape_debug()
                ),
            );
        }
        let date = match UtcDate::parse_iso(a.date) {
            Ok(d) => Some(d),
            Err(_) => {
                report.fail(
                    codes::INVALID_AUTHORIZATION,
                    "credential-scope",
                    format!(
                        "the credential date `{}` is not YYYY-MM-DD",
                        a.date.escape_debug()
                    ),
                );
                None
            }
        };
        if cloudsig_core::tc3::validate_service(a.service).is_err() {
            report.fail(
                codes::INVALID_AUTHORIZATION,
                "credential-scope",
                "the credential service is not a service name",
            );
        }
        if let (Some(d), Some(ts)) = (date, timestamp) {
            credential_date(&mut report, d, ts);
        }
        if let Some(host_service) = cap.host().and_then(tc3::service_of_host)
            && host_service != a.service
        {
            if self.options.host_names_service {
                report.fail(
                    codes::SIGNATURE_FAILURE,
                    "credential-service",
                    format!(
                        "the credential service `{}` is not the host's first label `{host_service}`",
                        a.service.escape_debug()
                    ),
                );
            } else {
                report.notes.push(format!(
                    "the host's first label `{}` is not the credential service `{}`: the service is taken from the credential scope",
                    host_service.escape_debug(),
                    a.service.escape_debug()
                ));
            }
        }
        let (text, signed_headers) = match cache.take_signed_headers(a.signed_headers) {
            Ok(s) => s,
            Err(e) => {
                report.fail(
                    codes::INVALID_AUTHORIZATION,
                    "signed-headers",
                    e.reason().to_string(),
                );
                return report;
            }
        };
        self.check_tc3_signed(
            cap,
            &a,
            &mut report,
            Tc3Time { timestamp, date },
            &signed_headers,
            cache,
        );
        cache.signed_headers = Some((text, signed_headers));
        report
    }

    /// The rest of [`Self::check_tc3`], once `SignedHeaders` is parsed: the header
    /// rules, the key, and the signature.
    fn check_tc3_signed(
        &self,
        cap: &RequestView<'_>,
        a: &auth::Tc3Authorization<'_>,
        report: &mut Report,
        time: Tc3Time,
        signed_headers: &SignedHeaders,
        cache: &mut KeyCache,
    ) {
        let Tc3Time { timestamp, date } = time;
        if !(signed_headers.contains("content-type") && signed_headers.contains("host")) {
            report.fail(
                codes::INVALID_AUTHORIZATION,
                "signed-headers",
                "SignedHeaders must include content-type and host",
            );
        }
        if !signed_headers.is_sorted() {
            report
                .notes
                .push("SignedHeaders is not sorted, as the documentation requires".into());
        }
        let Some(creds) = self.keys.get(a.secret_id) else {
            report.fail(
                codes::SECRET_ID_NOT_FOUND,
                "secret-id",
                "no key is known for this SecretId",
            );
            return;
        };
        conformance::token(report, cap.header("x-tc-token"), creds, "X-TC-Token");
        let (Some(ts), Some(date)) = (timestamp, date) else {
            return;
        };
        let Ok(scope) = CredentialScope::new(date, a.service) else {
            return;
        };
        let unsigned = cap
            .header("x-tc-content-sha256")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(tc3::UNSIGNED_PAYLOAD));
        let req = request_of(cap, unsigned);
        let settings =
            tc3::Settings::default().with_header_value_case(self.options.header_value_case);
        let Some(key) = cache.get(a.secret_id, creds.secret_key(), date, a.service) else {
            return;
        };
        let signed = match tc3::sign_with_key(&req, signed_headers, &settings, ts, scope, key) {
            Ok(s) => s,
            Err(e) => {
                let code = if e.stage() == Stage::Request {
                    codes::INVALID_PARAMETER
                } else {
                    codes::SIGNATURE_FAILURE
                };
                report.fail(code, "canonical-request", e.to_string());
                return;
            }
        };
        if !constant_time_eq(signed.signature().as_bytes(), a.signature.as_bytes()) {
            report.fail(
                codes::SIGNATURE_FAILURE,
                "signature",
                "the signature does not match the request as sent",
            );
            let computed = crate::report::Computed {
                canonical_request: Some(signed.canonical_request().to_string()),
                string_to_sign: signed.string_to_sign().to_string(),
                expected_signature: ExpectedSignature::new(signed.signature().to_string()),
                received_signature: a.signature.to_string(),
            };
            let d = diagnose::diagnosis(
                report,
                self.options.diagnose,
                signed_headers.names().count(),
                computed,
                |computed| {
                    diagnose::tc3(&diagnose::Tc3Case {
                        cap,
                        secret: creds.secret_key(),
                        signed_headers,
                        settings,
                        timestamp: ts,
                        date,
                        service: a.service,
                        unsigned,
                        received: a.signature,
                        computed,
                    })
                },
            );
            report.diagnosis = Some(d);
        } else {
            report.authenticated = true;
        }
    }

    fn check_v1(&self, cap: &RequestView<'_>, params: &Params) -> Report {
        let algorithm = params.algorithm();
        let scheme = match algorithm {
            Algorithm::HmacSha256 => Scheme::V1HmacSha256,
            _ => Scheme::V1HmacSha1,
        };
        let mut report = Report::new(cap.location, scheme);
        report.secret_id = params.get("SecretId").map(str::to_string);
        // Version: required by the API 3.0 hosts, as the signer requires it
        // (`tencent::v1_requires_version`); legacy v1 hosts take none.
        let version_required = cap
            .host()
            .is_none_or(cloudsig_canonical::tencent::v1_requires_version);
        for name in ["Action", "Version", "Timestamp", "Nonce", "SecretId"] {
            if name == "Version" && !version_required {
                continue;
            }
            if params.get(name).is_none() {
                report.fail(
                    codes::MISSING_PARAMETER,
                    "common-parameters",
                    format!("the {name} parameter is missing"),
                );
            }
        }
        let timestamp = match params.get("Timestamp").map(|t| t.parse::<i64>()) {
            Some(Ok(t)) => Some(t),
            Some(Err(_)) => {
                report.fail(
                    codes::INVALID_PARAMETER_VALUE,
                    "timestamp",
                    "Timestamp is not a Unix time in seconds",
                );
                None
            }
            None => None,
        };
        report.timestamp = timestamp;
        match params.get("Nonce").map(|n| n.parse::<u64>()) {
            Some(Ok(n)) if n > 0 => report.nonce = Some(n),
            Some(_) => report.fail(
                codes::INVALID_PARAMETER_VALUE,
                "nonce",
                "Nonce is not a positive integer",
            ),
            None => {}
        }
        if let Some(ts) = timestamp {
            conformance::timestamp_window(&mut report, ts, self.options.now, self.options.window);
        }
        conformance::size_limits(&mut report, cap, scheme);
        conformance::content_type_pairing(&mut report, cap, scheme);
        if let Some(method) = params.get(v1::SIGNATURE_METHOD)
            && !matches!(method, "HmacSHA1" | "HmacSHA256")
        {
            report.notes.push(format!(
                    "SignatureMethod `{}` is neither HmacSHA1 nor HmacSHA256; the service then uses HmacSHA1",
                    method.escape_debug()
                ));
        }
        let Some(id) = params.get("SecretId") else {
            return report;
        };
        let Some(creds) = self.keys.get(id) else {
            report.fail(
                codes::SECRET_ID_NOT_FOUND,
                "secret-id",
                "no key is known for this SecretId",
            );
            return report;
        };
        conformance::token(
            &mut report,
            params.get("Token"),
            creds,
            "the Token parameter",
        );
        let Some(received) = params.get(v1::SIGNATURE) else {
            return report;
        };
        let Some(host) = cap.host() else {
            report.fail(
                codes::INVALID_PARAMETER,
                "host",
                "the request names no host",
            );
            return report;
        };
        let method = cap.method;
        let path = cap.path();
        let signed = match v1::sign(
            params,
            method,
            host,
            path,
            NameRule::AsIs,
            creds.secret_key(),
        ) {
            Ok(s) => s,
            Err(e) => {
                report.fail(codes::INVALID_PARAMETER, "string-to-sign", e.to_string());
                return report;
            }
        };
        if constant_time_eq(signed.signature().as_str().as_bytes(), received.as_bytes()) {
            report.authenticated = true;
            return report;
        }
        // The Python and Java SDKs sign names with `_` replaced by `.`.
        if params.iter().any(|(n, _)| n.contains('_'))
            && let Ok(dotted) = v1::sign(
                params,
                method,
                host,
                path,
                NameRule::UnderscoreToDot,
                creds.secret_key(),
            )
            && constant_time_eq(dotted.signature().as_str().as_bytes(), received.as_bytes())
        {
            report.notes.push(
                        "signed with `_` replaced by `.` in parameter names, as the Python and Java SDKs do".into(),
                    );
            report.authenticated = true;
            return report;
        }
        report.fail(
            codes::SIGNATURE_FAILURE,
            "signature",
            "the signature does not match the request as sent",
        );
        let computed = crate::report::Computed {
            canonical_request: None,
            string_to_sign: signed.string_to_sign().to_string(),
            expected_signature: ExpectedSignature::new(signed.signature().to_string()),
            received_signature: received.to_string(),
        };
        let d = diagnose::diagnosis(
            &mut report,
            self.options.diagnose,
            0,
            computed,
            |computed| {
                diagnose::v1(&diagnose::V1Case {
                    cap,
                    params,
                    secret: creds.secret_key(),
                    algorithm,
                    host,
                    received,
                    computed,
                })
            },
        );
        report.diagnosis = Some(d);
        report
    }
}

/// The credential date must be the UTC date of the timestamp.
fn credential_date(report: &mut Report, date: UtcDate, timestamp: i64) {
    let Ok(utc) = UtcDate::from_unix(timestamp) else {
        report.fail(
            codes::INVALID_PARAMETER_VALUE,
            "timestamp",
            "X-TC-Timestamp is out of range",
        );
        return;
    };
    if utc == date {
        return;
    }
    let local = (-12..=14)
        .filter(|h| *h != 0)
        .find(|h| UtcDate::from_unix(timestamp.saturating_add(h * 3600)).ok() == Some(date));
    let hint = match local {
        Some(8) => " (it is the date in UTC+8: the date was taken in local time, which fails between 00:00 and 08:00)".to_string(),
        Some(h) => format!(" (it is the date in UTC{h:+}: the date was taken in local time)"),
        None => String::new(),
    };
    report.fail(
        codes::SIGNATURE_FAILURE,
        "credential-date",
        format!("the credential date {date} is not the UTC date {utc} of X-TC-Timestamp{hint}"),
    );
}

/// The request model of a captured request.
pub(crate) fn request_of<'c>(cap: &'c RequestView<'_>, unsigned: bool) -> Request<'c> {
    let (path, query) = cap.path_and_query();
    Request::new(cap.method, path)
        .query(query)
        .with_headers(&cap.headers)
        .with_payload(if unsigned {
            Payload::Unsigned
        } else {
            Payload::Bytes(cap.body)
        })
}

/// The v1 parameters of a request, as [`v1_params`] finds them.
struct V1Found {
    /// The list holding `Signature`.
    signed: Params,
    /// Where it is, for messages.
    place: &'static str,
    /// The other list of a POST (the query beside a signed form body, or a form body
    /// beside a signed query), which the signature does not cover, and where it is.
    other: Option<(Params, &'static str)>,
}

/// The v1 parameters of a request: its query for GET, its form body for POST (or the
/// query when the body has no Signature), if a Signature parameter is present; for a
/// POST, with the other list, which is not signed.
fn v1_params(cap: &RequestView<'_>) -> Result<Option<V1Found>, String> {
    let query = decode_form(cap.query())?;
    let form = if cap.method == "POST" {
        match std::str::from_utf8(cap.body) {
            Ok(text) if !text.trim_start().starts_with(['{', '[']) => Some(decode_form(text)?),
            _ => None,
        }
    } else {
        None
    };
    const FORM: &str = "the form body (signed)";
    const QUERY: &str = "the query (not signed)";
    Ok(match form {
        Some(form) if form.get(v1::SIGNATURE).is_some() => Some(V1Found {
            signed: form,
            place: FORM,
            other: (!query.is_empty()).then_some((query, QUERY)),
        }),
        form if query.get(v1::SIGNATURE).is_some() => Some(V1Found {
            signed: query,
            place: "the query (signed)",
            other: form
                .filter(|f| !f.is_empty())
                .map(|f| (f, "the form body (not signed)")),
        }),
        _ => None,
    })
}

/// A verifier with its key cache and the in-order replay guard: verify a capture's
/// requests one after another.
#[derive(Debug)]
pub struct Session {
    verifier: Verifier,
    cache: KeyCache,
    replay: ReplayGuard,
}

impl Session {
    /// A session over `verifier`.
    pub fn new(verifier: Verifier) -> Self {
        let mut replay = ReplayGuard::new(verifier.options.window);
        replay.advance(verifier.options.now);
        Self {
            verifier,
            cache: KeyCache::default(),
            replay,
        }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Verifies the next request of the capture.
    pub fn verify(&mut self, cap: &Captured) -> Report {
        let mut report = self.verifier.check(cap, &mut self.cache);
        self.replay.observe(&mut report);
        report
    }

    /// Verifies an item of a capture parser: a request, or why one could not be read.
    pub fn verify_item(&mut self, item: &Item) -> Report {
        match item {
            Ok(cap) => self.verify(cap),
            Err(e) => unreadable(e),
        }
    }

    /// Applies the replay check to a report made by [`Verifier::check`] elsewhere (for
    /// example on a worker thread). Feed reports in capture order.
    pub fn observe(&mut self, report: &mut Report) {
        self.replay.observe(report);
    }
}

/// The report for a request that could not be read.
pub fn unreadable(e: &crate::capture::CaptureError) -> Report {
    let mut r = Report::new(e.location, Scheme::Unknown);
    r.verdict = Verdict::Unreadable;
    r.findings.push(crate::report::Finding {
        code: "Unreadable",
        rule: "capture",
        message: e.reason.clone(),
    });
    r
}

#[cfg(test)]
mod host_tests {
    use super::*;
    use crate::capture::Location;
    use cloudsig_canonical::tencent::{Credentials, FixedClock, Tc3Call, sign_tc3};

    /// A TC3 request signed by the canonical signer for service `cvm`, sent to a
    /// server's own address (an SDK whose endpoint setting points at a local server).
    fn to_local_server() -> Captured {
        let creds = Credentials::new("AKIDhost", "hostSecret").unwrap();
        let call = Tc3Call::new("cvm", "DescribeInstances", "2017-03-12")
            .host("127.0.0.1:8080")
            .body("{}");
        let signed = sign_tc3(&creds, &call, &FixedClock(1_700_000_000)).unwrap();
        Captured {
            location: Location::default(),
            method: signed.method().into(),
            target: signed.path().into(),
            headers: signed.headers().to_vec(),
            body: signed.body().to_vec(),
        }
    }

    #[test]
    fn a_host_that_is_not_the_clouds_is_a_failure_by_default_and_a_note_when_told() {
        let keys = KeyRing::parse("AKIDhost hostSecret", "test").unwrap();
        let cap = to_local_server();
        let strict = Verifier::new(keys.clone(), Options::at(1_700_000_000));
        let r = strict.check(&cap, &mut KeyCache::default());
        assert_eq!(r.code(), Some(codes::SIGNATURE_FAILURE), "{r}");
        assert_eq!(
            r.findings.first().map(|f| f.rule),
            Some("credential-service")
        );
        let lenient = Verifier::new(keys, Options::at(1_700_000_000).host_names_service(false));
        let r = lenient.check(&cap, &mut KeyCache::default());
        assert_eq!(r.verdict, Verdict::Valid, "{r}");
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("`127`") && n.contains("`cvm`")),
            "{:?}",
            r.notes
        );
        // The time is per verifier: the same ring at another time, an hour later, expired.
        let later = lenient
            .at(1_700_003_600)
            .check(&cap, &mut KeyCache::default());
        assert_eq!(later.code(), Some(codes::SIGNATURE_EXPIRE), "{later}");
    }
}
