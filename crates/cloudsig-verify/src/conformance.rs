//! Protocol rules that hold whatever the signature: time window, sizes, content type and
//! algorithm pairing, tokens, nonce replay. Each rule adds a finding with its code.

use std::collections::HashMap;

use cloudsig_canonical::tencent::Credentials;

use crate::capture::Captured;
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
pub fn size_limits(report: &mut Report, cap: &Captured, scheme: Scheme) {
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
pub fn content_type_pairing(report: &mut Report, cap: &Captured, scheme: Scheme) {
    let media = cap
        .header("content-type")
        .map(media_type)
        .unwrap_or_default();
    let v1 = matches!(scheme, Scheme::V1HmacSha1 | Scheme::V1HmacSha256);
    let problem = match (scheme, cap.method.as_str(), media.as_str()) {
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
    newest: i64,
    window: i64,
}

impl ReplayGuard {
    /// A guard for a time window in seconds.
    pub fn new(window: i64) -> Self {
        Self {
            seen: HashMap::new(),
            newest: i64::MIN,
            window,
        }
    }

    /// Records the report's (SecretId, Nonce) and adds a finding if it was already used
    /// within the window.
    pub fn observe(&mut self, report: &mut Report) {
        let (Some(id), Some(nonce), Some(ts)) =
            (report.secret_id.clone(), report.nonce, report.timestamp)
        else {
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
