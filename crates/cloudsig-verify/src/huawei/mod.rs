//! Verifying Huawei Cloud AK/SK requests (SDK-HMAC-SHA256, SDK-HMAC-SM3,
//! V11-HMAC-SHA256): detection by the Authorization prefix, tolerant parsing, the API
//! Gateway's rules with its own error code, recomputation through the same canonical
//! builder as signing, a constant-time compare, and a diagnosis of mismatches.
//!
//! API Gateway answers every failure of IAM AK/SK authentication with `APIGW.0301`
//! ("Incorrect IAM authentication information: …"): a signature that does not match
//! ("verify aksk signature fail"), an unknown AK ("Get secretKey failed … ak not
//! exist"), an `X-Sdk-Date` more than 15 minutes from the server's time. The App
//! authentication of API Gateway uses `APIGW.0303` for the same failures; cloud service
//! APIs such as ECS and DMS are called with IAM authentication, so `APIGW.0301` is what
//! cloudsig reports.

mod auth;
mod diagnose;

use cloudsig_canonical::Stage;
use cloudsig_canonical::huawei::{self as hw, Settings, SignedHeaders};
use cloudsig_core::constant_time_eq;
use cloudsig_core::huawei::{Algorithm, DATE_HEADER, Scope, SdkDate, UNSIGNED_PAYLOAD};

pub use auth::{HuaweiAuthorization, algorithm_of, is_huawei, parse_authorization};

use crate::authorization::AuthForm;
use crate::cache::KeyCache;
use crate::capture::RequestView;
use crate::conformance;
use crate::duplicates;
use crate::options::Ctx;
use crate::report::{Computed, ExpectedSignature, Report, Scheme};
use crate::wing::{Wing, request_of};

/// API Gateway's code for every IAM AK/SK authentication failure.
pub const INCORRECT_IAM_AUTH: &str = "APIGW.0301";
/// How far `X-Sdk-Date` may be from the server's time, in seconds (15 minutes); another
/// window set in the verifier's options (`--window`) takes its place.
pub const DATE_WINDOW: i64 = 15 * 60;

/// The report scheme of a Huawei algorithm.
pub fn scheme_of(algorithm: Algorithm) -> Scheme {
    match algorithm {
        Algorithm::SdkHmacSm3 => Scheme::HuaweiSdkHmacSm3,
        Algorithm::V11HmacSha256 => Scheme::HuaweiV11HmacSha256,
        _ => Scheme::HuaweiSdkHmacSha256,
    }
}

fn fail(report: &mut Report, rule: &'static str, message: impl Into<String>) {
    report.fail(
        INCORRECT_IAM_AUTH,
        rule,
        format!(
            "Incorrect IAM authentication information: {}",
            message.into()
        ),
    );
}

/// Huawei Cloud's wing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Huawei;

impl Wing for Huawei {
    fn check(
        &self,
        ctx: &Ctx<'_>,
        cap: &RequestView<'_>,
        authorization: Option<&str>,
        _cache: &mut KeyCache,
    ) -> Option<Report> {
        authorization
            .filter(|v| is_huawei(v))
            .map(|v| check(ctx, cap, v))
    }

    fn finish(&self, report: &mut Report, cap: &RequestView<'_>) {
        duplicates::headers(report, &cap.headers, duplicates::HUAWEI);
    }
}

