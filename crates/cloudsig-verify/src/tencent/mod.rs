//! Tencent Cloud verification: TC3-HMAC-SHA256 and v1 (HmacSHA1/HmacSHA256) requests
//! and `Authorization: SKIP`, recomputed through the signing builders of
//! `cloudsig_canonical::tencent` and compared in constant time, with Tencent Cloud's
//! error codes and a diagnosis of common mistakes. Tencent's rules also answer a
//! request that no wing claims (the verifier's default).

pub mod auth;
pub mod codes;
mod diagnose;
pub(crate) mod fast;
pub(crate) mod rules;

use cloudsig_canonical::Stage;
use cloudsig_canonical::tc3::{self, CredentialScope, SignedHeaders};
use cloudsig_canonical::v1::{self, NameRule, Params};
use cloudsig_core::v1::Algorithm;
use cloudsig_core::{UtcDate, constant_time_eq};

use self::auth::{AuthForm, Tc3Authorization};
use self::rules::{credential_date, v1_params};
use crate::cache::KeyCache;
use crate::capture::RequestView;
use crate::duplicates;
use crate::names::{self, HeaderName};
use crate::options::Ctx;
use crate::report::{Computed, ExpectedSignature, Report, Scheme, Verdict};
use crate::wing::{Wing, request_of};

/// Tencent Cloud's wing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tencent;

impl Wing for Tencent {
    fn check(
        &self,
        ctx: &Ctx<'_>,
        cap: &RequestView<'_>,
        authorization: Option<&str>,
        cache: &mut KeyCache,
    ) -> Option<Report> {
        Some(match authorization {
            Some(v) if v.trim() == "SKIP" => skip(cap),
            Some(v) if auth::is_tc3(v) => check_tc3(ctx, cap, v, cache),
            Some(_) => return None,
            None => check_unauthorized(ctx, cap),
        })
    }

    fn finish(&self, report: &mut Report, cap: &RequestView<'_>) {
        duplicates::headers(report, &cap.headers, duplicates::TENCENT);
        // Tencent Cloud's rule; other clouds take every method.
        if !matches!(cap.method, "GET" | "POST") {
            report.fail(
                codes::UNSUPPORTED_PROTOCOL,
                "method",
                format!(
                    "only GET and POST are supported, not {}",
                    cap.method.escape_debug()
                ),
            );
        }
    }
}

/// `Authorization: SKIP`: unsigned on purpose.
fn skip(cap: &RequestView<'_>) -> Report {
    let mut r = Report::new(cap.location, Scheme::Skip);
    r.verdict = Verdict::Unsigned;
    r.notes
        .push("Authorization: SKIP: sent unsigned on purpose; only some APIs accept it".into());
    r
}

/// The headers the TC3 rules read, found in one pass over the request's headers
/// ([`names::first_of`]): in this order, the values of [`Tc3Headers`].
const TC3_HEADERS: [HeaderName; 7] = [
    HeaderName::new("X-TC-Content-SHA256"),
    HeaderName::new("X-TC-Action"),
    HeaderName::new("X-TC-Version"),
    HeaderName::new("X-TC-Timestamp"),
    HeaderName::new("Content-Type"),
    HeaderName::new("Host"),
    HeaderName::new("X-TC-Token"),
];

/// The first value of each header the TC3 rules read (as [`RequestView::header`] finds
/// it), looked up once per request rather than once per rule.
#[derive(Debug, Clone, Copy)]
struct Tc3Headers<'a> {
    content_sha256: Option<&'a str>,
    action: Option<&'a str>,
    version: Option<&'a str>,
    timestamp: Option<&'a str>,
    content_type: Option<&'a str>,
    host: Option<&'a str>,
    token: Option<&'a str>,
}

