//! Protocol rules that hold whatever the signature: time window, sizes, content type and
//! algorithm pairing, tokens, nonce replay. Each rule adds a finding with its code.

use std::collections::HashMap;

use cloudsig_canonical::tencent::Credentials;

use crate::capture::RequestView;
use crate::codes;
use crate::report::{Report, Scheme};

/// Tencent Cloud refuses timestamps further than this from its clock (seconds).
pub const DEFAULT_WINDOW: i64 = 300;
/// The largest GET request, in bytes ("up to 32 KB").
pub const MAX_GET: usize = 32 * 1024;
/// The largest v1 POST body ("up to 1 MB").
pub const MAX_V1_POST: usize = 1024 * 1024;
/// The largest TC3 POST body ("up to 10 MB").
pub const MAX_TC3_POST: usize = 10 * 1024 * 1024;

/// The media type of a Content-Type value, lower-cased, without parameters.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The timestamp is within `window` seconds of `now`.
pub fn timestamp_window(report: &mut Report, timestamp: i64, now: i64, window: i64) {
    let skew = timestamp.saturating_sub(now);
    if skew.unsigned_abs() > window.unsigned_abs() {
        let (amount, side) = if skew < 0 {
            (skew.unsigned_abs(), "behind")
        } else {
            (skew.unsigned_abs(), "ahead of")
        };
        report.fail(
            codes::SIGNATURE_EXPIRE,
            "timestamp-window",
            format!("the timestamp is {amount} s {side} the verification time (at most {window} s allowed)"),
        );
    }
}