/// Verifies one request whose Authorization value is `value` (a Huawei scheme).
fn check(verifier: &Ctx<'_>, cap: &RequestView<'_>, value: &str) -> Report {
    let scheme = algorithm_of(value).map_or(Scheme::HuaweiSdkHmacSha256, scheme_of);
    let mut report = Report::new(cap.location, scheme);
    let a = match parse_authorization(value) {
        Ok(a) => a,
        Err(why) => {
            fail(
                &mut report,
                "authorization",
                format!("malformed Authorization: {why}"),
            );
            return report;
        }
    };
    report.secret_id = Some(a.access_key.to_string());
    match a.form {
        AuthForm::Documented => {}
        AuthForm::Compact => report
            .notes
            .push("Authorization parts are separated by `,` without the SDKs' space".into()),
        _ => report
            .notes
            .push("Authorization parts are separated irregularly (the SDKs write `, `)".into()),
    }
    // The content header's value is the canonical request's payload line in place of
    // the body's hash.
    let content = a.algorithm.content_header();
    if cap
        .header(content)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(UNSIGNED_PAYLOAD))
    {
        report.note_body_not_signed(&format!("{content}: {UNSIGNED_PAYLOAD}"));
    }

    // X-Sdk-Date: present, well formed, within 15 minutes (or the window given).
    let now = verifier.options().now;
    let window = verifier.options().window_for(DATE_WINDOW);
    let date = match cap.header(DATE_HEADER).map(|d| SdkDate::parse(d.trim())) {
        None => {
            fail(
                &mut report,
                "x-sdk-date",
                "the X-Sdk-Date header is missing",
            );
            None
        }
        Some(Err(_)) => {
            fail(
                &mut report,
                "x-sdk-date",
                "X-Sdk-Date is not YYYYMMDDTHHMMSSZ (basic ISO 8601, UTC)",
            );
            None
        }
        Some(Ok(d)) => Some(d),
    };
    if let Some(d) = date {
        report.timestamp = Some(d.to_unix());
        date_window(&mut report, &d, now, window);
    }

    let signed_headers = match SignedHeaders::parse(a.signed_headers) {
        Ok(s) => s,
        Err(e) => {
            fail(&mut report, "signed-headers", e.reason().to_string());
            return report;
        }
    };
    for name in ["host", "x-sdk-date"] {
        if !signed_headers.contains(name) {
            fail(
                &mut report,
                "signed-headers",
                format!("SignedHeaders does not include {name}"),
            );
        }
    }
    if let Some(missing) = signed_headers.first_missing(&cap.headers) {
        fail(
            &mut report,
            "signed-headers",
            format!("the signed header {missing} is not in the request"),
        );
        return report;
    }
    if !signed_headers.is_sorted() {
        report
            .notes
            .push("SignedHeaders is not sorted, as the SDKs sort it".into());
    }

    let scope = match (a.scope, date) {
        (Some((day, region, service)), Some(d)) => {
            if day != d.day() {
                fail(
                    &mut report,
                    "credential-scope",
                    format!(
                        "the credential date {} is not the day {} of X-Sdk-Date",
                        day.escape_debug(),
                        d.day()
                    ),
                );
            }
            match Scope::new(&d, region, service) {
                Ok(s) => Some(s),
                Err(e) => {
                    fail(&mut report, "credential-scope", format!("the scope's {e}"));
                    return report;
                }
            }
        }
        _ => None,
    };

    let creds = match verifier.credentials(a.access_key) {
        Ok(Some(creds)) => creds,
        Ok(None) => {
            fail(
                &mut report,
                "access-key",
                "Get secretKey failed, ak not exist (no key is known for this AK)",
            );
            return report;
        }
        Err(e) => {
            crate::keys::lookup_failed(&mut report, "access-key", &e);
            return report;
        }
    };
    match (creds.token(), cap.header("x-security-token")) {
        (Some(_), None) => fail(
            &mut report,
            "security-token",
            "the key file holds temporary credentials for this AK but the request has no X-Security-Token",
        ),
        (Some(t), Some(sent)) if !constant_time_eq(t.as_bytes(), sent.trim().as_bytes()) => fail(
            &mut report,
            "security-token",
            "X-Security-Token is not the token of this AK",
        ),
        (None, Some(_)) => report
            .notes
            .push("X-Security-Token is sent but the key file holds no token for this AK".into()),
        _ => {}
    }
    let Some(date) = date else {
        return report;
    };
    let req = request_of(cap, false);
    let signed = match hw::sign(
        &req,
        a.algorithm,
        &signed_headers,
        &Settings::default(),
        date,
        scope,
        a.access_key,
        creds.secret_key(),
    ) {
        Ok(s) => s,
        Err(e) => {
            let rule = if e.stage() == Stage::Request {
                "request"
            } else {
                "canonical-request"
            };
            fail(&mut report, rule, e.to_string());
            return report;
        }
    };
    if constant_time_eq(signed.signature().as_bytes(), a.signature.as_bytes()) {
        report.authenticated = true;
        return report;
    }
    fail(&mut report, "signature", "verify aksk signature fail");
    let computed = Computed {
        canonical_request: Some(crate::redact::canonical_request(
            &signed.canonical_request().to_string(),
        )),
        string_to_sign: signed.string_to_sign().to_string(),
        expected_signature: ExpectedSignature::new(signed.signature().to_string()),
        received_signature: a.signature.to_string(),
    };
    let d = crate::diagnose::diagnosis(
        &mut report,
        verifier.options().diagnose,
        signed_headers.names().count(),
        computed,
        |computed| {
            diagnose::diagnose(&diagnose::Case {
                cap,
                algorithm: a.algorithm,
                access_key: a.access_key,
                secret: creds.secret_key(),
                signed_headers: &signed_headers,
                date,
                scope,
                received: a.signature,
                computed,
            })
        },
    );
    report.diagnosis = Some(d);
    report
}

