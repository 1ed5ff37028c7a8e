//! Tencent Cloud's protocol rules that hold whatever the signature: the timestamp
//! window, sizes, content type and algorithm pairing, the token, the credential date,
//! and where a v1 request's parameters are.

use cloudsig_canonical::Credentials;
use cloudsig_canonical::v1::{self, Params};
use cloudsig_core::UtcDate;

use super::codes;
use crate::capture::RequestView;
use crate::conformance::{self, TokenCheck};
use crate::params::{FormError, decode_form};
use crate::report::{Report, Scheme};

/// The largest GET request, in bytes ("up to 32 KB").
pub(crate) const MAX_GET: usize = 32 * 1024;
/// The largest v1 POST body ("up to 1 MB").
pub(crate) const MAX_V1_POST: usize = 1024 * 1024;
/// The largest TC3 POST body ("up to 10 MB").
pub(crate) const MAX_TC3_POST: usize = 10 * 1024 * 1024;

/// The media type of a Content-Type value, lower-cased, without parameters.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The timestamp is within `window` seconds of `now`.
pub(crate) fn timestamp_window(report: &mut Report, timestamp: i64, now: i64, window: i64) {
    if let Some(skew) = conformance::skew(timestamp, now, window) {
        let (amount, side) = (skew.seconds.unsigned_abs(), skew.side());
        report.fail(
            codes::SIGNATURE_EXPIRE,
            "timestamp-window",
            format!("the timestamp is {amount} s {side} the verification time (at most {window} s allowed)"),
        );
    }
}

/// GET at most 32 KB; POST bodies at most 1 MB with v1 and 10 MB with TC3.
pub(crate) fn size_limits(report: &mut Report, cap: &RequestView<'_>, scheme: Scheme) {
    if cap.method == "GET" {
        let size = cap.target.len()
            + cap
                .headers
                .iter()
                .map(|(n, v)| n.len() + v.len() + 4)
                .sum::<usize>()
            + cap.body.len();
        if size > MAX_GET {
            report.fail(
                codes::REQUEST_SIZE_LIMIT_EXCEEDED,
                "size-limit",
                format!("a GET request is limited to 32 KB; this one is {size} bytes (use POST)"),
            );
        }
        return;
    }
    let (limit, what) = match scheme {
        Scheme::Tc3 => (
            MAX_TC3_POST,
            "TC3-HMAC-SHA256 POST bodies are limited to 10 MB",
        ),
        Scheme::V1HmacSha1 | Scheme::V1HmacSha256 => (
            MAX_V1_POST,
            "v1 POST bodies are limited to 1 MB (TC3-HMAC-SHA256 allows 10 MB)",
        ),
        _ => return,
    };
    if cap.body.len() > limit {
        report.fail(
            codes::REQUEST_SIZE_LIMIT_EXCEEDED,
            "size-limit",
            format!("{what}; this one is {} bytes", cap.body.len()),
        );
    }
}