impl<'a> Tc3Headers<'a> {
    fn of(cap: &RequestView<'a>) -> Self {
        let [
            content_sha256,
            action,
            version,
            timestamp,
            content_type,
            host,
            token,
        ] = names::first_of(&cap.headers, &TC3_HEADERS);
        Self {
            content_sha256,
            action,
            version,
            timestamp,
            content_type,
            host,
            token,
        }
    }

    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`: the body is not signed.
    fn unsigned_payload(&self) -> bool {
        self.content_sha256
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(tc3::UNSIGNED_PAYLOAD))
    }
}

/// What [`check_tc3`] read of a TC3 request for [`check_tc3_signed`]: the timestamp
/// and credential date, when readable, and the headers.
#[derive(Debug, Clone, Copy)]
struct Tc3Read<'a> {
    timestamp: Option<i64>,
    date: Option<UtcDate>,
    headers: Tc3Headers<'a>,
}

/// A request without an Authorization header and without Alibaba RPC parameters:
/// Tencent v1, or unsigned.
fn check_unauthorized(ctx: &Ctx<'_>, cap: &RequestView<'_>) -> Report {
    match v1_params(cap) {
        Ok(Some(found)) => {
            let mut report = check_v1(ctx, cap, &found.signed);
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
            r.fail(codes::INVALID_PARAMETER, "parameters", e.to_string());
            r
        }
    }
}

fn check_tc3(ctx: &Ctx<'_>, cap: &RequestView<'_>, value: &str, cache: &mut KeyCache) -> Report {
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
    // `a.service` borrows from `value`: its offset, for the API check
    let at = (a.service.as_ptr() as usize).wrapping_sub(value.as_ptr() as usize);
    report.tc3_service = Some(at..at + a.service.len());
    match a.form {
        AuthForm::Documented => {}
        AuthForm::Compact => report
            .notes
            .push("Authorization parts are separated by `,` without the documented space".into()),
        AuthForm::Irregular => report.notes.push(
            "Authorization parts are separated irregularly (the documented form is `, `)".into(),
        ),
    }
    let headers = Tc3Headers::of(cap);
    if headers.unsigned_payload() {
        report.note_body_not_signed("X-TC-Content-SHA256: UNSIGNED-PAYLOAD");
    }
    for (name, value) in [
        ("X-TC-Action", headers.action),
        ("X-TC-Version", headers.version),
        ("X-TC-Timestamp", headers.timestamp),
    ] {
        if value.is_none() {
            report.fail(
                codes::MISSING_PARAMETER,
                "common-parameters",
                format!("the {name} header is missing"),
            );
        }
    }
    let timestamp = match headers.timestamp.map(|t| t.trim().parse::<i64>()) {
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
        rules::timestamp_window(
            &mut report,
            ts,
            ctx.options().now,
            ctx.options().window_for(crate::conformance::DEFAULT_WINDOW),
        );
    }
    rules::size_limits(&mut report, cap, Scheme::Tc3);
    rules::content_type_pairing(&mut report, headers.content_type, cap.method, Scheme::Tc3);
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
    if let Some(host_service) = headers
        .host
        .or_else(|| cap.target_authority())
        .and_then(tc3::service_of_host)
        && host_service != a.service
    {
        if ctx.options().host_names_service {
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
    check_tc3_signed(
        ctx,
        cap,
        &a,
        &mut report,
        &Tc3Read {
            timestamp,
            date,
            headers,
        },
        &signed_headers,
        cache,
    );
    cache.signed_headers = Some((text, signed_headers));
    report
}

/// The rest of [`check_tc3`], once `SignedHeaders` is parsed: the header
/// rules, the key, and the signature.
fn check_tc3_signed(
    ctx: &Ctx<'_>,
    cap: &RequestView<'_>,
    a: &Tc3Authorization<'_>,
    report: &mut Report,
    read: &Tc3Read<'_>,
    signed_headers: &SignedHeaders,
    cache: &mut KeyCache,
) {
    let Tc3Read {
        timestamp,
        date,
        headers,
    } = *read;
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
    let creds = match ctx.credentials(a.secret_id) {
        Ok(Some(creds)) => creds,
        Ok(None) => {
            report.fail(
                codes::SECRET_ID_NOT_FOUND,
                "secret-id",
                "no key is known for this SecretId",
            );
            return;
        }
        Err(e) => return crate::keys::lookup_failed(report, "secret-id", &e),
    };
    rules::token(report, headers.token, &creds, "X-TC-Token");
    let (Some(ts), Some(date)) = (timestamp, date) else {
        return;
    };
    let Ok(scope) = CredentialScope::new(date, a.service) else {
        return;
    };
    let unsigned = headers.unsigned_payload();
    let req = request_of(cap, unsigned);
    let settings = tc3::Settings::default().with_header_value_case(ctx.options().header_value_case);
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
        let computed = Computed {
            canonical_request: Some(crate::redact::canonical_request(
                &signed.canonical_request().to_string(),
            )),
            string_to_sign: signed.string_to_sign().to_string(),
            expected_signature: ExpectedSignature::new(signed.signature().to_string()),
            received_signature: a.signature.to_string(),
        };
        let d = crate::diagnose::diagnosis(
            report,
            ctx.options().diagnose,
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

fn check_v1(ctx: &Ctx<'_>, cap: &RequestView<'_>, params: &Params) -> Report {
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
        rules::timestamp_window(
            &mut report,
            ts,
            ctx.options().now,
            ctx.options().window_for(crate::conformance::DEFAULT_WINDOW),
        );
    }
    rules::size_limits(&mut report, cap, scheme);
    rules::content_type_pairing(&mut report, cap.header("content-type"), cap.method, scheme);
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
    let creds = match ctx.credentials(id) {
        Ok(Some(creds)) => creds,
        Ok(None) => {
            report.fail(
                codes::SECRET_ID_NOT_FOUND,
                "secret-id",
                "no key is known for this SecretId",
            );
            return report;
        }
        Err(e) => {
            crate::keys::lookup_failed(&mut report, "secret-id", &e);
            return report;
        }
    };
    rules::token(
        &mut report,
        params.get("Token"),
        &creds,
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
            "signed with `_` replaced by `.` in parameter names, as the Python and Java SDKs do"
                .into(),
        );
        report.authenticated = true;
        return report;
    }
    report.fail(
        codes::SIGNATURE_FAILURE,
        "signature",
        "the signature does not match the request as sent",
    );
    let computed = Computed {
        canonical_request: None,
        string_to_sign: signed.string_to_sign().to_string(),
        expected_signature: ExpectedSignature::new(signed.signature().to_string()),
        received_signature: received.to_string(),
    };
    let d = crate::diagnose::diagnosis(
        &mut report,
        ctx.options().diagnose,
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