/// GET at most 32 KB; POST bodies at most 1 MB with v1 and 10 MB with TC3.
pub fn size_limits(report: &mut Report, cap: &RequestView<'_>, scheme: Scheme) {
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
pub fn content_type_pairing(report: &mut Report, cap: &RequestView<'_>, scheme: Scheme) {
    let raw = cap.header("content-type").unwrap_or_default();
    // Byte-wise, `;` being ASCII: a `char` pattern costs more on a short value.
    let essence = raw
        .get(..raw.bytes().position(|b| b == b';').unwrap_or(raw.len()))
        .unwrap_or_default()
        .trim();
    // The common case, checked without allocating.
    if scheme == Scheme::Tc3
        && cap.method == "POST"
        && essence.eq_ignore_ascii_case("application/json")
    {
        return;
    }
    let media = media_type(raw);
    let v1 = matches!(scheme, Scheme::V1HmacSha1 | Scheme::V1HmacSha256);
    let problem = match (scheme, cap.method, media.as_str()) {
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

/// The token sent agrees with the key file's, when the key file has one.
pub fn token(report: &mut Report, sent: Option<&str>, creds: &Credentials, header: &str) {
    match (creds.token(), sent) {
        (Some(want), Some(got)) if !cloudsig_core::constant_time_eq(want.as_bytes(), got.as_bytes()) => {
            report.fail(
                codes::TOKEN_FAILURE,
                "token",
                format!("{header} is not the key file's token for this SecretId (stale temporary credentials?)"),
            );
        }
        (Some(_), None) => report.fail(
            codes::TOKEN_FAILURE,
            "token",
            format!("the key file holds temporary credentials for this SecretId but the request has no {header}"),
        ),
        (None, Some(_)) => report
            .notes
            .push(format!("{header} is present; the key file has no token to check it against")),
        _ => {}
    }
}

/// Remembers v1 nonces per SecretId and reports one seen again within the window.
///
/// Feed it reports in capture order. Memory stays bounded: entries older than the
/// window (relative to the newest timestamp seen) are dropped when the table grows.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: HashMap<(String, u64), (i64, usize)>,
    /// Textual nonces (Alibaba), by (AccessKeyId, nonce).
    seen_text: HashMap<(String, String), (i64, usize)>,
    newest: i64,
    window: i64,
}

impl ReplayGuard {
    /// A guard for a time window in seconds.
    pub fn new(window: i64) -> Self {
        Self {
            seen: HashMap::new(),
            seen_text: HashMap::new(),
            newest: i64::MIN,
            window,
        }
    }

    /// Records the report's (SecretId, Nonce) and adds a finding if it was already used
    /// within the window.
    pub fn observe(&mut self, report: &mut Report) {
        self.observe_text(report);
        // The nonce first: only v1 requests have one, and the id is then cloned.
        let (Some(nonce), Some(ts)) = (report.nonce, report.timestamp) else {
            return;
        };
        let Some(id) = report.secret_id.clone() else {
            return;
        };
        let index = report.location.index;
        self.newest = self.newest.max(ts);
        if let Some((earlier_ts, earlier_index)) = self.seen.get(&(id.clone(), nonce)).copied()
            && ts.saturating_sub(earlier_ts).unsigned_abs() <= self.window.unsigned_abs()
        {
            report.fail(
                codes::INVALID_PARAMETER_VALUE,
                "nonce-replay",
                format!(
                    "Nonce {nonce} was already used by request #{} {} s earlier (replay)",
                    earlier_index + 1,
                    ts.saturating_sub(earlier_ts)
                ),
            );
            report.sort_findings();
        }
        self.seen.insert((id, nonce), (ts, index));
        if self.seen.len() > 1 << 20 {
            let cutoff = self.newest.saturating_sub(self.window);
            self.seen.retain(|_, (t, _)| *t >= cutoff);
        }
    }
}

impl ReplayGuard {
    /// The same for a textual signature nonce (Alibaba's `SignatureNonceUsed`).
    fn observe_text(&mut self, report: &mut Report) {
        // The nonce first: only Alibaba requests have one, and the strings are then cloned.
        let (Some(nonce), Some(ts)) = (report.signature_nonce.as_ref(), report.timestamp) else {
            return;
        };
        let Some(id) = report.secret_id.clone() else {
            return;
        };
        let nonce = nonce.clone();
        let index = report.location.index;
        self.newest = self.newest.max(ts);
        let window = crate::alibaba::codes::WINDOW
            .max(self.window.unsigned_abs().try_into().unwrap_or(i64::MAX));
        let key = (id, nonce);
        if let Some((earlier_ts, earlier_index)) = self.seen_text.get(&key).copied()
            && ts.saturating_sub(earlier_ts).unsigned_abs() <= window.unsigned_abs()
        {
            report.fail(
                crate::alibaba::codes::SIGNATURE_NONCE_USED,
                "nonce-replay",
                format!(
                    "signature nonce `{}` was already used by request #{} {} s earlier (replay)",
                    key.1.escape_debug(),
                    earlier_index + 1,
                    ts.saturating_sub(earlier_ts)
                ),
            );
            report.sort_findings();
        }
        self.seen_text.insert(key, (ts, index));
        if self.seen_text.len() > 1 << 20 {
            let cutoff = self.newest.saturating_sub(window);
            self.seen_text.retain(|_, (t, _)| *t >= cutoff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Captured, Location};
    use crate::report::Verdict;

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
            let got = codes_of(|r| content_type_pairing(r, &c.view(), scheme));
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

    #[test]
    fn replay_guard_flags_a_nonce_reused_within_the_window() {
        let mut guard = ReplayGuard::new(300);
        let report = |index, nonce, ts| {
            let mut r = Report::new(
                Location {
                    index,
                    ..Location::default()
                },
                Scheme::V1HmacSha1,
            );
            r.secret_id = Some("AKID".into());
            r.nonce = Some(nonce);
            r.timestamp = Some(ts);
            r
        };
        let mut first = report(0, 7, 1000);
        guard.observe(&mut first);
        assert_eq!(first.verdict, Verdict::Valid);
        let mut again = report(1, 7, 1100);
        guard.observe(&mut again);
        assert_eq!(again.code(), Some(codes::INVALID_PARAMETER_VALUE));
        assert!(again.findings[0].message.contains("request #1"));
        let mut later = report(2, 7, 1500);
        guard.observe(&mut later);
        assert_eq!(later.verdict, Verdict::Valid);
        let mut other = report(3, 8, 1500);
        guard.observe(&mut other);
        assert_eq!(other.verdict, Verdict::Valid);
    }
}