/// JSON and multipart need TC3; form bodies need v1; a TC3 GET is form-encoded.
/// `content_type` is the request's first Content-Type header, `method` its method.
pub(crate) fn content_type_pairing(
    report: &mut Report,
    content_type: Option<&str>,
    method: &str,
    scheme: Scheme,
) {
    let raw = content_type.unwrap_or_default();
    // Byte-wise, `;` being ASCII: a `char` pattern costs more on a short value.
    let essence = raw
        .get(..raw.bytes().position(|b| b == b';').unwrap_or(raw.len()))
        .unwrap_or_default()
        .trim();
    // The common case, checked without allocating.
    if scheme == Scheme::Tc3 && method == "POST" && essence.eq_ignore_ascii_case("application/json")
    {
        return;
    }
    let media = media_type(raw);
    let v1 = matches!(scheme, Scheme::V1HmacSha1 | Scheme::V1HmacSha256);
    let problem = match (scheme, method, media.as_str()) {
        (
            Scheme::Tc3,
            "POST",
            "application/json" | "multipart/form-data" | "application/octet-stream",
        ) => None,
        (Scheme::Tc3, "POST", "application/x-www-form-urlencoded") => Some(
            "a form-encoded POST must be signed with HmacSHA1 or HmacSHA256, not TC3-HMAC-SHA256"
                .to_string(),
        ),
        (Scheme::Tc3, "POST", other) => Some(format!(
            "a TC3-HMAC-SHA256 POST carries application/json or multipart/form-data, not {}",
            if other.is_empty() {
                "no Content-Type"
            } else {
                other
            }
        )),
        (Scheme::Tc3, "GET", "application/x-www-form-urlencoded") => None,
        (Scheme::Tc3, "GET", other) => Some(format!(
            "a TC3-HMAC-SHA256 GET must declare application/x-www-form-urlencoded, not {}",
            if other.is_empty() {
                "no Content-Type"
            } else {
                other
            }
        )),
        (_, "POST", "application/json" | "multipart/form-data") if v1 => Some(format!(
            "{media} bodies must be signed with TC3-HMAC-SHA256; HmacSHA1/HmacSHA256 sign form bodies only"
        )),
        (_, "POST", other) if v1 && other != "application/x-www-form-urlencoded" => Some(format!(
            "a v1 POST carries application/x-www-form-urlencoded, not {}",
            if other.is_empty() {
                "no Content-Type"
            } else {
                other
            }
        )),
        _ => None,
    };
    if let Some(message) = problem {
        report.fail(codes::INVALID_PARAMETER, "content-type-algorithm", message);
    }
}

/// The token sent agrees with the key file's, when the key file has one (the one
/// token check, [`conformance::token_check`], in Tencent Cloud's words).
pub(crate) fn token(report: &mut Report, sent: Option<&str>, creds: &Credentials, header: &str) {
    match conformance::token_check(creds, sent) {
        TokenCheck::Mismatch => report.fail(
            codes::TOKEN_FAILURE,
            "token",
            format!("{header} is not the key file's token for this SecretId (stale temporary credentials?)"),
        ),
        TokenCheck::Missing => report.fail(
            codes::TOKEN_FAILURE,
            "token",
            format!("the key file holds temporary credentials for this SecretId but the request has no {header}"),
        ),
        TokenCheck::Unchecked => report
            .notes
            .push(format!("{header} is present; the key file has no token to check it against")),
        TokenCheck::Agrees => {}
    }
}