/// X-Sdk-Date must be within `window` seconds of `now` (API Gateway: 15 minutes); a date
/// off by whole hours was probably written in local time.
fn date_window(report: &mut Report, date: &SdkDate, now: i64, window: i64) {
    let Some(skew) = conformance::skew(date.to_unix(), now, window) else {
        return;
    };
    let window = window.unsigned_abs();
    let server = SdkDate::from_unix(now)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let local = skew.local_offset_h;
    match local {
        Some(h) => fail(
            report,
            "x-sdk-date-local-time",
            format!(
                "signature expired, signature time:{date},server time:{server}: X-Sdk-Date is {h:+} h from UTC, it was written in local time (UTC{h:+}) instead of UTC"
            ),
        ),
        None => fail(
            report,
            "x-sdk-date-window",
            format!(
                "signature expired, signature time:{date},server time:{server} (more than {} apart)",
                if window == DATE_WINDOW.unsigned_abs() {
                    "15 minutes".to_string()
                } else {
                    format!("{window} s")
                }
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verifier;
    use crate::capture::{Captured, HEADER_LOOKUPS, Location};
    use crate::keys::KeyRing;

    #[test]
    fn many_signed_headers_are_looked_up_without_a_scan_each() {
        // 3,000 signed names: the check that each is in the request scanned the headers
        // once per name (3,000 scans of 3,004 headers) before any key was needed.
        let mut names: Vec<String> = (0..3000).map(|i| format!("x-h{i}")).collect();
        names.extend(["content-type".into(), "host".into(), "x-sdk-date".into()]);
        names.sort();
        let mut headers: Vec<(String, String)> = [
            ("Host", "ecs.cn-north-4.myhuaweicloud.com"),
            ("Content-Type", "application/json"),
            ("X-Sdk-Date", "20251115T080910Z"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        headers.extend((0..3000).map(|i| (format!("X-H{i}"), "v".to_string())));
        let authorization = format!(
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders={}, Signature={}",
            names.join(";"),
            "0".repeat(64)
        );
        headers.push(("Authorization".into(), authorization.clone()));
        let keys = KeyRing::parse(
            "HPUAEXAMPLEAK0000001 cloudsigExampleHuaweiSecretKey0000000001",
            "test",
        )
        .unwrap();
        let verifier = Verifier::new(keys, crate::Options::at(1_763_194_150));
        let mut cap = Captured {
            location: Location::default(),
            method: "GET".into(),
            target: "/v1/vpcs".into(),
            headers,
            body: Vec::new(),
        };
        let before = HEADER_LOOKUPS.with(std::cell::Cell::get);
        let r = check(
            &Ctx::new(verifier.keys(), verifier.options()),
            &cap.view(),
            &authorization,
        );
        let lookups = HEADER_LOOKUPS.with(std::cell::Cell::get) - before;
        assert!(lookups < 100, "{lookups} scans of the headers");
        assert_eq!(
            (r.code(), r.findings[0].rule),
            (Some(INCORRECT_IAM_AUTH), "signature")
        );
        // A missing one is still named, the first in signing order.
        cap.headers.retain(|(n, _)| n != "X-H2999" && n != "X-H5");
        let r = check(
            &Ctx::new(verifier.keys(), verifier.options()),
            &cap.view(),
            &authorization,
        );
        assert_eq!(r.findings[0].rule, "signed-headers");
        assert!(
            r.findings[0]
                .message
                .ends_with("the signed header x-h2999 is not in the request"),
            "{r}"
        );
    }
}