/// The credential date must be the UTC date of the timestamp.
pub(super) fn credential_date(report: &mut Report, date: UtcDate, timestamp: i64) {
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

/// The v1 parameters of a request, as [`v1_params`] finds them.
pub(super) struct V1Found {
    /// The list holding `Signature`.
    pub(super) signed: Params,
    /// Where it is, for messages.
    pub(super) place: &'static str,
    /// The other list of a POST (the query beside a signed form body, or a form body
    /// beside a signed query), which the signature does not cover, and where it is.
    pub(super) other: Option<(Params, &'static str)>,
}

/// The v1 parameters of a request: its query for GET, its form body for POST (or the
/// query when the body has no Signature), if a Signature parameter is present; for a
/// POST, with the other list, which is not signed.
pub(super) fn v1_params(cap: &RequestView<'_>) -> Result<Option<V1Found>, FormError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Captured, Location};

    fn cap(method: &str, target: &str, ct: Option<&str>, body: Vec<u8>) -> Captured {
        let mut headers = vec![("Host".to_string(), "cvm.tencentcloudapi.com".to_string())];
        if let Some(ct) = ct {
            headers.push(("Content-Type".to_string(), ct.to_string()));
        }
        Captured {
            location: Location::default(),
            method: method.into(),
            target: target.into(),
            headers,
            body,
        }
    }

    fn codes_of(f: impl FnOnce(&mut Report)) -> Vec<&'static str> {
        let mut r = Report::new(Location::default(), Scheme::Tc3);
        f(&mut r);
        r.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn size_limits_by_method_and_scheme() {
        let big_get = cap("GET", &format!("/?X={}", "a".repeat(MAX_GET)), None, vec![]);
        assert_eq!(
            codes_of(|r| size_limits(r, &big_get.view(), Scheme::Tc3)),
            [codes::REQUEST_SIZE_LIMIT_EXCEEDED]
        );
        let v1_post = cap("POST", "/", None, vec![b'a'; MAX_V1_POST + 1]);
        assert_eq!(
            codes_of(|r| size_limits(r, &v1_post.view(), Scheme::V1HmacSha1)),
            [codes::REQUEST_SIZE_LIMIT_EXCEEDED]
        );
        // The same body is fine with TC3, up to 10 MB.
        assert!(codes_of(|r| size_limits(r, &v1_post.view(), Scheme::Tc3)).is_empty());
        let tc3_post = cap("POST", "/", None, vec![b'a'; MAX_TC3_POST + 1]);
        assert_eq!(
            codes_of(|r| size_limits(r, &tc3_post.view(), Scheme::Tc3)),
            [codes::REQUEST_SIZE_LIMIT_EXCEEDED]
        );
        let ok = cap("POST", "/", None, vec![b'a'; MAX_V1_POST]);
        assert!(codes_of(|r| size_limits(r, &ok.view(), Scheme::V1HmacSha256)).is_empty());
    }

    #[test]
    fn content_type_and_algorithm_pairing() {
        let pairs = [
            (
                "POST",
                Some("application/json; charset=utf-8"),
                Scheme::Tc3,
                true,
            ),
            (
                "POST",
                Some("multipart/form-data; boundary=x"),
                Scheme::Tc3,
                true,
            ),
            ("POST", Some("application/octet-stream"), Scheme::Tc3, true),
            (
                "POST",
                Some("application/x-www-form-urlencoded"),
                Scheme::Tc3,
                false,
            ),
            ("POST", None, Scheme::Tc3, false),
            (
                "GET",
                Some("application/x-www-form-urlencoded"),
                Scheme::Tc3,
                true,
            ),
            ("GET", Some("application/json"), Scheme::Tc3, false),
            (
                "POST",
                Some("application/x-www-form-urlencoded"),
                Scheme::V1HmacSha1,
                true,
            ),
            ("POST", Some("application/json"), Scheme::V1HmacSha1, false),
            (
                "POST",
                Some("multipart/form-data; boundary=x"),
                Scheme::V1HmacSha256,
                false,
            ),
            ("POST", Some("text/plain"), Scheme::V1HmacSha256, false),
            ("GET", None, Scheme::V1HmacSha1, true),
        ];
        for (method, ct, scheme, ok) in pairs {
            let c = cap(method, "/", ct, vec![]);
            let got = codes_of(|r| {
                content_type_pairing(r, c.view().header("content-type"), &c.method, scheme)
            });
            assert_eq!(got.is_empty(), ok, "{method} {ct:?} {scheme}: {got:?}");
            if !ok {
                assert_eq!(got, [codes::INVALID_PARAMETER]);
            }
        }
    }

    #[test]
    fn timestamp_window_both_ways() {
        assert!(codes_of(|r| timestamp_window(r, 1000, 1300, 300)).is_empty());
        assert_eq!(
            codes_of(|r| timestamp_window(r, 1000, 1301, 300)),
            [codes::SIGNATURE_EXPIRE]
        );
        assert_eq!(
            codes_of(|r| timestamp_window(r, 1301, 1000, 300)),
            [codes::SIGNATURE_EXPIRE]
        );
        assert_eq!(
            codes_of(|r| timestamp_window(r, i64::MIN, i64::MAX, 300)),
            [codes::SIGNATURE_EXPIRE]
        );
    }
}
